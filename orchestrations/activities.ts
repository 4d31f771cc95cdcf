/**
 * The one registry of activity and orchestration names, with their input and output types.
 * `functions/` registers with these names and orchestrations call with them, so a rename
 * cannot drift between the two.
 */
import type { IncidentInput, IncidentPlan, NotificationRequest, SignalSummary, TimelineEntry, WorkloadPlan } from '../lib/incidents/types.js';
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
} as const;

/** Input → output of each activity. */
export interface ActivityTypes {
  planIncident: { input: { incidentId: string; signal: SignalSummary }; output: IncidentPlan };
  checkPrimaryHealth: { input: { workloads: WorkloadPlan[] }; output: Record<string, 'Available' | 'Unavailable' | 'Degraded' | 'Unknown'> };
  playbookSteps: { input: { playbookKind: string; direction: Direction }; output: StepDefinition[] };
  runStepPhase: { input: StepInput; output: StepResult };
  notify: { input: NotificationRequest; output: { delivered: number; failed: number } };
  recordFailover: { input: { workloadId: string; at: string }; output: null };
  saveTimeline: { input: { incidentId: string; timeline: TimelineEntry[] }; output: null };
}

export type { IncidentInput, PlaybookInput };
