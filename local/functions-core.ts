/**
 * A stand-in for `@azure/functions-core`, the module the Azure Functions Node worker injects.
 * `@azure/functions` `require`s it lazily on the first `app.*` call; when it is missing the
 * library switches to "test mode" and silently drops every registration. Installing this module
 * before the app's first `app.*` call lets the local host capture the registrations (metadata +
 * the handler the worker would call) in a Registry, and run hooks the way the worker does.
 *
 * The resolution hook lives in CommonJS land (`Module._resolveFilename` + `Module._cache`), where
 * the library's `require` looks; it works under plain node, tsx and vitest. State is kept on
 * `globalThis` so that two copies of this file (a test runner's module graph and the app's)
 * share one registry.
 */
import { randomUUID } from 'node:crypto';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import azureFunctions, { type InvocationContext } from '@azure/functions';
import {
  FunctionRegistry,
  invocationBindings,
  type CoreFunctionMetadata,
  type Disposable,
  type FunctionHandler,
  type Registry,
  type RegisteredFunction,
} from './registry.js';

export const CORE_MODULE_NAME = '@azure/functions-core';

export type LogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';

export interface LogEntry {
  level: LogLevel | (string & {});
  /** `system` (the library), `user` (context.log & co.) or `host` (the local host itself). */
  category: 'system' | 'user' | 'host' | (string & {});
  message: string;
  functionName?: string;
  invocationId?: string;
}

export type HostLogger = (entry: LogEntry) => void;

export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type HookCallback = (context: Record<string, unknown>) => unknown;

/** What the worker's `@azure/functions-core` offers the library. */
export interface FunctionsCoreApi {
  readonly version: string;
  setProgrammingModel(model: unknown): void;
  getProgrammingModel(): unknown;
  registerFunction(metadata: CoreFunctionMetadata, handler: FunctionHandler): Disposable;
  registerHook(hookName: string, callback: HookCallback): Disposable;
  log(level: string, category: string, message: string): void;
  Disposable: typeof CoreDisposable;
}

class CoreDisposable implements Disposable {
  static from(...items: { dispose(): unknown }[]): CoreDisposable {
    return new CoreDisposable(() => {
      for (const item of items) item.dispose();
    });
  }
  private disposed = false;
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.callOnDispose();
  }
}

interface CoreState {
  installed: boolean;
  registry: FunctionRegistry;
  programmingModel: unknown;
  hooks: Map<string, HookCallback[]>;
  appHookData: Record<string, unknown>;
  logger: HostLogger;
  api: FunctionsCoreApi;
}

const STATE_KEY = Symbol.for('azure-functions-local-host.functions-core');
const VALID_HOOKS = new Set<string>(['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log']);

function state(): CoreState {
  const g = globalThis as { [STATE_KEY]?: CoreState };
  if (g[STATE_KEY]) return g[STATE_KEY];
  const s: CoreState = {
    installed: false,
    registry: new FunctionRegistry(),
    programmingModel: undefined,
    hooks: new Map(),
    appHookData: {},
    logger: consoleLogger,
    api: undefined as unknown as FunctionsCoreApi,
  };
  s.api = {
    version: 'local',
    setProgrammingModel(model) {
      s.programmingModel = model;
    },
    getProgrammingModel() {
      return s.programmingModel;
    },
    registerFunction(metadata, handler) {
      const registration = s.registry.register(metadata, handler);
      return new CoreDisposable(() => registration.dispose());
    },
    registerHook(hookName, callback) {
      if (!VALID_HOOKS.has(hookName)) throw new RangeError(`Unrecognized hook "${hookName}"`);
      if (typeof callback !== 'function') throw new TypeError(`The ${hookName} hook callback is not a function`);
      const list = s.hooks.get(hookName) ?? [];
      list.push(callback);
      s.hooks.set(hookName, list);
      return new CoreDisposable(() => {
        const current = s.hooks.get(hookName) ?? [];
        s.hooks.set(
          hookName,
          current.filter((c) => c !== callback),
        );
      });
    },
    log(level, category, message) {
      hostLog({ level, category, message });
    },
    Disposable: CoreDisposable,
  };
  g[STATE_KEY] = s;
  return s;
}

interface ModuleInternals {
  new (id: string, parent?: unknown): { filename: string; loaded: boolean; exports: unknown; paths: string[] };
  _resolveFilename(request: string, ...rest: unknown[]): string;
  _cache: Record<string, unknown>;
}

const here = fileURLToPath(import.meta.url);
/** A path nothing else uses: the key of the stand-in in the CommonJS module cache. */
const VIRTUAL_FILENAME = join(dirname(here), '__virtual__', 'azure-functions-core.cjs');
const RESOLVE_HOOKED = Symbol.for('azure-functions-local-host.resolve-hooked');

/**
 * Makes `require('@azure/functions-core')` resolve to the stand-in and returns the registry the
 * app's registrations land in. Idempotent. Throws if `@azure/functions` already switched to test
 * mode (an `app.*` call ran first), since the library caches that decision forever.
 */
export function installFunctionsCore(): Registry {
  const s = state();
  const M = Module as unknown as ModuleInternals;
  if (!(M._cache[VIRTUAL_FILENAME] && (M._cache[VIRTUAL_FILENAME] as { exports: unknown }).exports === s.api)) {
    const mod = new M(VIRTUAL_FILENAME, null);
    mod.filename = VIRTUAL_FILENAME;
    mod.loaded = true;
    mod.paths = [];
    mod.exports = s.api;
    M._cache[VIRTUAL_FILENAME] = mod;
  }
  const current = M._resolveFilename as ModuleInternals['_resolveFilename'] & { [RESOLVE_HOOKED]?: true };
  if (!current[RESOLVE_HOOKED]) {
    const original = M._resolveFilename;
    const hooked = function (this: unknown, request: string, ...rest: unknown[]): string {
      if (request === CORE_MODULE_NAME) return VIRTUAL_FILENAME;
      return original.call(this, request, ...rest);
    } as ModuleInternals['_resolveFilename'] & { [RESOLVE_HOOKED]?: true };
    hooked[RESOLVE_HOOKED] = true;
    M._resolveFilename = hooked;
  }
  if (!s.installed) {
    s.installed = true;
    assertNotInTestMode(s);
  }
  return s.registry;
}

/** True once installFunctionsCore() has run in this process. */
export function isFunctionsCoreInstalled(): boolean {
  return state().installed;
}

/** The stand-in module object itself (what `require('@azure/functions-core')` returns). */
export function functionsCore(): FunctionsCoreApi {
  return state().api;
}

/** The registry registrations land in (the same one installFunctionsCore() returns). */
export function functionsRegistry(): FunctionRegistry {
  return state().registry;
}

function assertNotInTestMode(s: CoreState): void {
  // The library's own probe is not exported; registering (and dropping) a hook goes through
  // it: in test mode the library warns and never reaches registerHook.
  const requireHere = createRequire(import.meta.url);
  const lib = requireHere('@azure/functions') as typeof azureFunctions;
  const before = s.hooks.get('appStart')?.length ?? 0;
  let reached = false;
  const probe = lib.app.hook.appStart(() => undefined);
  reached = (s.hooks.get('appStart')?.length ?? 0) > before;
  probe.dispose();
  if (!reached) {
    s.installed = false;
    throw new Error(
      'installFunctionsCore() ran too late: "@azure/functions" has already switched to test mode (an app.* call ran ' +
        'before the stand-in was installed) and will drop every registration. Call installFunctionsCore() before ' +
        "importing the app's function modules.",
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Logging

const CONSOLE_LEVELS: Record<string, number> = { trace: 0, debug: 1, information: 2, warning: 3, error: 4, critical: 5, none: 6 };

/** The default logger: information and above (debug too with LOCAL_HOST_VERBOSE=1), one line each. */
export function consoleLogger(entry: LogEntry): void {
  const rank = CONSOLE_LEVELS[entry.level] ?? 2;
  const min = process.env['LOCAL_HOST_VERBOSE'] ? 0 : 2;
  if (rank < min || entry.level === 'none') return;
  const who = entry.functionName ? `[${entry.functionName}] ` : '';
  const line = `[${new Date().toISOString()}] ${who}${entry.message}`;
  if (rank >= 3) console.error(line);
  else console.log(line);
}

/** Replaces the process-wide logger (tests silence or capture it); undefined restores the console. */
export function setHostLogger(logger: HostLogger | undefined): void {
  state().logger = logger ?? consoleLogger;
}

export function hostLogger(): HostLogger {
  return state().logger;
}

/**
 * A log line with every function key replaced by `***`: `code=<key>` in URLs and
 * `x-functions-key: <key>` in headers (printed or as JSON).
 */
export function redactKeys(text: string): string {
  return text.replace(/(\bcode=)[^&#\s"'<>]*/gi, '$1***').replace(/(x-functions-key["']?\s*[:=]\s*["']?)[^\s"',;}]+/gi, '$1***');
}

/**
 * Logs through the app's `app.hook.log` hooks (which may rewrite level and message), then the
 * logger. Every line comes through here, so keys are redacted here, once, as the message enters
 * (lib code may log a URL, a function its request): the hooks and the logger never see one.
 */
export function hostLog(entry: LogEntry, invocationContext?: InvocationContext, logger?: HostLogger): void {
  const s = state();
  const hooks = s.hooks.get('log') ?? [];
  let level = entry.level;
  let message = redactKeys(entry.message);
  if (hooks.length > 0) {
    const ctx: Record<string, unknown> = {
      hookData: {},
      appHookData: s.appHookData,
      level,
      category: entry.category,
      message,
      invocationContext,
    };
    for (const hook of hooks) {
      try {
        hook(ctx);
      } catch (err) {
        console.error(`[local host] a log hook threw: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    level = typeof ctx['level'] === 'string' ? ctx['level'] : level;
    message = typeof ctx['message'] === 'string' ? ctx['message'] : message;
  }
  (logger ?? s.logger)({ ...entry, level, message });
}

// ---------------------------------------------------------------------------------------------
// Hooks and invocations, as the worker runs them

/** Runs every hook registered under `name`, in order, awaiting each (as the worker does). */
export async function runHooks(name: HookName, context: Record<string, unknown>): Promise<void> {
  const s = state();
  // Hooks change the context in place (functionCallback, inputs, result, error): pass it as is.
  context['appHookData'] ??= s.appHookData;
  for (const hook of [...(s.hooks.get(name) ?? [])]) {
    await hook(context);
  }
}

/** `appStart` hooks; the worker runs them once the app's modules are loaded. */
export function runAppStartHooks(functionAppDirectory: string): Promise<void> {
  return runHooks('appStart', { hookData: {}, functionAppDirectory });
}

/** `appTerminate` hooks; the worker runs them when the host shuts the worker down. */
export function runAppTerminateHooks(): Promise<void> {
  return runHooks('appTerminate', { hookData: {} });
}

export interface RetryContext {
  retryCount: number;
  maxRetryCount: number;
  exception?: { message?: string; source?: string; stackTrace?: string };
}

export interface CreateContextOptions {
  invocationId?: string;
  logger?: HostLogger;
  retryContext?: RetryContext;
  triggerMetadata?: Record<string, unknown>;
}

/** An InvocationContext built as the worker builds it for this function. */
export function createInvocationContext(fn: RegisteredFunction, options: CreateContextOptions = {}): InvocationContext {
  const invocationId = options.invocationId ?? randomUUID();
  // The holder lets the log handler pass the context to log hooks without a use-before-define.
  const holder: { context?: InvocationContext } = {};
  const context = new azureFunctions.InvocationContext({
    invocationId,
    functionName: fn.name,
    logHandler: (level, ...args) =>
      hostLog({ level, category: 'user', message: format(...args), functionName: fn.name, invocationId }, holder.context, options.logger),
    ...(options.retryContext ? { retryContext: options.retryContext } : {}),
    ...(options.triggerMetadata ? { triggerMetadata: options.triggerMetadata } : {}),
    options: invocationBindings(fn) as never,
  });
  holder.context = context;
  return context;
}

/** The durable client input bindings (`durableClient` / `orchestrationClient`) of a function. */
export function durableClientInputs(fn: RegisteredFunction): { type: string; name: string }[] {
  return invocationBindings(fn).extraInputs.filter((i) => i.type === 'durableClient' || i.type === 'orchestrationClient');
}

/** Sets the client data for each durable client input, as the Durable extension would. */
export async function bindDurableClients(
  fn: RegisteredFunction,
  context: InvocationContext,
  clientData: (() => unknown) | undefined,
): Promise<void> {
  const inputs = durableClientInputs(fn);
  if (inputs.length === 0 || !clientData) return;
  const data = await clientData();
  for (const input of inputs) context.extraInputs.set(input.name, data);
}

/**
 * Calls the function's handler with `inputs` then the context, wrapped in the app's
 * preInvocation / postInvocation hooks exactly as the worker does (a preInvocation hook may
 * replace the handler or the inputs; a postInvocation hook may replace the result or the error).
 */
export async function invokeFunction(fn: RegisteredFunction, inputs: unknown[], context: InvocationContext): Promise<unknown> {
  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = { hookData, invocationContext: context, functionCallback: fn.handler, inputs };
  await runHooks('preInvocation', pre);
  const handler = (typeof pre['functionCallback'] === 'function' ? pre['functionCallback'] : fn.handler) as FunctionHandler;
  const args = Array.isArray(pre['inputs']) ? (pre['inputs'] as unknown[]) : inputs;
  let result: unknown;
  let error: unknown;
  try {
    result = await handler(...args, context);
  } catch (err) {
    error = err;
  }
  const post: Record<string, unknown> = { hookData, invocationContext: context, inputs: args, result, error };
  await runHooks('postInvocation', post);
  if (post['error'] !== undefined && post['error'] !== null) throw post['error'];
  return post['result'];
}
