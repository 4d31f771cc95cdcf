/**
 * Serves the app's `httpTrigger` registrations the way the Functions host does: routes under
 * `/<routePrefix>/<route>` with ASP.NET-style templates, method filters, auth levels with
 * per-function keys (one key per group of lib/auth/key-groups.ts) and the master key, and the
 * worker's request and response conversions. The durable runtime plugs in through a
 * DurableHttpBridge: it sees every request first (its webhooks live under
 * `/runtime/webhooks/durabletask/`) and supplies the client data for `durableClient` inputs.
 *
 * What a caller sends never decides where the app calls: the durable client data is built on
 * the host's own listen address, and the request URL a function sees has the listen address (or
 * PUBLIC_BASE_URL) as its origin unless the Host header names one of those. Bodies are limited in
 * size and in the time they take to arrive; keys never reach a log line.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import azureFunctions, { type Cookie, type HttpResponse, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import {
  bindDurableClients,
  createInvocationContext,
  hostLog,
  invokeFunction,
  type HostLogger,
  type LogEntry,
} from './functions-core.js';
import { invocationBindings, repoRoot, type RegisteredFunction, type Registry } from './registry.js';
import { Router } from './http-routes.js';
import { KEY_GROUPS, keyGroupOf } from '../lib/auth/key-groups.js';

/** What the durable runtime offers the HTTP host. */
export interface DurableHttpBridge {
  /**
   * Client data for a `durableClient` input (`taskHubName`, `creationUrls`, `managementUrls`,
   * `rpcBaseUrl`, ...), on `origin`: always the host's own listen address, never a request's Host.
   */
  clientData(origin: string): unknown;
  /** Gets every request first; returns false when it does not own the path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export interface HttpHostOptions {
  registry: Registry;
  /** Default: env PORT, else 7071. 0 picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  hostname?: string;
  /** Route prefix; default: host.json `extensions.http.routePrefix`, else `api`. */
  routePrefix?: string;
  /** Where host.json is; default: the repository root's. */
  hostJsonPath?: string;
  /**
   * Which functions each key group opens (group name → function names); default the app's
   * table, lib/auth/key-groups.ts. A `function`-level function takes its group's key or the
   * master key; one in no group, the master key only.
   */
  keyGroups?: Readonly<Record<string, readonly string[]>>;
  /** The key of each group. Default: a random key per group (see `keys` on the result). */
  groupKeys?: Readonly<Record<string, string | undefined>>;
  /** Accepted everywhere, required for `admin`-level functions. Default: a random key. */
  masterKey?: string;
  durable?: DurableHttpBridge;
  /** Request bodies larger than this get 413; default 1 MB (DEFAULT_MAX_REQUEST_BODY_BYTES). */
  maxRequestBodyBytes?: number;
  /** A body that has not fully arrived this long after its headers gets 408 and the connection closed; default 30 s. */
  bodyTimeoutMs?: number;
  /** Node's `headersTimeout`: the request headers must arrive within it (else 408); default 20 s. */
  headersTimeoutMs?: number;
  /** Node's `requestTimeout`: the whole request must arrive within it (else 408); default 60 s. */
  requestTimeoutMs?: number;
  /**
   * The public address links for people may carry (a status URL in an answer). Default: env
   * PUBLIC_BASE_URL, read per request; without it, the listen address.
   */
  publicBaseUrl?: string;
  logger?: HostLogger;
}

export interface HttpHost {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  routePrefix: string;
  keys: { masterKey: string; groups: Readonly<Record<string, string>> };
  /** Which functions each key group opens. */
  keyGroups: Readonly<Record<string, readonly string[]>>;
  /** The function that serves `method path`, with the key group that opens it (undefined: only the master key). */
  functionFor(method: string, path: string): { name: string; authLevel: string; keyGroup: string | undefined } | undefined;
  /** The URL path template of each HTTP function, e.g. `/api/items/{id:int}`. */
  routes(): { name: string; methods: string[] | undefined; authLevel: string; path: string }[];
  close(): Promise<void>;
}

/** 1 MB: the largest body this app takes is an alert (ALERT_MAX_BYTES, 256 KB by default). Azure's own limit is 100 MB. */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 1024 * 1024;
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 20_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { registry, durable } = options;
  const logger = options.logger;
  const log = (entry: LogEntry) => hostLog(entry, undefined, logger);
  const hostname = options.hostname ?? '127.0.0.1';
  const requestedPort = options.port ?? portFromEnv();
  const routePrefix = normalizePrefix(options.routePrefix ?? routePrefixFromHostJson(options.hostJsonPath ?? join(repoRoot(), 'host.json')));
  const keyGroups = options.keyGroups ?? KEY_GROUPS;
  const keys = {
    masterKey: options.masterKey ?? randomBytes(32).toString('base64url'),
    groups: Object.fromEntries(Object.keys(keyGroups).map((g) => [g, options.groupKeys?.[g] ?? randomBytes(32).toString('base64url')])) as Record<string, string>,
  };
  const maxBody = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const router = new Router(registry, routePrefix, log);
  router.refresh(true); // bad route templates fail the start, naming the function
  const ungrouped = router
    .describe()
    .filter((r) => r.authLevel.toLowerCase() === 'function' && keyGroupOf(r.name, keyGroups) === undefined)
    .map((r) => r.name);
  if (ungrouped.length > 0) {
    log({ level: 'warning', category: 'host', message: `${ungrouped.join(', ')} ${ungrouped.length === 1 ? 'is' : 'are'} in no key group (lib/auth/key-groups.ts): only the master key opens ${ungrouped.length === 1 ? 'it' : 'them'}` });
  }

  let inflight = 0;
  let closing = false;
  const idleWaiters: (() => void)[] = [];

  const headersTimeout = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, headersTimeout),
      // How often Node enforces the two timeouts above (its default, 30 s, would let them overrun).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
    inflight++;
    if (closing) res.shouldKeepAlive = false;
    handle(req, res)
      .catch((err: unknown) => {
        // The path only (hostLog redacts a `code=` key in its query).
        log({ level: 'error', category: 'host', message: `request ${req.method} ${req.url ?? '/'} failed: ${describe(err)}` });
        if (!res.headersSent && !res.destroyed) problem(res, 500, 'Internal Server Error', 'the local host failed to handle the request');
        else res.destroy();
      })
      .finally(() => {
        inflight--;
        if (inflight === 0) for (const w of idleWaiters.splice(0)) w();
      });
    },
  );
  server.on('error', (err) => log({ level: 'error', category: 'host', message: `HTTP server error: ${describe(err)}` }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    // The origin of the URL functions see: the Host header only when it names this host.
    const url = new URL(req.url ?? '/', trustedOrigin(req.headers.host));

    if (durable && (await durable.handle(req, res, url))) return;

    const match = router.match(method, url.pathname);
    if (match.kind === 'none') {
      return problem(res, 404, 'Not Found', `no function serves ${method} ${url.pathname}`);
    }
    if (match.kind === 'method') {
      res.setHeader('Allow', match.allow.join(', '));
      return problem(res, 405, 'Method Not Allowed', `${method} is not allowed on ${url.pathname}; allowed: ${match.allow.join(', ')}`);
    }
    const { fn, params } = match;

    const authLevel = String(fn.trigger['authLevel'] ?? 'anonymous').toLowerCase();
    const group = keyGroupOf(fn.name, keyGroups);
    if (!authorized(authLevel, presentedKey(req, url), { masterKey: keys.masterKey, groupKey: group === undefined ? undefined : keys.groups[group] })) {
      const needs = authLevel === 'admin' || authLevel === 'system' || group === undefined ? 'the master key' : `the ${group} key or the master key`;
      return problem(res, 401, 'Unauthorized', `function '${fn.name}' needs ${needs}, as ?code= or the x-functions-key header`);
    }

    const body = await readRequestBody(req, { maxBytes: maxBody, timeoutMs: bodyTimeoutMs });
    if (body === 'too-large') {
      res.shouldKeepAlive = false;
      return problem(res, 413, 'Payload Too Large', `request bodies are limited to ${maxBody} bytes`);
    }
    if (body === 'timeout') return requestTimedOut(req, res, bodyTimeoutMs);

    const context = createInvocationContext(fn, logger ? { logger } : {});
    const started = Date.now();
    log({
      level: 'information',
      category: 'host',
      message: `Executing 'Functions.${fn.name}' (Reason='This function was programmatically called via the host APIs.', Id=${context.invocationId})`,
      functionName: fn.name,
      invocationId: context.invocationId,
    });
    let response: HttpResponse | undefined;
    let streamed = false;
    try {
      // Internal calls go to the listen address: never to where a request's Host header points.
      await bindDurableClients(fn, context, durable ? () => durable.clientData(internalUrl) : undefined);
      const request = new azureFunctions.HttpRequest({
        method,
        url: url.href,
        headers: requestHeaders(req.headers),
        query: requestQuery(url.searchParams),
        params,
        body: { bytes: body },
      });
      const result = await invokeFunction(fn, [request], context);
      const output = httpOutput(fn, context, result);
      response = toHttpResponse(output);
      streamed = isStreamBody((output as { body?: unknown } | null | undefined)?.body);
    } catch (err) {
      log({
        level: 'error',
        category: 'host',
        message: `Executed 'Functions.${fn.name}' (Failed, Id=${context.invocationId}, Duration=${Date.now() - started}ms)\n${describe(err, true)}`,
        functionName: fn.name,
        invocationId: context.invocationId,
      });
      return problem(res, 500, 'Internal Server Error', `Exception while executing function: Functions.${fn.name}. ${describe(err)}`);
    }
    log({
      level: 'information',
      category: 'host',
      message: `Executed 'Functions.${fn.name}' (Succeeded, Id=${context.invocationId}, Duration=${Date.now() - started}ms)`,
      functionName: fn.name,
      invocationId: context.invocationId,
    });
    await writeResponse(res, method, response, streamed);
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${requestedPort} on ${hostname} is already in use; choose another with --port or PORT`, { cause: err })
          : err,
      );
    };
    server.once('error', onError);
    server.listen(requestedPort, hostname, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${port}`;
  // A wildcard listen address is reached at the loopback one.
  const internalUrl = hostname === '0.0.0.0' || hostname === '::' || hostname === '' ? `http://127.0.0.1:${port}` : url;
  const listenHosts = new Set([new URL(url).host, new URL(internalUrl).host]);

  /**
   * The origin of the request URL a function sees (links for people are built from it): the
   * Host header's when it names the listen address or the public address, else the public
   * address (PUBLIC_BASE_URL) when there is one, else the listen address.
   */
  function trustedOrigin(hostHeader: string | undefined): string {
    const publicBase = publicOrigin(options.publicBaseUrl ?? process.env['PUBLIC_BASE_URL']);
    const host = hostHeader?.trim().toLowerCase();
    if (host !== undefined && host !== '') {
      if (listenHosts.has(host)) return `http://${host}`;
      if (publicBase !== undefined && host === new URL(publicBase).host) return publicBase;
    }
    return publicBase ?? url;
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    routePrefix,
    keys,
    keyGroups,
    routes: () => router.describe(),
    functionFor(method, path) {
      const match = router.match(method.toUpperCase(), new URL(path, url).pathname);
      if (match.kind !== 'ok') return undefined;
      return { name: match.fn.name, authLevel: String(match.fn.trigger['authLevel'] ?? 'anonymous').toLowerCase(), keyGroup: keyGroupOf(match.fn.name, keyGroups) };
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inflight > 0) {
          await Promise.race([new Promise<void>((r) => idleWaiters.push(r)), new Promise<void>((r) => setTimeout(r, 5_000).unref())]);
        }
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Requests and responses

function portFromEnv(): number {
  const raw = process.env['PORT'];
  if (raw === undefined || raw === '') return 7071;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

function presentedKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  return url.searchParams.get('code') ?? undefined;
}

function sameKey(a: string | undefined, b: string): boolean {
  if (a === undefined || a === '') return false;
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Azure's levels: anonymous needs nothing; function the function's own key (here: its key
 * group's) or the master key; admin the master key.
 */
export function authorized(level: string, key: string | undefined, keys: { masterKey: string; groupKey?: string | undefined }): boolean {
  switch (level.toLowerCase()) {
    case 'anonymous':
      return true;
    case 'admin':
    case 'system':
      return sameKey(key, keys.masterKey);
    default:
      return sameKey(key, keys.masterKey) || (keys.groupKey !== undefined && sameKey(key, keys.groupKey));
  }
}

/**
 * A request body, whole: `too-large` past `maxBytes` (declared or counted), `timeout` when it has
 * not fully arrived within `timeoutMs` of the call (a sender trickling bytes is cut off, however
 * steadily it trickles). A client that goes away mid-body rejects the promise.
 */
export function readRequestBody(req: IncomingMessage, limits: { maxBytes: number; timeoutMs: number }): Promise<Buffer | 'too-large' | 'timeout'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => settle(() => resolve('timeout')), limits.timeoutMs);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limits.maxBytes) {
        chunks.length = 0;
        settle(() => resolve('too-large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => settle(() => resolve(Buffer.concat(chunks))));
    req.on('error', (err) => settle(() => reject(err)));
    req.on('close', () => {
      if (!req.complete) settle(() => reject(new Error('the client closed the connection before the whole body arrived')));
    });
  });
}

/** 408 for a body that took too long, then the connection closed: the slow sender gets no more of the host's time. */
export function requestTimedOut(req: IncomingMessage, res: ServerResponse, timeoutMs: number): void {
  res.shouldKeepAlive = false;
  res.once('finish', () => req.socket.destroy());
  problem(res, 408, 'Request Timeout', `the request body did not arrive within ${timeoutMs} ms; send it again, faster`);
}

function publicOrigin(base: string | undefined): string | undefined {
  if (base === undefined || base.trim() === '') return undefined;
  try {
    const parsed = new URL(base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Header values as the host forwards them: repeated headers joined with ", " (cookies with "; "). */
function requestHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(name === 'cookie' ? '; ' : ', ') : value;
  }
  return out;
}

/** Query values as the host forwards them: a repeated parameter's values joined with ",". */
function requestQuery(search: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of new Set(search.keys())) out[key] = search.getAll(key).join(',');
  return out;
}

/** The value bound to the function's HTTP output: its return value, or an `http` extra output. */
function httpOutput(fn: RegisteredFunction, context: InvocationContext, result: unknown): unknown {
  const bindings = invocationBindings(fn);
  if (bindings.return?.type.toLowerCase() === 'http') return result;
  const out = bindings.extraOutputs.find((o) => o.type.toLowerCase() === 'http');
  return out ? context.extraOutputs.get(out.name) : result;
}

/** What the library's `toRpcHttp` accepts, as an HttpResponse; undefined for "no response". */
function toHttpResponse(value: unknown): HttpResponse | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') {
    throw new TypeError('The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".');
  }
  return value instanceof azureFunctions.HttpResponse ? value : new azureFunctions.HttpResponse(value as HttpResponseInit);
}

/** A body the handler gave as a stream: sent as it is produced (chunked) rather than buffered. */
function isStreamBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  if (ArrayBuffer.isView(body) || body instanceof ArrayBuffer || body instanceof URLSearchParams || body instanceof Blob) return false;
  return typeof (body as { pipe?: unknown }).pipe === 'function' || typeof (body as { getReader?: unknown }).getReader === 'function' || Symbol.asyncIterator in body;
}

async function writeResponse(res: ServerResponse, method: string, response: HttpResponse | undefined, streamed: boolean): Promise<void> {
  if (!response) {
    // The host answers an invocation that bound no response with an empty 204.
    res.writeHead(204);
    res.end();
    return;
  }
  const headers = response.headers as Headers & { getSetCookie?: () => string[] };
  for (const [name, value] of headers.entries()) {
    if (name !== 'set-cookie') res.setHeader(name, value);
  }
  const cookies = [...(headers.getSetCookie?.() ?? []), ...response.cookies.map(serializeCookie)];
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  res.statusCode = response.status;
  const body = response.body;
  if (body && streamed) {
    if (method === 'HEAD') {
      await body.cancel();
      res.end();
      return;
    }
    await pipeline(Readable.fromWeb(body as unknown as NodeReadableStream), res);
    return;
  }
  // As the worker does without HTTP streaming: the whole body, then one response with its length.
  const bytes = body ? Buffer.from(await response.arrayBuffer()) : Buffer.alloc(0);
  if (body || ![204, 304].includes(response.status)) res.setHeader('Content-Length', bytes.length);
  res.end(method === 'HEAD' ? undefined : bytes);
}

export function serializeCookie(cookie: Cookie): string {
  let s = `${cookie.name}=${cookie.value}`;
  if (cookie.domain) s += `; Domain=${cookie.domain}`;
  if (cookie.path) s += `; Path=${cookie.path}`;
  if (cookie.expires !== undefined) s += `; Expires=${new Date(cookie.expires).toUTCString()}`;
  if (cookie.maxAge !== undefined) s += `; Max-Age=${cookie.maxAge}`;
  if (cookie.secure) s += '; Secure';
  if (cookie.httpOnly) s += '; HttpOnly';
  if (cookie.sameSite) s += `; SameSite=${cookie.sameSite}`;
  return s;
}

export function problem(res: ServerResponse, status: number, title: string, detail: string): void {
  res.writeHead(status, { 'Content-Type': 'application/problem+json; charset=utf-8' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function describe(err: unknown, withStack = false): string {
  if (err instanceof Error) return withStack && err.stack ? err.stack : err.message;
  return String(err);
}

// ---------------------------------------------------------------------------------------------
// host.json

export function routePrefixFromHostJson(path: string): string {
  if (!existsSync(path)) return 'api';
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${describe(err)}`, { cause: err });
  }
  const prefix = (json as { extensions?: { http?: { routePrefix?: unknown } } })?.extensions?.http?.routePrefix;
  return typeof prefix === 'string' ? prefix : 'api';
}

function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
