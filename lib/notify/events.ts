/**
 * What the app tells people about an incident. One discriminated union, `IncidentNotification`,
 * rendered for each channel by render.ts and posted by notifier.ts. Plain data (JSON-safe), so
 * an activity can take it as input and the generic webhook can send it as it is.
 *
 * Optional fields accept `null` as well as absence: orchestration inputs round-trip through JSON.
 */
import type { NotifyTarget } from '../catalog/types.js';
import type { ChecklistItem, Direction } from '../playbooks/types.js';

export type { Direction } from '../playbooks/types.js';

/** The `schema` of the generic webhook body; bump it when a field changes meaning. */
export const NOTIFICATION_SCHEMA = 'failover-notification/v1';

/**
 * A Slack incoming webhook (`https://hooks.slack.com/services/…`). Not in the catalog schema yet;
 * accepted here so the catalog can add `- slack: <url>` without touching the notifier.
 */
export interface SlackTarget {
  readonly kind: 'slack';
  readonly url: string;
}

/** Everything the notifier can deliver to: the catalog's targets plus Slack. */
export type DeliveryTarget = NotifyTarget | SlackTarget;

/** Fields every notification carries. */
export interface NotificationBase {
  /** The incident it is about; empty for what is found outside any incident (readiness drift). */
  incidentId: string;
  /** Ids of the catalog workloads the notification is about. */
  workloads: string[];
  /** The incident's title: Service Health's, or what the engineer gave for a manual failover. */
  title: string;
  /** Service Health tracking id (`VLL2-JX8`), when the incident has one. */
  trackingId?: string | null;
  /** Where the workloads normally run: a canonical region (`westeurope`), or a geography (`europe`). */
  region: string;
  /** Where they fail over to; null when the provider fails over for us (Dynamics 365). */
  secondaryRegion: string | null;
  /** Link to the incident's status (progress, timeline), when the app knows its public address. */
  statusUrl?: string | null;
  /**
   * Provider-managed failovers: how much recently written data the provider may lose (Dynamics 365:
   * up to 15 minutes), in milliseconds. Shown whenever present.
   */
  dataLossWindowMs?: number | null;
  /** When it happened, ISO-8601 UTC. */
  at: string;
}

/** A signal started an incident that touches these workloads; nothing has been done yet. */
export interface IncidentOpened extends NotificationBase {
  type: 'incident-opened';
  /** Why these workloads are affected: `Service Health: Media Services in westeurope`. */
  reason: string;
}

/** The impact lasted past the dwell time (and Resource Health agreed, where asked). */
export interface ImpactConfirmed extends NotificationBase {
  type: 'impact-confirmed';
  /** What confirmed it: `Resource Health: media-we is Unavailable`. */
  reason: string;
}

/** Someone has to approve before the failover (or failback) starts. */
export interface ApprovalNeeded extends NotificationBase {
  type: 'approval-needed';
  direction: Direction;
  /** Which approval request of the incident this is; links are bound to it (absent in older histories). */
  round?: number | null;
  /** Why the app wants to act. */
  reason: string;
  approveUrl: string;
  rejectUrl: string;
  /** When the request times out, ISO-8601 UTC. */
  expiresAt?: string | null;
  /** What happens then: ask again (`escalate`) or give up (`abort`). */
  onTimeout?: 'escalate' | 'abort' | null;
  /** Who may approve, as the catalog names them. */
  approvers?: string[] | null;
}

/** Nobody answered an approval request in time; it is asked again. */
export interface ApprovalEscalated extends NotificationBase {
  type: 'approval-escalated';
  direction: Direction;
  /** Which approval request of the incident this is; links are bound to it (absent in older histories). */
  round?: number | null;
  reason: string;
  approveUrl: string;
  rejectUrl: string;
  /** How long the request has been waiting, in milliseconds. */
  waitingMs: number;
  expiresAt?: string | null;
  onTimeout?: 'escalate' | 'abort' | null;
  approvers?: string[] | null;
}

/** A workload's playbook is starting: from here on the app writes to Azure. */
export interface PlaybookStarted extends NotificationBase {
  type: 'playbook-started';
  direction: Direction;
  /** The workload whose playbook starts. */
  workload: string;
  /** Its steps in order, as the runbook names them. */
  steps: string[];
}

/** A playbook step failed. */
export interface StepFailed extends NotificationBase {
  type: 'step-failed';
  direction: Direction;
  /** The workload whose playbook failed. */
  workload: string;
  /** The step's name (`start-streaming-endpoints`). */
  step: string;
  /** What went wrong, as the step reported it. */
  error: string;
  /** True when the completed steps were undone, so the workload is back where it started. */
  rolledBack?: boolean | null;
  /** The steps that were undone, and those still in place (not undone, or not undoable), by name. */
  rolledBackSteps?: string[] | null;
  notRolledBack?: string[] | null;
}

/** The failover finished: the workloads run on the secondary side. */
export interface FailoverDone extends NotificationBase {
  type: 'failover-done';
  /** How long the failover itself took (playbooks), in milliseconds. */
  durationMs: number;
  /** From the first signal to the end of the failover, in milliseconds. */
  sinceDetectionMs?: number | null;
  /** Per workload, how long its playbook took, in milliseconds. */
  workloadDurationsMs?: Record<string, number> | null;
  /** What people must do by hand now (the playbooks' to-dos); absent or empty: nothing. */
  checklist?: ChecklistItem[] | null;
}

/** The failback finished: the workloads run on the primary side again. */
export interface FailbackDone extends NotificationBase {
  type: 'failback-done';
  /** How long the failback itself took, in milliseconds. */
  durationMs: number;
  /** How long the workloads ran on the secondary side, in milliseconds. */
  failedOverForMs?: number | null;
  workloadDurationsMs?: Record<string, number> | null;
  /** What people must do by hand now that the primary serves again (the failback playbooks' to-dos); absent or empty: nothing. */
  checklist?: ChecklistItem[] | null;
}

/** Something the orchestrator cannot do, which people must: what does not carry over, what to reconcile. */
export interface ActionRequired extends NotificationBase {
  type: 'action-required';
  /** The workload it is about. */
  workload: string;
  /** Each thing to do, one sentence each. */
  actions: string[];
}

/** The scheduled readiness check found a standby lacking what the catalog requires: fix it before an outage needs it. */
export interface ReadinessDrift extends NotificationBase {
  type: 'readiness-drift';
  workload: string;
  /** The standby account. */
  standby: string;
  /** Each missing object, named: `data source finance-sql`. */
  missing: string[];
}

/** The incident was stopped (by an engineer, a rejection or a recovery); nothing more runs. */
export interface IncidentCancelled extends NotificationBase {
  type: 'incident-cancelled';
  reason: string;
  /** Who cancelled it, when a person did. */
  by?: string | null;
}

/**
 * A channel missed notifications: its deliveries failed for good (about an hour of retries, or an
 * answer no retry can fix). Sent once per incident and channel to the workload's other channels,
 * never to the channel itself; a delivery-failed that cannot be delivered is not reported again.
 */
export interface DeliveryFailed extends NotificationBase {
  type: 'delivery-failed';
  /** The workload whose channel it is. */
  workload: string;
  /** The channel, its URL redacted: `teams https://contoso.webhook.office.com/webhookb2/…`. */
  channel: string;
  /** The headlines of the notifications it did not get, oldest first. */
  undelivered: string[];
  /** Attempts made at the last of them. */
  attempts: number;
  /** What the channel last answered, URL-free. */
  lastError: string;
}

/**
 * An alert reached the webhook and was archived, but the intake failed on it with a fault a retry
 * cannot fix (a bug, a refused request): no incident was started or told, and the answer was not a
 * 503, so Azure Monitor does not send it again. Sent so that nothing is dropped silently: to the
 * channels of every workload the alert concerns, or of every workload in the catalog when the
 * intake could not tell which (`audience`). `incidentId` is empty: there is no incident.
 */
export interface IntakeFailed extends NotificationBase {
  type: 'intake-failed';
  /** Where the alert is kept, byte for byte: its blob in the alert archive (`alerts/2026/11/23/091400.000-….json`). */
  archived: string;
  /** What failed, one line: `TypeError: Cannot read properties of undefined (reading 'workloads')`. */
  error: string;
  /** The alert's incident key: its Service Health tracking ID, or the resource id. */
  incidentKey: string;
  /** `concerned`: `workloads` are those the alert concerns; `catalog`: the intake could not tell, so every workload's channels are told. */
  audience: 'concerned' | 'catalog';
}

export type IncidentNotification =
  | IncidentOpened
  | ImpactConfirmed
  | ApprovalNeeded
  | ApprovalEscalated
  | PlaybookStarted
  | StepFailed
  | FailoverDone
  | FailbackDone
  | ActionRequired
  | ReadinessDrift
  | IncidentCancelled
  | DeliveryFailed
  | IntakeFailed;

export type NotificationType = IncidentNotification['type'];

/** Every notification type, in the order an incident goes through them. */
export const NOTIFICATION_TYPES = [
  'incident-opened',
  'impact-confirmed',
  'approval-needed',
  'approval-escalated',
  'playbook-started',
  'step-failed',
  'failover-done',
  'failback-done',
  'action-required',
  'readiness-drift',
  'incident-cancelled',
  'delivery-failed',
  'intake-failed',
] as const satisfies readonly NotificationType[];
