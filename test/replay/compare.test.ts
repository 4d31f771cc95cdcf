/**
 * The replay report's comparison: incident views read as runs (verdict, approvals, playbooks,
 * recovery), and then against now: what decides the verdict, what is only timing, and what is
 * only wording.
 */
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../lib/replay/compare.js';
import { incidentRun } from '../../lib/replay/runs.js';
import type { IncidentRun } from '../../lib/replay/types.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import { ACTED, FAILOVER_WAVES, KEY, mediaIncident, NOTIFIED, OBJECTIVE_MS, WORKLOAD, type Variant } from './report-fixtures.js';

const THEN_AT = '2026-11-23T09:00:00.000Z';
const NOW_AT = '2027-02-02T14:30:00.000Z';

function run(view: IncidentView, key: string | null = KEY): IncidentRun {
  return incidentRun(view, { incidentKey: key, startedAt: view.timeline[0]!.at, objectives: { [WORKLOAD]: OBJECTIVE_MS } });
}
const then = (v: Variant = {}) => run(mediaIncident({ at: THEN_AT, ...v }));
/** The replay: another incident id, another day, steps at another pace. */
const now = (v: Variant = {}) => run(mediaIncident({ at: NOW_AT, incidentId: 'inc-20270202-1430-replay', pace: 0.7, ...v }));
const diff = (what: string, before: string, after: string, workloadId: string | null = WORKLOAD) => ({ incidentKey: KEY, workloadId, what, then: before, now: after });

describe('incidentRun', () => {
  it('reads a failed-over-and-back incident per workload: verdict, approvals, both playbooks, recovery against the objective', () => {
    const r = then();
    expect(r).toMatchObject({ incidentId: 'inc-20261123-0900-xk8t', incidentKey: KEY, title: 'Azure Media Services - West Europe - Streaming degraded', outcome: 'failed-over-and-back', phase: 'completed', finished: true, startedAt: THEN_AT });
    expect(r.workloads).toHaveLength(1);
    const w = r.workloads[0]!;
    expect(w).toMatchObject({ workloadId: WORKLOAD, decision: ACTED.slice(WORKLOAD.length + 2), verdict: 'act', approvalsAsked: 1, objectiveMs: OBJECTIVE_MS });
    // 10 min dwell, then waves of 4 s, 95 s, 30 s, 5 s and 60 s.
    expect(w.recoveryMs).toBe(600_000 + 194_000);
    expect(w.failover).toMatchObject({ ok: true, failedStep: null, durationMs: 194_000 });
    expect(w.failover!.steps.map((s) => [s.step, s.status, s.durationMs])).toEqual([
      ['announce', 'done', 2000],
      ['check-account', 'done', 4000],
      ['ensure-transforms', 'done', 6000],
      ['start-streaming-endpoints', 'done', 95_000],
      ['start-live-events', 'done', 60_000],
      ['resubmit-jobs', 'done', 30_000],
      ['flip-active-pointer', 'done', 5000],
      ['switch-traffic', 'done', 60_000],
    ]);
    expect(w.failover!.steps[2]!.startedAt).toBe('2026-11-23T09:10:04.000Z');
    expect(w.failback).toMatchObject({ ok: true, failedStep: null });
    expect(w.failback!.steps).toHaveLength(9);
  });

  it('reads a notify-only decision as notify, with no playbook and no recovery', () => {
    const w = then({ notifyOnly: true }).workloads[0]!;
    expect(w).toEqual({ workloadId: WORKLOAD, decision: NOTIFIED.slice(WORKLOAD.length + 2), verdict: 'notify', approvalsAsked: 0, failover: null, failback: null, recoveryMs: null, objectiveMs: OBJECTIVE_MS });
  });

  it('counts the failover and the failback approval requests that name the workload', () => {
    expect(then({ approveFailover: true }).workloads[0]!.approvalsAsked).toBe(2);
  });

  it('has no recovery when the failover failed, and keeps the undo records after the failed step', () => {
    const w = then({ failAt: 'resubmit-jobs' }).workloads[0]!;
    expect(w.recoveryMs).toBeNull();
    expect(w.failover!.steps.slice(5).map((s) => `${s.step} ${s.status}`)).toEqual([
      'resubmit-jobs failed',
      'resubmit-jobs compensated',
      'start-live-events compensated',
      'start-streaming-endpoints compensated',
      'flip-active-pointer not-run',
      'switch-traffic not-run',
    ]);
  });

  it('takes a retirement note after the verdict for what it is, not the decision', () => {
    const view = mediaIncident({ at: THEN_AT });
    view.timeline.splice(2, 0, { at: THEN_AT, type: 'decision', detail: `${WORKLOAD}: Azure Media Services retires on 2026-06-30: plan the move` });
    expect(run(view).workloads[0]).toMatchObject({ verdict: 'act', decision: ACTED.slice(WORKLOAD.length + 2) });
  });

  it('falls back on what the incident planned when a reason is worded in a way it does not know', () => {
    const acted = run(mediaIncident({ at: THEN_AT, decision: `${WORKLOAD}: failing over: a service incident` })).workloads[0]!;
    expect(acted.verdict).toBe('act');
    const view = mediaIncident({ at: THEN_AT, notifyOnly: true });
    view.timeline[1] = { ...view.timeline[1]!, detail: `${WORKLOAD}: telling the channels: a service incident` };
    expect(run(view).workloads[0]!.verdict).toBe('notify');
  });

  it('lists a workload the plan ignored, with verdict none and its reason', () => {
    const view = mediaIncident({ at: THEN_AT });
    view.timeline.splice(1, 0, { at: THEN_AT, type: 'decision', detail: `media-archive: ignored: the alert comes from subscription ${'1'.repeat(8)}-0000-0000-0000-000000000000, which the workload does not live in` });
    const r = run(view);
    expect(r.workloads.map((w) => [w.workloadId, w.verdict, w.failover === null])).toEqual([
      [WORKLOAD, 'act', false],
      ['media-archive', 'none', true],
    ]);
  });
});

describe('compareRuns', () => {
  it('matches a replay that did the same at another time, pace and incident id', () => {
    expect(compareRuns([then()], [now({ dwellMs: 10_000 })])).toEqual({ differences: [], notes: [], verdict: 'match' });
  });

  it('has no expectation without a then', () => {
    expect(compareRuns(null, [now()])).toEqual({ differences: [], notes: [], verdict: 'no-expectation' });
  });

  it('names every difference of a policy that became notify-only', () => {
    expect(compareRuns([then()], [now({ notifyOnly: true })])).toEqual({
      differences: [
        diff('outcome', 'failed-over-and-back', 'notified-only', null),
        diff('verdict', 'act', 'notify'),
        diff('approvals asked', '1', '0'),
        diff('failed over', 'yes', 'no'),
        diff('failed back', 'yes', 'no'),
      ],
      notes: [],
      verdict: 'differ',
    });
  });

  it('names an approval now asked that was not then', () => {
    // At the replay's speed the 10 min dwell takes 10 s, so the 3 min wait for the approval keeps it within the objective.
    const c = compareRuns([then()], [now({ approveFailover: true, dwellMs: 10_000 })]);
    expect(c.differences).toEqual([diff('approvals asked', '1', '2')]);
    expect(c.verdict).toBe('differ');
  });

  it('names a failed step: the outcome, the failover, each step that ended otherwise, and the failback that never came', () => {
    expect(compareRuns([then()], [now({ failAt: 'resubmit-jobs' })]).differences).toEqual([
      diff('outcome', 'failed-over-and-back', 'failover-failed', null),
      // The failback approval was never asked.
      diff('approvals asked', '1', '0'),
      diff('failover ok', 'yes', 'no'),
      diff('failover failed step', 'none', 'resubmit-jobs'),
      diff('failover step start-streaming-endpoints', 'done', 'done, compensated'),
      diff('failover step start-live-events', 'done', 'done, compensated'),
      diff('failover step resubmit-jobs', 'done', 'failed, compensated'),
      diff('failover step flip-active-pointer', 'done', 'not run'),
      diff('failover step switch-traffic', 'done', 'not run'),
      diff('failed back', 'yes', 'no'),
    ]);
  });

  it('names a step added to or left out of the playbook', () => {
    const without = FAILOVER_WAVES.filter((w) => w[0]![0] !== 'flip-active-pointer');
    expect(compareRuns([then()], [now({ failoverWaves: without })]).differences).toEqual([diff('failover step flip-active-pointer', 'done', 'not in the playbook')]);
    expect(compareRuns([then({ failoverWaves: without })], [now()]).differences).toEqual([diff('failover step flip-active-pointer', 'not in the playbook', 'done')]);
  });

  it('names steps run in another order when every status agrees', () => {
    const swapped = [...FAILOVER_WAVES.slice(0, 2), FAILOVER_WAVES[3]!, FAILOVER_WAVES[2]!, FAILOVER_WAVES[4]!];
    expect(compareRuns([then()], [now({ failoverWaves: swapped })]).differences).toEqual([
      diff(
        'failover step order',
        'announce, check-account, ensure-transforms, start-streaming-endpoints, start-live-events, resubmit-jobs, flip-active-pointer, switch-traffic',
        'announce, check-account, ensure-transforms, start-streaming-endpoints, start-live-events, flip-active-pointer, resubmit-jobs, switch-traffic',
      ),
    ]);
  });

  it('shows a reason worded differently as a note that does not change the verdict', () => {
    const reworded = `${WORKLOAD}: acted because: a Service Health incident for Media Services in westeurope; policy auto`;
    expect(compareRuns([then()], [now({ decision: reworded })])).toEqual({
      differences: [],
      notes: [diff('reason', ACTED.slice(WORKLOAD.length + 2), reworded.slice(WORKLOAD.length + 2))],
      verdict: 'match',
    });
  });

  it('never names a recovery that is only slower, unless it now misses the objective the original met', () => {
    // Steps half as slow again: 14m 51s, within the 15 min objective.
    expect(compareRuns([then()], [now({ pace: 1.5 })]).differences).toEqual([]);
    // 14 min of dwell: 17m 14s to recover, past it.
    expect(compareRuns([then()], [now({ pace: 1, dwellMs: 14 * 60_000 })]).differences).toEqual([diff('recovery objective', 'met: 13m 14s (objective 15m)', 'missed: 17m 14s (objective 15m)')]);
    // Missed then too: not new, not a difference.
    expect(compareRuns([then({ dwellMs: 14 * 60_000 })], [now({ pace: 1, dwellMs: 15 * 60_000 })]).differences).toEqual([]);
  });

  it('matches incidents by key, then by order, and names one missing or extra', () => {
    const second = (v: Variant) => run(mediaIncident({ at: '2026-11-23T13:00:00.000Z', incidentId: 'inc-second', ...v }));
    const other = run(mediaIncident({ at: THEN_AT, incidentId: 'inc-other', title: 'Azure Media Services - North Europe - Encoding delays' }), 'ZZ9-OTHER');
    expect(compareRuns([then(), second({ notifyOnly: true })], [now(), second({ notifyOnly: true, incidentId: 'inc-second-replay' })]).verdict).toBe('match');
    expect(compareRuns([then(), second({ notifyOnly: true })], [now()]).differences).toEqual([diff('incident', 'notified-only: Azure Media Services - West Europe - Streaming degraded', 'no incident', null)]);
    expect(compareRuns([then()], [other, now()]).differences).toEqual([
      { incidentKey: 'ZZ9-OTHER', workloadId: null, what: 'incident', then: 'no incident', now: 'failed-over-and-back: Azure Media Services - North Europe - Encoding delays' },
    ]);
  });

  it('says an incident still running is not finished, and compares it as such', () => {
    const running = now();
    const c = compareRuns([then()], [{ ...running, outcome: null, phase: 'failed-over', finished: false }]);
    expect(c.differences).toEqual([diff('outcome', 'failed-over-and-back', 'not finished (failed-over)', null)]);
  });
});
