/**
 * A JSON API over core-client's pipeline, for the services no SDK covers (Genomics, the Purview
 * data plane, Graph service health): the same credential, retries, TLS trust and policies as the
 * generated clients, JSON in and out, and non-2xx answers as RestError with the service's own
 * message (ARM's `error.message`, or msgen's `Message`) and code, as the generated SDKs throw them.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ServiceClient, type ServiceClientOptions } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';

export abstract class JsonServiceClient {
  private readonly client: ServiceClient;

  /**
   * `auth`: a token credential and its scope, or headers that carry a key instead (no token is
   * then sent: a key-authenticated API has no business receiving the app's Entra token).
   */
  constructor(
    auth: { credential: TokenCredential; scope: string } | { headers: Record<string, string> },
    protected readonly endpoint: string,
    options: ServiceClientOptions = {},
  ) {
    this.headers = 'headers' in auth ? auth.headers : {};
    this.client = new ServiceClient({ ...options, endpoint, ...('credential' in auth ? { credential: auth.credential, credentialScopes: [auth.scope] } : {}) });
  }

  private readonly headers: Record<string, string>;

  /** `target`: a path below the endpoint, or an absolute URL (a `nextLink`). */
  protected async call<T>(method: 'GET' | 'POST' | 'DELETE', target: string, body?: unknown): Promise<T> {
    const request = createPipelineRequest({
      url: /^https?:\/\//.test(target) ? target : `${this.endpoint.replace(/\/+$/, '')}${target}`,
      method,
      headers: createHttpHeaders({ ...this.headers, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const response = await this.client.sendRequest(request);
    let parsed: unknown;
    try {
      parsed = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
    } catch {
      parsed = response.bodyAsText;
    }
    if (response.status >= 200 && response.status < 300) return parsed as T;
    const p = parsed as { error?: { code?: string; message?: string }; Message?: string } | undefined;
    const message = p?.error?.message ?? p?.Message ?? `${new URL(request.url).host} answered ${response.status}`;
    throw new RestError(message, { statusCode: response.status, request, response, ...(p?.error?.code !== undefined ? { code: p.error.code } : {}) });
  }

  /** Every item of a paged list, following `nextLinkField` to the end. */
  protected async pages<T>(first: string, nextLinkField: string): Promise<T[]> {
    const items: T[] = [];
    let target: string | undefined = first;
    while (target !== undefined) {
      const page: Record<string, unknown> = await this.call('GET', target);
      items.push(...((page['value'] as T[] | undefined) ?? []));
      const next = page[nextLinkField];
      target = typeof next === 'string' && next !== '' ? next : undefined;
    }
    return items;
  }
}
