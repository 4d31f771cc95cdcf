/** The planning activity: which catalog workloads a signal affects, what it means for each, under which policies. */
import { dependencyGroups, workloadRetirements } from '../catalog/index.js';
import type { Workload } from '../catalog/types.js';
import { decideSignal, type WorkloadDecision } from '../decisions/decide.js';
import { signalForMatching } from '../incidents/signals.js';
import type { IncidentPlan, ReplayMark, SignalSummary, WorkloadPlan } from '../incidents/types.js';
import { ledgerKey } from '../stores/index.js';
import type { StepDeps } from './deps.js';

export async function planIncident(deps: StepDeps, input: { incidentId: string; signal: SignalSummary; replay?: ReplayMark }): Promise<IncidentPlan> {
  const catalog = await deps.catalog();
  // A summary from before the decision rules says nothing of its source: read it as the webhook's.
  const decision = decideSignal(catalog, signalForMatching(input.signal), input.signal.source ?? (input.signal.kind === 'manual' ? 'manual' : 'webhook'));
  if (decision.reason !== null) return { workloads: [], groups: [], reason: decision.reason, ignored: [], subscriptions: [] };
  const byId = new Map(catalog.workloads.map((w) => [w.id, w]));
  const concerned = decision.workloads.filter((d): d is ConcernedDecision => d.verdict !== 'ignore');
  const ignored = decision.workloads.filter((d) => d.verdict === 'ignore').map((d) => ({ id: d.workloadId, reason: d.reason }));
  const replay = input.replay;
  const workloads = await Promise.all(
    concerned.map(async (d) => {
      const plan = workloadPlan(byId.get(d.workloadId)!, await deps.ledger.lastFailover(ledgerKey(d.workloadId, replay?.replayId)), d, deps.now());
      return replay === undefined ? plan : compressed(plan, replay.speed);
    }),
  );
  return {
    workloads,
    groups: dependencyGroups(catalog, workloads.map((w) => w.id)),
    reason: workloads.length === 0 ? ignored.map((i) => `${i.id}: ${i.reason}`).join('; ') : null,
    ignored,
    subscriptions: [...new Set(concerned.flatMap((d) => byId.get(d.workloadId)!.subscriptions))],
  };
}

/**
 * A replayed workload's guardrail durations divided by the replay's speed, so a four-hour incident
 * rehearses in minutes on an app whose durable timers run in real time.
 */
function compressed(plan: WorkloadPlan, speed: number): WorkloadPlan {
  const divide = (ms: number) => Math.round(ms / speed);
  return {
    ...plan,
    dwellMs: divide(plan.dwellMs),
    minIntervalMs: divide(plan.minIntervalMs),
    failbackAfterHealthyMs: divide(plan.failbackAfterHealthyMs),
    ...(plan.confirmWithinMs !== undefined ? { confirmWithinMs: divide(plan.confirmWithinMs) } : {}),
    approvalTimeoutMs: plan.approvalTimeoutMs === null ? null : divide(plan.approvalTimeoutMs),
    ...(plan.maintenanceLeadTimeMs !== undefined ? { maintenanceLeadTimeMs: divide(plan.maintenanceLeadTimeMs) } : {}),
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
