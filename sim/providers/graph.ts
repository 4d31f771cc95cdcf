/**
 * Microsoft Graph service health for Microsoft 365 and Dynamics 365: the service announcement
 * issues an on-call engineer (and the Dynamics 365 playbook) reads to learn that Microsoft is
 * failing a Dynamics 365 region over, and when it is done. Mounted at `/graph` (in Azure
 * `https://graph.microsoft.com`), bearer auth required, not ARM (no throttling, no region).
 *
 *   GET /graph/v1.0/admin/serviceAnnouncement/issues        200 { @odata.context, value: [serviceHealthIssue] } | 400
 *   GET /graph/v1.0/admin/serviceAnnouncement/issues/{id}   200 { @odata.context, …serviceHealthIssue } | 404
 * Operation `Microsoft.Graph/serviceAnnouncement/issues/read`.
 *
 * Query options on the list: `$filter` of `and`-joined comparisons, `eq`/`ne` on the string
 * properties (`service`, `status`, `classification`, `feature`, `featureGroup`, `origin`, `id`)
 * and on `isResolved` (true|false), and `ge`/`gt`/`le`/`lt` on `startDateTime`, `endDateTime` and
 * `lastModifiedDateTime` (unquoted ISO date-times); `$orderby` of one of those properties with
 * `asc`/`desc`; `$top`; `$skip`; `$count=true` (adds `@odata.count`). Anything else in `$filter`
 * is 400 `BadRequest` "Invalid filter clause", as Graph answers. Errors use Graph's shape
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`; an unknown
 * issue id is 404 `NotFound` (code guessed).
 *
 * The issue (Graph v1.0 `serviceHealthIssue`): id, title, service, status
 * (serviceOperational|investigating|restoringService|verifyingService|serviceRestored|
 * postIncidentReviewPublished|serviceDegradation|serviceInterruption|extendedRecovery|
 * falsePositive|investigationSuspended|resolved|mitigatedExternal|mitigated|resolvedExternal|
 * confirmed|reported), classification (advisory|incident), origin (microsoft|thirdParty|
 * customer), feature, featureGroup, impactDescription, isResolved, startDateTime, endDateTime,
 * lastModifiedDateTime, details [], posts [{ createdDateTime, postType, description: { contentType,
 * content } }].
 *
 * Issues are seeded from the estate's `graphIssues:` list (partial issues, defaults filled in as
 * `openGraphIssue` fills them) and changed by `openGraphIssue` / `resolveGraphIssue`, which the
 * control API calls. They live in memory per simulator; a simulator reset re-seeds them.
 */
import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.js';
import type { Route, SimRequest, SimResponse } from '../types.js';

export const GRAPH_ISSUE_STATUSES = [
  'serviceOperational',
  'investigating',
  'restoringService',
  'verifyingService',
  'serviceRestored',
  'postIncidentReviewPublished',
  'serviceDegradation',
  'serviceInterruption',
  'extendedRecovery',
  'falsePositive',
  'investigationSuspended',
  'resolved',
  'mitigatedExternal',
  'mitigated',
  'resolvedExternal',
  'confirmed',
  'reported',
] as const;

export interface GraphIssuePost {
  createdDateTime: string;
  postType: 'regular' | 'quick' | 'strategic';
  description: { contentType: 'html' | 'text'; content: string };
}

export interface GraphIssue {
  id: string;
  title: string;
  service: string;
  status: string;
  classification: 'advisory' | 'incident';
  origin: 'microsoft' | 'thirdParty' | 'customer';
  feature: string | null;
  featureGroup: string | null;
  impactDescription: string;
  isResolved: boolean;
  startDateTime: string;
  endDateTime: string | null;
  lastModifiedDateTime: string;
  details: Array<{ name: string; value: string }>;
  posts: GraphIssuePost[];
}

/** What a caller gives to open an issue: a title, and anything else to override the defaults. */
export type GraphIssueInput = Partial<GraphIssue> & { title: string };

interface GraphState {
  issues: GraphIssue[];
  seq: number;
}

const CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/issues';
const DEFAULT_SERVICE = 'Dynamics 365 Apps';

const states = new WeakMap<Simulator, GraphState>();

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stateOf(sim: Simulator): GraphState {
  let state = states.get(sim);
  if (state === undefined) {
    state = { issues: [], seq: 0 };
    states.set(sim, state);
    const seeds = sim.estateData('graphIssues');
    for (const [i, seed] of (Array.isArray(seeds) ? seeds : []).entries()) {
      if (!isRecord(seed) || typeof seed['title'] !== 'string') throw new Error(`estate graphIssues[${i}] needs a title`);
      state.issues.push(build(sim, state, seed as GraphIssueInput));
    }
  }
  return state;
}

function build(sim: Simulator, state: GraphState, input: GraphIssueInput): GraphIssue {
  const now = new Date(sim.clock.now()).toISOString();
  state.seq++;
  const start = input.startDateTime ?? now;
  const impact = input.impactDescription ?? input.title;
  return {
    id: input.id ?? `CR${(100000 + state.seq).toString()}`,
    title: input.title,
    service: input.service ?? DEFAULT_SERVICE,
    status: input.status ?? (input.isResolved === true ? 'serviceRestored' : 'investigating'),
    classification: input.classification ?? 'incident',
    origin: input.origin ?? 'microsoft',
    feature: input.feature ?? null,
    featureGroup: input.featureGroup ?? null,
    impactDescription: impact,
    isResolved: input.isResolved ?? false,
    startDateTime: start,
    endDateTime: input.endDateTime ?? (input.isResolved === true ? now : null),
    lastModifiedDateTime: input.lastModifiedDateTime ?? now,
    details: input.details ?? [],
    posts: input.posts ?? [{ createdDateTime: start, postType: 'regular', description: { contentType: 'html', content: `<p>Title: ${input.title}</p><p>User impact: ${impact}</p>` } }],
  };
}

/** Opens (or replaces, by id) a service health issue; returns it as Graph will serve it. */
export function openGraphIssue(sim: Simulator, input: GraphIssueInput): GraphIssue {
  const state = stateOf(sim);
  const issue = build(sim, state, input);
  const at = state.issues.findIndex((i) => i.id.toLowerCase() === issue.id.toLowerCase());
  if (at >= 0) state.issues[at] = issue;
  else state.issues.push(issue);
  return structuredClone(issue);
}

/** Marks an issue resolved (status serviceRestored, endDateTime now, a closing post); undefined when there is none. */
export function resolveGraphIssue(sim: Simulator, id: string): GraphIssue | undefined {
  const issue = stateOf(sim).issues.find((i) => i.id.toLowerCase() === id.toLowerCase());
  if (issue === undefined) return undefined;
  if (!issue.isResolved) {
    const now = new Date(sim.clock.now()).toISOString();
    issue.isResolved = true;
    issue.status = 'serviceRestored';
    issue.endDateTime = now;
    issue.lastModifiedDateTime = now;
    issue.posts.push({ createdDateTime: now, postType: 'regular', description: { contentType: 'html', content: `<p>Title: ${issue.title}</p><p>Final status: We've confirmed that the service is restored.</p>` } });
  }
  return structuredClone(issue);
}

/** The issues as they stand, for the control API and tests. */
export function graphIssues(sim: Simulator): GraphIssue[] {
  return structuredClone(stateOf(sim).issues);
}

function graphError(request: SimRequest, status: number, code: string, message: string): SimResponse {
  const requestId = randomUUID();
  return {
    status,
    body: { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': request.headers['client-request-id'] ?? requestId } } },
    headers: { 'request-id': requestId },
  };
}

const STRING_FIELDS = ['id', 'service', 'status', 'classification', 'origin', 'feature', 'featureGroup', 'title'] as const;
const DATE_FIELDS = ['startDateTime', 'endDateTime', 'lastModifiedDateTime'] as const;
const ORDER_FIELDS = [...STRING_FIELDS, ...DATE_FIELDS, 'isResolved'] as const;

type Predicate = (issue: GraphIssue) => boolean;

/** `$filter` → predicate; undefined when a clause is not one Graph supports here. */
function parseFilter(filter: string): Predicate | undefined {
  const clauses = filter.trim().split(/\s+and\s+/i);
  const predicates: Predicate[] = [];
  for (const clause of clauses) {
    const m = /^\(?\s*(\w+)\s+(eq|ne|ge|gt|le|lt)\s+(.+?)\s*\)?$/i.exec(clause.trim());
    if (m === null) return undefined;
    const field = STRING_FIELDS.find((f) => f.toLowerCase() === m[1]!.toLowerCase()) ?? DATE_FIELDS.find((f) => f.toLowerCase() === m[1]!.toLowerCase()) ?? (m[1]!.toLowerCase() === 'isresolved' ? 'isResolved' : undefined);
    const op = m[2]!.toLowerCase();
    const raw = m[3]!;
    if (field === undefined) return undefined;
    if (field === 'isResolved') {
      if (!/^(true|false)$/i.test(raw) || (op !== 'eq' && op !== 'ne')) return undefined;
      const want = raw.toLowerCase() === 'true';
      predicates.push((i) => (i.isResolved === want) === (op === 'eq'));
    } else if ((DATE_FIELDS as readonly string[]).includes(field)) {
      const at = Date.parse(raw.replace(/^'|'$/g, ''));
      if (Number.isNaN(at)) return undefined;
      const f = field as (typeof DATE_FIELDS)[number];
      predicates.push((i) => {
        const v = i[f] === null ? NaN : Date.parse(i[f]!);
        if (Number.isNaN(v)) return op === 'ne';
        return op === 'eq' ? v === at : op === 'ne' ? v !== at : op === 'ge' ? v >= at : op === 'gt' ? v > at : op === 'le' ? v <= at : v < at;
      });
    } else {
      const s = /^'((?:[^']|'')*)'$/.exec(raw);
      if (s === null || (op !== 'eq' && op !== 'ne')) return undefined;
      const want = s[1]!.replace(/''/g, "'");
      const f = field as (typeof STRING_FIELDS)[number];
      predicates.push((i) => (i[f] === want) === (op === 'eq'));
    }
  }
  return (issue) => predicates.every((p) => p(issue));
}

export function graphRoutes(sim: Simulator): Route[] {
  // A simulator reset brings back the seeded issues: forget this simulator's state when it resets.
  sim.onReset(() => states.delete(sim));

  const route = (pattern: string, handle: Route['handle']): Route => ({
    method: 'GET',
    pattern: `/graph/v1.0/admin/serviceAnnouncement${pattern}`,
    operation: 'Microsoft.Graph/serviceAnnouncement/issues/read',
    arm: false,
    handle,
  });

  return [
    route('/issues', ({ request }) => {
      let issues = stateOf(sim).issues;
      const filter = request.query.get('$filter');
      if (filter !== null && filter.trim() !== '') {
        const predicate = parseFilter(filter);
        if (predicate === undefined) return graphError(request, 400, 'BadRequest', `Invalid filter clause: ${filter}`);
        issues = issues.filter(predicate);
      }
      const orderby = request.query.get('$orderby');
      if (orderby !== null) {
        const m = /^\s*(\w+)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
        const field = m === null ? undefined : ORDER_FIELDS.find((f) => f.toLowerCase() === m[1]!.toLowerCase());
        if (field === undefined) return graphError(request, 400, 'BadRequest', `Invalid $orderby: ${orderby}`);
        const sign = m![2]?.toLowerCase() === 'desc' ? -1 : 1;
        issues = [...issues].sort((a, b) => {
          const x = String(a[field] ?? '');
          const y = String(b[field] ?? '');
          return x === y ? 0 : x < y ? -sign : sign;
        });
      }
      const count = issues.length;
      const number = (name: string): number | undefined | null => {
        const v = request.query.get(name);
        if (v === null) return undefined;
        return /^\d+$/.test(v) ? Number(v) : null;
      };
      const skip = number('$skip');
      const top = number('$top');
      if (skip === null) return graphError(request, 400, 'BadRequest', `Invalid value for $skip: ${request.query.get('$skip')}`);
      if (top === null) return graphError(request, 400, 'BadRequest', `Invalid value for $top: ${request.query.get('$top')}`);
      issues = issues.slice(skip ?? 0, top === undefined ? undefined : (skip ?? 0) + top);
      return {
        status: 200,
        body: {
          '@odata.context': CONTEXT,
          ...(request.query.get('$count')?.toLowerCase() === 'true' ? { '@odata.count': count } : {}),
          value: structuredClone(issues),
        },
      };
    }),
    route('/issues/{id}', ({ request, params }) => {
      const issue = stateOf(sim).issues.find((i) => i.id.toLowerCase() === params['id']!.toLowerCase());
      if (issue === undefined) return graphError(request, 404, 'NotFound', `The service health issue '${params['id']}' was not found.`);
      return { status: 200, body: { '@odata.context': `${CONTEXT}/$entity`, ...structuredClone(issue) } };
    }),
  ];
}
