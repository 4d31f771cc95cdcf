/**
 * The Microsoft Purview data-plane reads the warm-standby playbook and its readiness check make,
 * one per artifact kind Microsoft's continuity guide says a standby must carry
 * (https://learn.microsoft.com/purview/disaster-recovery):
 *   account data plane 2019-11-01-preview: collections;
 *   scanning 2022-07-01-preview: scan rule sets, data sources, classification rules,
 *     credentials, a data source's scans, a scan's trigger (`triggers/default`);
 *   data map 2023-09-01: classification type definitions (Type_List, type=CLASSIFICATION),
 *     glossaries and their terms (Glossary_List, Glossary_ListTerms), and the type headers
 *     (Type_ListHeaders), which show the catalog serving reads.
 * No JS SDK covers these for the versions in use: a small typed client over the shared JSON
 * client, with the data plane's own token scope and `nextLink` followed to the end of each list.
 *
 * Purview's data plane answers only callers holding a Purview collection role (Azure RBAC on the
 * account does not reach it): a 403 becomes PurviewAccessDenied, naming what was read and the
 * role that reads it, so callers can tell on-call which role to grant to which identity.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClientOptions } from '@azure/core-client';
import { JsonServiceClient } from './json-client.js';
import { tokenIdentity, type TokenIdentity } from './token-identity.js';

/** The token audience of every Purview data plane. */
export const PURVIEW_SCOPE = 'https://purview.azure.net/.default';

const ACCOUNT_API = '2019-11-01-preview';
const SCAN_API = '2022-07-01-preview';
const DATAMAP_API = '2023-09-01';

/**
 * The role to grant for everything this client reads: Data Reader gives read-only access to
 * collections, classifications, classification rules and glossary terms
 * (https://learn.microsoft.com/purview/classic-data-governance-permissions). Microsoft documents
 * data sources and scans under Data Source Administrator and publishes no per-API table; reading
 * them with Data Reader is assumed (sim/providers/purview.ts models it so).
 */
const PURVIEW_READ_ROLE = 'Data Reader';

/** A read Purview refused (403): the caller holds no collection role that allows it. */
export class PurviewAccessDenied extends Error {
  constructor(
    /** What was being read: `collections`, `glossary terms`, … */
    readonly read: string,
    /** The role to grant on the root collection. */
    readonly role: string,
    detail: string,
  ) {
    super(`Purview refused to list ${read} (403: ${detail})`);
    this.name = 'PurviewAccessDenied';
  }
}

export interface PurviewCollection {
  name: string;
  friendlyName?: string;
  description?: string;
  parentCollection?: { referenceName?: string };
}

export interface PurviewScanRuleSet {
  name: string;
  kind?: string;
  scanRulesetType?: string;
}

export interface PurviewDataSource {
  name: string;
  kind?: string;
  properties?: { collection?: { referenceName?: string } };
}

/** A scanning object known by its name: a classification rule, a credential, a scan. */
export interface PurviewNamed {
  name: string;
  kind?: string;
}

/** A type the data map knows (`DataSet`, `Process`, a classification, …). */
export interface AtlasTypeHeader {
  category?: string;
  guid?: string;
  name: string;
}

export interface GlossaryTerm {
  name: string;
  glossary: string;
}

export class PurviewDataClient extends JsonServiceClient {
  /** `endpoint`: the account's data-plane root (`https://{account}.purview.azure.com`). */
  constructor(
    private readonly credential: TokenCredential,
    endpoint: string,
    options: ServiceClientOptions = {},
  ) {
    super({ credential, scope: PURVIEW_SCOPE }, endpoint, options);
  }

  /** The client id and object id the data plane sees this app as: what a role is granted to. */
  identity(): Promise<TokenIdentity> {
    return tokenIdentity(this.credential, PURVIEW_SCOPE);
  }

  listCollections(): Promise<PurviewCollection[]> {
    return this.read('collections', () => this.pages<PurviewCollection>(`/account/collections?api-version=${ACCOUNT_API}`, 'nextLink'));
  }

  listScanRuleSets(): Promise<PurviewScanRuleSet[]> {
    return this.read('scan rule sets', () => this.pages<PurviewScanRuleSet>(`/scan/scanrulesets?api-version=${SCAN_API}`, 'nextLink'));
  }

  listDataSources(): Promise<PurviewDataSource[]> {
    return this.read('data sources', () => this.pages<PurviewDataSource>(`/scan/datasources?api-version=${SCAN_API}`, 'nextLink'));
  }

  listClassificationRules(): Promise<PurviewNamed[]> {
    return this.read('classification rules', () => this.pages<PurviewNamed>(`/scan/classificationrules?api-version=${SCAN_API}`, 'nextLink'));
  }

  listCredentials(): Promise<PurviewNamed[]> {
    return this.read('credentials', () => this.pages<PurviewNamed>(`/scan/credentials?api-version=${SCAN_API}`, 'nextLink'));
  }

  /** The scans of one data source; null when the data source does not exist (404). */
  listScans(dataSource: string): Promise<PurviewNamed[] | null> {
    return this.read('scans', () => orNull(this.pages<PurviewNamed>(`/scan/datasources/${encodeURIComponent(dataSource)}/scans?api-version=${SCAN_API}`, 'nextLink')));
  }

  /** Whether the scan has a schedule (its `default` trigger); false when it has none (404). */
  async hasTrigger(dataSource: string, scan: string): Promise<boolean> {
    const path = `/scan/datasources/${encodeURIComponent(dataSource)}/scans/${encodeURIComponent(scan)}/triggers/default?api-version=${SCAN_API}`;
    return (await this.read('triggers', () => orNull(this.call<unknown>('GET', path)))) !== null;
  }

  /** The custom and system classifications the data map defines (their type definitions). */
  async listClassificationDefs(): Promise<AtlasTypeHeader[]> {
    const defs = await this.read('classifications', () => this.call<{ classificationDefs?: AtlasTypeHeader[] }>('GET', `/datamap/api/atlas/v2/types/typedefs?api-version=${DATAMAP_API}&type=CLASSIFICATION`));
    return defs.classificationDefs ?? [];
  }

  /** Every glossary's terms: the glossaries without their terms, then each glossary's terms, as the spec recommends. */
  listGlossaryTerms(): Promise<GlossaryTerm[]> {
    return this.read('glossary terms', async () => {
      const glossaries = await this.call<Array<{ guid?: string; name?: string }>>('GET', `/datamap/api/atlas/v2/glossary?api-version=${DATAMAP_API}&ignoreTermsAndCategories=true`);
      const terms = await Promise.all(
        glossaries
          .filter((g): g is { guid: string; name?: string } => typeof g.guid === 'string')
          .map(async (g) => {
            const listed = await this.call<Array<{ name?: string }>>('GET', `/datamap/api/atlas/v2/glossary/${encodeURIComponent(g.guid)}/terms?api-version=${DATAMAP_API}`);
            return listed.filter((t): t is { name: string } => typeof t.name === 'string').map((t) => ({ name: t.name, glossary: g.name ?? g.guid }));
          }),
      );
      return terms.flat();
    });
  }

  /** The data map's type headers: the cheapest read that shows the catalog serving. */
  listTypeHeaders(): Promise<AtlasTypeHeader[]> {
    return this.read('catalog types', () => this.call<AtlasTypeHeader[]>('GET', `/datamap/api/atlas/v2/types/typedefs/headers?api-version=${DATAMAP_API}`));
  }

  /** A read whose 403 says which role is missing, rather than only that something was refused. */
  private async read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 403) throw new PurviewAccessDenied(what, PURVIEW_READ_ROLE, (err as Error).message);
      throw err;
    }
  }
}

/** The answer, or null for a 404 (the thing asked about is not there). */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}
