/**
 * The one Table Storage table the app's stores share (INCIDENT_CLAIMS_TABLE, `incidentclaims` by
 * default): one table is one thing to provision, grant and back up. Each store owns its own
 * partitions in it and no store reads another's:
 *
 *   store                           PartitionKey                      RowKey
 *   incident-claims.ts              incident-<sha256(incidentKey)>    claim
 *   signal-dedupe.ts                signals-<sha256(instanceId)>      <sha256(dedupeKey)>
 *   workflow-records.ts             workflows-<sha256(workloadId)>    <account>-<workflow id>
 *   action-links.ts                 links-<expiry day YYYY-MM-DD>     <sha256(nonce)>
 *   failover-ledger.ts              failover-ledger                   <sha256(workloadId)>
 *   workload-holds.ts               workload-holds                    <sha256(workloadId)>
 *   stop-requests.ts                stop-requests                     <sha256(incidentId)>
 *
 * Table keys may not contain `/ \ # ?` or control characters, and an ARM resource id is full of
 * `/`, so keys are SHA-256 hashes; the original strings are kept as properties. (The notification
 * outbox, lib/notify/outbox.ts, has a table of its own beside this one.)
 *
 * A store is made either from connection options (it opens the table itself, as tests do) or from
 * a table already opened (`openStoreTable`), so the composition root opens it once for all of them.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { IncidentClaimsSettings } from '../config.js';
import { isCode } from '../storage/errors.js';
import { isoFrom, openTable, tableConnection, type OpenTable, type TableConnection, type TableRetryTuning } from '../storage/table.js';

export { sha256, type TableRetryTuning } from '../storage/table.js';

const DEFAULT_STORES_TABLE = 'incidentclaims';

export type StoreTableOptions = TableConnection & {
  /** Default `incidentclaims`. */
  table?: string;
  /** Deadline for one call, retries included; past it, `TransientStorageError`. Default 10000. */
  timeoutMs?: number;
  retry?: TableRetryTuning;
};

/** The shared table, opened. `name` is the table's name. */
export interface StoreTable extends OpenTable {
  readonly name: string;
}

/** Opens the stores' table (created on first use). Errors name it `claims <table> <what>`, as they always have. */
export function openStoreTable(options: StoreTableOptions): StoreTable {
  const name = options.table ?? DEFAULT_STORES_TABLE;
  const opened = openTable(options, { table: name, label: 'claims', timeoutMs: options.timeoutMs ?? 10_000, retry: options.retry });
  return { ...opened, name };
}

/** A store's table: the shared one when given, else one opened from connection options. */
export function storeTable(source: StoreTable | StoreTableOptions): StoreTable {
  return isStoreTable(source) ? source : openStoreTable(source);
}

function isStoreTable(source: StoreTable | StoreTableOptions): source is StoreTable {
  return typeof (source as Partial<StoreTable>).ensureTable === 'function' && typeof (source as Partial<StoreTable>).call === 'function';
}

/**
 * The table the configuration names (`config.incidentClaims`: INCIDENT_CLAIMS_CONNECTION or
 * INCIDENT_CLAIMS_SERVICE_URL, and INCIDENT_CLAIMS_TABLE). `credential` is the app's identity; it
 * is needed when the settings give a service URL rather than a connection string.
 */
export function storeTableFromSettings(settings: IncidentClaimsSettings, credential?: TokenCredential): StoreTable {
  return openStoreTable({ ...tableConnection(settings, credential, 'the incident claims table'), table: settings.table });
}

/** How often a conditional insert that lost to a row which then vanished (released meanwhile) is tried again. */
export const CONTENDED_ATTEMPTS = 5;

/**
 * Deletes a held row (a claim, a hold). With `stillHeld`, only if the row read says the caller
 * still holds it, and only as read (by its ETag): a late retry must not release a newer holder's
 * row. True when this call deleted it.
 */
export async function releaseRow<T extends object>(
  table: StoreTable,
  what: { read: string; release: string },
  partitionKey: string,
  rowKey: string,
  stillHeld?: (row: T) => boolean,
): Promise<boolean> {
  const { client, call, ensureTable, readRow } = table;
  let etag: string | undefined;
  if (stillHeld !== undefined) {
    const row = await readRow<T>(what.read, partitionKey, rowKey);
    if (row === null || !stillHeld(row)) return false;
    etag = row.etag;
  }
  await ensureTable();
  try {
    await call(what.release, (abortSignal) => client.deleteEntity(partitionKey, rowKey, { abortSignal, ...(etag !== undefined ? { etag } : {}) }));
    return true;
  } catch (err) {
    // 404: already released; 412: it changed hands since we read it, so it is not ours.
    if (isCode(err, 404, 'ResourceNotFound') || isCode(err, 412, 'UpdateConditionNotSatisfied')) return false;
    throw err;
  }
}

export function toDate(at: Date | string, what: string): Date {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid date: ${String(at)}`);
  return date;
}

export function nonEmpty(value: string, what: string): void {
  if (typeof value !== 'string' || value === '') throw new RangeError(`${what} must be a non-empty string`);
}

/** A stored time as ISO text ('' when the row has none). */
export function isoText(value: unknown): string {
  return isoFrom(value) ?? '';
}
