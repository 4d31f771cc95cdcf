/** Microsoft Purview: the ARM accounts through `@azure/arm-purview`, and the data-plane reads a readiness check compares. */
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const EUS_ID = `/subscriptions/${SUB}/resourceGroups/rg-purview-eus/providers/Microsoft.Purview/accounts/contosopurvieweus`;

async function rejection(p: Promise<unknown>): Promise<RestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRestError(err)).toBe(true);
  return err as RestError;
}

describe('Purview accounts (ARM)', () => {
  it('gets an account with its endpoints and managed resources', async () => {
    const account = await h.clients.purview(SUB).accounts.get('rg-purview-eus', 'contosopurvieweus');
    expect(account).toMatchObject({
      id: EUS_ID,
      name: 'contosopurvieweus',
      type: 'Microsoft.Purview/accounts',
      location: 'eastus',
      sku: { name: 'Standard', capacity: 1 },
      friendlyName: 'contosopurvieweus',
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
      managedResourceGroupName: 'managed-rg-contosopurvieweus',
      endpoints: {
        catalog: 'https://contosopurvieweus.catalog.purview.azure.com',
        scan: 'https://contosopurvieweus.scan.purview.azure.com',
        guardian: 'https://contosopurvieweus.guardian.purview.azure.com',
      },
      privateEndpointConnections: [],
    });
    expect(account.managedResources?.resourceGroup).toBe(`/subscriptions/${SUB}/resourceGroups/managed-rg-contosopurvieweus`);
    expect(account.managedResources?.storageAccount).toMatch(
      new RegExp(`^/subscriptions/${SUB}/resourceGroups/managed-rg-contosopurvieweus/providers/Microsoft.Storage/storageAccounts/scaneastus[0-9a-f]{7}$`),
    );
    expect(account.managedResources?.eventHubNamespace).toMatch(/\/providers\/Microsoft\.EventHub\/namespaces\/Atlas-[0-9a-f-]{36}$/);
    expect(account.createdAt).toBeInstanceOf(Date);
  });

  it('lists accounts by resource group and by subscription', async () => {
    const client = h.clients.purview(SUB);
    const inRg = [];
    for await (const a of client.accounts.listByResourceGroup('rg-purview-wus')) inRg.push(a);
    expect(inRg.map((a) => [a.name, a.location])).toEqual([['contosopurviewwus', 'westus']]);
    const all = [];
    for await (const a of client.accounts.listBySubscription()) all.push(a);
    expect(all.map((a) => a.name).sort()).toEqual(['contosopurvieweus', 'contosopurviewwus']);
    expect(all.every((a) => a.endpoints?.catalog === `https://${a.name}.catalog.purview.azure.com`)).toBe(true);
  });

  it('answers 404 ResourceNotFound for an account that does not exist', async () => {
    const err = await rejection(h.clients.purview(SUB).accounts.get('rg-purview-eus', 'nosuchaccount'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
  });

  it('refuses an api-version the provider does not serve', async () => {
    const res = await h.call('GET', `${EUS_ID}?api-version=2019-01-01`);
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersionParameter' } } });
  });

  it('honours a throttled read: the SDK waits Retry-After and succeeds', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Purview/accounts/read', status: 429, code: 'SubscriptionRequestsThrottled', count: 1 });
    const started = performance.now();
    const account = await h.clients.purview(SUB).accounts.get('rg-purview-eus', 'contosopurvieweus');
    expect(account.name).toBe('contosopurvieweus');
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    const faults = (await h.control('GET', '/_sim/faults')).body as Array<{ remaining: number }>;
    expect(faults).toEqual([expect.objectContaining({ remaining: 0 })]);
  });

  it('fails the account of a region that is down with 503, and only that one', async () => {
    await h.control('POST', '/_sim/regions/eastus/outage');
    const client = h.clients.purview(SUB);
    const err = await rejection(client.accounts.get('rg-purview-eus', 'contosopurvieweus'));
    expect(err.statusCode).toBe(503);
    expect(err.code).toBe('ServiceUnavailable');
    expect((await client.accounts.get('rg-purview-wus', 'contosopurviewwus')).provisioningState).toBe('Succeeded');
  });
});

describe('Purview data plane', () => {
  const collections = (account: string) => `/purview/${account}/account/collections?api-version=2019-11-01-preview`;
  const scan = (account: string, what: string) => `/purview/${account}/scan/${what}?api-version=2022-07-01-preview`;

  it('lists the collections of an account, root first', async () => {
    const res = await h.call('GET', collections('contosopurvieweus'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      count: 3,
      value: [
        { name: 'contosopurvieweus', friendlyName: 'contosopurvieweus', collectionProvisioningState: 'Succeeded' },
        {
          name: 'sales',
          friendlyName: 'Sales',
          description: 'Sales data estate',
          parentCollection: { type: 'CollectionReference', referenceName: 'contosopurvieweus' },
          collectionProvisioningState: 'Succeeded',
        },
        {
          name: 'finance',
          friendlyName: 'Finance',
          description: 'Ledgers and forecasts',
          parentCollection: { type: 'CollectionReference', referenceName: 'contosopurvieweus' },
          collectionProvisioningState: 'Succeeded',
        },
      ],
    });
  });

  it('lists scan rule sets and data sources, and the standby lacks one data source', async () => {
    const rules = await h.call('GET', scan('contosopurvieweus', 'scanrulesets'));
    expect(rules.status).toBe(200);
    expect(rules.body).toMatchObject({
      count: 2,
      value: [
        { id: 'scanrulesets/sales-lake-rules', name: 'sales-lake-rules', kind: 'AdlsGen2', scanRulesetType: 'Custom', properties: { scanningRule: { fileExtensions: ['CSV', 'PARQUET'] } } },
        { id: 'scanrulesets/finance-sql-rules', name: 'finance-sql-rules', kind: 'AzureSqlDatabase', scanRulesetType: 'Custom' },
      ],
    });
    const primary = await h.call('GET', scan('contosopurvieweus', 'datasources'));
    expect(primary.body).toEqual({
      count: 2,
      value: [
        {
          id: 'datasources/sales-lake',
          name: 'sales-lake',
          kind: 'AdlsGen2',
          properties: { endpoint: 'https://contososaleslake.dfs.core.windows.net/', collection: { type: 'CollectionReference', referenceName: 'sales' } },
        },
        {
          id: 'datasources/finance-sql',
          name: 'finance-sql',
          kind: 'AzureSqlDatabase',
          properties: { serverEndpoint: 'contoso-finance.database.windows.net', collection: { type: 'CollectionReference', referenceName: 'finance' } },
        },
      ],
    });
    const standby = await h.call('GET', scan('contosopurviewwus', 'datasources'));
    expect((standby.body as { value: Array<{ name: string }> }).value.map((d) => d.name)).toEqual(['sales-lake']);
    const standbyRules = await h.call('GET', scan('contosopurviewwus', 'scanrulesets'));
    expect((standbyRules.body as { count: number }).count).toBe(2);
  });

  it('answers 404 for an unknown account, 400 for a bad api-version, 401 without a token', async () => {
    expect(await h.call('GET', collections('nosuchaccount'))).toMatchObject({ status: 404, body: { error: { code: 'AccountNotFound' } } });
    expect(await h.call('GET', '/purview/contosopurvieweus/scan/datasources?api-version=2019-11-01-preview')).toMatchObject({
      status: 400,
      body: { error: { code: 'InvalidApiVersion' } },
    });
    expect(await h.call('GET', '/purview/contosopurvieweus/account/collections')).toMatchObject({ status: 400 });
    expect(await h.call('GET', collections('contosopurvieweus'), undefined, { authorization: '' })).toMatchObject({
      status: 401,
      body: { error: { code: 'AuthenticationFailed' } },
    });
  });

  it('fails the data plane of the account whose region is down, not the other', async () => {
    await h.control('POST', '/_sim/regions/eastus/outage');
    expect(await h.call('GET', collections('contosopurvieweus'))).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
    expect(await h.call('GET', scan('contosopurvieweus', 'datasources'))).toMatchObject({ status: 503 });
    expect((await h.call('GET', collections('contosopurviewwus'))).status).toBe(200);
  });
});
