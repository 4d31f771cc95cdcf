/**
 * The Media Services and Data Share playbooks end to end, through the on-call API, the local
 * host, the simulator and Azurite: a secondary already partly failed over; the primary
 * answering; a step failing for good while another workload carries on; and a throttling storm
 * with 20% injected transient errors, after which everything has converged and nothing was done
 * twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { startApp, type App } from './support.js';

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const NEU = `${SUB}/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;
const TM = `${SUB}/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream/externalEndpoints`;
const DS_PRIMARY = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2/shareSubscriptions/sales-snapshots`;
const DS_SECONDARY = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsconsumercus/shareSubscriptions/sales-snapshots`;

interface View {
  phase: string;
  runtimeStatus: string;
  workloads: string[];
  outcome: string | null;
  timeline: Array<{ type: string; detail: string }>;
  summary?: { failover: Record<string, PlaybookResult>; failback: Record<string, PlaybookResult> };
}

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function failover(a: App, workloads: string[], reason: string): Promise<string> {
  const reply = await a.request('POST', '/api/failovers', { body: { workloads, reason, kind: 'planned', by: 'tests' } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  return (reply.body as { incidentId: string }).incidentId;
}

const view = async (a: App, id: string) => (await a.request('GET', `/api/incidents/${id}`)).body as View;
const until = (a: App, id: string, what: string, done: (v: View) => boolean) =>
  a.runUntil(async () => done(await view(a, id)), { what }).catch(async (err) => {
    throw new Error(`${(err as Error).message}\n${JSON.stringify(await view(a, id), null, 1).slice(0, 4000)}`);
  });

/** Fails back now, without the health wait or the approval: a signed-in engineer, with a reason (recorded). */
const forceFailback = async (a: App, id: string) =>
  a.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'the test moves on' }, headers: await a.signIn('tests@contoso.example') });
const steps = (r: PlaybookResult | undefined) => Object.fromEntries((r?.steps ?? []).map((s) => [s.step, s.status]));
const state = (a: App, id: string, field: string) => (a.sim.store.get(id)?.properties as Record<string, unknown> | undefined)?.[field];
const succeeded = (a: App, operation: string) => a.sim.log.list({ operation }).filter((o) => o.status < 300).length;

describe('playbooks end to end', () => {
  it('finishes a secondary already partly failed over, recording what it found done', async () => {
    app = await startApp();
    // Someone started the standby streaming endpoint and created the transform by hand already.
    app.sim.store.get(`${NEU}/streamingEndpoints/default`)!.properties['resourceState'] = 'Running';
    const id = await failover(app, ['media-streaming'], 'finish what the runbook started');
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const playbook = app.runtime.get(`${id}:failover:media-streaming`)!.output as PlaybookResult;
    expect(steps(playbook)).toMatchObject({ 'start-streaming-endpoints': 'already-done', 'start-live-events': 'done', 'flip-active-pointer': 'done', 'switch-traffic': 'done' });
    expect(succeeded(app, 'Microsoft.Media/streamingEndpoints/start')).toBe(0);
    expect(succeeded(app, 'Microsoft.Media/liveEvents/start')).toBe(1);

    // Failback puts back only what the failover did: the hand-started endpoint keeps running.
    expect((await forceFailback(app, id)).status).toBe(202);
    await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect(state(app, `${NEU}/streamingEndpoints/default`, 'resourceState')).toBe('Running');
    expect(succeeded(app, 'Microsoft.Media/streamingEndpoints/stop')).toBe(0);
    expect(state(app, `${NEU}/liveEvents/live-main`, 'resourceState')).toBe('Stopped');
    expect(app.sim.store.get(`${NEU}/liveEvents/live-main/liveOutputs/failover`)).toBeUndefined();
  }, 60_000);

  it('with the primary answering, records and removes its snapshot schedule, and restores it as it was on failback', async () => {
    app = await startApp();
    const id = await failover(app, ['datashare-sales'], 'planned move to Central US');
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const playbook = app.runtime.get(`${id}:failover:datashare-sales`)!.output as PlaybookResult;
    // The consumer accepted the standby share at DR setup, so its invitation is in place.
    expect(steps(playbook)).toEqual({
      announce: 'done',
      'invite-consumers': 'already-done',
      'schedule-secondary': 'done',
      'synchronize-now': 'done',
      'unschedule-primary': 'done',
      'flip-active-pointer': 'already-done',
    });
    expect(app.sim.store.children(DS_PRIMARY, 'triggers')).toEqual([]);
    expect(app.sim.store.children(DS_SECONDARY, 'triggers').map((t) => t.name)).toEqual(['snapshot-schedule']);

    expect((await forceFailback(app, id)).status).toBe(202);
    await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await view(app, id)).outcome).toBe('failed-over-and-back');
    // The primary's own schedule, under its own name and time, not the catalog's under the failover's name.
    expect(app.sim.store.children(DS_PRIMARY, 'triggers').map((t) => [t.name, t.properties['synchronizationTime']])).toEqual([['daily-snapshot', '2026-01-01T02:00:00Z']]);
    expect(app.sim.store.children(DS_SECONDARY, 'triggers')).toEqual([]);
  }, 60_000);

  it('compensates a workload whose step fails for good, newest first, says why, and lets the other workload finish', async () => {
    app = await startApp();
    // The Traffic Manager endpoint for North Europe is gone: viewers cannot be moved.
    app.sim.store.delete(`${TM}/neu`);
    const id = await failover(app, ['media-streaming', 'datashare-sales'], 'move both off the primaries');
    // Data Share failed over and is watched until it fails back; Media Services was put back.
    await until(app, id, 'the failover to end', (v) => v.phase === 'failed-over');
    const v = await view(app, id);
    expect(v.workloads).toEqual(['datashare-sales']);
    expect(v.timeline.find((e) => e.type === 'skipped')!.detail).toBe('media-streaming did not fail over and were put back; datashare-sales did and will fail back as usual');
    const media = app.runtime.get(`${id}:failover:media-streaming`)!.output as PlaybookResult;
    expect(media).toMatchObject({ ok: false, failedStep: 'switch-traffic' });
    expect(media.steps.find((s) => s.status === 'failed')!.detail).toBe(
      "precheck: TrafficManagerEndpointMissing: Traffic Manager profile contoso-stream has no external endpoint 'neu': fix trafficManager in the catalog, or add the endpoint",
    );
    // What had been done is undone, newest first: the pointer, then the live event and the streaming endpoint.
    expect(media.steps.filter((s) => s.status === 'compensated').map((s) => s.step)).toEqual(['flip-active-pointer', 'start-live-events', 'start-streaming-endpoints']);
    expect(state(app, `${NEU}/streamingEndpoints/default`, 'resourceState')).toBe('Stopped');
    expect(state(app, `${NEU}/liveEvents/live-main`, 'resourceState')).toBe('Stopped');
    expect(app.sim.store.get(`${NEU}/liveEvents/live-main/liveOutputs/failover`)).toBeUndefined();
    // The media pointer's writes (the Data Share playbook records the primary's schedules in the same store).
    const writes = app.sim.log.list({ operation: 'Microsoft.AppConfiguration/configurationStores/keyValues/write' }).filter((w) => !w.path.includes('datashare-primary-schedules'));
    expect(writes).toHaveLength(2);
    // The other workload carried on.
    expect(app.runtime.get(`${id}:failover:datashare-sales`)!.output).toMatchObject({ ok: true, failedStep: null });
    expect(app.sim.store.children(DS_SECONDARY, 'triggers').map((t) => t.name)).toEqual(['snapshot-schedule']);
    const heard = (await app.hooks('media-oncall')).map((h) => JSON.stringify(h.body));
    expect(heard.some((h) => h.includes('Failover step failed: switch-traffic for media-streaming'))).toBe(true);
  }, 60_000);

  it('stops before touching anything when a standby resource is missing', async () => {
    app = await startApp();
    app.sim.store.delete(`${NEU}/liveEvents/live-main`);
    const id = await failover(app, ['media-streaming'], 'standby incomplete');
    await until(app, id, 'the failover to end', (v) => v.runtimeStatus === 'Completed');
    const media = (await view(app, id)).summary!.failover['media-streaming']!;
    expect(media).toMatchObject({ ok: false, failedStep: 'start-live-events' });
    expect(media.steps.find((s) => s.status === 'failed')!.detail).toBe(
      "precheck: LiveEventMissing: live-main do not exist on contosomedianeu: create them (with the encoders' ingest settings) before failing over",
    );
    // Its wave's prechecks run before any of its actions: nothing was started, so nothing needs undoing.
    expect(succeeded(app, 'Microsoft.Media/streamingEndpoints/start')).toBe(0);
    expect(media.steps.filter((s) => s.status === 'compensated')).toEqual([]);
  }, 60_000);

  it('converges through a throttling storm and 20% transient errors, doing nothing twice', async () => {
    app = await startApp({ env: { AZURE_RETRY_DELAY_MS: '5', AZURE_MAX_RETRIES: '8' } });
    await app.control('POST', '/_sim/throttling', { enabled: true });
    await app.control('POST', '/_sim/faults', { operation: 'Microsoft.Media/*', status: 429, errorRate: 0.3 });
    await app.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/*', status: 503, errorRate: 0.2 });
    await app.control('POST', '/_sim/faults', { operation: 'Microsoft.Network/*', status: 500, errorRate: 0.2 });
    const id = await failover(app, ['media-streaming', 'datashare-sales'], 'rehearsal under load');
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    expect((await forceFailback(app, id)).status).toBe(202);
    await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await view(app, id)).outcome).toBe('failed-over-and-back');

    const fired = ((await app.control('GET', '/_sim/faults')) as Array<{ fired?: number }>).map((f) => f.fired ?? 0);
    expect(fired.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10);
    // Each change happened exactly once each way, however often a request had to be repeated.
    expect(succeeded(app, 'Microsoft.Media/streamingEndpoints/start')).toBe(1);
    expect(succeeded(app, 'Microsoft.Media/streamingEndpoints/stop')).toBe(1);
    expect(succeeded(app, 'Microsoft.Media/liveEvents/start')).toBe(1);
    expect(succeeded(app, 'Microsoft.Media/liveEvents/stop')).toBe(1);
    expect(succeeded(app, 'Microsoft.Media/liveOutputs/write')).toBe(1);
    expect(state(app, `${TM}/weu`, 'endpointStatus')).toBe('Enabled');
    expect(state(app, `${TM}/neu`, 'endpointStatus')).toBe('Disabled');
    expect(state(app, `${NEU}/streamingEndpoints/default`, 'resourceState')).toBe('Stopped');
    expect(app.sim.store.children(DS_PRIMARY, 'triggers').map((t) => t.name)).toEqual(['daily-snapshot']);
    expect(app.sim.store.children(DS_SECONDARY, 'triggers')).toEqual([]);
  }, 120_000);
});
