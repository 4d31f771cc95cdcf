/**
 * Incident claims: a conditional insert lets exactly one of any number of concurrent starters
 * claim an incident key; everyone learns the holder; only the holder releases; any key is stored
 * safely. Also what the stores' table does when storage is down, absent or refuses.
 */
import { describe, expect, it } from 'vitest';
import { startAzurite } from '../../local/azurite.js';
import { claimPartitionKey, createIncidentClaims, openStoreTable, StorageError, storeTableFromSettings, TransientStorageError } from '../../lib/stores/index.js';
import { useAzurite, wrongKey } from '../support/azurite.js';
import { ARM_ID, AT, deadTableEndpoint } from './support.js';

const azurite = useAzurite();
const store = () => createIncidentClaims(azurite.fresh('claimstest'));

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
    expect(await claims.claimHolder(ARM_ID)).toBe(winner);

    const later = await claims.claimIncident(ARM_ID, 'latecomer', '2024-06-01T10:00:00Z');
    expect(later).toEqual({ claimed: false, instanceId: winner, claimedAt });
  });

  it('answers claimed for the holder itself (a retried claim) and keeps incidents apart', async () => {
    const claims = store();
    expect(await claims.claimIncident('TRACK-1', 'i-1', AT)).toEqual({ claimed: true, instanceId: 'i-1', claimedAt: AT });
    expect(await claims.claimIncident('TRACK-1', 'i-1', '2024-06-01T09:31:00Z')).toEqual({ claimed: true, instanceId: 'i-1', claimedAt: AT });
    expect(await claims.claimIncident('TRACK-2', 'i-2', AT)).toMatchObject({ claimed: true, instanceId: 'i-2' });
    expect(await claims.claimIncident('track-1', 'i-3', AT)).toMatchObject({ claimed: true, instanceId: 'i-3' });
    expect(await claims.claimHolder('TRACK-3')).toBeNull();
  });

  it('releases only for the holder, and a released incident can be claimed again', async () => {
    const claims = store();
    await claims.claimIncident(ARM_ID, 'first', AT);
    expect(await claims.release(ARM_ID, 'someone-else')).toBe(false);
    expect(await claims.claimIncident(ARM_ID, 'second', AT)).toMatchObject({ claimed: false, instanceId: 'first' });
    expect(await claims.release(ARM_ID, 'first')).toBe(true);
    expect(await claims.release(ARM_ID, 'first')).toBe(false);
    expect(await claims.claimHolder(ARM_ID)).toBeNull();
    expect(await claims.claimIncident(ARM_ID, 'second', AT)).toMatchObject({ claimed: true, instanceId: 'second' });
    expect(await claims.release(ARM_ID)).toBe(true);
    expect(await claims.release(ARM_ID)).toBe(false);
  });

  it('keys any incidentKey safely and keeps the original strings as properties', async () => {
    const options = azurite.fresh('claimstest');
    const claims = createIncidentClaims(options);
    const odd = ['a/b\\c#d?e', 'tab\there\u0001\u007f\u0085', 'Störung 東日本 🚨', 'x'.repeat(5000)];
    for (const key of odd) expect(await claims.claimIncident(key, `for ${key.slice(0, 20)}`, AT)).toMatchObject({ claimed: true });

    const rows = await azurite.rows(claims.table);
    expect(rows).toHaveLength(odd.length);
    for (const row of rows) {
      expect(String(row['partitionKey'])).toMatch(/^incident-[0-9a-f]{64}$/);
      expect(row['rowKey']).toBe('claim');
    }
    expect(rows.map((r) => r['incidentKey']).sort()).toEqual([...odd].sort());
    const claim = rows.find((r) => r['partitionKey'] === claimPartitionKey(odd[0]!));
    expect(claim).toMatchObject({ incidentKey: odd[0], instanceId: `for ${odd[0]!.slice(0, 20)}` });
  });

  it('refuses empty keys and invalid times before touching storage', async () => {
    const claims = store();
    await expect(claims.claimIncident('', 'i', AT)).rejects.toThrow(RangeError);
    await expect(claims.claimIncident('k', '', AT)).rejects.toThrow(RangeError);
    await expect(claims.claimIncident('k', 'i', 'not a date')).rejects.toThrow(RangeError);
    await expect(claims.claimHolder('')).rejects.toThrow(RangeError);
    await expect(claims.release('')).rejects.toThrow(RangeError);
  });
});

describe('the stores\' table: configuration and failures', () => {
  it('is opened from the configuration settings (INCIDENT_CLAIMS_*)', async () => {
    const table = storeTableFromSettings({ connection: { kind: 'connectionString', connectionString: azurite.connectionString, setting: 'INCIDENT_CLAIMS_CONNECTION' }, table: 'fromsettings' });
    const claims = createIncidentClaims(table);
    expect(claims.table).toBe('fromsettings');
    expect(await claims.claimIncident('k', 'i', AT)).toMatchObject({ claimed: true });
    expect(() => storeTableFromSettings({ connection: { kind: 'identity', serviceUrl: 'https://acct.table.core.windows.net', setting: 'INCIDENT_CLAIMS_SERVICE_URL' }, table: 'x1x' })).toThrow(/pass a credential/);
    expect(() => createIncidentClaims({ connectionString: azurite.connectionString, table: 'no-hyphens' })).toThrow(/not a valid table name/);
    expect(openStoreTable({ connectionString: azurite.connectionString }).name).toBe('incidentclaims');
  });

  it('reports an outage as TransientStorageError', async () => {
    const own = await startAzurite({ inMemory: true });
    const claims = createIncidentClaims({ connectionString: own.connectionString, retry: { maxRetries: 1, retryDelayInMs: 20 } });
    expect(await claims.claimIncident(ARM_ID, 'i-1', AT)).toMatchObject({ claimed: true });
    await own.close();
    const started = Date.now();
    const err = await claims.claimIncident(ARM_ID, 'i-2', AT).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientStorageError);
    expect((err as Error).message).toMatch(/^StorageUnavailable: claims incidentclaims claim incident: /);
    await expect(claims.claimHolder(ARM_ID)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(claims.release(ARM_ID, 'i-1')).rejects.toBeInstanceOf(TransientStorageError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a first use against storage that is not there as transient', async () => {
    const claims = createIncidentClaims({ connectionString: deadTableEndpoint(azurite.connectionString), retry: { maxRetries: 0 } });
    await expect(claims.claimIncident('k', 'i', AT)).rejects.toBeInstanceOf(TransientStorageError);
  });

  it('reports a refusal (wrong key) as StorageError, not transient', async () => {
    const err = await createIncidentClaims({ connectionString: wrongKey(azurite.connectionString), table: 'refused' })
      .claimIncident('k', 'i', AT)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).not.toBeInstanceOf(TransientStorageError);
    expect((err as StorageError).statusCode).toBe(403);
  });
});
