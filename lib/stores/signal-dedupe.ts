/**
 * Signal dedupe: which notifications (`dedupeKey`) an incident's instance has already been given,
 * so a redelivery is recognized even when two copies arrive at once (a conditional insert: exactly
 * one `new`).
 *
 * Rows: `signals-<sha256(instanceId)>` / `<sha256(dedupeKey)>`, with instanceId, dedupeKey,
 * recordedAt (in the stores' shared table, lib/stores/table.ts).
 */
import { nonEmpty, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

export interface SignalDedupe {
  readonly table: string;
  /** `new` the first time `dedupeKey` is recorded for `instanceId`, `duplicate` after that (exactly one `new` under concurrency). */
  recordSignal(instanceId: string, dedupeKey: string, at: Date | string): Promise<'new' | 'duplicate'>;
  /** Whether `recordSignal` has recorded `dedupeKey` for `instanceId` (a read; it records nothing). */
  hasSignal(instanceId: string, dedupeKey: string): Promise<boolean>;
}

export function signalPartitionKey(instanceId: string): string {
  return `signals-${sha256(instanceId)}`;
}

interface SignalEntity {
  partitionKey: string;
  rowKey: string;
  instanceId: string;
  dedupeKey: string;
  recordedAt: Date;
}

export function createSignalDedupe(source: StoreTable | StoreTableOptions): SignalDedupe {
  const { insertNew, readRow, name } = storeTable(source);

  async function recordSignal(instanceId: string, dedupeKey: string, at: Date | string): Promise<'new' | 'duplicate'> {
    nonEmpty(instanceId, 'instanceId');
    nonEmpty(dedupeKey, 'dedupeKey');
    const recordedAt = toDate(at, 'at');
    const added = await insertNew<SignalEntity>('record signal', { partitionKey: signalPartitionKey(instanceId), rowKey: sha256(dedupeKey), instanceId, dedupeKey, recordedAt });
    return added !== null ? 'new' : 'duplicate';
  }

  async function hasSignal(instanceId: string, dedupeKey: string): Promise<boolean> {
    nonEmpty(instanceId, 'instanceId');
    nonEmpty(dedupeKey, 'dedupeKey');
    return (await readRow('read signal', signalPartitionKey(instanceId), sha256(dedupeKey), { queryOptions: { select: ['dedupeKey'] } })) !== null;
  }

  return { table: name, recordSignal, hasSignal };
}
