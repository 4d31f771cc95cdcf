/**
 * Why a payload could not become a Signal. The parser never throws: every failure is one of
 * these, naming the field path (dotted, with [n] for array items) and what to do about it.
 */
export type ParseErrorCode =
  /** The body is not JSON at all. */
  | 'invalid_json'
  /** JSON, but not a shape this app knows (unknown schemaId, not an object, …). */
  | 'unknown_schema'
  /** A known shape carrying an alert this app does not act on (metric alerts, Policy, Autoscale, …). */
  | 'unsupported_alert'
  /** A field this signal needs is absent or empty. */
  | 'missing_field'
  /** A field is present but has the wrong type or an unreadable value. */
  | 'invalid_field';

export interface ParseError {
  code: ParseErrorCode;
  /** Where in the payload: `data.alertContext.properties.trackingId`; `$` is the whole body. */
  path: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ParseError };

/** Thrown only inside the parser and caught at its boundary; carries a ParseError. */
export class PayloadError extends Error {
  constructor(readonly detail: ParseError) {
    super(`${detail.path}: ${detail.message}`);
    this.name = 'PayloadError';
  }
}

export function fail(code: ParseErrorCode, path: string, message: string): never {
  throw new PayloadError({ code, path, message });
}

export function formatParseError(error: ParseError): string {
  return `${error.code} at ${error.path}: ${error.message}`;
}
