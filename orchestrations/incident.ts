/**
 * One incident, from its first signal to failback. Plan (which workloads, what the signal means
 * for each and why) → confirm (the impact persists for the dwell time and, where the guardrails
 * ask, Resource Health shows the primary impaired; a recovery cancels; nothing confirmed within
 * `confirmWithin` ends "not confirmed") → approval where the policy asks (bound to its direction
 * and round, with a quorum of distinct approvers) → playbooks in dependency waves, each workload
 * held by this incident alone → watch until the incident is resolved → fail back once the primary
 * has been healthy for the configured time and someone approved.
 *
 * Signals are ordered by their own event time: an update older than the newest changes nothing,
 * and an Active newer than a Resolved reopens the incident. A signal from outside the incident's
 * subscriptions or of another key is recorded and ignored. A cancel while failing over stops the
 * playbooks at the next step boundary, then rolls back or holds per policy; while the standby is
 * active, failback stays available, so the incident runs until the workloads are back or someone
 * ends it. The long waits carry their state into a fresh history (`continueAsNew`), so an incident
 * that lasts a month keeps a bounded history.
 */
import type * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { checklistOf, isRecovery, playbookInstanceId, type IncidentCommand } from '../lib/incidents/contract.js';
import type {
  Actor,
  ApprovalDecision,
  CancelCommand,
  DistributiveOmit,
  FailbackCommand,
  HealthCheck,
  IncidentInput,
  IncidentOutcome,
  IncidentSummary,
  NotificationRequest,
  PendingApproval,
  RunningPlaybooks,
  SignalSummary,
  TimelineEntry,
  TimelineType,
  Timing,
  WorkloadPlan,
} from '../lib/incidents/types.js';
import type { Direction, PlaybookInput, PlaybookResult } from '../lib/playbooks/types.js';
import { ACTIVITIES, ORCHESTRATIONS } from '../lib/incidents/contract.js';
import { callActivities, callActivity, callSubOrchestrations, waitForCommand, type ActivityInput, type ActivityName, type ActivityOutput, type TypedTask } from './call.js';

const DEFAULT_TIMING: Timing = { healthPollMs: 60_000 };
/** A replay at a high speed still polls health at most once a second. */
const MIN_REPLAY_POLL_MS = 1_000;
/** Health changes kept per incident: a flapping resource must not grow the record without bound. */
const MAX_HEALTH_CHECKS = 200;
const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;
const MAX_ESCALATIONS = 3;
/** Custom status carries the newest entries only: the real host refuses more than 16 KB. */
const STATUS_TIMELINE_ENTRIES = 20;
/** What custom status may take, under the host's 16 KB with room to spare; and an entry's detail there when it must give way. */
const STATUS_BUDGET = 14 * 1024;
const STATUS_DETAIL_MAX = 300;
/** The timeline is saved to the archive before custom status could lose an unsaved entry. */
const SAVE_EVERY_ENTRIES = 10;
/** Dedupe keys remembered; older redeliveries are stale by event time, or stopped at the intake. */
const SEEN_KEYS = 256;
/**
 * Units of work (waits, activities) in one execution before the long waits continue as new. Each
 * unit is a handful of history events, so a history stays within a few thousand events.
 */
const DEFAULT_HISTORY_LIMIT = 400;
const WATCH_TIMEOUT_MS = 24 * 3600_000;

type Phase =
  | 'planning'
  | 'confirming'
  | 'awaiting-approval'
  | 'failing-over'
  | 'stopped-partway'
  | 'rolling-back'
  | 'failed-over'
  | 'waiting-for-healthy-primary'
  | 'awaiting-failback-approval'
  | 'failing-back'
  | 'completed';

/** What an execution hands the next one when it continues as new: everything the watch needs. */
interface CarriedState {
  /**
   * The newest playbook run's instances, published while it runs and kept after it (and across
   * continue-as-new), so the view shows its steps and to-dos while the standby is active; the next
   * run replaces it. Absent in states carried by older code.
   */
  playbooks?: RunningPlaybooks | null;
  generation: number;
  phase: Phase;
  startedAt: number;
  /** Entries the archive has (the saved timeline), and the tail not saved yet or still shown. */
  entries: number;
  savedEntries: number;
  timeline: TimelineEntry[];
  /** Each change of a workload's primary health seen by the checks (absent in states carried by older code). */
  healthChecks?: HealthCheck[];
  seen: string[];
  duplicates: number;
  lastSignalAt: string;
  latest: { eventTime: string; recovered: boolean };
  workloads: WorkloadPlan[];
  groups: string[][];
  subscriptions: string[];
  failover: Record<string, PlaybookResult>;
  failoverStartedAt: number | null;
  failoverFinishedAt: number | null;
  resolvedAt: string | null;
  /** False once someone cancelled the automatic failback: only a request brings the workloads back. */
  autoFailback: boolean;
  /** Some workloads failed over and others failed: the incident ends failover-failed even after their failback. */
  partialFailure?: boolean;
  round: number;
  backlog: IncidentCommand[];
  held: string[];
}

type Next =
  | { type: 'signal'; value: SignalSummary }
  | { type: 'approval'; value: ApprovalDecision }
  | { type: 'cancel'; value: CancelCommand }
  | { type: 'failback'; value: FailbackCommand }
  | { type: 'timeout' };

export function* incidentOrchestrator(context: OrchestrationContext): Generator<df.Task, IncidentSummary | undefined, unknown> {
  const input = context.df.getInput<IncidentInput & { timing?: Timing; carried?: CarriedState }>();
  /**
   * The version the incident started under, kept in its input (so through continue-as-new): every
   * change to the history this code writes branches on it, so an incident started before a deploy
   * replays as it was recorded. Absent: an incident from before versioning (orchestrations/README.md).
   */
  const version = input.version ?? 1;
  // A replay polls health as much faster as it runs; a real incident polls every minute.
  const timing = input.timing ?? (input.replay !== undefined ? { healthPollMs: Math.max(MIN_REPLAY_POLL_MS, DEFAULT_TIMING.healthPollMs / input.replay.speed) } : DEFAULT_TIMING);
  /** What a replayed incident adds to its activity inputs (nothing for a real one, so their histories stay as they were). */
  const replayed = input.replay !== undefined ? { replay: input.replay } : {};
  const historyLimit = timing.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const now = () => context.df.currentUtcDateTime.getTime();
  const s: CarriedState = input.carried ?? {
    generation: 0,
    phase: 'planning',
    startedAt: now(),
    entries: 0,
    savedEntries: 0,
    timeline: [],
    seen: [input.signal.dedupeKey],
    duplicates: 0,
    lastSignalAt: input.signal.eventTime,
    latest: { eventTime: input.signal.eventTime, recovered: isRecovery(input.signal) },
    workloads: [],
    groups: [],
    subscriptions: [],
    failover: {},
    failoverStartedAt: null,
    failoverFinishedAt: null,
    resolvedAt: null,
    autoFailback: true,
    round: 0,
    backlog: [],
    held: [],
  };
  const failback: Record<string, PlaybookResult> = {};
  let pending: PendingApproval | null = null;
  /** Units of work in this execution, towards the history limit. */
  let work = 0;
  /** Cancels already applied by stopping a running failover. */
  const applied = new Set<string>();

  const record = (type: TimelineType, detail: string) => {
    s.timeline.push({ at: context.df.currentUtcDateTime.toISOString(), type, detail });
    s.entries++;
    publish();
  };
  /** Custom status is how on-call (GET /api/incidents/{id}) sees where the incident stands. */
  const enter = (next: Phase) => {
    s.phase = next;
    publish();
  };
  const publish = () => {
    const status = {
      phase: s.phase,
      incidentId: input.incidentId,
      title: input.signal.title ?? input.signal.incidentKey,
      mode: input.mode,
      kind: input.kind,
      workloads: s.workloads.map((w) => w.id),
      lastSignalAt: s.lastSignalAt,
      duplicates: s.duplicates,
      approval: pending,
      autoFailback: s.autoFailback,
      generation: s.generation,
      timeline: s.timeline.slice(-STATUS_TIMELINE_ENTRIES),
      entries: s.entries,
      version,
      playbooks: s.playbooks ?? null,
    };
    // The host refuses (and fails the incident over) a custom status above 16 KB: long entries
    // (a failover of hundreds of workloads names them all) give way first, the tail shortens
    // next; the archive's copy of the timeline keeps every entry whole.
    if (JSON.stringify(status).length > STATUS_BUDGET) status.timeline = status.timeline.map((e) => (e.detail.length > STATUS_DETAIL_MAX ? { ...e, detail: `${e.detail.slice(0, STATUS_DETAIL_MAX)}…` } : e));
    while (JSON.stringify(status).length > STATUS_BUDGET && status.timeline.length > 0) status.timeline = status.timeline.slice(1);
    context.df.setCustomStatus(status);
  };
  function* call<K extends ActivityName>(name: K, payload: ActivityInput<K>): Generator<df.Task, ActivityOutput<K>, unknown> {
    work++;
    return yield* callActivity(context, name, payload);
  }

  /** Waits that lost a race to a timer: durable-functions may still deliver commands to them. */
  let outstanding: TypedTask<IncidentCommand>[] = [];

  /** Saves the timeline when enough is new that the custom status tail might not cover it. */
  function* checkpoint(force = false): Generator<df.Task, void, unknown> {
    const unsaved = s.entries - s.savedEntries;
    if (unsaved === 0 || (!force && unsaved < SAVE_EVERY_ENTRIES)) return;
    const from = s.entries - s.timeline.length;
    yield* call(ACTIVITIES.saveTimeline, { incidentId: input.incidentId, timeline: s.timeline, from });
    s.savedEntries = s.entries;
  }

  /** Commands delivered to waits that lost their race, into the backlog. */
  function collect(): void {
    const delivered = outstanding.filter((t) => t.isCompleted);
    outstanding = outstanding.filter((t) => !t.isCompleted);
    for (const t of delivered) if (t.result !== undefined) s.backlog.push(t.result);
  }

  /** The next command, or a timeout; duplicates, stale and foreign signals are recorded and skipped. */
  function* next(timeoutMs: number): Generator<df.Task, Next, unknown> {
    for (;;) {
      yield* checkpoint();
      collect();
      let value = s.backlog.shift();
      if (value === undefined) {
        work++;
        const timer = context.df.createTimer(new Date(now() + Math.max(0, timeoutMs)));
        const command = waitForCommand(context);
        const winner: unknown = yield context.df.Task.any([command, timer]);
        if (winner === timer) {
          outstanding.push(command);
          return { type: 'timeout' };
        }
        timer.cancel();
        value = command.result;
        if (value === undefined) continue;
      }
      const handled = handle(value);
      if (handled !== undefined) return handled;
    }
  }

  function handle(value: IncidentCommand): Next | undefined {
    switch (value.type) {
      case 'signal': {
        const signal = value.signal;
        if (s.seen.includes(signal.dedupeKey)) {
          s.duplicates++;
          return undefined;
        }
        s.seen.push(signal.dedupeKey);
        if (s.seen.length > SEEN_KEYS) s.seen.splice(0, s.seen.length - SEEN_KEYS);
        const foreign = foreignSignal(signal);
        if (foreign !== null) {
          record('ignored-signal', `${describeSignal(signal)}: ${foreign}`);
          return undefined;
        }
        if (Date.parse(signal.eventTime) < Date.parse(s.latest.eventTime)) {
          record('ignored-signal', `${describeSignal(signal)}: stale (its event time ${signal.eventTime} is older than the newest update, ${s.latest.eventTime})`);
          return undefined;
        }
        s.latest = { eventTime: signal.eventTime, recovered: isRecovery(signal) };
        if (Date.parse(signal.eventTime) > Date.parse(s.lastSignalAt)) s.lastSignalAt = signal.eventTime;
        record('signal', describeSignal(signal));
        return { type: 'signal', value: signal };
      }
      case 'approval':
        return { type: 'approval', value: value.decision };
      case 'cancel':
        if (value.cancel.requestId !== undefined && applied.has(value.cancel.requestId)) return undefined;
        return { type: 'cancel', value: value.cancel };
      case 'failback':
        return { type: 'failback', value };
      default:
        record('ignored-signal', `unknown command ${JSON.stringify(value).slice(0, 200)}`);
        return undefined;
    }
  }

  /** Why a signal is not this incident's, or null: another key, or a subscription its workloads do not live in. */
  function foreignSignal(signal: SignalSummary): string | null {
    if (signal.incidentKey !== input.signal.incidentKey) return `another incident's key (${signal.incidentKey})`;
    const subscription = signal.subscriptionId?.toLowerCase() ?? null;
    if (subscription !== null && s.subscriptions.length > 0 && !s.subscriptions.includes(subscription)) {
      return `from subscription ${subscription}, which none of the incident's workloads lives in`;
    }
    const first = input.signal.subscriptionId?.toLowerCase() ?? null;
    if (subscription !== null && first !== null && s.subscriptions.length === 0 && subscription !== first) {
      return `from subscription ${subscription}, not the incident's ${first}`;
    }
    return null;
  }

  type Notice = DistributiveOmit<NotificationRequest, 'incidentId' | 'workloads' | 'title' | 'trackingId'> & { workloads?: string[] };

  function* notify(notice: Notice): Generator<df.Task, void, unknown> {
    if (input.mode === 'plan') return;
    const request = {
      incidentId: input.incidentId,
      workloads: s.workloads.map((w) => w.id),
      title: input.signal.title ?? input.signal.incidentKey,
      trackingId: input.signal.kind === 'serviceHealth' ? input.signal.incidentKey : null,
      ...notice,
    } satisfies NotificationRequest;
    // A notification that cannot be delivered never stops a failover.
    try {
      yield* call(ACTIVITIES.notify, request);
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
    pending = null;
    enter('completed');
    record('completed', `${outcome}: ${detail}`);
    if (s.held.length > 0 && input.mode === 'execute') {
      yield* call(ACTIVITIES.releaseWorkloads, { incidentId: input.incidentId, workloads: s.held });
      s.held = [];
    }
    yield* checkpoint(true);
    const summary = summarizeIncident(outcome);
    // Version 1 histories end above: the archived page came with version 2.
    if (version < 2 || input.mode !== 'execute') return summary;
    try {
      const { carried: _carried, timing: _timing, ...started } = input;
      yield* call(ACTIVITIES.archiveIncidentPage, { incidentId: input.incidentId, input: started, summary, createdAt: new Date(s.startedAt).toISOString() });
      return summary;
    } catch {
      // The audit copy is worth a retry by hand, never a failed incident.
      record('skipped', 'the incident page could not be archived; GET /api/incidents/{id}/page still renders it');
      yield* checkpoint(true);
      return summarizeIncident(outcome);
    }
  }

  /** The incident's output; its own copy of the timeline, so what an activity was given does not change after. */
  function summarizeIncident(outcome: IncidentOutcome): IncidentSummary {
    return {
      incidentId: input.incidentId,
      outcome,
      workloads: s.workloads.map((w) => w.id),
      failover: s.failover,
      failback,
      // A replay's signals keep their original times: its time to failover counts from its own start.
      timeToFailoverMs: s.failoverFinishedAt === null ? null : s.failoverFinishedAt - (input.replay !== undefined ? s.startedAt : Date.parse(input.signal.eventTime)),
      lastSignalAt: s.lastSignalAt,
      timeline: [...s.timeline],
      entries: s.entries,
      healthChecks: s.healthChecks ?? [],
    };
  }

  const actors = () => s.workloads.filter((w) => (w.verdict ?? 'act') === 'act' && (w.trigger !== 'notify-only' || w.providerManaged));

  if (input.carried !== undefined) {
    // A fresh history for a long watch: the commands carried over come first.
    publish();
    return yield* afterFailover();
  }

  // ── plan ────────────────────────────────────────────────────────────────────────────────────
  record('signal', describeSignal(input.signal));
  if (input.signal.isSynthetic) return yield* finish('ignored-synthetic', 'action-group test notification');
  // Delivered out of order, a Resolved can arrive first: the incident is over before it began.
  if (isRecovery(input.signal)) return yield* finish('cancelled-before-confirmation', `resolved before any impact was seen: ${describeSignal(input.signal)}`);

  const plan = yield* call(ACTIVITIES.planIncident, { incidentId: input.incidentId, signal: input.signal, ...replayed });
  s.subscriptions = plan.subscriptions ?? [];
  for (const ignored of plan.ignored ?? []) record('decision', `${ignored.id}: ${ignored.reason}`);
  s.workloads = plan.workloads;
  s.groups = plan.groups;
  if (s.workloads.length === 0) return yield* finish('no-workloads', plan.reason ?? 'no workload in the catalog is affected');
  for (const w of s.workloads) {
    record('decision', `${w.id}: ${w.reason ?? `acted because: ${describeSignal(input.signal)}; policy ${w.trigger}`}`);
    // A failover of a retired service buys little: the incident says so where people read it.
    for (const line of w.retirements ?? []) record('decision', `${w.id}: ${line}`);
  }

  // Resource Health flaps: a resource that blinks every minute must not page anyone every minute.
  // Its incidents speak up once the impact is confirmed; Service Health and manual ones at once.
  const quietUntilConfirmed = input.signal.kind === 'resourceHealth';
  const reasons = s.workloads.map((w) => w.reason ?? w.id).join('; ');
  if (actors().length === 0) {
    // Advisories, maintenance that only notifies, notify-only policies: tell, and act on nothing.
    yield* notify({ type: 'incident-opened', reason: `${describeSignal(input.signal)}. No failover: ${reasons}` });
    return yield* finish('notified-only', reasons);
  }

  const held = actors().filter((w) => w.lastFailoverAt !== null && now() - Date.parse(w.lastFailoverAt) < w.minIntervalMs);
  for (const w of held) {
    const why = `${w.id}: failed over at ${w.lastFailoverAt}, within its minimum interval of ${minutes(w.minIntervalMs)}`;
    // A plan reports the guard; it is never stopped by it.
    record('skipped', input.mode === 'plan' ? `${why}; an execute request would be held back` : `${why}; held back`);
  }
  if (input.mode === 'execute' && held.length > 0) {
    yield* notify({ type: 'incident-cancelled', workloads: held.map((w) => w.id), reason: `failover held back by the minimum interval: ${held.map((w) => `${w.id} failed over at ${w.lastFailoverAt} (interval ${minutes(w.minIntervalMs)})`).join('; ')}`, by: null });
    s.workloads = s.workloads.filter((w) => !held.includes(w));
    if (actors().length === 0) return yield* finish('held-by-minimum-interval', held.map((w) => w.id).join(', '));
  }
  record('planned', actors().map((w) => `${w.id} (${w.trigger}, ${w.primaryRegion} → ${w.secondaryRegion ?? 'provider-managed'})`).join('; '));
  if (!quietUntilConfirmed) yield* notify({ type: 'incident-opened', reason: `${describeSignal(input.signal)}. ${reasons}` });

  // ── confirm ─────────────────────────────────────────────────────────────────────────────────
  if (input.signal.kind !== 'manual') {
    enter('confirming');
    // Maintenance the policy fails over for waits for its window; an outage must show it is real.
    const confirmed = actors().every((w) => w.kind === 'planned') ? yield* awaitWindow() : yield* confirm();
    if (confirmed.outcome !== 'confirmed') {
      if (confirmed.outcome === 'not-confirmed') return yield* stop('not-confirmed', confirmed.reason, null);
      if (quietUntilConfirmed && confirmed.by === null) return yield* finish('cancelled-before-confirmation', confirmed.reason);
      return yield* stop(confirmed.outcome, confirmed.reason, confirmed.by);
    }
    record('confirmed', confirmed.reason);
    yield* notify({ type: 'impact-confirmed', reason: confirmed.reason });
  }

  // ── approve ─────────────────────────────────────────────────────────────────────────────────
  const needApproval = actors().filter((w) => w.trigger === 'approval');
  if (needApproval.length > 0 && input.mode === 'execute') {
    enter('awaiting-approval');
    const decision = yield* approval('failover', needApproval);
    if (decision.type === 'not-approved') return yield* stop(decision.outcome, decision.reason, decision.by);
  }

  // ── hold, then fail over ────────────────────────────────────────────────────────────────────
  if (input.mode === 'execute') {
    const holds = yield* call(ACTIVITIES.holdWorkloads, { incidentId: input.incidentId, workloads: actors().map((w) => w.id) });
    s.held = holds.held;
    const linked = Object.entries(holds.heldBy);
    for (const [id, other] of linked) record('linked', `${id} is being failed over by incident ${other}; not run again here`);
    if (linked.length > 0) {
      s.workloads = s.workloads.filter((w) => holds.heldBy[w.id] === undefined);
      yield* notify({ type: 'incident-opened', workloads: linked.map(([id]) => id), reason: `linked to ${[...new Set(linked.map(([, other]) => other))].join(', ')}, which is already failing ${linked.map(([id]) => id).join(', ')} over` });
      if (actors().length === 0) return yield* finish('linked', linked.map(([id, other]) => `${id} → ${other}`).join('; '));
    }
  }
  enter('failing-over');
  const acting = actors();
  record('failover-started', acting.map((w) => w.id).join(', '));
  s.failoverStartedAt = now();
  const ok = yield* runPlaybooks('failover', acting, s.groups, s.failover);
  s.failoverFinishedAt = now();
  record('failover-finished', summarize(s.failover));
  if (input.mode === 'plan') return yield* finish('planned', summarize(s.failover));
  for (const w of acting) {
    if (s.failover[w.id]?.ok === true) yield* call(ACTIVITIES.recordFailover, { workloadId: w.id, at: context.df.currentUtcDateTime.toISOString(), ...(input.replay !== undefined ? { replayId: input.replay.replayId } : {}) });
  }
  if (!ok) return yield* afterFailedFailover(acting);
  yield* notify({
    type: 'failover-done',
    durationMs: s.failoverFinishedAt - s.failoverStartedAt,
    sinceDetectionMs: s.failoverFinishedAt - s.startedAt,
    workloadDurationsMs: durations(s.failover),
    checklist: checklistOf(s.failover),
  });
  enter('failed-over');
  return yield* afterFailover();

  // ── the stages ──────────────────────────────────────────────────────────────────────────────

  /**
   * A failover that did not complete: a cancel stopped it, or a step failed (its playbook undid
   * what it could). After a cancel, what is still done is rolled back at once when every stopped
   * workload's policy says so; otherwise the incident holds, offering the rollback (`failback`)
   * until someone decides. After a failure, the workloads that did fail over are watched and fail
   * back as usual; a failed one whose undo failed too is held for its rollback.
   */
  function* afterFailedFailover(acting: WorkloadPlan[]): Generator<df.Task, IncidentSummary | undefined, unknown> {
    const results = acting.map((w) => s.failover[w.id]).filter((r): r is PlaybookResult => r !== undefined);
    const stopRequest = results.find((r) => r.stopped)?.stopped ?? null;
    if (stopRequest !== null) applied.add(stopRequest.requestId);
    yield* notifyFailures('failover', s.failover);
    // After a cancel everything done is to be undone; after a failure, only what a failed playbook could not undo.
    const left = results.filter((r) => (stopRequest !== null || !r.ok) && (r.undoable ?? []).length > 0);
    const succeeded = results.filter((r) => r.ok);
    if (stopRequest === null && succeeded.length > 0) {
      s.partialFailure = true;
      const failed = results.filter((r) => !r.ok).map((r) => r.workloadId);
      record('skipped', `${failed.join(', ')} did not fail over${left.length > 0 ? ` (still in place: ${left.map((r) => `${r.workloadId}: ${(r.undoable ?? []).join(', ')}`).join('; ')})` : ' and were put back'}; ${succeeded.map((r) => r.workloadId).join(', ')} did and will fail back as usual`);
      if (left.length > 0) {
        yield* notify({
          type: 'action-required',
          workloads: left.map((r) => r.workloadId),
          workload: left.map((r) => r.workloadId).join(', '),
          actions: left.map((r) => `${r.workloadId}: its failover failed at ${r.failedStep ?? 'a step'} and these could not be undone: ${(r.undoable ?? []).join(', ')}; undo them by hand.`),
        });
      }
      s.workloads = s.workloads.filter((w) => s.failover[w.id]?.ok !== false);
      const done = Object.fromEntries(succeeded.map((r) => [r.workloadId, r]));
      yield* notify({ type: 'failover-done', workloads: succeeded.map((r) => r.workloadId), durationMs: (s.failoverFinishedAt ?? now()) - (s.failoverStartedAt ?? now()), sinceDetectionMs: (s.failoverFinishedAt ?? now()) - s.startedAt, workloadDurationsMs: durations(done), checklist: checklistOf(done) });
      enter('failed-over');
      return yield* afterFailover();
    }
    const stoppedBy = stopRequest !== null ? `cancelled by ${stopRequest.by}${stopRequest.reason !== null ? `: ${stopRequest.reason}` : ''}` : null;
    if (left.length === 0) {
      return yield* finish(stopRequest !== null ? 'cancelled' : 'failover-failed', `${stoppedBy ?? 'a step failed'}; nothing left to undo: ${summarize(s.failover)}`);
    }
    const rollbackNow = stopRequest !== null && left.every((r) => acting.find((w) => w.id === r.workloadId)?.onCancel === 'rollback');
    if (!rollbackNow) {
      enter('stopped-partway');
      const what = left.map((r) => `${r.workloadId}: ${(r.undoable ?? []).join(', ')}`).join('; ');
      record('skipped', `${stoppedBy ?? 'the failover failed'}; still in place: ${what}. Fail back to roll it back, or cancel to leave it`);
      yield* notify({
        type: 'action-required',
        workloads: left.map((r) => r.workloadId),
        workload: left.map((r) => r.workloadId).join(', '),
        actions: [`The failover stopped partway (${stoppedBy ?? 'a step failed and could not be fully undone'}); still in place: ${what}.`, 'Request a failback to roll this back, or cancel the incident to leave it as it is.'],
      });
      for (;;) {
        const ev = yield* next(WATCH_TIMEOUT_MS);
        if (ev.type === 'cancel') return yield* finish(stopRequest !== null ? 'cancelled' : 'failover-failed', `left partway by ${ev.value.by}: ${what}`);
        if (ev.type === 'failback') break;
      }
    }
    enter('rolling-back');
    record('failback-started', `rolling back ${left.map((r) => r.workloadId).join(', ')}`);
    const undone: Record<string, PlaybookResult> = {};
    const all = yield* runPlaybooks('failover', acting.filter((w) => left.some((r) => r.workloadId === w.id)), s.groups.slice().reverse(), undone, (w) => s.failover[w.id]?.undoable ?? []);
    Object.assign(failback, undone);
    record('failback-finished', summarize(undone));
    if (!all) yield* notifyFailures('failover', undone);
    return yield* finish(all ? 'rolled-back' : 'failover-failed', `${stoppedBy ?? 'a step failed'}; rollback: ${summarize(undone)}`);
  }

  /**
   * Failed over: watch until the incident is resolved, wait for a sustained healthy primary, ask,
   * and fail back. Resumable: a carried state enters here at its phase.
   */
  function* afterFailover(): Generator<df.Task, IncidentSummary | undefined, unknown> {
    const acting = actors();
    for (;;) {
      if (work >= historyLimit && (s.phase === 'failed-over' || s.phase === 'waiting-for-healthy-primary')) return yield* carryOn();
      switch (s.phase) {
        case 'failed-over': {
          const ev = yield* next(WATCH_TIMEOUT_MS);
          if (ev.type === 'cancel') yield* cancelAutoFailback(ev.value);
          else if (ev.type === 'failback') yield* requestFailback(ev.value);
          else if (ev.type === 'approval') record('ignored-signal', `an approval by ${ev.value.by} arrived while no approval was asked for`);
          else if (ev.type === 'signal' && isRecovery(ev.value)) {
            record('resolved', describeSignal(ev.value));
            s.resolvedAt = ev.value.impactMitigation ?? ev.value.eventTime;
            // Nothing of ours moved for a provider-managed workload: the provider's word is the signal to resume.
            if (acting.every((w) => w.providerManaged)) {
              record('failback-ready', 'the provider resolved the incident');
              enter('failing-back');
            } else if (s.autoFailback) {
              enter('waiting-for-healthy-primary');
            } else {
              record('skipped', 'automatic failback was cancelled: the workloads stay on the standby until someone requests a failback');
            }
          }
          break;
        }
        case 'waiting-for-healthy-primary': {
          const healthy = yield* sustainedHealth(acting);
          if (healthy.type === 'healthy') {
            record('failback-ready', healthy.reason);
            enter('awaiting-failback-approval');
          }
          break;
        }
        case 'awaiting-failback-approval': {
          const decision = yield* approval('failback', acting);
          if (decision.type === 'approved') enter('failing-back');
          else if (decision.type === 'reopened' || decision.type === 'held') enter('failed-over');
          else if (decision.type === 'forced') enter('failing-back');
          else {
            s.autoFailback = false;
            record('skipped', `failback not approved (${decision.reason}): the workloads stay on the standby until someone requests a failback`);
            enter('failed-over');
          }
          break;
        }
        case 'failing-back': {
          record('failback-started', acting.map((w) => w.id).join(', '));
          const failbackStartedAt = now();
          const backOk = yield* runPlaybooks('failback', acting, [...s.groups].reverse(), failback);
          record('failback-finished', summarize(failback));
          if (backOk) {
            yield* notify({
              type: 'failback-done',
              durationMs: now() - failbackStartedAt,
              failedOverForMs: failbackStartedAt - (s.failoverFinishedAt ?? failbackStartedAt),
              workloadDurationsMs: durations(failback),
              checklist: checklistOf(failback),
            });
            // Back where it started, but the failover did not work for every workload: it says so.
            return yield* finish(s.partialFailure === true ? 'failover-failed' : 'failed-over-and-back', summarize(failback));
          }
          yield* notifyFailures('failback', failback);
          // The standby is still active for some: the failback stays available.
          s.autoFailback = false;
          record('skipped', 'the failback failed; the workloads stay on the standby until someone requests a failback again');
          enter('failed-over');
          break;
        }
        default:
          return yield* finish('failed-over', `ended in phase ${s.phase}`);
      }
    }
  }

  /** Continues as new with the state the watch needs, after saving the whole timeline. */
  function* carryOn(): Generator<df.Task, undefined, unknown> {
    yield* checkpoint(true);
    collect();
    // The archive has the whole timeline; the next execution carries only the tail custom status shows.
    const carried: CarriedState = { ...s, timeline: s.timeline.slice(-STATUS_TIMELINE_ENTRIES), generation: s.generation + 1 };
    context.df.continueAsNew({ ...input, carried });
    return undefined;
  }

  function* cancelAutoFailback(cancel: CancelCommand): Generator<df.Task, void, unknown> {
    s.autoFailback = false;
    const reason = `automatic failback cancelled by ${cancel.by}${cancel.reason ? `: ${cancel.reason}` : ''}; the workloads stay on the standby until someone requests a failback`;
    record('cancelled', reason);
    enter('failed-over');
    yield* notify({ type: 'incident-cancelled', reason, by: cancel.by });
  }

  /** A failback request: forced by an approver, it goes at once; otherwise the health wait and the approval come first. */
  function* requestFailback(request: FailbackCommand): Generator<df.Task, void, unknown> {
    s.autoFailback = true;
    if (request.force === true) {
      record('failback-ready', `forced by ${request.by}, skipping the health wait and the approval: ${request.reason ?? 'no reason given'}`);
      enter('failing-back');
      return;
    }
    record('failback-ready', `requested by ${request.by}: waiting for a healthy primary, then for approval`);
    enter('waiting-for-healthy-primary');
    yield* checkpoint();
  }

  function* notifyFailures(direction: Direction, results: Record<string, PlaybookResult>): Generator<df.Task, void, unknown> {
    for (const r of Object.values(results).filter((r) => !r.ok)) {
      const failed = r.steps.find((st) => st.step === r.failedStep && st.status === 'failed');
      const rolledBackSteps = r.steps.filter((st) => st.status === 'compensated').map((st) => st.step);
      const notRolledBack = r.undoable ?? [];
      yield* notify({
        type: 'step-failed',
        workloads: [r.workloadId],
        direction,
        workload: r.workloadId,
        step: r.failedStep ?? (r.stopped ? 'stopped by a cancel' : 'unknown'),
        error: r.stopped ? `cancelled by ${r.stopped.by}` : failed?.detail ?? 'the playbook failed',
        rolledBack: notRolledBack.length === 0,
        rolledBackSteps,
        notRolledBack,
      });
    }
  }

  /**
   * Confirmed when the incident is still active after the dwell time and, for workloads whose
   * guardrails ask for it, Resource Health shows a primary resource impaired; until then health
   * is polled, up to `confirmWithin`. Resource Health alone does not confirm: a flapping resource
   * is Unavailable half the time, and acting on it is exactly the noise the dwell time ignores.
   */
  function* confirm(): Generator<df.Task, { outcome: 'confirmed' | 'cancelled' | 'cancelled-before-confirmation' | 'not-confirmed'; reason: string; by: string | null }, unknown> {
    const dwellMs = Math.max(...actors().map((w) => w.dwellMs));
    const withinMs = Math.max(dwellMs, ...actors().map((w) => w.confirmWithinMs ?? Number.MAX_SAFE_INTEGER));
    const needsHealth = actors().filter((w) => w.resourceHealthConfirmation);
    const deadline = s.startedAt + dwellMs;
    const giveUpAt = s.startedAt + withinMs;
    for (;;) {
      const remaining = deadline - now();
      if (remaining <= 0) {
        if (needsHealth.length === 0) return { outcome: 'confirmed', reason: `still active after the ${minutes(dwellMs)} dwell time`, by: null };
        const health = yield* primaryHealth(needsHealth);
        const impaired = Object.entries(health).filter(([, h]) => h === 'Unavailable' || h === 'Degraded');
        if (impaired.length > 0) {
          return { outcome: 'confirmed', reason: `still active after ${minutes(dwellMs)}; Resource Health: ${impaired.map(([id, h]) => `${id} ${h}`).join(', ')}`, by: null };
        }
        if (now() >= giveUpAt) {
          return { outcome: 'not-confirmed', reason: `not confirmed within ${minutes(withinMs)}: Resource Health never showed ${needsHealth.map((w) => w.id).join(', ')} impaired`, by: null };
        }
      }
      const wait = remaining > 0 ? remaining : Math.min(timing.healthPollMs, giveUpAt - now());
      const ev = yield* next(wait);
      // A person's cancel sticks to the incident key; a recovery does not.
      if (ev.type === 'cancel') return { outcome: 'cancelled', reason: `cancelled by ${ev.value.by}${ev.value.reason ? `: ${ev.value.reason}` : ''}`, by: ev.value.by };
      if (ev.type === 'signal' && isRecovery(ev.value)) return { outcome: 'cancelled-before-confirmation', reason: `recovered before confirmation: ${describeSignal(ev.value)}`, by: null };
    }
  }

  /**
   * Resource Health of the primaries. When it does not answer (throttled or down past the SDK's
   * own retries), this poll reads Unknown for every workload: neither impaired nor healthy, so
   * the incident neither confirms nor fails back on it, and asks again at the next poll instead
   * of failing and losing its way back.
   */
  function* primaryHealth(who: WorkloadPlan[]): Generator<df.Task, ActivityOutput<'checkPrimaryHealth'>, unknown> {
    try {
      // A replay's check reads the record at the incident's own time (the orchestration's clock).
      const health = yield* call(ACTIVITIES.checkPrimaryHealth, { workloads: who, ...replayed, ...(input.replay !== undefined ? { at: context.df.currentUtcDateTime.toISOString() } : {}) });
      keepHealthChanges(health);
      return health;
    } catch (err) {
      const why = err instanceof Error ? (err.message.split('\n')[0] ?? '').trim() : String(err);
      record('health-unknown', `Resource Health did not answer for ${who.map((w) => w.id).join(', ')} (${why}): read as Unknown, asked again at the next poll`);
      return Object.fromEntries(who.map((w) => [w.id, 'Unknown' as const]));
    }
  }

  /** Keeps each change of a workload's health (not every poll), so the record stays small and a replay can answer as Azure did. */
  function keepHealthChanges(health: ActivityOutput<'checkPrimaryHealth'>): void {
    const checks = (s.healthChecks ??= []);
    for (const [workloadId, status] of Object.entries(health)) {
      const last = checks.findLast((c) => c.workloadId === workloadId);
      if (last?.status !== status && checks.length < MAX_HEALTH_CHECKS) checks.push({ at: context.df.currentUtcDateTime.toISOString(), workloadId, status });
    }
  }

  /** A planned failover waits until the lead time before the maintenance window; a cancelled window cancels it. */
  function* awaitWindow(): Generator<df.Task, { outcome: 'confirmed' | 'cancelled' | 'cancelled-before-confirmation'; reason: string; by: string | null }, unknown> {
    const lead = Math.max(0, ...actors().map((w) => w.maintenanceLeadTimeMs ?? 0));
    const windowStart = Date.parse(input.signal.impactStart ?? input.signal.eventTime);
    const at = windowStart - lead;
    for (;;) {
      if (now() >= at) return { outcome: 'confirmed', reason: `planned maintenance starts ${new Date(windowStart).toISOString()}; failing over ${minutes(lead)} before it`, by: null };
      const ev = yield* next(at - now());
      if (ev.type === 'cancel') return { outcome: 'cancelled', reason: `cancelled by ${ev.value.by}`, by: ev.value.by };
      if (ev.type === 'signal' && isRecovery(ev.value)) return { outcome: 'cancelled-before-confirmation', reason: `the maintenance is over or cancelled: ${describeSignal(ev.value)}`, by: null };
    }
  }

  type ApprovalOutcome =
    | { type: 'approved' }
    | { type: 'forced' }
    | { type: 'reopened' }
    /** The failback approval was cancelled: the workloads stay on the standby (already recorded). */
    | { type: 'held' }
    | { type: 'not-approved'; outcome: IncidentOutcome; reason: string; by: string | null };

  /**
   * One approval request: a new round, bound to its direction. Approvals of another round or
   * direction are recorded and ignored; distinct approvers count towards the quorum; a rejection
   * ends it. Unanswered, it escalates or gives up per policy. Who may approve is checked where the
   * request arrives (the on-call API), which knows the caller's verified identity.
   */
  function* approval(direction: Direction, who: WorkloadPlan[]): Generator<df.Task, ApprovalOutcome, unknown> {
    // A replay's default runs compressed like every other guardrail (its plan divided the catalog's own).
    const timeoutMs = Math.min(...who.map((w) => w.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS / (input.replay?.speed ?? 1)));
    const onTimeout = who.some((w) => w.onApprovalTimeout === 'abort') ? 'abort' : 'escalate';
    const asked = `${direction} of ${who.map((w) => w.id).join(', ')}`;
    const reason = direction === 'failover' ? `${describeSignal(input.signal)}` : `the primary is healthy again: ${asked}`;
    const expiresAt = () => new Date(now() + timeoutMs).toISOString();
    s.round++;
    pending = {
      direction,
      round: s.round,
      workloads: who.map((w) => w.id),
      approvers: [...new Set(who.flatMap((w) => w.approvers ?? []))],
      quorum: Math.max(1, ...who.map((w) => w.quorum ?? 1)),
      approvedBy: [],
      requestedById: input.signal.requestedById ?? null,
      allowSelfApproval: who.every((w) => w.allowSelfApproval === true),
      expiresAt: expiresAt(),
    };
    record('approval-requested', `${asked} (round ${s.round}${pending.quorum > 1 ? `, ${pending.quorum} approvers needed` : ''}); waiting up to ${minutes(timeoutMs)}`);
    yield* notify({ type: 'approval-needed', workloads: who.map((w) => w.id), direction, round: s.round, reason, expiresAt: pending.expiresAt, onTimeout });
    const approvedIds = new Set<string>();
    let escalations = 0;
    const done = (outcome: ApprovalOutcome): ApprovalOutcome => {
      pending = null;
      publish();
      return outcome;
    };
    for (;;) {
      const ev = yield* next(timeoutMs);
      if (ev.type === 'approval') {
        const d = ev.value;
        if (d.direction !== undefined && (d.direction !== direction || d.round !== s.round)) {
          record('ignored-signal', `a ${d.approved ? 'approval' : 'rejection'} by ${d.by} of the ${d.direction} round ${d.round ?? '?'} does not answer this request (the ${direction}, round ${s.round})`);
          continue;
        }
        const comment = d.comment ? `: ${d.comment}` : '';
        if (!d.approved) {
          record('rejected', `${direction} by ${d.by}${comment}`);
          return done({ type: 'not-approved', outcome: 'rejected', reason: `${direction} rejected by ${d.by}${comment}`, by: d.by });
        }
        approvedIds.add(d.actor?.id ?? d.by);
        pending!.approvedBy = [...pending!.approvedBy.filter((b) => b !== d.by), d.by];
        record('approved', `${direction} by ${describeActor(d.actor, d.by)}${comment}${pending!.quorum > 1 ? ` (${approvedIds.size} of ${pending!.quorum})` : ''}`);
        if (approvedIds.size >= pending!.quorum) return done({ type: 'approved' });
        continue;
      }
      if (ev.type === 'cancel') {
        if (direction === 'failback') {
          yield* cancelAutoFailback(ev.value);
          return done({ type: 'held' });
        }
        return done({ type: 'not-approved', outcome: 'cancelled', reason: `cancelled by ${ev.value.by}${ev.value.reason ? `: ${ev.value.reason}` : ''}`, by: ev.value.by });
      }
      if (ev.type === 'failback' && direction === 'failback' && ev.value.force === true) {
        record('failback-ready', `forced by ${ev.value.by}, skipping the approval: ${ev.value.reason ?? 'no reason given'}`);
        return done({ type: 'forced' });
      }
      if (ev.type === 'signal' && direction === 'failover' && isRecovery(ev.value)) {
        return done({ type: 'not-approved', outcome: 'cancelled-before-confirmation', reason: `recovered while waiting for approval: ${describeSignal(ev.value)}`, by: null });
      }
      if (ev.type === 'signal' && direction === 'failback' && !isRecovery(ev.value)) {
        record('reopened', `the incident is active again (${describeSignal(ev.value)}): back to watching`);
        return done({ type: 'reopened' });
      }
      if (ev.type === 'timeout') {
        if (onTimeout === 'abort' || escalations >= MAX_ESCALATIONS) {
          return done({ type: 'not-approved', outcome: 'approval-timed-out', reason: `no decision on the ${direction} within ${minutes(timeoutMs * (escalations + 1))}`, by: null });
        }
        escalations++;
        pending!.expiresAt = expiresAt();
        record('approval-escalated', `no decision on the ${direction} after ${minutes(timeoutMs * escalations)}; escalation ${escalations}`);
        yield* notify({
          type: 'approval-escalated',
          workloads: who.map((w) => w.id),
          direction,
          round: s.round,
          reason,
          waitingMs: timeoutMs * escalations,
          expiresAt: pending!.expiresAt,
          onTimeout: escalations >= MAX_ESCALATIONS ? 'abort' : onTimeout,
        });
      }
    }
  }

  /** Polls the primary until it has been healthy for the longest `failbackAfterHealthyFor`; a newer Active goes back to watching. */
  function* sustainedHealth(who: WorkloadPlan[]): Generator<df.Task, { type: 'healthy'; reason: string } | { type: 'interrupted' }, unknown> {
    const needed = Math.max(...who.map((w) => w.failbackAfterHealthyMs));
    let healthySince: number | null = null;
    for (;;) {
      if (work >= historyLimit) return { type: 'interrupted' }; // continuing in a fresh history
      const health = yield* primaryHealth(who);
      const allAvailable = who.every((w) => health[w.id] === 'Available');
      if (allAvailable) {
        healthySince ??= now();
        if (now() - healthySince >= needed) return { type: 'healthy', reason: `primary healthy for ${minutes(needed)}` };
      } else {
        healthySince = null;
      }
      const ev = yield* next(healthySince === null ? timing.healthPollMs : Math.min(timing.healthPollMs, needed - (now() - healthySince)));
      if (ev.type === 'cancel') {
        yield* cancelAutoFailback(ev.value);
        return { type: 'interrupted' };
      }
      if (ev.type === 'failback' && ev.value.force === true) {
        yield* requestFailback(ev.value);
        return { type: 'interrupted' };
      }
      if (ev.type === 'signal' && !isRecovery(ev.value)) {
        record('reopened', `the incident is active again (${describeSignal(ev.value)}): back to watching`);
        enter('failed-over');
        return { type: 'interrupted' };
      }
    }
  }

  /**
   * Runs each wave's playbooks side by side; dependants of a failed workload are skipped. With
   * `rollback`, each playbook only compensates the steps it names (an earlier run's leftovers).
   */
  function* runPlaybooks(
    direction: Direction,
    who: WorkloadPlan[],
    groups: string[][],
    results: Record<string, PlaybookResult>,
    rollback?: (w: WorkloadPlan) => string[],
  ): Generator<df.Task, boolean, unknown> {
    const failed = new Set<string>();
    const byId = new Map(who.map((w) => [w.id, w]));
    const run = rollback !== undefined ? 'rollback' : direction;
    const started: string[] = [];
    for (const group of groups) {
      const wave = group.map((id) => byId.get(id)).filter((w): w is WorkloadPlan => w !== undefined);
      const blocked = rollback === undefined ? wave.filter((w) => w.dependsOn.some((d) => failed.has(d))) : [];
      for (const w of blocked) {
        failed.add(w.id);
        record('skipped', `${w.id}: not ${direction === 'failover' ? 'failed over' : 'failed back'}, a dependency failed`);
      }
      const runnable = wave.filter((w) => !blocked.includes(w));
      if (runnable.length === 0) continue;
      work += runnable.length * 2;
      const steps = yield* callActivities(context, ACTIVITIES.playbookSteps, runnable.map((w) => ({ playbookKind: w.playbookKind, direction })));
      const children = runnable.map((w, i) => {
        const playbook: PlaybookInput = {
          incidentId: input.incidentId,
          workloadId: w.id,
          playbookKind: w.playbookKind,
          direction,
          window: { since: input.signal.impactStart ?? input.signal.eventTime, until: s.resolvedAt, planned: input.kind === 'planned' || who.every((x) => x.kind === 'planned') },
          mode: input.mode,
          steps: steps[i]!,
          retry: { attempts: 4, firstIntervalMs: 5_000, backoff: 2 },
          ...(rollback !== undefined ? { compensate: rollback(w) } : {}),
          ...(direction === 'failover' && rollback === undefined ? { stoppable: true } : {}),
        };
        return { input: playbook, instanceId: playbookInstanceId(input.incidentId, run, w.id, s.generation) };
      });
      // Published before they start, so their progress can be read while they run (those of earlier waves stay listed).
      started.push(...runnable.map((w) => w.id));
      const everyOne = started.length === s.workloads.length && s.workloads.every((w) => started.includes(w.id));
      s.playbooks = { direction: run, generation: s.generation, ...(everyOne ? {} : { workloads: [...started] }) };
      publish();
      const outcomes = yield* callSubOrchestrations(context, ORCHESTRATIONS.playbook, children);
      outcomes.forEach((r, i) => {
        results[runnable[i]!.id] = r;
        if (!r.ok) failed.add(runnable[i]!.id);
      });
    }
    return failed.size === 0;
  }
}

function describeSignal(s: SignalSummary): string {
  const what = s.kind === 'manual' ? `manual request by ${s.requestedBy ?? 'unknown'}` : `${s.kind} ${s.incidentType ?? ''} ${s.stage ?? ''}`.replace(/\s+/g, ' ').trim();
  return `${what}${s.health !== null ? ` (health ${s.health})` : ''}: ${s.title ?? s.incidentKey}`;
}

function describeActor(actor: Actor | undefined, by: string): string {
  if (actor === undefined) return by;
  // An unverified actor's name already says how they came in ("grace (function key, not verified)").
  return actor.verified ? `${actor.name} (verified, ${actor.via}, object id ${actor.id ?? 'unknown'})` : actor.name;
}

function summarize(results: Record<string, PlaybookResult>): string {
  return Object.values(results)
    .map((r) => {
      // Only the counts that occurred: "2 done, 1 already done", "2 planned", "1 done, 1 compensated".
      const counts = (['done', 'already-done', 'skipped', 'planned', 'compensated', 'failed', 'not-run'] as const)
        .map((status) => [status, r.steps.filter((st) => st.status === status).length] as const)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${n} ${status.replace('-', ' ')}`);
      const state = r.ok ? 'ok' : r.stopped ? `stopped by ${r.stopped.by}` : `failed at ${r.failedStep}`;
      return `${r.workloadId} ${state} (${counts.join(', ') || 'no steps'})`;
    })
    .join('; ');
}

function durations(results: Record<string, PlaybookResult>): Record<string, number> {
  return Object.fromEntries(Object.values(results).map((r) => [r.workloadId, r.durationMs]));
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
