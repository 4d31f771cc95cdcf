/**
 * The activities, built from injected dependencies (`createActivities(deps)`): the composition
 * root registers each under its name from `orchestrations/activities.ts`.
 */
import type { ActivityTypes } from '../../orchestrations/activities.js';
import { playbookSteps } from '../playbooks/registry.js';
import type { StepInput, StepResult } from '../playbooks/types.js';
import { TransientStepError, type StepDeps } from './deps.js';
import { checkPrimaryHealth } from './health.js';
import { DATASHARE_STEPS } from './datashare.js';
import { DYNAMICS_STEPS } from './dynamics.js';
import { GENOMICS_STEPS } from './genomics.js';
import { MEDIA_STEPS } from './media.js';
import { completeNotification, sendNotification } from './notify.js';
import { planIncident } from './plan.js';
import { flipPointer } from './pointer.js';
import { PURVIEW_STEPS } from './purview.js';
import { runServiceStep, type ServiceStep } from './service-step.js';

/** Each playbook kind's service steps by name (the order is lib/playbooks/registry.ts's). */
export const SERVICE_STEPS: Record<string, Record<string, ServiceStep>> = {
  mediaServices: MEDIA_STEPS,
  dataShare: DATASHARE_STEPS,
  purview: PURVIEW_STEPS,
  dynamics365: DYNAMICS_STEPS,
  genomics: GENOMICS_STEPS,
};

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
        return { ok: false, reason: err.message.split(':')[0] ?? 'TransientFault', detail: err.message, transient: true };
      }
    },
    notify: (input) => sendNotification(deps, input),
    recordFailover: async (input) => {
      await deps.ledger.recordFailover(input.workloadId, input.at);
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
    releaseWorkloads: async (input) => {
      await Promise.all(input.workloads.map((id) => deps.control.releaseWorkload(id, input.incidentId)));
      return null;
    },
  };
}

export async function runStepPhase(deps: StepDeps, input: StepInput): Promise<StepResult> {
  const workload = (await deps.catalog()).workloads.find((w) => w.id === input.workloadId);
  if (workload === undefined) return { ok: false, reason: 'UnknownWorkload', detail: `workload '${input.workloadId}' is not in the catalog` };
  switch (input.step) {
    case 'announce': {
      if (input.phase === 'precheck') return { ok: true, outcome: 'needed', detail: `announce the ${input.direction} of ${workload.id}` };
      if (input.phase !== 'action') return { ok: true, outcome: input.phase === 'verify' ? 'verified' : 'compensated', detail: 'nothing to check' };
      const steps = playbookSteps(workload.playbook.kind, input.direction).filter((s) => s.name !== 'announce');
      const notification = completeNotification(
        {
          type: 'playbook-started',
          incidentId: input.incidentId,
          workloads: [workload.id],
          title: workload.description ?? workload.id,
          direction: input.direction,
          workload: workload.id,
          steps: steps.map((s) => s.title),
        },
        [workload],
        deps.publicUrl,
        deps.now(),
      );
      // One short attempt per channel; what fails is queued in the notification outbox. Announcing
      // never stops or delays a failover: whatever happens, the step is done.
      try {
        const sent = await deps.notify(workload.notify, notification);
        const queued = sent.queued ?? 0;
        const lost = sent.failed - queued;
        return { ok: true, outcome: 'done', detail: `notified ${sent.delivered} channel(s), ${queued} queued for retry${lost > 0 ? `, ${lost} not deliverable` : ''}` };
      } catch (err) {
        return { ok: true, outcome: 'done', detail: `notified no channel: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    case 'flip-active-pointer':
      return flipPointer(deps, workload, input.direction, input.phase);
    default: {
      const step = SERVICE_STEPS[workload.playbook.kind]?.[input.step];
      if (step === undefined) return { ok: false, reason: 'UnknownStep', detail: `no step '${input.step}' in the ${workload.playbook.kind} playbook` };
      return runServiceStep(step, input.phase, { deps, workload, direction: input.direction, incidentId: input.incidentId, ...(input.window !== undefined ? { window: input.window } : {}) });
    }
  }
}
