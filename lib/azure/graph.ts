/**
 * Microsoft Graph service announcements: the Microsoft 365 service health issues the
 * Dynamics 365 poller reads (`GET /v1.0/admin/serviceAnnouncement/issues`, application
 * permission ServiceHealth.Read.All), over the shared JSON client, following `@odata.nextLink`
 * to the end.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClientOptions } from '@azure/core-client';
import { JsonServiceClient } from './json-client.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export class GraphServiceHealthClient extends JsonServiceClient {
  /** `endpoint`: Graph's root (`https://graph.microsoft.com`). */
  constructor(credential: TokenCredential, endpoint: string, options: ServiceClientOptions = {}) {
    super({ credential, scope: GRAPH_SCOPE }, endpoint, options);
  }

  /** The issues as Graph returns them (raw JSON objects: the intake reads them like any alert). */
  listIssues(filter?: string): Promise<Array<Record<string, unknown>>> {
    const query = filter === undefined ? '' : `?$filter=${encodeURIComponent(filter)}`;
    return this.pages<Record<string, unknown>>(`/v1.0/admin/serviceAnnouncement/issues${query}`, '@odata.nextLink');
  }
}
