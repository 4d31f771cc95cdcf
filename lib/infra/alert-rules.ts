/**
 * The activity log alert rules a catalog implies, so that Azure Monitor sends the app exactly the
 * alerts `catalog match` maps to a workload, of the kinds its policy acts on or wants to hear of:
 *
 * - Service Health, one rule per workload (and subscription): `Incident` always, `Maintenance` only
 *   where the policy fails over for maintenance, the advisories (ActionRequired, Informational,
 *   Security) only when asked for; the workload's services (as written, with and without a leading
 *   "Azure"/"Microsoft", since Service Health has used both) in its primary and secondary regions
 *   or in no region (Global). Azure Monitor compares case-insensitively but not spacing, so the
 *   names are Service Health's display names. One rule per workload rather than one for all: the
 *   conditions are a product (any listed service AND any listed region), which for two workloads
 *   together would also fire for the first workload's service in the second's region.
 * - Resource Health, one rule per subscription: its protected resources as scopes (an event
 *   matches a resource and anything beneath it, as `catalog match` does), caused by the platform
 *   (and `Unknown` where the policy acts on unknown causes), current status Unavailable, Degraded
 *   or Available (the recovery closes the incident). Never `previousHealthStatus`: a real outage
 *   arrives as Unknown → Unavailable.
 * - Administrative, for the operations a policy names, scoped to that workload's resources; never
 *   a rule with only a category, which would forward every write in the subscription.
 *
 * Dynamics 365 has no Azure Service Health: Microsoft 365 service health is read by the poller
 * (SERVICE_HEALTH_POLL), and no rule is written for it.
 *
 * Conditions follow Microsoft.Insights/activityLogAlerts 2020-10-01 (AlertRuleAllOfCondition:
 * leaves `{field, equals}` or `{field, containsAny}`, one level of `anyOf`).
 */
import { GLOBAL_REGION_NAMES, regionDisplayName } from '../alerts/regions.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, Workload } from '../catalog/types.js';

export type Leaf = { field: string; equals: string } | { field: string; containsAny: string[] };
export type Condition = Leaf | { anyOf: Leaf[] };

export type RuleKind = 'serviceHealth' | 'resourceHealth' | 'administrative';

export interface AlertRule {
  kind: RuleKind;
  /** Unique per subscription; kebab-case, at most 260 characters. */
  name: string;
  subscriptionId: string;
  description: string;
  scopes: string[];
  condition: { allOf: Condition[] };
  /** The workloads it carries alerts for. */
  workloads: string[];
}

export interface RuleOptions {
  /** Also forward Service Health advisories (ActionRequired, Informational, Security): the app notifies on them. */
  advisories: boolean;
}

/** A catalog fact that stops a rule from being written, with the catalog path that causes it. */
export interface RuleProblem {
  path: string;
  message: string;
}

const ADVISORIES = ['ActionRequired', 'Informational', 'Security'];
/** Resource Health statuses that open, worsen or close an incident. */
const HEALTH_STATUSES = ['Unavailable', 'Degraded', 'Available'];

export function catalogAlertRules(catalog: Catalog, options: RuleOptions): { rules: AlertRule[]; problems: RuleProblem[] } {
  const rules: AlertRule[] = [];
  const problems: RuleProblem[] = [];
  catalog.workloads.forEach((workload, index) => {
    if (workload.playbook.kind === 'dynamics365') return;
    const sh = serviceHealthCondition(workload, index, options, problems);
    if (sh !== null) {
      for (const subscriptionId of workload.subscriptions) {
        rules.push({
          kind: 'serviceHealth',
          name: `failover-servicehealth-${workload.id}`,
          subscriptionId,
          description: `Service Health for ${workload.services.join(', ')} in ${regionsOf(workload).join(' and ')} (workload ${workload.id}), sent to the failover orchestrator`,
          scopes: [`/subscriptions/${subscriptionId}`],
          condition: sh,
          workloads: [workload.id],
        });
      }
    }
    rules.push(...administrativeRules(workload));
  });
  rules.push(...resourceHealthRules(catalog));
  return { rules, problems };
}

function regionsOf(workload: Workload): string[] {
  return [workload.primary.region, ...(workload.secondary !== null ? [workload.secondary.region] : [])];
}

/**
 * The names a service may appear under in Service Health: as written, with or without its vendor
 * word, and each without spaces (Azure's own 2025 test notification writes "AzureServiceName").
 * `catalog match` ignores all of that; Azure Monitor compares whole strings (case aside).
 */
export function serviceNameVariants(service: string): string[] {
  const bare = service.replace(/^(azure|microsoft)\s+/i, '');
  const spaced = [service, bare, `Azure ${bare}`, `Microsoft ${bare}`];
  const all = [...spaced, ...spaced.map((name) => name.replace(/\s+/g, ''))];
  const seen = new Set<string>();
  return all.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

function serviceHealthCondition(workload: Workload, index: number, options: RuleOptions, problems: RuleProblem[]): { allOf: Condition[] } | null {
  const regions: string[] = [];
  for (const side of ['primary', 'secondary'] as const) {
    const region = (side === 'primary' ? workload.primary : workload.secondary)?.region;
    if (region === undefined) continue;
    const display = regionDisplayName(region);
    if (display === null) {
      problems.push({ path: `workloads[${index}].${side}.region`, message: `no Service Health display name is known for region '${region}', so no rule can name it; use an Azure region Service Health reports on` });
      return null;
    }
    regions.push(display);
  }
  const types = ['Incident', ...(workload.policy.maintenance.action === 'failover' ? ['Maintenance'] : []), ...(options.advisories ? ADVISORIES : [])];
  return {
    allOf: [
      { field: 'category', equals: 'ServiceHealth' },
      anyOfEquals('properties.incidentType', types),
      { field: 'properties.impactedServices[*].ServiceName', containsAny: workload.services.flatMap(serviceNameVariants) },
      { field: 'properties.impactedServices[*].ImpactedRegions[*].RegionName', containsAny: [...regions, ...GLOBAL_REGION_NAMES] },
    ],
  };
}

/** One value: a leaf; several: an anyOf of leaves (a leaf's `equals` takes one value). */
function anyOfEquals(field: string, values: readonly string[]): Condition {
  return values.length === 1 ? { field, equals: values[0]! } : { anyOf: values.map((equals) => ({ field, equals })) };
}

/** The catalog resources of a workload (both sides), by subscription. */
function resourcesBySubscription(workload: Workload): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const side of [workload.primary, workload.secondary]) {
    for (const id of Object.values(side?.resources ?? {})) {
      const sub = parseResourceId(id)?.subscriptionId.toLowerCase();
      if (sub === undefined) continue;
      out.set(sub, [...(out.get(sub) ?? []), id]);
    }
  }
  return out;
}

function resourceHealthRules(catalog: Catalog): AlertRule[] {
  // subscription → cause set → resources and workloads
  const groups = new Map<string, { subscriptionId: string; causes: string[]; scopes: string[]; workloads: string[] }>();
  for (const workload of catalog.workloads) {
    const causes = ['PlatformInitiated', ...(workload.policy.unknownCause === 'act' ? ['Unknown'] : [])];
    for (const [subscriptionId, ids] of resourcesBySubscription(workload)) {
      const key = `${subscriptionId}|${causes.join(',')}`;
      const group = groups.get(key) ?? { subscriptionId, causes, scopes: [], workloads: [] };
      group.scopes.push(...ids);
      if (!group.workloads.includes(workload.id)) group.workloads.push(workload.id);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((g) => ({
    kind: 'resourceHealth',
    name: `failover-resourcehealth${g.causes.length > 1 ? '-any-cause' : ''}`,
    subscriptionId: g.subscriptionId,
    description: `Resource Health of the resources the failover orchestrator protects (${g.workloads.join(', ')}): ${g.causes.join(' or ')} causes`,
    scopes: g.scopes,
    condition: {
      allOf: [{ field: 'category', equals: 'ResourceHealth' }, anyOfEquals('properties.cause', g.causes), anyOfEquals('properties.currentHealthStatus', HEALTH_STATUSES)],
    },
    workloads: g.workloads,
  }));
}

function administrativeRules(workload: Workload): AlertRule[] {
  if (workload.policy.administrative.length === 0) return [];
  // Operations sharing a status set share a rule: any of these operations AND any of these statuses.
  const byStatuses = new Map<string, { statuses: string[]; operations: string[] }>();
  for (const rule of workload.policy.administrative) {
    const key = [...rule.status].sort().join(',');
    const group = byStatuses.get(key) ?? { statuses: [...rule.status], operations: [] };
    group.operations.push(rule.operation);
    byStatuses.set(key, group);
  }
  const rules: AlertRule[] = [];
  for (const [subscriptionId, scopes] of resourcesBySubscription(workload)) {
    [...byStatuses.values()].forEach((group, i) => {
      rules.push({
        kind: 'administrative',
        name: `failover-administrative-${workload.id}${i > 0 ? `-${i + 1}` : ''}`,
        subscriptionId,
        description: `Administrative operations that may start a failover of ${workload.id} (${group.operations.join(', ')}; ${group.statuses.join(' or ')})`,
        scopes,
        condition: { allOf: [{ field: 'category', equals: 'Administrative' }, anyOfEquals('operationName', group.operations), anyOfEquals('status', group.statuses)] },
        workloads: [workload.id],
      });
    });
  }
  return rules;
}
