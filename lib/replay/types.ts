/**
 * The replay vocabulary: a past incident as a sequence of signals (each the body an action group,
 * the Microsoft 365 poller or an on-call request delivered) plus what Azure said about health at
 * the time; how a target app is asked to replay it; and the report that compares then with now.
 */
import type { TimelineEntry } from '../incidents/types.js';

/** Which intake a replayed body goes through, as the original did. */
export type ReplayIntake = 'alerts' | 'servicehealth-poll' | 'failovers';

/** One signal of a past incident, ready to be delivered again. */
export interface ReplaySignal {
  /** When it happened (ISO, UTC): the archive's receipt time, or the event time of an imported event. Spacing comes from these. */
  at: string;
  /** The body as it was (or would have been) posted: common alert schema, a Graph service health issue, an on-call request. */
  payload: unknown;
  /** Which intake it goes through. */
  intake: ReplayIntake;
  /**
   * Where it came from, for the report: `archive:<blob name>`, `activity-log:<subscription>/<eventDataId>`,
   * `resource-health-event:<trackingId>@<lastUpdateTime>`, `graph-issue:<id>@<lastModifiedDateTime>`, `file:<path>:<line>`.
   */
  origin: string;
  /** Fields the importer had to make up to build the payload an action group would have posted, each with why. */
  inferred: string[];
}

export type HealthStatus = 'Available' | 'Unavailable' | 'Degraded' | 'Unknown';

/**
 * What Resource Health said about one resource at one time, or (with `workloadId`) what an
 * incident's own health check found for a workload: the worst of its primary resources.
 */
export interface HealthObservation {
  /** Full ARM resource id, as the source wrote it (mapped to staging by the target); empty for a workload's check. */
  resourceId: string;
  /** Set for an incident's health check of a whole workload (same id in the staging catalog). */
  workloadId?: string;
  at: string;
  status: HealthStatus;
  /** Where it was read: a Resource Health alert, an Activity Log ResourceHealth event, an incident's health check. */
  origin: string;
}

/** What an importer gives back: the signals in time order, the health seen, and what it could not use. */
export interface ImportResult {
  signals: ReplaySignal[];
  health: HealthObservation[];
  /** One line per item skipped, with why (not an alert, outside the window, unreadable: path and reason). */
  skipped: string[];
}

/** `--health`: answer the incident's Resource Health checks from what was recorded, or from the target's own resources. */
export type HealthMode = 'recorded' | 'live';

/** POST /api/replays: what the target app is asked to replay. */
export interface ReplayRequest {
  /** Free text naming the replay (the CLI writes the source). */
  label: string;
  signals: ReplaySignal[];
  health: HealthObservation[];
  /** Original spacing divided by this; guardrail durations too. 1 = real time. */
  speed: number;
  healthMode: HealthMode;
  /** `plan` replays decisions only (no playbook acts); `execute` runs the playbooks on staging. */
  mode: 'execute' | 'plan';
}

/** One workload's run in one incident, as the report compares it. */
export interface WorkloadRun {
  workloadId: string;
  /** What the incident decided for it and why (the `decision` timeline entry's text), null when it has none. */
  decision: string | null;
  /** `act`, `notify`, or `none` when the incident never decided for it. */
  verdict: 'act' | 'notify' | 'none';
  approvalsAsked: number;
  failover: PlaybookRun | null;
  failback: PlaybookRun | null;
  /** From the first signal to the end of the failover, when it failed over (ms). */
  recoveryMs: number | null;
  /** The catalog's recovery time objective for it (ms), when it names one. */
  objectiveMs: number | null;
}

export interface PlaybookRun {
  ok: boolean;
  failedStep: string | null;
  durationMs: number;
  /**
   * Every step record in the order the playbook wrote it (a compensated step appears again).
   * `startedAt` places its bar in the report's timeline picture (steps of one wave share it);
   * `detail` is what the step said. Both optional: a run built without them is still compared.
   */
  steps: Array<{ step: string; status: string; durationMs: number; startedAt?: string; detail?: string }>;
}

/** One incident as the report sees it, then or now. */
export interface IncidentRun {
  incidentId: string;
  incidentKey: string | null;
  title: string | null;
  outcome: string | null;
  phase: string;
  finished: boolean;
  workloads: WorkloadRun[];
  timeline: TimelineEntry[];
  /** When its first signal happened (ISO): the zero of its timeline picture. */
  startedAt: string;
}

/** One signal, then and now. */
export interface SignalRun {
  index: number;
  at: string;
  origin: string;
  title: string | null;
  inferred: string[];
  /** What the original intake made of it (archive outcome), null when unknown (imported from Azure's history). */
  then: { outcome: string; incidentId: string | null } | null;
  /** What the target's intake answered now. */
  now: { status: number; delivery: string | null; incidentId: string | null; acted: boolean; reason: string | null; decisions: Array<{ workloadId: string; verdict: string; reason: string }> } | null;
}

/** A difference the report names; `workloadId` null for one about the whole incident. */
export interface Difference {
  incidentKey: string | null;
  workloadId: string | null;
  /** What differs, in words: `failed over`, `approvals asked`, `outcome`, `step switch-traffic`. */
  what: string;
  then: string;
  now: string;
}

export interface ReplayReport {
  replayId: string;
  label: string;
  target: string;
  speed: number;
  healthMode: HealthMode;
  mode: 'execute' | 'plan';
  startedAt: string;
  finishedAt: string;
  signals: SignalRun[];
  /** The original incidents, or the expected ones (`--expect`); null when there is nothing to compare with. */
  then: IncidentRun[] | null;
  now: IncidentRun[];
  differences: Difference[];
  /**
   * What differs but decides nothing: a decision's reason worded differently (`what: 'reason'`),
   * while the verdict is the same. Shown for people to read; never changes the verdict.
   */
  notes?: Difference[];
  /** `match` exits 0, `differ` exits 1; `no-expectation` (nothing to compare with) exits 0 and says so. */
  verdict: 'match' | 'differ' | 'no-expectation';
}
