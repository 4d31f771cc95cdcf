/**
 * Drives real durable-functions orchestrators, registered with `df.app.*`, through the local
 * runtime on a virtual clock.
 */
import { installFunctionsCore } from '../../local/functions-core.js';
import { VirtualClock } from '../../local/clock.js';
import { durableFunctionsOf } from '../../local/durable/index.js';
import { EventType, type HistoryEvent } from '../../local/durable/history.js';
import { DurableRuntime, runUntilIdle, type RuntimeOptions } from '../../local/durable/runtime.js';

/** Installed before any `df.app.*` call in the test files that import this module. */
export const registry = installFunctionsCore();

export const START = Date.UTC(2026, 0, 1, 0, 0, 0);

export interface Mode {
  label: string;
  options: Partial<RuntimeOptions>;
}

/** Every orchestration test runs in each mode: Azure batches messages in no guaranteed order. */
export const MODES: Mode[] = [
  { label: 'batched', options: {} },
  { label: 'one message per episode', options: { batchMessages: false } },
  { label: 'shuffled', options: { shuffleSeed: 1 } },
  { label: 'shuffled, one message per episode', options: { shuffleSeed: 7, batchMessages: false } },
];

export function harness(mode: Mode = MODES[0]!, extra: Partial<RuntimeOptions> = {}) {
  const clock = new VirtualClock(START);
  const runtime = new DurableRuntime({ functions: durableFunctionsOf(registry), clock, ...mode.options, ...extra });
  return {
    clock,
    runtime,
    /** Runs until nothing is left but timers, then jumps the clock, until nothing at all is left. */
    run: () => runUntilIdle(runtime, clock),
    /** Runs what can run now, without moving the clock. */
    settle: () => runtime.idle(),
  };
}

/** `TaskScheduled#0 hello`, `TaskCompleted(0)`, `TimerFired(t3)`: the history as a readable list. */
export function summary(history: HistoryEvent[], { withEpisodes = false } = {}): string[] {
  return history
    .filter((e) => withEpisodes || (e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted))
    .map((e) => {
      const name = EventType[e.EventType];
      if (e.EventId >= 0) return `${name}#${e.EventId}${e.Name !== undefined ? ` ${e.Name}` : ''}`;
      if (e.TaskScheduledId !== undefined) return `${name}(${e.TaskScheduledId})`;
      if (e.TimerId !== undefined) return `${name}(t${e.TimerId})`;
      if (e.EventType === EventType.EventRaised) return `${name} ${e.Name}`;
      if (e.EventType === EventType.ExecutionCompleted) return `${name} ${e.OrchestrationStatus}`;
      return name;
    });
}

/** Scheduling events only: these must not depend on message order or batching. */
export function scheduling(history: HistoryEvent[]): string[] {
  return summary(history).filter((s) => s.includes('#'));
}
