/**
 * Which alerts may start a failover, crossed exhaustively over the decision table (table.ts): every
 * row in every schema its samples come in, under every policy, and from another subscription. The
 * same table is in README.md ("What starts a failover"), and this test fails when the two differ.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatParseError, parseAlert } from '../../lib/alerts/index.js';
import { decideSignal } from '../../lib/decisions/decide.js';
import { fixturesDir, repoRoot } from '../support/fixtures.js';
import { ADMINISTRATIVE, catalogs, COLUMNS, decide, decisionTable, RESOURCE_HEALTH, ROWS, SERVICE_HEALTH, SUBSCRIPTION } from './table.js';

describe('what starts a failover', () => {
  it.each(ROWS.flatMap((row) => COLUMNS.map((column) => [row, column] as const)).map(([row, column]) => ({ name: `${row.alert} ${row.what} ${row.stage} × ${column}`, row, column })))(
    '$name',
    ({ row, column }) => {
      for (const tried of decide(row, column)) {
        expect({ schema: tried.schema, cell: tried.cell }, tried.reason).toEqual({ schema: tried.schema, cell: row.expected[column] });
      }
    },
  );

  it('tries every row in each schema its samples come in', () => {
    expect(new Set(ROWS.flatMap((r) => r.bodies(SUBSCRIPTION).map((b) => b.schema))).size).toBe(SERVICE_HEALTH.length + RESOURCE_HEALTH.length + ADMINISTRATIVE.length + 1);
  });

  it('starts nothing for any published sample as it is (test notifications, other subscriptions, other services)', () => {
    for (const name of [...SERVICE_HEALTH, ...RESOURCE_HEALTH, ...ADMINISTRATIVE]) {
      const parsed = parseAlert(readFileSync(join(fixturesDir(), name)), { receivedAt: new Date('2026-11-23T09:15:00Z') });
      if (!parsed.ok) throw new Error(`${name} does not parse: ${formatParseError(parsed.error)}`);
      for (const catalog of Object.values(catalogs)) {
        const decision = decideSignal(catalog, parsed.value, 'webhook');
        expect(decision.workloads.filter((d) => d.verdict === 'act'), name).toEqual([]);
      }
    }
  });

  it('is the table README.md prints', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(decisionTable());
  });
});
