/**
 * The Azure Data Share playbook's steps (the typed client in lib/azure/datashare.ts). Failover,
 * consumer side: on each share subscription of the secondary consumer account, create the
 * snapshot schedule the catalog defines, take a snapshot now and wait for it, and remove the
 * primary's schedules when the primary answers (skipped, and said so, when it does not);
 * provider side: make sure every configured consumer has an invitation to the secondary share,
 * and report where each stands. Failback: the primary's schedules back first, then the
 * secondary's removed, so some schedule always exists.
 */
import type { DataShareClient, Invitation, ScheduledTrigger } from '../../azure/datashare.js';
import type { DataSharePlaybook, ShareSubscription, Workload } from '../../catalog/types.js';
import {
  alreadyDone,
  compensated,
  done,
  failed,
  isNotFound,
  mapLimited,
  needed,
  PARALLEL_WRITES,
  requiredSideResource,
  skipped,
  StepFailure,
  verified,
  defineStep,
  type Step,
  type StepContext,
  unlessDown,
} from '../define.js';

const MIN = 60_000;

/** The name the playbook gives the schedules it creates, on either side. */
const SCHEDULE_TRIGGER = 'snapshot-schedule';
/** A snapshot this recent counts as the one this step would take. */
const RECENT_SNAPSHOT_MS = 15 * 60_000;

interface DsAccount {
  client: DataShareClient;
  resourceGroup: string;
  name: string;
}

function playbookOf(workload: Workload): DataSharePlaybook {
  if (workload.playbook.kind !== 'dataShare') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Data Share workload`);
  return workload.playbook;
}

function required(ctx: StepContext, side: 'primary' | 'secondary', role: 'consumerAccount' | 'providerAccount', probing = false): DsAccount {
  const r = requiredSideResource(ctx, side, role, probing);
  return { client: r.clients.dataShare(r.subscriptionId), resourceGroup: r.resourceGroup, name: r.name };
}

const lro = (ctx: StepContext) => ({ pollIntervalMs: ctx.deps.lroPollMs });

function schedule(sub: ShareSubscription): ScheduledTrigger {
  return { kind: 'ScheduleBased', properties: { recurrenceInterval: sub.recurrence, synchronizationTime: sub.synchronizationTime, synchronizationMode: sub.synchronizationMode } };
}

/**
 * Whether a trigger runs the schedule the catalog defines. The synchronization time is an anchor:
 * a daily schedule is its time of day, an hourly one its minute past the hour, whatever the date.
 */
function matches(t: ScheduledTrigger, sub: ShareSubscription): boolean {
  const p = t.properties;
  const slot = (iso: string) => {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? iso : ms % (sub.recurrence === 'Day' ? 86_400_000 : 3_600_000);
  };
  return p.recurrenceInterval === sub.recurrence && slot(p.synchronizationTime) === slot(sub.synchronizationTime) && (p.synchronizationMode ?? 'Incremental') === sub.synchronizationMode;
}

async function triggersOf(a: DsAccount, sub: string): Promise<ScheduledTrigger[]> {
  try {
    return await a.client.listTriggers(a.resourceGroup, a.name, sub);
  } catch (err) {
    if (isNotFound(err)) {
      throw new StepFailure('ShareSubscriptionMissing', `share subscription '${sub}' does not exist on ${a.name}: accept the provider's invitation there first`);
    }
    throw err;
  }
}

// ── schedules on a side ─────────────────────────────────────────────────────────────────────

/** Subscriptions on `a` that lack the catalog's schedule. */
async function unscheduled(ctx: StepContext, a: DsAccount): Promise<ShareSubscription[]> {
  const subs = playbookOf(ctx.workload).shareSubscriptions;
  const lacking = await mapLimited(subs, PARALLEL_WRITES, async (sub) => ((await triggersOf(a, sub.name)).some((t) => matches(t, sub)) ? null : sub));
  return lacking.filter((s): s is ShareSubscription => s !== null);
}

async function createSchedules(ctx: StepContext, a: DsAccount, subs: readonly ShareSubscription[]): Promise<string> {
  await mapLimited(subs, PARALLEL_WRITES, (sub) => a.client.createTrigger(a.resourceGroup, a.name, sub.name, SCHEDULE_TRIGGER, schedule(sub), lro(ctx)));
  return subs.map((s) => `${s.name} every ${s.recurrence === 'Day' ? 'day' : 'hour'} from ${s.synchronizationTime} (${s.synchronizationMode})`).join('; ');
}

/** Removes every schedule of the catalog's subscriptions on `a`; returns what it removed. */
async function removeSchedules(ctx: StepContext, a: DsAccount): Promise<string[]> {
  const removed: string[] = [];
  await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub) => {
    for (const t of await triggersOf(a, sub.name)) {
      await a.client.deleteTrigger(a.resourceGroup, a.name, sub.name, t.name!, lro(ctx));
      removed.push(`${sub.name}/${t.name}`);
    }
  });
  return removed.sort();
}

async function scheduleCount(ctx: StepContext, a: DsAccount): Promise<number> {
  const counts = await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub) => (await triggersOf(a, sub.name)).length);
  return counts.reduce((x, y) => x + y, 0);
}

/** Create the catalog's schedules on a side (the secondary on failover, the primary on failback). */
function createSchedulesStep(side: 'primary' | 'secondary', name: string, title: string, group?: string): Step {
  const acct = (ctx: StepContext) => required(ctx, side, 'consumerAccount');
  return defineStep({
    name,
    title,
    deadlineMs: 5 * MIN,
    ...(group !== undefined ? { group } : {}),
    async precheck(ctx) {
      const lacking = await unscheduled(ctx, acct(ctx));
      return lacking.length === 0 ? alreadyDone(`every share subscription on ${acct(ctx).name} runs its schedule`) : needed(`schedule ${lacking.map((s) => s.name).join(', ')} on ${acct(ctx).name}`);
    },
    async action(ctx) {
      const a = acct(ctx);
      return done(`${a.name}: ${await createSchedules(ctx, a, await unscheduled(ctx, a))}`);
    },
    async verify(ctx) {
      const lacking = await unscheduled(ctx, acct(ctx));
      return lacking.length === 0 ? verified('schedules in place') : failed('ScheduleMissing', `no schedule on ${lacking.map((s) => s.name).join(', ')}`);
    },
    async compensate(ctx) {
      const a = acct(ctx);
      await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, (sub) => a.client.deleteTrigger(a.resourceGroup, a.name, sub.name, SCHEDULE_TRIGGER, lro(ctx)));
      return compensated(`removed the schedules created on ${a.name}`);
    },
  });
}

/** Remove the schedules of a side (the primary on failover, where it may not answer; the secondary on failback). */
function removeSchedulesStep(side: 'primary' | 'secondary', name: string, title: string): Step {
  const acct = (ctx: StepContext) => required(ctx, side, 'consumerAccount');
  return defineStep({
    name,
    title,
    deadlineMs: 5 * MIN,
    async precheck(ctx) {
      // The side being left may be down: one quick try.
      const a = required(ctx, side, 'consumerAccount', true);
      const count = await unlessDown(() => scheduleCount(ctx, a));
      if (count === null) {
        return skipped(`${a.name} does not answer, so its schedules were left in place; they cannot run while it is down: remove them when it is back, or fail back`);
      }
      return count === 0 ? alreadyDone(`${a.name} runs no schedules`) : needed(`remove ${count} schedule(s) from ${a.name}`);
    },
    async action(ctx) {
      const a = acct(ctx);
      const removed = await removeSchedules(ctx, a);
      return done(`${a.name}: removed ${removed.join(', ') || 'nothing'}`);
    },
    async verify(ctx) {
      const a = acct(ctx);
      const count = await scheduleCount(ctx, a);
      return count === 0 ? verified(`${a.name} runs no schedules`) : failed('ScheduleStillThere', `${a.name} still has ${count} schedule(s)`);
    },
    async compensate(ctx) {
      const a = acct(ctx);
      return compensated(`${a.name}: restored ${await createSchedules(ctx, a, await unscheduled(ctx, a))}`);
    },
  });
}

export const scheduleSecondary = createSchedulesStep('secondary', 'schedule-secondary', 'Create the snapshot schedules on the secondary share subscriptions', 'standby-snapshots');
export const unschedulePrimary = removeSchedulesStep('primary', 'unschedule-primary', "Remove the primary's snapshot schedules (when it answers)");
export const schedulePrimary = createSchedulesStep('primary', 'schedule-primary', 'Restore the snapshot schedules on the primary share subscriptions');
export const unscheduleSecondary = removeSchedulesStep('secondary', 'unschedule-secondary', "Remove the secondary's snapshot schedules");

// ── synchronize-now ─────────────────────────────────────────────────────────────────────────

export const synchronizeNow = defineStep({
  name: 'synchronize-now',
  title: 'Take a snapshot now on the secondary, and wait for it',
  deadlineMs: 60 * MIN,
  // The schedule and the first snapshot do not wait for each other.
  group: 'standby-snapshots',
  urgentRequests: [{ method: 'POST', path: /\/sharesubscriptions\/[^/]+\/synchronize$/i, seconds: 60 }],
  async precheck(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    const now = ctx.deps.now().getTime();
    const stale: string[] = [];
    for (const sub of playbookOf(ctx.workload).shareSubscriptions) {
      const runs = await a.client.listSynchronizations(a.resourceGroup, a.name, sub.name);
      const recent = runs.find((r) => r.status === 'Succeeded' && r.startTime !== undefined && now - Date.parse(r.startTime) < RECENT_SNAPSHOT_MS);
      if (recent === undefined) stale.push(sub.name);
    }
    return stale.length === 0 ? alreadyDone(`every share subscription on ${a.name} has a snapshot from the last ${RECENT_SNAPSHOT_MS / 60_000} minutes`) : needed(`take a snapshot of ${stale.join(', ')} now`);
  },
  async action(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    const results = await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub) => {
      // Snapshots take a minute or more: polled a quarter as often, to spare ARM's read budget.
      const r = await a.client.synchronize(a.resourceGroup, a.name, sub.name, sub.synchronizationMode, { pollIntervalMs: ctx.deps.lroPollMs * 4 });
      if (r.status !== 'Succeeded') throw new StepFailure('SnapshotFailed', `snapshot of ${sub.name} on ${a.name} ended ${r.status}${r.error !== undefined ? `: ${r.error.code}: ${r.error.message}` : ''}`);
      return `${sub.name} snapshot ${r.synchronizationId ?? ''} succeeded (${sub.synchronizationMode})`.replace('  ', ' ');
    });
    return done(results.join('; '));
  },
  async verify() {
    return verified('snapshots succeeded');
  },
  compensate: { none: 'a snapshot taken is data delivered; there is nothing to take back' },
});

// ── invite-consumers (provider side) ────────────────────────────────────────────────────────

/** A stable invitation name per recipient: a retry asks for the same invitation, not a second one. */
function invitationName(email: string): string {
  return `failover-${email.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.slice(0, 90);
}

const OPEN = new Set(['Pending', 'Accepted']);

async function invitations(ctx: StepContext): Promise<Array<{ share: string; email: string; invitation: Invitation | null }>> {
  const a = required(ctx, 'secondary', 'providerAccount');
  const rows: Array<{ share: string; email: string; invitation: Invitation | null }> = [];
  for (const share of playbookOf(ctx.workload).shares) {
    let existing: Invitation[];
    try {
      existing = await a.client.listInvitations(a.resourceGroup, a.name, share.name);
    } catch (err) {
      if (isNotFound(err)) throw new StepFailure('ShareMissing', `share '${share.name}' does not exist on ${a.name}: create it (with its datasets) before failing over`);
      throw err;
    }
    for (const email of share.consumers) {
      const found = existing.find((i) => (i.properties as { targetEmail?: string }).targetEmail?.toLowerCase() === email.toLowerCase() && OPEN.has(i.properties.invitationStatus ?? ''));
      rows.push({ share: share.name, email, invitation: found ?? null });
    }
  }
  return rows;
}

const statusLine = (rows: Array<{ share: string; email: string; invitation: Invitation | null }>) =>
  rows.map((r) => `${r.share} → ${r.email}: ${r.invitation?.properties.invitationStatus ?? 'not invited'}`).join('; ');

export const inviteConsumers = defineStep({
  name: 'invite-consumers',
  title: 'Invite every consumer to the secondary shares',
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    if (playbookOf(ctx.workload).shares.length === 0) return alreadyDone('no shares in the catalog');
    const rows = await invitations(ctx);
    return rows.every((r) => r.invitation !== null) ? alreadyDone(statusLine(rows)) : needed(`invite ${rows.filter((r) => r.invitation === null).map((r) => `${r.email} to ${r.share}`).join(', ')}`);
  },
  async action(ctx) {
    const a = required(ctx, 'secondary', 'providerAccount');
    const rows = await invitations(ctx);
    await mapLimited(
      rows.filter((r) => r.invitation === null),
      PARALLEL_WRITES,
      (r) => a.client.createInvitation(a.resourceGroup, a.name, r.share, invitationName(r.email), { targetEmail: r.email }),
    );
    // Consumers must accept before they receive anything from the secondary: say where each stands.
    return done(statusLine(await invitations(ctx)));
  },
  async verify(ctx) {
    const rows = await invitations(ctx);
    return rows.every((r) => r.invitation !== null) ? verified(statusLine(rows)) : failed('InvitationMissing', statusLine(rows));
  },
  compensate: { none: 'an invitation sent stays: consumers of the standby need it at the next failover too' },
});

