/**
 * Every published sample in shared/fixtures/alerts becomes the right Signal. Expectations are
 * written from the payloads by hand, field by field.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert, parsePayload, type Signal } from '../../lib/alerts/index.js';
import { payloadFixtureNames, readFixture } from '../support/fixtures.js';

const RECEIVED_AT = new Date('2026-01-02T03:04:05.000Z');

function signalOf(name: string): Signal {
  const result = parseAlert(readFixture(name), { receivedAt: RECEIVED_AT });
  if (!result.ok) throw new Error(`${name}: ${result.error.code} at ${result.error.path}: ${result.error.message}`);
  return result.value;
}

type Expected = Partial<Signal>;

const EXPECTED: Record<string, Expected> = {
  'servicehealth-common-testaction.json': {
    kind: 'serviceHealth',
    schema: 'common',
    incidentKey: 'TEST-TTT',
    dedupeKey: 'serviceHealth|aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e|TEST-TTT|11223344556677',
    subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
    trackingId: 'TEST-TTT',
    incidentType: 'Incident',
    stage: 'Resolved',
    status: 'Resolved',
    lifecycle: 'resolved',
    title: 'TestActionGroup-TestServiceHealthAlert',
    severity: 'Informational',
    services: [{ name: 'AzureServiceName', regions: ['global'] }],
    resourceIds: [],
    health: null,
    eventTime: '2025-04-15T18:20:36.256Z',
    eventTimeSource: 'payload',
    impactStart: '2025-04-15T18:20:36.256Z',
    impactMitigation: '2025-04-15T18:20:36.256Z',
    communicationId: '11223344556677',
    isSynthetic: true,
    alertRule: 'test-ServiceHealthAlertRule',
    customProperties: {},
  },
  'servicehealth-common-testaction-2021.json': {
    kind: 'serviceHealth',
    schema: 'common',
    incidentKey: 'ABC1-DEF',
    subscriptionId: '11111111-1111-1111-1111-111111111111',
    incidentType: 'Incident',
    stage: 'Resolved',
    lifecycle: 'resolved',
    services: [{ name: 'Azure Service Name', regions: ['global'] }],
    // eventTimestamp "2021-11-17T05:34:44.5778226+00:00", cut to milliseconds
    eventTime: '2021-11-17T05:34:44.577Z',
    impactStart: '2021-11-16T20:00:00.000Z',
    impactMitigation: '2021-11-17T01:00:00.000Z',
    isSynthetic: true,
  },
  'servicehealth-legacy-doc-sample.json': {
    kind: 'serviceHealth',
    schema: 'activityLogAlert',
    incidentKey: '0NIH-U2O',
    dedupeKey: 'serviceHealth|cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a|0NIH-U2O|636439673646212912',
    subscriptionId: 'cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a',
    incidentType: 'Incident',
    stage: 'Active',
    status: 'Active',
    lifecycle: 'active',
    title: 'Virtual Machines - Australia East',
    services: [{ name: 'Virtual Machines', regions: ['australiaeast'] }],
    eventTime: '2017-10-18T23:49:25.373Z',
    impactStart: '2017-10-18T02:48:00.000Z',
    impactMitigation: null,
    isSynthetic: false,
  },
  'servicehealth-legacy-testaction.json': {
    kind: 'serviceHealth',
    schema: 'activityLogAlert',
    incidentKey: 'ABC1-DEF',
    stage: 'Resolved',
    lifecycle: 'resolved',
    severity: 'Warning',
    services: [{ name: 'Azure Service Name', regions: ['global'] }],
    // lower-case isSynthetic in the legacy test action
    isSynthetic: true,
    customProperties: { customKey1: 'value1', customKey2: 'value2' },
  },
  'resourcehealth-common-testaction.json': {
    kind: 'resourceHealth',
    schema: 'common',
    incidentKey: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-rg/providers/microsoft.compute/virtualmachines/test-vm',
    trackingId: null,
    stage: 'Active',
    status: 'Active',
    lifecycle: 'active',
    title: 'Rebooted by user',
    resourceIds: ['/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM'],
    health: { current: 'Unavailable', previous: 'Available', cause: 'UserInitiated', type: 'Downtime' },
    services: [],
    eventTime: '2025-04-15T18:19:45.304Z',
  },
  'resourcehealth-legacy-doc-sample.json': {
    kind: 'resourceHealth',
    schema: 'activityLogAlert',
    incidentKey: '/subscriptions/<subscription id>/resourcegroups/<resource group>/providers/microsoft.compute/virtualmachines/<resource name>',
    stage: 'Active',
    lifecycle: 'active',
    health: { current: 'Unavailable', previous: 'Available', cause: 'PlatformInitiated', type: 'Downtime' },
    eventTime: '2018-09-04T23:09:03.343Z',
    eventDataId: '2b37e2d0-7bda-4de7-ur8c6-1447d02265b2',
  },
  'administrative-common-testaction.json': {
    kind: 'administrative',
    schema: 'common',
    incidentKey: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-rg/providers/microsoft.compute/virtualmachines/test-vm',
    stage: 'Succeeded',
    status: 'Succeeded',
    operationName: 'Microsoft.Compute/virtualMachines/restart/action',
    caller: 'user@contoso.com',
    resourceIds: ['/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/test-RG/providers/Microsoft.Compute/virtualMachines/test-VM'],
    eventTime: '2025-04-15T11:26:21.386Z',
  },
  'administrative-legacy-testaction.json': {
    kind: 'administrative',
    schema: 'activityLogAlert',
    stage: 'Succeeded',
    caller: 'user-email@domain.com',
    resourceIds: ['/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/test-RG/providers/Microsoft.Compute/virtualMachines/test-VM'],
    eventTime: '2021-11-16T08:27:36.183Z',
    customProperties: { customKey1: 'value1', customKey2: 'value2' },
  },
  'administrative-legacy-common-doc-sample.json': {
    kind: 'administrative',
    schema: 'activityLogAlert',
    // no resource in this partial sample: the operation's correlationId groups its events
    incidentKey: 'aaaa0000-bb11-2222-33cc-444444dddddd',
    stage: 'Started',
    operationName: 'Microsoft.Insights/actionGroups/write',
    subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
    eventTime: '2017-03-29T15:43:08.001Z',
    eventTimeSource: 'payload',
  },
  'administrative-legacy-doc-sample.json': {
    kind: 'administrative',
    schema: 'activityLogAlert',
    incidentKey: '/subscriptions/a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1/resourcegroups/contoso-test/providers/microsoft.insights/actiongroups/incidentactions',
    // no operationName in this partial sample: authorization.action stands in
    operationName: 'Microsoft.Insights/actionGroups/write',
    caller: 'me@contoso.com',
    subscriptionId: 'a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1',
    // no timestamp anywhere in the payload: the receipt time is used and says so
    eventTime: RECEIVED_AT.toISOString(),
    eventTimeSource: 'received',
  },
  'activitylog-event-servicehealth.json': {
    kind: 'serviceHealth',
    schema: 'activityLogEvent',
    incidentKey: 'NA0F-BJG',
    incidentType: 'Incident',
    stage: 'Active',
    lifecycle: 'active',
    severity: 'Warning',
    services: [{ name: 'Service Fabric', regions: ['uksouth'] }],
    eventTime: '2017-07-20T23:30:14.802Z',
    subscriptionId: '<subscription ID>',
  },
  'eventhub-servicehealth-actionrequired-dynatrace.json': {
    kind: 'serviceHealth',
    schema: 'diagnosticRecord',
    incidentKey: 'GTK4-188',
    incidentType: 'ActionRequired',
    stage: 'Active',
    status: 'Active',
    lifecycle: 'active',
    severity: 'Informational',
    eventTime: '2021-02-09T09:57:26.498Z',
    impactStart: '2019-06-28T00:00:00.000Z',
  },
  'eventhub-administrative-doc-sample.json': {
    kind: 'administrative',
    schema: 'diagnosticRecord',
    incidentKey: '/subscriptions/s1/resourcegroups/mssupportgroup/providers/microsoft.support/supporttickets/123456112305841',
    stage: 'Succeeded',
    caller: 'admin@contoso.com',
    operationName: 'microsoft.support/supporttickets/write',
    eventTime: '2019-01-21T22:14:26.979Z',
  },
  'resourcehealth-events-api-example.json': {
    kind: 'serviceHealth',
    schema: 'resourceHealthEvent',
    incidentKey: 'BC_1-FXZ',
    dedupeKey: 'serviceHealth|{subscriptionId}|BC_1-FXZ|Active|2018-11-08T00:00:00.000Z',
    incidentType: 'Incident',
    stage: 'Active',
    lifecycle: 'active',
    severity: 'Informational',
    services: [{ name: 'Virtual Machines', regions: ['westus'] }],
    eventTime: '2018-11-08T00:00:00.000Z',
    impactStart: '2018-11-07T00:00:00.000Z',
    impactMitigation: '2018-11-08T00:00:00.000Z',
  },
  'resourcehealth-event-get-api-example-2025-05-01.json': {
    kind: 'serviceHealth',
    schema: 'resourceHealthEvent',
    incidentKey: '{eventTrackingId}',
    incidentType: 'Incident',
    stage: 'Active',
    severity: 'Warning',
    services: [{ name: 'Virtual Machines', regions: ['westus'] }],
    eventTime: '2025-05-13T15:43:48.120Z',
    impactStart: '2025-05-12T14:45:48.120Z',
  },
};

describe('published alert samples', () => {
  it('has an expectation for every payload in the fixtures folder', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(payloadFixtureNames());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`reads ${name}`, () => {
      const signal = signalOf(name);
      expect(signal).toMatchObject(expected);
      expect(signal.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });
  }

  it('reads the 36 regions of the Event Hub advisory as canonical names, per service', () => {
    const signal = signalOf('eventhub-servicehealth-actionrequired-dynatrace.json');
    expect(signal.services.map((s) => s.name)).toEqual(['Virtual Machines', 'Virtual Machine Scale Sets']);
    for (const service of signal.services) {
      expect(service.regions).toHaveLength(36);
      expect(service.regions).toContain('australiacentral2');
      expect(service.regions).toContain('eastus2euap');
      expect(service.regions.every((r) => /^[a-z0-9]+$/.test(r))).toBe(true);
    }
  });

  it('marks collections as batches and single payloads as not', () => {
    const batch = parsePayload(readFixture('eventhub-administrative-doc-sample.json'));
    const single = parsePayload(readFixture('servicehealth-legacy-doc-sample.json'));
    expect(batch.ok && batch.value.batch).toBe(true);
    expect(single.ok && single.value.batch).toBe(false);
  });

  it('gives the common and legacy test actions of one notification the same incident and dedupe keys', () => {
    // Same event (trackingId ABC1-DEF, communication 11223344556677) sent in both schemas.
    const common = signalOf('servicehealth-common-testaction-2021.json');
    const legacy = signalOf('servicehealth-legacy-testaction.json');
    expect(common.incidentKey).toBe(legacy.incidentKey);
    expect(common.stage).toBe(legacy.stage);
  });

  it('gives one resource the same incident key whatever casing the schema uses', () => {
    const common = signalOf('resourcehealth-common-testaction.json');
    const admin = signalOf('administrative-legacy-testaction.json');
    expect(common.incidentKey).toBe(admin.incidentKey);
  });
});
