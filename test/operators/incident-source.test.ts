/**
 * An incident's Azure source, from the published payload samples through the real parser: what
 * each kind of signal names, and the portal page it links to.
 */
import { describe, expect, it } from 'vitest';
import { createManualSignal, parseAlert, type Signal } from '../../lib/alerts/index.js';
import { signalFromGraphIssue } from '../../lib/alerts/signal-from-graph-issue.js';
import { hasTrackingId, incidentSource, normalizeTrackingId, sourceReference } from '../../lib/incidents/source.js';
import { summarizeSignal } from '../../lib/incidents/signals.js';
import type { SignalSummary } from '../../lib/incidents/types.js';
import { GRAPH_ISSUE } from '../support/graph-issue.js';
import { readFixture } from '../support/fixtures.js';

function summary(name: string, edit: (s: Signal) => void = () => {}): SignalSummary {
  const parsed = parseAlert(readFixture(name), { receivedAt: new Date('2026-11-23T09:00:00.000Z') });
  if (!parsed.ok) throw new Error(`${name}: ${parsed.error.message}`);
  edit(parsed.value);
  return summarizeSignal(parsed.value, 'webhook');
}

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('incidentSource: Service Health', () => {
  it('names the tracking ID, subscription, services and regions, and links to Service Health by tracking ID', () => {
    const source = incidentSource(summary('servicehealth-legacy-doc-sample.json'));
    expect(source).toEqual({
      kind: 'service-health',
      trackingId: '0NIH-U2O',
      resourceId: null,
      operationName: 'Microsoft.ServiceHealth/incident/action',
      subscriptionId: 'cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a',
      services: ['Virtual Machines'],
      regions: ['australiaeast'],
      // The first three and last three characters of the subscription id.
      portalUrl: 'https://app.azure.com/h/0NIH-U2O/ccca6a',
    });
    expect(sourceReference(source)).toBe('0NIH-U2O');
  });

  it('builds the link as the Service Health webhook guide does for its own example', () => {
    const source = incidentSource(
      summary('servicehealth-common-testaction.json', (s) => {
        s.incidentKey = '0DET-URB';
        s.subscriptionId = 'bba14129-e895-429b-8809-278e836ecdb3';
      }),
    );
    expect(source.portalUrl).toBe('https://app.azure.com/h/0DET-URB/bbadb3');
  });

  it('links to the Service issues page, in the tenant when known, when the subscription is not an id', () => {
    // The Event Hub record carries no subscription; the Activity Log sample a placeholder.
    const record = incidentSource(summary('eventhub-servicehealth-actionrequired-dynatrace.json'));
    expect(record).toMatchObject({ kind: 'service-health', trackingId: 'GTK4-188', subscriptionId: null, services: ['Virtual Machines', 'Virtual Machine Scale Sets'] });
    expect(record.regions).toHaveLength(36);
    expect(record.portalUrl).toBe('https://portal.azure.com/#blade/Microsoft_Azure_Health/AzureHealthBrowseBlade/serviceIssues');
    const placeholder = incidentSource(summary('activitylog-event-servicehealth.json', (s) => (s.tenantId = TENANT)));
    expect(placeholder).toMatchObject({ trackingId: 'NA0F-BJG', subscriptionId: '<subscription ID>', regions: ['uksouth'] });
    expect(placeholder.portalUrl).toBe(`https://portal.azure.com/#@${TENANT}/blade/Microsoft_Azure_Health/AzureHealthBrowseBlade/serviceIssues`);
  });

  it('reads a Service Health event from the Resource Health events API the same way', () => {
    expect(incidentSource(summary('resourcehealth-events-api-example.json'))).toEqual({
      kind: 'service-health',
      trackingId: 'BC_1-FXZ',
      resourceId: null,
      operationName: null,
      subscriptionId: '{subscriptionId}',
      services: ['Virtual Machines'],
      regions: ['westus'],
      portalUrl: 'https://portal.azure.com/#blade/Microsoft_Azure_Health/AzureHealthBrowseBlade/serviceIssues',
    });
  });
});

describe('incidentSource: Resource Health and the Activity Log', () => {
  it('names the resource and links to its Resource health page, in the tenant when known', () => {
    const id = '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM';
    const source = incidentSource(summary('resourcehealth-common-testaction.json'));
    expect(source).toEqual({
      kind: 'resource-health',
      trackingId: null,
      resourceId: id,
      operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
      subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      services: [],
      regions: [],
      portalUrl: `https://portal.azure.com/#resource${id}/resourceHealth`,
    });
    expect(sourceReference(source)).toBe('test-VM');
    const inTenant = incidentSource(summary('resourcehealth-common-testaction.json', (s) => (s.tenantId = 'contoso.onmicrosoft.com')));
    expect(inTenant.portalUrl).toBe(`https://portal.azure.com/#@contoso.onmicrosoft.com/resource${id}/resourceHealth`);
  });

  it('escapes what a resource id holds that a URL cannot (the doc sample keeps its placeholders)', () => {
    const source = incidentSource(summary('resourcehealth-legacy-doc-sample.json'));
    expect(source.resourceId).toBe('/subscriptions/<subscription Id>/resourceGroups/<resource group>/providers/Microsoft.Compute/virtualMachines/<resource name>');
    expect(source.portalUrl).toBe(
      'https://portal.azure.com/#resource/subscriptions/%3Csubscription%20Id%3E/resourceGroups/%3Cresource%20group%3E/providers/Microsoft.Compute/virtualMachines/%3Cresource%20name%3E/resourceHealth',
    );
  });

  it('names the operation and the resource of an Administrative event and links to the Activity Log', () => {
    const source = incidentSource(summary('administrative-common-testaction.json', (s) => (s.tenantId = TENANT)));
    expect(source).toEqual({
      kind: 'activity-log',
      trackingId: null,
      resourceId: '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourceGroups/test-RG/providers/Microsoft.Compute/virtualMachines/test-VM',
      operationName: 'Microsoft.Compute/virtualMachines/restart/action',
      subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      services: [],
      regions: [],
      portalUrl: `https://portal.azure.com/#@${TENANT}/blade/Microsoft_Azure_ActivityLog/ActivityLogBlade`,
    });
  });

  it('falls back to the operation when an Administrative event names no resource', () => {
    const source = incidentSource(summary('administrative-legacy-common-doc-sample.json'));
    expect(source).toMatchObject({ kind: 'activity-log', resourceId: null, operationName: 'Microsoft.Insights/actionGroups/write', subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e' });
    expect(sourceReference(source)).toBe('Microsoft.Insights/actionGroups/write');
  });
});

describe('incidentSource: requests and Microsoft 365', () => {
  it('a manual request has no Azure reference and no portal link', () => {
    const signal = createManualSignal({ requestId: 'r-1', service: 'Media Services', region: 'West Europe', reason: 'drill', requestedBy: 'ada', at: new Date('2026-11-23T09:00:00.000Z') });
    const source = incidentSource(summarizeSignal(signal, 'manual'));
    expect(source).toEqual({ kind: 'manual', trackingId: null, resourceId: null, operationName: null, subscriptionId: null, services: ['Media Services'], regions: ['westeurope'], portalUrl: null });
    expect(sourceReference(source)).toBeNull();
  });

  it('a Microsoft 365 issue keeps its id as Microsoft writes it; the admin center documents no link to one issue', () => {
    const source = incidentSource(summarizeSignal(signalFromGraphIssue(GRAPH_ISSUE, '$'), 'poller'));
    expect(source).toEqual({ kind: 'microsoft-365', trackingId: 'CR512345', resourceId: null, operationName: null, subscriptionId: null, services: ['Dynamics 365 Apps'], regions: ['europe'], portalUrl: null });
  });
});

describe('tracking IDs as people paste them', () => {
  it('trims and accepts the forms Azure and Microsoft 365 use; refuses anything else', () => {
    expect(normalizeTrackingId('  7k2t-lq8 ')).toBe('7k2t-lq8');
    expect(normalizeTrackingId('BC_1-FXZ')).toBe('BC_1-FXZ');
    expect(normalizeTrackingId('CR512345')).toBe('CR512345');
    for (const bad of ['', '   ', '7K2T LQ8', '/subscriptions/x', '-7K2T', 'a'.repeat(65), '7K2T-LQ8?x=1']) expect(normalizeTrackingId(bad)).toBeNull();
  });

  it('matches regardless of case', () => {
    const source = incidentSource(summary('servicehealth-legacy-doc-sample.json'));
    expect(hasTrackingId(source, '0nih-u2o')).toBe(true);
    expect(hasTrackingId(source, '0NIH-U20')).toBe(false);
  });
});
