/**
 * Replay of a recorded history against today's code: clean when nothing changed, a precise
 * divergence when the orchestrator changed under a running or finished instance.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { replayHistory } from '../../local/durable/index.js';
import type { Handler } from '../../local/durable/invoke.js';
import { harness, registry } from './support.js';

let step2 = 'r_b';
df.app.activity('r_a', { handler: () => 'a' });
df.app.activity('r_b', { handler: () => 'b' });
df.app.activity('r_c', { handler: () => 'c' });
df.app.orchestration('r_flow', function* (context: OrchestrationContext) {
  const first: string = yield context.df.callActivity('r_a');
  yield context.df.waitForExternalEvent('Next');
  const second: string = yield context.df.callActivity(step2);
  return first + second;
});

const handler = () => registry.get('r_flow')!.handler as Handler;

describe('replaying a recorded history', () => {
  it('reports a clean replay of a finished instance with unchanged code', async () => {
    const h = harness();
    h.runtime.start('r_flow', null, 'finished');
    h.runtime.raiseEvent('finished', 'Next', null);
    await h.run();
    const history = h.runtime.history('finished');
    const report = await replayHistory(handler(), { name: 'r_flow', history });
    expect(report).toEqual({ clean: true, divergence: null, events: history.length, pending: [], isDone: true, output: 'ab' });
  });

  it('says what a still-running instance would do next', async () => {
    const h = harness();
    h.runtime.start('r_flow', null, 'running');
    await h.settle();
    const report = await replayHistory(handler(), { name: 'r_flow', history: h.runtime.history('running') });
    expect(report.clean).toBe(true);
    expect(report.isDone).toBe(false);
    expect(report.pending).toEqual([]);
  });

  it('finds where changed code diverges from the recorded history', async () => {
    const h = harness();
    h.runtime.start('r_flow', null, 'changed');
    h.runtime.raiseEvent('changed', 'Next', null);
    await h.run();
    step2 = 'r_c';
    try {
      const report = await replayHistory(handler(), { name: 'r_flow', history: h.runtime.history('changed') });
      expect(report.clean).toBe(false);
      expect(report.divergence).toBe(
        "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 1 named 'r_b', " +
          "but the current orchestration replay instead produced an activity task named 'r_c' at this sequence number. " +
          'Was a change made to the orchestrator code after this instance had already started running?',
      );
      const history = h.runtime.history('changed');
      // Where: the event that scheduled r_b, in the history as given.
      expect(report.at).toEqual({ eventIndex: history.findIndex((e) => e.Name === 'r_b'), sequenceId: 1, recorded: "activity 'r_b'", produced: "activity 'r_c'" });
    } finally {
      step2 = 'r_b';
    }
  });

  it('rejects a history without an ExecutionStarted event', async () => {
    const report = await replayHistory(handler(), { name: 'r_flow', history: [] });
    expect(report).toMatchObject({ clean: false, divergence: 'the history has no ExecutionStarted event' });
  });
});
