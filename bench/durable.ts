/**
 * bench:durable — what the local durable host costs.
 *
 * 1. Replay cost per episode for histories of about 10, 100, 1,000 and 10,000 events: the
 *    orchestrator (durable-functions, unchanged) plus the host-side action replay, over a
 *    recorded chain of activities. Target: cost per event stays flat as the history grows.
 * 2. A 1,000-activity fan-out through the host (journal on disk, fsync'd), next to calling the
 *    same activity function directly in a loop in the same run. Target: at most 2x the loop.
 *    Beside the ratio, the host's own cost per activity in microseconds, for a CPU-bound activity
 *    and an I/O-bound one (see hostOverhead below for why that is the figure to quote).
 *
 *   npm run bench:durable [-- --fanout 1000 --rounds 3 --io-ms 5 --check]
 *   (--check exits non-zero when the ratio target is missed)
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
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

/** How long the I/O-bound activity waits (--io-ms). */
let ioMs = 5;

/**
 * An I/O-bound activity: it waits on a real timer and burns no CPU, like an activity waiting on
 * ARM. The host runs up to `ACTIVITY_CONCURRENCY` of them at once, so the direct baseline does too.
 */
async function ioWork(i: number): Promise<number> {
  await sleep(ioMs);
  return i;
}

/** The durable runtime's default activity concurrency (local/durable/runtime.ts), which this bench leaves unset. */
const ACTIVITY_CONCURRENCY = 32;

/** A fixed piece of CPU work (~0.3 ms): the stand-in for an activity's real work. */
function activityWork(i: number): string {
  let digest = Buffer.from(String(i));
  for (let k = 0; k < 200; k++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex').slice(0, 8);
}

df.app.activity('bench_work', { handler: (i: number) => activityWork(i) });
df.app.activity('bench_echo', { handler: (i: number) => i });
df.app.activity('bench_wait', { handler: (i: number) => ioWork(i) });
df.app.orchestration('bench_fanout', function* (context) {
  const n = context.df.getInput<number>();
  const results: string[] = yield context.df.Task.all(Array.from({ length: n }, (_, i) => context.df.callActivity('bench_work', i)));
  return results.length;
});
df.app.orchestration('bench_fanout_io', function* (context) {
  const n = context.df.getInput<number>();
  const results: number[] = yield context.df.Task.all(Array.from({ length: n }, (_, i) => context.df.callActivity('bench_wait', i)));
  return results.length;
});
df.app.orchestration('bench_chain', function* (context) {
  const n = context.df.getInput<number>();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (yield context.df.callActivity('bench_echo', i)) as number;
  return sum;
});

function options(argv: string[]): { fanout: number; rounds: number; ioMs: number; check: boolean } {
  const opts = { fanout: 1000, rounds: 3, ioMs: 5, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--fanout') opts.fanout = Number(argv[++i]);
    else if (arg === '--rounds') opts.rounds = Number(argv[++i]);
    else if (arg === '--io-ms') opts.ioMs = Number(argv[++i]);
    else if (arg === '--check') opts.check = true;
    else throw new Error(`unknown option ${arg}; use --fanout N, --rounds N, --io-ms N, --check`);
  }
  if (!(opts.fanout >= 1) || !(opts.rounds >= 1) || !(opts.ioMs >= 0)) throw new Error('--fanout and --rounds must be positive, --io-ms at least 0');
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

interface Sample {
  /** Wall time, ms. */
  ms: number;
  /** CPU time of this process meanwhile (user + system), ms. */
  cpuMs: number;
}

async function timed(work: () => Promise<void> | void): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Runs `orchestration` over n activities through a fresh host (journal on disk); returns its episodes. */
async function throughHost(orchestration: string, n: number): Promise<{ sample: Sample; episodes: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-durable-'));
  const runtime = new DurableRuntime({ functions: durableFunctionsOf(registry), clock: new ScaledClock(1), dataDir: dir });
  try {
    const sample = await timed(async () => {
      runtime.start(orchestration, n, 'fanout');
      await runtime.idle();
    });
    const instance = runtime.get('fanout')!;
    if (instance.status !== 'Completed' || instance.output !== n) throw new Error(`${orchestration} ended ${instance.status}`);
    return { sample, episodes: instance.history.filter((e) => e.EventType === EventType.OrchestratorStarted).length };
  } finally {
    runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same I/O-bound calls made directly, ACTIVITY_CONCURRENCY at a time, as the host runs them. */
async function ioDirect(n: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, ACTIVITY_CONCURRENCY) }, async () => {
      for (let i = next++; i < n; i = next++) await ioWork(i);
    }),
  );
}

interface Kind {
  label: string;
  direct: Sample;
  host: Sample;
  episodes: number;
}

async function measure(label: string, n: number, rounds: number, direct: () => Promise<void> | void, orchestration: string): Promise<Kind> {
  const directs: Sample[] = [];
  const hosts: Sample[] = [];
  let episodes = 0;
  // Warm both paths first (untimed), so the first round does not pay the host's first compile alone.
  await direct();
  await throughHost(orchestration, n);
  for (let r = 0; r < rounds; r++) {
    directs.push(await timed(direct));
    const hosted = await throughHost(orchestration, n);
    hosts.push(hosted.sample);
    episodes = hosted.episodes;
    process.stderr.write(`  ${label} round ${r + 1}/${rounds}: direct ${directs[r]!.ms.toFixed(0)} ms, host ${hosts[r]!.ms.toFixed(0)} ms\n`);
  }
  const mid = (xs: Sample[]): Sample => ({ ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)) });
  return { label, direct: mid(directs), host: mid(hosts), episodes };
}

/**
 * The host's overhead per activity: (time through the host − time of the same calls made
 * directly) / activities. This is the figure to quote, not the ratio host / direct: the ratio
 * divides the host's fixed cost per activity by whatever the dummy activity happens to burn, so
 * a heavier activity makes the host look cheaper and a lighter one dearer, while the difference
 * is what the host itself adds to each activity, whatever the activity does. For the I/O-bound
 * activity the wall-clock difference is what a caller waits extra; part of the host's CPU hides in
 * the timers' waits there, so its CPU difference per activity is printed too.
 */
function hostOverhead(k: Kind, n: number): { wallUs: number; cpuUs: number } {
  return { wallUs: ((k.host.ms - k.direct.ms) * 1000) / n, cpuUs: ((k.host.cpuMs - k.direct.cpuMs) * 1000) / n };
}

async function fanout(n: number, rounds: number): Promise<boolean> {
  console.log(`\n${n}-activity fan-out through the host (journal, fsync) against the same activity called directly`);
  const cpu = await measure('cpu-bound', n, rounds, () => {
    for (let i = 0; i < n; i++) activityWork(i);
  }, 'bench_fanout');
  const io = await measure('i/o-bound', n, rounds, () => ioDirect(n), 'bench_fanout_io');
  const kinds: Array<[Kind, string]> = [
    [cpu, 'cpu-bound: ~0.3 ms of SHA-256 each; direct = a loop'],
    [io, `i/o-bound: awaits a ${ioMs} ms timer; direct = ${ACTIVITY_CONCURRENCY} at a time, as the host runs them`],
  ];
  for (const [k, what] of kinds) {
    const o = hostOverhead(k, n);
    console.log(`  ${what}`);
    console.log(`    baseline: direct             ${k.direct.ms.toFixed(0).padStart(6)} ms   ${((n / k.direct.ms) * 1000).toFixed(0).padStart(6)} activities/s   cpu ${k.direct.cpuMs.toFixed(0).padStart(5)} ms`);
    console.log(`    local host (journal, fsync)  ${k.host.ms.toFixed(0).padStart(6)} ms   ${((n / k.host.ms) * 1000).toFixed(0).padStart(6)} activities/s   cpu ${k.host.cpuMs.toFixed(0).padStart(5)} ms   ${k.episodes} episodes`);
    console.log(`    host overhead per activity: ${o.wallUs.toFixed(0)} µs wall, ${o.cpuUs.toFixed(0)} µs cpu   ratio host / direct: ${(k.host.ms / k.direct.ms).toFixed(2)}x`);
  }
  const ratio = cpu.host.ms / cpu.direct.ms;
  console.log(`  ratio host / direct (cpu-bound): ${ratio.toFixed(2)}x  (target ≤ 2x: ${ratio <= 2 ? 'meets' : 'ABOVE'})`);
  return ratio <= 2;
}

const opts = options(process.argv.slice(2));
ioMs = opts.ioMs;
console.log(`bench:durable  node ${process.version}  ${opts.rounds} rounds, medians`);
await replayCost(opts.rounds);
const met = await fanout(opts.fanout, opts.rounds);
if (opts.check && !met) process.exitCode = 1;
