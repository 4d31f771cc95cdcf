/**
 * Violations as people read them: grouped by operation, each distinct message once with how many
 * times it was seen, failures (what the suite's rule counts) apart from refusals, and the
 * uncovered routes hit with their reasons.
 */
import type { Violation } from './checker.js';
import { isFailure, type UncoveredHit } from './record.js';

export function formatViolations(violations: Violation[], uncovered: UncoveredHit[] = []): string {
  const lines: string[] = [];
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const key = `${v.operation}${v.spec !== undefined ? ` (${v.spec})` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  for (const [operation, list] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`${operation}: ${list.length} violation${list.length === 1 ? '' : 's'}`);
    const distinct = new Map<string, { v: Violation; count: number }>();
    for (const v of list) {
      const key = `${v.direction}|${v.status}|${v.jsonPath}|${v.message}`;
      const hit = distinct.get(key);
      if (hit !== undefined) hit.count++;
      else distinct.set(key, { v, count: 1 });
    }
    for (const { v, count } of distinct.values()) {
      const verdict = isFailure(v) ? 'FAIL' : 'refused (4xx, as Azure would)';
      lines.push(`  ${verdict} ${v.direction} ${v.method} ${v.path}${v.apiVersion !== null ? `?api-version=${v.apiVersion}` : ''} → ${v.status}`);
      lines.push(`    ${v.jsonPath}: ${v.message}${count > 1 ? ` (×${count})` : ''}`);
    }
  }
  if (uncovered.length > 0) {
    lines.push('Uncovered (no published spec; not violations):');
    const byFamily = new Map<string, UncoveredHit[]>();
    for (const u of uncovered) byFamily.set(u.family, [...(byFamily.get(u.family) ?? []), u]);
    for (const [family, hits] of byFamily) {
      lines.push(`  ${family}: ${hits[0]!.reason}`);
      for (const h of hits) lines.push(`    ${h.key} ×${h.count}`);
    }
  }
  return lines.join('\n');
}

/** Adds up uncovered hits from several sources (processes) by key. */
export function mergeUncovered(hits: Iterable<UncoveredHit>): UncoveredHit[] {
  const out = new Map<string, UncoveredHit>();
  for (const h of hits) {
    const seen = out.get(h.key);
    if (seen !== undefined) seen.count += h.count;
    else out.set(h.key, { ...h });
  }
  return [...out.values()].sort((a, b) => a.family.localeCompare(b.family) || a.key.localeCompare(b.key));
}
