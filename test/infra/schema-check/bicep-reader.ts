/**
 * Reads the subset of Bicep written by hand in infra/: resource declarations (with `existing`,
 * `if (...)`, `[for ...: ...]`, `parent`, `scope`, and child `resource` declarations nested in a
 * body), modules, parameters and `targetScope`. Literal values (strings without interpolation,
 * numbers, booleans, null) are kept; every other value becomes an ARM expression string
 * (`[...]`), the form a compiled template would give it, which the checks accept as any value.
 * A statement it cannot read is a finding, and reading goes on at the next line.
 */
import { childPath, itemPath, type Finding } from './finding.js';
import { LexError, tokenize, type Token } from './bicep-lexer.js';
import type { DeployScope, ResourceUnderCheck } from './resource.js';

export interface BicepModule {
  symbol: string;
  /** As written: `./generated/catalog.json`, or a registry reference. */
  path: string;
  /** The keys of its `params` object (undefined when `params` is an expression). */
  params: string[] | undefined;
  line: number;
  /** The line of each param key. */
  paramLines: Map<string, number>;
}

export interface BicepParam {
  name: string;
  hasDefault: boolean;
  line: number;
}

export interface BicepFile {
  file: string;
  targetScope: DeployScope;
  resources: ResourceUnderCheck[];
  modules: BicepModule[];
  params: BicepParam[];
  findings: Finding[];
}

class ReadError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** Statements this reader has no use for: skipped whole. */
const SKIPPED = new Set(['var', 'output', 'type', 'func', 'import', 'metadata', 'extension', 'provider', 'using']);
const SCOPES: Record<string, DeployScope> = { resourceGroup: 'resourceGroup', subscription: 'subscription', managementGroup: 'managementGroup', tenant: 'tenant' };

export function readBicep(text: string, file: string): BicepFile {
  const out: BicepFile = { file, targetScope: 'resourceGroup', resources: [], modules: [], params: [], findings: [] };
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    out.findings.push({ file, resource: 'file', path: '', message: `cannot read line ${e.line}: ${e.message}`, source: 'bicep-reader', line: e.line });
    return out;
  }
  new Reader(tokens, text, out).readFile();
  return out;
}

class Reader {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
    private readonly out: BicepFile,
  ) {}

  private get tok(): Token {
    return this.tokens[this.i] as Token;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private is(text: string): boolean {
    return this.tok.text === text && this.tok.kind !== 'string';
  }

  private expect(text: string, what: string): Token {
    if (!this.is(text)) throw new ReadError(`expected ${what}, found ${this.describe(this.tok)}`, this.tok.line);
    return this.next();
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'the end of the file' : t.kind === 'newline' ? 'the end of the line' : `'${t.text}'`;
  }

  private skipNewlines(): void {
    while (this.tok.kind === 'newline') this.next();
  }

  readFile(): void {
    for (;;) {
      this.skipNewlines();
      if (this.tok.kind === 'eof') return;
      const start = this.tok;
      try {
        this.readStatement();
      } catch (e) {
        if (!(e instanceof ReadError)) throw e;
        this.out.findings.push({ file: this.out.file, resource: `line ${start.line}`, path: '', message: `cannot read line ${e.line}: ${e.message}`, source: 'bicep-reader', line: e.line });
        this.resync(start);
      }
    }
  }

  /** Past the failed statement: to the next line that starts a declaration (or a decorator) at column 0. */
  private resync(start: Token): void {
    while (this.tok.kind !== 'eof' && !(this.tok.line > start.line && this.tok.column === 0 && (this.tok.kind === 'ident' || this.is('@')))) this.next();
  }

  private readStatement(): void {
    const t = this.tok;
    if (this.is('@')) {
      this.readDecorator();
      return;
    }
    if (t.kind !== 'ident') throw new ReadError(`expected a declaration, found ${this.describe(t)}`, t.line);
    switch (t.text) {
      case 'targetScope': {
        this.next();
        this.expect('=', "'=' after targetScope");
        const value = this.next();
        const scope = value.value !== undefined ? SCOPES[value.value] : undefined;
        if (!scope) throw new ReadError(`targetScope must be one of ${Object.keys(SCOPES).join(', ')}`, value.line);
        this.out.targetScope = scope;
        this.endOfStatement();
        return;
      }
      case 'resource':
        this.readResource(undefined);
        return;
      case 'module':
        this.readModule();
        return;
      case 'param':
        this.readParam();
        return;
      default:
        if (!SKIPPED.has(t.text)) throw new ReadError(`'${t.text}' is not a declaration this reader knows (resource, module, param, var, output, ...)`, t.line);
        this.next();
        this.skipToLineEnd();
    }
  }

  private readDecorator(): void {
    this.expect('@', 'a decorator');
    this.next();
    while (this.is('.')) {
      this.next();
      this.next();
    }
    if (this.is('(')) this.skipBalanced();
  }

  private endOfStatement(): void {
    if (this.tok.kind !== 'newline' && this.tok.kind !== 'eof') throw new ReadError(`unexpected ${this.describe(this.tok)} after the declaration`, this.tok.line);
  }

  /** Consumes one bracketed group, `(...)`, `[...]` or `{...}`, whatever it holds. */
  private skipBalanced(): void {
    const close: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
    const stack: string[] = [];
    do {
      const t = this.next();
      if (t.kind === 'eof') throw new ReadError('unclosed bracket', t.line);
      if (t.kind === 'punct' && close[t.text]) stack.push(close[t.text] as string);
      else if (t.kind === 'punct' && t.text === stack.at(-1)) stack.pop();
    } while (stack.length > 0);
  }

  /** To the end of the line, skipping any bracketed group whole (a multi-line var or output). */
  private skipToLineEnd(): void {
    while (this.tok.kind !== 'newline' && this.tok.kind !== 'eof') {
      if (this.is('(') || this.is('[') || this.is('{')) this.skipBalanced();
      else this.next();
    }
  }

  private readParam(): void {
    const line = this.next().line;
    const name = this.next();
    if (name.kind !== 'ident') throw new ReadError(`expected a parameter name, found ${this.describe(name)}`, name.line);
    let hasDefault = false;
    while (this.tok.kind !== 'newline' && this.tok.kind !== 'eof') {
      if (this.is('=')) hasDefault = true;
      if (this.is('(') || this.is('[') || this.is('{')) this.skipBalanced();
      else this.next();
    }
    this.out.params.push({ name: name.text, hasDefault, line });
  }

  private readModule(): void {
    const line = this.next().line;
    const symbol = this.next();
    const path = this.next();
    if (symbol.kind !== 'ident' || path.value === undefined) throw new ReadError("expected module <name> '<path>' = {...}", line);
    this.expect('=', "'=' after the module path");
    const lines = new Map<string, number>();
    const { body } = this.readDeclarationValue(lines, undefined);
    const params = body.params;
    const paramLines = new Map<string, number>();
    for (const [p, l] of lines) if (p.startsWith('params.') && !p.slice(7).includes('.') && !p.slice(7).includes('[')) paramLines.set(p.slice(7), l);
    this.out.modules.push({
      symbol: symbol.text,
      path: path.value,
      params: params !== null && typeof params === 'object' && !Array.isArray(params) ? Object.keys(params) : params === undefined ? [] : undefined,
      line,
      paramLines,
    });
    this.endOfStatement();
  }

  /** `resource sym 'Type@version' [existing] = ...`; `parent` is the enclosing declaration for a nested child. */
  private readResource(parent: { symbol: string; type: string; apiVersion: string } | undefined): void {
    const line = this.next().line;
    const symbol = this.next();
    const typeToken = this.next();
    if (symbol.kind !== 'ident' || typeToken.value === undefined) throw new ReadError("expected resource <name> '<type>@<apiVersion>' = {...}", line);
    const [rawType, rawVersion] = typeToken.value.split('@');
    const apiVersion = rawVersion ?? parent?.apiVersion;
    if (!rawType || !apiVersion) throw new ReadError(`'${typeToken.value}' is not <type>@<apiVersion>`, typeToken.line);
    const type = parent ? `${parent.type}/${rawType}` : rawType;
    const existing = this.is('existing');
    if (existing) this.next();
    this.expect('=', "'=' in the resource declaration");
    const lines = new Map<string, number>([['', line]]);
    const nested = { symbol: parent ? `${parent.symbol}::${symbol.text}` : symbol.text, type, apiVersion };
    const { body, conditional, loop } = this.readDeclarationValue(lines, nested);
    // A child declared inside its parent's body: Bicep supplies the parent, so the name is one segment.
    if (parent) body.parent = `[${parent.symbol}]`;
    const flags = [existing ? 'existing' : '', conditional ? 'if' : '', loop ? 'for' : ''].filter(Boolean).join(', ');
    this.out.resources.push({
      file: this.out.file,
      label: `resource ${nested.symbol} '${type}@${apiVersion}'${flags ? ` (${flags})` : ''}`,
      resource: body,
      type,
      apiVersion,
      scope: this.out.targetScope,
      dialect: 'bicep',
      existing,
      lines,
    });
    if (!parent) this.endOfStatement();
  }

  /** `{...}`, `if (cond) {...}`, `[for x in xs: {...}]` or `[for x in xs: if (cond) {...}]`. */
  private readDeclarationValue(lines: Map<string, number>, owner: { symbol: string; type: string; apiVersion: string } | undefined): { body: Record<string, unknown>; conditional: boolean; loop: boolean } {
    let loop = false;
    if (this.is('[') && this.peek().text === 'for') {
      loop = true;
      this.next();
      this.readForHeader();
    }
    let conditional = false;
    if (this.is('if')) {
      conditional = true;
      this.next();
      if (!this.is('(')) throw new ReadError("expected '(' after if", this.tok.line);
      this.skipBalanced();
    }
    if (!this.is('{')) throw new ReadError(`expected '{' to start the body, found ${this.describe(this.tok)}`, this.tok.line);
    const body = this.readObject('', lines, owner);
    if (loop) {
      this.skipNewlines();
      this.expect(']', "']' to close the for loop");
    }
    return { body, conditional, loop };
  }

  /** From `for` past the `:` that ends `for x in xs:` / `for (x, i) in range(0, 3):`. */
  private readForHeader(): void {
    this.expect('for', "'for'");
    while (!this.is(':')) {
      if (this.tok.kind === 'eof' || this.tok.kind === 'newline') throw new ReadError("expected ':' to end the for header", this.tok.line);
      if (this.is('(') || this.is('[') || this.is('{')) this.skipBalanced();
      else this.next();
    }
    this.next();
    this.skipNewlines();
  }

  private readObject(path: string, lines: Map<string, number>, owner: { symbol: string; type: string; apiVersion: string } | undefined): Record<string, unknown> {
    this.expect('{', "'{'");
    const obj: Record<string, unknown> = {};
    for (;;) {
      while (this.tok.kind === 'newline' || this.is(',')) this.next();
      if (this.is('}')) {
        this.next();
        return obj;
      }
      const key = this.tok;
      if (owner && path === '' && key.text === 'resource' && key.kind === 'ident' && this.peek().kind === 'ident') {
        this.readResource(owner);
        continue;
      }
      if (key.kind !== 'ident' && key.kind !== 'string') throw new ReadError(`expected a property name, found ${this.describe(key)}`, key.line);
      this.next();
      this.expect(':', `':' after ${key.text}`);
      // An interpolated key ('${identityId}': {}) is an expression key, as ARM JSON writes it.
      const name = key.kind === 'ident' ? key.text : (key.value ?? `[${key.text.replace(/\s+/g, ' ')}]`);
      const p = childPath(path, name);
      lines.set(p, key.line);
      obj[name] = this.readValue(p, lines);
    }
  }

  private readValue(path: string, lines: Map<string, number>): unknown {
    this.skipNewlines();
    const start = this.i;
    let value: unknown;
    if (this.is('{')) value = this.readObject(path, lines, undefined);
    else if (this.is('[') && this.peek().text === 'for') {
      this.next();
      this.readForHeader();
      if (this.is('if')) {
        this.next();
        this.skipBalanced();
      }
      lines.set(itemPath(path, 0), this.tok.line);
      // A for-expression yields a list of one shape: check that shape once.
      value = [this.readValue(itemPath(path, 0), lines)];
      this.skipNewlines();
      this.expect(']', "']' to close the for expression");
    } else if (this.is('[')) value = this.readArray(path, lines);
    else {
      const literal = this.literal(this.tok);
      if (literal !== undefined && this.isTerminator(this.peek())) {
        this.next();
        return literal.value;
      }
    }
    if (value !== undefined && this.isTerminator(this.tok)) return value;
    // Anything else (a call, a reference, an operator, interpolation): an expression.
    this.i = start;
    return this.readExpression();
  }

  private readArray(path: string, lines: Map<string, number>): unknown[] {
    this.expect('[', "'['");
    const items: unknown[] = [];
    for (;;) {
      while (this.tok.kind === 'newline' || this.is(',')) this.next();
      if (this.is(']')) {
        this.next();
        return items;
      }
      const p = itemPath(path, items.length);
      lines.set(p, this.tok.line);
      items.push(this.readValue(p, lines));
    }
  }

  private literal(t: Token): { value: unknown } | undefined {
    if (t.kind === 'string' && t.value !== undefined) return { value: t.value.startsWith('[') ? `[${t.value}` : t.value };
    if (t.kind === 'number') return { value: Number(t.text) };
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return { value: t.text === 'true' };
    if (t.kind === 'ident' && t.text === 'null') return { value: null };
    return undefined;
  }

  private isTerminator(t: Token): boolean {
    return t.kind === 'newline' || t.kind === 'eof' || (t.kind === 'punct' && [',', '}', ']', ')'].includes(t.text));
  }

  /** Up to the end of the value; its text as an ARM expression string, one line. */
  private readExpression(): string {
    const first = this.tok;
    let last = first;
    while (!this.isTerminator(this.tok)) {
      if (this.is('(') || this.is('[') || this.is('{')) this.skipBalanced();
      else this.next();
      last = this.tokens[this.i - 1] as Token;
    }
    if (last === first && this.i === this.tokens.indexOf(first)) throw new ReadError(`expected a value, found ${this.describe(first)}`, first.line);
    const text = this.text.slice(first.start, last.end).replace(/\s+/g, ' ');
    // `[[` would read as an escaped literal: a space keeps it an expression.
    return text.startsWith('[') ? `[ ${text}]` : `[${text}]`;
  }
}
