/**
 * The Activity Log event an alert rule was evaluated against, recovered from what was delivered or
 * exported. Every action-group payload and export is derived from that event; each reader below
 * reverses one derivation, from the raw JSON only (the app's parser is deliberately not used: this
 * is the independent reading a test compares it with).
 *
 * - Common alert schema (`schemaId: azureMonitorCommonAlertSchema`): `data.alertContext` is the
 *   event's own fields; the resource is `essentials.alertTargetIDs` (the subscription for Service
 *   Health), the category `essentials.monitoringService` ("ServiceHealth", "Resource Health",
 *   "Activity Log - <category>") since Service Health sends `eventSource` as a number.
 *   https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 * - Legacy activity log alert (`schemaId: Microsoft.Insights/activityLogs`): `data.context.activityLog`
 *   is the event with `eventSource` for its category; `data.status` is the alert's, not the event's.
 *   https://learn.microsoft.com/azure/azure-monitor/alerts/activity-log-alerts-webhook
 * - Activity Log REST `EventData`: the event itself, with `{value, localizedValue}` strings.
 *   https://learn.microsoft.com/azure/azure-monitor/platform/activity-log-schema
 * - Diagnostic-settings records (Event Hub, storage; `records[]` or one record): mapped back with
 *   the table in "Schema from storage account and event hubs" on the same page: `resultType` →
 *   status, `resultSignature` → subStatus, `properties.eventCategory` → category ("If
 *   properties.eventCategory isn't present, category is Administrative"),
 *   `properties.eventProperties` → properties, `identity` → claims and authorization;
 *   resourceGroupName and resourceType "are all inferred from the resourceId".
 *
 * Not Activity Log events, so null: Resource Health events-API items (`Microsoft.ResourceHealth/events`,
 * `impact[]`) are Service Health's own records, read from the Resource Health API, never evaluated
 * by an activity log alert rule; Microsoft 365 service health issues come from Microsoft Graph.
 * Other alert types in the common schema (metric, log search) are not either.
 *
 * Choices where the payload does not say (each keeps only what the payload carries):
 * - resourceId absent: for a Service Health event it is the subscription (`/subscriptions/{id}`,
 *   as in the REST Service Health sample); for anything else it stays absent, so no scope holds it;
 * - resourceGroup and resourceType absent: read from the resourceId; resourceProvider is never
 *   inferred (Resource Health events name `Microsoft.Resourcehealth/healthevent/action`, not the
 *   resource's provider);
 * - numeric `level` (common-schema Service Health): 1 Critical, 2 Error, 3 Warning, 4 Informational,
 *   5 Verbose. Attested for 3 only: the same test notification arrives as `"level": 3` in the common
 *   schema and `"level": "Warning"` in the legacy one (alerts-payload-samples and
 *   alerts-non-common-schema-definitions, eventDataId 12345678-1234-1234-1234-1234567890ab);
 * - a diagnostic record's caller: the `upn` claim, else the `appid` claim (EventData.caller is "the
 *   UPN claim or SPN claim based on availability");
 * - property values that arrive structured (the 2025 test action's `impactedServices` array) are
 *   stored JSON-encoded, as the Activity Log's string dictionary holds them.
 */
import { parseResourceId } from '../../../lib/azure/resource-id.js';
import type { ActivityLogEvent } from './evaluate.js';

type Obj = Record<string, unknown>;

export interface RecoveredEvent {
  event: ActivityLogEvent;
  /** Where in the payload the event was read: `$.data.alertContext`, `$.records[0]`, … */
  from: string;
}

export function activityLogEventFrom(payload: unknown): RecoveredEvent | null {
  return read(payload, '$');
}

function read(payload: unknown, at: string): RecoveredEvent | null {
  if (!isObj(payload)) throw new Error(`${at}: expected a JSON object, got ${describe(payload)}`);
  const schemaId = get(payload, 'schemaId');
  if (schemaId !== undefined) {
    const id = typeof schemaId === 'string' ? schemaId.toLowerCase() : '';
    if (id === 'azuremonitorcommonalertschema') return fromCommon(payload, at);
    if (id === 'microsoft.insights/activitylogs') return fromLegacy(payload, at);
    throw new Error(`${at}.schemaId: ${describe(schemaId)} is not an activity log alert schema`);
  }
  const responses = get(payload, 'responses');
  if (isObj(responses)) {
    // An azure-rest-api-specs example file: the response body is what the API returns.
    return read(get(obj(get(responses, '200'), `${at}.responses["200"]`), 'body'), `${at}.responses["200"].body`);
  }
  for (const list of ['records', 'value']) {
    const items = get(payload, list);
    if (items === undefined) continue;
    if (!Array.isArray(items)) throw new Error(`${at}.${list}: expected an array, got ${describe(items)}`);
    const events = items.map((item, i) => read(item, `${at}.${list}[${i}]`));
    if (events.every((e) => e === null)) return null;
    if (events.length !== 1) throw new Error(`${at}.${list}: holds ${events.length} events; read one at a time`);
    return events[0]!;
  }
  if (isHealthEventsApiItem(payload) || isGraphIssue(payload)) return null;
  if (isDiagnosticRecord(payload)) return { event: fromRecord(payload), from: at };
  if (get(payload, 'eventTimestamp') !== undefined || isObj(get(payload, 'category'))) {
    return { event: fromEventData(payload), from: at };
  }
  throw new Error(`${at}: not an alert payload, Activity Log event, diagnostic record, Resource Health event or Graph issue`);
}

const MONITORING_SERVICES: ReadonlyMap<string, string> = new Map([
  ['servicehealth', 'ServiceHealth'],
  ['resource health', 'ResourceHealth'],
]);

function fromCommon(payload: Obj, at: string): RecoveredEvent | null {
  const data = obj(get(payload, 'data'), `${at}.data`);
  const essentials = obj(get(data, 'essentials'), `${at}.data.essentials`);
  const service = text(get(essentials, 'monitoringService'));
  if (service === null) throw new Error(`${at}.data.essentials.monitoringService: required to tell what kind of alert this is`);
  const activityLogCategory = /^activity log - (.+)$/i.exec(service)?.[1];
  const category = MONITORING_SERVICES.get(service.toLowerCase()) ?? activityLogCategory;
  // Metric, log search and other alerts share the envelope but are not Activity Log events.
  if (category === undefined) return null;
  const from = `${at}.data.alertContext`;
  const context = obj(get(data, 'alertContext'), from);
  const targets = get(essentials, 'alertTargetIDs');
  const target = Array.isArray(targets) ? targets.map(text).find((t) => t !== null) : undefined;
  return { event: fromEventFields(context, category, text(get(context, 'resourceId')) ?? target ?? null), from };
}

function fromLegacy(payload: Obj, at: string): RecoveredEvent {
  const from = `${at}.data.context.activityLog`;
  const activityLog = obj(get(obj(get(obj(get(payload, 'data'), `${at}.data`), 'context'), `${at}.data.context`), 'activityLog'), from);
  return { event: fromEventFields(activityLog, text(get(activityLog, 'eventSource')), text(get(activityLog, 'resourceId'))), from };
}

function fromEventData(item: Obj): ActivityLogEvent {
  return fromEventFields(item, text(get(item, 'category')), text(get(item, 'resourceId')));
}

/** Alert contexts, legacy activityLog objects and EventData items name the event's fields alike. */
function fromEventFields(e: Obj, category: string | null, resourceId: string | null): ActivityLogEvent {
  const subscriptionId = text(get(e, 'subscriptionId'));
  const id =
    resourceId ?? (category?.toLowerCase() === 'servicehealth' && subscriptionId !== null ? `/subscriptions/${subscriptionId}` : null);
  return {
    category,
    resourceId: id,
    resourceGroup: text(get(e, 'resourceGroupName')) ?? inferred(id, 'resourceGroup'),
    resourceProvider: text(get(e, 'resourceProviderName')),
    resourceType: text(get(e, 'resourceType')) ?? inferred(id, 'type'),
    operationName: text(get(e, 'operationName')),
    status: text(get(e, 'status')),
    subStatus: text(get(e, 'subStatus')),
    level: levelOf(get(e, 'level')),
    caller: text(get(e, 'caller')),
    properties: stringDictionary(get(e, 'properties')),
  };
}

/** Record fields that belong to the record's wrapping rather than to the event's properties. */
const RECORD_PROPERTY_FIELDS = new Set(['eventcategory', 'eventname', 'operationid', 'eventproperties']);

function fromRecord(record: Obj): ActivityLogEvent {
  const bag = get(record, 'properties');
  const props = isObj(bag) ? bag : {};
  const eventProperties = get(props, 'eventProperties');
  const resourceId = text(get(record, 'resourceId'));
  const claims = get(isObj(get(record, 'identity')) ? (get(record, 'identity') as Obj) : {}, 'claims');
  const claim = (name: string): string | null => (isObj(claims) ? text(get(claims, name)) : null);
  return {
    category: text(get(props, 'eventCategory')) ?? 'Administrative',
    resourceId,
    resourceGroup: inferred(resourceId, 'resourceGroup'),
    resourceProvider: null,
    resourceType: inferred(resourceId, 'type'),
    operationName: text(get(record, 'operationName')),
    status: text(get(record, 'resultType')),
    subStatus: text(get(record, 'resultSignature')),
    level: levelOf(get(record, 'level')),
    caller: text(get(record, 'caller')) ?? claim('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn') ?? claim('appid'),
    properties: isObj(eventProperties)
      ? stringDictionary(eventProperties)
      : stringDictionary(Object.fromEntries(Object.entries(props).filter(([k]) => !RECORD_PROPERTY_FIELDS.has(k.toLowerCase())))),
  };
}

function isDiagnosticRecord(item: Obj): boolean {
  const props = get(item, 'properties');
  if (isObj(props) && get(props, 'eventProperties') !== undefined) return true;
  return get(item, 'time') !== undefined && get(item, 'eventTimestamp') === undefined && typeof get(item, 'category') === 'string';
}

function isHealthEventsApiItem(item: Obj): boolean {
  const type = text(get(item, 'type'));
  if (type !== null && /microsoft\.resourcehealth\/events$/i.test(type)) return true;
  const props = get(item, 'properties');
  const bag = isObj(props) ? props : item;
  return get(bag, 'eventType') !== undefined && get(bag, 'impact') !== undefined;
}

/** A Microsoft Graph `serviceHealthIssue`. */
function isGraphIssue(item: Obj): boolean {
  const odataType = text(get(item, '@odata.type'));
  if (odataType !== null && /serviceHealthIssue$/i.test(odataType)) return true;
  return get(item, 'classification') !== undefined && get(item, 'isResolved') !== undefined && get(item, 'service') !== undefined;
}

const LEVELS = ['Critical', 'Error', 'Warning', 'Informational', 'Verbose'];

function levelOf(value: unknown): string | null {
  if (typeof value === 'number') return LEVELS[value - 1] ?? String(value);
  return text(value);
}

function inferred(resourceId: string | null, part: 'resourceGroup' | 'type'): string | null {
  if (resourceId === null) return null;
  return parseResourceId(resourceId)?.[part] ?? null;
}

/** The Activity Log's properties: a dictionary of strings, structured values JSON-encoded. */
function stringDictionary(value: unknown): Record<string, string | null> {
  if (!isObj(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

/** A string field, or the invariant `value` of a localizable string; blank and null are absent. */
function text(value: unknown): string | null {
  if (isObj(value)) return text(get(value, 'value'));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A key, by exact name first, then in any casing (payloads vary: `ResourceType`, `resourceType`). */
function get(o: Obj, key: string): unknown {
  if (Object.hasOwn(o, key)) return o[key];
  const lower = key.toLowerCase();
  const found = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : o[found];
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown, at: string): Obj {
  if (!isObj(value)) throw new Error(`${at}: expected an object, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : typeof value;
}
