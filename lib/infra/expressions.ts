/**
 * Evaluates the generated template the way the deployment engine would, for the few template
 * functions it uses (parameters, guid, format, subscriptionResourceId, subscription()), giving
 * each leaf resource its full id and its literal body. Anything else is refused by name: the
 * plan must not guess what Azure would deploy.
 */
import { armGuid } from './guid.js';
import type { Json, JsonObject } from './template.js';
import { isObject } from './walk.js';

export interface DesiredResource {
  id: string;
  type: string;
  apiVersion: string;
  /** The resource as it would be sent, expressions evaluated; `extension` scope resolved into `id`. */
  body: JsonObject;
  /** Properties whose value came from a parameter not given (not compared). */
  unknown: string[];
}

interface Scope {
  subscriptionId: string;
  resourceGroup: string | null;
  parameters: Record<string, Json | undefined>;
}

const UNKNOWN = '\u0000unknown';

type Value = string | Json;

/** Splits `a, 'b, c', f(x, y)` at top-level commas. */
function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '') out.push(last);
  return out;
}

function evalExpr(expr: string, scope: Scope): Value {
  const text = expr.trim();
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (text === 'subscription().subscriptionId') return scope.subscriptionId;
  const call = /^([A-Za-z]+)\((.*)\)$/s.exec(text);
  if (call === null) throw new Error(`cannot evaluate '${text}': the plan knows only parameters(), guid(), format(), subscriptionResourceId() and subscription().subscriptionId`);
  const [, fn, rest] = call as unknown as [string, string, string];
  const args = splitArgs(rest).map((a) => evalExpr(a, scope));
  if (args.some((a) => a === UNKNOWN)) return UNKNOWN;
  const str = args.map((a) => String(a));
  switch (fn) {
    case 'parameters': {
      const value = scope.parameters[str[0]!];
      if (value === undefined) return UNKNOWN;
      return value;
    }
    case 'guid':
      return armGuid(...str);
    case 'format':
      return str[0]!.replace(/\{(\d+)\}/g, (_, n: string) => str[Number(n) + 1] ?? '');
    case 'subscriptionResourceId': {
      const [type, ...names] = str as [string, ...string[]];
      const [ns, ...types] = type.split('/');
      return `/subscriptions/${scope.subscriptionId}/providers/${ns}/${types.flatMap((t, i) => [t, names[i] ?? '']).join('/')}`;
    }
    default:
      throw new Error(`cannot evaluate '${fn}()' in '${text}': the plan knows only parameters(), guid(), format(), subscriptionResourceId() and subscription().subscriptionId`);
  }
}

function evaluate(value: Json, scope: Scope, path: string, unknown: string[]): Json {
  if (typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']')) {
    const result = evalExpr(value.slice(1, -1), scope);
    if (result === UNKNOWN) {
      unknown.push(path);
      return null;
    }
    return result as Json;
  }
  if (Array.isArray(value)) return value.map((v, i) => evaluate(v, scope, `${path}[${i}]`, unknown));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope, path === '' ? k : `${path}.${k}`, unknown)]));
  return value;
}

/** Every leaf resource of the template (nested deployments expanded), for the given parameter values. */
export function desiredResources(template: JsonObject, parameters: Record<string, Json | undefined>, deploymentSubscription: string): DesiredResource[] {
  return expand(template, { subscriptionId: deploymentSubscription, resourceGroup: null, parameters: withDefaults(template, parameters, { subscriptionId: deploymentSubscription, resourceGroup: null, parameters: {} }) });
}

function withDefaults(template: JsonObject, given: Record<string, Json | undefined>, scope: Scope): Record<string, Json | undefined> {
  const declared = isObject(template['parameters']) ? template['parameters'] : {};
  const out: Record<string, Json | undefined> = { ...given };
  for (const [name, spec] of Object.entries(declared)) {
    if (out[name] !== undefined || !isObject(spec) || spec['defaultValue'] === undefined) continue;
    out[name] = evaluate(spec['defaultValue'], { ...scope, parameters: out }, name, []);
  }
  return out;
}

function expand(template: JsonObject, scope: Scope): DesiredResource[] {
  const out: DesiredResource[] = [];
  const resources = Array.isArray(template['resources']) ? template['resources'] : [];
  for (const raw of resources) {
    if (!isObject(raw)) continue;
    const type = String(raw['type']);
    if (type.toLowerCase() === 'microsoft.resources/deployments') {
      const props = isObject(raw['properties']) ? raw['properties'] : {};
      const inner = isObject(props['template']) ? props['template'] : {};
      const sub = raw['subscriptionId'] !== undefined ? String(evaluate(raw['subscriptionId'], scope, 'subscriptionId', [])) : scope.subscriptionId;
      const group = raw['resourceGroup'] !== undefined ? String(evaluate(raw['resourceGroup'], scope, 'resourceGroup', [])) : sub !== scope.subscriptionId ? null : scope.resourceGroup;
      const passed = isObject(props['parameters']) ? props['parameters'] : {};
      const values: Record<string, Json | undefined> = {};
      for (const [name, spec] of Object.entries(passed)) {
        if (!isObject(spec)) continue;
        const unknown: string[] = [];
        const v = evaluate(spec['value'] ?? null, scope, name, unknown);
        values[name] = unknown.length > 0 ? undefined : v;
      }
      const innerScope: Scope = { subscriptionId: sub, resourceGroup: group, parameters: {} };
      out.push(...expand(inner, { ...innerScope, parameters: withDefaults(inner, values, innerScope) }));
      continue;
    }
    const unknown: string[] = [];
    const body = evaluate(raw, scope, '', unknown) as JsonObject;
    const name = String(body['name']);
    const [ns, ...types] = type.split('/');
    const names = name.split('/');
    const tail = `providers/${ns}/${types.flatMap((t, i) => [t, names[i] ?? '']).join('/')}`;
    let id: string;
    if (type.toLowerCase() === 'microsoft.resources/resourcegroups') id = `/subscriptions/${scope.subscriptionId}/resourceGroups/${name}`;
    else if (scope.resourceGroup === null) id = `/subscriptions/${scope.subscriptionId}/${tail}`;
    else {
      const base = `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}`;
      const extension = typeof body['scope'] === 'string' ? `/providers/${body['scope'].replace(/^\/+/, '')}` : '';
      id = `${base}${extension}/${tail}`;
    }
    out.push({ id, type, apiVersion: String(body['apiVersion']), body, unknown });
  }
  return out;
}
