/** Shared helpers for the catalog tests: the sample text, one-edit breakage, and Signal building. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { blankSignal, type Signal } from '../../lib/alerts/index.js';
import { parseCatalog, type Catalog, type CatalogProblem } from '../../lib/catalog/index.js';
import { repoRoot } from '../support/fixtures.js';

export const SAMPLE_PATH = join(repoRoot, 'samples/catalog.yaml');
export const SAMPLE = readFileSync(SAMPLE_PATH, 'utf8');

/** A day after the Media Services retirement, so the retirement warning reads "was retired". */
export const NOW = new Date('2026-01-01T00:00:00Z');

export const SUB = '11111111-1111-1111-1111-111111111111';

export function arm(group: string, type: string, name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${group}/providers/${type}/${name}`;
}

/** `text` with `from` replaced by `to`; `from` must occur exactly once so an edit cannot miss. */
export function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first < 0) throw new Error(`edit: '${from}' not found`);
  if (text.indexOf(from, first + 1) >= 0) throw new Error(`edit: '${from}' occurs more than once`);
  return text.slice(0, first) + to + text.slice(first + from.length);
}

/** The sample with several edits applied in order. */
export function sampleWith(...edits: [from: string, to: string][]): string {
  return edits.reduce((text, [from, to]) => edit(text, from, to), SAMPLE);
}

export function load(text: string, now: Date = NOW): Catalog {
  const result = parseCatalog(text, { now });
  if (!result.ok) throw new Error(`expected a valid catalog, got:\n${result.problems.map((p) => `${p.path}: ${p.message}`).join('\n')}`);
  return result.catalog;
}

export function problemsOf(text: string, now: Date = NOW): CatalogProblem[] {
  const result = parseCatalog(text, { now });
  if (result.ok) throw new Error('expected an invalid catalog, but it loaded');
  return result.problems;
}

export function errorsOf(text: string): CatalogProblem[] {
  return problemsOf(text).filter((p) => p.severity === 'error');
}

/** The one error of a catalog broken in one place, checked for path and message. */
export function singleError(text: string, path: string, message: string): CatalogProblem {
  const errors = errorsOf(text);
  expect(errors.map((e) => e.path)).toEqual([path]);
  const [error] = errors;
  expect(error!.message).toContain(message);
  return error!;
}

/**
 * A small catalog of purview workloads, one per id, in distinct region pairs and resources, for
 * tests that need many workloads or dependsOn edges. `deps` maps id → dependsOn.
 */
export function purviewCatalog(ids: string[], deps: Record<string, string[]> = {}): string {
  const pairs = [
    ['eastus', 'westus'],
    ['westeurope', 'northeurope'],
    ['eastus2', 'centralus'],
    ['uksouth', 'ukwest'],
    ['japaneast', 'japanwest'],
    ['australiaeast', 'australiasoutheast'],
  ];
  const workloads = ids.map((id, i) => {
    const [primary, secondary] = pairs[i % pairs.length]!;
    return [
      `  - id: ${id}`,
      `    services: [Microsoft Purview]`,
      `    primary:`,
      `      region: ${primary}`,
      `      resources: { account: ${arm(`rg-${id}-p`, 'Microsoft.Purview/accounts', `${id}p`)} }`,
      `    secondary:`,
      `      region: ${secondary}`,
      `      resources: { account: ${arm(`rg-${id}-s`, 'Microsoft.Purview/accounts', `${id}s`)} }`,
      `    playbook: { kind: purview, activeAccountKey: ${id}:active }`,
      `    policy: { trigger: auto }`,
      `    dependsOn: [${(deps[id] ?? []).join(', ')}]`,
    ].join('\n');
  });
  return `version: 1\nworkloads:\n${workloads.join('\n')}\n`;
}

/** A Signal with neutral defaults; tests set only what they are about. */
export function signal(overrides: Partial<Signal>): Signal {
  return {
    ...blankSignal('serviceHealth', 'common', '2026-11-23T09:00:00.000Z'),
    incidentKey: 'TEST-001',
    dedupeKey: 'TEST-001|1',
    subscriptionId: SUB,
    trackingId: 'TEST-001',
    incidentType: 'Incident',
    stage: 'Active',
    status: 'Active',
    title: 'test signal',
    ...overrides,
  };
}

export function serviceHealth(name: string, ...regions: string[]): Signal {
  return signal({ kind: 'serviceHealth', services: [{ name, regions }] });
}

export function resourceHealth(...resourceIds: string[]): Signal {
  return signal({ kind: 'resourceHealth', schema: 'activityLogAlert', resourceIds, incidentKey: resourceIds[0]?.toLowerCase() ?? '' });
}
