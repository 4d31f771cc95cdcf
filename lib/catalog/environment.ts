/**
 * The catalog's `environment` section beyond the shape of each field. A staging catalog says how
 * production's identifiers become its own (`mapsFrom`), so a replayed production incident names
 * only staging resources. Three things make such a map unsafe or useless, and are checked here:
 * a production catalog with a map (production never replays), a staging resource named in a
 * production subscription (a replay would act on production), and a target no workload of the
 * catalog uses (most likely a typo: the replayed alert would match nothing; a warning).
 */
import { isSameOrChildResource, subscriptionOf } from '../azure/resource-id.js';
import type { Draft, Segment } from './problems.js';
import type { MapEntry, MapsFromFields } from './schema.js';
import type { Environment } from './types.js';

/** The environment section as far as it parsed. `mapsFrom` is null when the catalog has none. */
export interface EnvironmentDraft {
  /** Undefined when the name did not parse; `production` when the catalog gives none. */
  name: string | undefined;
  mapsFrom: Partial<MapsFromFields> | null;
}

/** What the catalog's workloads use: their resource ids (sides and traffic profiles) and the subscriptions they live in, lower-case. */
export interface Estate {
  resourceIds: readonly string[];
  subscriptions: ReadonlySet<string>;
}

const PRODUCTION = 'production';
const MAPS_FROM: readonly Segment[] = ['environment', 'mapsFrom'];

/** Errors that span the environment's fields; they need no workload, so they run before the workloads are complete. */
export function environmentRules(env: EnvironmentDraft): Draft[] {
  const problems: Draft[] = [];
  if (env.mapsFrom === null) return problems;
  if (env.name === PRODUCTION) {
    problems.push({
      severity: 'error',
      path: MAPS_FROM,
      atKey: true,
      message:
        'this catalog describes production (environment.name is production, the default), and production never replays, so it maps nothing: ' +
        'remove mapsFrom, or name the environment this catalog describes (name: staging)',
    });
  }
  const { subscriptions, resources } = env.mapsFrom;
  if (subscriptions === undefined || resources === undefined) return problems;
  const production = new Set(subscriptions.map((s) => s.from));
  for (const entry of resources) {
    const subscription = subscriptionOf(entry.to)?.toLowerCase();
    if (subscription === undefined || !production.has(subscription)) continue;
    problems.push({
      severity: 'error',
      path: [...MAPS_FROM, 'resources', entry.written],
      message:
        `maps to a resource in subscription ${subscription}, which mapsFrom.subscriptions maps from: that is a production subscription, ` +
        `so a replay would act on production; name the resource in this environment's subscription`,
    });
  }
  return problems;
}

/** Warnings for map targets none of the catalog's workloads use: a replayed alert mapped there would match nothing. */
export function environmentUseWarnings(env: EnvironmentDraft, estate: Estate): Draft[] {
  const problems: Draft[] = [];
  const unused = (entries: readonly MapEntry[] | undefined, isUsed: (to: string) => boolean, what: string): void => {
    for (const entry of entries ?? []) {
      if (isUsed(entry.to)) continue;
      problems.push({ severity: 'warning', path: [...MAPS_FROM, what, entry.written], message: unusedMessage(what, entry) });
    }
  };
  unused(env.mapsFrom?.subscriptions, (to) => estate.subscriptions.has(to), 'subscriptions');
  unused(env.mapsFrom?.resources, (to) => estate.resourceIds.some((id) => isSameOrChildResource(to, id)), 'resources');
  return problems;
}

function unusedMessage(what: string, entry: MapEntry): string {
  return what === 'subscriptions'
    ? `maps to subscription ${entry.to}, in which no workload of this catalog lives: replayed alerts from ${entry.from} would be ignored; check the GUID against the workloads' resources`
    : `maps to '${entry.to}', which no workload of this catalog names (nor a resource beneath one): replayed alerts about it would match nothing; check the id against the workloads' resources`;
}

/** The loaded environment; null when a part did not parse (then an error was reported). */
export function completeEnvironment(env: EnvironmentDraft): Environment | null {
  if (env.name === undefined) return null;
  const maps = env.mapsFrom ?? { subscriptions: [], resources: [], tenants: [] };
  const { subscriptions, resources, tenants } = maps;
  if (subscriptions === undefined || resources === undefined || tenants === undefined) return null;
  const record = (entries: readonly MapEntry[]) => Object.fromEntries(entries.map((e) => [e.from, e.to]));
  return { name: env.name, mapsFrom: { subscriptions: record(subscriptions), resources: record(resources), tenants: record(tenants) } };
}
