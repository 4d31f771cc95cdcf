/**
 * The playbooks: each kind's runbook, an ordered list of step objects per direction
 * (lib/playbooks/<service>/playbook.ts; every step's whole definition sits in its steps.ts, or in
 * common/ for the announcement and the active-side pointer every playbook shares). A kind the app
 * has no runbook for only announces and flips its pointer.
 */
import { announce } from './common/announce.js';
import { flipActivePointer } from './common/flip-active-pointer.js';
import { dataSharePlaybook } from './data-share/playbook.js';
import { stepDefinition, type Playbook, type Step } from './define.js';
import { dynamics365Playbook } from './dynamics-365/playbook.js';
import { genomicsPlaybook } from './genomics/playbook.js';
import { mediaServicesPlaybook } from './media-services/playbook.js';
import { purviewPlaybook } from './purview/playbook.js';
import type { RequestPriority } from '../azure/throttle-queue.js';
import type { Direction, StepDefinition } from './types.js';

export const PLAYBOOKS: readonly Playbook[] = [mediaServicesPlaybook, dataSharePlaybook, purviewPlaybook, genomicsPlaybook, dynamics365Playbook];

const FALLBACK: Playbook = { kind: 'other', failover: [announce, flipActivePointer], failback: [announce, flipActivePointer] };

function playbookFor(kind: string): Playbook {
  return PLAYBOOKS.find((p) => p.kind === kind) ?? FALLBACK;
}

/** A kind's step objects for a direction, in runbook order. */
function stepsOf(kind: string, direction: Direction): readonly Step[] {
  return playbookFor(kind)[direction];
}

/** What the playbook orchestration is given: each step as plain data. */
export function playbookSteps(kind: string, direction: Direction): StepDefinition[] {
  return stepsOf(kind, direction).map((s) => stepDefinition(s, direction));
}

/** The step of that name in a kind's runbook for a direction, or undefined. */
export function findStep(kind: string, direction: Direction, name: string): Step | undefined {
  return stepsOf(kind, direction).find((s) => s.name === name);
}

/** Every request a step asks ARM throttling to serve first: what the Azure clients are built with. */
export function urgentRequests(): RequestPriority[] {
  const steps = new Set(PLAYBOOKS.flatMap((p) => [...p.failover, ...p.failback]));
  return [...steps].flatMap((s) => s.urgentRequests ?? []);
}
