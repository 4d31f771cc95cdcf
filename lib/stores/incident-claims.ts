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
import { isCode, StorageError } from '../storage/errors.js';
import { CONTENDED_ATTEMPTS, isoText, nonEmpty, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

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
  const { client, call, ensureTable, name } = storeTable(source);

  async function readClaim(partitionKey: string): Promise<{ entity: ClaimEntity; etag: string } | undefined> {
    try {
      const entity = await call('read claim', (abortSignal) => client.getEntity<ClaimEntity>(partitionKey, CLAIM_ROW, { abortSignal }));
      return { entity, etag: entity.etag };
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return undefined;
      throw err;
    }
  }

  async function claimIncident(incidentKey: string, candidateInstanceId: string, at: Date | string): Promise<ClaimResult> {
    nonEmpty(incidentKey, 'incidentKey');
    nonEmpty(candidateInstanceId, 'candidateInstanceId');
    const claimedAt = toDate(at, 'at');
    const partitionKey = claimPartitionKey(incidentKey);
    await ensureTable();
    for (let attempt = 1; ; attempt++) {
      try {
        await call('claim incident', (abortSignal) =>
          client.createEntity<ClaimEntity>({ partitionKey, rowKey: CLAIM_ROW, incidentKey, instanceId: candidateInstanceId, claimedAt }, { abortSignal }),
        );
        return { claimed: true, instanceId: candidateInstanceId, claimedAt: claimedAt.toISOString() };
      } catch (err) {
        if (!isCode(err, 409, 'EntityAlreadyExists')) throw err;
      }
      const holder = await readClaim(partitionKey);
      if (holder !== undefined) {
        const { instanceId } = holder.entity;
        // Our own earlier attempt may have landed (a retried insert answered 409): still ours.
        if (instanceId === candidateInstanceId) return { claimed: true, instanceId, claimedAt: isoText(holder.entity.claimedAt) };
        return { claimed: false, instanceId, claimedAt: isoText(holder.entity.claimedAt) };
      }
      // Released between our insert and our read: try again.
      if (attempt >= CONTENDED_ATTEMPTS) {
        throw new StorageError('ClaimContended', `claims ${name} claim incident`, `the claim on "${incidentKey}" kept changing hands; try again`);
      }
    }
  }

  async function claimHolder(incidentKey: string): Promise<string | null> {
    nonEmpty(incidentKey, 'incidentKey');
    await ensureTable();
    return (await readClaim(claimPartitionKey(incidentKey)))?.entity.instanceId ?? null;
  }

  async function release(incidentKey: string, instanceId?: string): Promise<boolean> {
    nonEmpty(incidentKey, 'incidentKey');
    const partitionKey = claimPartitionKey(incidentKey);
    await ensureTable();
    let etag: string | undefined;
    if (instanceId !== undefined) {
      const holder = await readClaim(partitionKey);
      if (holder === undefined || holder.entity.instanceId !== instanceId) return false;
      etag = holder.etag;
    }
    try {
      await call('release claim', (abortSignal) => client.deleteEntity(partitionKey, CLAIM_ROW, { abortSignal, ...(etag !== undefined ? { etag } : {}) }));
      return true;
    } catch (err) {
      // 404: already released; 412: the claim changed hands since we read it, so it is not ours.
      if (isCode(err, 404, 'ResourceNotFound') || isCode(err, 412, 'UpdateConditionNotSatisfied')) return false;
      throw err;
    }
  }

  return { table: name, claimIncident, claimHolder, release };
}
