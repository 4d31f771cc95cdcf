/**
 * The primary's snapshot schedules as they were when a failover removed them, so the failback
 * (or a rollback) puts back exactly those: the same trigger names, recurrence, time and mode.
 * Data Share has no way to pause a trigger, so removing it is the only way to stop it, and its
 * definition must be kept somewhere that outlives the failover: the App Configuration store the
 * active-side pointers live in, one key per workload, holding the incident that wrote it.
 */
import type { SynchronizationMode } from '../../azure/datashare.js';
import type { StepContext } from '../define.js';

/** One trigger of a primary share subscription, as it was before the failover. */
export interface RecordedSchedule {
  shareSubscription: string;
  trigger: string;
  recurrenceInterval: 'Hour' | 'Day';
  synchronizationTime: string;
  synchronizationMode: SynchronizationMode;
}

interface ScheduleRecord {
  incidentId: string;
  schedules: RecordedSchedule[];
}

/** The key a workload's record lives under. */
const recordKey = (workloadId: string): string => `failover:${workloadId}:datashare-primary-schedules`;

/** Whether records can be kept at all (the App Configuration endpoint is set). */
export const canRecord = (ctx: StepContext): boolean => ctx.deps.appConfigurationEndpoint !== null;

function store(ctx: StepContext) {
  if (ctx.deps.appConfigurationEndpoint === null) throw new Error('APP_CONFIGURATION_ENDPOINT is not set');
  return ctx.deps.clients.appConfiguration(ctx.deps.appConfigurationEndpoint);
}

async function read(ctx: StepContext): Promise<ScheduleRecord | null> {
  try {
    const value = (await store(ctx).getConfigurationSetting({ key: recordKey(ctx.workload.id) })).value;
    const parsed = value === undefined ? null : (JSON.parse(value) as Partial<ScheduleRecord>);
    return parsed !== null && typeof parsed.incidentId === 'string' && Array.isArray(parsed.schedules) ? (parsed as ScheduleRecord) : null;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404 || err instanceof SyntaxError) return null;
    throw err;
  }
}

/**
 * The schedules this incident's failover recorded, or null when it recorded none: a record
 * another incident left is stale (the primary may have been changed since) and is not used.
 */
export async function recordedSchedules(ctx: StepContext): Promise<RecordedSchedule[] | null> {
  if (!canRecord(ctx)) return null;
  const record = await read(ctx);
  return record !== null && record.incidentId === ctx.incidentId ? record.schedules : null;
}

/**
 * Records `found` before they are removed. Within one incident it adds to what is recorded (a
 * retried removal finds fewer triggers than the first attempt did, and must not forget those).
 */
export async function recordSchedules(ctx: StepContext, found: readonly RecordedSchedule[]): Promise<void> {
  const earlier = (await recordedSchedules(ctx)) ?? [];
  const key = (s: RecordedSchedule) => `${s.shareSubscription}/${s.trigger}`;
  const merged = new Map(earlier.map((s) => [key(s), s]));
  for (const s of found) merged.set(key(s), s);
  const record: ScheduleRecord = { incidentId: ctx.incidentId, schedules: [...merged.values()] };
  await store(ctx).setConfigurationSetting({ key: recordKey(ctx.workload.id), value: JSON.stringify(record), contentType: 'application/json' });
}
