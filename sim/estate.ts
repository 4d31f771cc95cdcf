/**
 * The estate file: the resources the simulator starts with. Each resource is an ARM id, a
 * region and the properties a provider reads (`resourceState: Running`); type and name come
 * from the id. SEEDED below says what seeding adds, by the type's spec. Data-plane records (App Configuration key-values, Graph issues) sit beside.
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

/**
 * What a seeded resource gets beyond the estate's own properties, by type, as the type's spec
 * defines it (test/contracts/azure-rest-api-specs): `provisioningState: Succeeded` where its
 * properties have one, and the seeding time under the spec's own name for a creation time
 * (`created` in Media Services, `createdAt` in Data Share and Purview). A type not listed gets
 * neither: the simulator does not invent fields a spec does not define. Microsoft.Genomics
 * published no spec; its retired accounts API reported a provisioningState.
 */
const SEEDED: Record<string, { provisioningState?: true; created?: 'created' | 'createdAt' }> = {
  // Accounts.json 2021-11-01 (MediaServiceProperties), streamingservice.json 2022-08-01.
  'microsoft.media/mediaservices': { provisioningState: true },
  'microsoft.media/mediaservices/liveevents': { provisioningState: true, created: 'created' },
  'microsoft.media/mediaservices/liveevents/liveoutputs': { provisioningState: true, created: 'created' },
  'microsoft.media/mediaservices/streamingendpoints': { provisioningState: true, created: 'created' },
  // AssetsAndAssetFilters.json 2022-08-01, Encoding.json 2022-07-01, StreamingPoliciesAndStreamingLocators.json.
  'microsoft.media/mediaservices/assets': { created: 'created' },
  'microsoft.media/mediaservices/transforms': { created: 'created' },
  'microsoft.media/mediaservices/transforms/jobs': { created: 'created' },
  'microsoft.media/mediaservices/streaminglocators': { created: 'created' },
  'microsoft.media/mediaservices/streamingpolicies': { created: 'created' },
  // DataShare.json 2021-08-01: triggers and synchronization settings as their ScheduleBased kind,
  // mappings as every mapping kind defines them.
  'microsoft.datashare/accounts': { provisioningState: true, created: 'createdAt' },
  'microsoft.datashare/accounts/shares': { provisioningState: true, created: 'createdAt' },
  'microsoft.datashare/accounts/shares/synchronizationsettings': { provisioningState: true, created: 'createdAt' },
  'microsoft.datashare/accounts/shares/providersharesubscriptions': { created: 'createdAt' },
  'microsoft.datashare/accounts/sharesubscriptions': { provisioningState: true, created: 'createdAt' },
  'microsoft.datashare/accounts/sharesubscriptions/triggers': { provisioningState: true, created: 'createdAt' },
  'microsoft.datashare/accounts/sharesubscriptions/datasetmappings': { provisioningState: true },
  // purview.json 2021-07-01 (AccountProperties).
  'microsoft.purview/accounts': { provisioningState: true, created: 'createdAt' },
  'microsoft.genomics/accounts': { provisioningState: true },
};

/**
 * Child types that are tracked resources, with a location of their own on the wire
 * (streamingservice.json: LiveEvent and StreamingEndpoint are TrackedResource). Every other child
 * type is a proxy resource, which ARM renders without a location (arm.ts envelope); the store
 * still keeps the region it lives in, for outages. (Assumed for child types without a vendored
 * spec: ARM child resources are proxy resources unless their spec says otherwise.)
 */
const TRACKED_CHILDREN = new Set(['microsoft.media/mediaservices/liveevents', 'microsoft.media/mediaservices/streamingendpoints']);

/** Whether ARM renders resources of a type with a location of their own. */
export function hasOwnLocation(type: string): boolean {
  return type.split('/').length <= 2 || TRACKED_CHILDREN.has(type.toLowerCase());
}

export function seedEstate(store: Store, estate: Estate, at: number): void {
  const created = new Date(at).toISOString();
  for (const r of estate.resources) {
    const type = typeOf(r.id);
    const seeded = SEEDED[type.toLowerCase()] ?? {};
    const resource: SimResource = {
      id: r.id,
      name: r.id.split('/').pop()!,
      type,
      location: r.location.toLowerCase().replace(/\s+/g, ''),
      properties: {
        ...(seeded.provisioningState ? { provisioningState: 'Succeeded' } : {}),
        ...(seeded.created !== undefined ? { [seeded.created]: created } : {}),
        ...structuredClone(r.properties ?? {}),
      },
      ...(r.sku !== undefined ? { sku: structuredClone(r.sku) } : {}),
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(r.tags !== undefined ? { tags: { ...r.tags } } : {}),
      ...(r.identity !== undefined ? { identity: structuredClone(r.identity) } : {}),
    };
    store.put(resource);
  }
}
