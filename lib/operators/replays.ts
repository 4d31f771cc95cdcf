/**
 * Replays, as on-call engineers drive them over HTTP (lib/replay for what a replay is):
 *   POST /api/replays          start one (403 unless REPLAY_ENABLED is on: production refuses)
 *   GET  /api/replays          list them, newest first
 *   GET  /api/replays/{id}     progress, what each signal got, and the incidents it started
 *   GET  /api/archive          a past incident's signals from this app's archive, ready to replay
 * Every answer is an `Answer`; bad input is a problem naming the field.
 */
import { parseAlert } from '../alerts/index.js';
import type { AlertArchive } from '../archive/index.js';
import { resourceIdKey } from '../azure/resource-id.js';
import type { Catalog } from '../catalog/types.js';
import { problem, type Answer } from '../http/problem.js';
import { isFinished, summaryOf, type IncidentClient, type InstanceStatus } from '../incidents/client.js';
import { ORCHESTRATIONS, type ReplayRunInput, type ReplayRunStatus } from '../incidents/contract.js';
import type { IncidentInput } from '../incidents/types.js';
import { matchSignal } from '../catalog/match.js';
import { mapResourceId, mapToEnvironment } from '../replay/environment.js';
import { healthFromServiceHealth } from '../replay/recorded-health.js';
import { parseReplayRequest } from '../replay/request.js';
import { newReplayId, REPLAY_ID, storedReplay, type StoredReplay } from '../replay/stored.js';
import type { HealthObservation, ReplayIntake, ReplayRequest, ReplaySignal } from '../replay/types.js';
import { incidentView, parseJsonBody, type Identify, type IncidentView } from './incidents.js';

export interface ReplayDeps {
  client: IncidentClient;
  archive: Pick<AlertArchive, 'putReplay' | 'getReplay' | 'list' | 'get' | 'getTimeline'>;
  catalog(): Promise<Catalog>;
  replayEnabled: boolean;
  baseUrl: string;
  now(): Date;
}

/** Why a production app refuses a replay, in the words of the 403. */
export const REPLAY_REFUSED =
  'this app does not accept replays: REPLAY_ENABLED is off, as it must be on a production app (a replay would fail over real workloads and page real people). Replay into a staging app whose REPLAY_ENABLED is on, or locally with `failover replay --local`';

export async function startReplay(deps: ReplayDeps, raw: string, identify: Identify): Promise<Answer> {
  if (!deps.replayEnabled) return problem(403, 'replay-refused', REPLAY_REFUSED);
  const body = parseJsonBody(raw);
  if (!body.ok) return body.answer;
  const checked = parseReplayRequest(body.value);
  if (!checked.ok) return problem(422, 'invalid-replay', checked.message, { path: checked.path });
  const request = checked.value;
  const catalog = await deps.catalog();
  const environment = catalog.environment;
  const mapped = new Set<string>();
  // Health observations name production resources: mapped once here, so every check reads staging ids.
  const health = request.health.map((o) => {
    if (o.resourceId === '') return o;
    const m = mapResourceId(o.resourceId, environment);
    if (m.note !== null) mapped.add(m.note);
    return { ...o, resourceId: m.id };
  });
  // Where nothing of a workload's resources was recorded, Service Health's account of its region stands in (and says so).
  const inferred = request.healthMode === 'recorded' ? inferHealth(request, health, catalog) : [];
  const at = deps.now();
  const replayId = newReplayId(at);
  const firstAt = request.signals[0]!.at;
  const stored: StoredReplay = { ...request, health: [...health, ...inferred], replayId, createdAt: at.toISOString(), requestedBy: identify(undefined).actor.name, firstAt, mapped: [...mapped] };
  await deps.archive.putReplay(replayId, 'request', stored);
  const offsetsMs = request.signals.map((s) => Math.round((Date.parse(s.at) - Date.parse(firstAt)) / request.speed));
  const input: ReplayRunInput = { replayId, offsetsMs };
  await deps.client.startNew(ORCHESTRATIONS.replay, { instanceId: replayId, input });
  const statusUrl = `${deps.baseUrl}/api/replays/${replayId}`;
  return {
    status: 202,
    body: {
      replayId,
      label: request.label,
      signals: request.signals.length,
      speed: request.speed,
      healthMode: request.healthMode,
      mode: request.mode,
      environment: environment.name,
      // How long the deliveries take at this speed; the incidents they start may run on after the last one.
      deliveryMs: offsetsMs[offsetsMs.length - 1] ?? 0,
      mapped: stored.mapped,
      healthInferred: [...new Set(inferred.map((o) => `${o.workloadId}: ${o.origin}`))],
      statusUrl,
    },
    headers: { Location: statusUrl },
  };
}

export async function listReplays(deps: ReplayDeps): Promise<Answer> {
  const all = (await deps.client.getStatusBy({})).filter((s) => s.name === ORCHESTRATIONS.replay);
  all.sort((a, b) => String(b.instanceId).localeCompare(String(a.instanceId)));
  return { status: 200, body: { replays: all.map((s) => ({ replayId: s.instanceId, runtimeStatus: s.runtimeStatus, ...progress(s) })), count: all.length } };
}

/** A replay: its request, its progress, what each delivered signal got, and the incidents it started (as GET /api/incidents/{id} shows them). */
export async function showReplay(deps: ReplayDeps, id: string): Promise<Answer> {
  if (!REPLAY_ID.test(id)) return problem(404, 'no-such-replay', `${JSON.stringify(id.slice(0, 80))} is not a replay id: they look like replay-20261207T201500-3fa2c1; GET /api/replays lists them`, { path: '$.id' });
  const stored = await storedReplay(deps.archive, id);
  if (stored === null) return problem(404, 'no-such-replay', `no replay '${id}'; GET /api/replays lists them`);
  const statuses = await deps.client.getStatusBy({});
  const run = statuses.find((s) => s.instanceId === id && s.name === ORCHESTRATIONS.replay);
  const incidents: IncidentView[] = [];
  for (const status of statuses.filter((s) => s.name === ORCHESTRATIONS.incident && s.instanceId?.startsWith(`${id}-`)).sort(byCreated)) {
    const view = await incidentView(deps, status.instanceId!, status);
    if (view.status === 200) incidents.push(view.body as IncidentView);
  }
  const finished = run !== undefined && isFinished(run);
  // What the report measures each workload's recovery against.
  const objectives = Object.fromEntries((await deps.catalog()).workloads.map((w) => [w.id, w.recoveryTimeObjectiveMs]));
  return {
    status: 200,
    body: {
      replayId: id,
      label: stored.label,
      requestedBy: stored.requestedBy,
      createdAt: stored.createdAt,
      speed: stored.speed,
      healthMode: stored.healthMode,
      mode: stored.mode,
      mapped: stored.mapped,
      runtimeStatus: run?.runtimeStatus ?? 'Unknown',
      ...(run !== undefined ? progress(run) : {}),
      signals: stored.signals.map((s) => ({ at: s.at, origin: s.origin, intake: s.intake, inferred: s.inferred })),
      answers: finished ? ((run.output as ReplayRunStatus | undefined)?.answers ?? []) : [],
      // Done when every signal is delivered and every incident it started is over.
      done: finished && incidents.every((i) => i.runtimeStatus !== 'Running' && i.runtimeStatus !== 'Pending'),
      incidents,
      objectives,
    },
  };
}

function inferHealth(request: ReplayRequest, recorded: HealthObservation[], catalog: Catalog): HealthObservation[] {
  const parsed = request.signals.flatMap((s) => {
    if (s.intake === 'failovers') return [];
    const p = parseAlert(s.payload as never, { receivedAt: new Date(s.at) });
    return p.ok ? [{ signal: mapToEnvironment(p.value, catalog.environment).signal, at: s.at }] : [];
  });
  const primaries = (id: string) => Object.values(catalog.workloads.find((w) => w.id === id)?.primary.resources ?? {});
  return healthFromServiceHealth(parsed, (signal) => matchSignal(catalog, signal).filter((m) => m.side !== 'secondary').map((m) => m.workload.id), recorded, primaries);
}

function progress(status: InstanceStatus): Partial<ReplayRunStatus> {
  const p = (isFinished(status) ? status.output : status.customStatus) as ReplayRunStatus | undefined;
  return p === undefined || p === null ? {} : { startedAt: p.startedAt, delivered: p.delivered, of: p.of, nextAt: p.nextAt };
}

function byCreated(a: InstanceStatus, b: InstanceStatus): number {
  return String(a.createdTime instanceof Date ? a.createdTime.toISOString() : a.createdTime).localeCompare(String(b.createdTime instanceof Date ? b.createdTime.toISOString() : b.createdTime));
}

// ── the archive as a replay source ─────────────────────────────────────────────────────────────

/** How far back a time-window query may reach by default: Azure's own Activity Log keeps 90 days. */
const DEFAULT_WINDOW_MS = 90 * 24 * 3600_000;

/**
 * GET /api/archive: the incidents this app received, each as the signals to replay (the bodies
 * as archived, in receipt order) plus the health its checks and Resource Health alerts saw, and
 * the ids of the incidents it became. Chosen by `incidentId`, `trackingId`, `resourceId`, or a
 * `from`/`to` window (every incident in it).
 */
export async function archivedIncidents(deps: ReplayDeps, query: URLSearchParams): Promise<Answer> {
  const incidentId = query.get('incidentId');
  const trackingId = query.get('trackingId');
  const resourceId = query.get('resourceId');
  const chosen = [incidentId, trackingId, resourceId].filter((x) => x !== null).length;
  if (chosen > 1) return problem(400, 'invalid-query', 'name one of incidentId, trackingId or resourceId (a from/to window may narrow any of them)', { path: 'incidentId' });
  const window = readWindow(query, deps.now());
  if (!window.ok) return window.answer;
  const { from, to } = window;
  const statuses = (await deps.client.getStatusBy({})).filter((s) => s.name === ORCHESTRATIONS.incident && !s.instanceId?.startsWith('replay-'));
  const keyOf = (s: InstanceStatus) => (s.input as IncidentInput | undefined)?.signal?.incidentKey ?? null;
  let key: string | null = null;
  if (incidentId !== null) {
    const status = statuses.find((s) => s.instanceId === incidentId);
    if (status === undefined) return problem(404, 'no-such-incident', `no incident '${incidentId}' in this app; GET /api/incidents lists them`, { path: 'incidentId' });
    // Every signal of its key in the window: the archive keeps receipt times, which a window narrows when the key recurs.
    key = keyOf(status);
  } else if (trackingId !== null) {
    key = trackingId.trim();
  } else if (resourceId !== null) {
    key = resourceIdKey(resourceId);
  }
  const groups = new Map<string, { signals: ReplaySignal[]; health: HealthObservation[] }>();
  for await (const entry of deps.archive.list({ from, to, ...(key !== null ? { incidentKey: key } : {}) })) {
    if (entry.incidentKey === null || entry.outcome === 'invalid_json') continue;
    const { raw } = await deps.archive.get(entry);
    let payload: unknown;
    try {
      // A byte-order mark is allowed by the parser (as by Azure's senders), not by JSON.parse.
      payload = JSON.parse(raw.toString('utf8').replace(/^\uFEFF/, '')) as unknown;
    } catch {
      continue; // not JSON (UTF-16, stray bytes): the intake refused it then and cannot replay it now
    }
    const group = groups.get(entry.incidentKey) ?? { signals: [], health: [] };
    groups.set(entry.incidentKey, group);
    const intake: ReplayIntake = entry.source;
    // The body is read once: the parser takes the JSON already parsed.
    const parsed = intake === 'failovers' ? null : parseAlert(payload as never, { receivedAt: new Date(entry.receivedAt) });
    // Spacing comes from when Azure says each event happened; the receipt time only when it says nothing.
    group.signals.push({ at: parsed?.ok === true ? parsed.value.eventTime : entry.receivedAt, payload, intake, origin: `archive:${entry.name}`, inferred: [] });
    // What a Resource Health alert said is what Azure reported about that resource then.
    if (parsed !== null) {
      const status = parsed.ok ? (parsed.value.health?.current ?? null) : null;
      if (parsed.ok && status !== null && parsed.value.resourceIds[0] !== undefined) {
        group.health.push({ resourceId: parsed.value.resourceIds[0], at: parsed.value.eventTime, status, origin: `archive:${entry.name}` });
      }
    }
  }
  const incidents = [...groups.entries()].map(([incidentKey, group]) => {
    const made = statuses.filter((s) => keyOf(s) === incidentKey).sort(byCreated);
    // What the incidents' own health checks saw, per workload (the same workload ids in staging).
    // They ran on the app's clock, the signals carry Azure's event times: the checks are placed
    // on the signals' timeline by their distance from the incident's start, which was its first signal.
    const first = Math.min(...group.signals.map((g) => Date.parse(g.at)));
    const checks = made.flatMap((s) => {
      const shift = first - Date.parse(String(s.createdTime instanceof Date ? s.createdTime.toISOString() : s.createdTime));
      return (summaryOf(s)?.healthChecks ?? []).map((c) => ({
        resourceId: '',
        workloadId: c.workloadId,
        at: Number.isNaN(shift) ? c.at : new Date(Date.parse(c.at) + shift).toISOString(),
        status: c.status,
        origin: `incident ${s.instanceId} health check at ${c.at}`,
      }));
    });
    return { incidentKey, incidentIds: made.map((s) => s.instanceId!), signals: group.signals, health: [...group.health, ...checks] };
  });
  if (incidents.length === 0 && key !== null) return problem(404, 'nothing-archived', `the archive holds no alert of ${key} between ${from.toISOString()} and ${to.toISOString()}; widen the window with from/to`);
  return { status: 200, body: { from: from.toISOString(), to: to.toISOString(), incidents } };
}

function readWindow(query: URLSearchParams, now: Date): { ok: true; from: Date; to: Date } | { ok: false; answer: Answer } {
  const read = (name: string, fallback: Date) => {
    const text = query.get(name);
    if (text === null) return fallback;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? null : new Date(ms);
  };
  const to = read('to', new Date(now.getTime() + 60_000));
  if (to === null) return { ok: false, answer: problem(400, 'invalid-query', `to must be an ISO-8601 time (got '${query.get('to')}')`, { path: 'to' }) };
  const from = read('from', new Date(to.getTime() - DEFAULT_WINDOW_MS));
  if (from === null) return { ok: false, answer: problem(400, 'invalid-query', `from must be an ISO-8601 time (got '${query.get('from')}')`, { path: 'from' }) };
  if (from >= to) return { ok: false, answer: problem(400, 'invalid-query', `from (${from.toISOString()}) must be before to (${to.toISOString()})`, { path: 'from' }) };
  return { ok: true, from, to };
}
