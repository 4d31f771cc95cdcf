/**
 * One Service Health incident for the sample media-streaming workload, end to end through the
 * local host, the simulator and Azurite: Active, two updates, Resolved and RCA, each delivered up
 * to five times, shuffled and partly concurrent, produce exactly one orchestration, one failover
 * and one failback: in the simulator's write log, in the timeline and in the archive.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertArchive } from '../../lib/archive/index.js';
import { repoRoot } from '../support/fixtures.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

type Alert = { data: { essentials: { firedDateTime: string }; alertContext: { eventTimestamp: string; properties: Record<string, string> } } };
const active = JSON.parse(readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8')) as Alert;

/** The incident's notifications as Service Health sends them: each a new communication, later in time. */
function stage(n: number, name: 'Active' | 'Resolved' | 'RCA', title: string): string {
  const alert = structuredClone(active);
  const at = new Date(Date.UTC(2026, 10, 23, 9, 14) + n * 20 * 60_000).toISOString();
  alert.data.essentials.firedDateTime = at;
  alert.data.alertContext.eventTimestamp = at;
  Object.assign(alert.data.alertContext.properties, { stage: name, communicationId: `1100009351287${n}`, title });
  return JSON.stringify(alert);
}

/** A seeded shuffle, so a failure reproduces. */
function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Sends the bodies in batches of 1-4 concurrent requests; every answer must be a 202. */
async function deliver(bodies: string[], seed: number): Promise<Array<Record<string, unknown>>> {
  const answers: Array<Record<string, unknown>> = [];
  for (let i = 0, size = 1; i < bodies.length; i += size, size = ((i + seed) % 4) + 1) {
    const batch = await Promise.all(bodies.slice(i, i + size).map((b) => app.alert(b)));
    for (const r of batch) {
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      answers.push(r.body as Record<string, unknown>);
    }
  }
  return answers;
}

const copies = (body: string, n: number) => Array.from({ length: n }, () => body);
const incident = (id: string) => app.request('GET', `/api/incidents/${id}`);

describe('a Service Health incident for media-streaming, delivered the way action groups deliver', () => {
  it('fails over once and back once, whatever the duplicates and the order', async () => {
    const ops = () => app.sim.log.list({ operation: 'Microsoft.AppConfiguration/configurationStores/keyValues/write' });
    const writesBefore = ops().length;

    // West Europe goes down: Resource Health will confirm what Service Health says.
    await app.control('POST', '/_sim/regions/westeurope/outage', {});
    const s1 = stage(0, 'Active', 'Media Services - West Europe - Investigating');
    const u1 = stage(1, 'Active', 'Media Services - West Europe - Mitigation in progress');
    const u2 = stage(2, 'Active', 'Media Services - West Europe - Mitigation progressing');
    const resolved = stage(3, 'Resolved', 'Media Services - West Europe - Mitigated');
    const rca = stage(4, 'RCA', 'Media Services - West Europe - Post Incident Review');

    // Five copies of Active, all at once.
    const first = await Promise.all(copies(s1, 5).map((b) => app.alert(b)));
    expect(first.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const id = (first[0]!.body as { incidentId: string }).incidentId;
    expect(id).toMatch(/^incident-[0-9a-f]{20}-\d{17}$/);
    expect(new Set(first.map((r) => (r.body as { incidentId: string }).incidentId))).toEqual(new Set([id]));
    expect(first.filter((r) => (r.body as { delivery: string }).delivery === 'started')).toHaveLength(1);

    await app.runUntil(async () => (await incident(id)).body.phase === 'failed-over', { what: 'the failover' }).catch(async (err) => {
      throw new Error(`${(err as Error).message}\n${JSON.stringify((await incident(id)).body, null, 1)}`);
    });
    expect(ops().length - writesBefore).toBe(1);

    // The updates, with late copies of Active among them.
    const updates = await deliver(shuffle([...copies(u1, 3), ...copies(u2, 5), ...copies(s1, 2)], 7), 1);
    expect(new Set(updates.map((a) => a.incidentId))).toEqual(new Set([id]));

    // Resolved and RCA, shuffled together: the RCA may arrive before the Resolved.
    await app.control('DELETE', '/_sim/regions/westeurope/outage');
    await deliver(shuffle([...copies(resolved, 4), ...copies(rca, 5), u2], 11), 2);

    await app.runUntil(async () => (await incident(id)).body.phase === 'awaiting-failback-approval', { what: 'the failback approval request' });
    const approve = await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'West Europe looks healthy', by: 'ada@contoso.example' } });
    expect(approve.status).toBe(202);
    expect(approve.body).toMatchObject({ action: 'approve', by: 'ada@contoso.example (function key, not verified)', phase: 'awaiting-failback-approval', direction: 'failback' });
    await app.runUntil(async () => (await incident(id)).body.runtimeStatus === 'Completed', { what: 'the incident to complete' });

    const view = (await incident(id)).body as { outcome: string; timeline: Array<{ type: string; detail: string }>; duplicates: number };
    expect(view.outcome).toBe('failed-over-and-back');
    const types = view.timeline.map((e) => e.type);
    expect(types.filter((t) => t === 'failover-started')).toHaveLength(1);
    expect(types.filter((t) => t === 'failback-started')).toHaveLength(1);
    // Each of the five notifications is in the timeline once, however often it was delivered: as a
    // signal, or set aside as stale when a newer one had arrived first (signals are ordered by their own time).
    const told = view.timeline.filter((e) => e.type === 'signal' || (e.type === 'ignored-signal' && e.detail.includes('stale')));
    expect(told).toHaveLength(5);
    for (const title of ['Investigating', 'Mitigation in progress', 'Mitigation progressing', 'Mitigated', 'Post Incident Review']) {
      expect(told.filter((e) => e.detail.includes(`Media Services - West Europe - ${title}`)), title).toHaveLength(1);
    }
    expect(view.timeline.find((e) => e.type === 'approved')!.detail).toBe('failback by ada@contoso.example (function key, not verified): West Europe looks healthy');

    // Exactly one orchestration, one pointer write each way, each by the app.
    const incidents = (await app.request('GET', '/api/incidents')).body as { incidents: Array<{ incidentId: string }> };
    expect(incidents.incidents.map((i) => i.incidentId)).toEqual([id]);
    const writes = ops().slice(writesBefore);
    expect(writes.map((w) => [w.status, w.path])).toEqual([
      [200, '/appConfiguration/contosofailover/kv/media:activeAccount'],
      [200, '/appConfiguration/contosofailover/kv/media:activeAccount'],
    ]);

    // The secondary's streaming endpoint was started once and stopped once; viewers are back on West Europe.
    const media = (op: string) => app.sim.log.list({ operation: `Microsoft.Media/${op}` }).filter((o) => o.status < 300).map((o) => o.resource);
    const NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu';
    expect(media('streamingEndpoints/start')).toEqual([`${NEU}/streamingEndpoints/default`]);
    expect(media('streamingEndpoints/stop')).toEqual([`${NEU}/streamingEndpoints/default`]);
    expect(media('liveEvents/start')).toEqual([`${NEU}/liveEvents/live-main`]);
    expect(media('liveEvents/stop')).toEqual([`${NEU}/liveEvents/live-main`]);
    const endpoint = (name: string) =>
      app.sim.store.get(`/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream/externalEndpoints/${name}`)!.properties['endpointStatus'];
    expect([endpoint('weu'), endpoint('neu')]).toEqual(['Enabled', 'Disabled']);
    // West Europe was down during the failover: its jobs could not be read, and the timeline says so.
    const failover = (view as unknown as { summary: { failover: Record<string, { steps: Array<{ step: string; status: string; detail: string }> }> } }).summary.failover['media-streaming']!;
    expect(failover.steps.find((s) => s.step === 'resubmit-jobs')).toMatchObject({ status: 'skipped' });
    // The incident shows where viewers play the standby's recording, and failback deleted its output.
    expect(failover.steps.find((s) => s.step === 'start-live-events')!.detail).toMatch(/; playback: live-main: https:\/\/live\.contoso\.example\/[0-9a-f-]{36}\/failover\.ism\/manifest\(format=m3u8-aapl\) /);
    expect(media('liveOutputs/delete')).toEqual([`${NEU}/liveEvents/live-main/liveOutputs/failover`]);

    // Every delivery is archived; the timeline is saved beside them.
    const archive = createAlertArchive({ connectionString: app.azurite.connectionString });
    const archived: Array<{ sha256: string; dedupeKey: string | null }> = [];
    for await (const entry of archive.list({ incidentKey: '7TQ2-RX8' })) archived.push(entry);
    // Copies within one second are stored once; the five notifications are all there.
    expect(archived.length).toBeGreaterThanOrEqual(5);
    expect(archived.length).toBeLessThanOrEqual(25);
    expect(new Set(archived.map((a) => a.sha256)).size).toBe(5);
    expect(new Set(archived.map((a) => a.dedupeKey)).size).toBe(5);
    const saved = (await archive.getTimeline(id)) as Array<{ type: string }>;
    expect(saved.map((e) => e.type)).toEqual(types);

    // On-call heard about it at each decision point, on the workload's Teams channel.
    const heard = (await app.hooks('media-oncall')).map((h) => (h.body as { attachments?: Array<{ content: { body: Array<{ inlines: Array<{ text: string }> }> } }> }).attachments?.[0]?.content.body[0]?.inlines.map((i) => i.text).join(''));
    expect(heard).toEqual([
      'Incident opened: media-streaming may be affected in westeurope',
      'Impact confirmed: media-streaming in westeurope',
      'Failing over media-streaming to northeurope: 7 steps',
      expect.stringMatching(/^Failed over: media-streaming now runs in northeurope \(took /),
      'Approval needed: fail back media-streaming to westeurope',
      'Failing back media-streaming to westeurope: 8 steps',
      expect.stringMatching(/^Failed back: media-streaming is back in westeurope \(took /),
    ]);
  }, 120_000);
});
