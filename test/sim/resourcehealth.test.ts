/** Microsoft.ResourceHealth through the real SDK client: availability derived live, and Service Health events. */
import type { MicrosoftResourceHealth } from '@azure/arm-resourcehealth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parsePayload } from '../../lib/alerts/index.js';
import { defaultChecker } from '../../sim/contracts/checker.js';
import { shapeMismatches } from '../contracts/replay.js';
import { recordStatuses, startSimulator, SUB, type SimHarness, all, rejection } from './support.js';

const WEU_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu`;
const WEU_SE = `${WEU_ACCOUNT}/streamingEndpoints/default`;
const WEU_OUTPUT = `${WEU_ACCOUNT}/liveEvents/live-main/liveOutputs/archive`;
const NEU_ACCOUNT = `/subscriptions/${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;
const NEU_SE = `${NEU_ACCOUNT}/streamingEndpoints/default`;
const RH = 'api-version=2022-10-01';

let h: SimHarness;
let client: MicrosoftResourceHealth;
beforeAll(async () => {
  h = await startSimulator();
  client = h.clients.resourceHealth(SUB);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/_sim/reset');
});

async function outage(region: string, mode = 'unavailable'): Promise<{ trackingId: string }> {
  const res = await h.control('POST', `/_sim/regions/${region}/outage`, { mode });
  expect(res.status).toBe(201);
  return (res.body as { incident: { trackingId: string } }).incident;
}

const recordingClient = () => recordStatuses(h.clients.resourceHealth(SUB));

describe('availability statuses', () => {
  it('reports a healthy resource Available, by id with or without the leading slash', async () => {
    const status = await client.availabilityStatuses.getByResource(NEU_SE);
    expect(status).toMatchObject({
      id: `${NEU_SE}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
      name: 'current',
      type: 'Microsoft.ResourceHealth/AvailabilityStatuses',
      location: 'northeurope',
      properties: {
        availabilityState: 'Available',
        title: 'Available',
        summary: "There aren't any known Azure platform problems affecting this resource.",
        reasonChronicity: 'Persistent',
      },
    });
    expect(status.properties?.occuredTime).toBeInstanceOf(Date);
    expect(status.properties?.recommendedActions).toBeUndefined();
    const noSlash = await client.availabilityStatuses.getByResource(NEU_SE.slice(1), { expand: 'recommendedactions' });
    expect(noSlash.properties).toMatchObject({ availabilityState: 'Available', recommendedActions: [] });
    // A resource four levels deep.
    expect((await client.availabilityStatuses.getByResource(WEU_OUTPUT)).location).toBe('westeurope');
  });

  it('answers 404 ResourceNotFound for a resource not in the estate', async () => {
    const err = await rejection(client.availabilityStatuses.getByResource(`${WEU_ACCOUNT}/streamingEndpoints/nope`));
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('reports Unavailable during an outage of the region, and stays readable itself (both outage modes)', async () => {
    const incident = await outage('westeurope');
    const status = await client.availabilityStatuses.getByResource(WEU_SE, { expand: 'recommendedactions' });
    expect(status.properties).toMatchObject({
      availabilityState: 'Unavailable',
      title: 'Unavailable',
      reasonType: 'Unplanned',
      reasonChronicity: 'Persistent',
      context: 'Platform Initiated',
      category: 'Unplanned',
      healthEventId: incident.trackingId,
      serviceImpactingEvents: [
        {
          correlationId: incident.trackingId,
          status: { value: 'Active' },
          incidentProperties: { service: 'Media Services', region: 'West Europe', incidentType: 'Incident', title: 'Media Services - West Europe - Investigating' },
        },
      ],
    });
    expect(status.properties?.summary).toContain(`Media Services - West Europe - Investigating (tracking ID ${incident.trackingId})`);
    expect(status.properties?.recommendedActions?.[0]?.action).toContain(incident.trackingId);
    const incidents = (await h.control('GET', '/_sim/incidents')).body as Array<{ impactStart: number }>;
    expect(status.properties?.occuredTime?.getTime()).toBe(incidents[0]!.impactStart);
    // The other region is untouched.
    expect((await client.availabilityStatuses.getByResource(NEU_SE)).properties?.availabilityState).toBe('Available');

    await h.control('POST', '/_sim/reset');
    await outage('northeurope', 'timeout');
    expect((await client.availabilityStatuses.getByResource(NEU_SE)).properties?.availabilityState).toBe('Unavailable');
  });

  it('lists by subscription and by resource group, each status derived', async () => {
    await outage('westeurope');
    const bySub = await all(client.availabilityStatuses.listBySubscriptionId());
    // The sample estate's 42 resources in the subscription; the 10 of West Europe are down (the media account and its children, assets included).
    expect(bySub).toHaveLength(42);
    const unavailable = bySub.filter((s) => s.properties?.availabilityState === 'Unavailable').map((s) => s.location);
    expect(unavailable).toEqual(Array(10).fill('westeurope'));
    const byRg = await all(client.availabilityStatuses.listByResourceGroup('rg-media-neu'));
    expect(byRg.map((s) => [s.id, s.properties?.availabilityState])).toEqual([
      [`${NEU_ACCOUNT}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`, 'Available'],
      [`${NEU_SE}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`, 'Available'],
      [`${NEU_ACCOUNT}/liveEvents/live-main/providers/Microsoft.ResourceHealth/availabilityStatuses/current`, 'Available'],
    ]);
  });

  it('keeps the history of a resource, and marks an outage that just ended recentlyResolved', async () => {
    const incident = await outage('westeurope');
    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const current = await client.availabilityStatuses.getByResource(WEU_SE);
    expect(current.properties).toMatchObject({
      availabilityState: 'Available',
      recentlyResolved: { unavailableSummary: expect.stringContaining(incident.trackingId) },
    });
    expect(current.properties?.recentlyResolved?.resolvedTime).toBeInstanceOf(Date);
    const history = await all(client.availabilityStatuses.list(WEU_SE));
    expect(history.map((s) => [s.name === 'current', s.properties?.availabilityState, s.properties?.healthEventId])).toEqual([
      [true, 'Available', undefined],
      [false, 'Unavailable', incident.trackingId],
    ]);
    expect(history[1]!.properties?.occuredTime?.getTime()).toBe(current.properties?.recentlyResolved?.unavailableOccuredTime?.getTime());
  });

  it('reports Degraded while an intermittent 5xx fault targets the resource type', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Media/streamingEndpoints/start', errorRate: 0.5, status: 500, code: 'InternalServerError' });
    const se = await client.availabilityStatuses.getByResource(NEU_SE);
    expect(se.properties).toMatchObject({ availabilityState: 'Degraded', title: 'Degraded', reasonChronicity: 'Transient', reasonType: 'Unplanned' });
    expect(se.properties?.summary).toContain('50% of requests to Microsoft.Media/streamingEndpoints/start fail with 500 InternalServerError');
    expect((await client.availabilityStatuses.getByResource(NEU_ACCOUNT)).properties?.availabilityState).toBe('Available');
    // A rule that always fails is an injected failure, not a degradation.
    await h.control('DELETE', '/_sim/faults');
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Media/*', status: 503 });
    expect((await client.availabilityStatuses.getByResource(NEU_SE)).properties?.availabilityState).toBe('Available');
  });

  it('honours throttling: a 429 with Retry-After is retried and succeeds', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.ResourceHealth/availabilityStatuses/read', status: 429, count: 1 });
    const { client: recorded, statuses } = recordingClient();
    const status = await recorded.availabilityStatuses.getByResource(NEU_SE);
    expect(status.properties?.availabilityState).toBe('Available');
    expect(statuses).toEqual([429, 200]);
  });

  it("answers the app's call (getByResource, the spec's example with a real resource for its placeholder resourceUri) in the example's shape", async () => {
    // The example's resourceUri is the literal placeholder 'resourceUri', which names no resource: the replay of
    // test/contracts cannot route it, so it is replayed here against a resource of the estate, down in an outage.
    const example = JSON.parse(
      readFileSync(new URL('../contracts/azure-rest-api-specs/specification/resourcehealth/resource-manager/Microsoft.ResourceHealth/stable/2022-10-01/examples/AvailabilityStatus_GetByResource.json', import.meta.url), 'utf8'),
    ) as { parameters: Record<string, string>; responses: { '200': { body: unknown } } };
    await outage('westeurope');
    const path = `${WEU_SE}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`;
    const query = new URLSearchParams({ 'api-version': example.parameters['api-version']!, $expand: example.parameters['$expand']! });
    const got = await h.call('GET', `${path}?${query.toString()}`);
    expect(got.status).toBe(200);
    expect(defaultChecker().check({ method: 'GET', path, query, headers: {}, body: undefined, status: got.status, responseBody: got.body }).violations).toEqual([]);
    // No resolution ETA is known while the incident is open: the simulator gives none rather than invent one.
    expect(shapeMismatches(example.responses['200'].body, got.body, '$')).toEqual(['$.properties.resolutionETA: in the example, not in the answer']);
  });

  it('answers only the api-version whose contract the repository holds (what the SDK sends), and refuses others', async () => {
    const res = await h.call('GET', `${NEU_SE}/providers/Microsoft.ResourceHealth/availabilityStatuses/current?api-version=2022-10-01`);
    expect(res.status).toBe(200);
    for (const v of ['2015-01-01', '2024-02-01', '2025-05-01']) {
      const refused = await h.call('GET', `${NEU_SE}/providers/Microsoft.ResourceHealth/availabilityStatuses/current?api-version=${v}`);
      expect(refused).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
      expect((refused.body as { error: { message: string } }).error.message).toMatch(/supported api-versions are '2022-10-01'\.$/);
    }
  });

  it("answers an unknown resource with 404 in the spec's flat ErrorResponse {code, message}", async () => {
    const missing = `${NEU_ACCOUNT}/streamingEndpoints/nope`;
    const res = await h.call('GET', `${missing}/providers/Microsoft.ResourceHealth/availabilityStatuses/current?api-version=2022-10-01`);
    // ResourceHealth.json 2022-10-01 declares ErrorResponse {code, message, details} for `default`, not ARM's {error: {…}}.
    expect(res).toMatchObject({ status: 404, body: { code: 'ResourceNotFound', message: `The resource 'nope' was not found (${missing}).` } });
    expect(res.body).not.toHaveProperty('error');
  });
});

describe('Service Health events', () => {
  it('renders an outage as a ServiceIssue event, then as Resolved', async () => {
    const incident = await outage('westeurope');
    const [event, ...rest] = await all(client.eventsOperations.listBySubscriptionId());
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      id: `/providers/Microsoft.ResourceHealth/events/${incident.trackingId}`,
      name: incident.trackingId,
      type: '/providers/Microsoft.ResourceHealth/events',
      eventType: 'ServiceIssue',
      eventSource: 'ResourceHealth',
      status: 'Active',
      title: 'Media Services - West Europe - Investigating',
      level: 'Warning',
      eventLevel: 'Warning',
      impact: [{ impactedService: 'Media Services', impactedRegions: [{ impactedRegion: 'West Europe', status: 'Active', impactedSubscriptions: [SUB] }] }],
    });
    expect(event!.summary).toContain('customers using Media Services in West Europe');
    expect(event!.impactStartTime).toBeInstanceOf(Date);
    expect(event!.impactMitigationTime).toBeUndefined();

    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const resolved = await client.eventOperations.getBySubscriptionIdAndTrackingId(incident.trackingId);
    expect(resolved).toMatchObject({ status: 'Resolved', title: 'Media Services - West Europe - Mitigated', eventLevel: 'Informational' });
    expect(resolved.impactMitigationTime).toBeInstanceOf(Date);
    expect(resolved.lastUpdateTime?.getTime()).toBe(resolved.impactMitigationTime?.getTime());
  });

  it('reads as a Service Health signal to the app parser', async () => {
    const incident = await outage('westeurope');
    const raw = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.ResourceHealth/events?${RH}`);
    const parsed = parsePayload(raw.body as never);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const item = parsed.value.items[0]!;
    if (!item.ok) throw new Error(item.error.message);
    expect(item.value).toMatchObject({ kind: 'serviceHealth', trackingId: incident.trackingId, subscriptionId: SUB, lifecycle: 'active', incidentType: 'Incident' });
    expect(item.value.services).toEqual([{ name: 'Media Services', regions: ['westeurope'] }]);
  });

  it('filters on service and region with and/or, and on queryStartTime', async () => {
    await outage('westeurope');
    const count = async (filter?: string, queryStartTime?: string) =>
      (await all(client.eventsOperations.listBySubscriptionId({ ...(filter !== undefined ? { filter } : {}), ...(queryStartTime !== undefined ? { queryStartTime } : {}) }))).length;
    expect(await count("service eq 'Media Services' and region eq 'West Europe'")).toBe(1);
    expect(await count("region eq 'westeurope'")).toBe(1);
    expect(await count("service eq 'Storage' or region eq 'North Europe'")).toBe(0);
    expect(await count("(service eq 'Storage' or region eq 'North Europe') or properties/status eq 'Active'")).toBe(1);
    const today = new Date();
    const tomorrow = new Date(today.getTime() + 86_400_000);
    const md = (d: Date) => `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
    expect(await count(undefined, md(today))).toBe(1);
    expect(await count(undefined, md(tomorrow))).toBe(0);
  });

  it('refuses a filter it cannot read, naming the part', async () => {
    const bad = await rejection(client.eventsOperations.listBySubscriptionId({ filter: "severity eq 'High'" }).next());
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidFilter' });
    expect(bad.message).toContain("'severity' cannot be filtered on");
    const dangling = await rejection(client.eventsOperations.listBySubscriptionId({ filter: "service eq 'Media Services' and" }).next());
    expect(dangling).toMatchObject({ statusCode: 400, code: 'InvalidFilter' });
    const date = await rejection(client.eventsOperations.listBySubscriptionId({ queryStartTime: '2020-07-24' }).next());
    expect(date).toMatchObject({ statusCode: 400, code: 'InvalidQueryStartTime' });
  });

  it('answers 404 for an unknown tracking id', async () => {
    const err = await rejection(client.eventOperations.getBySubscriptionIdAndTrackingId('NOPE-123'));
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const impacted = await rejection(client.impactedResources.listBySubscriptionIdAndEventId('NOPE-123').next());
    expect(impacted).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('lists the estate resources an incident impacts, and the events of one resource', async () => {
    const incident = await outage('westeurope');
    const impacted = await all(client.impactedResources.listBySubscriptionIdAndEventId(incident.trackingId));
    expect(impacted).toHaveLength(10);
    expect(new Set(impacted.map((r) => r.targetRegion))).toEqual(new Set(['westeurope']));
    const se = impacted.find((r) => r.targetResourceId === WEU_SE)!;
    expect(se).toMatchObject({ type: 'Microsoft.ResourceHealth/events/impactedResources', targetResourceType: 'Microsoft.Media/mediaservices/streamingEndpoints' });
    expect(se.id).toBe(`/subscriptions/${SUB}/providers/Microsoft.ResourceHealth/events/${incident.trackingId}/impactedResources/${se.name}`);
    expect(await client.impactedResources.get(incident.trackingId, se.name!)).toMatchObject({ targetResourceId: WEU_SE });
    expect(await all(client.impactedResources.listBySubscriptionIdAndEventId(incident.trackingId, { filter: "targetRegion eq 'northeurope'" }))).toEqual([]);

    expect((await all(client.eventsOperations.listBySingleResource(WEU_SE))).map((e) => e.name)).toEqual([incident.trackingId]);
    expect(await all(client.eventsOperations.listBySingleResource(NEU_SE))).toEqual([]);
  });

  it('honours throttling on the events list', async () => {
    await outage('westeurope');
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.ResourceHealth/events/read', status: 429, count: 1 });
    const { client: recorded, statuses } = recordingClient();
    expect(await all(recorded.eventsOperations.listBySubscriptionId())).toHaveLength(1);
    expect(statuses).toEqual([429, 200]);
  });
});
