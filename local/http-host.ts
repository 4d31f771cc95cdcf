/**
 * Serves the app's `httpTrigger` registrations the way the Functions host does: routes under
 * `/<routePrefix>/<route>` with ASP.NET-style templates, method filters, auth levels with
 * function / master keys, and the worker's request and response conversions. The durable runtime
 * plugs in through a DurableHttpBridge: it sees every request first (its webhooks live under
 * `/runtime/webhooks/durabletask/`) and supplies the client data for `durableClient` inputs.
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

/** What the durable runtime offers the HTTP host. */
export interface DurableHttpBridge {
  /** Client data for a `durableClient` input (`taskHubName`, `creationUrls`, `managementUrls`, `rpcBaseUrl`, ...). */
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
  /** Accepted for `function`-level functions. Default: a random key (see `keys` on the result). */
  functionKey?: string;
  /** Accepted everywhere, required for `admin`-level functions. Default: a random key. */
  masterKey?: string;
  durable?: DurableHttpBridge;
  /** Request bodies larger than this get 413; default 100 MB (Azure's limit). */
  maxRequestBodyBytes?: number;
  logger?: HostLogger;
}

export interface HttpHost {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  routePrefix: string;
  keys: { functionKey: string; masterKey: string };
  /** The URL path template of each HTTP function, e.g. `/api/items/{id:int}`. */
  routes(): { name: string; methods: string[] | undefined; authLevel: string; path: string }[];
  close(): Promise<void>;
}

export const DEFAULT_MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024;

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { registry, durable } = options;
  const logger = options.logger;
  const log = (entry: LogEntry) => hostLog(entry, undefined, logger);
  const hostname = options.hostname ?? '127.0.0.1';
  const requestedPort = options.port ?? portFromEnv();
  const routePrefix = normalizePrefix(options.routePrefix ?? routePrefixFromHostJson(options.hostJsonPath ?? join(repoRoot(), 'host.json')));
  const keys = {
    functionKey: options.functionKey ?? randomBytes(32).toString('base64url'),
    masterKey: options.masterKey ?? randomBytes(32).toString('base64url'),
  };
  const maxBody = options.maxRequestBodyBytes ?? DEFAULT_MAX_REQUEST_BODY_BYTES;
  const router = new Router(registry, routePrefix, log);
  router.refresh(true); // bad route templates fail the start, naming the function

  let inflight = 0;
  let closing = false;
  const idleWaiters: (() => void)[] = [];

  const server = createServer((req, res) => {
    inflight++;
    if (closing) res.shouldKeepAlive = false;
    handle(req, res)
      .catch((err: unknown) => {
        log({ level: 'error', category: 'host', message: `request ${req.method} ${req.url} failed: ${describe(err)}` });
        if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'the local host failed to handle the request');
        else res.destroy();
      })
      .finally(() => {
        inflight--;
        if (inflight === 0) for (const w of idleWaiters.splice(0)) w();
      });
  });
  server.on('error', (err) => log({ level: 'error', category: 'host', message: `HTTP server error: ${describe(err)}` }));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const hostHeader = req.headers.host ?? `${hostname}:${port}`;
    const url = new URL(req.url ?? '/', `http://${hostHeader}`);
    const origin = url.origin;

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
    if (!authorized(authLevel, presentedKey(req, url), keys)) {
      const needs = authLevel === 'admin' || authLevel === 'system' ? 'the master key' : 'a function key or the master key';
      return problem(res, 401, 'Unauthorized', `function '${fn.name}' needs ${needs}, as ?code= or the x-functions-key header`);
    }

    const body = await readBody(req, maxBody);
    if (body === 'too-large') {
      res.shouldKeepAlive = false;
      return problem(res, 413, 'Payload Too Large', `request bodies are limited to ${maxBody} bytes`);
    }

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
      await bindDurableClients(fn, context, durable ? () => durable.clientData(origin) : undefined);
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

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    routePrefix,
    keys,
    routes: () => router.describe(),
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

/** Azure's levels: anonymous needs nothing, function a function (or host/master) key, admin the master key. */
export function authorized(level: string, key: string | undefined, keys: { functionKey: string; masterKey: string }): boolean {
  switch (level.toLowerCase()) {
    case 'anonymous':
      return true;
    case 'admin':
    case 'system':
      return sameKey(key, keys.masterKey);
    default:
      return sameKey(key, keys.masterKey) || sameKey(key, keys.functionKey);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!over) reject(err);
    });
  });
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
