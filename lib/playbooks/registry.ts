/**
 * Which steps each playbook kind runs, in runbook order. Every kind starts by announcing
 * itself, flips the workload's active-side pointer in App Configuration (where the catalog
 * names one), and announces the result; the service playbooks add their own steps between.
 */
import type { Direction, StepDefinition } from './types.js';

const ANNOUNCE: StepDefinition = { name: 'announce', title: 'Tell the on-call channels what is starting', deadlineMs: 60_000, compensable: false };
const FLIP_POINTER: StepDefinition = {
  name: 'flip-active-pointer',
  title: 'Point the app at the other side (App Configuration)',
  deadlineMs: 2 * 60_000,
  compensable: true,
};
const REPORT: StepDefinition = { name: 'report', title: 'Tell the on-call channels how it went', deadlineMs: 60_000, compensable: false };

/** The service steps each kind adds; filled in as the service playbooks are written. */
const SERVICE_STEPS: Record<string, Record<Direction, StepDefinition[]>> = {};

export function playbookSteps(kind: string, direction: Direction): StepDefinition[] {
  const service = SERVICE_STEPS[kind]?.[direction] ?? [];
  return [ANNOUNCE, ...service, FLIP_POINTER, REPORT];
}
