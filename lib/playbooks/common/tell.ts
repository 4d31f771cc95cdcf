/**
 * Tells a workload's channels what on-call must do by hand (an `action-required` notification),
 * for the steps whose work is a message: what Microsoft does on its own, what does not carry over.
 */
import { completeNotification } from '../../steps/notify.js';
import type { StepContext } from '../define.js';
import type { TodoItem } from '../types.js';

/** Sends the actions and says how it went, for the step's detail: `told 2 channel(s), 1 failed`. */
export async function tellActionRequired(ctx: StepContext, title: string, actions: string[]): Promise<string> {
  const notification = completeNotification(
    { type: 'action-required', incidentId: ctx.incidentId, workloads: [ctx.workload.id], workload: ctx.workload.id, title, actions },
    [ctx.workload],
    ctx.deps.publicUrl,
    ctx.deps.now(),
    // The status link opens the incident's page through a signed view link, as the incident's own messages do.
    ctx.deps.actionLinkSecret ?? null,
  );
  const sent = await ctx.deps.notify(ctx.workload.notify, notification);
  return `told ${sent.delivered} channel(s)${sent.failed > 0 ? `, ${sent.failed} failed` : ''}`;
}

/**
 * Tells the channels what people must do by hand, and gives the same items back for the step's
 * checklist: the message and the incident's to-dos say one thing.
 */
export async function tellTodo(ctx: StepContext, title: string, todo: readonly TodoItem[]): Promise<string> {
  return tellActionRequired(
    ctx,
    title,
    todo.map((t) => t.text),
  );
}
