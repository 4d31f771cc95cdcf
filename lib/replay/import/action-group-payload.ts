/**
 * What an Azure Monitor action group would have posted for an event read from Azure's own
 * history. A replay delivers each past event through the intake exactly as a live alert arrives
 * (common alert schema, `data.essentials` + `data.alertContext`), so today's app reads it down the
 * same path. Sources: an Activity Log event (the REST `EventData`, the same event as
 * `@azure/arm-monitor` deserializes it, or a diagnostic-settings / Event Hub record) and a Resource
 * Health events-API item (a Service Health incident as `Microsoft.ResourceHealth/events` keeps it).
 *
 * The shapes follow Microsoft's published samples (alerts-payload-samples.md, alerts-common-schema.md;
 * see reference/alert-payloads.md §1): ServiceHealth contexts carry the event's property bag with
 * `impactedServices` as a JSON string (version 0.1.1) and null authorization/claims/caller; Resource
 * Health contexts carry `title, details, currentHealthStatus, previousHealthStatus, type, cause`
 * (the alert names, not the Activity Log's `healthStatus`/`healthEventType`/`healthEventCause`);
 * Administrative contexts carry the event flattened with `claims` as a JSON string. Enum-like
 * fields are written as strings: Microsoft's ServiceHealth samples show both numbers and strings,
 * and only the strings' meaning is documented.
 *
 * Three deliberate additions to the samples, each so that the parser reads the normalized payload
 * to the same Signal as the original event: an Administrative context keeps the event's
 * `resourceId` (the legacy activityLog schema carries it; the incident is keyed on it), every
 * context keeps the event's `tenantId` when it has one (the decision checks the tenant), and
 * derived values the parser computes (status from `resultType` or `stage`, caller from `identity`)
 * are written as the parser read them.
 *
 * What the source does not carry and had to be made up (alert id, rule, severity, fired time, ids)
 * is listed in `inferred`, one `<payload path>: <why>` line each, so a replay report can say which
 * parts of a replayed alert are Azure's and which are ours.
 */
import { PayloadError, type ParseError } from '../../alerts/errors.js';
import { field, isObject, optObject, optText, textOf, type Json, type JsonObject } from '../../alerts/fields.js';
import { parseAlert } from '../../alerts/parse.js';
import { optTime } from '../../alerts/signal-from-event.js';
import type { IncidentType, Signal } from '../../alerts/signal.js';
import { parseResourceId } from '../../azure/resource-id.js';
import { stableGuid } from '../../infra/guid.js';

/** A payload as an action group would have posted it, and the fields that had to be made up. */
export interface ActionGroupPayload {
  payload: JsonObject;
  /** `<payload path>: <why>` for every field the source did not carry. */
  inferred: string[];
}

/** Where an item was read, for what the item itself does not say. */
export interface PayloadContext {
  /** The subscription the item was listed from (the events API often names none on the event). */
  subscriptionId?: string;
}

/** Why an item cannot be normalized: the parser's reading of it, with the JSON path. */
export class NotNormalizableError extends Error {
  constructor(readonly detail: ParseError) {
    super(`${detail.code} at ${detail.path}: ${detail.message}`);
    this.name = 'NotNormalizableError';
  }
}

export const COMMON_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

/**
 * The action group payload for one Activity Log event or Resource Health events-API item, in REST
 * JSON or as an Azure SDK deserialized it (Dates, `{value, localizedValue}` strings). Throws
 * NotNormalizableError when the parser cannot read the item, or when it needs no wrapping (an
 * alert payload already, or a Microsoft Graph issue, which the app takes as is from its poller).
 */
export function actionGroupPayload(item: unknown, context: PayloadContext = {}): ActionGroupPayload {
  const json = toJson(item);
  const parsed = parseAlert(json);
  if (!parsed.ok) throw new NotNormalizableError(parsed.error);
  return actionGroupPayloadFor(json, parsed.value, context);
}

/** The same, for an item already converted by `toJson` and read by the parser. */
export function actionGroupPayloadFor(json: Json, signal: Signal, context: PayloadContext = {}): ActionGroupPayload {
  if (!isObject(json)) throw new NotNormalizableError({ code: 'unknown_schema', path: '$', message: 'expected an event object' });
  try {
    switch (signal.schema) {
      case 'activityLogEvent':
      case 'diagnosticRecord':
        return fromActivityEvent(json, signal);
      case 'resourceHealthEvent':
        return fromHealthEvent(json, signal, context);
      default:
        throw new NotNormalizableError({
          code: 'unknown_schema',
          path: '$',
          message: `already a payload the app takes as is (${signal.schema}): deliver it verbatim instead of wrapping it`,
        });
    }
  } catch (err) {
    // The parser validated what it read; a field only the payload reads can still be malformed.
    if (err instanceof PayloadError) throw new NotNormalizableError(err.detail);
    throw err;
  }
}

/**
 * Plain JSON of an SDK object: Dates become ISO-8601 strings and undefined fields disappear, as
 * they would on the wire. (`@azure/arm-monitor` deserializes eventTimestamp to a Date; the
 * parser reads text.)
 */
export function toJson(value: unknown): Json {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as Json;
}

// ── Activity Log events ──────────────────────────────────────────────────────────────────────

/** The parts of an Activity Log event, whichever of its shapes it came in. */
interface ActivityView {
  /** The property bag: `properties`, or a diagnostic record's `properties.eventProperties`. */
  bag: JsonObject;
  bagPath: string;
  authorization: JsonObject | undefined;
  /** Who did it: the event's claims, or a diagnostic record's `identity.claims`. */
  claims: Json | undefined;
}

function viewOf(event: JsonObject, signal: Signal): ActivityView {
  const properties = optObject(event, 'properties', '$') ?? {};
  const eventProperties = signal.schema === 'diagnosticRecord' ? optObject(properties, 'eventProperties', '$.properties') : undefined;
  // Diagnostic records put claims under `identity`.
  const identity = optObject(event, 'identity', '$');
  return {
    bag: eventProperties ?? properties,
    bagPath: eventProperties !== undefined ? '$.properties.eventProperties' : '$.properties',
    // Not identity.authorization: the parser does not read a record's, and the normalized alert must read the same.
    authorization: optObject(event, 'authorization', '$'),
    claims: field(event, 'claims') ?? (identity !== undefined ? field(identity, 'claims') : undefined),
  };
}

const text = (obj: JsonObject, name: string): string | undefined => optText(obj, name, '$');

const MONITORING_SERVICE = {
  serviceHealth: 'ServiceHealth',
  resourceHealth: 'Resource Health',
  administrative: 'Activity Log - Administrative',
} as const;

const EVENT_SOURCE = { serviceHealth: 'ServiceHealth', resourceHealth: 'ResourceHealth', administrative: 'Administrative' } as const;

function fromActivityEvent(event: JsonObject, signal: Signal): ActionGroupPayload {
  if (signal.kind === 'manual') throw new Error('a manual request is not an Activity Log event');
  const kind = signal.kind;
  const view = viewOf(event, signal);
  /** What the alert context had to make up; listed after the envelope's, in payload order. */
  const contextInferred: string[] = [];

  const eventTimestamp = text(event, 'eventTimestamp') ?? text(event, 'time');
  if (eventTimestamp === undefined) {
    contextInferred.push(`data.alertContext.eventTimestamp: the event has no eventTimestamp; its submissionTimestamp (${signal.eventTime}) is used`);
  }
  let eventDataId = signal.eventDataId;
  if (eventDataId === null) {
    eventDataId = stableGuid('replay-imported-event', [signal.correlationId, signal.operationName, signal.eventTime, signal.resourceIds[0]].join('|'));
    contextInferred.push("data.alertContext.eventDataId: made up from the event's correlationId, operation, time and resource (the event has none, as diagnostic records never do)");
  }
  const submitted = text(event, 'submissionTimestamp');
  const inferred: string[] = [];
  const targets = kind === 'serviceHealth' ? (signal.subscriptionId !== null ? [`/subscriptions/${signal.subscriptionId}`] : []) : signal.resourceIds.slice(0, 1);
  const essentials = essentialsFor({
    monitoringService: MONITORING_SERVICE[kind],
    subscriptionId: signal.subscriptionId,
    targets,
    eventId: eventDataId,
    // Service Health alerts carry the event's id as originAlertId (the 2020 real sample); others `<id>_<hash>`.
    originAlertId: kind === 'serviceHealth' ? eventDataId : `${eventDataId}_${stableGuid('replay-origin-alert', eventDataId).replace(/-/g, '')}`,
    firedDateTime: submitted ?? eventTimestamp ?? signal.eventTime,
    firedFrom: submitted !== undefined ? "the event's submissionTimestamp (an alert fires once the event reaches the Activity Log)" : "the event's time (it has no submissionTimestamp)",
    source: 'the Activity Log',
    inferred,
  });

  const common: JsonObject = {};
  const put = (name: string, value: Json | undefined): void => {
    if (value !== undefined) common[name] = value;
  };
  const copyText = (name: string): void => put(name, text(event, name));
  const description = text(event, 'description') ?? text(event, 'Activity Log Event Description');

  switch (kind) {
    case 'serviceHealth':
      put('authorization', null);
      copyText('channels');
      put('claims', null);
      put('caller', null);
      copyText('correlationId');
      put('eventSource', EVENT_SOURCE[kind]);
      put('eventTimestamp', eventTimestamp ?? signal.eventTime);
      put('httpRequest', null);
      put('eventDataId', eventDataId);
      copyText('level');
      copyText('operationName');
      copyText('operationId');
      put('properties', view.bag);
      put('status', signal.status);
      put('subStatus', text(event, 'subStatus') ?? null);
      copyText('submissionTimestamp');
      put('ResourceType', null);
      break;
    case 'resourceHealth':
      copyText('channels');
      copyText('correlationId');
      put('eventSource', EVENT_SOURCE[kind]);
      put('eventTimestamp', eventTimestamp ?? signal.eventTime);
      put('eventDataId', eventDataId);
      copyText('level');
      copyText('operationName');
      copyText('operationId');
      put('properties', resourceHealthProperties(view.bag, view.bagPath));
      put('status', signal.status);
      copyText('submissionTimestamp');
      break;
    case 'administrative':
      put('authorization', view.authorization);
      copyText('channels');
      put('claims', claimsText(view.claims));
      put('caller', signal.caller);
      copyText('correlationId');
      put('eventSource', EVENT_SOURCE[kind]);
      put('eventTimestamp', eventTimestamp ?? signal.eventTime);
      put('httpRequest', field(event, 'httpRequest'));
      put('eventDataId', eventDataId);
      copyText('level');
      copyText('operationName');
      copyText('operationId');
      put('properties', view.bag);
      put('resourceId', text(event, 'resourceId'));
      put('status', signal.status);
      put('subStatus', text(event, 'subStatus') ?? '');
      copyText('submissionTimestamp');
      break;
  }
  put('tenantId', text(event, 'tenantId'));
  put('Activity Log Event Description', description);
  return { payload: commonAlert(essentials, common), inferred: [...inferred, ...contextInferred] };
}

/** The Resource Health alert's property set, read from either naming (alert or Activity Log). */
function resourceHealthProperties(bag: JsonObject, bagPath: string): JsonObject {
  const first = (...names: string[]): Json => {
    for (const name of names) {
      const value = optText(bag, name, bagPath);
      if (value !== undefined) return value;
    }
    return null;
  };
  const out: JsonObject = {
    title: first('title'),
    details: first('details'),
    currentHealthStatus: first('currentHealthStatus', 'healthStatus'),
    previousHealthStatus: first('previousHealthStatus'),
    type: first('type', 'healthEventType'),
    cause: first('cause', 'healthEventCause'),
  };
  const synthetic = field(bag, 'IsSynthetic');
  if (synthetic !== undefined) out['IsSynthetic'] = synthetic;
  return out;
}

/** Alerts carry claims as a JSON string (alerts-common-schema.md §1.2); the REST event as an object. */
function claimsText(claims: Json | undefined): Json {
  if (claims === undefined) return null;
  return typeof claims === 'string' ? claims : JSON.stringify(claims);
}

// ── Resource Health events-API items (Service Health incidents) ──────────────────────────────

/** Activity Log operation class per Service Health class (`Microsoft.ServiceHealth/<class>/action`). */
const OPERATION_CLASS: Partial<Record<IncidentType, string>> = {
  Incident: 'incident',
  Maintenance: 'maintenance',
  ActionRequired: 'actionrequired',
  // Assumed: no public sample shows these two (reference/alert-payloads.md §1.3).
  Informational: 'info',
  Security: 'security',
};

function fromHealthEvent(item: JsonObject, signal: Signal, context: PayloadContext): ActionGroupPayload {
  const nested = field(item, 'properties');
  const p = isObject(nested) ? nested : item;
  const pp = isObject(nested) ? '$.properties' : '$';
  const trackingId = signal.trackingId ?? signal.incidentKey;
  /** The envelope's made-up fields first, then the alert context's, in payload order. */
  const inferred: string[] = [];

  let subscriptionId = signal.subscriptionId;
  const subscriptionListed = subscriptionId === null && context.subscriptionId !== undefined;
  if (subscriptionListed) subscriptionId = context.subscriptionId!;
  // The parser's event time: lastUpdateTime, or impactStartTime when that is absent or .NET's unset MinValue.
  const timeFrom = optTime(p, 'lastUpdateTime', pp) !== null ? 'lastUpdateTime' : 'impactStartTime';
  const eventTimestamp = signal.eventTime;
  const eventDataId = stableGuid('replay-health-event', `${subscriptionId ?? ''}|${trackingId}|${signal.eventTime}`);
  const communicationId = String(Date.parse(signal.eventTime));
  const operationClass = signal.incidentType !== null ? OPERATION_CLASS[signal.incidentType] : undefined;

  const essentials = essentialsFor({
    monitoringService: MONITORING_SERVICE.serviceHealth,
    subscriptionId,
    targets: subscriptionId !== null ? [`/subscriptions/${subscriptionId}`] : [],
    eventId: eventDataId,
    originAlertId: eventDataId,
    firedDateTime: eventTimestamp,
    firedFrom: `the event's ${timeFrom}`,
    source: 'the Resource Health events API',
    inferred,
  });
  if (subscriptionListed) inferred.push(`data.essentials.alertTargetIDs: the subscription the event was listed from (${subscriptionId}); the event names none`);
  inferred.push(
    `data.alertContext.eventTimestamp: the event's ${timeFrom}; the events API keeps no time per notification`,
    `data.alertContext.eventDataId: made up from the tracking id, subscription and ${timeFrom} (the events API has no event id)`,
  );
  if (operationClass !== undefined) {
    inferred.push(`data.alertContext.operationName: Microsoft.ServiceHealth/${operationClass}/action, from the event type (the events API has no operation name)`);
  }
  inferred.push(`data.alertContext.properties.communicationId: made up from the event's ${timeFrom}, one per update (the events API has none)`);

  const impact = impactedServices(p, pp);
  const first = impact[0];
  const article = optObject(p, 'article', pp);
  const communication = (article !== undefined ? optText(article, 'articleContent', `${pp}.article`) : undefined) ?? optText(p, 'summary', pp) ?? optText(p, 'description', pp);
  const isHir = field(p, 'isHIR');
  const impactType = optText(p, 'impactType', pp);
  const impactStart = optText(p, 'impactStartTime', pp);
  const mitigation = optText(p, 'impactMitigationTime', pp);

  const properties: JsonObject = {
    ...(signal.title !== null ? { title: signal.title } : {}),
    ...(first !== undefined ? { service: first.ServiceName, region: first.ImpactedRegions[0]?.RegionName ?? 'Global' } : {}),
    ...(communication !== undefined ? { communication } : {}),
    ...(signal.incidentType !== null ? { incidentType: signal.incidentType } : {}),
    trackingId,
    ...(impactStart !== undefined ? { impactStartTime: impactStart } : {}),
    ...(mitigation !== undefined ? { impactMitigationTime: mitigation } : {}),
    impactedServices: JSON.stringify(impact),
    ...(signal.title !== null ? { defaultLanguageTitle: signal.title } : {}),
    ...(communication !== undefined ? { defaultLanguageContent: communication } : {}),
    ...(signal.stage !== null ? { stage: signal.stage } : {}),
    communicationId,
    ...(typeof isHir === 'boolean' || typeof isHir === 'string' ? { isHIR: String(isHir) } : {}),
    ...(impactType !== undefined ? { impactType } : {}),
    version: '0.1.1',
  };
  const level = optText(p, 'eventLevel', pp) ?? optText(p, 'level', pp);
  const alertContext: JsonObject = {
    authorization: null,
    claims: null,
    caller: null,
    eventSource: EVENT_SOURCE.serviceHealth,
    eventTimestamp,
    httpRequest: null,
    eventDataId,
    ...(level !== undefined ? { level } : {}),
    ...(operationClass !== undefined ? { operationName: `Microsoft.ServiceHealth/${operationClass}/action` } : {}),
    properties,
    status: signal.status,
    subStatus: null,
    submissionTimestamp: eventTimestamp,
    ResourceType: null,
  };
  return { payload: commonAlert(essentials, alertContext), inferred };
}

/** `impactedServices` of version 0.1.1 from the events API's `impact[]`, names as Azure wrote them. */
function impactedServices(p: JsonObject, pp: string): Array<{ ImpactedRegions: Array<{ RegionName: string }>; ServiceName: string }> {
  const impact = field(p, 'impact');
  if (!Array.isArray(impact)) return [];
  const out: Array<{ ImpactedRegions: Array<{ RegionName: string }>; ServiceName: string }> = [];
  impact.forEach((entry, i) => {
    const at = `${pp}.impact[${i}]`;
    if (!isObject(entry)) return;
    const name = optText(entry, 'impactedService', at);
    if (name === undefined) return;
    const regions = field(entry, 'impactedRegions');
    const names = (Array.isArray(regions) ? regions : [])
      .map((region, j) => (isObject(region) ? optText(region, 'impactedRegion', `${at}.impactedRegions[${j}]`) : textOf(region ?? undefined, `${at}.impactedRegions[${j}]`)))
      .filter((r): r is string => r !== undefined);
    out.push({ ImpactedRegions: names.map((RegionName) => ({ RegionName })), ServiceName: name });
  });
  return out;
}

// ── the envelope ─────────────────────────────────────────────────────────────────────────────

interface EssentialsInput {
  monitoringService: string;
  subscriptionId: string | null;
  targets: string[];
  eventId: string;
  originAlertId: string;
  firedDateTime: string;
  firedFrom: string;
  /** Where the event was read, for the reasons. */
  source: string;
  inferred: string[];
}

/**
 * `data.essentials` as activity log alerts fill it (alerts-common-schema.md §1.1): stateless, so
 * always `Fired`; `signalType` "Activity Log"; targets the subscription (Service Health) or the
 * resource. The alert's own identity (id, rule, severity, fired time) never reaches the Activity
 * Log, so it is made up here and said so.
 */
function essentialsFor(input: EssentialsInput): JsonObject {
  const scope = input.subscriptionId !== null ? `/subscriptions/${input.subscriptionId}` : '';
  input.inferred.push(
    `data.essentials.alertId: made up from the event id (${input.eventId})`,
    `data.essentials.alertRule: made up; ${input.source} does not say which alert rule, if any, fired for this event`,
    'data.essentials.severity: made up as Sev4, what Microsoft\'s activity log alert samples carry (an activity log alert rule has no severity of its own)',
    `data.essentials.originAlertId: made up from the event id (${input.eventId})`,
    `data.essentials.firedDateTime: made up from ${input.firedFrom}`,
  );
  const configurationItems = input.monitoringService === MONITORING_SERVICE.serviceHealth ? [] : input.targets.map((id) => parseResourceId(id)?.names.at(-1)).filter((n): n is string => n !== undefined);
  return {
    alertId: `${scope}/providers/Microsoft.AlertsManagement/alerts/${stableGuid('replay-imported-alert', input.eventId)}`,
    alertRule: 'imported-from-azure-history',
    severity: 'Sev4',
    signalType: 'Activity Log',
    monitorCondition: 'Fired',
    monitoringService: input.monitoringService,
    alertTargetIDs: input.targets,
    ...(configurationItems.length > 0 ? { configurationItems } : {}),
    originAlertId: input.originAlertId,
    firedDateTime: input.firedDateTime,
    essentialsVersion: '1.0',
    alertContextVersion: '1.0',
  };
}

function commonAlert(essentials: JsonObject, alertContext: JsonObject): JsonObject {
  return { schemaId: COMMON_SCHEMA_ID, data: { essentials, alertContext, customProperties: null } };
}
