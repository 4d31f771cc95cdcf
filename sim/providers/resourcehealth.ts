/**
 * Microsoft.ResourceHealth: availability statuses and Service Health events, derived live from
 * the simulator's state rather than stored.
 *
 * Availability of a resource (`availabilityStatuses/current`, the lists, and the history):
 * - `Unavailable` while the resource's region is down (either outage mode), naming the open
 *   Service Health incident there: reasonType Unplanned, reasonChronicity Persistent,
 *   occuredTime = the incident's impact start, serviceImpactingEvents = the incident.
 * - `Degraded` while an injected fault rule with a 5xx status, an error rate below 1 (some
 *   requests still succeed) and no `failOperation` targets the operations of the resource's type
 *   (`Microsoft.Media/streamingEndpoints/start`, `Microsoft.Media/*`, …; a rule's `resource`
 *   substring must match the id when given). reasonChronicity Transient; occuredTime is when
 *   Resource Health first saw the rule (the fault table keeps no creation time).
 * - `Available` otherwise; `recentlyResolved` is set for 24 h after an outage of its region ends.
 * A resource not in the estate answers 404 ResourceNotFound. The provider's refusals use the
 * 2022-10-01 spec's flat ErrorResponse `{code, message}` (./flat-error.ts).
 *
 * These routes carry no `resource`: Resource Health stays up during a region outage (that is
 * when it is read), so the pipeline must not fail them with the region's 503.
 *
 * Events (`events`, `events/{trackingId}`, `impactedResources`) render the simulator's incidents
 * (`sim.incidents`, opened by region outages) in the events-API shape of api-version 2022-10-01+:
 * eventType ServiceIssue, one `impact[]` entry per service with the region's display name. A
 * subscription sees the incidents whose subscriptions include it (an incident that lists no
 * subscription is shown to every subscription).
 *
 * `$filter` on events is a small OData subset: comparisons `field eq 'value'` (or `ne`) joined
 * with `and` / `or` and grouped with parentheses; fields `service`, `region` (display name or
 * canonical name, either matches), `status`, `eventType`, `trackingId`, each optionally prefixed
 * `properties/`. Anything else answers 400 naming the part it could not read. `queryStartTime`
 * (M/D/YYYY, UTC) keeps events whose lastUpdateTime is on or after that day; without it every
 * incident is listed. On impactedResources `$filter` accepts `targetRegion` and
 * `targetResourceType`. On availability statuses `$filter` is accepted and ignored, and
 * `$expand=recommendedactions` adds recommendedActions.
 */
import { createHash } from 'node:crypto';
import { isoNow, ok, page } from '../arm.js';
import { regionDisplayName, SERVICE_NAMES, type Incident } from '../incidents.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimResource, SimResponse } from '../types.js';
import { flatError } from './flat-error.js';

/**
 * What the SDK (`@azure/arm-resourcehealth` 4.0.0) sends, and the only version whose contract the
 * repository holds (test/contracts): later versions are refused by the pipeline.
 */
export const RESOURCE_HEALTH_API_VERSIONS = ['2022-10-01'] as const;

/** How long after an outage's end an Available status still carries `recentlyResolved`. */
const RECENTLY_RESOLVED_MS = 24 * 3600_000;
/** The deepest resource id `/{resourceUri}` routes accept: type/name pairs after the namespace. */
const MAX_RESOURCE_DEPTH = 5;
const RH_SEGMENT = '/providers/microsoft.resourcehealth/';

// ── helpers shared with the Insights provider ─────────────────────────────────────────────────

/** A stable GUID-shaped id derived from text (events must keep their ids across reads). */
export function stableGuid(text: string): string {
  const h = createHash('sha1').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** .NET ticks of an epoch-millisecond time, as Azure puts in activity-log ids. */
export function ticksOf(ms: number): string {
  return (BigInt(Math.round(ms)) * 10_000n + 621_355_968_000_000_000n).toString();
}

/** The Service Health service name of a resource type's namespace, if it has one. */
export function serviceOf(type: string): string | undefined {
  return SERVICE_NAMES[type.split('/')[0]!.toLowerCase()];
}

/** Whether a subscription sees an incident. */
export function incidentVisibleTo(incident: Incident, subscriptionId: string): boolean {
  const sub = subscriptionId.toLowerCase();
  return incident.subscriptions.length === 0 || incident.subscriptions.some((s) => s.toLowerCase() === sub);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function spoken(ms: number): string {
  const d = new Date(ms);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${hh}:${mm} UTC on ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function serviceList(services: string[]): string {
  if (services.length <= 1) return services[0] ?? 'Azure';
  return `${services.slice(0, -1).join(', ')} and ${services[services.length - 1]}`;
}

/** The text of one incident update, as Service Health words it. */
export function incidentCommunication(incident: Incident, stage: 'Active' | 'Resolved'): string {
  const region = regionDisplayName(incident.region);
  const services = serviceList(incident.services);
  if (stage === 'Active') {
    return (
      `Starting at ${spoken(incident.impactStart)}, customers using ${services} in ${region} may experience failures ` +
      'when connecting to or managing their resources in this region. Engineers are investigating. ' +
      'The next update will be provided in 60 minutes, or as events warrant.'
    );
  }
  return (
    `Summary of impact: Between ${spoken(incident.impactStart)} and ${spoken(incident.impactMitigation ?? incident.lastUpdate)}, ` +
    `customers using ${services} in ${region} may have experienced failures when connecting to or managing their resources ` +
    'in this region. This issue is now mitigated.'
  );
}

// ── a small $filter grammar ──────────────────────────────────────────────────────────────────

export interface FilterComparison {
  kind: 'cmp';
  field: string;
  op: string;
  value: string;
}
export type FilterNode = { kind: 'and'; items: FilterNode[] } | { kind: 'or'; items: FilterNode[] } | FilterComparison;

export class FilterError extends Error {}

const OPERATORS = new Set(['eq', 'ne', 'ge', 'le', 'gt', 'lt']);

type Token = { t: 'open' } | { t: 'close' } | { t: 'word'; v: string } | { t: 'string'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push(c === '(' ? { t: 'open' } : { t: 'close' });
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError(`unterminated string in $filter '${text}'`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i];
        i++;
      }
      tokens.push({ t: 'string', v });
    } else {
      let v = '';
      while (i < text.length && !/[\s()']/.test(text[i]!)) v += text[i++];
      tokens.push({ t: 'word', v });
    }
  }
  return tokens;
}

/**
 * Parses `a eq 'x' and (b eq 'y' or c ge 'z')`: comparisons joined by `and`/`or` (and binds
 * tighter), parentheses, single-quoted values ('' escapes a quote) or bare values.
 */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const tok = tokens[pos];
    return tok?.t === 'word' ? tok.v.toLowerCase() : undefined;
  };
  const expr = (): FilterNode => {
    const items = [conj()];
    while (peekWord() === 'or') {
      pos++;
      items.push(conj());
    }
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  };
  const conj = (): FilterNode => {
    const items = [primary()];
    while (peekWord() === 'and') {
      pos++;
      items.push(primary());
    }
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  const primary = (): FilterNode => {
    const tok = tokens[pos];
    if (tok === undefined) throw new FilterError(`$filter '${text}' ends where a comparison was expected`);
    if (tok.t === 'open') {
      pos++;
      const inner = expr();
      if (tokens[pos]?.t !== 'close') throw new FilterError(`$filter '${text}' is missing a closing parenthesis`);
      pos++;
      return inner;
    }
    if (tok.t !== 'word') throw new FilterError(`$filter '${text}': expected a property name, got '${tok.t === 'string' ? tok.v : ')'}'`);
    const field = tok.v;
    const opTok = tokens[pos + 1];
    const op = opTok?.t === 'word' ? opTok.v.toLowerCase() : undefined;
    if (op === undefined || !OPERATORS.has(op)) {
      throw new FilterError(`$filter '${text}': expected an operator (eq, ne, ge, le, gt, lt) after '${field}'`);
    }
    const valueTok = tokens[pos + 2];
    if (valueTok === undefined || valueTok.t === 'open' || valueTok.t === 'close') {
      throw new FilterError(`$filter '${text}': expected a value after '${field} ${op}'`);
    }
    pos += 3;
    return { kind: 'cmp', field, op, value: valueTok.v };
  };
  if (tokens.length === 0) throw new FilterError('$filter is empty');
  const node = expr();
  if (pos < tokens.length) {
    const tok = tokens[pos]!;
    throw new FilterError(`$filter '${text}': unexpected '${tok.t === 'word' || tok.t === 'string' ? tok.v : tok.t === 'open' ? '(' : ')'}'`);
  }
  return node;
}

/** Evaluates a parsed filter with `eq`/`ne` against multi-valued string fields. */
function matches(node: FilterNode, valuesOf: (field: string) => string[] | undefined, normalize: (field: string, v: string) => string): boolean {
  if (node.kind === 'and') return node.items.every((n) => matches(n, valuesOf, normalize));
  if (node.kind === 'or') return node.items.some((n) => matches(n, valuesOf, normalize));
  const values = valuesOf(node.field)!;
  const want = normalize(node.field, node.value);
  const hit = values.some((v) => normalize(node.field, v) === want);
  return node.op === 'eq' ? hit : !hit;
}

/** Checks every comparison names a known field with eq/ne; the first bad one is the error. */
function checkFields(node: FilterNode, known: (field: string) => boolean, text: string, allowed: string): void {
  if (node.kind !== 'cmp') {
    for (const n of node.items) checkFields(n, known, text, allowed);
    return;
  }
  if (!known(node.field)) throw new FilterError(`$filter '${text}': '${node.field}' cannot be filtered on; supported properties: ${allowed}`);
  if (node.op !== 'eq' && node.op !== 'ne') throw new FilterError(`$filter '${text}': operator '${node.op}' is not supported; use eq or ne`);
}

/** Field name without a `properties/` prefix, lower-cased. */
function fieldKey(field: string): string {
  return field.toLowerCase().replace(/^properties\//, '');
}

const squeeze = (v: string): string => v.toLowerCase().replace(/\s+/g, '');

// ── the provider ─────────────────────────────────────────────────────────────────────────────

export function resourceHealthRoutes(sim: Simulator): Route[] {
  /** When Resource Health first saw each fault rule (for a Degraded status' occuredTime). */
  const firstSeen = new Map<string, number>();

  const route = (method: string, pattern: string, operation: string, handle: Route['handle']): Route => ({
    method,
    pattern,
    operation,
    arm: true,
    apiVersions: RESOURCE_HEALTH_API_VERSIONS,
    // No `resource`: Resource Health answers during an outage of the resource's region.
    handle,
  });

  /** Patterns for `/{resourceUri}{suffix}` with resource ids of every supported depth. */
  const resourcePatterns = (suffix: string): string[] => {
    const out: string[] = [];
    for (let depth = 1; depth <= MAX_RESOURCE_DEPTH; depth++) {
      const pairs = Array.from({ length: depth }, (_, i) => `{t${i + 1}}/{n${i + 1}}`).join('/');
      out.push(`/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/${pairs}${suffix}`);
    }
    return out;
  };

  /** The resource id in a `/{resourceUri}/providers/Microsoft.ResourceHealth/…` path. */
  const resourceUriOf = (path: string): string => {
    const cut = path.toLowerCase().lastIndexOf(RH_SEGMENT);
    return decodeURIComponent(path.slice(0, cut));
  };

  /**
   * The region a resource lives in: its own location, or its parent's for a child ARM renders
   * without one (a proxy resource such as a live output). Statuses report it (assumed: Resource
   * Health places a status where the resource runs).
   */
  const regionOf = (r: SimResource): string => sim.store.regionOf(r.id) ?? r.location;

  /**
   * Resource Health reports on resources that run somewhere; role assignments and definitions
   * (kept in the store without a location, extension resources of what they grant) have no
   * health of their own. Assumed: the lists leave them out, as they leave out the portal's
   * non-regional settings.
   */
  const inSubscription = (r: SimResource, sub: string, rg?: string): boolean => {
    if (r.location === '') return false;
    const key = sim.key(r.id);
    const prefix = rg === undefined ? `/subscriptions/${sub.toLowerCase()}/` : `/subscriptions/${sub.toLowerCase()}/resourcegroups/${rg.toLowerCase()}/`;
    return key.startsWith(prefix);
  };

  /** The open incident that explains an outage of `region`, preferring one naming the service. */
  const activeIncident = (region: string, service: string | undefined): Incident | undefined => {
    const open = sim.incidents.list().filter((i) => i.region === region && i.stage === 'Active');
    return [...open].reverse().find((i) => service !== undefined && i.services.includes(service)) ?? open[open.length - 1];
  };

  const lastResolved = (region: string): Incident | undefined => {
    const resolved = sim.incidents.list().filter((i) => i.region === region && i.stage === 'Resolved' && i.impactMitigation !== undefined);
    return resolved.sort((a, b) => b.impactMitigation! - a.impactMitigation!)[0];
  };

  /** The fault rule that degrades a resource: 5xx, error rate below 1, aimed at its type's operations. */
  const degradingRule = (r: SimResource) => {
    const segments = r.type.split('/');
    const own = `${segments[0]}/${segments[segments.length - 1]}/`.toLowerCase();
    return sim.faults.list().find((rule) => {
      if (rule.failOperation || rule.status < 500 || rule.errorRate >= 1 || rule.errorRate <= 0) return false;
      if (rule.remaining !== undefined && rule.remaining <= 0) return false;
      if (rule.resource !== undefined && !r.id.toLowerCase().includes(rule.resource.toLowerCase())) return false;
      const op = rule.operation.toLowerCase();
      if (op.endsWith('*')) {
        const prefix = op.slice(0, -1);
        return own.startsWith(prefix) || prefix.startsWith(own);
      }
      return op.startsWith(own);
    });
  };

  const createdAt = (r: SimResource): number | undefined => {
    const created = r.properties['created'];
    const t = typeof created === 'string' ? Date.parse(created) : NaN;
    return Number.isNaN(t) ? undefined : t;
  };

  /** The current availability of a resource, in the REST shape. */
  const statusOf = (r: SimResource, expand: boolean): Record<string, unknown> => {
    const now = sim.clock.now();
    const region = regionOf(r);
    const service = serviceOf(r.type);
    const base = {
      id: `${r.id}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
      name: 'current',
      type: 'Microsoft.ResourceHealth/AvailabilityStatuses',
      location: region,
    };
    if (sim.faults.outage(region) !== undefined) {
      const incident = activeIncident(region, service);
      const since = incident?.impactStart ?? now;
      const display = regionDisplayName(region);
      const outage = incident !== undefined ? `${incident.title} (tracking ID ${incident.trackingId})` : `an outage in ${display}`;
      return {
        ...base,
        properties: {
          availabilityState: 'Unavailable',
          title: 'Unavailable',
          summary: `We're sorry, your resource is unavailable because of an Azure service outage: ${outage}. Engineers are working to restore service; updates are posted to Service Health.`,
          detailedStatus: `The ${display} region is not serving requests for this resource.`,
          reasonType: 'Unplanned',
          context: 'Platform Initiated',
          category: 'Unplanned',
          reasonChronicity: 'Persistent',
          healthEventType: 'Downtime',
          healthEventCause: 'PlatformInitiated',
          healthEventCategory: 'Unplanned',
          ...(incident !== undefined ? { healthEventId: incident.trackingId } : {}),
          occuredTime: isoNow(since),
          rootCauseAttributionTime: isoNow(since),
          reportedTime: isoNow(now),
          ...(incident !== undefined
            ? {
                serviceImpactingEvents: [
                  {
                    eventStartTime: isoNow(incident.impactStart),
                    eventStatusLastModifiedTime: isoNow(incident.lastUpdate),
                    correlationId: incident.trackingId,
                    status: { value: 'Active' },
                    incidentProperties: { title: incident.title, service: service ?? incident.services[0] ?? 'Azure', region: display, incidentType: 'Incident' },
                  },
                ],
              }
            : {}),
          ...(expand
            ? {
                recommendedActions: [
                  {
                    action: `Follow the Service Health incident${incident !== undefined ? ` ${incident.trackingId}` : ''} for updates`,
                    actionUrl: '<#ServiceHealth>',
                    actionUrlText: 'Service Health',
                  },
                  { action: 'If you run a standby in another region, fail over to it', actionUrl: '<#ResourceBlade>', actionUrlText: 'fail over' },
                ],
              }
            : {}),
        },
      };
    }
    const rule = degradingRule(r);
    if (rule !== undefined) {
      if (!firstSeen.has(rule.id)) firstSeen.set(rule.id, now);
      return {
        ...base,
        properties: {
          availabilityState: 'Degraded',
          title: 'Degraded',
          summary: `We're sorry, your resource is degraded: about ${Math.round(rule.errorRate * 100)}% of requests to ${rule.operation} fail with ${rule.status} ${rule.code}.`,
          reasonType: 'Unplanned',
          context: 'Platform Initiated',
          category: 'Unplanned',
          reasonChronicity: 'Transient',
          healthEventType: 'Degradation',
          healthEventCause: 'PlatformInitiated',
          healthEventCategory: 'Unplanned',
          occuredTime: isoNow(firstSeen.get(rule.id)!),
          reportedTime: isoNow(now),
          ...(expand ? { recommendedActions: [{ action: 'Retry failed requests; if the problem persists, contact support', actionUrl: '<#SupportCase>', actionUrlText: 'contact support' }] } : {}),
        },
      };
    }
    const resolved = lastResolved(region);
    const since = resolved?.impactMitigation ?? createdAt(r) ?? now;
    const recently = resolved !== undefined && now - resolved.impactMitigation! <= RECENTLY_RESOLVED_MS;
    return {
      ...base,
      properties: {
        availabilityState: 'Available',
        title: 'Available',
        summary: "There aren't any known Azure platform problems affecting this resource.",
        reasonType: '',
        reasonChronicity: 'Persistent',
        occuredTime: isoNow(since),
        reportedTime: isoNow(now),
        ...(recently
          ? {
              recentlyResolved: {
                unavailableOccuredTime: isoNow(resolved.impactStart),
                resolvedTime: isoNow(resolved.impactMitigation!),
                unavailableSummary: `Unavailable because of an Azure service outage: ${resolved.title} (tracking ID ${resolved.trackingId}).`,
              },
            }
          : {}),
        ...(expand ? { recommendedActions: [] } : {}),
      },
    };
  };

  /** Past transitions of a resource: one Unavailable record per resolved outage of its region. */
  const historyOf = (r: SimResource): Array<Record<string, unknown>> => {
    const region = regionOf(r);
    return sim.incidents
      .list()
      .filter((i) => i.region === region && i.stage === 'Resolved' && i.impactMitigation !== undefined)
      .sort((a, b) => b.impactStart - a.impactStart)
      .map((i) => ({
        id: `${r.id}/providers/Microsoft.ResourceHealth/availabilityStatuses/${ticksOf(i.impactStart)}`,
        name: ticksOf(i.impactStart),
        type: 'Microsoft.ResourceHealth/AvailabilityStatuses',
        location: region,
        properties: {
          availabilityState: 'Unavailable',
          title: 'Unavailable',
          summary: `Your resource was unavailable because of an Azure service outage: ${i.title} (tracking ID ${i.trackingId}).`,
          reasonType: 'Unplanned',
          context: 'Platform Initiated',
          category: 'Unplanned',
          reasonChronicity: 'Persistent',
          healthEventId: i.trackingId,
          occuredTime: isoNow(i.impactStart),
          reportedTime: isoNow(i.impactMitigation!),
          resolutionETA: isoNow(i.impactMitigation!),
        },
      }));
  };

  const expanded = (ctx: RouteContext): boolean => (ctx.request.query.get('$expand') ?? '').toLowerCase().includes('recommendedactions');

  /** Runs `handle` on the resource a `/{resourceUri}/…` path names, or answers 404. */
  const withResource = (ctx: RouteContext, handle: (r: SimResource) => SimResponse): SimResponse => {
    const id = resourceUriOf(ctx.request.path);
    const r = sim.store.get(id);
    return r === undefined ? flatError(404, 'ResourceNotFound', `The resource '${id.split('/').pop() ?? id}' was not found (${id}).`) : handle(r);
  };

  // ── events ───────────────────────────────────────────────────────────────────────────────

  const renderEvent = (incident: Incident, sub: string): Record<string, unknown> => {
    const status = incident.stage;
    const region = regionDisplayName(incident.region);
    return {
      id: `/providers/Microsoft.ResourceHealth/events/${incident.trackingId}`,
      name: incident.trackingId,
      type: '/providers/Microsoft.ResourceHealth/events',
      properties: {
        eventType: 'ServiceIssue',
        eventSource: 'ResourceHealth',
        status,
        title: incident.title,
        summary: incidentCommunication(incident, status),
        header: 'Your service might have been impacted by an Azure service issue',
        level: 'Warning',
        eventLevel: status === 'Active' ? 'Warning' : 'Informational',
        article: { articleContent: `<p>${incidentCommunication(incident, status)}</p>` },
        links: [
          {
            type: 'Hyperlink',
            displayText: { value: 'Request RCA', localizedValue: 'Request RCA' },
            extensionName: 'Microsoft_Azure_Health',
            bladeName: 'RequestRCABlade',
            parameters: { trackingId: incident.trackingId, rcaRequested: 'False' },
          },
        ],
        impactStartTime: isoNow(incident.impactStart),
        ...(incident.impactMitigation !== undefined ? { impactMitigationTime: isoNow(incident.impactMitigation) } : {}),
        impact: incident.services.map((service) => ({
          impactedService: service,
          impactedRegions: [
            {
              impactedRegion: region,
              status,
              impactedSubscriptions: [sub],
              impactedTenants: [],
              lastUpdateTime: isoNow(incident.lastUpdate),
            },
          ],
        })),
        isHIR: false,
        enableMicrosoftSupport: true,
        enableChatWithUs: false,
        platformInitiated: true,
        lastUpdateTime: isoNow(incident.lastUpdate),
      },
    };
  };

  const EVENT_FIELDS = ['service', 'region', 'status', 'eventtype', 'trackingid'];

  const eventValues = (incident: Incident) => (field: string): string[] | undefined => {
    switch (fieldKey(field)) {
      case 'service':
        return incident.services;
      case 'region':
        return [incident.region, regionDisplayName(incident.region)];
      case 'status':
        return [incident.stage];
      case 'eventtype':
        return ['ServiceIssue'];
      case 'trackingid':
        return [incident.trackingId];
      default:
        return undefined;
    }
  };

  /** Parses `$filter` for events or impacted resources; a response when it is bad. */
  const filterOf = (ctx: RouteContext, fields: string[]): FilterNode | undefined | SimResponse => {
    const text = ctx.request.query.get('$filter');
    if (text === null || text.trim() === '') return undefined;
    try {
      const node = parseFilter(text);
      checkFields(node, (f) => fields.includes(fieldKey(f)), text, fields.join(', '));
      return node;
    } catch (err) {
      if (err instanceof FilterError) return flatError(400, 'InvalidFilter', `Invalid $filter: ${err.message}.`);
      throw err;
    }
  };

  const queryStartOf = (ctx: RouteContext): number | undefined | SimResponse => {
    const text = ctx.request.query.get('queryStartTime');
    if (text === null || text.trim() === '') return undefined;
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text.trim());
    const t = m === null ? NaN : Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]));
    if (m === null || Number.isNaN(t) || Number(m[1]) > 12 || Number(m[2]) > 31) {
      return flatError(400, 'InvalidQueryStartTime', `The queryStartTime '${text}' is not valid; expected a date as M/D/YYYY, e.g. 7/24/2020.`);
    }
    return t;
  };

  const isResponse = (v: unknown): v is SimResponse => typeof v === 'object' && v !== null && 'status' in v && typeof (v as SimResponse).status === 'number';

  const listEvents = (ctx: RouteContext, sub: string, only?: (i: Incident) => boolean): SimResponse => {
    const filter = filterOf(ctx, EVENT_FIELDS);
    if (isResponse(filter)) return filter;
    const start = queryStartOf(ctx);
    if (isResponse(start)) return start;
    const events = sim.incidents
      .list()
      .filter((i) => incidentVisibleTo(i, sub))
      .filter((i) => only === undefined || only(i))
      .filter((i) => start === undefined || i.lastUpdate >= start)
      .filter((i) => filter === undefined || matches(filter, eventValues(i), (f, v) => (fieldKey(f) === 'region' ? squeeze(v) : v.toLowerCase())))
      .sort((a, b) => b.lastUpdate - a.lastUpdate)
      .map((i) => renderEvent(i, sub));
    return page(events);
  };

  const findIncident = (sub: string, trackingId: string): Incident | undefined =>
    sim.incidents.list().find((i) => i.trackingId.toLowerCase() === trackingId.toLowerCase() && incidentVisibleTo(i, sub));

  const eventNotFound = (trackingId: string): SimResponse =>
    flatError(404, 'ResourceNotFound', `The event with tracking id '${trackingId}' was not found in this subscription.`);

  /** The estate resources an incident touches in a subscription: its region, its services. */
  const impactedBy = (incident: Incident, sub: string): SimResource[] =>
    sim.store
      .all()
      .filter((r) => inSubscription(r, sub))
      .filter((r) => regionOf(r) === incident.region)
      .filter((r) => {
        const service = serviceOf(r.type);
        return service !== undefined && incident.services.includes(service);
      })
      .sort((a, b) => a.id.localeCompare(b.id));

  const impactedName = (id: string): string => {
    const h = createHash('sha1').update(sim.key(id)).digest('hex');
    return `${h.slice(0, 3)}-${h.slice(3, 6)}-${h.slice(6, 9)}-${h.slice(9, 12)}`;
  };

  const renderImpacted = (incident: Incident, sub: string, r: SimResource): Record<string, unknown> => {
    const name = impactedName(r.id);
    return {
      id: `/subscriptions/${sub}/providers/Microsoft.ResourceHealth/events/${incident.trackingId}/impactedResources/${name}`,
      name,
      type: 'Microsoft.ResourceHealth/events/impactedResources',
      properties: { targetResourceType: r.type, targetResourceId: r.id, targetRegion: regionOf(r) },
    };
  };

  const IMPACTED_FIELDS = ['targetregion', 'targetresourcetype'];

  const routes: Route[] = [
    route('GET', '/subscriptions/{sub}/providers/Microsoft.ResourceHealth/availabilityStatuses', 'Microsoft.ResourceHealth/availabilityStatuses/read', (ctx) => {
      const sub = ctx.params['sub']!;
      return page(sim.store.all().filter((r) => inSubscription(r, sub)).map((r) => statusOf(r, expanded(ctx))));
    }),
    route(
      'GET',
      '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ResourceHealth/availabilityStatuses',
      'Microsoft.ResourceHealth/availabilityStatuses/read',
      (ctx) => {
        const { sub, rg } = ctx.params as { sub: string; rg: string };
        return page(sim.store.all().filter((r) => inSubscription(r, sub, rg)).map((r) => statusOf(r, expanded(ctx))));
      },
    ),
    ...resourcePatterns('/providers/Microsoft.ResourceHealth/availabilityStatuses/current').map((pattern) =>
      route('GET', pattern, 'Microsoft.ResourceHealth/availabilityStatuses/read', (ctx) => withResource(ctx, (r) => ok(statusOf(r, expanded(ctx))))),
    ),
    ...resourcePatterns('/providers/Microsoft.ResourceHealth/availabilityStatuses').map((pattern) =>
      route('GET', pattern, 'Microsoft.ResourceHealth/availabilityStatuses/read', (ctx) =>
        withResource(ctx, (r) => page([statusOf(r, expanded(ctx)), ...historyOf(r)])),
      ),
    ),
    ...resourcePatterns('/providers/Microsoft.ResourceHealth/events').map((pattern) =>
      route('GET', pattern, 'Microsoft.ResourceHealth/events/read', (ctx) =>
        withResource(ctx, (r) => listEvents(ctx, ctx.params['sub']!, (i) => impactedBy(i, ctx.params['sub']!).some((x) => sim.key(x.id) === sim.key(r.id)))),
      ),
    ),
    route('GET', '/subscriptions/{sub}/providers/Microsoft.ResourceHealth/events', 'Microsoft.ResourceHealth/events/read', (ctx) =>
      listEvents(ctx, ctx.params['sub']!),
    ),
    route('GET', '/subscriptions/{sub}/providers/Microsoft.ResourceHealth/events/{trackingId}', 'Microsoft.ResourceHealth/events/read', (ctx) => {
      const { sub, trackingId } = ctx.params as { sub: string; trackingId: string };
      const incident = findIncident(sub, trackingId);
      return incident === undefined ? eventNotFound(trackingId) : ok(renderEvent(incident, sub));
    }),
    route(
      'GET',
      '/subscriptions/{sub}/providers/Microsoft.ResourceHealth/events/{trackingId}/impactedResources',
      'Microsoft.ResourceHealth/impactedResources/read',
      (ctx) => {
        const { sub, trackingId } = ctx.params as { sub: string; trackingId: string };
        const incident = findIncident(sub, trackingId);
        if (incident === undefined) return eventNotFound(trackingId);
        const filter = filterOf(ctx, IMPACTED_FIELDS);
        if (isResponse(filter)) return filter;
        const items = impactedBy(incident, sub).filter(
          (r) =>
            filter === undefined ||
            matches(
              filter,
              (f) => (fieldKey(f) === 'targetregion' ? [regionOf(r), regionDisplayName(regionOf(r))] : [r.type]),
              (f, v) => (fieldKey(f) === 'targetregion' ? squeeze(v) : v.toLowerCase()),
            ),
        );
        return page(items.map((r) => renderImpacted(incident, sub, r)));
      },
    ),
    route(
      'GET',
      '/subscriptions/{sub}/providers/Microsoft.ResourceHealth/events/{trackingId}/impactedResources/{name}',
      'Microsoft.ResourceHealth/impactedResources/read',
      (ctx) => {
        const { sub, trackingId, name } = ctx.params as { sub: string; trackingId: string; name: string };
        const incident = findIncident(sub, trackingId);
        if (incident === undefined) return eventNotFound(trackingId);
        const r = impactedBy(incident, sub).find((x) => impactedName(x.id) === name.toLowerCase());
        return r === undefined
          ? flatError(404, 'ResourceNotFound', `The impacted resource '${name}' was not found for event '${trackingId}'.`)
          : ok(renderImpacted(incident, sub, r));
      },
    ),
  ];
  return routes;
}
