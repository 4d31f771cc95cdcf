/**
 * The estate file: the resources the simulator starts with. Each resource is an ARM id, a
 * region and the properties a provider reads (`resourceState: Running`); type and name come
 * from the id. Data-plane records (App Configuration key-values, Graph issues) sit beside.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Store } from './store.js';
import type { SimResource } from './types.js';

export interface EstateResource {
  id: string;
  location: string;
  properties?: Record<string, unknown>;
  sku?: Record<string, unknown>;
  kind?: string;
  tags?: Record<string, string>;
  identity?: Record<string, unknown>;
}

export interface Estate {
  resources: EstateResource[];
  /** Extra records by kind (`appConfiguration`, `graphIssues`, …) that providers read. */
  data: Record<string, unknown>;
}

export class EstateError extends Error {}

export function loadEstate(path: string): Estate {
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new EstateError(`cannot read estate file '${path}': ${(err as Error).message}`);
  }
  return parseEstate(doc, path);
}

export function parseEstate(doc: unknown, source = 'estate'): Estate {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new EstateError(`${source}: expected a mapping with resources`);
  const { resources, ...data } = doc as { resources?: unknown };
  if (!Array.isArray(resources)) throw new EstateError(`${source}: resources must be a list`);
  const seen = new Set<string>();
  const parsed = resources.map((r, i): EstateResource => {
    const at = `${source}: resources[${i}]`;
    if (typeof r !== 'object' || r === null) throw new EstateError(`${at}: expected a mapping with id and location`);
    const { id, location } = r as { id?: unknown; location?: unknown };
    if (typeof id !== 'string' || !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+/i.test(id)) {
      throw new EstateError(`${at}.id: expected a full ARM resource id, got ${JSON.stringify(id)}`);
    }
    if (typeof location !== 'string' || location === '') throw new EstateError(`${at}.location: expected a region such as westeurope`);
    const key = id.toLowerCase();
    if (seen.has(key)) throw new EstateError(`${at}.id: ${id} is listed twice`);
    seen.add(key);
    return r as EstateResource;
  });
  return { resources: parsed, data };
}

/** ARM type of an id: `Microsoft.Media/mediaservices/streamingEndpoints`. */
export function typeOf(id: string): string {
  const providers = id.split(/\/providers\//i);
  const tail = providers[providers.length - 1]!.split('/');
  const types = [tail[0]!];
  for (let i = 1; i < tail.length; i += 2) types.push(tail[i]!);
  return types.join('/');
}

export function seedEstate(store: Store, estate: Estate, at: number): void {
  const created = new Date(at).toISOString();
  for (const r of estate.resources) {
    const resource: SimResource = {
      id: r.id,
      name: r.id.split('/').pop()!,
      type: typeOf(r.id),
      location: r.location.toLowerCase().replace(/\s+/g, ''),
      properties: { provisioningState: 'Succeeded', created, ...structuredClone(r.properties ?? {}) },
      ...(r.sku !== undefined ? { sku: structuredClone(r.sku) } : {}),
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(r.tags !== undefined ? { tags: { ...r.tags } } : {}),
      ...(r.identity !== undefined ? { identity: structuredClone(r.identity) } : {}),
    };
    store.put(resource);
  }
}
