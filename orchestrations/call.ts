/**
 * Typed calls from orchestrations, the equivalent of Temporal's `proxyActivities`: the activity's
 * or sub-orchestration's name picks its input and output types from the contract
 * (lib/incidents/contract.ts), so a call with the wrong input does not compile and a result needs
 * no cast where it is used. durable-functions types every result as `unknown`; the one cast from
 * it to the contract's type is here.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { COMMAND_EVENT, type ActivityTypes, type IncidentCommand, type OrchestrationTypes } from '../lib/incidents/contract.js';

export type ActivityName = keyof ActivityTypes;
export type ActivityInput<K extends ActivityName> = ActivityTypes[K]['input'];
export type ActivityOutput<K extends ActivityName> = ActivityTypes[K]['output'];

/** A scheduled task whose result, once it completes, has a known type. */
export type TypedTask<T> = df.Task & { readonly result: T | undefined };

/** Schedules an activity and gives back its task, for races and fan-outs (`Task.any`, `Task.all`). */
export function activityTask<K extends ActivityName>(context: OrchestrationContext, name: K, input: ActivityInput<K>): TypedTask<ActivityOutput<K>> {
  return context.df.callActivity(name, input) as TypedTask<ActivityOutput<K>>;
}

/** Calls an activity and waits for its output: `const plan = yield* callActivity(context, 'planIncident', input)`. */
export function* callActivity<K extends ActivityName>(context: OrchestrationContext, name: K, input: ActivityInput<K>): Generator<df.Task, ActivityOutput<K>, unknown> {
  return (yield context.df.callActivity(name, input)) as ActivityOutput<K>;
}

/** Calls one activity for each input, all at once, and waits for every output, in order. */
export function* callActivities<K extends ActivityName>(context: OrchestrationContext, name: K, inputs: readonly ActivityInput<K>[]): Generator<df.Task, ActivityOutput<K>[], unknown> {
  return (yield context.df.Task.all(inputs.map((input) => context.df.callActivity(name, input)))) as ActivityOutput<K>[];
}

/** Runs sub-orchestrations side by side, each with its instance id, and waits for every output, in order. */
export function* callSubOrchestrations<K extends keyof OrchestrationTypes>(
  context: OrchestrationContext,
  name: K,
  calls: readonly { input: OrchestrationTypes[K]['input']; instanceId: string }[],
): Generator<df.Task, OrchestrationTypes[K]['output'][], unknown> {
  return (yield context.df.Task.all(calls.map((c) => context.df.callSubOrchestrator(name, c.input, c.instanceId)))) as OrchestrationTypes[K]['output'][];
}

/** Why a faulted task failed: durable-functions gives `Error("Reason \n Details")`; the first line. */
export function faultOf(task: df.Task): string {
  return (task.result as Error | undefined)?.message?.split('\n')[0] ?? 'activity failed';
}

/** A wait for the next command raised into the incident (the one external event). */
export function waitForCommand(context: OrchestrationContext): TypedTask<IncidentCommand> {
  return context.df.waitForExternalEvent(COMMAND_EVENT) as TypedTask<IncidentCommand>;
}
