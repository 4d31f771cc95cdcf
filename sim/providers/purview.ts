/**
 * Microsoft Purview: the ARM accounts (`@azure/arm-purview` 1.1.0 sends api-version 2021-07-01)
 * and the data-plane reads a readiness check compares between the primary and the warm-standby
 * account. Purview has no automated BCDR: the standby must hold the same collections,
 * classifications, classification rules, credentials, data sources, scan rule sets, scans,
 * triggers and glossary terms, recreated by hand through these APIs
 * (https://learn.microsoft.com/purview/disaster-recovery), so drift between the two is what there
 * is to find. What each account holds: ./purview-estate.ts.
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
 * 503). Paths and bodies follow Microsoft's specs (specification/purview/data-plane/…):
 *   account  2019-11-01-preview  Azure.Analytics.Purview.Account: GET account/collections
 *   scanning 2022-07-01-preview  Azure.Analytics.Purview.Scanning/scanningService.json:
 *            GET scan/scanrulesets, scan/datasources, scan/classificationrules, scan/credentials,
 *                scan/datasources/{ds}/scans, scan/datasources/{ds}/scans/{scan}/triggers/default
 *   data map 2023-09-01          Azure.Analytics.Purview.DataMap/purviewdatamap.json:
 *            GET datamap/api/atlas/v2/types/typedefs/headers (Type_ListHeaders),
 *                datamap/api/atlas/v2/types/typedefs?type=CLASSIFICATION (Type_List),
 *                datamap/api/atlas/v2/glossary (Glossary_List),
 *                datamap/api/atlas/v2/glossary/{glossaryId}/terms (Glossary_ListTerms)
 *
 * Access, checked on every data-plane call in this order, as Purview does it: the bearer token
 * must be for Purview's audience (`https://purview.azure.net`; a token for ARM or any other
 * audience answers 401), and the caller (the token's client id or its service principal's
 * object id) must hold, on the account's root collection, a Purview collection role that may
 * read what is asked: Azure RBAC on the account does not reach the data plane
 * (https://learn.microsoft.com/purview/classic-data-governance-permissions). Otherwise 403
 * `Not authorized to access account`, in the plane's error shape: `{ error: { code, message } }`
 * (account and scanning: ErrorResponseModel) or `{ requestId, errorCode, errorMessage }` (the
 * data map: AtlasErrorResponse). Which roles read what (READERS below): collections any role;
 * data sources, scans, triggers, scan rule sets and credentials Data Source Administrator, Data
 * Curator or Data Reader; the catalog's types, glossary and classification rules Data Curator
 * or Data Reader. Then the api-version: 400 `InvalidApiVersion` for a missing or unsupported one
 * (assumed: the service documents no code).
 *
 * Control: POST /_sim/purview/{account}/{list} registers one more object in a list of
 * ./purview-estate.ts (REGISTRABLE; a scan or trigger names its `dataSource`), 201, until the
 * next reset: what an engineer fixing drift does. DELETE
 * /_sim/purview/{account}/roleAssignments/{principal} revokes every role the principal holds
 * there, the estate's included (200 `{ account, principal, revoked: [roles] }`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { armError, envelope, notFound, ok, page } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimResource, SimResponse } from '../types.js';
import { simTokenClaims } from './identity.js';
import { PURVIEW_ROLES, PurviewContents, REGISTRABLE, type PurviewRole, type PurviewSeed } from './purview-estate.js';

/** What `@azure/arm-purview` 1.1.0 sends, and the newer stable spec version. */
export const PURVIEW_API_VERSIONS = ['2021-07-01', '2021-12-01'] as const;
/** The account data plane (collections). */
export const PURVIEW_ACCOUNT_DATA_API_VERSIONS = ['2019-11-01-preview'] as const;
/** The data map (Atlas type definitions, glossary). */
export const PURVIEW_DATAMAP_API_VERSIONS = ['2023-09-01'] as const;
/** The scanning data plane (scan rule sets, data sources, scans, triggers, credentials, classification rules). */
export const PURVIEW_SCAN_DATA_API_VERSIONS = ['2018-12-01-preview', '2022-02-01-preview', '2022-07-01-preview', '2023-09-01'] as const;
/** The audience of every Purview data plane's tokens. */
export const PURVIEW_AUDIENCE = 'https://purview.azure.net';

/** Who may read what, on the root collection (see the header). */
const READERS = {
  collections: PURVIEW_ROLES,
  sources: ['Data Source Administrator', 'Data Curator', 'Data Reader'],
  catalog: ['Data Curator', 'Data Reader'],
} as const satisfies Record<string, readonly PurviewRole[]>;

/**
 * The enum types the data map defines for glossaries, as the Type_ListEnumDefs example of
 * purviewdatamap.json (2023-09-01) lists them: every account has them.
 */
const BUILT_IN_ENUMS = [
  {
    category: 'ENUM',
    guid: '0ddc2fcf-ad17-4d06-984a-ffb2ffb2a941',
    name: 'glossary_term_status_value',
    description: 'glossary_term_status_value',
    typeVersion: '1.0',
    version: 1,
    createdBy: 'admin',
    updatedBy: 'admin',
    createTime: 1604728877305,
    updateTime: 1604728877305,
    lastModifiedTS: '1',
    elementDefs: ['Approved', 'Alert', 'Expired', 'Draft'].map((value, ordinal) => ({ value, ordinal })),
  },
  {
    category: 'ENUM',
    guid: 'c694edf1-6f9e-4b60-b832-23e8d6187675',
    name: 'AtlasGlossaryTermRelationshipStatus',
    description: 'TermRelationshipStatus defines how reliable the relationship is between two glossary terms',
    typeVersion: '1.1',
    serviceType: 'atlas_core',
    version: 2,
    createdBy: 'admin',
    updatedBy: 'admin',
    createTime: 1604728832692,
    updateTime: 1604728905525,
    lastModifiedTS: '2',
    elementDefs: [
      { value: 'DRAFT', description: 'DRAFT means the relationship is under development.', ordinal: 0 },
      { value: 'ACTIVE', description: 'ACTIVE means the relationship is validated and in use.', ordinal: 1 },
      { value: 'DEPRECATED', description: 'DEPRECATED means the the relationship is being phased out.', ordinal: 2 },
      { value: 'OBSOLETE', description: 'OBSOLETE means that the relationship should not be used anymore.', ordinal: 3 },
      { value: 'OTHER', description: 'OTHER means that there is another status.', ordinal: 99 },
    ],
  },
];

/** A few of the built-in Atlas types every account's data map lists, system classifications among them. */
const BUILT_IN_TYPES = [
  ...BUILT_IN_ENUMS,
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0001', name: 'DataSet' },
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0002', name: 'Process' },
  { category: 'ENTITY', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0003', name: 'azure_datalake_gen2_path' },
  { category: 'RELATIONSHIP', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0004', name: 'dataset_process_inputs' },
  { category: 'CLASSIFICATION', guid: '0c9e9c4f-0f34-4b42-9d7c-4b1d1f0e0005', name: 'MICROSOFT.PERSONAL.EMAIL', description: 'Email Address' },
];
/** Type_List's `type` filter values (TypeCategory in purviewdatamap.json). */
const TYPE_CATEGORIES = ['PRIMITIVE', 'OBJECT_ID_TYPE', 'ENUM', 'STRUCT', 'CLASSIFICATION', 'ENTITY', 'ARRAY', 'MAP', 'RELATIONSHIP', 'TERM_TEMPLATE'];

const TYPE = 'Microsoft.Purview/accounts';
const ACCOUNTS_RG = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Purview/accounts';
const ACCOUNT = `${ACCOUNTS_RG}/{account}`;

type Params = Record<string, string>;
/** The data plane's error shape: ErrorResponseModel (account, scanning) or AtlasErrorResponse (data map). */
type Plane = 'account' | 'scan' | 'atlas';

const accountId = (p: Params): string => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${TYPE}/${p['account']}`;

/** A short stable suffix for generated names: the same account always gets the same one. */
function suffix(id: string, length: number): string {
  return createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, length);
}

function guidFrom(id: string): string {
  const h = createHash('sha256').update(`guid:${id.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The account as ARM returns it (2021-07-01). Its spec puts `systemData` in the account's
 * properties (AccountProperties), not beside them as ARM's common types do.
 */
function renderAccount(r: SimResource): Record<string, unknown> {
  const { created, ...props } = r.properties;
  const { systemData, ...resource } = envelope(r);
  const sub = r.id.split('/')[2] ?? '';
  const managedRg = typeof props['managedResourceGroupName'] === 'string' ? props['managedResourceGroupName'] : `managed-rg-${suffix(r.id, 7)}`;
  const managedRgId = `/subscriptions/${sub}/resourceGroups/${managedRg}`;
  return {
    ...resource,
    tags: r.tags ?? {},
    properties: {
      ...(systemData !== undefined ? { systemData } : {}),
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

function dataError(plane: Plane, status: number, code: string, message: string): SimResponse {
  return plane === 'atlas' ? { status, body: { requestId: randomUUID(), errorCode: code, errorMessage: message } } : armError(status, code, message);
}

/**
 * 401 unless the token is for Purview's audience; 403 unless its client (or service principal)
 * holds one of `roles` on the account's root collection. Null when the call may go on.
 */
function refusal(ctx: RouteContext, account: SimResource, seed: PurviewSeed, roles: readonly PurviewRole[], plane: Plane): SimResponse | null {
  const token = (ctx.request.headers['authorization'] ?? '').replace(/^bearer\s+/i, '');
  const claims = simTokenClaims(token);
  const audience = claims?.scope?.replace(/\/\.default$/, '');
  if (audience !== PURVIEW_AUDIENCE) {
    // Assumed wording: the service documents no body for a token of the wrong audience.
    return dataError(plane, 401, 'Unauthorized', `The access token is not for ${PURVIEW_AUDIENCE} (audience '${audience ?? 'unknown'}'): ask for the scope ${PURVIEW_AUDIENCE}/.default.`);
  }
  const principals = [claims?.appid, claims?.oid].filter((p): p is string => typeof p === 'string').map((p) => p.toLowerCase());
  const root = account.name.toLowerCase();
  const granted = seed.roleAssignments.some(
    (a) => principals.includes(a.principal.toLowerCase()) && (a.collection ?? account.name).toLowerCase() === root && roles.includes(a.role),
  );
  // The body Purview answers (observed; https://learn.microsoft.com/answers/questions/5779410/glossary-term).
  return granted ? null : dataError(plane, 403, 'Unauthorized', 'Not authorized to access account');
}

const reference = (name: string) => ({ type: 'CollectionReference', referenceName: name });

/** The types an account's data map lists: the built-in ones and the account's custom classifications. */
function typeDefs(account: SimResource, seed: PurviewSeed) {
  return [
    ...BUILT_IN_TYPES,
    ...seed.classifications.map((c) => ({ category: 'CLASSIFICATION', guid: guidFrom(`${account.id}/classification/${c.name}`), name: c.name, ...(c.description !== undefined ? { description: c.description } : {}) })),
  ];
}

/** The account's glossaries (those its terms name), each with a stable guid. */
function glossaries(account: SimResource, seed: PurviewSeed) {
  const names = [...new Set(seed.glossaryTerms.map((t) => t.glossary))];
  return names.map((name) => ({
    name,
    guid: guidFrom(`${account.id}/glossary/${name}`),
    terms: seed.glossaryTerms.filter((t) => t.glossary === name).map((t) => ({ name: t.name, guid: guidFrom(`${account.id}/glossary/${name}/term/${t.name}`) })),
  }));
}

export function purviewRoutes(sim: Simulator): Route[] {
  const contents = new PurviewContents(sim);
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

  /** A data-plane read of one account: access, then api-version; the account's region decides outages. */
  const dataPlane = (
    path: string,
    operation: string,
    plane: Plane,
    roles: readonly PurviewRole[],
    read: (account: SimResource, seed: PurviewSeed, ctx: RouteContext) => SimResponse,
  ): Route => {
    const versions: readonly string[] = plane === 'account' ? PURVIEW_ACCOUNT_DATA_API_VERSIONS : plane === 'scan' ? PURVIEW_SCAN_DATA_API_VERSIONS : PURVIEW_DATAMAP_API_VERSIONS;
    return {
      method: 'GET',
      pattern: `/purview/{account}/${path}`,
      operation,
      arm: false,
      resource: (p) => accountByName(p['account']!)?.id ?? `/purview/${p['account']}`,
      // The pipeline's refusals (401, 503, injected faults) in this plane's error shape.
      errors: ({ status, code, message, headers }) => ({ ...dataError(plane, status, code, message), ...(headers !== undefined ? { headers } : {}) }),
      handle: (ctx) => {
        const account = accountByName(ctx.params['account']!);
        if (account === undefined) return dataError(plane, 404, 'AccountNotFound', `The Purview account '${ctx.params['account']}' does not exist.`);
        const seed = contents.of(account.name);
        const refused = refusal(ctx, account, seed, roles, plane);
        if (refused !== null) return refused;
        const version = ctx.request.query.get('api-version');
        if (version === null || !versions.includes(version)) {
          return dataError(plane, 400, 'InvalidApiVersion', `The api-version '${version ?? ''}' is not supported by ${path}. Supported versions: ${versions.join(', ')}.`);
        }
        return read(account, seed, ctx);
      },
    };
  };
  const list = (items: unknown[]) => ok({ value: items, count: items.length });
  const dataSourceOf = (seed: PurviewSeed, name: string) => seed.dataSources.find((d) => d.name.toLowerCase() === name.toLowerCase());
  const scanOf = (seed: PurviewSeed, dataSource: string, name: string) =>
    seed.scans.find((s) => s.dataSource.toLowerCase() === dataSource.toLowerCase() && s.name.toLowerCase() === name.toLowerCase());
  const collectionOf = (account: SimResource, dataSource: { properties?: Record<string, unknown> } | undefined) => {
    const c = dataSource?.properties?.['collection'];
    return typeof c === 'string' ? c : account.name;
  };

  return [
    arm(ACCOUNT, ({ params }) => {
      const r = sim.store.get(accountId(params));
      return r === undefined || r.type !== TYPE ? notFound('Purview account', accountId(params)) : ok(renderAccount(r));
    }, accountId),
    arm(ACCOUNTS_RG, ({ params }) => page(inResourceGroup(params).map(renderAccount))),
    arm('/subscriptions/{sub}/providers/Microsoft.Purview/accounts', ({ params }) => page(sim.store.ofType(TYPE, params['sub']).map(renderAccount))),

    dataPlane('account/collections', 'Microsoft.Purview/accounts/collections/read', 'account', READERS.collections, (account, seed) => {
      const collections = seed.collections.some((c) => c.name.toLowerCase() === account.name.toLowerCase()) ? seed.collections : [{ name: account.name }, ...seed.collections];
      return list(
        collections.map((c) => ({
          name: c.name,
          friendlyName: 'friendlyName' in c && c.friendlyName !== undefined ? c.friendlyName : c.name,
          ...('description' in c && c.description !== undefined ? { description: c.description } : {}),
          ...('parentCollection' in c && c.parentCollection !== undefined ? { parentCollection: reference(c.parentCollection) } : {}),
          collectionProvisioningState: 'Succeeded',
        })),
      );
    }),

    // ── the data map (Atlas): bare arrays and AtlasTypesDef, as purviewdatamap.json defines them ──
    dataPlane('datamap/api/atlas/v2/types/typedefs/headers', 'Microsoft.Purview/accounts/datamap/read', 'atlas', READERS.catalog, (account, seed) =>
      ok(typeDefs(account, seed).map((t) => ({ category: t.category, guid: t.guid, name: t.name }))),
    ),
    dataPlane('datamap/api/atlas/v2/types/typedefs', 'Microsoft.Purview/accounts/datamap/typedefs/read', 'atlas', READERS.catalog, (account, seed, { request }) => {
      const type = request.query.get('type');
      if (type !== null && !TYPE_CATEGORIES.includes(type)) return dataError('atlas', 400, 'BadRequest', `type must be one of ${TYPE_CATEGORIES.join(', ')}, got '${type}'`);
      const defs = typeDefs(account, seed).filter((t) => type === null || t.category === type);
      const of = (category: string) =>
        defs
          .filter((t) => t.category === category)
          .map((t) => ({ typeVersion: '1.0', ...t, ...(category === 'CLASSIFICATION' ? { attributeDefs: [], superTypes: [], entityTypes: [], subTypes: [] } : {}) }));
      return ok({ enumDefs: of('ENUM'), structDefs: of('STRUCT'), classificationDefs: of('CLASSIFICATION'), entityDefs: of('ENTITY'), relationshipDefs: of('RELATIONSHIP') });
    }),
    dataPlane('datamap/api/atlas/v2/glossary', 'Microsoft.Purview/accounts/datamap/glossary/read', 'atlas', READERS.catalog, (account, seed, { request }) => {
      const withTerms = request.query.get('ignoreTermsAndCategories') !== 'true';
      return ok(
        glossaries(account, seed).map((g) => ({
          guid: g.guid,
          name: g.name,
          qualifiedName: g.name,
          ...(withTerms ? { terms: g.terms.map((t) => ({ termGuid: t.guid, displayText: t.name })) } : {}),
        })),
      );
    }),
    dataPlane('datamap/api/atlas/v2/glossary/{glossaryId}/terms', 'Microsoft.Purview/accounts/datamap/glossary/read', 'atlas', READERS.catalog, (account, seed, { params }) => {
      const glossary = glossaries(account, seed).find((g) => g.guid === params['glossaryId']);
      // Assumed code: Atlas names its errors ATLAS-<status>-…; the spec gives no value.
      if (glossary === undefined) return dataError('atlas', 404, 'ATLAS-404-00-004', `Glossary with guid ${params['glossaryId']} does not exist`);
      return ok(glossary.terms.map((t) => ({ guid: t.guid, qualifiedName: `${t.name}@${glossary.name}`, name: t.name, status: 'Approved', anchor: { glossaryGuid: glossary.guid } })));
    }),

    // ── scanning: { value, count } lists (ErrorResponseModel errors) ──
    dataPlane('scan/scanrulesets', 'Microsoft.Purview/accounts/scanrulesets/read', 'scan', READERS.sources, (_account, seed) =>
      list(seed.scanRuleSets.map((s) => ({ id: `scanrulesets/${s.name}`, name: s.name, kind: s.kind, scanRulesetType: s.scanRulesetType ?? 'Custom', properties: s.properties ?? {} }))),
    ),
    dataPlane('scan/datasources', 'Microsoft.Purview/accounts/datasources/read', 'scan', READERS.sources, (_account, seed) =>
      list(
        seed.dataSources.map((d) => {
          const props = d.properties ?? {};
          const collection = props['collection'];
          return { id: `datasources/${d.name}`, name: d.name, kind: d.kind, properties: { ...props, ...(typeof collection === 'string' ? { collection: reference(collection) } : {}) } };
        }),
      ),
    ),
    dataPlane('scan/classificationrules', 'Microsoft.Purview/accounts/classificationrules/read', 'scan', READERS.catalog, (_account, seed) =>
      list(
        seed.classificationRules.map((r) => ({
          id: `classificationrules/${r.name}`,
          name: r.name,
          kind: 'Custom',
          properties: { classificationName: r.classificationName, ...(r.description !== undefined ? { description: r.description } : {}), ruleStatus: 'Enabled', classificationAction: 'Keep', minimumPercentageMatch: 60, version: 1, dataPatterns: [], columnPatterns: [] },
        })),
      ),
    ),
    dataPlane('scan/credentials', 'Microsoft.Purview/accounts/credentials/read', 'scan', READERS.sources, (_account, seed) =>
      list(seed.credentials.map((c) => ({ name: c.name, kind: c.kind, properties: c.description !== undefined ? { description: c.description } : {} }))),
    ),
    dataPlane('scan/datasources/{dataSource}/scans', 'Microsoft.Purview/accounts/scans/read', 'scan', READERS.sources, (account, seed, { params }) => {
      const source = dataSourceOf(seed, params['dataSource']!);
      // Assumed code: the spec gives none for an unknown data source.
      if (source === undefined) return dataError('scan', 404, 'NotFound', `The data source '${params['dataSource']}' does not exist.`);
      return list(
        seed.scans
          .filter((s) => s.dataSource.toLowerCase() === source.name.toLowerCase())
          .map((s) => ({
            id: `datasources/${source.name}/scans/${s.name}`,
            name: s.name,
            kind: s.kind,
            properties: { ...(s.scanRulesetName !== undefined ? { scanRulesetName: s.scanRulesetName, scanRulesetType: 'Custom' } : {}), collection: reference(collectionOf(account, source)) },
          })),
      );
    }),
    dataPlane('scan/datasources/{dataSource}/scans/{scan}/triggers/default', 'Microsoft.Purview/accounts/triggers/read', 'scan', READERS.sources, (_account, seed, { params }) => {
      const scan = scanOf(seed, params['dataSource']!, params['scan']!);
      const trigger = seed.triggers.find((t) => scan !== undefined && t.dataSource.toLowerCase() === scan.dataSource.toLowerCase() && t.scan.toLowerCase() === scan.name.toLowerCase());
      if (scan === undefined || trigger === undefined) {
        return dataError('scan', 404, 'NotFound', `The scan '${params['scan']}' of data source '${params['dataSource']}' has no trigger.`);
      }
      const at = new Date(sim.clock.now()).toISOString();
      return ok({
        id: `datasources/${scan.dataSource}/scans/${scan.name}/triggers/default`,
        name: 'default',
        properties: { recurrence: { frequency: trigger.frequency, interval: trigger.interval, startTime: at }, createdAt: at, lastModifiedAt: at, scanLevel: 'Incremental' },
      });
    }),

    // Control: register an object on an account, as an engineer fixing drift would.
    {
      method: 'POST',
      pattern: '/_sim/purview/{account}/{list}',
      operation: 'Simulator/purview/register',
      arm: false,
      handle: ({ request, params }) => {
        const which = REGISTRABLE.find((l) => l.toLowerCase() === params['list']!.toLowerCase());
        if (which === undefined) return armError(404, 'NotFound', `no list '${params['list']}': use one of ${REGISTRABLE.join(', ')}`);
        const account = accountByName(params['account']!);
        if (account === undefined) return armError(404, 'AccountNotFound', `The Purview account '${params['account']}' does not exist.`);
        const body = request.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return armError(400, 'InvalidRequest', `body must be one ${which} entry as a JSON object`);
        try {
          contents.register(account.name, which, body as Record<string, unknown>);
        } catch (err) {
          return armError(400, 'InvalidRequest', (err as Error).message);
        }
        return ok({ account: account.name, list: which, entry: body }, 201);
      },
    },
    {
      method: 'DELETE',
      pattern: '/_sim/purview/{account}/roleAssignments/{principal}',
      operation: 'Simulator/purview/revoke',
      arm: false,
      handle: ({ params }) => {
        const account = accountByName(params['account']!);
        if (account === undefined) return armError(404, 'AccountNotFound', `The Purview account '${params['account']}' does not exist.`);
        return ok({ account: account.name, principal: params['principal'], revoked: contents.revoke(account.name, params['principal']!) });
      },
    },
  ];
}
