/**
 * `properties.impactedServices`: usually a JSON-encoded string that must be parsed a second time,
 * sometimes (the 2025 test action) a real array. Both decode to
 * `[{ ServiceName, ImpactedRegions: [{ RegionName }] }]`.
 */
import { fail } from './errors.js';
import { describe, field, isObject, join, textOf, type Json } from './fields.js';
import { canonicalRegion } from './regions.js';
import type { ImpactedService } from './signal.js';

/** `path` names the value, or its parent when `name` is given (joined only when needed). */
export function parseImpactedServices(value: Json | undefined, parentPath: string, name?: string): ImpactedService[] {
  if (value === undefined) return [];
  const path = name === undefined ? parentPath : join(parentPath, name);
  let list: Json = value;
  // Usually encoded once; forwarders that re-serialize the payload sometimes encode it twice.
  for (let depth = 0; typeof list === 'string' && depth < 2; depth++) {
    if (list.trim() === '') return [];
    try {
      list = JSON.parse(list) as Json;
    } catch (err) {
      return fail('invalid_field', path, `is a string but not valid JSON (${(err as Error).message})`);
    }
  }
  if (!Array.isArray(list)) {
    return fail('invalid_field', path, `expected an array of { ServiceName, ImpactedRegions }, got ${describe(list)}`);
  }
  return mergeServices(
    list.map((entry, i) => {
      const at = `${path}[${i}]`;
      if (!isObject(entry)) return fail('invalid_field', at, `expected an object, got ${describe(entry)}`);
      const name = textOf(field(entry, 'ServiceName'), `${at}.ServiceName`);
      if (name === undefined) return fail('missing_field', `${at}.ServiceName`, 'service name is missing');
      return { name, regions: regionList(field(entry, 'ImpactedRegions'), `${at}.ImpactedRegions`, 'RegionName') };
    }),
  );
}

/** Region entries are `{ RegionName }` in alerts and `{ impactedRegion }` in the events API. */
export function regionList(value: Json | undefined, path: string, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return fail('invalid_field', path, `expected an array of regions, got ${describe(value)}`);
  const regions: string[] = [];
  value.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const name = isObject(entry) ? textOf(field(entry, key), `${at}.${key}`) : textOf(entry ?? undefined, at);
    if (name === undefined) return;
    const region = canonicalRegion(name);
    if (region !== '' && !regions.includes(region)) regions.push(region);
  });
  return regions;
}

/** One entry per service, regions unioned: some payloads list a service once per region. */
export function mergeServices(services: ImpactedService[]): ImpactedService[] {
  const byName = new Map<string, ImpactedService>();
  for (const s of services) {
    const existing = byName.get(s.name);
    if (existing === undefined) byName.set(s.name, { name: s.name, regions: [...s.regions] });
    else for (const r of s.regions) if (!existing.regions.includes(r)) existing.regions.push(r);
  }
  return [...byName.values()];
}
