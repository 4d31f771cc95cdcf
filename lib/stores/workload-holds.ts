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
import { CONTENDED_ATTEMPTS, nonEmpty, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

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
  const { client, call, ensureTable, name } = storeTable(source);

  async function holdWorkload(workloadId: string, incidentId: string, at: Date | string): Promise<{ held: true } | { held: false; by: string }> {
    nonEmpty(workloadId, 'workloadId');
    nonEmpty(incidentId, 'incidentId');
    const heldAt = toDate(at, 'at');
    await ensureTable();
    for (let attempt = 1; ; attempt++) {
      try {
        await call('hold workload', (abortSignal) =>
          client.createEntity({ partitionKey: HOLD_PARTITION, rowKey: sha256(workloadId), workloadId, incidentId, heldAt }, { abortSignal }),
        );
        return { held: true };
      } catch (err) {
        if (!isCode(err, 409, 'EntityAlreadyExists')) throw err;
      }
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
    await ensureTable();
    let etag: string;
    try {
      const row = await call('read workload hold', (abortSignal) => client.getEntity<{ incidentId: string }>(HOLD_PARTITION, sha256(workloadId), { abortSignal }));
      if (row.incidentId !== incidentId) return;
      etag = row.etag;
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return;
      throw err;
    }
    try {
      await call('release workload', (abortSignal) => client.deleteEntity(HOLD_PARTITION, sha256(workloadId), { abortSignal, etag }));
    } catch (err) {
      if (!isCode(err, 404, 'ResourceNotFound') && !isCode(err, 412, 'UpdateConditionNotSatisfied')) throw err;
    }
  }

  return { table: name, holdWorkload, releaseWorkload };
}
