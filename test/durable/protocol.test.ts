/**
 * The host side of the durable protocol, feature by feature, with real orchestrator generators
 * registered through `df.app.*`. Each orchestration runs in every delivery mode (batched, one
 * message per episode, shuffled) and must reach the same outcome with the same sequence ids.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { EventType } from '../../local/durable/history.js';
import { InstanceExistsError } from '../../local/durable/runtime.js';
import { harness, MODES, scheduling, START, summary } from './support.js';

// ── the app under test ────────────────────────────────────────────────────────────────────────

df.app.activity('p_hello', { handler: (input: unknown) => `Hello ${String(input)}` });
df.app.activity('p_echo', { handler: (input: unknown) => input });
df.app.activity('p_nothing', { handler: () => undefined });
df.app.activity('p_fail', {
  handler: () => {
    throw new Error('disk on fire');
  },
});
/** Fails the first `failures` calls per key, then succeeds. */
const flakyState = new Map<string, number>();
df.app.activity('p_flaky', {
  handler: (input: { key: string; failures: number }) => {
    const n = (flakyState.get(input.key) ?? 0) + 1;
    flakyState.set(input.key, n);
    if (n <= input.failures) throw new Error(`attempt ${n} failed`);
    return `ok after ${n}`;
  },
});

df.app.orchestration('p_sequence', function* (context: OrchestrationContext) {
  const a: string = yield context.df.callActivity('p_hello', 'Tokyo');
  const b: string = yield context.df.callActivity('p_hello', 'Seattle');
  const c: unknown = yield context.df.callActivity('p_nothing');
  const d: unknown = yield context.df.callActivity('p_echo', '13131');
  return [a, b, c, d];
});

df.app.orchestration('p_fanout', function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  const tasks = Array.from({ length: n }, (_, i) => context.df.callActivity('p_hello', i));
  const results: string[] = yield context.df.Task.all(tasks);
  return results;
});

df.app.orchestration('p_approval', function* (context: OrchestrationContext) {
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + 60 * 60_000);
  const timer = context.df.createTimer(deadline);
  const approval = context.df.waitForExternalEvent('Approval');
  const winner: unknown = yield context.df.Task.any([approval, timer]);
  if (winner === approval) {
    timer.cancel();
    return { approved: approval.result, at: context.df.currentUtcDateTime.toISOString() };
  }
  return { approved: null, at: context.df.currentUtcDateTime.toISOString() };
});

/** Forgets to cancel the losing timer: the instance must stay Running until it fires. */
df.app.orchestration('p_leaky_timer', function* (context: OrchestrationContext) {
  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 30 * 60_000));
  const work = context.df.callActivity('p_hello', 'fast');
  yield context.df.Task.any([work, timer]);
  return 'returned';
});

df.app.orchestration('p_retry', function* (context: OrchestrationContext) {
  const options = new df.RetryOptions(1000, 3);
  options.backoffCoefficient = 2;
  const key = context.df.getInput<string>();
  const ok: string = yield context.df.callActivityWithRetry('p_flaky', options, { key, failures: 2 });
  try {
    yield context.df.callActivityWithRetry('p_flaky', options, { key: `${key}-hopeless`, failures: 99 });
  } catch (err) {
    return { ok, gaveUp: (err as Error).message };
  }
  return { ok, gaveUp: null };
});

df.app.orchestration('p_child', function* (context: OrchestrationContext) {
  const input = context.df.getInput<string>();
  if (input === 'explode') throw new Error('child exploded');
  const greeting: string = yield context.df.callActivity('p_hello', input);
  return { greeting, parent: context.df.parentInstanceId, me: context.df.instanceId };
});

df.app.orchestration('p_parent', function* (context: OrchestrationContext) {
  const first: unknown = yield context.df.callSubOrchestrator('p_child', 'kid');
  const named: unknown = yield context.df.callSubOrchestrator('p_child', 'named', `${context.df.instanceId}-named`);
  let failure = null;
  try {
    yield context.df.callSubOrchestrator('p_child', 'explode');
  } catch (err) {
    failure = (err as Error).message;
  }
  return { first, named, failure };
});

df.app.orchestration('p_events', function* (context: OrchestrationContext) {
  const first: unknown = yield context.df.waitForExternalEvent('Go');
  const second: unknown = yield context.df.waitForExternalEvent('Go');
  const other: unknown = yield context.df.waitForExternalEvent('Other');
  return [first, second, other];
});

df.app.orchestration('p_timers', function* (context: OrchestrationContext) {
  const start = context.df.currentUtcDateTime.toISOString();
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 5 * 60_000));
  const afterFive = context.df.currentUtcDateTime.toISOString();
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 2 * 3600_000));
  return [start, afterFive, context.df.currentUtcDateTime.toISOString()];
});

df.app.orchestration('p_counter', function* (context: OrchestrationContext) {
  const n = context.df.getInput<number>();
  yield context.df.callActivity('p_echo', n);
  if (n < 3) {
    context.df.continueAsNew(n + 1);
    return undefined;
  }
  return `done at ${n}`;
});

df.app.orchestration('p_status', function* (context: OrchestrationContext) {
  const size = context.df.getInput<number>();
  context.df.setCustomStatus({ step: 'working', padding: 'x'.repeat(size) });
  yield context.df.waitForExternalEvent('Finish');
  context.df.setCustomStatus({ step: 'done' });
  return 'finished';
});

df.app.orchestration('p_throws', function* (context: OrchestrationContext) {
  yield context.df.callActivity('p_echo', 1);
  throw new Error('kaboom');
});

df.app.orchestration('p_catches_activity', function* (context: OrchestrationContext) {
  try {
    yield context.df.callActivity('p_fail');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
});

/** Task.all fails fast in JS; the host still awaits the whole fan-out before the next step. */
df.app.orchestration('p_fail_fast', function* (context: OrchestrationContext) {
  try {
    yield context.df.Task.all([
      context.df.callActivity('p_fail'),
      context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * 60_000)),
      context.df.callActivity('p_hello', 'ok'),
    ]);
  } catch {
    // expected
  }
  const after: string = yield context.df.callActivity('p_hello', 'after');
  return after;
});

let variant: 'original' | 'changed' = 'original';
df.app.orchestration('p_changing', function* (context: OrchestrationContext) {
  yield context.df.callActivity(variant === 'original' ? 'p_hello' : 'p_echo', 'x');
  yield context.df.waitForExternalEvent('Continue');
  yield context.df.callActivity('p_hello', 'y');
  return 'done';
});

// ── tests ─────────────────────────────────────────────────────────────────────────────────────

describe.each(MODES)('durable protocol ($label)', (mode) => {
  it('runs activities in sequence with sequence ids 0, 1, 2, … and decodes string inputs once', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_sequence', null, 'seq');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    expect(instance.output).toEqual(['Hello Tokyo', 'Hello Seattle', null, '13131']);
    expect(summary(instance.history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0 p_hello',
      'TaskCompleted(0)',
      'TaskScheduled#1 p_hello',
      'TaskCompleted(1)',
      'TaskScheduled#2 p_nothing',
      'TaskCompleted(2)',
      'TaskScheduled#3 p_echo',
      'TaskCompleted(3)',
      'ExecutionCompleted Completed',
    ]);
    // Every episode is framed by OrchestratorStarted … OrchestratorCompleted.
    const framing = instance.history.filter((e) => e.EventType === EventType.OrchestratorStarted).length;
    expect(framing).toBe(instance.history.filter((e) => e.EventType === EventType.OrchestratorCompleted).length);
  });

  it('fans out and in: ids in array order, results in array order whatever the completion order', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_fanout', 5, 'fan');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.output).toEqual(['Hello 0', 'Hello 1', 'Hello 2', 'Hello 3', 'Hello 4']);
    expect(scheduling(instance.history)).toEqual([0, 1, 2, 3, 4].map((i) => `TaskScheduled#${i} p_hello`));
  });

  it('races an external event against a timer, and cancelling the timer lets the instance complete', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_approval', null, 'approve');
    await h.settle();
    expect(h.runtime.get(id)!.status).toBe('Running');
    h.runtime.raiseEvent(id, 'Approval', { by: 'alice' });
    await h.settle();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    expect(instance.output).toEqual({ approved: { by: 'alice' }, at: new Date(START).toISOString() });
    expect(summary(instance.history)).toEqual(['ExecutionStarted', 'TimerCreated#0', 'EventRaised Approval', 'ExecutionCompleted Completed']);
  });

  it('times out when no event comes: the timer fires an hour later on the virtual clock', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_approval', null, 'timeout');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.output).toEqual({ approved: null, at: new Date(START + 3600_000).toISOString() });
    expect(summary(instance.history)).toEqual(['ExecutionStarted', 'TimerCreated#0', 'TimerFired(t0)', 'ExecutionCompleted Completed']);
  });

  it('keeps an instance Running while an uncancelled timer is open, as DTFx does', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_leaky_timer', null, 'leaky');
    await h.settle();
    expect(h.runtime.get(id)!.status).toBe('Running');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    expect(instance.output).toBe('returned');
    expect(instance.lastUpdatedTime).toBe(START + 30 * 60_000);
  });

  it('retries through retry timers with backoff, and gives up after the last attempt', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_retry', `retry-${mode.label}`, 'retry');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    expect(instance.output).toMatchObject({ ok: 'ok after 3' });
    expect((instance.output as { gaveUp: string }).gaveUp).toContain("Activity function 'p_flaky' failed: attempt 3 failed");
    expect(scheduling(instance.history)).toEqual([
      'TaskScheduled#0 p_flaky',
      'TimerCreated#1',
      'TaskScheduled#2 p_flaky',
      'TimerCreated#3',
      'TaskScheduled#4 p_flaky',
      'TaskScheduled#5 p_flaky',
      'TimerCreated#6',
      'TaskScheduled#7 p_flaky',
      'TimerCreated#8',
      'TaskScheduled#9 p_flaky',
      'TimerCreated#10',
    ]);
    const timers = instance.history.filter((e) => e.EventType === EventType.TimerCreated);
    // 1 s, then 2 s (backoff 2) after the failures; one more timer follows the final failure.
    const delays = timers.map((t) => Date.parse(t.FireAt!) - Date.parse(t.Timestamp));
    expect(delays).toEqual([1000, 2000, 1000, 2000, 4000]);
  });

  it('runs sub-orchestrations with default and chosen ids, and surfaces a child failure to the parent', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_parent', null, 'parent');
    await h.run();
    const parent = h.runtime.get(id)!;
    expect(parent.status).toBe('Completed');
    const output = parent.output as { first: { me: string; parent: string }; named: { me: string }; failure: string };
    expect(output.first.me).toBe(`${parent.executionId}:0`);
    expect(output.first.parent).toBe('parent');
    expect(output.named.me).toBe('parent-named');
    expect(output.failure).toContain('child exploded');
    expect(scheduling(parent.history)).toEqual([
      'SubOrchestrationInstanceCreated#0 p_child',
      'SubOrchestrationInstanceCreated#1 p_child',
      'SubOrchestrationInstanceCreated#2 p_child',
    ]);
    expect(h.runtime.get(`${parent.executionId}:2`)!.status).toBe('Failed');
  });

  it('buffers events raised before the wait and matches them FIFO by name', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_events', null, 'events');
    h.runtime.raiseEvent(id, 'Other', 'o');
    h.runtime.raiseEvent(id, 'Go', 1);
    h.runtime.raiseEvent(id, 'Go', 2);
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    // Shuffled delivery may reorder the raises; each name's own events still pair FIFO with its waits.
    expect((instance.output as unknown[])[2]).toBe('o');
    expect([...(instance.output as number[]).slice(0, 2)].sort()).toEqual([1, 2]);
  });

  it('advances currentUtcDateTime only through the clock of the episodes', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_timers', null, 'timers');
    await h.run();
    expect(h.runtime.get(id)!.output).toEqual([
      new Date(START).toISOString(),
      new Date(START + 5 * 60_000).toISOString(),
      new Date(START + 5 * 60_000 + 2 * 3600_000).toISOString(),
    ]);
  });

  it('continues as new with a fresh history and a new execution id', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_counter', 0, 'counter');
    const firstExecution = h.runtime.get(id)!.executionId;
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Completed');
    expect(instance.output).toBe('done at 3');
    expect(instance.input).toBe(3);
    expect(instance.executionId).not.toBe(firstExecution);
    expect(summary(instance.history)).toEqual(['ExecutionStarted', 'TaskScheduled#0 p_echo', 'TaskCompleted(0)', 'ExecutionCompleted Completed']);
  });

  it('records custom status, and fails the orchestration when it exceeds 16 KB', async () => {
    const h = harness(mode);
    const ok = h.runtime.start('p_status', 10, 'status-ok');
    await h.settle();
    expect(h.runtime.get(ok)!.customStatus).toEqual({ step: 'working', padding: 'x'.repeat(10) });
    h.runtime.raiseEvent(ok, 'Finish', null);
    await h.run();
    expect(h.runtime.get(ok)!.customStatus).toEqual({ step: 'done' });
    const big = h.runtime.start('p_status', 17_000, 'status-big');
    await h.run();
    const failed = h.runtime.get(big)!;
    expect(failed.status).toBe('Failed');
    expect(String(failed.output)).toContain('The size of the JSON-serialized custom status must not exceed 16 KB');
  });

  it('fails an orchestration that throws, with the error in its output', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_throws', null, 'throws');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Failed');
    expect(instance.output).toBe("Orchestrator function 'p_throws' failed: kaboom");
    expect(summary(instance.history).at(-1)).toBe('ExecutionCompleted Failed');
  });

  it('passes an activity failure to the orchestrator as an error naming the activity', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_catches_activity', null, 'catches');
    await h.run();
    expect(h.runtime.get(id)!.output).toMatch(/^Activity function 'p_fail' failed: disk on fire/);
  });

  it('schedules the step after a failed fan-out only once the whole fan-out settles', async () => {
    const h = harness(mode);
    const id = h.runtime.start('p_fail_fast', null, 'failfast');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.output).toBe('Hello after');
    const events = summary(instance.history);
    expect(events.indexOf('TaskScheduled#3 p_hello')).toBeGreaterThan(events.indexOf('TimerFired(t1)'));
  });
});

describe('durable runtime', () => {
  it('refuses to start an id that is running, and restarts one that finished', async () => {
    const h = harness();
    h.runtime.start('p_approval', null, 'singleton');
    expect(() => h.runtime.start('p_approval', null, 'singleton')).toThrow(InstanceExistsError);
    h.runtime.raiseEvent('singleton', 'Approval', true);
    await h.settle();
    expect(h.runtime.get('singleton')!.status).toBe('Completed');
    h.runtime.start('p_approval', null, 'singleton');
    expect(h.runtime.get('singleton')!.status).toBe('Pending');
  });

  it('replaces a running instance when host.json says AnyState', async () => {
    const h = harness(MODES[0], { overridableExistingInstanceStates: 'AnyState' });
    h.runtime.start('p_approval', null, 'override');
    await h.settle();
    const firstExecution = h.runtime.get('override')!.executionId;
    h.runtime.start('p_approval', null, 'override');
    h.runtime.raiseEvent('override', 'Approval', 'second');
    await h.settle();
    const instance = h.runtime.get('override')!;
    expect(instance.executionId).not.toBe(firstExecution);
    expect(instance.output).toMatchObject({ approved: 'second' });
  });

  it('fails a changed orchestrator on replay with the host’s nondeterminism message', async () => {
    const h = harness();
    variant = 'original';
    const id = h.runtime.start('p_changing', null, 'changing');
    await h.settle();
    variant = 'changed';
    h.runtime.raiseEvent(id, 'Continue', null);
    await h.settle();
    variant = 'original';
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Failed');
    expect(instance.output).toBe(
      "Non-Deterministic workflow detected: A previous execution of this orchestration scheduled an activity task with sequence number 0 named 'p_hello', " +
        "but the current orchestration replay instead produced an activity task named 'p_echo' at this sequence number. " +
        'Was a change made to the orchestrator code after this instance had already started running?',
    );
  });

  it('terminates an instance and ignores its late activity results', async () => {
    const h = harness();
    const id = h.runtime.start('p_approval', null, 'terminate-me');
    await h.settle();
    h.runtime.terminate(id, 'operator stopped it');
    await h.run();
    const instance = h.runtime.get(id)!;
    expect(instance.status).toBe('Terminated');
    expect(instance.output).toBe('operator stopped it');
    expect(summary(instance.history).at(-1)).toBe('ExecutionTerminated');
  });

  it('fails the call to an activity that does not exist with the host’s message', async () => {
    df.app.orchestration('p_missing_activity', function* (context: OrchestrationContext) {
      try {
        yield context.df.callActivity('p_no_such_activity');
      } catch (err) {
        return (err as Error).message;
      }
      return 'unexpected';
    });
    const h = harness();
    const id = h.runtime.start('p_missing_activity', null, 'missing');
    await h.run();
    expect(h.runtime.get(id)!.output).toContain("The function 'p_no_such_activity' doesn't exist");
  });

  it('purges finished instances only', async () => {
    const h = harness();
    const id = h.runtime.start('p_sequence', null, 'purge-me');
    expect(() => h.runtime.purge(id)).toThrow(/terminate it before purging/);
    await h.run();
    expect(h.runtime.purge(id)).toBe(true);
    expect(h.runtime.get(id)).toBeUndefined();
    expect(h.runtime.purge(id)).toBe(false);
  });
});
