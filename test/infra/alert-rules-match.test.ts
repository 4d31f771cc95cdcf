/**
 * The alert rules `infra generate` writes, evaluated the way Azure Monitor evaluates them
 * (./monitor/evaluate.ts) against the Activity Log event behind each alert fixture
 * (./monitor/event-from-payload.ts), fire for exactly the workloads `catalog match` maps that alert
 * to, among the alerts the rules are meant to carry: Service Health of the incident types the
 * workload's policy acts on (Incident; Maintenance where it fails over for maintenance) in its
 * subscriptions; Resource Health caused by the platform (and Unknown where the policy acts on
 * unknown causes) with current status Unavailable, Degraded or Available; Administrative operations
 * and statuses the policy names.
 *
 * The published Resource Health and Administrative samples are about a VM, which no playbook
 * protects, so each is also replayed aimed at a catalog resource (the ids swapped in the JSON) to
 * show a rule firing and, by changing one field, not firing.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert, type Signal } from '../../lib/alerts/index.js';
import { isSameOrChildResource } from '../../lib/azure/resource-id.js';
import { matchSignal, parseCatalog, type Catalog, type Workload } from '../../lib/catalog/index.js';
import { generateInfra } from '../../lib/infra/generate.js';
import type { JsonObject } from '../../lib/infra/template.js';
import { readFixture } from '../support/fixtures.js';
import { explainRule, type ActivityLogAlertRule } from './monitor/evaluate.js';
import { activityLogEventFrom } from './monitor/event-from-payload.js';

const SUB_A = 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e'; // the test actions' subscription
const SUB_1 = '11111111-1111-1111-1111-111111111111'; // the 2021 test action's
const SUB_C = 'cccc2c2c-dd3d-ee4e-ff5f-aaaaaa6a6a6a'; // the legacy Service Health sample's

const DATASHARE = `/subscriptions/${SUB_A}/resourceGroups/rg-ds-eus2/providers/Microsoft.DataShare/accounts/dseus2`;
const MEDIA = `/subscriptions/${SUB_A}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/mediaweu`;

const purview = (id: string, sub: string, primary: string, secondary: string) => `
    primary:
      region: ${primary}
      resources:
        account: /subscriptions/${sub}/resourceGroups/rg-${id}/providers/Microsoft.Purview/accounts/${id}p
    secondary:
      region: ${secondary}
      resources:
        account: /subscriptions/${sub}/resourceGroups/rg-${id}/providers/Microsoft.Purview/accounts/${id}s
    playbook:
      kind: purview
      activeAccountKey: ${id}:active`;

const CATALOG = `
version: 1
workloads:
  - id: vm-australia
    services: [Virtual Machines]
${purview('vmau', SUB_C, 'australiaeast', 'australiasoutheast')}
    policy:
      trigger: auto
  # The same service and regions in another subscription: that subscription's alerts only.
  - id: vm-australia-elsewhere
    services: [Virtual Machines]
${purview('vmauelse', SUB_1, 'australiaeast', 'australiasoutheast')}
    policy:
      trigger: auto
  - id: service-name
    services: [Azure Service Name]
${purview('svcname', SUB_A, 'japaneast', 'japanwest')}
    subscriptions: [${SUB_1}]
    policy:
      trigger: auto
  - id: datashare-eus2
    services: [Azure Data Share]
    primary:
      region: eastus2
      resources:
        consumerAccount: ${DATASHARE}
    secondary:
      region: centralus
      resources:
        consumerAccount: /subscriptions/${SUB_A}/resourceGroups/rg-ds-cus/providers/Microsoft.DataShare/accounts/dscus
        providerAccount: /subscriptions/${SUB_A}/resourceGroups/rg-ds-cus/providers/Microsoft.DataShare/accounts/dsprovcus
    playbook:
      kind: dataShare
      shareSubscriptions:
        - { name: sales, recurrence: Day, synchronizationTime: "2024-01-01T02:00:00Z" }
    policy:
      trigger: approval
      approval: { timeout: 30m }
      administrative:
        - { operation: Microsoft.DataShare/accounts/delete, status: [Succeeded] }
  - id: media-weu
    services: [Media Services]
    primary:
      region: westeurope
      resources:
        account: ${MEDIA}
    secondary:
      region: northeurope
      resources:
        account: /subscriptions/${SUB_A}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/medianeu
    playbook:
      kind: mediaServices
      streamingEndpoints: [{ name: default }]
      activeAccountKey: media:active
    policy:
      trigger: auto
      unknownCause: act
  # Shares the platform-caused Resource Health rule of its subscription with datashare-eus2.
  - id: genomics-quiet
    services: [Microsoft Genomics]
    primary:
      region: westus2
      resources:
        account: /subscriptions/${SUB_A}/resourceGroups/rg-gen/providers/Microsoft.Genomics/accounts/genwus2
    secondary:
      region: westcentralus
      resources:
        account: /subscriptions/${SUB_A}/resourceGroups/rg-gen/providers/Microsoft.Genomics/accounts/genwcus
        storage: /subscriptions/${SUB_A}/resourceGroups/rg-gen/providers/Microsoft.Storage/storageAccounts/genwcusdata
    playbook:
      kind: genomics
      inputContainer: runs-in
      outputContainer: runs-out
      activeRegionKey: genomics:active
    policy:
      trigger: auto
  - id: synapse-maintenance
    services: [Azure Synapse Analytics]
${purview('synmaint', SUB_A, 'eastus', 'westus')}
    policy:
      trigger: auto
      maintenance: { action: failover }
  - id: synapse-notify
    services: [Azure Synapse Analytics]
${purview('synnote', SUB_A, 'eastus', 'westus3')}
    policy:
      trigger: auto
`;

function loadCatalog(): Catalog {
  const result = parseCatalog(CATALOG, { now: new Date('2026-01-01T00:00:00Z') });
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return result.catalog;
}

interface DeployedRule {
  name: string;
  /** The subscription of the deployment that creates it. */
  subscriptionId: string;
  rule: ActivityLogAlertRule;
  workloads: string[];
}

/** The activity log alert rules of the generated template, from its nested deployments. */
function deployedRules(template: JsonObject): DeployedRule[] {
  const out: DeployedRule[] = [];
  const visit = (resources: unknown, subscriptionId: string): void => {
    for (const resource of (resources ?? []) as JsonObject[]) {
      const properties = resource['properties'] as JsonObject;
      if (resource['type'] === 'Microsoft.Resources/deployments') {
        // A deployment nested without a subscriptionId deploys into its parent's.
        visit((properties['template'] as JsonObject)['resources'], (resource['subscriptionId'] as string | undefined) ?? subscriptionId);
      }
      if (resource['type'] !== 'Microsoft.Insights/activityLogAlerts') continue;
      const tags = resource['tags'] as Record<string, string>;
      const rule = properties as unknown as ActivityLogAlertRule;
      out.push({ name: String(resource['name']), subscriptionId, rule, workloads: tags['failover-workloads']!.split(' ') });
    }
  };
  visit(template['resources'], '');
  return out;
}

const catalog = loadCatalog();
const generated = generateInfra(catalog);
const rules = deployedRules(generated.template);
const workloadById = new Map(catalog.workloads.map((w) => [w.id, w]));

/**
 * Workloads whose rules fire for the payload. A Resource Health rule carries a subscription's
 * resources for several workloads; it speaks for the workload whose resource the event is about.
 */
function firing(payload: unknown): { workloads: string[]; why: string[] } {
  const recovered = activityLogEventFrom(payload);
  if (recovered === null) return { workloads: [], why: ['not an Activity Log event'] };
  const workloads = new Set<string>();
  const why: string[] = [];
  for (const { name, rule, workloads: carried } of rules) {
    const explained = explainRule(rule, recovered.event);
    why.push(`${name}: ${explained.reason}`);
    if (!explained.fires) continue;
    for (const id of carried) {
      const resources = resourcesOf(workloadById.get(id)!);
      const about = carried.length === 1 || resources.some((r) => recovered.event.resourceId !== null && isSameOrChildResource(recovered.event.resourceId, r));
      if (about) workloads.add(id);
    }
  }
  return { workloads: [...workloads].sort(), why };
}

function resourcesOf(workload: Workload): string[] {
  return [workload.primary, workload.secondary].flatMap((side) => Object.values(side?.resources ?? {}));
}

const HEALTH_STATUSES = ['Unavailable', 'Degraded', 'Available'];
const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** Whether the rules are meant to carry this signal for this workload (the list). */
function covered(workload: Workload, signal: Signal): boolean {
  const { policy } = workload;
  switch (signal.kind) {
    case 'serviceHealth': {
      const types = ['Incident', ...(policy.maintenance.action === 'failover' ? ['Maintenance'] : [])];
      const subscription = signal.subscriptionId?.toLowerCase();
      return subscription !== undefined && workload.subscriptions.includes(subscription) && signal.incidentType !== null && types.includes(signal.incidentType);
    }
    case 'resourceHealth': {
      const causes = ['PlatformInitiated', ...(policy.unknownCause === 'act' ? ['Unknown'] : [])];
      const health = signal.health;
      return health !== null && causes.some((c) => same(health.cause, c)) && HEALTH_STATUSES.some((s) => same(health.current, s));
    }
    case 'administrative':
      return policy.administrative.some((r) => same(signal.operationName, r.operation) && r.status.some((s) => same(signal.status, s)));
    default:
      return false;
  }
}

/** Workloads `catalog match` maps the payload to, among those the rules are meant to carry it for. */
function matching(payload: unknown): string[] {
  const parsed = parseAlert(JSON.stringify(payload), { receivedAt: new Date('2026-01-02T03:04:05Z') });
  if (!parsed.ok) throw new Error(`${parsed.error.path}: ${parsed.error.message}`);
  return matchSignal(catalog, parsed.value)
    .filter((m) => covered(m.workload, parsed.value))
    .map((m) => m.workload.id)
    .sort();
}

const json = (name: string): unknown => JSON.parse(readFixture(name)) as unknown;

const TEST_VM = /\/subscriptions\/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e\/resourcegroups\/test-RG\/providers\/microsoft\.compute\/virtualmachines\/test-VM/gi;
const DOC_VM = /\/subscriptions\/<subscription Id>\/resourceGroups\/<resource group>\/providers\/Microsoft\.Compute\/virtualMachines\/<resource name>/g;

type Edit = [path: string[], value: string];

/** A fixture with its resource swapped for `to`, then fields set (each path must exist). */
function aimed(name: string, from: RegExp, to: string, edits: Edit[] = []): unknown {
  const payload = JSON.parse(readFixture(name).replace(from, to)) as unknown;
  for (const [path, value] of edits) {
    const parent = path.slice(0, -1).reduce<unknown>((o, key) => (o as Record<string, unknown>)[key], payload) as Record<string, unknown>;
    const key = path[path.length - 1]!;
    if (!(key in parent)) throw new Error(`${name}: no ${path.join('.')} to set`);
    parent[key] = value;
  }
  return payload;
}

const LEGACY_EVENT = ['data', 'context', 'activityLog'];

const legacyHealth = (resource: string, cause: string, current = 'Unavailable') =>
  aimed('resourcehealth-legacy-doc-sample.json', DOC_VM, resource, [
    [[...LEGACY_EVENT, 'subscriptionId'], SUB_A],
    [[...LEGACY_EVENT, 'properties', 'cause'], cause],
    [[...LEGACY_EVENT, 'properties', 'currentHealthStatus'], current],
  ]);

const deleteDataShare = (status: string) =>
  aimed('administrative-legacy-testaction.json', TEST_VM, DATASHARE, [
    [[...LEGACY_EVENT, 'operationName'], 'Microsoft.DataShare/accounts/delete'],
    [[...LEGACY_EVENT, 'authorization', 'action'], 'Microsoft.DataShare/accounts/delete'],
    [[...LEGACY_EVENT, 'status'], status],
  ]);

/** The Maintenance alertContext sample (a part, not a whole payload) in the common envelope, for SUB_A. */
function maintenance(): unknown {
  const part = JSON.parse(readFixture('parts/servicehealth-maintenance-common-alertcontext-doc-sample.json')) as { alertContext: unknown };
  return {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: { alertRule: 'maintenance', monitoringService: 'ServiceHealth', alertTargetIDs: [`/subscriptions/${SUB_A}`], firedDateTime: '2019-06-24T11:31:31Z' },
      alertContext: part.alertContext,
    },
  };
}

/** Every Service Health, Resource Health and Administrative fixture, and the workloads its alert is for. */
const PUBLISHED: Record<string, string[]> = {
  'servicehealth-legacy-doc-sample.json': ['vm-australia'],
  'servicehealth-legacy-testaction.json': ['service-name'],
  'servicehealth-common-testaction-2021.json': ['service-name'],
  // Subscription "<subscription ID>" is none of the catalog's.
  'activitylog-event-servicehealth.json': [],
  // ActionRequired: an advisory, not forwarded by default (and the record names no subscription).
  'eventhub-servicehealth-actionrequired-dynatrace.json': [],
  // The VM is no catalog resource (and the cause is UserInitiated).
  'resourcehealth-common-testaction.json': [],
  'resourcehealth-legacy-doc-sample.json': [],
  'administrative-common-testaction.json': [],
  'administrative-legacy-testaction.json': [],
  'administrative-legacy-doc-sample.json': [],
  'administrative-legacy-common-doc-sample.json': [],
  'eventhub-administrative-doc-sample.json': [],
};

const REPLAYED: Array<[string, () => unknown, string[]]> = [
  ['Resource Health test action, aimed at the Data Share account, platform-caused', () => aimed('resourcehealth-common-testaction.json', TEST_VM, DATASHARE, [[['data', 'alertContext', 'properties', 'cause'], 'PlatformInitiated']]), ['datashare-eus2']],
  ['Resource Health test action, aimed at the Data Share account, user-caused as published', () => aimed('resourcehealth-common-testaction.json', TEST_VM, DATASHARE), []],
  ['Resource Health sample, a streaming endpoint under the Media Services account', () => legacyHealth(`${MEDIA}/streamingEndpoints/default`, 'PlatformInitiated'), ['media-weu']],
  ['Resource Health sample, the Media Services account, cause Unknown (its policy acts on it)', () => legacyHealth(MEDIA, 'Unknown'), ['media-weu']],
  ['Resource Health sample, the Data Share account, cause Unknown (its policy notifies)', () => legacyHealth(DATASHARE, 'Unknown'), []],
  ['Resource Health sample, the Data Share account, recovered', () => legacyHealth(DATASHARE, 'PlatformInitiated', 'Available'), ['datashare-eus2']],
  ['Resource Health sample, the Data Share account, status Unknown', () => legacyHealth(DATASHARE, 'PlatformInitiated', 'Unknown'), []],
  ['Administrative test action, Data Share account deleted, Succeeded', () => deleteDataShare('Succeeded'), ['datashare-eus2']],
  ['Administrative test action, Data Share account delete Started', () => deleteDataShare('Started'), []],
  ['Maintenance sample (Azure Synapse Analytics, East US)', maintenance, ['synapse-maintenance']],
];

describe('generated alert rules fire exactly for the alerts catalog match maps', () => {
  it('the catalog generates its rules without problems', () => {
    expect(generated.problems).toEqual([]);
    expect(rules.map((r) => `${r.subscriptionId} ${r.name} [${r.workloads.join(' ')}]`).sort()).toEqual([
      `${SUB_1} failover-resourcehealth [vm-australia-elsewhere]`,
      `${SUB_1} failover-servicehealth-service-name [service-name]`,
      `${SUB_1} failover-servicehealth-vm-australia-elsewhere [vm-australia-elsewhere]`,
      `${SUB_A} failover-administrative-datashare-eus2 [datashare-eus2]`,
      `${SUB_A} failover-resourcehealth [service-name datashare-eus2 genomics-quiet synapse-maintenance synapse-notify]`,
      `${SUB_A} failover-resourcehealth-any-cause [media-weu]`,
      `${SUB_A} failover-servicehealth-datashare-eus2 [datashare-eus2]`,
      `${SUB_A} failover-servicehealth-genomics-quiet [genomics-quiet]`,
      `${SUB_A} failover-servicehealth-media-weu [media-weu]`,
      `${SUB_A} failover-servicehealth-service-name [service-name]`,
      `${SUB_A} failover-servicehealth-synapse-maintenance [synapse-maintenance]`,
      `${SUB_A} failover-servicehealth-synapse-notify [synapse-notify]`,
      `${SUB_C} failover-resourcehealth [vm-australia]`,
      `${SUB_C} failover-servicehealth-vm-australia [vm-australia]`,
    ]);
  });

  for (const [name, expected] of Object.entries(PUBLISHED)) {
    it(name, () => {
      const payload = json(name);
      const fired = firing(payload);
      expect(matching(payload)).toEqual(expected);
      expect(fired.workloads, fired.why.join('\n')).toEqual(expected);
    });
  }

  for (const [name, payload, expected] of REPLAYED) {
    it(name, () => {
      const fired = firing(payload());
      expect(matching(payload())).toEqual(expected);
      expect(fired.workloads, fired.why.join('\n')).toEqual(expected);
    });
  }

  it('a service name written without spaces (the 2025 test action\'s "AzureServiceName") still fires: the rule lists the spaceless forms too', () => {
    const payload = json('servicehealth-common-testaction.json');
    expect(matching(payload)).toEqual(['service-name']);
    expect(firing(payload).workloads).toEqual(['service-name']);
  });
});
