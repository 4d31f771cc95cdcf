/**
 * Unwraps every payload shape into `ActivityEvent`s: one activity-log event plus what its
 * envelope adds (subscription, target resources, rule name, custom properties). The builders
 * then read one shape, whichever of the five it came in.
 */
import { fail } from './errors.js';
import {
  describe,
  field,
  isObject,
  optObject,
  optText,
  optTextList,
  optTextMap,
  reqObject,
  type Json,
  type JsonObject,
} from './fields.js';
import type { SignalSchema } from './signal.js';
import { isGraphIssue } from './signal-from-graph-issue.js';
import { subscriptionOf } from '../azure/resource-id.js';

export interface ActivityEvent {
  schema: SignalSchema;
  /** The event object: alertContext, activityLog, EventData item or diagnostic record. */
  event: JsonObject;
  eventPath: string;
  /** The event's property bag (Service Health / Resource Health fields live here). */
  properties: JsonObject;
  propertiesPath: string;
  /** Common schema `essentials.monitoringService`; the most reliable kind marker when present. */
  monitoringService?: string;
  monitoringServicePath?: string;
  subscriptionId: string | null;
  /** The Microsoft Entra tenant, when the event names one (Activity Log events and exports do). */
  tenantId: string | null;
  /** Resource ids the envelope names (`alertTargetIDs`), in addition to the event's own. */
  targetIds: string[];
  alertRule: string | null;
  customProperties: Record<string, string>;
  /** The envelope's own timestamp, used when the event has none. */
  envelopeTime?: { text: string; path: string };
}

/** A Resource Health events-API item (`Microsoft.ResourceHealth/events`) or a Graph service health issue, read separately. */
export interface HealthEventItem {
  item: JsonObject;
  path: string;
}

export type Unwrapped = { kind: 'activity'; value: ActivityEvent } | { kind: 'healthEvent'; value: HealthEventItem } | { kind: 'graphIssue'; value: HealthEventItem };

export interface Envelope {
  /** True when the payload is a collection (`records[]`, `value[]`), even of one. */
  batch: boolean;
  /** Per item, the unwrapped event or the error that item alone produced. */
  items: Array<{ path: string; read: () => Unwrapped }>;
}

const COMMON = 'azuremonitorcommonalertschema';
const LEGACY = 'microsoft.insights/activitylogs';

/** Finds the payload's shape. Throws PayloadError (caught by the parser) for unknown shapes. */
export function openEnvelope(body: Json, path = '$', insideExample = false): Envelope {
  if (Array.isArray(body)) {
    // Some forwarders and exports send a bare JSON array of events.
    return { batch: true, items: body.map((item, i) => ({ path: `${path}[${i}]`, read: () => readSingle(item, `${path}[${i}]`) })) };
  }
  if (!isObject(body)) {
    return fail('unknown_schema', path, `expected a JSON object, got ${describe(body)}`);
  }
  if (field(body, 'schemaId') !== undefined) return single(path, () => readSingle(body, path));
  const responses = insideExample ? undefined : optObject(body, 'responses', path);
  if (responses !== undefined) {
    // An azure-rest-api-specs example file: { parameters, responses: { "200": { body } } }.
    const ok = optObject(responses, '200', `${path}.responses`);
    const inner = ok === undefined ? undefined : field(ok, 'body');
    if (inner === undefined) return fail('missing_field', `${path}.responses["200"].body`, 'example file has no 200 response body');
    return openEnvelope(inner, `${path}.responses["200"].body`, true);
  }
  for (const listKey of ['records', 'value']) {
    const list = field(body, listKey);
    if (list === undefined) continue;
    const at = `${path}.${listKey}`;
    if (!Array.isArray(list)) return fail('invalid_field', at, `expected an array of events, got ${describe(list)}`);
    return {
      batch: true,
      items: list.map((item, i) => ({ path: `${at}[${i}]`, read: () => readSingle(item, `${at}[${i}]`) })),
    };
  }
  return single(path, () => readSingle(body, path));
}

/** One alert payload (by schemaId) or one bare event. */
function readSingle(body: Json, path: string): Unwrapped {
  if (!isObject(body)) return fail('unknown_schema', path, `expected an event object, got ${describe(body)}`);
  const schemaId = field(body, 'schemaId');
  if (schemaId === undefined) return readItem(body, path);
  const id = typeof schemaId === 'string' ? schemaId.trim().toLowerCase() : '';
  if (id === COMMON) return { kind: 'activity', value: readCommon(body, path) };
  if (id === LEGACY) return { kind: 'activity', value: readLegacy(body, path) };
  return fail(
    'unknown_schema',
    `${path}.schemaId`,
    `unsupported schemaId ${describe(schemaId)}; expected "azureMonitorCommonAlertSchema" or "Microsoft.Insights/activityLogs"`,
  );
}

function single(path: string, read: () => Unwrapped): Envelope {
  return { batch: false, items: [{ path, read }] };
}

/** A bare event: Resource Health events-API item, diagnostic record, or Activity Log EventData. */
function readItem(item: Json, path: string): Unwrapped {
  if (!isObject(item)) return fail('unknown_schema', path, `expected an event object, got ${describe(item)}`);
  if (isHealthEventItem(item)) return { kind: 'healthEvent', value: { item, path } };
  if (isGraphIssue(item)) return { kind: 'graphIssue', value: { item, path } };
  const eventProperties = optObject(optObject(item, 'properties', path) ?? {}, 'eventProperties', `${path}.properties`);
  const isDiagnosticRecord =
    eventProperties !== undefined || (field(item, 'time') !== undefined && field(item, 'eventTimestamp') === undefined);
  if (isDiagnosticRecord) return { kind: 'activity', value: readDiagnosticRecord(item, path, eventProperties) };
  if (
    field(item, 'eventTimestamp') === undefined &&
    field(item, 'operationName') === undefined &&
    field(item, 'eventDataId') === undefined
  ) {
    return fail(
      'unknown_schema',
      path,
      'not an alert payload (no schemaId), Activity Log event (no eventTimestamp, operationName or eventDataId), ' +
        'diagnostic record, Resource Health event or Microsoft Graph service health issue',
    );
  }
  return { kind: 'activity', value: readActivityLogEvent(item, path, 'activityLogEvent') };
}

function isHealthEventItem(item: JsonObject): boolean {
  const type = field(item, 'type');
  if (typeof type === 'string' && /microsoft\.resourcehealth\/events$/i.test(type)) return true;
  const props = field(item, 'properties');
  const bag = isObject(props) ? props : item;
  return field(bag, 'eventType') !== undefined && field(bag, 'impact') !== undefined;
}

function readCommon(body: JsonObject, path: string): ActivityEvent {
  const data = reqObject(body, 'data', path);
  const dataPath = `${path}.data`;
  const essentials = reqObject(data, 'essentials', dataPath);
  const essentialsPath = `${dataPath}.essentials`;
  const alertContext = reqObject(data, 'alertContext', dataPath);
  const contextPath = `${dataPath}.alertContext`;
  const targetIds = optTextList(essentials, 'alertTargetIDs', essentialsPath);
  const alertId = optText(essentials, 'alertId', essentialsPath);
  const fired = optText(essentials, 'firedDateTime', essentialsPath);
  const event = readActivityLogEvent(alertContext, contextPath, 'common');
  const monitoringService = optText(essentials, 'monitoringService', essentialsPath);
  if (monitoringService !== undefined) {
    event.monitoringService = monitoringService;
    event.monitoringServicePath = `${essentialsPath}.monitoringService`;
  }
  event.subscriptionId = event.subscriptionId ?? firstSubscription([alertId, ...targetIds]);
  event.targetIds = targetIds;
  event.alertRule = optText(essentials, 'alertRule', essentialsPath) ?? null;
  event.customProperties = optTextMap(data, 'customProperties', dataPath);
  if (fired !== undefined) event.envelopeTime = { text: fired, path: `${essentialsPath}.firedDateTime` };
  return event;
}

function readLegacy(body: JsonObject, path: string): ActivityEvent {
  const data = reqObject(body, 'data', path);
  const dataPath = `${path}.data`;
  const context = reqObject(data, 'context', dataPath);
  const activityLog = reqObject(context, 'activityLog', `${dataPath}.context`);
  const event = readActivityLogEvent(activityLog, `${dataPath}.context.activityLog`, 'activityLogAlert');
  event.customProperties = optTextMap(data, 'properties', dataPath);
  return event;
}

/** Alert contexts, legacy activityLog objects and EventData items share the activity-log event fields. */
function readActivityLogEvent(event: JsonObject, path: string, schema: SignalSchema): ActivityEvent {
  const properties = optObject(event, 'properties', path) ?? {};
  const subscription = optText(event, 'subscriptionId', path) ?? firstSubscription([optText(event, 'resourceId', path)]);
  return {
    schema,
    event,
    eventPath: path,
    properties,
    propertiesPath: `${path}.properties`,
    subscriptionId: subscription ?? null,
    tenantId: tenantOf(event),
    targetIds: [],
    alertRule: null,
    customProperties: {},
  };
}

/** Diagnostic-settings export: the Service/Resource Health fields sit in properties.eventProperties. */
function readDiagnosticRecord(record: JsonObject, path: string, eventProperties: JsonObject | undefined): ActivityEvent {
  const properties = eventProperties ?? optObject(record, 'properties', path) ?? {};
  const resourceId = optText(record, 'resourceId', path);
  return {
    schema: 'diagnosticRecord',
    event: record,
    eventPath: path,
    properties,
    propertiesPath: eventProperties !== undefined ? `${path}.properties.eventProperties` : `${path}.properties`,
    subscriptionId: firstSubscription([resourceId]),
    tenantId: tenantOf(record),
    targetIds: [],
    alertRule: null,
    customProperties: {},
  };
}

/**
 * The event's `tenantId`, spelled as Activity Log events and their exports spell it. Read by exact
 * name only: a loose lookup would index every event's keys for a field most alerts do not carry,
 * on the intake's hot path.
 */
function tenantOf(event: JsonObject): string | null {
  const value = Object.hasOwn(event, 'tenantId') ? event['tenantId'] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : null;
}

function firstSubscription(ids: Array<string | undefined>): string | null {
  for (const id of ids) {
    if (id === undefined) continue;
    const sub = subscriptionOf(id);
    if (sub !== null) return sub;
  }
  return null;
}
