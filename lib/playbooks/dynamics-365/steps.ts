/**
 * The Dynamics 365 playbook: Microsoft fails the geography over, and the customer's part is to
 * know, to tell, and to cope. Failover: the degraded-mode flag (flipped by the shared pointer
 * step) pauses integrations, and this step records the incident window and, for an unplanned
 * failover, the data Microsoft may lose (its stated window before the outage) and tells the
 * channels. Failback, once Microsoft resolves the issue: the flag back, and what to reconcile.
 * It writes nothing but the flag and notifications.
 */
import type { Dynamics365Playbook, Workload } from '../../catalog/types.js';
import type { IncidentWindow } from '../types.js';
import { formatDuration } from '../../notify/render.js';
import { tellTodo } from '../common/tell.js';
import { defineStep, done, needed, StepFailure, todo, verified, type StepContext } from '../define.js';

const MIN = 60_000;

function playbookOf(workload: Workload): Dynamics365Playbook {
  if (workload.playbook.kind !== 'dynamics365') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Dynamics 365 workload`);
  return workload.playbook;
}

function windowOf(ctx: StepContext): IncidentWindow {
  return ctx.window ?? { since: ctx.deps.now().toISOString(), until: null, planned: false };
}

/** The writes Microsoft may lose: its stated window before the outage began; none when planned. */
function lossWindow(ctx: StepContext): { from: string; to: string } | null {
  const w = windowOf(ctx);
  if (w.planned) return null;
  const since = Date.parse(w.since);
  return { from: new Date(since - playbookOf(ctx.workload).dataLossWindow.ms).toISOString(), to: w.since };
}

export const recordWindows = defineStep({
  name: 'record-windows',
  title: 'Record the incident and possible data-loss windows, and tell the channels',
  deadlineMs: 2 * MIN,
  async precheck(ctx) {
    return needed(`record the incident window of ${playbookOf(ctx.workload).environmentUrl}`);
  },
  async action(ctx) {
    const p = playbookOf(ctx.workload);
    const w = windowOf(ctx);
    const loss = lossWindow(ctx);
    const lossLine =
      loss === null
        ? 'a planned failover: Microsoft loses no data'
        : `writes from ${loss.from} to ${loss.to} (up to ${formatDuration(p.dataLossWindow.ms)} before the outage) may be lost`;
    const items = [
      todo('check', `integrations are paused ('${p.degradedModeFlagKey}' is true) until Microsoft resolves the incident`, { url: p.environmentUrl }),
      todo(loss === null ? 'check' : 'reconcile-data', `${lossLine}: note what was written then, to check it afterwards`, { url: p.environmentUrl }),
    ];
    const told = await tellTodo(ctx, `Microsoft is failing ${p.environmentUrl} over`, items);
    return done(`incident since ${w.since}; ${lossLine}; ${told}`, { todo: items });
  },
  async verify() {
    return verified('recorded');
  },
  compensate: { none: 'a record and a message cannot be taken back' },
});

export const reportReconcile = defineStep({
  name: 'report-reconcile',
  title: 'Tell what to reconcile (possible data loss, paused integrations)',
  deadlineMs: 2 * MIN,
  async precheck(ctx) {
    return needed(`tell what to reconcile in ${playbookOf(ctx.workload).environmentUrl}`);
  },
  async action(ctx) {
    const p = playbookOf(ctx.workload);
    const w = windowOf(ctx);
    const until = w.until ?? ctx.deps.now().toISOString();
    const loss = lossWindow(ctx);
    const items = [
      ...(loss === null ? [] : [todo('reconcile-data', `check the records written from ${loss.from} to ${loss.to}: Microsoft's failover may have lost them; re-enter what is missing`, { url: p.environmentUrl })]),
      todo('reconcile-data', `replay what integrations queued while paused, from ${w.since} to ${until}`, { url: p.environmentUrl }),
    ];
    const told = await tellTodo(ctx, `${p.environmentUrl} is back: what to reconcile`, items);
    return done(`${items.map((t) => t.text).join('; ')}; ${told}`, { todo: items });
  },
  async verify() {
    return verified('reported');
  },
  compensate: { none: 'a message sent cannot be unsent' },
});

