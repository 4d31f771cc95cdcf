/**
 * Runs one replay against a target app and reports then vs now: asks the target to replay the
 * signals (POST /api/replays), follows it (which signal, each incident's phase, the time left at
 * the chosen speed), answers the approvals the replayed incidents ask for as people answered them
 * then (same direction, same verdict, after the same wait divided by the speed), and once every
 * incident is over (or the time is up) compares the incidents with the original ones.
 *
 * The target is anything that answers the app's HTTP API: a staging deployment, or the local
 * stack, whose `wait` moves its virtual clock instead of sleeping.
 */
import { parseAlert } from '../alerts/index.js';
import type { TimelineEntry } from '../incidents/types.js';
import type { IncidentView } from '../operators/incidents.js';
import { compareRuns } from './compare.js';
import { incidentRun } from './runs.js';
import type { HealthMode, IncidentRun, ReplayReport, ReplayRequest, ReplaySignal, SignalRun } from './types.js';
import type { ReplayAnswer } from './deliver.js';

export interface ReplayTarget {
  /** What the report calls it: the app's URL, or `the local stack`. */
  label: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /**
   * Lets at most `ms` of the target's time pass (Infinity: nothing is due): a real app is polled
   * again within a second; a virtual clock may jump to its next timer instead.
   */
  wait(ms: number): Promise<void>;
  now(): Date;
  /**
   * Makes the target's Azure say what Azure said when the signal was sent (the local stack's
   * simulator takes a region down on a Service Health Active, brings it back on its resolution);
   * a line saying what it did, or null. Absent for a real staging app: its Azure is its own.
   */
  reproduce?(signal: ReplaySignal): Promise<string | null>;
}

/** A past incident (or several) to replay: the signals, the health seen, and what the original incidents did. */
export interface ReplaySource {
  label: string;
  signals: ReplaySignal[];
  health: ReplayRequest['health'];
  /** Per signal (same order): the key of the original incident it belongs to, and what the original intake made of it. */
  thenOfSignal: Array<{ incidentKey: string | null; outcome: string | null; incidentId: string | null }>;
  /** The original incidents as the source app shows them; null when unknown (imported from Azure's history). */
  then: Array<{ incidentKey: string; view: IncidentView }> | null;
  /** Or a saved report whose `now` side is the expectation (`--expect`). */
  expected?: IncidentRun[] | null;
}

export interface ReplayOptions {
  speed: number;
  healthMode: HealthMode;
  mode: 'execute' | 'plan';
  /** How long to follow the replay before reporting what it has (target time). */
  timeoutMs: number;
  /** Each progress line, as it changes. */
  progress?: (line: string) => void;
}

export class ReplayFailed extends Error {}

/** What GET /api/replays/{id} answers (lib/operators/replays.ts). */
interface ReplayState {
  replayId: string;
  delivered?: number;
  of?: number;
  nextAt?: string | null;
  startedAt?: string;
  done: boolean;
  answers: ReplayAnswer[];
  incidents: Array<IncidentView & { incidentKey: string | null }>;
  objectives?: Record<string, number | null>;
}

/** How often a real target is asked how the replay stands. */
export const POLL_MS = 500;

export async function runReplay(target: ReplayTarget, source: ReplaySource, options: ReplayOptions): Promise<ReplayReport> {
  const request: ReplayRequest = { label: source.label, signals: source.signals, health: source.health, speed: options.speed, healthMode: options.healthMode, mode: options.mode };
  const reproduced = new Set<number>();
  // What Azure said as each signal went out: the first before the replay starts, the others once delivered.
  const reproduce = async (upTo: number) => {
    for (let i = 0; i < upTo; i++) {
      if (reproduced.has(i) || target.reproduce === undefined) continue;
      reproduced.add(i);
      const line = await target.reproduce(source.signals[i]!);
      if (line !== null) options.progress?.(line);
    }
  };
  await reproduce(1);
  const started = await target.call('POST', '/api/replays', request);
  if (started.status !== 202) throw new ReplayFailed(`the target refused the replay (${started.status}): ${problemText(started.body)}`);
  const replayId = (started.body as { replayId: string }).replayId;
  const startedAt = target.now();
  const deadline = startedAt.getTime() + options.timeoutMs;
  // Each approval request by when the replayer first saw it (its own clock: the target's may differ) and whether it was answered.
  const answered = new Map<string, { seenAt: number; done: boolean }>();
  let state = await read(target, replayId);
  let last = '';
  while (!state.done && target.now().getTime() < deadline) {
    await reproduce(state.delivered ?? 0);
    const due = await answerApprovals(target, source, state, options.speed, answered);
    const line = progressLine(state, source, options.speed, target.now());
    if (line !== last) options.progress?.(line);
    last = line;
    await target.wait(Math.min(due - target.now().getTime(), deadline - target.now().getTime()));
    state = await read(target, replayId);
  }
  if (!state.done) options.progress?.(`stopped following after ${Math.round(options.timeoutMs / 1000)} s: reporting the incidents as they stand`);
  return report(target, source, options, state, startedAt);
}

async function read(target: ReplayTarget, replayId: string): Promise<ReplayState> {
  const got = await target.call('GET', `/api/replays/${replayId}`);
  if (got.status !== 200) throw new ReplayFailed(`the target could not show replay ${replayId} (${got.status}): ${problemText(got.body)}`);
  return got.body as ReplayState;
}

/** Which original incident a replayed one stands for: the one whose signal started it. */
function thenKeyOf(state: ReplayState, source: ReplaySource, incidentId: string): string | null {
  const index = state.answers.findIndex((a) => a.incidentId === incidentId && a.delivery === 'started');
  const key = index >= 0 ? source.thenOfSignal[index]?.incidentKey : undefined;
  return key ?? state.incidents.find((i) => i.incidentId === incidentId)?.incidentKey?.replace(`${state.replayId}:`, '') ?? null;
}

/**
 * The approvals people gave then, given again now: for each replayed incident waiting for an
 * approval, the original's next answer of the same direction, after its original wait divided by
 * the speed (timed from when the replayer first sees the request, as the target's clock may
 * differ from its own). Where the original had none, nobody answers: the approval times out, as it would.
 * Answers when the next answer is due (ms since the epoch, target time), Infinity when none is.
 */
async function answerApprovals(target: ReplayTarget, source: ReplaySource, state: ReplayState, speed: number, answered: Map<string, { seenAt: number; done: boolean }>): Promise<number> {
  let next = Infinity;
  for (const incident of state.incidents) {
    if (incident.phase !== 'awaiting-approval' && incident.phase !== 'awaiting-failback-approval') continue;
    const direction = incident.phase === 'awaiting-approval' ? 'failover' : 'failback';
    const key = thenKeyOf(state, source, incident.incidentId);
    // The original's timeline, or the expected run's (a saved report keeps each incident's timeline).
    const then = source.then?.find((t) => t.incidentKey === key)?.view.timeline ?? source.expected?.find((r) => r.incidentKey === key)?.timeline;
    if (then === undefined) continue;
    const asked = incident.timeline.filter((e) => e.type === 'approval-requested').at(-1);
    const round = incident.timeline.filter((e) => e.type === 'approval-requested').length;
    const tag = `${incident.incidentId}:${direction}:${round}`;
    if (answered.get(tag)?.done === true || asked === undefined) continue;
    const answer = originalAnswer(then, direction, round);
    if (answer === null) continue;
    const seen = answered.get(tag) ?? { seenAt: target.now().getTime(), done: false };
    answered.set(tag, seen);
    const dueAt = seen.seenAt + answer.afterMs / speed;
    if (target.now().getTime() < dueAt) {
      next = Math.min(next, dueAt);
      continue;
    }
    seen.done = true;
    const by = answer.by.replace(/^(replay of )+/, '');
    await target.call('POST', `/api/incidents/${incident.incidentId}/${answer.approved ? 'approve' : 'reject'}`, { by: `replay of ${by}`, comment: `as ${by} answered in the original incident` });
  }
  return next;
}

/** The original's answer to its `round`-th approval request of `direction`, and how long after the request it came. */
function originalAnswer(timeline: readonly TimelineEntry[], direction: 'failover' | 'failback', round: number): { approved: boolean; by: string; afterMs: number } | null {
  let count = 0;
  let askedAt: string | null = null;
  for (const entry of timeline) {
    if (entry.type === 'approval-requested') {
      count++;
      askedAt = entry.at;
    }
    if (count !== round || askedAt === null) continue;
    if ((entry.type === 'approved' || entry.type === 'rejected') && entry.detail.startsWith(`${direction} by `)) {
      const by = entry.detail.slice(`${direction} by `.length).split(/[:(]/)[0]!.trim();
      return { approved: entry.type === 'approved', by, afterMs: Date.parse(entry.at) - Date.parse(askedAt) };
    }
  }
  return null;
}

function progressLine(state: ReplayState, source: ReplaySource, speed: number, now: Date): string {
  const of = state.of ?? source.signals.length;
  const delivered = state.delivered ?? 0;
  const phases = state.incidents.map((i) => `${i.workloads.join('+') || i.incidentId} ${i.phase}`).join(', ') || 'no incident yet';
  const last = Date.parse(source.signals.at(-1)!.at) - Date.parse(source.signals[0]!.at);
  const started = state.startedAt !== undefined ? Date.parse(state.startedAt) : now.getTime();
  const left = Math.max(0, Math.round((started + last / speed - now.getTime()) / 1000));
  const next = state.nextAt !== null && state.nextAt !== undefined && delivered < of ? `signal ${delivered + 1}/${of} in ${Math.max(0, Math.round((Date.parse(state.nextAt) - now.getTime()) / 1000))} s` : `all ${of} signals delivered`;
  return `replay ${state.replayId}: ${next} · ${phases} · ${left > 0 ? `about ${left} s of signals left at ${speed}x` : 'waiting for the incidents to end'}`;
}

async function report(target: ReplayTarget, source: ReplaySource, options: ReplayOptions, state: ReplayState, startedAt: Date): Promise<ReplayReport> {
  const objectives = state.objectives ?? {};
  const now: IncidentRun[] = state.incidents.map((view) => incidentRun(view, { incidentKey: thenKeyOf(state, source, view.incidentId), startedAt: view.createdAt, objectives }));
  const then: IncidentRun[] | null =
    source.expected ??
    (source.then === null ? null : source.then.map(({ incidentKey, view }) => incidentRun(view, { incidentKey, startedAt: view.createdAt, objectives })));
  const comparison = compareRuns(then, now);
  const signals: SignalRun[] = source.signals.map((signal, index) => ({
    index,
    at: signal.at,
    origin: signal.origin,
    title: titleOf(signal),
    inferred: signal.inferred,
    then: (source.thenOfSignal[index]?.outcome ?? null) !== null ? { outcome: source.thenOfSignal[index]!.outcome!, incidentId: source.thenOfSignal[index]!.incidentId } : null,
    now: state.answers[index] ?? null,
  }));
  return {
    replayId: state.replayId,
    label: source.label,
    target: target.label,
    speed: options.speed,
    healthMode: options.healthMode,
    mode: options.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: target.now().toISOString(),
    signals,
    then,
    now,
    differences: comparison.differences,
    notes: comparison.notes,
    verdict: comparison.verdict,
  };
}

/** The title the app's parser reads from the alert, for the signal table. */
function titleOf(signal: ReplaySignal): string | null {
  if (signal.intake === 'failovers') return (signal.payload as { reason?: string } | null)?.reason ?? null;
  const parsed = parseAlert(signal.payload as never, { receivedAt: new Date(signal.at) });
  return parsed.ok ? parsed.value.title : null;
}

function problemText(body: unknown): string {
  const p = body as { detail?: unknown; path?: unknown } | null;
  return typeof p?.detail === 'string' ? `${p.detail}${typeof p.path === 'string' ? ` (field ${p.path})` : ''}` : JSON.stringify(body);
}
