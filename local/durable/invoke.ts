/**
 * Calls the app's registered durable functions the way the Functions worker does: the
 * orchestrator with the extension's trigger JSON (schema V3), activities with their decoded
 * input. Both get a fresh InvocationContext per call: durable-functions keeps state on
 * `context.df`, which must never survive into the next episode.
 */
import { randomUUID } from 'node:crypto';
import azureFunctions, { type InvocationContext } from '@azure/functions';
import type { HistoryEvent } from './history.js';
import type { JsAction } from './host-replay.js';

export type Handler = (input: unknown, context: InvocationContext) => unknown;

/** What durable-functions returns (or embeds in its error) after replaying one episode. */
export interface OrchestratorState {
  isDone: boolean;
  actions: JsAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

export interface OrchestratorCall {
  instanceId: string;
  parentInstanceId: string | null;
  /** Past events (IsPlayed) followed by this episode's new ones. */
  history: HistoryEvent[];
  pastCount: number;
  input: unknown;
  functionName: string;
  log?: (level: string, message: string) => void;
}

const OUT_OF_PROC = '\n\n$OutOfProcData$:';

export async function callOrchestrator(handler: Handler, call: OrchestratorCall): Promise<{ state: OrchestratorState; threw: boolean }> {
  const history = call.history.map((e, i) => ({ ...e, IsPlayed: i < call.pastCount }));
  // Round-trip through JSON so the library sees the wire format (string timestamps, no undefined).
  const trigger = JSON.parse(
    JSON.stringify({
      history,
      input: call.input ?? null,
      instanceId: call.instanceId,
      isReplaying: call.pastCount > 0,
      parentInstanceId: call.parentInstanceId,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      longRunningTimerIntervalDuration: '3.00:00:00',
      maximumShortTimerDuration: '6.00:00:00',
      defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
    }),
  ) as unknown;
  const context = invocationContext(call.functionName, { type: 'orchestrationTrigger', name: 'context', direction: 'in' }, call.log);
  try {
    const state = (await handler(trigger, context)) as OrchestratorState | null | undefined;
    if (state === null || state === undefined) {
      return { state: { isDone: false, actions: [[]] }, threw: false };
    }
    return { state, threw: false };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const at = message.indexOf(OUT_OF_PROC);
    if (at >= 0) {
      const state = JSON.parse(message.slice(at + OUT_OF_PROC.length)) as OrchestratorState;
      return { state: { ...state, isDone: true }, threw: true };
    }
    // Not the library's failure envelope: the function itself broke before replaying.
    return { state: { isDone: true, actions: [[]], error: message }, threw: true };
  }
}

export function invocationContext(
  functionName: string,
  trigger: Record<string, unknown>,
  log?: (level: string, message: string) => void,
  extraInputs: Array<{ type: string; name: string }> = [],
): InvocationContext {
  // A CommonJS bundle whose classes Node's ESM loader cannot see as named exports.
  return new azureFunctions.InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level, ...args) => log?.(level, args.map(String).join(' ')),
    options: { trigger: trigger as never, extraInputs: extraInputs as never, extraOutputs: [] },
  });
}
