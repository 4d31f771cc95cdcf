/**
 * `failover incidents watch <id>` and `failover trigger … --watch`: polls GET /api/incidents/{id}
 * and shows what changed, as fits where the output goes. On a terminal, the new timeline entries
 * are printed as lines and below them one line per workload's playbook (a progress bar, the step
 * running, the time against its deadline, the resources it changes) is redrawn in place; to a pipe
 * or a file, one plain line per change and nothing redrawn; with --json, one JSON object per
 * change (NDJSON). The watch ends with the incident (exit 0 when it succeeded, 1 when it failed)
 * or at Ctrl-C, which leaves the incident running (exit 130).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { call, failure, type AppTarget } from './app.js';
import { UsageError, type CliIo } from './io.js';
import { isFinished } from '../lib/incidents/client.js';
import type { IncidentOutcome, TimelineEntry, WorkloadProgress } from '../lib/incidents/types.js';
import type { IncidentView } from '../lib/operators/incidents.js';
import type { StepRecord } from '../lib/playbooks/types.js';

/** Outcomes that end a watch with exit 1: a failover or failback that failed, one that was undone, or a decision nobody made in time. */
export const FAILED_OUTCOMES: readonly IncidentOutcome[] = ['failover-failed', 'rolled-back', 'approval-timed-out'];
/** Exit status of a watch stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
export const DEFAULT_INTERVAL_MS = 1000;

export const WATCH_USAGE_LINES = `  watch <id> [--interval MS] [--json]
                                  follow it until it ends: each workload's playbook live (on a terminal one
                                  line per workload with a progress bar, redrawn in place; otherwise one line
                                  per change, or NDJSON with --json); polls every MS ms (default 1000);
                                  exit 0 when it succeeded, 1 when it ended failover-failed, rolled-back or
                                  approval-timed-out (or the orchestration failed); Ctrl-C stops watching
                                  (exit 130), not the incident`;

/** What a watch reports, in order: also the NDJSON objects of `--json`. */
export type WatchEvent =
  | { type: 'timeline'; entry: TimelineEntry }
  | { type: 'phase'; phase: string }
  | { type: 'step'; workloadId: string; direction: WorkloadProgress['direction']; step: string; title: string | null; status: 'running' | StepRecord['status']; at: string; detail: string | null; done: number; total: number }
  | ({ type: 'progress' } & Omit<WorkloadProgress, 'steps'>)
  | { type: 'end'; incidentId: string; runtimeStatus: string; outcome: string | null; exitCode: number }
  | { type: 'interrupted'; incidentId: string; resume: string };

/**
 * Turns successive incident views into the changes between them. A running incident's view
 * holds its newest timeline entries only, so entries are told apart by content.
 */
export class WatchTracker {
  private readonly printed = new Set<string>();
  private phase = '';
  private readonly rows = new Map<string, { recorded: number; started: Set<string>; summary: string; progress: WatchedProgress }>();

  /** The events `view` adds to what was seen before. */
  next(view: IncidentView): WatchEvent[] {
    const events: WatchEvent[] = [];
    for (const entry of view.timeline) {
      const key = JSON.stringify(entry);
      if (this.printed.has(key)) continue;
      this.printed.add(key);
      events.push({ type: 'timeline', entry });
    }
    if (!isFinished(view) && view.phase !== this.phase) {
      this.phase = view.phase;
      events.push({ type: 'phase', phase: view.phase });
    }
    const listed = new Set((view.progress ?? []).map(rowKey));
    for (const [key, row] of this.rows) {
      // The incident stopped listing a playbook it was running: it ended, and its last steps were not seen here.
      if (!listed.has(key) && (row.progress.state === 'running' || row.progress.state === 'pending')) row.progress = { ...row.progress, stale: true };
    }
    for (const p of view.progress ?? []) {
      const key = rowKey(p);
      const row = this.rows.get(key) ?? { recorded: 0, started: new Set<string>(), summary: '', progress: p };
      this.rows.set(key, row);
      row.progress = p;
      const base = { type: 'step', workloadId: p.workloadId, direction: p.direction } as const;
      const steps = p.steps.slice(row.recorded);
      steps.forEach((s, i) => {
        events.push({ ...base, step: s.step, title: null, status: s.status, at: s.finishedAt, detail: s.detail, done: Math.min(distinct(p.steps.slice(0, row.recorded + i + 1)), p.total), total: p.total });
      });
      row.recorded = Math.max(row.recorded, p.steps.length);
      // A step starts when the one before it ends (or the run starts): the playbook moves on at once.
      const startedAt = p.steps.at(-1)?.finishedAt ?? p.startedAt ?? '';
      p.running.forEach((name, i) => {
        if (row.started.has(name)) return;
        row.started.add(name);
        events.push({ ...base, step: name, title: p.current[i] ?? null, status: 'running', at: startedAt, detail: null, done: p.done, total: p.total });
      });
      const { steps: _steps, elapsedMs: _elapsed, remainingMs: _remaining, ...rest } = p;
      const summary = JSON.stringify(rest);
      if (summary !== row.summary) {
        row.summary = summary;
        const { steps: _s, ...shown } = p;
        events.push({ type: 'progress', ...shown });
      }
    }
    return events;
  }

  /** Every workload's playbook seen so far, newest state, in the order first seen: those of an earlier run stay. */
  progress(): WatchedProgress[] {
    return [...this.rows.values()].map((r) => r.progress);
  }
}

function rowKey(p: Pick<WorkloadProgress, 'workloadId' | 'direction'>): string {
  return `${p.workloadId}\u0000${p.direction}`;
}

function distinct(steps: readonly StepRecord[]): number {
  return new Set(steps.map((s) => s.step)).size;
}

/** The exit status an incident ended with. */
export function exitCodeOf(view: Pick<IncidentView, 'runtimeStatus' | 'outcome'>): number {
  if (view.runtimeStatus !== 'Completed') return 1;
  return view.outcome !== null && (FAILED_OUTCOMES as readonly string[]).includes(view.outcome) ? 1 : 0;
}

/** A timeline entry as the CLI prints it: `<at>  <type, padded>  <detail>`. */
export function timelineLine(entry: TimelineEntry): string {
  return `${entry.at}  ${entry.type.padEnd(20)} ${entry.detail}`;
}

/** `12s`, `3m05s`, `1h02m`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

const BAR_WIDTH = 14;

/** `[#####---------]` for done of total. */
export function progressBar(done: number, total: number): string {
  const filled = total <= 0 ? 0 : Math.min(BAR_WIDTH, Math.round((done / total) * BAR_WIDTH));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

/** A workload's playbook as a watch last saw it; `stale` when the incident no longer lists it and its end was not seen. */
export type WatchedProgress = WorkloadProgress & { stale?: boolean };

/** What a row says it is doing: the steps running, or how it ended. */
function doing(p: WatchedProgress): string {
  if (p.stale === true) return 'ended (its result is in the timeline)';
  switch (p.state) {
    case 'pending':
      return 'not started yet';
    case 'running':
      return p.current.length > 0 ? p.current.join(' + ') : 'between steps';
    case 'succeeded':
      return 'done';
    case 'failed': {
      const failed = p.steps.find((s) => s.status === 'failed');
      return failed !== undefined ? `FAILED at ${failed.step}` : 'FAILED';
    }
  }
}

/** `12s of 1m30s` while an action races its deadline; the time so far otherwise. */
function timing(p: WatchedProgress): string {
  if (p.state === 'pending' || p.stale === true) return '';
  if (p.state === 'running' && p.remainingMs !== null) return `${duration(p.elapsedMs)} of ${duration(p.elapsedMs + p.remainingMs)}`;
  return duration(p.elapsedMs);
}

/** A resource by its name: the last segment of an ARM id. */
function resourceName(id: string): string {
  return id.replace(/\/+$/, '').split('/').at(-1) ?? id;
}

/** One workload's line: `name  direction  [#######-------] 3/8  step  12s of 1m30s  resources`, names padded to `nameWidth`. */
export function workloadLine(p: WatchedProgress, nameWidth: number): string {
  const parts = [p.workloadId.padEnd(nameWidth), p.direction.padEnd(8), `${progressBar(p.done, p.total)} ${p.done}/${p.total}`, doing(p), timing(p), p.stale === true ? '' : p.resources.map(resourceName).join(', ')];
  return parts.filter((s) => s !== '').join('  ').trimEnd();
}

/** Cuts a line to fit `columns` (one short, so the cursor never wraps), marking the cut. */
export function fit(line: string, columns: number): string {
  const width = Math.max(1, columns - 1);
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

const ESC = '\u001b[';

/**
 * The terminal renderer: new lines printed above a block (the incident's phase, then one line per
 * workload) that each frame moves the cursor back over, clears and draws again.
 */
export class TtyRenderer {
  private drawn = 0;
  constructor(
    private readonly id: string,
    private readonly columns: () => number,
  ) {}

  /** The bytes of one frame: `lines` printed for good, then the block as `view` and `progress` show it now. */
  frame(lines: readonly string[], view: Pick<IncidentView, 'phase' | 'outcome' | 'runtimeStatus' | 'title'>, progress: readonly WatchedProgress[]): string {
    const cols = this.columns();
    const width = Math.max(0, ...progress.map((p) => p.workloadId.length));
    const state = isFinished(view) ? (view.outcome ?? view.runtimeStatus.toLowerCase()) : view.phase;
    const block = [`${this.id}  ${state}${view.title ? `  ${view.title}` : ''}`, ...progress.map((p) => `  ${workloadLine(p, width)}`)].map((l) => fit(l, cols));
    // Back to the block's first line, everything below it cleared: the frame is drawn over it.
    const back = this.drawn > 0 ? `${ESC}${this.drawn}A\r${ESC}J` : '';
    this.drawn = block.length;
    return `${back}${[...lines, ...block].map((l) => `${ESC}2K${l}\n`).join('')}`;
  }
}

/** A plain line for each change (not a terminal, no --json): never redrawn, readable in a log. */
export function plainLine(event: WatchEvent): string | null {
  switch (event.type) {
    case 'timeline':
      return timelineLine(event.entry);
    case 'phase':
      return `… ${event.phase}`;
    case 'step': {
      const who = `${event.workloadId} ${event.direction}`;
      return event.status === 'running'
        ? `${event.at}  ${'step running'.padEnd(20)} ${who}: ${event.step}${event.title !== null ? ` (${event.title})` : ''}`
        : `${event.at}  ${`step ${event.status}`.padEnd(20)} ${who} ${event.done}/${event.total}: ${event.step}: ${event.detail ?? ''}`;
    }
    case 'end':
      return `incident ${event.incidentId} ${event.runtimeStatus.toLowerCase()}: ${event.outcome ?? event.runtimeStatus}`;
    case 'interrupted':
      return `stopped watching; incident ${event.incidentId} goes on. Resume with: ${event.resume}`;
    case 'progress':
      return null;
  }
}

export type WatchMode = 'tty' | 'lines' | 'json';

export interface WatchOptions {
  intervalMs: number;
  mode: WatchMode;
  /** The terminal's width now (tty mode). */
  columns?: () => number;
  /** Aborted by Ctrl-C: the watch ends, the incident goes on. */
  signal?: AbortSignal;
}

/** The renderer for where the output goes: --json, else a terminal (the CliIo says so), else plain lines. */
export function watchMode(io: CliIo, json: boolean): WatchMode {
  if (json) return 'json';
  return io.isTTY === true ? 'tty' : 'lines';
}

/** `--interval MS`: how often to poll. */
export function intervalOf(flag: string | true | undefined): number {
  if (flag === undefined) return DEFAULT_INTERVAL_MS;
  const ms = Number(flag);
  if (typeof flag !== 'string' || !/^\d+$/.test(flag) || ms < 100) throw new UsageError(`--interval must be a whole number of milliseconds, at least 100 (got '${String(flag)}')`);
  return ms;
}

/** Polls the incident until it ends or the signal aborts; the exit status. */
export async function watchIncident(io: CliIo, t: AppTarget, id: string, options: WatchOptions): Promise<number> {
  const tracker = new WatchTracker();
  const tty = options.mode === 'tty' ? new TtyRenderer(id, options.columns ?? (() => io.columns ?? 80)) : null;
  const emit = (events: readonly WatchEvent[]) => {
    for (const e of events) {
      if (options.mode === 'json') io.out(JSON.stringify(e));
      else {
        const l = plainLine(e);
        if (l !== null) io.out(l);
      }
    }
  };
  const resume = `failover incidents watch ${id}`;
  for (;;) {
    if (options.signal?.aborted === true) break;
    const res = await call(t, 'GET', `/api/incidents/${encodeURIComponent(id)}`);
    if (res.status !== 200) return failure(io, res.status, res.body);
    const view = res.body as IncidentView;
    const events = tracker.next(view);
    const done = isFinished(view);
    const end: WatchEvent | null = done ? { type: 'end', incidentId: id, runtimeStatus: view.runtimeStatus, outcome: view.outcome, exitCode: exitCodeOf(view) } : null;
    if (tty !== null) {
      const lines = events.flatMap((e) => (e.type === 'timeline' ? [timelineLine(e.entry)] : []));
      // Once it is over the view's own list is the whole story (the summary's results); until then, every row seen this watch.
      io.out(tty.frame(lines, view, done ? (view.progress ?? tracker.progress()) : tracker.progress()));
      if (end !== null) emit([end]);
    } else emit(end !== null ? [...events, end] : events);
    if (end !== null) return end.exitCode;
    try {
      await sleep(options.intervalMs, undefined, options.signal !== undefined ? { signal: options.signal } : {});
    } catch {
      break; // aborted
    }
  }
  const stopped: WatchEvent = { type: 'interrupted', incidentId: id, resume };
  if (options.mode === 'json') io.out(JSON.stringify(stopped));
  else io.err(plainLine(stopped)!);
  return EXIT_INTERRUPTED;
}

/** An AbortSignal that Ctrl-C (SIGINT) aborts while the watch runs, instead of killing the process mid-line. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', onInterrupt) };
}
