/**
 * The one registry of activity and orchestration names, with their input and output types.
 * `functions/` registers with these names and orchestrations call with them, so a rename
 * cannot drift between the two.
 */
import type { IncidentInput, IncidentPlan, NotificationRequest, SignalSummary, StopRequest, TimelineEntry, WorkloadPlan } from '../lib/incidents/types.js';
import type { Direction, PlaybookInput, StepDefinition, StepInput, StepResult } from '../lib/playbooks/types.js';

export const ORCHESTRATIONS = {
  incident: 'incident',
  playbook: 'playbook',
} as const;

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
} as const;

/** Input → output of each activity. */
export interface ActivityTypes {
  planIncident: { input: { incidentId: string; signal: SignalSummary }; output: IncidentPlan };
  checkPrimaryHealth: { input: { workloads: WorkloadPlan[] }; output: Record<string, 'Available' | 'Unavailable' | 'Degraded' | 'Unknown'> };
  playbookSteps: { input: { playbookKind: string; direction: Direction }; output: StepDefinition[] };
  runStepPhase: { input: StepInput; output: StepResult };
  notify: { input: NotificationRequest; output: { delivered: number; failed: number } };
  recordFailover: { input: { workloadId: string; at: string }; output: null };
  /** `from`: the index of the first entry given; the saved entries before it are kept (absent: the whole timeline). */
  saveTimeline: { input: { incidentId: string; timeline: TimelineEntry[]; from?: number }; output: null };
  /** Whether someone cancelled the incident's failover while it runs (read between waves of steps). */
  stopRequested: { input: { incidentId: string }; output: StopRequest | null };
  /** Holds each workload for this incident's failover; `heldBy` names the other incident for those already held. */
  holdWorkloads: { input: { incidentId: string; workloads: string[] }; output: { held: string[]; heldBy: Record<string, string> } };
  releaseWorkloads: { input: { incidentId: string; workloads: string[] }; output: null };
}

export type { IncidentInput, PlaybookInput };
