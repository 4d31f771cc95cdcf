/**
 * Before an outage finds it: may the app's identity do what each playbook step does, and do the
 * alert rules and the action group that bring the app its alerts exist and are enabled?
 *
 * Permissions are asked of ARM for each resource a step touches
 * (`Microsoft.Authorization/permissions`, the caller's effective permissions there: every role
 * assignment at the resource or above). An action is allowed when one permission entry lists a
 * pattern matching it (`*` a wildcard, case-insensitive) and that same entry does not exclude it
 * in `notActions` (https://learn.microsoft.com/azure/role-based-access-control/role-definitions#notactions);
 * data actions likewise with `dataActions`/`notDataActions`.
 *
 * The alerting the catalog implies is read the way `failover infra plan` reads it (lib/infra):
 * each rule carrying the workload's alerts and the action group, missing or disabled.
 */
import type { AzureClients } from '../azure/clients.js';
import { parseResourceId } from '../azure/resource-id.js';
import { isRecord } from '../catalog/schema.js';
import type { Catalog, Workload } from '../catalog/types.js';
import { workloadAccess, type ResourceAccess } from '../infra/access.js';
import { desiredResources } from '../infra/expressions.js';
import { generateInfra, type GeneratedInfra } from '../infra/generate.js';

/** Where the app's alerting lives, from the app's settings (lib/config.ts). */
export interface AlertingPlace {
  appSubscriptionId: string;
  appResourceGroup: string;
  alertRulesResourceGroup: string;
}

export interface MissingPermission {
  step: string;
  /** The resource's name and where the catalog names it: `contosomedianeu (secondary.resources.account)`. */
  resource: string;
  resourceId: string;
  actions: string[];
  dataActions: string[];
}

export interface AlertingProblem {
  /** `activity log alert rule failover-servicehealth-media-streaming in subscription 1111…`. */
  resource: string;
  id: string;
  problem: 'missing' | 'disabled' | 'unreadable';
  detail: string;
}

export interface AccessReadiness {
  complete: boolean;
  summary: string;
  missingPermissions: MissingPermission[];
  alerting: AlertingProblem[];
  /** Resources whose permissions could not be read, and why. */
  unreadable: string[];
  /** Why the alerting was not checked (settings absent), or null. */
  alertingNotChecked: string | null;
}

/** What @azure/arm-authorization 9 reads permissions at. */
const PERMISSIONS_API_VERSION = '2022-04-01';

interface Permission {
  actions?: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

const patternCache = new Map<string, RegExp>();
function matches(pattern: string, action: string): boolean {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    patternCache.set(pattern, re);
  }
  return re.test(action);
}

/** Whether the effective permissions allow `action` (control plane) or, with `data`, the data action. */
export function allows(permissions: readonly Permission[], action: string, data = false): boolean {
  return permissions.some((p) => {
    const allowed = (data ? p.dataActions : p.actions) ?? [];
    const denied = (data ? p.notDataActions : p.notActions) ?? [];
    return allowed.some((a) => matches(a, action)) && !denied.some((a) => matches(a, action));
  });
}

/**
 * Permissions_ListForResource, read by the resource's id: the SDK's form of it takes the parent
 * path separately and writes `Namespace//type` for a top-level resource.
 */
async function effectivePermissions(clients: AzureClients, resourceId: string): Promise<Permission[]> {
  return (await clients.armResources().list(`${resourceId}/providers/Microsoft.Authorization/permissions`, PERMISSIONS_API_VERSION)) as Permission[];
}

function missingFor(access: ResourceAccess, permissions: readonly Permission[]): MissingPermission[] {
  const name = parseResourceId(access.resourceId)?.names.at(-1) ?? access.resourceId;
  const byStep = new Map<string, MissingPermission>();
  for (const step of access.steps) {
    const actions = step.actions.filter((a) => !allows(permissions, a));
    const dataActions = step.dataActions.filter((a) => !allows(permissions, a, true));
    if (actions.length + dataActions.length === 0) continue;
    const found = byStep.get(step.step) ?? { step: step.step, resource: `${name} (${access.catalogPath})`, resourceId: access.resourceId, actions: [], dataActions: [] };
    found.actions.push(...actions.filter((a) => !found.actions.includes(a)));
    found.dataActions.push(...dataActions.filter((a) => !found.dataActions.includes(a)));
    byStep.set(step.step, found);
  }
  return [...byStep.values()];
}

/** What a catalog implies, made once per loaded catalog: the daily check asks for every workload. */
const generatedFor = new WeakMap<Catalog, GeneratedInfra>();
function generatedOf(catalog: Catalog): GeneratedInfra {
  let generated = generatedFor.get(catalog);
  if (generated === undefined) {
    generated = generateInfra(catalog);
    generatedFor.set(catalog, generated);
  }
  return generated;
}

async function alertingProblems(catalog: Catalog, workload: Workload, clients: AzureClients, place: AlertingPlace): Promise<AlertingProblem[]> {
  const generated = generatedOf(catalog);
  const desired = desiredResources(generated.template, { ...place, alertsResourceGroup: place.alertRulesResourceGroup }, place.appSubscriptionId);
  const mine = new Set(generated.rules.filter((r) => r.workloads.includes(workload.id)).map((r) => `${r.subscriptionId}|${r.name}`.toLowerCase()));
  const wanted = desired.filter((d) => {
    const type = d.type.toLowerCase();
    if (type === 'microsoft.insights/actiongroups') return mine.size > 0;
    if (type !== 'microsoft.insights/activitylogalerts') return false;
    const sub = parseResourceId(d.id)?.subscriptionId.toLowerCase();
    return mine.has(`${sub}|${String(d.body['name'])}`.toLowerCase());
  });
  const problems: AlertingProblem[] = [];
  for (const d of wanted) {
    const kind = d.type.toLowerCase() === 'microsoft.insights/actiongroups' ? 'action group' : 'activity log alert rule';
    const resource = `${kind} ${String(d.body['name'])} in subscription ${parseResourceId(d.id)?.subscriptionId}`;
    try {
      const existing = await clients.armResources().get(d.id, d.apiVersion);
      if (existing === null) problems.push({ resource, id: d.id, problem: 'missing', detail: `${resource} does not exist: deploy infra/generated/catalog.json (failover infra plan shows what is missing)` });
      else if (isRecord(existing['properties']) && existing['properties']['enabled'] === false) {
        problems.push({ resource, id: d.id, problem: 'disabled', detail: `${resource} is disabled: ${kind === 'action group' ? 'no alert reaches the app' : `alerts for ${workload.id} never reach the app`}; enable it` });
      }
    } catch (err) {
      problems.push({ resource, id: d.id, problem: 'unreadable', detail: `${resource} could not be read: ${(err as Error).message}` });
    }
  }
  return problems;
}

export async function accessReadiness(catalog: Catalog, workload: Workload, clients: AzureClients, place: AlertingPlace | null): Promise<AccessReadiness> {
  const missingPermissions: MissingPermission[] = [];
  const unreadable: string[] = [];
  const accesses = workloadAccess(workload);
  for (const access of accesses) {
    try {
      missingPermissions.push(...missingFor(access, await effectivePermissions(clients, access.resourceId)));
    } catch (err) {
      unreadable.push(`${access.resourceId}: ${(err as Error).message}`);
    }
  }
  const alerting = place === null ? [] : await alertingProblems(catalog, workload, clients, place);
  const alertingNotChecked = place === null ? 'the app does not know where its alerting lives: set APP_SUBSCRIPTION_ID and APP_RESOURCE_GROUP (Azure sets WEBSITE_OWNER_NAME and WEBSITE_RESOURCE_GROUP)' : null;
  const actions = missingPermissions.reduce((n, m) => n + m.actions.length + m.dataActions.length, 0);
  const parts = [
    missingPermissions.length === 0 ? `the app may do every step on ${accesses.length} resource(s)` : `${actions} permission(s) missing for ${[...new Set(missingPermissions.map((m) => m.step))].join(', ')}`,
    ...(unreadable.length > 0 ? [`${unreadable.length} resource(s) unreadable`] : []),
    alertingNotChecked !== null ? 'alerting not checked' : alerting.length === 0 ? 'alert rules and action group in place' : `${alerting.length} alerting problem(s)`,
  ];
  return { complete: missingPermissions.length === 0 && alerting.length === 0 && unreadable.length === 0, summary: parts.join('; '), missingPermissions, alerting, unreadable, alertingNotChecked };
}

/** One line per missing thing, for notifications and the CLI. */
export function accessProblems(access: AccessReadiness): string[] {
  return [
    ...access.missingPermissions.map((m) => `step ${m.step} on ${m.resource} lacks ${[...m.actions, ...m.dataActions.map((d) => `${d} (data action)`)].join(', ')}`),
    ...access.alerting.map((a) => a.detail),
    ...access.unreadable.map((u) => `permissions unreadable: ${u}`),
  ];
}
