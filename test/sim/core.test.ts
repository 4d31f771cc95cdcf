/** The simulator's front door: certificate trust, tokens, errors, the control API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARM_SCOPE } from '../../lib/azure/clients.js';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());

describe('simulator front door', () => {
  it('issues a token to ClientSecretCredential through its own Entra endpoint', async () => {
    const token = await h.clients.credential.getToken(ARM_SCOPE);
    expect(token?.token).toMatch(/^sim\./);
    const claims = JSON.parse(Buffer.from(token!.token.slice(4), 'base64url').toString('utf8')) as { appid: string };
    expect(claims.appid).toBe('tests');
  });

  it('refuses calls without a bearer token, and answers unknown paths with an ARM error', async () => {
    const statuses = `/subscriptions/${SUB}/providers/Microsoft.ResourceHealth/availabilityStatuses?api-version=2022-10-01`;
    const noAuth = await h.call('GET', statuses, undefined, { authorization: '' });
    expect(noAuth).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
    expect((await h.call('GET', statuses)).status).toBe(200);
    const noVersion = await h.call('GET', statuses.replace('?api-version=2022-10-01', ''));
    expect(noVersion).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
    const badVersion = await h.call('GET', statuses.replace('2022-10-01', '1999-01-01'));
    // A well-formed version the provider does not register: ARM's NoRegisteredProviderFound, as ARM words it.
    expect(badVersion).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'NoRegisteredProviderFound',
          message: "No registered resource provider found for location 'global' and API version '1999-01-01' for type 'availabilityStatuses'. The supported api-versions are '2022-10-01'.",
        },
      },
    });
    // Not an api-version at all: refused before any provider is looked for.
    const malformed = await h.call('GET', statuses.replace('2022-10-01', 'latest'));
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter', message: "The api-version 'latest' is invalid. The supported versions are '2022-10-01'." } } });
    const unknown = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Nothing/things?api-version=1`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
  });

  it('lists the seeded estate and filters it by type and region', async () => {
    const all = await h.control('GET', '/_sim/resources');
    // The sample estate's 42 resources, and the app identity's 2 role assignments on the subscription.
    expect((all.body as unknown[]).length).toBe(44);
    const endpoints = await h.control('GET', '/_sim/resources?type=Microsoft.Media/mediaservices/streamingEndpoints&region=northeurope');
    expect(endpoints.body).toEqual([expect.objectContaining({ name: 'default', properties: expect.objectContaining({ resourceState: 'Stopped' }) })]);
  });

  it('takes a region down and back up, opening and resolving a Service Health incident', async () => {
    const down = await h.control('POST', '/_sim/regions/WestEurope/outage', { mode: 'unavailable' });
    expect(down.status).toBe(201);
    expect(down.body).toMatchObject({ region: 'westeurope', incident: { stage: 'Active', services: ['Media Services'], region: 'westeurope' } });
    expect((await h.control('GET', '/_sim/regions')).body).toEqual({ down: [{ region: 'westeurope', mode: 'unavailable' }] });
    const up = await h.control('DELETE', '/_sim/regions/westeurope/outage');
    expect(up.body).toMatchObject({ resolved: [{ stage: 'Resolved' }] });
  });

  it('validates fault rules and names the field', async () => {
    const bad = await h.control('POST', '/_sim/faults', { errorRate: 2 });
    expect(bad).toMatchObject({ status: 400, body: { detail: expect.stringContaining('operation is required') } });
    const rule = await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Media/*', status: 503, count: 2 });
    expect(rule).toMatchObject({ status: 201, body: { id: expect.stringMatching(/^fault-/), remaining: 2 } });
    await h.control('DELETE', '/_sim/faults');
    expect((await h.control('GET', '/_sim/faults')).body).toEqual([]);
  });
});
