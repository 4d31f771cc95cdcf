import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'local-main-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of ['PORT', 'TIME_SCALE', 'LOCAL_DATA_DIR', 'LOCAL_FUNCTION_KEY', 'LOCAL_MASTER_KEY', 'LOCAL_WEBHOOK_KEY', 'LOCAL_ONCALL_KEY', 'LOCAL_WORKFLOWS_KEY', 'LOCAL_MAX_BODY_BYTES', 'LOCAL_BODY_TIMEOUT_MS']) if (!(k in env)) delete childEnv[k];
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => ({ stdout, stderr });
  const waitFor = (re: RegExp, ms = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
      const check = () => {
        const m = stdout.match(re);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      child.stdout!.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`exited before ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      });
      check();
    });
  return { child, exited, output, waitFor };
}

describe('local/main.ts', () => {
  it('serves the app, prints URLs and keys, and exits 0 on SIGINT', async () => {
    const dataDir = join(tmp, 'data');
    const { child, exited, output, waitFor } = run(['local/main.ts', '--port', '0', '--data-dir', dataDir]);
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
    const { exited, output } = run(['local/main.ts', '--time-scale=-3']);
    expect(await exited).toBe(2);
    expect(output().stderr).toMatch(/--time-scale must be a positive number[\s\S]*usage:/);
  });

  it('refuses an installFunctionsCore() that comes after the app registered (test mode)', async () => {
    const { exited, output } = run(['test/local/fixtures/too-late.ts']);
    expect(await exited).toBe(0);
    expect(output().stdout).toMatch(/RESULT: installFunctionsCore\(\) ran too late/);
  });
});
