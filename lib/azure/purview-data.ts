/**
 * The Microsoft Purview data-plane reads the warm-standby playbook and its readiness check make:
 * an account's collections (account data plane, api-version 2019-11-01-preview), scan rule sets
 * and data sources (scanning data plane, 2022-07-01-preview), and the data map's type headers
 * (2023-09-01), which show the catalog serving reads. No JS SDK covers these for the
 * versions in use, so this is a small typed client over core-client's pipeline: the same
 * credential, retries and TLS trust as every other client, the data plane's own token scope,
 * and `nextLink` followed to the end of each list.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ServiceClient } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';

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

export interface PurviewDataClientOptions {
  tlsOptions?: { ca?: string };
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export class PurviewDataClient {
  private readonly client: ServiceClient;

  /** `endpoint`: the account's data-plane root (`https://{account}.purview.azure.com`). */
  constructor(
    credential: TokenCredential,
    readonly endpoint: string,
    options: PurviewDataClientOptions = {},
  ) {
    this.client = new ServiceClient({ ...options, endpoint, credential, credentialScopes: [PURVIEW_SCOPE] });
  }

  listCollections(): Promise<PurviewCollection[]> {
    return this.list<PurviewCollection>(`/account/collections?api-version=${ACCOUNT_API}`);
  }

  listScanRuleSets(): Promise<PurviewScanRuleSet[]> {
    return this.list<PurviewScanRuleSet>(`/scan/scanrulesets?api-version=${SCAN_API}`);
  }

  listDataSources(): Promise<PurviewDataSource[]> {
    return this.list<PurviewDataSource>(`/scan/datasources?api-version=${SCAN_API}`);
  }

  /** The data map's type headers: the cheapest read that shows the catalog serving. */
  listTypeHeaders(): Promise<AtlasTypeHeader[]> {
    return this.get<AtlasTypeHeader[]>(`${this.root()}/datamap/api/atlas/v2/types/typedefs/headers?api-version=${DATAMAP_API}`);
  }

  private root(): string {
    return this.endpoint.replace(/\/+$/, '');
  }

  private async list<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.root()}${path}`;
    while (url !== undefined) {
      const page: { value?: T[]; nextLink?: string } = await this.get(url);
      items.push(...(page.value ?? []));
      url = page.nextLink ?? undefined;
    }
    return items;
  }

  private async get<T>(url: string): Promise<T> {
    const request = createPipelineRequest({ url, method: 'GET', headers: createHttpHeaders({ accept: 'application/json' }) });
    const response = await this.client.sendRequest(request);
    let body: unknown;
    try {
      body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    } catch {
      body = response.bodyAsText;
    }
    if (response.status >= 200 && response.status < 300) return body as T;
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new RestError(error?.message ?? `Purview answered ${response.status}`, {
      statusCode: response.status,
      request,
      response,
      ...(error?.code !== undefined ? { code: error.code } : {}),
    });
  }
}
