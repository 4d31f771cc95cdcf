/** The failover ledger: the last failover of each workload, for the minimum-interval guardrail. */
import { describe, expect, it } from 'vitest';
import { createFailoverLedger } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';
import { AT } from './support.js';

const azurite = useAzurite();

describe('failover ledger', () => {
  it('remembers the last failover of each workload for the minimum-interval guardrail', async () => {
    const ledger = createFailoverLedger(azurite.fresh('ledgertest'));
    expect(await ledger.lastFailover('media-streaming')).toBeNull();
    await ledger.recordFailover('media-streaming', AT);
    await ledger.recordFailover('datashare-sales', '2024-06-01T08:00:00.000Z');
    expect(await ledger.lastFailover('media-streaming')).toBe(AT);
    await ledger.recordFailover('media-streaming', new Date('2024-06-02T10:00:00.000Z'));
    expect(await ledger.lastFailover('media-streaming')).toBe('2024-06-02T10:00:00.000Z');
    expect(await ledger.lastFailover('datashare-sales')).toBe('2024-06-01T08:00:00.000Z');
    const rows = await azurite.rows(ledger.table);
    expect(rows.map((r) => [r['partitionKey'], r['workloadId']]).sort()).toEqual([
      ['failover-ledger', 'datashare-sales'],
      ['failover-ledger', 'media-streaming'],
    ]);
  });
});
