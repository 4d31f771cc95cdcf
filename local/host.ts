/**
 * The whole local host in one call: settings, the `@azure/functions-core` stand-in, the app's
 * registrations, the durable runtime (through a factory, so this file does not depend on it),
 * the HTTP host and the timer host. `local/main.ts` is the CLI around it; tests start it
 * in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ScaledClock, type Clock } from './clock.js';
import {
  durableClientInputs,
  hostLog,
  installFunctionsCore,
  runAppStartHooks,
  runAppTerminateHooks,
  type HostLogger,
  type LogEntry,
} from './functions-core.js';
import { startHttpHost, type DurableHttpBridge, type HttpHost } from './http-host.js';
import { loadApp, repoRoot, type LoadAppOptions, type RegisteredFunction, type Registry } from './registry.js';
import { startTimerHost, type TimerHost } from './timer-host.js';

/** What a durable runtime factory is given. */
export interface DurableRuntimeContext {
  registry: Registry;
  clock: Clock;
  /** Absolute; the runtime keeps its journal under it. */
  dataDir: string;
  /** The host's master key: the durable HTTP API's system key. */
  masterKey: string;
  /** From TASK_HUB_NAME, else host.json `extensions.durableTask.hubName` (with `%SETTING%` resolved). */
  taskHubName: string;
  /** host.json `extensions.durableTask.overridableExistingInstanceStates`; default NonRunningStates. */
  overridableExistingInstanceStates: 'NonRunningStates' | 'AnyState';
  /** host.json `extensions.durableTask.maxConcurrentActivityFunctions`, when set. */
  maxConcurrentActivityFunctions?: number;
  logger: HostLogger;
}

/** What the host needs back from the durable runtime. */
export interface DurableRuntimeHandle extends DurableHttpBridge {
  /** Called after the HTTP host is listening, with its URL. */
  start?(url: string): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type DurableRuntimeFactory = (context: DurableRuntimeContext) => DurableRuntimeHandle | Promise<DurableRuntimeHandle>;

export interface LocalHostOptions {
  /** The function app directory (host.json, local.settings.json, functions/). Default: the repository root. */
  root?: string;
  /** HTTP port; default env PORT, else 7071; 0 picks a free one. */
  port?: number;
  hostname?: string;
  /** Host time; default a ScaledClock at `timeScale`. */
  clock?: Clock;
  /** Used when no clock is given; default 1. */
  timeScale?: number;
  /** Default `<root>/.local`. Relative paths are resolved against the process's working directory. */
  dataDir?: string;
  /** Default: env LOCAL_FUNCTION_KEY / LOCAL_MASTER_KEY, else generated once and kept in `<dataDir>/keys.json`. */
  functionKey?: string;
  masterKey?: string;
  /** Which modules to import (see loadApp); `false` imports nothing (the caller registered functions itself). */
  app?: LoadAppOptions | false;
  /** Creates the durable runtime; omitted: no durable runtime (durable client inputs stay unset). */
  durable?: DurableRuntimeFactory;
  /** Load `local.settings.json` (else `local.settings.example.json`) Values into process.env first. Default true. */
  loadSettings?: boolean;
  routePrefix?: string;
  maxRequestBodyBytes?: number;
  logger?: HostLogger;
}

export interface LocalHost {
  url: string;
  port: number;
  registry: Registry;
  clock: Clock;
  dataDir: string;
  keys: { functionKey: string; masterKey: string; source: 'options' | 'settings' | 'data-dir' | 'generated' };
  /** The settings file whose Values were applied, if any. */
  settingsFile: string | undefined;
  http: HttpHost;
  timers: TimerHost;
  durable: DurableRuntimeHandle | undefined;
  close(): Promise<void>;
}

export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const root = resolve(options.root ?? repoRoot());
  const logger = options.logger;
  const log = (entry: LogEntry) => hostLog(entry, undefined, logger);
  const settingsFile = options.loadSettings === false ? undefined : loadLocalSettings(root).file;
  const dataDir = resolve(options.dataDir ?? join(root, '.local'));
  mkdirSync(dataDir, { recursive: true });
  const clock = options.clock ?? new ScaledClock(options.timeScale ?? 1);
  const keys = resolveKeys(dataDir, { functionKey: options.functionKey, masterKey: options.masterKey });

  const registry = installFunctionsCore();
  if (options.app !== false) await loadApp(registry, { root, ...(options.app ?? {}) });
  await runAppStartHooks(root);

  const cleanups: (() => unknown)[] = [];
  let durable: DurableRuntimeHandle | undefined;
  let http: HttpHost | undefined;
  let timers: TimerHost | undefined;
  try {
    // ---- durable runtime -------------------------------------------------------------------
    // main.ts passes `createDurableRuntime` from ./durable/index.js here.
    if (options.durable) {
      durable = await options.durable({
        registry,
        clock,
        dataDir,
        masterKey: keys.masterKey,
        taskHubName: taskHubName(root),
        ...durableTaskSettings(root),
        logger: logger ?? ((e) => hostLog(e)),
      });
      const d = durable;
      cleanups.push(() => d.close?.());
    } else {
      const needing = registry.all().filter((f) => durableClientInputs(f).length > 0);
      if (needing.length > 0) {
        log({
          level: 'warning',
          category: 'host',
          message: `no durable runtime: the durable client input of ${needing.map((f) => f.name).join(', ')} stays unset`,
        });
      }
    }

    http = await startHttpHost({
      registry,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
      ...(options.routePrefix !== undefined ? { routePrefix: options.routePrefix } : {}),
      ...(options.maxRequestBodyBytes !== undefined ? { maxRequestBodyBytes: options.maxRequestBodyBytes } : {}),
      ...(durable ? { durable } : {}),
      ...(logger ? { logger } : {}),
      hostJsonPath: join(root, 'host.json'),
      functionKey: keys.functionKey,
      masterKey: keys.masterKey,
    });
    const h = http;
    cleanups.push(() => h.close());
    await durable?.start?.(http.url);

    timers = startTimerHost({
      registry,
      clock,
      dataDir,
      origin: http.url,
      ...(durable ? { durable } : {}),
      ...(logger ? { logger } : {}),
    });
    const t = timers;
    cleanups.push(() => t.stop());
  } catch (err) {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url: http.url,
    port: http.port,
    registry,
    clock,
    dataDir,
    keys,
    settingsFile,
    http,
    timers,
    durable,
    close() {
      closing ??= (async () => {
        // Timers first (no new work), then HTTP, then the durable runtime, then the app's hooks.
        for (const c of cleanups.reverse()) {
          try {
            await c();
          } catch (err) {
            log({ level: 'warning', category: 'host', message: `error while stopping: ${err instanceof Error ? err.message : String(err)}` });
          }
        }
        try {
          await runAppTerminateHooks();
        } catch (err) {
          log({ level: 'warning', category: 'host', message: `an appTerminate hook failed: ${err instanceof Error ? err.message : String(err)}` });
        }
      })();
      return closing;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Settings and keys

/**
 * Copies `Values` of `local.settings.json` (else `local.settings.example.json`) into `env`
 * without overriding variables already set, as Core Tools does.
 */
export function loadLocalSettings(root: string, env: NodeJS.ProcessEnv = process.env): { file: string | undefined; applied: string[] } {
  const file = ['local.settings.json', 'local.settings.example.json'].map((f) => join(root, f)).find((f) => existsSync(f));
  if (!file) return { file: undefined, applied: [] };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const values = (json as { Values?: unknown })?.Values;
  const applied: string[] = [];
  if (values && typeof values === 'object') {
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      if (env[key] !== undefined || value === null || value === undefined) continue;
      env[key] = typeof value === 'string' ? value : String(value);
      applied.push(key);
    }
  }
  return { file, applied };
}

/**
 * The host's keys: given ones, else env LOCAL_FUNCTION_KEY / LOCAL_MASTER_KEY, else the ones kept
 * in `<dataDir>/keys.json`, else new random ones (saved there so they survive restarts).
 */
export function resolveKeys(
  dataDir: string,
  given: { functionKey?: string | undefined; masterKey?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): LocalHost['keys'] {
  if (given.functionKey && given.masterKey) return { functionKey: given.functionKey, masterKey: given.masterKey, source: 'options' };
  const fromEnv = { functionKey: given.functionKey ?? env['LOCAL_FUNCTION_KEY'], masterKey: given.masterKey ?? env['LOCAL_MASTER_KEY'] };
  if (fromEnv.functionKey && fromEnv.masterKey) return { functionKey: fromEnv.functionKey, masterKey: fromEnv.masterKey, source: 'settings' };
  const path = join(dataDir, 'keys.json');
  let stored: { functionKey?: unknown; masterKey?: unknown } = {};
  if (existsSync(path)) {
    try {
      stored = JSON.parse(readFileSync(path, 'utf8')) as typeof stored;
    } catch {
      stored = {};
    }
  }
  const pick = (a: string | undefined, b: unknown) => a || (typeof b === 'string' && b !== '' ? b : undefined);
  let functionKey = pick(fromEnv.functionKey, stored.functionKey);
  let masterKey = pick(fromEnv.masterKey, stored.masterKey);
  let source: LocalHost['keys']['source'] = 'data-dir';
  if (!functionKey || !masterKey) {
    functionKey ??= newKey();
    masterKey ??= newKey();
    source = 'generated';
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, JSON.stringify({ functionKey, masterKey }, null, 2) + '\n', { mode: 0o600 });
  }
  return { functionKey, masterKey, source };
}

function newKey(): string {
  return randomBytes(30).toString('base64url');
}

/** TASK_HUB_NAME, else host.json's durableTask hubName (resolving `%SETTING%`), else `TestHubName`. */
export function taskHubName(root: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env['TASK_HUB_NAME']) return env['TASK_HUB_NAME'];
  const path = join(root, 'host.json');
  if (existsSync(path)) {
    try {
      const json = JSON.parse(readFileSync(path, 'utf8')) as { extensions?: { durableTask?: { hubName?: unknown } } };
      const hub = json.extensions?.durableTask?.hubName;
      if (typeof hub === 'string' && hub !== '') {
        const resolved = hub.replace(/%([^%]+)%/g, (_, name: string) => env[name] ?? '');
        if (resolved !== '') return resolved;
      }
    } catch {
      // host.json problems surface through the HTTP host
    }
  }
  return 'TestHubName';
}

/**
 * host.json's durableTask settings the local runtime honours: overridableExistingInstanceStates
 * (may a start replace a running instance? default NonRunningStates) and
 * maxConcurrentActivityFunctions (activities one worker runs at once; this app's mostly wait on
 * Azure, so it sets more than Azure's default of ten per core).
 */
export function durableTaskSettings(root: string): Pick<DurableRuntimeContext, 'overridableExistingInstanceStates' | 'maxConcurrentActivityFunctions'> {
  const fallback = { overridableExistingInstanceStates: 'NonRunningStates' as const };
  const path = join(root, 'host.json');
  if (!existsSync(path)) return fallback;
  let task: { overridableExistingInstanceStates?: unknown; maxConcurrentActivityFunctions?: unknown } | undefined;
  try {
    task = (JSON.parse(readFileSync(path, 'utf8')) as { extensions?: { durableTask?: typeof task } }).extensions?.durableTask;
  } catch {
    return fallback;
  }
  const states = task?.overridableExistingInstanceStates;
  const max = task?.maxConcurrentActivityFunctions;
  return {
    overridableExistingInstanceStates: typeof states === 'string' && states.toLowerCase() === 'anystate' ? 'AnyState' : 'NonRunningStates',
    ...(typeof max === 'number' && Number.isInteger(max) && max > 0 ? { maxConcurrentActivityFunctions: max } : {}),
  };
}

/** One line per function for the console: URL (with `?code=` when a key is needed), or trigger type. */
export function describeFunctions(host: Pick<LocalHost, 'registry' | 'http' | 'keys' | 'timers' | 'url'>): string[] {
  const routes = new Map(host.http.routes().map((r) => [r.name, r]));
  return host.registry.all().map((fn: RegisteredFunction) => {
    const route = routes.get(fn.name);
    if (route) {
      const level = route.authLevel.toLowerCase();
      const code = level === 'anonymous' ? '' : `?code=${level === 'admin' || level === 'system' ? host.keys.masterKey : host.keys.functionKey}`;
      return `${fn.name}: [${route.methods?.join(',') ?? 'ANY'}] ${host.url}${route.path}${code}`;
    }
    const next = host.timers.nextRun(fn.name);
    return `${fn.name}: ${fn.trigger.type}${next !== undefined ? ` (next run ${new Date(next).toISOString()})` : ''}`;
  });
}
