/**
 * `npm run demo` as a newcomer runs it: a process of its own that must exit 0, and the report
 * it writes opened in headless Chromium (test/support/browser.ts: the system's, or the one
 * `npm ci` installs) to prove it renders: the timeline picture has a bar for every step it lists.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { repoRoot } from '../support/fixtures.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'failover-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('fails over and back on the sample estate, exits 0, and writes a report that renders in Chromium', async () => {
    const report = join(dir, 'report.html');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--report', report], { cwd: repoRoot, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toMatch(/demo passed\n$/);
    expect(stdout).toContain('✓ media:activeAccount is contosomediaweu (new encoding jobs go to West Europe)');
    expect(stdout).toMatch(/media {5}confirmed: still active after 10 min; Resource Health: media-streaming Unavailable/);
    expect(stdout).toMatch(/failover step start-live-events: done \(.+\) live; point encoders at: live-main rtmp:\/\/live-main-contosomedianeu/);
    expect(stdout).not.toContain('✗');

    const { browser } = await launchChromium();
    let dom: string;
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(report).href);
      // The document as the browser built it (what `chromium --dump-dom` printed).
      dom = await page.content();
    } finally {
      await browser.close();
    }
    expect(dom).toContain('<h1>Failover demo: West Europe and East US 2 (time 600x)</h1>');
    const pictures = dom.match(/<svg role="img"/g) ?? [];
    expect(pictures).toHaveLength(2);
    // One bar in the picture per row of the steps tables: media 8 + 9, Data Share 6 + 4.
    expect(dom.match(/<g class="step">/g) ?? []).toHaveLength(27);
    expect(dom.match(/<li class="ok">/g) ?? []).toHaveLength(9);
    expect(dom).not.toContain('class="bad"');
  }, 180_000);

  it('plays the governance scenario: Purview after approval, naming its drift, and Dynamics 365 paused and resumed', async () => {
    const report = join(dir, 'report-governance.html');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--scenario', 'governance', '--report', report], {
      cwd: repoRoot,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toMatch(/demo passed\n$/);
    expect(stdout).toContain('before anything happens, the Purview readiness check: NOT READY: contosopurviewwus lacks data sources finance-sql');
    expect(stdout).toMatch(/dynamics: incident incident-\S+ started from Microsoft 365 service health/);
    expect(stdout).toContain('✓ crm:degradedMode is false: Dynamics 365 integrations run again');
    expect(stdout).toContain('✓ the only writes were the two keys, each once each way (crm:degradedMode, crm:degradedMode, purview:activeAccount, purview:activeAccount)');
    expect(stdout).not.toContain('✗');
    expect(existsSync(report)).toBe(true);
  }, 180_000);

  it('refuses an unknown scenario with usage and exit code 2', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--scenario', 'nope'], { cwd: repoRoot }).catch((err: { code: number; stderr: string }) => err);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toBe("--scenario must be one of regions, governance, got 'nope'\nusage: npm run demo -- [--scenario regions|governance] [--time-scale N] [--report FILE]\n");
  }, 60_000);
});
