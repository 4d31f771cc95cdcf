/**
 * Every playbook starts by telling the workload's channels what is starting and the steps it will
 * take. One short attempt per channel; what fails is queued in the notification outbox. It is
 * best effort: announcing never stops or delays a failover, whatever the channels do.
 */
import { completeNotification } from '../../steps/notify.js';
import { defineStep, type StepContext } from '../define.js';
import { playbookSteps } from '../index.js';
import type { StepResult } from '../types.js';

export const announce = defineStep({
  name: 'announce',
  title: 'Tell the on-call channels what is starting',
  deadlineMs: 60_000,
  // Beside a playbook's first step when that step is in the group 'begin'.
  group: 'begin',
  bestEffort: true,
  precheck: async (ctx) => ({ ok: true, outcome: 'needed', detail: `announce the ${ctx.direction} of ${ctx.workload.id}` }),
  action: send,
  verify: async () => ({ ok: true, outcome: 'verified', detail: 'nothing to check: a message sent cannot be checked, and one queued is retried' }),
  compensate: { none: 'a message sent cannot be unsent; the incident tells what happened next' },
});

async function send({ deps, workload, direction, incidentId }: StepContext): Promise<StepResult> {
  const steps = playbookSteps(workload.playbook.kind, direction).filter((s) => s.name !== 'announce');
  const notification = completeNotification(
    { type: 'playbook-started', incidentId, workloads: [workload.id], title: workload.description ?? workload.id, direction, workload: workload.id, steps: steps.map((s) => s.title) },
    [workload],
    deps.publicUrl,
    deps.now(),
    // The status link opens the incident's page through a signed view link, as the incident's own messages do.
    deps.actionLinkSecret ?? null,
  );
  try {
    const sent = await deps.notify(workload.notify, notification);
    const queued = sent.queued ?? 0;
    const lost = sent.failed - queued;
    return { ok: true, outcome: 'done', detail: `notified ${sent.delivered} channel(s), ${queued} queued for retry${lost > 0 ? `, ${lost} not deliverable` : ''}` };
  } catch (err) {
    return { ok: true, outcome: 'done', detail: `notified no channel: ${err instanceof Error ? err.message : String(err)}` };
  }
}
