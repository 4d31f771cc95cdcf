/**
 * Microsoft Purview: the ARM accounts (`@azure/arm-purview` 1.1.0 sends api-version 2021-07-01)
 * and the data-plane reads a readiness check compares between the primary and the warm-standby
 * account. Purview has no automated BCDR: the standby must hold the same collections, scan rule
 * sets and data sources, replayed by hand through these APIs, so drift between the two is what
 * there is to find.
 *
 * ARM (throttled, api-version checked):
 *   GET …/providers/Microsoft.Purview/accounts/{account}      200 | 404 ResourceNotFound
 *   GET …/resourceGroups/{rg}/providers/Microsoft.Purview/accounts                       200 { value }
 *   GET /subscriptions/{sub}/providers/Microsoft.Purview/accounts                         200 { value }
 * The account renders as the 2021-07-01 Accounts_Get example does: `properties.endpoints`
 * (`https://{name}.catalog|scan|guardian.purview.azure.com`), `friendlyName`,
 * `provisioningState`, `managedResourceGroupName` and `managedResources` (ids in the managed
 * resource group: a `scan{region}{suffix}` storage account and an `Atlas-{guid}` Event Hubs
 * namespace, derived deterministically from the account id), `createdAt`, `cloudConnectors`,
 * `privateEndpointConnections`.
 *
 * Data plane, mounted at `/purview/{account}` (in Azure `https://{account}.purview.azure.com`;
 * not ARM: no throttling, but `resource` is the account id, so an outage of its region answers
 * 503):
 *   GET /purview/{account}/account/collections?api-version=2019-11-01-preview
 *       200 { value: [{ name, friendlyName, description?, parentCollection?: { type: 'CollectionReference', referenceName },
 *                      collectionProvisioningState }], count }
 *   GET /purview/{account}/datamap/api/atlas/v2/types/typedefs/headers?api-version=2023-09-01
 *       200 [{ category, guid, name }]   (the data map serving reads: built-in Atlas types)
 *   GET /purview/{account}/scan/scanrulesets?api-version=2022-07-01-preview
 *       200 { value: [{ id: 'scanrulesets/{name}', name, kind, scanRulesetType, properties }], count }
 *   GET /purview/{account}/scan/datasources?api-version=2022-07-01-preview
 *       200 { value: [{ id: 'datasources/{name}', name, kind, properties }], count }
 * Control: POST /_sim/purview/{account}/{collections|scanRuleSets|dataSources} `{ name, kind?,
 * properties?, parentCollection? }` registers one more object (201), until the next reset: what
 * an engineer fixing drift does.
 * Their contents come from the estate's `purview:` section, keyed by account name:
 *   purview:
 *     <account>:
 *       collections:  [{ name, friendlyName?, description?, parentCollection?: <collection name> }]
 *       scanRuleSets: [{ name, kind, scanRulesetType?, properties? }]
 *       dataSources:  [{ name, kind, properties? }]   # properties.collection may name a collection
 * The root collection is named after its account (as in Purview) and has no parent; compare
 * accounts on the collections below it. An account without an entry has only its root
 * collection and no rule sets or data sources. Errors: 404 `{ error: { code: 'AccountNotFound' } }`
 * for an unknown account; 400 `{ error: { code: 'InvalidApiVersion' } }` for a missing or
 * unsupported api-version (guessed codes: the service documents none).
 */
import { createHash } from 'node:crypto';
import { armError, envelope, notFound, ok, page } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route, SimResource, SimResponse } from '../types.js';

/** What `@azure/arm-purview` 1.1.0 sends, and the newer stable spec version. */
export const PURVIEW_API_VERSIONS = ['2021-07-01', '2021-12-01'] as const;
/** The account data plane (collections). */
export const PURVIEW_ACCOUNT_DATA_API_VERSIONS = ['2019-11-01-preview'] as const;
/** The data map (Atlas type definitions). */
export const PURVIEW_DATAMAP_API_VERSIONS = ['2023-09-01'] as const;
/** A few of the built-in Atlas types every account's data map lists. */
const ATLAS_TYPE_HEADERS = [
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0001', name: 'DataSet' },
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0002', name: 'Process' },
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0003', name: 'azure_datalake_gen2_path' },
  { category: 'RELATIONSHIP', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0004', name: 'dataset_process_inputs' },
];
/** The scanning data plane (scan rule sets, data sources). */
export const PURVIEW_SCAN_DATA_API_VERSIONS = ['2018-12-01-preview', '2022-02-01-preview', '2022-07-01-preview', '2023-09-01'] as const;

const TYPE = 'Microsoft.Purview/accounts';
const ACCOUNTS_RG = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Purview/accounts';
const ACCOUNT = `${ACCOUNTS_RG}/{account}`;

type Params = Record<string, string>;

interface CollectionSeed {
  name: string;
  friendlyName?: string;
  description?: string;
  parentCollection?: string;
}

interface NamedSeed {
  name: string;
  kind: string;
  scanRulesetType?: string;
  properties?: Record<string, unknown>;
}

interface PurviewSeed {
  collections: CollectionSeed[];
  scanRuleSets: NamedSeed[];
  dataSources: NamedSeed[];
}

const accountId = (p: Params): string => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${TYPE}/${p['account']}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/** The `purview:` entry of one account, validated; empty lists when there is none. */
/** Objects registered through the control API since the last reset, by account (lower case). */
const registered = new WeakMap<Simulator, Map<string, PurviewSeed>>();

function seedOf(sim: Simulator, account: string): PurviewSeed {
  const seeded = estateSeedOf(sim, account);
  const extra = registered.get(sim)?.get(account.toLowerCase());
  if (extra === undefined) return seeded;
  return { collections: [...seeded.collections, ...extra.collections], scanRuleSets: [...seeded.scanRuleSets, ...extra.scanRuleSets], dataSources: [...seeded.dataSources, ...extra.dataSources] };
}

function estateSeedOf(sim: Simulator, account: string): PurviewSeed {
  const section = sim.estateData('purview');
  const entry = isRecord(section) ? Object.entries(section).find(([name]) => name.toLowerCase() === account.toLowerCase())?.[1] : undefined;
  const list = (key: string): Record<string, unknown>[] => {
    const value = isRecord(entry) ? entry[key] : undefined;
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((v) => isRecord(v) && typeof v['name'] === 'string')) {
      throw new Error(`estate purview.${account}.${key} must be a list of mappings with a name`);
    }
    return value as Record<string, unknown>[];
  };
  const named = (key: string): NamedSeed[] =>
    list(key).map((v) => ({
      name: v['name'] as string,
      kind: typeof v['kind'] === 'string' ? v['kind'] : 'AzureStorage',
      ...(typeof v['scanRulesetType'] === 'string' ? { scanRulesetType: v['scanRulesetType'] } : {}),
      ...(isRecord(v['properties']) ? { properties: v['properties'] } : {}),
    }));
  return {
    collections: list('collections').map((v) => ({
      name: v['name'] as string,
      ...(typeof v['friendlyName'] === 'string' ? { friendlyName: v['friendlyName'] } : {}),
      ...(typeof v['description'] === 'string' ? { description: v['description'] } : {}),
      ...(typeof v['parentCollection'] === 'string' ? { parentCollection: v['parentCollection'] } : {}),
    })),
    scanRuleSets: named('scanRuleSets'),
    dataSources: named('dataSources'),
  };
}

/** A short stable suffix for generated names: the same account always gets the same one. */
function suffix(id: string, length: number): string {
  return createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, length);
}

function guidFrom(id: string): string {
  const h = createHash('sha256').update(`guid:${id.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The account as ARM returns it (2021-07-01). */
function renderAccount(r: SimResource): Record<string, unknown> {
  const { created, ...props } = r.properties;
  const sub = r.id.split('/')[2] ?? '';
  const managedRg = typeof props['managedResourceGroupName'] === 'string' ? props['managedResourceGroupName'] : `managed-rg-${suffix(r.id, 7)}`;
  const managedRgId = `/subscriptions/${sub}/resourceGroups/${managedRg}`;
  return {
    ...envelope(r),
    tags: r.tags ?? {},
    properties: {
      cloudConnectors: {},
      friendlyName: r.name,
      publicNetworkAccess: 'Enabled',
      privateEndpointConnections: [],
      ...props,
      ...(typeof created === 'string' ? { createdAt: created } : {}),
      endpoints: {
        catalog: `https://${r.name}.catalog.purview.azure.com`,
        scan: `https://${r.name}.scan.purview.azure.com`,
        guardian: `https://${r.name}.guardian.purview.azure.com`,
      },
      managedResourceGroupName: managedRg,
      managedResources: {
        resourceGroup: managedRgId,
        storageAccount: `${managedRgId}/providers/Microsoft.Storage/storageAccounts/${`scan${r.location}${suffix(r.id, 7)}`.slice(0, 24)}`,
        eventHubNamespace: `${managedRgId}/providers/Microsoft.EventHub/namespaces/Atlas-${guidFrom(r.id)}`,
      },
    },
  };
}

function dataError(status: number, code: string, message: string): SimResponse {
  return armError(status, code, message);
}

export function purviewRoutes(sim: Simulator): Route[] {
  sim.onReset(() => registered.delete(sim));
  const accountByName = (name: string): SimResource | undefined => sim.store.ofType(TYPE).find((r) => r.name.toLowerCase() === name.toLowerCase());
  const inResourceGroup = (p: Params) => {
    const prefix = `/subscriptions/${p['sub']}/resourcegroups/${p['rg']}/`.toLowerCase();
    return sim.store.ofType(TYPE, p['sub']).filter((r) => r.id.toLowerCase().startsWith(prefix));
  };

  const arm = (pattern: string, handle: Route['handle'], resource?: Route['resource']): Route => ({
    method: 'GET',
    pattern,
    operation: `${TYPE}/read`,
    arm: true,
    apiVersions: PURVIEW_API_VERSIONS,
    ...(resource !== undefined ? { resource } : {}),
    handle,
  });

  /** A data-plane read of one account: api-version checked, the account's region decides outages. */
  const dataPlane = (
    path: string,
    operation: string,
    versions: readonly string[],
    list: (account: SimResource, seed: PurviewSeed) => unknown[],
    body: (items: unknown[]) => unknown = (items) => ({ value: items, count: items.length }),
  ): Route => ({
    method: 'GET',
    pattern: `/purview/{account}/${path}`,
    operation,
    arm: false,
    resource: (p) => accountByName(p['account']!)?.id ?? `/purview/${p['account']}`,
    handle: ({ request, params }) => {
      const account = accountByName(params['account']!);
      if (account === undefined) return dataError(404, 'AccountNotFound', `The Purview account '${params['account']}' does not exist.`);
      const version = request.query.get('api-version');
      if (version === null || !versions.includes(version)) {
        return dataError(400, 'InvalidApiVersion', `The api-version '${version ?? ''}' is not supported by ${path}. Supported versions: ${versions.join(', ')}.`);
      }
      return ok(body(list(account, seedOf(sim, account.name))));
    },
  });

  const reference = (name: string) => ({ type: 'CollectionReference', referenceName: name });

  return [
    arm(ACCOUNT, ({ params }) => {
      const r = sim.store.get(accountId(params));
      return r === undefined || r.type !== TYPE ? notFound('Purview account', accountId(params)) : ok(renderAccount(r));
    }, accountId),
    arm(ACCOUNTS_RG, ({ params }) => page(inResourceGroup(params).map(renderAccount))),
    arm('/subscriptions/{sub}/providers/Microsoft.Purview/accounts', ({ params }) => page(sim.store.ofType(TYPE, params['sub']).map(renderAccount))),

    dataPlane('account/collections', 'Microsoft.Purview/accounts/collections/read', PURVIEW_ACCOUNT_DATA_API_VERSIONS, (account, seed) => {
      const collections = seed.collections.some((c) => c.name.toLowerCase() === account.name.toLowerCase())
        ? seed.collections
        : [{ name: account.name }, ...seed.collections];
      return collections.map((c) => ({
        name: c.name,
        friendlyName: c.friendlyName ?? c.name,
        ...(c.description !== undefined ? { description: c.description } : {}),
        ...(c.parentCollection !== undefined ? { parentCollection: reference(c.parentCollection) } : {}),
        collectionProvisioningState: 'Succeeded',
      }));
    }),
    // Control: register an object on an account, as an engineer fixing drift would.
    {
      method: 'POST',
      pattern: '/_sim/purview/{account}/{list}',
      operation: 'Simulator/purview/register',
      arm: false,
      handle: ({ request, params }) => {
        const lists = ['collections', 'scanRuleSets', 'dataSources'] as const;
        const list = lists.find((l) => l.toLowerCase() === params['list']!.toLowerCase());
        if (list === undefined) return dataError(404, 'NotFound', `no list '${params['list']}': use one of ${lists.join(', ')}`);
        if (accountByName(params['account']!) === undefined) return dataError(404, 'AccountNotFound', `The Purview account '${params['account']}' does not exist.`);
        const body = request.body as Record<string, unknown> | undefined;
        if (typeof body?.['name'] !== 'string' || body['name'] === '') return dataError(400, 'InvalidRequest', 'body.name is required: the name of the object to register');
        const byAccount = registered.get(sim) ?? new Map<string, PurviewSeed>();
        registered.set(sim, byAccount);
        const key = params['account']!.toLowerCase();
        const seed = byAccount.get(key) ?? { collections: [], scanRuleSets: [], dataSources: [] };
        byAccount.set(key, seed);
        const properties = typeof body['properties'] === 'object' && body['properties'] !== null ? (body['properties'] as Record<string, unknown>) : undefined;
        if (list === 'collections') {
          seed.collections.push({ name: body['name'], ...(typeof body['parentCollection'] === 'string' ? { parentCollection: body['parentCollection'] } : {}) });
        } else {
          seed[list].push({ name: body['name'], kind: typeof body['kind'] === 'string' ? body['kind'] : 'AzureStorage', ...(properties !== undefined ? { properties } : {}) });
        }
        return ok({ account: params['account'], list, name: body['name'] }, 201);
      },
    },
    // The data map (Atlas) answers with a bare array of type headers: the catalog serving reads.
    dataPlane('datamap/api/atlas/v2/types/typedefs/headers', 'Microsoft.Purview/accounts/datamap/read', PURVIEW_DATAMAP_API_VERSIONS, () => ATLAS_TYPE_HEADERS, (items) => items),
    dataPlane('scan/scanrulesets', 'Microsoft.Purview/accounts/scanrulesets/read', PURVIEW_SCAN_DATA_API_VERSIONS, (_account, seed) =>
      seed.scanRuleSets.map((s) => ({
        id: `scanrulesets/${s.name}`,
        name: s.name,
        kind: s.kind,
        scanRulesetType: s.scanRulesetType ?? 'Custom',
        properties: s.properties ?? {},
      })),
    ),
    dataPlane('scan/datasources', 'Microsoft.Purview/accounts/datasources/read', PURVIEW_SCAN_DATA_API_VERSIONS, (_account, seed) =>
      seed.dataSources.map((d) => {
        const props = d.properties ?? {};
        const collection = props['collection'];
        return {
          id: `datasources/${d.name}`,
          name: d.name,
          kind: d.kind,
          properties: { ...props, ...(typeof collection === 'string' ? { collection: reference(collection) } : {}) },
        };
      }),
    ),
  ];
}
