/** Signal dedupe: exactly one `new` per instance and dedupeKey under concurrency; reads record nothing. */
import { describe, expect, it } from 'vitest';
import { startAzurite } from '../../local/azurite.js';
import { createSignalDedupe, signalPartitionKey, TransientStorageError } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';
import { ARM_ID, AT } from './support.js';

const azurite = useAzurite();
const store = () => createSignalDedupe(azurite.fresh('signalstest'));

describe('signal dedupe', () => {
  it('answers new to exactly one of 20 concurrent records of one dedupeKey', async () => {
    const signals = store();
    const results = await Promise.all(Array.from({ length: 20 }, () => signals.recordSignal('instance-1', `${ARM_ID}|Unavailable|${AT}`, AT)));
    expect(results.filter((r) => r === 'new')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(19);
    expect(await signals.recordSignal('instance-1', `${ARM_ID}|Unavailable|${AT}`, AT)).toBe('duplicate');
    expect(await signals.recordSignal('instance-1', `${ARM_ID}|Available|${AT}`, AT)).toBe('new');
    expect(await signals.recordSignal('instance-2', `${ARM_ID}|Unavailable|${AT}`, AT)).toBe('new');
  });

  it('tells a recorded signal from one never recorded, without recording anything', async () => {
    const signals = store();
    expect(await signals.hasSignal('instance-1', 'key|a')).toBe(false);
    expect(await signals.hasSignal('instance-1', 'key|a')).toBe(false);
    await signals.recordSignal('instance-1', 'key|a', AT);
    expect(await signals.hasSignal('instance-1', 'key|a')).toBe(true);
    expect(await signals.hasSignal('instance-2', 'key|a')).toBe(false);
  });

  it('keys any instance id and dedupeKey safely and keeps the originals as properties', async () => {
    const signals = store();
    expect(await signals.recordSignal('a/b#c?', 'd\\e/f#g?', AT)).toBe('new');
    const rows = await azurite.rows(signals.table);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ partitionKey: signalPartitionKey('a/b#c?'), instanceId: 'a/b#c?', dedupeKey: 'd\\e/f#g?' });
    expect(String(rows[0]!['partitionKey'])).toMatch(/^signals-[0-9a-f]{64}$/);
    expect(String(rows[0]!['rowKey'])).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses empty keys and invalid times before touching storage', async () => {
    const signals = store();
    await expect(signals.recordSignal('i', 'd', 'not a date')).rejects.toThrow(RangeError);
    await expect(signals.recordSignal('', 'd', AT)).rejects.toThrow(RangeError);
    await expect(signals.hasSignal('i', '')).rejects.toThrow(RangeError);
  });

  it('reports an outage as TransientStorageError', async () => {
    const own = await startAzurite({ inMemory: true });
    const signals = createSignalDedupe({ connectionString: own.connectionString, retry: { maxRetries: 0 }, timeoutMs: 2000 });
    expect(await signals.recordSignal('i-1', 'd', AT)).toBe('new');
    await own.close();
    await expect(signals.recordSignal('i-1', 'e', AT)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(signals.hasSignal('i-1', 'd')).rejects.toBeInstanceOf(TransientStorageError);
  });
});
