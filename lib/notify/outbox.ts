/**
 * The notification outbox: notifications a channel did not take at the first attempt, kept in
 * Table Storage (the incident claims' storage account, a table of its own) until a later attempt
 * delivers them or the app gives up. The first attempt and the retries are in delivery.ts; this
 * module only keeps the records.
 *
 * Webhook URLs are secrets and never land here: a record names its target by workload id and
 * position in the workload's `notify` list (plus the redacted form, for people), and the URL is
 * read from the catalog again at each attempt. Errors are stored URL-free, as the notifier gives
 * them. Approve and reject links are not stored either (see `compact`).
 *
 *   PartitionKey                   RowKey                                  what
 *   incident-<sha256(incidentId)>  n-<notification key>-<target key>       one notification for one target
 *   incident-<sha256(incidentId)>  report-<target key>[-<day>]             the channel's delivery-failed was sent
 *
 * The notification key is the notifier's idempotency key (the same for every target and retry of
 * one notification), so recording a failure twice (a retried storage call) keeps one record. The
 * second kind of row makes "one delivery-failed per incident and channel" hold under concurrency:
 * it is a conditional insert, like a claim. Notifications outside any incident (readiness drift,
 * incident id '') get one per channel and day.
 */
import type { TokenCredential } from '@azure/core-auth';
import { odata } from '@azure/data-tables';
import type { IncidentClaimsSettings } from '../config.js';
import { isCode } from '../storage/errors.js';
import { isoFrom, openTable, sha256, tableConnection, type TableConnection, type TableRetryTuning } from '../storage/table.js';
import type { IncidentNotification } from './events.js';
import { idempotencyKeyOf } from './notifier.js';
import { clip } from './render.js';

export const DEFAULT_OUTBOX_TABLE = 'incidentclaimsoutbox';

/**
 * - `retrying`: not delivered yet; the next attempt is at `nextAttemptAt`.
 * - `undelivered`: given up (attempts used up, an answer no retry can fix, email without email settings, a target the
 *   catalog no longer has).
 * - `delivered-late`: a later attempt delivered it.
 */
export type OutboxStatus = 'retrying' | 'undelivered' | 'delivered-late';

/** A notification target as the outbox keeps it: where to find it in the catalog, never its URL. */
export interface OutboxTarget {
  /** The workload whose `notify` list names it; '' when no catalog workload does. */
  workloadId: string;
  /** Its position in that list; -1 when no catalog workload names it (it cannot be retried). */
  index: number;
  kind: string;
  /** Redacted, for people: `teams https://contoso.webhook.office.com/webhookb2/…`. */
  label: string;
}

export interface OutboxRecord {
  readonly ref: { readonly partitionKey: string; readonly rowKey: string; readonly etag: string };
  incidentId: string;
  /** The notification as the first attempt rendered it (its input, long texts clipped). */
  notification: IncidentNotification;
  target: OutboxTarget;
  status: OutboxStatus;
  /** HTTP attempts made, the first included (0 for a target that could not be tried, such as email without email settings). */
  attempts: number;
  firstFailedAt: string;
  /** When a `retrying` record is tried next; null otherwise. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  /** Why the last attempt failed, URL-free. */
  lastError: string;
  lastStatus: number | null;
  deliveredAt: string | null;
  /** Given up, and the workload's other channels are yet to be told (delivery-failed). */
  reportPending: boolean;
}

export type NewOutboxRecord = Omit<OutboxRecord, 'ref' | 'deliveredAt' | 'lastAttemptAt'> & { lastAttemptAt?: string | null };

export type OutboxChanges = Partial<Pick<OutboxRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'lastAttemptAt' | 'lastError' | 'lastStatus' | 'deliveredAt' | 'reportPending'>>;

/** What GET /api/incidents/{id} lists: one notification for one target that did not arrive at once. */
export interface UndeliveredNotification {
  /** The notification type (`incident-opened`, `playbook-started`, …). */
  type: string;
  /** When it was sent (the notification's own time). */
  at: string;
  /** The workload whose channel it is ('' when no catalog workload names it). */
  workload: string;
  /** Kind, host and first path segment: `teams https://contoso.webhook.office.com/webhookb2/…`. */
  target: string;
  status: OutboxStatus;
  attempts: number;
  /** `retrying`: when it is tried next. */
  nextAttemptAt?: string;
  /** `retrying` and `undelivered`: what the channel last answered, URL-free. */
  lastError?: string;
  /** `delivered-late`: when it arrived. */
  deliveredAt?: string;
}

export interface NotificationOutbox {
  readonly table: string;
  /** Records a failed first attempt; recording the same notification and target again keeps the first record. */
  add(record: NewOutboxRecord): Promise<OutboxRecord>;
  /**
   * Records to act on at `now`, oldest first: `retrying` ones whose next attempt is due, and
   * given-up ones whose delivery-failed is pending.
   */
  due(now: Date, limit?: number): Promise<OutboxRecord[]>;
  /**
   * Changes a record if nobody changed it since it was read (its ETag): the new record, or null
   * when another run got there first (or it is gone).
   */
  update(record: OutboxRecord, changes: OutboxChanges): Promise<OutboxRecord | null>;
  /**
   * Takes the right to send the delivery-failed for this incident and channel: true exactly once
   * (a conditional insert), false ever after.
   */
  claimReport(incidentId: string, target: Pick<OutboxTarget, 'workloadId' | 'index' | 'label'>, at: Date): Promise<boolean>;
  /** Every record of an incident, oldest first. */
  records(incidentId: string): Promise<OutboxRecord[]>;
  /** What an incident's channels did not get at the first attempt, and where each stands. */
  undeliveredNotifications(incidentId: string): Promise<UndeliveredNotification[]>;
}

export interface OutboxTableTuning {
  /** Deadline for one call, retries included; past it, `TransientStorageError`. Default 5000. */
  timeoutMs?: number;
  retry?: TableRetryTuning;
}

export type NotificationOutboxOptions = TableConnection & { /** Default `incidentclaimsoutbox`. */ table?: string } & OutboxTableTuning;

const NOTIFICATION_ROW = 'notification';
const REPORT_ROW = 'report';
/** Longest text kept per field of a stored notification: a table property holds 32K characters. */
const FIELD_CHARS = 2000;

export function outboxPartitionKey(incidentId: string): string {
  return `incident-${sha256(incidentId)}`;
}

function targetKey(target: Pick<OutboxTarget, 'workloadId' | 'index' | 'label'>): string {
  const basis = target.index >= 0 ? `${target.workloadId}\n${target.index}` : `label\n${target.label}`;
  return sha256(basis).slice(0, 24);
}

/**
 * The notification as stored: long texts clipped, so a record always fits a table property, and
 * without its approve and reject links, which may be signed links that act without a key (a late
 * approval request carries the status link only: it is likely stale by then anyway).
 */
function compact(notification: IncidentNotification): string {
  return JSON.stringify(notification, (key, value: unknown) => {
    if (key === 'approveUrl' || key === 'rejectUrl') return '';
    return typeof value === 'string' && value.length > FIELD_CHARS ? clip(value, FIELD_CHARS) : value;
  });
}

interface OutboxEntity {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  row: string;
  incidentId: string;
  notificationType: string;
  notification: string;
  workloadId: string;
  targetIndex: number;
  targetKind: string;
  target: string;
  status: string;
  attempts: number;
  firstFailedAt: unknown;
  nextAttemptAt?: unknown;
  lastAttemptAt?: unknown;
  lastError: string;
  lastStatus?: number;
  deliveredAt?: unknown;
  reportPending: boolean;
}

function toRecord(entity: OutboxEntity): OutboxRecord {
  let notification: IncidentNotification;
  try {
    notification = JSON.parse(entity.notification) as IncidentNotification;
  } catch {
    notification = { type: entity.notificationType, incidentId: entity.incidentId } as unknown as IncidentNotification;
  }
  const lastStatus = Number(entity.lastStatus);
  return {
    ref: { partitionKey: entity.partitionKey, rowKey: entity.rowKey, etag: entity.etag ?? '*' },
    incidentId: entity.incidentId,
    notification,
    target: { workloadId: entity.workloadId, index: Number(entity.targetIndex), kind: entity.targetKind, label: entity.target },
    status: entity.status as OutboxStatus,
    attempts: Number(entity.attempts) || 0,
    firstFailedAt: isoFrom(entity.firstFailedAt) ?? '',
    nextAttemptAt: isoFrom(entity.nextAttemptAt),
    lastAttemptAt: isoFrom(entity.lastAttemptAt),
    lastError: entity.lastError ?? '',
    lastStatus: entity.lastStatus === undefined || entity.lastStatus === null || Number.isNaN(lastStatus) ? null : lastStatus,
    deliveredAt: isoFrom(entity.deliveredAt),
    reportPending: entity.reportPending === true,
  };
}

/** Table Storage has no null: absent properties are cleared with a Replace, so dates go in as Date or are left out. */
function toEntity(partitionKey: string, rowKey: string, r: Omit<OutboxRecord, 'ref'>): OutboxEntity {
  const date = (iso: string | null) => (iso === null ? undefined : new Date(iso));
  const entity: OutboxEntity = {
    partitionKey,
    rowKey,
    row: NOTIFICATION_ROW,
    incidentId: r.incidentId,
    notificationType: String(r.notification.type),
    notification: compact(r.notification),
    workloadId: r.target.workloadId,
    targetIndex: r.target.index,
    targetKind: r.target.kind,
    target: r.target.label,
    status: r.status,
    attempts: r.attempts,
    firstFailedAt: new Date(r.firstFailedAt),
    lastError: clip(r.lastError, FIELD_CHARS),
    reportPending: r.reportPending,
  };
  const next = date(r.nextAttemptAt);
  if (next !== undefined) entity.nextAttemptAt = next;
  const last = date(r.lastAttemptAt);
  if (last !== undefined) entity.lastAttemptAt = last;
  const delivered = date(r.deliveredAt);
  if (delivered !== undefined) entity.deliveredAt = delivered;
  if (r.lastStatus !== null) entity.lastStatus = r.lastStatus;
  return entity;
}

/** Oldest first; one notification's targets in catalog order. */
function byAge(a: OutboxRecord, b: OutboxRecord): number {
  return (
    a.firstFailedAt.localeCompare(b.firstFailedAt) ||
    a.target.workloadId.localeCompare(b.target.workloadId) ||
    a.target.index - b.target.index ||
    a.ref.rowKey.localeCompare(b.ref.rowKey)
  );
}

export function createNotificationOutbox(options: NotificationOutboxOptions): NotificationOutbox {
  const tableName = options.table ?? DEFAULT_OUTBOX_TABLE;
  // Short: recording a failure must not hold up the notify activity when storage is slow too.
  const { client, call, ensureTable, insertNew, readRow } = openTable(options, {
    table: tableName,
    label: 'outbox',
    timeoutMs: options.timeoutMs ?? 5_000,
    retry: { maxRetryDelayInMs: 1000, ...options.retry },
  });

  async function list(filter: string): Promise<OutboxRecord[]> {
    return call('query', async (abortSignal) => {
      const out: OutboxRecord[] = [];
      for await (const entity of client.listEntities<OutboxEntity>({ queryOptions: { filter }, abortSignal })) out.push(toRecord(entity));
      return out;
    });
  }

  async function add(record: NewOutboxRecord): Promise<OutboxRecord> {
    const partitionKey = outboxPartitionKey(record.incidentId);
    const rowKey = `n-${idempotencyKeyOf(record.notification)}-${targetKey(record.target)}`;
    const entity = toEntity(partitionKey, rowKey, { ...record, lastAttemptAt: record.lastAttemptAt ?? null, deliveredAt: null });
    const answer = await insertNew('add', entity);
    if (answer !== null) return toRecord({ ...entity, etag: answer.etag ?? '*' });
    const kept = await readRow<OutboxEntity>('read', partitionKey, rowKey);
    return kept !== null ? toRecord(kept) : toRecord(entity);
  }

  async function due(now: Date, limit = 200): Promise<OutboxRecord[]> {
    await ensureTable();
    const filter = odata`row eq ${NOTIFICATION_ROW} and ((status eq ${'retrying'} and nextAttemptAt le ${now}) or reportPending eq true)`;
    return (await list(filter)).sort(byAge).slice(0, limit);
  }

  async function update(record: OutboxRecord, changes: OutboxChanges): Promise<OutboxRecord | null> {
    await ensureTable();
    const { ref, ...fields } = record;
    const next = { ...fields, ...changes };
    // Replace, not Merge: a cleared date (nextAttemptAt once given up) must go.
    const entity = toEntity(ref.partitionKey, ref.rowKey, next);
    try {
      const answer = await call('update', (abortSignal) => client.updateEntity(entity, 'Replace', { etag: ref.etag, abortSignal }));
      return { ...next, ref: { ...ref, etag: answer.etag ?? '*' } };
    } catch (err) {
      if (isCode(err, 412, 'UpdateConditionNotSatisfied') || isCode(err, 404, 'ResourceNotFound')) return null;
      throw err;
    }
  }

  async function claimReport(incidentId: string, target: Pick<OutboxTarget, 'workloadId' | 'index' | 'label'>, at: Date): Promise<boolean> {
    const day = incidentId === '' ? `-${at.toISOString().slice(0, 10)}` : '';
    const report = { partitionKey: outboxPartitionKey(incidentId), rowKey: `${REPORT_ROW}-${targetKey(target)}${day}`, row: REPORT_ROW, incidentId, target: target.label, sentAt: at };
    return (await insertNew('claim report', report)) !== null;
  }

  async function records(incidentId: string): Promise<OutboxRecord[]> {
    await ensureTable();
    return (await list(odata`PartitionKey eq ${outboxPartitionKey(incidentId)} and row eq ${NOTIFICATION_ROW}`)).filter((r) => r.incidentId === incidentId).sort(byAge);
  }

  async function undeliveredNotifications(incidentId: string): Promise<UndeliveredNotification[]> {
    return (await records(incidentId)).map(describeRecord);
  }

  return { table: tableName, add, due, update, claimReport, records, undeliveredNotifications };
}

/** One record as GET /api/incidents/{id} shows it. */
export function describeRecord(record: OutboxRecord): UndeliveredNotification {
  const base = {
    type: String(record.notification.type),
    at: String(record.notification.at ?? record.firstFailedAt),
    workload: record.target.workloadId,
    target: record.target.label,
    status: record.status,
    attempts: record.attempts,
  };
  switch (record.status) {
    case 'retrying':
      return { ...base, ...(record.nextAttemptAt !== null ? { nextAttemptAt: record.nextAttemptAt } : {}), lastError: record.lastError };
    case 'delivered-late':
      return { ...base, ...(record.deliveredAt !== null ? { deliveredAt: record.deliveredAt } : {}) };
    default:
      return { ...base, lastError: record.lastError };
  }
}

/**
 * The outbox the configuration names: the incident claims' storage account (`config.incidentClaims`),
 * in a table of its own named after the claims table (`incidentclaimsoutbox` by default), so two
 * apps sharing an account with different claims tables keep their outboxes apart too.
 * `credential` is the app's identity, needed when the settings give a service URL.
 */
export function notificationOutboxFromSettings(settings: IncidentClaimsSettings, credential?: TokenCredential): NotificationOutbox {
  return createNotificationOutbox({ ...tableConnection(settings, credential, 'the notification outbox'), table: outboxTableFor(settings.table) });
}

/** `<claims table>outbox`, shortened to the 63 characters a table name may have. */
export function outboxTableFor(claimsTable: string): string {
  return `${claimsTable.slice(0, 63 - 'outbox'.length)}outbox`;
}
