/**
 * Replays Microsoft's `x-ms-examples` against a simulator: each example's request (path from its
 * parameters, api-version, query, headers, body) is sent, and the answer is compared with the
 * example: the status must be one the example lists, the exchange must satisfy the contract
 * checker, and the body must have the example's shape (every property name the example shows,
 * recursively, values ignored).
 *
 * Examples need their resources. Parents are put straight into the simulator's store (with the
 * properties an example of theirs shows, when there is one); an operation's create examples are
 * replayed before its reads, actions and deletes; a resource no create example makes is seeded from
 * the example's own answer. Data-plane examples run against an account or store of that name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ContractChecker } from '../../sim/contracts/checker.js';
import type { IndexedOperation } from '../../sim/contracts/operations.js';
import { mountOfSpec } from '../../sim/contracts/routes.js';
import { join } from '../../sim/contracts/schema.js';
import { typeOf, type Estate } from '../../sim/estate.js';
import { simToken } from '../../sim/providers/identity.js';
import { PURVIEW_ROLES } from '../../sim/providers/purview-estate.js';
import type { SimResource } from '../../sim/types.js';
import type { SimHarness } from '../sim/support.js';

export interface Example {
  parameters: Record<string, unknown>;
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}

export interface ExampleCase {
  spec: string;
  operationId: string;
  /** The example's key in `x-ms-examples`. */
  name: string;
  op: IndexedOperation;
  example: Example;
  method: string;
  /** The path the simulator is asked (data planes under their mount). */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface ReplayResult {
  status: number;
  /** What did not match, one line each; empty when the simulator answered as the example does. */
  issues: string[];
}

/** Method order within a spec: creates first, deletes last. */
const ORDER: Record<string, number> = { PUT: 0, PATCH: 1, GET: 2, HEAD: 2, POST: 3, DELETE: 4 };

/** An example a vendored spec refers to whose file was not brought in. */
export interface MissingExample {
  spec: string;
  operationId: string;
  name: string;
  /** The `$ref` as the spec writes it. */
  ref: string;
  method: string;
  /** The operation's path with each parameter standing for itself (`{accountName}` → `accountName`), data planes under their mount. */
  path: string;
}

/**
 * Examples the vendored specs refer to whose files are not vendored: listed, never read (a spec
 * names dozens of examples of operations the app never calls, and only the ones it calls were
 * brought in).
 */
export function missingExamples(checker: ContractChecker): MissingExample[] {
  const out: MissingExample[] = [];
  for (const op of checker.index.operations) {
    for (const [name, ref] of Object.entries(op.op['x-ms-examples'] ?? {})) {
      if (existsSync(resolve(dirname(op.file), ref.$ref))) continue;
      const mount = mountOfSpec(op.spec);
      const path = op.template.replace(/\{([^}]+)\}/g, (_, p: string) => p);
      out.push({ spec: op.spec, operationId: op.id, name, ref: ref.$ref, method: op.method, path: mount !== undefined ? `${mount.simPrefix('example')}${path === '/' ? '' : path}` : path });
    }
  }
  return out;
}

/** Every vendored example of every operation, in replay order; examples whose file is not vendored are left out (missingExamples lists them). */
export function loadExamples(checker: ContractChecker): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const op of checker.index.operations) {
    for (const [name, ref] of Object.entries(op.op['x-ms-examples'] ?? {})) {
      const file = resolve(dirname(op.file), ref.$ref);
      if (!existsSync(file)) continue;
      const example = JSON.parse(readFileSync(file, 'utf8')) as Example;
      const built = buildRequest(op, example);
      cases.push({ spec: op.spec, operationId: op.id, name, op, example, ...built });
    }
  }
  return cases.sort((a, b) => a.spec.localeCompare(b.spec) || (ORDER[a.method] ?? 5) - (ORDER[b.method] ?? 5));
}

function buildRequest(op: IndexedOperation, example: Example): Pick<ExampleCase, 'method' | 'path' | 'query' | 'headers' | 'body'> {
  const p = example.parameters;
  let path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = op.parameters.find((x) => x.node.in === 'path' && x.node.name === name);
    const value = String(p[name] ?? `{${name}}`);
    return param?.node['x-ms-skip-url-encoding'] === true ? value.replace(/^\/+/, '') : encodeURIComponent(value);
  });
  const mount = mountOfSpec(op.spec);
  if (mount !== undefined) path = `${mount.simPrefix(dataPlaneOwner(p))}${path === '/' ? '' : path}`;
  const query = new URLSearchParams({ 'api-version': op.apiVersion });
  const headers: Record<string, string> = {};
  let body: unknown;
  for (const { node } of op.parameters) {
    const value = p[node.name];
    if (value === undefined) continue;
    if (node.in === 'query' && node.name !== 'api-version') query.set(node.name, String(value));
    else if (node.in === 'header') headers[node.name.toLowerCase()] = String(value);
    else if (node.in === 'body') body = value;
  }
  return { method: op.method, path, query, headers, body };
}

/** The account or store an example's `endpoint` names (`https://myaccount.purview.azure.com` → myaccount). */
function dataPlaneOwner(parameters: Record<string, unknown>): string {
  const endpoint = String(parameters['endpoint'] ?? parameters['Endpoint'] ?? 'https://example');
  try {
    return new URL(endpoint).hostname.split('.')[0]!;
  } catch {
    return 'example';
  }
}

/**
 * ARM resource ids along a path: the `…/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}…]`
 * prefixes, up to an extension's `/providers/` (Resource Health's statuses are not resources).
 */
export function resourceIds(path: string): string[] {
  const parts = path.split('/').filter((s) => s !== '').map(decodeURIComponent);
  const at = parts.findIndex((s) => s.toLowerCase() === 'providers');
  if (at < 0 || parts[at - 2]?.toLowerCase() !== 'resourcegroups') return [];
  const ids: string[] = [];
  for (let j = at + 2; j + 1 < parts.length && parts[j]!.toLowerCase() !== 'providers'; j += 2) ids.push(`/${parts.slice(0, j + 2).join('/')}`);
  return ids;
}

/**
 * The estate examples run in: no resources (they are seeded as each example needs them), and for
 * each Purview account an example names, every collection role granted to the replaying client
 * ('tests'), as an account's administrator would grant them.
 */
export function replayEstate(cases: ExampleCase[]): Estate {
  const accounts = new Set(cases.filter((c) => c.spec.startsWith('specification/purview/data-plane/')).map((c) => dataPlaneOwner(c.example.parameters)));
  const purview = Object.fromEntries([...accounts].map((a) => [a, { roleAssignments: PURVIEW_ROLES.map((role) => ({ principal: 'tests', role })) }]));
  return { resources: [], data: { purview } };
}

/**
 * Resources a request body names by a field rather than by its path: they must exist first, under
 * the account the path names. The field is looked for at any depth of the body's properties (a
 * live output's `assetName`, a job's input, nested inputs and outputs).
 */
const REFERENCED: Array<{ field: string; account: RegExp; collection: string }> = [{ field: 'assetName', account: /^.*\/providers\/Microsoft\.Media\/mediaservices\/[^/]+/i, collection: 'assets' }];

/** Every string value of `field` in a body, at any depth. */
function valuesOf(body: unknown, field: string, out: string[] = []): string[] {
  if (Array.isArray(body)) for (const item of body) valuesOf(item, field, out);
  else if (isRecord(body)) {
    for (const [k, v] of Object.entries(body)) {
      if (k === field && typeof v === 'string') out.push(v);
      else if (typeof v === 'object') valuesOf(v, field, out);
    }
  }
  return out;
}

export class Replayer {
  /** Bodies of resources the examples show, by id (lower case): what a parent is seeded with. */
  private readonly shown = new Map<string, Record<string, unknown>>();
  /** Ids this replayer put into the store itself (not made by a replayed create). */
  private readonly seeded = new Set<string>();
  /** The region an example's request gives a resource or its children (lower-case id → region). */
  private readonly regions = new Map<string, string>();
  /**
   * A body the examples show for each resource type (lower case): what a resource no example shows
   * is seeded like, so that it has what its spec requires (a transform its outputs).
   */
  private readonly byType = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly h: SimHarness,
    private readonly checker: ContractChecker,
    cases: ExampleCase[],
  ) {
    for (const c of cases) {
      for (const r of Object.values(c.example.responses)) {
        for (const item of resourceLike(r.body)) {
          if (!this.shown.has(item.id.toLowerCase())) this.shown.set(item.id.toLowerCase(), item);
          if (!this.byType.has(typeOf(item.id).toLowerCase())) this.byType.set(typeOf(item.id).toLowerCase(), item);
        }
      }
      // A read's answer is also the resource at the path it reads: some examples' bodies carry an
      // id from another subscription than their parameters name (Data Share's, Purview's).
      const read = c.method === 'GET' ? c.example.responses['200']?.body : undefined;
      const at = decodeURIComponent(c.path).replace(/\/+$/, '');
      if (isRecord(read) && resourceIds(at).at(-1)?.toLowerCase() === at.toLowerCase() && !this.shown.has(at.toLowerCase())) this.shown.set(at.toLowerCase(), read);
      const location = isRecord(c.body) ? c.body['location'] : undefined;
      if (typeof location === 'string') for (const id of resourceIds(c.path)) if (!this.regions.has(id.toLowerCase())) this.regions.set(id.toLowerCase(), location);
    }
  }

  async replay(c: ExampleCase): Promise<ReplayResult> {
    this.seed(c);
    const url = `${c.path}?${c.query.toString()}`;
    const mount = mountOfSpec(c.spec);
    // A data plane wants a token for its own audience (the harness's default is ARM's).
    const auth: Record<string, string> = mount !== undefined ? { authorization: `Bearer ${simToken('tests', `${mount.audience}/.default`)}` } : {};
    const got = await this.h.call(c.method, url, c.body, { ...auth, ...c.headers });
    this.h.sim.operations.finishAll();
    const issues: string[] = [];
    const expected = Object.keys(c.example.responses);
    if (!expected.includes(String(got.status))) {
      const error = (got.body as { error?: { code?: string; message?: string } } | undefined)?.error;
      issues.push(`status ${got.status} is not one the example lists (${expected.join(', ')})${error !== undefined ? `: ${error.code}: ${error.message}` : ''}`);
    }
    const result = this.checker.check({ method: c.method, path: c.path, query: c.query, headers: c.headers, body: c.body, status: got.status, responseBody: got.body });
    for (const v of result.violations) issues.push(`${v.direction} ${v.jsonPath}: ${v.message}`);
    const exampleBody = c.example.responses[String(got.status)]?.body;
    if (exampleBody !== undefined) issues.push(...shapeMismatches(exampleBody, got.body, '$'));
    return { status: got.status, issues };
  }

  /** Puts the resources the example needs into the store: its parents, and itself unless it is being created. */
  private seed(c: ExampleCase): void {
    const store = this.h.sim.store;
    const mount = mountOfSpec(c.spec);
    if (mount !== undefined) {
      const name = dataPlaneOwner(c.example.parameters);
      if (store.ofType(mount.owner).every((r) => r.name.toLowerCase() !== name.toLowerCase())) {
        this.put(`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/examples/providers/${mount.owner}/${name}`);
      }
      return;
    }
    const ids = resourceIds(c.path);
    // The path names a resource when it ends at its id (not at a collection or an action).
    const last = ids[ids.length - 1];
    const own = last !== undefined && decodeURIComponent(c.path).replace(/\/+$/, '').toLowerCase() === last.toLowerCase() ? last : undefined;
    for (const id of ids) {
      if (id === own && c.method === 'PUT') continue;
      if (id === own) {
        // Read, changed or deleted as this example shows it, unless a replayed create made it.
        const answer = c.example.responses['200']?.body;
        if (store.get(id) === undefined || (this.seeded.has(id.toLowerCase()) && isRecord(answer))) this.put(id, isRecord(answer) ? answer : undefined);
      } else if (store.get(id) === undefined) {
        this.put(id);
      }
    }
    for (const ref of REFERENCED) {
      const account = ref.account.exec(decodeURIComponent(c.path))?.[0];
      if (account === undefined || !isRecord(c.body)) continue;
      for (const name of valuesOf(c.body['properties'], ref.field)) if (store.get(`${account}/${ref.collection}/${name}`) === undefined) this.put(`${account}/${ref.collection}/${name}`);
    }
    if (c.method !== 'GET') return;
    // What the answer shows must be there: a list's items (named under the listed collection: some
    // examples' item ids name another resource group), a profile's endpoints.
    const answer = c.example.responses['200']?.body;
    if (own === undefined && ids.length > 0 && isRecord(answer) && Array.isArray(answer['value'])) {
      for (const item of answer['value']) {
        if (!isRecord(item) || typeof item['name'] !== 'string') continue;
        const id = `${decodeURIComponent(c.path).replace(/\/+$/, '')}/${item['name']}`;
        if (store.get(id) === undefined) this.put(id, item);
      }
    }
    for (const item of resourceLike(answer)) if (item.id.toLowerCase() !== own?.toLowerCase() && store.get(item.id) === undefined) this.put(item.id, item);
  }

  private put(id: string, shown = this.shown.get(id.toLowerCase())): void {
    // No example shows it: it is seeded with what another of its type has (not its nested resources).
    const like = shown === undefined ? this.byType.get(typeOf(id).toLowerCase()) : undefined;
    const body = shown ?? (like !== undefined ? { properties: like['properties'], sku: like['sku'], kind: like['kind'] } : {});
    // Only a top-level resource needs a region of its own; children are in their parent's.
    const topLevel = resourceIds(id).length === 1;
    const location = typeof body['location'] === 'string' ? body['location'] : topLevel ? (this.regions.get(id.toLowerCase()) ?? 'westeurope') : '';
    this.seeded.add(id.toLowerCase());
    for (const nested of resourceLike(body)) if (nested !== body && nested.id.toLowerCase() !== id.toLowerCase() && this.h.sim.store.get(nested.id) === undefined) this.put(nested.id, nested);
    const resource: SimResource = {
      id,
      name: id.split('/').pop()!,
      type: typeOf(id),
      location: location.toLowerCase().replace(/\s+/g, ''),
      // The example's properties only: a provisioningState added here would be one a proxy
      // resource's spec does not define (a transform, a job, an asset).
      properties: { ...((body['properties'] as Record<string, unknown> | undefined) ?? {}) },
      ...(isRecord(body['sku']) ? { sku: body['sku'] } : {}),
      ...(typeof body['kind'] === 'string' ? { kind: body['kind'] } : {}),
      ...(isRecord(body['tags']) ? { tags: body['tags'] as Record<string, string> } : {}),
      ...(isRecord(body['identity']) ? { identity: body['identity'] } : {}),
      ...(isRecord(body['systemData']) ? { systemData: body['systemData'] } : {}),
    };
    this.h.sim.store.put(resource);
  }
}

/** The ARM resources in a body, at any depth: itself, a list's items, a profile's endpoints. */
function resourceLike(body: unknown, out: Array<Record<string, unknown> & { id: string }> = []): Array<Record<string, unknown> & { id: string }> {
  if (Array.isArray(body)) for (const item of body) resourceLike(item, out);
  else if (isRecord(body)) {
    if (typeof body['id'] === 'string' && resourceIds(body['id']).length > 0) out.push(body as Record<string, unknown> & { id: string });
    for (const v of Object.values(body)) if (typeof v === 'object') resourceLike(v, out);
  }
  return out;
}

/**
 * Property names the example shows that the answer lacks, by JSON path. List items are paired by
 * `name` (or `id`) when the example's have one, else by position.
 */
export function shapeMismatches(example: unknown, actual: unknown, path: string): string[] {
  if (example === null || typeof example !== 'object') return [];
  if (Array.isArray(example)) {
    if (!Array.isArray(actual)) return [`${path}: the example has a list, the answer ${actual === undefined ? 'has nothing' : 'does not'}`];
    return example.flatMap((item, i) => {
      // Lists of values (stream options, countries): their items have no shape to compare.
      if (!isRecord(item)) return [];
      const key = typeof item['name'] === 'string' ? 'name' : typeof item['id'] === 'string' ? 'id' : undefined;
      const match = key !== undefined ? actual.find((a) => isRecord(a) && String(a[key]).toLowerCase() === String(item[key]).toLowerCase()) : actual[i];
      if (match === undefined) return [`${path}[${i}]: the answer has no item like the example's${key !== undefined ? ` (${key} ${JSON.stringify(item[key])})` : ''}`];
      return shapeMismatches(item, match, `${path}[${i}]`);
    });
  }
  if (!isRecord(actual)) return [`${path}: the example has an object, the answer ${actual === undefined ? 'has nothing' : 'does not'}`];
  return Object.entries(example).flatMap(([k, v]) => {
    const at = join(path, k);
    if (!(k in actual)) return [`${at}: in the example, not in the answer`];
    return shapeMismatches(v, actual[k], at);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
