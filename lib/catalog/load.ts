/**
 * Catalog text → a frozen, typed Catalog, or every problem found in one pass. Nothing here
 * throws on bad input: the CLI and the health endpoint show the problems, and the app refuses to
 * run from a catalog with errors rather than half-trusting it.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { indexOf } from './lookup.js';
import { formatPath, fromIssues, type Draft, type Segment } from './problems.js';
import { catalogRules, workloadRules, type WorkloadDraft } from './rules.js';
import { topologyProblems } from './topology.js';
import { canonicalRegion } from '../alerts/regions.js';
import { completeEnvironment, environmentRules, environmentUseWarnings, type EnvironmentDraft, type Estate } from './environment.js';
import { catalogErrorMap, ENVIRONMENT_FIELDS, isRecord, MAPS_FROM_FIELDS, ROOT_FIELDS, unknownFieldMessage, WORKLOAD_FIELDS, type WorkloadFields } from './schema.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, CatalogProblem, CatalogResult, ParseCatalogOptions, Playbook, Side, Workload } from './types.js';
import { describe } from './wording.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

export function parseCatalog(text: string, options: ParseCatalogOptions = {}): CatalogResult {
  const now = options.now ?? new Date();
  const yaml = parseYaml(text.replace(/^\uFEFF/, ''));
  if (!yaml.ok) return { ok: false, problems: finish(yaml.problems, null) };
  const { source } = yaml;
  const problems: Draft[] = [...yaml.warnings];
  const fail = (): CatalogResult => ({ ok: false, problems: finish(problems, source) });

  const root = source.value;
  if (!isRecord(root)) {
    problems.push({
      severity: 'error',
      path: [],
      message: `expected a mapping with version and workloads at the top level, got ${describe(root)}`,
    });
    return fail();
  }
  const top = parseSections(root, ROOT_FIELDS, [], undefined);
  problems.push(...top.problems);

  const drafts: WorkloadDraft[] = [];
  top.values.workloads?.forEach((item, index) => {
    const path: Segment[] = ['workloads', index];
    if (!isRecord(item)) {
      problems.push({ severity: 'error', path, message: `expected a mapping describing one workload, got ${describe(item)}` });
      return;
    }
    const id = typeof item['id'] === 'string' ? item['id'] : undefined;
    const parsed = parseSections(item, WORKLOAD_FIELDS, path, id);
    problems.push(...parsed.problems);
    const draft: WorkloadDraft = { index, id, raw: item, fields: parsed.values };
    drafts.push(draft);
    problems.push(...workloadRules(draft, now));
  });
  problems.push(...catalogRules(drafts));
  const environment = parseEnvironment(root['environment']);
  problems.push(...environment.problems, ...environmentRules(environment.draft));
  const appRegion = options.appRegion !== undefined ? canonicalRegion(options.appRegion) : (top.values.orchestrator?.region ?? null);
  if (appRegion !== null) problems.push(...topologyProblems(drafts, appRegion, options.appRegion !== undefined ? 'the app region given' : 'orchestrator.region'));
  if (top.values.workloads?.length === 0) {
    problems.push({ severity: 'warning', path: ['workloads'], message: 'the catalog protects no workloads' });
  }

  if (problems.some((p) => p.severity === 'error')) return fail();
  const workloads: Workload[] = [];
  for (const draft of drafts) {
    const workload = complete(draft.fields);
    // Unreachable: a section that failed to parse was reported as an error above.
    if (workload === null) return fail();
    workloads.push(workload);
  }
  const loadedEnvironment = completeEnvironment(environment.draft);
  if (loadedEnvironment === null) return fail();
  problems.push(...environmentUseWarnings(environment.draft, estateOf(workloads)));
  const catalog: Catalog = deepFreeze({
    version: 1,
    source: options.source ?? null,
    workloads,
    orchestrator: appRegion !== null ? { region: appRegion } : null,
    environment: loadedEnvironment,
  });
  indexOf(catalog);
  return { ok: true, catalog, warnings: finish(problems, source) };
}

/** Reads the file, then parseCatalog. A file that cannot be read is a problem, not an exception. */
export async function loadCatalogFile(path: string, options: ParseCatalogOptions = {}): Promise<CatalogResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    return { ok: false, problems: [{ severity: 'error', path: '$', message: `cannot read catalog file '${path}': ${reason}` }] };
  }
  return parseCatalog(text, { ...options, source: options.source ?? path });
}

type Shape = Record<string, z.ZodType>;
type Outputs<S extends Shape> = { [K in keyof S]?: z.output<S[K]> };

/** Parses each field of a mapping on its own, so every field's problems are reported. */
function parseSections<S extends Shape>(
  raw: Record<string, unknown>,
  shape: S,
  prefix: readonly Segment[],
  workload: string | undefined,
): { values: Outputs<S>; problems: Draft[] } {
  const values: Outputs<S> = {};
  const problems: Draft[] = [];
  const allowed = Object.keys(shape);
  for (const key of Object.keys(raw)) {
    if (!(key in shape)) {
      const draft: Draft = { severity: 'error', path: [...prefix, key], message: unknownFieldMessage(key, allowed), atKey: true };
      problems.push(workload !== undefined ? { ...draft, workload } : draft);
    }
  }
  for (const key of allowed as (keyof S & string)[]) {
    const schema = shape[key];
    if (schema === undefined) continue;
    const result = schema.safeParse(raw[key], { error: catalogErrorMap });
    if (result.success) {
      values[key] = result.data as z.output<S[typeof key]>;
      continue;
    }
    const issues = result.error.issues.map((issue) =>
      raw[key] === undefined && issue.path.length === 0 && issue.code === 'invalid_type'
        ? { ...issue, message: `missing required field '${key}'` }
        : issue,
    );
    problems.push(...fromIssues(issues, [...prefix, key], workload));
  }
  return { values, problems };
}

/**
 * The environment section, field by field like a workload, so a broken map does not hide the
 * problems of the others. Absent: production, with nothing mapped.
 */
function parseEnvironment(raw: unknown): { draft: EnvironmentDraft; problems: Draft[] } {
  if (raw === undefined) return { draft: { name: 'production', mapsFrom: null }, problems: [] };
  const path: Segment[] = ['environment'];
  if (!isRecord(raw)) {
    return { draft: { name: undefined, mapsFrom: null }, problems: [{ severity: 'error', path, message: `expected a mapping with name and mapsFrom, got ${describe(raw)}` }] };
  }
  const fields = parseSections(raw, ENVIRONMENT_FIELDS, path, undefined);
  const problems = [...fields.problems];
  const name = fields.values.name;
  const rawMaps = raw['mapsFrom'];
  if (rawMaps === undefined) return { draft: { name, mapsFrom: null }, problems };
  if (!isRecord(rawMaps)) {
    problems.push({ severity: 'error', path: [...path, 'mapsFrom'], message: `expected a mapping with subscriptions, resources and tenants, got ${describe(rawMaps)}` });
    return { draft: { name, mapsFrom: {} }, problems };
  }
  const maps = parseSections(rawMaps, MAPS_FROM_FIELDS, [...path, 'mapsFrom'], undefined);
  problems.push(...maps.problems);
  return { draft: { name, mapsFrom: maps.values }, problems };
}

/** The resource ids and subscriptions the catalog's workloads use, for the environment's map checks. */
function estateOf(workloads: readonly Workload[]): Estate {
  return {
    resourceIds: workloads.flatMap((w) => workloadResourceIds([w.primary, w.secondary], w.playbook)),
    subscriptions: new Set(workloads.flatMap((w) => w.subscriptions)),
  };
}

function complete(fields: Partial<WorkloadFields>): Workload | null {
  const { id, description, services, primary, secondary, playbook, policy, guardrails, notify, dependsOn, subscriptions, tenantId, recoveryTimeObjective } =
    fields;
  if (
    id === undefined ||
    description === undefined ||
    services === undefined ||
    primary === undefined ||
    secondary === undefined ||
    playbook === undefined ||
    policy === undefined ||
    guardrails === undefined ||
    notify === undefined ||
    dependsOn === undefined ||
    subscriptions === undefined ||
    tenantId === undefined ||
    recoveryTimeObjective === undefined
  ) {
    return null;
  }
  return {
    id,
    description,
    services,
    primary,
    secondary,
    playbook,
    policy,
    guardrails,
    notify,
    dependsOn: [...new Set(dependsOn)],
    subscriptions: workloadSubscriptions(subscriptions, [primary, secondary], playbook),
    tenantId,
    recoveryTimeObjectiveMs: recoveryTimeObjective,
  };
}

/** Every resource id a workload names: both sides' resources and its Traffic Manager profile. */
function workloadResourceIds(sides: readonly (Side | null)[], playbook: Playbook): string[] {
  const ids = sides.flatMap((side) => (side === null ? [] : Object.values(side.resources)));
  if (playbook.kind === 'mediaServices' && playbook.trafficManager !== null) ids.push(playbook.trafficManager.profile);
  return ids;
}

/** The subscriptions the catalog lists and those every resource of the workload lives in, lower-case. */
function workloadSubscriptions(listed: readonly string[], sides: readonly (Side | null)[], playbook: Playbook): string[] {
  const fromResources = workloadResourceIds(sides, playbook).flatMap((id) => {
    const subscription = parseResourceId(id)?.subscriptionId;
    return subscription === undefined ? [] : [subscription.toLowerCase()];
  });
  return [...new Set([...listed, ...fromResources])];
}

/** Problems in document order, with printed paths and YAML positions. */
function finish(drafts: readonly Draft[], source: YamlSource | null): CatalogProblem[] {
  const problems = drafts.map((d): CatalogProblem => {
    const position = d.line !== undefined ? { line: d.line, column: d.column } : source?.locate(d.path, d.atKey);
    return {
      severity: d.severity,
      path: formatPath(d.path),
      message: d.message,
      ...(position?.line !== undefined ? { line: position.line } : {}),
      ...(position?.column !== undefined ? { column: position.column } : {}),
      ...(d.workload !== undefined ? { workload: d.workload } : {}),
    };
  });
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
