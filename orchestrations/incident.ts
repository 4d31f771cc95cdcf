/**
 * One incident, from its first signal to failback. Plan (which workloads, under which
 * policies) → confirm (the impact persists for the dwell time and, where the guardrails ask,
 * Resource Health shows the primary impaired; a recovery first cancels) → approval where the
 * policy asks (raced against a timer; on timeout escalate or give up) → playbooks in dependency
 * waves → listen until the incident is resolved → fail back once the primary has been healthy
 * for the configured time and someone approved → a summary. Signals, approvals, cancels and
 * failback requests arrive as external events throughout; duplicates change nothing.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import type {
  ApprovalDecision,
  CancelCommand,
  IncidentInput,
  IncidentOutcome,
  IncidentPlan,
  IncidentSummary,
  DistributiveOmit,
  NotificationRequest,
  SignalSummary,
  TimelineEntry,
  TimelineType,
  Timing,
  WorkloadPlan,
} from '../lib/incidents/types.js';
import type { Direction, PlaybookInput, PlaybookResult, StepDefinition } from '../lib/playbooks/types.js';
import { ACTIVITIES, ORCHESTRATIONS } from './activities.js';

/**
 * Everything raised into an incident arrives as one external event, `command`, whose payload
 * says what it is. A wait that loses its race to a timer stays open in durable-functions and
 * later receives an event of that name in place of the newest wait; such waits are kept and
 * read back, so no command is ever lost.
 */
export const COMMAND_EVENT = 'command';

export type IncidentCommand =
  | { type: 'signal'; signal: SignalSummary }
  | { type: 'approval'; decision: ApprovalDecision }
  | { type: 'cancel'; cancel: CancelCommand }
  | { type: 'failback'; by: string };

const DEFAULT_TIMING: Timing = { healthPollMs: 60_000 };
const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;
const MAX_ESCALATIONS = 3;
/** Custom status carries the newest entries only: the real host refuses more than 16 KB. */
const STATUS_TIMELINE_ENTRIES = 20;
/** The full timeline is saved to the archive before custom status could lose an unsaved entry. */
const SAVE_EVERY_ENTRIES = 10;

type Next =
  | { type: 'signal'; value: SignalSummary }
  | { type: 'approval'; value: ApprovalDecision }
  | { type: 'cancel'; value: CancelCommand }
  | { type: 'failback'; value: { by: string } }
  | { type: 'timeout' };

export function* incidentOrchestrator(context: OrchestrationContext): Generator<df.Task, IncidentSummary, unknown> {
  const input = context.df.getInput<IncidentInput & { timing?: Timing }>();
  const timing = input.timing ?? DEFAULT_TIMING;
  const now = () => context.df.currentUtcDateTime.getTime();
  const started = now();
  const timeline: TimelineEntry[] = [];
  const seen = new Set<string>([input.signal.dedupeKey]);
  const failover: Record<string, PlaybookResult> = {};
  const failback: Record<string, PlaybookResult> = {};
  let duplicates = 0;
  let phase = 'planning';
  let workloads: WorkloadPlan[] = [];
  let failoverStartedAt: number | null = null;
  let failoverFinishedAt: number | null = null;
  let lastSignalAt = input.signal.eventTime;
  /** When the source said the impact ended: the end of the incident window the playbooks report. */
  let resolvedAt: string | null = null;

  const record = (type: TimelineType, detail: string) => {
    timeline.push({ at: context.df.currentUtcDateTime.toISOString(), type, detail });
    publish();
  };
  /** Custom status is how on-call (GET /api/incidents/{id}) sees where the incident stands. */
  const enter = (next: string) => {
    phase = next;
    publish();
  };
  const publish = () => {
    context.df.setCustomStatus({
      phase,
      incidentId: input.incidentId,
      title: input.signal.title ?? input.signal.incidentKey,
      mode: input.mode,
      kind: input.kind,
      workloads: workloads.map((w) => w.id),
      lastSignalAt,
      duplicates,
      timeline: timeline.slice(-STATUS_TIMELINE_ENTRIES),
      entries: timeline.length,
    });
  };

  /** Waits that lost a race to a timer: durable-functions may still deliver commands to them. */
  let outstanding: df.Task[] = [];
  /** Commands read back from those waits, not yet handled. */
  const backlog: IncidentCommand[] = [];

  let savedEntries = 0;
  /** Saves the timeline when enough is new that the custom status tail might not cover it. */
  function* checkpoint(): Generator<df.Task, void, unknown> {
    if (timeline.length - savedEntries < SAVE_EVERY_ENTRIES) return;
    savedEntries = timeline.length;
    yield context.df.callActivity(ACTIVITIES.saveTimeline, { incidentId: input.incidentId, timeline });
  }

  /** The next command, or a timeout; duplicates of signals already seen are counted and skipped. */
  function* next(timeoutMs: number): Generator<df.Task, Next, unknown> {
    for (;;) {
      yield* checkpoint();
      const delivered = outstanding.filter((t) => t.isCompleted);
      outstanding = outstanding.filter((t) => !t.isCompleted);
      let value: IncidentCommand | undefined = delivered.length > 0 ? (delivered[0]!.result as IncidentCommand) : undefined;
      // Any further ones wait in the backlog for the following calls.
      for (const t of delivered.slice(1)) backlog.push(t.result as IncidentCommand);
      if (value === undefined) value = backlog.shift();
      if (value === undefined) {
        const timer = context.df.createTimer(new Date(now() + Math.max(0, timeoutMs)));
        const command = context.df.waitForExternalEvent(COMMAND_EVENT);
        const winner: unknown = yield context.df.Task.any([command, timer]);
        if (winner === timer) {
          outstanding.push(command);
          return { type: 'timeout' };
        }
        timer.cancel();
        value = command.result as IncidentCommand;
      }
      const handled = handle(value);
      if (handled !== undefined) return handled;
    }
  }

  function handle(value: IncidentCommand): Next | undefined {
    switch (value.type) {
      case 'signal':
        if (seen.has(value.signal.dedupeKey)) {
          duplicates++;
          return undefined;
        }
        seen.add(value.signal.dedupeKey);
        if (Date.parse(value.signal.eventTime) > Date.parse(lastSignalAt)) lastSignalAt = value.signal.eventTime;
        record('signal', describeSignal(value.signal));
        return { type: 'signal', value: value.signal };
      case 'approval':
        return { type: 'approval', value: value.decision };
      case 'cancel':
        return { type: 'cancel', value: value.cancel };
      case 'failback':
        return { type: 'failback', value: { by: value.by } };
      default:
        record('skipped', `unknown command ${JSON.stringify(value).slice(0, 200)}`);
        return undefined;
    }
  }

  type Notice = DistributiveOmit<NotificationRequest, 'incidentId' | 'workloads' | 'title' | 'trackingId'> & { workloads?: string[] };

  function* notify(notice: Notice): Generator<df.Task, void, unknown> {
    if (input.mode === 'plan') return;
    const request = {
      incidentId: input.incidentId,
      workloads: workloads.map((w) => w.id),
      title: input.signal.title ?? input.signal.incidentKey,
      trackingId: input.signal.kind === 'serviceHealth' ? input.signal.incidentKey : null,
      ...notice,
    } as NotificationRequest;
    // A notification that cannot be delivered never stops a failover.
    try {
      yield context.df.callActivity(ACTIVITIES.notify, request);
    } catch {
      record('skipped', `notification '${notice.type}' could not be sent`);
    }
  }

  /** Ends an incident someone or something stopped, telling the channels that heard it open. */
  function* stop(outcome: IncidentOutcome, reason: string, by: string | null): Generator<df.Task, IncidentSummary, unknown> {
    yield* notify({ type: 'incident-cancelled', reason, by });
    return yield* finish(outcome, reason);
  }

  function* finish(outcome: IncidentOutcome, detail: string): Generator<df.Task, IncidentSummary, unknown> {
    enter('completed');
    record('completed', `${outcome}: ${detail}`);
    yield context.df.callActivity(ACTIVITIES.saveTimeline, { incidentId: input.incidentId, timeline });
    return {
      incidentId: input.incidentId,
      outcome,
      workloads: workloads.map((w) => w.id),
      failover,
      failback,
      timeToFailoverMs: failoverFinishedAt === null ? null : failoverFinishedAt - Date.parse(input.signal.eventTime),
      lastSignalAt,
      timeline,
    };
  }

  record('signal', describeSignal(input.signal));
  if (input.signal.isSynthetic) return yield* finish('ignored-synthetic', 'action-group test notification');
  // Delivered out of order, a Resolved can arrive first: the incident is over before it began.
  if (isRecovery(input.signal)) return yield* finish('cancelled-before-confirmation', `resolved before any impact was seen: ${describeSignal(input.signal)}`);

  const plan = (yield context.df.callActivity(ACTIVITIES.planIncident, { incidentId: input.incidentId, signal: input.signal })) as IncidentPlan;
  const held = plan.workloads.filter((w) => w.lastFailoverAt !== null && now() - Date.parse(w.lastFailoverAt) < w.minIntervalMs);
  workloads = plan.workloads.filter((w) => !held.includes(w));
  for (const w of held) record('skipped', `${w.id}: failed over at ${w.lastFailoverAt}, within its minimum interval of ${minutes(w.minIntervalMs)}`);
  if (workloads.length === 0) {
    return yield* finish('no-workloads', plan.workloads.length > 0 ? 'every affected workload is within its minimum interval' : (plan.reason ?? 'no workload in the catalog is affected'));
  }
  record('planned', workloads.map((w) => `${w.id} (${w.trigger}, ${w.primaryRegion} → ${w.secondaryRegion ?? 'provider-managed'})`).join('; '));
  // Resource Health flaps: a resource that blinks every minute must not page anyone every minute.
  // Its incidents speak up once the impact is confirmed; Service Health and manual ones at once.
  const quietUntilConfirmed = input.signal.kind === 'resourceHealth';
  if (!quietUntilConfirmed) yield* notify({ type: 'incident-opened', reason: describeSignal(input.signal) });

  // ── confirm ─────────────────────────────────────────────────────────────────────────────────
  if (input.signal.kind !== 'manual') {
    enter('confirming');
    const confirmed = yield* confirm();
    if (!confirmed.ok) {
      if (quietUntilConfirmed && confirmed.by === null) return yield* finish('cancelled-before-confirmation', confirmed.reason);
      return yield* stop('cancelled-before-confirmation', confirmed.reason, confirmed.by);
    }
    record('confirmed', confirmed.reason);
    yield* notify({ type: 'impact-confirmed', reason: confirmed.reason });
  }

  // A provider-managed workload (Microsoft fails Dynamics 365 over) acts even under notify-only:
  // its playbook fails nothing over, it tells people and pauses integrations.
  const notifyOnly = workloads.filter((w) => w.trigger === 'notify-only' && !w.providerManaged);
  const actionable = workloads.filter((w) => w.trigger !== 'notify-only' || w.providerManaged);
  if (actionable.length === 0) return yield* finish('notified-only', notifyOnly.map((w) => w.id).join(', '));

  // ── approve ─────────────────────────────────────────────────────────────────────────────────
  const needApproval = actionable.filter((w) => w.trigger === 'approval');
  if (needApproval.length > 0 && input.mode === 'execute') {
    enter('awaiting-approval');
    const decision = yield* approval('failover', needApproval);
    if (decision.type !== 'approved') return yield* stop(decision.outcome, decision.reason, decision.by);
  }

  // ── fail over ───────────────────────────────────────────────────────────────────────────────
  enter('failing-over');
  record('failover-started', actionable.map((w) => w.id).join(', '));
  failoverStartedAt = now();
  const ok = yield* runPlaybooks('failover', actionable, plan.groups, failover);
  failoverFinishedAt = now();
  record('failover-finished', summarize(failover));
  if (input.mode === 'plan') return yield* finish('planned', summarize(failover));
  for (const w of actionable) {
    if (failover[w.id]?.ok === true) yield context.df.callActivity(ACTIVITIES.recordFailover, { workloadId: w.id, at: context.df.currentUtcDateTime.toISOString() });
  }
  if (!ok) {
    yield* notifyFailures('failover', failover);
    return yield* finish('failover-failed', summarize(failover));
  }
  yield* notify({
    type: 'failover-done',
    durationMs: failoverFinishedAt - failoverStartedAt,
    sinceDetectionMs: failoverFinishedAt - started,
    workloadDurationsMs: durations(failover),
  });

  // ── watch, then fail back ───────────────────────────────────────────────────────────────────
  enter('failed-over');
  let failbackRequested: string | null = null;
  while (failbackRequested === null) {
    const ev = yield* next(24 * 3600_000);
    if (ev.type === 'cancel') return yield* stop('failed-over', `cancelled by ${ev.value.by} before failback${ev.value.reason ? `: ${ev.value.reason}` : ''}`, ev.value.by);
    if (ev.type === 'failback') failbackRequested = `requested by ${ev.value.by}`;
    if (ev.type === 'signal' && isRecovery(ev.value)) {
      record('resolved', describeSignal(ev.value));
      resolvedAt = ev.value.impactMitigation ?? ev.value.eventTime;
      break;
    }
  }
  if (failbackRequested === null && actionable.every((w) => w.providerManaged)) {
    // Nothing of ours moved: the provider's word that it is over is the signal to resume.
    failbackRequested = 'the provider resolved the incident';
  }
  if (failbackRequested === null) {
    enter('waiting-for-healthy-primary');
    const healthy = yield* sustainedHealth(actionable);
    if (healthy.type === 'cancelled') return yield* stop('failed-over', healthy.reason, healthy.by);
    record('failback-ready', healthy.reason);
    enter('awaiting-failback-approval');
    const decision = yield* approval('failback', actionable);
    if (decision.type !== 'approved') return yield* stop('failed-over', `failback not approved: ${decision.reason}`, decision.by);
  } else {
    record('failback-ready', failbackRequested);
  }
  enter('failing-back');
  record('failback-started', actionable.map((w) => w.id).join(', '));
  const failbackStartedAt = now();
  const backOk = yield* runPlaybooks('failback', actionable, [...plan.groups].reverse(), failback);
  record('failback-finished', summarize(failback));
  if (backOk) {
    yield* notify({ type: 'failback-done', durationMs: now() - failbackStartedAt, failedOverForMs: failbackStartedAt - failoverFinishedAt, workloadDurationsMs: durations(failback) });
  } else {
    yield* notifyFailures('failback', failback);
  }
  return yield* finish(backOk ? 'failed-over-and-back' : 'failover-failed', summarize(failback));

  // ── the stages ──────────────────────────────────────────────────────────────────────────────

  /**
   * Confirmed when the incident is still active after the dwell time and, for workloads whose
   * guardrails ask for it, Resource Health shows a primary resource impaired; until then health
   * is polled. Resource Health alone does not confirm: a flapping resource is Unavailable half
   * the time, and acting on it is exactly the noise the dwell time exists to ignore.
   */
  function* notifyFailures(direction: Direction, results: Record<string, PlaybookResult>): Generator<df.Task, void, unknown> {
    for (const r of Object.values(results).filter((r) => !r.ok)) {
      const failed = r.steps.find((s) => s.step === r.failedStep && s.status === 'failed');
      const undone = r.steps.filter((s) => s.status === 'compensated' || (s.status === 'failed' && s.detail.startsWith('compensate:')));
      yield* notify({
        type: 'step-failed',
        workloads: [r.workloadId],
        direction,
        workload: r.workloadId,
        step: r.failedStep ?? 'unknown',
        error: failed?.detail ?? 'the playbook failed',
        rolledBack: undone.every((s) => s.status === 'compensated'),
      });
    }
  }

  function* confirm(): Generator<df.Task, { ok: boolean; reason: string; by: string | null }, unknown> {
    const dwellMs = Math.max(...workloads.map((w) => w.dwellMs));
    const needsHealth = workloads.filter((w) => w.resourceHealthConfirmation);
    const deadline = started + dwellMs;
    for (;;) {
      const remaining = deadline - now();
      if (remaining <= 0) {
        if (needsHealth.length === 0) return { ok: true, reason: `still active after the ${minutes(dwellMs)} dwell time`, by: null };
        const health = (yield context.df.callActivity(ACTIVITIES.checkPrimaryHealth, { workloads: needsHealth })) as Record<string, string>;
        const impaired = Object.entries(health).filter(([, s]) => s === 'Unavailable' || s === 'Degraded');
        if (impaired.length > 0) {
          return { ok: true, reason: `still active after ${minutes(dwellMs)}; Resource Health: ${impaired.map(([id, s]) => `${id} ${s}`).join(', ')}`, by: null };
        }
      }
      const ev = yield* next(remaining > 0 ? remaining : timing.healthPollMs);
      if (ev.type === 'cancel') return { ok: false, reason: `cancelled by ${ev.value.by}${ev.value.reason ? `: ${ev.value.reason}` : ''}`, by: ev.value.by };
      if (ev.type === 'signal' && isRecovery(ev.value)) return { ok: false, reason: `recovered before confirmation: ${describeSignal(ev.value)}`, by: null };
    }
  }

  function* approval(
    what: Direction,
    who: WorkloadPlan[],
  ): Generator<df.Task, { type: 'approved' } | { type: 'not-approved'; outcome: IncidentOutcome; reason: string; by: string | null }, unknown> {
    const timeoutMs = Math.min(...who.map((w) => w.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS));
    const onTimeout = who.some((w) => w.onApprovalTimeout === 'abort') ? 'abort' : 'escalate';
    const asked = `${what} of ${who.map((w) => w.id).join(', ')}`;
    const reason = what === 'failover' ? `${describeSignal(input.signal)}` : `the primary is healthy again: ${asked}`;
    const expiresAt = () => new Date(now() + timeoutMs).toISOString();
    record('approval-requested', `${asked}; waiting up to ${minutes(timeoutMs)}`);
    yield* notify({ type: 'approval-needed', workloads: who.map((w) => w.id), direction: what, reason, expiresAt: expiresAt(), onTimeout });
    let escalations = 0;
    for (;;) {
      const ev = yield* next(timeoutMs);
      if (ev.type === 'approval') {
        record(ev.value.approved ? 'approved' : 'rejected', `${what} by ${ev.value.by}${ev.value.comment ? `: ${ev.value.comment}` : ''}`);
        if (ev.value.approved) return { type: 'approved' };
        return { type: 'not-approved', outcome: 'rejected', reason: `${what} rejected by ${ev.value.by}${ev.value.comment ? `: ${ev.value.comment}` : ''}`, by: ev.value.by };
      }
      if (ev.type === 'cancel') return { type: 'not-approved', outcome: 'cancelled', reason: `cancelled by ${ev.value.by}${ev.value.reason ? `: ${ev.value.reason}` : ''}`, by: ev.value.by };
      if (ev.type === 'signal' && what === 'failover' && isRecovery(ev.value)) {
        return { type: 'not-approved', outcome: 'cancelled-before-confirmation', reason: `recovered while waiting for approval: ${describeSignal(ev.value)}`, by: null };
      }
      if (ev.type === 'timeout') {
        if (onTimeout === 'abort' || escalations >= MAX_ESCALATIONS) {
          return { type: 'not-approved', outcome: 'approval-timed-out', reason: `no decision on the ${what} within ${minutes(timeoutMs * (escalations + 1))}`, by: null };
        }
        escalations++;
        record('approval-escalated', `no decision on the ${what} after ${minutes(timeoutMs * escalations)}; escalation ${escalations}`);
        yield* notify({
          type: 'approval-escalated',
          workloads: who.map((w) => w.id),
          direction: what,
          reason,
          waitingMs: timeoutMs * escalations,
          expiresAt: expiresAt(),
          onTimeout: escalations >= MAX_ESCALATIONS ? 'abort' : onTimeout,
        });
      }
    }
  }

  function* sustainedHealth(who: WorkloadPlan[]): Generator<df.Task, { type: 'healthy' | 'cancelled'; reason: string; by: string | null }, unknown> {
    const needed = Math.max(...who.map((w) => w.failbackAfterHealthyMs));
    let healthySince: number | null = null;
    for (;;) {
      const health = (yield context.df.callActivity(ACTIVITIES.checkPrimaryHealth, { workloads: who })) as Record<string, string>;
      const allAvailable = who.every((w) => health[w.id] === 'Available');
      if (allAvailable) {
        healthySince ??= now();
        if (now() - healthySince >= needed) return { type: 'healthy', reason: `primary healthy for ${minutes(needed)}`, by: null };
      } else {
        healthySince = null;
      }
      const ev = yield* next(healthySince === null ? timing.healthPollMs : Math.min(timing.healthPollMs, needed - (now() - healthySince)));
      if (ev.type === 'cancel') return { type: 'cancelled', reason: `cancelled by ${ev.value.by} while waiting to fail back`, by: ev.value.by };
      if (ev.type === 'failback') return { type: 'healthy', reason: `failback requested by ${ev.value.by}`, by: ev.value.by };
    }
  }

  function* runPlaybooks(
    direction: Direction,
    who: WorkloadPlan[],
    groups: string[][],
    results: Record<string, PlaybookResult>,
  ): Generator<df.Task, boolean, unknown> {
    const failed = new Set<string>();
    const byId = new Map(who.map((w) => [w.id, w]));
    for (const group of groups) {
      const wave = group.map((id) => byId.get(id)).filter((w): w is WorkloadPlan => w !== undefined);
      const blocked = wave.filter((w) => w.dependsOn.some((d) => failed.has(d)));
      for (const w of blocked) {
        failed.add(w.id);
        record('skipped', `${w.id}: not ${direction === 'failover' ? 'failed over' : 'failed back'}, a dependency failed`);
      }
      const runnable = wave.filter((w) => !blocked.includes(w));
      if (runnable.length === 0) continue;
      const steps = (yield context.df.Task.all(
        runnable.map((w) => context.df.callActivity(ACTIVITIES.playbookSteps, { playbookKind: w.playbookKind, direction })),
      )) as StepDefinition[][];
      const children = runnable.map((w, i) => {
        const playbook: PlaybookInput = {
          incidentId: input.incidentId,
          workloadId: w.id,
          playbookKind: w.playbookKind,
          direction,
          window: { since: input.signal.impactStart ?? input.signal.eventTime, until: resolvedAt, planned: input.kind === 'planned' },
          mode: input.mode,
          steps: steps[i]!,
          retry: { attempts: 4, firstIntervalMs: 5_000, backoff: 2 },
        };
        return context.df.callSubOrchestrator(ORCHESTRATIONS.playbook, playbook, `${input.incidentId}:${direction}:${w.id}`);
      });
      const outcomes = (yield context.df.Task.all(children)) as PlaybookResult[];
      outcomes.forEach((r, i) => {
        results[runnable[i]!.id] = r;
        if (!r.ok) failed.add(runnable[i]!.id);
      });
    }
    return failed.size === 0;
  }
}

/** A signal that says the impact is over: Resolved/RCA/Canceled, or Resource Health Available. */
export function isRecovery(signal: SignalSummary): boolean {
  return signal.lifecycle === 'resolved' || signal.health === 'Available';
}

function describeSignal(s: SignalSummary): string {
  const what = s.kind === 'manual' ? `manual request by ${s.requestedBy ?? 'unknown'}` : `${s.kind} ${s.stage ?? ''}`.trim();
  return `${what}${s.health !== null ? ` (health ${s.health})` : ''}: ${s.title ?? s.incidentKey}`;
}

function summarize(results: Record<string, PlaybookResult>): string {
  return Object.values(results)
    .map((r) => {
      // Only the counts that occurred: "2 done, 1 already done", "2 planned", "1 done, 1 compensated".
      const counts = (['done', 'already-done', 'skipped', 'planned', 'compensated', 'failed', 'not-run'] as const)
        .map((status) => [status, r.steps.filter((s) => s.status === status).length] as const)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status.replace('-', ' ')}`);
      return `${r.workloadId} ${r.ok ? 'ok' : `failed at ${r.failedStep}`} (${counts.join(', ') || 'no steps'})`;
    })
    .join('; ');
}

function durations(results: Record<string, PlaybookResult>): Record<string, number> {
  return Object.fromEntries(Object.values(results).map((r) => [r.workloadId, r.durationMs]));
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
