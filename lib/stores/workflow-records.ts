/**
 * The app's record of the Microsoft Genomics workflows a pipeline submitted
 * (POST /api/workloads/{id}/workflows): when the primary region is down its workflow list cannot
 * be read, and these are what the failover resubmits.
 *
 * Rows: `workflows-<sha256(workloadId)>` / `<account>-<workflowId>`, with workloadId, account,
 * workflowId, submittedAt, submission (JSON), finishedAt ('' while open) (in the stores' shared
 * table, lib/stores/table.ts).
 */
import { isoText, nonEmpty, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

/** A Genomics workflow a pipeline submitted, as it told the app (POST /api/workloads/{id}/workflows). */
export interface WorkflowRecord {
  workloadId: string;
  /** The Genomics account it was submitted to. */
  account: string;
  workflowId: number;
  submittedAt: string;
  /** The submit body, as msgen sent it: what a resubmission starts from. */
  submission: Record<string, unknown>;
  /** When the pipeline saw it end; null while it may be queued or running. */
  finishedAt: string | null;
}

export interface WorkflowRecords {
  readonly table: string;
  /** Records (or updates: a second call with `finishedAt`) a submitted Genomics workflow. */
  recordWorkflow(record: WorkflowRecord): Promise<void>;
  /** A workload's recorded workflows, oldest first. */
  workflowRecords(workloadId: string): Promise<WorkflowRecord[]>;
}

export function workflowPartitionKey(workloadId: string): string {
  return `workflows-${sha256(workloadId)}`;
}

export function createWorkflowRecords(source: StoreTable | StoreTableOptions): WorkflowRecords {
  const { client, call, ensureTable, name } = storeTable(source);

  async function recordWorkflow(record: WorkflowRecord): Promise<void> {
    nonEmpty(record.workloadId, 'workloadId');
    nonEmpty(record.account, 'account');
    await ensureTable();
    await call('record workflow', (abortSignal) =>
      client.upsertEntity(
        {
          partitionKey: workflowPartitionKey(record.workloadId),
          rowKey: `${record.account.toLowerCase()}-${record.workflowId}`,
          workloadId: record.workloadId,
          account: record.account,
          workflowId: record.workflowId,
          submittedAt: toDate(record.submittedAt, 'submittedAt'),
          submission: JSON.stringify(record.submission),
          finishedAt: record.finishedAt === null ? '' : toDate(record.finishedAt, 'finishedAt').toISOString(),
        },
        'Replace',
        { abortSignal },
      ),
    );
  }

  async function workflowRecords(workloadId: string): Promise<WorkflowRecord[]> {
    await ensureTable();
    const partitionKey = workflowPartitionKey(workloadId);
    return call('read workflows', async (abortSignal) => {
      const records: WorkflowRecord[] = [];
      const rows = client.listEntities<{ workloadId: string; account: string; workflowId: number; submittedAt: unknown; submission: string; finishedAt: string }>({
        queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
        abortSignal,
      });
      for await (const row of rows) {
        records.push({
          workloadId: row.workloadId,
          account: row.account,
          workflowId: Number(row.workflowId),
          submittedAt: isoText(row.submittedAt),
          submission: JSON.parse(row.submission) as Record<string, unknown>,
          finishedAt: row.finishedAt === '' ? null : row.finishedAt,
        });
      }
      return records.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.workflowId - b.workflowId);
    });
  }

  return { table: name, recordWorkflow, workflowRecords };
}
