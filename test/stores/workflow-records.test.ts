/** Genomics workflow records: recorded, updated when they finish, listed oldest first per workload. */
import { describe, expect, it } from 'vitest';
import { createWorkflowRecords, workflowPartitionKey, type WorkflowRecord } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';

const azurite = useAzurite();

const record = (workflowId: number, submittedAt: string, extra: Partial<WorkflowRecord> = {}): WorkflowRecord => ({
  workloadId: 'genomics-pipeline',
  account: 'contosogenomicswus2',
  workflowId,
  submittedAt,
  submission: { Process: 'snapgatk', InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: `s${workflowId}.bam` } },
  finishedAt: null,
  ...extra,
});

describe('workflow records', () => {
  it('records, updates on finish and lists a workload\'s workflows oldest first', async () => {
    const workflows = createWorkflowRecords(azurite.fresh('workflowstest'));
    expect(await workflows.workflowRecords('genomics-pipeline')).toEqual([]);
    await workflows.recordWorkflow(record(12, '2026-11-23T08:10:00.000Z'));
    await workflows.recordWorkflow(record(11, '2026-11-23T08:00:00.000Z'));
    await workflows.recordWorkflow(record(10, '2026-11-23T08:00:00.000Z'));
    await workflows.recordWorkflow({ ...record(1, '2026-11-23T07:00:00.000Z'), workloadId: 'other-pipeline' });
    await workflows.recordWorkflow(record(12, '2026-11-23T08:10:00.000Z', { finishedAt: '2026-11-23T09:00:00.000Z' }));
    const listed = await workflows.workflowRecords('genomics-pipeline');
    expect(listed.map((r) => [r.workflowId, r.finishedAt])).toEqual([
      [10, null],
      [11, null],
      [12, '2026-11-23T09:00:00.000Z'],
    ]);
    expect(listed[0]).toEqual(record(10, '2026-11-23T08:00:00.000Z'));
    expect((await workflows.workflowRecords('other-pipeline')).map((r) => r.workflowId)).toEqual([1]);
    const rows = await azurite.rows(workflows.table);
    expect(rows.find((r) => r['workflowId'] === 12)).toMatchObject({ partitionKey: workflowPartitionKey('genomics-pipeline'), rowKey: 'contosogenomicswus2-12' });
  });

  it('refuses a record without a workload or account, or with an invalid time', async () => {
    const workflows = createWorkflowRecords(azurite.fresh('workflowstest'));
    await expect(workflows.recordWorkflow({ ...record(1, '2026-11-23T07:00:00.000Z'), workloadId: '' })).rejects.toThrow(RangeError);
    await expect(workflows.recordWorkflow({ ...record(1, '2026-11-23T07:00:00.000Z'), account: '' })).rejects.toThrow(RangeError);
    await expect(workflows.recordWorkflow(record(1, 'yesterday'))).rejects.toThrow(/submittedAt is not a valid date: yesterday/);
  });
});
