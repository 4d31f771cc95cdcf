/**
 * An incident as the replay report compares it: what on-call sees of it (`IncidentView`) reduced
 * to what should come out the same when the same signals arrive again (per workload: the verdict,
 * the approvals asked, each playbook's steps), with the times kept for the report's picture.
 *
 * The view carries no structured verdict per workload, so it is read from the timeline the
 * incident orchestration writes: a `decision` entry is `<workloadId>: <reason>`, and the reason
 * starts with the words lib/decisions/decide.ts gives each verdict.
 */
import { isFinished } from '../incidents/client.js';
import type { TimelineEntry } from '../incidents/types.js';
import type { IncidentView } from '../operators/incidents.js';
import type { PlaybookResult } from '../playbooks/types.js';
import type { IncidentRun, PlaybookRun, WorkloadRun } from './types.js';

export interface IncidentRunOptions {
  /** The key incidents are matched by, then and now (a replay's incident ids are new). */
  incidentKey: string | null;
  /** When the incident's first signal happened (ISO): recovery counts from here. */
  startedAt: string;
  /** Each workload's recovery time objective (ms) from the catalog; absent or null when it names none. */
  objectives: Record<string, number | null>;
}

/**
 * How decide.ts opens a reason for each verdict (`decision()` there). An ignored workload did
 * nothing in the incident, which WorkloadRun calls `none`; its reason still says why.
 */
const VERDICT_WORDS: ReadonlyArray<readonly [prefix: string, verdict: WorkloadRun['verdict']]> = [
  ['acted because:', 'act'],
  ['notified only:', 'notify'],
  ['ignored:', 'none'],
];

export function incidentRun(view: IncidentView, options: IncidentRunOptions): IncidentRun {
  const failover = view.summary?.failover ?? {};
  const failback = view.summary?.failback ?? {};
  const decisions = decisionsByWorkload(view.timeline);
  const asked = approvalsAsked(view.timeline);
  const actors = plannedActors(view.timeline);
  const ids = unique([...view.workloads, ...decisions.keys(), ...Object.keys(failover), ...Object.keys(failback)]);
  const workloads = ids.map((id): WorkloadRun => {
    const decision = decisions.get(id) ?? null;
    const over = failover[id] !== undefined ? playbookRun(failover[id]) : null;
    return {
      workloadId: id,
      decision,
      verdict: verdictOf(decision, actors.has(id) || over !== null),
      approvalsAsked: asked.get(id) ?? 0,
      failover: over,
      failback: failback[id] !== undefined ? playbookRun(failback[id]) : null,
      recoveryMs: recoveryMs(failover[id], options.startedAt),
      objectiveMs: options.objectives[id] ?? null,
    };
  });
  return {
    incidentId: view.incidentId,
    incidentKey: options.incidentKey,
    title: view.title,
    outcome: view.outcome,
    phase: view.phase,
    finished: isFinished(view),
    workloads,
    timeline: view.timeline,
    startedAt: options.startedAt,
  };
}

/** A playbook's result as compared: every step record, its duration from its own start and end. */
export function playbookRun(result: PlaybookResult): PlaybookRun {
  return {
    ok: result.ok,
    failedStep: result.failedStep,
    durationMs: result.durationMs,
    steps: result.steps.map((s) => ({ step: s.step, status: s.status, durationMs: elapsedMs(s.startedAt, s.finishedAt) ?? 0, startedAt: s.startedAt, detail: s.detail })),
  };
}

/**
 * Each workload's first decision that states a verdict. Later `decision` entries of the same
 * workload are notes the orchestration adds (a retired service it depends on), not verdicts.
 */
function decisionsByWorkload(timeline: readonly TimelineEntry[]): Map<string, string> {
  const found = new Map<string, string>();
  const fallback = new Map<string, string>();
  for (const e of timeline) {
    if (e.type !== 'decision') continue;
    const split = e.detail.indexOf(': ');
    if (split <= 0) continue;
    const id = e.detail.slice(0, split);
    const reason = e.detail.slice(split + 2);
    if (VERDICT_WORDS.some(([prefix]) => reason.startsWith(prefix))) {
      if (!found.has(id)) found.set(id, reason);
    } else if (!fallback.has(id)) {
      fallback.set(id, reason);
    }
  }
  // A reason in words this reader does not know is still the decision; verdictOf then falls back.
  for (const [id, reason] of fallback) if (!found.has(id)) found.set(id, reason);
  return found;
}

/**
 * The verdict the reason states. Reasons in other words (a version that words them differently)
 * fall back on what the incident did: a workload it planned to act on, or failed over, acted.
 */
function verdictOf(decision: string | null, acted: boolean): WorkloadRun['verdict'] {
  if (decision === null) return acted ? 'act' : 'none';
  const known = VERDICT_WORDS.find(([prefix]) => decision.startsWith(prefix));
  if (known !== undefined) return known[1];
  return acted ? 'act' : 'notify';
}

/** Approval requests per workload: `failover of a, b (round 1); waiting up to 30 min` names a and b. */
function approvalsAsked(timeline: readonly TimelineEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of timeline) {
    if (e.type !== 'approval-requested') continue;
    const named = /^(?:failover|failback) of (.+?) \(round \d+/.exec(e.detail)?.[1];
    if (named === undefined) continue;
    for (const id of named.split(', ')) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Workloads the `planned` entry lists (`a (auto, westeurope → northeurope); b (…)`): those the incident acts on. */
function plannedActors(timeline: readonly TimelineEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const e of timeline) {
    if (e.type !== 'planned') continue;
    for (const part of e.detail.split('; ')) {
      const id = part.split(' (')[0]?.trim();
      if (id) ids.add(id);
    }
  }
  return ids;
}

/** From the first signal to the end of the failover's last step, when the failover succeeded. */
function recoveryMs(failover: PlaybookResult | undefined, startedAt: string): number | null {
  if (failover === undefined || !failover.ok) return null;
  const ends = failover.steps.map((s) => Date.parse(s.finishedAt)).filter(Number.isFinite);
  if (ends.length === 0) return null;
  return elapsedMs(startedAt, new Date(Math.max(...ends)).toISOString());
}

/** Milliseconds from one ISO time to another (never negative); null when either is not a time. */
export function elapsedMs(from: string, to: string): number | null {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
