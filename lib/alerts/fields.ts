/**
 * Tolerant field access over untrusted JSON. Azure sends the same field as `IsSynthetic` and
 * `isSynthetic`, as `"Activity Log Event Description"` with spaces, as a number or a string, as
 * `{ value, localizedValue }` or a bare string, and as null. Every reader here takes the field's
 * path so a failure names exactly where it happened.
 */
import { fail } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Loose forms of the keys seen so far: payloads repeat a few hundred field names (bounded). */
const looseKeys = new Map<string, string>();

/** Key with case, spaces, `_` and `-` ignored: `IsSynthetic` ~ `isSynthetic`, `Event Source` ~ `eventSource`. */
function looseKey(key: string): string {
  let loose = looseKeys.get(key);
  if (loose !== undefined) return loose;
  const lower = key.toLowerCase();
  loose = lower.indexOf(' ') < 0 && lower.indexOf('_') < 0 && lower.indexOf('-') < 0 && lower.indexOf('\t') < 0 ? lower : lower.replace(/[\s_-]/g, '');
  if (looseKeys.size < 4096) looseKeys.set(key, loose);
  return loose;
}

/** Per object, loose key → actual key; built on the first lookup that misses exactly. */
const looseIndexes = new WeakMap<JsonObject, Map<string, string>>();

function looseIndex(obj: JsonObject): Map<string, string> {
  let index = looseIndexes.get(obj);
  if (index === undefined) {
    index = new Map();
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      const loose = looseKey(key);
      // First key wins, as in a scan in key order.
      if (!index.has(loose)) index.set(loose, key);
    }
    looseIndexes.set(obj, index);
  }
  return index;
}

/**
 * The value under `name`, matching exactly first and then ignoring case, spaces, `_` and `-`.
 * Missing and null both come back as undefined: Azure uses them interchangeably.
 */
export function field(obj: JsonObject, name: string): Json | undefined {
  let value = Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (value === undefined) {
    const actual = looseIndex(obj).get(looseKey(name));
    if (actual !== undefined) value = obj[actual];
  }
  return value === null ? undefined : value;
}

export function join(path: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`;
}

/** A nested object, or undefined when absent; anything else is an error at that path. */
export function optObject(obj: JsonObject, name: string, path: string): JsonObject | undefined {
  const value = field(obj, name);
  if (value === undefined) return undefined;
  if (!isObject(value)) fail('invalid_field', join(path, name), `expected an object, got ${describe(value)}`);
  return value;
}

export function reqObject(obj: JsonObject, name: string, path: string): JsonObject {
  const value = optObject(obj, name, path);
  if (value === undefined) fail('missing_field', join(path, name), 'required object is missing');
  return value;
}

/**
 * Text from a string, a number (Azure sometimes sends ids as numbers), or a LocalizableString
 * `{ value, localizedValue }`. Blank text counts as absent.
 */
export function optText(obj: JsonObject, name: string, path: string): string | undefined {
  return textOf(field(obj, name), path, name);
}

/** `path` names the value, or its parent when `name` is given (joined only if there is an error). */
export function textOf(value: Json | undefined, path: string, name?: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  const at = name === undefined ? path : join(path, name);
  if (isObject(value) && (Object.hasOwn(value, 'value') || Object.hasOwn(value, 'localizedValue'))) {
    const inner = field(value, 'value') ?? field(value, 'localizedValue');
    if (inner === undefined || typeof inner === 'string' || typeof inner === 'number') {
      return textOf(inner, at, 'value');
    }
  }
  return fail('invalid_field', at, `expected text, got ${describe(value)}`);
}

export function reqText(obj: JsonObject, name: string, path: string): string {
  const value = optText(obj, name, path);
  if (value === undefined) fail('missing_field', join(path, name), 'required text is missing or empty');
  return value;
}

/** `"True"`, `"true"`, `true`, `1` → true; absent → false. */
export function optFlag(obj: JsonObject, name: string, path: string): boolean {
  const value = field(obj, name);
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no' || v === '') return false;
  }
  return fail('invalid_field', join(path, name), `expected true or false, got ${describe(value)}`);
}

/** A list of strings; a single string is accepted as a one-item list. */
export function optTextList(obj: JsonObject, name: string, path: string): string[] {
  const value = field(obj, name);
  const at = join(path, name);
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    const single = textOf(value, at);
    return single === undefined ? [] : [single];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    const text = textOf(item ?? undefined, `${at}[${i}]`);
    if (text !== undefined) out.push(text);
  });
  return out;
}

/** String-valued map (custom properties); non-string values are stringified, nested objects rejected. */
export function optTextMap(obj: JsonObject, name: string, path: string): Record<string, string> {
  const value = optObject(obj, name, path);
  const out: Record<string, string> = {};
  if (value === undefined) return out;
  for (const key of Object.keys(value)) {
    const text = textOf(value[key] ?? undefined, join(join(path, name), key));
    if (text !== undefined) out[key] = text;
  }
  return out;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string "${value.slice(0, 40)}…"` : `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
