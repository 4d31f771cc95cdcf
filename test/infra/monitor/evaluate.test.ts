/**
 * The activity log alert rule evaluator and the event behind each published payload. Expected
 * values are read off the fixture files by hand.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_EVENT, explainRule, fieldValues, ruleFires, type ActivityLogAlertRule, type ActivityLogEvent, type Condition } from './evaluate.js';
import { activityLogEventFrom } from './event-from-payload.js';
import { payloadFixtureNames, readFixtureJson } from '../../support/fixtures.js';

const SERVICES = 'properties.impactedServices[*].ServiceName';
const REGIONS = 'properties.impactedServices[*].ImpactedRegions[*].RegionName';

interface Expected {
  from: string;
  category: string | null;
  resourceId: string | null;
  operationName: string | null;
  status: string | null;
  incidentType?: string;
  services?: string[];
  regions?: string[];
  cause?: string;
  currentHealthStatus?: string;
}

const EXPECTED: Record<string, Expected | null> = {
  'activitylog-event-servicehealth.json': {
    from: '$',
    category: 'ServiceHealth',
    resourceId: '/subscriptions/<subscription ID>',
    operationName: 'Microsoft.ServiceHealth/incident/action',
    status: 'Active',
    incidentType: 'Incident',
    services: ['Service Fabric'],
    regions: ['UK South'],
  },
  'administrative-common-testaction.json': {
    from: '$.data.alertContext',
    category: 'Administrative',
    // essentials.alertTargetIDs, lower-cased in part by the alert service
    resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM',
    operationName: 'Microsoft.Compute/virtualMachines/restart/action',
    status: 'Succeeded',
  },
  // The doc's "common fields" excerpt: no resourceId, so no scope can hold it.
  'administrative-legacy-common-doc-sample.json': {
    from: '$.data.context.activityLog',
    category: 'Administrative',
    resourceId: null,
    operationName: 'Microsoft.Insights/actionGroups/write',
    status: 'Started',
  },
  // The doc's "event-specific fields" excerpt: no eventSource, operationName or status.
  'administrative-legacy-doc-sample.json': {
    from: '$.data.context.activityLog',
    category: null,
    resourceId: '/subscriptions/a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1/resourceGroups/CONTOSO-TEST/providers/Microsoft.Insights/actionGroups/IncidentActions',
    operationName: null,
    status: null,
  },
  'administrative-legacy-testaction.json': {
    from: '$.data.context.activityLog',
    category: 'Administrative',
    resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/test-RG/providers/Microsoft.Compute/virtualMachines/test-VM',
    operationName: 'Microsoft.Compute/virtualMachines/restart/action',
    status: 'Succeeded',
  },
  // No properties.eventCategory: "category is Administrative"; resultType is the status, verbatim.
  'eventhub-administrative-doc-sample.json': {
    from: '$.records[0]',
    category: 'Administrative',
    resourceId: '/subscriptions/s1/resourceGroups/MSSupportGroup/providers/microsoft.support/supporttickets/123456112305841',
    operationName: 'microsoft.support/supporttickets/write',
    status: 'Success',
  },
  // The record names no resource and no subscription.
  'eventhub-servicehealth-actionrequired-dynatrace.json': {
    from: '$',
    category: 'ServiceHealth',
    resourceId: null,
    operationName: 'Microsoft.ServiceHealth/actionrequired/action',
    status: 'Activated',
    incidentType: 'ActionRequired',
    services: ['Virtual Machines', 'Virtual Machine Scale Sets'],
  },
  'resourcehealth-common-testaction.json': {
    from: '$.data.alertContext',
    category: 'ResourceHealth',
    resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM',
    operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
    status: 'Active',
    cause: 'UserInitiated',
    currentHealthStatus: 'Unavailable',
  },
  'resourcehealth-event-get-api-example-2025-05-01.json': null,
  'resourcehealth-events-api-example.json': null,
  'resourcehealth-legacy-doc-sample.json': {
    from: '$.data.context.activityLog',
    category: 'ResourceHealth',
    resourceId: '/subscriptions/<subscription Id>/resourceGroups/<resource group>/providers/Microsoft.Compute/virtualMachines/<resource name>',
    operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
    status: 'Active',
    cause: 'PlatformInitiated',
    currentHealthStatus: 'Unavailable',
  },
  'servicehealth-common-testaction-2021.json': {
    from: '$.data.alertContext',
    category: 'ServiceHealth',
    resourceId: '/subscriptions/11111111-1111-1111-1111-111111111111',
    operationName: 'Microsoft.ServiceHealth/incident/action',
    status: 'Resolved',
    incidentType: 'Incident',
    services: ['Azure Service Name'],
    regions: ['Global'],
  },
  'servicehealth-common-testaction.json': {
    from: '$.data.alertContext',
    category: 'ServiceHealth',
    resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
    operationName: 'Microsoft.ServiceHealth/incident/action',
    status: 'Resolved',
    incidentType: 'Incident',
    services: ['AzureServiceName'],
    regions: ['Global'],
  },
  'servicehealth-legacy-doc-sample.json': {
    from: '$.data.context.activityLog',
    category: 'ServiceHealth',
    resourceId: '/subscriptions/cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a',
    operationName: 'Microsoft.ServiceHealth/incident/action',
    status: 'Active',
    incidentType: 'Incident',
    services: ['Virtual Machines'],
    regions: ['Australia East'],
  },
  'servicehealth-legacy-testaction.json': {
    from: '$.data.context.activityLog',
    category: 'ServiceHealth',
    resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
    operationName: 'Microsoft.ServiceHealth/incident/action',
    status: 'Resolved',
    incidentType: 'Incident',
    services: ['Azure Service Name'],
    regions: ['Global'],
  },
};

function eventOf(name: string): ActivityLogEvent {
  const recovered = activityLogEventFrom(readFixtureJson(name));
  if (recovered === null) throw new Error(`${name}: no Activity Log event`);
  return recovered.event;
}

describe('the Activity Log event behind each fixture', () => {
  it('every payload fixture has an expectation', () => {
    expect(payloadFixtureNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(name, () => {
      const recovered = activityLogEventFrom(readFixtureJson(name));
      if (expected === null) {
        expect(recovered).toBeNull();
        return;
      }
      expect(recovered).not.toBeNull();
      const { event, from } = recovered!;
      expect({ from, category: event.category, resourceId: event.resourceId, operationName: event.operationName, status: event.status }).toEqual({
        from: expected.from,
        category: expected.category,
        resourceId: expected.resourceId,
        operationName: expected.operationName,
        status: expected.status,
      });
      expect(event.properties['incidentType'] ?? undefined).toBe(expected.incidentType);
      expect(event.properties['cause'] ?? undefined).toBe(expected.cause);
      expect(event.properties['currentHealthStatus'] ?? undefined).toBe(expected.currentHealthStatus);
      expect(fieldValues(event, SERVICES)).toEqual(expected.services ?? []);
      if (expected.regions !== undefined) expect(fieldValues(event, REGIONS)).toEqual(expected.regions);
    });
  }

  it('the ActionRequired record names 36 regions for each of its 2 services', () => {
    const regions = fieldValues(eventOf('eventhub-servicehealth-actionrequired-dynatrace.json'), REGIONS);
    expect(regions).toHaveLength(72);
    expect(regions.slice(0, 3)).toEqual(['Australia Central', 'Australia Central 2', 'Australia East']);
    expect(regions.filter((r) => r === 'North Europe')).toHaveLength(2);
  });

  it('stores an impactedServices array as the JSON string the Activity Log holds', () => {
    expect(eventOf('servicehealth-common-testaction.json').properties['impactedServices']).toBe(
      '[{"ImpactedRegions":[{"RegionName":"Global"}],"ServiceName":"AzureServiceName"}]',
    );
  });

  it('reads a numeric level the way the same test notification spells it in the legacy schema', () => {
    expect(eventOf('servicehealth-common-testaction-2021.json').level).toBe('Warning');
    expect(eventOf('servicehealth-legacy-testaction.json').level).toBe('Warning');
  });

  it('infers resource group and type from the resource id, never the provider', () => {
    const event = eventOf('resourcehealth-common-testaction.json');
    expect([event.resourceGroup, event.resourceType, event.resourceProvider]).toEqual(['test-RG', 'microsoft.compute/virtualmachines', null]);
    expect(eventOf('resourcehealth-legacy-doc-sample.json').resourceProvider).toBe('Microsoft.Resourcehealth/healthevent/action');
  });

  it('takes a diagnostic record caller from its upn claim', () => {
    expect(eventOf('eventhub-administrative-doc-sample.json').caller).toBe('admin@contoso.com');
  });

  it('returns null for alert types that are not Activity Log events, and names what is wrong otherwise', () => {
    expect(activityLogEventFrom({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { monitoringService: 'Platform' }, alertContext: {} } })).toBeNull();
    expect(activityLogEventFrom({ '@odata.type': '#microsoft.graph.serviceHealthIssue', id: 'EX1' })).toBeNull();
    expect(() => activityLogEventFrom({ schemaId: 'Microsoft.Insights/LogAlert', data: {} })).toThrow('$.schemaId: "Microsoft.Insights/LogAlert" is not an activity log alert schema');
    expect(() => activityLogEventFrom({ schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: {} } })).toThrow('$.data.essentials.monitoringService: required');
    expect(() => activityLogEventFrom({ records: [{ time: 't', category: 'Write' }, { time: 't', category: 'Write' }] })).toThrow('$.records: holds 2 events');
    expect(() => activityLogEventFrom({ hello: 'world' })).toThrow('$: not an alert payload');
  });
});

const SUB = '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e';
const ACCOUNT = `${SUB}/resourceGroups/rg-media/providers/Microsoft.Media/mediaservices/contosomedia`;

function event(fields: Partial<ActivityLogEvent>): ActivityLogEvent {
  return { ...EMPTY_EVENT, ...fields };
}

function rule(allOf: Condition[], scopes: string[] = [SUB], enabled?: boolean): ActivityLogAlertRule {
  return enabled === undefined ? { scopes, condition: { allOf } } : { scopes, condition: { allOf }, enabled };
}

const serviceHealth = event({
  category: 'ServiceHealth',
  resourceId: SUB,
  properties: {
    incidentType: 'Incident',
    impactedServices: JSON.stringify([
      { ImpactedRegions: [{ RegionName: 'East US 2' }, { RegionName: 'West Europe' }], ServiceName: 'Media Services' },
      { ImpactedRegions: [{ RegionName: 'North Europe' }], ServiceName: 'Data Share' },
    ]),
  },
});

describe('rule evaluation', () => {
  it('equals compares case-insensitively, and whole', () => {
    expect(ruleFires(rule([{ field: 'CATEGORY', equals: 'servicehealth' }]), serviceHealth)).toBe(true);
    expect(ruleFires(rule([{ field: 'properties.INCIDENTTYPE', equals: 'INCIDENT' }]), serviceHealth)).toBe(true);
    expect(ruleFires(rule([{ field: 'category', equals: 'ServiceHealt' }]), serviceHealth)).toBe(false);
    expect(ruleFires(rule([{ field: 'category', equals: 'ServiceHealth ' }]), serviceHealth)).toBe(false);
  });

  it('containsAny reads a [*] path into the JSON-encoded impactedServices', () => {
    expect(ruleFires(rule([{ field: SERVICES, containsAny: ['Purview', 'media services'] }]), serviceHealth)).toBe(true);
    expect(ruleFires(rule([{ field: SERVICES, containsAny: ['Purview', 'Genomics'] }]), serviceHealth)).toBe(false);
    // A region display name is compared whole: "East US" is not "East US 2", nor "eastus2".
    expect(ruleFires(rule([{ field: REGIONS, containsAny: ['East US'] }]), serviceHealth)).toBe(false);
    expect(ruleFires(rule([{ field: REGIONS, containsAny: ['eastus2'] }]), serviceHealth)).toBe(false);
  });

  it('a nested [*][*] path yields every region of every service', () => {
    expect(fieldValues(serviceHealth, REGIONS)).toEqual(['East US 2', 'West Europe', 'North Europe']);
    expect(ruleFires(rule([{ field: REGIONS, containsAny: ['north europe'] }]), serviceHealth)).toBe(true);
    // Service and region are separate conditions: Media Services + North Europe holds, as in Azure.
    expect(ruleFires(rule([{ field: SERVICES, containsAny: ['Media Services'] }, { field: REGIONS, containsAny: ['North Europe'] }]), serviceHealth)).toBe(true);
  });

  it('reads the same path when impactedServices arrives as an array', () => {
    const asArray = event({ ...serviceHealth, properties: { impactedServices: JSON.parse(serviceHealth.properties['impactedServices']!) as never } });
    expect(fieldValues(asArray, REGIONS)).toEqual(['East US 2', 'West Europe', 'North Europe']);
  });

  it('anyOf holds when one member holds', () => {
    const incidentOrMaintenance: Condition = {
      anyOf: [
        { field: 'properties.incidentType', equals: 'Incident' },
        { field: 'properties.incidentType', equals: 'Maintenance' },
      ],
    };
    expect(ruleFires(rule([{ field: 'category', equals: 'ServiceHealth' }, incidentOrMaintenance]), serviceHealth)).toBe(true);
    const security = event({ ...serviceHealth, properties: { ...serviceHealth.properties, incidentType: 'Security' } });
    expect(ruleFires(rule([{ field: 'category', equals: 'ServiceHealth' }, incidentOrMaintenance]), security)).toBe(false);
  });

  it('a missing or null field never holds', () => {
    const health = event({ category: 'ResourceHealth', resourceId: ACCOUNT, properties: { currentHealthStatus: 'Unavailable', cause: null } });
    expect(ruleFires(rule([{ field: 'properties.cause', equals: 'PlatformInitiated' }]), health)).toBe(false);
    expect(ruleFires(rule([{ field: 'properties.previousHealthStatus', containsAny: ['Available', 'Unknown'] }]), health)).toBe(false);
    expect(ruleFires(rule([{ field: 'caller', equals: '' }]), health)).toBe(false);
    expect(ruleFires(rule([{ field: 'properties.currentHealthStatus.deeper', equals: 'Unavailable' }]), health)).toBe(false);
  });

  it('scopes: a subscription holds its resources, a resource group its members, a resource itself and its children', () => {
    const endpoint = event({ category: 'ResourceHealth', resourceId: `${ACCOUNT}/streamingEndpoints/default` });
    const category: Condition[] = [{ field: 'category', equals: 'ResourceHealth' }];
    expect(ruleFires(rule(category, [SUB]), endpoint)).toBe(true);
    expect(ruleFires(rule(category, [`${SUB}/resourcegroups/RG-MEDIA`]), endpoint)).toBe(true);
    expect(ruleFires(rule(category, [ACCOUNT.toLowerCase()]), endpoint)).toBe(true);
    expect(ruleFires(rule(category, [`${SUB}/resourceGroups/rg-med`]), endpoint)).toBe(false);
    expect(ruleFires(rule(category, [`${ACCOUNT}/streamingEndpoints/other`]), endpoint)).toBe(false);
    expect(ruleFires(rule(category, ['/subscriptions/bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f', ACCOUNT]), endpoint)).toBe(true);
    // The spec's own example writes the scope without its leading slash.
    expect(ruleFires(rule(category, [SUB.slice(1)]), endpoint)).toBe(true);
  });

  it('a Service Health event is held by its subscription scope only', () => {
    const condition: Condition[] = [{ field: 'category', equals: 'ServiceHealth' }];
    expect(ruleFires(rule(condition, [SUB]), serviceHealth)).toBe(true);
    expect(ruleFires(rule(condition, [`${SUB}/resourceGroups/rg-media`]), serviceHealth)).toBe(false);
    expect(ruleFires(rule(condition, ['/subscriptions/bbbb1b1b-cc2c-dd3d-ee4e-ffffff5f5f5f']), serviceHealth)).toBe(false);
    expect(ruleFires(rule(condition, [SUB]), event({ ...serviceHealth, resourceId: null }))).toBe(false);
  });

  it('a disabled rule never fires', () => {
    const condition: Condition[] = [{ field: 'category', equals: 'ServiceHealth' }];
    expect(ruleFires(rule(condition, [SUB], true), serviceHealth)).toBe(true);
    expect(explainRule(rule(condition, [SUB], false), serviceHealth)).toEqual({ fires: false, reason: 'the rule is disabled (enabled: false)' });
  });

  it('explains which condition failed and what the event held', () => {
    const explained = explainRule(
      rule([{ field: 'category', equals: 'ServiceHealth' }, { field: REGIONS, containsAny: ['Japan East'] }]),
      serviceHealth,
    );
    expect(explained).toEqual({
      fires: false,
      reason:
        'condition.allOf[1]: properties.impactedServices[*].ImpactedRegions[*].RegionName containsAny ["Japan East"] does not hold; ' +
        'the event has "East US 2", "West Europe", "North Europe"',
    });
    expect(explainRule(rule([{ field: 'category', equals: 'ServiceHealth' }], [ACCOUNT]), serviceHealth).reason).toBe(
      `the event's resourceId "${SUB}" is under none of the scopes ["${ACCOUNT}"]`,
    );
  });

  it('refuses a malformed rule, naming the field', () => {
    const bad = (allOf: unknown[], scopes = [SUB]) => () => ruleFires({ scopes, condition: { allOf: allOf as Condition[] } }, serviceHealth);
    expect(bad([{ field: 'subscriptionId', equals: 'x' }])).toThrow('field "subscriptionId" is not one Azure Monitor evaluates');
    expect(bad([{ field: 'category', equals: 'ServiceHealth', containsAny: ['x'] }])).toThrow('condition.allOf[0]: needs exactly one of equals or containsAny');
    expect(bad([{ field: 'category' }])).toThrow('condition.allOf[0]: needs exactly one of equals or containsAny');
    expect(bad([{ field: 'category', containsAny: [] }])).toThrow('condition.allOf[0].containsAny: expected a non-empty array of strings');
    expect(bad([{ anyOf: [{ field: 'category', equals: 'x' }], field: 'level' }])).toThrow('condition.allOf[0].field: an anyOf condition holds nothing but anyOf');
    expect(bad([{ anyOf: [{ anyOf: [] }] }])).toThrow('condition.allOf[0].anyOf[0].anyOf: a leaf condition cannot nest anyOf');
    expect(bad([{ field: 'properties.a[0]', equals: 'x' }])).toThrow('field "properties.a[0]": segment "a[0]" is not a name optionally followed by [*]');
    expect(bad([])).toThrow('condition.allOf: must list at least one condition');
    expect(bad([{ field: 'category', equals: 'x' }], [])).toThrow('scopes: must list at least one subscription or resource id');
  });

  it('reads ARM null members as absent', () => {
    const withNulls = [{ field: 'category', equals: 'ServiceHealth', containsAny: null }] as Condition[];
    expect(ruleFires(rule(withNulls), serviceHealth)).toBe(true);
  });
});
