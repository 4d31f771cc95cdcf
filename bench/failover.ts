/**
 * `npm run bench:failover`: time to fail a scaled estate over (by default 40 workloads in one
 * subscription: 20 Media Services workloads with 5 streaming endpoints and 3 live events each,
 * 20 Data Share workloads with 5 share subscriptions each), on the simulator's latency model with
 * ARM throttling on (a token bucket per subscription), measured in one run:
 *   (a) this app: one failover request for every workload, through the local host;
 *   (b) a naive parallel script over the same SDK clients (./failover-naive.ts): every workload
 *       and every resource at once with Promise.all, ARM's 429s left to the SDK's retry policy;
 *   (c) a sequential runbook, one call after another with the same SDK clients (a strawman kept
 *       for scale: it measures serial against parallel, not the app);
 *   (d) the lower bound from the latency model and the throttling budget: the longest chain of
 *       Azure operations that must follow one another, or the time the busiest subscription's
 *       token buckets need to let its minimum number of requests through, whichever is longer.
 * (a) and (b) are checked the same way: a time counts only when every workload has failed over.
 * All figures are in Azure time (the simulator's clock). Targets: app ≤ 1.15x the lower bound at
 * 40 workloads in 1 subscription, ≤ 1.2x at 200 workloads in 4 subscriptions, and ≤ 0.8x the
 * naive script at 200 workloads.
 *
 *   npm run bench:failover -- [--workloads N] [--subscriptions K] [--table] [--check] [--detail]
 *       [--media N --datashare N] [--app-scale N] [--naive-retries N] [--runbook-scale N] [--no-runbook]
 *
 * `--table` measures (a), (b) and (d) for 40 and 200 workloads in 1 and 4 subscriptions, each row
 * in a process of its own (so each row's peak memory is its own), and checks every target.
 * Peak memory is the kernel's RSS high-water mark of the process that runs the app (the local
 * host, its durable runtime and the simulator; Azurite runs in a process of its own), read when
 * the app's failover ends, before anything else runs in that process.
 *
 * The app runs in real time by default, as it would against Azure: at a time scale N its own
 * work (real milliseconds) would count N-fold in Azure time. The naive script runs at the same
 * scale. The sequential runbook, hours long in Azure time, runs faster, which counts its client
 * time against it more heavily: that can only flatter (c), never (a).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createAzureClients, type AzureClients } from '../lib/azure/clients.js';
import { parseCatalog } from '../lib/catalog/index.js';
import type { Workload } from '../lib/catalog/types.js';
import type { PlaybookResult, StepRecord } from '../lib/playbooks/types.js';
import { ScaledClock } from '../local/clock.js';
import { startStack } from '../local/stack.js';
import { Simulator } from '../sim/simulator.js';
import { lowerBound } from './failover-bound.js';
import { benchEstate, STORE, type Scale } from './failover-estate.js';
import { failoverProblems, naiveFailover, startLiveEventByHand, where } from './failover-naive.js';

const { values } = parseArgs({
  options: {
    workloads: { type: 'string', default: '40' },
    subscriptions: { type: 'string', default: '1' },
    media: { type: 'string' },
    datashare: { type: 'string' },
    'app-scale': { type: 'string', default: '1' },
    'naive-retries': { type: 'string', default: '1000' },
    'runbook-scale': { type: 'string', default: '400' },
    'no-runbook': { type: 'boolean', default: false },
    table: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    detail: { type: 'boolean', default: false },
    /** A table row's child process: print the row as JSON on the last line. */
    row: { type: 'boolean', default: false },
  },
});
const workloadCount = Number(values.workloads);
const armSubscriptions = Number(values.subscriptions);
const scale: Scale = {
  media: Number(values.media ?? Math.ceil(workloadCount / 2)),
  endpoints: 5,
  liveEvents: 3,
  dataShare: Number(values.datashare ?? Math.floor(workloadCount / 2)),
  subscriptions: 5,
  armSubscriptions,
};
const appScale = Number(values['app-scale']);
const naiveRetries = Number(values['naive-retries']);
const runbookScale = Number(values['runbook-scale']);

const say = (text: string) => process.stdout.write(`${text}\n`);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(2).padStart(8)} min`;

// ── targets ────────────────────────────────────────────────────────────────────────────────
interface Row {
  workloads: number;
  subscriptions: number;
  appMs: number;
  naiveMs: number | null;
  /** Why the naive script's time is not a failover time, when it is not. */
  naiveFailed: string | null;
  boundMs: number;
  peakRssMb: number;
}

interface Verdict {
  text: string;
  met: boolean;
}

/** The targets that apply to a row (none to the rows the issue sets none for). */
function verdicts(r: Row): Verdict[] {
  const out: Verdict[] = [];
  const toBound = r.appMs / r.boundMs;
  const label = `${r.workloads} workloads in ${r.subscriptions} subscription${r.subscriptions === 1 ? '' : 's'}`;
  if (r.workloads === 40 && r.subscriptions === 1) out.push({ text: `app / lower bound at ${label}: ${toBound.toFixed(2)}x (target ≤ 1.15x)`, met: toBound <= 1.15 });
  if (r.workloads === 200 && r.subscriptions === 4) out.push({ text: `app / lower bound at ${label}: ${toBound.toFixed(2)}x (target ≤ 1.2x)`, met: toBound <= 1.2 });
  if (r.workloads === 200) {
    if (r.naiveMs === null) out.push({ text: `app / naive script at ${label}: the naive script did not fail over (${r.naiveFailed ?? '?'}), so there is no ratio (target ≤ 0.8x)`, met: true });
    else out.push({ text: `app / naive script at ${label}: ${(r.appMs / r.naiveMs).toFixed(2)}x (target ≤ 0.8x)`, met: r.appMs / r.naiveMs <= 0.8 });
  }
  return out;
}

function printVerdicts(rows: Row[]): boolean {
  let allMet = true;
  const seen = new Set(rows.map((r) => `${r.workloads}/${r.subscriptions}`));
  for (const r of rows) {
    for (const v of verdicts(r)) {
      allMet &&= v.met;
      say(`${v.text}: ${v.met ? 'meets' : 'MISSES'}`);
    }
  }
  for (const [w, k, what] of [
    [40, 1, 'app / lower bound at 40 workloads in 1 subscription (target ≤ 1.15x)'],
    [200, 4, 'app / lower bound and app / naive at 200 workloads in 4 subscriptions (targets ≤ 1.2x, ≤ 0.8x)'],
    [200, 1, 'app / naive at 200 workloads in 1 subscription (target ≤ 0.8x)'],
  ] as const) {
    if (!seen.has(`${w}/${k}`)) say(`${what}: not measured in this run (--table measures every target)`);
  }
  return allMet;
}

const dir = mkdtempSync(join(tmpdir(), 'bench-failover-'));
const estate = benchEstate(scale);
const estatePath = join(dir, 'estate.yaml');
const catalogPath = join(dir, 'catalog.yaml');
writeFileSync(estatePath, estate.estateYaml);
writeFileSync(catalogPath, estate.catalogYaml);
const parsed = parseCatalog(estate.catalogYaml);
if (!parsed.ok) throw new Error(`bench catalog invalid: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
const catalog = parsed.catalog;

/** Workloads of each kind per subscription, in subscription order. */
function perSubscription(): { media: number[]; dataShare: number[] } {
  const subs = [...new Set(Object.values(estate.subscriptionOf))];
  const count = (prefix: string) => subs.map((sub) => Object.entries(estate.subscriptionOf).filter(([w, s]) => s === sub && w.startsWith(prefix)).length);
  return { media: count('media-'), dataShare: count('datashare-') };
}

/** A failover time counts only when the estate has failed over: the same check for the app and the script. */
function mustHaveFailedOver(sim: Simulator, since: number, who: string): void {
  const problems = failoverProblems(sim, catalog, since);
  for (const p of problems.slice(0, 5)) say(`    ${p}`);
  if (problems.length > 0) throw new Error(`${who}: ${problems.length} problems in the estate after the failover: the time would not be a failover's`);
}

// ── (a) this app ────────────────────────────────────────────────────────────────────────────
/** Workloads per failover request: a request may name 100 (lib/operators/failover-request.ts). */
const REQUEST_MAX = 100;

async function app(): Promise<{ ms: number; requests: number; outcome: string; peakRssMb: number }> {
  const stack = await startStack({
    dataDir: join(dir, 'app'),
    clock: new ScaledClock(appScale),
    simTimeScale: appScale,
    estatePath,
    catalogPath,
    logger: (e) => {
      if (e.level === 'error') process.stderr.write(`host: ${e.message}\n`);
    },
    // Polls every 5 s of Azure time, as a patient client should; the SDK waits out throttling.
    env: { AZURE_LRO_POLL_MS: String(Math.round(5000 / appScale)), AZURE_RETRY_DELAY_MS: String(Math.round(1000 / appScale)), AZURE_MAX_RETRIES: '20' },
  });
  try {
    // Everything the benchmark calls is on-call (failovers, incidents).
    const key = stack.host.keys.groups['oncall']!;
    const request = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${stack.host.url}${path}`, { method, headers: { 'x-functions-key': key, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return (await res.json()) as Record<string, unknown>;
    };
    const since = stack.sim.clock.now();
    // A larger estate goes as several requests at once (as on-call would send them), each its own
    // incident; the time runs from the first failover's start to the last one's end.
    const chunks: string[][] = [];
    for (let i = 0; i < estate.workloads.length; i += REQUEST_MAX) chunks.push(estate.workloads.slice(i, i + REQUEST_MAX));
    const ids = await Promise.all(
      chunks.map(async (workloads, i) => {
        const started = await request('POST', '/api/failovers', { workloads, reason: `failover benchmark, part ${i + 1} of ${chunks.length}`, kind: 'planned' });
        if (typeof started['incidentId'] !== 'string') throw new Error(`the app answered: ${JSON.stringify(started).slice(0, 500)}`);
        return started['incidentId'];
      }),
    );
    type View = { phase?: string; runtimeStatus?: string; outcome?: string | null; detail?: string; timeline: Array<{ at: string; type: string; detail: string }> };
    const views = await Promise.all(
      ids.map(async (id) => {
        for (;;) {
          const view = (await request('GET', `/api/incidents/${id}`)) as View;
          if (view.phase === undefined) throw new Error(`the app answered: ${JSON.stringify(view).slice(0, 500)}`);
          if (view.runtimeStatus === 'Failed') throw new Error(`the incident failed: ${JSON.stringify((view as { error?: unknown }).error).slice(0, 1500)}`);
          if (view.phase === 'failed-over' || ['Completed', 'Terminated'].includes(view.runtimeStatus ?? '')) return view;
          await new Promise((r) => setTimeout(r, 200));
        }
      }),
    );
    // The process's high-water mark so far: the host, its durable runtime and the simulator, running the app's failover.
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const at = (view: View, type: string) => Date.parse(view.timeline.find((e) => e.type === type)?.at ?? '');
    const results = chunks.flatMap((workloads, i) => workloads.map((w) => stack.runtime.get(`${ids[i]}:failover:${w}`)?.output as PlaybookResult | undefined));
    if (values.detail) explain(stack.sim.traffic, results.filter((r): r is PlaybookResult => r !== undefined));
    // A partial failure still ends in phase failed-over: a time is only a failover time when every workload failed over.
    const failed = results.filter((r) => r?.ok !== true);
    for (const r of failed.slice(0, 5)) say(`    ${r?.workloadId ?? '?'} did not fail over: ${r?.steps.find((x) => x.status === 'failed')?.detail ?? 'no result'}`);
    if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} workloads did not fail over: the time would not be a failover's`);
    mustHaveFailedOver(stack.sim, since, 'the app');
    const ms = Math.max(...views.map((v) => at(v, 'failover-finished'))) - Math.min(...views.map((v) => at(v, 'failover-started')));
    if (!Number.isFinite(ms)) throw new Error('an incident has no failover-started or failover-finished in its timeline');
    return { ms, requests: ids.length, outcome: [...new Set(views.map((v) => v.outcome ?? v.phase ?? '?'))].join(', '), peakRssMb };
  } finally {
    await stack.close();
  }
}

/** With --detail: where the app's requests went, and each workload's steps. */
function explain(traffic: Simulator['traffic'], results: PlaybookResult[]): void {
  const rows = [...traffic.entries()].sort((a, b) => b[1].requests - a[1].requests);
  for (const kind of ['read', 'write', 'delete']) {
    const of = rows.filter(([, t]) => t.kind === kind);
    const sum = (f: (t: (typeof rows)[number][1]) => number) => of.reduce((n, [, t]) => n + f(t), 0);
    say(`    ${String(sum((t) => t.requests)).padStart(6)} ${kind.padEnd(6)} ${String(sum((t) => t.throttled)).padStart(5)} throttled  in all`);
  }
  for (const [operation, t] of rows.slice(0, 16)) say(`    ${String(t.requests).padStart(6)} ${t.kind.padEnd(6)} ${String(t.throttled).padStart(5)} throttled  ${operation}`);
  const span = (s: StepRecord) => Date.parse(s.finishedAt ?? '') - Date.parse(s.startedAt ?? '');
  for (const r of results.filter((x) => x !== undefined)) {
    say(`    ${r.workloadId}: ${r.steps.map((s) => `${s.step}${s.status === 'done' ? '' : ` (${s.status})`} ${(span(s) / 1000).toFixed(0)}s`).join(', ')}`);
  }
}

// ── (b) the naive parallel script ─────────────────────────────────────────────────────────────
async function naive(): Promise<{ ms: number | null; failed: string | null; throttled: number }> {
  const sim = await Simulator.start({ estate: estatePath, timeScale: appScale, port: 0, roundTripMs: 0 });
  try {
    const t0 = sim.clock.now();
    const { failed } = await naiveFailover(sim, catalog, { timeScale: appScale, maxRetries: naiveRetries, store: STORE });
    const ms = sim.clock.now() - t0;
    const throttled = [...sim.traffic.values()].reduce((n, t) => n + t.throttled, 0);
    if (values.detail) explain(sim.traffic, []);
    if (failed.length > 0) {
      for (const f of failed.slice(0, 5)) say(`    ${f.workload} did not fail over: ${f.error.slice(0, 300)}`);
      return { ms: null, failed: `${failed.length} of ${catalog.workloads.length} workloads failed after ${minutes(ms).trim()}`, throttled };
    }
    mustHaveFailedOver(sim, t0, 'the naive script');
    return { ms, failed: null, throttled };
  } finally {
    await sim.close();
  }
}

// ── (c) a sequential runbook ────────────────────────────────────────────────────────────────
async function runbook(): Promise<number> {
  const sim = await Simulator.start({ estate: estatePath, timeScale: runbookScale, port: 0, roundTripMs: 0 });
  try {
    const clients = createAzureClients({ kind: 'simulator', endpoint: sim.baseUrl, caPem: sim.ca }, { retry: { maxRetries: 20, retryDelayInMs: Math.max(1, Math.round(1000 / runbookScale)) } });
    const poll = { updateIntervalInMs: Math.max(1, Math.round(5000 / runbookScale)) };
    const t0 = sim.clock.now();
    for (const w of catalog.workloads) {
      if (w.playbook.kind === 'mediaServices') await mediaByHand(clients, w, poll);
      else await dataShareByHand(clients, w, poll.updateIntervalInMs);
    }
    return sim.clock.now() - t0;
  } finally {
    await sim.close();
  }
}

/** What a person's script records before it starts something, so the failback stops exactly that. */
const STARTED_BY = { 'failover-started-by': 'runbook' };

async function mediaByHand(clients: AzureClients, w: Workload, poll: { updateIntervalInMs: number }): Promise<void> {
  if (w.playbook.kind !== 'mediaServices') return;
  const to = where(w.secondary!.resources['account']!);
  const from = where(w.primary.resources['account']!);
  const ams = clients.media(to.sub);
  const location = (await ams.mediaservices.get(to.rg, to.name)).location!;
  for (const t of w.playbook.transforms) {
    await ams.transforms.createOrUpdate(to.rg, to.name, t.name, { outputs: (t.presets ?? []).map((presetName) => ({ preset: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName } as never })) });
  }
  for (const e of w.playbook.streamingEndpoints) {
    await ams.streamingEndpoints.beginUpdateAndWait(to.rg, to.name, e.name, { location, tags: STARTED_BY }, poll);
    await ams.streamingEndpoints.beginStartAndWait(to.rg, to.name, e.name, poll);
  }
  // Each live event: tagged, then its recording (asset, clear locator, live output), then started; then where viewers play it.
  for (const l of w.playbook.liveEvents) await startLiveEventByHand(ams, to, l.name, location, STARTED_BY, poll);
  for (const t of w.playbook.transforms) {
    for await (const job of clients.media(from.sub).jobs.list(from.rg, from.name, t.name).byPage()) void job;
  }
  // The pointer only if nobody changed it since it was read.
  const appConfig = clients.appConfiguration(clients.dataPlaneEndpoint('appConfiguration', STORE));
  const pointer = await appConfig.getConfigurationSetting({ key: w.playbook.activeAccountKey });
  await appConfig.setConfigurationSetting({ ...pointer, value: to.name }, { onlyIfUnchanged: true });
  const tm = w.playbook.trafficManager!;
  const profile = where(tm.profile);
  // Viewers go only to endpoints that answer their host name.
  for await (const e of ams.streamingEndpoints.list(to.rg, to.name)) {
    if (tm.hostName !== null && !(e.customHostNames ?? []).includes(tm.hostName)) throw new Error(`${e.name} does not answer ${tm.hostName}`);
  }
  await clients.trafficManager(profile.sub).endpoints.update(profile.rg, profile.name, 'ExternalEndpoints', tm.secondaryEndpoint, { endpointStatus: 'Enabled' });
  await clients.trafficManager(profile.sub).endpoints.update(profile.rg, profile.name, 'ExternalEndpoints', tm.primaryEndpoint, { endpointStatus: 'Disabled' });
}

async function dataShareByHand(clients: AzureClients, w: Workload, pollIntervalMs: number): Promise<void> {
  if (w.playbook.kind !== 'dataShare') return;
  const to = where(w.secondary!.resources['consumerAccount']!);
  const from = where(w.primary.resources['consumerAccount']!);
  const provider = where(w.secondary!.resources['providerAccount']!);
  const ds = clients.dataShare(to.sub);
  // Invitations first: they go out even when the consumer side cannot go ahead yet.
  for (const share of w.playbook.shares) {
    for (const email of share.consumers) await ds.createInvitation(provider.rg, provider.name, share.name, `failover-${email.replace(/[^a-z0-9]+/gi, '-')}`, { targetEmail: email });
  }
  for (const s of w.playbook.shareSubscriptions) {
    // A share subscription receives data only with its datasets mapped, and schedules only what the provider schedules.
    if ((await ds.listDataSetMappings(to.rg, to.name, s.name)).length === 0) throw new Error(`${s.name} has no dataset mapped`);
    if ((await ds.listSourceShareSynchronizationSettings(to.rg, to.name, s.name)).length === 0) throw new Error(`${s.name}: the provider has no schedule`);
    await ds.createTrigger(to.rg, to.name, s.name, 'snapshot-schedule', { kind: 'ScheduleBased', properties: { recurrenceInterval: s.recurrence, synchronizationTime: s.synchronizationTime, synchronizationMode: s.synchronizationMode } }, { pollIntervalMs });
    await ds.synchronize(to.rg, to.name, s.name, s.synchronizationMode, { pollIntervalMs });
  }
  // The primary's schedules recorded before they are removed, so the failback puts them back as they were.
  const found: Array<{ sub: string; name: string; properties: unknown }> = [];
  for (const s of w.playbook.shareSubscriptions) for (const t of await ds.listTriggers(from.rg, from.name, s.name)) found.push({ sub: s.name, name: t.name!, properties: t.properties });
  await clients.appConfiguration(clients.dataPlaneEndpoint('appConfiguration', STORE)).setConfigurationSetting({ key: `failover:${w.id}:datashare-primary-schedules`, value: JSON.stringify(found), contentType: 'application/json' });
  for (const t of found) await ds.deleteTrigger(from.rg, from.name, t.sub, t.name, { pollIntervalMs });
}

/** One row: (d), (a), (b) and, unless told not to, (c); printed as they come. */
async function measure(): Promise<Row> {
  const placement = perSubscription();
  const bound = lowerBound({ endpoints: scale.endpoints, liveEvents: scale.liveEvents, shareSubscriptions: scale.subscriptions }, placement.media, placement.dataShare);
  say(`estate: ${workloadCount === scale.media + scale.dataShare ? `${workloadCount} workloads` : `${scale.media + scale.dataShare} workloads`} in ${placement.media.length} subscription${placement.media.length === 1 ? '' : 's'}: ${scale.media} Media Services (${scale.endpoints} streaming endpoints, ${scale.liveEvents} live events each), ${scale.dataShare} Data Share (${scale.subscriptions} share subscriptions each); ARM throttling on, per subscription`);
  say(`(d) lower bound:                       ${minutes(bound.ms)}   ${bound.why}`);
  const a = await app();
  say(`(a) this app:                          ${minutes(a.ms)}   ${a.requests === 1 ? 'one request' : `${a.requests} requests at once`} for ${estate.workloads.length} workloads, ${a.outcome}, estate checked; time scale ${appScale}x; peak RSS ${a.peakRssMb.toFixed(0)} MB`);
  const n = await naive();
  if (n.ms !== null) say(`(b) naive parallel script:             ${minutes(n.ms)}   Promise.all over every workload and resource, SDK retries (max ${naiveRetries}); estate checked; ${n.throttled} requests throttled; time scale ${appScale}x`);
  else say(`(b) naive parallel script:             did not fail over: ${n.failed}`);
  if (!values['no-runbook'] && !values.row) {
    const started = Date.now();
    const b = await runbook();
    say(`(c) sequential runbook, one call after another: ${minutes(b).trim()}   time scale ${runbookScale}x (${((Date.now() - started) / 1000).toFixed(0)} s real); not a target: serial against parallel`);
    say(`ratio app / sequential runbook:        ${(a.ms / b).toFixed(3)}x`);
  }
  say(`ratio app / lower bound:               ${(a.ms / bound.ms).toFixed(2)}x`);
  if (n.ms !== null) say(`ratio app / naive script:              ${(a.ms / n.ms).toFixed(2)}x`);
  return { workloads: scale.media + scale.dataShare, subscriptions: placement.media.length, appMs: a.ms, naiveMs: n.ms, naiveFailed: n.failed, boundMs: bound.ms, peakRssMb: a.peakRssMb };
}

const ROW_MARK = 'bench-failover-row ';

/** Each row in a process of its own: a peak RSS is a process's, and a row's must not include the one before. */
async function table(): Promise<Row[]> {
  const rows: Row[] = [];
  const self = fileURLToPath(import.meta.url);
  for (const [w, k] of [
    [40, 1],
    [40, 4],
    [200, 1],
    [200, 4],
  ] as const) {
    say(`── ${w} workloads in ${k} subscription${k === 1 ? '' : 's'}`);
    const args = ['--import', 'tsx', self, '--row', '--workloads', String(w), '--subscriptions', String(k), '--app-scale', String(appScale), '--naive-retries', String(naiveRetries), ...(values.detail ? ['--detail'] : [])];
    const row = await new Promise<Row>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let found: Row | undefined;
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.startsWith(ROW_MARK)) found = JSON.parse(line.slice(ROW_MARK.length)) as Row;
          else say(`  ${line}`);
        }
      });
      child.on('error', reject);
      child.on('exit', (code) => (found !== undefined && code === 0 ? resolve(found) : reject(new Error(`the row for ${w} workloads in ${k} subscriptions exited ${code}`))));
    });
    rows.push(row);
  }
  const cell = (v: string, width: number) => v.padStart(width);
  say('');
  say(`${'workloads'.padEnd(10)}${'subs'.padStart(5)}${cell('app', 10)}${cell('naive', 10)}${cell('bound', 10)}${cell('app/bound', 11)}${cell('app/naive', 11)}${cell('peak RSS', 10)}`);
  for (const r of rows) {
    const m = (ms: number | null) => (ms === null ? 'failed' : `${(ms / 60_000).toFixed(2)} m`);
    say(
      `${String(r.workloads).padEnd(10)}${String(r.subscriptions).padStart(5)}${cell(m(r.appMs), 10)}${cell(m(r.naiveMs), 10)}${cell(m(r.boundMs), 10)}${cell(`${(r.appMs / r.boundMs).toFixed(2)}x`, 11)}${cell(r.naiveMs === null ? '-' : `${(r.appMs / r.naiveMs).toFixed(2)}x`, 11)}${cell(`${r.peakRssMb.toFixed(0)} MB`, 10)}`,
    );
  }
  say('');
  return rows;
}

let met = true;
try {
  const started = Date.now();
  const rows = values.table ? await table() : [await measure()];
  if (values.row) say(`${ROW_MARK}${JSON.stringify(rows[0])}`);
  else {
    met = printVerdicts(rows);
    say(`(${((Date.now() - started) / 60_000).toFixed(1)} min real time)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (values.check && !met) process.exitCode = 1;
