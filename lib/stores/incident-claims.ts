/**
 * Incident claims: which orchestration instance handles an incident. Two deliveries of alerts
 * about one incident can reach two webhook invocations at the same moment; both would see no
 * orchestration yet and both would start one. A conditional insert (`createEntity`: 409
 * EntityAlreadyExists when the row is there) lets exactly one of them win: the winner starts its
 * instance, every other caller learns the winner's instance id and signals it instead.
 *
 * Rows: `incident-<sha256(incidentKey)>` / `claim`, with incidentKey, instanceId, claimedAt
 * (in the stores' shared table, lib/stores/table.ts).
 */
import { StorageError } from '../storage/errors.js';
import { CONTENDED_ATTEMPTS, isoText, nonEmpty, releaseRow, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

export type ClaimResult =
  | { readonly claimed: true; readonly instanceId: string; readonly claimedAt: string }
  | { readonly claimed: false; readonly instanceId: string; readonly claimedAt: string };

export interface IncidentClaims {
  /** The table the claims live in. */
  readonly table: string;
  /**
   * Claims `incidentKey` for `candidateInstanceId` unless someone already holds it. Exactly one of
   * any number of concurrent callers gets `claimed: true`; all get the holder's instance id.
   */
  claimIncident(incidentKey: string, candidateInstanceId: string, at: Date | string): Promise<ClaimResult>;
  /** The instance holding the claim on `incidentKey`, or null (a read; it claims nothing). */
  claimHolder(incidentKey: string): Promise<string | null>;
  /**
   * Gives the incident up, so the next signal starts a new instance. With `instanceId`, only if
   * that instance still holds it (a late retry must not release a newer claim). True when a claim
   * was removed.
   */
  release(incidentKey: string, instanceId?: string): Promise<boolean>;
}

const CLAIM_ROW = 'claim';

/** PartitionKey of the claim on an incident. */
export function claimPartitionKey(incidentKey: string): string {
  return `incident-${sha256(incidentKey)}`;
}

interface ClaimEntity {
  partitionKey: string;
  rowKey: string;
  incidentKey: string;
  instanceId: string;
  claimedAt: Date;
}

export function createIncidentClaims(source: StoreTable | StoreTableOptions): IncidentClaims {
  const table = storeTable(source);
  const { insertNew, readRow, name } = table;

  const readClaim = (partitionKey: string) => readRow<ClaimEntity>('read claim', partitionKey, CLAIM_ROW);

  async function claimIncident(incidentKey: string, candidateInstanceId: string, at: Date | string): Promise<ClaimResult> {
    nonEmpty(incidentKey, 'incidentKey');
    nonEmpty(candidateInstanceId, 'candidateInstanceId');
    const claimedAt = toDate(at, 'at');
    const partitionKey = claimPartitionKey(incidentKey);
    for (let attempt = 1; ; attempt++) {
      if ((await insertNew<ClaimEntity>('claim incident', { partitionKey, rowKey: CLAIM_ROW, incidentKey, instanceId: candidateInstanceId, claimedAt })) !== null) {
        return { claimed: true, instanceId: candidateInstanceId, claimedAt: claimedAt.toISOString() };
      }
      const holder = await readClaim(partitionKey);
      if (holder !== null) {
        const { instanceId } = holder;
        // Our own earlier attempt may have landed (a retried insert answered 409): still ours.
        if (instanceId === candidateInstanceId) return { claimed: true, instanceId, claimedAt: isoText(holder.claimedAt) };
        return { claimed: false, instanceId, claimedAt: isoText(holder.claimedAt) };
      }
      // Released between our insert and our read: try again.
      if (attempt >= CONTENDED_ATTEMPTS) {
        throw new StorageError('ClaimContended', `claims ${name} claim incident`, `the claim on "${incidentKey}" kept changing hands; try again`);
      }
    }
  }

  async function claimHolder(incidentKey: string): Promise<string | null> {
    nonEmpty(incidentKey, 'incidentKey');
    return (await readClaim(claimPartitionKey(incidentKey)))?.instanceId ?? null;
  }

  async function release(incidentKey: string, instanceId?: string): Promise<boolean> {
    nonEmpty(incidentKey, 'incidentKey');
    const stillHeld = instanceId === undefined ? undefined : (claim: ClaimEntity) => claim.instanceId === instanceId;
    return releaseRow(table, { read: 'read claim', release: 'release claim' }, claimPartitionKey(incidentKey), CLAIM_ROW, stillHeld);
  }

  return { table: name, claimIncident, claimHolder, release };
}
