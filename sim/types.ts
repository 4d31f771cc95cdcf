/**
 * The simulator's vocabulary: requests as handlers see them, responses, routes, and the
 * resource record every provider keeps in the shared store.
 */

export interface SimRequest {
  method: string;
  /** Path with leading slashes collapsed (the SDK sends `//subscriptions/…` for resource ids). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there is none. */
  body: unknown;
  /** Who is calling: the client id the simulator's token endpoint issued the token to. */
  caller: string;
  /** Milliseconds of host time when the request arrived. */
  at: number;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** ARM's throttling buckets: GET/HEAD read, DELETE delete, everything else write. */
export type OperationKind = 'read' | 'write' | 'delete';

export interface RouteContext {
  request: SimRequest;
  params: Record<string, string>;
}

export interface Route {
  method: string;
  /** Path template, matched case-insensitively: `/subscriptions/{sub}/…/streamingEndpoints/{se}/start`. */
  pattern: string;
  /** A stable operation name for logs, fault rules and the latency model: `Microsoft.Media/streamingEndpoints/start`. */
  operation: string;
  /** ARM routes are throttled per subscription and need `api-version`; data planes are not. */
  arm: boolean;
  /** api-versions this route answers; omitted: any. */
  apiVersions?: readonly string[];
  /** The resource a request touches, for region outages and the operation log. */
  resource?: (params: Record<string, string>) => string;
  /**
   * A data plane's error shape for the refusals the simulator's pipeline makes on its behalf (401
   * without a token, 429 over its quota, 503 in a region outage, injected faults): a data plane
   * answers in its own shape, not ARM's. Omitted: ARM's front door answers (ARM's ErrorResponse).
   */
  errors?: ErrorFormat;
  /**
   * A data plane's own authentication, instead of the pipeline's bearer-token check: the caller's
   * name, or the refusal to answer. It sees the raw request target and body, which a signature
   * (Communication Services' HMAC-SHA256 access keys) covers.
   */
  authenticate?: (request: SimRequest, raw: { url: string; body: Buffer }) => string | SimResponse;
  /** A data plane's own request quota (App Configuration's per store); ARM routes use ARM's buckets instead. */
  quota?: (params: Record<string, string>) => RequestQuota | undefined;
  handle: (ctx: RouteContext) => SimResponse | Promise<SimResponse>;
}

/** Writes a pipeline refusal in a data plane's error shape; `code` and `message` are what ARM would have said. */
export type ErrorFormat = (error: { status: number; code: string; message: string; headers?: Record<string, string> }) => SimResponse;

/** A request quota: `size` requests per `periodMs` of Azure time, counted per `key`. */
export interface RequestQuota {
  key: string;
  size: number;
  periodMs: number;
  /** What the quota is, for the refusal's message (`Total Requests`). */
  policy: string;
}

/** One resource of the simulated estate, in ARM's envelope. */
export interface SimResource {
  id: string;
  name: string;
  type: string;
  /** Canonical region (`westeurope`), or `global`. */
  location: string;
  properties: Record<string, unknown>;
  sku?: Record<string, unknown>;
  kind?: string;
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
  systemData?: Record<string, unknown>;
}
