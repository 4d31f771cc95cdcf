/**
 * Which steps each playbook kind runs, in runbook order. Every kind starts by announcing
 * itself and ends by flipping the workload's active-side pointer in App Configuration (where the
 * catalog names one); the service playbooks add their own steps between. How it went is told by
 * the incident (failover done, step failed), with every workload's duration.
 */
import type { Direction, StepDefinition } from './types.js';

const ANNOUNCE: StepDefinition = { name: 'announce', title: 'Tell the on-call channels what is starting', deadlineMs: 60_000, compensable: false };
const FLIP_POINTER: StepDefinition = {
  name: 'flip-active-pointer',
  title: 'Point the app at the other side (App Configuration)',
  deadlineMs: 2 * 60_000,
  compensable: true,
};

/** The service steps each kind adds; filled in as the service playbooks are written. */
const SERVICE_STEPS: Record<string, Record<Direction, StepDefinition[]>> = {};

export function playbookSteps(kind: string, direction: Direction): StepDefinition[] {
  const service = SERVICE_STEPS[kind]?.[direction] ?? [];
  return [ANNOUNCE, ...service, FLIP_POINTER];
}
