/**
 * How a playbook step is written: one object (`defineStep`) holding everything about it side by
 * side: its name and title as the runbook says them, its group and deadline, the Azure requests
 * it wants served first under throttling, and its four phases over one context, each returning a
 * StepResult. A playbook is the ordered list of these objects (lib/playbooks/<service>/playbook.ts).
 *
 * Azure errors become results here, once (`runStep`): throttling, 5xx and network faults are
 * thrown as TransientStepError, which the step activity hands back as a transient result that the
 * playbook orchestration retries in rounds with backoff until the step's deadline (the SDK has
 * already honoured Retry-After); anything else is a permanent failure naming the code and the resource.
 */
import type { AzureClients } from '../azure/clients.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { RequestPriority } from '../azure/throttle-queue.js';
import type { Workload } from '../catalog/types.js';
import { isTransient } from '../errors/transient.js';
import { TransientStepError, type StepDeps } from '../steps/deps.js';
import type { Direction, IncidentWindow, StepDefinition, StepPhase, StepResult, TodoItem, TodoKind } from './types.js';

export interface StepContext {
  deps: StepDeps;
  workload: Workload;
  direction: Direction;
  incidentId: string;
  /** The incident's window, when the incident passed it (absent in older histories). */
  window?: IncidentWindow;
}

type Phase = (ctx: StepContext) => Promise<StepResult>;

/** Something said differently per direction (a title, a deadline), or the same both ways. */
export type PerDirection<T> = T | Readonly<Record<Direction, T>>;

export interface Step {
  /** Kebab-case, unique within its playbook; what the timeline and the notifications name. */
  readonly name: string;
  /** What a human reading the runbook would call it. */
  readonly title: PerDirection<string>;
  /** How long the action may take before the step counts as failed (Azure time). */
  readonly deadlineMs: PerDirection<number>;
  /** Consecutive steps of one group touch independent resources and run side by side. */
  readonly group?: string;
  /** A failure is recorded and the playbook goes on (telling people never stops a failover). */
  readonly bestEffort?: boolean;
  /**
   * The Azure requests on this step's critical path, with how long Azure takes to finish what
   * they start or watch: under ARM throttling they are served first (lib/azure/throttle-queue.ts).
   */
  readonly urgentRequests?: readonly RequestPriority[];
  readonly precheck: Phase;
  readonly action: Phase;
  readonly verify: Phase;
  /** Undo what the action changed, and only that; or why there is nothing to undo. */
  readonly compensate: Phase | { readonly none: string };
}

/** A runbook: the steps of each direction, in order. */
export interface Playbook {
  readonly kind: string;
  readonly failover: readonly Step[];
  readonly failback: readonly Step[];
}

/** A step, checked and frozen: every step of every playbook is written through this. */
export function defineStep(step: Step): Step {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(step.name)) throw new TypeError(`step name '${step.name}' is not kebab-case`);
  return Object.freeze({ ...step });
}

const perDirection = <T>(value: PerDirection<T>, direction: Direction): T =>
  typeof value === 'object' && value !== null && 'failover' in (value as object) ? (value as Readonly<Record<Direction, T>>)[direction] : (value as T);

/** What the playbook orchestration needs of a step: plain data, for its input. */
export function stepDefinition(step: Step, direction: Direction): StepDefinition {
  return {
    name: step.name,
    title: perDirection(step.title, direction),
    deadlineMs: perDirection(step.deadlineMs, direction),
    compensable: typeof step.compensate === 'function',
    ...(step.group !== undefined ? { group: step.group } : {}),
    ...(step.bestEffort === true ? { bestEffort: true } : {}),
  };
}

/** Runs one phase of a step, turning Azure errors into results (transient ones are thrown). */
export async function runStep(step: Step, phase: StepPhase, ctx: StepContext): Promise<StepResult> {
  try {
    switch (phase) {
      case 'precheck':
        return await step.precheck(ctx);
      case 'action':
        return await step.action(ctx);
      case 'verify':
        return await step.verify(ctx);
      case 'compensate':
        return typeof step.compensate === 'function' ? await step.compensate(ctx) : { ok: true, outcome: 'compensated', detail: `nothing to undo: ${step.compensate.none}` };
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

/** What an outcome that ends a step (done, or already-done and skipped from a precheck) leaves people to do by hand. */
export interface Leaves {
  todo?: readonly TodoItem[];
}

/** What a `needed` precheck says the action is about to start or change: resource ids (or names where there is no id). */
export interface Touches {
  resources?: readonly string[];
}

// Empty lists are left out: a step with nothing left for people carries no `todo` at all.
const leaves = ({ todo }: Leaves): Pick<Extract<StepResult, { ok: true }>, 'todo'> => (todo !== undefined && todo.length > 0 ? { todo: [...todo] } : {});
const touches = ({ resources }: Touches): Pick<Extract<StepResult, { ok: true }>, 'resources'> =>
  resources !== undefined && resources.length > 0 ? { resources: [...new Set(resources)] } : {};

export const needed = (detail: string, extra: Touches = {}): StepResult => ({ ok: true, outcome: 'needed', detail, ...touches(extra) });
export const alreadyDone = (detail: string, extra: Leaves = {}): StepResult => ({ ok: true, outcome: 'already-done', detail, ...leaves(extra) });
export const done = (detail: string, extra: Leaves = {}): StepResult => ({ ok: true, outcome: 'done', detail, ...leaves(extra) });
export const verified = (detail: string): StepResult => ({ ok: true, outcome: 'verified', detail });
export const compensated = (detail: string): StepResult => ({ ok: true, outcome: 'compensated', detail });
export const skipped = (detail: string, extra: Leaves = {}): StepResult => ({ ok: true, outcome: 'skipped', detail, ...leaves(extra) });
export const failed = (reason: string, detail: string): StepResult => ({ ok: false, reason, detail });

/** One thing people must do by hand; `about` names the resource and the URL it concerns, when there are. */
export function todo(kind: TodoKind, text: string, about: { resourceId?: string | undefined; url?: string | undefined } = {}): TodoItem {
  return { kind, text, ...(about.resourceId !== undefined ? { resourceId: about.resourceId } : {}), ...(about.url !== undefined ? { url: about.url } : {}) };
}

/**
 * What reading a workload's resources needs of a step's context: readiness reads the same
 * resources, with the same helpers, outside any incident.
 */
export type ReadContext = Pick<StepContext, 'workload'> & { deps: Pick<StepDeps, 'clients'> };

/** A resource the catalog names for one side of a workload, and the clients to reach it with. */
export interface SideResource {
  /** Its ARM id, as the catalog names it. */
  id: string;
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
function sideResource(ctx: ReadContext, side: 'primary' | 'secondary', role: string, probing = false): SideResource | null {
  const where = side === 'primary' ? ctx.workload.primary : ctx.workload.secondary;
  const id = where?.resources[role];
  if (where === null || where === undefined || id === undefined) return null;
  const parsed = parseResourceId(id);
  if (parsed === null || parsed.resourceGroup === null) throw new StepFailure('CatalogIncomplete', `${ctx.workload.id}: ${side}.resources.${role} is not a resource id`);
  return { id, subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.names[0]!, region: where.region, clients: probing ? ctx.deps.clients.probing() : ctx.deps.clients };
}

/** As sideResource, for a role the step cannot do without. */
export function requiredSideResource(ctx: ReadContext, side: 'primary' | 'secondary', role: string, probing = false): SideResource {
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
 * times as long; ARM's budget is a rate per subscription, refilled continuously (a token bucket:
 * the throttle queue in lib/azure spends it in order), so a wide step is still safe.
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
