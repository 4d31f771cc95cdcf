/**
 * The activities, built from injected dependencies (`createActivities(deps)`): the composition
 * root registers each under its name from the contract (lib/incidents/contract.ts).
 */
import type { ActivityTypes } from '../incidents/contract.js';
import { findStep, playbookSteps } from '../playbooks/index.js';
import { runStep } from '../playbooks/define.js';
import type { StepInput, StepResult } from '../playbooks/types.js';
import { TransientStepError, type StepDeps } from './deps.js';
import { checkPrimaryHealth } from './health.js';
import { sendNotification } from './notify.js';
import { planIncident } from './plan.js';
import { ledgerKey } from '../stores/index.js';

export type Activities = { [K in keyof ActivityTypes]: (input: ActivityTypes[K]['input']) => Promise<ActivityTypes[K]['output']> };

export function createActivities(deps: StepDeps): Activities {
  return {
    planIncident: (input) => planIncident(deps, input),
    checkPrimaryHealth: (input) => checkPrimaryHealth(deps, input),
    playbookSteps: async (input) => playbookSteps(input.playbookKind, input.direction),
    // A transient fault comes back as a result, not a throw: the playbook retries it in rounds,
    // and an activity that never throws keeps a wave of them answering together.
    runStepPhase: async (input) => {
      try {
        return await runStepPhase(deps, input);
      } catch (err) {
        if (!(err instanceof TransientStepError)) throw err;
        return { ok: false, reason: err.code, detail: err.message, transient: true };
      }
    },
    notify: (input) => sendNotification(deps, input),
    recordFailover: async (input) => {
      await deps.ledger.recordFailover(ledgerKey(input.workloadId, input.replayId), input.at);
      return null;
    },
    saveTimeline: async (input) => {
      await deps.saveTimeline(input.incidentId, input.timeline, input.from ?? 0);
      return null;
    },
    stopRequested: (input) => deps.control.stopRequest(input.incidentId),
    holdWorkloads: async (input) => {
      const at = deps.now();
      const answers = await Promise.all(input.workloads.map(async (id) => [id, await deps.control.holdWorkload(id, input.incidentId, at)] as const));
      return {
        held: answers.filter(([, a]) => a.held).map(([id]) => id),
        heldBy: Object.fromEntries(answers.flatMap(([id, a]) => (a.held ? [] : [[id, a.by]]))),
      };
    },
    archiveIncidentPage: (input) => deps.archiveIncidentPage(input),
    releaseWorkloads: async (input) => {
      await Promise.all(input.workloads.map((id) => deps.control.releaseWorkload(id, input.incidentId)));
      return null;
    },
  };
}

/** One phase of one step of a workload's playbook, found by its name in that playbook's runbook. */
export async function runStepPhase(deps: StepDeps, input: StepInput): Promise<StepResult> {
  const workload = (await deps.catalog()).workloads.find((w) => w.id === input.workloadId);
  if (workload === undefined) return { ok: false, reason: 'UnknownWorkload', detail: `workload '${input.workloadId}' is not in the catalog` };
  const step = findStep(workload.playbook.kind, input.direction, input.step);
  if (step === undefined) return { ok: false, reason: 'UnknownStep', detail: `no step '${input.step}' in the ${input.direction} of the ${workload.playbook.kind} playbook` };
  return runStep(step, input.phase, { deps, workload, direction: input.direction, incidentId: input.incidentId, ...(input.window !== undefined ? { window: input.window } : {}) });
}
