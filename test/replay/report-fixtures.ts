/**
 * Incident views for the replay report's tests, shaped as GET /api/incidents/{id} answers them:
 * the timeline entries the incident orchestration writes (orchestrations/incident.ts), decisions
 * worded by lib/decisions/decide.ts, and playbook results with the step records the playbook
 * orchestration writes, waves of steps sharing their start. One Media Services incident in West
 * Europe, failed over to North Europe and back, and the variants a replay can turn it into.
 */
import { fromSummary } from '../../lib/incidents/progress.js';
import type { IncidentOutcome, TimelineEntry, TimelineType } from '../../lib/incidents/types.js';
import { incidentChecklist, type IncidentView } from '../../lib/operators/incidents.js';
import type { PlaybookResult, StepRecord } from '../../lib/playbooks/types.js';

export const SUBSCRIPTION = '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const KEY = 'XK8T-1QZ';
export const TITLE = 'Azure Media Services - West Europe - Streaming degraded';
export const WORKLOAD = 'media-streaming';
/** 15 minutes: the catalog's recovery time objective for media-streaming. */
export const OBJECTIVE_MS = 15 * 60_000;

const WHAT = `Service Health Incident (Active) for Media Services in westeurope, subscription ${SUBSCRIPTION}, matches ${WORKLOAD}'s primary`;
export const ACTED = `${WORKLOAD}: acted because: ${WHAT}; a service incident; policy auto`;
export const NOTIFIED = `${WORKLOAD}: notified only: ${WHAT}; a service incident, but the policy is notify-only`;

/** The failover runbook in its waves (lib/playbooks/media-services/playbook.ts), with how long each step took (s). */
export const FAILOVER_WAVES: Array<Array<[string, number]>> = [
  [['announce', 2], ['check-account', 4]],
  [['ensure-transforms', 6], ['start-streaming-endpoints', 95], ['start-live-events', 60]],
  [['resubmit-jobs', 30]],
  [['flip-active-pointer', 5]],
  [['switch-traffic', 60]],
];
export const FAILBACK_WAVES: Array<Array<[string, number]>> = [
  [['announce', 2], ['check-account', 4]],
  [['start-streaming-endpoints', 90], ['start-live-events', 55]],
  [['resubmit-jobs', 20]],
  [['flip-active-pointer', 5]],
  [['switch-traffic', 60]],
  [['stop-live-events', 30], ['stop-streaming-endpoints', 45]],
];

/** Options that change how an incident went; the defaults are the original: auto, failed over and back. */
export interface Variant {
  /** Where the clock starts: a replay's incident runs at another time. */
  at?: string;
  incidentId?: string;
  /** Each step's duration multiplied by this (timing differs run to run). */
  pace?: number;
  decision?: string;
  notifyOnly?: boolean;
  approveFailover?: boolean;
  /** The failover step that fails (its playbook then undoes what it did). */
  failAt?: string;
  failoverWaves?: Array<Array<[string, number]>>;
  /** A dwell time other than 10 minutes, to move recovery. */
  dwellMs?: number;
  title?: string;
  stepDetail?: string;
}

export function mediaIncident(v: Variant = {}): IncidentView {
  const t0 = Date.parse(v.at ?? '2026-11-23T09:00:00.000Z');
  const pace = v.pace ?? 1;
  const title = v.title ?? TITLE;
  const timeline: TimelineEntry[] = [];
  let now = t0;
  const iso = (t: number) => new Date(t).toISOString();
  const record = (type: TimelineType, detail: string) => timeline.push({ at: iso(now), type, detail });

  record('signal', `serviceHealth Incident Active: ${title}`);
  record('decision', v.notifyOnly ? NOTIFIED : (v.decision ?? ACTED));
  const summary: NonNullable<IncidentView['summary']> = { failover: {}, failback: {}, timeToFailoverMs: null };
  let outcome: IncidentOutcome;
  if (v.notifyOnly) {
    record('completed', `notified-only: ${NOTIFIED.slice(WORKLOAD.length + 2)}`);
    outcome = 'notified-only';
  } else {
    record('planned', `${WORKLOAD} (${v.approveFailover ? 'approval' : 'auto'}, westeurope → northeurope)`);
    now += v.dwellMs ?? 10 * 60_000;
    record('confirmed', 'still active after the 10 min dwell time');
    if (v.approveFailover) {
      record('approval-requested', `failover of ${WORKLOAD} (round 1); waiting up to 30 min`);
      now += 3 * 60_000;
      record('approved', 'failover by grace@contoso.example (verified, app-service-auth, object id 0b6c3f55-1d2e-4f3a-9b8c-7d6e5f4a3b2c)');
    }
    record('failover-started', WORKLOAD);
    const over = playbook('failover', now, v.failoverWaves ?? FAILOVER_WAVES, pace, v.failAt, v.stepDetail);
    summary.failover[WORKLOAD] = over;
    now += over.durationMs;
    record('failover-finished', over.ok ? `${WORKLOAD} ok (8 done)` : `${WORKLOAD} failed at ${over.failedStep}`);
    summary.timeToFailoverMs = now - t0;
    if (!over.ok) {
      record('completed', `failover-failed: a step failed; nothing left to undo: ${WORKLOAD} failed at ${over.failedStep}`);
      outcome = 'failover-failed';
    } else {
      now += 90 * 60_000;
      record('signal', `serviceHealth Incident Resolved: ${title}`);
      record('resolved', `serviceHealth Incident Resolved: ${title}`);
      now += 30 * 60_000;
      record('failback-ready', 'primary healthy for 30 min');
      record('approval-requested', `failback of ${WORKLOAD} (round ${v.approveFailover ? 2 : 1}); waiting up to 30 min`);
      now += 2 * 60_000;
      record('approved', 'failback by grace@contoso.example (verified, app-service-auth, object id 0b6c3f55-1d2e-4f3a-9b8c-7d6e5f4a3b2c)');
      record('failback-started', WORKLOAD);
      const back = playbook('failback', now, FAILBACK_WAVES, pace);
      summary.failback[WORKLOAD] = back;
      now += back.durationMs;
      record('failback-finished', `${WORKLOAD} ok (9 done)`);
      record('completed', `failed-over-and-back: ${WORKLOAD} ok (9 done)`);
      outcome = 'failed-over-and-back';
    }
  }
  const id = v.incidentId ?? 'inc-20261123-0900-xk8t';
  const base = 'https://failover.contoso.example';
  const view = {
    incidentId: id,
    incidentKey: KEY,
    source: null,
    replay: null,
    version: 2,
    runtimeStatus: 'Completed',
    phase: 'completed',
    outcome,
    title,
    mode: 'execute',
    kind: 'unplanned',
    workloads: [WORKLOAD],
    duplicates: 0,
    createdAt: iso(t0),
    updatedAt: iso(now),
    statusUrl: `${base}/api/incidents/${id}`,
    decisions: timeline.filter((e) => !['signal', 'failover-started', 'failover-finished', 'failback-started', 'failback-finished', 'resolved'].includes(e.type)),
    timeline,
    timelineComplete: true,
    progress: fromSummary(summary),
    checklist: incidentChecklist(summary, []),
    summary,
    links: { approve: `${base}/api/incidents/${id}/approve`, reject: `${base}/api/incidents/${id}/reject`, failback: `${base}/api/incidents/${id}/failback`, cancel: `${base}/api/incidents/${id}/cancel`, reopen: `${base}/api/incidents/${id}/reopen` },
  };
  return view;
}

/**
 * A playbook run as the playbook orchestration records it: each wave's steps start together and
 * the next wave starts when its slowest ends. A failed step ends the run: what acted is undone
 * newest first and the steps after it are recorded as not run.
 */
export function playbook(direction: 'failover' | 'failback', start: number, waves: Array<Array<[string, number]>>, pace = 1, failAt?: string, detail = 'ok'): PlaybookResult {
  const steps: StepRecord[] = [];
  const iso = (t: number) => new Date(t).toISOString();
  let now = start;
  let failedStep: string | null = null;
  const acted: string[] = [];
  for (const wave of waves) {
    if (failedStep !== null) break;
    const longest = Math.max(...wave.map(([, s]) => s)) * 1000 * pace;
    for (const [step, seconds] of wave) {
      const failed = step === failAt;
      steps.push({ step, status: failed ? 'failed' : 'done', detail: failed ? 'action: Conflict: the Traffic Manager profile is being updated' : detail, startedAt: iso(now), finishedAt: iso(now + seconds * 1000 * pace) });
      if (step !== 'announce' && step !== 'check-account' && step !== 'ensure-transforms') acted.push(step);
      if (failed) failedStep = step;
    }
    now += longest;
  }
  if (failedStep !== null) {
    for (const step of acted.reverse()) {
      steps.push({ step, status: 'compensated', detail: 'put back', startedAt: iso(now), finishedAt: iso(now + 10_000) });
      now += 10_000;
    }
    const recorded = new Set(steps.map((s) => s.step));
    for (const [step] of waves.flat()) if (!recorded.has(step)) steps.push({ step, status: 'not-run', detail: `not run: ${failedStep} failed`, startedAt: iso(now), finishedAt: iso(now) });
  }
  return { ok: failedStep === null, workloadId: WORKLOAD, direction, steps, failedStep, undoable: [], durationMs: now - start };
}
