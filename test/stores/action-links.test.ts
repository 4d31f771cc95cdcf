/**
 * A signed action link works once: its nonce is spent with a conditional insert in the stores'
 * table, so of any number of clicks (concurrent ones included) exactly one acts.
 */
import { describe, expect, it } from 'vitest';
import { startAzurite } from '../../local/azurite.js';
import { actionLinkPartitionKey, createActionLinks, TransientStorageError } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';

const azurite = useAzurite();
const EXPIRES = new Date('2026-11-23T10:14:00Z');

describe('spent action-link nonces', () => {
  it('answers first exactly once among 30 concurrent uses, then used', async () => {
    const links = createActionLinks(azurite.fresh('linkstest'));
    expect(await links.actionLinkUsed('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe(false);
    const results = await Promise.all(Array.from({ length: 30 }, () => links.useActionLink('nonce-aaaaaaaaaaaaaaaa', EXPIRES)));
    expect(results.filter((r) => r === 'first')).toHaveLength(1);
    expect(results.filter((r) => r === 'used')).toHaveLength(29);
    expect(await links.useActionLink('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe('used');
    expect(await links.actionLinkUsed('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe(true);
    // Another link is untouched.
    expect(await links.actionLinkUsed('nonce-bbbbbbbbbbbbbbbb', EXPIRES)).toBe(false);
    expect(await links.useActionLink('nonce-bbbbbbbbbbbbbbbb', EXPIRES)).toBe('first');
    // Kept by the day the links expire, so old days can be swept whole.
    const rows = await azurite.rows(links.table);
    expect(new Set(rows.map((r) => r['partitionKey']))).toEqual(new Set([actionLinkPartitionKey(EXPIRES)]));
    expect(actionLinkPartitionKey(EXPIRES)).toBe('links-2026-11-23');
  });

  it('refuses an empty nonce or an invalid expiry without touching storage', async () => {
    const links = createActionLinks(azurite.fresh('linkstest'));
    await expect(links.useActionLink('', EXPIRES)).rejects.toBeInstanceOf(RangeError);
    await expect(links.useActionLink('nonce-cccccccccccccccc', new Date(Number.NaN))).rejects.toBeInstanceOf(RangeError);
  });

  it('reports storage that does not answer as TransientStorageError', async () => {
    const own = await startAzurite({ inMemory: true });
    const links = createActionLinks({ connectionString: own.connectionString, table: 'linkstest3', retry: { maxRetries: 0 }, timeoutMs: 2000 });
    expect(await links.useActionLink('nonce-dddddddddddddddd', EXPIRES)).toBe('first');
    await own.close();
    await expect(links.useActionLink('nonce-eeeeeeeeeeeeeeee', EXPIRES)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(links.actionLinkUsed('nonce-dddddddddddddddd', EXPIRES)).rejects.toBeInstanceOf(TransientStorageError);
  });
});
