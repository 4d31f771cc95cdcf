/**
 * The `failover` command line, in-process with captured output, and once for real through
 * `npx failover` so the installed entry point is proven too.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAlert } from '../../lib/alerts/index.js';
import { runCli } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';
import { fixturesDir, readFixture, repoRoot } from '../support/fixtures.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');

async function run(args: string[], stdin?: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    read: async (path) => (path === '-' ? Buffer.from(stdin ?? '') : readFile(path)),
    now: () => NOW,
  };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const fixture = (name: string) => join(fixturesDir(), name);
const sampleCatalog = join(repoRoot, 'samples/catalog.yaml');
const sampleAlert = (name: string) => join(repoRoot, 'samples/alerts', name);

describe('failover alerts parse', () => {
  it('prints the Signal of a payload file as JSON', async () => {
    const { code, out, err } = await run(['alerts', 'parse', fixture('servicehealth-legacy-doc-sample.json')]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const expected = parseAlert(readFixture('servicehealth-legacy-doc-sample.json'), { receivedAt: NOW });
    expect(expected.ok).toBe(true);
    expect(JSON.parse(out)).toEqual(expected.ok ? expected.value : undefined);
  });

  it('reads standard input for -', async () => {
    const { code, out } = await run(['alerts', 'parse', '-'], readFixture('resourcehealth-common-testaction.json'));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ kind: 'resourceHealth', health: { current: 'Unavailable' } });
  });

  it('prints an array for a batch', async () => {
    const { code, out } = await run(['alerts', 'parse', fixture('eventhub-administrative-doc-sample.json')]);
    expect(code).toBe(0);
    const signals = JSON.parse(out) as unknown[];
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ kind: 'administrative', schema: 'diagnosticRecord' });
  });

  it('exits 1 naming the file, the code and the field path on bad input', async () => {
    const { code, out, err } = await run(['alerts', 'parse', '-'], '{"schemaId":"Microsoft.Insights/activityLogs","data":{"context":{}}}');
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('failover: -: missing_field at $.data.context.activityLog: required object is missing');
  });

  it('exits 1 on a missing file, naming it', async () => {
    const { code, err } = await run(['alerts', 'parse', '/nonexistent/alert.json']);
    expect(code).toBe(1);
    expect(err).toBe("failover: cannot read payload '/nonexistent/alert.json': no such file");
  });

  it('exits 2 with usage on a wrong command or argument count', async () => {
    expect((await run(['alerts', 'parse'])).code).toBe(2);
    const unknown = await run(['alerts', 'explode', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'alerts explode'");
    expect((await run(['--frobnicate'])).err).toContain("unknown option '--frobnicate'");
    expect((await run([])).code).toBe(2);
    expect((await run(['--help'])).code).toBe(0);
  });
});

describe('failover catalog', () => {
  it('checks the sample catalog: valid, with the Media Services and Microsoft Genomics retirement warnings, each with its date and notice', async () => {
    const { code, out, err } = await run(['catalog', 'check', sampleCatalog, '--email-configured']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('warning');
    expect(out).toContain('Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/)');
    expect(out).toContain('Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics)');
    expect(out).toContain(`${sampleCatalog}: valid, 5 workloads (0 errors, 2 warnings)`);
  });

  it('refuses the email targets when email is not configured, naming the workload, the target and the settings', async () => {
    const { code, out, err } = await run(['catalog', 'check', sampleCatalog]);
    expect(code).toBe(1);
    expect(err).toContain(
      "  error   workloads[0].notify[0].email: media-streaming notifies media-oncall@contoso.example by email, but email is not configured: nothing would be sent to it. Set EMAIL_ENDPOINT (the Communication Services resource's endpoint, e.g. https://contoso-failover.europe.communication.azure.com; or EMAIL_CONNECTION_STRING) and EMAIL_SENDER (a MailFrom address of a domain linked to it) in the app's settings, or replace the target with a teams, slack or webhook one",
    );
    expect(err.match(/error\s+workloads\[\d\]\.notify\[\d\]\.email/g)).toHaveLength(4);
    expect(out).toContain('email targets: 4, sent through Azure Communication Services; the app needs EMAIL_ENDPOINT');
    expect(out).toContain('(not set here)');
    expect(err).toContain(`${sampleCatalog}: invalid (4 errors, 2 warnings)`);
  });

  it('lists every problem of a broken catalog by path and exits 1', async () => {
    const { code, err } = await run(['catalog', 'check', join(repoRoot, 'test/cli/broken-catalog.yaml')]);
    expect(code).toBe(1);
    expect(err).toMatch(/error\s+workloads\[0\]\.policy\.trigger/);
    expect(err).toMatch(/error\s+workloads\[0\]\.primary\.region/);
    expect(err).toContain('invalid (2 errors');
  });

  it('prints machine-readable results with --json', async () => {
    const { code, out } = await run(['catalog', 'check', sampleCatalog, '--json', '--email-configured']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { valid: boolean; workloads: string[] };
    expect(report.valid).toBe(true);
    expect(report.workloads).toEqual(['media-streaming', 'datashare-sales', 'purview-governance', 'genomics-pipeline', 'dynamics-crm']);
  });

  it('shows which workloads a Service Health alert affects, and why', async () => {
    const { code, out } = await run(['catalog', 'match', sampleCatalog, sampleAlert('servicehealth-media-westeurope-active.json')]);
    expect(code).toBe(0);
    expect(out).toContain('serviceHealth 7TQ2-RX8 (Incident Active, active): Media Services - West Europe - Investigating');
    expect(out).toContain('- media-streaming (primary side affected)');
    expect(out).toContain('service "Media Services" impacted in westeurope (primary region)');
    expect(out).not.toContain('datashare-sales');
  });

  it('matches a Resource Health alert by resource id', async () => {
    const { code, out } = await run(['catalog', 'match', sampleCatalog, sampleAlert('resourcehealth-media-account-unavailable.json'), '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(out) as { matches: Array<{ workload: string; side: string; reasons: Array<{ by: string; role: string }> }> };
    expect(result.matches).toHaveLength(1);
    expect(result.matches[0]).toMatchObject({ workload: 'media-streaming', side: 'primary', reasons: [{ by: 'resource', role: 'account' }] });
  });

  it('says so when nothing is affected, and flags synthetic test alerts', async () => {
    const { code, out } = await run(['catalog', 'match', sampleCatalog, fixture('servicehealth-common-testaction.json')]);
    expect(code).toBe(0);
    expect(out).toContain('synthetic test notification');
    expect(out).toContain('no workload in the catalog is affected');
  });
});

describe('npx failover', () => {
  it('runs the built CLI from the project', async () => {
    const exec = promisify(execFile);
    const { stdout } = await exec('npx', ['--no-install', 'failover', 'alerts', 'parse', fixture('servicehealth-legacy-doc-sample.json')], {
      cwd: repoRoot,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'serviceHealth', incidentKey: '0NIH-U2O', services: [{ regions: ['australiaeast'] }] });
  });

  it('exits non-zero with the message on bad input', async () => {
    const exec = promisify(execFile);
    const failure = await exec('npx', ['--no-install', 'failover', 'alerts', 'parse', join(repoRoot, 'package.json')], { cwd: repoRoot }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('unknown_schema at $');
  });
});
