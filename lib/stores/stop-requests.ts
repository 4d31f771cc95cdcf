/**
 * Stop requests: an engineer cancelled an incident whose failover is running, and its playbooks
 * stop at the next step boundary. The first request stands (a conditional insert); later ones
 * change nothing.
 *
 * Rows: `stop-requests` / `<sha256(incidentId)>`, with incidentId, stop (JSON) (in the stores'
 * shared table, lib/stores/table.ts).
 */
import type { StopRequest } from '../incidents/types.js';
import { nonEmpty, sha256, storeTable, type StoreTable, type StoreTableOptions } from './table.js';

export interface StopRequests {
  readonly table: string;
  /** Records that someone cancelled the incident's running failover (the first request stands). */
  requestStop(incidentId: string, stop: StopRequest): Promise<void>;
  /** The cancel the incident's running failover should stop for, or null. */
  stopRequest(incidentId: string): Promise<StopRequest | null>;
}

const STOP_PARTITION = 'stop-requests';

export function createStopRequests(source: StoreTable | StoreTableOptions): StopRequests {
  const { insertNew, readRow, name } = storeTable(source);

  async function requestStop(incidentId: string, stop: StopRequest): Promise<void> {
    nonEmpty(incidentId, 'incidentId');
    // Already there: the first request stands.
    await insertNew('request stop', { partitionKey: STOP_PARTITION, rowKey: sha256(incidentId), incidentId, stop: JSON.stringify(stop) });
  }

  async function stopRequest(incidentId: string): Promise<StopRequest | null> {
    const row = await readRow<{ stop: string }>('read stop request', STOP_PARTITION, sha256(incidentId));
    return row === null ? null : (JSON.parse(row.stop) as StopRequest);
  }

  return { table: name, requestStop, stopRequest };
}
