/**
 * The refusals the simulator's pipeline makes before a provider sees a request. On an ARM route
 * they are ARM's (its ErrorResponse envelope, its throttling buckets); a data plane is not behind
 * ARM, so it answers them in its own error shape (App Configuration problem+json, Purview's
 * ErrorResponseModel and Atlas errors), and App Configuration throttles by its own per-store
 * request quota. Strict mode checks each answer against Microsoft's specs as it goes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContractRecorder } from '../../sim/contracts/record.js';
import { startSimulator, SUB, type SimHarness } from './support.js';

const recorder = new ContractRecorder();
let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator({ contracts: recorder });
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
  // Every answer here is a refusal as Azure writes it: nothing breaks the specs.
  expect(recorder.failures()).toEqual([]);
  recorder.clear();
});

const KV = '/appConfiguration/contosofailover/kv/media:activeAccount?api-version=2026-04-01';
const SCAN = '/purview/contosopurvieweus/scan/datasources?api-version=2022-07-01-preview';
const GLOSSARY = '/purview/contosopurvieweus/datamap/api/atlas/v2/glossary?api-version=2023-09-01';
const ALERTS = `/subscriptions/${SUB}/providers/microsoft.insights/activityLogAlerts?api-version=2017-04-01`;
const NO_TOKEN = { authorization: '' };

describe('ARM routes', () => {
  it("answer a missing token and an injected 429 in ARM's envelope, whatever the provider's own error shape", async () => {
    // Monitor's 2017-04-01 spec gives the provider's errors as a flat { code, message }; ARM's are enveloped.
    expect(await h.call('GET', ALERTS, undefined, NO_TOKEN)).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } },
    });
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Insights/*', status: 429, code: 'SubscriptionRequestsThrottled', message: 'Too many requests.', count: 1 });
    const throttled = await h.call('GET', ALERTS);
    expect(throttled).toMatchObject({ status: 429, body: { error: { code: 'SubscriptionRequestsThrottled', message: 'Too many requests.' } } });
    expect(throttled.headers['retry-after']).toBe('1');
  });
});

describe('App Configuration data plane', () => {
  it('answers a missing token as the store does: 401 problem+json with WWW-Authenticate', async () => {
    const res = await h.call('GET', KV, undefined, NO_TOKEN);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('HMAC-SHA256, Bearer');
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toEqual({ type: 'https://azconfig.io/errors/unauthorized', title: "Authentication failed. The 'Authorization' header is missing.", status: 401 });
  });

  it('answers an outage of its region with 503 problem+json and retry-after-ms only', async () => {
    await h.control('POST', '/_sim/regions/westus3/outage', {});
    const res = await h.call('GET', KV);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ type: 'https://azconfig.io/errors/service-unavailable', title: "The service is unavailable in region 'westus3' (simulated outage).", status: 503 });
    expect(res.headers['retry-after-ms']).toBe('1000');
    expect(res.headers['retry-after']).toBeUndefined();
  });

  it('answers an injected fault in its own shape', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.AppConfiguration/*', status: 500, code: 'InternalServerError', message: 'Something broke.', count: 1 });
    expect(await h.call('GET', KV)).toMatchObject({ status: 500, body: { type: 'https://azconfig.io/errors/internal-server-error', title: 'Something broke.', status: 500 } });
  });

  it("is not counted in ARM's buckets, and throttles by the store's own quota (Free: 1,000 requests a day)", async () => {
    const STORE = `/subscriptions/${SUB}/resourceGroups/rg-failover-shared/providers/Microsoft.AppConfiguration/configurationStores/contosofailover`;
    h.sim.store.get(STORE)!.sku = { name: 'free' };
    // More than ARM's 250-read bucket holds: none of them is ARM's to throttle.
    for (let i = 0; i < 1_000; i++) {
      const res = await h.call('GET', KV);
      if (res.status !== 200) throw new Error(`request ${i + 1} answered ${res.status}`);
      expect(res.headers['x-ms-ratelimit-remaining-subscription-reads']).toBeUndefined();
    }
    const res = await h.call('GET', KV);
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ type: 'https://azconfig.io/errors/too-many-requests', title: 'Resource utilization has surpassed the assigned quota', status: 429 });
    // One request back in a day's thousandth (86.4 s of Azure time), told in milliseconds.
    expect(Number(res.headers['retry-after-ms'])).toBeGreaterThan(80_000);
    expect(Number(res.headers['retry-after-ms'])).toBeLessThanOrEqual(86_400);
    expect(res.headers['retry-after']).toBeUndefined();
    // ARM's read bucket was never touched.
    const arm = await h.call('GET', ALERTS);
    expect(arm.headers['x-ms-ratelimit-remaining-subscription-reads']).toBe('249');
  });
});

describe('Purview data plane', () => {
  it("answers a missing token in scanning's ErrorResponseModel", async () => {
    expect(await h.call('GET', SCAN, undefined, NO_TOKEN)).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } },
    });
  });

  it("answers an outage in the data map's Atlas error shape", async () => {
    await h.control('POST', '/_sim/regions/eastus/outage', {});
    const res = await h.call('GET', GLOSSARY);
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), errorCode: 'ServiceUnavailable', errorMessage: "The service is unavailable in region 'eastus' (simulated outage)." });
  });
});
