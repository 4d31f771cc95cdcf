/**
 * What on-call engineers do over HTTP, free of the Functions runtime: request a failover, list
 * and read incidents, and approve, reject, fail back or cancel one. Every answer is an `Answer`
 * (a JSON body or a problem naming the field and the fix); nothing here throws for bad input.
 */
import { randomUUID } from 'node:crypto';
import { createManualSignal } from '../alerts/manual.js';
import type { AlertArchive } from '../archive/index.js';
import type { Catalog } from '../catalog/types.js';
import { problem, type Answer } from '../http/problem.js';
import { parseJsonBody as readJsonBody } from '../http/json-body.js';
import { decideSignal } from '../decisions/decide.js';
import { incidentStatus, isFinished, progressOf, sendCommand, startIncident, summaryOf, type IncidentClient, type InstanceStatus } from '../incidents/client.js';
import { incidentPath, type IncidentAction } from '../incidents/links.js';
import { summarizeSignal } from '../incidents/signals.js';
import { hasTrackingId, incidentSource, normalizeTrackingId, type IncidentSource } from '../incidents/source.js';
import { parseResourceId, resourceIdKey } from '../azure/resource-id.js';
import type { IncidentInput, IncidentSummary, TimelineEntry, WorkloadProgress } from '../incidents/types.js';
import { incidentPlaybookProgress } from '../incidents/progress.js';
import type { UndeliveredNotification } from '../notify/outbox.js';
import type { ChecklistItem, PlaybookResult } from '../playbooks/types.js';
import { incidentInstanceId } from '../intake/accept.js';
import { checklistOf, ORCHESTRATIONS } from '../incidents/contract.js';
import type { IncidentCommand } from '../incidents/contract.js';
import { STICKY_OUTCOMES } from '../incidents/types.js';
import type { IncidentClaims, StopRequests, WorkflowRecords } from '../stores/index.js';
import { parseFailoverRequest } from './failover-request.js';
import { approvalRefusal, isApprover, type Caller } from './identity.js';

export interface OperatorDeps {
  client: IncidentClient;
  catalog(): Promise<Catalog>;
  claims: Pick<IncidentClaims, 'claimIncident' | 'release'>;
  /** Where the Genomics workflows a failover request names are recorded. */
  workflows: Pick<WorkflowRecords, 'recordWorkflow'>;
  /** Where a cancel of a running failover is written, so its playbooks stop at the next step boundary. */
  stops: Pick<StopRequests, 'requestStop'>;
  archive: Pick<AlertArchive, 'put' | 'getTimeline'>;
  /** Base of the links in answers (`https://failover.contoso.example`). */
  baseUrl: string;
  now(): Date;
  /** What the incident's channels did not get at the first attempt (the notification outbox). */
  notifications?: { undelivered(incidentId: string): Promise<UndeliveredNotification[]> };
}

/** Who is acting, given the `by` the body names (used only when no verified identity is present). */
export type Identify = (claimedBy: unknown) => Caller;

/** Phases of a running incident in which each command means something; anything else is a 409 that says why. */
const ALLOWED: Record<Exclude<IncidentAction, 'reopen'>, readonly string[]> = {
  approve: ['awaiting-approval', 'awaiting-failback-approval'],
  reject: ['awaiting-approval', 'awaiting-failback-approval'],
  failback: ['failed-over', 'waiting-for-healthy-primary', 'awaiting-failback-approval', 'stopped-partway'],
  cancel: ['planning', 'confirming', 'awaiting-approval', 'failing-over', 'stopped-partway', 'failed-over', 'waiting-for-healthy-primary', 'awaiting-failback-approval', 'failing-back'],
};

/** Timeline entries that are decisions rather than signals or progress. */
const DECISIONS = new Set<TimelineEntry['type']>([
  'decision',
  'planned',
  'confirmed',
  'cancelled',
  'approval-requested',
  'approval-escalated',
  'approved',
  'rejected',
  'skipped',
  'linked',
  'reopened',
  'failback-ready',
  'completed',
]);

/** An operator body: empty means `{}`; otherwise the shared reader with its size and depth limits (lib/http/json-body.ts). */
export function parseJsonBody(raw: string): { ok: true; value: unknown } | { ok: false; answer: Answer } {
  if (raw.trim() === '') return { ok: true, value: {} };
  return readJsonBody(raw);
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
  const caller = identify(request.by);
  const by = caller.actor.name;
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
  if (request.service !== null && decideSignal(catalog, signal, 'manual').reason !== null) {
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
  for (const record of request.workflows) await deps.workflows.recordWorkflow(record);
  const input: IncidentInput = { incidentId: claim.instanceId, signal: summarizeSignal(signal, 'manual', caller.principal?.id ?? null), mode: request.mode, kind: request.kind };
  await startIncident(deps.client, claim.instanceId, input);
  return {
    status: 202,
    body: { incidentId: claim.instanceId, requestId, mode: request.mode, kind: request.kind, workloads: request.workloads, requestedBy: by, verified: caller.actor.verified, ...links },
    headers: { Location: links.statusUrl },
  };
}

export async function listIncidents(deps: OperatorDeps, query: URLSearchParams): Promise<Answer> {
  const state = query.get('state') ?? 'all';
  if (!['all', 'running', 'finished'].includes(state)) return problem(400, 'invalid-query', `state must be all, running or finished (got '${state}')`, { path: 'state' });
  const topText = query.get('top') ?? '50';
  const top = Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > 1000) return problem(400, 'invalid-query', `top must be a whole number from 1 to 1000 (got '${topText}')`, { path: 'top' });
  const replays = query.get('replays') ?? 'exclude';
  if (!['exclude', 'include', 'only'].includes(replays)) return problem(400, 'invalid-query', `replays must be exclude (the default), include or only (got '${replays}')`, { path: 'replays' });
  const reference = referenceFilter(query);
  if (!reference.ok) return reference.answer;
  // A replay's incidents are rehearsals: listed apart (GET /api/replays/{id}), never among the real ones unless asked.
  const all = (await deps.client.getStatusBy({})).filter((s) => s.name === ORCHESTRATIONS.incident && (replays === 'include' || isReplayed(s) === (replays === 'only')));
  const chosen = all
    .filter((s) => (state === 'all' || (state === 'finished') === isFinished(s)) && reference.matches(s))
    .sort((a, b) => time(b.createdTime).localeCompare(time(a.createdTime)))
    .slice(0, top);
  return { status: 200, body: { incidents: chosen.map((s) => brief(s, deps.baseUrl)), count: chosen.length, total: all.length } };
}

/**
 * `?trackingId=` (a Service Health tracking ID, or a Microsoft 365 issue id, compared regardless of
 * case) and `?resource=` (an ARM resource id, compared as ARM compares them): the incidents whose
 * first signal names it. A tracking ID never matches a resource: Resource Health and Activity Log
 * incidents are found by `?resource=`.
 */
function referenceFilter(query: URLSearchParams): { ok: true; matches: (s: InstanceStatus) => boolean } | { ok: false; answer: Answer } {
  const trackingText = query.get('trackingId');
  const trackingId = trackingText === null ? null : normalizeTrackingId(trackingText);
  if (trackingText !== null && trackingId === null) {
    return { ok: false, answer: problem(400, 'invalid-query', `trackingId must be a tracking ID as Azure Service Health gives it: letters and digits in groups joined by '-', e.g. 7K2T-LQ8 (or a Microsoft 365 issue id such as CR512345); got '${trackingText.slice(0, 100)}'${parseResourceId(trackingText) !== null ? '; a resource id goes in ?resource=' : ''}`, { path: 'trackingId' }) };
  }
  const resourceText = query.get('resource');
  const resource = resourceText === null ? null : parseResourceId(resourceText);
  if (resourceText !== null && (resource === null || resource.provider === null)) {
    return { ok: false, answer: problem(400, 'invalid-query', `resource must be an Azure resource id, e.g. /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Media/mediaservices/<name>; got '${resourceText.slice(0, 300)}'`, { path: 'resource' }) };
  }
  const key = resource !== null ? resourceIdKey(resource.id) : null;
  return {
    ok: true,
    matches: (s) => {
      const signal = (s.input as IncidentInput | undefined)?.signal;
      if (trackingId !== null && (signal === undefined || !hasTrackingId(incidentSource(signal), trackingId))) return false;
      if (key !== null && (signal === undefined || !signal.resourceIds.some((id) => resourceIdKey(id) === key))) return false;
      return true;
    },
  };
}

export type IncidentBrief = ReturnType<typeof brief>;
/** GET /api/incidents/{id}: what the CLI, the demo and the confirmation page read. */
export type IncidentView = IncidentBrief & {
  decisions: TimelineEntry[];
  timeline: TimelineEntry[];
  timelineComplete: boolean;
  /** Each workload's playbook: live while playbooks run, final once the incident is over, empty in between. */
  progress: WorkloadProgress[];
  /** What people must do by hand (new ingest URLs, jobs to resubmit, roles to grant…), from the steps that said so. */
  checklist: ChecklistItem[];
  /** Once it is over: each workload's playbook results. */
  summary?: { failover: Record<string, PlaybookResult>; failback: Record<string, PlaybookResult>; timeToFailoverMs: number | null };
  /** When the orchestration itself failed. */
  error?: unknown;
  /** Notifications a channel did not take at once: still retrying, given up, or delivered late. */
  notifications?: { undelivered: UndeliveredNotification[] };
  links: Record<IncidentAction, string>;
};

export async function showIncident(deps: OperatorDeps, id: string): Promise<Answer> {
  return incidentView(deps, id, await incidentStatus(deps.client, id));
}

/** The incident as `showIncident` answers it, from a status already read. */
export async function incidentView(deps: Pick<OperatorDeps, 'baseUrl' | 'notifications' | 'client' | 'now'> & { archive: Pick<AlertArchive, 'getTimeline'> }, id: string, status: InstanceStatus | null): Promise<Answer> {
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
  const playbooks = await incidentPlaybookProgress(deps.client, status, deps.now());
  return {
    status: 200,
    body: {
      ...brief(status, deps.baseUrl),
      decisions: timeline.filter((e) => DECISIONS.has(e.type)),
      timeline,
      timelineComplete: complete,
      progress: playbooks,
      checklist: incidentChecklist(summary, playbooks),
      ...(deps.notifications !== undefined ? { notifications: { undelivered: await deps.notifications.undelivered(id) } } : {}),
      ...(summary !== null ? { summary: { failover: summary.failover, failback: summary.failback, timeToFailoverMs: summary.timeToFailoverMs } } : {}),
      ...(status.runtimeStatus === 'Failed' ? { error: status.output } : {}),
      links: Object.fromEntries((['approve', 'reject', 'failback', 'cancel', 'reopen'] as const).map((a) => [a, incidentPath(deps.baseUrl, id, a)])),
    },
  };
}

/**
 * The incident's checklist: once it is over, from its summary's failover then failback results;
 * while playbooks run, from the steps they have finished so far (a rollback runs the failover
 * playbook, as in the summary). Between runs (failed over, waiting to fail back) no playbook is
 * listed, so the checklist is empty until the incident ends.
 */
export function incidentChecklist(summary: Pick<IncidentSummary, 'failover' | 'failback'> | null, playbooks: readonly WorkloadProgress[]): ChecklistItem[] {
  if (summary !== null) return [...checklistOf(summary.failover), ...checklistOf(summary.failback)];
  const running = playbooks.map((p): PlaybookResult => ({ ok: p.state !== 'failed', workloadId: p.workloadId, direction: p.direction === 'failback' ? 'failback' : 'failover', steps: p.steps, failedStep: null, durationMs: p.elapsedMs }));
  return checklistOf(Object.fromEntries(running.map((r, i) => [String(i), r])));
}

export async function commandIncident(deps: OperatorDeps, id: string, action: IncidentAction, raw: string, identify: Identify): Promise<Answer> {
  const body = parseJsonBody(raw);
  if (!body.ok) return body.answer;
  const fields = (body.value ?? {}) as Record<string, unknown>;
  if (typeof fields !== 'object' || Array.isArray(fields)) return problem(422, 'invalid-request', 'send a JSON object, e.g. {"comment": "checked with the media team"}', { path: '$' });
  const text = fields['comment'] ?? fields['reason'];
  if (text !== undefined && typeof text !== 'string') return problem(422, 'invalid-request', 'comment must be text', { path: fields['comment'] !== undefined ? '$.comment' : '$.reason' });
  const comment = typeof text === 'string' && text.trim() !== '' ? text.trim().slice(0, 1000) : null;
  for (const [field, type] of [['direction', 'string'], ['round', 'number'], ['force', 'boolean']] as const) {
    if (fields[field] !== undefined && typeof fields[field] !== type) return problem(422, 'invalid-request', `${field} must be a ${type}`, { path: `$.${field}` });
  }
  const caller = identify(fields['by']);
  const by = caller.actor.name;

  const status = await incidentStatus(deps.client, id);
  if (status === null || status.name !== ORCHESTRATIONS.incident) return notFound(id);
  if (isFinished(status)) {
    const outcome = summaryOf(status)?.outcome ?? null;
    if (action === 'reopen') return reopen(deps, id, status, outcome, by);
    return problem(409, 'incident-over', `incident ${id} is over (${outcome ?? status.runtimeStatus}); there is nothing to ${action}`);
  }
  if (action === 'reopen') return problem(409, 'not-over', `incident ${id} is still running; reopen applies to an incident that is over`);
  const progress = progressOf(status);
  const phase = progress?.phase ?? 'planning';
  if (!ALLOWED[action].includes(phase)) {
    return problem(409, 'wrong-phase', `incident ${id} is ${phase}; ${action} applies when it is ${ALLOWED[action].join(' or ')}`);
  }

  let command: IncidentCommand;
  let note: string | null = null;
  const bound: Record<string, unknown> = {};
  switch (action) {
    case 'approve':
    case 'reject': {
      const pending = progress?.approval ?? null;
      if (pending === null) return problem(409, 'no-approval-pending', `incident ${id} is ${phase} but publishes no pending approval yet; try again in a moment`);
      // An approval answers one request: the direction and round the caller saw must be the ones open now.
      if ((fields['direction'] !== undefined && fields['direction'] !== pending.direction) || (fields['round'] !== undefined && fields['round'] !== pending.round)) {
        return problem(409, 'stale-approval', `this ${action} is for the ${String(fields['direction'] ?? pending.direction)} round ${String(fields['round'] ?? pending.round)}, but the open request is the ${pending.direction} round ${pending.round}; look at the incident again and decide on what it asks now`);
      }
      const refused = approvalRefusal(caller, pending);
      if (refused !== null) return refused;
      command = { type: 'approval', decision: { approved: action === 'approve', by, actor: caller.actor, comment, direction: pending.direction, round: pending.round } };
      Object.assign(bound, { direction: pending.direction, round: pending.round });
      break;
    }
    case 'failback': {
      const force = fields['force'] === true;
      if (force) {
        const refused = await forceRefusal(deps, caller, progress?.workloads ?? [], comment);
        if (refused !== null) return refused;
      } else if (phase === 'awaiting-failback-approval') {
        return problem(409, 'wrong-phase', `incident ${id} is waiting for the failback to be approved: approve it, or send force: true with a reason (approvers only) to skip the approval`);
      }
      command = { type: 'failback', by, actor: caller.actor, force, reason: comment };
      note = force
        ? 'forced: the failback starts now, without the health wait or the approval; this is recorded'
        : phase === 'stopped-partway'
          ? 'what the stopped failover did is rolled back now'
          : 'the failback waits for a healthy primary, then for approval';
      break;
    }
    case 'cancel': {
      const requestId = randomUUID();
      if (phase === 'failing-over') {
        await deps.stops.requestStop(id, { by, reason: comment, requestId, at: deps.now().toISOString() });
        note = 'the running playbooks stop at the next step boundary; what they did is then rolled back or held for a rollback, per each workload\'s policy';
      } else if (phase === 'failing-back') {
        note = 'a failback is not stopped halfway: it finishes first';
      } else if (phase === 'failed-over' || phase === 'waiting-for-healthy-primary' || phase === 'awaiting-failback-approval') {
        note = 'the automatic failback is cancelled: the workloads stay on the standby until someone requests a failback';
      }
      command = { type: 'cancel', cancel: { by, actor: caller.actor, reason: comment, requestId } };
      break;
    }
  }
  await sendCommand(deps.client, id, command);
  return {
    status: 202,
    body: { incidentId: id, action, by, verified: caller.actor.verified, via: caller.actor.via, phase, comment, ...bound, ...(note !== null ? { note } : {}), statusUrl: incidentPath(deps.baseUrl, id) },
  };
}

/**
 * Skipping the health wait and the approval is for approvers only, with a reason: those the
 * catalog names for the incident's workloads, or, where it names none, any verified person.
 */
async function forceRefusal(deps: OperatorDeps, caller: Caller, workloadIds: readonly string[], reason: string | null): Promise<Answer | null> {
  if (reason === null) return problem(422, 'reason-required', 'a forced failback needs a reason (comment or reason): it skips the health wait and the approval, and the record says why', { path: '$.reason' });
  if (caller.principal === null) {
    return problem(403, 'approver-not-verified', 'a forced failback skips the approval, so it needs a verified approver: sign in (App Service Authentication or an Entra token); a key or link alone cannot force it');
  }
  const catalog = await deps.catalog();
  const approvers = [...new Set(catalog.workloads.filter((w) => workloadIds.includes(w.id)).flatMap((w) => (w.policy.trigger === 'approval' ? w.policy.approval.approvers : [])))];
  if (approvers.length > 0 && !isApprover(caller.principal, approvers)) {
    return problem(403, 'not-an-approver', `${caller.principal.name} is not among the approvers of ${workloadIds.join(', ')} (${approvers.join(', ')}), so cannot force a failback`);
  }
  return null;
}

/** Lets the next signal of an incident's key start a new incident, after an outcome that holds it back. */
async function reopen(deps: OperatorDeps, id: string, status: InstanceStatus, outcome: string | null, by: string): Promise<Answer> {
  const key = (status.input as IncidentInput | undefined)?.signal?.incidentKey;
  if (key === undefined) return problem(409, 'not-reopenable', `incident ${id} has no incident key to reopen`);
  if (outcome === null || !(STICKY_OUTCOMES as readonly string[]).includes(outcome)) {
    return problem(409, 'not-held', `incident ${id} ended ${outcome ?? status.runtimeStatus}, which does not hold back new incidents; the next signal of ${key} starts one already`);
  }
  const released = await deps.claims.release(key, id);
  return {
    status: 202,
    body: {
      incidentId: id,
      action: 'reopen',
      by,
      incidentKey: key,
      detail: released ? `the next signal of ${key} starts a new incident` : `incident ${id} no longer holds ${key}; the next signal starts a new incident`,
      statusUrl: incidentPath(deps.baseUrl, id),
    },
  };
}

/** Whether the instance is a replay's incident (its input carries the replay's mark). */
function isReplayed(status: InstanceStatus): boolean {
  return (status.input as IncidentInput | undefined)?.replay !== undefined || (status.instanceId ?? '').startsWith('replay-');
}

function brief(status: InstanceStatus, baseUrl: string) {
  const progress = progressOf(status);
  const summary = summaryOf(status);
  const id = status.instanceId ?? progress?.incidentId ?? '';
  const input = status.input as IncidentInput | undefined;
  return {
    incidentId: id,
    /** The key its signals share: the Service Health tracking ID, the resource, the request. */
    incidentKey: input?.signal?.incidentKey ?? null,
    /** Where it came from in Azure's terms (tracking ID, resource, operation, subscription, portal link), from its first signal. */
    source: (input?.signal !== undefined ? incidentSource(input.signal) : null) as IncidentSource | null,
    /** The replay it belongs to; null for a real incident. */
    replay: input?.replay?.replayId ?? null,
    /** The orchestrator version it runs under (1: started before versioning): what a drain before removing an old version's branch waits for. */
    version: input?.version ?? 1,
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
