/** Microsoft.Insights through the real SDK client: action groups, Activity Log alerts, the Activity Log. */
import type { ActionGroupResource, ActivityLogAlertResource, MonitorClient } from '@azure/arm-monitor';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parsePayload } from '../../lib/alerts/index.js';
import { recordStatuses, startSimulator, SUB, type SimHarness, all, rejection } from './support.js';

const RG = 'rg-ops';
const AG_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Insights/actionGroups/failover-ag`;
const ALERT_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Insights/activityLogAlerts/media-weu`;

const ACTION_GROUP: ActionGroupResource = {
  location: 'Global',
  groupShortName: 'failover',
  enabled: true,
  webhookReceivers: [
    {
      name: 'orchestrator',
      serviceUri: 'https://orchestrator.example/hooks/servicehealth',
      useCommonAlertSchema: true,
      useAadAuth: true,
      objectId: '5b1c2d3e-0000-4000-8000-000000000001',
      identifierUri: 'api://orchestrator',
      tenantId: '72f988bf-0000-4000-8000-000000000002',
    },
  ],
};

const ALERT: ActivityLogAlertResource = {
  location: 'Global',
  scopes: [`/subscriptions/${SUB}`],
  enabled: true,
  condition: {
    allOf: [
      { field: 'category', equals: 'ServiceHealth' },
      { field: 'properties.incidentType', equals: 'Incident' },
      { field: 'properties.impactedServices[*].ServiceName', equals: 'Media Services' },
      { field: 'properties.impactedServices[*].ImpactedRegions[*].RegionName', equals: 'West Europe' },
    ],
  },
  actions: { actionGroups: [{ actionGroupId: AG_ID, webhookProperties: { source: 'servicehealth' } }] },
  description: 'Media Services incidents in West Europe',
};

let h: SimHarness;
let monitor: MonitorClient;
let testStart: string;
beforeAll(async () => {
  h = await startSimulator();
  monitor = h.clients.monitor(SUB);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/_sim/reset');
  testStart = new Date(h.sim.clock.now() - 1000).toISOString();
});

const operations = (operation?: string) => h.operations(operation);

const recordingMonitor = () => recordStatuses(h.clients.monitor(SUB));

describe('action groups', () => {
  it('creates (201), replaces (200), reads, lists, patches and deletes (200, then 204)', async () => {
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }) => void statuses.push(raw.status);
    const created = await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP, { onResponse });
    expect(created).toMatchObject({
      id: AG_ID,
      name: 'failover-ag',
      type: 'Microsoft.Insights/ActionGroups',
      location: 'Global',
      groupShortName: 'failover',
      enabled: true,
      emailReceivers: [],
      smsReceivers: [],
      webhookReceivers: [ACTION_GROUP.webhookReceivers![0]],
    });
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', { ...ACTION_GROUP, tags: { owner: 'sre' } }, { onResponse });
    expect(statuses).toEqual([201, 200]);

    expect(await monitor.actionGroups.get(RG, 'failover-ag')).toMatchObject({ id: AG_ID, tags: { owner: 'sre' }, webhookReceivers: [{ name: 'orchestrator', useAadAuth: true }] });
    await monitor.actionGroups.createOrUpdate('rg-other', 'other-ag', { location: 'Global', groupShortName: 'other', enabled: true });
    expect((await all(monitor.actionGroups.listBySubscriptionId())).map((g) => g.name)).toEqual(['failover-ag', 'other-ag']);
    expect((await all(monitor.actionGroups.listByResourceGroup(RG))).map((g) => g.id)).toEqual([AG_ID]);

    const patched = await monitor.actionGroups.update(RG, 'failover-ag', { enabled: false, tags: { owner: 'ops' } });
    expect(patched).toMatchObject({ enabled: false, tags: { owner: 'ops' }, groupShortName: 'failover' });

    const deletes: number[] = [];
    await monitor.actionGroups.delete(RG, 'failover-ag', { onResponse: (raw) => void deletes.push(raw.status) });
    await monitor.actionGroups.delete(RG, 'failover-ag', { onResponse: (raw) => void deletes.push(raw.status) });
    expect(deletes).toEqual([200, 204]);
    const gone = await rejection(monitor.actionGroups.get(RG, 'failover-ag'));
    expect(gone).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(gone.message).toContain("Microsoft.Insights/actionGroups/failover-ag' under resource group 'rg-ops' was not found");
  });

  it('refuses a short name over 12 characters, naming it (the SDK checks it too), in the spec\'s flat ErrorResponse', async () => {
    const raw = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, { location: 'Global', properties: { groupShortName: 'failover-orchestrator', enabled: true } });
    // actionGroups_API.json 2021-09-01 declares ErrorResponse {code, message} for `default`, not ARM's {error: {…}}.
    expect(raw).toMatchObject({
      status: 400,
      body: { code: 'BadRequest', message: "properties.groupShortName 'failover-orchestrator' is 21 characters long; the group short name can have at most 12 characters." },
    });
    expect(Object.keys(raw.body as object).sort()).toEqual(['code', 'message']);
    const sdk = await rejection(monitor.actionGroups.createOrUpdate(RG, 'failover-ag', { ...ACTION_GROUP, groupShortName: 'failover-orchestrator' }));
    expect(sdk.message).toMatch(/groupShortName/);
    const missing = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, { properties: { groupShortName: 'x', enabled: true } });
    expect(missing).toMatchObject({ status: 400, body: { code: 'LocationRequired', message: 'The location property is required for this definition.' } });
  });

  it('requires properties.enabled, as the spec does (ActionGroup.required)', async () => {
    const raw = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, { location: 'Global', properties: { groupShortName: 'failover' } });
    expect(raw).toMatchObject({ status: 400, body: { code: 'BadRequest', message: 'properties.enabled is required: true or false (whether the action group sends notifications).' } });
  });

  it('stores each receiver with the fields its kind defines: required ones checked, defaults filled, unknown ones refused', async () => {
    const runbook = {
      automationAccountId: `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/ops`,
      runbookName: 'failover',
      webhookResourceId: `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Automation/automationAccounts/ops/webhooks/failover`,
    };
    const noFlag = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, { location: 'Global', properties: { groupShortName: 'ops', enabled: true, automationRunbookReceivers: [runbook] } });
    expect(noFlag).toMatchObject({ status: 400, body: { code: 'BadRequest', message: 'properties.automationRunbookReceivers[0].isGlobalRunbook is required: true or false.' } });
    const unknown = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, {
      location: 'Global',
      properties: { groupShortName: 'ops', enabled: true, emailReceivers: [{ name: 'oncall', emailAddress: 'oncall@example.com', nickname: 'pager' }] },
    });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'BadRequest', message: 'properties.emailReceivers[0].nickname is not a property of emailReceivers in the action group schema (api-versions 2021-09-01 and 2023-01-01 define the same receivers).' } });
    const created = await h.call('PUT', `${AG_ID}?api-version=2021-09-01`, {
      location: 'Global',
      properties: {
        groupShortName: 'ops',
        enabled: true,
        emailReceivers: [{ name: 'oncall', emailAddress: 'oncall@example.com' }],
        eventHubReceivers: [{ name: 'hub', eventHubNameSpace: 'ops-ns', eventHubName: 'alerts', subscriptionId: SUB }],
        automationRunbookReceivers: [{ ...runbook, isGlobalRunbook: false }],
      },
    });
    expect(created.status).toBe(201);
    expect((created.body as { properties: Record<string, unknown> }).properties).toEqual({
      groupShortName: 'ops',
      enabled: true,
      emailReceivers: [{ name: 'oncall', emailAddress: 'oncall@example.com', useCommonAlertSchema: false, status: 'Enabled' }],
      smsReceivers: [],
      webhookReceivers: [],
      itsmReceivers: [],
      azureAppPushReceivers: [],
      automationRunbookReceivers: [{ ...runbook, isGlobalRunbook: false, useCommonAlertSchema: false }],
      voiceReceivers: [],
      logicAppReceivers: [],
      azureFunctionReceivers: [],
      armRoleReceivers: [],
      eventHubReceivers: [{ name: 'hub', eventHubNameSpace: 'ops-ns', eventHubName: 'alerts', subscriptionId: SUB, useCommonAlertSchema: false }],
    });
  });

  it('answers only the api-versions whose contract the repository holds', async () => {
    // ARM's front door refuses it (its envelope and wording are the pipeline's); what matters here is the list it names.
    const other = await h.call('GET', `${AG_ID}?api-version=2022-06-01`);
    expect(other.status).toBe(400);
    expect((other.body as { error: { message: string } }).error.message).toMatch(/supported (api-)?versions are '2021-09-01, 2023-01-01'\.$/);
  });

  it('refuses an AAD-secured webhook without its objectId', async () => {
    const { objectId: _drop, ...receiver } = ACTION_GROUP.webhookReceivers![0]!;
    const err = await rejection(monitor.actionGroups.createOrUpdate(RG, 'failover-ag', { ...ACTION_GROUP, webhookReceivers: [receiver] }));
    expect(err).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(err.message).toContain('properties.webhookReceivers[0].objectId is required');
  });

  it('honours throttling on a write: the 429 then the success are in the operation log', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Insights/actionGroups/write', status: 429, count: 1 });
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP);
    expect((await operations('Microsoft.Insights/actionGroups/write')).map((o) => o.status)).toEqual([429, 201]);
  });

  it('answers 503 during an outage of its (global) location, after the SDK retries', async () => {
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP);
    await h.control('POST', '/_sim/regions/global/outage', {});
    const read = await rejection(monitor.actionGroups.get(RG, 'failover-ag'));
    expect(read).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    const create = await rejection(monitor.actionGroups.createOrUpdate(RG, 'another-ag', ACTION_GROUP));
    expect(create).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    expect((await operations('Microsoft.Insights/actionGroups/write')).map((o) => o.status)).toEqual([201, 503, 503, 503, 503]);
  });
});

describe('activity log alerts', () => {
  it('creates (201), replaces (200), reads, lists, patches and deletes', async () => {
    const statuses: number[] = [];
    const onResponse = (raw: { status: number }) => void statuses.push(raw.status);
    const created = await monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', ALERT, { onResponse });
    expect(created).toMatchObject({ id: ALERT_ID, name: 'media-weu', type: 'Microsoft.Insights/ActivityLogAlerts', ...ALERT });
    await monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', { ...ALERT, description: 'v2' }, { onResponse });
    expect(statuses).toEqual([201, 200]);
    expect(await monitor.activityLogAlerts.get(RG, 'media-weu')).toMatchObject({ description: 'v2', condition: ALERT.condition, actions: ALERT.actions });
    expect((await all(monitor.activityLogAlerts.listBySubscriptionId())).map((a) => a.id)).toEqual([ALERT_ID]);
    expect(await all(monitor.activityLogAlerts.listByResourceGroup('rg-media-weu'))).toEqual([]);
    expect(await monitor.activityLogAlerts.update(RG, 'media-weu', { enabled: false })).toMatchObject({ enabled: false, description: 'v2' });
    await monitor.activityLogAlerts.delete(RG, 'media-weu');
    expect(await rejection(monitor.activityLogAlerts.get(RG, 'media-weu'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('requires location Global and a condition with allOf, naming the field', async () => {
    const region = await rejection(monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', { ...ALERT, location: 'westeurope' }));
    expect(region).toMatchObject({ statusCode: 400, code: 'LocationNotAvailableForResourceType' });
    expect(region.message).toContain("The provided location 'westeurope' is not available");
    const empty = await rejection(monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', { ...ALERT, condition: { allOf: [] } }));
    expect(empty).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(empty.message).toContain('properties.condition.allOf must be a non-empty list');
    const noScopes = await rejection(monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', { ...ALERT, scopes: [] }));
    expect(noScopes.message).toContain('properties.scopes is required');
  });

  it('takes 2017-04-01 conditions only, {field, equals}: containsAny, anyOf and a leaf without equals are refused, naming them', async () => {
    const body = {
      location: 'Global',
      properties: {
        // As the spec's own example writes a scope: without the leading slash.
        scopes: [`subscriptions/${SUB}`],
        enabled: true,
        condition: { allOf: [{ field: 'category', equals: 'ServiceHealth' }] },
        actions: { actionGroups: [{ actionGroupId: AG_ID }] },
      },
    };
    const created = await h.call('PUT', `${ALERT_ID}?api-version=2017-04-01`, body);
    expect(created.status).toBe(201);
    const read = await h.call('GET', `${ALERT_ID}?api-version=2017-04-01`);
    expect(read.body).toMatchObject({ properties: { scopes: [`subscriptions/${SUB}`], condition: body.properties.condition, actions: { actionGroups: [{ actionGroupId: AG_ID, webhookProperties: {} }] } } });
    const refusal = async (allOf: unknown[]) => (await h.call('PUT', `${ALERT_ID}?api-version=2017-04-01`, { ...body, properties: { ...body.properties, condition: { allOf } } })).body;
    expect(await refusal([{ field: 'category', equals: 'ServiceHealth' }, { field: 'properties.impactedServices[*].ServiceName', containsAny: ['Media Services'] }])).toEqual({
      code: 'BadRequest',
      message: 'properties.condition.allOf[1].containsAny is not part of a condition in api-version 2017-04-01: a condition is {field, equals} (containsAny and anyOf need api-version 2020-10-01).',
    });
    expect(await refusal([{ anyOf: [{ field: 'properties.incidentType', equals: 'Incident' }] }])).toEqual({
      code: 'BadRequest',
      message: 'properties.condition.allOf[0].anyOf is not part of a condition in api-version 2017-04-01: a condition is {field, equals} (containsAny and anyOf need api-version 2020-10-01).',
    });
    expect(await refusal([{ field: 'properties.incidentType' }])).toEqual({
      code: 'BadRequest',
      message: 'properties.condition.allOf[0].equals is required: the value, a string, the field must equal.',
    });
    const { actions: _drop, ...noActions } = body.properties;
    expect((await h.call('PUT', `${ALERT_ID}?api-version=2017-04-01`, { ...body, properties: noActions })).body).toEqual({
      code: 'BadRequest',
      message: 'properties.actions is required: {actionGroups: [{actionGroupId}]}, the action groups the alert notifies.',
    });
    const later = await h.call('PUT', `${ALERT_ID}?api-version=2023-01-01`, body);
    expect(later.status).toBe(400);
    expect((later.body as { error: { message: string } }).error.message).toMatch(/supported (api-)?versions are '2017-04-01, 2020-10-01'\.$/);
  });

  it('honours throttling on a write', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Insights/activityLogAlerts/write', status: 429, count: 1 });
    await monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', ALERT);
    expect((await operations('Microsoft.Insights/activityLogAlerts/write')).map((o) => o.status)).toEqual([429, 201]);
  });
});

describe('activity log', () => {
  it('requires $filter with the start time, with ARM-style messages', async () => {
    const noStart = await rejection(all(monitor.activityLogs.list(`resourceGroupName eq '${RG}'`)));
    expect(noStart).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(noStart.message).toContain("eventTimestamp ge '<time>', is required");
    const orFilter = await rejection(all(monitor.activityLogs.list(`eventTimestamp ge '${testStart}' or resourceGroupName eq '${RG}'`)));
    expect(orFilter).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    const none = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01`);
    expect(none).toMatchObject({ status: 400, body: { code: 'BadRequest', message: expect.stringContaining('$filter query parameter is required') } });
  });

  it('lists a ServiceHealth event for an outage, in the REST shape the alert parser reads, and its resolution', async () => {
    const down = await h.control('POST', '/_sim/regions/westeurope/outage', {});
    const trackingId = (down.body as { incident: { trackingId: string } }).incident.trackingId;
    const filter = `eventTimestamp ge '${testStart}' and category eq 'ServiceHealth'`;
    const [event, ...rest] = await all(monitor.activityLogs.list(filter));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      category: { value: 'ServiceHealth', localizedValue: 'Service Health' },
      operationName: { value: 'Microsoft.ServiceHealth/incident/action' },
      status: { value: 'Active' },
      level: 'Warning',
      resourceId: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      description: 'Active: Media Services - West Europe - Investigating',
      properties: {
        title: 'Media Services - West Europe - Investigating',
        service: 'Media Services',
        region: 'West Europe',
        incidentType: 'Incident',
        trackingId,
        stage: 'Active',
        version: '0.1.1',
      },
    });
    expect(event!.id).toBe(`/subscriptions/${SUB}/events/${event!.eventDataId}/ticks/${event!.id!.split('/').pop()}`);
    expect(event!.eventTimestamp).toBeInstanceOf(Date);
    // EventData (2015-04-01) has no `channels`, and a LocalizableString's value is a required string: fields without one are absent.
    const raw0 = (await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(filter)}`)).body as { value: Array<Record<string, unknown>> };
    for (const absent of ['channels', 'eventName', 'resourceProviderName', 'resourceType', 'subStatus']) expect(raw0.value[0]).not.toHaveProperty(absent);
    expect(JSON.parse(event!.properties!['impactedServices']!)).toEqual([{ ImpactedRegions: [{ RegionName: 'West Europe' }], ServiceName: 'Media Services' }]);
    expect(event!.properties!['communication']).toContain('customers using Media Services in West Europe');

    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const raw = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(filter)}`);
    const parsed = parsePayload(raw.body as never);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const signals = parsed.value.items.map((item) => {
      if (!item.ok) throw new Error(item.error.message);
      return item.value;
    });
    expect(signals.map((s) => [s.kind, s.trackingId, s.stage, s.lifecycle])).toEqual([
      ['serviceHealth', trackingId, 'Resolved', 'resolved'],
      ['serviceHealth', trackingId, 'Active', 'active'],
    ]);
    expect(signals[1]!.services).toEqual([{ name: 'Media Services', regions: ['westeurope'] }]);
    expect(signals[0]!.impactMitigation).not.toBeNull();
    expect(signals[0]!.communicationId).not.toBe(signals[1]!.communicationId);
  });

  it('lists Administrative events for succeeded and failed writes, with the caller', async () => {
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP);
    await h.call('PUT', `${AG_ID.replace('failover-ag', 'bad-ag')}?api-version=2021-09-01`, { location: 'Global', properties: { groupShortName: 'far-too-long-name' } });
    const events = await all(monitor.activityLogs.list(`eventTimestamp ge '${testStart}' and resourceGroupName eq '${RG}'`));
    expect(events.map((e) => [e.status?.value, e.subStatus?.value, e.resourceId])).toEqual([
      ['Failed', 'BadRequest', AG_ID.replace('failover-ag', 'bad-ag')],
      ['Succeeded', 'Created', AG_ID],
    ]);
    expect(events[1]).toMatchObject({
      caller: 'tests',
      category: { value: 'Administrative' },
      operationName: { value: 'Microsoft.Insights/actionGroups/write' },
      resourceProviderName: { value: 'Microsoft.Insights' },
      resourceType: { value: 'Microsoft.Insights/actionGroups' },
      resourceGroupName: RG,
      level: 'Informational',
      authorization: { action: 'Microsoft.Insights/actionGroups/write', scope: AG_ID },
      httpRequest: { method: 'PUT' },
      subStatus: { localizedValue: 'Created (HTTP Status Code: 201)' },
    });
    expect(events[0]).toMatchObject({ caller: 'tests', level: 'Error', properties: { statusCode: 'BadRequest' } });

    const raw = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${encodeURIComponent(`eventTimestamp ge '${testStart}'`)}`);
    const parsed = parsePayload(raw.body as never);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const signal = parsed.value.items[1]!;
    if (!signal.ok) throw new Error(signal.error.message);
    expect(signal.value).toMatchObject({ kind: 'administrative', caller: 'tests', operationName: 'Microsoft.Insights/actionGroups/write', resourceIds: [AG_ID] });
    // The provider's own code, read from its flat ErrorResponse, is what the failed write's event reports.
    await h.call('PUT', `${AG_ID.replace('failover-ag', 'nowhere-ag')}?api-version=2021-09-01`, { properties: { groupShortName: 'nowhere', enabled: true } });
    const [nowhere] = await all(monitor.activityLogs.list(`eventTimestamp ge '${testStart}' and resourceUri eq '${AG_ID.replace('failover-ag', 'nowhere-ag')}'`));
    expect(JSON.parse(nowhere!.properties!['statusMessage']!)).toEqual({ error: { code: 'LocationRequired', message: '' } });
  });

  it('filters by resourceUri, resourceProvider, correlationId and time, and trims with $select', async () => {
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP);
    await monitor.activityLogAlerts.createOrUpdate(RG, 'media-weu', ALERT);
    const list = (filter: string, select?: string) => all(monitor.activityLogs.list(`eventTimestamp ge '${testStart}' and ${filter}`, select !== undefined ? { select } : {}));
    const byUri = await list(`resourceUri eq '${ALERT_ID}'`);
    expect(byUri.map((e) => e.operationName?.value)).toEqual(['Microsoft.Insights/activityLogAlerts/write']);
    expect(await list("resourceProvider eq 'Microsoft.Insights'")).toHaveLength(2);
    expect(await list("resourceProvider eq 'Microsoft.Media'")).toEqual([]);
    expect((await list(`correlationId eq '${byUri[0]!.correlationId}'`)).map((e) => e.resourceId)).toEqual([ALERT_ID]);
    expect(await list(`eventTimestamp le '${testStart}'`)).toEqual([]);
    expect(await list("eventChannels eq 'Admin, Operation'")).toHaveLength(2);
    const trimmed = await list(`resourceUri eq '${AG_ID}'`, 'caller,operationName,eventTimestamp');
    expect(Object.keys(trimmed[0]!).filter((k) => (trimmed[0]! as Record<string, unknown>)[k] !== undefined).sort()).toEqual(['caller', 'eventTimestamp', 'operationName']);
  });

  it('honours throttling on the list', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Insights/eventtypes/values/read', status: 429, count: 1 });
    const { client, statuses } = recordingMonitor();
    expect(await all(client.activityLogs.list(`eventTimestamp ge '${testStart}'`))).toEqual([]);
    expect(statuses).toEqual([429, 200]);
  });
});

describe('activity log alerts at 2020-10-01 and action groups at 2023-01-01 (what the infra templates declare)', () => {
  const at2020 = (path: string) => `${path}?api-version=2020-10-01`;
  const RULE = {
    location: 'global',
    properties: {
      scopes: [`/subscriptions/${SUB}`],
      enabled: true,
      condition: {
        allOf: [
          { field: 'category', equals: 'ServiceHealth' },
          { field: 'properties.incidentType', containsAny: ['Incident', 'Security'] },
          { anyOf: [{ field: 'properties.impactedServices[*].ServiceName', equals: 'Media Services' }, { field: 'properties.impactedServices[*].ServiceName', containsAny: ['Traffic Manager'] }] },
        ],
      },
      actions: { actionGroups: [{ actionGroupId: AG_ID }] },
      description: 'Media and Traffic Manager incidents',
    },
  };

  it('stores containsAny and anyOf, answers them at 2020-10-01, and refuses them to a 2017-04-01 read', async () => {
    const created = await h.call('PUT', at2020(ALERT_ID), RULE);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: ALERT_ID, name: 'media-weu', type: 'Microsoft.Insights/ActivityLogAlerts', location: 'Global', properties: { ...RULE.properties, actions: { actionGroups: [{ actionGroupId: AG_ID, webhookProperties: {} }] } } });
    expect((await h.call('GET', at2020(ALERT_ID))).body).toEqual(created.body);
    expect(((await h.call('GET', at2020(`/subscriptions/${SUB}/providers/Microsoft.Insights/activityLogAlerts`))).body as { value: unknown[] }).value).toEqual([created.body]);
    const old = await rejection(monitor.activityLogAlerts.get(RG, 'media-weu'));
    expect(old).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(old.message).toContain('read it with api-version 2020-10-01');
  });

  it('disables a rule with PATCH {properties: {enabled: false}}, and enables it again', async () => {
    await h.call('PUT', at2020(ALERT_ID), RULE);
    const off = await h.call('PATCH', at2020(ALERT_ID), { properties: { enabled: false } });
    expect(off.status).toBe(200);
    expect((off.body as { properties: { enabled: boolean } }).properties.enabled).toBe(false);
    expect(((await h.call('GET', at2020(ALERT_ID))).body as { properties: { enabled: boolean } }).properties.enabled).toBe(false);
    await h.call('PATCH', at2020(ALERT_ID), { properties: { enabled: true } });
    expect(((await h.call('GET', at2020(ALERT_ID))).body as { properties: { enabled: boolean } }).properties.enabled).toBe(true);
  });

  it('refuses a location other than global and a malformed condition, in ARM’s nested ErrorResponse, naming the field', async () => {
    const regional = await h.call('PUT', at2020(ALERT_ID), { ...RULE, location: 'westeurope' });
    expect(regional).toMatchObject({ status: 400, body: { error: { code: 'LocationNotAvailableForResourceType' } } });
    const both = await h.call('PUT', at2020(ALERT_ID), { ...RULE, properties: { ...RULE.properties, condition: { allOf: [{ field: 'category', equals: 'ServiceHealth', containsAny: ['x'] }] } } });
    expect(both).toMatchObject({ status: 400, body: { error: { code: 'BadRequest', message: 'properties.condition.allOf[0] must have exactly one of equals (a string) and containsAny (a list of strings).' } } });
    const emptyAny = await h.call('PUT', at2020(ALERT_ID), { ...RULE, properties: { ...RULE.properties, condition: { allOf: [{ anyOf: [] }] } } });
    expect(emptyAny).toMatchObject({ status: 400, body: { error: { message: 'properties.condition.allOf[0].anyOf must be a non-empty list of conditions {field, equals | containsAny}.' } } });
    expect(await h.call('GET', at2020(ALERT_ID))).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
  });

  it('answers an action group written at 2021-09-01 at 2023-01-01, the same resource', async () => {
    await monitor.actionGroups.createOrUpdate(RG, 'failover-ag', ACTION_GROUP);
    const read = await h.call('GET', `${AG_ID}?api-version=2023-01-01`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: AG_ID, location: 'Global', properties: { groupShortName: 'failover', enabled: true, webhookReceivers: [{ name: 'orchestrator', useAadAuth: true, useCommonAlertSchema: true }] } });
    const off = await h.call('PATCH', `${AG_ID}?api-version=2023-01-01`, { properties: { enabled: false } });
    expect((off.body as { properties: { enabled: boolean } }).properties.enabled).toBe(false);
    expect((await monitor.actionGroups.get(RG, 'failover-ag')).enabled).toBe(false);
  });
});
