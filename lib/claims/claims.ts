/**
 * Atomic claims in Azure Table Storage. Two deliveries of alerts about one incident can reach two
 * webhook invocations at the same moment; both would see no orchestration yet and both would start
 * one. A conditional insert (`createEntity`: 409 EntityAlreadyExists when the row is there) lets
 * exactly one of them win: the winner starts its instance, every other caller learns the winner's
 * instance id and signals it instead.
 *
 * The same table records which notifications (dedupeKey) an instance has already seen, so a
 * redelivery is recognized even when two copies arrive at once.
 *
 * Keys: Table keys may not contain `/ \ # ?` or control characters, and an ARM resource id is full
 * of `/`, so keys are SHA-256 hashes; the original strings are kept as properties.
 *
 *   PartitionKey                      RowKey               properties
 *   incident-<sha256(incidentKey)>    claim                incidentKey, instanceId, claimedAt
 *   signals-<sha256(instanceId)>      <sha256(dedupeKey)>  instanceId, dedupeKey, recordedAt
 *   workflows-<sha256(workloadId)>    <account>-<id>       workloadId, account, workflowId, submittedAt, submission (JSON), finishedAt
 *   links-<expiry day YYYY-MM-DD>     <sha256(nonce)>      expiresAt, usedAt
 *
 * The last are the app's record of the Genomics workflows a pipeline submitted: when the primary
 * region is down its workflow list cannot be read, and these are what the failover resubmits.
 */
import { createHash } from 'node:crypto';
import type { StopRequest } from '../incidents/types.js';
import { StorageError } from '../storage/errors.js';
import { isCode, isoFrom, openTable, type TableConnection, type TableRetryTuning } from '../storage/table.js';

export type ClaimResult =
  | { readonly claimed: true; readonly instanceId: string; readonly claimedAt: string }
  | { readonly claimed: false; readonly instanceId: string; readonly claimedAt: string };

export interface ClaimStore {
  readonly table: string;
  /** When a workload last failed over (ISO), for the minimum-interval guardrail; null if never. */
  lastFailover(workloadId: string): Promise<string | null>;
  recordFailover(workloadId: string, at: Date | string): Promise<void>;
  /**
   * Claims `incidentKey` for `candidateInstanceId` unless someone already holds it. Exactly one of
   * any number of concurrent callers gets `claimed: true`; all get the holder's instance id.
   */
  claimIncident(incidentKey: string, candidateInstanceId: string, at: Date | string): Promise<ClaimResult>;
  /** `new` the first time `dedupeKey` is recorded for `instanceId`, `duplicate` after that (exactly one `new` under concurrency). */
  recordSignal(instanceId: string, dedupeKey: string, at: Date | string): Promise<'new' | 'duplicate'>;
  /** Whether `recordSignal` has recorded `dedupeKey` for `instanceId` (a read; it records nothing). */
  hasSignal(instanceId: string, dedupeKey: string): Promise<boolean>;
  /**
   * Gives the incident up, so the next signal starts a new instance. With `instanceId`, only if
   * that instance still holds it (a late retry must not release a newer claim). True when a claim
   * was removed.
   */
  release(incidentKey: string, instanceId?: string): Promise<boolean>;
  /** The instance holding the claim on `incidentKey`, or null (a read; it claims nothing). */
  claimHolder(incidentKey: string): Promise<string | null>;
  /**
   * Holds a workload for one incident's failover, so a second incident touching it is linked to
   * the first instead of running its playbook again. Exactly one holder under concurrency; the
   * same incident holding again is still `held`.
   */
  holdWorkload(workloadId: string, incidentId: string, at: Date | string): Promise<{ held: true } | { held: false; by: string }>;
  /** Lets the workload go, if `incidentId` holds it. */
  releaseWorkload(workloadId: string, incidentId: string): Promise<void>;
  /** Records that someone cancelled the incident's running failover (the first request stands). */
  requestStop(incidentId: string, stop: StopRequest): Promise<void>;
  /** The cancel the incident's running failover should stop for, or null. */
  stopRequest(incidentId: string): Promise<StopRequest | null>;
  /**
   * Spends a signed action link's nonce: `first` for exactly one caller, `used` for every other
   * (concurrent clicks included). `expiresAt` is the link's, kept so spent nonces can be swept.
   */
  useActionLink(nonce: string, expiresAt: Date): Promise<'first' | 'used'>;
  /** Whether `useActionLink` has spent `nonce` (a read; it spends nothing). */
  actionLinkUsed(nonce: string, expiresAt: Date): Promise<boolean>;
  /** Records (or updates: a second call with `finishedAt`) a submitted Genomics workflow. */
  recordWorkflow(record: WorkflowRecord): Promise<void>;
  /** A workload's recorded workflows, oldest first. */
  workflowRecords(workloadId: string): Promise<WorkflowRecord[]>;
}

/** A Genomics workflow a pipeline submitted, as it told the app (POST /api/workloads/{id}/workflows). */
export interface WorkflowRecord {
  workloadId: string;
  /** The Genomics account it was submitted to. */
  account: string;
  workflowId: number;
  submittedAt: string;
  /** The submit body, as msgen sent it: what a resubmission starts from. */
  submission: Record<string, unknown>;
  /** When the pipeline saw it end; null while it may be queued or running. */
  finishedAt: string | null;
}

export type { TableRetryTuning } from '../storage/table.js';

export type ClaimStoreOptions = TableConnection & {
  /** Default `incidentclaims`. */
  table?: string;
  /** Deadline for one call, retries included; past it, `TransientStorageError`. Default 10000. */
  timeoutMs?: number;
  retry?: TableRetryTuning;
};

export const DEFAULT_CLAIMS_TABLE = 'incidentclaims';
const LEDGER_PARTITION = 'failover-ledger';
const HOLD_PARTITION = 'workload-holds';
const STOP_PARTITION = 'stop-requests';

const CLAIM_ROW = 'claim';
/** How often a claim that vanished between our insert and our read (released meanwhile) is tried again. */
const CLAIM_ATTEMPTS = 5;

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** PartitionKey of the claim on an incident. */
export function claimPartitionKey(incidentKey: string): string {
  return `incident-${sha256(incidentKey)}`;
}

export function workflowPartitionKey(workloadId: string): string {
  return `workflows-${sha256(workloadId)}`;
}

export function signalPartitionKey(instanceId: string): string {
  return `signals-${sha256(instanceId)}`;
}

/** PartitionKey of spent action-link nonces: by the day the links expire, so old days can be deleted whole. */
export function actionLinkPartitionKey(expiresAt: Date): string {
  return `links-${expiresAt.toISOString().slice(0, 10)}`;
}

function iso(at: Date | string, what: string): Date {
  const date = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid date: ${String(at)}`);
  return date;
}

function nonEmpty(value: string, what: string): void {
  if (typeof value !== 'string' || value === '') throw new RangeError(`${what} must be a non-empty string`);
}

/** A stored time as ISO text ('' when the row has none). */
function isoText(value: unknown): string {
  return isoFrom(value) ?? '';
}

interface ClaimEntity {
  partitionKey: string;
  rowKey: string;
  incidentKey: string;
  instanceId: string;
  claimedAt: Date;
}

interface SignalEntity {
  partitionKey: string;
  rowKey: string;
  instanceId: string;
  dedupeKey: string;
  recordedAt: Date;
}


export function createClaimStore(options: ClaimStoreOptions): ClaimStore {
  const tableName = options.table ?? DEFAULT_CLAIMS_TABLE;
  const { client, call, ensureTable } = openTable(options, { table: tableName, label: 'claims', timeoutMs: options.timeoutMs ?? 10_000, retry: options.retry });
  const label = `claims ${tableName}`;

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
    const claimedAt = iso(at, 'at');
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
      if (attempt >= CLAIM_ATTEMPTS) {
        throw new StorageError('ClaimContended', `${label} claim incident`, `the claim on "${incidentKey}" kept changing hands; try again`);
      }
    }
  }

  async function recordSignal(instanceId: string, dedupeKey: string, at: Date | string): Promise<'new' | 'duplicate'> {
    nonEmpty(instanceId, 'instanceId');
    nonEmpty(dedupeKey, 'dedupeKey');
    const recordedAt = iso(at, 'at');
    await ensureTable();
    try {
      await call('record signal', (abortSignal) =>
        client.createEntity<SignalEntity>(
          { partitionKey: signalPartitionKey(instanceId), rowKey: sha256(dedupeKey), instanceId, dedupeKey, recordedAt },
          { abortSignal },
        ),
      );
      return 'new';
    } catch (err) {
      if (isCode(err, 409, 'EntityAlreadyExists')) return 'duplicate';
      throw err;
    }
  }

  async function hasSignal(instanceId: string, dedupeKey: string): Promise<boolean> {
    nonEmpty(instanceId, 'instanceId');
    nonEmpty(dedupeKey, 'dedupeKey');
    await ensureTable();
    try {
      await call('read signal', (abortSignal) => client.getEntity(signalPartitionKey(instanceId), sha256(dedupeKey), { abortSignal, queryOptions: { select: ['dedupeKey'] } }));
      return true;
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return false;
      throw err;
    }
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

  async function useActionLink(nonce: string, expiresAt: Date): Promise<'first' | 'used'> {
    nonEmpty(nonce, 'nonce');
    const expires = iso(expiresAt, 'expiresAt');
    await ensureTable();
    try {
      await call('use action link', (abortSignal) =>
        client.createEntity({ partitionKey: actionLinkPartitionKey(expires), rowKey: sha256(nonce), expiresAt: expires, usedAt: new Date() }, { abortSignal }),
      );
      return 'first';
    } catch (err) {
      if (isCode(err, 409, 'EntityAlreadyExists')) return 'used';
      throw err;
    }
  }

  async function actionLinkUsed(nonce: string, expiresAt: Date): Promise<boolean> {
    nonEmpty(nonce, 'nonce');
    const expires = iso(expiresAt, 'expiresAt');
    await ensureTable();
    try {
      await call('read action link', (abortSignal) => client.getEntity(actionLinkPartitionKey(expires), sha256(nonce), { abortSignal, queryOptions: { select: ['expiresAt'] } }));
      return true;
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return false;
      throw err;
    }
  }

  /** The failover ledger rides in the same table: one row per workload with its last failover. */
  const ledgerKey = (workloadId: string) => createHash('sha256').update(workloadId).digest('hex');

  async function lastFailover(workloadId: string): Promise<string | null> {
    await ensureTable();
    try {
      const row = await call('read failover ledger', (abortSignal) => client.getEntity<{ at: Date }>(LEDGER_PARTITION, ledgerKey(workloadId), { abortSignal }));
      return isoText(row.at);
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return null;
      throw err;
    }
  }

  async function recordFailover(workloadId: string, at: Date | string): Promise<void> {
    await ensureTable();
    await call('record failover', (abortSignal) =>
      client.upsertEntity({ partitionKey: LEDGER_PARTITION, rowKey: ledgerKey(workloadId), workloadId, at: new Date(at) }, 'Replace', { abortSignal }),
    );
  }

  async function recordWorkflow(record: WorkflowRecord): Promise<void> {
    nonEmpty(record.workloadId, 'workloadId');
    nonEmpty(record.account, 'account');
    await ensureTable();
    await call('record workflow', (abortSignal) =>
      client.upsertEntity(
        {
          partitionKey: workflowPartitionKey(record.workloadId),
          rowKey: `${record.account.toLowerCase()}-${record.workflowId}`,
          workloadId: record.workloadId,
          account: record.account,
          workflowId: record.workflowId,
          submittedAt: iso(record.submittedAt, 'submittedAt'),
          submission: JSON.stringify(record.submission),
          finishedAt: record.finishedAt === null ? '' : iso(record.finishedAt, 'finishedAt').toISOString(),
        },
        'Replace',
        { abortSignal },
      ),
    );
  }

  async function workflowRecords(workloadId: string): Promise<WorkflowRecord[]> {
    await ensureTable();
    const partitionKey = workflowPartitionKey(workloadId);
    return call('read workflows', async (abortSignal) => {
      const records: WorkflowRecord[] = [];
      const rows = client.listEntities<{ workloadId: string; account: string; workflowId: number; submittedAt: unknown; submission: string; finishedAt: string }>({
        queryOptions: { filter: `PartitionKey eq '${partitionKey}'` },
        abortSignal,
      });
      for await (const row of rows) {
        records.push({
          workloadId: row.workloadId,
          account: row.account,
          workflowId: Number(row.workflowId),
          submittedAt: isoText(row.submittedAt),
          submission: JSON.parse(row.submission) as Record<string, unknown>,
          finishedAt: row.finishedAt === '' ? null : row.finishedAt,
        });
      }
      return records.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt) || a.workflowId - b.workflowId);
    });
  }

  async function claimHolder(incidentKey: string): Promise<string | null> {
    nonEmpty(incidentKey, 'incidentKey');
    await ensureTable();
    return (await readClaim(claimPartitionKey(incidentKey)))?.entity.instanceId ?? null;
  }

  /** Workload holds ride in the same table: one row per workload held by an incident's failover. */
  async function holdWorkload(workloadId: string, incidentId: string, at: Date | string): Promise<{ held: true } | { held: false; by: string }> {
    nonEmpty(workloadId, 'workloadId');
    nonEmpty(incidentId, 'incidentId');
    const heldAt = iso(at, 'at');
    await ensureTable();
    for (let attempt = 1; ; attempt++) {
      try {
        await call('hold workload', (abortSignal) =>
          client.createEntity({ partitionKey: HOLD_PARTITION, rowKey: ledgerKey(workloadId), workloadId, incidentId, heldAt }, { abortSignal }),
        );
        return { held: true };
      } catch (err) {
        if (!isCode(err, 409, 'EntityAlreadyExists')) throw err;
      }
      try {
        const row = await call('read workload hold', (abortSignal) => client.getEntity<{ incidentId: string }>(HOLD_PARTITION, ledgerKey(workloadId), { abortSignal }));
        return row.incidentId === incidentId ? { held: true } : { held: false, by: row.incidentId };
      } catch (err) {
        // Released between our insert and our read: try again.
        if (!isCode(err, 404, 'ResourceNotFound') || attempt >= CLAIM_ATTEMPTS) throw err;
      }
    }
  }

  async function releaseWorkload(workloadId: string, incidentId: string): Promise<void> {
    await ensureTable();
    let etag: string;
    try {
      const row = await call('read workload hold', (abortSignal) => client.getEntity<{ incidentId: string }>(HOLD_PARTITION, ledgerKey(workloadId), { abortSignal }));
      if (row.incidentId !== incidentId) return;
      etag = row.etag;
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return;
      throw err;
    }
    try {
      await call('release workload', (abortSignal) => client.deleteEntity(HOLD_PARTITION, ledgerKey(workloadId), { abortSignal, etag }));
    } catch (err) {
      if (!isCode(err, 404, 'ResourceNotFound') && !isCode(err, 412, 'UpdateConditionNotSatisfied')) throw err;
    }
  }

  /** Stop requests ride in the same table: one row per incident whose running failover was cancelled. */
  async function requestStop(incidentId: string, stop: StopRequest): Promise<void> {
    nonEmpty(incidentId, 'incidentId');
    await ensureTable();
    try {
      await call('request stop', (abortSignal) =>
        client.createEntity({ partitionKey: STOP_PARTITION, rowKey: ledgerKey(incidentId), incidentId, stop: JSON.stringify(stop) }, { abortSignal }),
      );
    } catch (err) {
      if (!isCode(err, 409, 'EntityAlreadyExists')) throw err;
    }
  }

  async function stopRequest(incidentId: string): Promise<StopRequest | null> {
    await ensureTable();
    try {
      const row = await call('read stop request', (abortSignal) => client.getEntity<{ stop: string }>(STOP_PARTITION, ledgerKey(incidentId), { abortSignal }));
      return JSON.parse(row.stop) as StopRequest;
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return null;
      throw err;
    }
  }

  return {
    table: tableName,
    claimIncident,
    requestStop,
    stopRequest,
    recordSignal,
    hasSignal,
    release,
    claimHolder,
    holdWorkload,
    releaseWorkload,
    lastFailover,
    recordFailover,
    useActionLink,
    actionLinkUsed,
    recordWorkflow,
    workflowRecords,
  };
}
