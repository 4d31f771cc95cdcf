/**
 * Microsoft.Insights (Azure Monitor): action groups, Activity Log alert rules, and the Activity
 * Log itself.
 *
 * Api-versions: only those whose spec the repository holds (action groups 2021-09-01, what
 * `@azure/arm-monitor` 7 sends, and 2023-01-01, what the infra templates declare; alerts
 * 2017-04-01 and 2020-10-01, likewise; the Activity Log 2015-04-01); any other is refused by the
 * pipeline. Every version reads and writes the same stored resources.
 *
 * Action groups and Activity Log alerts are global ARM resources kept in the store (location
 * `global`, rendered `Global`). PUT answers 201 when it creates and 200 when it replaces; DELETE
 * 200, or 204 when there was nothing to delete; PATCH changes tags and `enabled`. Responses carry
 * only the properties the spec defines. The provider's own refusals use the spec's ErrorResponse:
 * flat `{code, message}` (./flat-error.ts) for action groups and 2017-04-01 alerts, ARM's nested
 * `{error: {code, message}}` for 2020-10-01 alerts. Validation, each failure a 400 naming the field:
 * - both: `location` is required (LocationRequired); an Activity Log alert's must be `Global`
 *   (LocationNotAvailableForResourceType).
 * - action groups: `properties.groupShortName` 1..12 characters and `properties.enabled` (both
 *   required by the spec); each receiver has the fields its kind requires in the spec (e.g.
 *   `isGlobalRunbook` on runbook receivers), booleans are booleans, a field the spec does not
 *   define is refused (assumed, strict), `useCommonAlertSchema`/`useAadAuth` default to false, email and SMS
 *   receivers report `status: Enabled`; webhook receivers need an http(s) `serviceUri`, and
 *   `objectId` when `useAadAuth` is true (assumed: the strict reading of secure webhooks).
 * - alerts: `properties.scopes` a non-empty list of ids (`/subscriptions/…` or, as the spec's
 *   example writes it, `subscriptions/…`); `properties.condition.allOf` a non-empty list of
 *   leaves `{field, equals}`, and at 2020-10-01 also `{field, containsAny}` and `{anyOf: [leaves]}`
 *   (see conditionError); `properties.actions` required, each `actionGroups[].actionGroupId` a
 *   string. A rule using containsAny or anyOf is refused to a 2017-04-01 read (see Kind.unreadable).
 * Resource groups are not checked for existence (the simulator keeps no resource-group records).
 * Creating one while its location is down answers 503, as the region's resources do.
 *
 * The Activity Log (`eventtypes/management/values`, api-version 2015-04-01) is derived:
 * - ServiceHealth events, one per update of every incident the subscription sees (Active at the
 *   impact start; Resolved at the mitigation), with the properties bag of the REST API and of
 *   the alerts (impactedServices is a JSON string, version 0.1.1). Fields with no value for
 *   such an event (eventName, resourceProviderName, resourceType, subStatus) are left out: the
 *   spec's LocalizableString has a required, non-nullable `value`. EventData has no `channels`.
 * - ResourceHealth events for each of the subscription's resources in an incident's region (the
 *   outage takes the whole region down): Unavailable at the impact start, Available at the
 *   mitigation, in the raw event's vocabulary (see resourceHealthEvent).
 * - Administrative events, one per ARM write in the operation log of the subscription
 *   (`/subscriptions/{sub}/…` paths; data planes and requests ARM throttled are not logged, as in
 *   Azure): operationName is the route's operation, with `/action` appended unless it already
 *   ends in `/write` or `/delete`; status Succeeded (Accepted for a 202) or Failed, with the HTTP
 *   status in subStatus and properties.statusCode. Azure writes a Started and an end event per
 *   operation; the simulator writes the end event only.
 * `$filter` must be `and`-joined comparisons with at least `eventTimestamp ge '<time>'`; also
 * `eventTimestamp le`, `resourceGroupName eq`, `resourceUri eq`, `resourceProvider eq`,
 * `correlationId eq`, and, leniently, `category eq` (which filters) and `eventChannels eq`
 * (ignored). Events are newest first, on one page; `$select` keeps the named top-level fields.
 * Azure's 90-day retention and its minutes of ingestion delay are not modelled.
 */
import { armError, isoNow, ok, page } from '../arm.js';
import { typeOf } from '../estate.js';
import { regionDisplayName, type Incident } from '../incidents.js';
import type { OperationRecord } from '../oplog.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimResource, SimResponse } from '../types.js';
import { flatError } from './flat-error.js';
import { FilterError, incidentCommunication, incidentVisibleTo, parseFilter, stableGuid, ticksOf, type FilterComparison } from './resourcehealth.js';

/**
 * What `@azure/arm-monitor` 7 sends, and the only versions whose contract the repository holds
 * (test/contracts): the simulator answers nothing it cannot be checked against.
 */
export const ACTION_GROUP_API_VERSIONS = ['2021-09-01', '2023-01-01'] as const;
export const ACTIVITY_LOG_ALERT_API_VERSIONS = ['2017-04-01', '2020-10-01'] as const;
export const ACTIVITY_LOG_API_VERSIONS = ['2015-04-01'] as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const invalid = (message: string): SimResponse => flatError(400, 'BadRequest', message);

/** A body the service refuses: carries the 400's message out of the validators (the handler writes it in its version's error shape). */
class Invalid extends Error {}
const reject = (message: string): never => {
  throw new Invalid(message);
};

/**
 * How a provider refusal is written for the api-version asked: the Activity Log alerts spec of
 * 2020-10-01 declares ARM's nested ErrorResponse `{error: {code, message}}`; the 2017-04-01 alerts
 * spec and both action group specs declare the flat `{code, message}`.
 */
type Fail = (status: number, code: string, message: string) => SimResponse;
const failFor = (apiVersion: string | null): Fail => (apiVersion === '2020-10-01' ? armError : flatError);

/**
 * The receiver lists of an action group and, for each kind, its fields as the 2021-09-01 spec
 * defines them: required strings, required booleans, optional strings, optional booleans (all
 * default false), and whether the service reports a read-only `status`.
 */
interface ReceiverShape {
  required: string[];
  requiredFlags?: string[];
  strings?: string[];
  flags?: string[];
  status?: true;
}

const RECEIVERS = {
  emailReceivers: { required: ['name', 'emailAddress'], flags: ['useCommonAlertSchema'], status: true },
  smsReceivers: { required: ['name', 'countryCode', 'phoneNumber'], status: true },
  webhookReceivers: { required: ['name', 'serviceUri'], strings: ['objectId', 'identifierUri', 'tenantId'], flags: ['useCommonAlertSchema', 'useAadAuth'] },
  itsmReceivers: { required: ['name', 'workspaceId', 'connectionId', 'ticketConfiguration', 'region'] },
  azureAppPushReceivers: { required: ['name', 'emailAddress'] },
  automationRunbookReceivers: {
    required: ['automationAccountId', 'runbookName', 'webhookResourceId'],
    requiredFlags: ['isGlobalRunbook'],
    strings: ['name', 'serviceUri'],
    flags: ['useCommonAlertSchema'],
  },
  voiceReceivers: { required: ['name', 'countryCode', 'phoneNumber'] },
  logicAppReceivers: { required: ['name', 'resourceId', 'callbackUrl'], flags: ['useCommonAlertSchema'] },
  azureFunctionReceivers: { required: ['name', 'functionAppResourceId', 'functionName', 'httpTriggerUrl'], flags: ['useCommonAlertSchema'] },
  armRoleReceivers: { required: ['name', 'roleId'], flags: ['useCommonAlertSchema'] },
  eventHubReceivers: { required: ['name', 'eventHubNameSpace', 'eventHubName', 'subscriptionId'], strings: ['tenantId'], flags: ['useCommonAlertSchema'] },
} satisfies Record<string, ReceiverShape>;

const RECEIVER_LISTS = Object.keys(RECEIVERS) as Array<keyof typeof RECEIVERS>;

/** One receiver as the service stores it (the spec's fields only, defaults filled), or the 400. */
function receiverProperties(list: keyof typeof RECEIVERS, item: unknown, at: string): Json {
  if (!isObject(item)) return reject(`${at} must be an object.`);
  const shape: ReceiverShape = RECEIVERS[list];
  // Assumed (strict): a field the spec does not define for this kind is refused, not dropped; `status` is read-only and ignored.
  const known = new Set([...shape.required, ...(shape.requiredFlags ?? []), ...(shape.strings ?? []), ...(shape.flags ?? []), ...(shape.status === true ? ['status'] : [])]);
  const unknown = Object.keys(item).find((k) => !known.has(k));
  if (unknown !== undefined) return reject(`${at}.${unknown} is not a property of ${list} in the action group schema (api-versions 2021-09-01 and 2023-01-01 define the same receivers).`);
  const out: Json = {};
  for (const f of shape.required) {
    if (!isText(item[f])) return reject(`${at}.${f} is required.`);
    out[f] = item[f];
  }
  for (const f of shape.requiredFlags ?? []) {
    if (typeof item[f] !== 'boolean') return reject(`${at}.${f} is required: true or false.`);
    out[f] = item[f];
  }
  for (const f of shape.strings ?? []) {
    if (item[f] === undefined || item[f] === null) continue;
    if (typeof item[f] !== 'string') return reject(`${at}.${f} must be a string.`);
    out[f] = item[f];
  }
  for (const f of shape.flags ?? []) {
    if (item[f] !== undefined && item[f] !== null && typeof item[f] !== 'boolean') return reject(`${at}.${f} must be true or false.`);
    out[f] = item[f] ?? false;
  }
  if (shape.status === true) out['status'] = 'Enabled';
  if (list === 'webhookReceivers') {
    const uri = out['serviceUri'] as string;
    if (!/^https?:\/\/[^\s/]+/i.test(uri)) return reject(`${at}.serviceUri '${uri}' is not an absolute http or https URL.`);
    // Assumed (strict): a webhook secured with Entra ID cannot be called without the application it targets.
    if (out['useAadAuth'] === true && !isText(out['objectId'])) {
      return reject(`${at}.objectId is required when useAadAuth is true: the object id of the Entra application that secures the webhook.`);
    }
  }
  return out;
}

/** The action group's properties as the service stores them, or the 400 for the first bad field. */
function actionGroupProperties(body: Json, _apiVersion: string): Json {
  const p = body['properties'];
  if (!isObject(p)) return reject("The request body must contain 'properties' with the action group definition.");
  const short = p['groupShortName'];
  if (!isText(short)) return reject("properties.groupShortName is required: the short name shown in SMS and email notifications (at most 12 characters).");
  if (short.length > 12) {
    return reject(`properties.groupShortName '${short}' is ${short.length} characters long; the group short name can have at most 12 characters.`);
  }
  // Required by the spec (ActionGroup.required), though it documents a default of true.
  const enabled = p['enabled'];
  if (typeof enabled !== 'boolean') return reject('properties.enabled is required: true or false (whether the action group sends notifications).');
  const out: Json = { groupShortName: short, enabled };
  for (const list of RECEIVER_LISTS) {
    const items = p[list] ?? [];
    if (!Array.isArray(items)) return reject(`properties.${list} must be a list of receivers.`);
    out[list] = items.map((item, i) => receiverProperties(list, item, `properties.${list}[${i}]`));
  }
  return out;
}

/**
 * Why a condition of `allOf` is refused, or undefined. Api-version 2017-04-01 knows only leaves
 * `{field, equals}` (ActivityLogAlertLeafCondition, both required). 2020-10-01 adds
 * `containsAny` (a list of strings) beside `equals`, and `anyOf`, a list of such leaves
 * (AlertRuleAnyOfOrLeafCondition, AlertRuleLeafCondition). Assumed (strict): a leaf has exactly one
 * of `equals` and `containsAny`, an `anyOf` is a non-empty list and stands alone (no `field`
 * beside it), and an `anyOf` holds leaves only (the spec's items are AlertRuleLeafCondition).
 */
function conditionError(condition: unknown, at: string, apiVersion: string): string | undefined {
  if (apiVersion !== '2020-10-01') {
    if (!isObject(condition)) return `${at} must be an object: {field, equals}.`;
    const extra = Object.keys(condition).find((k) => k !== 'field' && k !== 'equals');
    if (extra !== undefined) return `${at}.${extra} is not part of a condition in api-version 2017-04-01: a condition is {field, equals} (containsAny and anyOf need api-version 2020-10-01).`;
    if (!isText(condition['field'])) return `${at}.field is required: the event property the condition tests, e.g. 'category'.`;
    if (typeof condition['equals'] !== 'string') return `${at}.equals is required: the value, a string, the field must equal.`;
    return undefined;
  }
  if (isObject(condition) && condition['anyOf'] !== undefined) {
    const extra = Object.keys(condition).find((k) => k !== 'anyOf');
    if (extra !== undefined) return `${at}.${extra} cannot stand beside anyOf: a condition is either {anyOf: [conditions]} or {field, equals | containsAny}.`;
    const anyOf = condition['anyOf'];
    if (!Array.isArray(anyOf) || anyOf.length === 0) return `${at}.anyOf must be a non-empty list of conditions {field, equals | containsAny}.`;
    for (const [i, leaf] of anyOf.entries()) {
      const err = leafError2020(leaf, `${at}.anyOf[${i}]`);
      if (err !== undefined) return err;
    }
    return undefined;
  }
  return leafError2020(condition, at);
}

/** A 2020-10-01 leaf: `{field, equals}` or `{field, containsAny: [strings]}`. */
function leafError2020(leaf: unknown, at: string): string | undefined {
  if (!isObject(leaf)) return `${at} must be an object: {field, equals} or {field, containsAny}.`;
  const extra = Object.keys(leaf).find((k) => k !== 'field' && k !== 'equals' && k !== 'containsAny');
  if (extra !== undefined) return `${at}.${extra} is not part of a condition: a condition is {field, equals}, {field, containsAny} or {anyOf}.`;
  if (!isText(leaf['field'])) return `${at}.field is required: the event property the condition tests, e.g. 'category'.`;
  const hasEquals = leaf['equals'] !== undefined;
  const hasAny = leaf['containsAny'] !== undefined;
  if (hasEquals === hasAny) return `${at} must have exactly one of equals (a string) and containsAny (a list of strings).`;
  if (hasEquals && typeof leaf['equals'] !== 'string') return `${at}.equals must be a string.`;
  const any = leaf['containsAny'];
  if (hasAny && (!Array.isArray(any) || any.length === 0 || !any.every((v) => typeof v === 'string'))) return `${at}.containsAny must be a non-empty list of strings.`;
  return undefined;
}

/** Whether a stored rule uses what only 2020-10-01 can express (`containsAny`, `anyOf`). */
function uses2020Conditions(properties: Json): boolean {
  const condition = properties['condition'];
  const allOf = isObject(condition) && Array.isArray(condition['allOf']) ? condition['allOf'] : [];
  return allOf.some((c) => isObject(c) && (c['containsAny'] !== undefined || c['anyOf'] !== undefined));
}

/** The alert rule's properties, or the 400 for the first bad field. */
function activityLogAlertProperties(body: Json, apiVersion: string): Json {
  const p = body['properties'];
  if (!isObject(p)) return reject("The request body must contain 'properties' with the alert rule definition.");
  const scopes = p['scopes'];
  if (!Array.isArray(scopes) || scopes.length === 0) return reject('properties.scopes is required: a non-empty list of subscription, resource group or resource ids.');
  for (const [i, s] of scopes.entries()) {
    // The spec's own example writes a scope without its leading slash: both forms are ids.
    if (!isText(s) || !/^\/?subscriptions\/[^/]+/i.test(s)) return reject(`properties.scopes[${i}] must be a subscription, resource group or resource id (subscriptions/…), got ${JSON.stringify(s)}.`);
  }
  const condition = p['condition'];
  if (!isObject(condition)) return reject('properties.condition is required: {allOf: [conditions]}.');
  const allOf = condition['allOf'];
  if (!Array.isArray(allOf) || allOf.length === 0) return reject('properties.condition.allOf must be a non-empty list of conditions.');
  for (const [i, leaf] of allOf.entries()) {
    const err = conditionError(leaf, `properties.condition.allOf[${i}]`, apiVersion);
    if (err !== undefined) return reject(err);
  }
  const enabled = p['enabled'] ?? true;
  if (typeof enabled !== 'boolean') return reject('properties.enabled must be true or false.');
  const actions = p['actions'];
  if (!isObject(actions)) return reject('properties.actions is required: {actionGroups: [{actionGroupId}]}, the action groups the alert notifies.');
  const groups = actions['actionGroups'] ?? [];
  if (!Array.isArray(groups)) return reject('properties.actions.actionGroups must be a list.');
  const normalizedGroups: Json[] = [];
  for (const [i, g] of groups.entries()) {
    const at = `properties.actions.actionGroups[${i}]`;
    if (!isObject(g) || !isText(g['actionGroupId'])) return reject(`${at}.actionGroupId is required: the id of an action group.`);
    const hook = g['webhookProperties'] ?? {};
    if (!isObject(hook) || !Object.values(hook).every((v) => typeof v === 'string')) return reject(`${at}.webhookProperties must be an object of strings.`);
    normalizedGroups.push({ actionGroupId: g['actionGroupId'], webhookProperties: hook });
  }
  const description = p['description'];
  if (description !== undefined && description !== null && typeof description !== 'string') return reject('properties.description must be a string.');
  return {
    scopes,
    condition: { allOf },
    actions: { actionGroups: normalizedGroups },
    enabled,
    ...(typeof description === 'string' ? { description } : {}),
  };
}

/** The named properties of `from` that it has. */
const pick = (from: Json, keys: readonly string[]): Json => Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));

interface Kind {
  /** Path segment and type: `actionGroups`. */
  collection: string;
  /** `type` in responses. */
  typeName: string;
  label: string;
  apiVersions: readonly string[];
  /** Why `location` is not acceptable, or undefined when it is. */
  locationError?: (location: string) => { code: string; message: string } | undefined;
  /** The properties to store for the api-version; throws Invalid naming the first bad field. */
  properties: (body: Json, apiVersion: string) => Json;
  /**
   * Why a stored resource cannot be answered at this api-version, or undefined. Assumed (strict):
   * a 2017-04-01 read of a rule whose conditions use `containsAny` or `anyOf` is refused (400), since
   * that version's schema cannot express them and dropping them would show a wider rule than runs.
   */
  unreadable?: (r: SimResource, apiVersion: string) => string | undefined;
  /** The properties the spec defines, in the order responses show them: nothing else is returned. */
  shown: readonly string[];
}

const KINDS: Kind[] = [
  {
    collection: 'actionGroups',
    typeName: 'Microsoft.Insights/ActionGroups',
    label: 'action group',
    apiVersions: ACTION_GROUP_API_VERSIONS,
    properties: actionGroupProperties,
    shown: ['groupShortName', 'enabled', ...RECEIVER_LISTS],
  },
  {
    collection: 'activityLogAlerts',
    typeName: 'Microsoft.Insights/ActivityLogAlerts',
    label: 'activity log alert',
    apiVersions: ACTIVITY_LOG_ALERT_API_VERSIONS,
    locationError: (location) =>
      canonicalLocation(location) === 'global'
        ? undefined
        : {
            code: 'LocationNotAvailableForResourceType',
            message: `The provided location '${location}' is not available for resource type 'microsoft.insights/activityLogAlerts'. List of available regions for the resource type is 'global'.`,
          },
    properties: activityLogAlertProperties,
    unreadable: (r, apiVersion) =>
      apiVersion === '2017-04-01' && uses2020Conditions(r.properties)
        ? `The activity log alert '${r.name}' has conditions with containsAny or anyOf, which api-version 2017-04-01 cannot express; read it with api-version 2020-10-01.`
        : undefined,
    shown: ['scopes', 'enabled', 'condition', 'actions', 'description'],
  },
];

function canonicalLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

const HTTP_STATUS: Record<number, [string, string]> = {
  200: ['OK', 'OK'],
  201: ['Created', 'Created'],
  202: ['Accepted', 'Accepted'],
  204: ['NoContent', 'No Content'],
  400: ['BadRequest', 'Bad Request'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'Forbidden'],
  404: ['NotFound', 'Not Found'],
  405: ['MethodNotAllowed', 'Method Not Allowed'],
  409: ['Conflict', 'Conflict'],
  412: ['PreconditionFailed', 'Precondition Failed'],
  429: ['TooManyRequests', 'Too Many Requests'],
  500: ['InternalServerError', 'Internal Server Error'],
  502: ['BadGateway', 'Bad Gateway'],
  503: ['ServiceUnavailable', 'Service Unavailable'],
  504: ['GatewayTimeout', 'Gateway Timeout'],
};

/** A LocalizableString: `value` is a required, non-nullable string in the spec, so a field without one is left out. */
const localizable = (value: string, localizedValue?: string): Json => ({ value, ...(localizedValue !== undefined ? { localizedValue } : {}) });

/** A logged activity: the time it happened, and its REST body. */
interface Activity {
  at: number;
  event: Json;
}

export function insightsRoutes(sim: Simulator): Route[] {
  const routes: Route[] = [];

  // ── action groups and activity log alerts ─────────────────────────────────────────────────

  for (const kind of KINDS) {
    const base = `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Insights/${kind.collection}`;
    const idOf = (p: Record<string, string>): string =>
      `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/Microsoft.Insights/${kind.collection}/${p['name']}`;
    const type = `Microsoft.Insights/${kind.collection}`;
    const render = (r: SimResource): Json => ({
      id: r.id,
      name: r.name,
      type: kind.typeName,
      location: r.location === 'global' ? 'Global' : r.location,
      ...(r.tags !== undefined ? { tags: r.tags } : {}),
      properties: pick(r.properties, kind.shown),
    });
    const missing = (p: Record<string, string>, fail: Fail): SimResponse =>
      fail(
        404,
        'ResourceNotFound',
        `The Resource '${type}/${p['name']}' under resource group '${p['rg']}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    const one = (method: string, verb: string, handle: Route['handle']): Route => ({
      method,
      pattern: `${base}/{name}`,
      operation: `Microsoft.Insights/${kind.collection}/${verb}`,
      arm: true,
      apiVersions: kind.apiVersions,
      resource: idOf,
      handle,
    });
    const list = (pattern: string, inScope: (r: SimResource, p: Record<string, string>) => boolean): Route => ({
      method: 'GET',
      pattern,
      operation: `Microsoft.Insights/${kind.collection}/read`,
      arm: true,
      apiVersions: kind.apiVersions,
      resource: (p) => `/subscriptions/${p['sub']}${p['rg'] !== undefined ? `/resourceGroups/${p['rg']}` : ''}`,
      handle: ({ request, params }) => {
        const apiVersion = request.query.get('api-version') ?? '';
        const found = sim.store
          .ofType(type, params['sub'])
          .filter((r) => inScope(r, params))
          .sort((a, b) => a.id.localeCompare(b.id));
        const refusal = found.map((r) => kind.unreadable?.(r, apiVersion)).find((m) => m !== undefined);
        return refusal !== undefined ? failFor(apiVersion)(400, 'BadRequest', refusal) : page(found.map(render));
      },
    });

    routes.push(
      one('PUT', 'write', ({ request, params }) => {
        const apiVersion = request.query.get('api-version') ?? '';
        const fail = failFor(apiVersion);
        const body = request.body;
        if (!isObject(body)) return fail(400, 'InvalidRequestContent', `The request content was invalid: expected the ${kind.label} as a JSON object.`);
        const location = body['location'];
        if (!isText(location)) return fail(400, 'LocationRequired', 'The location property is required for this definition.');
        const locationError = kind.locationError?.(location);
        if (locationError !== undefined) return fail(400, locationError.code, locationError.message);
        let properties: Json;
        try {
          properties = kind.properties(body, apiVersion);
        } catch (err) {
          if (err instanceof Invalid) return fail(400, 'BadRequest', err.message);
          throw err;
        }
        const tags = body['tags'];
        if (tags !== undefined && tags !== null && (!isObject(tags) || !Object.values(tags).every((v) => typeof v === 'string'))) {
          return fail(400, 'BadRequest', 'tags must be an object of strings.');
        }
        const existing = sim.store.get(idOf(params));
        const region = canonicalLocation(location);
        if (existing === undefined && sim.faults.outage(region) !== undefined) {
          return fail(503, 'ServiceUnavailable', `The service is unavailable in region '${region}' (simulated outage).`);
        }
        const now = isoNow(sim.clock.now());
        const saved = sim.store.put({
          id: existing?.id ?? idOf(params),
          name: existing?.name ?? params['name']!,
          type,
          location: region,
          properties,
          ...(isObject(tags) ? { tags: tags as Record<string, string> } : {}),
          systemData: {
            createdBy: (existing?.systemData?.['createdBy'] as string | undefined) ?? request.caller,
            createdByType: 'Application',
            createdAt: (existing?.systemData?.['createdAt'] as string | undefined) ?? now,
            lastModifiedBy: request.caller,
            lastModifiedByType: 'Application',
            lastModifiedAt: now,
          },
        });
        return ok(render(saved), existing === undefined ? 201 : 200);
      }),
      one('GET', 'read', ({ request, params }) => {
        const apiVersion = request.query.get('api-version') ?? '';
        const r = sim.store.get(idOf(params));
        if (r === undefined) return missing(params, failFor(apiVersion));
        const refusal = kind.unreadable?.(r, apiVersion);
        return refusal !== undefined ? failFor(apiVersion)(400, 'BadRequest', refusal) : ok(render(r));
      }),
      one('PATCH', 'write', ({ request, params }) => {
        const apiVersion = request.query.get('api-version') ?? '';
        const fail = failFor(apiVersion);
        const r = sim.store.get(idOf(params));
        if (r === undefined) return missing(params, fail);
        const refusal = kind.unreadable?.(r, apiVersion);
        if (refusal !== undefined) return fail(400, 'BadRequest', refusal);
        const body = request.body;
        if (!isObject(body)) return fail(400, 'InvalidRequestContent', 'The request content was invalid: expected {tags, properties: {enabled}}.');
        const tags = body['tags'];
        if (tags !== undefined && (!isObject(tags) || !Object.values(tags).every((v) => typeof v === 'string'))) return fail(400, 'BadRequest', 'tags must be an object of strings.');
        const props = body['properties'];
        if (props !== undefined && !isObject(props)) return fail(400, 'BadRequest', 'properties must be an object: {enabled}.');
        const enabled = isObject(props) ? props['enabled'] : undefined;
        if (enabled !== undefined && typeof enabled !== 'boolean') return fail(400, 'BadRequest', 'properties.enabled must be true or false.');
        if (isObject(tags)) r.tags = tags as Record<string, string>;
        if (typeof enabled === 'boolean') r.properties = { ...r.properties, enabled };
        r.systemData = { ...(r.systemData ?? {}), lastModifiedBy: request.caller, lastModifiedByType: 'Application', lastModifiedAt: isoNow(sim.clock.now()) };
        return ok(render(r));
      }),
      one('DELETE', 'delete', ({ params }) => (sim.store.delete(idOf(params)) ? ok(undefined, 200) : ok(undefined, 204))),
      list(`/subscriptions/{sub}/providers/Microsoft.Insights/${kind.collection}`, () => true),
      list(base, (r, p) => sim.key(r.id).startsWith(`/subscriptions/${p['sub']!.toLowerCase()}/resourcegroups/${p['rg']!.toLowerCase()}/`)),
    );
  }

  // ── the activity log ───────────────────────────────────────────────────────────────────────

  const submitted = (at: number): string => isoNow(Math.max(at, Math.min(at + 20_000, sim.clock.now())));

  const serviceHealthEvent = (incident: Incident, sub: string, stage: 'Active' | 'Resolved'): Activity => {
    const at = stage === 'Active' ? incident.impactStart : incident.impactMitigation ?? incident.lastUpdate;
    const communicationId = String(at);
    const title = stage === 'Active' ? incident.title.replace(/ - Mitigated$/, ' - Investigating') : incident.title;
    const region = regionDisplayName(incident.region);
    const communication = incidentCommunication(incident, stage);
    const eventDataId = stableGuid(`servicehealth|${sub.toLowerCase()}|${incident.trackingId}|${communicationId}`);
    return {
      at,
      event: {
        correlationId: stableGuid(`servicehealth-correlation|${incident.trackingId}|${communicationId}`),
        description: `${stage}: ${title}`,
        eventDataId,
        category: localizable('ServiceHealth', 'Service Health'),
        eventTimestamp: isoNow(at),
        id: `/subscriptions/${sub}/events/${eventDataId}/ticks/${ticksOf(at)}`,
        level: stage === 'Active' ? 'Warning' : 'Informational',
        operationName: localizable('Microsoft.ServiceHealth/incident/action', 'Microsoft.ServiceHealth/incident/action'),
        resourceId: `/subscriptions/${sub}`,
        status: localizable(stage, stage),
        submissionTimestamp: submitted(at),
        subscriptionId: sub,
        properties: {
          title,
          service: incident.services.join(', '),
          region,
          communication,
          incidentType: 'Incident',
          trackingId: incident.trackingId,
          impactStartTime: isoNow(incident.impactStart),
          ...(stage === 'Resolved' && incident.impactMitigation !== undefined ? { impactMitigationTime: isoNow(incident.impactMitigation) } : {}),
          impactedServices: JSON.stringify(incident.services.map((s) => ({ ImpactedRegions: [{ RegionName: region }], ServiceName: s }))),
          defaultLanguageTitle: title,
          defaultLanguageContent: communication,
          stage,
          communicationId,
          version: '0.1.1',
        },
      },
    };
  };

  /**
   * A resource's Resource Health event in the Activity Log, in the raw event's vocabulary
   * (properties healthStatus, healthEventType, healthEventCause, healthEventCategory, stage:
   * azure-docs activity-log-schema.md; the alerts rename them). The Active event's operation name
   * and level are as the published sample has them; the Resolved verb and its level are assumed.
   */
  const resourceHealthEvent = (incident: Incident, resource: SimResource, stage: 'Active' | 'Resolved'): Activity => {
    const at = stage === 'Active' ? incident.impactStart : incident.impactMitigation ?? incident.lastUpdate;
    const sub = resource.id.split('/')[2]!;
    const eventDataId = stableGuid(`resourcehealth|${resource.id.toLowerCase()}|${incident.trackingId}|${stage}`);
    const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(resource.id)?.[1];
    const verb = stage === 'Active' ? 'Activated' : 'Resolved';
    const status = stage === 'Active' ? 'Unavailable' : 'Available';
    return {
      at,
      event: {
        correlationId: stableGuid(`resourcehealth-correlation|${resource.id.toLowerCase()}|${incident.trackingId}`),
        description: stage === 'Active' ? `We're sorry, your resource is unavailable because of an Azure service outage (${incident.trackingId}).` : 'Your resource is available again.',
        eventDataId,
        category: localizable('ResourceHealth', 'Resource Health'),
        eventTimestamp: isoNow(at),
        id: `${resource.id}/events/${eventDataId}/ticks/${ticksOf(at)}`,
        level: stage === 'Active' ? 'Critical' : 'Informational',
        operationId: '',
        operationName: localizable(`Microsoft.Resourcehealth/healthevent/${verb}/action`, `Health Event ${verb}`),
        ...(resourceGroup !== undefined ? { resourceGroupName: resourceGroup } : {}),
        resourceProviderName: localizable('Microsoft.Resourcehealth/healthevent/action', 'Microsoft.Resourcehealth/healthevent/action'),
        resourceType: localizable(resource.type, resource.type),
        resourceId: resource.id,
        status: localizable(stage, stage),
        submissionTimestamp: submitted(at),
        subscriptionId: sub,
        properties: {
          title: stage === 'Active' ? `${status}: an Azure service outage affects this resource` : `${status}: the resource is healthy again`,
          healthStatus: status,
          healthEventType: 'Downtime',
          healthEventCause: 'PlatformInitiated',
          healthEventCategory: 'Unplanned',
          stage,
        },
      },
    };
  };

  const operationNameOf = (operation: string): string => (/\/(write|delete|action)$/i.test(operation) ? operation : `${operation}/action`);

  const administrativeEvent = (record: OperationRecord, sub: string): Activity => {
    const at = Date.parse(record.at);
    const resourceId = record.resource ?? record.path;
    const type = /\/providers\//i.test(resourceId) ? typeOf(resourceId) : /\/resourceGroups\/[^/]+$/i.test(resourceId) ? 'Microsoft.Resources/resourceGroups' : 'Microsoft.Resources/subscriptions';
    const namespace = type.split('/')[0]!;
    const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(resourceId)?.[1];
    const operationName = operationNameOf(record.operation);
    const failed = record.status >= 400;
    const status = failed ? 'Failed' : record.status === 202 ? 'Accepted' : 'Succeeded';
    const [code, text] = HTTP_STATUS[record.status] ?? [String(record.status), String(record.status)];
    const correlationId = stableGuid(`correlation|${record.seq}|${record.at}`);
    const eventDataId = stableGuid(`administrative|${record.seq}|${record.at}`);
    return {
      at,
      event: {
        authorization: { action: operationName, scope: resourceId },
        caller: record.caller,
        claims: { appid: record.caller },
        correlationId,
        description: '',
        eventDataId,
        eventName: localizable('EndRequest', 'End request'),
        category: localizable('Administrative', 'Administrative'),
        eventTimestamp: isoNow(at),
        httpRequest: { clientRequestId: stableGuid(`request|${record.seq}|${record.at}`), clientIpAddress: '127.0.0.1', method: record.method },
        id: `${resourceId}/events/${eventDataId}/ticks/${ticksOf(at)}`,
        level: failed ? 'Error' : 'Informational',
        ...(resourceGroup !== undefined ? { resourceGroupName: resourceGroup } : {}),
        resourceProviderName: localizable(namespace, namespace),
        resourceId,
        resourceType: localizable(type, type),
        operationId: correlationId,
        operationName: localizable(operationName, operationName),
        properties: {
          statusCode: code,
          ...(failed ? { statusMessage: JSON.stringify({ error: { code: record.error ?? code, message: '' } }) } : {}),
          entity: resourceId,
          message: operationName,
          hierarchy: '',
        },
        status: localizable(status, status),
        subStatus: localizable(code, `${text} (HTTP Status Code: ${record.status})`),
        submissionTimestamp: submitted(at),
        subscriptionId: sub,
      },
    };
  };

  const activities = (sub: string): Activity[] => {
    const out: Activity[] = [];
    for (const incident of sim.incidents.list()) {
      if (!incidentVisibleTo(incident, sub)) continue;
      out.push(serviceHealthEvent(incident, sub, 'Active'));
      if (incident.stage === 'Resolved') out.push(serviceHealthEvent(incident, sub, 'Resolved'));
      // The outage takes the region down: each of the subscription's resources there goes Unavailable, and back.
      for (const resource of sim.store.all()) {
        if (resource.location.toLowerCase() !== incident.region || resource.id.split('/')[2]?.toLowerCase() !== sub.toLowerCase()) continue;
        out.push(resourceHealthEvent(incident, resource, 'Active'));
        if (incident.stage === 'Resolved') out.push(resourceHealthEvent(incident, resource, 'Resolved'));
      }
    }
    const prefix = `/subscriptions/${sub.toLowerCase()}/`;
    for (const record of sim.log.list()) {
      if (!record.path.toLowerCase().startsWith(prefix) || record.injected === 'throttled') continue;
      out.push(administrativeEvent(record, sub));
    }
    // Newest first; events of the same millisecond newest first too (later in the log, later here).
    const order = new Map(out.map((e, i) => [e, i]));
    return out.sort((a, b) => b.at - a.at || order.get(b)! - order.get(a)!);
  };

  const FILTER_HELP =
    "$filter searching parameters invalid. The $filter must start with the time range, eventTimestamp ge '<ISO 8601 time>' [and eventTimestamp le '<ISO 8601 time>'], " +
    "optionally followed by one of: and resourceGroupName eq '<name>', and resourceUri eq '<id>', and resourceProvider eq '<namespace>', and correlationId eq '<id>'.";

  interface LogQuery {
    start: number;
    end?: number;
    tests: Array<(a: Activity) => boolean>;
  }

  const queryOf = (ctx: RouteContext): LogQuery | SimResponse => {
    const text = ctx.request.query.get('$filter');
    if (text === null || text.trim() === '') return invalid(`${FILTER_HELP} The $filter query parameter is required.`);
    let comparisons: FilterComparison[];
    try {
      const node = parseFilter(text);
      if (node.kind === 'or' || (node.kind === 'and' && node.items.some((n) => n.kind !== 'cmp'))) throw new FilterError("only comparisons joined by 'and' are allowed");
      comparisons = node.kind === 'cmp' ? [node] : (node.items as FilterComparison[]);
    } catch (err) {
      if (err instanceof FilterError) return invalid(`${FILTER_HELP} (${err.message})`);
      throw err;
    }
    const query: LogQuery = { start: NaN, tests: [] };
    for (const c of comparisons) {
      const field = c.field.toLowerCase();
      const value = c.value;
      const text = (a: Activity, key: string): string => {
        const v = a.event[key];
        return (isObject(v) ? String(v['value'] ?? '') : typeof v === 'string' ? v : '').toLowerCase();
      };
      if (field === 'eventtimestamp') {
        const t = Date.parse(value);
        if (Number.isNaN(t)) return invalid(`${FILTER_HELP} ('${value}' is not a valid eventTimestamp)`);
        if (c.op === 'ge' || c.op === 'gt') query.start = t;
        else if (c.op === 'le' || c.op === 'lt') query.end = t;
        else return invalid(`${FILTER_HELP} (eventTimestamp takes ge and le, not ${c.op})`);
        continue;
      }
      if (c.op !== 'eq') return invalid(`${FILTER_HELP} (${c.field} takes eq, not ${c.op})`);
      const want = value.toLowerCase();
      switch (field) {
        case 'resourcegroupname':
          query.tests.push((a) => text(a, 'resourceGroupName') === want);
          break;
        case 'resourceuri':
        case 'resourceid':
          query.tests.push((a) => text(a, 'resourceId').replace(/\/+$/, '') === want.replace(/\/+$/, ''));
          break;
        case 'resourceprovider':
          query.tests.push((a) => text(a, 'resourceProviderName') === want);
          break;
        case 'correlationid':
          query.tests.push((a) => text(a, 'correlationId') === want);
          break;
        case 'category':
          query.tests.push((a) => text(a, 'category') === want.replace(/\s+/g, ''));
          break;
        case 'eventchannels':
          break;
        default:
          return invalid(`${FILTER_HELP} ('${c.field}' cannot be filtered on)`);
      }
    }
    if (Number.isNaN(query.start)) return invalid(`${FILTER_HELP} The start time, eventTimestamp ge '<time>', is required.`);
    return query;
  };

  const selectOf = (ctx: RouteContext): string[] | undefined => {
    const text = ctx.request.query.get('$select');
    if (text === null || text.trim() === '') return undefined;
    return text
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
  };

  routes.push({
    method: 'GET',
    pattern: '/subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values',
    operation: 'Microsoft.Insights/eventtypes/values/read',
    arm: true,
    apiVersions: ACTIVITY_LOG_API_VERSIONS,
    resource: (p) => `/subscriptions/${p['sub']}`,
    handle: (ctx) => {
      const query = queryOf(ctx);
      if ('status' in query) return query;
      const select = selectOf(ctx);
      const events = activities(ctx.params['sub']!)
        .filter((a) => a.at >= query.start && (query.end === undefined || a.at <= query.end))
        .filter((a) => query.tests.every((t) => t(a)))
        .map((a) => (select === undefined ? a.event : Object.fromEntries(Object.entries(a.event).filter(([k]) => select.includes(k.toLowerCase())))));
      return page(events);
    },
  });

  return routes;
}
