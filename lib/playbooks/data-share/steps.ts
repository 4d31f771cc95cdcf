/**
 * The Azure Data Share playbook's steps (the typed client in lib/azure/datashare.ts).
 *
 * Failover: provider side first, so consumers get their invitations to the secondary share even
 * when nothing else can go ahead yet (the guide's "invite at failover time" path: no share
 * subscription exists on the secondary until the consumer accepts); then, on each share
 * subscription of the secondary consumer account, check it can receive data at all (it exists,
 * its datasets are mapped to targets, and for a schedule the provider has one to enable), create
 * the catalog's snapshot schedule where none runs, take a snapshot now and wait for it; last,
 * record the primary's schedules and remove them when the primary answers (skipped, and said so,
 * when it does not). Failback: the primary's recorded schedules back first, under their own
 * names, then the schedules the failover created on the secondary removed, so some schedule
 * always exists; nothing the failover did not create is touched.
 */
import { snapshotCompleted, type DataShareClient, type Invitation, type ScheduledTrigger } from '../../azure/datashare.js';
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
  todo,
  verified,
  defineStep,
  type Step,
  type StepContext,
  unlessDown,
} from '../define.js';
import { isTransient } from '../../errors/transient.js';
import { canRecord, recordedSchedules, recordSchedules, type RecordedSchedule } from './records.js';
import type { TodoItem } from '../types.js';

const MIN = 60_000;

/** The name the failover gives the schedules it creates from the catalog: what it removes again, and nothing else. */
const SCHEDULE_TRIGGER = 'snapshot-schedule';
/** A snapshot this recent counts as the one this step would take. */
const RECENT_SNAPSHOT_MS = 15 * 60_000;

interface DsAccount {
  /** Its ARM id, as the catalog names it. */
  id: string;
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
  return { id: r.id, client: r.clients.dataShare(r.subscriptionId), resourceGroup: r.resourceGroup, name: r.name };
}

const lro = (ctx: StepContext) => ({ pollIntervalMs: ctx.deps.lroPollMs });

/** One trigger to create: its name and definition, and where they come from (for the report). */
interface PlannedSchedule {
  shareSubscription: string;
  trigger: string;
  definition: ScheduledTrigger;
  source: 'recorded' | 'catalog';
}

function fromCatalog(sub: ShareSubscription): PlannedSchedule {
  const { recurrence: recurrenceInterval, synchronizationTime, synchronizationMode } = sub;
  return { ...fromRecord({ shareSubscription: sub.name, trigger: SCHEDULE_TRIGGER, recurrenceInterval, synchronizationTime, synchronizationMode }), source: 'catalog' };
}

function fromRecord(r: RecordedSchedule): PlannedSchedule {
  return {
    shareSubscription: r.shareSubscription,
    trigger: r.trigger,
    definition: { kind: 'ScheduleBased', properties: { recurrenceInterval: r.recurrenceInterval, synchronizationTime: r.synchronizationTime, synchronizationMode: r.synchronizationMode } },
    source: 'recorded',
  };
}

/** A trigger's ARM id on an account. */
const triggerId = (a: DsAccount, shareSubscription: string, trigger: string) => `${a.id}/shareSubscriptions/${shareSubscription}/triggers/${trigger}`;

const scheduleText = (p: PlannedSchedule): string => {
  const { recurrenceInterval, synchronizationTime, synchronizationMode } = p.definition.properties;
  return `${p.shareSubscription}/${p.trigger} every ${recurrenceInterval === 'Day' ? 'day' : 'hour'} from ${synchronizationTime} (${synchronizationMode ?? 'Incremental'})`;
};

/** What a consumer who has not accepted yet must do, naming the catalog's shares and recipients. */
function consumerTodo(ctx: StepContext, a: DsAccount): string {
  const pb = playbookOf(ctx.workload);
  const invitations = pb.shares.map((s) => `share '${s.name}', sent to ${s.consumers.join(', ')}`).join('; ');
  const names = pb.shareSubscriptions.map((s) => `'${s.name}'`).join(', ');
  return `the consumer must accept the provider's invitation (${invitations || 'none in the catalog'}) into ${a.name} as share subscription ${names}, then map its datasets to targets; run the failover again once that is done`;
}

/** The refusal for a share subscription that does not exist (yet): what its consumer must do. */
const subscriptionMissing = (ctx: StepContext, a: DsAccount, sub: string): StepFailure =>
  new StepFailure('ShareSubscriptionMissing', `share subscription '${sub}' does not exist on ${a.name}: ${consumerTodo(ctx, a)}`);

async function triggersOf(ctx: StepContext, a: DsAccount, sub: string): Promise<ScheduledTrigger[]> {
  try {
    return await a.client.listTriggers(a.resourceGroup, a.name, sub);
  } catch (err) {
    if (isNotFound(err)) throw subscriptionMissing(ctx, a, sub);
    throw err;
  }
}

/**
 * Refuses, naming the share subscription and what its consumer or provider must do, when it
 * cannot receive data: it does not exist, none of its datasets is mapped to a target, or (for a
 * schedule) the provider has no snapshot schedule on the share for the consumer to enable.
 * Azure refuses the same requests; asking first says why in the runbook's words.
 */
async function requireReceiving(ctx: StepContext, a: DsAccount, sub: string, forSchedule: boolean): Promise<void> {
  // The mappings' list answers 404 for a share subscription that does not exist: no read of it
  // first (a large failover checks every share subscription, and reads are ARM's scarcest budget).
  let mappings;
  try {
    mappings = await a.client.listDataSetMappings(a.resourceGroup, a.name, sub);
  } catch (err) {
    if (isNotFound(err)) throw subscriptionMissing(ctx, a, sub);
    throw err;
  }
  // Which share it receives is read only to say so in a refusal.
  const share = async () => {
    const name = (await a.client.getShareSubscription(a.resourceGroup, a.name, sub)).properties.shareName;
    return name !== undefined ? `share '${name}'` : 'its share';
  };
  if (!mappings.some((m) => m.properties.dataSetMappingStatus !== 'Broken')) {
    const broken = mappings.map((m) => m.name);
    throw new StepFailure(
      'DataSetsNotMapped',
      `share subscription '${sub}' on ${a.name} has no dataset mapped to a target${broken.length > 0 ? ` (broken: ${broken.join(', ')})` : ''}: the consumer must map each dataset of ${await share()} to a target data store (Received shares, Datasets, Map to target) before snapshots can run`,
    );
  }
  if (forSchedule && (await a.client.listSourceShareSynchronizationSettings(a.resourceGroup, a.name, sub)).length === 0) {
    throw new StepFailure(
      'ProviderScheduleMissing',
      `${await share()} behind share subscription '${sub}' on ${a.name} has no snapshot schedule: the provider must add one (a synchronization setting on the share) before the consumer can schedule snapshots; a snapshot now still works`,
    );
  }
}

// ── schedules on a side ─────────────────────────────────────────────────────────────────────

/**
 * The schedules to create on `a`: one for each catalog share subscription that runs none (the
 * service runs one per share subscription, so one already there is kept, whatever it is).
 * `plan` says what to create for a share subscription: the catalog's, or what was recorded.
 */
async function missingSchedules(ctx: StepContext, a: DsAccount, plan: (sub: ShareSubscription) => PlannedSchedule): Promise<PlannedSchedule[]> {
  const subs = playbookOf(ctx.workload).shareSubscriptions;
  const missing = await mapLimited(subs, PARALLEL_WRITES, async (sub) => ((await triggersOf(ctx, a, sub.name)).length > 0 ? null : plan(sub)));
  return missing.filter((p): p is PlannedSchedule => p !== null);
}

async function createSchedules(ctx: StepContext, a: DsAccount, planned: readonly PlannedSchedule[]): Promise<string> {
  await mapLimited(planned, PARALLEL_WRITES, async (p) => {
    try {
      await a.client.createTrigger(a.resourceGroup, a.name, p.shareSubscription, p.trigger, p.definition, lro(ctx));
    } catch (err) {
      // Azure refuses a schedule the share subscription cannot run: the checks say why in the
      // runbook's words. They run only then; the precheck has made them before the action.
      if (isTransient(err)) throw err;
      await requireReceiving(ctx, a, p.shareSubscription, true);
      throw err;
    }
  });
  return planned.map((p) => `${scheduleText(p)}${p.source === 'recorded' ? ' (as it was before the failover)' : ''}`).join('; ');
}

/** The primary's plan: its recorded schedules (the ones the failover removed), else the catalog's. */
async function primaryPlan(ctx: StepContext): Promise<(sub: ShareSubscription) => PlannedSchedule> {
  const recorded = (await recordedSchedules(ctx)) ?? [];
  return (sub) => {
    const r = recorded.find((s) => s.shareSubscription === sub.name);
    return r !== undefined ? fromRecord(r) : fromCatalog(sub);
  };
}

/** Create schedules on a side (the catalog's on the secondary at failover, the recorded ones on the primary at failback). */
function createSchedulesStep(side: 'primary' | 'secondary', name: string, title: string, group?: string): Step {
  const acct = (ctx: StepContext) => required(ctx, side, 'consumerAccount');
  const plan = async (ctx: StepContext) => (side === 'primary' ? await primaryPlan(ctx) : fromCatalog);
  return defineStep({
    name,
    title,
    deadlineMs: 5 * MIN,
    ...(group !== undefined ? { group } : {}),
    async precheck(ctx) {
      const a = acct(ctx);
      const missing = await missingSchedules(ctx, a, await plan(ctx));
      if (missing.length === 0) return alreadyDone(`every share subscription on ${a.name} runs a schedule`, { todo: side === 'primary' ? await missedSnapshotsTodo(ctx) : [] });
      for (const p of missing) await requireReceiving(ctx, a, p.shareSubscription, true);
      return needed(`schedule ${missing.map(scheduleText).join('; ')} on ${a.name}`, { resources: missing.map((p) => triggerId(a, p.shareSubscription, p.trigger)) });
    },
    async action(ctx) {
      const a = acct(ctx);
      const created = await createSchedules(ctx, a, await missingSchedules(ctx, a, await plan(ctx)));
      return done(`${a.name}: ${created}`, { todo: side === 'primary' ? await missedSnapshotsTodo(ctx) : [] });
    },
    async verify(ctx) {
      const a = acct(ctx);
      const missing = await missingSchedules(ctx, a, await plan(ctx));
      return missing.length === 0 ? verified('schedules in place') : failed('ScheduleMissing', `no schedule on ${missing.map((p) => p.shareSubscription).join(', ')}`);
    },
    async compensate(ctx) {
      // Only what this step creates: the planned trigger of each share subscription.
      const a = acct(ctx);
      const planFor = await plan(ctx);
      const removed = await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub) => {
        const p = planFor(sub);
        const there = (await triggersOf(ctx, a, sub.name)).some((t) => t.name === p.trigger);
        if (there) await a.client.deleteTrigger(a.resourceGroup, a.name, sub.name, p.trigger, lro(ctx));
        return there ? `${sub.name}/${p.trigger}` : null;
      });
      const list = removed.filter((r): r is string => r !== null);
      return compensated(`${a.name}: removed ${list.join(', ') || 'nothing (no schedule of this step was there)'}`);
    },
  });
}

/** When a share subscription's last completed snapshot began; null when it has none. */
async function lastSnapshotAt(a: DsAccount, sub: string): Promise<{ at: number | null; runs: number[] }> {
  let runs;
  try {
    runs = await a.client.listSynchronizations(a.resourceGroup, a.name, sub);
  } catch (err) {
    if (isNotFound(err)) return { at: null, runs: [] };
    throw err;
  }
  const starts = runs.filter((r) => snapshotCompleted(r) && r.startTime !== undefined).map((r) => Date.parse(r.startTime!));
  return { at: starts.length === 0 ? null : Math.max(...starts), runs: starts };
}

/**
 * At failback the primary's share subscriptions hold what they received before the failover: the
 * snapshots the secondary received since reach the primary only at its schedule's next run (a
 * day away, for a daily one), so readers of the primary see older data until someone takes one.
 */
async function missedSnapshotsTodo(ctx: StepContext): Promise<TodoItem[]> {
  const primary = required(ctx, 'primary', 'consumerAccount');
  // The side being left may be down: one quick try, and nothing is said when it does not answer.
  const secondary = required(ctx, 'secondary', 'consumerAccount', true);
  const items = await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub): Promise<TodoItem | null> => {
    const mine = await lastSnapshotAt(primary, sub.name);
    const theirs = await unlessDown(() => lastSnapshotAt(secondary, sub.name));
    const newer = (theirs?.runs ?? []).filter((t) => mine.at === null || t > mine.at);
    if (newer.length === 0) return null;
    const last = new Date(Math.max(...newer)).toISOString();
    return todo(
      'reconcile-data',
      `Take a snapshot of ${sub.name} on ${primary.name} now (Trigger snapshot): ${mine.at === null ? 'it has received none' : `its last was at ${new Date(mine.at).toISOString()}`}, and ${secondary.name} received ${newer.length} since (the last at ${last}); until its schedule runs, ${primary.name} holds older data`,
      { resourceId: `${primary.id}/shareSubscriptions/${sub.name}` },
    );
  });
  return items.filter((t): t is TodoItem => t !== null);
}

// ── unschedule-primary (failover) ────────────────────────────────────────────────────────────

async function primarySchedules(ctx: StepContext, a: DsAccount): Promise<RecordedSchedule[]> {
  const found = await mapLimited(playbookOf(ctx.workload).shareSubscriptions, PARALLEL_WRITES, async (sub) =>
    (await triggersOf(ctx, a, sub.name)).map(
      (t): RecordedSchedule => ({
        shareSubscription: sub.name,
        trigger: t.name!,
        recurrenceInterval: t.properties.recurrenceInterval,
        synchronizationTime: t.properties.synchronizationTime,
        synchronizationMode: t.properties.synchronizationMode ?? 'Incremental',
      }),
    ),
  );
  return found.flat();
}

const named = (schedules: readonly RecordedSchedule[]) => schedules.map((s) => `${s.shareSubscription}/${s.trigger}`).sort();

export const unschedulePrimary = defineStep({
  name: 'unschedule-primary',
  title: "Record and remove the primary's snapshot schedules (when it answers)",
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    // The side being left may be down: one quick try.
    const a = required(ctx, 'primary', 'consumerAccount', true);
    const found = await unlessDown(() => primarySchedules(ctx, a));
    if (found === null) {
      return skipped(`${a.name} does not answer, so its schedules were left in place; they cannot run while it is down: remove them when it is back, or fail back`, {
        todo: [todo('check', `When ${a.name} answers again, remove its snapshot schedules or fail back: they were left in place because it did not answer`, { resourceId: a.id })],
      });
    }
    if (found.length === 0) return alreadyDone(`${a.name} runs no schedules`);
    if (!canRecord(ctx)) {
      return skipped(`${a.name}'s schedules (${named(found).join(', ')}) were left in place: without APP_CONFIGURATION_ENDPOINT they could not be recorded to be restored at failback`);
    }
    return needed(`record and remove ${named(found).join(', ')} from ${a.name}`, { resources: found.map((f) => triggerId(a, f.shareSubscription, f.trigger)) });
  },
  async action(ctx) {
    const a = required(ctx, 'primary', 'consumerAccount');
    const found = await primarySchedules(ctx, a);
    // Recorded before anything is removed: a trigger gone unrecorded could not be put back.
    await recordSchedules(ctx, found);
    await mapLimited(found, PARALLEL_WRITES, (s) => a.client.deleteTrigger(a.resourceGroup, a.name, s.shareSubscription, s.trigger, lro(ctx)));
    return done(`${a.name}: removed ${named(found).join(', ') || 'nothing'}; recorded to be restored at failback`);
  },
  async verify(ctx) {
    const a = required(ctx, 'primary', 'consumerAccount');
    const left = await primarySchedules(ctx, a);
    return left.length === 0 ? verified(`${a.name} runs no schedules`) : failed('ScheduleStillThere', `${a.name} still runs ${named(left).join(', ')}`);
  },
  async compensate(ctx) {
    const a = required(ctx, 'primary', 'consumerAccount');
    const recorded = (await recordedSchedules(ctx)) ?? [];
    const back = await mapLimited(recorded, PARALLEL_WRITES, async (r) => {
      if ((await triggersOf(ctx, a, r.shareSubscription)).length > 0) return null;
      const p = fromRecord(r);
      await a.client.createTrigger(a.resourceGroup, a.name, p.shareSubscription, p.trigger, p.definition, lro(ctx));
      return scheduleText(p);
    });
    return compensated(`${a.name}: restored ${back.filter((b): b is string => b !== null).join('; ') || 'nothing (its schedules are in place)'}`);
  },
});

// ── unschedule-secondary (failback) ──────────────────────────────────────────────────────────

/** The schedules the failover created on the secondary (by their name): the only ones failback removes. */
async function failoverSchedules(ctx: StepContext, a: DsAccount): Promise<string[]> {
  const subs = playbookOf(ctx.workload).shareSubscriptions;
  const found = await mapLimited(subs, PARALLEL_WRITES, async (sub) => ((await triggersOf(ctx, a, sub.name)).some((t) => t.name === SCHEDULE_TRIGGER) ? sub.name : null));
  return found.filter((s): s is string => s !== null);
}

export const unscheduleSecondary = defineStep({
  name: 'unschedule-secondary',
  title: 'Remove the snapshot schedules the failover created on the secondary',
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    const subs = await failoverSchedules(ctx, a);
    return subs.length === 0
      ? alreadyDone(`${a.name} runs no schedule the failover created`)
      : needed(`remove ${subs.map((s) => `${s}/${SCHEDULE_TRIGGER}`).join(', ')} from ${a.name}`, { resources: subs.map((s) => triggerId(a, s, SCHEDULE_TRIGGER)) });
  },
  async action(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    const subs = await failoverSchedules(ctx, a);
    await mapLimited(subs, PARALLEL_WRITES, (sub) => a.client.deleteTrigger(a.resourceGroup, a.name, sub, SCHEDULE_TRIGGER, lro(ctx)));
    return done(`${a.name}: removed ${subs.map((s) => `${s}/${SCHEDULE_TRIGGER}`).join(', ') || 'nothing'}`);
  },
  async verify(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    const subs = await failoverSchedules(ctx, a);
    return subs.length === 0 ? verified(`${a.name} runs no schedule the failover created`) : failed('ScheduleStillThere', `${a.name} still runs ${subs.map((s) => `${s}/${SCHEDULE_TRIGGER}`).join(', ')}`);
  },
  async compensate(ctx) {
    const a = required(ctx, 'secondary', 'consumerAccount');
    return compensated(`${a.name}: restored ${(await createSchedules(ctx, a, await missingSchedules(ctx, a, fromCatalog))) || 'nothing (its schedules are in place)'}`);
  },
});

export const scheduleSecondary = createSchedulesStep('secondary', 'schedule-secondary', 'Create the snapshot schedules on the secondary share subscriptions', 'standby-snapshots');
export const schedulePrimary = createSchedulesStep('primary', 'schedule-primary', "Restore the primary's snapshot schedules as they were");

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
      await requireReceiving(ctx, a, sub.name, false);
      const runs = await a.client.listSynchronizations(a.resourceGroup, a.name, sub.name);
      const recent = runs.find((r) => snapshotCompleted(r) && r.startTime !== undefined && now - Date.parse(r.startTime) < RECENT_SNAPSHOT_MS);
      if (recent === undefined) stale.push(sub.name);
    }
    return stale.length === 0
      ? alreadyDone(`every share subscription on ${a.name} has a snapshot from the last ${RECENT_SNAPSHOT_MS / 60_000} minutes`)
      : needed(`take a snapshot of ${stale.join(', ')} now`, { resources: stale.map((sub) => `${a.id}/shareSubscriptions/${sub}`) });
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

/**
 * Where each recipient stands, and for a pending invitation what the consumer must do: nothing
 * reaches the secondary until they accept it into the secondary consumer account as the catalog's
 * share subscription and map its datasets.
 */
/** Each invitation a consumer has yet to accept: nothing reaches the secondary for them until they do. */
function acceptTodo(ctx: StepContext, rows: Array<{ share: string; email: string; invitation: Invitation | null }>): TodoItem[] {
  const provider = required(ctx, 'secondary', 'providerAccount');
  const consumer = required(ctx, 'secondary', 'consumerAccount').name;
  const subs = playbookOf(ctx.workload).shareSubscriptions.map((s) => `'${s.name}'`).join(', ');
  return rows
    .filter((r) => r.invitation !== null && r.invitation.properties.invitationStatus === 'Pending')
    .map((r) =>
      todo('check', `${r.email} must accept invitation ${r.invitation!.name} to share '${r.share}' into ${consumer} as share subscription ${subs}, then map its datasets to targets`, {
        resourceId: `${provider.id}/shares/${r.share}/invitations/${r.invitation!.name}`,
      }),
    );
}

function statusLine(ctx: StepContext, rows: Array<{ share: string; email: string; invitation: Invitation | null }>): string {
  const consumer = required(ctx, 'secondary', 'consumerAccount').name;
  const subs = playbookOf(ctx.workload).shareSubscriptions.map((s) => `'${s.name}'`).join(', ');
  const line = (r: { share: string; email: string; invitation: Invitation | null }): string => {
    const status = r.invitation?.properties.invitationStatus ?? 'not invited';
    if (r.invitation === null || status !== 'Pending') return `${r.share} → ${r.email}: ${status}`;
    return `${r.share} → ${r.email}: Pending (invitation ${r.invitation.name}, id ${r.invitation.properties.invitationId}: ${r.email} must accept it into ${consumer} as share subscription ${subs} and map its datasets to targets)`;
  };
  return rows.map(line).join('; ');
}

export const inviteConsumers = defineStep({
  name: 'invite-consumers',
  title: 'Invite every consumer to the secondary shares',
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    if (playbookOf(ctx.workload).shares.length === 0) return alreadyDone('no shares in the catalog');
    const rows = await invitations(ctx);
    const provider = required(ctx, 'secondary', 'providerAccount');
    const toInvite = rows.filter((r) => r.invitation === null);
    return toInvite.length === 0
      ? alreadyDone(statusLine(ctx, rows), { todo: acceptTodo(ctx, rows) })
      : needed(`invite ${toInvite.map((r) => `${r.email} to ${r.share}`).join(', ')}`, { resources: toInvite.map((r) => `${provider.id}/shares/${r.share}/invitations/${invitationName(r.email)}`) });
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
    const after = await invitations(ctx);
    return done(statusLine(ctx, after), { todo: acceptTodo(ctx, after) });
  },
  async verify(ctx) {
    const rows = await invitations(ctx);
    return rows.every((r) => r.invitation !== null) ? verified(statusLine(ctx, rows)) : failed('InvitationMissing', statusLine(ctx, rows));
  },
  compensate: { none: 'an invitation sent stays: consumers of the standby need it at the next failover too' },
});

