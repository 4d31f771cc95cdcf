/**
 * The local durable runtime: instances, their histories and inboxes, episodes, activities,
 * timers and sub-orchestrations, persisted through the journal. It plays the part of the
 * Durable extension + DTFx + Azure Storage queues; durable-functions itself runs unchanged.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { EventType, event, fromJsonText, toJsonText, type HistoryEvent, type OrchestrationStatus } from './history.js';
import { replayEpisode, type Effect } from './host-replay.js';
import { callOrchestrator, invocationContext, type Handler } from './invoke.js';
import { memoryJournal, openJournal, type Journal } from './journal.js';
import { replayHistory, type ReplayReport } from './replay-check.js';

/** How the runtime finds the app's durable functions (the captured registrations). */
export interface DurableFunctions {
  orchestrator(name: string): Handler | undefined;
  activity(name: string): Handler | undefined;
  /** The activity's durable client inputs (an activity may start or signal instances, as in Azure). */
  activityClientInputs?(name: string): Array<{ type: string; name: string }>;
}

export interface RuntimeOptions {
  functions: DurableFunctions;
  clock: Clock;
  /** Where the journal lives; omit for a purely in-memory runtime. */
  dataDir?: string;
  /** Deliver every pending message in one episode (Azure's behaviour) or one per episode. */
  batchMessages?: boolean;
  /** Shuffle each inbox before an episode with this seed, to shake out ordering assumptions. */
  shuffleSeed?: number;
  activityConcurrency?: number;
  /** As host.json's durableTask setting: NonRunningStates (the default) refuses to replace a running instance. */
  overridableExistingInstanceStates?: 'NonRunningStates' | 'AnyState';
  log?: (message: string) => void;
}

interface ParentRef {
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

interface Message {
  id: number;
  instanceId: string;
  /** Completions belong to one execution; events raised to the instance (null) survive continueAsNew. */
  executionId: string | null;
  event: HistoryEvent;
}

export interface InstanceState {
  instanceId: string;
  name: string;
  executionId: string;
  input: unknown;
  parent: ParentRef | null;
  createdTime: number;
  lastUpdatedTime: number;
  status: OrchestrationStatus;
  output: unknown;
  customStatus: unknown;
  history: HistoryEvent[];
  inbox: Message[];
}

type JournalRecord =
  | { t: 'start'; instanceId: string; name: string; executionId: string; input: unknown; parent: ParentRef | null; at: number }
  | { t: 'msg'; m: Message }
  | {
      t: 'episode';
      instanceId: string;
      consumed: number[];
      events: HistoryEvent[];
      status: OrchestrationStatus;
      output: unknown;
      customStatus: unknown;
      at: number;
      next?: { executionId: string; input: unknown };
    }
  | { t: 'purge'; instanceId: string };

const ACTIVE: ReadonlySet<OrchestrationStatus> = new Set(['Pending', 'Running']);
const CUSTOM_STATUS_LIMIT = 16 * 1024;

export class InstanceExistsError extends Error {}
export class UnknownFunctionError extends Error {}

export class DurableRuntime {
  private readonly instances = new Map<string, InstanceState>();
  private readonly journal: Journal<JournalRecord>;
  private readonly busy = new Set<string>();
  private readonly activityQueue: Array<{ instanceId: string; executionId: string; id: number; name: string; input: unknown }> = [];
  private readonly timers = new Map<string, () => void>();
  private runningActivities = 0;
  private nextMessageId = 1;
  private pumpScheduled = false;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private rng: () => number;

  constructor(private readonly options: RuntimeOptions) {
    this.rng = seededRandom(options.shuffleSeed ?? 0);
    if (options.dataDir === undefined) {
      this.journal = memoryJournal();
    } else {
      const { journal, records } = openJournal<JournalRecord>(options.dataDir);
      this.journal = journal;
      for (const r of records) this.restore(r);
      this.resume();
    }
  }

  // ── client operations ───────────────────────────────────────────────────────────────────────

  /**
   * Starts an orchestration. An id that is Pending or Running is refused, as the extension does
   * with `overridableExistingInstanceStates: NonRunningStates` (the app's host.json); a finished
   * one is replaced. With `AnyState` a running one is replaced too: its pending work is dropped.
   */
  start(name: string, input: unknown, instanceId: string = randomUUID().replace(/-/g, '')): string {
    if (this.options.functions.orchestrator(name) === undefined) {
      throw new UnknownFunctionError(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    const existing = this.instances.get(instanceId);
    if (existing !== undefined && ACTIVE.has(existing.status) && this.options.overridableExistingInstanceStates !== 'AnyState') {
      throw new InstanceExistsError(`An Orchestration instance with the status ${existing.status} already exists.`);
    }
    this.createInstance(name, instanceId, input, null);
    this.journal.flush();
    return instanceId;
  }

  raiseEvent(instanceId: string, eventName: string, data: unknown): void {
    const instance = this.requireInstance(instanceId);
    if (!ACTIVE.has(instance.status)) {
      throw new InstanceGoneError(`Instance '${instanceId}' is ${instance.status}; it no longer accepts events.`);
    }
    this.enqueue(instanceId, null, event(EventType.EventRaised, this.now(), { Name: eventName, Input: toJsonText(data) }));
    this.journal.flush();
  }

  terminate(instanceId: string, reason: unknown): void {
    const instance = this.requireInstance(instanceId);
    if (!ACTIVE.has(instance.status)) throw new InstanceGoneError(`Instance '${instanceId}' is ${instance.status}; it cannot be terminated.`);
    const at = this.now();
    const events = [
      event(EventType.OrchestratorStarted, at),
      event(EventType.ExecutionTerminated, at, { Input: toJsonText(reason) }),
      event(EventType.OrchestratorCompleted, at),
    ];
    const record: JournalRecord = {
      t: 'episode',
      instanceId,
      consumed: instance.inbox.map((m) => m.id),
      events,
      status: 'Terminated',
      output: reason ?? null,
      customStatus: instance.customStatus,
      at,
    };
    this.journal.append([record]);
    this.restore(record);
    this.notifyParent(instance);
    this.journal.flush();
  }

  /** Removes a finished instance and its history. Returns whether it existed. */
  purge(instanceId: string): boolean {
    const instance = this.instances.get(instanceId);
    if (instance === undefined) return false;
    if (ACTIVE.has(instance.status)) throw new InstanceExistsError(`Instance '${instanceId}' is ${instance.status}; terminate it before purging.`);
    const record: JournalRecord = { t: 'purge', instanceId };
    this.journal.append([record]);
    this.journal.flush();
    this.restore(record);
    return true;
  }

  get(instanceId: string): InstanceState | undefined {
    return this.instances.get(instanceId);
  }

  list(): InstanceState[] {
    return [...this.instances.values()];
  }

  /** Replays a recorded history against the registered code of `name`, with no side effects. */
  async replay(name: string, history: HistoryEvent[], input?: unknown): Promise<ReplayReport> {
    const handler = this.options.functions.orchestrator(name);
    if (handler === undefined) {
      throw new UnknownFunctionError(`The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    return replayHistory(handler, { name, history, ...(input !== undefined ? { input } : {}) });
  }

  /** The raw history of an instance's current execution, for export and replay. */
  history(instanceId: string): HistoryEvent[] {
    return structuredClone(this.requireInstance(instanceId).history);
  }

  // ── scheduling ──────────────────────────────────────────────────────────────────────────────

  /** Resolves when nothing is running or runnable (timers may still be pending). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.journal.close();
  }

  private now(): number {
    return this.options.clock.now();
  }

  private isIdle(): boolean {
    if (this.inflight > 0 || this.activityQueue.length > 0 || this.pumpScheduled) return false;
    for (const i of this.instances.values()) if (i.inbox.length > 0 && ACTIVE.has(i.status)) return false;
    return true;
  }

  private kick(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.closed) return;
    // Group commit: everything recorded since the last pump reaches the disk before any of it
    // is acted on (an episode consuming messages, an activity an episode scheduled).
    this.journal.flush();
    for (const instance of this.instances.values()) {
      if (instance.inbox.length === 0 || this.busy.has(instance.instanceId) || !ACTIVE.has(instance.status)) continue;
      this.busy.add(instance.instanceId);
      this.track(this.runEpisode(instance).finally(() => this.busy.delete(instance.instanceId)));
    }
    const limit = this.options.activityConcurrency ?? 32;
    while (this.runningActivities < limit && this.activityQueue.length > 0) {
      const work = this.activityQueue.shift()!;
      this.runningActivities++;
      this.track(this.runActivity(work).finally(() => this.runningActivities--));
    }
    this.settleIdle();
  }

  private track(work: Promise<void>): void {
    this.inflight++;
    work
      .catch((err: unknown) => this.options.log?.(`durable runtime error: ${err instanceof Error ? err.stack : String(err)}`))
      .finally(() => {
        this.inflight--;
        this.kick();
        this.settleIdle();
      });
  }

  private settleIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  // ── episodes ────────────────────────────────────────────────────────────────────────────────

  private async runEpisode(instance: InstanceState): Promise<void> {
    const handler = this.options.functions.orchestrator(instance.name);
    let inbox = instance.inbox.filter((m) => m.executionId === null || m.executionId === instance.executionId);
    const stale = instance.inbox.filter((m) => !inbox.includes(m));
    if (this.options.shuffleSeed !== undefined) inbox = this.shuffle(inbox);
    if (this.options.batchMessages === false) inbox = inbox.slice(0, 1);
    const at = this.now();
    const history = [...instance.history, event(EventType.OrchestratorStarted, at), ...inbox.map((m) => m.event)];
    const consumed = [...stale, ...inbox].map((m) => m.id);

    if (handler === undefined) {
      return this.finishEpisode(instance, consumed, history, 'Failed', `The function '${instance.name}' doesn't exist, is disabled, or is not an orchestrator function.`, [], at);
    }
    const { state, threw } = await callOrchestrator(handler, {
      instanceId: instance.instanceId,
      parentInstanceId: instance.parent?.instanceId ?? null,
      history,
      pastCount: instance.history.length,
      input: instance.input,
      functionName: instance.name,
      log: (level, message) => this.options.log?.(`[${instance.name} ${level}] ${message}`),
    });
    // Terminated, purged or replaced while the orchestrator ran, or the host is stopping: this
    // episode no longer applies, and its messages stay queued for the next run.
    if (this.closed || this.instances.get(instance.instanceId) !== instance || !ACTIVE.has(instance.status)) return;
    let replay;
    try {
      replay = replayEpisode({ history, actions: state.actions, executionId: instance.executionId, instanceId: instance.instanceId });
    } catch (err) {
      return this.finishEpisode(instance, consumed, history, 'Failed', `Orchestrator function '${instance.name}' failed: ${(err as Error).message}`, [], at);
    }
    if (replay.nondeterminism !== undefined) {
      return this.finishEpisode(instance, consumed, history, 'Failed', replay.nondeterminism, [], at);
    }
    const customStatus = state.customStatus ?? null;
    const customStatusSize = customStatus === null ? 0 : JSON.stringify(customStatus).length;
    const full = [...history, ...replay.newEvents];
    if (customStatusSize > CUSTOM_STATUS_LIMIT) {
      return this.finishEpisode(
        instance,
        consumed,
        full,
        'Failed',
        `Orchestrator function '${instance.name}' failed: The size of the JSON-serialized custom status must not exceed 16 KB (it is ${customStatusSize} characters).`,
        [],
        at,
      );
    }
    const canComplete = state.isDone && replay.codeFinished && replay.openTasks === 0;
    if (canComplete && threw) {
      return this.finishEpisode(instance, consumed, full, 'Failed', `Orchestrator function '${instance.name}' failed: ${state.error ?? 'unknown error'}`, replay.effects, at, customStatus);
    }
    if (canComplete && replay.continueAsNew !== undefined) {
      return this.finishEpisode(instance, consumed, full, 'ContinuedAsNew', null, replay.effects, at, customStatus, replay.continueAsNew.input);
    }
    if (canComplete) {
      return this.finishEpisode(instance, consumed, full, 'Completed', state.output ?? null, replay.effects, at, customStatus);
    }
    return this.finishEpisode(instance, consumed, full, 'Running', null, replay.effects, at, customStatus);
  }

  private finishEpisode(
    instance: InstanceState,
    consumed: number[],
    history: HistoryEvent[],
    status: OrchestrationStatus,
    output: unknown,
    effects: Effect[],
    at: number,
    customStatus: unknown = instance.customStatus,
    continueInput?: unknown,
  ): void {
    const added = history.slice(instance.history.length);
    if (status !== 'Running') {
      added.push(
        event(EventType.ExecutionCompleted, at, {
          OrchestrationStatus: status,
          Result: toJsonText(output),
        }),
      );
    }
    added.push(event(EventType.OrchestratorCompleted, at));
    const record: JournalRecord = {
      t: 'episode',
      instanceId: instance.instanceId,
      consumed,
      events: added,
      status,
      output,
      customStatus,
      at,
      ...(status === 'ContinuedAsNew' ? { next: { executionId: randomUUID().replace(/-/g, ''), input: continueInput ?? null } } : {}),
    };
    if (record.next !== undefined) {
      // The new execution's start is journaled with the end of the old one: a crash between
      // the two would otherwise leave an instance with neither.
      const next = { ...instance, executionId: record.next.executionId, input: record.next.input };
      const start: JournalRecord = { t: 'msg', m: { id: this.nextMessageId++, instanceId: instance.instanceId, executionId: next.executionId, event: this.executionStarted(next) } };
      this.journal.append([record, start]);
      this.restore(record);
      this.restore(start);
      this.kick();
      return;
    }
    this.journal.append([record]);
    this.restore(record);
    for (const effect of effects) this.dispatch(instance, effect);
    if (status !== 'Running') this.notifyParent(instance);
  }

  private dispatch(instance: InstanceState, effect: Effect): void {
    switch (effect.kind) {
      case 'activity':
        this.activityQueue.push({ instanceId: instance.instanceId, executionId: instance.executionId, id: effect.id, name: effect.name, input: effect.input });
        this.kick();
        return;
      case 'timer':
        this.armTimer(instance.instanceId, instance.executionId, effect.id, effect.fireAt);
        return;
      case 'subOrchestration':
        if (!this.instances.has(effect.instanceId) || !ACTIVE.has(this.instances.get(effect.instanceId)!.status)) {
          this.createInstance(effect.name, effect.instanceId, effect.input, {
            instanceId: instance.instanceId,
            executionId: instance.executionId,
            taskScheduledId: effect.id,
          });
        }
        return;
    }
  }

  private armTimer(instanceId: string, executionId: string, id: number, fireAt: number): void {
    const key = `${instanceId}|${executionId}|${id}`;
    if (this.timers.has(key)) return;
    const cancel = this.options.clock.at(fireAt, () => {
      this.timers.delete(key);
      const instance = this.instances.get(instanceId);
      if (instance === undefined || instance.executionId !== executionId || !ACTIVE.has(instance.status)) return;
      this.enqueue(instanceId, executionId, event(EventType.TimerFired, this.now(), { TimerId: id, FireAt: new Date(fireAt).toISOString() }));
    });
    this.timers.set(key, cancel);
  }

  /** Client data for activities' durable client inputs; set once the HTTP host listens (its URL is in the data). */
  activityClientData: (() => unknown) | undefined;

  private async runActivity(work: { instanceId: string; executionId: string; id: number; name: string; input: unknown }): Promise<void> {
    const handler = this.options.functions.activity(work.name);
    let completion: HistoryEvent;
    if (handler === undefined) {
      completion = event(EventType.TaskFailed, this.now(), {
        TaskScheduledId: work.id,
        Reason: `The function '${work.name}' doesn't exist, is disabled, or is not an activity function.`,
        Details: '',
      });
    } else {
      try {
        const clients = this.options.functions.activityClientInputs?.(work.name) ?? [];
        const context = invocationContext(
          work.name,
          { type: 'activityTrigger', name: 'input', direction: 'in' },
          (level, message) => this.options.log?.(`[${work.name} ${level}] ${message}`),
          clients,
        );
        if (clients.length > 0 && this.activityClientData !== undefined) {
          const data = this.activityClientData();
          for (const input of clients) context.extraInputs.set(input.name, data);
        }
        const result = await handler(work.input, context);
        completion = event(EventType.TaskCompleted, this.now(), { TaskScheduledId: work.id, Result: toJsonText(result) });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        completion = event(EventType.TaskFailed, this.now(), {
          TaskScheduledId: work.id,
          Reason: `Activity function '${work.name}' failed: ${error.message}`,
          Details: JSON.stringify({ $type: 'System.Exception', Message: error.message, StackTrace: error.stack ?? '' }),
        });
      }
    }
    const instance = this.instances.get(work.instanceId);
    if (instance === undefined || instance.executionId !== work.executionId || !ACTIVE.has(instance.status)) return;
    this.enqueue(work.instanceId, work.executionId, completion);
  }

  private notifyParent(child: InstanceState): void {
    const parent = child.parent;
    if (parent === undefined || parent === null) return;
    const at = this.now();
    const completion =
      child.status === 'Completed'
        ? event(EventType.SubOrchestrationInstanceCompleted, at, { TaskScheduledId: parent.taskScheduledId, Result: toJsonText(child.output) })
        : event(EventType.SubOrchestrationInstanceFailed, at, {
            TaskScheduledId: parent.taskScheduledId,
            Reason: `Sub-orchestration '${child.name}' (instance ${child.instanceId}) ${child.status === 'Terminated' ? 'was terminated' : 'failed'}: ${String(child.output)}`,
            Details: '',
          });
    const target = this.instances.get(parent.instanceId);
    if (target === undefined || target.executionId !== parent.executionId || !ACTIVE.has(target.status)) return;
    this.enqueue(parent.instanceId, parent.executionId, completion);
  }

  // ── state changes (journal first, then memory) ──────────────────────────────────────────────

  private createInstance(name: string, instanceId: string, input: unknown, parent: ParentRef | null): void {
    const at = this.now();
    const executionId = randomUUID().replace(/-/g, '');
    const record: JournalRecord = { t: 'start', instanceId, name, executionId, input: input ?? null, parent, at };
    const instance = this.previewInstance(record);
    const message: Message = { id: this.nextMessageId++, instanceId, executionId, event: this.executionStarted(instance) };
    this.journal.append([record, { t: 'msg', m: message }]);
    this.restore(record);
    this.restore({ t: 'msg', m: message });
    this.kick();
  }

  private executionStarted(instance: Pick<InstanceState, 'name' | 'input' | 'instanceId' | 'executionId' | 'parent'>): HistoryEvent {
    return event(EventType.ExecutionStarted, this.now(), {
      Name: instance.name,
      Version: '',
      Input: toJsonText(instance.input),
      OrchestrationInstance: { InstanceId: instance.instanceId, ExecutionId: instance.executionId },
      ParentInstance:
        instance.parent === null
          ? null
          : {
              Name: '',
              TaskScheduleId: instance.parent.taskScheduledId,
              OrchestrationInstance: { InstanceId: instance.parent.instanceId, ExecutionId: instance.parent.executionId },
            },
    });
  }

  private enqueue(instanceId: string, executionId: string | null, e: HistoryEvent): void {
    // After close (a stopping host), results of work still in flight are dropped unrecorded:
    // the next start re-runs that work, as Azure does after a host dies.
    if (this.closed) return;
    const message: Message = { id: this.nextMessageId++, instanceId, executionId, event: e };
    const record: JournalRecord = { t: 'msg', m: message };
    this.journal.append([record]);
    this.restore(record);
    this.kick();
  }

  private previewInstance(r: Extract<JournalRecord, { t: 'start' }>): InstanceState {
    return {
      instanceId: r.instanceId,
      name: r.name,
      executionId: r.executionId,
      input: r.input,
      parent: r.parent,
      createdTime: r.at,
      lastUpdatedTime: r.at,
      status: 'Pending',
      output: null,
      customStatus: null,
      history: [],
      inbox: [],
    };
  }

  /** Applies one journal record to memory; used both live and when loading the journal. */
  private restore(r: JournalRecord): void {
    switch (r.t) {
      case 'start':
        this.instances.set(r.instanceId, this.previewInstance(r));
        return;
      case 'msg': {
        this.nextMessageId = Math.max(this.nextMessageId, r.m.id + 1);
        this.instances.get(r.m.instanceId)?.inbox.push(r.m);
        return;
      }
      case 'episode': {
        const instance = this.instances.get(r.instanceId);
        if (instance === undefined) return;
        const consumed = new Set(r.consumed);
        instance.inbox = instance.inbox.filter((m) => !consumed.has(m.id));
        instance.history.push(...r.events);
        instance.status = r.status;
        instance.output = r.output;
        instance.customStatus = r.customStatus;
        instance.lastUpdatedTime = r.at;
        if (r.next !== undefined) {
          instance.executionId = r.next.executionId;
          instance.input = r.next.input;
          instance.history = [];
          instance.status = 'Running';
          instance.output = null;
        }
        return;
      }
      case 'purge':
        this.instances.delete(r.instanceId);
        return;
    }
  }

  /**
   * After a restart: re-run activities whose completion was never recorded (at-least-once, as in
   * Azure), re-arm timers that have not fired, recreate children that were never started.
   */
  private resume(): void {
    for (const instance of this.instances.values()) {
      if (!ACTIVE.has(instance.status)) continue;
      const settled = new Set<number>();
      const pending = [...instance.history, ...instance.inbox.filter((m) => m.executionId === instance.executionId).map((m) => m.event)];
      for (const e of pending) {
        if (e.TaskScheduledId !== undefined) settled.add(e.TaskScheduledId);
        if (e.TimerId !== undefined) settled.add(e.TimerId);
      }
      for (const e of instance.history) {
        if (settled.has(e.EventId)) continue;
        if (e.EventType === EventType.TaskScheduled) {
          this.activityQueue.push({ instanceId: instance.instanceId, executionId: instance.executionId, id: e.EventId, name: e.Name ?? '', input: fromJsonText(e.Input) });
        } else if (e.EventType === EventType.TimerCreated) {
          this.armTimer(instance.instanceId, instance.executionId, e.EventId, Date.parse(e.FireAt ?? e.Timestamp));
        } else if (e.EventType === EventType.SubOrchestrationInstanceCreated && e.InstanceId !== undefined) {
          const child = this.instances.get(e.InstanceId);
          if (child === undefined) {
            this.createInstance(e.Name ?? '', e.InstanceId, fromJsonText(e.Input), {
              instanceId: instance.instanceId,
              executionId: instance.executionId,
              taskScheduledId: e.EventId,
            });
          } else if (!ACTIVE.has(child.status)) {
            this.notifyParent(child);
          }
        }
      }
    }
    this.kick();
  }

  private requireInstance(instanceId: string): InstanceState {
    const instance = this.instances.get(instanceId);
    if (instance === undefined) throw new InstanceNotFoundError(`No instance with ID '${instanceId}' was found.`);
    return instance;
  }

  private shuffle<T>(items: T[]): T[] {
    const out = [...items];
    // ExecutionStarted must stay first: nothing can complete before the orchestration starts.
    const first = out.findIndex((m) => (m as Message).event.EventType === EventType.ExecutionStarted);
    const head = first >= 0 ? out.splice(first, 1) : [];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return [...head, ...out];
  }
}

export class InstanceNotFoundError extends Error {}
export class InstanceGoneError extends Error {}

/** Mulberry32: small, seedable, good enough to permute message order reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Drives a runtime on a virtual clock until nothing is left: work, then the next timer, repeat. */
export async function runUntilIdle(runtime: DurableRuntime, clock: { advanceToNext(): boolean }, maxSteps = 100_000): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    await runtime.idle();
    if (!clock.advanceToNext()) return;
  }
  throw new Error(`runUntilIdle: still busy after ${maxSteps} timer steps`);
}
