/**
 * Which workloads a Signal affects, and why. Pure and cheap: it runs for every alert on the intake
 * path, against lookup keys computed when the catalog loaded. It does not judge whether to act
 * (synthetic test alerts, resolved incidents, policy): that is the caller's job.
 */
import type { Signal } from '../alerts/signal.js';
import { serviceKey } from '../alerts/services.js';
import { isSameOrChildResource, resourceIdKey } from '../azure/resource-id.js';
import { indexOf, type CatalogIndex } from './lookup.js';
import type { Catalog, MatchReason, MatchSide, WorkloadMatch } from './types.js';

interface Hit {
  reasons: MatchReason[];
  keys: Set<string>;
  primary: boolean;
  secondary: boolean;
}

export function matchSignal(catalog: Catalog, signal: Signal): WorkloadMatch[] {
  const index = indexOf(catalog);
  const hits = new Map<number, Hit>();
  const add = (workload: number, reason: MatchReason, key: string, side: MatchSide): void => {
    let hit = hits.get(workload);
    if (hit === undefined) {
      hit = { reasons: [], keys: new Set(), primary: false, secondary: false };
      hits.set(workload, hit);
    }
    if (hit.keys.has(key)) return;
    hit.keys.add(key);
    hit.reasons.push(reason);
    if (side !== 'secondary') hit.primary = true;
    if (side !== 'primary') hit.secondary = true;
  };

  switch (signal.kind) {
    case 'serviceHealth':
      matchServices(index, signal, add);
      break;
    case 'resourceHealth':
    case 'administrative':
      matchResources(index, signal, add);
      break;
    case 'manual':
      for (const named of signal.workloads) {
        const id = named.trim().toLowerCase();
        const workload = index.byId.get(id);
        // A request to fail a workload over is about leaving its primary.
        if (workload !== undefined) add(workload, { by: 'workload', workloadId: id }, `w|${id}`, 'primary');
      }
      matchServices(index, signal, add);
      break;
  }

  if (hits.size === 0) return [];
  return [...hits.keys()]
    .sort((a, b) => a - b)
    .flatMap((i) => {
      const hit = hits.get(i);
      const workload = catalog.workloads[i];
      if (hit === undefined || workload === undefined) return [];
      const side: MatchSide = hit.primary && hit.secondary ? 'both' : hit.secondary ? 'secondary' : 'primary';
      return [{ workload, side, reasons: hit.reasons }];
    });
}

type Add = (workload: number, reason: MatchReason, key: string, side: MatchSide) => void;

const serviceKeys = new Map<string, string>();

/** Signals repeat a handful of service names, so their keys are remembered (bounded). */
function cachedServiceKey(name: string): string {
  let key = serviceKeys.get(name);
  if (key === undefined) {
    key = serviceKey(name);
    if (serviceKeys.size < 1024) serviceKeys.set(name, key);
  }
  return key;
}

function matchServices(index: CatalogIndex, signal: Signal, add: Add): void {
  for (const service of signal.services) {
    const workloads = index.byService.get(cachedServiceKey(service.name));
    if (workloads === undefined) continue;
    for (const w of workloads) {
      for (const region of service.regions) {
        const side: MatchSide | null =
          region === 'global'
            ? 'both'
            : region === index.primaryRegion[w]
              ? 'primary'
              : region === index.secondaryRegion[w]
                ? 'secondary'
                : null;
        if (side !== null) add(w, { by: 'serviceRegion', service: service.name, region, side }, `s|${service.name}|${region}`, side);
      }
    }
  }
}

/** A resource matches itself and anything beneath it: its key is looked up at every `/` boundary. */
function matchResources(index: CatalogIndex, signal: Signal, add: Add): void {
  for (const resourceId of signal.resourceIds) {
    const key = resourceIdKey(resourceId);
    for (let end = key.length; end > 0; end = key.lastIndexOf('/', end - 1)) {
      const entries = index.byResource.get(end === key.length ? key : key.slice(0, end));
      if (entries === undefined) continue;
      for (const entry of entries) {
        if (!isSameOrChildResource(resourceId, entry.id)) continue;
        add(
          entry.workload,
          { by: 'resource', resourceId, role: entry.role, catalogResourceId: entry.id, side: entry.side },
          `r|${key}|${entry.side}|${entry.role}`,
          entry.side,
        );
      }
    }
  }
}
