/**
 * POST /api/alerts: the action-group webhook. Function key, plus the secure-webhook token when
 * WEBHOOK_TENANT_ID and WEBHOOK_AUDIENCES are set. The decision lives in lib/intake/accept.ts;
 * this file only wires it to the request, the storage and the durable client.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { servicesForRequest } from '../lib/composition.js';
import { problem, toResponse } from '../lib/http/problem.js';
import { acceptAlert } from '../lib/intake/accept.js';
import type { IncidentClient } from '../lib/incidents/client.js';
import { appIntake } from '../lib/intake/deps.js';
import { REPLAY_REFUSED } from '../lib/operators/replays.js';
import { replayIntakeDeps } from '../lib/replay/deliver.js';
import { REPLAY_HEADER, storedReplay } from '../lib/replay/stored.js';

export async function alerts(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const ready = servicesForRequest((message) => context.error(message));
  if (!ready.ok) return toResponse(ready.answer);
  const services = ready.services;
  const client = lazyClient(context);
  const baseUrl = services.config.publicBaseUrl ?? new URL(request.url).origin;
  const log = (message: string) => context.error(message);
  // A replayed delivery (lib/replay) names its replay; a production app refuses it.
  const replayId = request.headers.get(REPLAY_HEADER)?.trim() ?? '';
  let deps;
  if (replayId !== '') {
    if (!services.config.replayEnabled) {
      context.warn(`refused a replayed alert (${REPLAY_HEADER}: ${replayId.slice(0, 80)}): REPLAY_ENABLED is off`);
      return toResponse(problem(403, 'replay-refused', REPLAY_REFUSED));
    }
    const stored = await storedReplay(services.archive, replayId);
    if (stored === null) return toResponse(problem(404, 'no-such-replay', `${REPLAY_HEADER} names no replay of this app ('${replayId.slice(0, 80)}'); start one with POST /api/replays and send its replayId`, { path: REPLAY_HEADER }));
    deps = replayIntakeDeps(services, client, baseUrl, stored, 'alerts', stored.createdAt, log);
  } else {
    deps = appIntake(services, client, baseUrl, 'alerts', log);
  }
  const length = request.headers.get('content-length');
  const answer = await acceptAlert(deps, {
    contentType: request.headers.get('content-type'),
    contentLength: length === null ? null : Number(length),
    authorization: request.headers.get('authorization'),
    // Bodies over the limit are refused on Content-Length before they are read.
    body: length !== null && Number(length) > services.config.maxAlertBytes ? Buffer.alloc(0) : Buffer.from(await request.arrayBuffer()),
  });
  if (answer.status >= 500 || answer.status === 401 || answer.status === 403) context.warn(`alert answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return toResponse(answer);
}

/**
 * The durable client, made on first use. Most deliveries never need it (a redelivery stops at
 * the dedupe record, an alert for no workload at the claim), and making one (URL checks, an
 * HTTP client of its own) cost more host CPU than the rest of their handling.
 */
function lazyClient(context: InvocationContext): IncidentClient {
  let client: IncidentClient | undefined;
  const get = (): IncidentClient => (client ??= df.getClient(context));
  return {
    startNew: (name, options) => get().startNew(name, options),
    getStatus: (instanceId) => get().getStatus(instanceId),
    getStatusBy: (filter) => get().getStatusBy(filter),
    raiseEvent: (instanceId, eventName, eventData) => get().raiseEvent(instanceId, eventName, eventData),
  };
}

app.http('alerts', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'alerts',
  extraInputs: [df.input.durableClient()],
  handler: alerts,
});
