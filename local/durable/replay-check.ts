/**
 * Replays a recorded history against today's orchestrator code, with no side effects: the
 * check the Durable extension makes on every episode, run on demand. Use it before deploying a
 * change to an orchestrator, on histories exported from running or past instances.
 */
import { EventType, type HistoryEvent } from './history.js';
import { replayEpisode } from './host-replay.js';
import { callOrchestrator, type Handler } from './invoke.js';

export interface ReplayReport {
  /** True when the code reproduces every scheduling decision the history records. */
  clean: boolean;
  /** Why not: the nondeterminism message, or the orchestrator's own failure. */
  divergence: string | null;
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
  return { clean: divergence === null, divergence, events: history.length, pending, isDone: state.isDone, output: state.output ?? null };
}

/** A history that itself ended in failure replays to the same failure: that is not a divergence. */
function recordedFailure(history: HistoryEvent[]): boolean {
  return history.some((e) => e.EventType === EventType.ExecutionCompleted && e.OrchestrationStatus === 'Failed');
}
