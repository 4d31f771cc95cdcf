/**
 * What on-call engineers do over HTTP, free of the Functions runtime: request a failover, list
 * and read incidents, and approve, reject, fail back or cancel one. Every answer is an `Answer`
 * (a JSON body or a problem naming the field and the fix); nothing here throws for bad input.
 */
import { randomUUID } from 'node:crypto';
import { createManualSignal } from '../alerts/manual.js';
import type { AlertArchive } from '../archive/index.js';
import type { Catalog } from '../catalog/types.js';
import type { ClaimStore } from '../claims/index.js';
import { problem, type Answer } from '../http/problem.js';
import { OPERATOR_BODY_LIMITS, parseJsonBody as readJsonBody } from '../http/json-body.js';
import { affectedWorkloads } from '../incidents/affected.js';
import { incidentStatus, isFinished, progressOf, sendCommand, startIncident, summaryOf, type IncidentClient, type InstanceStatus } from '../incidents/client.js';
import { incidentPath, type IncidentAction } from '../incidents/links.js';
import { summarizeSignal } from '../incidents/signals.js';
import type { IncidentInput, TimelineEntry } from '../incidents/types.js';
import type { UndeliveredNotification } from '../notify/outbox.js';
import type { PlaybookResult } from '../playbooks/types.js';
import { incidentInstanceId } from '../intake/accept.js';
import { ORCHESTRATIONS } from '../../orchestrations/activities.js';
import type { IncidentCommand } from '../../orchestrations/incident.js';
import { parseFailoverRequest } from './failover-request.js';
import type { Operator } from './identity.js';

export interface OperatorDeps {
  client: IncidentClient;
  catalog(): Promise<Catalog>;
  claims: Pick<ClaimStore, 'claimIncident' | 'recordWorkflow'>;
  archive: Pick<AlertArchive, 'put' | 'getTimeline'>;
  /** Base of the links in answers (`https://failover.contoso.example`). */
  baseUrl: string;
  now(): Date;
  /** What the incident's channels did not get at the first attempt (the notification outbox). */
  notifications?: { undelivered(incidentId: string): Promise<UndeliveredNotification[]> };
}

type Identified = Extract<Operator, { ok: true }>;
/** Who is acting, given the `by` the body names (used only when no signed-in principal is present). */
export type Identify = (claimedBy: unknown) => Identified;

/** Phases in which each command means something; anything else is a 409 that says why. */
const ALLOWED: Record<IncidentAction, readonly string[]> = {
  approve: ['awaiting-approval', 'awaiting-failback-approval'],
  reject: ['awaiting-approval', 'awaiting-failback-approval'],
  failback: ['failed-over', 'waiting-for-healthy-primary'],
  cancel: ['planning', 'confirming', 'awaiting-approval', 'failing-over', 'failed-over', 'waiting-for-healthy-primary', 'awaiting-failback-approval', 'failing-back'],
};

/** Timeline entries that are decisions rather than signals or progress. */
const DECISIONS = new Set<TimelineEntry['type']>(['planned', 'confirmed', 'cancelled', 'approval-requested', 'approval-escalated', 'approved', 'rejected', 'skipped', 'failback-ready', 'completed']);

/** An operator body: empty means `{}`; otherwise the shared reader with its size and depth limits (lib/http/json-body.ts). */
export function parseJsonBody(raw: string): { ok: true; value: unknown } | { ok: false; answer: Answer } {
  if (raw.trim() === '') return { ok: true, value: {} };
  return readJsonBody(raw, OPERATOR_BODY_LIMITS);
}

export async function requestFailover(deps: OperatorDeps, raw: string, identify: Identify): Promise<Answer> {
  const body = parseJsonBody(raw);
  if (!body.ok) return body.answer;
  if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
    return problem(422, 'invalid-request', 'send a JSON object such as {"workloads": ["media-streaming"], "reason": "planned DR test", "mode": "plan"}', { path: '$' });
  }
  const catalog = await deps.catalog();
  const checked = parseFailoverRequest(body.value, catalog, deps.now());
  if (!checked.ok) return problem(422, 'invalid-request', checked.message, { path: checked.path });
  const request = checked.value;
  const by = identify(request.by).by;
  const requestId = request.requestId ?? randomUUID();
  const at = deps.now();
  const signal = createManualSignal({
    requestId,
    ...(request.workloads.length > 0 ? { workloads: request.workloads } : {}),
    ...(request.service !== null ? { service: request.service } : {}),
    ...(request.region !== null ? { region: request.region } : {}),
    reason: request.reason,
    requestedBy: by,
    at,
  });
  if (request.service !== null && affectedWorkloads(catalog, signal).reason !== null) {
    return problem(422, 'no-workload', `no workload in the catalog runs ${request.service} in ${request.region} as its primary`, { path: '$.service' });
  }
  // The request is archived like an alert, so a replay of the incident has it.
  await deps.archive.put(Buffer.from(raw), { receivedAt: at, contentType: 'application/json', source: 'failovers', outcome: 'accepted', kind: 'manual', incidentKey: signal.incidentKey, dedupeKey: signal.dedupeKey, title: request.reason });
  const claim = await deps.claims.claimIncident(signal.incidentKey, incidentInstanceId(signal.incidentKey, at), at);
  const links = { statusUrl: incidentPath(deps.baseUrl, claim.instanceId) };
  if (!claim.claimed) {
    return { status: 200, body: { incidentId: claim.instanceId, requestId, duplicate: true, detail: `request '${requestId}' was already made; nothing new was started`, ...links }, headers: { Location: links.statusUrl } };
  }
  // Workflows given by hand join the record the Genomics playbook resubmits from.
  for (const record of request.workflows) await deps.claims.recordWorkflow(record);
  const input: IncidentInput = { incidentId: claim.instanceId, signal: summarizeSignal(signal), mode: request.mode, kind: request.kind };
  await startIncident(deps.client, claim.instanceId, input);
  return {
    status: 202,
    body: { incidentId: claim.instanceId, requestId, mode: request.mode, kind: request.kind, workloads: request.workloads, requestedBy: by, ...links },
    headers: { Location: links.statusUrl },
  };
}

export async function listIncidents(deps: OperatorDeps, query: URLSearchParams): Promise<Answer> {
  const state = query.get('state') ?? 'all';
  if (!['all', 'running', 'finished'].includes(state)) return problem(400, 'invalid-query', `state must be all, running or finished (got '${state}')`, { path: 'state' });
  const topText = query.get('top') ?? '50';
  const top = Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 1000) return problem(400, 'invalid-query', `top must be a whole number from 1 to 1000 (got '${topText}')`, { path: 'top' });
  const all = (await deps.client.getStatusBy({})).filter((s) => s.name === ORCHESTRATIONS.incident);
  const chosen = all
    .filter((s) => state === 'all' || (state === 'finished') === isFinished(s))
    .sort((a, b) => time(b.createdTime).localeCompare(time(a.createdTime)))
    .slice(0, top);
  return { status: 200, body: { incidents: chosen.map((s) => brief(s, deps.baseUrl)), count: chosen.length, total: all.length } };
}

export type IncidentBrief = ReturnType<typeof brief>;
/** GET /api/incidents/{id}: what the CLI, the demo and the confirmation page read. */
export type IncidentView = IncidentBrief & {
  decisions: TimelineEntry[];
  timeline: TimelineEntry[];
  timelineComplete: boolean;
  /** Once it is over: each workload's playbook results. */
  summary?: { failover: Record<string, PlaybookResult>; failback: Record<string, PlaybookResult>; timeToFailoverMs: number | null };
  /** When the orchestration itself failed. */
  error?: unknown;
  /** Notifications a channel did not take at once: still retrying, given up, or delivered late. */
  notifications?: { undelivered: UndeliveredNotification[] };
  links: Record<IncidentAction, string>;
};

export async function showIncident(deps: OperatorDeps, id: string): Promise<Answer> {
  const status = await incidentStatus(deps.client, id);
  if (status === null || status.name !== ORCHESTRATIONS.incident) return notFound(id);
  const progress = progressOf(status);
  const summary = summaryOf(status);
  let timeline = summary?.timeline ?? progress?.timeline ?? [];
  let complete = summary !== null || (progress !== null && progress.entries === progress.timeline.length);
  if (!complete && progress !== null) {
    // A running incident shows its newest entries; the older ones are in the saved timeline.
    const older = progress.entries - progress.timeline.length;
    const saved = await deps.archive.getTimeline(id);
    if (Array.isArray(saved) && saved.length >= older) {
      timeline = [...(saved as TimelineEntry[]).slice(0, older), ...progress.timeline];
      complete = true;
    }
  }
  return {
    status: 200,
    body: {
      ...brief(status, deps.baseUrl),
      decisions: timeline.filter((e) => DECISIONS.has(e.type)),
      timeline,
      timelineComplete: complete,
      ...(deps.notifications !== undefined ? { notifications: { undelivered: await deps.notifications.undelivered(id) } } : {}),
      ...(summary !== null ? { summary: { failover: summary.failover, failback: summary.failback, timeToFailoverMs: summary.timeToFailoverMs } } : {}),
      ...(status.runtimeStatus === 'Failed' ? { error: status.output } : {}),
      links: Object.fromEntries((['approve', 'reject', 'failback', 'cancel'] as const).map((a) => [a, incidentPath(deps.baseUrl, id, a)])),
    },
  };
}

export async function commandIncident(deps: OperatorDeps, id: string, action: IncidentAction, raw: string, identify: Identify): Promise<Answer> {
  const body = parseJsonBody(raw);
  if (!body.ok) return body.answer;
  const fields = (body.value ?? {}) as Record<string, unknown>;
  if (typeof fields !== 'object' || Array.isArray(fields)) return problem(422, 'invalid-request', 'send a JSON object, e.g. {"comment": "checked with the media team"}', { path: '$' });
  const text = fields['comment'] ?? fields['reason'];
  if (text !== undefined && typeof text !== 'string') return problem(422, 'invalid-request', 'comment must be text', { path: fields['comment'] !== undefined ? '$.comment' : '$.reason' });
  const comment = typeof text === 'string' && text.trim() !== '' ? text.trim().slice(0, 1000) : null;
  const operator = identify(fields['by']);

  const status = await incidentStatus(deps.client, id);
  if (status === null || status.name !== ORCHESTRATIONS.incident) return notFound(id);
  if (isFinished(status)) {
    return problem(409, 'incident-over', `incident ${id} is over (${summaryOf(status)?.outcome ?? status.runtimeStatus}); there is nothing to ${action}`);
  }
  const phase = progressOf(status)?.phase ?? 'planning';
  if (!ALLOWED[action].includes(phase)) {
    const hint = action === 'failback' && phase === 'awaiting-failback-approval' ? '; the failback is waiting for approval: approve it instead' : '';
    return problem(409, 'wrong-phase', `incident ${id} is ${phase}; ${action} applies when it is ${ALLOWED[action].join(' or ')}${hint}`);
  }
  const command: IncidentCommand =
    action === 'approve' || action === 'reject'
      ? { type: 'approval', decision: { approved: action === 'approve', by: operator.by, comment } }
      : action === 'cancel'
        ? { type: 'cancel', cancel: { by: operator.by, reason: comment } }
        : { type: 'failback', by: operator.by };
  await sendCommand(deps.client, id, command);
  const note =
    action === 'cancel' && (phase === 'failing-over' || phase === 'failing-back')
      ? 'playbooks already running finish first (compensation is per step); nothing further starts after them'
      : null;
  return { status: 202, body: { incidentId: id, action, by: operator.by, verified: operator.verified, phase, comment, ...(note !== null ? { note } : {}), statusUrl: incidentPath(deps.baseUrl, id) } };
}

function brief(status: InstanceStatus, baseUrl: string) {
  const progress = progressOf(status);
  const summary = summaryOf(status);
  const id = status.instanceId ?? progress?.incidentId ?? '';
  return {
    incidentId: id,
    runtimeStatus: status.runtimeStatus ?? 'Unknown',
    phase: progress?.phase ?? (isFinished(status) ? 'completed' : 'planning'),
    outcome: summary?.outcome ?? null,
    title: progress?.title ?? null,
    mode: progress?.mode ?? null,
    kind: progress?.kind ?? null,
    workloads: summary?.workloads ?? progress?.workloads ?? [],
    duplicates: progress?.duplicates ?? 0,
    createdAt: time(status.createdTime),
    updatedAt: time(status.lastUpdatedTime),
    statusUrl: incidentPath(baseUrl, id),
  };
}

function time(value: Date | string | undefined): string {
  if (value === undefined) return '';
  return value instanceof Date ? value.toISOString() : value;
}

function notFound(id: string): Answer {
  return problem(404, 'no-such-incident', `no incident '${id}'; GET /api/incidents lists them`);
}
