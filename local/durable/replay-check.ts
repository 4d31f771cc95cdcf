/**
 * Replays a recorded history against today's orchestrator code, with no side effects: the
 * check the Durable extension makes on every episode, run on demand. Use it before deploying a
 * change to an orchestrator, on histories exported from running or past instances.
 */
import { EventType, type HistoryEvent } from './history.js';
import { describeTask, replayEpisode, type Divergence } from './host-replay.js';
import { callOrchestrator, type Handler } from './invoke.js';

export interface ReplayReport {
  /** True when the code reproduces every scheduling decision the history records. */
  clean: boolean;
  /** Why not: the nondeterminism message, or the orchestrator's own failure. */
  divergence: string | null;
  /** Where, for a nondeterminism: the history event, what it recorded and what the code does there now. */
  at?: Divergence;
  /** Events replayed. */
  events: number;
  /** What the code would do next, had the history gone on: new scheduling events (names and ids). */
  pending: string[];
  /** The orchestrator's state at the end of the history. */
  isDone: boolean;
  output: unknown;
}

export async function replayHistory(handler: Handler, options: { name: string; history: HistoryEvent[]; input?: unknown }): Promise<ReplayReport> {
  const history = options.history.map((e) => ({ ...e, IsPlayed: true }));
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  if (started === undefined) {
    return { clean: false, divergence: 'the history has no ExecutionStarted event', events: history.length, pending: [], isDone: false, output: null };
  }
  const input = options.input !== undefined ? options.input : started.Input === null || started.Input === undefined ? null : (JSON.parse(started.Input) as unknown);
  const instanceId = started.OrchestrationInstance?.InstanceId ?? 'replay';
  const executionId = started.OrchestrationInstance?.ExecutionId ?? 'replay';
  const { state, threw } = await callOrchestrator(handler, {
    instanceId,
    parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
    history,
    pastCount: history.length,
    input,
    functionName: options.name,
  });
  const result = replayEpisode({ history, actions: state.actions, executionId, instanceId });
  const pending = result.newEvents.map((e) => `${EventType[e.EventType]}#${e.EventId}${e.Name !== undefined ? ` ${e.Name}` : ''}`);
  const divergence = result.nondeterminism ?? (threw && !recordedFailure(history) ? `the orchestrator failed on replay: ${state.error ?? 'unknown error'}` : null);
  return {
    clean: divergence === null,
    divergence,
    ...(result.divergence !== undefined ? { at: result.divergence } : {}),
    events: history.length,
    pending,
    isDone: state.isDone,
    output: state.output ?? null,
  };
}

/** One recorded instance: a history as the runtime kept it, and how the instance stood when recorded. */
export interface RecordedInstance {
  name: string;
  instanceId: string;
  /** The instance's status when recorded: Completed, Failed, Running, ContinuedAsNew… */
  status: string;
  history: HistoryEvent[];
}

export interface HistoryCheck {
  ok: boolean;
  /** What differs, each a paragraph a developer can act on (empty when ok). */
  problems: string[];
  report: ReplayReport;
}

/** What to do about a history today's code does not reproduce. */
export const INCOMPATIBLE_CHANGE_ADVICE =
  'Instances recorded like this one would fail (or do something else) after a deploy of this code. Keep what the recorded ' +
  'instances do: put the change behind a branch on the version in the input (bump the version new instances start with), ' +
  'or give the changed orchestration a new name and keep the old one until its instances are drained. If the change is ' +
  'meant to apply only to new instances and the branch is in place, re-record the histories. See orchestrations/README.md, ' +
  '"Changing an orchestration".';

/**
 * Replays a recorded instance against today's code and says everything that differs: the first
 * scheduling decision that differs (which event, what was recorded, what the code does now); a
 * finished instance the code would not finish, or finish otherwise (more to schedule, another
 * output); an unfinished one the code would now take somewhere the history never went.
 */
export async function checkRecordedHistory(handler: Handler, recorded: RecordedInstance): Promise<HistoryCheck> {
  const report = await replayHistory(handler, { name: recorded.name, history: recorded.history });
  const problems: string[] = [];
  const where = `${recorded.name} '${recorded.instanceId}'`;
  if (report.at !== undefined) {
    const e = recorded.history[report.at.eventIndex]!;
    problems.push(
      `${where}: at history event #${report.at.eventIndex} (${EventType[e.EventType]}, sequence ${report.at.sequenceId}) the recorded instance scheduled ${report.at.recorded}; ` +
        `the code now ${report.at.produced === null ? 'schedules nothing with that sequence number (it scheduled fewer tasks before it, or waits for something else)' : `schedules ${report.at.produced}`} there.`,
    );
  } else if (report.divergence !== null) {
    problems.push(`${where}: ${report.divergence}`);
  } else {
    const ended = recorded.history.find((e) => e.EventType === EventType.ExecutionCompleted);
    const endIndex = ended === undefined ? -1 : recorded.history.indexOf(ended);
    const next = report.pending.length > 0 ? `goes on to schedule ${report.pending.map(describePending).join(', ')}` : null;
    if (ended !== undefined) {
      if (next !== null) problems.push(`${where}: the recorded instance ended ${ended.OrchestrationStatus ?? ''} at history event #${endIndex}; the code now ${next} instead of ending there.`);
      else if (!report.isDone) problems.push(`${where}: the recorded instance ended ${ended.OrchestrationStatus ?? ''} at history event #${endIndex}; the code now waits for something more instead of ending there.`);
      else if (ended.OrchestrationStatus === 'Completed') {
        const before = fromJson(ended.Result);
        const now = JSON.parse(JSON.stringify(report.output ?? null)) as unknown;
        const differs = firstDifference(before, now, '$');
        if (differs !== null) problems.push(`${where}: the code now returns another output: ${differs}.`);
      }
    } else if (next !== null && recorded.status !== 'ContinuedAsNew') {
      problems.push(`${where}: the recorded instance was waiting after its last event (#${recorded.history.length - 1}); the code now ${next} there, which the history never did.`);
    }
  }
  return { ok: problems.length === 0, problems: problems.map((p) => `${p}\n${INCOMPATIBLE_CHANGE_ADVICE}`), report };
}

function describePending(text: string): string {
  // `TaskScheduled#57 archiveIncidentPage` → `activity 'archiveIncidentPage' (sequence 57)`
  const match = /^(\w+)#(\d+)(?: (.*))?$/.exec(text);
  if (match === null) return text;
  const kind = match[1] === 'TimerCreated' ? 'timer' : match[1] === 'SubOrchestrationInstanceCreated' ? 'subOrchestration' : 'activity';
  return `${describeTask(kind, match[3] ?? '')} (sequence ${match[2]})`;
}

function fromJson(text: string | null | undefined): unknown {
  return text === null || text === undefined || text === '' ? null : (JSON.parse(text) as unknown);
}

/** Where two JSON values first differ (`$.timeline[3].detail: recorded "a", now "b"`), or null when equal. */
export function firstDifference(recorded: unknown, now: unknown, path: string): string | null {
  if (recorded === now) return null;
  const show = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v).slice(0, 200));
  if (Array.isArray(recorded) && Array.isArray(now)) {
    for (let i = 0; i < Math.max(recorded.length, now.length); i++) {
      const d = firstDifference(recorded[i], now[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (recorded !== null && now !== null && typeof recorded === 'object' && typeof now === 'object' && !Array.isArray(recorded) && !Array.isArray(now)) {
    const a = recorded as Record<string, unknown>;
    const b = now as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
      const d = firstDifference(a[key], b[key], `${path}.${key}`);
      if (d !== null) return d;
    }
    return null;
  }
  return `${path}: recorded ${show(recorded)}, now ${show(now)}`;
}

/** A history that itself ended in failure replays to the same failure: that is not a divergence. */
function recordedFailure(history: HistoryEvent[]): boolean {
  return history.some((e) => e.EventType === EventType.ExecutionCompleted && e.OrchestrationStatus === 'Failed');
}
