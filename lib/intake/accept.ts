/**
 * The alert webhook's decision, free of the Functions runtime: authenticate, archive the raw
 * body (before anything else can fail), read it, then start the incident or deliver the signal
 * into the running one. Answers follow what action groups do with them: they retry 408, 429,
 * 503 and 504 only, so transient trouble on our side is a 503, bad input a 4xx, and a duplicate
 * a 202. Nothing here throws out: every path ends in an answer.
 *
 * A fault a retry cannot fix (a bug, a refused request: lib/errors/transient.ts decides) after the
 * alert was archived answers 202 `outcome: intake-failed`, not a 503: Azure Monitor would only
 * send it again five times to fail the same way, and would then stop calling the webhook for 15
 * minutes, dropping the next alerts too (a 4xx would claim the alert is malformed, and a 500 is
 * not retried either). Instead the archived alert is marked `intake-failed` and an `intake-failed`
 * notification names it to the channels of the workloads it concerns (lib/intake/failure.ts).
 * Only if neither could be done does it answer 503, leaving Azure Monitor's retries and its
 * record of the failed calls as the last trace of the alert.
 */
import { createHash } from 'node:crypto';
import { formatParseError, parseAlert, type Signal, type SignalKind } from '../alerts/index.js';
import { CatalogUnavailableError } from '../catalog/source.js';
import { concernsAnyone, whyNothing, type SignalDecision, type SignalSource } from '../decisions/decide.js';
import { isRecovery } from '../incidents/contract.js';
import { summarizeSignal } from '../incidents/signals.js';
import { STICKY_OUTCOMES, type IncidentInput, type FailoverMode, type IncidentOutcome, type ReplayMark } from '../incidents/types.js';
import { mediaType } from '../http/media-type.js';
import { problem, type Answer } from '../http/problem.js';
import { describeError, INTAKE_FAILED, type IntakeFailure } from './failure.js';

export type { IntakeFailure } from './failure.js';

export type IntakeAnswer = Answer;

export interface ArchivedRef {
  name: string;
}

export interface IntakeDeps {
  maxBytes: number;
  /** Secure-webhook check; undefined when only function keys protect the endpoint. */
  authenticate?: (authorization: string | null) => Promise<{ ok: true } | { ok: false; status: number; reason: string; detail: string }>;
  archive(raw: Buffer, meta: { receivedAt: string; contentType: string; outcome: string; kind?: SignalKind; incidentKey?: string; dedupeKey?: string; title?: string | null; replay?: string }): Promise<ArchivedRef>;
  /** Set when the body is a replay's delivery (lib/replay): every incident it starts is that replay's, on this catalog's resources. */
  replay?: ReplayMarking;
  /** Where the alerts come from: the decision trusts a Microsoft 365 issue only from the app's own poller. */
  source: SignalSource;
  /** What the signal means for each workload it touches (lib/decisions). */
  decide(signal: Signal): Promise<SignalDecision>;
  /** The instance holding the claim on an incident key, or null. */
  holder(incidentKey: string): Promise<string | null>;
  claim(incidentKey: string, candidateInstanceId: string): Promise<{ claimed: boolean; instanceId: string }>;
  firstDelivery(instanceId: string, dedupeKey: string): Promise<boolean>;
  /** Whether this signal was already delivered to the instance (read only): redeliveries stop here. */
  delivered(instanceId: string, dedupeKey: string): Promise<boolean>;
  start(instanceId: string, input: IncidentInput): Promise<'started' | 'already-running'>;
  /**
   * `missing`: not created yet (its claimant is starting it); `finished`: that incident is over,
   * and `lastSignalAt` is the newest event time it saw (null when it ended without saying).
   */
  deliver(instanceId: string, signal: Signal): Promise<Delivery>;
  sleep(ms: number): Promise<void>;
  /** Forgets the claim `instanceId` holds on the key (no other), so a new occurrence starts a new incident. */
  release(incidentKey: string, instanceId: string): Promise<void>;
  isTransient(err: unknown): boolean;
  /** Records a new outcome on an archived body (`intake-failed`). */
  markArchived(archived: ArchivedRef, outcome: string): Promise<void>;
  /**
   * Tells people an archived alert was not handled (an `intake-failed` notification): how many
   * channels were tried, reached now, and left to the notification outbox's retries.
   */
  notifyFailure(failure: IntakeFailure): Promise<{ channels: number; delivered: number; queued: number }>;
  /** Where an intake failure's stack goes (the app's log). */
  log?(message: string): void;
  statusUrl(instanceId: string): string;
  now(): Date;
}

/** How a replay's delivery differs from Azure's: the incidents it starts are marked, and its signal is prepared for this catalog. */
export interface ReplayMarking {
  mark: ReplayMark;
  /** `plan` replays decisions only: the playbooks plan and do not act. */
  mode: FailoverMode;
  /**
   * The signal as it applies here: its production identifiers mapped to this catalog's
   * environment, and its keys scoped to the replay so it never joins or holds back a real incident.
   */
  prepare(signal: Signal): Promise<Signal>;
}

export type Delivery = 'delivered' | 'missing' | { finished: true; lastSignalAt: string | null; outcome: IncidentOutcome | null; endedAt: string | null };

/**
 * How long a sticky outcome holds for a resource's incident key: a resource that fails again the
 * next day is a new outage, while a Service Health tracking ID names one incident for good.
 */
export const RESOURCE_STICKY_MS = 24 * 3600_000;

export interface IntakeRequest {
  contentType: string | null;
  contentLength: number | null;
  authorization: string | null;
  body: Buffer;
}

/**
 * The instance id a request proposes for an incident: the incident key's hash (short, safe in
 * URLs) and when the request arrived. The claim picks one proposal per occurrence; the time
 * keeps every occurrence of a key (a resource that fails again next week) a history of its own,
 * and lets a claim tell its own earlier attempt from an incident that came before.
 */
export function incidentInstanceId(incidentKey: string, proposedAt: Date): string {
  return `incident-${createHash('sha256').update(incidentKey).digest('hex').slice(0, 20)}-${proposedAt.toISOString().replace(/[-:TZ]/g, '').replace('.', '')}`;
}

export async function acceptAlert(deps: IntakeDeps, request: IntakeRequest): Promise<IntakeAnswer> {
  const type = mediaType(request.contentType);
  if (type !== 'application/json' && type !== 'text/json' && !type.endsWith('+json')) {
    return problem(415, 'unsupported-media-type', `send the alert as application/json (got '${request.contentType ?? 'no Content-Type'}')`);
  }
  if ((request.contentLength ?? 0) > deps.maxBytes || request.body.length > deps.maxBytes) {
    return problem(413, 'payload-too-large', `alerts are at most ${deps.maxBytes} bytes (the common alert schema caps them at 256 KB); this one is ${Math.max(request.body.length, request.contentLength ?? 0)}`);
  }
  if (deps.authenticate !== undefined) {
    const auth = await deps.authenticate(request.authorization);
    if (!auth.ok) {
      const headers: Record<string, string> =
        auth.status === 503
          ? { 'Retry-After': '10' }
          : { 'WWW-Authenticate': `Bearer error="${auth.status === 403 ? 'insufficient_scope' : 'invalid_token'}", error_description="${auth.reason}"` };
      return problem(auth.status, auth.reason, `${auth.reason}: ${auth.detail}`, { headers });
    }
  }
  const receivedAt = deps.now();
  const parsed = parseAlert(request.body, { receivedAt });
  let signal = parsed.ok ? parsed.value : undefined;
  if (signal !== undefined && deps.replay !== undefined) {
    try {
      signal = await deps.replay.prepare(signal);
    } catch (err) {
      if (err instanceof CatalogUnavailableError) return problem(503, 'catalog-unavailable', `${err.message}; the replayed alert was not taken, send it again`, { headers: { 'Retry-After': '60' } });
      throw err;
    }
  }
  const outcome = parsed.ok ? 'accepted' : parsed.error.code;
  let archived: ArchivedRef;
  try {
    archived = await deps.archive(request.body, {
      receivedAt: receivedAt.toISOString(),
      contentType: request.contentType ?? '',
      outcome,
      ...(signal !== undefined ? { kind: signal.kind, incidentKey: signal.incidentKey, dedupeKey: signal.dedupeKey, title: signal.title } : {}),
      ...(deps.replay !== undefined ? { replay: deps.replay.mark.replayId } : {}),
    });
  } catch (err) {
    if (deps.isTransient(err)) return problem(503, 'archive-unavailable', 'the alert archive is unavailable; the alert was not accepted, send it again', { headers: { 'Retry-After': '10' } });
    return problem(503, 'archive-failed', `the alert could not be archived: ${(err as Error).message}`, { headers: { 'Retry-After': '30' } });
  }
  if (!parsed.ok) {
    const error = parsed.error;
    if (error.code === 'unsupported_alert') {
      return { status: 202, body: { accepted: true, acted: false, reason: formatParseError(error), archived: archived.name } };
    }
    return problem(error.code === 'invalid_json' ? 400 : 422, error.code, error.message, { path: error.path });
  }
  const s = signal!;
  let decision: SignalDecision | null = null;
  const progress: Progress = { reached: null };
  if (s.isSynthetic) {
    return { status: 202, body: { accepted: true, acted: false, reason: 'a test notification (IsSynthetic): archived, never acted on', archived: archived.name } };
  }
  try {
    const decided = await deps.decide(s);
    decision = decided;
    const ignored = (reason: string) => ({
      status: 202,
      body: { accepted: true, acted: false, reason, archived: archived.name, decisions: decided.workloads.map((d) => ({ workloadId: d.workloadId, verdict: d.verdict, reason: d.reason })) },
    });
    // Out of every concerned workload's scope (another subscription or tenant): it may not even end an incident.
    if (decided.workloads.every((d) => !d.inScope)) return ignored(whyNothing(decided));
    if (!concernsAnyone(decided)) {
      // Nothing to start, but a recovery (or any update) still belongs to a running incident of
      // its key: route delivers it there, and answers as ignored when no incident holds the key.
      return await route(deps, s, archived, { startAllowed: false, why: whyNothing(decided), decision: decided }, progress);
    }
    return await route(deps, s, archived, { startAllowed: true, why: '', decision: decided }, progress);
  } catch (err) {
    if (deps.isTransient(err)) return problem(503, 'busy', 'the orchestrator could not take the alert right now; send it again', { headers: { 'Retry-After': '10' } });
    // Without a usable catalog nobody can be told either: the action group's retries are the
    // alert's best chance, as someone fixes the catalog (its problems are in the detail and the log).
    if (err instanceof CatalogUnavailableError) {
      return problem(503, 'catalog-unavailable', `${err.message}; the alert is archived (${archived.name}), send it again once the catalog is fixed`, { headers: { 'Retry-After': '60' } });
    }
    return intakeFailed(deps, s, archived, decision, progress.reached, err);
  }
}

/** How far `route` got: the incident the signal was started in or delivered into. */
interface Progress {
  reached: string | null;
}

/**
 * The answer to a fault no retry fixes, after the alert was archived: mark the archived body and
 * tell the channels (both at once, neither allowed to throw), then say what was done.
 */
async function intakeFailed(deps: IntakeDeps, signal: Signal, archived: ArchivedRef, decision: SignalDecision | null, reached: string | null, err: unknown): Promise<IntakeAnswer> {
  const error = describeError(err);
  const failure: IntakeFailure = { archived: archived.name, signal, decision, error, incidentId: reached, at: deps.now() };
  const log = (message: string) => {
    try {
      deps.log?.(message);
    } catch {
      // A broken logger must not break the answer.
    }
  };
  log(`alert ${archived.name} (${signal.incidentKey}) was archived but the intake failed on it${reached === null ? '' : ` after it reached ${reached}`}: ${err instanceof Error ? (err.stack ?? error) : error}`);
  const [marked, told] = await Promise.allSettled([
    Promise.resolve().then(() => deps.markArchived(archived, INTAKE_FAILED)),
    Promise.resolve().then(() => deps.notifyFailure(failure)),
  ]);
  if (marked.status === 'rejected') log(`alert ${archived.name}: the archive could not be marked ${INTAKE_FAILED}: ${describeError(marked.reason)}`);
  if (told.status === 'rejected') log(`alert ${archived.name}: the ${INTAKE_FAILED} notification could not be sent: ${describeError(told.reason)}`);
  const sent = told.status === 'fulfilled' ? told.value : { channels: 0, delivered: 0, queued: 0 };
  const reported = { archiveMarked: marked.status === 'fulfilled', channels: sent.channels, delivered: sent.delivered, queued: sent.queued };
  if (!reported.archiveMarked && sent.delivered + sent.queued === 0) {
    // Nobody knows: Azure Monitor's retries and its record of the failed calls are the last trace.
    return problem(503, INTAKE_FAILED, `the alert was archived as ${archived.name} but not handled (${error}), and neither the archive nor any channel could be told; send it again`, {
      headers: { 'Retry-After': '30' },
    });
  }
  const toldText = sent.delivered + sent.queued > 0 ? `${sent.delivered + sent.queued} of ${sent.channels} channel(s) told` : 'no channel could be told';
  const markedText = reported.archiveMarked ? `the archived alert is marked ${INTAKE_FAILED}` : `the archived alert could not be marked ${INTAKE_FAILED}`;
  return {
    status: 202,
    body: {
      accepted: true,
      // Reached an incident: it judges the signal, as for any delivery.
      acted: reached !== null,
      outcome: INTAKE_FAILED,
      reason:
        `the alert was archived but the orchestrator failed on it${reached === null ? '' : ` after it reached incident ${reached}`}: ${error}. ` +
        `A retry would fail the same way, so none is asked for; ${markedText}; ${toldText}`,
      archived: archived.name,
      ...(reached !== null ? { incidentId: reached } : {}),
      reported,
    },
  };
}

/**
 * Starts the incident, or delivers the signal into the running one. The answer says what the
 * signal means for each workload (`decisions`); `acted` is true when a workload may fail over on it,
 * or it went into a running incident, which judges it; an incident that can only notify answers
 * `acted: false, notified: true`.
 */
async function route(deps: IntakeDeps, signal: Signal, archived: ArchivedRef, start: { startAllowed: boolean; why: string; decision: SignalDecision }, progress: Progress): Promise<IntakeAnswer> {
  const decisions = start.decision.workloads.map((d) => ({ workloadId: d.workloadId, verdict: d.verdict, reason: d.reason }));
  const acts = decisions.some((d) => d.verdict === 'act');
  const input: Omit<IncidentInput, 'incidentId'> = {
    signal: summarizeSignal(signal, deps.source),
    mode: deps.replay?.mode ?? 'execute',
    kind: 'unplanned',
    ...(deps.replay !== undefined ? { replay: deps.replay.mark } : {}),
  };
  // A replay's incidents carry its id first, so they are listed apart and never taken for real ones.
  const instanceId = (at: Date) => (deps.replay !== undefined ? `${deps.replay.mark.replayId}-` : '') + incidentInstanceId(signal.incidentKey, at);
  const ignored = (reason: string) => ({ status: 202, body: { accepted: true, acted: false, reason, archived: archived.name, decisions } });
  let candidate = instanceId(deps.now());
  for (let attempt = 0; attempt < 3; attempt++) {
    // Most signals of a key come after its claim (updates, redeliveries): one read answers them,
    // where a conditional insert would be refused (409) and then need that read anyway. Only a
    // key nobody holds tries the insert, which still lets exactly one racing caller win.
    const holder = await deps.holder(signal.incidentKey);
    const claim = holder !== null ? { claimed: false, instanceId: holder } : start.startAllowed ? await deps.claim(signal.incidentKey, candidate) : { claimed: false, instanceId: '' };
    if (claim.instanceId === '') return ignored(start.why);
    const answer = (delivery: 'started' | 'delivered' | 'duplicate') => ({
      status: 202,
      body: {
        accepted: true,
        acted: delivery !== 'started' || acts,
        ...(delivery === 'started' && !acts ? { notified: true } : {}),
        incidentId: claim.instanceId,
        delivery,
        statusUrl: deps.statusUrl(claim.instanceId),
        archived: archived.name,
        decisions,
      },
      headers: { Location: deps.statusUrl(claim.instanceId) },
    });
    // Recorded after delivery: a failed delivery must stay retryable. The incident itself
    // ignores a signal it has seen, so a race here can only cost an episode.
    const accepted = async (what: 'started' | 'delivered') => answer((await deps.firstDelivery(claim.instanceId, signal.dedupeKey)) ? what : 'duplicate');
    if (claim.claimed) {
      let started;
      try {
        started = await deps.start(claim.instanceId, { incidentId: claim.instanceId, ...input });
      } catch (err) {
        // Nobody else will start it: give the claim back so the action group's retry can.
        await deps.release(signal.incidentKey, claim.instanceId).catch(() => undefined);
        throw err;
      }
      if (started === 'started') {
        progress.reached = claim.instanceId;
        return accepted('started');
      }
    }
    // A redelivery of a signal the running incident already has: nothing to do, and no need to
    // wake the incident to say so. (The record is written only after a delivery succeeded.)
    if (await deps.delivered(claim.instanceId, signal.dedupeKey)) return answer('duplicate');
    let delivered = await deps.deliver(claim.instanceId, signal);
    // The claimant may still be starting the instance: give it a moment.
    for (let wait = 0; delivered === 'missing' && wait < 5; wait++) {
      await deps.sleep(100 * (wait + 1));
      delivered = await deps.deliver(claim.instanceId, signal);
    }
    if (delivered === 'missing' && !start.startAllowed) return ignored(start.why);
    if (delivered === 'missing') {
      // The claimant died between its claim and its start: start the claimed instance ourselves.
      // Concurrent takers race in startNew itself, which lets one instance exist.
      if ((await deps.start(claim.instanceId, { incidentId: claim.instanceId, ...input })) === 'started') {
        progress.reached = claim.instanceId;
        return accepted('started');
      }
      continue;
    }
    if (delivered === 'delivered') {
      progress.reached = claim.instanceId;
      return accepted('delivered');
    }
    // The claimed incident is over. A recovery cannot open an incident, and a signal no newer
    // than the last one it saw is a straggler (a late update, or an Active after its Resolved).
    if (isRecovery(input.signal)) {
      return ignored(`incident ${claim.instanceId} is already over; this ${signal.stage ?? 'recovery'} signal was archived`);
    }
    if (delivered.lastSignalAt !== null && Date.parse(signal.eventTime) <= Date.parse(delivered.lastSignalAt)) {
      return ignored(`incident ${claim.instanceId} is already over and saw signals up to ${delivered.lastSignalAt}; this one (${signal.eventTime}) is older, so it was archived and not acted on`);
    }
    if (!start.startAllowed) return ignored(`incident ${claim.instanceId} is already over; ${start.why}`);
    if (sticks(signal, delivered, deps.now())) {
      return ignored(
        `incident ${claim.instanceId} for this ${signal.kind === 'serviceHealth' ? 'tracking ID' : 'resource'} ended ${delivered.outcome}; a newer update does not start another until someone reopens it (POST /api/incidents/${claim.instanceId}/reopen)`,
      );
    }
    // A new occurrence of the same key.
    await deps.release(signal.incidentKey, claim.instanceId);
    candidate = instanceId(deps.now());
  }
  return problem(503, 'busy', 'the incident was starting or finishing while this alert arrived; send it again', { headers: { 'Retry-After': '5' } });
}

/** Whether a finished incident's outcome holds back a new incident for a newer signal of its key. */
function sticks(signal: Signal, finished: Extract<Delivery, { finished: true }>, now: Date): boolean {
  if (finished.outcome === null || !STICKY_OUTCOMES.includes(finished.outcome)) return false;
  if (signal.kind === 'serviceHealth' || signal.kind === 'manual') return true;
  return finished.endedAt === null || now.getTime() - Date.parse(finished.endedAt) < RESOURCE_STICKY_MS;
}
