/**
 * One playbook run for one workload: its steps in order, each checked first (a step already
 * done is recorded as such and not repeated), acted on within its deadline, then verified; on a
 * failure the steps that acted are compensated newest first, the failed one included (an action
 * that failed or missed its deadline may have started something, and its compensation knows
 * what). Consecutive steps that share a `group` touch independent resources and run side by side
 * (a wave), so the slowest of them, not their sum, sets the pace. Between waves a stoppable run
 * asks whether someone cancelled, and stops there, leaving the incident to roll back or hold. A
 * best-effort step (the announcement) that fails is recorded and passed. In plan mode only the
 * prechecks run, and the result says what would be done. A rollback run compensates the steps it
 * is given and nothing else.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { StopRequest } from '../lib/incidents/types.js';
import type { PlaybookInput, PlaybookProgress, PlaybookResult, StepDefinition, StepInput, StepPhase, StepRecord, StepResult } from '../lib/playbooks/types.js';
import { ACTIVITIES } from '../lib/incidents/contract.js';
import { activityTask, callActivity, faultOf } from './call.js';

export function* playbookOrchestrator(context: OrchestrationContext): Generator<df.Task, PlaybookResult, unknown> {
  const input = context.df.getInput<PlaybookInput>();
  const started = context.df.currentUtcDateTime.getTime();
  const records: StepRecord[] = [];
  const done: string[] = [];
  const now = () => context.df.currentUtcDateTime.toISOString();
  /** A rollback run counts the steps it compensates; any other run, all its steps. */
  const total = input.compensate !== undefined ? input.compensate.filter((name) => input.steps.some((s) => s.name === name)).length : input.steps.length;
  /**
   * Progress for whoever watches (the incident view, `failover incidents watch`, GET
   * …/instances/{id}): the steps running, the resources they change, the deadline of an action
   * under way and the steps finished. Custom status writes no history event: it never affects replay.
   */
  const progress = (running: readonly StepDefinition[], resources: readonly string[] = [], deadlineAt: Date | null = null) =>
    context.df.setCustomStatus({
      workloadId: input.workloadId,
      direction: input.direction,
      running: running.map((s) => s.name),
      runningTitles: running.map((s) => s.title),
      resources: [...new Set(resources)],
      steps: records,
      total,
      startedAt: new Date(started).toISOString(),
      deadlineAt: deadlineAt?.toISOString() ?? null,
    } satisfies PlaybookProgress);
  /** The to-dos a result carries, for its step record: only when there are some, so records without stay as they were. */
  const todoOf = (r: StepResult): Pick<StepRecord, 'todo'> => (r.ok && r.todo !== undefined && r.todo.length > 0 ? { todo: r.todo } : {});

  const call = (step: string, which: StepPhase) => {
    const stepInput: StepInput = {
      incidentId: input.incidentId,
      workloadId: input.workloadId,
      playbookKind: input.playbookKind,
      direction: input.direction,
      ...(input.window !== undefined ? { window: input.window } : {}),
      step,
      phase: which,
    };
    return activityTask(context, ACTIVITIES.runStepPhase, stepInput);
  };
  const at = (ms: number) => new Date(context.df.currentUtcDateTime.getTime() + ms);

  /**
   * Runs one phase of several steps at once, retrying transient faults with backoff in rounds:
   * each round calls the steps still owed an answer, then one timer waits before the next. The
   * step activity answers transient faults as results rather than throwing, so a round's
   * Task.all waits for every step. No pending task is ever yielded twice (durable-functions would
   * schedule it again): each wait races a timer of its own. With a deadline, whatever has not
   * answered when it passes has missed it.
   */
  function* all(steps: readonly StepDefinition[], which: StepPhase, deadlineAt?: Date): Generator<df.Task, StepResult[], unknown> {
    const results: Array<StepResult | undefined> = steps.map(() => undefined);
    let owed = steps.map((_, i) => i);
    let delay = input.retry.firstIntervalMs;
    const missed = (i: number): StepResult => ({ ok: false, reason: 'DeadlineExceeded', detail: `the ${which} did not finish within ${Math.round(steps[i]!.deadlineMs / 1000)} s` });
    /** Waits for `task`, or the deadline; true when the deadline came first. */
    function* before(task: df.Task): Generator<df.Task, boolean, unknown> {
      if (deadlineAt === undefined) {
        yield task;
        return false;
      }
      const deadline = context.df.createTimer(deadlineAt);
      const winner: unknown = yield context.df.Task.any([task, deadline]);
      if (winner === deadline) return true;
      deadline.cancel();
      return false;
    }
    for (let attempt = 1; owed.length > 0; attempt++) {
      const tasks = owed.map((i) => call(steps[i]!.name, which));
      let timedOut = false;
      try {
        timedOut = yield* before(context.df.Task.all(tasks));
      } catch {
        // An activity that failed outright (not a transient fault it reported): read below.
      }
      const retry: number[] = [];
      tasks.forEach((task, k) => {
        const i = owed[k]!;
        const last = timedOut || (deadlineAt === undefined && attempt >= input.retry.attempts);
        if (task.isFaulted) {
          results[i] = { ok: false, reason: 'ActivityFailed', detail: faultOf(task) };
        } else if (!task.isCompleted || task.result === undefined) {
          results[i] = timedOut ? missed(i) : { ok: false, reason: 'ActivityFailed', detail: 'no answer' };
        } else {
          const r = task.result;
          // An action keeps trying until its deadline (throttling slows a failover, it does not fail it); the other phases have their attempts.
          if (!r.ok && r.transient === true && !last) retry.push(i);
          else results[i] = r.ok || r.transient !== true ? r : { ok: false, reason: 'TransientFaultPersisted', detail: r.detail };
        }
      });
      owed = retry;
      if (owed.length === 0) break;
      const backoff = context.df.createTimer(at(delay));
      // Never more than a minute between tries.
      delay = Math.min(delay * input.retry.backoff, 60_000);
      if (yield* before(backoff)) {
        backoff.cancel();
        for (const i of owed) results[i] = missed(i);
        owed = [];
      }
    }
    return results.map((r) => r!);
  }

  const waves: StepDefinition[][] = [];
  for (const step of input.steps) {
    const last = waves.at(-1);
    if (step.group !== undefined && last !== undefined && last[0]!.group === step.group) last.push(step);
    else waves.push([step]);
  }

  let failedStep: string | null = null;
  let stopped: StopRequest | null = null;
  if (input.compensate !== undefined) {
    yield* compensate(input.compensate);
    progress([]);
    return result();
  }
  for (const [index, wave] of waves.entries()) {
    if (index > 0 && input.stoppable === true && input.mode === 'execute') {
      // Between waves nothing runs while the cancel is looked up.
      progress([]);
      stopped = yield* callActivity(context, ACTIVITIES.stopRequested, { incidentId: input.incidentId });
      if (stopped !== null) break;
    }
    progress(wave);
    const startedAt = now();
    const pre = yield* all(wave, 'precheck');
    const toAct: StepDefinition[] = [];
    wave.forEach((step, i) => {
      const r = pre[i]!;
      if (!r.ok) {
        fail(step, `precheck: ${r.reason}: ${r.detail}`, startedAt);
      } else if (r.outcome === 'already-done' || r.outcome === 'skipped') {
        records.push({ step: step.name, status: r.outcome, detail: r.detail, startedAt, finishedAt: now(), ...todoOf(r) });
      } else if (input.mode === 'plan') {
        records.push({ step: step.name, status: 'planned', detail: r.detail, startedAt, finishedAt: now() });
      } else {
        toAct.push(step);
      }
    });
    if (failedStep !== null) break;
    if (toAct.length === 0) continue;

    // The actions race the longest deadline of the wave.
    const deadline = at(Math.max(...toAct.map((s) => s.deadlineMs)));
    /** What a step's `needed` precheck said its action starts or changes. */
    const resourcesOf = (step: StepDefinition): string[] => {
      const r = pre[wave.indexOf(step)]!;
      return r.ok ? (r.resources ?? []) : [];
    };
    progress(toAct, toAct.flatMap(resourcesOf), deadline);
    const acted = yield* all(toAct, 'action', deadline);
    const toVerify = toAct.filter((_, i) => acted[i]!.ok);
    // Verifying is not acting: no deadline runs.
    if (toVerify.length > 0) progress(toVerify, toVerify.flatMap(resourcesOf));
    const checked = toVerify.length > 0 ? yield* all(toVerify, 'verify') : [];
    toAct.forEach((step, i) => {
      const action = acted[i]!;
      // An action that ran, or was cut off by its deadline, may have changed something: it is undone on a failure.
      if (step.compensable) done.push(step.name);
      if (!action.ok) {
        fail(step, `action: ${action.reason}: ${action.detail}`, startedAt);
        return;
      }
      const verified = checked[toVerify.indexOf(step)]!;
      if (!verified.ok) {
        fail(step, `verify: ${verified.reason}: ${verified.detail}`, startedAt);
        return;
      }
      records.push({ step: step.name, status: 'done', detail: action.detail, startedAt, finishedAt: now(), ...todoOf(action) });
    });
    if (failedStep !== null) break;
  }

  if (failedStep !== null) {
    progress([]);
    yield* compensate([...done]);
  }
  const recorded = new Set(records.map((r) => r.step));
  const why = stopped !== null ? `stopped: cancelled by ${stopped.by}${stopped.reason !== null ? ` (${stopped.reason})` : ''}` : `${failedStep} failed`;
  if (failedStep !== null || stopped !== null) {
    for (const step of input.steps.filter((s) => !recorded.has(s.name))) {
      records.push({ step: step.name, status: 'not-run', detail: `not run: ${why}`, startedAt: now(), finishedAt: now() });
    }
  }
  progress([]);
  return result();

  /** A failed step fails the playbook, unless it is best effort: then it is recorded and the playbook goes on. */
  function fail(step: StepDefinition, detail: string, startedAt: string): void {
    if (step.bestEffort === true) {
      records.push({ step: step.name, status: 'skipped', detail: `best effort, not blocking: ${detail}`, startedAt, finishedAt: now() });
      return;
    }
    records.push({ step: step.name, status: 'failed', detail, startedAt, finishedAt: now() });
    failedStep ??= step.name;
  }

  /** Undoes `steps` newest first, each recorded as compensated or as a failed compensation. */
  function* compensate(steps: readonly string[]): Generator<df.Task, void, unknown> {
    for (const name of [...steps].reverse()) {
      const step = input.steps.find((s) => s.name === name);
      if (step === undefined) continue;
      const startedAt = now();
      progress([step]);
      const [undone] = yield* all([step], 'compensate');
      records.push({
        step: name,
        status: undone!.ok ? 'compensated' : 'failed',
        detail: undone!.ok ? undone!.detail : `compensate: ${undone!.reason}: ${undone!.detail}`,
        startedAt,
        finishedAt: now(),
      });
    }
  }

  function result(): PlaybookResult {
    const compensated = new Set(records.filter((r) => r.status === 'compensated').map((r) => r.step));
    // What acted and is still in place: a stopped run's done steps, or a failed compensation's step.
    const undoable = (input.compensate ?? done).filter((name) => !compensated.has(name));
    return {
      ok: failedStep === null && stopped === null && (input.compensate === undefined || undoable.length === 0),
      workloadId: input.workloadId,
      direction: input.direction,
      steps: records,
      failedStep,
      ...(stopped !== null ? { stopped } : {}),
      undoable,
      durationMs: context.df.currentUtcDateTime.getTime() - started,
    };
  }
}
