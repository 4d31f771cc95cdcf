/**
 * The protection status when parts of it do not answer: a check that hangs is cut at its deadline
 * and shown as not known with why, one that fails likewise, and the rest is still answered;
 * workloads are checked a bounded number at a time. Real SDK clients against the simulator with
 * the sample estate; the ledger and the incident list are stand-ins that misbehave on purpose.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimited, withDeadline, DeadlineExceeded } from '../../lib/async/map-limited.js';
import { createAzureClients, type AzureClients } from '../../lib/azure/clients.js';
import { loadCatalogFile } from '../../lib/catalog/index.js';
import type { Catalog } from '../../lib/catalog/types.js';
import { statusOf } from '../../lib/operators/status.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { repoRoot } from '../support/fixtures.js';

let h: SimHarness;
let catalog: Catalog;
/** The clients as the app has them: its identity is the one the sample estate grants roles to. */
let clients: AzureClients;
beforeAll(async () => {
  h = await startSimulator();
  clients = createAzureClients({ kind: 'simulator', endpoint: h.sim.baseUrl, caPem: h.sim.ca, clientId: 'failover-orchestrator' }, { retry: { retryDelayInMs: 10, maxRetryDelayInMs: 50 } });
  const loaded = await loadCatalogFile(join(repoRoot, 'samples/catalog.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  catalog = loaded.catalog;
});
afterAll(() => h?.close());

const NOW = new Date('2026-11-23T09:14:00.000Z');

describe('protection status', () => {
  it('cuts a hanging check at its deadline, shows a failed one as unknown with why, and answers the rest', { timeout: 30_000 }, async () => {
    const status = await statusOf({
      catalog,
      clients,
      appConfigurationEndpoint: `${h.sim.baseUrl}/appConfiguration/contosofailover`,
      ledger: {
        lastFailover: async (workloadId) => {
          if (workloadId === 'media-streaming') return new Promise<never>(() => undefined);
          if (workloadId === 'genomics-pipeline') throw new Error('storage answered 500');
          return workloadId === 'dynamics-crm' ? '2026-11-20T08:00:00.000Z' : null;
        },
      },
      runningIncidents: async () => {
        throw new Error('the durable endpoint is busy');
      },
      alerting: null,
      now: () => NOW,
      concurrency: 2,
      checkTimeoutMs: 4000,
    });
    const of = (id: string) => status.workloads.find((w) => w.workloadId === id)!;
    expect(of('media-streaming').lastFailover).toEqual({ known: false, why: 'the failover ledger did not answer within 4s' });
    expect(of('genomics-pipeline').lastFailover).toEqual({ known: false, why: 'storage answered 500' });
    expect(of('dynamics-crm').lastFailover).toEqual({ known: true, at: '2026-11-20T08:00:00.000Z' });
    expect(of('purview-governance').lastFailover).toEqual({ known: true, at: null });
    for (const w of status.workloads) expect(w.openIncidents).toEqual({ known: false, why: 'the durable endpoint is busy' });
    // The ledger's trouble is not the readiness check's: media-streaming is still known ready.
    expect(of('media-streaming').ready).toBe(true);
    expect(of('media-streaming').active).toEqual({ known: true, side: 'primary', key: 'media:activeAccount', value: 'contosomediaweu' });
    expect(status.summary).toBe('4 of 5 workloads ready; not ready: purview-governance');
  });

  it('checks no more workloads at once than its bound', async () => {
    let inFlight = 0;
    let most = 0;
    const status = await statusOf({
      catalog,
      clients,
      appConfigurationEndpoint: null,
      ledger: {
        lastFailover: async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((r) => setTimeout(r, 30));
          inFlight--;
          return null;
        },
      },
      runningIncidents: async () => [],
      alerting: null,
      now: () => NOW,
      concurrency: 2,
    });
    expect(status.workloads).toHaveLength(5);
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('says the active side is not known when App Configuration is not set up, naming the setting', async () => {
    const status = await statusOf({
      catalog,
      clients,
      appConfigurationEndpoint: null,
      ledger: { lastFailover: async () => null },
      runningIncidents: async () => [],
      alerting: null,
      now: () => NOW,
    });
    expect(status.workloads.map((w) => [w.workloadId, w.active])).toEqual([
      ['media-streaming', { known: false, why: "APP_CONFIGURATION_ENDPOINT is not set, so 'media:activeAccount' cannot be read" }],
      ['datashare-sales', { known: false, why: 'no active-side pointer: a dataShare playbook flips no App Configuration key' }],
      ['purview-governance', { known: false, why: "APP_CONFIGURATION_ENDPOINT is not set, so 'purview:activeAccount' cannot be read" }],
      ['genomics-pipeline', { known: false, why: "APP_CONFIGURATION_ENDPOINT is not set, so 'genomics:activeRegion' cannot be read" }],
      ['dynamics-crm', { known: false, why: "APP_CONFIGURATION_ENDPOINT is not set, so 'crm:degradedMode' cannot be read" }],
    ]);
  });

  it('reads a pointer set to neither side as not known, saying both sides’ values', async () => {
    await h.clients.appConfiguration(`${h.sim.baseUrl}/appConfiguration/contosofailover`).setConfigurationSetting({ key: 'genomics:activeRegion', value: 'eastus' });
    const status = await statusOf({
      catalog: { ...catalog, workloads: catalog.workloads.filter((w) => w.id === 'genomics-pipeline') },
      clients,
      appConfigurationEndpoint: `${h.sim.baseUrl}/appConfiguration/contosofailover`,
      ledger: { lastFailover: async () => null },
      runningIncidents: async () => [],
      alerting: null,
      now: () => NOW,
    });
    expect(status.workloads[0]!.active).toEqual({ known: false, why: "'genomics:activeRegion' reads 'eastus', neither the primary's 'westus2' nor the secondary's 'westcentralus'" });
  });

  it('says so when the catalog protects nothing', async () => {
    const status = await statusOf({ catalog: { ...catalog, workloads: [] }, clients, appConfigurationEndpoint: null, ledger: { lastFailover: async () => null }, runningIncidents: async () => [], alerting: null, now: () => NOW });
    expect(status).toEqual({ checkedAt: NOW.toISOString(), ready: true, summary: 'the catalog protects no workloads', workloads: [] });
  });
});

describe('mapLimited and withDeadline', () => {
  it('keeps the order of the items and runs at most the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapLimited([30, 10, 20, 5, 15], 3, async (ms, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return `${i}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(most).toBe(3);
    expect(await mapLimited([], 3, async () => 1)).toEqual([]);
  });

  it('answers the work’s result in time, and a DeadlineExceeded naming it after', async () => {
    expect(await withDeadline(Promise.resolve('done'), 50, 'the store')).toBe('done');
    const late = withDeadline(new Promise(() => undefined), 20, 'the store');
    await expect(late).rejects.toBeInstanceOf(DeadlineExceeded);
    await expect(late).rejects.toThrow('the store did not answer within 20ms');
    await expect(withDeadline(new Promise(() => undefined), 2000, 'the store').catch((e: Error) => e.message)).resolves.toBe('the store did not answer within 2s');
  });
});
