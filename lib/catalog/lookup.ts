/**
 * Lookup keys for matching, computed once per catalog. Every alert is matched against the catalog
 * on the intake path, so service keys, lower-cased resource ids and dependency edges are worked
 * out when the catalog loads, not per alert. Kept beside the catalog in a WeakMap so the catalog
 * itself stays plain data (JSON-serializable, comparable in tests). Catalogs are frozen, so an
 * index can never go stale; one built by hand (not by parseCatalog) is indexed on first use.
 */
import { serviceKey } from '../alerts/services.js';
import { resourceIdKey } from '../azure/resource-id.js';
import type { Catalog, SideName, Workload } from './types.js';

export interface ResourceEntry {
  workload: number;
  side: SideName;
  role: string;
  /** As written in the catalog. */
  id: string;
}

export interface CatalogIndex {
  /** serviceKey → indexes of workloads that list the service, in catalog order. */
  byService: ReadonlyMap<string, readonly number[]>;
  /** resourceIdKey → the catalog resources with that id. */
  byResource: ReadonlyMap<string, readonly ResourceEntry[]>;
  /** Workload id → index. */
  byId: ReadonlyMap<string, number>;
  primaryRegion: readonly string[];
  secondaryRegion: readonly (string | null)[];
  /** Indexes of each workload's dependencies (unknown ids dropped). */
  dependsOn: readonly (readonly number[])[];
}

const indexes = new WeakMap<Catalog, CatalogIndex>();

export function indexOf(catalog: Catalog): CatalogIndex {
  let index = indexes.get(catalog);
  if (index === undefined) {
    index = buildIndex(catalog.workloads);
    indexes.set(catalog, index);
  }
  return index;
}

function buildIndex(workloads: readonly Workload[]): CatalogIndex {
  const byService = new Map<string, number[]>();
  const byResource = new Map<string, ResourceEntry[]>();
  const byId = new Map<string, number>();
  workloads.forEach((w, i) => {
    if (!byId.has(w.id)) byId.set(w.id, i);
    for (const key of new Set(w.services.map(serviceKey))) push(byService, key, i);
    const sides: [SideName, Workload['primary'] | null][] = [['primary', w.primary], ['secondary', w.secondary]];
    for (const [side, value] of sides) {
      if (value === null) continue;
      for (const [role, id] of Object.entries(value.resources)) push(byResource, resourceIdKey(id), { workload: i, side, role, id });
    }
  });
  return {
    byService,
    byResource,
    byId,
    primaryRegion: workloads.map((w) => w.primary.region),
    secondaryRegion: workloads.map((w) => w.secondary?.region ?? null),
    dependsOn: workloads.map((w) => w.dependsOn.flatMap((id) => byId.get(id) ?? [])),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
