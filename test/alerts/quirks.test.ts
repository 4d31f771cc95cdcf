/**
 * The quirks real action-group traffic has, one by one, each applied to a known-good payload.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert, parseImpactedServices, type Signal } from '../../lib/alerts/index.js';
import { readFixtureJson } from '../support/fixtures.js';

type AnyJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function parse(payload: unknown): Signal {
  const result = parseAlert(payload as never);
  if (!result.ok) throw new Error(`${result.error.code} at ${result.error.path}: ${result.error.message}`);
  return result.value;
}

/** A Service Health common-schema payload around one of the alertContext parts. */
function commonServiceHealth(alertContext: AnyJson): AnyJson {
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: '/subscriptions/22222222-2222-2222-2222-222222222222/providers/Microsoft.AlertsManagement/alerts/abc',
        alertRule: 'sh-rule',
        severity: 'Sev2',
        signalType: 'Activity Log',
        monitorCondition: 'Fired',
        monitoringService: 'ServiceHealth',
        alertTargetIDs: ['/subscriptions/22222222-2222-2222-2222-222222222222'],
        firedDateTime: '2024-03-01T10:00:00.1234567',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext,
      customProperties: null,
    },
  };
}

function legacyServiceHealth(): AnyJson {
  return readFixtureJson<AnyJson>('servicehealth-legacy-doc-sample.json');
}

describe('alertContext parts', () => {
  it('reads the maintenance alertContext with numeric channels, eventSource and level', () => {
    const { alertContext } = readFixtureJson<AnyJson>('parts/servicehealth-maintenance-common-alertcontext-doc-sample.json');
    const signal = parse(commonServiceHealth(alertContext));
    expect(signal).toMatchObject({
      kind: 'serviceHealth',
      incidentType: 'Maintenance',
      stage: 'Planned',
      status: 'Active',
      lifecycle: 'scheduled',
      severity: 'Informational',
      services: [{ name: 'Azure Synapse Analytics', regions: ['eastus'] }],
      eventTime: '2019-06-24T11:31:19.031Z',
      impactStart: '2019-06-26T04:00:00.000Z',
      impactMitigation: '2019-06-26T12:00:00.000Z',
      subscriptionId: '22222222-2222-2222-2222-222222222222',
    });
  });

  it('reads the same event with string eventSource and level identically', () => {
    const numeric = readFixtureJson<AnyJson>('parts/servicehealth-maintenance-common-alertcontext-doc-sample.json').alertContext;
    const strings = readFixtureJson<AnyJson>('parts/servicehealth-common-alertcontext-doc-sample.json').alertContext;
    expect(strings.eventSource).toBe('ServiceHealth');
    expect(numeric.eventSource).toBe(2);
    expect(parse(commonServiceHealth(strings))).toEqual(parse(commonServiceHealth(numeric)));
  });

  it('reads the Resource Health alertContext, with details null', () => {
    const { alertContext } = readFixtureJson<AnyJson>('parts/resourcehealth-common-alertcontext-doc-sample.json');
    const payload = commonServiceHealth(alertContext);
    payload.data.essentials.monitoringService = 'Resource Health';
    payload.data.essentials.alertTargetIDs = [
      '/subscriptions/22222222-2222-2222-2222-222222222222/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1',
    ];
    expect(parse(payload)).toMatchObject({
      kind: 'resourceHealth',
      incidentKey: '/subscriptions/22222222-2222-2222-2222-222222222222/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1',
      health: { current: 'Unavailable', previous: 'Available', cause: 'UserInitiated', type: 'Downtime' },
      lifecycle: 'active',
      eventTime: '2019-06-24T15:42:54.074Z',
    });
  });

  it('decodes the two-service impactedServices fragment, regions per service', () => {
    const fragment = readFixtureJson<Record<string, string>>('parts/servicehealth-legacy-impactedservices-fragment.json');
    const value = fragment['data.context.activityLog.properties.impactedServices'];
    expect(parseImpactedServices(value, 'impactedServices')).toEqual([
      { name: 'Alerts & Metrics', regions: ['australiaeast', 'australiasoutheast'] },
      { name: 'App Service', regions: ['australiasoutheast'] },
    ]);
  });
});

describe('quirks of real traffic', () => {
  it('accepts impactedServices as an array as well as a JSON string', () => {
    const asString = legacyServiceHealth();
    const asArray = legacyServiceHealth();
    asArray.data.context.activityLog.properties.impactedServices = JSON.parse(
      asString.data.context.activityLog.properties.impactedServices,
    );
    expect(parse(asArray).services).toEqual(parse(asString).services);
    expect(parse(asArray).services).toEqual([{ name: 'Virtual Machines', regions: ['australiaeast'] }]);
  });

  it('accepts impactedServices encoded twice by a forwarder', () => {
    const payload = legacyServiceHealth();
    const props = payload.data.context.activityLog.properties;
    props.impactedServices = JSON.stringify(props.impactedServices);
    expect(parse(payload).services).toEqual([{ name: 'Virtual Machines', regions: ['australiaeast'] }]);
  });

  it('reads a bare JSON array of events as a batch', () => {
    const payload = legacyServiceHealth();
    const result = parseAlert([payload] as never);
    expect(result.ok && result.value.incidentKey).toBe('0NIH-U2O');
  });

  it('falls back to properties.service and region when impactedServices is absent', () => {
    const payload = legacyServiceHealth();
    delete payload.data.context.activityLog.properties.impactedServices;
    expect(parse(payload).services).toEqual([{ name: 'Virtual Machines', regions: ['australiaeast'] }]);
  });

  it('treats timestamps without a zone as UTC and keeps offsets exact', () => {
    const payload = legacyServiceHealth();
    const log = payload.data.context.activityLog;
    log.eventTimestamp = '2021-11-17T05:34:48.0623172';
    log.properties.impactStartTime = '2021-11-17T07:00:00+02:00';
    const signal = parse(payload);
    expect(signal.eventTime).toBe('2021-11-17T05:34:48.062Z');
    expect(signal.impactStart).toBe('2021-11-17T05:00:00.000Z');
  });

  it('reads keys whatever their casing', () => {
    const payload = legacyServiceHealth();
    const log = payload.data.context.activityLog;
    log.Properties = log.properties;
    delete log.properties;
    log.Properties.TRACKINGID = log.Properties.trackingId;
    delete log.Properties.trackingId;
    log.EventSource = log.eventSource;
    delete log.eventSource;
    expect(parse(payload)).toMatchObject({ kind: 'serviceHealth', incidentKey: '0NIH-U2O' });
  });

  it('takes the lifecycle from stage and status, never from monitorCondition', () => {
    const payload = readFixtureJson<AnyJson>('servicehealth-common-testaction.json');
    expect(payload.data.essentials.monitorCondition).toBe('Fired');
    expect(parse(payload).lifecycle).toBe('resolved');
    payload.data.alertContext.properties.stage = 'RCA';
    expect(parse(payload)).toMatchObject({ stage: 'RCA', lifecycle: 'resolved' });
    payload.data.alertContext.properties.stage = 'Active';
    payload.data.alertContext.status = 'Active';
    expect(parse(payload)).toMatchObject({ stage: 'Active', lifecycle: 'active' });
  });

  it('maps every maintenance stage to the right lifecycle', () => {
    const payload = readFixtureJson<AnyJson>('servicehealth-common-testaction.json');
    payload.data.alertContext.properties.incidentType = 'Maintenance';
    const lifecycles = Object.fromEntries(
      ['Planned', 'InProgress', 'In Progress', 'Rescheduled', 'Canceled', 'Complete', 'Resolved'].map((stage) => {
        payload.data.alertContext.properties.stage = stage;
        return [stage, parse(payload).lifecycle];
      }),
    );
    expect(lifecycles).toEqual({
      Planned: 'scheduled',
      InProgress: 'active',
      'In Progress': 'active',
      Rescheduled: 'scheduled',
      Canceled: 'resolved',
      Complete: 'resolved',
      Resolved: 'resolved',
    });
  });

  it('canonicalizes region display names, sovereign suffixes and Global', () => {
    const payload = legacyServiceHealth();
    payload.data.context.activityLog.properties.impactedServices = JSON.stringify([
      {
        ServiceName: 'Storage',
        ImpactedRegions: [
          { RegionName: 'North Europe' },
          { RegionName: 'East US 2 EUAP' },
          { RegionName: 'Germany Central (Sovereign)' },
          { RegionName: 'Global' },
          { RegionName: 'northeurope' },
        ],
      },
    ]);
    expect(parse(payload).services).toEqual([
      { name: 'Storage', regions: ['northeurope', 'eastus2euap', 'germanycentral', 'global'] },
    ]);
  });

  it('merges a service listed once per region into one entry', () => {
    const payload = legacyServiceHealth();
    payload.data.context.activityLog.properties.impactedServices = JSON.stringify([
      { ServiceName: 'Media Services', ImpactedRegions: [{ RegionName: 'West Europe' }] },
      { ServiceName: 'Media Services', ImpactedRegions: [{ RegionName: 'North Europe' }] },
    ]);
    expect(parse(payload).services).toEqual([{ name: 'Media Services', regions: ['westeurope', 'northeurope'] }]);
  });

  it('reads numeric levels and channels as strings or numbers', () => {
    const payload = readFixtureJson<AnyJson>('servicehealth-common-testaction.json');
    payload.data.alertContext.level = '3';
    expect(parse(payload).severity).toBe('Informational');
    payload.data.alertContext.level = 1;
    expect(parse(payload).severity).toBe('Error');
    payload.data.alertContext.level = 'Warning';
    expect(parse(payload).severity).toBe('Warning');
  });

  it('treats null fields as absent', () => {
    const payload = readFixtureJson<AnyJson>('resourcehealth-common-testaction.json');
    const props = payload.data.alertContext.properties;
    props.currentHealthStatus = null;
    props.previousHealthStatus = null;
    props.cause = null;
    payload.data.alertContext.status = 'Updated';
    expect(parse(payload)).toMatchObject({
      health: { current: null, previous: null, cause: null, type: 'Downtime' },
      stage: 'Updated',
      lifecycle: 'active',
    });
  });

  it('reads a Resource Health recovery as resolved, by status or by health', () => {
    const payload = readFixtureJson<AnyJson>('resourcehealth-common-testaction.json');
    const ctx = payload.data.alertContext;
    ctx.properties.currentHealthStatus = 'Available';
    ctx.properties.previousHealthStatus = 'Unavailable';
    expect(parse(payload).lifecycle).toBe('resolved');
    ctx.properties.currentHealthStatus = 'Unavailable';
    ctx.status = 'Resolved';
    expect(parse(payload).lifecycle).toBe('resolved');
    ctx.status = 'In Progress';
    expect(parse(payload)).toMatchObject({ status: 'InProgress', stage: 'InProgress', lifecycle: 'active' });
  });

  it('reads the health-event names of raw Activity Log Resource Health events', () => {
    const payload = readFixtureJson<AnyJson>('resourcehealth-legacy-doc-sample.json');
    const props = payload.data.context.activityLog.properties;
    payload.data.context.activityLog.properties = {
      title: props.title,
      healthStatus: 'Degraded',
      healthEventType: 'Downtime',
      healthEventCause: 'PlatformInitiated',
      healthEventCategory: 'Unplanned',
    };
    expect(parse(payload).health).toEqual({ current: 'Degraded', previous: null, cause: 'PlatformInitiated', type: 'Downtime' });
  });

  it('ignores a .NET MinValue mitigation time and a blank one', () => {
    const payload = legacyServiceHealth();
    payload.data.context.activityLog.properties.impactMitigationTime = '0001-01-01T00:00:00';
    expect(parse(payload).impactMitigation).toBeNull();
    payload.data.context.activityLog.properties.impactMitigationTime = '';
    expect(parse(payload).impactMitigation).toBeNull();
  });

  it('accepts a UTF-8 byte-order mark and bytes as input', () => {
    const text = JSON.stringify(legacyServiceHealth());
    const result = parseAlert(new TextEncoder().encode(`\uFEFF${text}`));
    expect(result.ok && result.value.incidentKey).toBe('0NIH-U2O');
  });
});

describe('keys', () => {
  it('keeps the incident key and changes the dedupe key for a new update of the same incident', () => {
    const first = legacyServiceHealth();
    const update = legacyServiceHealth();
    update.data.context.activityLog.properties.communicationId = '636439673646299999';
    update.data.context.activityLog.properties.stage = 'Resolved';
    update.data.context.activityLog.status = 'Resolved';
    const [a, b] = [parse(first), parse(update)];
    expect(b.incidentKey).toBe(a.incidentKey);
    expect(b.dedupeKey).not.toBe(a.dedupeKey);
    expect(b.lifecycle).toBe('resolved');
  });

  it('gives a redelivery, even reformatted, the same dedupe key', () => {
    const payload = legacyServiceHealth();
    const compact = parse(JSON.stringify(payload));
    const pretty = parse(JSON.stringify(payload, null, 4));
    expect(pretty.dedupeKey).toBe(compact.dedupeKey);
  });

  it('gives the same notification through two alert rules the same dedupe key', () => {
    const a = readFixtureJson<AnyJson>('servicehealth-common-testaction.json');
    const b = readFixtureJson<AnyJson>('servicehealth-common-testaction.json');
    b.data.essentials.alertRule = 'another-rule';
    b.data.essentials.alertId = '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/providers/Microsoft.AlertsManagement/alerts/other';
    expect(parse(b).dedupeKey).toBe(parse(a).dedupeKey);
  });

  it('distinguishes successive Resource Health events for one resource', () => {
    const a = readFixtureJson<AnyJson>('resourcehealth-common-testaction.json');
    const b = readFixtureJson<AnyJson>('resourcehealth-common-testaction.json');
    b.data.alertContext.eventDataId = 'ffff0000-0000-0000-0000-000000000001';
    b.data.alertContext.status = 'Resolved';
    expect(parse(b).incidentKey).toBe(parse(a).incidentKey);
    expect(parse(b).dedupeKey).not.toBe(parse(a).dedupeKey);
  });
});
