/**
 * The decision table: which alerts may start a failover, as alert kind × incident type or cause ×
 * stage × subscription (the workload's, or another) × policy. Each row names the published payload
 * samples it is tried in (aimed at a catalog workload in every schema they come in) and the
 * expected cell for each column; `decisionTable()` prints it as README.md does. table.test.ts runs
 * every cell.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAlert } from '../../lib/alerts/index.js';
import { parseCatalog } from '../../lib/catalog/index.js';
import type { Catalog } from '../../lib/catalog/types.js';
import { decideSignal, type SignalDecision, type SignalSource } from '../../lib/decisions/decide.js';
import { fixturesDir, repoRoot } from '../support/fixtures.js';
import { GRAPH_ISSUE as ISSUE } from '../support/graph-issue.js';

export const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const OTHER_SUBSCRIPTION = '99999999-9999-9999-9999-999999999999';
const ACCOUNT = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2`;
const NAMED_OPERATION = 'Microsoft.DataShare/accounts/delete';

export type Column = 'auto' | 'approval' | 'notify-only' | 'opted in' | 'other subscription';
export const COLUMNS: readonly Column[] = ['auto', 'approval', 'notify-only', 'opted in', 'other subscription'];

// ── the catalogs: the sample, with datashare-sales and dynamics-crm under each policy ─────────

const sample = readFileSync(join(repoRoot, 'samples/catalog.yaml'), 'utf8');
const DATASHARE_POLICY = 'policy:\n      trigger: auto\n    notify:\n      - webhook: https://hooks.contoso.example/dr';
const DYNAMICS_POLICY = 'policy:\n      trigger: notify-only\n    notify:\n      - email: crm-oncall@contoso.example';
const POLICIES: Record<Exclude<Column, 'other subscription'>, string> = {
  auto: 'trigger: auto',
  approval: 'trigger: approval\n      approval: { timeout: 30m }',
  'notify-only': 'trigger: notify-only',
  // Every rule a catalog can opt into: failing over for maintenance, acting on an unknown cause, an Administrative operation.
  'opted in': `trigger: auto\n      maintenance: { action: failover, leadTime: 1h }\n      unknownCause: act\n      administrative:\n        - { operation: ${NAMED_OPERATION}, status: [Succeeded] }`,
};

function catalogWith(policy: string): Catalog {
  if (!sample.includes(DATASHARE_POLICY) || !sample.includes(DYNAMICS_POLICY)) throw new Error('the sample catalog no longer has the policies this table edits');
  const text = sample
    .replace(DATASHARE_POLICY, DATASHARE_POLICY.replace('trigger: auto', policy))
    .replace(DYNAMICS_POLICY, DYNAMICS_POLICY.replace('trigger: notify-only', policy));
  const parsed = parseCatalog(text, { now: new Date('2026-12-01T00:00:00Z') });
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return parsed.catalog;
}
export const catalogs = Object.fromEntries(Object.entries(POLICIES).map(([column, policy]) => [column, catalogWith(policy)])) as Record<Exclude<Column, 'other subscription'>, Catalog>;

// ── the alerts: published samples, aimed at the workload ─────────────────────────────────────

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(join(fixturesDir(), name), 'utf8')) as Json;

interface Aim {
  subscription: string;
  incidentType?: string;
  stage?: string;
  status?: string;
  /** Resource Health: `currentHealthStatus` and `cause` (null removes it). */
  health?: string;
  cause?: string | null;
  operation?: string;
}

/**
 * The sample with its event pointed at datashare-sales: the Azure Data Share service in East US 2
 * (Service Health) or its primary consumer account (Resource Health, Administrative), from
 * `subscription`; what it says set as given. Every field is set where that schema keeps it.
 */
function aimed(sample: Json, aim: Aim): string {
  const body = structuredClone(sample);
  const target = aim.incidentType !== undefined ? `/subscriptions/${aim.subscription}` : ACCOUNT;
  const visit = (node: unknown, key: string | null, parent: Json | unknown[] | null): void => {
    if (Array.isArray(node)) {
      node.forEach((item) => visit(item, key, node));
      if (key === 'alertTargetIDs') node.splice(0, node.length, target);
      return;
    }
    if (node !== null && typeof node === 'object') {
      const o = node as Json;
      for (const [k, v] of Object.entries(o)) visit(v, k, o);
      if ('incidentType' in o || 'currentHealthStatus' in o || 'eventCategory' in o) eventProperties(o, aim);
      // An Administrative event may name its operation only in authorization.action, and carry no status.
      if (aim.operation !== undefined && 'authorization' in o) {
        const auth = o['authorization'];
        if (auth !== null && typeof auth === 'object' && 'action' in auth) (auth as Json)['action'] = aim.operation;
        o['status'] ??= aim.status;
      }
      return;
    }
    if (typeof node !== 'string' || parent === null || Array.isArray(parent) || key === null) return;
    const p = parent;
    if (key === 'subscriptionId') p[key] = aim.subscription;
    // The alert rule lives in the alert's subscription; a resource alert is about the workload's own account.
    if (key === 'alertId' && /^\/subscriptions\//i.test(node)) p[key] = node.replace(/^\/subscriptions\/[^/]+/i, `/subscriptions/${aim.subscription}`);
    if (['resourceId', 'scope', 'entity'].includes(key) && /^\/subscriptions\//i.test(node)) p[key] = target;
    if (key === 'status' && 'operationName' in p) p[key] = aim.status ?? aim.stage ?? node;
    if (key === 'operationName' && aim.operation !== undefined) p[key] = aim.operation;
    if (/^issynthetic$/i.test(key)) p[key] = 'False';
  };
  visit(body, null, null);
  // An Event Hub record keeps the subscription in its resourceId; the published one has none.
  if (body['category'] === 'ServiceHealth' && body['resourceId'] === undefined) body['resourceId'] = `/subscriptions/${aim.subscription}`;
  return JSON.stringify(body);
}

function eventProperties(p: Json, aim: Aim): void {
  if (aim.incidentType !== undefined) {
    p['incidentType'] = aim.incidentType;
    p['stage'] = aim.stage;
    p['service'] = 'Azure Data Share';
    p['region'] = 'East US 2';
    p['impactedServices'] = JSON.stringify([{ ImpactedRegions: [{ RegionName: 'East US 2' }], ServiceName: 'Azure Data Share' }]);
    p['trackingId'] = 'DS01-E2X';
  }
  if (aim.health !== undefined) {
    p['currentHealthStatus'] = aim.health;
    if (aim.cause === null) delete p['cause'];
    else p['cause'] = aim.cause;
  }
}

export interface Row {
  alert: string;
  what: string;
  stage: string;
  /** The payloads this row is tried in, one per schema. */
  bodies: (subscription: string) => { schema: string; body: string; source: SignalSource }[];
  expected: Record<Column, string>;
}

export const SERVICE_HEALTH = ['servicehealth-common-testaction.json', 'servicehealth-common-testaction-2021.json', 'servicehealth-legacy-doc-sample.json', 'servicehealth-legacy-testaction.json', 'activitylog-event-servicehealth.json', 'eventhub-servicehealth-actionrequired-dynatrace.json'];
export const RESOURCE_HEALTH = ['resourcehealth-common-testaction.json', 'resourcehealth-legacy-doc-sample.json'];
export const ADMINISTRATIVE = ['administrative-common-testaction.json', 'administrative-legacy-testaction.json', 'administrative-legacy-doc-sample.json'];

const fromSamples = (names: string[], aim: Omit<Aim, 'subscription'>) => (subscription: string) =>
  names.map((name) => ({ schema: name, body: aimed(fixture(name), { ...aim, subscription }), source: 'webhook' as const }));

const cells = (auto: string, approval: string, notifyOnly: string, optedIn: string, other: string): Record<Column, string> => ({
  auto,
  approval,
  'notify-only': notifyOnly,
  'opted in': optedIn,
  'other subscription': other,
});
const FAILS_OVER = cells('fails over', 'fails over after approval', 'notifies', 'fails over', 'ignored');
const NOTIFIES = cells('notifies', 'notifies', 'notifies', 'notifies', 'ignored');
const ENDS = cells('ends a running incident', 'ends a running incident', 'ends a running incident', 'ends a running incident', 'ignored');
const IGNORED = cells('ignored', 'ignored', 'ignored', 'ignored', 'ignored');

export const ROWS: Row[] = [
  { alert: 'Service Health', what: 'Incident', stage: 'Active', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Incident', stage: 'Active', status: 'Active' }), expected: FAILS_OVER },
  { alert: 'Service Health', what: 'Incident', stage: 'Resolved', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Incident', stage: 'Resolved', status: 'Resolved' }), expected: ENDS },
  {
    alert: 'Service Health',
    what: 'Maintenance',
    stage: 'Planned',
    bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Maintenance', stage: 'Planned', status: 'Active' }),
    expected: cells('notifies', 'notifies', 'notifies', 'fails over (planned, before the window)', 'ignored'),
  },
  { alert: 'Service Health', what: 'Maintenance', stage: 'Complete', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Maintenance', stage: 'Complete', status: 'Resolved' }), expected: ENDS },
  { alert: 'Service Health', what: 'Informational', stage: 'Active', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Informational', stage: 'Active', status: 'Active' }), expected: NOTIFIES },
  { alert: 'Service Health', what: 'ActionRequired', stage: 'Active', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'ActionRequired', stage: 'Active', status: 'Active' }), expected: NOTIFIES },
  { alert: 'Service Health', what: 'Security', stage: 'Active', bodies: fromSamples(SERVICE_HEALTH, { incidentType: 'Security', stage: 'Active', status: 'Active' }), expected: NOTIFIES },
  { alert: 'Resource Health', what: 'Unavailable, PlatformInitiated', stage: 'Active', bodies: fromSamples(RESOURCE_HEALTH, { health: 'Unavailable', cause: 'PlatformInitiated', status: 'Active' }), expected: FAILS_OVER },
  { alert: 'Resource Health', what: 'Degraded, PlatformInitiated', stage: 'Active', bodies: fromSamples(RESOURCE_HEALTH, { health: 'Degraded', cause: 'PlatformInitiated', status: 'Active' }), expected: FAILS_OVER },
  { alert: 'Resource Health', what: 'Unavailable, UserInitiated', stage: 'Active', bodies: fromSamples(RESOURCE_HEALTH, { health: 'Unavailable', cause: 'UserInitiated', status: 'Active' }), expected: IGNORED },
  {
    alert: 'Resource Health',
    what: 'Unavailable, cause Unknown',
    stage: 'Active',
    bodies: fromSamples(RESOURCE_HEALTH, { health: 'Unavailable', cause: 'Unknown', status: 'Active' }),
    expected: cells('notifies', 'notifies', 'notifies', 'fails over', 'ignored'),
  },
  {
    alert: 'Resource Health',
    what: 'Unavailable, no cause',
    stage: 'Updated',
    bodies: fromSamples(RESOURCE_HEALTH, { health: 'Unavailable', cause: null, status: 'Updated' }),
    expected: cells('notifies', 'notifies', 'notifies', 'fails over', 'ignored'),
  },
  { alert: 'Resource Health', what: 'Unknown', stage: 'Active', bodies: fromSamples(RESOURCE_HEALTH, { health: 'Unknown', cause: 'PlatformInitiated', status: 'Active' }), expected: NOTIFIES },
  { alert: 'Resource Health', what: 'Available', stage: 'Resolved', bodies: fromSamples(RESOURCE_HEALTH, { health: 'Available', cause: 'PlatformInitiated', status: 'Resolved' }), expected: ENDS },
  {
    alert: 'Administrative',
    what: `${NAMED_OPERATION} (named by the catalog)`,
    stage: 'Succeeded',
    bodies: fromSamples(ADMINISTRATIVE, { operation: NAMED_OPERATION, status: 'Succeeded' }),
    expected: cells('ignored', 'ignored', 'ignored', 'fails over after approval', 'ignored'),
  },
  { alert: 'Administrative', what: `${NAMED_OPERATION} (named by the catalog)`, stage: 'Failed', bodies: fromSamples(ADMINISTRATIVE, { operation: NAMED_OPERATION, status: 'Failed' }), expected: IGNORED },
  { alert: 'Administrative', what: 'Microsoft.Resources/tags/write', stage: 'Succeeded', bodies: fromSamples(ADMINISTRATIVE, { operation: 'Microsoft.Resources/tags/write', status: 'Succeeded' }), expected: IGNORED },
  {
    alert: 'Microsoft 365 (Dynamics 365)',
    what: 'incident, read by the poller',
    stage: 'serviceDegradation',
    bodies: () => [{ schema: 'graph issue', body: JSON.stringify(ISSUE), source: 'poller' }],
    expected: cells('pauses integrations', 'pauses integrations after approval', 'pauses integrations', 'pauses integrations', 'n/a'),
  },
  {
    alert: 'Microsoft 365 (Dynamics 365)',
    what: 'advisory, read by the poller',
    stage: 'serviceDegradation',
    bodies: () => [{ schema: 'graph issue', body: JSON.stringify({ ...ISSUE, classification: 'advisory' }), source: 'poller' }],
    expected: cells('notifies', 'notifies', 'notifies', 'notifies', 'n/a'),
  },
  {
    alert: 'Microsoft 365 (Dynamics 365)',
    what: 'incident, posted to the webhook',
    stage: 'serviceDegradation',
    bodies: () => [{ schema: 'graph issue', body: JSON.stringify(ISSUE), source: 'webhook' }],
    expected: cells('notifies', 'notifies', 'notifies', 'notifies', 'n/a'),
  },
];

/** What the decision means for the concerned workload, in the table's words. */
function cell(decision: SignalDecision): string {
  if (decision.workloads.length !== 1) return decision.workloads.length === 0 ? `no workload (${decision.reason})` : 'several workloads';
  const d = decision.workloads[0]!;
  const provider = d.workloadId === 'dynamics-crm';
  if (d.verdict === 'act') {
    const what = provider ? 'pauses integrations' : 'fails over';
    return `${what}${d.trigger === 'approval' ? ' after approval' : ''}${d.kind === 'planned' ? ' (planned, before the window)' : ''}`;
  }
  if (d.verdict === 'notify') return 'notifies';
  return d.inScope && /can only end an incident/.test(d.reason) ? 'ends a running incident' : 'ignored';
}

export function decide(row: Row, column: Column): { schema: string; cell: string; reason: string }[] {
  const catalog = column === 'other subscription' ? catalogs.auto : catalogs[column];
  const subscription = column === 'other subscription' ? OTHER_SUBSCRIPTION : SUBSCRIPTION;
  return row.bodies(subscription).map(({ schema, body, source }) => {
    const parsed = parseAlert(body, { receivedAt: new Date('2026-11-23T09:15:00Z') });
    if (!parsed.ok) throw new Error(`${schema}: ${parsed.error.path}: ${parsed.error.message}`);
    const decision = decideSignal(catalog, parsed.value, source);
    const value = row.alert.startsWith('Microsoft 365') && column === 'other subscription' ? 'n/a' : cell(decision);
    return { schema, cell: value, reason: decision.workloads[0]?.reason ?? decision.reason ?? '' };
  });
}

/** The table as README.md prints it. */
export function decisionTable(): string {
  const header = `| alert | type or cause | stage | ${COLUMNS.map((c) => (c === 'other subscription' ? 'alert from another subscription' : `policy: ${c}`)).join(' | ')} |`;
  const rule = `|${' --- |'.repeat(3 + COLUMNS.length)}`;
  const lines = ROWS.map((r) => `| ${r.alert} | ${r.what} | ${r.stage} | ${COLUMNS.map((c) => r.expected[c]).join(' | ')} |`);
  return [header, rule, ...lines].join('\n');
}

