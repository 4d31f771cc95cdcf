/**
 * The failover ledger: when each workload last failed over, for the minimum-interval guardrail
 * (a workload does not fail over again within `minInterval` of its last failover).
 *
 * Rows: `failover-ledger` / `<sha256(workloadId)>`, with workloadId, at (in the stores' shared
 * table, lib/stores/table.ts).
 */
import { isoText, sha256, storeTable, type StoreTable, type StoreTableOptions } from './table.js';

export interface FailoverLedger {
  readonly table: string;
  /** When a workload last failed over (ISO), for the minimum-interval guardrail; null if never. */
  lastFailover(workloadId: string): Promise<string | null>;
  /** Records a failover of the workload at `at`, replacing the one before. */
  recordFailover(workloadId: string, at: Date | string): Promise<void>;
}

const LEDGER_PARTITION = 'failover-ledger';

/**
 * The ledger key a failover is recorded under: the workload's id, or for a replay the replay's own
 * key, so a rehearsal never holds back (or is held back by) the real workload's failovers.
 */
export function ledgerKey(workloadId: string, replayId?: string): string {
  return replayId === undefined ? workloadId : `replay:${replayId}:${workloadId}`;
}

export function createFailoverLedger(source: StoreTable | StoreTableOptions): FailoverLedger {
  const { client, call, ensureTable, readRow, name } = storeTable(source);

  async function lastFailover(workloadId: string): Promise<string | null> {
    const row = await readRow<{ at: Date }>('read failover ledger', LEDGER_PARTITION, sha256(workloadId));
    return row === null ? null : isoText(row.at);
  }

  async function recordFailover(workloadId: string, at: Date | string): Promise<void> {
    await ensureTable();
    await call('record failover', (abortSignal) =>
      client.upsertEntity({ partitionKey: LEDGER_PARTITION, rowKey: sha256(workloadId), workloadId, at: new Date(at) }, 'Replace', { abortSignal }),
    );
  }

  return { table: name, lastFailover, recordFailover };
}
