/**
 * ActivityEvent → Signal. Decides the kind (the envelope's monitoringService, then the event's
 * eventSource or category, then its operationName, then the shape of its properties) and reads
 * the fields each kind needs.
 */
import { fail } from './errors.js';
import { field, join, optFlag, optObject, optText, type JsonObject } from './fields.js';
import type { ActivityEvent } from './envelopes.js';
import { mergeServices, parseImpactedServices } from './impacted-services.js';
import { canonicalRegion } from './regions.js';
import { blankSignal, type HealthChange, type IncidentType, type Lifecycle, type Signal, type SignalKind, type Stage } from './signal.js';
import { isUnsetIso, normalizeTimestamp, toUtcIso } from './time.js';
import { eventSourceOf, healthOf, incidentTypeOf, severityOf, stageOf, statusOf } from './vocabulary.js';
import { parseResourceId, resourceIdKey } from '../azure/resource-id.js';

export interface ParseOptions {
  /** When the payload was received; used as eventTime only if the payload carries no timestamp. */
  receivedAt?: Date;
}

type ActivityKind = Exclude<SignalKind, 'manual'>;

const MONITORING_SERVICES: ReadonlyMap<string, ActivityKind> = new Map([
  ['servicehealth', 'serviceHealth'],
  ['resourcehealth', 'resourceHealth'],
  ['activitylogadministrative', 'administrative'],
]);

export function signalFromActivityEvent(ev: ActivityEvent, options: ParseOptions = {}): Signal {
  const kind = kindOf(ev);
  const base = readBase(ev, options);
  switch (kind) {
    case 'serviceHealth':
      return serviceHealthSignal(ev, base);
    case 'resourceHealth':
      return resourceHealthSignal(ev, base);
    case 'administrative':
      return administrativeSignal(ev, base);
  }
}

function kindOf(ev: ActivityEvent): ActivityKind {
  if (ev.monitoringService !== undefined) {
    const kind = MONITORING_SERVICES.get(ev.monitoringService.replace(/[\s_-]/g, '').toLowerCase());
    if (kind !== undefined) return kind;
    return fail(
      'unsupported_alert',
      ev.monitoringServicePath ?? `${ev.eventPath}.monitoringService`,
      `monitoringService "${ev.monitoringService}" is not acted on; this app handles ServiceHealth, ` +
        'Resource Health and Activity Log - Administrative alerts',
    );
  }
  const { event, eventPath, properties, propertiesPath } = ev;
  const sourceCandidates: Array<[JsonObject, string, string]> = [
    [event, eventPath, 'eventSource'],
    [event, eventPath, 'category'],
    [properties, propertiesPath, 'eventCategory'],
  ];
  for (const [obj, at, name] of sourceCandidates) {
    const text = optText(obj, name, at);
    const source = eventSourceOf(text);
    if (source === undefined) continue;
    if (source === 'Other') {
      return fail(
        'unsupported_alert',
        join(at, name),
        `event category "${text}" is not acted on; this app handles ServiceHealth, ResourceHealth and Administrative events`,
      );
    }
    return source === 'ServiceHealth' ? 'serviceHealth' : source === 'ResourceHealth' ? 'resourceHealth' : 'administrative';
  }
  const operation = (optText(event, 'operationName', eventPath) ?? '').toLowerCase();
  if (operation.startsWith('microsoft.servicehealth/')) return 'serviceHealth';
  if (operation.startsWith('microsoft.resourcehealth/')) return 'resourceHealth';
  if (field(properties, 'trackingId') !== undefined || field(properties, 'incidentType') !== undefined) return 'serviceHealth';
  if (field(properties, 'currentHealthStatus') !== undefined || field(properties, 'healthStatus') !== undefined) {
    return 'resourceHealth';
  }
  if (
    operation !== '' ||
    field(event, 'authorization') !== undefined ||
    field(event, 'caller') !== undefined ||
    field(event, 'resourceId') !== undefined
  ) {
    return 'administrative';
  }
  return fail('missing_field', join(eventPath, 'eventSource'), 'cannot tell what kind of event this is: no eventSource, category or operationName');
}

/** Fields every activity-log signal reads the same way. */
interface Base {
  eventTime: string;
  eventTimeSource: 'payload' | 'received';
  status: string | null;
  operationName: string | null;
  eventDataId: string | null;
  operationId: string | null;
  correlationId: string | null;
  severity: Signal['severity'];
  isSynthetic: boolean;
  description: string | null;
}

function readBase(ev: ActivityEvent, options: ParseOptions): Base {
  const { event, eventPath, properties, propertiesPath } = ev;
  const time = eventTime(ev, options);
  const level = optText(event, 'level', eventPath);
  return {
    eventTime: time.eventTime,
    eventTimeSource: time.eventTimeSource,
    status: statusOf(optText(event, 'status', eventPath) ?? optText(event, 'resultType', eventPath)),
    operationName: optText(event, 'operationName', eventPath) ?? null,
    eventDataId: optText(event, 'eventDataId', eventPath) ?? null,
    operationId: optText(event, 'operationId', eventPath) ?? null,
    correlationId: optText(event, 'correlationId', eventPath) ?? null,
    severity: severityOf(level),
    isSynthetic: optFlag(properties, 'IsSynthetic', propertiesPath),
    description:
      optText(event, 'description', eventPath) ?? optText(event, 'Activity Log Event Description', eventPath) ?? null,
  };
}

const EVENT_TIME_FIELDS = ['eventTimestamp', 'time', 'submissionTimestamp'] as const;

function eventTime(ev: ActivityEvent, options: ParseOptions): Pick<Base, 'eventTime' | 'eventTimeSource'> {
  const { event, eventPath } = ev;
  for (const name of EVENT_TIME_FIELDS) {
    const text = optText(event, name, eventPath);
    if (text !== undefined) return { eventTime: toUtcIso(text, join(eventPath, name)), eventTimeSource: 'payload' };
  }
  if (ev.envelopeTime !== undefined) {
    return { eventTime: toUtcIso(ev.envelopeTime.text, ev.envelopeTime.path), eventTimeSource: 'payload' };
  }
  if (options.receivedAt !== undefined) {
    return { eventTime: options.receivedAt.toISOString(), eventTimeSource: 'received' };
  }
  return fail('missing_field', join(eventPath, 'eventTimestamp'), 'the event has no timestamp (eventTimestamp, time or submissionTimestamp)');
}

/** An optional timestamp: absent, blank or .NET's "unset" MinValue read as null. */
export function optTime(obj: JsonObject, name: string, path: string): string | null {
  const text = optText(obj, name, path);
  if (text === undefined) return null;
  const iso = normalizeTimestamp(text);
  if (iso === undefined) return fail('invalid_field', join(path, name), `expected an ISO-8601 timestamp, got "${text.slice(0, 60)}"`);
  return isUnsetIso(iso) ? null : iso;
}

/**
 * A Signal with the fields every kind reads the same way, in the order a reader wants them;
 * each kind then sets its own. Built by assignment, not object spread: spread of a wide object
 * costs several microseconds per alert on the intake's hot path.
 */
function skeleton(kind: ActivityKind, ev: ActivityEvent, base: Base): Signal {
  const signal = blankSignal(kind, ev.schema, base.eventTime);
  signal.subscriptionId = ev.subscriptionId;
  signal.tenantId = ev.tenantId;
  signal.status = base.status;
  signal.severity = base.severity;
  signal.operationName = base.operationName;
  signal.eventTimeSource = base.eventTimeSource;
  signal.eventDataId = base.eventDataId;
  signal.correlationId = base.correlationId;
  signal.isSynthetic = base.isSynthetic;
  signal.alertRule = ev.alertRule;
  signal.customProperties = ev.customProperties;
  return signal;
}

/** Joins key parts; absent parts become `-` so positions never shift. */
export function key(...parts: Array<string | null | undefined>): string {
  return parts.map((p) => (p === null || p === undefined || p === '' ? '-' : p)).join('|');
}

// ── Service Health ────────────────────────────────────────────────────────────────────────────

const INCIDENT_TYPE_BY_OPERATION: ReadonlyMap<string, IncidentType> = new Map([
  ['incident', 'Incident'],
  ['maintenance', 'Maintenance'],
  ['actionrequired', 'ActionRequired'],
  ['info', 'Informational'],
  ['informational', 'Informational'],
  ['security', 'Security'],
]);

function serviceHealthSignal(ev: ActivityEvent, base: Base): Signal {
  const { properties: p, propertiesPath: pp } = ev;
  const trackingId = optText(p, 'trackingId', pp);
  if (trackingId === undefined) {
    return fail('missing_field', join(pp, 'trackingId'), 'a Service Health event needs the trackingId that identifies its incident');
  }
  const operationClass = /^microsoft\.servicehealth\/([^/]+)\//i.exec(base.operationName ?? '')?.[1]?.toLowerCase();
  const incidentType =
    incidentTypeOf(optText(p, 'incidentType', pp)) ??
    (operationClass !== undefined ? INCIDENT_TYPE_BY_OPERATION.get(operationClass) ?? null : null);
  const stage = stageOf(optText(p, 'stage', pp)) ?? stageOf(base.status ?? undefined);
  const communicationId = optText(p, 'communicationId', pp) ?? null;
  let services = parseImpactedServices(field(p, 'impactedServices'), pp, 'impactedServices');
  if (services.length === 0) {
    const service = optText(p, 'service', pp);
    const region = optText(p, 'region', pp);
    if (service !== undefined) services = [{ name: service, regions: region === undefined ? [] : splitRegions(region) }];
  }
  const signal = skeleton('serviceHealth', ev, base);
  signal.incidentKey = trackingId;
  signal.dedupeKey = key(
      'serviceHealth',
      ev.subscriptionId,
      trackingId,
      communicationId ?? base.eventDataId ?? key(stage, base.status, base.eventTime),
    );
  signal.trackingId = trackingId;
  signal.incidentType = incidentType;
  signal.stage = stage;
  signal.status = base.status ?? statusForStage(stage);
  signal.lifecycle = serviceHealthLifecycle(stage, base.status);
  signal.title = optText(p, 'title', pp) ?? optText(p, 'defaultLanguageTitle', pp) ?? base.description;
  signal.services = mergeServices(services);
  signal.impactStart = optTime(p, 'impactStartTime', pp);
  signal.impactMitigation = optTime(p, 'impactMitigationTime', pp);
  signal.communicationId = communicationId;
  return signal;
}

/** `properties.region` is one display name, occasionally a comma-separated list. */
function splitRegions(text: string): string[] {
  return [...new Set(text.split(/[,;]/).map((r) => canonicalRegion(r)).filter((r) => r !== ''))];
}

function statusForStage(stage: Stage | null): string | null {
  if (stage === null) return null;
  return serviceHealthLifecycle(stage, null) === 'resolved' ? 'Resolved' : 'Active';
}

export function serviceHealthLifecycle(stage: Stage | null, status: string | null): Lifecycle {
  switch (stage) {
    case 'Planned':
    case 'Rescheduled':
      return 'scheduled';
    case 'Resolved':
    case 'RCA':
    case 'Canceled':
    case 'Complete':
      return 'resolved';
    case null:
      return status === 'Resolved' ? 'resolved' : 'active';
    default:
      return 'active';
  }
}

// ── Resource Health ───────────────────────────────────────────────────────────────────────────

function resourceHealthSignal(ev: ActivityEvent, base: Base): Signal {
  const { event, eventPath, properties: p, propertiesPath: pp } = ev;
  const resourceIds = resourceIdsOf(ev, [optText(event, 'resourceId', eventPath)]);
  const resourceId = resourceIds[0];
  if (resourceId === undefined) {
    return fail('missing_field', join(eventPath, 'resourceId'), 'a Resource Health event needs the id of the resource it is about');
  }
  // The operation name carries the verb when status is absent: …/healthevent/Resolved/action.
  const verb = /\/healthevent\/([^/]+)\/action$/i.exec(base.operationName ?? '')?.[1];
  const status = base.status ?? statusOf(optText(p, 'stage', pp) ?? verb);
  const health: HealthChange = {
    current: healthOf(optText(p, 'currentHealthStatus', pp) ?? optText(p, 'healthStatus', pp)),
    previous: healthOf(optText(p, 'previousHealthStatus', pp)),
    cause: optText(p, 'cause', pp) ?? optText(p, 'healthEventCause', pp) ?? null,
    type: optText(p, 'type', pp) ?? optText(p, 'healthEventType', pp) ?? null,
  };
  const stage = stageOf(status ?? undefined);
  const incidentKey = resourceIdKey(resourceId);
  const signal = skeleton('resourceHealth', ev, base);
  signal.incidentKey = incidentKey;
  signal.dedupeKey = key('resourceHealth', incidentKey, base.eventDataId ?? base.operationId ?? key(status, health.current, base.eventTime));
  signal.stage = stage;
  signal.status = status;
  signal.lifecycle = stage === 'Resolved' || health.current === 'Available' ? 'resolved' : 'active';
  signal.title = optText(p, 'title', pp) ?? base.description;
  signal.resourceIds = resourceIds;
  signal.health = health;
  return signal;
}

// ── Administrative ────────────────────────────────────────────────────────────────────────────

function administrativeSignal(ev: ActivityEvent, base: Base): Signal {
  const { event, eventPath, properties: p, propertiesPath: pp } = ev;
  const authorization = optObject(event, 'authorization', eventPath);
  const authPath = join(eventPath, 'authorization');
  const resourceIds = resourceIdsOf(ev, [
    optText(event, 'resourceId', eventPath),
    authorization && optText(authorization, 'scope', authPath),
    optText(p, 'entity', pp),
  ]);
  const operationName = base.operationName ?? (authorization && optText(authorization, 'action', authPath)) ?? null;
  const caller = optText(event, 'caller', eventPath) ?? callerFromIdentity(ev) ?? null;
  const first = resourceIds[0];
  const incidentKey = first !== undefined ? resourceIdKey(first) : base.correlationId ?? base.operationId;
  if (incidentKey === null) {
    return fail('missing_field', join(eventPath, 'resourceId'), 'an Administrative event needs a resourceId or a correlationId');
  }
  const eventIdentity =
    base.eventDataId ??
    key(base.operationId ?? base.correlationId, base.status, operationName, caller, base.eventTimeSource === 'payload' ? base.eventTime : null);
  const signal = skeleton('administrative', ev, base);
  signal.incidentKey = incidentKey;
  signal.dedupeKey = key('administrative', incidentKey, eventIdentity);
  signal.stage = stageOf(base.status ?? undefined);
  signal.lifecycle = 'active';
  signal.title = operationName ?? base.description;
  signal.resourceIds = resourceIds;
  signal.operationName = operationName;
  signal.caller = caller;
  return signal;
}

function callerFromIdentity(ev: ActivityEvent): string | undefined {
  const identity = optObject(ev.event, 'identity', ev.eventPath);
  if (identity === undefined) return undefined;
  const claimsPath = join(join(ev.eventPath, 'identity'), 'claims');
  const claims = optObject(identity, 'claims', join(ev.eventPath, 'identity'));
  if (claims === undefined) return undefined;
  return (
    optText(claims, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', claimsPath) ??
    optText(claims, 'upn', claimsPath) ??
    optText(claims, 'name', claimsPath) ??
    optText(claims, 'appid', claimsPath)
  );
}

/**
 * Resource ids from the event and the envelope's targets, first-seen casing kept, duplicates
 * (by ARM's case-insensitive comparison) and subscription-only scopes dropped.
 */
function resourceIdsOf(ev: ActivityEvent, fromEvent: Array<string | undefined>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of [...fromEvent, ...ev.targetIds]) {
    if (id === undefined) continue;
    const parsed = parseResourceId(id);
    const normalized = parsed?.id ?? id.trim();
    if (parsed !== null && parsed.provider === null && parsed.resourceGroup === null) continue;
    const k = resourceIdKey(normalized);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(normalized);
  }
  return out;
}
