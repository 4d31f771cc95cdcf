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

// ---------------------------------------------------------------------------------------------
// Routes

type Part = { kind: 'literal'; text: string } | { kind: 'param'; param: Param };

interface Param {
  name: string;
  optional: boolean;
  catchAll: boolean;
  constraints: Constraint[];
  defaultValue?: string;
}

interface Constraint {
  text: string;
  test(value: string): boolean;
}

export interface CompiledRoute {
  template: string;
  regex: RegExp;
  params: Param[];
  /** Lower sorts first (ASP.NET inbound precedence: literal 1, complex 2, constrained 3, parameter 4, catch-all 5). */
  precedence: number[];
}

/** Parses and compiles an ASP.NET-style route template; errors name the problem. */
export function compileRoute(template: string, prefix: string): CompiledRoute {
  const trimmed = template.replace(/^[~]?\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  const params: Param[] = [];
  const precedence: number[] = [];
  let re = prefix === '' ? '' : `/${escapeRegExp(prefix)}`;
  let sawOptional = false;
  segments.forEach((segment, index) => {
    if (segment === '') throw new Error(`the route template "${template}" has an empty segment`);
    const parts = parseSegment(segment, template);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'param') {
      const p = only.param;
      params.push(p);
      if (p.catchAll) {
        if (index !== segments.length - 1) throw new Error(`a catch-all parameter ({*${p.name}}) must be the last segment of "${template}"`);
        re += `(?:/(.*))?`;
        precedence.push(5);
      } else if (p.optional || p.defaultValue !== undefined) {
        sawOptional = true;
        re += `(?:/([^/]+))?`;
        precedence.push(p.constraints.length > 0 ? 3 : 4);
      } else {
        if (sawOptional) throw new Error(`an optional parameter must come last in "${template}"`);
        re += `/([^/]+)`;
        precedence.push(p.constraints.length > 0 ? 3 : 4);
      }
      return;
    }
    if (sawOptional) throw new Error(`an optional parameter must come last in "${template}"`);
    re += '/';
    let complex = false;
    parts.forEach((part, i) => {
      if (part.kind === 'literal') {
        re += escapeRegExp(part.text);
        return;
      }
      complex = true;
      const p = part.param;
      if (p.catchAll) throw new Error(`a catch-all parameter must be a whole segment in "${template}"`);
      params.push(p);
      const last = i === parts.length - 1;
      if (p.optional) {
        if (!last) throw new Error(`an optional parameter must come last in segment "${segment}" of "${template}"`);
        // `{name}.{ext?}`: the separator before an optional trailing parameter goes with it.
        const prev = parts[i - 1];
        if (prev?.kind === 'literal') {
          re = re.slice(0, re.length - escapeRegExp(prev.text).length);
          re += `(?:${escapeRegExp(prev.text)}([^/]+?))?`;
        } else re += `([^/]*?)`;
      } else re += last ? `([^/]+)` : `([^/]+?)`;
    });
    precedence.push(complex ? 2 : 1);
  });
  const names = new Set<string>();
  for (const p of params) {
    const key = p.name.toLowerCase();
    if (names.has(key)) throw new Error(`the route parameter "${p.name}" appears twice in "${template}"`);
    names.add(key);
  }
  return { template: trimmed, regex: new RegExp(`^${re}/?$`, 'i'), params, precedence };
}

function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const c = segment[i]!;
    if (c === '{' && segment[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (c === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (c === '{') {
      const end = closingBrace(segment, i);
      if (end < 0) throw new Error(`unbalanced "{" in the route template "${template}"`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      const previous = parts[parts.length - 1];
      if (previous?.kind === 'param') throw new Error(`two parameters in segment "${segment}" of "${template}" need a literal between them`);
      parts.push({ kind: 'param', param: parseParam(segment.slice(i + 1, end), template) });
      i = end + 1;
    } else if (c === '}') {
      throw new Error(`unbalanced "}" in the route template "${template}"`);
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '}' && depth === 0) {
      if (s[i + 1] === '}') {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

function parseParam(text: string, template: string): Param {
  let rest = text.trim();
  let catchAll = false;
  if (rest.startsWith('**')) {
    catchAll = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.slice(1);
  }
  let optional = false;
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  // Split on ':' and '=' outside parentheses.
  const pieces: string[] = [];
  let defaultValue: string | undefined;
  let depth = 0;
  let current = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && c === '=' && defaultValue === undefined) {
      pieces.push(current);
      defaultValue = rest.slice(i + 1).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      current = '';
      break;
    }
    if (depth === 0 && c === ':') {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  if (defaultValue === undefined) pieces.push(current);
  const name = (pieces.shift() ?? '').trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid route parameter name "${name}" in "${template}"`);
  if (optional && defaultValue !== undefined) throw new Error(`the route parameter "${name}" in "${template}" cannot be both optional and have a default`);
  if (catchAll && optional) optional = false; // a catch-all is optional by nature
  const constraints = pieces.map((c) => constraint(c.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), name, template));
  return { name, optional, catchAll, constraints, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

const INT = /^-?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)$/;

function constraint(text: string, param: string, template: string): Constraint {
  const m = /^([a-zA-Z]+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!m) throw new Error(`invalid constraint "${text}" on route parameter "${param}" in "${template}"`);
  const kind = m[1]!.toLowerCase();
  const arg = m[2];
  const args = arg === undefined ? [] : arg.split(',').map((a) => a.trim());
  const num = (i: number): number => {
    const v = Number(args[i]);
    if (args[i] === undefined || !Number.isFinite(v)) throw new Error(`the constraint "${text}" on "${param}" in "${template}" needs a number argument`);
    return v;
  };
  const inInt = (v: string, bits: 32 | 64) => {
    if (!INT.test(v)) return false;
    const b = BigInt(v);
    const max = bits === 32 ? 2n ** 31n : 2n ** 63n;
    return b >= -max && b < max;
  };
  let test: (v: string) => boolean;
  switch (kind) {
    case 'int':
      test = (v) => inInt(v, 32);
      break;
    case 'long':
      test = (v) => inInt(v, 64);
      break;
    case 'bool':
      test = (v) => /^(true|false)$/i.test(v);
      break;
    case 'datetime':
      test = (v) => !Number.isNaN(Date.parse(v));
      break;
    case 'decimal':
      test = (v) => DECIMAL.test(v);
      break;
    case 'double':
    case 'float':
      test = (v) => NUMBER.test(v);
      break;
    case 'guid':
      test = (v) => /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v);
      break;
    case 'alpha':
      test = (v) => /^[a-z]+$/i.test(v);
      break;
    case 'required':
      test = (v) => v !== '';
      break;
    case 'minlength': {
      const n = num(0);
      test = (v) => v.length >= n;
      break;
    }
    case 'maxlength': {
      const n = num(0);
      test = (v) => v.length <= n;
      break;
    }
    case 'length': {
      const a = num(0);
      const b = args.length > 1 ? num(1) : a;
      test = (v) => v.length >= a && v.length <= b;
      break;
    }
    case 'min': {
      const n = num(0);
      test = (v) => inInt(v, 64) && Number(v) >= n;
      break;
    }
    case 'max': {
      const n = num(0);
      test = (v) => inInt(v, 64) && Number(v) <= n;
      break;
    }
    case 'range': {
      const a = num(0);
      const b = num(1);
      test = (v) => inInt(v, 64) && Number(v) >= a && Number(v) <= b;
      break;
    }
    case 'regex': {
      if (arg === undefined) throw new Error(`the regex constraint on "${param}" in "${template}" needs a pattern`);
      let re: RegExp;
      try {
        re = new RegExp(arg, 'i');
      } catch (err) {
        throw new Error(`the regex constraint on "${param}" in "${template}" is not a valid pattern: ${describe(err)}`, { cause: err });
      }
      test = (v) => re.test(v);
      break;
    }
    default:
      throw new Error(`the constraint "${text}" on route parameter "${param}" in "${template}" is not supported`);
  }
  return { text, test };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function comparePrecedence(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

interface RouteEntry {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[] | undefined;
  order: number;
}

type MatchResult =
  | { kind: 'none' }
  | { kind: 'method'; allow: string[] }
  | { kind: 'ok'; fn: RegisteredFunction; params: Record<string, string> };

class Router {
  private functions: RegisteredFunction[] = [];
  private entries: RouteEntry[] = [];
  private readonly failed = new Set<RegisteredFunction>();

  constructor(
    private readonly registry: Registry,
    private readonly prefix: string,
    private readonly log: (entry: LogEntry) => void,
  ) {}

  /** Recompiles when the registrations changed (functions registered after start are served too). */
  refresh(strict = false): void {
    const current = this.registry.byTriggerType('httpTrigger');
    if (current.length === this.functions.length && current.every((f, i) => f === this.functions[i])) return;
    const entries: RouteEntry[] = [];
    current.forEach((fn, order) => {
      const template = typeof fn.trigger['route'] === 'string' && fn.trigger['route'] !== '' ? fn.trigger['route'] : fn.name;
      let route: CompiledRoute;
      try {
        route = compileRoute(template, this.prefix);
      } catch (err) {
        const message = `HTTP function "${fn.name}": ${describe(err)}`;
        if (strict) throw new Error(message, { cause: err });
        if (!this.failed.has(fn)) this.log({ level: 'error', category: 'host', message, functionName: fn.name });
        this.failed.add(fn);
        return;
      }
      const raw = fn.trigger['methods'];
      const methods = Array.isArray(raw) && raw.length > 0 ? raw.map((m) => String(m).toUpperCase()) : undefined;
      entries.push({ fn, route, methods, order });
    });
    entries.sort((a, b) => comparePrecedence(a.route.precedence, b.route.precedence) || a.order - b.order);
    this.functions = current;
    this.entries = entries;
  }

  match(method: string, pathname: string): MatchResult {
    this.refresh();
    const allow = new Set<string>();
    let pathMatched = false;
    for (const entry of this.entries) {
      const params = matchRoute(entry.route, pathname);
      if (!params) continue;
      if (entry.methods && !entry.methods.includes(method)) {
        pathMatched = true;
        for (const m of entry.methods) allow.add(m);
        continue;
      }
      return { kind: 'ok', fn: entry.fn, params };
    }
    return pathMatched ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
  }

  describe(): { name: string; methods: string[] | undefined; authLevel: string; path: string }[] {
    this.refresh();
    return [...this.entries]
      .sort((a, b) => a.order - b.order)
      .map((e) => ({
        name: e.fn.name,
        methods: e.methods,
        authLevel: String(e.fn.trigger['authLevel'] ?? 'anonymous'),
        path: `${this.prefix === '' ? '' : `/${this.prefix}`}/${e.route.template}`,
      }));
  }
}

/** The route's parameters if `pathname` matches it (constraints included), else undefined. */
export function matchRoute(route: CompiledRoute, pathname: string): Record<string, string> | undefined {
  const m = route.regex.exec(pathname);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const p = route.params[i]!;
    const raw = m[i + 1];
    let value: string | undefined;
    if (raw === undefined || raw === '') value = p.defaultValue;
    else {
      try {
        value = decodeURIComponent(raw);
      } catch {
        value = raw;
      }
    }
    if (value === undefined) {
      if (!p.optional && !p.catchAll) return undefined;
      continue;
    }
    if (!p.constraints.every((c) => c.test(value))) return undefined;
    params[p.name] = value;
  }
  return params;
}
