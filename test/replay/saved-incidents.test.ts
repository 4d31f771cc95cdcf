/**
 * The regression suite from real incidents: every incident kept under test/replay/incidents
 * (`failover replay --save DIR`) is replayed on every run against the local stack, through the
 * CLI as an engineer would run it, and must lead to the decisions it was saved with. A change
 * that would decide otherwise (act on a test notification, skip a failover, ask a different
 * approval) fails here, with the difference named.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';
import { readSavedIncident } from '../../lib/replay/saved.js';
import { repoRoot } from '../support/fixtures.js';

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
    const out: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: () => undefined, read: (path) => readFile(path), now: () => new Date() };
    try {
      expect(await runCli(['replay', '--saved', join(root, 'datashare-eastus2-outage'), '--local', '--catalog', catalog], io)).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const text = out.join('\n');
    expect(text).toContain('4LMV-Q90 datashare-sales: verdict: act → notify');
    expect(text).toContain('4LMV-Q90 datashare-sales: failed over: yes → no');
    expect(text).toMatch(/DIFFERS in \d+ places \(exit 1\)/);
  }, 90_000);

  it("answers from the local stack's own resources with --health live, its simulator saying what Azure said then", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), read: (path) => readFile(path), now: () => new Date() };
    const code = await runCli(['replay', '--saved', join(root, 'datashare-eastus2-outage'), '--local', '--health', 'live'], io);
    expect(code, `${out.join('\n')}\n${err.join('\n')}`).toBe(0);
    expect(err).toContain('the simulator now says what Azure said at 2026-11-23T09:14:00.000Z: eastus2 down for Azure Data Share');
    expect(err).toContain('the simulator now says what Azure said at 2026-11-23T10:02:00.000Z: eastus2 back');
    expect(out.join('\n')).toContain('health live');
    expect(out.join('\n')).toMatch(/MATCH \(exit 0\)/);
  }, 90_000);

  for (const name of saved) {
    it(`${name}: today's decisions are the saved ones`, async () => {
      const source = await readSavedIncident(join(root, name));
      expect(source.signals.length).toBeGreaterThan(0);
      const out: string[] = [];
      const err: string[] = [];
      const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), read: (path) => readFile(path), now: () => new Date() };
      const code = await runCli(['replay', '--saved', join(root, name), '--local', '--json'], io);
      expect(code, `${out.join('\n')}\n${err.join('\n')}`).toBe(0);
      const report = JSON.parse(out.join('\n')) as { verdict: string; now: Array<{ incidentKey: string | null; outcome: string | null }> };
      expect(report.verdict).toBe('match');
      expect(report.now.map((r) => [r.incidentKey, r.outcome])).toEqual(source.expected!.map((r) => [r.incidentKey, r.outcome]));
    }, 90_000);
  }
});
