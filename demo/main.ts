/**
 * `npm run demo`: the whole product on a laptop, in about half a minute. It starts Azurite, the
 * Azure simulator with the sample estate and the local host; takes West Europe and East US 2
 * down; delivers a Service Health incident for Media Services in West Europe and one for Azure
 * Data Share in East US 2 to the webhook, as action groups would; shows both failovers step by
 * step; resolves the incidents, approves the failbacks; prints every step with its duration;
 * writes an HTML report with a picture of the timeline; and exits 0 only if the estate ended
 * where it should (everything back on the primary, the secondaries idle again).
 *
 *   npm run demo -- [--time-scale N] [--report FILE]
 *
 * Time runs N times faster (default 600: the ten-minute dwell time takes a second).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAzureClients } from '../lib/azure/clients.js';
import { fetchTrusting } from '../lib/http/fetch-trusting.js';
import { isFinished } from '../lib/incidents/client.js';
import type { IncidentView } from '../lib/operators/incidents.js';
import type { StepRecord } from '../lib/playbooks/types.js';
import { formatMs, renderIncidentReport, type ReportCheck, type ReportIncident } from '../lib/report/incident-report.js';
import { ScaledClock } from '../local/clock.js';
import { repoRoot } from '../local/registry.js';
import { startStack, type Stack } from '../local/stack.js';
import { dataShareEastUs2, mediaWestEurope } from './alerts.js';

const USAGE = 'usage: npm run demo -- [--time-scale N] [--report FILE]';
const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const NEU = `${SUB}/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;
const TM = `${SUB}/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream/externalEndpoints`;
const DS_PRIMARY = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2/shareSubscriptions/sales-snapshots`;
const DS_SECONDARY = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsconsumercus/shareSubscriptions/sales-snapshots`;

interface Incident {
  label: string;
  workload: string;
  id: string;
  printed: Set<string>;
}

const started = Date.now();
const say = (text: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'time-scale': { type: 'string' }, report: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) return process.stdout.write(`${USAGE}\n`), 0;
  const scale = Number(values['time-scale'] ?? '600');
  if (!Number.isFinite(scale) || scale < 1 || scale > 10_000) {
    process.stderr.write(`--time-scale must be a number from 1 to 10000, got '${values['time-scale']}'\n${USAGE}\n`);
    return 2;
  }
  const reportPath = resolve(values.report ?? join(repoRoot(), '.local', 'demo', 'report.html'));

  const dataDir = mkdtempSync(join(tmpdir(), 'failover-demo-'));
  say(`starting Azurite, the Azure simulator (sample estate) and the local host; time runs ${scale}x`);
  const catalogPath = join(dataDir, 'catalog.yaml');
  writeFileSync(catalogPath, readFileSync(join(repoRoot(), 'samples/catalog.yaml'), 'utf8'));
  const stack = await startStack({
    dataDir,
    clock: new ScaledClock(scale),
    simTimeScale: scale,
    catalogPath,
    logger: (entry) => {
      if (entry.level === 'error' || entry.level === 'critical') process.stderr.write(`host ${entry.level}: ${entry.message}\n`);
    },
    env: { AZURE_LRO_POLL_MS: '50', AZURE_RETRY_DELAY_MS: '50' },
  });
  // Notifications go to the simulator's Teams and webhook receivers, so the demo can show them.
  const hooks = `${stack.sim.baseUrl}/_sim/hooks/`;
  writeFileSync(catalogPath, readFileSync(catalogPath, 'utf8').replaceAll('https://contoso.webhook.office.com/webhookb2/', hooks).replaceAll('https://hooks.contoso.example/', hooks));
  try {
    return await scenario(stack, scale, reportPath);
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function scenario(stack: Stack, scale: number, reportPath: string): Promise<number> {
  const app = stack.host.url;
  const key = stack.host.keys.functionKey;
  // The app's answers, as JSON; the demo reads the few fields it shows.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (method: string, path: string, body?: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${app}${path}`, { method, headers: { 'x-functions-key': key, 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : JSON.parse(text) };
  };
  const simFetch = fetchTrusting(stack.sim.ca);
  const sim = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await simFetch(`${stack.sim.baseUrl}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
    return { status: res.status, body: await res.json() };
  };
  const azureNow = () => new Date(stack.sim.clock.now());

  say(`app ${app}, simulator ${stack.sim.baseUrl}`);
  say('West Europe goes down for Media Services, East US 2 for Azure Data Share (simulated)');
  await sim('POST', '/_sim/regions/westeurope/outage', { services: ['Media Services'] });
  await sim('POST', '/_sim/regions/eastus2/outage', { services: ['Azure Data Share'] });

  const incidents: Incident[] = [];
  const deliver = async (label: string, workload: string, body: string) => {
    const reply = await call('POST', '/api/alerts', body);
    if (reply.status !== 202) throw new Error(`the webhook answered ${reply.status} to the ${label} alert: ${JSON.stringify(reply.body)}`);
    say(`${label}: alert delivered → ${reply.status} ${reply.body.delivery ?? ''} ${reply.body.incidentId ?? reply.body.reason}`);
    if (reply.body.delivery === 'started') incidents.push({ label, workload, id: reply.body.incidentId, printed: new Set() });
  };
  await deliver('media', 'media-streaming', mediaWestEurope({ stage: 'Active', title: 'Media Services - West Europe - Investigating', communicationId: '1100009900001', at: azureNow() }));
  await deliver('datashare', 'datashare-sales', dataShareEastUs2({ stage: 'Active', title: 'Azure Data Share - East US 2 - Investigating', communicationId: '1100009900101', at: azureNow() }));
  if (incidents.length !== 2) throw new Error(`expected two incidents, got ${incidents.length}`);

  const view = async (i: Incident): Promise<IncidentView> => (await call('GET', `/api/incidents/${encodeURIComponent(i.id)}`)).body as IncidentView;
  /** Prints what is new in each incident (timeline entries, and playbook steps as they finish) until `done` holds for all. */
  const follow = async (what: string, done: (v: IncidentView) => boolean) => {
    say(`waiting for ${what}…`);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const views = await Promise.all(incidents.map(view));
      incidents.forEach((i, n) => show(stack, i, views[n]!));
      if (views.every(done)) return views;
      if (views.some((v) => isFinished(v) && !done(v))) {
        throw new Error(`an incident ended early: ${views.map((v) => `${v.incidentId} ${v.runtimeStatus} ${v.outcome ?? v.phase}`).join('; ')}`);
      }
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}: ${views.map((v) => `${v.incidentId} ${v.phase}`).join('; ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  await follow('both failovers', (v) => v.phase === 'failed-over');

  say('Azure resolves both incidents; the regions come back');
  await sim('DELETE', '/_sim/regions/westeurope/outage');
  await sim('DELETE', '/_sim/regions/eastus2/outage');
  await deliver('media', 'media-streaming', mediaWestEurope({ stage: 'Resolved', title: 'Media Services - West Europe - Mitigated', communicationId: '1100009900002', at: azureNow() }));
  await deliver('datashare', 'datashare-sales', dataShareEastUs2({ stage: 'Resolved', title: 'Azure Data Share - East US 2 - Mitigated', communicationId: '1100009900102', at: azureNow() }));

  await follow('the primaries to stay healthy and the failbacks to be asked for', (v) => v.phase === 'awaiting-failback-approval');
  for (const i of incidents) {
    const reply = await call('POST', `/api/incidents/${encodeURIComponent(i.id)}/approve`, JSON.stringify({ comment: 'primary healthy, failing back', by: 'demo on-call' }));
    say(`${i.label}: failback approved → ${reply.status}`);
  }
  const finals = await follow('both failbacks', (v) => v.runtimeStatus === 'Completed');

  // ── what happened ─────────────────────────────────────────────────────────────────────────
  process.stdout.write('\nEvery step, with how long it took in Azure time (wall-clock time is that divided by the time scale):\n');
  for (const v of finals) {
    process.stdout.write(`\n${v.title} (${v.incidentId}): ${v.outcome}\n`);
    for (const direction of ['failover', 'failback'] as const) {
      for (const [workload, result] of Object.entries(v.summary?.[direction] ?? {})) {
        process.stdout.write(`  ${direction} of ${workload}: ${result.ok ? 'ok' : `failed at ${result.failedStep}`} in ${formatMs(result.durationMs)}\n`);
        for (const s of result.steps) process.stdout.write(`    ${s.status.padEnd(13)} ${formatMs(stepMs(s)).padStart(8)}  ${s.step}: ${s.detail}\n`);
      }
    }
  }
  const heard = (await sim('GET', '/_sim/hooks')).body as Array<{ channel: string }>;
  process.stdout.write(`\nNotifications delivered to the simulated Teams and webhook channels: ${heard.length}\n`);

  // ── is the estate where it should be? ────────────────────────────────────────────────────
  const clients = createAzureClients({ kind: 'simulator', endpoint: stack.sim.baseUrl, caPem: stack.sim.ca });
  const pointer = (await clients.appConfiguration(clients.dataPlaneEndpoint('appConfiguration', 'contosofailover')).getConfigurationSetting({ key: 'media:activeAccount' })).value;
  const props = (id: string) => (stack.sim.store.get(id)?.properties ?? {}) as Record<string, unknown>;
  const triggers = (id: string) => stack.sim.store.children(id, 'triggers').map((t) => t.name);
  const log = (op: string) => stack.sim.log.list({ operation: op }).filter((o) => o.status < 300).length;
  const checks: ReportCheck[] = [
    ...finals.map((v) => ({ ok: v.outcome === 'failed-over-and-back', what: `${v.workloads.join(', ')}: ${v.outcome}` })),
    { ok: pointer === 'contosomediaweu', what: `media:activeAccount is ${pointer} (new encoding jobs go to West Europe)` },
    { ok: props(`${TM}/weu`)['endpointStatus'] === 'Enabled' && props(`${TM}/neu`)['endpointStatus'] === 'Disabled', what: 'Traffic Manager sends viewers to West Europe again' },
    { ok: props(`${NEU}/streamingEndpoints/default`)['resourceState'] === 'Stopped', what: 'the North Europe streaming endpoint is stopped again' },
    { ok: props(`${NEU}/liveEvents/live-main`)['resourceState'] === 'Stopped', what: 'the North Europe live event is stopped again' },
    { ok: log('Microsoft.Media/streamingEndpoints/start') === 1 && log('Microsoft.Media/streamingEndpoints/stop') === 1, what: 'the standby streaming endpoint was started once and stopped once' },
    { ok: stack.sim.store.get(`${NEU}/transforms/adaptive-1080p`) !== undefined, what: 'the adaptive-1080p transform exists in North Europe (transforms stay)' },
    { ok: triggers(DS_PRIMARY).length === 1 && triggers(DS_SECONDARY).length === 0, what: `Data Share snapshots are scheduled in East US 2 (${triggers(DS_PRIMARY).join(', ')}) and not in Central US` },
  ];
  process.stdout.write('\nEnd state:\n');
  for (const c of checks) process.stdout.write(`  ${c.ok ? '✓' : '✗'} ${c.what}\n`);

  const report: ReportIncident[] = finals.map((v) => ({
    incidentId: v.incidentId,
    title: v.title ?? v.incidentId,
    outcome: v.outcome ?? v.phase,
    workloads: v.workloads,
    timeline: v.timeline,
    failover: v.summary?.failover ?? {},
    failback: v.summary?.failback ?? {},
  }));
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, renderIncidentReport(report, { title: `Failover demo: West Europe and East US 2 (time ${scale}x)`, generatedAt: new Date().toISOString(), checks }));
  process.stdout.write(`\nReport: ${relative(process.cwd(), reportPath) || reportPath}\n`);
  const ok = checks.every((c) => c.ok);
  say(ok ? 'demo passed' : 'demo FAILED: the estate is not where it should be');
  return ok ? 0 : 1;
}

/** Prints an incident's new timeline entries and its playbooks' newly finished steps. */
function show(stack: Stack, i: Incident, v: IncidentView): void {
  const out = (key: string, text: string) => {
    if (i.printed.has(key)) return;
    i.printed.add(key);
    say(`${i.label.padEnd(9)} ${text}`);
  };
  for (const e of v.timeline) out(`t|${e.at}|${e.type}|${e.detail}`, `${e.type}: ${e.detail}`);
  for (const direction of ['failover', 'failback']) {
    const playbook = stack.runtime.get(`${i.id}:${direction}:${i.workload}`);
    const progress = playbook?.customStatus as { steps?: StepRecord[] } | null | undefined;
    for (const s of progress?.steps ?? []) out(`s|${direction}|${s.step}|${s.status}`, `  ${direction} step ${s.step}: ${s.status} (${formatMs(stepMs(s))}) ${s.detail}`);
  }
}

function stepMs(s: StepRecord): number {
  return Date.parse(s.finishedAt) - Date.parse(s.startedAt);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
