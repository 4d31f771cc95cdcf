/** The checklist of to-dos: what the "failover done" notification and the incident view show. */
import { describe, expect, it } from 'vitest';
import { checklistOf } from '../../lib/incidents/contract.js';
import type { PlaybookResult, StepRecord } from '../../lib/playbooks/types.js';

const at = '2026-01-01T00:10:00.000Z';
const record = (step: string, status: StepRecord['status'], todo?: StepRecord['todo']): StepRecord => ({ step, status, detail: status, startedAt: at, finishedAt: at, ...(todo !== undefined ? { todo } : {}) });
const result = (workloadId: string, steps: StepRecord[], ok = true): PlaybookResult => ({ ok, workloadId, direction: 'failover', steps, failedStep: ok ? null : 'flip', durationMs: 1 });

describe('checklistOf', () => {
  it('lists each step record\'s to-dos with where they came from, in workload then step order', () => {
    const ingest = { kind: 'ingest-url' as const, text: 'Point the encoders at rtmps://ne/ingest', url: 'rtmps://ne/ingest' };
    const resubmit = { kind: 'resubmit-job' as const, text: 'Resubmit job 7', resourceId: '/subscriptions/s/jobs/7' };
    const grant = { kind: 'grant-role' as const, text: 'Grant Reader on the standby' };
    expect(
      checklistOf({
        media: result('media', [record('announce', 'done'), record('start-live', 'done', [ingest, resubmit])]),
        purview: result('purview', [record('grant', 'already-done', [grant])]),
      }),
    ).toEqual([
      { workloadId: 'media', direction: 'failover', step: 'start-live', ...ingest },
      { workloadId: 'media', direction: 'failover', step: 'start-live', ...resubmit },
      { workloadId: 'purview', direction: 'failover', step: 'grant', ...grant },
    ]);
  });

  it('leaves out the to-dos of a step its playbook compensated afterwards', () => {
    const todo = [{ kind: 'check' as const, text: 'Check the standby' }];
    expect(checklistOf({ media: result('media', [record('start', 'done', todo), record('flip', 'failed'), record('start', 'compensated')], false) })).toEqual([]);
    expect(checklistOf({})).toEqual([]);
  });
});
