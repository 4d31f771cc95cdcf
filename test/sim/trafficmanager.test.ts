/** Traffic Manager through `@azure/arm-trafficmanager`: profiles, endpoint writes, and health under a regional outage. */
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const RG = 'rg-media-global';
const PROFILE = 'contoso-stream';
const PROFILE_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/trafficManagerProfiles/${PROFILE}`;
const tm = () => h.clients.trafficManager(SUB);

async function rejection(p: Promise<unknown>): Promise<RestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRestError(err)).toBe(true);
  return err as RestError;
}

const operations = (operation?: string) => h.operations(operation);

describe('Traffic Manager profiles', () => {
  it('gets the profile with its endpoints and their health', async () => {
    const profile = await tm().profiles.get(RG, PROFILE);
    expect(profile).toEqual({
      id: PROFILE_ID,
      name: PROFILE,
      type: 'Microsoft.Network/trafficManagerProfiles',
      location: 'global',
      tags: {},
      profileStatus: 'Enabled',
      trafficRoutingMethod: 'Priority',
      trafficViewEnrollmentStatus: 'Disabled',
      dnsConfig: { relativeName: 'contoso-stream', fqdn: 'contoso-stream.trafficmanager.net', ttl: 30 },
      monitorConfig: { protocol: 'HTTPS', port: 443, path: '/health', intervalInSeconds: 30, timeoutInSeconds: 10, toleratedNumberOfFailures: 3, profileMonitorStatus: 'Online' },
      endpoints: [
        {
          id: `${PROFILE_ID}/externalEndpoints/weu`,
          name: 'weu',
          type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
          endpointStatus: 'Enabled',
          endpointMonitorStatus: 'Online',
          target: 'default-contosomediaweu-euwe.streaming.media.azure.net',
          priority: 1,
          endpointLocation: 'West Europe',
        },
        {
          id: `${PROFILE_ID}/externalEndpoints/neu`,
          name: 'neu',
          type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
          endpointStatus: 'Disabled',
          endpointMonitorStatus: 'Disabled',
          target: 'default-contosomedianeu-euno.streaming.media.azure.net',
          priority: 2,
          endpointLocation: 'North Europe',
        },
      ],
    });
  });

  it('lists profiles by resource group and by subscription', async () => {
    const inRg = [];
    for await (const p of tm().profiles.listByResourceGroup(RG)) inRg.push(p.name);
    expect(inRg).toEqual([PROFILE]);
    const inSub = [];
    for await (const p of tm().profiles.listBySubscription()) inSub.push(p);
    expect(inSub.map((p) => [p.name, p.endpoints?.length])).toEqual([[PROFILE, 2]]);
    const none = [];
    for await (const p of tm().profiles.listByResourceGroup('rg-media-weu')) none.push(p);
    expect(none).toEqual([]);
  });

  it('answers 404 ResourceNotFound for a profile that does not exist, and checks the api-version', async () => {
    const err = await rejection(tm().profiles.get(RG, 'nosuchprofile'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
    const res = await h.call('GET', `${PROFILE_ID}?api-version=2018-08-01`);
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
  });
});

describe('Traffic Manager endpoints', () => {
  it('gets an endpoint, and 404 for one that does not exist', async () => {
    const weu = await tm().endpoints.get(RG, PROFILE, 'ExternalEndpoints', 'weu');
    expect(weu).toMatchObject({ name: 'weu', endpointStatus: 'Enabled', endpointMonitorStatus: 'Online', priority: 1 });
    const err = await rejection(tm().endpoints.get(RG, PROFILE, 'ExternalEndpoints', 'nope'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
  });

  it('enables the standby endpoint and disables the primary with PATCH (the failover switch)', async () => {
    const neu = await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'neu', { endpointStatus: 'Enabled' });
    expect(neu).toMatchObject({ name: 'neu', endpointStatus: 'Enabled', endpointMonitorStatus: 'Online', priority: 2, target: 'default-contosomedianeu-euno.streaming.media.azure.net' });
    const weu = await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'weu', { endpointStatus: 'Disabled' });
    expect(weu).toMatchObject({ endpointStatus: 'Disabled', endpointMonitorStatus: 'Disabled', priority: 1 });
    const profile = await tm().profiles.get(RG, PROFILE);
    expect(profile.endpoints?.map((e) => [e.name, e.endpointStatus, e.endpointMonitorStatus])).toEqual([
      ['weu', 'Disabled', 'Disabled'],
      ['neu', 'Enabled', 'Online'],
    ]);
    expect(profile.monitorConfig?.profileMonitorStatus).toBe('Online');
    expect((await operations('Microsoft.Network/trafficManagerProfiles/externalEndpoints/write')).map((o) => [o.status, o.resource])).toEqual([
      [200, `${PROFILE_ID}/externalEndpoints/neu`],
      [200, `${PROFILE_ID}/externalEndpoints/weu`],
    ]);
    // Disabling every endpoint leaves the profile Inactive.
    await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'neu', { endpointStatus: 'Disabled' });
    expect((await tm().profiles.get(RG, PROFILE)).monitorConfig?.profileMonitorStatus).toBe('Inactive');
  });

  it('creates (201), replaces (200) and deletes (200, then 204) an endpoint', async () => {
    const statuses: number[] = [];
    const onResponse = (r: { status: number }) => statuses.push(r.status);
    const created = await tm().endpoints.createOrUpdate(
      RG,
      PROFILE,
      'ExternalEndpoints',
      'cdn',
      { target: 'contoso-stream.azureedge.net', endpointStatus: 'Enabled', endpointLocation: 'West Europe' },
      { onResponse },
    );
    expect(created).toEqual({
      id: `${PROFILE_ID}/externalEndpoints/cdn`,
      name: 'cdn',
      type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
      target: 'contoso-stream.azureedge.net',
      endpointStatus: 'Enabled',
      endpointLocation: 'West Europe',
      priority: 3,
      endpointMonitorStatus: 'Online',
    });
    const replaced = await tm().endpoints.createOrUpdate(RG, PROFILE, 'ExternalEndpoints', 'cdn', { target: 'contoso-stream-2.azureedge.net', priority: 10 }, { onResponse });
    expect(replaced).toMatchObject({ target: 'contoso-stream-2.azureedge.net', priority: 10, endpointStatus: 'Enabled' });
    expect(replaced.endpointLocation).toBeUndefined();
    const deleted = await tm().endpoints.delete(RG, PROFILE, 'ExternalEndpoints', 'cdn', { onResponse });
    expect(deleted.operationResult).toBe(true);
    await tm().endpoints.delete(RG, PROFILE, 'ExternalEndpoints', 'cdn', { onResponse });
    expect(statuses).toEqual([201, 200, 200, 204]);
    expect((await rejection(tm().endpoints.get(RG, PROFILE, 'ExternalEndpoints', 'cdn'))).statusCode).toBe(404);
    expect((await operations('Microsoft.Network/trafficManagerProfiles/externalEndpoints/delete')).map((o) => o.status)).toEqual([200, 204]);
  });

  it('validates endpoints and names the bad field', async () => {
    const cases: Array<[Promise<unknown>, RegExp]> = [
      [tm().endpoints.createOrUpdate(RG, PROFILE, 'ExternalEndpoints', 'x', { endpointStatus: 'Enabled' }), /'target' is required/],
      [tm().endpoints.createOrUpdate(RG, PROFILE, 'ExternalEndpoints', 'x', { target: 'x.example', priority: 0 }), /'priority' is invalid/],
      [tm().endpoints.createOrUpdate(RG, PROFILE, 'ExternalEndpoints', 'x', { target: 'x.example', endpointStatus: 'Maybe' }), /'endpointStatus' is invalid/],
      [tm().endpoints.createOrUpdate(RG, PROFILE, 'AzureEndpoints', 'x', { endpointStatus: 'Enabled' }), /'targetResourceId' is required/],
      [tm().endpoints.createOrUpdate(RG, PROFILE, 'NestedEndpoints', 'x', { targetResourceId: `${PROFILE_ID}-missing` }), /must target an existing Traffic Manager profile/],
      [tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'weu', { weight: 5000 }), /'weight' is invalid/],
    ];
    for (const [call, message] of cases) {
      const err = await rejection(call);
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe('BadRequest');
      expect(err.message).toMatch(message);
    }
    const missingEndpoint = await rejection(tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'nope', { endpointStatus: 'Enabled' }));
    expect(missingEndpoint.statusCode).toBe(404);
    const missingProfile = await rejection(tm().endpoints.createOrUpdate(RG, 'nosuchprofile', 'ExternalEndpoints', 'x', { target: 'x.example' }));
    expect([missingProfile.statusCode, missingProfile.code]).toEqual([404, 'ResourceNotFound']);
    const clash = await rejection(tm().endpoints.createOrUpdate(RG, PROFILE, 'AzureEndpoints', 'weu', { targetResourceId: PROFILE_ID }));
    expect([clash.statusCode, clash.code]).toEqual([409, 'Conflict']);
  });

  it('honours a throttled endpoint write: the SDK waits Retry-After and the write succeeds', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints/write', status: 429, code: 'TooManyRequests', count: 1 });
    const neu = await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'neu', { endpointStatus: 'Enabled' });
    expect(neu.endpointStatus).toBe('Enabled');
    const log = await operations('Microsoft.Network/trafficManagerProfiles/externalEndpoints/write');
    expect(log.map((o) => [o.status, o.injected === null ? null : 'fault'])).toEqual([
      [429, 'fault'],
      [200, null],
    ]);
  });
});

describe('Traffic Manager under a regional outage', () => {
  it('keeps answering (it is global) and reports the endpoint of the region that is down as Degraded', async () => {
    await h.control('POST', '/_sim/regions/westeurope/outage');
    const profile = await tm().profiles.get(RG, PROFILE);
    expect(profile.monitorConfig?.profileMonitorStatus).toBe('Degraded');
    expect(profile.endpoints?.map((e) => [e.name, e.endpointMonitorStatus])).toEqual([
      ['weu', 'Degraded'],
      ['neu', 'Disabled'],
    ]);
    // The failover: enable North Europe, disable West Europe; both writes succeed during the outage.
    await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'neu', { endpointStatus: 'Enabled' });
    expect((await tm().profiles.get(RG, PROFILE)).endpoints?.map((e) => e.endpointMonitorStatus)).toEqual(['Degraded', 'Online']);
    await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'weu', { endpointStatus: 'Disabled' });
    expect((await tm().profiles.get(RG, PROFILE)).monitorConfig?.profileMonitorStatus).toBe('Online');
    // When the region is back, a re-enabled primary is Online again.
    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const back = await tm().endpoints.update(RG, PROFILE, 'ExternalEndpoints', 'weu', { endpointStatus: 'Enabled' });
    expect(back.endpointMonitorStatus).toBe('Online');
  });

  it('derives an Azure endpoint region from its target resource, and a nested endpoint health from its child profile', async () => {
    const streaming = `/subscriptions/${SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu/streamingEndpoints/default`;
    const azure = await tm().endpoints.createOrUpdate(RG, PROFILE, 'AzureEndpoints', 'weu-origin', { targetResourceId: streaming, endpointStatus: 'Enabled' });
    expect(azure).toMatchObject({ endpointLocation: 'westeurope', endpointMonitorStatus: 'Online', priority: 3 });
    // A child profile for the nested endpoint, seeded straight into the store.
    const childId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream-eu`;
    h.sim.store.put({ id: childId, name: 'contoso-stream-eu', type: 'Microsoft.Network/trafficManagerProfiles', location: 'global', properties: { profileStatus: 'Enabled', trafficRoutingMethod: 'Priority' } });
    h.sim.store.put({
      id: `${childId}/externalEndpoints/weu`,
      name: 'weu',
      type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
      location: 'global',
      properties: { endpointStatus: 'Enabled', target: 'a.example', priority: 1, endpointLocation: 'West Europe' },
    });
    const nested = await tm().endpoints.createOrUpdate(RG, PROFILE, 'NestedEndpoints', 'eu', { targetResourceId: childId, endpointStatus: 'Enabled', priority: 5 });
    expect(nested).toMatchObject({ type: 'Microsoft.Network/trafficManagerProfiles/nestedEndpoints', minChildEndpoints: 1, endpointMonitorStatus: 'Online' });
    await h.control('POST', '/_sim/regions/westeurope/outage');
    expect((await tm().endpoints.get(RG, PROFILE, 'AzureEndpoints', 'weu-origin')).endpointMonitorStatus).toBe('Degraded');
    expect((await tm().endpoints.get(RG, PROFILE, 'NestedEndpoints', 'eu')).endpointMonitorStatus).toBe('Degraded');
    const profile = await tm().profiles.get(RG, PROFILE);
    expect(profile.endpoints?.map((e) => e.name)).toEqual(['weu', 'neu', 'weu-origin', 'eu']);
  });
});
