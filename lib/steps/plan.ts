/** The planning activity: which catalog workloads a signal affects, under which policies. */
import { dependencyGroups } from '../catalog/index.js';
import type { Workload } from '../catalog/types.js';
import { affectedWorkloads } from '../incidents/affected.js';
import { signalForMatching } from '../incidents/signals.js';
import type { IncidentPlan, SignalSummary, WorkloadPlan } from '../incidents/types.js';
import type { StepDeps } from './deps.js';

export async function planIncident(deps: StepDeps, input: { incidentId: string; signal: SignalSummary }): Promise<IncidentPlan> {
  const catalog = await deps.catalog();
  const affected = affectedWorkloads(catalog, signalForMatching(input.signal));
  if (affected.reason !== null) return { workloads: [], groups: [], reason: affected.reason };
  const workloads = await Promise.all(affected.workloads.map(async (w) => workloadPlan(w, await deps.ledger.lastFailover(w.id))));
  return { workloads, groups: dependencyGroups(catalog, workloads.map((w) => w.id)), reason: null };
}

export function workloadPlan(w: Workload, lastFailoverAt: string | null): WorkloadPlan {
  return {
    id: w.id,
    trigger: w.policy.trigger,
    playbookKind: w.playbook.kind,
    primaryRegion: w.primary.region,
    secondaryRegion: w.secondary?.region ?? null,
    providerManaged: w.secondary === null,
    resourceHealthConfirmation: w.guardrails.resourceHealthConfirmation,
    dwellMs: w.guardrails.dwellTime.ms,
    minIntervalMs: w.guardrails.minIntervalBetweenFailovers.ms,
    failbackAfterHealthyMs: w.guardrails.failbackAfterHealthyFor.ms,
    approvalTimeoutMs: w.policy.trigger === 'approval' ? w.policy.approval.timeout.ms : null,
    onApprovalTimeout: w.policy.trigger === 'approval' ? w.policy.approval.onTimeout : 'escalate',
    lastFailoverAt,
    dependsOn: [...w.dependsOn],
  };
}
