/**
 * Microsoft Purview: the ARM accounts through `@azure/arm-purview`; the data-plane reads a
 * readiness check compares, for every artifact kind of the continuity guide; and the data
 * plane's access rules (a token for Purview's audience, a collection role on the root
 * collection), through raw calls and through the app's own client and drift comparison.
 */
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PurviewAccessDenied } from '../../lib/azure/purview-data.js';
import type { PurviewPlaybook } from '../../lib/catalog/types.js';
import { MissingCollectionRole, missingObjects, purviewDrift } from '../../lib/playbooks/purview/steps.js';
import { servicePrincipalIdFor, simToken } from '../../sim/providers/identity.js';
import { addEntry, type PurviewSeed } from '../../sim/providers/purview-estate.js';
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
    expect(res).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
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

/** A token for Purview's audience, as the token endpoint issues one to the client `tests`. */
const PURVIEW = { authorization: `Bearer ${simToken('tests', 'https://purview.azure.net/.default')}` };
const EUS = 'contosopurvieweus';
const WUS = 'contosopurviewwus';
const grant = (account: string, role: string, principal = 'tests', collection?: string) =>
  h.control('POST', `/_sim/purview/${account}/roleAssignments`, { principal, role, ...(collection !== undefined ? { collection } : {}) });

describe('Purview data plane', () => {
  const collections = (account: string) => `/purview/${account}/account/collections?api-version=2019-11-01-preview`;
  const scan = (account: string, what: string) => `/purview/${account}/scan/${what}${what.includes('?') ? '&' : '?'}api-version=2022-07-01-preview`;
  const datamap = (account: string, what: string) => `/purview/${account}/datamap/api/atlas/v2/${what}${what.includes('?') ? '&' : '?'}api-version=2023-09-01`;
  const get = (path: string) => h.call('GET', path, undefined, PURVIEW);
  beforeEach(async () => {
    expect((await grant(EUS, 'Data Reader')).status).toBe(201);
    expect((await grant(WUS, 'Data Reader')).status).toBe(201);
  });

  it('lists the collections of an account, root first', async () => {
    const res = await get(collections(EUS));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      count: 3,
      value: [
        { name: EUS, friendlyName: EUS, collectionProvisioningState: 'Succeeded' },
        {
          name: 'sales',
          friendlyName: 'Sales',
          description: 'Sales data estate',
          parentCollection: { type: 'CollectionReference', referenceName: EUS },
          collectionProvisioningState: 'Succeeded',
        },
        {
          name: 'finance',
          friendlyName: 'Finance',
          description: 'Ledgers and forecasts',
          parentCollection: { type: 'CollectionReference', referenceName: EUS },
          collectionProvisioningState: 'Succeeded',
        },
      ],
    });
  });

  it('lists scan rule sets and data sources, and the standby lacks one data source', async () => {
    const rules = await get(scan(EUS, 'scanrulesets'));
    expect(rules.status).toBe(200);
    expect(rules.body).toMatchObject({
      count: 2,
      value: [
        { id: 'scanrulesets/sales-lake-rules', name: 'sales-lake-rules', kind: 'AdlsGen2', scanRulesetType: 'Custom', properties: { scanningRule: { fileExtensions: ['CSV', 'PARQUET'] } } },
        { id: 'scanrulesets/finance-sql-rules', name: 'finance-sql-rules', kind: 'AzureSqlDatabase', scanRulesetType: 'Custom' },
      ],
    });
    const primary = await get(scan(EUS, 'datasources'));
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
    const standby = await get(scan(WUS, 'datasources'));
    expect((standby.body as { value: Array<{ name: string }> }).value.map((d) => d.name)).toEqual(['sales-lake']);
    expect(((await get(scan(WUS, 'scanrulesets'))).body as { count: number }).count).toBe(2);
  });

  it('lists classification rules and credentials as the scanning spec does', async () => {
    expect((await get(scan(EUS, 'classificationrules'))).body).toEqual({
      count: 1,
      value: [
        {
          id: 'classificationrules/ledger-code',
          name: 'ledger-code',
          kind: 'Custom',
          properties: {
            classificationName: 'CONTOSO.FINANCE.LEDGER_CODE',
            description: 'Six digits and a cost-centre suffix',
            ruleStatus: 'Enabled',
            classificationAction: 'Keep',
            minimumPercentageMatch: 60,
            version: 1,
            dataPatterns: [],
            columnPatterns: [],
          },
        },
      ],
    });
    expect((await get(scan(EUS, 'credentials'))).body).toEqual({
      count: 1,
      value: [{ name: 'finance-sql-login', kind: 'SqlAuth', properties: { description: 'Scanner login for the finance database' } }],
    });
  });

  it("lists a data source's scans and answers a scan's trigger, 404 for what is not there", async () => {
    expect((await get(scan(EUS, 'datasources/finance-sql/scans'))).body).toEqual({
      count: 1,
      value: [
        {
          id: 'datasources/finance-sql/scans/nightly-ledgers',
          name: 'nightly-ledgers',
          kind: 'AzureSqlDatabaseCredential',
          properties: { scanRulesetName: 'finance-sql-rules', scanRulesetType: 'Custom', collection: { type: 'CollectionReference', referenceName: 'finance' } },
        },
      ],
    });
    const trigger = await get(scan(EUS, 'datasources/finance-sql/scans/nightly-ledgers/triggers/default'));
    expect(trigger.status).toBe(200);
    expect(trigger.body).toMatchObject({
      id: 'datasources/finance-sql/scans/nightly-ledgers/triggers/default',
      name: 'default',
      properties: { recurrence: { frequency: 'Week', interval: 1 }, scanLevel: 'Incremental' },
    });
    expect(await get(scan(WUS, 'datasources/finance-sql/scans'))).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    expect(await get(scan(WUS, 'datasources/finance-sql/scans/nightly-ledgers/triggers/default'))).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    // A scan registered without a schedule has no trigger.
    expect((await h.control('POST', `/_sim/purview/${WUS}/scans`, { dataSource: 'sales-lake', name: 'adhoc', kind: 'AdlsGen2Msi' })).status).toBe(201);
    expect((await get(scan(WUS, 'datasources/sales-lake/scans/adhoc/triggers/default'))).status).toBe(404);
    expect((await get(scan(WUS, 'datasources/sales-lake/scans/weekly-lake/triggers/default'))).status).toBe(200);
  });

  it('lists classification type definitions, type headers, glossaries and their terms (data map)', async () => {
    const types = await get(datamap(EUS, 'types/typedefs?type=CLASSIFICATION'));
    expect(types.status).toBe(200);
    const defs = types.body as Record<string, Array<{ name: string; category: string }>>;
    expect(Object.keys(defs).sort()).toEqual(['classificationDefs', 'entityDefs', 'enumDefs', 'relationshipDefs', 'structDefs']);
    expect(defs['classificationDefs']!.map((d) => d.name)).toEqual(['MICROSOFT.PERSONAL.EMAIL', 'CONTOSO.FINANCE.LEDGER_CODE']);
    expect(defs['classificationDefs']![1]).toMatchObject({ category: 'CLASSIFICATION', description: 'Contoso general-ledger account code', typeVersion: '1.0', attributeDefs: [], superTypes: [] });
    expect(defs['entityDefs']).toEqual([]);
    expect(await get(datamap(EUS, 'types/typedefs?type=classification'))).toMatchObject({ status: 400, body: { errorCode: 'BadRequest' } });
    const headers = (await get(datamap(EUS, 'types/typedefs/headers'))).body as Array<{ name: string; category: string }>;
    expect(headers.filter((t) => t.category === 'CLASSIFICATION').map((t) => t.name)).toEqual(['MICROSOFT.PERSONAL.EMAIL', 'CONTOSO.FINANCE.LEDGER_CODE']);
    expect(headers).toHaveLength(8);
    // The glossary enums every data map defines (the spec's Type_ListEnumDefs example).
    const enums = (await get(datamap(EUS, 'types/typedefs?type=ENUM'))).body as Record<string, Array<{ name: string; elementDefs: Array<{ value: string }> }>>;
    expect(enums['enumDefs']!.map((d) => [d.name, d.elementDefs.map((e) => e.value)])).toEqual([
      ['glossary_term_status_value', ['Approved', 'Alert', 'Expired', 'Draft']],
      ['AtlasGlossaryTermRelationshipStatus', ['DRAFT', 'ACTIVE', 'DEPRECATED', 'OBSOLETE', 'OTHER']],
    ]);

    const glossaries = (await get(datamap(EUS, 'glossary'))).body as Array<{ guid: string; name: string; terms: Array<{ displayText: string }> }>;
    expect(glossaries.map((g) => [g.name, g.terms.map((t) => t.displayText)])).toEqual([['Glossary', ['Gross Margin', 'Net Revenue']]]);
    expect(((await get(datamap(EUS, 'glossary?ignoreTermsAndCategories=true'))).body as object[])[0]).not.toHaveProperty('terms');
    const terms = (await get(datamap(EUS, `glossary/${glossaries[0]!.guid}/terms`))).body as Array<Record<string, unknown>>;
    expect(terms.map((t) => [t['name'], t['qualifiedName'], t['status'], t['anchor']])).toEqual([
      ['Gross Margin', 'Gross Margin@Glossary', 'Approved', { glossaryGuid: glossaries[0]!.guid }],
      ['Net Revenue', 'Net Revenue@Glossary', 'Approved', { glossaryGuid: glossaries[0]!.guid }],
    ]);
    expect(await get(datamap(EUS, 'glossary/00000000-0000-0000-0000-000000000000/terms'))).toMatchObject({ status: 404, body: { errorCode: 'ATLAS-404-00-004' } });
  });

  it('answers 404 for an unknown account and 400 for a bad api-version, in each plane\'s error shape', async () => {
    expect(await get(collections('nosuchaccount'))).toMatchObject({ status: 404, body: { error: { code: 'AccountNotFound' } } });
    expect(await get(`/purview/${EUS}/scan/datasources?api-version=2019-11-01-preview`)).toMatchObject({ status: 400, body: { error: { code: 'InvalidApiVersion' } } });
    expect(await get(`/purview/${EUS}/account/collections`)).toMatchObject({ status: 400 });
    const atlas = await get(`/purview/${EUS}/datamap/api/atlas/v2/glossary?api-version=2022-07-01-preview`);
    expect(atlas.status).toBe(400);
    expect(Object.keys(atlas.body as object).sort()).toEqual(['errorCode', 'errorMessage', 'requestId']);
  });

  it('fails the data plane of the account whose region is down, not the other', async () => {
    await h.control('POST', '/_sim/regions/eastus/outage');
    expect(await get(collections(EUS))).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
    expect(await get(scan(EUS, 'datasources'))).toMatchObject({ status: 503 });
    expect((await get(collections(WUS))).status).toBe(200);
  });
});

describe('Purview data-plane access', () => {
  const collections = `/purview/${EUS}/account/collections?api-version=2019-11-01-preview`;
  const dataSources = `/purview/${EUS}/scan/datasources?api-version=2022-07-01-preview`;
  const glossary = `/purview/${EUS}/datamap/api/atlas/v2/glossary?api-version=2023-09-01`;
  const denied = { status: 403, body: { error: { code: 'Unauthorized', message: 'Not authorized to access account' } } };

  it('refuses without a bearer token, and a token for another audience (ARM) with 401', async () => {
    await grant(EUS, 'Data Reader');
    expect(await h.call('GET', collections, undefined, { authorization: '' })).toMatchObject({ status: 401, body: { error: { code: 'AuthenticationFailed' } } });
    // The harness's own token is an ARM caller's: no Purview audience.
    expect(await h.call('GET', collections)).toMatchObject({ status: 401, body: { error: { code: 'Unauthorized' } } });
    const arm = { authorization: `Bearer ${simToken('tests', 'https://management.azure.com/.default')}` };
    const refused = await h.call('GET', glossary, undefined, arm);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ errorCode: 'Unauthorized', errorMessage: expect.stringContaining("audience 'https://management.azure.com'") });
  });

  it('refuses a caller with no collection role with 403 Not authorized to access account, in each plane\'s shape', async () => {
    expect(await h.call('GET', collections, undefined, PURVIEW)).toMatchObject(denied);
    expect(await h.call('GET', dataSources, undefined, PURVIEW)).toMatchObject(denied);
    const atlas = await h.call('GET', glossary, undefined, PURVIEW);
    expect(atlas.status).toBe(403);
    expect(atlas.body).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), errorCode: 'Unauthorized', errorMessage: 'Not authorized to access account' });
    // A role on the other account, or on a collection below the root, does not open account-wide lists.
    await grant(WUS, 'Data Reader');
    await grant(EUS, 'Data Reader', 'tests', 'sales');
    expect(await h.call('GET', collections, undefined, PURVIEW)).toMatchObject(denied);
  });

  it('lets each role read what Purview lets it read', async () => {
    await grant(EUS, 'Collection Administrator');
    expect((await h.call('GET', collections, undefined, PURVIEW)).status).toBe(200);
    expect(await h.call('GET', dataSources, undefined, PURVIEW)).toMatchObject(denied);
    await grant(EUS, 'Data Source Administrator');
    expect((await h.call('GET', dataSources, undefined, PURVIEW)).status).toBe(200);
    expect((await h.call('GET', glossary, undefined, PURVIEW)).status).toBe(403);
    await grant(EUS, 'Data Curator');
    expect((await h.call('GET', glossary, undefined, PURVIEW)).status).toBe(200);
  });

  it('matches a grant to the service principal object id the token endpoint puts in the token, and a revocation ends it', async () => {
    await grant(EUS, 'Data Reader', servicePrincipalIdFor('simulated-tenant', 'tests'));
    const data = h.clients.purviewData(EUS);
    expect((await data.listCollections()).map((c) => c.name)).toEqual([EUS, 'sales', 'finance']);
    expect(await data.identity()).toEqual({ clientId: 'tests', objectId: servicePrincipalIdFor('simulated-tenant', 'tests') });
    expect((await h.call('DELETE', `/_sim/purview/${EUS}/roleAssignments/${servicePrincipalIdFor('simulated-tenant', 'tests')}`)).body).toEqual({
      account: EUS,
      principal: servicePrincipalIdFor('simulated-tenant', 'tests'),
      revoked: ['Data Reader'],
    });
    const err = await data.listCollections().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PurviewAccessDenied);
    expect(err).toMatchObject({ read: 'collections', role: 'Data Reader', message: 'Purview refused to list collections (403: Not authorized to access account)' });
  });

  it("revokes the estate's own grants too: the app's identity loses its Data Reader role", async () => {
    const app = { authorization: `Bearer ${simToken('failover-orchestrator', 'https://purview.azure.net/.default')}` };
    expect((await h.call('GET', collections, undefined, app)).status).toBe(200);
    expect(await h.call('DELETE', `/_sim/purview/${EUS}/roleAssignments/failover-orchestrator`)).toMatchObject({ status: 200, body: { revoked: ['Data Reader'] } });
    expect(await h.call('GET', collections, undefined, app)).toMatchObject(denied);
  });

  it('refuses a role assignment that names no Purview role, naming the field', async () => {
    expect(await grant(EUS, 'Reader')).toEqual({
      status: 400,
      body: { error: { code: 'InvalidRequest', message: "body.role must be one of Collection Administrator, Data Source Administrator, Data Curator, Data Reader, got 'Reader'" } },
    });
    expect(await h.control('POST', `/_sim/purview/${EUS}/scans`, { name: 'x', kind: 'AdlsGen2Msi' })).toMatchObject({
      status: 400,
      body: { error: { message: 'body.dataSource must be a non-empty string' } },
    });
  });

  it('reads estate entries strictly, naming the field that is wrong', () => {
    const seed = (): PurviewSeed => ({ roleAssignments: [], collections: [], classifications: [], classificationRules: [], credentials: [], scanRuleSets: [], dataSources: [], scans: [], triggers: [], glossaryTerms: [] });
    expect(() => addEntry(seed(), 'dataSources', { name: 'lake', kind: 'AdlsGen2', scans: [{ name: 'weekly', kind: 'AdlsGen2Msi', trigger: { frequency: 'Day', interval: 1 } }] }, 'estate purview.a.dataSources[0]')).toThrow(
      'estate purview.a.dataSources[0].scans[0].trigger.frequency must be Week or Month, got \'Day\'',
    );
    expect(() => addEntry(seed(), 'classificationRules', { name: 'r' }, 'estate purview.a.classificationRules[0]')).toThrow('estate purview.a.classificationRules[0].classificationName must be a non-empty string');
    const ok = seed();
    addEntry(ok, 'dataSources', { name: 'lake', kind: 'AdlsGen2', scans: [{ name: 'weekly', kind: 'AdlsGen2Msi', trigger: { frequency: 'Week', interval: 2 } }] }, 'x');
    expect(ok.scans).toEqual([{ dataSource: 'lake', name: 'weekly', kind: 'AdlsGen2Msi' }]);
    expect(ok.triggers).toEqual([{ dataSource: 'lake', scan: 'weekly', frequency: 'Week', interval: 2 }]);
  });
});

describe('Purview drift, through the app client', () => {
  const readiness: PurviewPlaybook['readiness'] = {
    collections: ['sales', 'finance'],
    classifications: ['CONTOSO.FINANCE.LEDGER_CODE'],
    classificationRules: ['ledger-code'],
    credentials: ['finance-sql-login'],
    dataSources: ['sales-lake', 'finance-sql'],
    scanRuleSets: ['sales-lake-rules', 'finance-sql-rules'],
    scans: ['sales-lake/weekly-lake', 'finance-sql/nightly-ledgers'],
    triggers: ['sales-lake/weekly-lake', 'finance-sql/nightly-ledgers'],
    glossaryTerms: ['Gross Margin', 'Net Revenue'],
  };
  const playbook: PurviewPlaybook = { kind: 'purview', activeAccountKey: 'purview:activeAccount', readiness, integrationRuntimes: [] };

  it('names each missing object by kind: the primary holds all, the standby lacks a data source, its scan and trigger, and a term', async () => {
    await grant(EUS, 'Data Reader');
    await grant(WUS, 'Data Reader');
    const primary = await purviewDrift(playbook, EUS, h.clients.purviewData(EUS));
    expect(primary).toMatchObject({ complete: true, summary: `${EUS} holds everything the catalog requires` });
    const standby = await purviewDrift(playbook, WUS, h.clients.purviewData(WUS));
    expect(standby.missing).toEqual({
      collections: [],
      classifications: [],
      classificationRules: [],
      credentials: [],
      dataSources: ['finance-sql'],
      scanRuleSets: [],
      scans: ['finance-sql/nightly-ledgers'],
      triggers: ['finance-sql/nightly-ledgers'],
      glossaryTerms: ['Net Revenue'],
    });
    expect(standby.summary).toBe(`${WUS} lacks data sources finance-sql; scans finance-sql/nightly-ledgers; scan triggers finance-sql/nightly-ledgers; glossary terms Net Revenue`);
    expect(missingObjects(standby)).toEqual(['data source finance-sql', 'scan finance-sql/nightly-ledgers', 'scan trigger finance-sql/nightly-ledgers', 'glossary term Net Revenue']);
  });

  it('finds a scan whose trigger was never recreated, and a missing classification, rule and credential', async () => {
    await grant(WUS, 'Data Reader');
    // The engineer recreated the scan on the standby, but not its schedule.
    await h.control('POST', `/_sim/purview/${WUS}/dataSources`, { name: 'finance-sql', kind: 'AzureSqlDatabase', scans: [{ name: 'nightly-ledgers', kind: 'AzureSqlDatabaseCredential' }] });
    const wanted = { ...readiness, classifications: ['CONTOSO.FINANCE.COST_CENTRE'], classificationRules: ['cost-centre'], credentials: ['lake-reader'] };
    const drift = await purviewDrift({ ...playbook, readiness: wanted }, WUS, h.clients.purviewData(WUS));
    expect(missingObjects(drift)).toEqual([
      'classification CONTOSO.FINANCE.COST_CENTRE',
      'classification rule cost-centre',
      'credential lake-reader',
      'scan trigger finance-sql/nightly-ledgers',
      'glossary term Net Revenue',
    ]);
  });

  it('reports a 403 as the missing collection role, naming the role, the collection and the identity', async () => {
    const err = await purviewDrift(playbook, WUS, h.clients.purviewData(WUS)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingCollectionRole);
    const role = err as MissingCollectionRole;
    expect(role.reason).toBe('PurviewRoleMissing');
    expect(role.message).toMatch(
      new RegExp(
        `^${WUS} refused to list [a-z ]+ to this app \\(client id tests, object id ${servicePrincipalIdFor('simulated-tenant', 'tests')}\\): grant it the Purview collection role Data Reader on the root collection ${WUS} \\(Data Map > Collections > ${WUS} > Role assignments\\); Azure RBAC on the account does not reach Purview's data plane$`,
      ),
    );
  });
});
