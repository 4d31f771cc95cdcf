/**
 * The regression suite from real incidents: every incident kept under test/replay/incidents
 * (`failover replay --save DIR`) is replayed on every run against the local stack, through the
 * CLI as an engineer would run it, and must lead to the decisions it was saved with. A change
 * that would decide otherwise (act on a test notification, skip a failover, ask a different
 * approval) fails here, with the difference named.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSavedIncident } from '../../lib/replay/saved.js';
import { repoRoot } from '../support/fixtures.js';
import { cli } from '../support/cli-run.js';

const root = join(repoRoot, 'test/replay/incidents');
const saved = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe('saved incidents, replayed against the local stack', () => {
  it('has incidents to replay', () => {
    expect(saved).toEqual(['advisory-action-required', 'datashare-eastus2-outage', 'synthetic-test-action']);
  });

  it('catches a change that decides otherwise: the Data Share workload made notify-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'failover-saved-'));
    const catalog = join(dir, 'catalog.yaml');
    const sample = readFileSync(join(repoRoot, 'samples/catalog.yaml'), 'utf8');
    writeFileSync(catalog, sample.replace(/(id: datashare-sales[\s\S]*?policy:\n\s+trigger:) auto/, '$1 notify-only'));
    let run;
    try {
      run = await cli(['replay', '--saved', join(root, 'datashare-eastus2-outage'), '--local', '--catalog', catalog]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(run.code).toBe(1);
    const text = run.out;
    expect(text).toContain('4LMV-Q90 datashare-sales: verdict: act → notify');
    expect(text).toContain('4LMV-Q90 datashare-sales: failed over: yes → no');
    expect(text).toMatch(/DIFFERS in \d+ places \(exit 1\)/);
  }, 90_000);

  it("answers from the local stack's own resources with --health live, its simulator saying what Azure said then", async () => {
    const run = await cli(['replay', '--saved', join(root, 'datashare-eastus2-outage'), '--local', '--health', 'live']);
    expect(run.code, `${run.out}\n${run.err}`).toBe(0);
    expect(run.err.split('\n')).toContain('the simulator now says what Azure said at 2026-11-23T09:14:00.000Z: eastus2 down for Azure Data Share');
    expect(run.err.split('\n')).toContain('the simulator now says what Azure said at 2026-11-23T10:02:00.000Z: eastus2 back');
    expect(run.out).toContain('health live');
    expect(run.out).toMatch(/MATCH \(exit 0\)/);
  }, 90_000);

  for (const name of saved) {
    it(`${name}: today's decisions are the saved ones`, async () => {
      const source = await readSavedIncident(join(root, name));
      expect(source.signals.length).toBeGreaterThan(0);
      const run = await cli(['replay', '--saved', join(root, name), '--local', '--json']);
      expect(run.code, `${run.out}\n${run.err}`).toBe(0);
      const report = JSON.parse(run.out) as { verdict: string; now: Array<{ incidentKey: string | null; outcome: string | null }> };
      expect(report.verdict).toBe('match');
      expect(report.now.map((r) => [r.incidentKey, r.outcome])).toEqual(source.expected!.map((r) => [r.incidentKey, r.outcome]));
    }, 90_000);
  }
});
