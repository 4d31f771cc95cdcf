/**
 * POST /api/replays: the body a target app is asked to replay, checked field by field. Every
 * problem names its path (`$.signals[3].payload.data.essentials`) and the fix; each alert is read
 * with the app's own parser first, so a replay that could not be delivered is refused before it
 * starts rather than half-way through.
 */
import { parseAlert } from '../alerts/index.js';
import type { HealthObservation, HealthStatus, ReplayIntake, ReplayRequest, ReplaySignal } from './types.js';

export const MAX_REPLAY_SIGNALS = 1000;
/** 3,600x: an hour of incident per second of replay; beyond that the app's own latency is the timeline. */
export const MAX_REPLAY_SPEED = 3600;

const INTAKES: readonly ReplayIntake[] = ['alerts', 'servicehealth-poll', 'failovers'];
const HEALTH: readonly HealthStatus[] = ['Available', 'Unavailable', 'Degraded', 'Unknown'];

export type Checked<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

class Refusal extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export function parseReplayRequest(body: unknown): Checked<ReplayRequest> {
  try {
    return { ok: true, value: readRequest(body) };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, path: err.path, message: err.message };
    throw err;
  }
}

function readRequest(body: unknown): ReplayRequest {
  const o = object(body, '$', 'send a JSON object such as {"signals": [{"at": "…", "payload": {…}}], "speed": 60, "healthMode": "recorded"}');
  const signalsRaw = o['signals'];
  if (!Array.isArray(signalsRaw) || signalsRaw.length === 0) throw new Refusal('$.signals', 'signals must be a non-empty list of {at, payload, intake?, origin?, inferred?}');
  if (signalsRaw.length > MAX_REPLAY_SIGNALS) throw new Refusal('$.signals', `a replay takes at most ${MAX_REPLAY_SIGNALS} signals (got ${signalsRaw.length}); replay a shorter window`);
  const signals = signalsRaw.map((s, i) => readSignal(s, `$.signals[${i}]`));
  signals.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const healthRaw = o['health'] ?? [];
  if (!Array.isArray(healthRaw)) throw new Refusal('$.health', 'health must be a list of {resourceId | workloadId, at, status}');
  const speed = o['speed'] ?? 1;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed < 1 || speed > MAX_REPLAY_SPEED) {
    throw new Refusal('$.speed', `speed must be a number from 1 (real time) to ${MAX_REPLAY_SPEED} (got ${JSON.stringify(speed)})`);
  }
  const healthMode = o['healthMode'] ?? 'recorded';
  if (healthMode !== 'recorded' && healthMode !== 'live') throw new Refusal('$.healthMode', `healthMode must be recorded or live (got ${JSON.stringify(healthMode)})`);
  const mode = o['mode'] ?? 'execute';
  if (mode !== 'execute' && mode !== 'plan') throw new Refusal('$.mode', `mode must be execute or plan (got ${JSON.stringify(mode)})`);
  const label = o['label'] ?? 'replay';
  if (typeof label !== 'string' || label.length > 500) throw new Refusal('$.label', 'label must be text of at most 500 characters');
  return { label, signals, health: healthRaw.map((h, i) => readObservation(h, `$.health[${i}]`)), speed, healthMode, mode };
}

function readSignal(value: unknown, path: string): ReplaySignal {
  const o = object(value, path, 'each signal is an object {at, payload}');
  const at = instant(o['at'], `${path}.at`);
  const intake = o['intake'] ?? 'alerts';
  if (!INTAKES.includes(intake as ReplayIntake)) throw new Refusal(`${path}.intake`, `intake must be one of ${INTAKES.join(', ')} (got ${JSON.stringify(intake)})`);
  const payload = o['payload'];
  if (payload === null || typeof payload !== 'object') throw new Refusal(`${path}.payload`, 'payload must be the alert body as a JSON object');
  if (intake !== 'failovers') {
    const parsed = parseAlert(payload as never, { receivedAt: new Date(at) });
    if (!parsed.ok && parsed.error.code !== 'unsupported_alert') {
      const where = parsed.error.path === '$' ? '' : parsed.error.path.replace(/^\$/, '');
      throw new Refusal(`${path}.payload${where}`, `the alert cannot be read: ${parsed.error.message}`);
    }
  }
  const origin = o['origin'] ?? `signal ${path}`;
  if (typeof origin !== 'string') throw new Refusal(`${path}.origin`, 'origin must be text');
  const inferred = o['inferred'] ?? [];
  if (!Array.isArray(inferred) || !inferred.every((x) => typeof x === 'string')) throw new Refusal(`${path}.inferred`, 'inferred must be a list of text');
  return { at, payload, intake: intake as ReplayIntake, origin, inferred: inferred as string[] };
}

function readObservation(value: unknown, path: string): HealthObservation {
  const o = object(value, path, 'each health observation is an object {resourceId | workloadId, at, status}');
  const status = o['status'];
  if (!HEALTH.includes(status as HealthStatus)) throw new Refusal(`${path}.status`, `status must be one of ${HEALTH.join(', ')} (got ${JSON.stringify(status)})`);
  const resourceId = o['resourceId'] ?? '';
  const workloadId = o['workloadId'];
  if (typeof resourceId !== 'string' || (workloadId !== undefined && typeof workloadId !== 'string')) throw new Refusal(path, 'resourceId and workloadId must be text');
  if (resourceId === '' && workloadId === undefined) throw new Refusal(`${path}.resourceId`, 'name the resource (resourceId) or the workload (workloadId) observed');
  const origin = typeof o['origin'] === 'string' ? o['origin'] : path;
  return { resourceId, ...(workloadId !== undefined ? { workloadId } : {}), at: instant(o['at'], `${path}.at`), status: status as HealthStatus, origin };
}

function object(value: unknown, path: string, hint: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Refusal(path, hint);
  return value as Record<string, unknown>;
}

function instant(value: unknown, path: string): string {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Refusal(path, `must be an ISO-8601 time such as 2026-11-23T09:14:00Z (got ${JSON.stringify(value)})`);
  return new Date(ms).toISOString();
}
