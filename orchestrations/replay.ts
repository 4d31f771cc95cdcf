/**
 * A replay of past incidents: each signal delivered at its original spacing divided by the
 * replay's speed, on durable timers, so a replay survives a restart of the app and a four-hour
 * incident rehearses in four minutes at speed 60. Progress (which signal, when the next is due)
 * is published in custom status for GET /api/replays/{id} and the CLI.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { DELIVER_REPLAY_SIGNAL, type DeliverReplaySignalInput, type ReplayRunInput, type ReplayRunStatus } from '../lib/incidents/contract.js';
import type { ReplayAnswer } from '../lib/replay/deliver.js';

export function* replayOrchestrator(context: OrchestrationContext): Generator<df.Task, ReplayRunStatus, unknown> {
  const input = context.df.getInput<ReplayRunInput>();
  const start = context.df.currentUtcDateTime.getTime();
  const startedAt = new Date(start).toISOString();
  const answers: ReplayAnswer[] = [];
  const status = (nextAt: number | null): ReplayRunStatus => ({
    replayId: input.replayId,
    startedAt,
    delivered: answers.length,
    of: input.offsetsMs.length,
    nextAt: nextAt === null ? null : new Date(nextAt).toISOString(),
    // Custom status stays small: the last answer only.
    answers: answers.slice(-1),
  });
  for (let index = 0; index < input.offsetsMs.length; index++) {
    const due = start + (input.offsetsMs[index] ?? 0);
    context.df.setCustomStatus(status(due));
    if (due > context.df.currentUtcDateTime.getTime()) yield context.df.createTimer(new Date(due));
    const delivery: DeliverReplaySignalInput = { replayId: input.replayId, index, startedAt };
    let answer = (yield context.df.callActivity(DELIVER_REPLAY_SIGNAL, delivery)) as ReplayAnswer;
    // An intake that answered 503 (busy storage, a catalog being fixed) is asked again, as Azure Monitor would.
    for (let attempt = 1; answer.status === 503 && attempt < BUSY_ATTEMPTS; attempt++) {
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + BUSY_WAIT_MS * attempt));
      answer = (yield context.df.callActivity(DELIVER_REPLAY_SIGNAL, delivery)) as ReplayAnswer;
    }
    answers.push(answer);
  }
  context.df.setCustomStatus(status(null));
  return { ...status(null), answers };
}

const BUSY_ATTEMPTS = 5;
const BUSY_WAIT_MS = 5_000;
