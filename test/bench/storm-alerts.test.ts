/** The storm bench:storm sends: what it is said to be, each alert read and decided as intended. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeStorm, REDELIVERY_DELAY, UPDATES_AT, WORKLOAD_RESOURCES } from '../../bench/storm-alerts.js';
import { parseAlert } from '../../lib/alerts/index.js';
import { parseCatalog } from '../../lib/catalog/index.js';
import { decideSignal } from '../../lib/decisions/decide.js';
import { repoRoot } from '../support/fixtures.js';

const START = Date.UTC(2026, 10, 23, 9, 0);
const storm = makeStorm({ resources: 5000, redeliver: 0.3, window: 120, seed: 19 }, START, 'SIM01-WES');
const catalog = (() => {
  const result = parseCatalog(readFileSync(join(repoRoot, 'samples/catalog.yaml'), 'utf8'));
  if (!result.ok) throw new Error('the sample catalog does not load');
  return result.catalog;
})();

describe('the bench:storm storm', () => {
  it('has one distinct alert per resource, the Service Health Active and its updates, all different', () => {
    const kinds = storm.distinct.map((d) => d.kind);
    expect(kinds.filter((k) => k === 'resource-health, no workload')).toHaveLength(5000 - WORKLOAD_RESOURCES.length);
    expect(kinds.filter((k) => k === 'resource-health, media-streaming')).toHaveLength(WORKLOAD_RESOURCES.length);
    expect(kinds.filter((k) => k === 'service-health')).toHaveLength(1 + UPDATES_AT.length);
    expect(new Set(storm.distinct.map((d) => d.sha)).size).toBe(storm.distinct.length);
    expect(new Set(storm.distinct.filter((d) => d.kind !== 'service-health').map((d) => d.key)).size).toBe(5000);
  });

  it('sends everything within the window, redelivering about 30% 5 to 40 s after the first delivery', () => {
    expect(storm.sends.every(([, at]) => at >= 0 && at < 120)).toBe(true);
    expect(storm.sends.length).toBe(storm.distinct.length + storm.redeliveries);
    expect(storm.redeliveries / storm.distinct.length).toBeGreaterThan(0.27);
    expect(storm.redeliveries / storm.distinct.length).toBeLessThan(0.33);
    const first = new Map<number, number>();
    for (const [k, at] of storm.sends) {
      if (!first.has(k)) {
        first.set(k, at);
        continue;
      }
      const delay = at - first.get(k)!;
      expect(delay).toBeGreaterThanOrEqual(REDELIVERY_DELAY[0]);
      expect(delay).toBeLessThanOrEqual(REDELIVERY_DELAY[1]);
    }
  });

  it("sends media-streaming's own Resource Health alerts after the Service Health Active, so that incident is the one to fail over", () => {
    const active = storm.distinct.find((d) => d.kind === 'service-health')!;
    expect(active.title).toMatch(/Investigating$/);
    for (const d of storm.distinct.filter((x) => x.kind !== 'resource-health, no workload' && x !== active)) expect(d.at).toBeGreaterThan(active.at);
  });

  it('reads as Resource Health and Service Health alerts that act on media-streaming only where they should', () => {
    const verdicts = new Map<string, number>();
    for (const d of storm.distinct) {
      const parsed = parseAlert(Buffer.from(d.body), { receivedAt: new Date(START) });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const decision = decideSignal(catalog, parsed.value, 'webhook');
      const verdict = `${d.kind}: ${decision.workloads.map((w) => `${w.workloadId} ${w.verdict}`).join(', ') || 'no workload'}`;
      verdicts.set(verdict, (verdicts.get(verdict) ?? 0) + 1);
    }
    expect(Object.fromEntries(verdicts)).toEqual({
      'resource-health, no workload: no workload': 5000 - WORKLOAD_RESOURCES.length,
      'resource-health, media-streaming: media-streaming act': WORKLOAD_RESOURCES.length,
      'service-health: media-streaming act': 1 + UPDATES_AT.length,
    });
  });
});
