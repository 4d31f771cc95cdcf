/**
 * The stores share one table (one thing to provision) and each keeps to its own partitions: built
 * from the settings, every store writes where lib/stores/table.ts says, in the table
 * INCIDENT_CLAIMS_TABLE names, and none sees another's rows.
 */
import { describe, expect, it } from 'vitest';
import { storesFromSettings } from '../../lib/stores/index.js';
import { useAzurite } from '../support/azurite.js';
import { AT } from './support.js';

const azurite = useAzurite();

describe('the stores over one table', () => {
  it('write each to its own partitions of the table the settings name', async () => {
    const stores = storesFromSettings({ connection: { kind: 'connectionString', connectionString: azurite.connectionString, setting: 'INCIDENT_CLAIMS_CONNECTION' }, table: 'sharedstores' });
    const tables = Object.values(stores).map((s: { table: string }) => s.table);
    expect(new Set(tables)).toEqual(new Set(['sharedstores']));

    // The same id in every store, so a store that read another's partition would notice.
    const id = 'media-streaming';
    await stores.incidentClaims.claimIncident(id, 'incident-1', AT);
    await stores.signalDedupe.recordSignal(id, 'dedupe-1', AT);
    await stores.failoverLedger.recordFailover(id, AT);
    await stores.workflowRecords.recordWorkflow({ workloadId: id, account: 'acct', workflowId: 1, submittedAt: AT, submission: {}, finishedAt: null });
    await stores.workloadHolds.holdWorkload(id, 'incident-1', AT);
    await stores.stopRequests.requestStop(id, { by: 'ada', reason: 'x', requestId: 'r', at: AT });
    await stores.actionLinks.useActionLink(id, new Date(AT));

    const partitions = (await azurite.rows('sharedstores')).map((r) => String(r['partitionKey']).replace(/[0-9a-f]{64}$/, '<hash>')).sort();
    expect(partitions).toEqual(['failover-ledger', 'incident-<hash>', 'links-2024-06-01', 'signals-<hash>', 'stop-requests', 'workflows-<hash>', 'workload-holds']);

    expect(await stores.incidentClaims.claimHolder(id)).toBe('incident-1');
    expect(await stores.signalDedupe.hasSignal(id, 'dedupe-1')).toBe(true);
    expect(await stores.failoverLedger.lastFailover(id)).toBe(AT);
    expect(await stores.workflowRecords.workflowRecords(id)).toHaveLength(1);
    expect(await stores.workloadHolds.holdWorkload(id, 'incident-2', AT)).toEqual({ held: false, by: 'incident-1' });
    expect(await stores.stopRequests.stopRequest(id)).toMatchObject({ by: 'ada' });
    expect(await stores.actionLinks.actionLinkUsed(id, new Date(AT))).toBe(true);
  });
});
