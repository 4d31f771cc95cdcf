/**
 * Notifications that never hold up a failover. A Teams or Slack webhook that is down during an
 * outage is likely, and a failover must not wait for it:
 *
 * - `send`: one short attempt per target, every target at once (the notifier is built with
 *   `maxAttempts: 1` and a 5 s timeout), so the notify activity and the playbooks' announce step
 *   return within seconds whatever the channels do. A target that fails gets a record in the
 *   outbox (outbox.ts) and `send` returns; it never throws.
 * - `retryDue`: run every minute by a timer (functions/notification-retry.ts). It tries each due
 *   record once more, waiting longer each time (1, 2, 4, 8, then every 10 minutes: 10 attempts
 *   span about an hour), never sooner than a `Retry-After` asked. A record delivered late is
 *   marked so; one that runs out of attempts, or gets an answer no retry can fix (a 404 from a
 *   deleted webhook), is marked undelivered, and the workload's other channels get one
 *   `delivery-failed` per incident and channel, never the failed channel itself. A delivery-failed
 *   that cannot be delivered is retried like any notification but never reported in turn, so
 *   nothing loops.
 * - Email goes through Azure Communication Services (email.ts) and is retried like the other
 *   channels when the failure can pass (429, 5xx, a timeout, a network error). When the app has no
 *   email settings, an email target is recorded undelivered at once (not retried: it is a setting,
 *   not an outage) and, like any channel given up on, reported once per incident to the workload's
 *   other channels, so a missing setting is never silent.
 * - The URL of a target is a secret and stays in the catalog: a record names the workload and the
 *   target's position in its `notify` list, and the URL is read from the catalog at each attempt.
 *   A failed target no catalog workload names is recorded undelivered, not retried.
 */
import type { Catalog, Workload } from '../catalog/types.js';
import type { DeliveryFailed, DeliveryTarget, IncidentNotification } from './events.js';
import { describeTarget, redactTarget, targetKey, uniqueTargets, type DeliveryResult, type Notifier } from './notifier.js';
import type { NotificationOutbox, OutboxRecord, OutboxTarget, UndeliveredNotification } from './outbox.js';
import { describeNotification } from './render.js';
import { mapLimited } from '../async/map-limited.js';

export interface DeliveryPolicy {
  /** Attempts per notification and target, the first included. Default 10 (about an hour with the delays below). */
  maxAttempts: number;
  /** Wait after the first failed attempt; it doubles after each one. Default 60 s. */
  baseDelayMs: number;
  /** Longest wait between attempts. Default 10 min. */
  maxDelayMs: number;
  /** Longest `Retry-After` honoured. Default 1 h. */
  maxRetryAfterMs: number;
  /** How long a retry run holds a record it is trying, so that a concurrent run leaves it alone. Default 2 min. */
  leaseMs: number;
  /** Records tried at once by one run. Default 8. */
  concurrency: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  maxAttempts: 10,
  baseDelayMs: 60_000,
  maxDelayMs: 10 * 60_000,
  maxRetryAfterMs: 60 * 60_000,
  leaseMs: 2 * 60_000,
  concurrency: 8,
});

export interface NotificationDeliveryDeps {
  /** Makes one short attempt per target: built with `maxAttempts: 1`. */
  notifier: Notifier;
  outbox: NotificationOutbox;
  catalog(): Promise<Catalog>;
  now(): Date;
  log?: (level: 'info' | 'warn', message: string) => void;
  policy?: Partial<DeliveryPolicy>;
}

/** What `send` did: `failed` counts every target not reached now, `queued` those of them the outbox will try again. */
export interface SendReport {
  delivered: number;
  failed: number;
  queued: number;
}

export interface RetryReport {
  /** Records tried in this run. */
  tried: number;
  deliveredLate: number;
  stillRetrying: number;
  gaveUp: number;
  /** delivery-failed notifications sent. */
  reported: number;
  /** Records another run was trying. */
  skipped: number;
}

export interface NotificationDelivery {
  /** The first attempt; failures go to the outbox. Never throws. */
  send(targets: readonly DeliveryTarget[], notification: IncidentNotification): Promise<SendReport>;
  /** One retry run over the due records. Throws only when the outbox or the catalog cannot be read. */
  retryDue(limit?: number): Promise<RetryReport>;
  /** What an incident's channels did not get at the first attempt, and where each stands. */
  undelivered(incidentId: string): Promise<UndeliveredNotification[]>;
}

export function createNotificationDelivery(deps: NotificationDeliveryDeps): NotificationDelivery {
  const policy: DeliveryPolicy = { ...DEFAULT_DELIVERY_POLICY, ...deps.policy };
  const log = (level: 'info' | 'warn', message: string): void => {
    try {
      deps.log?.(level, message);
    } catch {
      // A broken logger must not break delivery.
    }
  };

  /** The wait after `attempts` failed attempts, never shorter than what Retry-After asked. */
  function delayAfter(attempts: number, retryAfterMs: number | undefined): number {
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
    return retryAfterMs === undefined ? backoff : Math.max(backoff, Math.min(policy.maxRetryAfterMs, Math.max(0, retryAfterMs)));
  }

  async function attempt(target: DeliveryTarget, notification: IncidentNotification): Promise<DeliveryResult> {
    const [result] = await deps.notifier.notify([target], notification);
    return result ?? { target: redactTarget(target), ok: false, attempts: 0, error: 'the notifier gave no result', retryable: true, durationMs: 0 };
  }

  async function send(targets: readonly DeliveryTarget[], notification: IncidentNotification): Promise<SendReport> {
    let list: DeliveryTarget[] = [];
    try {
      list = uniqueTargets(targets);
      const results = await Promise.all(list.map((target) => attempt(target, notification)));
      const failures = list.flatMap((target, i) => (results[i]?.ok === true ? [] : [{ target, result: results[i]! }]));
      const delivered = list.length - failures.length;
      if (failures.length === 0) return { delivered, failed: 0, queued: 0 };

      let catalog: Catalog | null = null;
      try {
        catalog = await deps.catalog();
      } catch (err) {
        log('warn', `the catalog could not be read, so failed notifications are recorded without retries: ${messageOf(err)}`);
      }
      const now = deps.now();
      const queued = await Promise.all(
        failures.map(async ({ target, result }) => {
          const where = catalog === null ? null : locate(catalog, notification, target);
          const label = describeTarget(redactTarget(target));
          const retry = result.retryable === true && where !== null && Math.max(1, result.attempts) < policy.maxAttempts;
          const outboxTarget: OutboxTarget = { workloadId: where?.workloadId ?? '', index: where?.index ?? -1, kind: String(target.kind), label };
          const error = result.error ?? 'not delivered';
          try {
            await deps.outbox.add({
              incidentId: String(notification.incidentId ?? ''),
              notification,
              target: outboxTarget,
              status: retry ? 'retrying' : 'undelivered',
              attempts: result.attempts,
              firstFailedAt: now.toISOString(),
              nextAttemptAt: retry ? new Date(now.getTime() + delayAfter(Math.max(1, result.attempts), result.retryAfterMs)).toISOString() : null,
              lastAttemptAt: result.attempts > 0 ? now.toISOString() : null,
              lastError: where === null && result.retryable === true ? `${error}; not retried: no catalog workload names this target` : error,
              lastStatus: result.status ?? null,
              reportPending: !retry && reportable(outboxTarget, notification),
            });
            return retry ? 1 : 0;
          } catch (err) {
            log('warn', `notification '${String(notification.type)}' for ${label} could not be recorded for a retry: ${messageOf(err)}`);
            return 0;
          }
        }),
      );
      return { delivered, failed: failures.length, queued: queued.reduce<number>((a, b) => a + b, 0) };
    } catch (err) {
      log('warn', `notification '${String(notification?.type)}' could not be sent: ${messageOf(err)}`);
      return { delivered: 0, failed: list.length, queued: 0 };
    }
  }

  async function retryDue(limit = 200): Promise<RetryReport> {
    const report: RetryReport = { tried: 0, deliveredLate: 0, stillRetrying: 0, gaveUp: 0, reported: 0, skipped: 0 };
    const now = deps.now();
    const due = await deps.outbox.due(now, limit);
    if (due.length === 0) return report;
    const catalog = await deps.catalog();
    const toReport: OutboxRecord[] = [];

    await mapLimited(due, policy.concurrency, async (record) => {
      try {
        await retryOne(record);
      } catch (err) {
        // The record stays as it was (or leased): a later run takes it up again.
        log('warn', `notification '${String(record.notification.type)}' for ${record.target.label} could not be retried: ${messageOf(err)}`);
      }
    });

    report.reported = await reportGiveUps(catalog, toReport, now);
    return report;

    async function retryOne(record: OutboxRecord): Promise<void> {
      if (record.status !== 'retrying') {
        if (record.reportPending) toReport.push(record);
        return;
      }
      const leased = await deps.outbox.update(record, { nextAttemptAt: new Date(now.getTime() + policy.leaseMs).toISOString() });
      if (leased === null) {
        report.skipped++;
        return;
      }
      const target = resolve(catalog, leased.target);
      if (target === null) {
        const gone = `not retried: the catalog no longer names this target (workload ${leased.target.workloadId || '?'}, target ${leased.target.index + 1})`;
        await deps.outbox.update(leased, { status: 'undelivered', nextAttemptAt: null, lastError: gone, reportPending: false });
        report.gaveUp++;
        return;
      }
      report.tried++;
      const result = await attempt(target, leased.notification);
      const attempts = leased.attempts + 1;
      const at = { attempts, lastAttemptAt: now.toISOString(), lastStatus: result.status ?? null };
      if (result.ok) {
        await deps.outbox.update(leased, { ...at, status: 'delivered-late', deliveredAt: now.toISOString(), nextAttemptAt: null });
        report.deliveredLate++;
        log('info', `notification '${String(leased.notification.type)}' delivered to ${leased.target.label} at attempt ${attempts}`);
        return;
      }
      const error = result.error ?? 'not delivered';
      if (result.retryable !== true || attempts >= policy.maxAttempts) {
        const final = result.retryable === true ? `${error} (gave up after ${attempts} attempts)` : error;
        const pending = reportable(leased.target, leased.notification);
        const updated = await deps.outbox.update(leased, { ...at, status: 'undelivered', nextAttemptAt: null, lastError: final, reportPending: pending });
        report.gaveUp++;
        log('warn', `notification '${String(leased.notification.type)}' not delivered to ${leased.target.label}: ${final}`);
        if (updated !== null && pending) toReport.push(updated);
        return;
      }
      const next = new Date(now.getTime() + delayAfter(attempts, result.retryAfterMs)).toISOString();
      await deps.outbox.update(leased, { ...at, nextAttemptAt: next, lastError: error });
      report.stillRetrying++;
    }
  }

  /** One delivery-failed per incident and channel, to the workload's other channels; then the records are settled. */
  async function reportGiveUps(catalog: Catalog, records: OutboxRecord[], now: Date): Promise<number> {
    const groups = new Map<string, OutboxRecord[]>();
    for (const record of records) {
      const key = JSON.stringify([record.incidentId, record.target.workloadId, record.target.index]);
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
    let reported = 0;
    for (const group of groups.values()) {
      try {
        if (await reportGroup(catalog, group, now)) reported++;
      } catch (err) {
        // Still pending: the next run reports it (the claim makes sure only once).
        log('warn', `the missed notifications of ${group[0]!.target.label} could not be reported: ${messageOf(err)}`);
      }
    }
    return reported;
  }

  async function reportGroup(catalog: Catalog, group: OutboxRecord[], now: Date): Promise<boolean> {
    const first = group[0]!;
    const last = group[group.length - 1]!;
    const workload = catalog.workloads.find((w) => w.id === first.target.workloadId);
    let reported = false;
    if (workload !== undefined && (await deps.outbox.claimReport(first.incidentId, first.target, now))) {
      const others = otherChannels(workload, first.target.index);
      if (others.length === 0) {
        log('warn', `${first.target.label} missed ${group.length} notification(s) for ${workload.id}, which has no other channel to tell`);
      } else {
        const notice: DeliveryFailed = {
          type: 'delivery-failed',
          incidentId: first.incidentId,
          workloads: [workload.id],
          workload: workload.id,
          title: typeof first.notification.title === 'string' ? first.notification.title : workload.id,
          trackingId: first.notification.trackingId ?? null,
          region: workload.primary.region,
          secondaryRegion: workload.secondary?.region ?? null,
          statusUrl: first.notification.statusUrl ?? null,
          channel: first.target.label,
          undelivered: group.map((r) => describeNotification(r.notification).headline),
          attempts: Math.max(...group.map((r) => r.attempts)),
          lastError: last.lastError,
          at: now.toISOString(),
        };
        await send(others, notice);
        reported = true;
      }
    }
    for (const record of group) await deps.outbox.update(record, { reportPending: false });
    return reported;
  }

  return { send, retryDue, undelivered: (incidentId) => deps.outbox.undeliveredNotifications(incidentId) };
}

/** Whether giving up on this record tells the workload's other channels. */
function reportable(target: OutboxTarget, notification: IncidentNotification): boolean {
  return target.index >= 0 && notification.type !== 'delivery-failed';
}

function sameTarget(a: DeliveryTarget, b: DeliveryTarget): boolean {
  return targetKey(a) === targetKey(b);
}

/** Which catalog workload names the target, and where in its list: the notification's workloads first. */
function locate(catalog: Catalog, notification: IncidentNotification, target: DeliveryTarget): { workloadId: string; index: number } | null {
  const ids = Array.isArray(notification.workloads) ? notification.workloads.map(String) : [];
  const ordered = [...catalog.workloads.filter((w) => ids.includes(w.id)), ...catalog.workloads.filter((w) => !ids.includes(w.id))];
  for (const workload of ordered) {
    const index = workload.notify.findIndex((t) => sameTarget(t, target));
    if (index >= 0) return { workloadId: workload.id, index };
  }
  return null;
}

/** The target a record names, as the catalog has it now; null when it no longer has it. */
function resolve(catalog: Catalog, target: OutboxTarget): DeliveryTarget | null {
  const found = catalog.workloads.find((w) => w.id === target.workloadId)?.notify[target.index];
  return found !== undefined && found.kind === target.kind ? found : null;
}

/** The workload's channels other than the one at `index` (and any naming the same channel). */
function otherChannels(workload: Workload, index: number): DeliveryTarget[] {
  const failed = workload.notify[index];
  return workload.notify.filter((t, i) => i !== index && (failed === undefined || !sameTarget(t, failed)));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
