/**
 * Workload holds: which incident is failing a workload over now, so a second incident touching
 * the same workload is linked to the first instead of running its playbook again. A conditional
 * insert gives exactly one holder under concurrency; a release deletes the row only if the
 * releasing incident still holds it (by ETag).
 *
 * Rows: `workload-holds` / `<sha256(workloadId)>`, with workloadId, incidentId, heldAt (in the
 * stores' shared table, lib/stores/table.ts).
 */
import { isCode } from '../storage/errors.js';
import { CONTENDED_ATTEMPTS, nonEmpty, releaseRow, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

export interface WorkloadHolds {
  readonly table: string;
  /**
   * Holds a workload for one incident's failover. Exactly one holder under concurrency; the same
   * incident holding again is still `held`; anyone else learns who holds it.
   */
  holdWorkload(workloadId: string, incidentId: string, at: Date | string): Promise<{ held: true } | { held: false; by: string }>;
  /** Lets the workload go, if `incidentId` holds it. */
  releaseWorkload(workloadId: string, incidentId: string): Promise<void>;
}

const HOLD_PARTITION = 'workload-holds';

export function createWorkloadHolds(source: StoreTable | StoreTableOptions): WorkloadHolds {
  const table = storeTable(source);
  const { client, call, insertNew, name } = table;

  async function holdWorkload(workloadId: string, incidentId: string, at: Date | string): Promise<{ held: true } | { held: false; by: string }> {
    nonEmpty(workloadId, 'workloadId');
    nonEmpty(incidentId, 'incidentId');
    const heldAt = toDate(at, 'at');
    for (let attempt = 1; ; attempt++) {
      if ((await insertNew('hold workload', { partitionKey: HOLD_PARTITION, rowKey: sha256(workloadId), workloadId, incidentId, heldAt })) !== null) return { held: true };
      // Not readRow: when the hold keeps vanishing, the last read's 404 is what the caller gets.
      try {
        const row = await call('read workload hold', (abortSignal) => client.getEntity<{ incidentId: string }>(HOLD_PARTITION, sha256(workloadId), { abortSignal }));
        return row.incidentId === incidentId ? { held: true } : { held: false, by: row.incidentId };
      } catch (err) {
        // Released between our insert and our read: try again.
        if (!isCode(err, 404, 'ResourceNotFound') || attempt >= CONTENDED_ATTEMPTS) throw err;
      }
    }
  }

  async function releaseWorkload(workloadId: string, incidentId: string): Promise<void> {
    await releaseRow<{ incidentId: string }>(table, { read: 'read workload hold', release: 'release workload' }, HOLD_PARTITION, sha256(workloadId), (hold) => hold.incidentId === incidentId);
  }

  return { table: name, holdWorkload, releaseWorkload };
}
