/**
 * The orchestrator must survive the outage it fails over: an app (with its storage and task hub,
 * which infra/ deploys beside it) in a protected workload's primary region goes down with the
 * workload and cannot fail it over. Supported layouts: the app in a region outside every primary
 * it protects, or one deployment per region pair each protecting the other's primaries.
 * Dynamics 365 is exempt: Microsoft fails it over, and its "region" is a geography.
 */
import type { Draft } from './problems.js';
import type { WorkloadDraft } from './rules.js';

export function topologyProblems(workloads: readonly WorkloadDraft[], appRegion: string, from: string): Draft[] {
  const problems: Draft[] = [];
  for (const w of workloads) {
    if (w.fields.playbook?.kind === 'dynamics365') continue;
    const primary = w.fields.primary?.region;
    if (primary === undefined || primary !== appRegion) continue;
    problems.push({
      severity: 'error',
      path: ['workloads', w.index, 'primary', 'region'],
      message:
        `${w.id ?? `workloads[${w.index}]`} runs in ${primary}, where the orchestrator runs (${from}): an outage there takes down the app that must fail it over. ` +
        `Deploy the app in a region outside every primary it protects (for example the workload's secondary, ${w.fields.secondary?.region ?? 'another region'}), or one deployment per region pair`,
      ...(w.id !== undefined ? { workload: w.id } : {}),
    });
  }
  return problems;
}
