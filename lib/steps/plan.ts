/** The planning activity: which catalog workloads a signal affects, what it means for each, under which policies. */
import { dependencyGroups, workloadRetirements } from '../catalog/index.js';
import type { Workload } from '../catalog/types.js';
import { decideSignal, type WorkloadDecision } from '../decisions/decide.js';
import { signalForMatching } from '../incidents/signals.js';
import type { IncidentPlan, SignalSummary, WorkloadPlan } from '../incidents/types.js';
import type { StepDeps } from './deps.js';

export async function planIncident(deps: StepDeps, input: { incidentId: string; signal: SignalSummary }): Promise<IncidentPlan> {
  const catalog = await deps.catalog();
  // A summary from before the decision rules says nothing of its source: read it as the webhook's.
  const decision = decideSignal(catalog, signalForMatching(input.signal), input.signal.source ?? (input.signal.kind === 'manual' ? 'manual' : 'webhook'));
  if (decision.reason !== null) return { workloads: [], groups: [], reason: decision.reason, ignored: [], subscriptions: [] };
  const byId = new Map(catalog.workloads.map((w) => [w.id, w]));
  const concerned = decision.workloads.filter((d): d is ConcernedDecision => d.verdict !== 'ignore');
  const ignored = decision.workloads.filter((d) => d.verdict === 'ignore').map((d) => ({ id: d.workloadId, reason: d.reason }));
  const workloads = await Promise.all(concerned.map(async (d) => workloadPlan(byId.get(d.workloadId)!, await deps.ledger.lastFailover(d.workloadId), d, deps.now())));
  return {
    workloads,
    groups: dependencyGroups(catalog, workloads.map((w) => w.id)),
    reason: workloads.length === 0 ? ignored.map((i) => `${i.id}: ${i.reason}`).join('; ') : null,
    ignored,
    subscriptions: [...new Set(concerned.flatMap((d) => byId.get(d.workloadId)!.subscriptions))],
  };
}

/** A decision that concerns the workload: it acts, or it only tells. */
type ConcernedDecision = WorkloadDecision & { verdict: 'act' | 'notify' };

function workloadPlan(w: Workload, lastFailoverAt: string | null, decision: ConcernedDecision, now: Date): WorkloadPlan {
  const approval = w.policy.trigger === 'approval' ? w.policy.approval : null;
  return {
    id: w.id,
    // An Administrative event always asks, even for a workload that would act on its own.
    trigger: w.policy.trigger === 'notify-only' ? 'notify-only' : decision.trigger,
    verdict: decision.verdict,
    reason: decision.reason,
    kind: decision.kind,
    playbookKind: w.playbook.kind,
    primaryRegion: w.primary.region,
    secondaryRegion: w.secondary?.region ?? null,
    providerManaged: w.secondary === null,
    resourceHealthConfirmation: w.guardrails.resourceHealthConfirmation,
    dwellMs: w.guardrails.dwellTime.ms,
    minIntervalMs: w.guardrails.minIntervalBetweenFailovers.ms,
    failbackAfterHealthyMs: w.guardrails.failbackAfterHealthyFor.ms,
    confirmWithinMs: w.guardrails.confirmWithin.ms,
    approvalTimeoutMs: approval?.timeout.ms ?? null,
    onApprovalTimeout: approval?.onTimeout ?? 'escalate',
    approvers: [...(approval?.approvers ?? [])],
    quorum: approval?.quorum ?? 1,
    allowSelfApproval: approval?.allowSelfApproval ?? false,
    onCancel: w.policy.onCancel,
    maintenanceLeadTimeMs: w.policy.maintenance.leadTime.ms,
    lastFailoverAt,
    dependsOn: [...w.dependsOn],
    retirements: workloadRetirements(w, now),
  };
}
