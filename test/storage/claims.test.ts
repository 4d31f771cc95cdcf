import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  claimPartitionKey,
  claimStoreFromSettings,
  createClaimStore,
  StorageError,
  TransientStorageError,
  type ClaimStore,
} from '../../lib/claims/index.js';
import { startAzurite, type Azurite } from '../../local/azurite.js';

let azurite: Azurite;
let tables = 0;

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
});
afterAll(async () => {
  await azurite?.close();
});

function store(): ClaimStore {
  tables += 1;
  return createClaimStore({ connectionString: azurite.connectionString, table: `claimstest${tables}` });
}

const ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-media/providers/microsoft.media/mediaservices/amsprimary';
const AT = '2024-06-01T09:30:00.000Z';

describe('incident claims', () => {
  it('lets exactly one of 50 concurrent starters claim an incident, and tells all 50 the same instance', async () => {
    const claims = store();
    const candidates = Array.from({ length: 50 }, (_, i) => `incident-${i}-${Math.random().toString(36).slice(2)}`);
    const results = await Promise.all(candidates.map((id, i) => claims.claimIncident(ARM_ID, id, new Date(Date.parse(AT) + i))));
    const winners = results.filter((r) => r.claimed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.instanceId;
    expect(candidates).toContain(winner);
    expect(new Set(results.map((r) => r.instanceId))).toEqual(new Set([winner]));
    const claimedAt = winners[0]!.claimedAt;
    for (const r of results) expect(r.claimedAt).toBe(claimedAt);

    const later = await claims.claimIncident(ARM_ID, 'latecomer', '2024-06-01T10:00:00Z');
    expect(later).toEqual({ claimed: false, instanceId: winner, claimedAt });
  });

  it('answers claimed for the holder itself (a retried claim) and keeps incidents apart', async () => {
    const claims = store();
    expect(await claims.claimIncident('TRACK-1', 'i-1', AT)).toEqual({ claimed: true, instanceId: 'i-1', claimedAt: AT });
    expect(await claims.claimIncident('TRACK-1', 'i-1', '2024-06-01T09:31:00Z')).toEqual({ claimed: true, instanceId: 'i-1', claimedAt: AT });
    expect(await claims.claimIncident('TRACK-2', 'i-2', AT)).toMatchObject({ claimed: true, instanceId: 'i-2' });
    expect(await claims.claimIncident('track-1', 'i-3', AT)).toMatchObject({ claimed: true, instanceId: 'i-3' });
  });

  it('releases only for the holder, and a released incident can be claimed again', async () => {
    const claims = store();
    await claims.claimIncident(ARM_ID, 'first', AT);
    expect(await claims.release(ARM_ID, 'someone-else')).toBe(false);
    expect(await claims.claimIncident(ARM_ID, 'second', AT)).toMatchObject({ claimed: false, instanceId: 'first' });
    expect(await claims.release(ARM_ID, 'first')).toBe(true);
    expect(await claims.release(ARM_ID, 'first')).toBe(false);
    expect(await claims.claimIncident(ARM_ID, 'second', AT)).toMatchObject({ claimed: true, instanceId: 'second' });
    expect(await claims.release(ARM_ID)).toBe(true);
    expect(await claims.release(ARM_ID)).toBe(false);
  });

  it('keys any incidentKey safely and keeps the original strings as properties', async () => {
    const claims = store();
    const odd = ['a/b\\c#d?e', 'tab\there\u0001\u007f\u0085', 'Störung 東日本 🚨', 'x'.repeat(5000)];
    for (const key of odd) expect(await claims.claimIncident(key, `for ${key.slice(0, 20)}`, AT)).toMatchObject({ claimed: true });
    expect(await claims.recordSignal('a/b#c?', 'd\\e/f#g?', AT)).toBe('new');

    const table = TableClient.fromConnectionString(azurite.connectionString, claims.table, { allowInsecureConnection: true });
    const rows: Array<Record<string, unknown>> = [];
    for await (const entity of table.listEntities()) rows.push(entity);
    expect(rows).toHaveLength(odd.length + 1);
    for (const row of rows) {
      expect(String(row['partitionKey'])).toMatch(/^(incident|signals)-[0-9a-f]{64}$/);
      expect(String(row['rowKey'])).toMatch(/^(claim|[0-9a-f]{64})$/);
    }
    expect(rows.filter((r) => r['rowKey'] === 'claim').map((r) => r['incidentKey']).sort()).toEqual([...odd].sort());
    const claim = rows.find((r) => r['partitionKey'] === claimPartitionKey(odd[0]!));
    expect(claim).toMatchObject({ incidentKey: odd[0], instanceId: `for ${odd[0]!.slice(0, 20)}` });
    expect(rows.find((r) => String(r['partitionKey']).startsWith('signals-'))).toMatchObject({ instanceId: 'a/b#c?', dedupeKey: 'd\\e/f#g?' });
  });

  it('refuses empty keys and invalid times before touching storage', async () => {
    const claims = store();
    await expect(claims.claimIncident('', 'i', AT)).rejects.toThrow(RangeError);
    await expect(claims.claimIncident('k', '', AT)).rejects.toThrow(RangeError);
    await expect(claims.recordSignal('i', 'd', 'not a date')).rejects.toThrow(RangeError);
  });
});

describe('signal records', () => {
  it('answers new to exactly one of 20 concurrent records of one dedupeKey', async () => {
    const claims = store();
    const results = await Promise.all(Array.from({ length: 20 }, () => claims.recordSignal('instance-1', `${ARM_ID}|Unavailable|${AT}`, AT)));
    expect(results.filter((r) => r === 'new')).toHaveLength(1);
    expect(results.filter((r) => r === 'duplicate')).toHaveLength(19);
    expect(await claims.recordSignal('instance-1', `${ARM_ID}|Unavailable|${AT}`, AT)).toBe('duplicate');
    expect(await claims.recordSignal('instance-1', `${ARM_ID}|Available|${AT}`, AT)).toBe('new');
    expect(await claims.recordSignal('instance-2', `${ARM_ID}|Unavailable|${AT}`, AT)).toBe('new');
  });

  it('tells a recorded signal from one never recorded, without recording anything', async () => {
    const claims = store();
    expect(await claims.hasSignal('instance-1', 'key|a')).toBe(false);
    expect(await claims.hasSignal('instance-1', 'key|a')).toBe(false);
    await claims.recordSignal('instance-1', 'key|a', AT);
    expect(await claims.hasSignal('instance-1', 'key|a')).toBe(true);
    expect(await claims.hasSignal('instance-2', 'key|a')).toBe(false);
  });
});

describe('claims: configuration and failures', () => {
  it('is built from the configuration settings', async () => {
    const claims = claimStoreFromSettings({ connection: { kind: 'connectionString', connectionString: azurite.connectionString, setting: 'INCIDENT_CLAIMS_CONNECTION' }, table: 'fromsettings' });
    expect(claims.table).toBe('fromsettings');
    expect(await claims.claimIncident('k', 'i', AT)).toMatchObject({ claimed: true });
    expect(() => claimStoreFromSettings({ connection: { kind: 'identity', serviceUrl: 'https://acct.table.core.windows.net', setting: 'INCIDENT_CLAIMS_SERVICE_URL' }, table: 'x1x' })).toThrow(/pass a credential/);
    expect(() => createClaimStore({ connectionString: azurite.connectionString, table: 'no-hyphens' })).toThrow(/not a valid table name/);
  });

  it('reports an outage as TransientStorageError', async () => {
    const own = await startAzurite({ inMemory: true });
    const claims = createClaimStore({ connectionString: own.connectionString, retry: { maxRetries: 1, retryDelayInMs: 20 } });
    expect(await claims.claimIncident(ARM_ID, 'i-1', AT)).toMatchObject({ claimed: true });
    await own.close();
    const started = Date.now();
    const err = await claims.claimIncident(ARM_ID, 'i-2', AT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientStorageError);
    expect((err as Error).message).toMatch(/^StorageUnavailable: claims incidentclaims claim incident: /);
    await expect(claims.recordSignal('i-1', 'd', AT)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(claims.release(ARM_ID, 'i-1')).rejects.toBeInstanceOf(TransientStorageError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a first use against storage that is not there as transient', async () => {
    const claims = createClaimStore({
      connectionString: azurite.connectionString.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:1'),
      retry: { maxRetries: 0 },
    });
    await expect(claims.claimIncident('k', 'i', AT)).rejects.toBeInstanceOf(TransientStorageError);
  });

  it('reports a refusal (wrong key) as StorageError, not transient', async () => {
    const wrongKey = azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
    const err = await createClaimStore({ connectionString: wrongKey, table: 'refused' })
      .claimIncident('k', 'i', AT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).not.toBeInstanceOf(TransientStorageError);
    expect((err as StorageError).statusCode).toBe(403);
  });
});

describe('failover ledger', () => {
  it('remembers the last failover of each workload for the minimum-interval guardrail', async () => {
    const claims = store();
    expect(await claims.lastFailover('media-streaming')).toBeNull();
    await claims.recordFailover('media-streaming', AT);
    await claims.recordFailover('datashare-sales', '2024-06-01T08:00:00.000Z');
    expect(await claims.lastFailover('media-streaming')).toBe(AT);
    await claims.recordFailover('media-streaming', '2024-06-02T10:00:00.000Z');
    expect(await claims.lastFailover('media-streaming')).toBe('2024-06-02T10:00:00.000Z');
    expect(await claims.lastFailover('datashare-sales')).toBe('2024-06-01T08:00:00.000Z');
  });
});
