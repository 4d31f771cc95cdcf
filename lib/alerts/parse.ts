/**
 * The parser's boundary: bytes or JSON in, Signals or typed errors out. Nothing thrown inside
 * escapes; anything unexpected becomes an `invalid_field` error at the payload root rather than
 * a crash, because one malformed alert must never take the intake down.
 */
import { parsedDeeperThan, valueDeeperThan } from '../http/json-body.js';
import { openEnvelope } from './envelopes.js';
import { PayloadError, type ParseError, type ParseResult } from './errors.js';
import type { Json } from './fields.js';
import type { Signal } from './signal.js';
import { signalFromActivityEvent, type ParseOptions } from './signal-from-event.js';
import { signalFromGraphIssue } from './signal-from-graph-issue.js';
import { signalFromHealthEvent } from './signal-from-health-event.js';

export type { ParseOptions } from './signal-from-event.js';

/** What a payload holds: one alert, or a batch (Event Hub `records[]`, a REST list `value[]`). */
export interface ParsedPayload {
  batch: boolean;
  /** One result per item, in payload order; a bad item does not spoil the others. */
  items: ParseResult<Signal>[];
}

/** Parses any supported payload, single or batch. */
export function parsePayload(input: string | Uint8Array | Json, options: ParseOptions = {}): ParseResult<ParsedPayload> {
  return guard(() => {
    const body = typeof input === 'string' || input instanceof Uint8Array ? decodeJson(input) : input;
    if (typeof input === 'object' && !(input instanceof Uint8Array) && valueDeeperThan(input, MAX_ALERT_DEPTH)) throw tooDeep();
    const envelope = openEnvelope(body);
    return {
      batch: envelope.batch,
      items: envelope.items.map((item) =>
        guard(() => {
          const unwrapped = item.read();
          switch (unwrapped.kind) {
            case 'healthEvent':
              return signalFromHealthEvent(unwrapped.value);
            case 'graphIssue':
              return signalFromGraphIssue(unwrapped.value.item, unwrapped.value.path);
            case 'activity':
              return signalFromActivityEvent(unwrapped.value, options);
          }
        }),
      ),
    };
  });
}

/**
 * Parses one alert, as an action group delivers it. A batch of exactly one item is accepted
 * (a single diagnostic record wrapped in `records[]`); a larger batch is an error.
 */
export function parseAlert(input: string | Uint8Array | Json, options: ParseOptions = {}): ParseResult<Signal> {
  const parsed = parsePayload(input, options);
  if (!parsed.ok) return parsed;
  const { items } = parsed.value;
  if (items.length !== 1) {
    return {
      ok: false,
      error: {
        code: 'unknown_schema',
        path: '$',
        message: `expected one alert, got a batch of ${items.length} events; send them one at a time`,
      },
    };
  }
  return items[0]!;
}

/**
 * How deep an alert may nest arrays and objects. Azure Monitor's payloads nest about eight levels;
 * the parser's walkers (key casing, envelopes) recurse, so a body nested thousands deep would
 * exhaust the stack: it is refused as soon as JSON.parse (which does not recurse) has read it,
 * before anything walks it.
 */
export const MAX_ALERT_DEPTH = 64;

const tooDeep = () =>
  new PayloadError({ code: 'unknown_schema', path: '$', message: `the body nests arrays or objects more than ${MAX_ALERT_DEPTH} levels deep: not an alert (alerts nest far less; the limit is ${MAX_ALERT_DEPTH})` });

function decodeJson(input: string | Uint8Array): Json {
  const text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: false }).decode(input);
  let value: Json;
  try {
    // A UTF-8 byte-order mark is legal in a body but not in JSON.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json;
  } catch (err) {
    throw new PayloadError({ code: 'invalid_json', path: '$', message: `body is not valid JSON: ${(err as Error).message}` });
  }
  if (parsedDeeperThan(text, value, MAX_ALERT_DEPTH)) throw tooDeep();
  return value;
}

function guard<T>(fn: () => T): ParseResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    return { ok: false, error: toParseError(err) };
  }
}

function toParseError(err: unknown): ParseError {
  if (err instanceof PayloadError) return err.detail;
  // A bug, not bad input: still an answer rather than a crash, and marked so tests catch it.
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { code: 'invalid_field', path: '$', message: `payload could not be read (internal error: ${message})` };
}
