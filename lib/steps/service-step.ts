/**
 * How a service playbook step is written: four phases over one context, each returning a
 * StepResult. Azure errors become results here, once: throttling, 5xx and network faults are
 * thrown as TransientStepError (the durable retry, with backoff, takes them; the SDK has already
 * honoured Retry-After), anything else is a permanent failure naming the code and the resource.
 */
import type { AzureClients } from '../azure/clients.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { Workload } from '../catalog/types.js';
import type { Direction, IncidentWindow, StepPhase, StepResult } from '../playbooks/types.js';
import { isTransient, TransientStepError, type StepDeps } from './deps.js';

export interface StepContext {
  deps: StepDeps;
  workload: Workload;
  direction: Direction;
  incidentId: string;
  /** The incident's window, when the incident passed it (absent in older histories). */
  window?: IncidentWindow;
}

export interface ServiceStep {
  precheck(ctx: StepContext): Promise<StepResult>;
  action(ctx: StepContext): Promise<StepResult>;
  verify(ctx: StepContext): Promise<StepResult>;
  /** Undo the action; absent when there is nothing to undo (the registry marks the step not compensable). */
  compensate?(ctx: StepContext): Promise<StepResult>;
}

export async function runServiceStep(step: ServiceStep, phase: StepPhase, ctx: StepContext): Promise<StepResult> {
  try {
    switch (phase) {
      case 'precheck':
        return await step.precheck(ctx);
      case 'action':
        return await step.action(ctx);
      case 'verify':
        return await step.verify(ctx);
      case 'compensate':
        return step.compensate === undefined ? { ok: true, outcome: 'compensated', detail: 'nothing to undo' } : await step.compensate(ctx);
    }
  } catch (err) {
    if (err instanceof TransientStepError) throw err;
    if (isTransient(err)) throw new TransientStepError(codeOf(err) ?? 'AzureUnavailable', messageOf(err));
    if (err instanceof StepFailure) return { ok: false, reason: err.reason, detail: err.message };
    return { ok: false, reason: codeOf(err) ?? 'AzureError', detail: messageOf(err) };
  }
}

/** A permanent failure a step raises on purpose, with its reason code. */
export class StepFailure extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'StepFailure';
  }
}

export const needed = (detail: string): StepResult => ({ ok: true, outcome: 'needed', detail });
export const alreadyDone = (detail: string): StepResult => ({ ok: true, outcome: 'already-done', detail });
export const done = (detail: string): StepResult => ({ ok: true, outcome: 'done', detail });
export const verified = (detail: string): StepResult => ({ ok: true, outcome: 'verified', detail });
export const compensated = (detail: string): StepResult => ({ ok: true, outcome: 'compensated', detail });
export const skipped = (detail: string): StepResult => ({ ok: true, outcome: 'skipped', detail });
export const failed = (reason: string, detail: string): StepResult => ({ ok: false, reason, detail });

/** A resource the catalog names for one side of a workload, and the clients to reach it with. */
export interface SideResource {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  region: string;
  clients: AzureClients;
}

/**
 * The resource of `role` on `side`, or null when the catalog names none. `probing` asks with
 * clients that try once: for a side that may be down, where patient retries only delay the answer.
 */
export function sideResource(ctx: StepContext, side: 'primary' | 'secondary', role: string, probing = false): SideResource | null {
  const where = side === 'primary' ? ctx.workload.primary : ctx.workload.secondary;
  const id = where?.resources[role];
  if (where === null || where === undefined || id === undefined) return null;
  const parsed = parseResourceId(id);
  if (parsed === null || parsed.resourceGroup === null) throw new StepFailure('CatalogIncomplete', `${ctx.workload.id}: ${side}.resources.${role} is not a resource id`);
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.names[0]!, region: where.region, clients: probing ? ctx.deps.clients.probing() : ctx.deps.clients };
}

/** As sideResource, for a role the step cannot do without. */
export function requiredSideResource(ctx: StepContext, side: 'primary' | 'secondary', role: string, probing = false): SideResource {
  const r = sideResource(ctx, side, role, probing);
  if (r === null) throw new StepFailure('CatalogIncomplete', `${ctx.workload.id} has no ${side} ${role} in the catalog`);
  return r;
}

/** `fn`'s answer, or null when the side does not answer (its region is down): callers decide what that means. */
export async function unlessDown<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StepFailure) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    // No status: the request never got an answer (refused, timed out, reset).
    if (status === undefined || status >= 500 || status === 408) return null;
    throw err;
  }
}

/** Whether an SDK error says the resource is not there. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/**
 * Requests in flight per step. Starting twenty streaming endpoints one by one would take twenty
 * times as long; ARM's budget is a rate (1,200 writes an hour per subscription, refilled
 * continuously), which the SDK's throttling retries respect, so a wide step is still safe.
 */
export const PARALLEL_WRITES = 16;

/** Runs `fn` over `items`, at most `limit` at a time, keeping order; the first error wins. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 500);
}
