/**
 * Seeding: a seeded resource gets only what its type's spec defines. A proxy resource (an asset,
 * a transform, a job, a live output) has no location on the wire and no provisioningState where
 * its spec has none; a creation time is given under the spec's own name, or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());

const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu`;
const get = async (path: string, version: string) => (await h.call('GET', `${path}?api-version=${version}`)).body as Record<string, unknown> & { properties: Record<string, unknown> };

describe('seeded resources carry what their spec defines', () => {
  it('proxy resources have no location, and no provisioningState where their spec has none', async () => {
    for (const [path, version] of [
      [`${ACCOUNT}/assets/live-main-archive`, '2022-08-01'],
      [`${ACCOUNT}/transforms/adaptive-1080p`, '2022-07-01'],
      [`${ACCOUNT}/transforms/adaptive-1080p/jobs/promo-2026-11-23`, '2022-07-01'],
    ] as const) {
      const body = await get(path, version);
      expect(body).not.toHaveProperty('location');
      expect(body.properties).not.toHaveProperty('provisioningState');
      expect(body.properties['created']).toEqual(expect.any(String));
    }
    const output = await get(`${ACCOUNT}/liveEvents/live-main/liveOutputs/archive`, '2022-08-01');
    expect(output).not.toHaveProperty('location');
    // LiveOutputProperties defines both.
    expect(output.properties).toMatchObject({ provisioningState: 'Succeeded', created: expect.any(String) });
  });

  it('tracked resources keep their location; a creation time only under the name the spec gives it', async () => {
    const account = await get(ACCOUNT, '2021-11-01');
    expect(account.location).toBe('westeurope');
    expect(account.properties).not.toHaveProperty('created');
    expect(account.properties['provisioningState']).toBe('Succeeded');
    const liveEvent = await get(`${ACCOUNT}/liveEvents/live-main`, '2022-08-01');
    expect(liveEvent.location).toBe('westeurope');
    // The region a proxy lives in is still its account's: an outage reaches it.
    await h.control('POST', '/_sim/regions/westeurope/outage', {});
    expect((await h.call('GET', `${ACCOUNT}/assets/live-main-archive?api-version=2022-08-01`)).status).toBe(503);
    await h.control('POST', '/_sim/reset');
  });
});
