/**
 * What the orchestrations and their callers share: the orchestration and activity names with
 * each activity's input and output types (one registry: `functions/` registers with these names,
 * orchestrations call with them, so a rename cannot drift), the one external event everything
 * arrives as, the commands it carries, and what counts as a recovery. Pure (no I/O, no clock), so
 * orchestrations may import it at run time (eslint allows this module alone); nothing under lib/
 * imports from the orchestrations' folder.
 */
import type { ReplayAnswer } from '../replay/deliver.js';
import type { ChecklistItem, Direction, PlaybookInput, PlaybookResult, StepDefinition, StepInput, StepResult } from '../playbooks/types.js';
import type {
  ApprovalDecision,
  CancelCommand,
  FailbackCommand,
  IncidentInput,
  IncidentPlan,
  IncidentSummary,
  NotificationRequest,
  ReplayMark,
  RunningPlaybooks,
  SignalSummary,
  StopRequest,
  TimelineEntry,
  WorkloadPlan,
} from './types.js';

/**
 * Everything raised into an incident arrives as one external event, `command`, whose payload
 * says what it is. A wait that loses its race to a timer stays open in durable-functions and
 * later receives an event of that name in place of the newest wait; such waits are kept and
 * read back, so no command is ever lost.
 */
export const COMMAND_EVENT = 'command';

export type IncidentCommand =
  | { type: 'signal'; signal: SignalSummary }
  | { type: 'approval'; decision: ApprovalDecision }
  | { type: 'cancel'; cancel: CancelCommand }
  /** `by` is kept at the top level for histories from before FailbackCommand. */
  | ({ type: 'failback' } & FailbackCommand);

/** A signal that says the impact is over: Resolved/RCA/Canceled/Complete, or Resource Health Available. */
export function isRecovery(signal: Pick<SignalSummary, 'lifecycle' | 'health'>): boolean {
  return signal.lifecycle === 'resolved' || signal.health === 'Available';
}

/**
 * What people must do by hand after these playbooks: each step record's to-dos with the workload,
 * direction and step they came from, in the order of the workloads given, then of their steps. A
 * step its playbook compensated afterwards leaves no to-do (what it set up is gone). The incident
 * orchestration puts it in the "failover done" notification; the incident view shows the same.
 */
export function checklistOf(results: Readonly<Record<string, PlaybookResult>>): ChecklistItem[] {
  return Object.values(results).flatMap((result) => {
    const undone = new Set(result.steps.filter((r) => r.status === 'compensated').map((r) => r.step));
    return result.steps
      .filter((record) => !undone.has(record.step))
      .flatMap((record) => (record.todo ?? []).map((todo) => ({ workloadId: result.workloadId, direction: result.direction, step: record.step, ...todo })));
  });
}

/**
 * A playbook sub-orchestration's instance id: the incident's id, the run (failover, failback or
 * rollback), the workload, and the incident's continue-as-new generation when past the first.
 * The incident starts its playbooks under these ids and readers find them with the same formula.
 */
export function playbookInstanceId(incidentId: string, run: RunningPlaybooks['direction'], workloadId: string, generation: number): string {
  return `${incidentId}:${run}:${workloadId}${generation > 0 ? `:${generation}` : ''}`;
}

/** The instance id of each playbook an incident lists as its newest run, by workload; `all` is the incident's workloads, for a run that started every one. */
export function runningPlaybookInstances(incidentId: string, playbooks: RunningPlaybooks, all: readonly string[]): Array<[workloadId: string, instanceId: string]> {
  return (playbooks.workloads ?? all).map((w) => [w, playbookInstanceId(incidentId, playbooks.direction, w, playbooks.generation)]);
}

/** Each orchestration's registered name; `satisfies` keeps it in step with OrchestrationTypes. */
export const ORCHESTRATIONS = {
  incident: 'incident',
  playbook: 'playbook',
  replay: 'replay',
} as const satisfies { readonly [K in keyof OrchestrationTypes]: K };

/** Each activity's registered name (functions/durable.ts registers them all); `satisfies` keeps it in step with ActivityTypes. */
export const ACTIVITIES = {
  planIncident: 'planIncident',
  checkPrimaryHealth: 'checkPrimaryHealth',
  playbookSteps: 'playbookSteps',
  runStepPhase: 'runStepPhase',
  notify: 'notify',
  recordFailover: 'recordFailover',
  saveTimeline: 'saveTimeline',
  stopRequested: 'stopRequested',
  holdWorkloads: 'holdWorkloads',
  releaseWorkloads: 'releaseWorkloads',
  archiveIncidentPage: 'archiveIncidentPage',
} as const satisfies { readonly [K in keyof ActivityTypes]: K };

/** Input → output of each orchestration (a sub-orchestration is called through these). */
export interface OrchestrationTypes {
  incident: { input: IncidentInput; output: IncidentSummary | undefined };
  playbook: { input: PlaybookInput; output: PlaybookResult };
  replay: { input: ReplayRunInput; output: ReplayRunStatus };
}

/**
 * The replay's one activity: delivers signal `index` of the stored replay through the intake. It
 * has a durable client of its own (it starts incidents), so it is registered apart from the step
 * activities (functions/replays.ts).
 */
export const DELIVER_REPLAY_SIGNAL = 'deliverReplaySignal';
export interface DeliverReplaySignalInput {
  replayId: string;
  index: number;
  /** When the replay began (ISO): the zero of its clock, carried into every incident it starts. */
  startedAt: string;
}

/** The replay orchestration's input: when each signal is due, from the replay's start (original spacing divided by the speed). */
export interface ReplayRunInput {
  replayId: string;
  offsetsMs: number[];
}

/** The replay's progress (custom status) and, once over, its output. */
export interface ReplayRunStatus {
  replayId: string;
  startedAt: string;
  /** Signals delivered so far, of how many. */
  delivered: number;
  of: number;
  /** When the next signal is due (ISO); null once all are delivered. */
  nextAt: string | null;
  /** What the intake answered each delivered signal, in order (only in the output; the custom status carries the last one). */
  answers: ReplayAnswer[];
}

/** Input → output of each activity. */
export interface ActivityTypes {
  /** `replay`: a replayed incident's guardrail durations are divided by its speed, and its minimum interval reads the replay's own ledger. */
  planIncident: { input: { incidentId: string; signal: SignalSummary; replay?: ReplayMark }; output: IncidentPlan };
  /** `replay` with `healthMode: 'recorded'`: answered from what Azure reported then, not from the resources now. */
  checkPrimaryHealth: { input: { workloads: WorkloadPlan[]; replay?: ReplayMark; at?: string }; output: Record<string, 'Available' | 'Unavailable' | 'Degraded' | 'Unknown'> };
  playbookSteps: { input: { playbookKind: string; direction: Direction }; output: StepDefinition[] };
  runStepPhase: { input: StepInput; output: StepResult };
  notify: { input: NotificationRequest; output: { delivered: number; failed: number } };
  /** `replayId`: a replay's failover, kept apart from the real workload's (it never counts toward its minimum interval). */
  recordFailover: { input: { workloadId: string; at: string; replayId?: string }; output: null };
  /** `from`: the index of the first entry given; the saved entries before it are kept (absent: the whole timeline). */
  saveTimeline: { input: { incidentId: string; timeline: TimelineEntry[]; from?: number }; output: null };
  /** Whether someone cancelled the incident's failover while it runs (read between waves of steps). */
  stopRequested: { input: { incidentId: string }; output: StopRequest | null };
  /** Holds each workload for this incident's failover; `heldBy` names the other incident for those already held. */
  holdWorkloads: { input: { incidentId: string; workloads: string[] }; output: { held: string[]; heldBy: Record<string, string> } };
  releaseWorkloads: { input: { incidentId: string; workloads: string[] }; output: null };
  /**
   * Renders the incident page from the finished incident (its input and summary) and writes it to
   * the archive as the audit record; answers the blob's name, or null when there is no archive.
   */
  archiveIncidentPage: { input: { incidentId: string; input: IncidentInput; summary: IncidentSummary; createdAt: string }; output: { name: string } | null };
}


