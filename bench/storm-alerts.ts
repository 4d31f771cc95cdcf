/**
 * The alerts of bench:storm and when they are sent: Resource Health for every resource of the
 * region, the Service Health incident and its updates, and redeliveries. Apart from the benchmark
 * so that test/bench/storm-alerts.test.ts can check the storm is what the benchmark says it is.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert } from '../lib/alerts/index.js';
import { seededRandom } from '../local/durable/index.js';
import { repoRoot } from '../local/registry.js';

export interface StormOptions {
  /** Resource Health alerts, one per resource (media-streaming's few among them). */
  resources: number;
  /** Share of all distinct alerts delivered a second time. */
  redeliver: number;
  /** Simulated seconds the storm is delivered within. */
  window: number;
  seed: number;
}

export const REGION = 'westeurope';
export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const ACCOUNT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu`;
/** media-streaming's resources in West Europe that Resource Health reports on. */
export const WORKLOAD_RESOURCES = [ACCOUNT, `${ACCOUNT}/streamingEndpoints/default`, `${ACCOUNT}/liveEvents/live-main`];
/** Subscriptions of the resources no workload protects: the workloads' own and four others. */
const OTHER_SUBSCRIPTIONS = [SUBSCRIPTION, '22222222-2222-2222-2222-222222222222', '33333333-3333-3333-3333-333333333333', '44444444-4444-4444-4444-444444444444', '55555555-5555-5555-5555-555555555555'];
/** Resource types of the unprotected resources (provider/type, name prefix). */
const OTHER_TYPES: Array<[string, string]> = [
  ['Microsoft.Compute/virtualMachines', 'vm'],
  ['Microsoft.Compute/disks', 'disk'],
  ['Microsoft.Network/networkInterfaces', 'nic'],
  ['Microsoft.Network/loadBalancers', 'lb'],
  ['Microsoft.Storage/storageAccounts', 'st'],
  ['Microsoft.Web/sites', 'app'],
  ['Microsoft.Sql/servers/databases', 'sql'],
  ['Microsoft.KeyVault/vaults', 'kv'],
  ['Microsoft.Cache/redis', 'redis'],
  ['Microsoft.ContainerService/managedClusters', 'aks'],
];
/**
 * When the Service Health Active is first delivered, and its updates, as shares of the window
 * (20 s, then 50, 75 and 100 s in the default 120 s); media-streaming's own Resource Health alerts
 * come 10, 25 and 40 s after the Active (see makeStorm).
 */
const SERVICE_HEALTH_AT = 1 / 6;
export const UPDATES_AT = [5 / 12, 5 / 8, 5 / 6];
const WORKLOAD_ALERTS_AT = [1 / 4, 3 / 8, 1 / 2];
/** Azure Monitor retries a webhook 5 to 40 s later; redeliveries are spread over the same interval. */
export const REDELIVERY_DELAY: [number, number] = [5, 40];
/** First deliveries end this much before the window, so every redelivery falls inside it. */
const FIRST_DELIVERIES_END = REDELIVERY_DELAY[1];

// ---------------------------------------------------------------------------------------------
// The storm

export type Kind = 'resource-health, no workload' | 'resource-health, media-streaming' | 'service-health';

export interface Distinct {
  body: string;
  sha: string;
  kind: Kind;
  /** Simulated seconds after the storm starts it is first delivered. */
  at: number;
  /** The incident key a workload's incident is found by (trackingId or resource id). */
  key: string;
  title: string;
}

export interface Storm {
  distinct: Distinct[];
  /** [index into distinct, simulated s after the start], sorted by time. */
  sends: Array<[number, number]>;
  trackingId: string;
  redeliveries: number;
}

function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A Resource Health alert in the common alert schema, field for field the shape of Microsoft's
 * sample ("Sample test action Resource health alert", alerts-payload-samples.md: monitoringService
 * "Resource Health", eventSource "ResourceHealth", string channels and level, the resource id only
 * in alertTargetIDs, lower-cased as Azure Monitor sends it), as a platform-initiated loss.
 */
function resourceHealthAlert(resourceId: string, eventAt: number, random: () => number): { body: string; title: string } {
  const name = resourceId.split('/').pop()!;
  const subscription = resourceId.split('/')[2]!;
  const eventId = uuid(random);
  const correlationId = uuid(random);
  const title = `${name} is unavailable (West Europe platform issue)`;
  const alert = {
    schemaId: 'azureMonitorCommonAlertSchema',
    data: {
      essentials: {
        alertId: `/subscriptions/${subscription}/providers/Microsoft.AlertsManagement/alerts/${uuid(random)}`,
        alertRule: 'rh-westeurope-unavailable',
        severity: 'Sev1',
        signalType: 'Activity Log',
        monitorCondition: 'Fired',
        monitoringService: 'Resource Health',
        alertTargetIDs: [resourceId.toLowerCase()],
        configurationItems: [name],
        originAlertId: `${eventId}_${createHash('sha256').update(eventId).digest('hex').slice(0, 32)}`,
        firedDateTime: iso(eventAt + 1500),
        description: 'Resource Health: resources unavailable in West Europe',
        essentialsVersion: '1.0',
        alertContextVersion: '1.0',
      },
      alertContext: {
        channels: 'Admin, Operation',
        correlationId,
        eventSource: 'ResourceHealth',
        eventTimestamp: iso(eventAt),
        eventDataId: eventId,
        level: 'Critical',
        operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
        operationId: eventId,
        properties: {
          title,
          details: "We're sorry, your resource is unavailable because of a platform issue in the region.",
          currentHealthStatus: 'Unavailable',
          previousHealthStatus: 'Available',
          type: 'Downtime',
          cause: 'PlatformInitiated',
        },
        status: 'Active',
        submissionTimestamp: iso(eventAt + 1000),
        'Activity Log Event Description': null,
      },
    },
  };
  return { body: JSON.stringify(alert), title };
}

type ServiceHealthAlert = { data: { essentials: Record<string, unknown>; alertContext: Record<string, unknown> & { properties: Record<string, unknown> } } };

/** The Service Health incident's Active (n = 0) and updates, from the repository's Media Services sample. */
function serviceHealthAlert(template: ServiceHealthAlert, trackingId: string, n: number, impactStart: number, eventAt: number, random: () => number): { body: string; title: string } {
  const alert = structuredClone(template);
  const title = n === 0 ? 'Media Services - West Europe - Investigating' : `Media Services - West Europe - Update ${n}: mitigation in progress`;
  const eventId = uuid(random);
  const correlationId = uuid(random);
  Object.assign(alert.data.essentials, {
    alertId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.AlertsManagement/alerts/${uuid(random)}`,
    originAlertId: eventId,
    firedDateTime: iso(eventAt + 2000).replace('Z', ''),
  });
  Object.assign(alert.data.alertContext, {
    correlationId,
    operationId: correlationId,
    eventDataId: eventId,
    eventTimestamp: iso(eventAt).replace('Z', '+00:00'),
    submissionTimestamp: iso(eventAt + 1500).replace('Z', '+00:00'),
  });
  Object.assign(alert.data.alertContext.properties, {
    title,
    defaultLanguageTitle: title,
    trackingId,
    communicationId: String(11_000_093_600_000 + n),
    impactStartTime: iso(impactStart).replace(/\.\d+Z$/, 'Z'),
  });
  return { body: JSON.stringify(alert), title };
}

/**
 * The storm's bodies and its schedule. First deliveries: the unprotected resources' alerts spread
 * evenly (in a seeded order) over the window less the longest redelivery delay; the Service Health
 * Active at SERVICE_HEALTH_AT and its updates after it; media-streaming's own Resource Health
 * alerts after the Active, so that the Service Health incident is the one that fails over in the
 * storm as in the baseline and the two times measure the same path (an earlier alert for the
 * account would open a Resource Health incident that takes the failover, and the Service Health
 * incident would only link to it). Then a redelivery of a seeded `redeliver` share of them all.
 */
export function makeStorm(o: StormOptions, start: number, trackingId: string): Storm {
  const random = seededRandom(o.seed);
  const template = JSON.parse(readFileSync(join(repoRoot(), 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8')) as ServiceHealthAlert;
  const distinct: Distinct[] = [];
  const add = (kind: Kind, at: number, key: string, made: { body: string; title: string }) =>
    distinct.push({ body: made.body, sha: createHash('sha256').update(made.body).digest('hex'), kind, at, key, title: made.title });
  const others = o.resources - WORKLOAD_RESOURCES.length;
  const spread = o.window - FIRST_DELIVERIES_END;
  const slots = Array.from({ length: others }, (_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  for (let i = 0; i < others; i++) {
    const [type, prefix] = OTHER_TYPES[i % OTHER_TYPES.length]!;
    const subscription = OTHER_SUBSCRIPTIONS[i % OTHER_SUBSCRIPTIONS.length]!;
    const group = `rg-${prefix}-weu-${String(Math.floor(i / 97) % 40).padStart(2, '0')}`;
    const n = String(i).padStart(5, '0');
    const id =
      type === 'Microsoft.Sql/servers/databases'
        ? `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Sql/servers/sql-weu-${n.slice(0, 3)}/databases/db${n}`
        : `/subscriptions/${subscription}/resourceGroups/${group}/providers/${type}/${prefix}-weu-${n}`;
    const at = (slots[i]! / others) * spread;
    add('resource-health, no workload', at, id.toLowerCase(), resourceHealthAlert(id, start + at * 1000 - 60_000, random));
  }
  const impactStart = start - 3 * 60_000;
  [SERVICE_HEALTH_AT, ...UPDATES_AT].forEach((share, n) => {
    const at = share * o.window;
    add('service-health', at, trackingId, serviceHealthAlert(template, trackingId, n, impactStart, start + at * 1000 - 30_000, random));
  });
  WORKLOAD_RESOURCES.forEach((id, n) => {
    const at = WORKLOAD_ALERTS_AT[n]! * o.window;
    add('resource-health, media-streaming', at, id.toLowerCase(), resourceHealthAlert(id, start + at * 1000 - 60_000, random));
  });
  const sends: Array<[number, number]> = distinct.map((d, k) => [k, d.at]);
  let redeliveries = 0;
  for (let k = 0; k < distinct.length; k++) {
    if (random() >= o.redeliver) continue;
    const delay = REDELIVERY_DELAY[0] + random() * (REDELIVERY_DELAY[1] - REDELIVERY_DELAY[0]);
    sends.push([k, Math.min(o.window - 0.5, distinct[k]!.at + delay)]);
    redeliveries++;
  }
  sends.sort((a, b) => a[1] - b[1]);
  // Every body must read as what it stands for, or the storm would measure the parser's refusals.
  for (const d of distinct) {
    const parsed = parseAlert(Buffer.from(d.body), { receivedAt: new Date(start) });
    const want = d.kind === 'service-health' ? 'serviceHealth' : 'resourceHealth';
    if (!parsed.ok || parsed.value.kind !== want || parsed.value.incidentKey.toLowerCase() !== d.key.toLowerCase()) {
      throw new Error(`a storm alert does not parse as ${want} for ${d.key}: ${JSON.stringify(parsed.ok ? parsed.value.kind : parsed.error).slice(0, 300)}`);
    }
  }
  return { distinct, sends, trackingId, redeliveries };
}
