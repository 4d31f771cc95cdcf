/** ARM's response conventions: error bodies, resource envelopes, list pages. */
import type { SimResource, SimResponse } from './types.js';

export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return { status, body: { error: { code, message } }, headers };
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

/** The resource as ARM returns it. */
export function envelope(r: SimResource): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    ...(r.location !== '' ? { location: r.location } : {}),
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
