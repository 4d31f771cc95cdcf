/**
 * Evaluates an activity log alert rule (Microsoft.Insights/activityLogAlerts, api-version
 * 2020-10-01) against one Activity Log event the way Azure Monitor does, so a test can prove the
 * rules the catalog generates fire for exactly the alerts the app acts on.
 *
 * What Microsoft publishes, and what this module does with it:
 *
 * - Rule shape: `scopes`, `condition.allOf` (every member must hold), each member a leaf
 *   `{field, equals}` / `{field, containsAny: [...]}` or an `{anyOf: [leaf, ...]}` that holds when
 *   one of its leaves does; a leaf has `field` and exactly one of `equals` / `containsAny`, an anyOf
 *   has nothing but `anyOf`; `enabled` defaults to true and a disabled rule activates nothing.
 *   Source: azure-rest-api-specs
 *   specification/monitor/resource-manager/Microsoft.Insights/stable/2020-10-01/activityLogAlerts_API.json
 *   (AlertRuleProperties, AlertRuleAllOfCondition, AlertRuleAnyOfOrLeafCondition,
 *   AlertRuleLeafCondition) and its examples ActivityLogAlertRule_CreateOrUpdateRuleWithContainsAny.json
 *   and ActivityLogAlertRule_CreateOrUpdateRuleWithAnyOfCondition.json;
 *   https://learn.microsoft.com/rest/api/monitor/activity-log-alerts/create-or-update
 * - `equals`: "The field value will be compared to this value (case-insensitive)". `containsAny`:
 *   "The field value will be compared to the values in this array (case-insensitive)": the field
 *   equals one of them (compared whole: "East US" does not hold for "East US 2").
 * - Fields (case-insensitive): resourceId, category, caller, level, operationName, resourceGroup,
 *   resourceProvider, status, subStatus, resourceType, or anything beginning with `properties.`
 *   (same spec). Any other field is refused here with an error naming it.
 * - Scopes: "A list of resource IDs that will be used as prefixes. The alert will only apply to
 *   Activity Log events with resource IDs that fall under one of these prefixes" (same spec), so a
 *   subscription scope holds every event of that subscription, a resource-group scope every
 *   resource in the group, a resource scope the resource and its children. Resource Health rules
 *   use all three: https://learn.microsoft.com/azure/service-health/resource-health-alert-arm-template-guide
 *   ("Adjusting the alert scope").
 * - Service Health events have no resource: their `resourceId` is the subscription
 *   (`/subscriptions/{id}`, the Service Health sample in
 *   https://learn.microsoft.com/azure/azure-monitor/platform/activity-log-schema), so only a
 *   subscription scope holds them, and Microsoft says exactly that: "The 'scopes' of a service
 *   health alert rule can only contain a single subscription … a resource group, or other types of
 *   scope aren't supported" (https://learn.microsoft.com/azure/azure-monitor/alerts/resource-manager-alerts-service-health).
 * - `[*]` paths: `properties.impactedServices[*].ServiceName` and
 *   `properties.impactedServices[*].ImpactedRegions[*].RegionName` with containsAny are Microsoft's
 *   own Service Health template (same page), with display names ("Australia Central", "Global").
 *   In the Activity Log, `properties` is a string dictionary (EventData.properties,
 *   `additionalProperties: string`, stable/2015-04-01/activityLogs_API.json) and
 *   `impactedServices` is a JSON-encoded string (activity-log-schema sample), so Azure Monitor must
 *   read into that string for its own template to work. Assumed: a string met where the path goes
 *   on into it is parsed as JSON; one that does not parse yields no value.
 * - A missing or null field does not hold: the Resource Health guide warns that `cause`,
 *   `currentHealthStatus` and `previousHealthStatus` "can be null in some events … using this
 *   clause could result in an alert not being triggered".
 *
 * Assumed where the docs are silent (each the stricter reading):
 * - a `[*]` path yields every value it reaches; `equals` holds when one of them equals the value,
 *   `containsAny` when one of them equals one of the listed values (any-of-any);
 * - a `[*]` over something that is not an array yields nothing; values that are objects or arrays
 *   at the end of a path are not compared;
 * - property keys along a path are matched case-insensitively, as the spec says of field names;
 * - values are compared whole, untrimmed; a scope prefix ends at a `/` boundary (rg-a does not
 *   hold rg-ab) and a scope without its leading `/` (the spec's own example writes
 *   `subscriptions/{id}`) is read with one.
 */
import { isSameOrChildResource } from '../../../lib/azure/resource-id.js';

export interface LeafCondition {
  field: string;
  equals?: string | null;
  containsAny?: string[] | null;
}

export interface AnyOfCondition {
  anyOf: LeafCondition[];
}

export type Condition = LeafCondition | AnyOfCondition;

export interface ActivityLogAlertRule {
  scopes: string[];
  condition: { allOf: Condition[] };
  enabled?: boolean;
}

/**
 * One Activity Log event, as the alert service evaluates it: the REST `EventData` fields a
 * condition may name, with the localizable strings reduced to their invariant values and
 * `properties` a string dictionary (JSON-encoded where the value is structured).
 */
export interface ActivityLogEvent {
  category: string | null;
  resourceId: string | null;
  resourceGroup: string | null;
  resourceProvider: string | null;
  resourceType: string | null;
  operationName: string | null;
  status: string | null;
  subStatus: string | null;
  level: string | null;
  caller: string | null;
  properties: Record<string, string | null>;
}

type TopField = Exclude<keyof ActivityLogEvent, 'properties'>;

const TOP_FIELDS: ReadonlyMap<string, TopField> = new Map(
  (
    [
      'resourceId',
      'category',
      'caller',
      'level',
      'operationName',
      'resourceGroup',
      'resourceProvider',
      'status',
      'subStatus',
      'resourceType',
    ] as const
  ).map((f) => [f.toLowerCase(), f]),
);

export interface Explanation {
  fires: boolean;
  /** Why it fired or, when it did not, the first thing that stopped it. */
  reason: string;
}

/** True when Azure Monitor would activate the rule's actions for this event. */
export function ruleFires(rule: ActivityLogAlertRule, event: ActivityLogEvent): boolean {
  return explainRule(rule, event).fires;
}

/** ruleFires with the reason, for test failure messages. Throws on a malformed rule, naming the field. */
export function explainRule(rule: ActivityLogAlertRule, event: ActivityLogEvent): Explanation {
  const conditions = checkRule(rule);
  if (rule.enabled === false) return { fires: false, reason: 'the rule is disabled (enabled: false)' };
  const scope = rule.scopes.map(withLeadingSlash).find((s) => event.resourceId !== null && isSameOrChildResource(event.resourceId, s));
  if (scope === undefined) {
    return {
      fires: false,
      reason: `the event's resourceId ${event.resourceId === null ? '(none)' : `"${event.resourceId}"`} is under none of the scopes ${JSON.stringify(rule.scopes)}`,
    };
  }
  for (const [i, condition] of conditions.entries()) {
    const at = `condition.allOf[${i}]`;
    if ('anyOf' in condition) {
      if (!condition.anyOf.some((leaf) => leafHolds(leaf, event))) {
        const seen = condition.anyOf.map((leaf) => `${describeLeaf(leaf)} (event has ${describeValues(fieldValues(event, leaf.field))})`);
        return { fires: false, reason: `${at}: no member of anyOf holds: ${seen.join('; ')}` };
      }
    } else if (!leafHolds(condition, event)) {
      return {
        fires: false,
        reason: `${at}: ${describeLeaf(condition)} does not hold; the event has ${describeValues(fieldValues(event, condition.field))}`,
      };
    }
  }
  return { fires: true, reason: `every condition holds and the event is under scope "${scope}"` };
}

/**
 * The values a condition's `field` reads from the event: none when the field is missing or null,
 * several when the path has `[*]`. Throws for a field Azure Monitor does not offer.
 */
export function fieldValues(event: ActivityLogEvent, field: string): string[] {
  const lower = field.toLowerCase();
  const top = TOP_FIELDS.get(lower);
  if (top !== undefined) {
    const value = event[top];
    return value === null ? [] : [value];
  }
  if (!lower.startsWith('properties.')) {
    throw new Error(
      `field "${field}" is not one Azure Monitor evaluates; use resourceId, category, caller, level, operationName, ` +
        'resourceGroup, resourceProvider, status, subStatus, resourceType or properties.<name>',
    );
  }
  let values: unknown[] = [event.properties];
  for (const step of pathSteps(field)) {
    values = values.flatMap((v) => (step === '*' ? elements(v) : child(v, step)));
  }
  return values.flatMap((v) => (typeof v === 'string' ? [v] : typeof v === 'number' || typeof v === 'boolean' ? [String(v)] : []));
}

function leafHolds(leaf: LeafCondition, event: ActivityLogEvent): boolean {
  const values = fieldValues(event, leaf.field).map((v) => v.toLowerCase());
  const wanted = typeof leaf.equals === 'string' ? [leaf.equals] : leaf.containsAny ?? [];
  return wanted.some((w) => values.includes(w.toLowerCase()));
}

/** `properties.a[*].b[*].c` → ['a', '*', 'b', '*', 'c']. */
function pathSteps(field: string): string[] {
  const steps: string[] = [];
  for (const segment of field.slice('properties.'.length).split('.')) {
    const m = /^([^[\]]+)((?:\[\*\])*)$/.exec(segment);
    if (m === null) throw new Error(`field "${field}": segment "${segment}" is not a name optionally followed by [*]`);
    steps.push(m[1]!, ...Array<string>(m[2]!.length / 3).fill('*'));
  }
  return steps;
}

/** A JSON-encoded string is read as the structure it encodes when a path goes on into it. */
function structured(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!text.startsWith('[') && !text.startsWith('{')) return value;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return value;
  }
}

function elements(value: unknown): unknown[] {
  const v = structured(value);
  return Array.isArray(v) ? v.filter((e) => e !== null && e !== undefined) : [];
}

function child(value: unknown, name: string): unknown[] {
  const v = structured(value);
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [];
  const obj = v as Record<string, unknown>;
  const key = Object.hasOwn(obj, name) ? name : Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  const found = key === undefined ? undefined : obj[key];
  return found === undefined || found === null ? [] : [found];
}

function withLeadingSlash(scope: string): string {
  return scope.startsWith('/') ? scope : `/${scope}`;
}

/** The rule's conditions, after checking the shape the 2020-10-01 spec allows; errors name the field. */
function checkRule(rule: ActivityLogAlertRule): Condition[] {
  if (!Array.isArray(rule.scopes) || rule.scopes.length === 0 || rule.scopes.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new Error('scopes: must list at least one subscription or resource id');
  }
  const allOf = (rule.condition as { allOf?: unknown } | undefined)?.allOf;
  if (!Array.isArray(allOf) || allOf.length === 0) throw new Error('condition.allOf: must list at least one condition');
  allOf.forEach((c: unknown, i) => {
    const at = `condition.allOf[${i}]`;
    if (typeof c === 'object' && c !== null && !isAbsent((c as { anyOf?: unknown }).anyOf)) {
      const any = c as Record<string, unknown>;
      for (const name of ['field', 'equals', 'containsAny']) {
        if (!isAbsent(any[name])) throw new Error(`${at}.${name}: an anyOf condition holds nothing but anyOf`);
      }
      if (!Array.isArray(any['anyOf']) || any['anyOf'].length === 0) throw new Error(`${at}.anyOf: must list at least one leaf condition`);
      any['anyOf'].forEach((leaf: unknown, j) => checkLeaf(leaf, `${at}.anyOf[${j}]`));
    } else {
      checkLeaf(c, at);
    }
  });
  return allOf as Condition[];
}

/** ARM returns unset condition members as null (`"containsAny": null`); both mean absent. */
function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function checkLeaf(leaf: unknown, at: string): void {
  if (typeof leaf !== 'object' || leaf === null) throw new Error(`${at}: expected a condition object`);
  const l = leaf as Record<string, unknown>;
  if (!isAbsent(l['anyOf'])) throw new Error(`${at}.anyOf: a leaf condition cannot nest anyOf`);
  if (typeof l['field'] !== 'string' || l['field'] === '') throw new Error(`${at}.field: required`);
  const hasEquals = !isAbsent(l['equals']);
  const hasAny = !isAbsent(l['containsAny']);
  if (hasEquals === hasAny) throw new Error(`${at}: needs exactly one of equals or containsAny`);
  if (hasEquals && typeof l['equals'] !== 'string') throw new Error(`${at}.equals: expected a string`);
  if (hasAny && (!Array.isArray(l['containsAny']) || l['containsAny'].length === 0 || l['containsAny'].some((v) => typeof v !== 'string'))) {
    throw new Error(`${at}.containsAny: expected a non-empty array of strings`);
  }
  // Refuses an unknown field now rather than letting it read as "missing" and never fire.
  fieldValues(EMPTY_EVENT, l['field']);
}

/** An event with no field set: what a test or a field check starts from. */
export const EMPTY_EVENT: ActivityLogEvent = {
  category: null,
  resourceId: null,
  resourceGroup: null,
  resourceProvider: null,
  resourceType: null,
  operationName: null,
  status: null,
  subStatus: null,
  level: null,
  caller: null,
  properties: {},
};

function describeLeaf(leaf: LeafCondition): string {
  return typeof leaf.equals === 'string'
    ? `${leaf.field} equals ${JSON.stringify(leaf.equals)}`
    : `${leaf.field} containsAny ${JSON.stringify(leaf.containsAny)}`;
}

function describeValues(values: string[]): string {
  if (values.length === 0) return 'no value';
  const shown = values.slice(0, 5).map((v) => JSON.stringify(v));
  return values.length > 5 ? `${shown.join(', ')} and ${values.length - 5} more` : shown.join(', ');
}
