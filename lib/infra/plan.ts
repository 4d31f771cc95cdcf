/**
 * `failover infra plan`: what deploying the generated template would create or change, read
 * through ARM resource by resource (a what-if the app can run itself, against Azure or the
 * simulator). Only what the template sets is compared: properties Azure adds are not changes.
 * Role assignments are compared by what they grant (scope, role, principal), not by name: one
 * made by hand under another name already grants it.
 */
import { RestError } from '@azure/core-rest-pipeline';
import type { AzureClients } from '../azure/clients.js';
import { desiredResources, type DesiredResource } from './expressions.js';
import type { Json, JsonObject } from './template.js';
import { isObject } from './walk.js';

export type Change = 'create' | 'modify' | 'noChange' | 'unreadable';

export interface PlanEntry {
  change: Change;
  id: string;
  type: string;
  /** `properties.enabled: false → true`, one line per difference (modify). */
  differences: string[];
  /** Why it could not be read (unreadable), or what was not compared. */
  note: string | null;
}

function same(a: Json | undefined, b: Json | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (Array.isArray(a) && Array.isArray(b)) {
    // Order does not matter to ARM for the lists the template sets (scopes, actions, receivers).
    return a.length === b.length && a.every((x) => b.some((y) => same(x, y)));
  }
  if (isObject(a) && isObject(b)) return Object.keys(a).every((k) => same(a[k], b[k]));
  return a === b;
}

/** Differences between what the template sets and what exists, for the keys the template sets. */
export function differences(desired: JsonObject, existing: JsonObject, skip: readonly string[], at = ''): string[] {
  const out: string[] = [];
  for (const [key, want] of Object.entries(desired)) {
    const path = at === '' ? key : `${at}.${key}`;
    if (skip.includes(path) || ['apiVersion', 'type', 'name', 'scope', 'dependsOn'].includes(path)) continue;
    const have = existing[key];
    if (isObject(want) && isObject(have)) out.push(...differences(want, have, skip, path));
    else if (!same(want, have)) out.push(`${path}: ${JSON.stringify(have ?? null)} → ${JSON.stringify(want)}`);
  }
  return out;
}

async function planOne(clients: AzureClients, resource: DesiredResource): Promise<PlanEntry> {
  const entry = (change: Change, differences: string[] = [], note: string | null = null): PlanEntry => ({ change, id: resource.id, type: resource.type, differences, note });
  try {
    if (resource.type.toLowerCase() === 'microsoft.authorization/roleassignments') return await planAssignment(clients, resource, entry);
    const existing = await clients.armResources().get(resource.id, resource.apiVersion);
    if (existing === null) return entry('create');
    const diff = differences(resource.body, existing as JsonObject, resource.unknown);
    const note = resource.unknown.length > 0 ? `not compared (parameter not given): ${resource.unknown.join(', ')}` : null;
    return entry(diff.length > 0 ? 'modify' : 'noChange', diff, note);
  } catch (err) {
    return entry('unreadable', [], readError(err));
  }
}

async function planAssignment(clients: AzureClients, resource: DesiredResource, entry: (c: Change, d?: string[], n?: string | null) => PlanEntry): Promise<PlanEntry> {
  const props = (resource.body['properties'] ?? {}) as JsonObject;
  const principalId = props['principalId'];
  if (typeof principalId !== 'string') return entry('create', [], 'principalId not given: whether the grant exists was not checked');
  const scope = resource.id.slice(0, resource.id.toLowerCase().indexOf('/providers/microsoft.authorization/roleassignments/'));
  const sub = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
  const wanted = String(props['roleDefinitionId']).toLowerCase().split('/').pop();
  for await (const a of clients.authorization(sub).roleAssignments.listForScope(scope, { filter: `principalId eq '${principalId}'` })) {
    const role = (a.roleDefinitionId ?? '').toLowerCase().split('/').pop();
    if (role === wanted && (a.scope ?? '').toLowerCase() === scope.toLowerCase()) return entry('noChange', [], a.name !== resource.id.split('/').pop() ? `granted by assignment ${a.name}` : null);
  }
  return entry('create');
}

function readError(err: unknown): string {
  if (err instanceof RestError) return `${err.statusCode ?? ''} ${err.code ?? ''}: ${err.message}`.trim();
  return (err as Error).message;
}

export interface PlanParameters {
  principalId?: string;
  webhookUri?: string;
  appResourceGroup: string;
  appSubscriptionId: string;
  alertsResourceGroup?: string;
  location: string;
}

export async function planTemplate(clients: AzureClients, template: JsonObject, parameters: PlanParameters, onProgress: (done: number, total: number) => void = () => {}): Promise<PlanEntry[]> {
  const given: Record<string, Json | undefined> = { ...parameters };
  const desired = desiredResources(template, given, parameters.appSubscriptionId);
  const out: PlanEntry[] = [];
  for (const resource of desired) {
    out.push(await planOne(clients, resource));
    onProgress(out.length, desired.length);
  }
  return out;
}
