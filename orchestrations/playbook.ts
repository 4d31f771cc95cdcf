/**
 * One playbook run for one workload: its steps in order, each checked first (a step already
 * done is recorded as such and not repeated), acted on within its deadline, then verified; on a
 * failure the completed steps are compensated newest first. In plan mode only the prechecks
 * run, and the result says what would be done.
 */
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type { PlaybookInput, PlaybookResult, StepInput, StepPhase, StepRecord, StepResult } from '../lib/playbooks/types.js';
import { ACTIVITIES } from './activities.js';

export function* playbookOrchestrator(context: OrchestrationContext): Generator<df.Task, PlaybookResult, unknown> {
  const input = context.df.getInput<PlaybookInput>();
  const started = context.df.currentUtcDateTime.getTime();
  const retry = new df.RetryOptions(input.retry.firstIntervalMs, input.retry.attempts);
  retry.backoffCoefficient = input.retry.backoff;
  const records: StepRecord[] = [];
  const done: string[] = [];
  const now = () => context.df.currentUtcDateTime.toISOString();
  /** Progress for whoever watches (the demo, GET …/instances/{id}): the step running and those finished. */
  const progress = (running: string | null) => context.df.setCustomStatus({ workloadId: input.workloadId, direction: input.direction, running, steps: records });

  function* phase(step: string, which: StepPhase): Generator<df.Task, StepResult, unknown> {
    const stepInput: StepInput = {
      incidentId: input.incidentId,
      workloadId: input.workloadId,
      playbookKind: input.playbookKind,
      direction: input.direction,
      step,
      phase: which,
    };
    try {
      return (yield context.df.callActivityWithRetry(ACTIVITIES.runStepPhase, retry, stepInput)) as StepResult;
    } catch (err) {
      // Retries exhausted on a transient fault: the step failed.
      return { ok: false, reason: 'TransientFaultPersisted', detail: (err as Error).message.split('\n')[0] ?? 'activity failed' };
    }
  }

  let failedStep: string | null = null;
  for (const step of input.steps) {
    progress(step.name);
    const startedAt = now();
    const pre = yield* phase(step.name, 'precheck');
    if (!pre.ok) {
      records.push({ step: step.name, status: 'failed', detail: `precheck: ${pre.reason}: ${pre.detail}`, startedAt, finishedAt: now() });
      failedStep = step.name;
      break;
    }
    if (pre.outcome === 'already-done' || pre.outcome === 'skipped') {
      records.push({ step: step.name, status: pre.outcome, detail: pre.detail, startedAt, finishedAt: now() });
      continue;
    }
    if (input.mode === 'plan') {
      records.push({ step: step.name, status: 'planned', detail: pre.detail, startedAt, finishedAt: now() });
      continue;
    }
    // The action races its deadline; the losing timer is cancelled or the instance never completes.
    const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + step.deadlineMs));
    const action = context.df.callActivityWithRetry(ACTIVITIES.runStepPhase, retry, stepInputOf(step.name, 'action'));
    const winner: unknown = yield context.df.Task.any([action, deadline]);
    let actionResult: StepResult;
    if (winner === deadline) {
      actionResult = { ok: false, reason: 'DeadlineExceeded', detail: `the action did not finish within ${Math.round(step.deadlineMs / 1000)} s` };
    } else {
      deadline.cancel();
      actionResult = action.isFaulted
        ? { ok: false, reason: 'TransientFaultPersisted', detail: (action.result as Error | undefined)?.message?.split('\n')[0] ?? 'activity failed' }
        : (action.result as StepResult);
    }
    if (!actionResult.ok) {
      records.push({ step: step.name, status: 'failed', detail: `action: ${actionResult.reason}: ${actionResult.detail}`, startedAt, finishedAt: now() });
      failedStep = step.name;
      break;
    }
    const verified = yield* phase(step.name, 'verify');
    if (!verified.ok) {
      records.push({ step: step.name, status: 'failed', detail: `verify: ${verified.reason}: ${verified.detail}`, startedAt, finishedAt: now() });
      failedStep = step.name;
      if (step.compensable) done.push(step.name);
      break;
    }
    records.push({ step: step.name, status: 'done', detail: actionResult.detail, startedAt, finishedAt: now() });
    if (step.compensable) done.push(step.name);
  }

  if (failedStep !== null) {
    for (const step of [...done].reverse()) {
      const startedAt = now();
      const undone = yield* phase(step, 'compensate');
      records.push({
        step,
        status: undone.ok ? 'compensated' : 'failed',
        detail: undone.ok ? undone.detail : `compensate: ${undone.reason}: ${undone.detail}`,
        startedAt,
        finishedAt: now(),
      });
    }
    for (const step of input.steps.slice(input.steps.findIndex((s) => s.name === failedStep) + 1)) {
      records.push({ step: step.name, status: 'not-run', detail: `not run: ${failedStep} failed`, startedAt: now(), finishedAt: now() });
    }
  }

  progress(null);
  return {
    ok: failedStep === null,
    workloadId: input.workloadId,
    direction: input.direction,
    steps: records,
    failedStep,
    durationMs: context.df.currentUtcDateTime.getTime() - started,
  };

  function stepInputOf(step: string, which: StepPhase): StepInput {
    return { incidentId: input.incidentId, workloadId: input.workloadId, playbookKind: input.playbookKind, direction: input.direction, step, phase: which };
  }
}
