/**
 * The one shape every alert, past event and manual request becomes. Everything downstream
 * (catalog matching, the incident orchestration, the archive) reads a Signal, never a payload.
 */

/** Where the signal came from. `manual` is an on-call engineer's request, not an Azure alert. */
export type SignalKind = 'serviceHealth' | 'resourceHealth' | 'administrative' | 'manual';

/** The payload shape the signal was read from, kept so an archived alert can be explained. */
export type SignalSchema =
  /** `schemaId: azureMonitorCommonAlertSchema` (data.essentials + data.alertContext). */
  | 'common'
  /** `schemaId: Microsoft.Insights/activityLogs` (data.context.activityLog). */
  | 'activityLogAlert'
  /** An Activity Log `EventData` item as the REST API and the portal return it. */
  | 'activityLogEvent'
  /** A diagnostic-settings record (Event Hub / storage export): time, category, properties.eventProperties. */
  | 'diagnosticRecord'
  /** An item of the Resource Health events API (`Microsoft.ResourceHealth/events`). */
  | 'resourceHealthEvent'
  /** A Microsoft Graph service health issue (Microsoft 365, Dynamics 365), from the poller. */
  | 'graphServiceHealthIssue'
  | 'manual';

/** Service Health classes; `Billing` exists in the events API only. */
export type IncidentType =
  | 'Incident'
  | 'Maintenance'
  | 'Informational'
  | 'ActionRequired'
  | 'Security'
  | 'Billing';

/**
 * The stage of one notification, as Azure names it. Service Health uses `properties.stage`;
 * Resource Health and Administrative events have no stage, so theirs comes from `status`.
 */
export type Stage =
  | 'Active'
  | 'Planned'
  | 'InProgress'
  | 'Rescheduled'
  | 'Updated'
  | 'Resolved'
  | 'RCA'
  | 'Canceled'
  | 'Complete'
  | 'Started'
  | 'Succeeded'
  | 'Failed';

/**
 * Where the incident stands after this notification. Activity-log alerts are stateless
 * (`monitorCondition` is always `Fired`), so this is derived from stage, status and health.
 */
export type Lifecycle = 'scheduled' | 'active' | 'resolved';

export type HealthStatus = 'Available' | 'Unavailable' | 'Degraded' | 'Unknown';

export type Severity = 'Critical' | 'Error' | 'Warning' | 'Informational' | 'Verbose';

/** One impacted service and the canonical names of its impacted regions (`northeurope`, `global`). */
export interface ImpactedService {
  name: string;
  regions: string[];
}

/** Resource Health's view of one resource at the time of the event. */
export interface HealthChange {
  current: HealthStatus | null;
  previous: HealthStatus | null;
  /** `PlatformInitiated`, `UserInitiated`, `Unknown`, or null when Azure did not say. */
  cause: string | null;
  /** `Downtime` and friends; the events API calls it healthEventType. */
  type: string | null;
}

export interface Signal {
  kind: SignalKind;
  schema: SignalSchema;
  /** Same for every delivery and update of one incident: trackingId, or the lower-cased resource id. */
  incidentKey: string;
  /** Same for redeliveries of one notification; different for a new stage, update or event. */
  dedupeKey: string;
  subscriptionId: string | null;
  /** The Microsoft Entra tenant the event came from, lower-case, when it says. */
  tenantId: string | null;
  trackingId: string | null;
  incidentType: IncidentType | null;
  stage: Stage | null;
  /** The event's own status as Azure wrote it, normalized (`Active`, `Resolved`, `InProgress`, `Succeeded`, …). */
  status: string | null;
  lifecycle: Lifecycle;
  title: string | null;
  severity: Severity | null;
  services: ImpactedService[];
  resourceIds: string[];
  health: HealthChange | null;
  /** e.g. `Microsoft.ServiceHealth/incident/action`, `Microsoft.Compute/virtualMachines/restart/action`. */
  operationName: string | null;
  /** Who did it (Administrative events) or who asked (manual). */
  caller: string | null;
  /** When the event happened, ISO-8601 UTC with milliseconds. */
  eventTime: string;
  /** `payload` when the payload carried a timestamp; `received` when it had none and the receipt time was used. */
  eventTimeSource: 'payload' | 'received';
  impactStart: string | null;
  impactMitigation: string | null;
  /** Service Health update id; one per communication. */
  communicationId: string | null;
  eventDataId: string | null;
  correlationId: string | null;
  /** True for action-group test notifications (`IsSynthetic: "True"`): never act on them. */
  isSynthetic: boolean;
  alertRule: string | null;
  /** Action-rule custom properties (`data.customProperties` or legacy `data.properties`). */
  customProperties: Record<string, string>;
  /** For manual signals: the workloads the engineer named. Empty otherwise. */
  workloads: string[];
  /** For manual signals: why the engineer asked. Null otherwise. */
  reason: string | null;
}

/**
 * A Signal with every field present and empty, in the order readers expect. The one place the
 * defaults live: each source (alerts, the events API, manual requests) fills in what it knows.
 */
export function blankSignal(kind: SignalKind, schema: SignalSchema, eventTime: string): Signal {
  return {
    kind,
    schema,
    incidentKey: '',
    dedupeKey: '',
    subscriptionId: null,
    tenantId: null,
    trackingId: null,
    incidentType: null,
    stage: null,
    status: null,
    lifecycle: 'active',
    title: null,
    severity: null,
    services: [],
    resourceIds: [],
    health: null,
    operationName: null,
    caller: null,
    eventTime,
    eventTimeSource: 'payload',
    impactStart: null,
    impactMitigation: null,
    communicationId: null,
    eventDataId: null,
    correlationId: null,
    isSynthetic: false,
    alertRule: null,
    customProperties: {},
    workloads: [],
    reason: null,
  };
}
