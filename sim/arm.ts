/** ARM's response conventions: error bodies, resource envelopes, list pages. */
import { hasOwnLocation, typeOf } from './estate.js';
import type { SimResource, SimResponse } from './types.js';

export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return { status, body: { error: { code, message } }, headers };
}

/** A well-formed api-version: `yyyy-mm-dd`, optionally `-preview` or another suffix. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9]+)*$/;

/**
 * ARM's answer to an api-version its resource provider does not register for the type: 400
 * `NoRegisteredProviderFound`, worded as ARM words it
 * (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/error-register-resource-provider).
 * A string that is not an api-version at all is 400 `InvalidApiVersionParameter` (assumed: ARM
 * refuses to parse it before looking for a provider; the code is the one it uses for a bad
 * api-version parameter). `target` is the resource id or the path; `location` the resource's
 * region when known (ARM names the request's location; `global` otherwise, assumed).
 */
export function unsupportedApiVersion(apiVersion: string, supported: readonly string[], target: string, location: string | undefined): SimResponse {
  if (!API_VERSION.test(apiVersion)) {
    return armError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${supported.join(',')}'.`);
  }
  // The type as ARM names it, without the namespace: `mediaservices/liveEvents`.
  const type = typeOf(target).split('/').slice(1).join('/');
  return armError(
    400,
    'NoRegisteredProviderFound',
    `No registered resource provider found for location '${location ?? 'global'}' and API version '${apiVersion}' for type '${type}'. The supported api-versions are '${supported.join(', ')}'.`,
  );
}

export function notFound(kind: string, id: string): SimResponse {
  return armError(404, 'ResourceNotFound', `The ${kind} '${id.split('/').pop() ?? id}' was not found (${id}).`);
}

export function badRequest(message: string, code = 'BadRequest'): SimResponse {
  return armError(400, code, message);
}

export function conflict(message: string, code = 'Conflict'): SimResponse {
  return armError(409, code, message);
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

/** The resource as ARM returns it: a proxy resource (most child types) has no location. */
export function envelope(r: SimResource): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ...(r.location !== '' && hasOwnLocation(r.type) ? { location: r.location } : {}),
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.sku !== undefined ? { sku: r.sku } : {}),
    ...(r.tags !== undefined ? { tags: r.tags } : {}),
    ...(r.identity !== undefined ? { identity: r.identity } : {}),
    ...(r.systemData !== undefined ? { systemData: r.systemData } : {}),
    properties: r.properties,
  };
}

/** A list response. Estates are small, so every list fits in one page (no nextLink). */
export function page(items: unknown[]): SimResponse {
  return ok({ value: items });
}

export function isoNow(at: number): string {
  return new Date(at).toISOString();
}

/** The last segment of a type or id, lower-cased: for comparisons. */
export function lastSegment(text: string): string {
  return (text.split('/').pop() ?? '').toLowerCase();
}
