/**
 * ARM's published limits, reproduced: a subscription's principal gets a bucket of 200 writes
 * that refills at 10 per second. 500 writes as fast as possible: the first 200 (plus what
 * refills meanwhile) succeed, counting the remaining quota down in
 * x-ms-ratelimit-remaining-subscription-writes, and the rest are 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());

const transform = (i: number) =>
  `/subscriptions/${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaServices/contosomedianeu/transforms/throttle-${i}?api-version=2022-07-01`;
const body = { properties: { outputs: [{ preset: { '@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'AdaptiveStreaming' } }] } };

describe('ARM throttling', () => {
  it('answers 500 rapid writes as the token bucket predicts', async () => {
    const started = performance.now();
    const results: Array<{ status: number; remaining: number | undefined; retryAfter: string | undefined; order: number }> = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        while (next < 500) {
          const i = next++;
          const res = await h.call('PUT', transform(i), body);
          const remaining = res.headers['x-ms-ratelimit-remaining-subscription-writes'];
          results.push({ status: res.status, remaining: remaining === undefined ? undefined : Number(remaining), retryAfter: res.headers['retry-after'], order: results.length });
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const ok = results.filter((r) => r.status === 200 || r.status === 201);
    const throttled = results.filter((r) => r.status === 429);
    expect(ok.length + throttled.length).toBe(500);
    // 200 in the bucket, plus 10 a second refilled while the burst ran.
    expect(ok.length).toBeGreaterThanOrEqual(200);
    expect(ok.length).toBeLessThanOrEqual(200 + Math.ceil(elapsed * 10) + 1);
    expect(throttled.length).toBe(500 - ok.length);
    // The first write leaves 199; the quota counts down to 0 before the first 429.
    expect(results[0]!.remaining).toBe(199);
    expect(Math.min(...ok.map((r) => r.remaining!))).toBe(0);
    for (const r of throttled) {
      expect(r.remaining).toBe(0);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // Reads have a bucket of their own: still served.
    const read = await h.call('GET', transform(0));
    expect(read.status).toBe(200);
    expect(Number(read.headers['x-ms-ratelimit-remaining-subscription-reads'])).toBe(249);
    // And every throttled write is in the operation log, marked as such.
    const log = (await h.control('GET', '/_sim/operations')).body as Array<{ status: number; injected: string | null }>;
    expect(log.filter((o) => o.status === 429 && o.injected === 'throttled')).toHaveLength(throttled.length);
  });
});
