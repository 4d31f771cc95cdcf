/**
 * What every check reports, and the few value helpers they share: ARM expressions, JSON paths in
 * the `properties.condition.allOf[0].field` form, and value descriptions for messages.
 */
import { join } from '../../../lib/alerts/fields.js';

export type FindingSource = 'arm-schemas' | 'bicep-types' | 'bicep-reader';

export interface Finding {
  file: string;
  /** Which resource, e.g. `resources[2].properties.template.resources[5] Microsoft.Insights/activityLogAlerts 'sh-media'`. */
  resource: string;
  /** Where in the resource, e.g. `properties.condition.allOf[1].containsAny`; '' for the resource as a whole. */
  path: string;
  message: string;
  source: FindingSource;
  /** Bicep files only: the line the path starts on. */
  line?: number;
}

/** One line for a person: `infra/main.bicep:12 resource storage ...: properties.x is not ...`. */
export function formatFinding(finding: Finding): string {
  const where = finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
  return `${where} ${finding.resource}: ${finding.message} [${finding.source}]`;
}

export function childPath(path: string, key: string): string {
  return path === '' ? key : join(path, key);
}

export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/**
 * An ARM template expression: evaluated at deployment, so its value cannot be checked here. `[[`
 * escapes a literal string that starts with `[` (the rule of common/definitions.json#/definitions/expression).
 */
export function isExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']');
}

/** The string a literal stands for once ARM drops the escaping `[`. */
export function literalString(value: string): string {
  return value.startsWith('[[') ? value.slice(1) : value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a string ('yes')", "a number (3)", "an object": what was written, for a type mismatch. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${quote(value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${value})`;
  return 'an object';
}

export function quote(value: string): string {
  return `'${value.length > 80 ? `${value.slice(0, 77)}...` : value}'`;
}

/** `Microsoft.Insights/activityLogAlerts@2020-10-01`. */
export function typeRef(type: string, apiVersion: string): string {
  return `${type}@${apiVersion}`;
}

/**
 * ` (did you mean 'field'?)` for a key one typo away from a known one: a letter added, dropped,
 * changed, or two swapped (`feild`), or the same word in another case.
 */
export function suggest(key: string, known: Iterable<string>): string {
  const limit = Math.max(1, Math.min(3, Math.floor(key.length / 4)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = typoDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= limit ? ` (did you mean '${best}'?)` : '';
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment). */
function typoDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}
