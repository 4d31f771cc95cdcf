import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, runLocalMain } from '../support/local-main.js';

const tmp = mkdtempSync(join(tmpdir(), 'local-main-'));
afterAll(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

describe('local/main.ts', () => {
  it('serves the app, prints URLs and keys, and exits 0 on SIGINT', async () => {
    const dataDir = join(tmp, 'data');
    const { child, exited, output, waitFor } = runLocalMain(['--port', '0', '--data-dir', dataDir]);
    const [, url] = await waitFor(/Listening on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(output().stdout).toContain(`health: [GET] ${url}/api/health`);
    const keys = JSON.parse(readFileSync(join(dataDir, 'keys.json'), 'utf8')) as { masterKey: string; groupKeys: Record<string, string> };
    expect(output().stdout).toContain(`Webhook key:   ${keys.groupKeys['webhook']}   (LOCAL_WEBHOOK_KEY)`);
    expect(output().stdout).toContain(`On-call key:   ${keys.groupKeys['oncall']}   (LOCAL_ONCALL_KEY)`);
    expect(output().stdout).toContain(`Workflows key: ${keys.groupKeys['workflows']}   (LOCAL_WORKFLOWS_KEY)`);
    expect(output().stdout).toContain(`Master key:    ${keys.masterKey}`);
    expect(output().stdout).toContain(`alerts: [POST] ${url}/api/alerts?code=${keys.groupKeys['webhook']}`);

    const res = await fetch(`${url}/api/health`);
    expect([200, 503]).toContain(res.status);
    expect(res.headers.get('content-type')).toContain('json');
    expect(await res.json()).toHaveProperty('status');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('rejects bad arguments with usage and exit code 2', async () => {
    const { exited, output } = runLocalMain(['--time-scale=-3']);
    expect(await exited).toBe(2);
    expect(output().stderr).toMatch(/--time-scale must be a positive number[\s\S]*usage:/);
  });

  it('refuses an installFunctionsCore() that comes after the app registered (test mode)', async () => {
    const { exited, output } = runLocalMain([], {}, 'test/local/fixtures/too-late.ts');
    expect(await exited).toBe(0);
    expect(output().stdout).toMatch(/RESULT: installFunctionsCore\(\) ran too late/);
  });
});
