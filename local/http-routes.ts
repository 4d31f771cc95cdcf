/**
 * HTTP trigger routes as the Functions host reads them: ASP.NET-style templates (`{id}`,
 * `{id?}`, `{id=default}`, `{id:int:min(1)}`, `{*rest}`), matched case-insensitively in ASP.NET
 * precedence order, with method filters (a wrong method is a 405, not a 404).
 */
import type { LogEntry } from './functions-core.js';
import type { RegisteredFunction, Registry } from './registry.js';

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Part = { kind: 'literal'; text: string } | { kind: 'param'; param: Param };

interface Param {
  name: string;
  optional: boolean;
  catchAll: boolean;
  constraints: Constraint[];
  defaultValue?: string;
}

interface Constraint {
  text: string;
  test(value: string): boolean;
}

export interface CompiledRoute {
  template: string;
  regex: RegExp;
  params: Param[];
  /** Lower sorts first (ASP.NET inbound precedence: literal 1, complex 2, constrained 3, parameter 4, catch-all 5). */
  precedence: number[];
}

/** Parses and compiles an ASP.NET-style route template; errors name the problem. */
export function compileRoute(template: string, prefix: string): CompiledRoute {
  const trimmed = template.replace(/^[~]?\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  const params: Param[] = [];
  const precedence: number[] = [];
  let re = prefix === '' ? '' : `/${escapeRegExp(prefix)}`;
  let sawOptional = false;
  segments.forEach((segment, index) => {
    if (segment === '') throw new Error(`the route template "${template}" has an empty segment`);
    const parts = parseSegment(segment, template);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only?.kind === 'param') {
      const p = only.param;
      params.push(p);
      if (p.catchAll) {
        if (index !== segments.length - 1) throw new Error(`a catch-all parameter ({*${p.name}}) must be the last segment of "${template}"`);
        re += `(?:/(.*))?`;
        precedence.push(5);
      } else if (p.optional || p.defaultValue !== undefined) {
        sawOptional = true;
        re += `(?:/([^/]+))?`;
        precedence.push(p.constraints.length > 0 ? 3 : 4);
      } else {
        if (sawOptional) throw new Error(`an optional parameter must come last in "${template}"`);
        re += `/([^/]+)`;
        precedence.push(p.constraints.length > 0 ? 3 : 4);
      }
      return;
    }
    if (sawOptional) throw new Error(`an optional parameter must come last in "${template}"`);
    re += '/';
    let complex = false;
    parts.forEach((part, i) => {
      if (part.kind === 'literal') {
        re += escapeRegExp(part.text);
        return;
      }
      complex = true;
      const p = part.param;
      if (p.catchAll) throw new Error(`a catch-all parameter must be a whole segment in "${template}"`);
      params.push(p);
      const last = i === parts.length - 1;
      if (p.optional) {
        if (!last) throw new Error(`an optional parameter must come last in segment "${segment}" of "${template}"`);
        // `{name}.{ext?}`: the separator before an optional trailing parameter goes with it.
        const prev = parts[i - 1];
        if (prev?.kind === 'literal') {
          re = re.slice(0, re.length - escapeRegExp(prev.text).length);
          re += `(?:${escapeRegExp(prev.text)}([^/]+?))?`;
        } else re += `([^/]*?)`;
      } else re += last ? `([^/]+)` : `([^/]+?)`;
    });
    precedence.push(complex ? 2 : 1);
  });
  const names = new Set<string>();
  for (const p of params) {
    const key = p.name.toLowerCase();
    if (names.has(key)) throw new Error(`the route parameter "${p.name}" appears twice in "${template}"`);
    names.add(key);
  }
  return { template: trimmed, regex: new RegExp(`^${re}/?$`, 'i'), params, precedence };
}

function parseSegment(segment: string, template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < segment.length) {
    const c = segment[i]!;
    if (c === '{' && segment[i + 1] === '{') {
      literal += '{';
      i += 2;
    } else if (c === '}' && segment[i + 1] === '}') {
      literal += '}';
      i += 2;
    } else if (c === '{') {
      const end = closingBrace(segment, i);
      if (end < 0) throw new Error(`unbalanced "{" in the route template "${template}"`);
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      const previous = parts[parts.length - 1];
      if (previous?.kind === 'param') throw new Error(`two parameters in segment "${segment}" of "${template}" need a literal between them`);
      parts.push({ kind: 'param', param: parseParam(segment.slice(i + 1, end), template) });
      i = end + 1;
    } else if (c === '}') {
      throw new Error(`unbalanced "}" in the route template "${template}"`);
    } else {
      literal += c;
      i++;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

function closingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '}' && depth === 0) {
      if (s[i + 1] === '}') {
        i++;
        continue;
      }
      return i;
    }
  }
  return -1;
}

function parseParam(text: string, template: string): Param {
  let rest = text.trim();
  let catchAll = false;
  if (rest.startsWith('**')) {
    catchAll = true;
    rest = rest.slice(2);
  } else if (rest.startsWith('*')) {
    catchAll = true;
    rest = rest.slice(1);
  }
  let optional = false;
  if (rest.endsWith('?')) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  // Split on ':' and '=' outside parentheses.
  const pieces: string[] = [];
  let defaultValue: string | undefined;
  let depth = 0;
  let current = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && c === '=' && defaultValue === undefined) {
      pieces.push(current);
      defaultValue = rest.slice(i + 1).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
      current = '';
      break;
    }
    if (depth === 0 && c === ':') {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  if (defaultValue === undefined) pieces.push(current);
  const name = (pieces.shift() ?? '').trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid route parameter name "${name}" in "${template}"`);
  if (optional && defaultValue !== undefined) throw new Error(`the route parameter "${name}" in "${template}" cannot be both optional and have a default`);
  if (catchAll && optional) optional = false; // a catch-all is optional by nature
  const constraints = pieces.map((c) => constraint(c.replace(/\{\{/g, '{').replace(/\}\}/g, '}'), name, template));
  return { name, optional, catchAll, constraints, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

const INT = /^-?\d+$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)$/;

function constraint(text: string, param: string, template: string): Constraint {
  const m = /^([a-zA-Z]+)(?:\((.*)\))?$/s.exec(text.trim());
  if (!m) throw new Error(`invalid constraint "${text}" on route parameter "${param}" in "${template}"`);
  const kind = m[1]!.toLowerCase();
  const arg = m[2];
  const args = arg === undefined ? [] : arg.split(',').map((a) => a.trim());
  const num = (i: number): number => {
    const v = Number(args[i]);
    if (args[i] === undefined || !Number.isFinite(v)) throw new Error(`the constraint "${text}" on "${param}" in "${template}" needs a number argument`);
    return v;
  };
  const inInt = (v: string, bits: 32 | 64) => {
    if (!INT.test(v)) return false;
    const b = BigInt(v);
    const max = bits === 32 ? 2n ** 31n : 2n ** 63n;
    return b >= -max && b < max;
  };
  let test: (v: string) => boolean;
  switch (kind) {
    case 'int':
      test = (v) => inInt(v, 32);
      break;
    case 'long':
      test = (v) => inInt(v, 64);
      break;
    case 'bool':
      test = (v) => /^(true|false)$/i.test(v);
      break;
    case 'datetime':
      test = (v) => !Number.isNaN(Date.parse(v));
      break;
    case 'decimal':
      test = (v) => DECIMAL.test(v);
      break;
    case 'double':
    case 'float':
      test = (v) => NUMBER.test(v);
      break;
    case 'guid':
      test = (v) => /^[{(]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v);
      break;
    case 'alpha':
      test = (v) => /^[a-z]+$/i.test(v);
      break;
    case 'required':
      test = (v) => v !== '';
      break;
    case 'minlength': {
      const n = num(0);
      test = (v) => v.length >= n;
      break;
    }
    case 'maxlength': {
      const n = num(0);
      test = (v) => v.length <= n;
      break;
    }
    case 'length': {
      const a = num(0);
      const b = args.length > 1 ? num(1) : a;
      test = (v) => v.length >= a && v.length <= b;
      break;
    }
    case 'min': {
      const n = num(0);
      test = (v) => inInt(v, 64) && Number(v) >= n;
      break;
    }
    case 'max': {
      const n = num(0);
      test = (v) => inInt(v, 64) && Number(v) <= n;
      break;
    }
    case 'range': {
      const a = num(0);
      const b = num(1);
      test = (v) => inInt(v, 64) && Number(v) >= a && Number(v) <= b;
      break;
    }
    case 'regex': {
      if (arg === undefined) throw new Error(`the regex constraint on "${param}" in "${template}" needs a pattern`);
      let re: RegExp;
      try {
        re = new RegExp(arg, 'i');
      } catch (err) {
        throw new Error(`the regex constraint on "${param}" in "${template}" is not a valid pattern: ${errorMessage(err)}`, { cause: err });
      }
      test = (v) => re.test(v);
      break;
    }
    default:
      throw new Error(`the constraint "${text}" on route parameter "${param}" in "${template}" is not supported`);
  }
  return { text, test };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function comparePrecedence(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

interface RouteEntry {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: string[] | undefined;
  order: number;
}

type MatchResult =
  | { kind: 'none' }
  | { kind: 'method'; allow: string[] }
  | { kind: 'ok'; fn: RegisteredFunction; params: Record<string, string> };

export class Router {
  private functions: RegisteredFunction[] = [];
  private entries: RouteEntry[] = [];
  private readonly failed = new Set<RegisteredFunction>();

  constructor(
    private readonly registry: Registry,
    private readonly prefix: string,
    private readonly log: (entry: LogEntry) => void,
  ) {}

  /** Recompiles when the registrations changed (functions registered after start are served too). */
  refresh(strict = false): void {
    const current = this.registry.byTriggerType('httpTrigger');
    if (current.length === this.functions.length && current.every((f, i) => f === this.functions[i])) return;
    const entries: RouteEntry[] = [];
    current.forEach((fn, order) => {
      const template = typeof fn.trigger['route'] === 'string' && fn.trigger['route'] !== '' ? fn.trigger['route'] : fn.name;
      let route: CompiledRoute;
      try {
        route = compileRoute(template, this.prefix);
      } catch (err) {
        const message = `HTTP function "${fn.name}": ${errorMessage(err)}`;
        if (strict) throw new Error(message, { cause: err });
        if (!this.failed.has(fn)) this.log({ level: 'error', category: 'host', message, functionName: fn.name });
        this.failed.add(fn);
        return;
      }
      const raw = fn.trigger['methods'];
      const methods = Array.isArray(raw) && raw.length > 0 ? raw.map((m) => String(m).toUpperCase()) : undefined;
      entries.push({ fn, route, methods, order });
    });
    entries.sort((a, b) => comparePrecedence(a.route.precedence, b.route.precedence) || a.order - b.order);
    this.functions = current;
    this.entries = entries;
  }

  match(method: string, pathname: string): MatchResult {
    this.refresh();
    const allow = new Set<string>();
    let pathMatched = false;
    for (const entry of this.entries) {
      const params = matchRoute(entry.route, pathname);
      if (!params) continue;
      if (entry.methods && !entry.methods.includes(method)) {
        pathMatched = true;
        for (const m of entry.methods) allow.add(m);
        continue;
      }
      return { kind: 'ok', fn: entry.fn, params };
    }
    return pathMatched ? { kind: 'method', allow: [...allow] } : { kind: 'none' };
  }

  describe(): { name: string; methods: string[] | undefined; authLevel: string; path: string }[] {
    this.refresh();
    return [...this.entries]
      .sort((a, b) => a.order - b.order)
      .map((e) => ({
        name: e.fn.name,
        methods: e.methods,
        authLevel: String(e.fn.trigger['authLevel'] ?? 'anonymous'),
        path: `${this.prefix === '' ? '' : `/${this.prefix}`}/${e.route.template}`,
      }));
  }
}

/** The route's parameters if `pathname` matches it (constraints included), else undefined. */
export function matchRoute(route: CompiledRoute, pathname: string): Record<string, string> | undefined {
  const m = route.regex.exec(pathname);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < route.params.length; i++) {
    const p = route.params[i]!;
    const raw = m[i + 1];
    let value: string | undefined;
    if (raw === undefined || raw === '') value = p.defaultValue;
    else {
      try {
        value = decodeURIComponent(raw);
      } catch {
        value = raw;
      }
    }
    if (value === undefined) {
      if (!p.optional && !p.catchAll) return undefined;
      continue;
    }
    if (!p.constraints.every((c) => c.test(value))) return undefined;
    params[p.name] = value;
  }
  return params;
}
