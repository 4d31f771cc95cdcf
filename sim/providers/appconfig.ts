/**
 * The Azure App Configuration data plane, as `@azure/app-configuration` (`AppConfigurationClient`,
 * api-version 2026-04-01 in 1.12.1) calls it, mounted at `/appConfiguration/{store}` (in Azure
 * `https://{store}.azconfig.io`). The app keeps its failover switches here ("which Media
 * Services account is active"), so the flip of a key is the last step of many playbooks.
 *
 *   GET    /appConfiguration/{store}/kv?key=&label=   200 { items: [kv] }          (kvset+json)
 *   GET    /appConfiguration/{store}/kv/{key}?label=  200 kv | 304 | 404 | 412
 *   PUT    /appConfiguration/{store}/kv/{key}?label=  200 kv | 400 | 409 key-locked | 412
 *   DELETE /appConfiguration/{store}/kv/{key}?label=  200 deleted kv | 204 absent | 409 | 412
 *   PUT | DELETE /appConfiguration/{store}/locks/{key}?label=   200 kv (locked | unlocked) | 404 | 412
 * Operations `Microsoft.AppConfiguration/configurationStores/keyValues/read|write|delete` (the
 * service's RBAC data actions). `resource` is the store's ARM id (from the estate), so an outage
 * of the store's region answers 503; Entra bearer auth is checked by the pipeline.
 *
 * Behaviour, per the App Configuration REST reference (key-values, api-version 1.0 onwards):
 * - a key-value is identified by key + label; an omitted label, an empty one or `%00` means
 *   "no label" on single-key calls. List filters: key and label omitted or `*` match anything;
 *   `abc*` matches a prefix; `a,b` matches either (at most 5); `\` escapes `*`, `,` and `\`;
 *   label `%00` matches "no label". A bad filter is 400 `invalid-argument`.
 * - answers carry a weak `ETag: W/"<etag>"` header (as the 2026-04-01 examples GetKeyValue_IfMatch
 *   and PutKeyValue_IfMatch show it) and `Last-Modified` (RFC 1123); bodies are
 *   `{ etag, key, label, content_type, value, tags, locked, last_modified }`, `etag` bare.
 * - `If-Match: "<etag>"` / `*` and `If-None-Match: "<etag>"` / `*` are honoured on every call,
 *   the tag compared with or without its `W/` (the SDK quotes the body's bare etag, and the
 *   service matches it against its weak header): a GET whose If-None-Match matches is 304 with
 *   no body, as the REST reference's "Get (conditionally)" answers and the SDK's
 *   `getConfigurationSetting({ onlyIfChanged })` expects (the 2026-04-01 OpenAPI file declares
 *   only 200 and the default error for GetKeyValue: its TypeSpec does not model the 304). A call
 *   whose precondition fails otherwise is 412 in the spec's default Error shape,
 *   `{ type: …/errors/precondition-failed, title, status: 412 }` (assumed: the REST reference
 *   shows a bare 412; the SDK finds no `message` in it and reports "Setting was already present"
 *   for `addConfigurationSetting`).
 * - the api-version is required and must be one this simulator models (API_VERSIONS): otherwise
 *   400 `invalid-argument` named `api-version`, worded as the REST reference's versioning page
 *   words it ("API version is not specified", "Unsupported API version").
 * - writing or deleting a locked (read-only) key-value is 409 `key-locked`.
 * - a missing key-value is 404 with `application/problem+json`
 *   `{ type: 'https://azconfig.io/errors/key-not-found', title, name, status: 404 }` (the REST
 *   reference shows a bare 404; the body is the simulator's choice, in the service's error shape).
 * - an unknown store is 404 `{ type: …/errors/not-found }` (in Azure its DNS name would not resolve).
 * Key-values are seeded from the estate's `appConfiguration:` section
 * (`{ store: [{ key, value, label?, contentType?, tags?, locked? }] }`) and held in memory per
 * store record, so a simulator reset brings the seeded values back.
 */
import { randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.js';
import type { ErrorFormat, RequestQuota, Route, SimRequest, SimResource, SimResponse } from '../types.js';

const STORE_TYPE = 'Microsoft.AppConfiguration/configurationStores';
const KV_JSON = 'application/vnd.microsoft.appconfig.kv+json; charset=utf-8';
const KVSET_JSON = 'application/vnd.microsoft.appconfig.kvset+json; charset=utf-8';
const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** The api-versions answered: the one `@azure/app-configuration` 1.12.1 sends, whose spec is vendored. */
const APP_CONFIGURATION_API_VERSIONS = ['2026-04-01'] as const;

interface KeyValue {
  key: string;
  label: string | null;
  value: string | null;
  contentType: string | null;
  tags: Record<string, string>;
  locked: boolean;
  etag: string;
  lastModified: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}


function newEtag(): string {
  return randomBytes(16).toString('base64url');
}

function problem(status: number, type: string, title: string, extra: Record<string, unknown> = {}): SimResponse {
  return { status, body: { type: `https://azconfig.io/errors/${type}`, title, ...extra, status }, headers: { 'Content-Type': PROBLEM_JSON } };
}

/** 400 for a missing or unsupported api-version, in the REST reference's words; undefined when it is one answered. */
function unsupportedApiVersion(request: SimRequest): SimResponse | undefined {
  const version = request.query.get('api-version');
  const problemOf = (title: string, detail: string) => problem(400, 'invalid-argument', title, { name: 'api-version', detail });
  if (version === null || version === '') return problemOf('API version is not specified', 'An API version is required, but was not specified.');
  if ((APP_CONFIGURATION_API_VERSIONS as readonly string[]).includes(version)) return undefined;
  return problemOf('Unsupported API version', `The HTTP resource that matches the request URI '${request.path}' does not support the API version '${version}'.`);
}

function wire(kv: KeyValue): Record<string, unknown> {
  return {
    etag: kv.etag,
    key: kv.key,
    label: kv.label,
    content_type: kv.contentType,
    value: kv.value,
    tags: kv.tags,
    locked: kv.locked,
    last_modified: new Date(kv.lastModified).toISOString(),
  };
}

/**
 * The pipeline's refusals (sim/simulator.ts) in the store's problem+json shape, as the REST
 * reference shows them: 429 `too-many-requests` with `retry-after-ms` only, and 503 with
 * `retry-after-ms` (https://learn.microsoft.com/azure/azure-app-configuration/rest-api-throttling;
 * the page's `policy` field is left out: the 2026-04-01 spec's Error does not define it); 401 with
 * `WWW-Authenticate: HMAC-SHA256, Bearer` (rest-api-authentication-azure-ad; the page shows no
 * body, the simulator's is in the spec's Error shape).
 */
const pipelineErrors: ErrorFormat = ({ status, code, message, headers = {} }) => {
  const type = status === 401 ? 'unauthorized' : status === 429 ? 'too-many-requests' : status === 503 ? 'service-unavailable' : code.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  const title = status === 429 ? 'Resource utilization has surpassed the assigned quota' : message;
  const answer = problem(status, type, title);
  const retry = headers['retry-after-ms'];
  return { ...answer, headers: { ...answer.headers, ...(retry !== undefined ? { 'retry-after-ms': retry } : {}), ...(status === 401 ? { 'WWW-Authenticate': 'HMAC-SHA256, Bearer' } : {}) } };
};

/**
 * A store's request quota, its own (not ARM's buckets): Free 1,000 requests a day, any other tier
 * 30,000 an hour, the minimum the service guarantees for Standard
 * (https://learn.microsoft.com/azure/azure-app-configuration/faq#which-app-configuration-tier-should-i-use).
 * A store the estate gives no sku is read as Standard (assumed: ARM requires a sku).
 */
function requestQuota(store: SimResource): RequestQuota {
  const free = String(store.sku?.['name'] ?? '').toLowerCase() === 'free';
  return { key: store.id.toLowerCase(), size: free ? 1_000 : 30_000, periodMs: free ? 86_400_000 : 3_600_000, policy: 'Total Requests' };
}

/** The ETag header of a key-value: weak, as the service sends it. */
const etagHeader = (kv: KeyValue): string => `W/"${kv.etag}"`;

function single(kv: KeyValue, status = 200): SimResponse {
  return {
    status,
    body: wire(kv),
    headers: { 'Content-Type': KV_JSON, ETag: etagHeader(kv), 'Last-Modified': new Date(kv.lastModified).toUTCString() },
  };
}

/** `label` of a single-key call: omitted, empty or `\0` is "no label". */
function labelOf(request: SimRequest): string | null {
  const label = request.query.get('label');
  return label === null || label === '' || label === '\0' ? null : label;
}

/** The identity of a key-value: key and label, where no label differs from every label. */
const slot = (key: string, label: string | null): string => JSON.stringify([key, label]);

/** One filter term: exact text, or a prefix when it ends in an unescaped `*`. */
type Term = { exact: string } | { prefix: string } | { any: true } | { none: true };

/** Parses a key or label filter; undefined text means "any". Throws a message on a bad filter. */
function parseFilter(text: string | null, allowNull: boolean): Term[] {
  if (text === null || text === '*') return [{ any: true }];
  const terms: Term[] = [];
  let current = '';
  let wildcard = false;
  const push = () => {
    if (allowNull && current === '\0' && !wildcard) terms.push({ none: true });
    else if (wildcard) terms.push(current === '' ? { any: true } : { prefix: current });
    else terms.push({ exact: current });
    current = '';
    wildcard = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (wildcard) throw new Error(`${i + 1}: '*' is only allowed at the end of a filter term`);
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) throw new Error(`${i + 1}: Invalid escape sequence`);
      current += next;
      i++;
    } else if (c === ',') {
      push();
    } else if (c === '*') {
      wildcard = true;
    } else {
      current += c;
    }
  }
  push();
  if (terms.length > 5) throw new Error('at most 5 comma-separated terms are allowed');
  return terms;
}

function matches(terms: Term[], value: string | null): boolean {
  return terms.some((t) =>
    'any' in t ? true : 'none' in t ? value === null : value === null ? false : 'exact' in t ? value === t.exact : value.startsWith(t.prefix),
  );
}

/** `If-Match` / `If-None-Match` against the current key-value; true when the request may go on. */
function preconditionHolds(request: SimRequest, current: KeyValue | undefined): boolean {
  const tags = (header: string | undefined) => header?.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
  const ifMatch = tags(request.headers['if-match']);
  const ifNoneMatch = tags(request.headers['if-none-match']);
  if (ifMatch !== undefined) {
    if (current === undefined) return false;
    if (!ifMatch.includes('*') && !ifMatch.includes(current.etag)) return false;
  }
  if (ifNoneMatch !== undefined && current !== undefined) {
    if (ifNoneMatch.includes('*') || ifNoneMatch.includes(current.etag)) return false;
  }
  return true;
}

export function appConfigurationRoutes(sim: Simulator): Route[] {
  // Key-values per store record: a reset re-seeds the store with new records, and with them the
  // seeded key-values come back.
  const data = new WeakMap<SimResource, Map<string, KeyValue>>();

  const storeByName = (name: string): SimResource | undefined => sim.store.ofType(STORE_TYPE).find((r) => r.name.toLowerCase() === name.toLowerCase());

  const keyValuesOf = (store: SimResource): Map<string, KeyValue> => {
    let kvs = data.get(store);
    if (kvs === undefined) {
      kvs = new Map();
      const section = sim.estateData('appConfiguration');
      const seeds = isRecord(section) ? Object.entries(section).find(([name]) => name.toLowerCase() === store.name.toLowerCase())?.[1] : undefined;
      for (const [i, s] of (Array.isArray(seeds) ? seeds : []).entries()) {
        if (!isRecord(s) || typeof s['key'] !== 'string') throw new Error(`estate appConfiguration.${store.name}[${i}] needs a key`);
        const label = typeof s['label'] === 'string' && s['label'] !== '' ? s['label'] : null;
        const kv: KeyValue = {
          key: s['key'],
          label,
          value: s['value'] === undefined || s['value'] === null ? null : String(s['value']),
          contentType: typeof s['contentType'] === 'string' ? s['contentType'] : null,
          tags: isRecord(s['tags']) ? Object.fromEntries(Object.entries(s['tags']).map(([k, v]) => [k, String(v)])) : {},
          locked: s['locked'] === true,
          etag: newEtag(),
          lastModified: sim.clock.now(),
        };
        kvs.set(slot(kv.key, kv.label), kv);
      }
      data.set(store, kvs);
    }
    return kvs;
  };

  const route = (method: string, pattern: string, verb: string, handle: (store: SimResource, kvs: Map<string, KeyValue>, request: SimRequest, params: Record<string, string>) => SimResponse): Route => ({
    method,
    pattern: `/appConfiguration/{store}${pattern}`,
    operation: `${STORE_TYPE}/keyValues/${verb}`,
    arm: false,
    resource: (p) => storeByName(p['store']!)?.id ?? `/appConfiguration/${p['store']}`,
    errors: pipelineErrors,
    quota: (p) => {
      const store = storeByName(p['store']!);
      return store !== undefined ? requestQuota(store) : undefined;
    },
    handle: ({ request, params }) => {
      const store = storeByName(params['store']!);
      if (store === undefined) return problem(404, 'not-found', `The configuration store '${params['store']}' does not exist.`);
      return unsupportedApiVersion(request) ?? handle(store, keyValuesOf(store), request, params);
    },
  });

  const notFound = (key: string, label: string | null) =>
    problem(404, 'key-not-found', `The key-value '${key}'${label === null ? ' (no label)' : ` with label '${label}'`} was not found.`, { name: key });
  const preconditionFailed = (): SimResponse => problem(412, 'precondition-failed', 'The If-Match or If-None-Match precondition of the request failed.');
  const locked = (key: string) => problem(409, 'key-locked', `Modifying key '${key}' is not allowed`, { name: key, detail: 'The key is read-only. To allow modification unlock it first.' });
  const invalidArgument = (name: string, detail: string) => problem(400, 'invalid-argument', `Invalid request parameter '${name}'`, { name, detail });

  return [
    route('GET', '/kv', 'read', (_store, kvs, request) => {
      let keys: Term[];
      let labels: Term[];
      try {
        keys = parseFilter(request.query.get('key'), false);
      } catch (err) {
        return invalidArgument('key', `key(${(err as Error).message})`);
      }
      try {
        labels = parseFilter(request.query.get('label'), true);
      } catch (err) {
        return invalidArgument('label', `label(${(err as Error).message})`);
      }
      const items = [...kvs.values()]
        .filter((kv) => matches(keys, kv.key) && matches(labels, kv.label))
        .sort((a, b) => (a.key === b.key ? (a.label ?? '').localeCompare(b.label ?? '') : a.key < b.key ? -1 : 1))
        .map(wire);
      return { status: 200, body: { items }, headers: { 'Content-Type': KVSET_JSON } };
    }),
    route('GET', '/kv/{key}', 'read', (_store, kvs, request, params) => {
      const label = labelOf(request);
      const kv = kvs.get(slot(params['key']!, label));
      if (kv === undefined) return request.headers['if-match'] !== undefined ? preconditionFailed() : notFound(params['key']!, label);
      if (!preconditionHolds(request, kv)) {
        return request.headers['if-none-match'] !== undefined
          ? { status: 304, headers: { ETag: etagHeader(kv), 'Last-Modified': new Date(kv.lastModified).toUTCString() } }
          : preconditionFailed();
      }
      return single(kv);
    }),
    route('PUT', '/kv/{key}', 'write', (_store, kvs, request, params) => {
      const key = params['key']!;
      if (key === '' || key === '.' || key === '..' || key.includes('%')) return invalidArgument('key', `The key '${key}' is not allowed: it cannot be '.' or '..' or contain '%'.`);
      const body = request.body ?? {};
      if (!isRecord(body)) return invalidArgument('body', 'The request body must be a JSON object.');
      const value = body['value'];
      if (value !== undefined && value !== null && typeof value !== 'string') return invalidArgument('value', "'value' must be a string.");
      const contentType = body['content_type'];
      if (contentType !== undefined && contentType !== null && typeof contentType !== 'string') return invalidArgument('content_type', "'content_type' must be a string.");
      const tags = body['tags'];
      if (tags !== undefined && tags !== null && (!isRecord(tags) || !Object.values(tags).every((v) => typeof v === 'string'))) {
        return invalidArgument('tags', "'tags' must be an object of string values.");
      }
      const label = labelOf(request);
      const id = slot(key, label);
      const current = kvs.get(id);
      if (!preconditionHolds(request, current)) return preconditionFailed();
      if (current?.locked === true) return locked(key);
      const kv: KeyValue = {
        key,
        label,
        value: (value as string | null | undefined) ?? null,
        contentType: (contentType as string | null | undefined) ?? null,
        tags: (tags as Record<string, string> | null | undefined) ?? {},
        locked: false,
        etag: newEtag(),
        lastModified: sim.clock.now(),
      };
      kvs.set(id, kv);
      return single(kv);
    }),
    // Read-only locks (`setReadOnly`): PUT locks, DELETE unlocks; 404 for a missing key-value.
    ...(['PUT', 'DELETE'] as const).map((method) =>
      route(method, '/locks/{key}', 'write', (_store, kvs, request, params) => {
        const label = labelOf(request);
        const current = kvs.get(slot(params['key']!, label));
        if (!preconditionHolds(request, current)) return preconditionFailed();
        if (current === undefined) return notFound(params['key']!, label);
        const kv: KeyValue = { ...current, locked: method === 'PUT', etag: newEtag(), lastModified: sim.clock.now() };
        kvs.set(slot(kv.key, kv.label), kv);
        return single(kv);
      }),
    ),
    route('DELETE', '/kv/{key}', 'delete', (_store, kvs, request, params) => {
      const label = labelOf(request);
      const id = slot(params['key']!, label);
      const current = kvs.get(id);
      if (!preconditionHolds(request, current)) return preconditionFailed();
      if (current === undefined) return { status: 204 };
      if (current.locked) return locked(current.key);
      kvs.delete(id);
      return single(current);
    }),
  ];
}
