/**
 * The control API, under `/_sim/`: inspect the estate and the operation log, take regions down,
 * inject faults. No authentication: the simulator listens on loopback only.
 */
import { envelope, ok } from './arm.js';
import type { OutageMode } from './faults.js';
import { communicationResourceViews, sentEmails } from './providers/communication-email.js';
import { graphIssues, openGraphIssue, resolveGraphIssue, type GraphIssueInput } from './providers/graph.js';
import { issueUserToken } from './providers/identity.js';
import type { Simulator } from './simulator.js';
import type { Route, SimResponse } from './types.js';

function problem(status: number, detail: string): SimResponse {
  return { status, body: { type: 'about:blank', title: status === 404 ? 'Not Found' : 'Bad Request', status, detail } };
}

/** A message posted to a simulated chat or webhook channel (`POST /_sim/hooks/{channel}`). */
export interface HookMessage {
  seq: number;
  channel: string;
  at: string;
  body: unknown;
}

export function controlRoutes(sim: Simulator): Route[] {
  // Teams, Slack and webhook receivers for notifications: catalogs can point their notify
  // targets here, so a rehearsal shows what on-call would have read.
  const hooks: HookMessage[] = [];
  sim.onReset(() => void hooks.splice(0));
  const route = (method: string, pattern: string, handle: Route['handle']): Route => ({
    method,
    pattern,
    operation: `Simulator/${method} ${pattern}`,
    arm: false,
    handle,
  });
  return [
    route('GET', '/_sim/health', () => ok({ status: 'ok', baseUrl: sim.baseUrl, timeScale: sim.clock.timeScale, resources: sim.store.all().length })),
    route('GET', '/_sim/ca', () => ok({ pem: sim.ca })),
    route('GET', '/_sim/resources', ({ request }) => {
      const type = request.query.get('type')?.toLowerCase();
      const region = request.query.get('region')?.toLowerCase();
      const id = request.query.get('id');
      if (id !== null) {
        const r = sim.store.get(id);
        return r === undefined ? problem(404, `no resource ${id}`) : ok(envelope(r));
      }
      return ok(
        sim.store
          .all()
          .filter((r) => (type === undefined || r.type.toLowerCase() === type) && (region === undefined || r.location === region))
          .map(envelope),
      );
    }),
    route('GET', '/_sim/operations', ({ request }) => {
      const since = request.query.get('since');
      return ok(
        sim.log.list({
          ...(since !== null ? { since: Number(since) } : {}),
          ...(request.query.get('operation') !== null ? { operation: request.query.get('operation')! } : {}),
          ...(request.query.get('resource') !== null ? { resource: request.query.get('resource')! } : {}),
        }),
      );
    }),
    route('GET', '/_sim/lro', () => ok(sim.operations.inProgress().map((o) => ({ ...sim.operations.statusBody(o), operation: o.operation, resourceId: o.resourceId })))),
    route('POST', '/_sim/lro/finish', () => {
      const n = sim.operations.inProgress().length;
      sim.operations.finishAll();
      return ok({ finished: n });
    }),
    route('GET', '/_sim/regions', () => ok({ down: sim.faults.regionsDown() })),
    route('POST', '/_sim/regions/{region}/outage', ({ request, params }) => {
      const body = (request.body ?? {}) as { mode?: unknown; services?: unknown };
      const mode = body.mode ?? 'unavailable';
      if (mode !== 'unavailable' && mode !== 'timeout') return problem(400, `mode must be 'unavailable' or 'timeout', got ${JSON.stringify(mode)}`);
      if (body.services !== undefined && (!Array.isArray(body.services) || !body.services.every((s) => typeof s === 'string'))) {
        return problem(400, 'services must be a list of Service Health service names');
      }
      const incident = sim.takeDown(params['region']!, mode as OutageMode, body.services as string[] | undefined);
      return ok({ region: params['region']!.toLowerCase(), mode, incident }, 201);
    }),
    route('DELETE', '/_sim/regions/{region}/outage', ({ params }) => ok({ region: params['region']!.toLowerCase(), resolved: sim.restore(params['region']!) })),
    route('GET', '/_sim/incidents', () => ok(sim.incidents.list())),
    route('GET', '/_sim/faults', () => ok(sim.faults.list())),
    route('POST', '/_sim/faults', ({ request }) => {
      const b = (request.body ?? {}) as Record<string, unknown>;
      if (typeof b['operation'] !== 'string' || b['operation'] === '') {
        return problem(400, "operation is required: an operation name such as 'Microsoft.Media/streamingEndpoints/start', or a prefix ending in '*'");
      }
      const rate = b['errorRate'] ?? 1;
      if (typeof rate !== 'number' || rate < 0 || rate > 1) return problem(400, 'errorRate must be a number from 0 to 1');
      const status = b['status'] ?? 500;
      if (typeof status !== 'number' || status < 400 || status > 599) return problem(400, 'status must be an HTTP error status (400-599)');
      const rule = sim.faults.add({
        operation: b['operation'],
        ...(typeof b['resource'] === 'string' ? { resource: b['resource'] } : {}),
        errorRate: rate,
        status,
        code: typeof b['code'] === 'string' ? b['code'] : status === 429 ? 'TooManyRequests' : 'InternalServerError',
        message: typeof b['message'] === 'string' ? b['message'] : `Injected failure for ${b['operation']}`,
        latencyMs: typeof b['latencyMs'] === 'number' ? b['latencyMs'] : 0,
        ...(typeof b['count'] === 'number' ? { remaining: b['count'] } : {}),
        failOperation: b['failOperation'] === true,
      });
      return ok(rule, 201);
    }),
    route('DELETE', '/_sim/faults/{id}', ({ params }) => (sim.faults.remove(params['id']!) ? ok({ removed: params['id'] }) : problem(404, `no fault ${params['id']}`))),
    route('DELETE', '/_sim/faults', () => {
      for (const f of sim.faults.list()) sim.faults.remove(f.id);
      return ok({ removed: 'all' });
    }),
    route('POST', '/_sim/throttling', ({ request }) => {
      const enabled = (request.body as { enabled?: unknown } | undefined)?.enabled;
      if (typeof enabled !== 'boolean') return problem(400, 'expected { "enabled": true | false }');
      sim.throttle.enabled = enabled;
      return ok({ enabled });
    }),
    route('GET', '/_sim/graph/issues', () => ok(graphIssues(sim))),
    route('POST', '/_sim/graph/issues', ({ request }) => {
      const b = request.body as Record<string, unknown> | undefined;
      if (b === undefined || typeof b['title'] !== 'string' || b['title'] === '') {
        return problem(400, 'title is required: a Microsoft 365 service health issue needs a title (service defaults to "Dynamics 365 Apps")');
      }
      return ok(openGraphIssue(sim, b as GraphIssueInput), 201);
    }),
    route('POST', '/_sim/graph/issues/{id}/resolve', ({ params }) => {
      const issue = resolveGraphIssue(sim, params['id']!);
      return issue === undefined ? problem(404, `no Graph issue ${params['id']}`) : ok(issue);
    }),
    // Sign in as anyone: an Entra access token for the app, as `az account get-access-token` would give.
    route('POST', '/_sim/identity/token', ({ request }) => issueUserToken(sim.userTokens, request.body)),
    route('POST', '/_sim/hooks/{channel}', ({ request, params }) => {
      hooks.push({ seq: hooks.length + 1, channel: params['channel']!, at: new Date(sim.clock.now()).toISOString(), body: request.body ?? null });
      return ok({ received: hooks.length });
    }),
    route('GET', '/_sim/hooks', ({ request }) => {
      const channel = request.query.get('channel');
      return ok(hooks.filter((h) => channel === null || h.channel === channel));
    }),
    // What Communication Services Email was asked to send (providers/communication-email.ts): the
    // rehearsal's inbox. `to` keeps messages with that recipient (to, cc or bcc); `since` those after a seq.
    route('GET', '/_sim/emails', ({ request }) => {
      const since = request.query.get('since');
      if (since !== null && !/^\d+$/.test(since)) return problem(400, `since must be a message seq (a whole number), got '${since}'`);
      const to = request.query.get('to');
      return ok(sentEmails(sim, { ...(to !== null ? { to } : {}), ...(since !== null ? { since: Number(since) } : {}) }));
    }),
    // The estate's Communication Services resources: the endpoint, access keys and connection
    // string to send with, and the MailFrom addresses their linked domains allow.
    route('GET', '/_sim/communication', () => ok(communicationResourceViews(sim))),
    route('POST', '/_sim/reset', () => {
      sim.reset();
      return ok({ reset: true, resources: sim.store.all().length });
    }),
  ];
}
