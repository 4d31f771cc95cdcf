/**
 * Resource Health through the webhook, under the sample guardrails (media-streaming: 10 min
 * dwell, Resource Health confirmation): an account flapping Unavailable/Available every minute
 * for an hour never fails over and never pages anyone; one that stays Unavailable fails over once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

const MIN = 60_000;
type HealthAlert = { data: { context: { activityLog: { eventTimestamp: string; eventDataId: string; operationId: string; properties: Record<string, string> } } } };
const sample = JSON.parse(readFileSync(join(repoRoot, 'samples/alerts/resourcehealth-media-account-unavailable.json'), 'utf8')) as HealthAlert;

function health(minute: number, current: 'Unavailable' | 'Available'): string {
  const alert = structuredClone(sample);
  const log = alert.data.context.activityLog;
  log.eventTimestamp = new Date(app.clock.now()).toISOString();
  log.eventDataId = `rh-${minute}-${current}`;
  log.operationId = log.eventDataId;
  log.properties['currentHealthStatus'] = current;
  log.properties['previousHealthStatus'] = current === 'Available' ? 'Unavailable' : 'Available';
  return JSON.stringify(alert);
}

const pointerWrites = () => app.sim.log.list({ operation: 'Microsoft.AppConfiguration/configurationStores/keyValues/write' }).length;
const incidents = async () =>
  ((await app.request('GET', '/api/incidents?top=1000')).body as { incidents: Array<{ incidentId: string; outcome: string | null; phase: string }> }).incidents;

/** Moves virtual time to `start + minute` and lets every orchestration catch up. */
async function at(start: number, minute: number): Promise<void> {
  await app.runtime.idle();
  app.clock.advanceTo(start + minute * MIN);
  await app.runtime.idle();
}

describe('Resource Health flapping versus a sustained outage', () => {
  it('a resource flapping every minute for an hour never fails over and pages nobody', async () => {
    // The region is really impaired the whole hour: only the dwell time stands between the flaps and a failover.
    await app.control('POST', '/_sim/regions/westeurope/outage', {});
    const start = app.clock.now();
    const writes = pointerWrites();
    for (let minute = 0; minute < 60; minute++) {
      await at(start, minute);
      const reply = await app.alert(health(minute, minute % 2 === 0 ? 'Unavailable' : 'Available'));
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    }
    await at(start, 75);
    expect(pointerWrites()).toBe(writes);
    const all = await incidents();
    // Each Unavailable opened an incident that the next Available ended before confirmation.
    expect(all).toHaveLength(30);
    expect(new Set(all.map((i) => i.outcome))).toEqual(new Set(['cancelled-before-confirmation']));
    expect(await app.hooks('media-oncall')).toEqual([]);
    await app.control('DELETE', '/_sim/regions/westeurope/outage');
  }, 120_000);

  it('a resource that stays Unavailable fails over once, however often Resource Health repeats it', async () => {
    await app.control('POST', '/_sim/regions/westeurope/outage', {});
    const start = app.clock.now();
    const writes = pointerWrites();
    const before = new Set((await incidents()).map((i) => i.incidentId));
    for (let minute = 0; minute <= 40; minute += 5) {
      await at(start, minute);
      // Resource Health sends the same state again; action groups redeliver some of them.
      const body = health(100 + minute, 'Unavailable');
      for (const reply of await Promise.all([app.alert(body), app.alert(body)])) expect(reply.status).toBe(202);
    }
    const opened = (await incidents()).filter((i) => !before.has(i.incidentId));
    expect(opened).toHaveLength(1);
    expect(opened[0]!.phase).toBe('failed-over');
    expect(pointerWrites() - writes).toBe(1);
    const view = (await app.request('GET', `/api/incidents/${opened[0]!.incidentId}`)).body as { timeline: Array<{ type: string; detail: string }> };
    expect(view.timeline.find((e) => e.type === 'confirmed')!.detail).toBe('still active after 10 min; Resource Health: media-streaming Unavailable');
    expect(view.timeline.filter((e) => e.type === 'failover-started')).toHaveLength(1);
    const heard = await app.hooks('media-oncall');
    expect(heard.length).toBeGreaterThan(0);
  }, 120_000);
});
