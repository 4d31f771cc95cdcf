/**
 * A signed action link works once: its nonce is spent with a conditional insert in the claims
 * table, so of any number of clicks (concurrent ones included) exactly one acts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClaimStore, TransientStorageError } from '../../lib/claims/index.js';
import { startAzurite, type Azurite } from '../../local/azurite.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
});
afterAll(async () => {
  await azurite?.close();
});

const EXPIRES = new Date('2026-11-23T10:14:00Z');

describe('spent action-link nonces', () => {
  it('answers first exactly once among 30 concurrent uses, then used', async () => {
    const claims = createClaimStore({ connectionString: azurite.connectionString, table: 'linkstest1' });
    expect(await claims.actionLinkUsed('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe(false);
    const results = await Promise.all(Array.from({ length: 30 }, () => claims.useActionLink('nonce-aaaaaaaaaaaaaaaa', EXPIRES)));
    expect(results.filter((r) => r === 'first')).toHaveLength(1);
    expect(results.filter((r) => r === 'used')).toHaveLength(29);
    expect(await claims.useActionLink('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe('used');
    expect(await claims.actionLinkUsed('nonce-aaaaaaaaaaaaaaaa', EXPIRES)).toBe(true);
    // Another link is untouched.
    expect(await claims.actionLinkUsed('nonce-bbbbbbbbbbbbbbbb', EXPIRES)).toBe(false);
    expect(await claims.useActionLink('nonce-bbbbbbbbbbbbbbbb', EXPIRES)).toBe('first');
  });

  it('refuses an empty nonce or an invalid expiry without touching storage', async () => {
    const claims = createClaimStore({ connectionString: azurite.connectionString, table: 'linkstest2' });
    await expect(claims.useActionLink('', EXPIRES)).rejects.toBeInstanceOf(RangeError);
    await expect(claims.useActionLink('nonce-cccccccccccccccc', new Date(Number.NaN))).rejects.toBeInstanceOf(RangeError);
  });

  it('reports storage that does not answer as TransientStorageError', async () => {
    const own = await startAzurite({ inMemory: true });
    const claims = createClaimStore({ connectionString: own.connectionString, table: 'linkstest3', retry: { maxRetries: 0 }, timeoutMs: 2000 });
    expect(await claims.useActionLink('nonce-dddddddddddddddd', EXPIRES)).toBe('first');
    await own.close();
    await expect(claims.useActionLink('nonce-eeeeeeeeeeeeeeee', EXPIRES)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(claims.actionLinkUsed('nonce-dddddddddddddddd', EXPIRES)).rejects.toBeInstanceOf(TransientStorageError);
  });
});
