/**
 * The incident orchestration's vocabulary: what it is started with, what the planning activity
 * tells it, the commands on-call engineers send it, and the timeline it keeps; and which outcomes
 * stick to an incident key (STICKY_OUTCOMES, read by the intake and on-call, not the orchestration).
 */
import type { ImpactedService, IncidentType, Lifecycle, SignalKind, SignalSchema } from '../alerts/signal.js';
import type { SignalSource } from '../decisions/decide.js';
import type { IncidentNotification } from '../notify/events.js';
import type { Direction, PlaybookResult, StepRecord } from '../playbooks/types.js';

/** The part of a Signal the orchestration needs; small, so histories stay small. */
export interface SignalSummary {
  kind: SignalKind;
  incidentKey: string;
  dedupeKey: string;
  lifecycle: Lifecycle;
  stage: string | null;
  title: string | null;
  eventTime: string;
  /** When the impact began and was mitigated, as the source says (absent in summaries from older histories). */
  impactStart?: string | null;
  impactMitigation?: string | null;
  isSynthetic: boolean;
  /** Resource Health's verdict when the signal carries one. */
  health: 'Available' | 'Unavailable' | 'Degraded' | 'Unknown' | null;
  /** What matching the catalog needs: impacted services and resources. */
  services: ImpactedService[];
  resourceIds: string[];
  /** Manual requests name their workloads. */
  workloads: string[];
  requestedBy: string | null;
  /**
   * What the decision rules read (lib/decisions). Optional only because histories from before
   * the rules lack them; a summary without them decides as strictly as one that says nothing.
   */
  source?: SignalSource;
  schema?: SignalSchema;
  subscriptionId?: string | null;
  tenantId?: string | null;
  incidentType?: IncidentType | null;
  status?: string | null;
  operationName?: string | null;
  /** Resource Health's cause (`PlatformInitiated`, `UserInitiated`, `Unknown`). */
  cause?: string | null;
  /** The Entra object id of whoever asked (manual requests), when verified. */
  requestedById?: string | null;
}

export type FailoverMode = 'execute' | 'plan';
export type FailoverKind = 'planned' | 'unplanned';

/**
 * The incident orchestration's version. An incident keeps the version it started with (in its
 * input, carried through continue-as-new, and in its custom status); the code branches on it
 * wherever it changed the history it writes, so an incident started before a deploy replays as it
 * was recorded (orchestrations/README.md, "Changing an orchestration").
 */
export const INCIDENT_ORCHESTRATOR_VERSION = 2;

export interface IncidentInput {
  incidentId: string;
  /** The orchestrator version it started under (absent: version 1, before versioning). */
  version?: number;
  signal: SignalSummary;
  mode: FailoverMode;
  kind: FailoverKind;
  /** Set when the incident is a replay of a past one (lib/replay): absent for every real incident. */
  replay?: ReplayMark;
}

/**
 * What makes an incident a replay: which replay it belongs to, how much faster than the original
 * it runs (guardrail durations are divided by `speed`), and where its health checks are answered
 * from. A replay never counts toward the real workload's minimum interval: its failovers are
 * recorded in the ledger under the replay's own key.
 */
export interface ReplayMark {
  replayId: string;
  speed: number;
  healthMode: 'recorded' | 'live';
  /** When the replay began delivering (ISO), and when its first original signal happened: `then = firstAt + (now - startedAt) * speed`. */
  startedAt: string;
  firstAt: string;
}

/** One answer of the incident's Resource Health check for one workload, kept so a replay can answer as Azure did. */
export interface HealthCheck {
  at: string;
  workloadId: string;
  status: 'Available' | 'Unavailable' | 'Degraded' | 'Unknown';
}

export type TriggerPolicy = 'auto' | 'approval' | 'notify-only';

/** One affected workload as the planning activity resolved it from the catalog. */
export interface WorkloadPlan {
  id: string;
  trigger: TriggerPolicy;
  /**
   * What the first signal means for this workload and why (lib/decisions): `act` runs the
   * playbook through `trigger`, `notify` tells the channels only. Ignored workloads are not planned.
   * Absent in plans from before the decision rules (read as `act`).
   */
  verdict?: 'act' | 'notify';
  reason?: string;
  /** `planned` when the signal is maintenance the policy fails over for before its window. */
  kind?: 'planned' | 'unplanned';
  playbookKind: string;
  primaryRegion: string;
  secondaryRegion: string | null;
  /** The provider fails it over (Dynamics 365): the playbook only tells people and pauses integrations. */
  providerManaged: boolean;
  resourceHealthConfirmation: boolean;
  dwellMs: number;
  minIntervalMs: number;
  failbackAfterHealthyMs: number;
  /** An incident not confirmed by then ends "not confirmed" (absent in older plans: no bound). */
  confirmWithinMs?: number;
  approvalTimeoutMs: number | null;
  onApprovalTimeout: 'escalate' | 'abort';
  /** Who may approve (the catalog's approvers), how many must, and whether the requester may. */
  approvers?: string[];
  quorum?: number;
  allowSelfApproval?: boolean;
  /** What a cancel during the failover does once the running steps end. */
  onCancel?: 'hold' | 'rollback';
  /** For a planned failover before a maintenance window: how long before its start. */
  maintenanceLeadTimeMs?: number;
  /** When this workload last failed over (ISO), for the minimum-interval guardrail. */
  lastFailoverAt: string | null;
  dependsOn: string[];
  /** One line per retired service the workload depends on (lib/catalog/retirements.ts); absent in older plans. */
  retirements?: string[];
}

export interface IncidentPlan {
  workloads: WorkloadPlan[];
  /** Waves of workload ids: each after everything it depends on. */
  groups: string[][];
  /** Why nothing is planned, when nothing is. */
  reason: string | null;
  /** Workloads the signal touches but that were left out, each with why ("ignored: …"). */
  ignored?: { id: string; reason: string }[];
  /** The subscriptions the planned workloads live in: a signal from any other is not theirs. */
  subscriptions?: string[];
}

/** How often health is checked while confirming or waiting to fail back (virtual time in tests). */
export interface Timing {
  healthPollMs: number;
  /** Units of work (waits, activities) before a long wait continues in a fresh history; tests lower it. */
  historyLimit?: number;
}

/**
 * Who did something, as far as the app could verify. `id` is the Microsoft Entra object id when
 * a verified source said who it is (App Service Authentication's principal, or an Entra token the
 * app validated); a function key or a signed link proves only that the caller holds a secret, so
 * such an actor has no id and `verified: false`, and may not approve where approvers are named.
 */
export interface Actor {
  /** What people read: the UPN or display name; for an unverified caller, the name they gave and how they came in. */
  name: string;
  /** Entra object id (`oid`); null when unverified. */
  id: string | null;
  verified: boolean;
  via: 'app-service-auth' | 'entra-token' | 'function-key' | 'signed-link' | 'system';
}

/**
 * An approval or rejection, bound to one incident's decision (`direction`) and round: the round
 * counts the approval requests of the incident, so a decision made on a request that is over (an
 * earlier failover approval, a link from before an escalation of another direction) cannot
 * approve a later one. `direction` and `round` are absent only in histories from before binding.
 */
export interface ApprovalDecision {
  approved: boolean;
  by: string;
  actor?: Actor;
  comment: string | null;
  direction?: Direction;
  round?: number;
}

export interface CancelCommand {
  by: string;
  actor?: Actor;
  reason: string | null;
  /** Names this cancel, so the one that stopped a running failover is not applied a second time. */
  requestId?: string;
}

/** A cancel that arrived while playbooks ran: they stop at the next step boundary. */
export interface StopRequest {
  by: string;
  reason: string | null;
  requestId: string;
  at: string;
}

/**
 * A request to fail back. Without `force` it starts the failback path now (the health wait, then
 * the approval); with `force`, an approver skips both, giving a reason, and it is recorded as such.
 */
export interface FailbackCommand {
  by: string;
  actor?: Actor;
  force?: boolean;
  reason?: string | null;
}

/** What the incident is waiting for people to decide, published in its custom status. */
export interface PendingApproval {
  direction: Direction;
  round: number;
  workloads: string[];
  /** As the catalog names them; empty when anyone holding the on-call key may decide. */
  approvers: string[];
  /** Distinct approvals needed. */
  quorum: number;
  /** Who approved so far in this round. */
  approvedBy: string[];
  /** The Entra object id of whoever asked for the failover, when verified: they may not approve it themselves unless the policy allows. */
  requestedById: string | null;
  allowSelfApproval: boolean;
  expiresAt: string;
}

export type TimelineType =
  | 'signal'
  | 'duplicate-signal'
  /** A signal recorded and set aside: stale, from another subscription, or a command that answers nothing pending. */
  | 'ignored-signal'
  /** What the first signal means for a workload, and why (act, notify, ignore). */
  | 'decision'
  /** A workload already being failed over by another incident. */
  | 'linked'
  /** An Active newer than the Resolved: the incident is back on. */
  | 'reopened'
  | 'planned'
  /** Resource Health did not answer a poll: read as Unknown, asked again at the next one. */
  | 'health-unknown'
  | 'confirmed'
  | 'cancelled'
  | 'approval-requested'
  | 'approval-escalated'
  | 'approved'
  | 'rejected'
  | 'skipped'
  | 'failover-started'
  | 'failover-finished'
  | 'resolved'
  | 'failback-ready'
  | 'failback-started'
  | 'failback-finished'
  | 'completed';

export interface TimelineEntry {
  at: string;
  type: TimelineType;
  detail: string;
}

export type IncidentOutcome =
  | 'no-workloads'
  | 'ignored-synthetic'
  | 'cancelled-before-confirmation'
  /** Not confirmed within the workloads' `confirmWithin`: nothing was done. */
  | 'not-confirmed'
  | 'rejected'
  | 'approval-timed-out'
  | 'cancelled'
  | 'notified-only'
  | 'planned'
  /** The minimum interval between failovers held every workload back; the channels were told. */
  | 'held-by-minimum-interval'
  /** Every workload was already being failed over by another incident, which this one names. */
  | 'linked'
  /** Cancelled while failing over, and what had been done was undone. */
  | 'rolled-back'
  | 'failed-over-and-back'
  | 'failed-over'
  | 'failover-failed';

/**
 * Outcomes that stick to their incident key: a newer update of the same Service Health incident
 * does not start another incident until someone reopens it (POST …/reopen). Someone decided, or
 * something failed that people must look at; a later "still active" must not undo that.
 */
export const STICKY_OUTCOMES: readonly IncidentOutcome[] = ['cancelled', 'rejected', 'rolled-back', 'failed-over', 'failover-failed', 'held-by-minimum-interval', 'linked'];

export interface IncidentSummary {
  incidentId: string;
  outcome: IncidentOutcome;
  workloads: string[];
  failover: Record<string, PlaybookResult>;
  failback: Record<string, PlaybookResult>;
  /** Milliseconds from the first signal to the end of failover, when there was one. */
  timeToFailoverMs: number | null;
  /**
   * The newest event time among the signals it saw (ISO). After the incident is over, a signal
   * no newer than this is a straggler of this incident, not the start of a new one.
   */
  lastSignalAt: string;
  /** This execution's entries; when `entries` is larger, the archive holds the whole timeline. */
  timeline: TimelineEntry[];
  /** How many entries the incident recorded in all (absent in older outputs: `timeline.length`). */
  entries?: number;
  /** Each change of a workload's primary health the incident's checks saw, oldest first (absent in older outputs). */
  healthChecks?: HealthCheck[];
}

/** `Omit` applied to each member of a union, so the discriminant survives. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * The fields of a notification the notify activity fills in, because they come from the catalog
 * (regions, approvers, data-loss window) or the app's address (links), or are the sending time.
 */
type ResolvedNotificationField = 'region' | 'secondaryRegion' | 'statusUrl' | 'approveUrl' | 'rejectUrl' | 'approvers' | 'dataLossWindowMs' | 'at';

/** What the incident orchestration asks the notify activity to send. */
export type NotificationRequest = DistributiveOmit<IncidentNotification, ResolvedNotificationField>;

/** The playbook instances of the incident's newest run (running, or finished and not yet replaced by the next), published in its custom status so their progress and to-dos can be read. */
export interface RunningPlaybooks {
  direction: 'failover' | 'failback' | 'rollback';
  /** The incident's execution (continue-as-new generation) that started them: part of their instance ids. */
  generation: number;
  /**
   * The workloads whose playbooks were started, in order; absent when they are all the workloads
   * the incident lists (its `workloads`). Their instance ids follow from these
   * (`playbookInstanceId` in lib/incidents/contract.ts), so custom status, which the host caps at
   * 16 KB, carries neither the ids nor the list twice: a failover of hundreds of workloads fits.
   */
  workloads?: string[];
}

/** One workload's playbook as the incident view shows it while (and after) it runs. */
export interface WorkloadProgress {
  workloadId: string;
  direction: 'failover' | 'failback' | 'rollback';
  instanceId: string;
  state: 'pending' | 'running' | 'succeeded' | 'failed';
  /** Titles of the steps running now. */
  current: string[];
  /** Their names (the playbook's step names), so a watcher can pair a step it saw start with its record. */
  running: string[];
  /** Steps finished, of how many. */
  done: number;
  total: number;
  startedAt: string | null;
  elapsedMs: number;
  /** When the running wave must be done by (ISO), and how long is left; null when nothing is running. */
  deadlineAt: string | null;
  remainingMs: number | null;
  /** The resources being started or changed now. */
  resources: string[];
  steps: StepRecord[];
}
