/**
 * The app's function registrations as the local host captured them through the
 * `@azure/functions-core` stand-in (./functions-core.ts), and `loadApp`, which imports the app's
 * modules so that their `app.*` / `df.app.*` calls run and register.
 *
 * A registration is exactly what `@azure/functions` hands the worker: the metadata built by its
 * `toCoreFunctionMetadata(name, options)` (`{ name, bindings: { <name>: { type, direction, ... } },
 * retryOptions }`) and the handler the worker would call.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BindingMetadata {
  type: string;
  direction: 'in' | 'out' | 'inout' | (string & {});
  [key: string]: unknown;
}

/** The binding whose type ends in `Trigger` (`httpTrigger`, `timerTrigger`, `orchestrationTrigger`, ...). */
export interface TriggerBinding {
  type: string;
  name: string;
  [key: string]: unknown;
}

/** `{ seconds }` as `@azure/functions`' `toRpcDuration` produces it. */
export interface CoreDuration {
  seconds?: number;
  nanos?: number;
}

export interface CoreRetryOptions {
  strategy?: string;
  retryStrategy?: string;
  maxRetryCount?: number;
  delayInterval?: CoreDuration;
  minimumInterval?: CoreDuration;
  maximumInterval?: CoreDuration;
  [key: string]: unknown;
}

export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, BindingMetadata>;
  retryOptions?: CoreRetryOptions;
  [key: string]: unknown;
}

// The worker calls handlers with the trigger input(s) then the InvocationContext.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FunctionHandler = (...args: any[]) => unknown;

export interface RegisteredFunction {
  name: string;
  trigger: TriggerBinding;
  bindings: Record<string, BindingMetadata>;
  handler: FunctionHandler;
  retryOptions?: CoreRetryOptions;
  /** The metadata object as registered, untouched. */
  metadata: CoreFunctionMetadata;
}

export interface Registry {
  /** Every registration, in registration order. */
  all(): RegisteredFunction[];
  /** By function name; names are case-insensitive, as in the Functions host. */
  get(name: string): RegisteredFunction | undefined;
  /** Registrations whose trigger binding has this type (case-insensitive), e.g. `httpTrigger`. */
  byTriggerType(type: string): RegisteredFunction[];
}

export interface Disposable {
  dispose(): void;
}

/** The binding options a worker gives `InvocationContext` (what `fromRpcBindings` builds). */
export interface InvocationBindings {
  trigger: TriggerBinding;
  return?: { type: string; name: string; [key: string]: unknown };
  extraInputs: { type: string; name: string; [key: string]: unknown }[];
  extraOutputs: { type: string; name: string; [key: string]: unknown }[];
}

export const RETURN_BINDING = '$return';

/** Same rule as the Functions host: a letter, then letters, digits, `_` or `-`; at most 128 characters. */
const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,127}$/i;

export function isTriggerType(type: unknown): boolean {
  return typeof type === 'string' && /trigger$/i.test(type);
}

export class FunctionRegistry implements Registry {
  private readonly functions = new Map<string, RegisteredFunction>();

  /** Adds a registration; throws (naming the function) for a duplicate, a bad name or a missing trigger. */
  register(metadata: CoreFunctionMetadata, handler: FunctionHandler): Disposable {
    const name = metadata?.name;
    if (typeof name !== 'string' || name === '') throw new Error('registerFunction: the function metadata has no name');
    if (!FUNCTION_NAME.test(name)) {
      throw new Error(
        `Invalid function name "${name}": a function name must start with a letter, contain only letters, digits, "_" and "-", and be at most 128 characters long`,
      );
    }
    const key = name.toLowerCase();
    const existing = this.functions.get(key);
    if (existing) {
      throw new Error(
        existing.name === name
          ? `A function with name "${name}" is already registered.`
          : `A function with name "${name}" is already registered (as "${existing.name}"; function names are case-insensitive).`,
      );
    }
    if (typeof handler !== 'function') throw new Error(`Function "${name}": the handler is not a function`);
    const bindings = metadata.bindings ?? {};
    const triggers = Object.entries(bindings).filter(([, b]) => isTriggerType(b?.type));
    if (triggers.length !== 1) {
      throw new Error(
        triggers.length === 0
          ? `Function "${name}" has no trigger binding (a binding whose type ends in "Trigger")`
          : `Function "${name}" has ${triggers.length} trigger bindings (${triggers.map(([n]) => n).join(', ')}); exactly one is allowed`,
      );
    }
    const [triggerName, triggerBinding] = triggers[0]!;
    const fn: RegisteredFunction = {
      name,
      trigger: { ...triggerBinding, name: triggerName, type: triggerBinding.type },
      bindings,
      handler,
      metadata,
      ...(metadata.retryOptions ? { retryOptions: metadata.retryOptions } : {}),
    };
    this.functions.set(key, fn);
    return {
      dispose: () => {
        if (this.functions.get(key) === fn) this.functions.delete(key);
      },
    };
  }

  /** Forgets every registration (tests). */
  clear(): void {
    this.functions.clear();
  }

  all(): RegisteredFunction[] {
    return [...this.functions.values()];
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  byTriggerType(type: string): RegisteredFunction[] {
    const t = type.toLowerCase();
    return this.all().filter((f) => f.trigger.type.toLowerCase() === t);
  }
}

/**
 * The `options` an InvocationContext gets for this function, built the way the library's
 * `fromRpcBindings` builds them from the worker's binding metadata.
 */
export function invocationBindings(fn: RegisteredFunction): InvocationBindings {
  const result: InvocationBindings = { trigger: fn.trigger, extraInputs: [], extraOutputs: [] };
  for (const [name, binding] of Object.entries(fn.bindings)) {
    const withName = { ...binding, type: binding.type, name };
    if (isTriggerType(binding.type)) continue;
    if (name === RETURN_BINDING) result.return = withName;
    else if (binding.direction === 'in') result.extraInputs.push(withName);
    else if (binding.direction === 'out') result.extraOutputs.push(withName);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Loading the app

export interface LoadAppOptions {
  /** Directory of the app's function modules, relative to `root` (or absolute). */
  dir?: string;
  /** File-name glob under `dir`: `*`, `?`, `**`, `{a,b}`. */
  pattern?: string;
  /** Repository root; default: the nearest directory above this file holding package.json. */
  root?: string;
}

export interface LoadedApp {
  /** Absolute paths of the modules imported, in import order. */
  files: string[];
  /** Registrations added while importing them. */
  functions: RegisteredFunction[];
}

const here = fileURLToPath(import.meta.url);
/** Running from TypeScript sources (tsx, vitest) rather than compiled JavaScript. */
const fromSources = /\.[cm]?tsx?$/.test(here);

export function repoRoot(start = dirname(here)): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** `functions/*.ts` when running from sources, `dist/functions/*.js` when compiled. */
export function defaultAppLocation(): { dir: string; pattern: string } {
  return fromSources ? { dir: 'functions', pattern: '*.ts' } : { dir: join('dist', 'functions'), pattern: '*.js' };
}

/**
 * Imports every module of the app so that its registrations are captured. Call
 * `installFunctionsCore()` first: registrations made while `@azure/functions` is in test mode are
 * dropped by the library. Module import errors propagate, naming the file.
 */
export async function loadApp(registry: Registry, options: LoadAppOptions = {}): Promise<LoadedApp> {
  const defaults = defaultAppLocation();
  const root = resolve(options.root ?? repoRoot());
  const dir = resolve(root, options.dir ?? defaults.dir);
  const pattern = options.pattern ?? defaults.pattern;
  if (!existsSync(dir)) throw new Error(`loadApp: the app directory ${dir} does not exist`);
  const matcher = globToRegExp(pattern);
  const files = walk(dir)
    .filter((f) => matcher.test(relative(dir, f).split(sep).join('/')))
    .filter((f) => !/\.d\.[cm]?ts$/.test(f))
    .sort();
  const before = new Set(registry.all());
  for (const file of files) {
    try {
      await import(pathToFileURL(file).href);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`loadApp: failed to load ${relative(root, file)}: ${message}`, { cause: err });
    }
  }
  return { files, functions: registry.all().filter((f) => !before.has(f)) };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/** A small glob: `**` (any depth), `*` and `?` (within a path segment), `{a,b}` alternatives. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((alt) => globToRegExp(alt).source.slice(1, -1))
          .join('|')})`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
