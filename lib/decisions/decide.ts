/**
 * What an alert means for each workload it touches: act (start a failover, through the workload's
 * trigger policy), notify (tell the channels, change nothing) or ignore (archive it and say why).
 * One rule for the webhook (which starts nothing for an alert that can only be ignored) and the
 * planning activity (which decides per workload), so the two can never disagree.
 *
 * The rules, safe by default (DESIGN.md, "What may act"):
 * - scope first: the alert's subscription (and tenant, when both sides know it) must be one the
 *   workload lives in; an alert from anywhere else is ignored, whatever it says;
 * - Service Health: only an `Incident` acts; `Maintenance` notifies, or makes a planned failover
 *   where the catalog asks; `Informational`, `ActionRequired`, `Security` and `Billing` notify;
 *   a Service Health alert that does not say which it is, or from no known subscription, notifies;
 * - Resource Health: a `PlatformInitiated` loss (Unavailable or Degraded) acts; `UserInitiated`
 *   never does; an `Unknown` or absent cause follows the catalog (notify by default); a status of
 *   Unknown notifies; Available is a recovery, which can only end an incident;
 * - Administrative: ignored, unless the catalog names the operation and status for the workload;
 *   then it acts, always through approval;
 * - Microsoft 365 service health (Dynamics 365): acts only for an incident-class issue read by the
 *   app's own poller; the same payload posted to the webhook notifies;
 * - a workload whose policy is `notify-only` notifies where it would act, except a provider-
 *   managed one (Dynamics 365), whose playbook moves nothing and only pauses integrations.
 */
import type { Signal } from '../alerts/signal.js';
import { parseResourceId } from '../azure/resource-id.js';
import { matchSignal } from '../catalog/match.js';
import type { Catalog, MatchReason, Workload, WorkloadMatch } from '../catalog/types.js';

/** How a signal reached the app: the decision trusts a Microsoft 365 issue only from its own poller. */
export type SignalSource = 'webhook' | 'poller' | 'manual';

export type Verdict = 'act' | 'notify' | 'ignore';

export interface WorkloadDecision {
  workloadId: string;
  verdict: Verdict;
  /** How an `act` proceeds: the workload's trigger, except Administrative events, which always ask. */
  trigger: 'auto' | 'approval';
  /** A planned failover (Service Health Maintenance the catalog fails over for) or an outage. */
  kind: 'planned' | 'unplanned';
  /** For people: "acted because: …", "notified only: …", "ignored: …". */
  reason: string;
  /** Whether the signal is within the workload's scope (its subscription and tenant); out of scope, it may not even end an incident. */
  inScope: boolean;
}

export interface SignalDecision {
  /** One per workload whose primary side the signal touches, in catalog order. */
  workloads: WorkloadDecision[];
  /** Why no workload is concerned at all; null when some are. */
  reason: string | null;
}

export function decideSignal(catalog: Catalog, signal: Signal, source: SignalSource): SignalDecision {
  const matches = matchSignal(catalog, signal);
  const primary = matches.filter((m) => m.side !== 'secondary');
  if (primary.length === 0) {
    return {
      workloads: [],
      reason: matches.length > 0 ? `only the secondary side of ${matches.map((m) => m.workload.id).join(', ')} is affected` : 'no workload in the catalog is affected',
    };
  }
  return { workloads: primary.map((m) => decideForWorkload(signal, m, source)), reason: null };
}

/** Whether any workload would act or be told: otherwise nothing needs to start. */
export function concernsAnyone(decision: SignalDecision): boolean {
  return decision.workloads.some((d) => d.verdict !== 'ignore');
}

/** Why nothing starts: the ignored workloads' reasons, or why none is concerned. */
export function whyNothing(decision: SignalDecision): string {
  return decision.reason ?? decision.workloads.map((d) => `${d.workloadId}: ${d.reason}`).join('; ');
}

function decideForWorkload(signal: Signal, match: WorkloadMatch, source: SignalSource): WorkloadDecision {
  const w = match.workload;
  const what = describeAlert(signal, match);
  const scope = scopeProblem(signal, w);
  const decision = (verdict: Verdict, why: string, extra: Partial<Pick<WorkloadDecision, 'trigger' | 'kind'>> = {}): WorkloadDecision => ({
    workloadId: w.id,
    verdict,
    trigger: extra.trigger ?? (w.policy.trigger === 'approval' ? 'approval' : 'auto'),
    kind: extra.kind ?? 'unplanned',
    reason: `${verdict === 'act' ? 'acted because' : verdict === 'notify' ? 'notified only' : 'ignored'}: ${what}; ${why}`,
    inScope: scope === null,
  });
  if (scope !== null) return decision('ignore', scope);

  const act = (why: string, extra: Partial<Pick<WorkloadDecision, 'trigger' | 'kind'>> = {}): WorkloadDecision => {
    const providerManaged = w.secondary === null;
    if (w.policy.trigger === 'notify-only' && !providerManaged) return decision('notify', `${why}, but the policy is notify-only`);
    const trigger = extra.trigger ?? (w.policy.trigger === 'approval' ? 'approval' : 'auto');
    return decision('act', `${why}; policy ${providerManaged && w.policy.trigger === 'notify-only' ? 'provider-managed (notify-only: integrations pause, nothing fails over)' : trigger}`, { ...extra, trigger });
  };

  switch (signal.kind) {
    case 'manual':
      return act('an on-call engineer asked');
    case 'serviceHealth':
      return serviceHealth(signal, w, source, act, decision);
    case 'resourceHealth':
      return resourceHealth(signal, w, act, decision);
    case 'administrative':
      return administrative(signal, w, act, decision);
  }
}

type Act = (why: string, extra?: Partial<Pick<WorkloadDecision, 'trigger' | 'kind'>>) => WorkloadDecision;
type Decide = (verdict: Verdict, why: string) => WorkloadDecision;

function serviceHealth(signal: Signal, w: Workload, source: SignalSource, act: Act, decide: Decide): WorkloadDecision {
  if (signal.schema === 'graphServiceHealthIssue' && source !== 'poller') {
    return decide('notify', 'a Microsoft 365 service health issue acts only when the app reads it from Microsoft Graph itself, not when it is posted to the webhook');
  }
  if (signal.lifecycle === 'resolved') return decide('ignore', 'a resolution can only end an incident, not start one');
  if (signal.subscriptionId === null && signal.schema !== 'graphServiceHealthIssue') {
    return decide('notify', 'the alert names no subscription, so it cannot be tied to this workload for certain');
  }
  switch (signal.incidentType) {
    case 'Incident':
      return act('a service incident');
    case 'Maintenance':
      if (w.policy.maintenance.action === 'failover' && w.secondary !== null) {
        return act(`planned maintenance, which the policy fails over for ${minutes(w.policy.maintenance.leadTime.ms)} before the window`, { kind: 'planned' });
      }
      return decide('notify', 'planned maintenance; the policy notifies (maintenance.action: failover would fail over before the window)');
    case 'Informational':
    case 'ActionRequired':
    case 'Security':
    case 'Billing':
      return decide('notify', `an advisory (${signal.incidentType}) never starts a failover`);
    case null:
      return decide('notify', 'the alert does not say whether it is an incident, maintenance or an advisory');
  }
}

function resourceHealth(signal: Signal, w: Workload, act: Act, decide: Decide): WorkloadDecision {
  const current = signal.health?.current ?? null;
  if (current === 'Available' || signal.lifecycle === 'resolved') return decide('ignore', 'a recovery can only end an incident, not start one');
  if (current !== 'Unavailable' && current !== 'Degraded') return decide('notify', `Resource Health says ${current ?? 'nothing'} about the resource's health`);
  const cause = signal.health?.cause ?? null;
  if (cause !== null && /^platform\s*initiated$/i.test(cause)) return act(`Resource Health: ${current}, platform-initiated`);
  if (cause !== null && /^user\s*initiated$/i.test(cause)) return decide('ignore', `Resource Health: ${current}, user-initiated (someone stopped or changed it): never a reason to fail over`);
  if (w.policy.unknownCause === 'act') return act(`Resource Health: ${current}, cause ${cause ?? 'not given'} (the policy acts on an unknown cause)`);
  return decide('notify', `Resource Health: ${current}, cause ${cause ?? 'not given'}; the policy notifies on an unknown cause (unknownCause: act would act)`);
}

function administrative(signal: Signal, w: Workload, act: Act, decide: Decide): WorkloadDecision {
  const operation = signal.operationName ?? '';
  const status = signal.status ?? signal.stage ?? '';
  const rule = w.policy.administrative.find(
    (r) => r.operation.toLowerCase() === operation.toLowerCase() && r.status.some((s) => s.toLowerCase() === status.toLowerCase()),
  );
  if (rule === undefined) {
    return decide('ignore', `the catalog names no Administrative operation ${operation || '(none given)'} ${status || ''} for this workload`.trimEnd());
  }
  return act(`the catalog names ${rule.operation} ${status} for this workload, which always asks for approval`, { trigger: 'approval' });
}

/**
 * Why the signal is outside the workload's scope, or null. The subscription must be one the
 * workload lives in; a resource alert whose own subscription disagrees with its resource id is
 * refused as well. Manual requests and Microsoft 365 issues read by the poller carry no
 * subscription and are scoped by who sent them.
 */
function scopeProblem(signal: Signal, w: Workload): string | null {
  if (signal.kind === 'manual') return null;
  if (w.tenantId !== null && signal.tenantId !== null && signal.tenantId.toLowerCase() !== w.tenantId) {
    return `the alert comes from tenant ${signal.tenantId}, not the workload's ${w.tenantId}`;
  }
  const subscription = signal.subscriptionId?.toLowerCase() ?? null;
  if (signal.kind === 'resourceHealth' || signal.kind === 'administrative') {
    const fromIds = signal.resourceIds.map((id) => parseResourceId(id)?.subscriptionId.toLowerCase()).filter((s): s is string => s !== undefined);
    if (subscription !== null && fromIds.length > 0 && !fromIds.includes(subscription)) {
      return `the alert says subscription ${subscription} but is about a resource in ${fromIds[0]}`;
    }
  }
  if (subscription === null) return null;
  if (w.subscriptions.length === 0) return `the alert comes from subscription ${subscription}, and the workload names none (add subscriptions: to the catalog)`;
  if (!w.subscriptions.includes(subscription)) return `the alert comes from subscription ${subscription}, which the workload does not live in (${w.subscriptions.join(', ')})`;
  return null;
}

/** "Service Health Incident for Azure Data Share in eastus2, subscription …, matches datashare-sales's primary". */
function describeAlert(signal: Signal, match: WorkloadMatch): string {
  const subscription = signal.subscriptionId !== null ? `, subscription ${signal.subscriptionId}` : '';
  const on = `matches ${match.workload.id}'s ${match.side === 'both' ? 'primary (global impact)' : 'primary'}`;
  switch (signal.kind) {
    case 'serviceHealth': {
      const where = match.reasons
        .filter((r): r is Extract<MatchReason, { by: 'serviceRegion' }> => r.by === 'serviceRegion')
        .map((r) => `${r.service} in ${r.region}`);
      const source = signal.schema === 'graphServiceHealthIssue' ? 'Microsoft 365 service health' : 'Service Health';
      return `${source} ${signal.incidentType ?? 'event'}${signal.stage !== null ? ` (${signal.stage})` : ''} for ${where.join(', ') || 'its services'}${subscription}, ${on}`;
    }
    case 'resourceHealth':
      return `Resource Health ${signal.health?.current ?? 'event'} for ${signal.resourceIds[0] ?? 'a resource'}${subscription}, ${on}`;
    case 'administrative':
      return `Administrative ${signal.operationName ?? 'operation'} ${signal.status ?? ''} on ${signal.resourceIds[0] ?? 'a resource'}${subscription}, ${on}`.replace('  ', ' ');
    case 'manual':
      return `manual request by ${signal.caller ?? 'an unnamed caller'}, ${on}`;
  }
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
