import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { functionsCore, installFunctionsCore, setHostLogger, type LogEntry } from '../../local/functions-core.js';
import { describeFunctions, loadLocalSettings, resolveKeys, startLocalHost, taskHubName, type DurableRuntimeContext } from '../../local/host.js';
import { globToRegExp, loadApp } from '../../local/registry.js';

const registry = installFunctionsCore();
const logs: LogEntry[] = [];
setHostLogger((e) => logs.push(e));

const fixtureRoot = fileURLToPath(new URL('./fixtures/app', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'local-host-'));
afterAll(() => {
  setHostLogger(undefined);
  rmSync(tmp, { recursive: true, force: true });
});

const hookEvents: string[] = [];
app.hook.appStart(() => void hookEvents.push('appStart'));
app.hook.appTerminate(() => void hookEvents.push('appTerminate'));
app.hook.preInvocation((ctx) => {
  hookEvents.push(`pre:${ctx.invocationContext.functionName}`);
  if (ctx.invocationContext.functionName === 'hooked') {
    const original = ctx.functionHandler;
    ctx.functionHandler = (...args: unknown[]) => ({ jsonBody: { wrapped: true, inner: (original(...(args as [never, never])) as { jsonBody: unknown }).jsonBody } });
  }
});
app.hook.postInvocation((ctx) => {
  hookEvents.push(`post:${ctx.invocationContext.functionName}`);
  if (ctx.invocationContext.functionName === 'rescued') {
    ctx.error = undefined;
    ctx.result = { status: 299, body: 'rescued' };
  }
});

app.get('hooked', { handler: () => ({ jsonBody: { original: true } }) });
app.get('rescued', {
  handler: () => {
    throw new Error('rescued by a hook');
  },
});
app.get('withKey', { authLevel: 'function', route: 'keyed/{id}', handler: () => ({ body: 'ok' }) });
df.app.client.http('durableStarter', { route: 'orchestrators/{name}', methods: ['POST'], handler: (_req, client) => ({ jsonBody: { hub: client.taskHubName } }) });

describe('startLocalHost', () => {
  it('starts everything in-process with a durable runtime factory, and closes cleanly', async () => {
    const clock = new VirtualClock();
    const seen: { ctx?: DurableRuntimeContext; startedWith?: string; closed: boolean } = { closed: false };
    const host = await startLocalHost({
      app: false,
      port: 0,
      clock,
      dataDir: join(tmp, 'data'),
      loadSettings: false,
      keyGroups: { fixture: ['withKey'] },
      durable: (ctx) => {
        seen.ctx = ctx;
        return {
          clientData: (origin) => ({ taskHubName: ctx.taskHubName, creationUrls: { origin }, managementUrls: {} }),
          handle: async () => false,
          start: (url) => void (seen.startedWith = url),
          close: () => void (seen.closed = true),
        };
      },
    });
    try {
      expect(seen.ctx?.registry).toBe(registry);
      expect(seen.ctx?.clock).toBe(clock);
      expect(seen.ctx?.masterKey).toBe(host.keys.masterKey);
      expect(seen.ctx?.dataDir).toBe(join(tmp, 'data'));
      expect(seen.startedWith).toBe(host.url);
      expect(host.keys.source).toBe('generated');
      expect(JSON.parse(readFileSync(join(tmp, 'data', 'keys.json'), 'utf8'))).toEqual({ masterKey: host.keys.masterKey, groupKeys: { fixture: host.keys.groups['fixture'] } });

      const hooked = await fetch(`${host.url}/api/hooked`);
      expect(await hooked.json()).toEqual({ wrapped: true, inner: { original: true } });
      const rescued = await fetch(`${host.url}/api/rescued`);
      expect(rescued.status).toBe(299);
      expect(await rescued.text()).toBe('rescued');
      expect(hookEvents).toEqual(['appStart', 'pre:hooked', 'post:hooked', 'pre:rescued', 'post:rescued']);

      const started = await fetch(`${host.url}/api/orchestrators/x`, { method: 'POST' });
      expect(await started.json()).toEqual({ hub: seen.ctx?.taskHubName });

      const lines = describeFunctions(host);
      expect(lines).toContain(`withKey: [GET] ${host.url}/api/keyed/{id}?code=${host.keys.groups['fixture']}`);
      expect(lines).toContain(`hooked: [GET] ${host.url}/api/hooked`);
    } finally {
      await host.close();
    }
    expect(seen.closed).toBe(true);
    expect(hookEvents.at(-1)).toBe('appTerminate');
    await expect(fetch(`${host.url}/api/hooked`)).rejects.toThrow();
  });

  it('loads an app directory: its registrations, host.json route prefix and task hub', async () => {
    const loaded = await loadApp(registry, { root: fixtureRoot, dir: 'functions' });
    expect(loaded.files.map((f) => f.split('/').at(-1))).toEqual(['ping.ts', 'tick.ts']);
    expect(loaded.functions.map((f) => f.name)).toEqual(['fixturePing', 'fixtureTick']);
    // Loading again imports nothing new (modules are cached) and registers nothing twice.
    expect((await loadApp(registry, { root: fixtureRoot, dir: 'functions' })).functions).toEqual([]);

    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const host = await startLocalHost({ root: fixtureRoot, port: 0, clock, dataDir: join(tmp, 'fixture-data'), keyGroups: { fixture: ['fixturePing'] }, groupKeys: { fixture: 'fk' }, masterKey: 'mk', loadSettings: false });
    try {
      expect(host.keys.source).toBe('options');
      expect((await fetch(`${host.url}/fx/ping/7`)).status).toBe(401);
      expect(await (await fetch(`${host.url}/fx/ping/7?code=fk`)).json()).toEqual({ pong: '7' });
      expect(await (await fetch(`${host.url}/fx/ping`, { headers: { 'x-functions-key': 'mk' } })).json()).toEqual({ pong: null });
      expect((await fetch(`${host.url}/api/hooked`)).status).toBe(404);

      const { fixtureTicks } = await import('./fixtures/app/functions/tick.js');
      clock.advanceToNext();
      await host.timers.idle();
      expect(fixtureTicks).toEqual(['2026-01-01T01:00:00.000Z']);
    } finally {
      await host.close();
    }
  });

  it('reports a bad import naming the file', async () => {
    const dir = join(tmp, 'broken');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.mjs'), 'throw new Error("module exploded");\n');
    await expect(loadApp(registry, { root: tmp, dir: 'broken', pattern: '*.mjs' })).rejects.toThrow(/broken\/bad\.mjs: module exploded/);
  });

  it('refuses to start on a port in use', async () => {
    const first = await startLocalHost({ app: false, port: 0, clock: new VirtualClock(), dataDir: join(tmp, 'd1'), loadSettings: false });
    try {
      await expect(startLocalHost({ app: false, port: first.port, clock: new VirtualClock(), dataDir: join(tmp, 'd2'), loadSettings: false })).rejects.toThrow(
        /already in use/,
      );
    } finally {
      await first.close();
    }
  });
});

describe('settings and keys', () => {
  it('loads local.settings.json Values without overriding the environment', () => {
    const root = join(tmp, 'settings');
    rmSync(root, { recursive: true, force: true });
    const env: NodeJS.ProcessEnv = { KEEP: 'from-env' };
    expect(loadLocalSettings(join(tmp, 'nowhere'), env)).toEqual({ file: undefined, applied: [] });
    const write = (name: string, values: Record<string, unknown>) => {
      mkdirSync(root, { recursive: true });
      writeFileSync(join(root, name), JSON.stringify({ IsEncrypted: false, Values: values }));
    };
    write('local.settings.example.json', { FROM_EXAMPLE: '1' });
    expect(loadLocalSettings(root, env).applied).toEqual(['FROM_EXAMPLE']);
    write('local.settings.json', { KEEP: 'from-file', NEW: 'x', NUM: 5 });
    const result = loadLocalSettings(root, env);
    expect(result.file).toBe(join(root, 'local.settings.json'));
    expect(result.applied).toEqual(['NEW', 'NUM']);
    expect(env).toMatchObject({ KEEP: 'from-env', NEW: 'x', NUM: '5' });
  });

  it('takes each key from settings, else the data dir, else generates and keeps it', () => {
    const dir = join(tmp, 'keys');
    const settings = { LOCAL_MASTER_KEY: 'm', LOCAL_WEBHOOK_KEY: 'w', LOCAL_ONCALL_KEY: 'o', LOCAL_WORKFLOWS_KEY: 'p' };
    expect(resolveKeys(dir, {}, settings)).toEqual({ masterKey: 'm', groups: { webhook: 'w', oncall: 'o', workflows: 'p' }, source: 'settings' });
    expect(existsSync(join(dir, 'keys.json'))).toBe(false);
    const generated = resolveKeys(dir, {}, {});
    expect(generated.source).toBe('generated');
    expect(new Set([generated.masterKey, ...Object.values(generated.groups)]).size).toBe(4);
    expect(JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'))).toEqual({ masterKey: generated.masterKey, groupKeys: generated.groups });
    expect(resolveKeys(dir, {}, {})).toEqual({ ...generated, source: 'data-dir' });
    // One key from its setting, the others from the data dir.
    expect(resolveKeys(dir, {}, { LOCAL_ONCALL_KEY: 'o' })).toEqual({ ...generated, groups: { ...generated.groups, oncall: 'o' }, source: 'data-dir' });
  });

  it('keeps the master key of a keys.json of the older shape, and gives each group a key of its own instead of the shared one', () => {
    const dir = join(tmp, 'old-keys');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keys.json'), JSON.stringify({ functionKey: 'shared', masterKey: 'kept' }));
    const keys = resolveKeys(dir, {}, { LOCAL_FUNCTION_KEY: 'shared' });
    expect(keys.masterKey).toBe('kept');
    expect(Object.keys(keys.groups)).toEqual(['webhook', 'oncall', 'workflows']);
    expect(Object.values(keys.groups)).not.toContain('shared');
    const file = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual({ masterKey: 'kept', groupKeys: keys.groups });
  });

  it('resolves the task hub name', () => {
    expect(taskHubName(fixtureRoot, { TASK_HUB_NAME: 'direct' })).toBe('direct');
    expect(taskHubName(fixtureRoot, { FIXTURE_HUB: 'fromhostjson' })).toBe('fromhostjson');
    expect(taskHubName(join(tmp, 'nowhere'), {})).toBe('TestHubName');
  });
});

describe('functions-core stand-in', () => {
  it('is what require("@azure/functions-core") returns, and installing is idempotent', async () => {
    const { createRequire } = await import('node:module');
    const req = createRequire(import.meta.url);
    expect(req('@azure/functions-core')).toBe(functionsCore());
    expect(installFunctionsCore()).toBe(registry);
    expect(functionsCore().getProgrammingModel()).toMatchObject({ name: '@azure/functions' });
  });

  it('matches globs', () => {
    expect(globToRegExp('*.ts').test('a.ts')).toBe(true);
    expect(globToRegExp('*.ts').test('sub/a.ts')).toBe(false);
    expect(globToRegExp('**/*.{ts,js}').test('sub/deep/a.js')).toBe(true);
    expect(globToRegExp('**/*.{ts,js}').test('a.ts')).toBe(true);
  });
});
