/**
 * Durable state on disk: a runtime stopped at any point and started again on the same data
 * directory finishes every instance, re-running only work whose completion was not recorded.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { durableFunctionsOf } from '../../local/durable/index.js';
import { DurableRuntime, runUntilIdle } from '../../local/durable/runtime.js';
import { registry, START, summary } from './support.js';

let gate: { open: () => void; promise: Promise<void> } | undefined;
const invocations: Record<string, number> = {};

df.app.activity('s_square', { handler: (n: number) => n * n });
df.app.activity('s_slow', {
  handler: async (label: string) => {
    invocations[label] = (invocations[label] ?? 0) + 1;
    if (gate !== undefined) await gate.promise;
    return `slow ${label}`;
  },
});

df.app.orchestration('s_workflow', function* (context: OrchestrationContext) {
  const squares: number[] = yield context.df.Task.all([1, 2, 3, 4, 5].map((n) => context.df.callActivity('s_square', n)));
  const slow: string = yield context.df.callActivity('s_slow', context.df.getInput<string>());
  const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3600_000));
  const approval = context.df.waitForExternalEvent('Approve');
  const winner: unknown = yield context.df.Task.any([approval, timer]);
  if (winner === approval) timer.cancel();
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  return { squares, slow, approved: winner === approval };
});

const dirs: string[] = [];
afterEach(() => {
  gate = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'durable-journal-'));
  dirs.push(dir);
  return dir;
}

function open(dir: string, at: number) {
  const clock = new VirtualClock(at);
  const runtime = new DurableRuntime({ functions: durableFunctionsOf(registry), clock, dataDir: dir });
  return { clock, runtime };
}

describe('durable state on disk', () => {
  it('resumes an instance waiting on a timer and an event after a restart', async () => {
    const dir = dataDir();
    const a = open(dir, START);
    a.runtime.start('s_workflow', 'a', 'resume');
    await a.runtime.idle();
    const before = a.runtime.get('resume')!;
    expect(before.status).toBe('Running');
    expect(summary(before.history).at(-1)).toBe('TimerCreated#6');
    a.runtime.close();

    const b = open(dir, START + 10 * 60_000);
    expect(summary(b.runtime.history('resume'))).toEqual(summary(before.history));
    b.runtime.raiseEvent('resume', 'Approve', true);
    await runUntilIdle(b.runtime, b.clock);
    const after = b.runtime.get('resume')!;
    expect(after.status).toBe('Completed');
    expect(after.output).toEqual({ squares: [1, 4, 9, 16, 25], slow: 'slow a', approved: true });
    b.runtime.close();
  });

  it('re-runs an activity whose completion was never recorded, once', async () => {
    const dir = dataDir();
    let open_: () => void = () => undefined;
    gate = { open: () => open_(), promise: new Promise<void>((resolve) => (open_ = resolve)) };
    const a = open(dir, START);
    a.runtime.start('s_workflow', 'b', 'rerun');
    while ((invocations['b'] ?? 0) < 1) await new Promise((r) => setTimeout(r, 1));
    a.runtime.close();
    gate.open();

    gate = undefined;
    const b = open(dir, START);
    b.runtime.raiseEvent('rerun', 'Approve', true);
    await runUntilIdle(b.runtime, b.clock);
    expect(invocations['b']).toBe(2);
    const instance = b.runtime.get('rerun')!;
    expect(instance.status).toBe('Completed');
    // Recorded work is not repeated: the five squares were scheduled and completed once.
    expect(summary(instance.history).filter((e) => e.startsWith('TaskScheduled')).length).toBe(6);
    b.runtime.close();
  });

  it('ignores a torn last line left by a kill in the middle of a write', async () => {
    const dir = dataDir();
    const a = open(dir, START);
    a.runtime.start('s_workflow', 'c', 'torn');
    await a.runtime.idle();
    a.runtime.close();
    appendFileSync(join(dir, 'journal.jsonl'), '{"t":"msg","m":{"id":99999,"instanceId":"torn","execu');
    const b = open(dir, START);
    b.runtime.raiseEvent('torn', 'Approve', false);
    await runUntilIdle(b.runtime, b.clock);
    expect(b.runtime.get('torn')!.status).toBe('Completed');
    b.runtime.close();
  });
});
