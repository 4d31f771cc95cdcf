/**
 * The whole rehearsal, as an on-call team runs it: an incident happens in one local app
 * (production, REPLAY_ENABLED off), and `failover replay` replays it from that app's archive into
 * a second local app configured as staging (its own process, simulator and storage, its clock at
 * 10x to keep the suite short, REPLAY_ENABLED on) at speed 60. Then the same incident imported from Azure's own history (the
 * simulator's Activity Log and Resource Health events) instead of the archive; then a policy
 * change in the staging catalog makes the same replay differ and exit 1. Production refuses a
 * replayed delivery, and the replays touch neither its channels nor its ledger.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import { importActivityLog } from '../../lib/replay/import/index.js';
import type { ReplayReport } from '../../lib/replay/types.js';
import { storesFromSettings } from '../../lib/stores/index.js';
import { startApp, type App } from '../e2e/support.js';
import { killAll, runLocalMain, type LocalMain } from '../support/local-main.js';
import { cli } from '../support/cli-run.js';
import { repoRoot } from '../support/fixtures.js';

const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const STAGING_KEY = 'staging-oncall-key';

let production: App;
let staging: LocalMain;
let stagingUrl: string;
let dir: string;
let stagingCatalog: string;
const sampleCatalog = readFileSync(join(repoRoot, 'samples/catalog.yaml'), 'utf8');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'failover-staging-'));
  stagingCatalog = join(dir, 'staging-catalog.yaml');
  writeFileSync(stagingCatalog, `${sampleCatalog}\nenvironment:\n  name: staging\n`);
  production = await startApp();
  // Staging's own clock (and its simulator's) runs 10x, so Data Share's minute-long snapshot takes seconds here.
  staging = runLocalMain(['--port', '0', '--data-dir', join(dir, 'staging'), '--time-scale', '10'], {
    REPLAY_ENABLED: 'on',
    CATALOG_PATH: stagingCatalog,
    TASK_HUB_NAME: 'failoverstaging',
    LOCAL_ONCALL_KEY: STAGING_KEY,
    AZURE_LRO_POLL_MS: '200',
  });
  [, stagingUrl] = (await staging.waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000)) as unknown as [string, string];
}, 120_000);
afterAll(async () => {
  killAll();
  await production?.close();
  // The staging stack's Azurite (a process of its own) ends shortly after the stack: its last
  // writes can land while the tree is removed, so try again for a while.
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(dir, { recursive: true, force: true });
      break;
    } catch (err) {
      if (attempt >= 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
});

/** What the simulator's activity log says now about the production subscription: the newest Service Health event, as an action group would post it. */
async function serviceHealthAlert(app: App, stage: 'Active' | 'Resolved'): Promise<object> {
  // The simulator keeps Azure's time (its own clock), which the activity log is written in.
  const simNow = app.sim.clock.now();
  const read = await importActivityLog(app.clients, { subscriptions: [SUBSCRIPTION], from: new Date(simNow - 24 * 3600_000), to: new Date(simNow + 60_000), categories: ['ServiceHealth'] });
  const signal = read.signals.filter((s) => JSON.stringify(s.payload).includes(`"stage":"${stage}"`)).at(-1);
  expect(signal, `a ${stage} event in the activity log`).toBeDefined();
  return signal!.payload as object;
}

describe('an incident rehearsed in staging', () => {
  let incidentId: string;
  let reportPath: string;

  it('happens in production: a Data Share outage in East US 2, failed over and back', async () => {
    await production.control('POST', '/_sim/regions/eastus2/outage', { services: ['Azure Data Share'] });
    const active = await production.alert(await serviceHealthAlert(production, 'Active'));
    expect(active.status, JSON.stringify(active.body)).toBe(202);
    incidentId = active.body.incidentId;
    await production.until<IncidentView>(incidentId, 'the failover', (v) => v.phase === 'failed-over');
    await production.runUntil(async () => false, { maxSteps: 2 }).catch(() => undefined);
    await production.control('DELETE', '/_sim/regions/eastus2/outage');
    expect((await production.alert(await serviceHealthAlert(production, 'Resolved'))).status).toBe(202);
    await production.until<IncidentView>(incidentId, 'the failback approval request', (v) => v.phase === 'awaiting-failback-approval');
    expect((await production.request('POST', `/api/incidents/${incidentId}/approve`, { body: { by: 'dana', comment: 'East US 2 is back' } })).status).toBe(202);
    await production.until<IncidentView>(incidentId, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await production.view<IncidentView>(incidentId)).outcome).toBe('failed-over-and-back');
  }, 60_000);

  it('refuses a replayed delivery in production, with the reason', async () => {
    const refused = await production.alert(await serviceHealthAlert(production, 'Active'), { 'failover-replay': 'replay-20261207T201500-3fa2c1' });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/^this app does not accept replays: REPLAY_ENABLED is off, as it must be on a production app/);
    const started = await production.request('POST', '/api/replays', { body: { signals: [{ at: '2026-11-23T09:14:00Z', payload: {} }] } });
    expect(started.status).toBe(403);
  });

  it('is replayed from the archive into staging at speed 60 with the same decisions, touching nothing in production', async () => {
    const hooksBefore = (await production.hooks()).length;
    const config = loadConfig(process.env);
    const ledger = storesFromSettings(config.incidentClaims!).failoverLedger;
    const lastFailover = await ledger.lastFailover('datashare-sales');
    expect(lastFailover).not.toBeNull();
    reportPath = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const run = await cli(['replay', '--from-app', production.host.url, '--from-key', production.keys.oncall, '--incident', incidentId, '--to', stagingUrl, '--to-key', STAGING_KEY, '--speed', '60', '--out', reportPath, '--html', html, '--timeout', '3m']);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.out).toMatch(/MATCH \(exit 0\)/);
    expect(run.err).toMatch(/replay replay-\d{8}T\d{6}-[0-9a-f]{6}: signal 2\/2 in \d+ s/);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReplayReport;
    expect(report.verdict).toBe('match');
    expect(report.now.map((r) => [r.outcome, r.workloads.map((w) => [w.workloadId, w.verdict, w.failover?.ok, w.failback?.ok])])).toEqual([['failed-over-and-back', [['datashare-sales', 'act', true, true]]]]);
    expect(report.signals.map((s) => s.now?.delivery)).toEqual(['started', 'delivered']);
    expect(readFileSync(html, 'utf8')).toContain('datashare-sales');
    // Production heard nothing of it, and its ledger still holds its own failover only.
    expect((await production.hooks()).length).toBe(hooksBefore);
    expect(await ledger.lastFailover('datashare-sales')).toBe(lastFailover);
    // Staging lists the replay's incident apart from real ones.
    const listed = (await fetch(`${stagingUrl}/api/incidents`, { headers: { 'x-functions-key': STAGING_KEY } }).then((r) => r.json())) as { count: number };
    expect(listed.count).toBe(0);
  }, 240_000);

  it('gives the same decisions imported from Azure’s history instead of the archive', async () => {
    const since = new Date(production.sim.clock.now() - 24 * 3600_000).toISOString();
    const until = new Date(production.sim.clock.now() + 60_000).toISOString();
    const run = await cli(['replay', '--activity-log', '--subscription', SUBSCRIPTION, '--since', since, '--until', until, '--tracking-id', 'SIM01-EAS', '--to', stagingUrl, '--to-key', STAGING_KEY, '--speed', '60', '--expect', reportPath, '--timeout', '3m']);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.out).toMatch(/MATCH \(exit 0\)/);
  }, 240_000);

  it('differs, exit 1, once staging’s policy for the workload changes', async () => {
    writeFileSync(stagingCatalog, `${sampleCatalog.replace(/(id: datashare-sales[\s\S]*?policy:\n\s+trigger:) auto/, '$1 notify-only')}\nenvironment:\n  name: staging\n`);
    const run = await cli(['replay', '--from-app', production.host.url, '--from-key', production.keys.oncall, '--incident', incidentId, '--to', stagingUrl, '--to-key', STAGING_KEY, '--speed', '60', '--timeout', '3m']);
    expect(run.code, `${run.out}\n${run.err}`).toBe(1);
    expect(run.out).toMatch(/datashare-sales: failed over: yes → no/);
  }, 240_000);
});
