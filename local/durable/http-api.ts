/**
 * The Durable Functions HTTP API under /runtime/webhooks/durabletask/, with the extension's
 * routes and response shapes: what `df.getClient(context)` calls (through `rpcBaseUrl`) and what
 * scripts written against Azure call with the system key. Also `GET …/instances/{id}/history`,
 * the raw history export used for replay (the status API strips what replay needs).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_BODY_TIMEOUT_MS, readRequestBody, requestTimedOut, type DurableHttpBridge } from '../http-host.js';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { EventType, eventTypeName, fromJsonText, type HistoryEvent } from './history.js';
import {
  InstanceExistsError,
  InstanceGoneError,
  InstanceNotFoundError,
  UnknownFunctionError,
  type DurableRuntime,
  type InstanceState,
} from './runtime.js';

export type { DurableHttpBridge } from '../http-host.js';

const BASE = '/runtime/webhooks/durabletask/';

export interface DurableHttpApiOptions {
  runtime: DurableRuntime;
  taskHubName: string;
  /** The key management calls must carry (`?code=` or `x-functions-key`): the host's master key. */
  systemKey: string;
  /** Bodies (inputs, events, histories to replay) larger than this get 413; default 32 MB. */
  maxBodyBytes?: number;
  /** A body that has not arrived within this gets 408; default 30 s. */
  bodyTimeoutMs?: number;
}

/**
 * Why an instance id cannot be started here, or null. The id is one path segment of every URL
 * that addresses the instance, and the durable client puts it there unencoded: `/`, `\`, `?`, `#`
 * or a control character would change which URL it calls (the Azure Storage backend refuses
 * them too: its table keys cannot hold them).
 */
export function instanceIdProblem(id: string): string | null {
  // eslint-disable-next-line no-control-regex
  if (id === '' || /[/\\?#\u0000-\u001f\u007f-\u009f]/.test(id)) {
    return `instance id ${JSON.stringify(id)} cannot be used: ids must not be empty or contain '/', '\\', '?', '#' or control characters`;
  }
  return null;
}


export function createDurableHttpApi(options: DurableHttpApiOptions): DurableHttpBridge {
  // The in-process client authenticates with a per-process token in its base path, as the
  // extension's RPC endpoint is reachable only from the worker.
  const rpcToken = randomBytes(16).toString('hex');
  const { runtime, taskHubName, systemKey } = options;
  const limits = { maxBytes: options.maxBodyBytes ?? 32 * 1024 * 1024, timeoutMs: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS };

  const query = `taskHub=${encodeURIComponent(taskHubName)}&connection=Storage&code=${encodeURIComponent(systemKey)}`;

  /** The client data the extension hands to `df.getClient(context)`, for one request origin. */
  function clientDataFor(origin: string) {
    const base = `${origin}${BASE}`;
    const instance = `${base}instances/INSTANCEID`;
    return {
      taskHubName,
      creationUrls: {
        createNewInstancePostUri: `${base}orchestrators/{functionName}[/{instanceId}]?code=${encodeURIComponent(systemKey)}`,
        createAndWaitOnNewInstancePostUri: `${base}orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&code=${encodeURIComponent(systemKey)}`,
      },
      managementUrls: {
        id: 'INSTANCEID',
        statusQueryGetUri: `${instance}?${query}`,
        sendEventPostUri: `${instance}/raiseEvent/{eventName}?${query}`,
        terminatePostUri: `${instance}/terminate?reason={text}&${query}`,
        rewindPostUri: `${instance}/rewind?reason={text}&${query}`,
        purgeHistoryDeleteUri: `${instance}?${query}`,
        restartPostUri: `${instance}/restart?${query}`,
        suspendPostUri: `${instance}/suspend?reason={text}&${query}`,
        resumePostUri: `${instance}/resume?reason={text}&${query}`,
      } as Record<string, string>,
      baseUrl: base.slice(0, -1),
      requiredQueryStringParameters: query,
      rpcBaseUrl: `${base}rpc/${rpcToken}/`,
    };
  }

  return {
    clientData: clientDataFor,

    async handle(req, res, url) {
      if (!url.pathname.startsWith(BASE)) return false;
      let rest = url.pathname.slice(BASE.length);
      const rpcPrefix = `rpc/${rpcToken}/`;
      const rpc = rest.startsWith(rpcPrefix);
      if (rpc) {
        rest = rest.slice(rpcPrefix.length);
      } else if (!keyMatches(url.searchParams.get('code') ?? headerValue(req, 'x-functions-key'), systemKey)) {
        problem(res, 401, 'Unauthorized', 'the durable management API needs the system key as ?code= or x-functions-key');
        return true;
      }
      const bytes = await readRequestBody(req, limits);
      if (bytes === 'too-large') {
        res.shouldKeepAlive = false;
        problem(res, 413, 'Payload Too Large', `request bodies are limited to ${limits.maxBytes} bytes`);
        return true;
      }
      if (bytes === 'timeout') {
        requestTimedOut(req, res, limits.timeoutMs);
        return true;
      }
      const body = bytes.toString('utf8');
      try {
        // Each path segment is decoded on its own, so an encoded `/`, `?` or `#` stays inside its segment.
        const parts = rest.split('/').map(decodeSegment);
        if (parts[0] === 'replay' && req.method === 'POST') {
          await replay(parts.slice(1).join('/'), body, res);
          return true;
        }
        // `url` carries the host's own origin (the HTTP host never builds it from a foreign Host header).
        route(req.method ?? 'GET', parts, url, body, res, url.origin, rpc);
      } catch (err) {
        respondError(res, err);
      }
      return true;
    },
  };

  function route(method: string, parts: string[], url: URL, body: string, res: ServerResponse, origin: string, rpc: boolean): void {
    const [head, id, action, eventName] = parts;
    if (head === 'orchestrators' && method === 'POST' && id !== undefined && id !== '') {
      const requested = action !== undefined && action !== '' ? action : undefined;
      const refused = requested === undefined ? null : instanceIdProblem(requested);
      if (refused !== null || parts.length > 3) return problem(res, 400, 'Bad Request', refused ?? `no durable API route ${method} ${BASE}${parts.map(encodeURIComponent).join('/')}`);
      const instanceId = runtime.start(id, parseInput(body), requested);
      const links = managementLinks(origin, instanceId);
      return json(res, 202, links, { Location: links['statusQueryGetUri'] ?? '', 'Retry-After': '10' });
    }
    if (head !== 'instances') return problem(res, 404, 'Not Found', `no durable API route ${method} ${BASE}${parts.join('/')}`);
    if ((id === undefined || id === '') && method === 'GET') return list(url, res);
    if ((id === undefined || id === '') && method === 'DELETE') return purgeMany(url, res);
    if (id === undefined || id === '') return problem(res, 405, 'Method Not Allowed', `${method} is not supported on ${BASE}instances/`);
    if (method === 'GET' && action === undefined) return status(id, url, res, rpc);
    if (method === 'GET' && action === 'history') return json(res, 200, { instanceId: id, history: runtime.history(id) });
    if (method === 'DELETE' && action === undefined) {
      return runtime.purge(id) ? json(res, 200, { instancesDeleted: 1 }) : problem(res, 404, 'Not Found', `No instance with ID '${id}' was found.`);
    }
    if (method === 'POST' && action === 'raiseEvent' && eventName !== undefined && eventName !== '') {
      runtime.raiseEvent(id, eventName, parseInput(body));
      return json(res, 202, null);
    }
    if (method === 'POST' && action === 'terminate') {
      runtime.terminate(id, url.searchParams.get('reason'));
      return json(res, 202, null);
    }
    if (method === 'POST' && (action === 'suspend' || action === 'resume' || action === 'rewind' || action === 'restart')) {
      return problem(res, 501, 'Not Implemented', `the local host does not emulate ${action}`);
    }
    return problem(res, 404, 'Not Found', `no durable API route ${method} ${BASE}${parts.join('/')}`);
  }

  /**
   * POST …/replay/{orchestrator} with `{ history, input? }` (the body `GET …/instances/{id}/history`
   * returns works as is): runs today's code over the history and reports whether it diverges.
   */
  async function replay(name: string, body: string, res: ServerResponse): Promise<void> {
    const parsed = parseInput(body) as { history?: unknown; input?: unknown } | null;
    if (parsed === null || typeof parsed !== 'object' || !Array.isArray(parsed.history)) {
      throw new BadRequestError('expected a JSON body { "history": [ …events… ], "input"?: … }, as GET …/instances/{id}/history returns');
    }
    const report = await runtime.replay(name, parsed.history as HistoryEvent[], parsed.input);
    json(res, 200, report);
  }

  function managementLinks(origin: string, instanceId: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(clientDataFor(origin).managementUrls)) out[k] = v.replace('INSTANCEID', encodeURIComponent(instanceId));
    out['id'] = instanceId;
    return out;
  }

  /** The worker-facing RPC route names the history `history` (what durable-functions reads); the public API `historyEvents`. */
  function status(id: string, url: URL, res: ServerResponse, rpc: boolean): void {
    const instance = runtime.get(id);
    if (instance === undefined) return problem(res, 404, 'Not Found', `No instance with ID '${id}' was found.`);
    const code = instance.status === 'Completed' ? 200 : instance.status === 'Failed' || instance.status === 'Terminated' ? 400 : 202;
    json(res, code, statusBody(instance, flag(url, 'showHistory'), flag(url, 'showHistoryOutput'), url.searchParams.get('showInput') !== 'false', rpc ? 'history' : 'historyEvents'));
  }

  function list(url: URL, res: ServerResponse): void {
    const from = parseTime(url.searchParams.get('createdTimeFrom'));
    const to = parseTime(url.searchParams.get('createdTimeTo'));
    const statuses = (url.searchParams.get('runtimeStatus') ?? '').split(',').filter((s) => s !== '');
    const top = Number(url.searchParams.get('top') ?? '0');
    let items = runtime
      .list()
      .filter((i) => (from === undefined || i.createdTime >= from) && (to === undefined || i.createdTime <= to))
      .filter((i) => statuses.length === 0 || statuses.includes(i.status))
      .sort((a, b) => a.createdTime - b.createdTime || a.instanceId.localeCompare(b.instanceId));
    if (top > 0) items = items.slice(0, top);
    json(res, 200, items.map((i) => statusBody(i, false, false, url.searchParams.get('showInput') !== 'false')));
  }

  function purgeMany(url: URL, res: ServerResponse): void {
    const from = parseTime(url.searchParams.get('createdTimeFrom'));
    const to = parseTime(url.searchParams.get('createdTimeTo'));
    const statuses = (url.searchParams.get('runtimeStatus') ?? '').split(',').filter((s) => s !== '');
    let deleted = 0;
    for (const i of runtime.list()) {
      if (from !== undefined && i.createdTime < from) continue;
      if (to !== undefined && i.createdTime > to) continue;
      if (statuses.length > 0 && !statuses.includes(i.status)) continue;
      if (i.status === 'Running' || i.status === 'Pending') continue;
      if (runtime.purge(i.instanceId)) deleted++;
    }
    json(res, deleted > 0 ? 200 : 404, { instancesDeleted: deleted });
  }
}

/** The extension's DurableOrchestrationStatus JSON. */
export function statusBody(
  instance: InstanceState,
  showHistory: boolean,
  showHistoryOutput: boolean,
  showInput = true,
  historyKey: 'history' | 'historyEvents' = 'historyEvents',
): Record<string, unknown> {
  return {
    name: instance.name,
    instanceId: instance.instanceId,
    runtimeStatus: instance.status,
    input: showInput ? instance.input : null,
    customStatus: instance.customStatus,
    output: instance.output,
    createdTime: new Date(instance.createdTime).toISOString(),
    lastUpdatedTime: new Date(instance.lastUpdatedTime).toISOString(),
    ...(showHistory ? { [historyKey]: statusHistory(instance.history, showHistoryOutput) } : {}),
  };
}

/**
 * The status API's history view, as the extension shapes it: no OrchestratorStarted/Completed,
 * scheduling merged into completions, EventType as a name.
 */
function statusHistory(history: HistoryEvent[], showOutput: boolean): Array<Record<string, unknown>> {
  const scheduled = new Map<number, HistoryEvent>();
  const out: Array<Record<string, unknown>> = [];
  for (const e of history) {
    switch (e.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(e.EventId, e);
        continue;
      default: {
        const source = e.TaskScheduledId !== undefined ? scheduled.get(e.TaskScheduledId) : undefined;
        out.push({
          EventType: eventTypeName(e.EventType),
          Timestamp: e.Timestamp,
          ...(source !== undefined ? { FunctionName: source.Name, ScheduledTime: source.Timestamp } : {}),
          ...(e.Name !== undefined ? { FunctionName: e.Name } : {}),
          ...(e.EventType === EventType.TimerCreated || e.EventType === EventType.TimerFired ? { FireAt: e.FireAt } : {}),
          ...(e.OrchestrationStatus !== undefined ? { OrchestrationStatus: e.OrchestrationStatus } : {}),
          ...(e.Reason !== undefined ? { Reason: e.Reason } : {}),
          ...(showOutput && e.Result !== undefined ? { Result: fromJsonText(e.Result) } : {}),
        });
      }
    }
  }
  return out;
}

function flag(url: URL, name: string): boolean {
  return url.searchParams.get(name)?.toLowerCase() === 'true';
}

function parseTime(text: string | null): number | undefined {
  if (text === null || text === '') return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function parseInput(body: string): unknown {
  if (body.trim() === '') return null;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new BadRequestError('the request body must be JSON');
  }
}

class BadRequestError extends Error {}

function respondError(res: ServerResponse, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof BadRequestError || err instanceof UnknownFunctionError) return problem(res, 400, 'Bad Request', message);
  if (err instanceof InstanceNotFoundError) return problem(res, 404, 'Not Found', message);
  if (err instanceof InstanceExistsError) return problem(res, 409, 'Conflict', message);
  if (err instanceof InstanceGoneError) return problem(res, 410, 'Gone', message);
  problem(res, 500, 'Internal Server Error', message);
}

function keyMatches(given: string | null | undefined, expected: string): boolean {
  if (given === null || given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** One path segment, percent-decoded; a malformed escape is the caller's mistake (400), not the host's. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(`the path segment '${segment}' is not valid percent-encoding`);
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(body === null ? '' : JSON.stringify(body));
}

function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json; charset=utf-8' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}
