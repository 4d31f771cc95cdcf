/**
 * The specs' operations, indexed by (HTTP method, path template, api-version = the spec's
 * `info.version`), matched against concrete paths case-insensitively as ARM matches them. A path
 * parameter marked `x-ms-skip-url-encoding` (Resource Health's `{resourceUri}`) may span segments.
 */
import type { Located, Parameter, SpecSet, SwaggerOperation } from './specs.js';

export interface IndexedOperation {
  /** `Accounts_Get`, or `METHOD template` when the spec names none. */
  id: string;
  method: string;
  /** The path as the spec writes it, with the host template's suffix (`/datamap/api`) in front. */
  template: string;
  apiVersion: string;
  /** The spec file, `/`-separated under the specs root. */
  spec: string;
  file: string;
  dataPlane: boolean;
  op: SwaggerOperation;
  /** Path-level and operation-level parameters, `$ref`s followed (operation-level wins by name+in). */
  parameters: Array<Located<Parameter>>;
  /** Literal query values an `x-ms-paths` key adds (`/x?comp=list`). */
  query: Record<string, string>;
  regex: RegExp;
  /** More literal characters: a more specific template, preferred when several match. */
  weight: number;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head'];

export class OperationIndex {
  readonly operations: IndexedOperation[] = [];
  private readonly byMethod = new Map<string, IndexedOperation[]>();

  constructor(readonly specs: SpecSet) {
    for (const file of specs.files) {
      const doc = specs.doc(file);
      const spec = specs.relative(file);
      const hostSuffix = (doc['x-ms-parameterized-host']?.hostTemplate ?? '').replace(/^\{[^}]+\}/, '').replace(/\/$/, '');
      const base = (doc.basePath ?? '/').replace(/\/$/, '');
      const dataPlane = /\/data-plane\//.test(spec);
      for (const [key, item] of [...Object.entries(doc.paths ?? {}), ...Object.entries(doc['x-ms-paths'] ?? {})]) {
        const [rawPath, rawQuery] = key.split('?');
        const shared = (Array.isArray(item['parameters']) ? item['parameters'] : []).map((p) => specs.deref<Parameter>(p, file));
        for (const method of METHODS) {
          const op = item[method] as SwaggerOperation | undefined;
          if (op === undefined || Array.isArray(op)) continue;
          const own = (op.parameters ?? []).map((p) => specs.deref<Parameter>(p, file));
          const parameters = [...shared.filter((s) => !own.some((o) => o.node.name === s.node.name && o.node.in === s.node.in)), ...own];
          const template = `${hostSuffix}${base}${rawPath}`;
          const indexed: IndexedOperation = {
            id: op.operationId ?? `${method.toUpperCase()} ${template}`,
            method: method.toUpperCase(),
            template,
            apiVersion: doc.info.version,
            spec,
            file,
            dataPlane,
            op,
            parameters,
            query: Object.fromEntries(new URLSearchParams(rawQuery ?? '')),
            ...compileTemplate(template, parameters),
          };
          this.operations.push(indexed);
          // A "by id" operation (`/{roleAssignmentId}`: the whole path is one parameter) would match
          // every path; the ids it takes are the paths of the same spec's scoped operations, which
          // match them. It stays indexed for its examples, never for matching.
          if (/^\/\{[^}]+\}$/.test(template)) continue;
          const list = this.byMethod.get(indexed.method) ?? [];
          list.push(indexed);
          this.byMethod.set(indexed.method, list);
        }
      }
    }
  }

  /** Every operation whose template matches, best (most literal) first; `scope` limits to spec folders. */
  match(method: string, path: string, query: URLSearchParams, scope: { dataPlane: false } | { specs: string[] }): IndexedOperation[] {
    const normalized = path.length > 1 ? path.replace(/\/+$/, '') : path;
    return (this.byMethod.get(method.toUpperCase()) ?? [])
      .filter((o) => ('specs' in scope ? scope.specs.some((s) => o.spec.startsWith(s)) : !o.dataPlane))
      .filter((o) => o.regex.test(normalized) && Object.entries(o.query).every(([k, v]) => query.get(k) === v))
      .sort((a, b) => b.weight - a.weight);
  }

  /** Whether any operation, of any method, has this path (for "method not in spec" messages). */
  pathKnown(path: string, scope: { dataPlane: false } | { specs: string[] }): boolean {
    return METHODS.some((m) => this.match(m, path, new URLSearchParams(), scope).length > 0);
  }
}

function compileTemplate(template: string, parameters: Array<Located<Parameter>>): { regex: RegExp; weight: number } {
  let weight = 0;
  const spanning = (part: string | undefined): boolean => {
    const name = /^\{([^}]+)\}$/.exec(part ?? '')?.[1];
    return name !== undefined && parameters.some((p) => p.node.in === 'path' && p.node.name === name && p.node['x-ms-skip-url-encoding'] === true);
  };
  const parts = template.split(/(\{[^}]+\})/);
  const source = parts
    .map((part, i) => {
      const param = /^\{([^}]+)\}$/.exec(part);
      if (param === null) {
        weight += part.length;
        // The slash before a spanning parameter goes with it (below).
        const literal = spanning(parts[i + 1]) && part.endsWith('/') ? part.slice(0, -1) : part;
        return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      // A parameter that may span segments (`{scope}`, `{parentResourcePath}`) may also be empty,
      // slash and all: the tenant scope (`/providers/Microsoft.Authorization/roleDefinitions/{id}`)
      // and a top-level resource's empty parent path, which the SDK sends as `//`.
      return spanning(part) && (parts[i - 1] ?? '').endsWith('/') ? '(?:/(.*))?' : spanning(part) ? '(.+)' : '([^/]+)';
    })
    .join('');
  return { regex: new RegExp(`^${source.length > 1 ? source.replace(/\/$/, '') : source}$`, 'i'), weight };
}
