/**
 * Then against now: the incidents of a past run (or the expected ones) beside the replay's, and
 * every difference that says today's app would behave differently — an incident missing or
 * extra, another outcome, and per workload another verdict, other approvals, a failover or
 * failback that did or did not happen, ended otherwise, or ran other steps. Times differ from
 * run to run, so a duration alone is never a difference; a recovery that now misses the
 * objective the original met is. A decision's reason worded differently, with the same verdict,
 * is a note: wording changes between versions without changing behaviour.
 */
import { formatDuration } from '../notify/render.js';
import type { Difference, IncidentRun, PlaybookRun, ReplayReport, WorkloadRun } from './types.js';

export interface Comparison {
  /** What decides the verdict, in the order a person reads them: incident by incident, workload by workload. */
  differences: Difference[];
  /** Reasons worded differently under the same verdict: shown, not counted (ReplayReport.notes). */
  notes: Difference[];
  verdict: ReplayReport['verdict'];
}

/** One incident then and now; either side null when the other run has no counterpart. */
export interface IncidentPair {
  incidentKey: string | null;
  then: IncidentRun | null;
  now: IncidentRun | null;
}

export interface WorkloadPair {
  workloadId: string;
  then: WorkloadRun | null;
  now: WorkloadRun | null;
}

export function compareRuns(then: IncidentRun[] | null, now: IncidentRun[]): Comparison {
  if (then === null) return { differences: [], notes: [], verdict: 'no-expectation' };
  const differences: Difference[] = [];
  const notes: Difference[] = [];
  for (const pair of pairIncidents(then, now)) compareIncident(pair, differences, notes);
  return { differences, notes, verdict: differences.length === 0 ? 'match' : 'differ' };
}

/**
 * Matches incidents by incident key (a replay's incident ids are new), and incidents of one key
 * by their order; an incident without a counterpart is paired with null. Then's order first.
 */
export function pairIncidents(then: readonly IncidentRun[], now: readonly IncidentRun[]): IncidentPair[] {
  const keys = [...new Set([...then, ...now].map((r) => r.incidentKey))];
  return keys.flatMap((key) => {
    const a = then.filter((r) => r.incidentKey === key);
    const b = now.filter((r) => r.incidentKey === key);
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => ({ incidentKey: key, then: a[i] ?? null, now: b[i] ?? null }));
  });
}

/** The workloads of an incident then and now, by id, in then's order and then now's. */
export function pairWorkloads(then: IncidentRun | null, now: IncidentRun | null): WorkloadPair[] {
  const ids = [...new Set([...(then?.workloads ?? []), ...(now?.workloads ?? [])].map((w) => w.workloadId))];
  return ids.map((id) => ({
    workloadId: id,
    then: then?.workloads.find((w) => w.workloadId === id) ?? null,
    now: now?.workloads.find((w) => w.workloadId === id) ?? null,
  }));
}

/** The outcome in words: `failed-over-and-back`, or `not finished (failed-over)` for one still running. */
export function outcomeText(run: IncidentRun): string {
  return run.outcome ?? `not finished (${run.phase})`;
}

/** `4m 10s (objective 15m)`, `4m 10s (no objective)`, `none (objective 15m)`. */
export function recoveryText(recoveryMs: number | null, objectiveMs: number | null): string {
  const took = recoveryMs === null ? 'none' : formatDuration(recoveryMs);
  return `${took} (${objectiveMs === null ? 'no objective' : `objective ${formatDuration(objectiveMs)}`})`;
}

/** A step's statuses in plain words, as the orchestration's summaries write them: `already done`, `not run`. */
export function statusWords(status: string): string {
  return status.replace('-', ' ');
}

function compareIncident(pair: IncidentPair, differences: Difference[], notes: Difference[]): void {
  const key = pair.incidentKey;
  const differ = (workloadId: string | null, what: string, then: string, now: string) => {
    if (then !== now) differences.push({ incidentKey: key, workloadId, what, then, now });
  };
  if (pair.then === null || pair.now === null) {
    const describe = (run: IncidentRun | null) => (run === null ? 'no incident' : `${outcomeText(run)}: ${run.title ?? run.incidentId}`);
    differ(null, 'incident', describe(pair.then), describe(pair.now));
    return;
  }
  const note = (workloadId: string | null, what: string, then: string, now: string) => {
    if (then !== now) notes.push({ incidentKey: key, workloadId, what, then, now });
  };
  differ(null, 'outcome', outcomeText(pair.then), outcomeText(pair.now));
  for (const w of pairWorkloads(pair.then, pair.now)) {
    const a = w.then ?? absent(w.workloadId);
    const b = w.now ?? absent(w.workloadId);
    const id = w.workloadId;
    differ(id, 'verdict', a.verdict, b.verdict);
    if (a.verdict === b.verdict && (a.decision ?? 'none') !== (b.decision ?? 'none')) {
      notes.push({ incidentKey: key, workloadId: id, what: 'reason', then: a.decision ?? 'none', now: b.decision ?? 'none' });
    }
    differ(id, 'approvals asked', String(a.approvalsAsked), String(b.approvalsAsked));
    comparePlaybooks(id, 'failover', 'failed over', a.failover, b.failover, differ, note);
    comparePlaybooks(id, 'failback', 'failed back', a.failback, b.failback, differ, note);
    const objective = b.objectiveMs ?? a.objectiveMs;
    // Measured against today's objective: whether the original met it, and whether today's run does.
    if (objective !== null && a.recoveryMs !== null && b.recoveryMs !== null && a.recoveryMs <= objective && b.recoveryMs > objective) {
      differ(id, 'recovery objective', `met: ${recoveryText(a.recoveryMs, objective)}`, `missed: ${recoveryText(b.recoveryMs, objective)}`);
    }
  }
}

type Differ = (workloadId: string | null, what: string, then: string, now: string) => void;

/**
 * Whether the playbook ran, and when it ran both times: whether it succeeded, where it failed,
 * each step's statuses, and the order its steps ran in. A run that happened only once says so
 * in one line; the details of a run without a counterpart would only repeat it.
 */
function comparePlaybooks(id: string, direction: 'failover' | 'failback', ran: string, a: PlaybookRun | null, b: PlaybookRun | null, differ: Differ, note: Differ): void {
  differ(id, ran, a !== null ? 'yes' : 'no', b !== null ? 'yes' : 'no');
  if (a === null || b === null) return;
  differ(id, `${direction} ok`, a.ok ? 'yes' : 'no', b.ok ? 'yes' : 'no');
  differ(id, `${direction} failed step`, a.failedStep ?? 'none', b.failedStep ?? 'none');
  const before = statuses(a);
  const after = statuses(b);
  let same = true;
  for (const step of [...new Set([...before.keys(), ...after.keys()])]) {
    const words = (s: string[] | undefined) => (s === undefined ? 'not in the playbook' : s.map(statusWords).join(', '));
    const then = words(before.get(step));
    const now = words(after.get(step));
    if (then !== now) same = false;
    // Done, already done or skipped all leave the step's goal met; which one depends on the state
    // the target's resources were in (a staging estate is not production at the time), not on
    // what the app decided: shown as a note. A step that failed, was undone or did not run differs.
    const met = (s: string[] | undefined) => (s === undefined ? 'not in the playbook' : s.map((x) => (GOAL_MET.has(x) ? 'ok' : statusWords(x))).join(', '));
    (met(before.get(step)) === met(after.get(step)) ? note : differ)(id, `${direction} step ${step}`, then, now);
  }
  // The playbook records a wave's steps in the order their outcomes came (a precheck that finds
  // the work done is written before the actions), so an order is only telling when every status
  // agrees: then it can only come from a playbook whose steps are ordered differently.
  if (same) differ(id, `${direction} step order`, order(a), order(b));
}

/** Step statuses that leave the step's goal met. */
const GOAL_MET = new Set(['done', 'already-done', 'skipped', 'planned']);

/** Each step's statuses in record order: a step that was undone shows `done, compensated`. */
function statuses(run: PlaybookRun): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of run.steps) out.set(s.step, [...(out.get(s.step) ?? []), s.status]);
  return out;
}

/** The steps that ran, by their first record: `a, b, c` (steps not run are left out). */
function order(run: PlaybookRun): string {
  return [...new Set(run.steps.filter((s) => s.status !== 'not-run').map((s) => s.step))].join(', ') || 'none';
}

function absent(workloadId: string): WorkloadRun {
  return { workloadId, decision: null, verdict: 'none', approvalsAsked: 0, failover: null, failback: null, recoveryMs: null, objectiveMs: null };
}
