/**
 * The whole local host in one call: settings, the `@azure/functions-core` stand-in, the app's
 * registrations, the durable runtime (through a factory, so this file does not depend on it),
 * the HTTP host and the timer host. `local/main.ts` is the CLI around it; tests start it
 * in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resumeScaledClock, type Clock } from './clock.js';
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
import { KEY_GROUP_NAMES, KEY_GROUPS, keyGroupOf } from '../lib/auth/key-groups.js';

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
  /** Host time; default a ScaledClock at `timeScale` that carries on from the last run in `dataDir` (resumeScaledClock). */
  clock?: Clock;
  /** Used when no clock is given; default 1. */
  timeScale?: number;
  /** Default `<root>/.local`. Relative paths are resolved against the process's working directory. */
  dataDir?: string;
  /**
   * Which functions each key group opens; default the app's table (lib/auth/key-groups.ts).
   * A `function`-level function takes its group's key or the master key.
   */
  keyGroups?: Readonly<Record<string, readonly string[]>>;
  /**
   * Each group's key. Default: env `LOCAL_<GROUP>_KEY` (LOCAL_WEBHOOK_KEY, LOCAL_ONCALL_KEY,
   * LOCAL_WORKFLOWS_KEY), else generated once and kept in `<dataDir>/keys.json`.
   */
  groupKeys?: Readonly<Record<string, string | undefined>>;
  /** Default: env LOCAL_MASTER_KEY, else generated once and kept in `<dataDir>/keys.json`. */
  masterKey?: string;
  /** Which modules to import (see loadApp); `false` imports nothing (the caller registered functions itself). */
  app?: LoadAppOptions | false;
  /** Creates the durable runtime; omitted: no durable runtime (durable client inputs stay unset). */
  durable?: DurableRuntimeFactory;
  /** Load `local.settings.json` (else `local.settings.example.json`) Values into process.env first. Default true. */
  loadSettings?: boolean;
  routePrefix?: string;
  /** Default: env LOCAL_MAX_BODY_BYTES, else 1 MB. */
  maxRequestBodyBytes?: number;
  /** How long a request body may take to arrive before a 408; default env LOCAL_BODY_TIMEOUT_MS, else 30 s. */
  bodyTimeoutMs?: number;
  logger?: HostLogger;
}

export interface HostKeys {
  /** Opens every function and the durable management API. */
  masterKey: string;
  /** The key of each key group, by group name. */
  groups: Readonly<Record<string, string>>;
  source: 'options' | 'settings' | 'data-dir' | 'generated';
}

export interface LocalHost {
  url: string;
  port: number;
  registry: Registry;
  clock: Clock;
  dataDir: string;
  keys: HostKeys;
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
  // Host time carries on from the last run in this data dir: it never goes back across a restart.
  const clock = options.clock ?? resumeScaledClock(dataDir, options.timeScale ?? 1);
  const keyGroups = options.keyGroups ?? KEY_GROUPS;
  const keys = resolveKeys(dataDir, { masterKey: options.masterKey, groupKeys: options.groupKeys }, process.env, Object.keys(keyGroups));
  if (process.env['LOCAL_FUNCTION_KEY']) {
    log({
      level: 'warning',
      category: 'host',
      message: `LOCAL_FUNCTION_KEY is no longer used: each key group has a key of its own (${Object.keys(keyGroups).map(groupKeySetting).join(', ')}), and LOCAL_MASTER_KEY opens everything`,
    });
  }

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
        // Through hostLog even with a logger given: its lines have keys redacted like every other.
        logger: (e) => hostLog(e, undefined, logger),
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
      keyGroups,
      groupKeys: keys.groups,
      masterKey: keys.masterKey,
      ...limitsFromEnv(options),
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

/** The setting that gives a key group's key: `LOCAL_ONCALL_KEY` for `oncall`. */
export function groupKeySetting(group: string): string {
  return `LOCAL_${group.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_KEY`;
}

/**
 * The host's keys, each on its own: the given one, else its setting (LOCAL_MASTER_KEY,
 * `LOCAL_<GROUP>_KEY`), else the one kept in `<dataDir>/keys.json` (`{ masterKey, groupKeys }`),
 * else a new random one, saved there so it survives restarts (the CLI reads the on-call key from
 * that file). A keys.json of the older shape keeps its master key; its shared `functionKey` is
 * dropped.
 */
export function resolveKeys(
  dataDir: string,
  given: { masterKey?: string | undefined; groupKeys?: Readonly<Record<string, string | undefined>> | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
  groupNames: readonly string[] = KEY_GROUP_NAMES,
): HostKeys {
  const path = join(dataDir, 'keys.json');
  let stored: { masterKey?: unknown; groupKeys?: Record<string, unknown> } = {};
  if (existsSync(path)) {
    try {
      stored = JSON.parse(readFileSync(path, 'utf8')) as typeof stored;
    } catch {
      stored = {};
    }
  }
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const origins = new Set<'options' | 'settings' | 'data-dir' | 'generated'>();
  const kept: { masterKey?: string; groupKeys: Record<string, string> } = { groupKeys: {} };
  let changed = false;
  const resolve1 = (givenKey: string | undefined, setting: string, storedKey: unknown, keep: (k: string) => void): string => {
    const fromEnv = text(env[setting]);
    const fromFile = text(storedKey);
    if (givenKey) {
      origins.add('options');
      return givenKey;
    }
    if (fromEnv !== undefined) {
      origins.add('settings');
      return fromEnv;
    }
    const key = fromFile ?? newKey();
    origins.add(fromFile !== undefined ? 'data-dir' : 'generated');
    if (fromFile === undefined) changed = true;
    keep(key);
    return key;
  };
  const masterKey = resolve1(given.masterKey, 'LOCAL_MASTER_KEY', stored.masterKey, (k) => (kept.masterKey = k));
  const groups: Record<string, string> = {};
  for (const group of groupNames) {
    groups[group] = resolve1(given.groupKeys?.[group], groupKeySetting(group), stored.groupKeys?.[group], (k) => (kept.groupKeys[group] = k));
  }
  if (changed || 'functionKey' in stored) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, JSON.stringify({ ...stored, ...kept, groupKeys: { ...(stored.groupKeys ?? {}), ...kept.groupKeys }, functionKey: undefined }, null, 2) + '\n', { mode: 0o600 });
  }
  const source = origins.has('generated') ? 'generated' : origins.has('data-dir') ? 'data-dir' : origins.has('settings') ? 'settings' : 'options';
  return { masterKey, groups, source };
}

/** Body limits from the options, else LOCAL_MAX_BODY_BYTES / LOCAL_BODY_TIMEOUT_MS, else the HTTP host's defaults. */
function limitsFromEnv(options: Pick<LocalHostOptions, 'maxRequestBodyBytes' | 'bodyTimeoutMs'>, env: NodeJS.ProcessEnv = process.env): { maxRequestBodyBytes?: number; bodyTimeoutMs?: number } {
  const positive = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a whole number above zero, got "${raw}"`);
    return n;
  };
  const maxRequestBodyBytes = options.maxRequestBodyBytes ?? positive('LOCAL_MAX_BODY_BYTES');
  const bodyTimeoutMs = options.bodyTimeoutMs ?? positive('LOCAL_BODY_TIMEOUT_MS');
  return { ...(maxRequestBodyBytes !== undefined ? { maxRequestBodyBytes } : {}), ...(bodyTimeoutMs !== undefined ? { bodyTimeoutMs } : {}) };
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
      const group = level === 'function' ? keyGroupOf(fn.name, host.http.keyGroups) : undefined;
      const code = level === 'anonymous' ? '' : `?code=${group !== undefined ? host.keys.groups[group] : host.keys.masterKey}`;
      return `${fn.name}: [${route.methods?.join(',') ?? 'ANY'}] ${host.url}${route.path}${code}`;
    }
    const next = host.timers.nextRun(fn.name);
    return `${fn.name}: ${fn.trigger.type}${next !== undefined ? ` (next run ${new Date(next).toISOString()})` : ''}`;
  });
}
