/**
 * The Microsoft Purview data-plane reads the warm-standby playbook and its readiness check make:
 * an account's collections (account data plane, api-version 2019-11-01-preview), scan rule sets
 * and data sources (scanning data plane, 2022-07-01-preview), and the data map's type headers
 * (2023-09-01), which show the catalog serving reads. No JS SDK covers these for the
 * versions in use: a small typed client over the shared JSON client, with the data plane's own
 * token scope and `nextLink` followed to the end of each list.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClientOptions } from '@azure/core-client';
import { JsonServiceClient } from './json-client.js';

/** The token audience of every Purview data plane. */
export const PURVIEW_SCOPE = 'https://purview.azure.net/.default';

const ACCOUNT_API = '2019-11-01-preview';
const SCAN_API = '2022-07-01-preview';
const DATAMAP_API = '2023-09-01';

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

/** A type the data map knows (`DataSet`, `Process`, …). */
export interface AtlasTypeHeader {
  category?: string;
  guid?: string;
  name: string;
}

export class PurviewDataClient extends JsonServiceClient {
  /** `endpoint`: the account's data-plane root (`https://{account}.purview.azure.com`). */
  constructor(credential: TokenCredential, endpoint: string, options: ServiceClientOptions = {}) {
    super({ credential, scope: PURVIEW_SCOPE }, endpoint, options);
  }

  listCollections(): Promise<PurviewCollection[]> {
    return this.pages<PurviewCollection>(`/account/collections?api-version=${ACCOUNT_API}`, 'nextLink');
  }

  listScanRuleSets(): Promise<PurviewScanRuleSet[]> {
    return this.pages<PurviewScanRuleSet>(`/scan/scanrulesets?api-version=${SCAN_API}`, 'nextLink');
  }

  listDataSources(): Promise<PurviewDataSource[]> {
    return this.pages<PurviewDataSource>(`/scan/datasources?api-version=${SCAN_API}`, 'nextLink');
  }

  /** The data map's type headers: the cheapest read that shows the catalog serving. */
  listTypeHeaders(): Promise<AtlasTypeHeader[]> {
    return this.call<AtlasTypeHeader[]>('GET', `/datamap/api/atlas/v2/types/typedefs/headers?api-version=${DATAMAP_API}`);
  }
}
