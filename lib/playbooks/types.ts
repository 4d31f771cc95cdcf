/**
 * The playbook contract. A playbook is an ordered list of named steps; each step has a
 * precheck (is there anything to do?), an action, a verification and a compensation, run as
 * activities. Every outcome comes back as a result, transient faults included (marked
 * `transient`): the playbook orchestration retries those in rounds until the step's deadline, and
 * nothing else.
 */

import type { StopRequest } from '../incidents/types.js';

export type Direction = 'failover' | 'failback';
export type StepPhase = 'precheck' | 'action' | 'verify' | 'compensate';

export interface StepDefinition {
  name: string;
  /** What a human reading the runbook would call it. */
  title: string;
  /** How long the action may take before the step counts as failed (Azure time). */
  deadlineMs: number;
  /** Whether undoing it makes sense; steps without compensation are skipped on rollback. */
  compensable: boolean;
  /** A failure (or a missed deadline) is recorded and the playbook goes on: telling people must never stop a failover. */
  bestEffort?: boolean;
  /**
   * Consecutive steps with the same group touch independent resources and run side by side;
   * the wave ends when the slowest does. Absent: the step runs alone.
   */
  group?: string;
}

/** When the incident's impact began and, once it is over, ended (ISO-8601 UTC). */
export interface IncidentWindow {
  since: string;
  until: string | null;
  /** A planned failover loses no data; an unplanned one may lose the provider's stated window. */
  planned: boolean;
}

export interface PlaybookInput {
  incidentId: string;
  workloadId: string;
  playbookKind: string;
  direction: Direction;
  window: IncidentWindow;
  mode: 'execute' | 'plan';
  steps: StepDefinition[];
  retry: { attempts: number; firstIntervalMs: number; backoff: number };
  /**
   * A rollback run: compensate only these steps (done by an earlier run of this playbook and not
   * undone), newest first, and nothing else.
   */
  compensate?: string[];
  /** Ask between waves whether someone cancelled the failover, and stop at that boundary if so. */
  stoppable?: boolean;
}

export interface StepInput {
  incidentId: string;
  workloadId: string;
  playbookKind: string;
  direction: Direction;
  /** Absent in inputs scheduled by older histories. */
  window?: IncidentWindow;
  step: string;
  phase: StepPhase;
}

export type StepResult =
  /**
   * From a precheck: `needed` (run the action), `already-done` (the work is there: record it,
   * do not repeat it) or `skipped` (it cannot apply now, e.g. the primary does not answer: record
   * why and go on). From the other phases: `done`, `verified`, `compensated`.
   */
  | {
      ok: true;
      outcome: 'needed' | 'already-done' | 'skipped' | 'done' | 'verified' | 'compensated';
      detail: string;
      /** What people must do by hand because of this step (from the action, or an already-done/skipped precheck). */
      todo?: TodoItem[];
      /** From a `needed` precheck: the Azure resources the action is about to start or change (ids or names), shown while it runs. */
      resources?: string[];
    }
  /** `transient`: a fault worth trying again (throttling, 5xx, network) that the SDK's own retries could not ride out. */
  | { ok: false; reason: string; detail: string; transient?: boolean };

export interface StepRecord {
  step: string;
  status: 'done' | 'already-done' | 'skipped' | 'planned' | 'failed' | 'compensated' | 'not-run';
  detail: string;
  startedAt: string;
  finishedAt: string;
  /** What people must do by hand after this step (absent in records from older histories and when there is nothing). */
  todo?: TodoItem[];
}

/**
 * Something people must do by hand after a failover or failback step: the app cannot (or must
 * not) do it itself. Each is a checklist line in the incident view, its page, the CLI and the
 * "failover done" notification.
 */
export interface TodoItem {
  kind: TodoKind;
  /** One sentence an on-call engineer can act on, naming the resource (`Point the encoders of live-1 at rtmps://…`). */
  text: string;
  /** The Azure resource it is about (ARM id), when there is one. */
  resourceId?: string;
  /** The URL to use (an ingest or playback URL), when the item is about one. */
  url?: string;
}

export type TodoKind =
  /** Point encoders at a live event's new ingest URL. */
  | 'ingest-url'
  /** Give players or a CDN the new playback or streaming URL. */
  | 'playback-url'
  /** A job or workflow the app could not resubmit: resubmit it by hand. */
  | 'resubmit-job'
  /** A role or permission someone must grant (the app lacks it, or consumers need it on the standby). */
  | 'grant-role'
  /** Data that may differ between the sides and must be reconciled (snapshots since the last sync, scans). */
  | 'reconcile-data'
  /** Anything else to check or do by hand. */
  | 'check';

/** A to-do with where it came from: the checklist an incident shows. */
export interface ChecklistItem extends TodoItem {
  workloadId: string;
  direction: Direction;
  step: string;
}

export interface PlaybookResult {
  ok: boolean;
  /** Set when a cancel stopped the playbook at a step boundary; what was done is in `undoable`. */
  stopped?: StopRequest | null;
  /** Steps that changed something, can be undone, and were not: what a rollback would compensate, oldest first. */
  undoable?: string[];
  workloadId: string;
  direction: Direction;
  steps: StepRecord[];
  failedStep: string | null;
  durationMs: number;
}

/**
 * What a running playbook publishes in its custom status, for live progress (the incident view,
 * `failover incidents watch`): the steps finished, the wave running and its deadline.
 */
export interface PlaybookProgress {
  workloadId: string;
  direction: Direction;
  /** The steps of the wave running now (names); empty between waves and at the end. */
  running: string[];
  /** Their titles, as the runbook says them. */
  runningTitles: string[];
  /** The resources the running actions start or change (from their prechecks). */
  resources: string[];
  /** Finished steps, in order. */
  steps: StepRecord[];
  /** How many steps the run has in all (a rollback: how many it compensates). */
  total: number;
  /** When the run began, and when the running wave's actions must be done by (ISO); null before any action. */
  startedAt: string;
  deadlineAt: string | null;
}
