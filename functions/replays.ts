/**
 * Replays of past incidents (lib/replay, lib/operators/replays.ts), on-call key:
 *   POST /api/replays          start one: signals, health, speed (403 unless REPLAY_ENABLED is on)
 *   GET  /api/replays          list
 *   GET  /api/replays/{id}     progress, answers, and the incidents it started
 *   GET  /api/archive          past incidents from this app's archive, as signals to replay
 * and the durable side: the `replay` orchestration and its delivery activity, which has a durable
 * client of its own because it starts incidents through the intake.
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../lib/composition.js';
import { DELIVER_REPLAY_SIGNAL, ORCHESTRATIONS, type DeliverReplaySignalInput } from '../lib/incidents/contract.js';
import { archivedIncidents, listReplays, showReplay, startReplay, type ReplayDeps } from '../lib/operators/replays.js';
import { deliverReplayed, replayIntakeDeps, type ReplayAnswer } from '../lib/replay/deliver.js';
import { storedReplay } from '../lib/replay/stored.js';
import { replayOrchestrator } from '../orchestrations/replay.js';
import { handleOperatorCall, type OperatorCall } from './on-call-request.js';

function replayDeps({ services, deps }: OperatorCall): ReplayDeps {
  return { client: deps.client, archive: services.archive, catalog: services.catalog, replayEnabled: services.config.replayEnabled, baseUrl: deps.baseUrl, now: deps.now };
}

app.http('replaysStart', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'replays',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, (call) => startReplay(replayDeps(call), call.body, call.identify)),
});

app.http('replaysList', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'replays',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, (call) => listReplays(replayDeps(call))),
});

app.http('replaysGet', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'replays/{id}',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, (call) => showReplay(replayDeps(call), request.params['id'] ?? '')),
});

app.http('archiveIncidents', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'archive',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, (call) => archivedIncidents(replayDeps(call), new URL(request.url).searchParams)),
});

df.app.orchestration(ORCHESTRATIONS.replay, replayOrchestrator);

/** Delivers one signal of a stored replay through the intake; every outcome is an answer (a 503 is asked again by the orchestration). */
async function deliverReplaySignal(input: DeliverReplaySignalInput, context: InvocationContext): Promise<ReplayAnswer> {
  const services = appServices();
  const stored = await storedReplay(services.archive, input.replayId);
  const signal = stored?.signals[input.index];
  if (stored === null || signal === undefined) {
    return { status: 404, delivery: null, incidentId: null, acted: false, reason: `replay ${input.replayId} has no signal ${input.index}`, decisions: [] };
  }
  if (signal.intake === 'failovers') {
    return { status: 422, delivery: null, incidentId: null, acted: false, reason: 'on-call failover requests are not replayed yet: start the same request by hand (failover trigger) to rehearse it', decisions: [] };
  }
  const baseUrl = services.config.publicBaseUrl ?? 'http://localhost';
  const deps = replayIntakeDeps(services, df.getClient(context), baseUrl, stored, signal.intake, input.startedAt, (message) => context.error(message));
  return deliverReplayed(deps, signal.payload);
}

df.app.activity(DELIVER_REPLAY_SIGNAL, { extraInputs: [df.input.durableClient()], handler: deliverReplaySignal });
