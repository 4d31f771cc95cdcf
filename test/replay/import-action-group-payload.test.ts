/**
 * An event from Azure's history, wrapped as the action group would have posted it, reads to the
 * same signal as the event itself: over Microsoft's published samples, this folder's fixtures and
 * what the simulator's Activity Log and Resource Health events API answer through the real SDKs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionGroupPayload, NotNormalizableError } from '../../lib/replay/import/index.js';
import { readFixtureJson } from '../support/fixtures.js';
import { all, startSimulator, SUB, type SimHarness } from '../sim/support.js';
import { importFixture, sameFields, signalOf } from './import-support.js';

type Json = Record<string, unknown>;

const fixture = (name: string): Json => JSON.parse(readFileSync(importFixture(name), 'utf8')) as Json;
const exampleBody = (name: string): Json => (readFixtureJson<{ responses: { 200: { body: Json } } }>(name).responses['200'].body);

const SOURCES: Array<[string, () => unknown]> = [
  ['Activity Log EventData, ServiceHealth (activity-log-schema.md)', () => readFixtureJson('activitylog-event-servicehealth.json')],
  ['diagnostic record, ServiceHealth ActionRequired (Event Hub)', () => readFixtureJson('eventhub-servicehealth-actionrequired-dynatrace.json')],
  ['diagnostic record, Administrative write (Event Hub records[])', () => readFixtureJson<{ records: unknown[] }>('eventhub-administrative-doc-sample.json').records[0]],
  ['events API item, ServiceIssue (Events_ListBySubscriptionId example)', () => (exampleBody('resourcehealth-events-api-example.json')['value'] as unknown[])[0]],
  ['events API item, 2025-05-01 (Event_GetBySubscriptionIdAndTrackingId example)', () => exampleBody('resourcehealth-event-get-api-example-2025-05-01.json')],
  ['Activity Log EventData, ResourceHealth Activated', () => fixture('activitylog-event-resourcehealth-active.json')],
  ['Activity Log EventData, ResourceHealth Resolved', () => fixture('activitylog-event-resourcehealth-resolved.json')],
  ['events API item, RCA', () => (fixture('health-events-list.json')['value'] as unknown[])[0]],
  ['events API item, PlannedMaintenance with no subscription in its id', () => (fixture('health-events-list.json')['value'] as unknown[])[1]],
];

describe('the normalized payload reads like the original', () => {
  it.each(SOURCES)('%s', (_name, load) => {
    const item = load();
    const { payload } = actionGroupPayload(item);
    expect(payload['schemaId']).toBe('azureMonitorCommonAlertSchema');
    const original = signalOf(item);
    const replayed = signalOf(payload);
    expect(replayed.schema).toBe('common');
    expect(sameFields(replayed)).toEqual(sameFields(original));
    if (original.schema !== 'resourceHealthEvent') expect(replayed.operationName).toBe(original.operationName);
  });
});

describe('the payload an action group would have posted', () => {
  it('a ServiceHealth Activity Log event: its property bag as is, the alert envelope made up and said so', () => {
    const event = readFixtureJson<Json>('activitylog-event-servicehealth.json');
    const { payload, inferred } = actionGroupPayload(event);
    const data = payload['data'] as { essentials: Json; alertContext: Json; customProperties: unknown };
    expect(data.essentials).toEqual({
      alertId: '/subscriptions/<subscription ID>/providers/Microsoft.AlertsManagement/alerts/b9478029-6417-5f02-9a91-18d291153f99',
      alertRule: 'imported-from-azure-history',
      severity: 'Sev4',
      signalType: 'Activity Log',
      monitorCondition: 'Fired',
      monitoringService: 'ServiceHealth',
      alertTargetIDs: ['/subscriptions/<subscription ID>'],
      originAlertId: 'bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f',
      firedDateTime: '2017-07-20T23:30:34.7431946Z',
      essentialsVersion: '1.0',
      alertContextVersion: '1.0',
    });
    expect(data.alertContext).toEqual({
      authorization: null,
      channels: 'Admin',
      claims: null,
      caller: null,
      correlationId: 'bbbb1111-cc22-3333-44dd-555555eeeeee',
      eventSource: 'ServiceHealth',
      eventTimestamp: '2017-07-20T23:30:14.8022297Z',
      httpRequest: null,
      eventDataId: 'bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f',
      level: 'Warning',
      operationName: 'Microsoft.ServiceHealth/incident/action',
      properties: event['properties'],
      status: 'Active',
      subStatus: null,
      submissionTimestamp: '2017-07-20T23:30:34.7431946Z',
      ResourceType: null,
      'Activity Log Event Description': 'Active: Network Infrastructure - UK South',
    });
    expect(data.customProperties).toBeNull();
    expect(inferred).toEqual([
      'data.essentials.alertId: made up from the event id (bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f)',
      'data.essentials.alertRule: made up; the Activity Log does not say which alert rule, if any, fired for this event',
      "data.essentials.severity: made up as Sev4, what Microsoft's activity log alert samples carry (an activity log alert rule has no severity of its own)",
      'data.essentials.originAlertId: made up from the event id (bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f)',
      "data.essentials.firedDateTime: made up from the event's submissionTimestamp (an alert fires once the event reaches the Activity Log)",
    ]);
  });

  it("a ResourceHealth Activity Log event: the alert's property names, the resource as target, the tenant kept", () => {
    const { payload, inferred } = actionGroupPayload(fixture('activitylog-event-resourcehealth-active.json'));
    const data = payload['data'] as { essentials: Json; alertContext: Json };
    const account = `/subscriptions/${SUB}/resourceGroups/rg-datashare-weu/providers/Microsoft.DataShare/accounts/contosodsweu`;
    expect(data.essentials).toMatchObject({
      monitoringService: 'Resource Health',
      alertTargetIDs: [account],
      configurationItems: ['contosodsweu'],
      originAlertId: expect.stringMatching(/^9f3c2a71-0d4e-4b8a-a6f5-1e2d3c4b5a60_[0-9a-f]{32}$/),
      firedDateTime: '2026-11-23T08:49:03.5550000Z',
    });
    expect(data.essentials['alertId']).toMatch(new RegExp(`^/subscriptions/${SUB}/providers/Microsoft\\.AlertsManagement/alerts/[0-9a-f-]{36}$`));
    expect(data.alertContext).toEqual({
      channels: 'Admin, Operation',
      correlationId: '6a1e1b4c-52d1-4c7e-9f0a-3d2b1c0e9a11',
      eventSource: 'ResourceHealth',
      eventTimestamp: '2026-11-23T08:47:12.1234567Z',
      eventDataId: '9f3c2a71-0d4e-4b8a-a6f5-1e2d3c4b5a60',
      level: 'Critical',
      operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
      properties: {
        title: 'Unavailable: an Azure service outage affects this Data Share account',
        details: null,
        currentHealthStatus: 'Unavailable',
        previousHealthStatus: null,
        type: 'Downtime',
        cause: 'PlatformInitiated',
      },
      status: 'Active',
      submissionTimestamp: '2026-11-23T08:49:03.5550000Z',
      tenantId: '72f988bf-0000-4000-8000-000000000002',
      'Activity Log Event Description': "We're sorry, your Data Share account is unavailable because of an Azure service outage.",
    });
    expect(inferred).toHaveLength(5);
    expect(signalOf(payload)).toMatchObject({ kind: 'resourceHealth', incidentKey: account.toLowerCase(), tenantId: '72f988bf-0000-4000-8000-000000000002' });
  });

  it('an Administrative diagnostic record: caller from its identity, claims as a JSON string, an event id made up', () => {
    const record = readFixtureJson<{ records: Json[] }>('eventhub-administrative-doc-sample.json').records[0]!;
    const { payload, inferred } = actionGroupPayload(record);
    const context = (payload['data'] as { alertContext: Json }).alertContext;
    expect(context).toMatchObject({
      caller: 'admin@contoso.com',
      eventSource: 'Administrative',
      eventTimestamp: '2019-01-21T22:14:26.9792776Z',
      operationName: 'microsoft.support/supporttickets/write',
      status: 'Succeeded',
      resourceId: '/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/123456112305841',
      properties: { statusCode: 'Created', serviceRequestId: '12345678-8ca0-47ad-9b80-6cde2207f97c' },
    });
    expect(JSON.parse(context['claims'] as string)).toMatchObject({ name: 'John Smith', appid: '11112222-bbbb-3333-cccc-4444dddd5555' });
    expect(inferred).toEqual([
      expect.stringMatching(/^data\.essentials\.alertId: made up from the event id \([0-9a-f-]{36}\)$/),
      'data.essentials.alertRule: made up; the Activity Log does not say which alert rule, if any, fired for this event',
      "data.essentials.severity: made up as Sev4, what Microsoft's activity log alert samples carry (an activity log alert rule has no severity of its own)",
      expect.stringMatching(/^data\.essentials\.originAlertId: made up from the event id/),
      "data.essentials.firedDateTime: made up from the event's time (it has no submissionTimestamp)",
      "data.alertContext.eventDataId: made up from the event's correlationId, operation, time and resource (the event has none, as diagnostic records never do)",
    ]);
  });

  it('an events-API item: the ServiceHealth alertContext built from it, impactedServices as the 0.1.1 JSON string', () => {
    const item = (fixture('health-events-list.json')['value'] as Json[])[0]!;
    const { payload, inferred } = actionGroupPayload(item);
    const data = payload['data'] as { essentials: Json; alertContext: Json };
    expect(data.essentials).toMatchObject({ monitoringService: 'ServiceHealth', alertTargetIDs: [`/subscriptions/${SUB}`], firedDateTime: '2026-11-26T17:30:00.000Z' });
    expect(data.alertContext).toMatchObject({
      eventSource: 'ServiceHealth',
      eventTimestamp: '2026-11-26T17:30:00.000Z',
      level: 'Informational',
      operationName: 'Microsoft.ServiceHealth/incident/action',
      status: 'Resolved',
      submissionTimestamp: '2026-11-26T17:30:00.000Z',
    });
    expect((data.alertContext as { properties: Json }).properties).toEqual({
      title: 'Post Incident Review (PIR) - Azure Data Share - West Europe',
      service: 'Azure Data Share',
      region: 'West Europe',
      communication: 'Between 08:40 and 10:02 UTC on 23 Nov 2026, customers using Azure Data Share in West Europe may have experienced failures.',
      incidentType: 'Incident',
      trackingId: '7VKL-3Q8',
      impactStartTime: '2026-11-23T08:40:00Z',
      impactMitigationTime: '2026-11-23T10:02:00Z',
      impactedServices: '[{"ImpactedRegions":[{"RegionName":"West Europe"}],"ServiceName":"Azure Data Share"}]',
      defaultLanguageTitle: 'Post Incident Review (PIR) - Azure Data Share - West Europe',
      defaultLanguageContent: 'Between 08:40 and 10:02 UTC on 23 Nov 2026, customers using Azure Data Share in West Europe may have experienced failures.',
      stage: 'RCA',
      communicationId: String(Date.parse('2026-11-26T17:30:00Z')),
      isHIR: 'false',
      version: '0.1.1',
    });
    expect(inferred.map((line) => line.split(':')[0])).toEqual([
      'data.essentials.alertId',
      'data.essentials.alertRule',
      'data.essentials.severity',
      'data.essentials.originAlertId',
      'data.essentials.firedDateTime',
      'data.alertContext.eventTimestamp',
      'data.alertContext.eventDataId',
      'data.alertContext.operationName',
      'data.alertContext.properties.communicationId',
    ]);
    expect(signalOf(payload)).toMatchObject({ stage: 'RCA', lifecycle: 'resolved', incidentType: 'Incident' });
  });

  it('names the subscription the event was listed from when the event names none, and says so', () => {
    const item = JSON.parse(JSON.stringify((fixture('health-events-list.json')['value'] as Json[])[1])) as { properties: { impact: Array<{ impactedRegions: Json[] }> } };
    delete item.properties.impact[0]!.impactedRegions[0]!['impactedSubscriptions'];
    expect(signalOf(item).subscriptionId).toBeNull();
    const { payload, inferred } = actionGroupPayload(item, { subscriptionId: SUB });
    expect(signalOf(payload).subscriptionId).toBe(SUB);
    expect(inferred).toContain(`data.essentials.alertTargetIDs: the subscription the event was listed from (${SUB}); the event names none`);
  });

  it('refuses what needs no wrapping, and what the parser cannot read, with the parser\'s path', () => {
    const refusal = (item: unknown): NotNormalizableError => {
      try {
        actionGroupPayload(item);
      } catch (err) {
        if (err instanceof NotNormalizableError) return err;
        throw err;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(readFixtureJson('servicehealth-common-testaction.json')).detail).toEqual({
      code: 'unknown_schema',
      path: '$',
      message: 'already a payload the app takes as is (common): deliver it verbatim instead of wrapping it',
    });
    expect(refusal({ ...(readFixtureJson<Json>('activitylog-event-servicehealth.json')), properties: { stage: 'Active' } }).message).toBe(
      'missing_field at $.properties.trackingId: a Service Health event needs the trackingId that identifies its incident',
    );
  });
});

describe('simulator output, through the real SDKs', () => {
  let h: SimHarness;
  beforeAll(async () => {
    h = await startSimulator();
  });
  afterAll(() => h.close());

  it('Activity Log events (REST and @azure/arm-monitor shapes) and events-API items (REST and @azure/arm-resourcehealth) read the same once wrapped', async () => {
    const start = new Date(h.sim.clock.now() - 1000).toISOString();
    await h.control('POST', '/_sim/regions/westeurope/outage', { services: ['Azure Data Share'] });
    // An ARM write, for an Administrative event.
    await h.clients.monitor(SUB).actionGroups.createOrUpdate('rg-ops', 'failover-ag', { location: 'Global', groupShortName: 'failover', enabled: true });
    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const filter = `eventTimestamp ge '${start}'`;
    const rest = (await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(filter)}`)).body as { value: Json[] };
    const sdk = await all(h.clients.monitor(SUB).activityLogs.list(filter));
    // The outage's two Service Health updates, the write, and each West Europe resource down and back.
    const inRegion = h.sim.store.all().filter((r) => r.location.toLowerCase() === 'westeurope' && r.id.split('/')[2] === SUB).length;
    const count = (category: string) => sdk.filter((e) => e.category?.value === category).length;
    expect([count('ServiceHealth'), count('Administrative'), count('ResourceHealth'), sdk.length]).toEqual([2, 1, 2 * inRegion, 3 + 2 * inRegion]);
    expect(sdk[0]!.eventTimestamp).toBeInstanceOf(Date);
    for (const [i, event] of sdk.entries()) {
      const original = signalOf(rest.value[i]);
      for (const shape of [event, rest.value[i]]) {
        const replayed = signalOf(actionGroupPayload(shape).payload);
        expect(sameFields(replayed)).toEqual(sameFields(original));
        expect(replayed.operationName).toBe(original.operationName);
      }
    }
    const events = await all(h.clients.resourceHealth(SUB).eventsOperations.listBySubscriptionId());
    const restEvents = (await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.ResourceHealth/events?api-version=2022-10-01`)).body as { value: Json[] };
    expect(events).toHaveLength(1);
    expect(events[0]!.lastUpdateTime).toBeInstanceOf(Date);
    const original = signalOf(restEvents.value[0]);
    expect(original).toMatchObject({ stage: 'Resolved', services: [{ name: 'Azure Data Share', regions: ['westeurope'] }] });
    for (const shape of [events[0], restEvents.value[0]]) expect(sameFields(signalOf(actionGroupPayload(shape).payload))).toEqual(sameFields(original));
  });
});
