/**
 * The YAML text behind the catalog: parsing it, and finding where in it a problem's path is, so
 * `failover catalog check` can say "line 42" instead of leaving the reader to count list items.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Draft, Segment } from './problems.js';

export interface YamlSource {
  value: unknown;
  locate(path: readonly Segment[], atKey?: boolean): { line: number; column: number } | undefined;
}

export type YamlResult = { ok: true; source: YamlSource; warnings: Draft[] } | { ok: false; problems: Draft[] };

export function parseYaml(text: string): YamlResult {
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `yes` stays a string (and the boolean check says so), duplicate keys are errors.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const fromYamlError = (severity: Draft['severity']) => (e: (typeof doc.errors)[number]): Draft => {
    const pos = e.linePos?.[0];
    return {
      severity,
      path: [],
      message: `YAML ${severity === 'error' ? 'syntax error' : 'warning'}: ${firstLine(e.message)}`,
      ...(pos !== undefined ? { line: pos.line, column: pos.col } : {}),
    };
  };
  const warnings = doc.warnings.map(fromYamlError('warning'));
  if (doc.errors.length > 0) return { ok: false, problems: [...doc.errors.map(fromYamlError('error')), ...warnings] };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved aliases and alias bombs surface only when the document is turned into values.
    return { ok: false, problems: [{ severity: 'error', path: [], message: `YAML error: ${(err as Error).message}`, line: 1, column: 1 }] };
  }
  return {
    ok: true,
    warnings,
    source: { value, locate: (path, atKey) => locate(doc, lineCounter, path, atKey ?? false) },
  };
}

/** The message without yaml's appended " at line 3, column 5:" and source excerpt. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Position of the node at `path`, or of its nearest existing ancestor when the path names
 * something missing. A scalar value is pointed at directly; a block collection by its key, since
 * the key's line is where a reader looks.
 */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly Segment[],
  atKey: boolean,
): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let pair: Pair | null = null;
  let complete = true;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: Pair | Node | undefined;
    if (isMap(node)) {
      next = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (next === undefined) {
      complete = false;
      break;
    }
    if (isMap(node)) {
      pair = next as Pair;
      node = pair.value;
    } else {
      pair = null;
      node = next;
    }
  }
  const keyNode = pair !== null && isScalar(pair.key) ? pair.key : null;
  const valueIsInline = isScalar(node) || (isCollection(node) && node.flow === true);
  const target: unknown = complete && !atKey && (valueIsInline || keyNode === null) ? (node ?? keyNode) : (keyNode ?? node);
  const offset = rangeStart(target) ?? rangeStart(keyNode) ?? rangeStart(doc.contents);
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: [number, number, number] | null }).range;
  return range?.[0];
}
