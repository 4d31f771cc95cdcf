/**
 * bench:durable — what the local durable host costs.
 *
 * 1. Replay cost per episode for histories of about 10, 100, 1,000 and 10,000 events: the
 *    orchestrator (durable-functions, unchanged) plus the host-side action replay, over a
 *    recorded chain of activities. Target: cost per event stays flat as the history grows.
 * 2. A 1,000-activity fan-out through the host (journal on disk, fsync'd), next to calling the
 *    same activity function directly in a loop in the same run. Target: at most 2x the loop.
 *
 *   npm run bench:durable [-- --fanout 1000 --rounds 3]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFunctionsCore } from '../local/functions-core.js';
import { ScaledClock } from '../local/clock.js';
import { durableFunctionsOf, replayHistory } from '../local/durable/index.js';
import { EventType, event, toJsonText, type HistoryEvent } from '../local/durable/history.js';
import type { Handler } from '../local/durable/invoke.js';
import { DurableRuntime } from '../local/durable/runtime.js';

const registry = installFunctionsCore();
const df = await import('durable-functions');

/** A fixed piece of CPU work (~0.3 ms): the stand-in for an activity's real work. */
function activityWork(i: number): string {
  let digest = Buffer.from(String(i));
  for (let k = 0; k < 200; k++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex').slice(0, 8);
}

df.app.activity('bench_work', { handler: (i: number) => activityWork(i) });
df.app.activity('bench_echo', { handler: (i: number) => i });
df.app.orchestration('bench_fanout', function* (context) {
  const n = context.df.getInput<number>();
  const results: string[] = yield context.df.Task.all(Array.from({ length: n }, (_, i) => context.df.callActivity('bench_work', i)));
  return results.length;
});
df.app.orchestration('bench_chain', function* (context) {
  const n = context.df.getInput<number>();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (yield context.df.callActivity('bench_echo', i)) as number;
  return sum;
});

function options(argv: string[]): { fanout: number; rounds: number } {
  const opts = { fanout: 1000, rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fanout') opts.fanout = Number(argv[++i]);
    else if (arg === '--rounds') opts.rounds = Number(argv[++i]);
    else throw new Error(`unknown option ${arg}; use --fanout N, --rounds N`);
  }
  if (!(opts.fanout >= 1) || !(opts.rounds >= 1)) throw new Error('--fanout and --rounds must be positive');
  return opts;
}

/** The history a chain of `steps` sequential activities records, as the host writes it. */
function chainHistory(steps: number): HistoryEvent[] {
  const t = Date.UTC(2026, 0, 1);
  const h: HistoryEvent[] = [
    event(EventType.OrchestratorStarted, t),
    event(EventType.ExecutionStarted, t, {
      Name: 'bench_chain',
      Input: toJsonText(steps),
      OrchestrationInstance: { InstanceId: 'bench', ExecutionId: 'bench' },
    }),
  ];
  for (let i = 0; i < steps; i++) {
    if (i > 0) {
      h.push(event(EventType.OrchestratorStarted, t + i));
      h.push(event(EventType.TaskCompleted, t + i, { TaskScheduledId: i - 1, Result: toJsonText(i - 1) }));
    }
    h.push(event(EventType.TaskScheduled, t + i, { EventId: i, Name: 'bench_echo', Input: toJsonText(i) }));
    h.push(event(EventType.OrchestratorCompleted, t + i));
  }
  return h;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function replayCost(rounds: number): Promise<void> {
  const handler = registry.get('bench_chain')!.handler as Handler;
  console.log('replay cost per episode (orchestrator + host action replay, history of a chain of activities)');
  const perEvent: number[] = [];
  for (const target of [10, 100, 1_000, 10_000]) {
    const steps = Math.max(1, Math.round(target / 4));
    const history = chainHistory(steps);
    const repeats = Math.max(3, Math.round(20_000 / history.length));
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = performance.now();
      for (let k = 0; k < repeats; k++) {
        const report = await replayHistory(handler, { name: 'bench_chain', history });
        if (!report.clean) throw new Error(`replay diverged: ${report.divergence}`);
      }
      samples.push((performance.now() - start) / repeats);
    }
    const ms = median(samples);
    const us = (ms * 1000) / history.length;
    perEvent.push(us);
    console.log(`  ${String(history.length).padStart(6)} events   ${ms.toFixed(3).padStart(9)} ms per episode   ${us.toFixed(2).padStart(6)} µs per event`);
  }
  const growth = perEvent[perEvent.length - 1]! / perEvent[1]!;
  console.log(`  per-event cost at 10,000 events vs 100 events: ${growth.toFixed(2)}x (flat means close to 1)`);
}

async function fanout(n: number, rounds: number): Promise<void> {
  console.log(`\n${n}-activity fan-out (each activity ~0.3 ms of CPU work)`);
  const direct: number[] = [];
  const hosted: number[] = [];
  let episodes = 0;
  for (let r = 0; r < rounds; r++) {
    let start = performance.now();
    for (let i = 0; i < n; i++) activityWork(i);
    direct.push(performance.now() - start);

    const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
    const runtime = new DurableRuntime({ functions: durableFunctionsOf(registry), clock: new ScaledClock(1), dataDir: dir });
    start = performance.now();
    runtime.start('bench_fanout', n, 'fanout');
    await runtime.idle();
    hosted.push(performance.now() - start);
    const instance = runtime.get('fanout')!;
    if (instance.status !== 'Completed' || instance.output !== n) throw new Error(`fan-out ended ${instance.status}`);
    episodes = instance.history.filter((e) => e.EventType === EventType.OrchestratorStarted).length;
    runtime.close();
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(`  round ${r + 1}/${rounds}: direct ${direct[r]!.toFixed(0)} ms, host ${hosted[r]!.toFixed(0)} ms\n`);
  }
  const d = median(direct);
  const h = median(hosted);
  console.log(`  baseline: direct loop          ${d.toFixed(0).padStart(6)} ms   ${((n / d) * 1000).toFixed(0).padStart(6)} activities/s`);
  console.log(`  local host (journal, fsync)    ${h.toFixed(0).padStart(6)} ms   ${((n / h) * 1000).toFixed(0).padStart(6)} activities/s   ${episodes} episodes`);
  console.log(`  ratio host / direct: ${(h / d).toFixed(2)}x  (target ≤ 2x: ${h / d <= 2 ? 'meets' : 'ABOVE'})`);
}

const opts = options(process.argv.slice(2));
console.log(`bench:durable  node ${process.version}  ${opts.rounds} rounds, medians`);
await replayCost(opts.rounds);
await fanout(opts.fanout, opts.rounds);
