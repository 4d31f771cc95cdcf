/**
 * A JSON API over core-client's pipeline, for the services no SDK covers (Data Share, Genomics,
 * the Purview data plane, Graph service health): the same credential, retries, TLS trust and policies as the
 * generated clients, JSON in and out, and non-2xx answers as RestError with the service's own
 * message (ARM's `error.message`, or msgen's `Message`) and code, as the generated SDKs throw them.
 */
import type { TokenCredential } from '@azure/core-auth';
import { ServiceClient, type ServiceClientOptions } from '@azure/core-client';
import { createHttpHeaders, createPipelineRequest, RestError, type HttpMethods, type PipelineRequestOptions, type PipelineResponse } from '@azure/core-rest-pipeline';

export type AbortSignalLike = NonNullable<PipelineRequestOptions['abortSignal']>;

/** An answer as the long-running operation code reads it. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

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

  /** `target`: a path below the endpoint, or an absolute URL (a `nextLink`, a poll URL). */
  protected url(target: string): string {
    return /^https?:\/\//.test(target) ? target : `${this.endpoint.replace(/\/+$/, '')}${target}`;
  }

  /** The answer's body; non-2xx answers throw RestError. */
  protected async call<T>(method: HttpMethods, target: string, body?: unknown, abortSignal?: AbortSignalLike): Promise<T> {
    return (await this.send(method, target, body, abortSignal)).body as T;
  }

  /**
   * One request through the pipeline, with the answer's status and headers (long-running
   * operations need them). Non-2xx answers become RestError as the generated SDKs make them; a
   * 2xx whose body is not JSON is a PARSE_ERROR.
   */
  protected async send(method: HttpMethods, target: string, body?: unknown, abortSignal?: AbortSignalLike): Promise<JsonAnswer> {
    const request = createPipelineRequest({
      url: this.url(target),
      method,
      headers: createHttpHeaders({ ...this.headers, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}) }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(abortSignal !== undefined ? { abortSignal } : {}),
    });
    const response = await this.client.sendRequest(request);
    const ok = response.status >= 200 && response.status < 300;
    const text = response.bodyAsText ?? '';
    let parsed: unknown;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        if (ok) throw new RestError(`${new URL(request.url).host} answered ${response.status} with a body that is not JSON.`, { code: RestError.PARSE_ERROR, statusCode: response.status, request, response });
        parsed = text;
      }
    }
    if (!ok) throw serviceError(response, parsed);
    return { status: response.status, headers: response.headers.toJSON(), body: parsed };
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

/**
 * The service's `{ error: { code, message } }` (ARM), `{ errorCode, errorMessage }` (Purview's
 * data map, AtlasErrorResponse) or `{ Message }` (msgen) as a RestError, the way core-client's
 * deserializer builds it.
 */
function serviceError(response: PipelineResponse, parsed: unknown): RestError {
  const p =
    typeof parsed === 'object' && parsed !== null ? (parsed as { error?: { code?: unknown; message?: unknown }; errorCode?: unknown; errorMessage?: unknown; Message?: unknown }) : undefined;
  const code = typeof p?.error?.code === 'string' ? p.error.code : typeof p?.errorCode === 'string' ? p.errorCode : undefined;
  const message =
    typeof p?.error?.message === 'string'
      ? p.error.message
      : typeof p?.errorMessage === 'string'
        ? p.errorMessage
        : typeof p?.Message === 'string'
          ? p.Message
          : typeof parsed === 'string' && parsed !== ''
            ? parsed
            : `Unexpected status code: ${response.status}`;
  const error = new RestError(message, { statusCode: response.status, request: response.request, response, ...(code !== undefined ? { code } : {}) });
  if (p?.error !== undefined) error.details = parsed;
  return error;
}
