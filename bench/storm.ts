/**
 * bench:storm — a region outage as the webhook sees it. West Europe goes down in the simulator
 * (what `POST /_sim/regions/westeurope/outage` does) and, within two simulated minutes,
 * `POST /api/alerts` on the local host (in-process with Azurite in memory, the simulator and the
 * durable runtime, all fresh, as bench:intake stands them up) receives:
 *
 * - a Resource Health alert (common alert schema, Activity Log ResourceHealth: Unavailable,
 *   PlatformInitiated) for each of 5,000 resources in the region: a few are media-streaming's
 *   (the sample catalog's workload there: its account, streaming endpoint and live event), the
 *   rest belong to no workload (VMs, disks, storage, web apps, SQL, … in the workloads'
 *   subscription and in four others);
 * - the simulator's Service Health incident for Media Services in West Europe (Active) and its
 *   updates;
 * - redeliveries of 30% of all of them, the same bytes 5 to 40 s after the first delivery (Azure
 *   Monitor's retry interval).
 *
 * Requests are sent on that schedule by 50 concurrent senders in a process of their own
 * (bench/storm-client.ts). Afterwards it checks, as bench:intake does, that nothing accepted was
 * lost (every distinct body in the archive byte for byte, every incident in the durable runtime
 * with its signals) and measures the time from the Service Health alert's delivery to its
 * incident's `failover-started` entry, next to the same failover with no storm, measured in the
 * same run on fresh stacks of its own.
 *
 * The catalog is the sample's, with media-streaming's dwell time set to 0 s, so the failover starts
 * as soon as the app has planned the incident and Resource Health (queried by the incident, not
 * read from the alerts) confirms the primary is down: the figure is the app's own latency, not a
 * guardrail's wait. Its other guardrails are unchanged.
 *
 *   npm run bench:storm [-- --resources 5000 --redeliver 0.3 --window 120 --concurrency 50
 *                          --time-scale 1 --baseline-runs 3 --seed 19 --check]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertArchive } from '../lib/archive/index.js';
import { ScaledClock } from '../local/clock.js';
import { EventType } from '../local/durable/history.js';
import { setHostLogger, type LogEntry } from '../local/functions-core.js';
import { repoRoot } from '../local/registry.js';
import { startStack, type Stack } from '../local/stack.js';
import { makeStorm, REDELIVERY_DELAY, REGION, UPDATES_AT, WORKLOAD_RESOURCES, type Kind, type Storm } from './storm-alerts.js';
import type { StormAnswer, StormResult, StormRun } from './storm-client.js';
import { startClientProcess, type ClientProcess } from './client-process.js';

interface Options {
  resources: number;
  redeliver: number;
  /** Simulated seconds the storm is delivered within. */
  window: number;
  concurrency: number;
  timeScale: number;
  baselineRuns: number;
  seed: number;
  check: boolean;
}

const USAGE = 'use --resources N, --redeliver 0..1, --window S, --concurrency N, --time-scale N, --baseline-runs N, --seed N, --check';

function options(argv: string[]): Options {
  const o: Options = { resources: 5000, redeliver: 0.3, window: 120, concurrency: 50, timeScale: 1, baselineRuns: 3, seed: 19, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const num = () => Number(argv[++i]);
    if (arg === '--resources') o.resources = num();
    else if (arg === '--redeliver') o.redeliver = num();
    else if (arg === '--window') o.window = num();
    else if (arg === '--concurrency') o.concurrency = num();
    else if (arg === '--time-scale') o.timeScale = num();
    else if (arg === '--baseline-runs') o.baselineRuns = num();
    else if (arg === '--seed') o.seed = num();
    else if (arg === '--check') o.check = true;
    else throw new Error(`unknown option ${arg}; ${USAGE}`);
  }
  if (!(o.resources >= WORKLOAD_RESOURCES.length + 1) || !(o.redeliver >= 0 && o.redeliver <= 1) || !(o.window >= 60) || !(o.concurrency >= 1) || !(o.timeScale > 0) || !(o.baselineRuns >= 1)) {
    throw new Error(`bad option value: --resources at least ${WORKLOAD_RESOURCES.length + 1}, --redeliver 0 to 1, --window at least 60, the rest positive; ${USAGE}`);
  }
  return o;
}

const WEBHOOK_KEY = 'bench';
const MASTER_KEY = 'bench-master';
/** Alerts for unprotected resources the no-storm run sends first, to warm the webhook's path. */
const WARM_UP = 100;
/** Target: the failover starts no later than this many times its no-storm time. */
const FAILOVER_TARGET = 1.2;
// ---------------------------------------------------------------------------------------------
// The app, the client

interface App {
  stack: Stack;
  clock: ScaledClock;
  dataDir: string;
  trouble: LogEntry[];
  close(): Promise<void>;
}

/** The sample catalog, media-streaming's dwell time 0 s, notifications to the simulator's receivers. */
function benchCatalog(hookUrl: string): string {
  const sample = readFileSync(join(repoRoot(), 'samples/catalog.yaml'), 'utf8');
  const dwell = sample.replace(/(- id: media-streaming[\s\S]*?guardrails:[\s\S]*?dwellTime: )10m/, (_, head: string) => `${head}0s`);
  if (dwell === sample) throw new Error("the sample catalog's media-streaming no longer has 'dwellTime: 10m'; update bench/storm.ts");
  return dwell.replaceAll('https://contoso.webhook.office.com/webhookb2/', hookUrl).replaceAll('https://hooks.contoso.example/', hookUrl);
}

async function startApp(timeScale: number): Promise<App> {
  const t0 = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-storm-'));
  const catalogPath = join(dataDir, 'catalog.yaml');
  writeFileSync(catalogPath, benchCatalog('https://127.0.0.1:9/_sim/hooks/'));
  const trouble: LogEntry[] = [];
  const logger = (entry: LogEntry) => {
    if (entry.level !== 'information' && entry.level !== 'debug' && entry.level !== 'trace') trouble.push(entry);
  };
  setHostLogger(logger);
  const clock = new ScaledClock(timeScale);
  const stack = await startStack({
    dataDir,
    clock,
    simTimeScale: timeScale,
    catalogPath,
    logger,
    groupKeys: { webhook: WEBHOOK_KEY },
    masterKey: MASTER_KEY,
    env: { TASK_HUB_NAME: 'benchstorm' },
  });
  // The notify targets point at the simulator's receivers, so no notification leaves the machine.
  writeFileSync(catalogPath, benchCatalog(`${stack.sim.baseUrl}/_sim/hooks/`));
  process.stderr.write(`  app up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return {
    stack,
    clock,
    dataDir,
    trouble,
    async close() {
      const t = performance.now();
      await stack.close();
      process.stderr.write(`  app closed in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
      setHostLogger(undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type Client = ClientProcess<Omit<StormRun, 'type'>, StormResult>;
const startClient = (): Client => startClientProcess(new URL('./storm-client.ts', import.meta.url), repoRoot());

/** Host time (the app's clock) of a moment on this machine's clock. */
const hostTime = (clock: ScaledClock, epochMs: number) => clock.hostStart + (epochMs - clock.realStart) * clock.scale;

// ---------------------------------------------------------------------------------------------
// Reading the incidents

interface Timeline {
  runtimeStatus: string;
  timeline: Array<{ at: string; type: string; detail: string }>;
}

async function instance(app: App, id: string): Promise<Timeline | undefined> {
  const res = await fetch(`${app.stack.host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showInput=false&code=${MASTER_KEY}`);
  if (res.status !== 200 && res.status !== 202) {
    await res.body?.cancel();
    return undefined;
  }
  const s = (await res.json()) as { runtimeStatus: string; customStatus?: { timeline?: Timeline['timeline'] } };
  return { runtimeStatus: s.runtimeStatus, timeline: s.customStatus?.timeline ?? [] };
}

interface RawEvent {
  EventType: EventType;
  EventId: number;
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  TaskScheduledId?: number;
}


async function history(app: App, id: string): Promise<RawEvent[]> {
  const res = await fetch(`${app.stack.host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}/history?code=${MASTER_KEY}`);
  if (res.status !== 200) {
    await res.body?.cancel();
    return [];
  }
  return ((await res.json()) as { history: RawEvent[] }).history;
}

/**
 * Where the time from the alert's delivery to the failover start went, from the incident's
 * history: when it started, then each activity it called before the failover (from scheduled to
 * completed), in simulated seconds after the delivery.
 */
async function pathToFailover(app: App, id: string, deliveredAt: number, startedAt: number): Promise<string> {
  const events = await history(app, id);
  const s = (t: string) => ((Date.parse(t) - deliveredAt) / 1000).toFixed(2);
  const parts: string[] = [];
  const started = events.find((e) => e.EventType === EventType.ExecutionStarted);
  if (started !== undefined) parts.push(`started ${s(started.Timestamp)}`);
  for (const e of events) {
    if (e.EventType !== EventType.TaskScheduled || Date.parse(e.Timestamp) > startedAt) continue;
    const done = events.find((c) => (c.EventType === EventType.TaskCompleted || c.EventType === EventType.TaskFailed) && c.TaskScheduledId === e.EventId);
    parts.push(`${e.Name} ${s(e.Timestamp)}-${done !== undefined ? s(done.Timestamp) : '?'}`);
  }
  parts.push(`failover-started ${((startedAt - deliveredAt) / 1000).toFixed(2)}`);
  return parts.join(', ');
}

/** Waits (real time) until the incident's timeline has `failover-started`; its host time, or undefined. */
async function failoverStarted(app: App, id: string, waitMs: number): Promise<{ at: number; detail: string } | undefined> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const s = await instance(app, id);
    const entry = s?.timeline.find((e) => e.type === 'failover-started');
    if (entry !== undefined) return { at: Date.parse(entry.at), detail: entry.detail };
    if (performance.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Accepted {
  acted?: boolean;
  incidentId?: string;
  delivery?: string;
}

const parseAnswer = (a: StormAnswer): Accepted => {
  try {
    return JSON.parse(a.body) as Accepted;
  } catch {
    return {};
  }
};

// ---------------------------------------------------------------------------------------------
// The no-storm baseline: the same Service Health Active alone (after a short warm-up of other
// alerts, as the storm's first seconds warm the path before its own), on a fresh stack, through
// the same client

interface FailoverTime {
  /** Simulated ms from the alert's delivery to the failover-started entry. */
  ms: number;
  acceptMs: number;
  /** pathToFailover's account of it. */
  path: string;
}

async function noStorm(o: Options, client: Client, run: number): Promise<FailoverTime> {
  const app = await startApp(o.timeScale);
  try {
    const incident = app.stack.sim.takeDown(REGION);
    const storm = makeStorm({ ...o, resources: WARM_UP + WORKLOAD_RESOURCES.length, redeliver: 0, seed: o.seed + run }, app.clock.now(), incident.trackingId);
    const active = storm.distinct.findIndex((d) => d.kind === 'service-health');
    // Warm the webhook's path as the storm's first seconds warm it before its Service Health alert.
    const warm = storm.distinct.filter((d) => d.kind === 'resource-health, no workload');
    await client.run({
      url: `${app.stack.host.url}/api/alerts`,
      headers: { 'content-type': 'application/json', 'x-functions-key': WEBHOOK_KEY },
      bodies: warm.map((d) => d.body),
      schedule: warm.map((_, k) => [k, 0]),
      concurrency: 10,
      startAt: Date.now(),
    });
    await new Promise((r) => setTimeout(r, 1000));
    const result = await client.run({
      url: `${app.stack.host.url}/api/alerts`,
      headers: { 'content-type': 'application/json', 'x-functions-key': WEBHOOK_KEY },
      bodies: [storm.distinct[active]!.body],
      schedule: [[0, 0]],
      concurrency: 1,
      startAt: Date.now(),
    });
    const answer = result.answers[0]!;
    const id = parseAnswer(answer).incidentId;
    if (answer.status !== 202 || id === undefined) throw new Error(`no-storm run ${run}: the Service Health alert was answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    const started = await failoverStarted(app, id, (60_000 / o.timeScale) * 2);
    if (started === undefined) throw new Error(`no-storm run ${run}: the failover did not start within two simulated minutes: ${JSON.stringify(await instance(app, id))}`);
    const ms = started.at - hostTime(app.clock, answer.sentAt);
    process.stderr.write(`  no storm, run ${run}: failover started ${(ms / 1000).toFixed(3)} s after the Service Health alert (accepted in ${answer.ms.toFixed(0)} ms)\n`);
    return { ms, acceptMs: answer.ms, path: await pathToFailover(app, id, hostTime(app.clock, answer.sentAt), started.at) };
  } finally {
    await app.close();
  }
}

// ---------------------------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const median = (values: number[]) => percentile(values, 0.5);

/** CPU time of another process, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  const client = startClient();
  const violations: string[] = [];
  try {
    console.log(`bench:storm  node ${process.version}  ${cpus().length} cores  time scale ${o.timeScale}x  seed ${o.seed}`);
    console.log(`catalog: samples/catalog.yaml with media-streaming's dwellTime 10m -> 0s (resourceHealthConfirmation stays on)`);

    // (1) The same failover with no storm, each on a fresh stack.
    const baseline: FailoverTime[] = [];
    for (let r = 1; r <= o.baselineRuns; r++) baseline.push(await noStorm(o, client, r));

    // (2) The storm, on a fresh stack.
    const app = await startApp(o.timeScale);
    try {
      const incident = app.stack.sim.takeDown(REGION);
      const startAt = Date.now() + 2000;
      const start = hostTime(app.clock, startAt);
      const storm = makeStorm(o, start, incident.trackingId);
      const count = (kind: Kind) => storm.distinct.filter((d) => d.kind === kind).length;
      const bytes = storm.sends.reduce((n, [k]) => n + Buffer.byteLength(storm.distinct[k]!.body), 0);
      console.log(
        `\nstorm: ${REGION} down in the simulator (Service Health ${incident.trackingId}: ${incident.services.join(', ')}); within ${o.window} simulated s the webhook receives\n` +
          `  ${o.resources} Resource Health alerts (${count('resource-health, media-streaming')} for media-streaming's resources, ${count('resource-health, no workload')} for resources no workload protects), ` +
          `the Service Health Active and ${UPDATES_AT.length} updates, and ${storm.redeliveries} redeliveries (${Math.round(o.redeliver * 100)}%, ${REDELIVERY_DELAY.join('-')} s later):\n` +
          `  ${storm.sends.length} requests (${(bytes / 1e6).toFixed(1)} MB), ${o.concurrency} senders in a process of their own`,
      );
      const cpu = process.cpuUsage();
      const azurite0 = processCpuMs(app.stack.azurite.pid);
      const t0 = performance.now();
      const result = await client.run({
        url: `${app.stack.host.url}/api/alerts`,
        headers: { 'content-type': 'application/json', 'x-functions-key': WEBHOOK_KEY },
        bodies: storm.distinct.map((d) => d.body),
        schedule: storm.sends.map(([k, at]) => [k, (at * 1000) / o.timeScale]),
        concurrency: o.concurrency,
        startAt,
      });
      const elapsed = performance.now() - t0;
      process.stderr.write(`  storm sent in ${(elapsed / 1000).toFixed(0)} s; verifying\n`);
      const used = process.cpuUsage(cpu);
      const azurite1 = processCpuMs(app.stack.azurite.pid);
      const answers = result.answers;

      // Delivery: how it kept to the schedule.
      const lastSent = Math.max(...answers.map((a) => hostTime(app.clock, a.sentAt))) - start;
      const lag = answers.map((a) => hostTime(app.clock, a.sentAt) - start - storm.sends[a.i]![1] * 1000);
      const lastAnswered = Math.max(...answers.map((a) => hostTime(app.clock, a.sentAt + a.ms))) - start;

      // Answers.
      const tally = new Map<number, number>();
      for (const a of answers) tally.set(a.status, (tally.get(a.status) ?? 0) + 1);
      const accepted = answers.filter((a) => a.status >= 200 && a.status < 300).length;
      const non2xx = answers.length - accepted;
      if (non2xx > 0) violations.push(`${non2xx} requests were not answered 2xx: ${[...tally].filter(([s]) => s < 200 || s >= 300).map(([s, n]) => `${s === 0 ? 'no answer' : s} x${n}`).join(', ')}`);

      // Latency by kind (first deliveries) and for redeliveries.
      const seen = new Set<number>();
      const byKind = new Map<string, number[]>();
      for (const a of [...answers].sort((x, y) => x.sentAt - y.sentAt)) {
        const k = storm.sends[a.i]![0];
        const kind = seen.has(k) ? 'redelivery' : storm.distinct[k]!.kind;
        seen.add(k);
        if (!byKind.has(kind)) byKind.set(kind, []);
        byKind.get(kind)!.push(a.ms);
      }
      const latencies = answers.map((a) => a.ms);

      // The failover: from the Service Health Active's first delivery to its incident's failover-started.
      const activeIndex = storm.distinct.findIndex((d) => d.kind === 'service-health');
      const activeAnswers = answers.filter((a) => storm.sends[a.i]![0] === activeIndex).sort((x, y) => x.sentAt - y.sentAt);
      const shId = parseAnswer(activeAnswers[0]!).incidentId;
      const started = shId !== undefined ? await failoverStarted(app, shId, 30_000 / o.timeScale) : undefined;
      const stormMs = started !== undefined ? started.at - hostTime(app.clock, activeAnswers[0]!.sentAt) : undefined;
      const stormPath = started !== undefined ? await pathToFailover(app, shId!, hostTime(app.clock, activeAnswers[0]!.sentAt), started.at) : undefined;

      // Verification: nothing accepted lost.
      const verify = await verifyStorm(app, storm, answers, shId);
      violations.push(...verify.violations);

      const baseMs = median(baseline.map((b) => b.ms));
      const ratio = stormMs !== undefined ? stormMs / baseMs : Number.POSITIVE_INFINITY;
      const pct = (x: number) => `${Math.round(x * 100)}%`;
      console.log(`\nanswers: ${[...tally].sort(([a], [b]) => a - b).map(([s, n]) => `${s === 0 ? 'no answer' : s} x${n}`).join(', ')}`);
      console.log(`  accepted ${accepted}   lost ${verify.lost}   non-2xx ${non2xx}`);
      console.log(`  accept latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms`);
      for (const [kind, ms] of byKind) console.log(`    ${kind.padEnd(34)} (${String(ms.length).padStart(5)})  p50 ${percentile(ms, 0.5).toFixed(1).padStart(7)} ms  p99 ${percentile(ms, 0.99).toFixed(1).padStart(7)} ms`);
      console.log(
        `  schedule: last request sent at ${(lastSent / 1000).toFixed(1)} s, last answer at ${(lastAnswered / 1000).toFixed(1)} s (simulated; window ${o.window} s); ` +
          `senders behind schedule p50 ${(percentile(lag, 0.5) / 1000).toFixed(2)} s, p99 ${(percentile(lag, 0.99) / 1000).toFixed(2)} s`,
      );
      console.log(
        `  cpu during the storm (${(elapsed / 1000).toFixed(0)} s real): host ${pct((used.user + used.system) / 1000 / elapsed)}` +
          `${azurite0 !== undefined && azurite1 !== undefined ? `, Azurite ${pct((azurite1 - azurite0) / elapsed)}` : ''}, client ${pct(result.cpuMs / elapsed)} of one core`,
      );
      console.log('\nverification');
      for (const line of verify.lines) console.log(`  ${line}`);
      if (app.trouble.length > 0) {
        const kinds = new Map<string, number>();
        for (const e of app.trouble) kinds.set(`${e.level} ${e.message.slice(0, 160)}`, (kinds.get(`${e.level} ${e.message.slice(0, 160)}`) ?? 0) + 1);
        console.log(`  host and function log: ${app.trouble.length} warnings/errors`);
        for (const [k, n] of [...kinds].slice(0, 8)) console.log(`    x${n} ${k}`);
      } else {
        console.log('  host and function log: no warnings or errors');
      }

      console.log(`\nfailover start: from the Service Health alert's delivery to its incident's failover-started entry (simulated time)`);
      console.log(`  baseline: no storm, median of ${baseline.length} (fresh stacks)  ${(baseMs / 1000).toFixed(3)} s   runs ${baseline.map((b) => (b.ms / 1000).toFixed(3)).join(', ')}`);
      console.log(`  storm                                        ${stormMs !== undefined ? `${(stormMs / 1000).toFixed(3)} s   (${started!.detail}; the alert accepted in ${activeAnswers[0]!.ms.toFixed(0)} ms)` : 'never started'}`);
      console.log(`  ratio storm / no storm: ${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'}x`);
      console.log(`  where the time went (s after the delivery; activities from scheduled to completed):`);
      const mid = [...baseline].sort((a, b) => a.ms - b.ms)[Math.floor(baseline.length / 2)]!;
      console.log(`    no storm (median run): ${mid.path}`);
      if (stormPath !== undefined) console.log(`    storm:                 ${stormPath}`);
      if (stormMs === undefined) violations.push('the Service Health incident never recorded failover-started during the storm');

      const targets: Array<[string, boolean]> = [
        [`lost = 0 (${verify.lost})`, verify.lost === 0 && verify.violations.length === 0],
        [`non-2xx = 0 (${non2xx})`, non2xx === 0],
        [`failover start ≤ ${FAILOVER_TARGET}x its no-storm time (${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'}x)`, ratio <= FAILOVER_TARGET],
      ];
      console.log('\ntargets');
      for (const [what, met] of targets) console.log(`  ${what}: ${met ? 'meets' : 'MISSES'}`);
      if (violations.length > 0) {
        console.log(`\nLOST, REFUSED OR WRONG: ${violations.length} violation(s)`);
        for (const v of violations) console.log(`  - ${v}`);
      }
      // Anything lost or wrong fails the run; a missed target fails it with --check.
      if (violations.length > 0) return 1;
      return o.check && !targets.every(([, met]) => met) ? 1 : 0;
    } finally {
      await app.close();
    }
  } finally {
    client.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Verifying the storm

async function verifyStorm(app: App, storm: Storm, answers: StormAnswer[], shId: string | undefined): Promise<{ violations: string[]; lines: string[]; lost: number }> {
  const violations: string[] = [];
  const lines: string[] = [];
  let lost = 0;

  // (a) What each answer said: acted on media-streaming's alerts, not on the others.
  const ids = new Map<string, Set<string>>(); // incident key -> instance ids
  let actedOnOthers = 0;
  let notActed = 0;
  for (const a of answers) {
    if (a.status < 200 || a.status >= 300) continue;
    const d = storm.distinct[storm.sends[a.i]![0]]!;
    const body = parseAnswer(a);
    if (d.kind === 'resource-health, no workload') {
      if (body.acted !== false) actedOnOthers++;
      continue;
    }
    if (body.acted !== true || body.incidentId === undefined) {
      notActed++;
      continue;
    }
    if (!ids.has(d.key)) ids.set(d.key, new Set());
    ids.get(d.key)!.add(body.incidentId);
  }
  if (actedOnOthers > 0) violations.push(`${actedOnOthers} answers acted on an alert for a resource no workload protects`);
  if (notActed > 0) violations.push(`${notActed} answers to media-streaming's alerts were not acted on (no incident id)`);

  // (b) Every distinct body in the archive, byte for byte.
  const archive = createAlertArchive({ connectionString: app.stack.azurite.connectionString });
  const stored = new Map<string, string>(); // first 16 hex digits of the body's SHA-256 -> a blob name
  let blobs = 0;
  for await (const entry of archive.list()) {
    blobs++;
    stored.set(entry.sha256.slice(0, 16), entry.name);
  }
  let missing = 0;
  let differ = 0;
  const queue = [...storm.distinct];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let d = queue.shift(); d !== undefined; d = queue.shift()) {
        const name = stored.get(d.sha.slice(0, 16));
        if (name === undefined) {
          missing++;
          continue;
        }
        if (!(await archive.get(name)).raw.equals(Buffer.from(d.body))) differ++;
      }
    }),
  );
  lost += missing + differ;
  lines.push(`archive: ${storm.distinct.length - missing - differ}/${storm.distinct.length} distinct bodies stored byte for byte (${blobs} blobs)   lost: ${missing + differ}`);
  if (missing > 0) violations.push(`${missing} accepted bodies are not in the archive`);
  if (differ > 0) violations.push(`${differ} archived bodies differ from what was sent`);

  // (c) One incident per key of media-streaming's alerts, each in the durable runtime with its signals.
  const keys = [...new Set(storm.distinct.filter((d) => d.kind !== 'resource-health, no workload').map((d) => d.key))];
  const outcomes: string[] = [];
  let signalsMissing = 0;
  const deadline = performance.now() + 20_000;
  for (const key of keys) {
    const instanceIds = ids.get(key) ?? new Set<string>();
    if (instanceIds.size !== 1) {
      lost++;
      violations.push(`incident key ${key} was answered with ${instanceIds.size} instance ids`);
      continue;
    }
    const id = [...instanceIds][0]!;
    const titles = storm.distinct.filter((d) => d.key === key).map((d) => d.title);
    for (;;) {
      const s = await instance(app, id);
      if (s === undefined) {
        lost++;
        violations.push(`incident ${id} (${key}) is not in the durable runtime`);
        break;
      }
      // A signal is in the timeline (or set aside there as stale, when a newer one had arrived
      // first), or raised into the incident and waiting in its history: an incident that is
      // failing over records its updates when its playbooks are done.
      const raised = (await history(app, id)).filter((e) => e.EventType === EventType.EventRaised).map((e) => e.Input ?? '');
      const unseen = titles.filter(
        (t) =>
          !s.timeline.some((e) => (e.type === 'signal' && e.detail.endsWith(`: ${t}`)) || (e.type === 'ignored-signal' && e.detail.includes(`: ${t}: stale`))) &&
          !raised.some((input) => input.includes(JSON.stringify(t).slice(1, -1))),
      );
      if (unseen.length === 0 || performance.now() > deadline) {
        signalsMissing += unseen.length;
        if (unseen.length > 0) violations.push(`incident ${id} lacks ${unseen.length} of its signals: ${unseen.join('; ')}`);
        const last = s.timeline.findLast((e) => e.type === 'completed' || e.type === 'failover-started' || e.type === 'linked');
        outcomes.push(`${key === storm.trackingId ? `Service Health ${key}` : key.split('/').slice(-2).join('/')}: ${s.runtimeStatus}, ${titles.length - unseen.length}/${titles.length} signals${last !== undefined ? `, ${last.type} ${last.detail.slice(0, 80)}` : ''}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  lost += signalsMissing;
  const listed = (await (await fetch(`${app.stack.host.url}/runtime/webhooks/durabletask/instances/?showInput=false&code=${MASTER_KEY}`)).json()) as Array<{ name: string; instanceId: string }>;
  const incidents = listed.filter((i) => i.name === 'incident');
  const answered = new Set([...ids.values()].flatMap((s) => [...s]));
  const stray = incidents.filter((i) => !answered.has(i.instanceId)).length;
  lines.push(`incidents: ${keys.length} incident keys among media-streaming's alerts, ${incidents.length} incident instances in the durable runtime (${stray} that no answer named)   lost: ${signalsMissing}`);
  for (const line of outcomes) lines.push(`  ${line}`);
  lines.push(`alerts for resources no workload protects: ${storm.distinct.filter((d) => d.kind === 'resource-health, no workload').length} distinct, answers that acted on one: ${actedOnOthers}`);
  if (stray > 0) violations.push(`${stray} incidents were started that no answer named`);
  if (shId === undefined) violations.push('the Service Health Active was not answered with an incident id');
  return { violations, lines, lost };
}

// Exit when done: the closed stacks' keep-alive sockets and the notification retries left behind
// by failovers still running at close would otherwise hold the process for minutes.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:storm: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
