/**
 * The Azure simulator: one HTTPS server answering ARM, the data planes the playbooks use, a
 * token endpoint, and a control API (`/_sim/…`) for faults and inspection. Every request goes
 * through the same pipeline ARM's front door applies: authentication, api-version, throttling,
 * region health, injected faults, then the resource provider.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import selfsigned from 'selfsigned';
import { armError, unsupportedApiVersion } from './arm.js';
import { SimClock } from './clock.js';
import { contractsFromEnv, processRecorder, type ContractRecorder } from './contracts/record.js';
import { controlRoutes } from './control.js';
import { createUserTokenIssuer, type UserTokenIssuer } from './providers/identity.js';
import { loadEstate, seedEstate, type Estate } from './estate.js';
import { Faults, type OutageMode } from './faults.js';
import { Incidents, SERVICE_NAMES, type Incident } from './incidents.js';
import { Operations } from './lro.js';
import { OperationLog } from './oplog.js';
import { providerRoutes } from './providers/index.js';
import { Router } from './router.js';
import { Store, idKey } from './store.js';
import { RequestQuotas, Throttle, throttleHeader } from './throttle.js';
import type { OperationKind, Route, SimRequest, SimResponse } from './types.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  hostname?: string;
  /** Azure durations play back this many times faster (the local host's --time-scale). */
  timeScale?: number;
  /** Host time the simulator's clock starts at (epoch ms); default the real time. */
  startTime?: number;
  /** The estate to seed: a parsed estate, or the path of an estate YAML file. */
  estate?: Estate | string;
  /** Seed for injected error rates, so fault runs are reproducible. */
  seed?: number;
  /** How long a request to a region in `timeout` outage hangs before its connection is dropped (real ms). */
  hangMs?: number;
  /** Added to every request, real ms (ARM's front door is ~30 ms away in Azure; 0 by default). */
  roundTripMs?: number;
  /**
   * Strict mode: every exchange is checked against Microsoft's REST specs (sim/contracts) and
   * what breaches them is recorded; true records into this process's recorder. Default: on when
   * the environment says SIM_CONTRACTS=1 (test setups; child processes inherit it), else off.
   */
  contracts?: boolean | ContractRecorder;
}

/** What strict mode keeps of a request until its answer is sent. */
interface Pending {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
  route?: string;
}

export class Simulator {
  readonly store = new Store();
  readonly clock: SimClock;
  /** Signs on-call engineers' Entra tokens (providers/identity.ts). */
  readonly userTokens: UserTokenIssuer = createUserTokenIssuer();
  readonly operations: Operations;
  readonly faults: Faults;
  /** ARM's token buckets, refilled in Azure time: a sped-up simulator has the same budget per Azure hour. */
  readonly throttle: Throttle;
  /** Data planes' own request quotas (App Configuration's per store), in Azure time too. */
  readonly quotas: RequestQuotas;
  readonly log = new OperationLog();
  readonly incidents = new Incidents();
  /** Requests answered per operation since the last reset, and how many of them were throttled: what a benchmark reads to explain its figures. */
  readonly traffic = new Map<string, { kind: OperationKind; requests: number; throttled: number }>();
  /** PEM of the simulator's self-signed certificate: what clients must trust. */
  ca = '';
  baseUrl = '';
  /** Strict mode's recorder, when contract checking is on. */
  readonly contracts: ContractRecorder | undefined;
  private readonly pending = new WeakMap<ServerResponse, Pending>();
  private server: Server | undefined;
  private readonly router = new Router();
  private estate: Estate | undefined;
  private readonly hung = new Set<ServerResponse>();
  private readonly resetHooks: Array<() => void> = [];

  private constructor(private readonly options: SimulatorOptions) {
    this.clock = new SimClock(options.timeScale ?? 1, options.startTime);
    this.throttle = new Throttle(() => this.clock.now());
    this.quotas = new RequestQuotas(() => this.clock.now());
    this.operations = new Operations(this.clock);
    this.faults = new Faults(seededRandom(options.seed ?? 1));
    const contracts = options.contracts ?? contractsFromEnv();
    this.contracts = contracts === true ? processRecorder() : contracts === false ? undefined : contracts;
  }

  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const sim = new Simulator(options);
    sim.estate = typeof options.estate === 'string' ? loadEstate(options.estate) : options.estate;
    sim.reset();
    sim.router.add(controlRoutes(sim));
    sim.router.add(providerRoutes(sim));
    const hostname = options.hostname ?? '127.0.0.1';
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    });
    sim.ca = pems.cert;
    sim.server = createServer({ key: pems.private, cert: pems.cert, keepAlive: true }, (req, res) => {
      sim.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sim.send(res, armError(500, 'InternalServerError', `simulator error: ${err instanceof Error ? err.message : String(err)}`));
      });
    });
    await new Promise<void>((resolve, reject) => {
      sim.server!.once('error', reject);
      sim.server!.listen(options.port ?? 0, hostname, () => resolve());
    });
    sim.baseUrl = `https://${hostname}:${(sim.server.address() as AddressInfo).port}`;
    return sim;
  }

  async close(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.operations.clear();
    await new Promise<void>((resolve) => {
      if (this.server === undefined) return resolve();
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  /** Back to the seeded estate: faults, outages, incidents, operations and the log cleared. */
  reset(): void {
    this.store.clear();
    this.operations.clear();
    this.faults.clear();
    this.throttle.reset();
    this.quotas.reset();
    this.log.clear();
    this.incidents.clear();
    this.traffic.clear();
    if (this.estate !== undefined) seedEstate(this.store, this.estate, this.clock.now());
    for (const hook of this.resetHooks) hook();
  }

  /** Providers that keep state outside the store forget it on reset through this hook. */
  onReset(hook: () => void): void {
    this.resetHooks.push(hook);
  }

  /** The estate's extra records of one kind (`appConfiguration`, `graphIssues`, `purview`). */
  estateData(kind: string): unknown {
    return this.estate?.data[kind];
  }

  /**
   * Takes a region down: its resources answer 503 (or hang), Resource Health reports them
   * Unavailable, and a Service Health incident for the services there is opened.
   */
  takeDown(region: string, mode: OutageMode = 'unavailable', services?: string[]): Incident {
    const r = region.toLowerCase();
    this.faults.takeDown(r, mode);
    const inRegion = this.store.all().filter((res) => res.location.toLowerCase() === r);
    const names = services ?? [...new Set(inRegion.map((res) => SERVICE_NAMES[res.type.split('/')[0]!.toLowerCase()]).filter((s): s is string => s !== undefined))];
    const subscriptions = [...new Set(inRegion.map((res) => res.id.split('/')[2]!).filter((s) => s !== undefined))];
    return this.incidents.open(r, names.length > 0 ? names : ['Azure'], subscriptions, this.clock.now());
  }

  restore(region: string): Incident[] {
    this.faults.restore(region);
    return this.incidents.resolve(region.toLowerCase(), this.clock.now());
  }

  // ── the request pipeline ────────────────────────────────────────────────────────────────────

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = (req.url ?? '/').replace(/^\/{2,}/, '/');
    const url = new URL(raw, 'https://sim.invalid');
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const pending: Pending = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers, body: undefined };
    if (this.contracts !== undefined) this.pending.set(res, pending);
    let parsed: unknown;
    if (body.length > 0) {
      const type = headers['content-type'] ?? '';
      if (type.includes('application/x-www-form-urlencoded')) {
        parsed = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      } else {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          return this.send(res, armError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized: not JSON.'), true);
        }
      }
    }
    pending.body = parsed;
    const found = this.router.match(req.method ?? 'GET', url.pathname);
    if (!('route' in found)) {
      return this.send(
        res,
        found.methodMismatch
          ? armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`)
          : armError(404, 'NotFound', `The simulator has no API at ${req.method} ${url.pathname}.`),
        true,
      );
    }
    const { route, params } = found;
    pending.route = route.operation;
    const isControl = route.operation.startsWith('Simulator/');
    const isIdentity = route.operation.startsWith('Identity/');
    const request: SimRequest = { method: (req.method ?? 'GET').toUpperCase(), path: url.pathname, query: url.searchParams, headers, body: parsed, caller: 'anonymous', at: this.clock.now() };
    if (isControl || isIdentity) return this.send(res, await route.handle({ request, params }));

    // Refusals the pipeline makes before the provider sees the request. ARM's front door writes
    // them in ARM's envelope (common-types ErrorResponse), whatever the operation's spec declares
    // for its own errors; a data plane, which is not behind ARM, writes them in its own shape.
    const refuse = (status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse =>
      route.errors !== undefined ? route.errors({ status, code, message, headers }) : armError(status, code, message, headers);
    const frontDoor = route.errors === undefined;

    const auth = headers['authorization'] ?? '';
    if (route.authenticate !== undefined) {
      const who = route.authenticate(request, { url: req.url ?? '/', body });
      if (typeof who !== 'string') return this.send(res, who);
      request.caller = who;
    } else if (!/^bearer\s+\S+/i.test(auth)) {
      return this.send(res, refuse(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."), frontDoor);
    } else {
      request.caller = callerOf(auth.replace(/^bearer\s+/i, ''));
    }
    const resourceId = route.resource?.(params);
    const region = resourceId !== undefined ? this.store.regionOf(resourceId) : undefined;
    const kind: OperationKind = request.method === 'GET' || request.method === 'HEAD' ? 'read' : request.method === 'DELETE' ? 'delete' : 'write';
    const extra: Record<string, string> = { 'x-ms-request-id': randomUUID() };
    const finish = (response: SimResponse, injected: string | null = null, byPipeline = false) => {
      const tally = this.traffic.get(route.operation) ?? { kind, requests: 0, throttled: 0 };
      tally.requests++;
      if (injected === 'throttled') tally.throttled++;
      this.traffic.set(route.operation, tally);
      if (kind !== 'read') {
        const error = response.status >= 400 ? errorCode(response.body) : null;
        this.log.add({ at: new Date(request.at).toISOString(), method: request.method, path: url.pathname, operation: route.operation, resource: resourceId ?? null, caller: request.caller, status: response.status, error, injected });
      }
      this.send(res, { ...response, headers: { ...extra, ...(response.headers ?? {}) } }, byPipeline && frontDoor);
    };

    if (route.arm) {
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion === null || apiVersion === '') {
        return finish(armError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."), null, true);
      }
      if (route.apiVersions !== undefined && !route.apiVersions.includes(apiVersion)) {
        return finish(unsupportedApiVersion(apiVersion, route.apiVersions, resourceId ?? url.pathname, region ?? /\/locations\/([^/]+)/i.exec(url.pathname)?.[1]), null, true);
      }
      const subscription = params['sub'] ?? /\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1];
      if (subscription !== undefined) {
        const decision = this.throttle.take(subscription, request.caller, kind);
        extra[throttleHeader(kind)] = String(decision.remaining);
        if (!decision.allowed) {
          // ARM's own throttling answer (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
          return finish(
            armError(429, 'SubscriptionRequestsThrottled', `Number of '${kind}' requests for subscription '${subscription}' actor '${request.caller}' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds.`, this.retryAfter(decision.retryAfterSeconds)),
            'throttled',
            true,
          );
        }
      }
    } else {
      const quota = route.quota?.(params);
      const waitMs = quota !== undefined ? this.quotas.take(quota) : null;
      if (quota !== undefined && waitMs !== null) {
        return finish(refuse(429, 'TooManyRequests', `The '${quota.policy}' quota of ${quota.size} requests is used up; retry after ${waitMs} ms.`, this.retryAfter(waitMs / 1000)), 'throttled', true);
      }
    }

    const outage = this.faults.outage(region);
    if (outage === 'timeout') {
      this.hang(res);
      return;
    }
    if (outage === 'unavailable') {
      return finish(refuse(503, 'ServiceUnavailable', `The service is unavailable in region '${region}' (simulated outage).`, this.retryAfter(1)), `outage:${region}`, true);
    }
    const rule = this.faults.match(route.operation, resourceId);
    if (rule !== undefined) {
      if (rule.latencyMs > 0) await new Promise((r) => setTimeout(r, rule.latencyMs));
      if (this.faults.fires(rule)) {
        const retry: Record<string, string> = rule.status === 429 || rule.status === 503 ? this.retryAfter(1) : {};
        return finish(refuse(rule.status, rule.code, rule.message, retry), rule.id, true);
      }
    }
    if ((this.options.roundTripMs ?? 0) > 0) await new Promise((r) => setTimeout(r, this.options.roundTripMs));
    finish(await route.handle({ request, params }));
  }

  /**
   * `Retry-After` in Azure seconds, and `retry-after-ms` in real milliseconds (the time scale
   * applied): Azure's SDKs read the millisecond header first, so a sped-up simulator is waited
   * out at its own speed.
   */
  private retryAfter(seconds: number): Record<string, string> {
    return { 'Retry-After': String(Math.max(1, Math.ceil(seconds))), 'retry-after-ms': String(Math.max(1, Math.round((seconds * 1000) / this.clock.timeScale))) };
  }

  private hang(res: ServerResponse): void {
    this.hung.add(res);
    const timer = setTimeout(() => {
      this.hung.delete(res);
      res.destroy();
    }, this.options.hangMs ?? 10_000);
    timer.unref();
    res.on('close', () => {
      clearTimeout(timer);
      this.hung.delete(res);
    });
  }

  /** `frontDoor`: ARM's pipeline, not the resource provider, wrote the answer (the checker then wants ARM's ErrorResponse). */
  private send(res: ServerResponse, response: SimResponse, frontDoor = false): void {
    const pending = this.pending.get(res);
    if (pending !== undefined) {
      this.pending.delete(res);
      this.contracts!.record({ ...pending, status: response.status, responseBody: response.body, ...(frontDoor ? { frontDoor } : {}) });
    }
    const payload = response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, {
      ...(payload !== '' ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      'Content-Length': Buffer.byteLength(payload),
      ...(response.headers ?? {}),
    });
    res.end(payload);
  }

  /** The operation name of the route that answers `method path`, if any: what the simulator models. */
  routeFor(method: string, path: string): string | undefined {
    const found = this.router.match(method, path);
    return 'route' in found ? found.route.operation : undefined;
  }

  /** For providers: an absolute URL on this simulator. */
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** For providers: the id key of a resource, as the store compares ids. */
  key(id: string): string {
    return idKey(id);
  }
}

/** The error code of an error body, in any of the shapes the simulator answers: ARM's, the older specs' flat {code, message}, problem+json, Atlas's. */
function errorCode(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { error?: { code?: unknown }; code?: unknown; errorCode?: unknown; type?: unknown };
  const code = b.error?.code ?? b.code ?? b.errorCode ?? (typeof b.type === 'string' ? b.type.split('/').pop() : undefined);
  return typeof code === 'string' ? code : null;
}

/** Tokens from the simulator's token endpoint name their client; anything else is "unknown". */
function callerOf(token: string): string {
  if (token.startsWith('sim.')) {
    try {
      const claims = JSON.parse(Buffer.from(token.slice(4), 'base64url').toString('utf8')) as { appid?: string };
      if (typeof claims.appid === 'string') return claims.appid;
    } catch {
      // fall through
    }
  }
  return 'unknown';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type { Route };
