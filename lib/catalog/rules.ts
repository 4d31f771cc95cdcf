/**
 * Checks that span fields or workloads, which zod's per-field schemas cannot see. Each check runs
 * on whatever sections did parse, so one broken field does not hide the problems elsewhere.
 */
import { parseResourceId, resourceIdKey } from '../azure/resource-id.js';
import { findCycles } from './dependencies.js';
import type { Draft, Segment } from './problems.js';
import { findRetirements, retirementMessage } from './retirements.js';
import { PLAYBOOK_KINDS, PROVIDER_MANAGED, ROLE_RULES } from './roles.js';
import { isRecord, type WorkloadFields } from './schema.js';
import type { PlaybookKind, Side, SideName } from './types.js';
import { didYouMean, list } from './wording.js';

/** One workload item as far as it parsed: sections that failed are absent. */
export interface WorkloadDraft {
  index: number;
  /** The id as written, when it is a string (even an invalid one), for naming problems. */
  id: string | undefined;
  raw: Readonly<Record<string, unknown>>;
  fields: Partial<WorkloadFields>;
}

const SIDES: readonly SideName[] = ['primary', 'secondary'];

export function workloadRules(w: WorkloadDraft, now: Date): Draft[] {
  const problems: Draft[] = [];
  const at = (...rest: Segment[]): Segment[] => ['workloads', w.index, ...rest];
  const error = (path: Segment[], message: string, atKey = false): void => {
    problems.push({ severity: 'error', path, message, ...(atKey ? { atKey } : {}), ...(w.id !== undefined ? { workload: w.id } : {}) });
  };
  const warn = (path: Segment[], message: string): void => {
    problems.push({ severity: 'warning', path, message, ...(w.id !== undefined ? { workload: w.id } : {}) });
  };
  const { playbook, primary, secondary, guardrails, services } = w.fields;
  // The kind decides the resource roles; take it from the raw text when another playbook field
  // is broken, so role problems are reported in the same run instead of after the first fix.
  const rawKind = isRecord(w.raw['playbook']) ? w.raw['playbook']['kind'] : undefined;
  const kind = playbook?.kind ?? (typeof rawKind === 'string' && (PLAYBOOK_KINDS as readonly string[]).includes(rawKind) ? (rawKind as PlaybookKind) : undefined);

  if (kind !== undefined && !PROVIDER_MANAGED.has(kind) && w.raw['secondary'] === undefined) {
    error(at('secondary'), `missing required field 'secondary': a ${kind} playbook fails over to a standby you run; only dynamics365 (failed over by Microsoft) may omit it`);
  }

  if (kind !== undefined) {
    for (const sideName of SIDES) {
      const side = sideName === 'primary' ? primary : secondary;
      if (side === undefined || side === null) continue;
      const roles = ROLE_RULES[kind][sideName];
      const allowed = Object.keys(roles);
      for (const [role, id] of Object.entries(side.resources)) {
        const rule = roles[role];
        if (rule === undefined) {
          error(
            at(sideName, 'resources', role),
            allowed.length === 0
              ? `unknown role '${role}': a ${kind} playbook is failed over by the provider and takes no resources; remove it`
              : `unknown role '${role}' for a ${kind} playbook${didYouMean(role, allowed)}; ${sideName} roles: ${list(allowed)}`,
            true,
          );
          continue;
        }
        const type = parseResourceId(id)?.type;
        if (type !== undefined && type !== null && type.toLowerCase() !== rule.type.toLowerCase()) {
          error(at(sideName, 'resources', role), `role '${role}' of a ${kind} playbook needs a ${rule.type} resource, got a ${type} resource`);
        }
      }
      for (const [role, rule] of Object.entries(roles)) {
        if (rule.required && side.resources[role] === undefined) {
          error(at(sideName, 'resources', role), `missing required role '${role}': the ARM id of the ${sideName} ${rule.type} resource`);
        }
      }
    }
  }

  if (primary !== undefined && secondary !== undefined && secondary !== null) {
    if (primary.region === secondary.region) {
      error(at('secondary', 'region'), `secondary region is the same as the primary region (${primary.region}); fail over to a different region`);
    }
    const primaryKeys = resourceKeys(primary);
    for (const [role, id] of Object.entries(secondary.resources)) {
      const primaryRole = primaryKeys.get(resourceIdKey(id));
      if (primaryRole !== undefined) {
        error(at('secondary', 'resources', role), `the same resource as primary.resources.${primaryRole}; a failover needs a separate resource on the secondary side`);
      }
    }
  }

  if (guardrails?.resourceHealthConfirmation === true && primary !== undefined && Object.keys(primary.resources).length === 0) {
    warn(
      at('guardrails', 'resourceHealthConfirmation'),
      'resource health confirmation is on, but the primary side lists no resources whose health could confirm an impact; add the primary resources or set it to false',
    );
  }

  // Without the viewers' host name, readiness and the traffic switch check the profile's own
  // *.trafficmanager.net name, which no streaming endpoint can list: Media Services verifies a
  // custom host name by a CNAME in the name's parent domain, and nobody can add one there.
  if (playbook?.kind === 'mediaServices' && playbook.trafficManager !== null && playbook.trafficManager.hostName === null) {
    warn(
      at('playbook', 'trafficManager'),
      "no hostName: the traffic switch would send viewers to the standby's streaming endpoints under the profile's own DNS name, which no endpoint can list in customHostNames, so the switch refuses; set hostName to the name viewers use (a CNAME to the profile)",
    );
  }

  for (const hit of findRetirements(services, kind)) {
    warn(hit.serviceIndex !== null ? at('services', hit.serviceIndex) : at('playbook', 'kind'), retirementMessage(hit.retirement, now));
  }
  return problems;
}

function resourceKeys(side: Side): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [role, id] of Object.entries(side.resources)) if (!keys.has(resourceIdKey(id))) keys.set(resourceIdKey(id), role);
  return keys;
}

/** Duplicate ids, dependsOn references and cycles, and resources claimed by two workloads. */
export function catalogRules(workloads: readonly WorkloadDraft[]): Draft[] {
  const problems: Draft[] = [];
  const named = (w: WorkloadDraft, d: Omit<Draft, 'workload'>): void => {
    problems.push(w.id !== undefined ? { ...d, workload: w.id } : d);
  };

  const firstById = new Map<string, WorkloadDraft>();
  for (const w of workloads) {
    if (w.id === undefined) continue;
    const first = firstById.get(w.id);
    if (first === undefined) firstById.set(w.id, w);
    else named(w, { severity: 'error', path: ['workloads', w.index, 'id'], message: `duplicate workload id '${w.id}': workloads[${first.index}] already uses it; ids must be unique` });
  }

  // Edges between positions in `workloads`, for the cycle search.
  const position = new Map<string, number>();
  workloads.forEach((w, p) => {
    if (w.id !== undefined && firstById.get(w.id) === w) position.set(w.id, p);
  });
  const edges: number[][] = workloads.map(() => []);
  workloads.forEach((w, p) => {
    const seen = new Set<string>();
    w.fields.dependsOn?.forEach((dep, j) => {
      const path = ['workloads', w.index, 'dependsOn', j];
      if (seen.has(dep)) {
        named(w, { severity: 'warning', path, message: `'${dep}' is listed twice in dependsOn` });
        return;
      }
      seen.add(dep);
      if (dep === w.id) {
        named(w, { severity: 'error', path, message: `a workload cannot depend on itself ('${dep}'); remove this entry` });
        return;
      }
      const target = position.get(dep);
      if (target === undefined) {
        named(w, { severity: 'error', path, message: `unknown workload '${dep}'${didYouMean(dep, position.keys())}; dependsOn names workload ids from this catalog` });
        return;
      }
      if (firstById.get(w.id ?? '') === w) edges[p]?.push(target);
    });
  });
  for (const cycle of findCycles(edges)) {
    const [from, to] = cycle;
    const w = from !== undefined ? workloads[from] : undefined;
    const next = to !== undefined ? workloads[to] : undefined;
    if (w === undefined || next === undefined || next.id === undefined) continue;
    const j = w.fields.dependsOn?.indexOf(next.id) ?? -1;
    named(w, {
      severity: 'error',
      path: ['workloads', w.index, 'dependsOn', ...(j >= 0 ? [j] : [])],
      message: `dependency cycle: ${cycle.map((p) => workloads[p]?.id).join(' → ')}; remove one of these dependsOn entries`,
    });
  }

  // Two workloads driving one resource would race each other's failovers.
  for (const sideName of SIDES) {
    const owner = new Map<string, { w: WorkloadDraft; role: string }>();
    for (const w of workloads) {
      const side = w.fields[sideName];
      if (side === undefined || side === null) continue;
      for (const [key, role] of resourceKeys(side)) {
        const first = owner.get(key);
        if (first === undefined) owner.set(key, { w, role });
        else if (first.w !== w) {
          named(w, {
            severity: 'error',
            path: ['workloads', w.index, sideName, 'resources', role],
            message: `the same resource as workloads[${first.w.index}].${sideName}.resources.${first.role}${first.w.id !== undefined ? ` (${first.w.id})` : ''}; two workloads cannot fail over one resource`,
          });
        }
      }
    }
  }
  return problems;
}
