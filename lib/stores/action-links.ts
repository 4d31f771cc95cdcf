/**
 * Single-use action links: the nonce of each signed approve or reject link (lib/auth/action-link.ts)
 * is spent by a conditional insert, so a link works once, concurrent clicks included.
 *
 * Rows: `links-<expiry day YYYY-MM-DD>` / `<sha256(nonce)>`, with expiresAt, usedAt (in the
 * stores' shared table, lib/stores/table.ts). Partitioned by the day the links expire, so the
 * nonces of links past expiry can be deleted a whole day at a time.
 */
import { nonEmpty, sha256, storeTable, toDate, type StoreTable, type StoreTableOptions } from './table.js';

export interface ActionLinks {
  readonly table: string;
  /**
   * Spends a signed action link's nonce: `first` for exactly one caller, `used` for every other
   * (concurrent clicks included). `expiresAt` is the link's, kept so spent nonces can be swept.
   */
  useActionLink(nonce: string, expiresAt: Date): Promise<'first' | 'used'>;
  /** Whether `useActionLink` has spent `nonce` (a read; it spends nothing). */
  actionLinkUsed(nonce: string, expiresAt: Date): Promise<boolean>;
}

/** PartitionKey of spent action-link nonces: by the day the links expire, so old days can be deleted whole. */
export function actionLinkPartitionKey(expiresAt: Date): string {
  return `links-${expiresAt.toISOString().slice(0, 10)}`;
}

export function createActionLinks(source: StoreTable | StoreTableOptions): ActionLinks {
  const { insertNew, readRow, name } = storeTable(source);

  async function useActionLink(nonce: string, expiresAt: Date): Promise<'first' | 'used'> {
    nonEmpty(nonce, 'nonce');
    const expires = toDate(expiresAt, 'expiresAt');
    const added = await insertNew('use action link', { partitionKey: actionLinkPartitionKey(expires), rowKey: sha256(nonce), expiresAt: expires, usedAt: new Date() });
    return added !== null ? 'first' : 'used';
  }

  async function actionLinkUsed(nonce: string, expiresAt: Date): Promise<boolean> {
    nonEmpty(nonce, 'nonce');
    const expires = toDate(expiresAt, 'expiresAt');
    return (await readRow('read action link', actionLinkPartitionKey(expires), sha256(nonce), { queryOptions: { select: ['expiresAt'] } })) !== null;
  }

  return { table: name, useActionLink, actionLinkUsed };
}
