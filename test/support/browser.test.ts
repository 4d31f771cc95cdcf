/**
 * The browser the tests use: CHROMIUM_PATH, else the system's, else the one `npm ci` installs
 * (@sparticuz/chromium). The last is launched here whatever the machine has, so a bare machine's
 * path is exercised by the suite itself: it starts, runs a page's script and posts a form.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SYSTEM_CHROMIUM, chooseChromium, launchChromium } from './browser.js';

describe('chooseChromium', () => {
  const only = (...present: string[]) => (path: string) => present.includes(path);

  it('takes CHROMIUM_PATH first, then the system browser, then the packaged one', () => {
    expect(chooseChromium({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, exists: only('/opt/chrome/chrome', SYSTEM_CHROMIUM) })).toEqual({ source: 'CHROMIUM_PATH', path: '/opt/chrome/chrome' });
    expect(chooseChromium({ env: {}, exists: only(SYSTEM_CHROMIUM) })).toEqual({ source: 'system', path: SYSTEM_CHROMIUM });
    expect(chooseChromium({ env: { CHROMIUM_PATH: '' }, exists: only() })).toEqual({ source: 'packaged' });
  });

  it('uses the packaged browser when told to, whatever else the machine has', () => {
    const everything = only('/opt/chrome/chrome', SYSTEM_CHROMIUM);
    expect(chooseChromium({ env: { FAILOVER_TEST_BROWSER: 'packaged', CHROMIUM_PATH: '/opt/chrome/chrome' }, exists: everything })).toEqual({ source: 'packaged' });
    expect(chooseChromium({ env: { CHROMIUM_PATH: '/opt/chrome/chrome' }, prefer: 'packaged', exists: everything })).toEqual({ source: 'packaged' });
  });

  it('names a CHROMIUM_PATH that is not there, and a FAILOVER_TEST_BROWSER it does not know', () => {
    expect(() => chooseChromium({ env: { CHROMIUM_PATH: '/nowhere/chromium' }, exists: only(SYSTEM_CHROMIUM) })).toThrow(/CHROMIUM_PATH names \/nowhere\/chromium, which does not exist/);
    expect(() => chooseChromium({ env: { FAILOVER_TEST_BROWSER: 'system' }, exists: only() })).toThrow(/FAILOVER_TEST_BROWSER must be 'packaged' or unset, got 'system'/);
  });
});

describe('the packaged Chromium (@sparticuz/chromium)', () => {
  it('launches without any system browser, runs a page script and posts a form', async () => {
    let posted = '';
    const server = createServer((req, res) => {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          posted = body;
          res.setHeader('content-type', 'text/html');
          res.end('<h1>Posted</h1>');
        });
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end('<form method="post"><input name="comment"><button type="submit">Send</button></form><p id="js"></p><script>document.getElementById("js").textContent = "script ran"</script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { browser, source, executablePath } = await launchChromium({ prefer: 'packaged' });
    try {
      expect(source).toBe('packaged');
      expect(executablePath).not.toBe(SYSTEM_CHROMIUM);
      expect(executablePath.startsWith(tmpdir())).toBe(true);
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await page.locator('#js').textContent()).toBe('script ran');
      await page.fill('input[name="comment"]', 'from the packaged browser');
      await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(await page.locator('h1').textContent()).toBe('Posted');
      expect(posted).toBe('comment=from+the+packaged+browser');
    } finally {
      await browser.close();
      server.close();
    }
  }, 120_000);
});
