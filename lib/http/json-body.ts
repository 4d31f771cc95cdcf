/**
 * The operator endpoints' JSON reader (failover requests, commands, workflow records): a size
 * limit, then a nesting-depth limit found by a linear scan of the text before it is parsed (no
 * recursion, so a body of 50,000 `[` cannot exhaust the stack here or in any code that later walks
 * the value), then `JSON.parse`. Answers are problems: 413 over the size limit, 400 for text that
 * is not JSON or nests too deep, both naming `$` and the limit. The alert webhook's bodies are read
 * by lib/alerts/parse.ts, which uses the depth checks below with a limit of its own.
 */
import { problem, type Answer } from './problem.js';

export interface JsonBodyLimits {
  /** Largest body accepted, in bytes (UTF-8). */
  maxBytes: number;
  /** Deepest nesting of arrays and objects accepted; `{}` and `[]` are depth 1. */
  maxDepth: number;
}

/** What the operator endpoints accept: far more than any failover request or workflow record needs. */
export const OPERATOR_BODY_LIMITS: Readonly<JsonBodyLimits> = Object.freeze({ maxBytes: 256 * 1024, maxDepth: 64 });

export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; answer: Answer };

export function parseJsonBody(raw: string | Uint8Array, limits: Partial<JsonBodyLimits> = {}): JsonBodyResult {
  const { maxBytes, maxDepth } = { ...OPERATOR_BODY_LIMITS, ...limits };
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (bytes > maxBytes) {
    return { ok: false, answer: problem(413, 'payload-too-large', `the body is ${bytes} bytes; bodies are limited to ${maxBytes} bytes`, { path: '$' }) };
  }
  let text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: false }).decode(raw);
  // A UTF-8 byte-order mark is legal in a body but not in JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return { ok: false, answer: problem(400, 'invalid-json', 'the body is empty: send a JSON document', { path: '$' }) };
  const tooDeep = depthBeyond(text, maxDepth);
  if (tooDeep !== null) {
    return { ok: false, answer: problem(400, 'too-deep', `the body nests arrays or objects more than ${maxDepth} levels deep (at character ${tooDeep}); the limit is ${maxDepth}`, { path: '$' }) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, answer: problem(400, 'invalid-json', `the body is not JSON: ${(err as Error).message}`, { path: '$' }) };
  }
}

/**
 * Where JSON text first nests deeper than `maxDepth` (the offset of the bracket that does), or
 * null. One pass, constant memory: brackets inside strings (escapes included) do not count.
 * Text that is not JSON at all is left for the parser to name.
 */
export function depthBeyond(text: string, maxDepth: number): number | null {
  // Nothing nests deeper than it has brackets: most bodies have fewer than the limit, and counting
  // them with the native indexOf is far cheaper than the character-by-character scan below.
  if (openersAtMost(text, maxDepth)) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return null;
}

/**
 * Whether a value parsed from `text` nests deeper than `maxDepth`. JSON.parse itself copes with
 * any depth (it does not recurse); what does not is code that walks the value afterwards. Most
 * bodies have fewer brackets than the limit and need no look; the others are walked by their
 * objects, far fewer than their characters.
 */
export function parsedDeeperThan(text: string, value: unknown, maxDepth: number): boolean {
  return !openersAtMost(text, maxDepth) && valueDeeperThan(value, maxDepth);
}

/** Whether `text` has at most `limit` opening brackets (in strings or not: an upper bound on depth). */
function openersAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (const opener of ['{', '[']) {
    for (let i = text.indexOf(opener); i !== -1; i = text.indexOf(opener, i + 1)) {
      if (++count > limit) return false;
    }
  }
  return true;
}

/**
 * The same limit for a value already parsed (a caller that hands over an object): whether it
 * nests deeper than `maxDepth`, walked with an explicit stack that never goes past the limit.
 */
export function valueDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
