/**
 * `npm run bench:failover`: time to fail a scaled estate over (20 Media Services workloads with
 * 5 streaming endpoints and 3 live events each, 20 Data Share workloads with 5 share
 * subscriptions each, by default), on the simulator's latency model with ARM throttling on,
 * measured three ways in one run:
 *   (a) this app: one failover request for every workload, through the local host;
 *   (b) a straightforward sequential runbook: the same steps one after another with the same
 *       SDK clients, as a person's script would do them;
 *   (c) the lower bound from the latency model and the throttling budget: the longest chain of
 *       Azure operations that must follow one another, or the time ARM's token buckets need to
 *       let the minimum number of requests through, whichever is longer.
 * All figures are in Azure time (the simulator's clock). Targets: (a) within 1.15x of (c), and at
 * most 0.2x of (b).
 *
 *   npm run bench:failover -- [--media N] [--datashare N] [--app-scale N] [--runbook-scale N] [--detail]
 *
 * The app runs in real time by default, as it would against Azure: at a time scale N its own
 * work (real milliseconds) would count N-fold in Azure time. The sequential runbook, hours long
 * in Azure time, runs faster, which counts its client time against it more heavily than (a)'s:
 * that can only flatter (b), never (a). `--detail` prints where the app's requests went (per
 * operation, with how many ARM throttled) and each workload's step durations.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAzureClients, type AzureClients } from '../lib/azure/clients.js';
import { parseResourceId } from '../lib/azure/resource-id.js';
import { parseCatalog } from '../lib/catalog/index.js';
import type { Workload } from '../lib/catalog/types.js';
import type { PlaybookResult, StepRecord } from '../lib/playbooks/types.js';
import { ScaledClock } from '../local/clock.js';
import { startStack } from '../local/stack.js';
import { latencyOf } from '../sim/latency.js';
import { LIMITS } from '../sim/throttle.js';
import { Simulator } from '../sim/simulator.js';
import { benchEstate, STORE, type Scale } from './failover-estate.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '20' },
    datashare: { type: 'string', default: '20' },
    'app-scale': { type: 'string', default: '1' },
    'runbook-scale': { type: 'string', default: '400' },
    detail: { type: 'boolean', default: false },
  },
});
const scale: Scale = { media: Number(values.media), endpoints: 5, liveEvents: 3, dataShare: Number(values.datashare), subscriptions: 5 };
const appScale = Number(values['app-scale']);
const runbookScale = Number(values['runbook-scale']);
const dir = mkdtempSync(join(tmpdir(), 'bench-failover-'));
const estate = benchEstate(scale);
const estatePath = join(dir, 'estate.yaml');
const catalogPath = join(dir, 'catalog.yaml');
writeFileSync(estatePath, estate.estateYaml);
writeFileSync(catalogPath, estate.catalogYaml);
const parsed = parseCatalog(estate.catalogYaml);
if (!parsed.ok) throw new Error(`bench catalog invalid: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
const catalog = parsed.catalog;

const say = (text: string) => process.stdout.write(`${text}\n`);
const minutes = (ms: number) => `${(ms / 60_000).toFixed(2).padStart(8)} min`;

say(`estate: ${scale.media} Media Services workloads (${scale.endpoints} streaming endpoints, ${scale.liveEvents} live events each), ${scale.dataShare} Data Share workloads (${scale.subscriptions} share subscriptions each); ARM throttling on`);

// ── (c) the lower bound ─────────────────────────────────────────────────────────────────────
function lowerBound(): { ms: number; why: string } {
  const se = latencyOf('Microsoft.Media/streamingEndpoints/start');
  // A live event starts once its output exists, and the output once its asset does (an asset PUT
  // and a record written before the start take no time in the model); the clear locator, made
  // between them, is a synchronous write and takes no time in the model either.
  const le = latencyOf('Microsoft.Media/assets/write') + latencyOf('Microsoft.Media/streamingLocators/write') + latencyOf('Microsoft.Media/liveOutputs/write') + latencyOf('Microsoft.Media/liveEvents/start');
  // Viewers move only once the standby streams: the traffic switch follows the slowest start.
  const media = scale.media > 0 ? Math.max(se, le) : 0;
  const sync = latencyOf('Microsoft.DataShare/shareSubscriptions/synchronize');
  // The primary's schedules go only once the standby's exist (and once they are recorded, in
  // App Configuration, which takes no time in the model); the snapshot runs beside them.
  const share = scale.dataShare > 0 ? Math.max(sync, latencyOf('Microsoft.DataShare/triggers/write') + latencyOf('Microsoft.DataShare/triggers/delete')) : 0;
  const chain = Math.max(media, share);
  // The fewest ARM requests: one write per change, one read to see each long-running one end.
  // Media Services, per workload: the transform; each endpoint's start; each live event's asset,
  // live output, locator, start and the locator's playback paths (a POST); the two Traffic
  // Manager endpoints. The record of what the failover starts is not counted: a correct playbook
  // could keep it outside ARM (one App Configuration write), so it is not a necessary ARM request.
  // Data Share, per share subscription: the provider's schedule checked (a POST, an ARM write),
  // the trigger, the snapshot; per workload the invitation.
  const mediaWrites = 1 + scale.endpoints + 5 * scale.liveEvents + 2;
  const writes = scale.media * mediaWrites + scale.dataShare * (3 * scale.subscriptions + 1);
  const deletes = scale.dataShare * scale.subscriptions;
  // Reads: each endpoint start, live output and live event start seen to end; per share
  // subscription its mappings listed (the check), the trigger and the snapshot seen to end, and
  // the primary's triggers listed (to record them before they are removed).
  const reads = scale.media * (scale.endpoints + 2 * scale.liveEvents) + scale.dataShare * 4 * scale.subscriptions;
  // What the token buckets let through after their burst: `size` at once, then `refillPerSecond`.
  const bucket = (n: number, kind: keyof typeof LIMITS) => Math.max(0, ((n - LIMITS[kind].size) / LIMITS[kind].refillPerSecond) * 1000);
  const budget = Math.max(bucket(writes, 'write'), bucket(deletes, 'delete'), bucket(reads, 'read'));
  return {
    ms: Math.max(chain, budget),
    why: `longest chain ${minutes(chain).trim()} (streaming endpoint start ${se / 1000} s; live event ${le / 1000} s with its output); ARM budget for ${writes} writes, ${deletes} deletes, ${reads} reads: ${minutes(budget).trim()}`,
  };
}

// ── (a) this app ────────────────────────────────────────────────────────────────────────────
async function app(): Promise<{ ms: number; outcome: string }> {
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
    const started = await request('POST', '/api/failovers', { workloads: estate.workloads, reason: 'failover benchmark', kind: 'planned' });
    const id = String(started['incidentId']);
    for (;;) {
      const view = (await request('GET', `/api/incidents/${id}`)) as { phase?: string; runtimeStatus?: string; outcome?: string | null; detail?: string; timeline: Array<{ at: string; type: string; detail: string }> };
      if (view.phase === undefined) throw new Error(`the app answered: ${JSON.stringify(view).slice(0, 500)}`);
      if (view.runtimeStatus === 'Failed') throw new Error(`the incident failed: ${JSON.stringify((view as { error?: unknown }).error).slice(0, 1500)}`);
      if (view.phase === 'failed-over' || ['Completed', 'Terminated'].includes(view.runtimeStatus ?? '')) {
        const at = (type: string) => Date.parse(view.timeline.find((e) => e.type === type)?.at ?? '');
        const results = estate.workloads.map((w) => stack.runtime.get(`${id}:failover:${w}`)?.output as PlaybookResult | undefined);
        if (values.detail) explain(stack.sim.traffic, results.filter((r): r is PlaybookResult => r !== undefined));
        // A partial failure still ends in phase failed-over: a time is only a failover time when every workload failed over.
        const failed = results.filter((r) => r?.ok !== true);
        for (const r of failed.slice(0, 5)) say(`    ${r?.workloadId ?? '?'} did not fail over: ${r?.steps.find((x) => x.status === 'failed')?.detail ?? 'no result'}`);
        if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} workloads did not fail over: the time would not be a failover's`);
        return { ms: at('failover-finished') - at('failover-started'), outcome: view.outcome ?? view.phase ?? '?' };
      }
      await new Promise((r) => setTimeout(r, 200));
    }
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

// ── (b) a sequential runbook ────────────────────────────────────────────────────────────────
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

function where(id: string) {
  const p = parseResourceId(id)!;
  return { sub: p.subscriptionId, rg: p.resourceGroup!, name: p.names[0]! };
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
  for (const l of w.playbook.liveEvents) {
    const asset = `${l.name}-failover`;
    await ams.liveEvents.beginUpdateAndWait(to.rg, to.name, l.name, { location, tags: STARTED_BY }, poll);
    await ams.assets.createOrUpdate(to.rg, to.name, asset, { description: `recording of ${l.name} during the failover` });
    await ams.streamingLocators.create(to.rg, to.name, asset, { assetName: asset, streamingPolicyName: 'Predefined_ClearStreamingOnly' });
    await ams.liveOutputs.beginCreateAndWait(to.rg, to.name, l.name, 'failover', { assetName: asset, archiveWindowLength: 'PT8H' }, poll);
    await ams.liveEvents.beginStartAndWait(to.rg, to.name, l.name, poll);
    await ams.streamingLocators.listPaths(to.rg, to.name, asset);
  }
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

try {
  const bound = lowerBound();
  say(`(c) lower bound:            ${minutes(bound.ms)}   ${bound.why}`);
  const a = await app();
  say(`(a) this app:               ${minutes(a.ms)}   one request for ${estate.workloads.length} workloads, ${a.outcome}; app time scale ${appScale}x`);
  const started = Date.now();
  const b = await runbook();
  say(`(b) sequential runbook:     ${minutes(b)}   the same steps one after another; time scale ${runbookScale}x (${((Date.now() - started) / 1000).toFixed(0)} s real)`);
  const toBound = a.ms / bound.ms;
  const toRunbook = a.ms / b;
  say(`ratio app / lower bound:    ${toBound.toFixed(2)}x   (target ≤ 1.15x: ${toBound <= 1.15 ? 'meets' : 'misses'})`);
  say(`ratio app / runbook:        ${toRunbook.toFixed(3)}x  (target ≤ 0.2x: ${toRunbook <= 0.2 ? 'meets' : 'misses'})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
