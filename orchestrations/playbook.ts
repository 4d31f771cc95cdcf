/**
 * One playbook run for one workload: its steps in order, each checked first (a step already
 * done is recorded as such and not repeated), acted on within its deadline, then verified; on a
 * failure the completed steps are compensated newest first. Consecutive steps that share a
 * `group` touch independent resources and run side by side (a wave), so the slowest of them,
 * not their sum, sets the pace. In plan mode only the prechecks run, and the result says what
 * would be done.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { PlaybookInput, PlaybookResult, StepDefinition, StepInput, StepPhase, StepRecord, StepResult } from '../lib/playbooks/types.js';
import { ACTIVITIES } from './activities.js';

export function* playbookOrchestrator(context: OrchestrationContext): Generator<df.Task, PlaybookResult, unknown> {
  const input = context.df.getInput<PlaybookInput>();
  const started = context.df.currentUtcDateTime.getTime();
  const retry = new df.RetryOptions(input.retry.firstIntervalMs, input.retry.attempts);
  retry.backoffCoefficient = input.retry.backoff;
  const records: StepRecord[] = [];
  const done: string[] = [];
  const now = () => context.df.currentUtcDateTime.toISOString();
  /** Progress for whoever watches (the demo, GET …/instances/{id}): the steps running and those finished. */
  const progress = (running: string[]) => context.df.setCustomStatus({ workloadId: input.workloadId, direction: input.direction, running, steps: records });

  const call = (step: string, which: StepPhase): df.Task => {
    const stepInput: StepInput = { incidentId: input.incidentId, workloadId: input.workloadId, playbookKind: input.playbookKind, direction: input.direction, step, phase: which };
    return context.df.callActivityWithRetry(ACTIVITIES.runStepPhase, retry, stepInput);
  };
  /** A finished activity's result; retries exhausted on a transient fault count as the step failing. */
  const resultOf = (task: df.Task): StepResult =>
    task.isFaulted || !task.isCompleted
      ? { ok: false, reason: 'TransientFaultPersisted', detail: (task.result as Error | undefined)?.message?.split('\n')[0] ?? 'activity failed' }
      : (task.result as StepResult);

  /** Runs one phase of several steps at once; a fault in one does not lose the others' results. */
  function* all(steps: readonly StepDefinition[], which: StepPhase): Generator<df.Task, StepResult[], unknown> {
    const tasks = steps.map((s) => call(s.name, which));
    try {
      yield context.df.Task.all(tasks);
    } catch {
      // Task.all fails fast; wait out the rest so each step has its own answer.
      const pending = tasks.filter((t) => !t.isCompleted);
      if (pending.length > 0) {
        try {
          yield context.df.Task.all(pending);
        } catch {
          // Their faults are read below.
        }
      }
    }
    return tasks.map(resultOf);
  }

  const waves: StepDefinition[][] = [];
  for (const step of input.steps) {
    const last = waves.at(-1);
    if (step.group !== undefined && last !== undefined && last[0]!.group === step.group) last.push(step);
    else waves.push([step]);
  }

  let failedStep: string | null = null;
  for (const wave of waves) {
    progress(wave.map((s) => s.name));
    const startedAt = now();
    const pre = yield* all(wave, 'precheck');
    const toAct: StepDefinition[] = [];
    wave.forEach((step, i) => {
      const r = pre[i]!;
      if (!r.ok) {
        records.push({ step: step.name, status: 'failed', detail: `precheck: ${r.reason}: ${r.detail}`, startedAt, finishedAt: now() });
        failedStep ??= step.name;
      } else if (r.outcome === 'already-done' || r.outcome === 'skipped') {
        records.push({ step: step.name, status: r.outcome, detail: r.detail, startedAt, finishedAt: now() });
      } else if (input.mode === 'plan') {
        records.push({ step: step.name, status: 'planned', detail: r.detail, startedAt, finishedAt: now() });
      } else {
        toAct.push(step);
      }
    });
    if (failedStep !== null || toAct.length === 0) {
      if (failedStep !== null) break;
      continue;
    }

    // The actions race the longest deadline of the wave; a losing timer is cancelled, or the instance never completes.
    const deadlineMs = Math.max(...toAct.map((s) => s.deadlineMs));
    const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + deadlineMs));
    const actions = toAct.map((s) => call(s.name, 'action'));
    const everything = context.df.Task.all(actions);
    let winner: unknown;
    try {
      winner = yield context.df.Task.any([everything, deadline]);
    } catch {
      winner = everything;
    }
    if (winner !== deadline) {
      deadline.cancel();
      const pending = actions.filter((t) => !t.isCompleted);
      if (pending.length > 0) {
        try {
          yield context.df.Task.all(pending);
        } catch {
          // Read below.
        }
      }
    }
    const acted = actions.map((task, i): StepResult =>
      winner === deadline && !task.isCompleted ? { ok: false, reason: 'DeadlineExceeded', detail: `the action did not finish within ${Math.round(toAct[i]!.deadlineMs / 1000)} s` } : resultOf(task),
    );
    const toVerify = toAct.filter((_, i) => acted[i]!.ok);
    const checked = toVerify.length > 0 ? yield* all(toVerify, 'verify') : [];
    toAct.forEach((step, i) => {
      const action = acted[i]!;
      if (!action.ok) {
        records.push({ step: step.name, status: 'failed', detail: `action: ${action.reason}: ${action.detail}`, startedAt, finishedAt: now() });
        failedStep ??= step.name;
        return;
      }
      // An action that ran may have changed something even when its verification fails: compensate it.
      if (step.compensable) done.push(step.name);
      const verified = checked[toVerify.indexOf(step)]!;
      if (!verified.ok) {
        records.push({ step: step.name, status: 'failed', detail: `verify: ${verified.reason}: ${verified.detail}`, startedAt, finishedAt: now() });
        failedStep ??= step.name;
        return;
      }
      records.push({ step: step.name, status: 'done', detail: action.detail, startedAt, finishedAt: now() });
    });
    if (failedStep !== null) break;
  }

  if (failedStep !== null) {
    progress([]);
    for (const step of [...done].reverse()) {
      const startedAt = now();
      const [undone] = yield* all([input.steps.find((s) => s.name === step)!], 'compensate');
      records.push({
        step,
        status: undone!.ok ? 'compensated' : 'failed',
        detail: undone!.ok ? undone!.detail : `compensate: ${undone!.reason}: ${undone!.detail}`,
        startedAt,
        finishedAt: now(),
      });
    }
    const recorded = new Set(records.map((r) => r.step));
    for (const step of input.steps.filter((s) => !recorded.has(s.name))) {
      records.push({ step: step.name, status: 'not-run', detail: `not run: ${failedStep} failed`, startedAt: now(), finishedAt: now() });
    }
  }

  progress([]);
  return {
    ok: failedStep === null,
    workloadId: input.workloadId,
    direction: input.direction,
    steps: records,
    failedStep,
    durationMs: context.df.currentUtcDateTime.getTime() - started,
  };
}
