/**
 * The host side of one orchestration episode, as the Durable extension and DTFx do it.
 *
 * durable-functions returns the list of every action the orchestrator has yielded so far. The
 * extension's out-of-process shim replays that list as C# code (each action awaited in order,
 * WhenAll/WhenAny as Task.WhenAll/WhenAny, retries through DTFx's RetryInterceptor) while DTFx
 * walks the history: a scheduling event in history must meet an action with the same sequence
 * id, kind and name (else the workflow is non-deterministic), completions resume the awaits, and
 * whatever the code schedules that history has not seen becomes new history. The instance may
 * complete only when that code has finished and no activity, sub-orchestration or uncanceled
 * timer is still open.
 */
import { EventType, event, fromJsonText, toJsonText, type HistoryEvent } from './history.js';

/** durable-functions ActionType numbers. */
export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  WhenAny = 11,
  WhenAll = 12,
  LockEntities = 13,
  ReleaseEntities = 14,
}

export interface RetryPolicy {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** An action as durable-functions serializes it (camelCase). */
export interface JsAction {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryPolicy;
  instanceId?: string;
  fireAt?: string | Date;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: JsAction[];
}

/** Work the episode asks the runtime to do once its history is saved. */
export type Effect =
  | { kind: 'activity'; id: number; name: string; input: unknown }
  | { kind: 'timer'; id: number; fireAt: number }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: unknown };

/** Where history and code disagree: the history event, what it recorded, what the code does there now. */
export interface Divergence {
  /** Index of the event in the history given. */
  eventIndex: number;
  sequenceId: number;
  /** `activity 'notify'`, `a timer`, `sub-orchestration 'playbook'`. */
  recorded: string;
  /** The same for what the code scheduled at that sequence id, or null when it scheduled nothing there. */
  produced: string | null;
}

export interface HostReplayResult {
  /** Set when history and code disagree; the instance fails with this message. */
  nondeterminism?: string;
  divergence?: Divergence;
  /** Scheduling events this episode adds to history, in sequence-id order. */
  newEvents: HistoryEvent[];
  effects: Effect[];
  /** The shim has awaited every action: with no open task left the instance may complete. */
  codeFinished: boolean;
  openTasks: number;
  continueAsNew?: { input: unknown };
}

export class NonDeterminismError extends Error {
  constructor(
    detail: string,
    readonly at?: Omit<Divergence, 'eventIndex'>,
  ) {
    super(`Non-Deterministic workflow detected: ${detail}`);
    this.name = 'NonDeterministicOrchestrationException';
  }
}

export class UnsupportedActionError extends Error {}

type Outcome = { done: false } | { done: true; failed: boolean };

/** A node of the shim's code: a leaf task or a WhenAll/WhenAny over children. */
interface Node {
  outcome: Outcome;
  parent?: Node;
  /** Called when a child settles. */
  onChild?: (child: Node) => void;
}

const PENDING: Outcome = { done: false };

type Scheduled =
  | { kind: 'activity'; id: number; name: string; input: string | null }
  | { kind: 'timer'; id: number; fireAt: string }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; input: string | null };

const KIND_WORDS: Record<Scheduled['kind'], string> = {
  activity: 'an activity task',
  timer: 'a timer',
  subOrchestration: 'a sub-orchestration',
};

export interface ReplayInput {
  history: HistoryEvent[];
  actions: JsAction[][];
  /** ExecutionId of this execution: the default prefix of sub-orchestration instance ids. */
  executionId: string;
  instanceId: string;
}

export function replayEpisode(input: ReplayInput): HostReplayResult {
  return new Shim(input).run();
}

class Shim {
  private seq = 0;
  /** DTFx orchestratorActionsMap: scheduled by the code, not yet seen in history. */
  private readonly unmatched = new Map<number, Scheduled>();
  /** Open tasks by sequence id and what completes them. */
  private readonly open = new Map<number, { settle: (failed: boolean, payload: HistoryEvent) => void; counts: boolean }>();
  private readonly waiters = new Map<string, Array<(input: HistoryEvent) => void>>();
  private readonly buffered = new Map<string, HistoryEvent[]>();
  private now = 0;
  private started = false;
  private cursor = -1;
  private current: Node | undefined;
  private codeFinished = false;
  private continueAsNew: { input: unknown } | undefined;
  private readonly actions: JsAction[];

  constructor(private readonly input: ReplayInput) {
    if (input.actions.length > 1) {
      throw new UnsupportedActionError(`With OOProc schema V2, expected actions array to be of length 1 but got ${input.actions.length}`);
    }
    this.actions = input.actions[0] ?? [];
  }

  run(): HostReplayResult {
    let index = 0;
    try {
      for (; index < this.input.history.length; index++) this.apply(this.input.history[index]!);
    } catch (err) {
      if (err instanceof NonDeterminismError) {
        return {
          nondeterminism: err.message,
          ...(err.at !== undefined ? { divergence: { eventIndex: index, ...err.at } } : {}),
          newEvents: [],
          effects: [],
          codeFinished: false,
          openTasks: 0,
        };
      }
      throw err;
    }
    const newEvents: HistoryEvent[] = [];
    const effects: Effect[] = [];
    for (const s of [...this.unmatched.values()].sort((a, b) => a.id - b.id)) {
      switch (s.kind) {
        case 'activity':
          newEvents.push(event(EventType.TaskScheduled, this.now, { EventId: s.id, Name: s.name, Version: '', Input: s.input }));
          effects.push({ kind: 'activity', id: s.id, name: s.name, input: fromJsonText(s.input) });
          break;
        case 'timer':
          newEvents.push(event(EventType.TimerCreated, this.now, { EventId: s.id, FireAt: s.fireAt }));
          // A timer canceled before it was ever created is recorded but never fires.
          if (this.open.has(s.id)) effects.push({ kind: 'timer', id: s.id, fireAt: Date.parse(s.fireAt) });
          break;
        case 'subOrchestration':
          newEvents.push(
            event(EventType.SubOrchestrationInstanceCreated, this.now, {
              EventId: s.id,
              Name: s.name,
              Version: '',
              InstanceId: s.instanceId,
              Input: s.input,
            }),
          );
          effects.push({ kind: 'subOrchestration', id: s.id, name: s.name, instanceId: s.instanceId, input: fromJsonText(s.input) });
          break;
      }
    }
    const openTasks = [...this.open.values()].filter((t) => t.counts).length;
    return {
      newEvents,
      effects,
      codeFinished: this.codeFinished,
      openTasks,
      ...(this.continueAsNew !== undefined ? { continueAsNew: this.continueAsNew } : {}),
    };
  }

  // ── history walk (DTFx TaskOrchestrationExecutor) ────────────────────────────────────────────

  private apply(e: HistoryEvent): void {
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
        this.now = Math.max(this.now, Date.parse(e.Timestamp));
        return;
      case EventType.ExecutionStarted:
        if (!this.started) {
          this.started = true;
          this.advance();
        }
        return;
      case EventType.TaskScheduled:
        return this.match(e, 'activity');
      case EventType.TimerCreated:
        return this.match(e, 'timer');
      case EventType.SubOrchestrationInstanceCreated:
        return this.match(e, 'subOrchestration');
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        return this.complete(e.TaskScheduledId, false, e);
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        return this.complete(e.TaskScheduledId, true, e);
      case EventType.TimerFired:
        return this.complete(e.TimerId, false, e);
      case EventType.EventRaised:
        return this.raise(e);
      default:
        return;
    }
  }

  private match(e: HistoryEvent, kind: Scheduled['kind']): void {
    const id = e.EventId;
    const action = this.unmatched.get(id);
    const name = e.Name ?? '';
    const recorded = describeTask(kind, name);
    if (action === undefined) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${KIND_WORDS[kind]} with sequence ID ${id}` +
          (kind === 'timer' ? '' : ` and name '${name}' (version '')`) +
          `, but the current replay execution hasn't (yet?) scheduled this task. ` +
          'Was a change made to the orchestrator code after this instance had already started running?',
        { sequenceId: id, recorded, produced: null },
      );
    }
    const actionName = action.kind === 'timer' ? '' : action.name;
    if (action.kind !== kind || actionName.toLowerCase() !== name.toLowerCase()) {
      throw new NonDeterminismError(
        `A previous execution of this orchestration scheduled ${KIND_WORDS[kind]} with sequence number ${id}` +
          (kind === 'timer' ? '' : ` named '${name}'`) +
          `, but the current orchestration replay instead produced ${KIND_WORDS[action.kind]}` +
          (action.kind === 'timer' ? '' : ` named '${actionName}'`) +
          ' at this sequence number. Was a change made to the orchestrator code after this instance had already started running?',
        { sequenceId: id, recorded, produced: describeTask(action.kind, actionName) },
      );
    }
    this.unmatched.delete(id);
  }

  private complete(id: number | undefined, failed: boolean, e: HistoryEvent): void {
    if (id === undefined) return;
    const task = this.open.get(id);
    // A completion for a task that is not open (a canceled timer firing, a duplicate) is ignored, as in DTFx.
    if (task === undefined) return;
    this.open.delete(id);
    task.settle(failed, e);
    this.advance();
  }

  private raise(e: HistoryEvent): void {
    const name = (e.Name ?? '').toLowerCase();
    const queue = this.waiters.get(name);
    const waiter = queue?.shift();
    if (waiter !== undefined) {
      waiter(e);
      this.advance();
    } else {
      const list = this.buffered.get(name) ?? [];
      list.push(e);
      this.buffered.set(name, list);
    }
  }

  // ── the shim's code: each action invoked and awaited in order ────────────────────────────────

  private advance(): void {
    if (!this.started || this.codeFinished) return;
    for (;;) {
      if (this.current !== undefined && !this.current.outcome.done) return;
      this.cursor++;
      const action = this.actions[this.cursor];
      if (action === undefined) {
        this.codeFinished = true;
        return;
      }
      this.current = this.invoke(action);
    }
  }

  private invoke(action: JsAction, parent?: Node): Node {
    const node: Node = { outcome: PENDING, ...(parent !== undefined ? { parent } : {}) };
    switch (action.actionType) {
      case ActionType.CallActivity:
        this.scheduleActivity(node, action);
        break;
      case ActionType.CallActivityWithRetry:
      case ActionType.CallSubOrchestratorWithRetry:
        this.withRetry(node, action);
        break;
      case ActionType.CallSubOrchestrator:
        this.scheduleSubOrchestration(node, action);
        break;
      case ActionType.CreateTimer:
        this.scheduleTimer(node, Date.parse(String(action.fireAt)), action.isCanceled === true);
        break;
      case ActionType.WaitForExternalEvent:
        this.waitForEvent(node, action.externalEventName ?? '');
        break;
      case ActionType.ContinueAsNew:
        this.continueAsNew = { input: decodeActivityInput(action.input) };
        node.outcome = { done: true, failed: false };
        break;
      case ActionType.WhenAll:
      case ActionType.WhenAny:
        this.compound(node, action);
        break;
      default:
        throw new UnsupportedActionError(
          `the local host does not run ${ActionType[action.actionType] ?? `action type ${action.actionType}`} actions ` +
            '(entities and callHttp are not emulated)',
        );
    }
    return node;
  }

  private settle(node: Node, failed: boolean): void {
    if (node.outcome.done) return;
    node.outcome = { done: true, failed };
    node.parent?.onChild?.(node);
  }

  private compound(node: Node, action: JsAction): void {
    const children: Node[] = [];
    const all = action.actionType === ActionType.WhenAll;
    let building = true;
    // Children invoked earlier may settle synchronously (a buffered event); judge only the whole set.
    node.onChild = () => {
      if (building) return;
      if (children.length === 0 || (all ? children.every((c) => c.outcome.done) : children.some((c) => c.outcome.done))) {
        // Task.WhenAll faults if a child faulted; Task.WhenAny never faults. Either is swallowed by the shim.
        this.settle(node, all && children.some((c) => c.outcome.done && c.outcome.failed));
      }
    };
    for (const child of action.compoundActions ?? []) children.push(this.invoke(child, node));
    building = false;
    node.onChild(node);
  }

  private register(id: number, scheduled: Scheduled, onSettle: (failed: boolean, e: HistoryEvent) => void, counts = true): void {
    this.unmatched.set(id, scheduled);
    this.open.set(id, { settle: onSettle, counts });
  }

  private scheduleActivity(node: Node, action: JsAction, onSettle?: (failed: boolean) => void): void {
    const id = this.seq++;
    this.register(id, { kind: 'activity', id, name: action.functionName ?? '', input: toJsonText(decodeActivityInput(action.input)) }, (failed) =>
      onSettle !== undefined ? onSettle(failed) : this.settle(node, failed),
    );
  }

  private scheduleSubOrchestration(node: Node, action: JsAction, onSettle?: (failed: boolean) => void): void {
    const id = this.seq++;
    const instanceId = action.instanceId !== undefined && action.instanceId !== '' ? action.instanceId : `${this.input.executionId}:${id}`;
    this.register(
      id,
      { kind: 'subOrchestration', id, name: action.functionName ?? '', instanceId, input: toJsonText(action.input) },
      (failed) => (onSettle !== undefined ? onSettle(failed) : this.settle(node, failed)),
    );
  }

  private scheduleTimer(node: Node, fireAt: number, canceled: boolean, onFire?: () => void): void {
    const id = this.seq++;
    this.unmatched.set(id, { kind: 'timer', id, fireAt: new Date(fireAt).toISOString() });
    if (canceled) {
      // Created, then canceled: it leaves DTFx's open tasks and its await throws (swallowed).
      this.settle(node, true);
      return;
    }
    this.open.set(id, { settle: () => (onFire !== undefined ? onFire() : this.settle(node, false)), counts: true });
  }

  private waitForEvent(node: Node, name: string): void {
    const key = name.toLowerCase();
    const buffered = this.buffered.get(key);
    if (buffered !== undefined && buffered.length > 0) {
      buffered.shift();
      this.settle(node, false);
      return;
    }
    const queue = this.waiters.get(key) ?? [];
    queue.push(() => this.settle(node, false));
    this.waiters.set(key, queue);
  }

  /** DTFx RetryInterceptor: attempt, and after each failure a timer (also after the last). */
  private withRetry(node: Node, action: JsAction): void {
    const policy = action.retryOptions;
    if (policy === undefined) throw new UnsupportedActionError('a retry action without retryOptions');
    const firstAttempt = this.now;
    let attempt = 0;
    const start = () => {
      const onSettle = (failed: boolean) => {
        if (!failed) return this.settle(node, false);
        const delay = nextRetryDelay(policy, attempt, firstAttempt, this.now);
        attempt++;
        if (delay <= 0) return this.settle(node, true);
        this.scheduleTimer(node, this.now + delay, false, () => (attempt < policy.maxNumberOfAttempts ? start() : this.settle(node, true)));
      };
      if (action.actionType === ActionType.CallActivityWithRetry) this.scheduleActivity(node, action, onSettle);
      else this.scheduleSubOrchestration(node, action, onSettle);
    };
    start();
  }
}

/** `activity 'notify'`, `a timer`, `sub-orchestration 'playbook'`: a scheduled task in a sentence. */
export function describeTask(kind: 'activity' | 'timer' | 'subOrchestration', name: string): string {
  return kind === 'timer' ? 'a timer' : `${kind === 'activity' ? 'activity' : 'sub-orchestration'} '${name}'`;
}

/** DTFx RetryInterceptor.ComputeNextDelay; zero means "give up now, without a timer". */
export function nextRetryDelay(policy: RetryPolicy, attempt: number, firstAttempt: number, now: number): number {
  const timeout = policy.retryTimeoutInMilliseconds;
  const expires = timeout === undefined || timeout <= 0 || !Number.isFinite(timeout) ? Infinity : firstAttempt + timeout;
  if (now >= expires) return 0;
  const delay = policy.firstRetryIntervalInMilliseconds * Math.pow(policy.backoffCoefficient ?? 1, attempt);
  const max = policy.maxRetryIntervalInMilliseconds;
  return max !== undefined && max > 0 && delay >= max ? max : delay;
}

/**
 * durable-functions JSON-encodes string inputs of activities and continueAsNew a second time
 * (`"abc"` arrives as `"\"abc\""`); decode once so the activity sees what the orchestrator passed.
 */
export function decodeActivityInput(input: unknown): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}
