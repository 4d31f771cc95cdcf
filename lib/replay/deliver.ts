/**
 * A replay's delivery through the app's own intake: the same parse, archive, decision, claim and
 * start as an alert from Azure, with three differences. The signal is prepared for this catalog
 * (production identifiers mapped to staging, keys scoped to the replay, title marked); the
 * archived body says which replay sent it; and the incident it starts carries the replay's mark
 * (speed, health mode), so its guardrails run compressed and its failovers stay out of the real
 * workloads' ledger. There is no webhook token to check: the replay was registered by an on-call
 * caller (POST /api/replays), or the alert carried the function key of the webhook.
 */
import type { Signal } from '../alerts/signal.js';
import type { AppServices } from '../composition.js';
import type { IncidentClient } from '../incidents/client.js';
import { acceptAlert, type IntakeDeps, type ReplayMarking } from '../intake/accept.js';
import { appIntake } from '../intake/deps.js';
import { mapToEnvironment } from './environment.js';
import type { StoredReplay } from './stored.js';
import type { SignalRun } from './types.js';

/** What the intake answered a replayed signal: the `now` side of the report's signal row. */
export type ReplayAnswer = NonNullable<SignalRun['now']>;

/** The signal a replay delivers, as this catalog must see it. */
export function prepareReplayed(signal: Signal, replay: Pick<StoredReplay, 'replayId'>, environment: Parameters<typeof mapToEnvironment>[1]): Signal {
  const mapped = mapToEnvironment(signal, environment).signal;
  const scope = (key: string) => `${replay.replayId}:${key}`;
  return { ...mapped, incidentKey: scope(mapped.incidentKey), dedupeKey: scope(mapped.dedupeKey), title: `[replay] ${mapped.title ?? mapped.incidentKey}` };
}

/** The intake for one replay: `intake` is the one the original went through (a Microsoft 365 issue keeps the poller's trust). */
export function replayIntakeDeps(services: AppServices, client: IncidentClient, baseUrl: string, replay: StoredReplay, intake: 'alerts' | 'servicehealth-poll', startedAt: string, log?: (message: string) => void): IntakeDeps {
  const base = appIntake(services, client, baseUrl, intake, log);
  const { authenticate: _authenticate, ...rest } = base;
  const marking: ReplayMarking = {
    mark: { replayId: replay.replayId, speed: replay.speed, healthMode: replay.healthMode, startedAt, firstAt: replay.firstAt },
    mode: replay.mode,
    prepare: async (signal) => prepareReplayed(signal, replay, (await services.catalog()).environment),
  };
  return { ...rest, replay: marking };
}

/** Delivers one body of a replay and says what became of it, in the report's words. */
export async function deliverReplayed(deps: IntakeDeps, payload: unknown): Promise<ReplayAnswer> {
  const body = Buffer.from(JSON.stringify(payload));
  const answer = await acceptAlert(deps, { contentType: 'application/json', contentLength: body.length, authorization: null, body });
  const b = answer.body as Record<string, unknown>;
  const decisions = Array.isArray(b['decisions']) ? (b['decisions'] as ReplayAnswer['decisions']) : [];
  return {
    status: answer.status,
    delivery: typeof b['delivery'] === 'string' ? b['delivery'] : null,
    incidentId: typeof b['incidentId'] === 'string' ? b['incidentId'] : null,
    acted: b['acted'] === true,
    reason: typeof b['reason'] === 'string' ? b['reason'] : typeof b['detail'] === 'string' ? b['detail'] : null,
    decisions,
  };
}
