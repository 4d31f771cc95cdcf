/**
 * Microsoft Graph service announcements: the Microsoft 365 service health issues the
 * Dynamics 365 poller reads (`GET /v1.0/admin/serviceAnnouncement/issues`, application
 * permission ServiceHealth.Read.All). A small client over core-client's pipeline, with the same
 * credential and TLS trust as every other client, following `@odata.nextLink` to the end.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ServiceClient } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  tlsOptions?: { ca?: string };
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export class GraphServiceHealthClient {
  private readonly client: ServiceClient;

  /** `endpoint`: Graph's root (`https://graph.microsoft.com`). */
  constructor(
    credential: TokenCredential,
    readonly endpoint: string,
    options: GraphClientOptions = {},
  ) {
    this.client = new ServiceClient({ ...options, endpoint, credential, credentialScopes: [GRAPH_SCOPE] });
  }

  /** The issues as Graph returns them (raw JSON objects: the intake reads them like any alert). */
  async listIssues(filter?: string): Promise<Array<Record<string, unknown>>> {
    const issues: Array<Record<string, unknown>> = [];
    const query = filter === undefined ? '' : `?$filter=${encodeURIComponent(filter)}`;
    let url: string | undefined = `${this.endpoint.replace(/\/+$/, '')}/v1.0/admin/serviceAnnouncement/issues${query}`;
    while (url !== undefined) {
      const request = createPipelineRequest({ url, method: 'GET', headers: createHttpHeaders({ accept: 'application/json' }) });
      const response = await this.client.sendRequest(request);
      let body: { value?: Array<Record<string, unknown>>; '@odata.nextLink'?: string; error?: { code?: string; message?: string } } | undefined;
      try {
        body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
      } catch {
        body = undefined;
      }
      if (response.status !== 200) {
        throw new RestError(body?.error?.message ?? `Graph answered ${response.status}`, { statusCode: response.status, request, response, ...(body?.error?.code !== undefined ? { code: body.error.code } : {}) });
      }
      issues.push(...(body?.value ?? []));
      url = body?.['@odata.nextLink'];
    }
    return issues;
  }
}
