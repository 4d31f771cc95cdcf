/**
 * Microsoft's OpenAPI (swagger 2.0) files as the simulator's oracle: every `*.json` swagger under
 * a specs folder (examples and non-swagger files skipped), with `$ref`s resolved on demand, local
 * (`#/definitions/X`, `#/parameters/X`) or to another file by a relative path, as the
 * azure-rest-api-specs repository writes them. Files a `$ref` names outside the folder's swagger
 * set (common-types) are read when first referenced.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** A node of a swagger document and the file it sits in (its `$ref`s are relative to that file). */
export interface Located<T = Schema> {
  node: T;
  file: string;
}

/** The subset of swagger's Schema Object Azure's specs use. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
  discriminator?: string;
  readOnly?: boolean;
  'x-ms-enum'?: { modelAsString?: boolean };
  'x-ms-discriminator-value'?: string;
  'x-nullable'?: boolean;
  'x-ms-secret'?: boolean;
}

export interface Parameter {
  $ref?: string;
  name: string;
  in: 'path' | 'query' | 'header' | 'body' | 'formData';
  required?: boolean;
  type?: string;
  schema?: Schema;
  'x-ms-skip-url-encoding'?: boolean;
}

export interface SwaggerOperation {
  operationId?: string;
  parameters?: Parameter[];
  responses: Record<string, { $ref?: string; schema?: Schema; description?: string }>;
  'x-ms-examples'?: Record<string, { $ref: string }>;
}

export interface SwaggerDoc {
  swagger: string;
  info: { version: string; title?: string };
  basePath?: string;
  'x-ms-parameterized-host'?: { hostTemplate: string };
  paths?: Record<string, Record<string, SwaggerOperation | Parameter[]>>;
  'x-ms-paths'?: Record<string, Record<string, SwaggerOperation | Parameter[]>>;
  parameters?: Record<string, Parameter>;
  definitions?: Record<string, Schema>;
}

class SpecError extends Error {}

export class SpecSet {
  /** Absolute path → parsed document, for every file read so far. */
  private readonly docs = new Map<string, SwaggerDoc>();
  private readonly resolved = new Map<string, Located<unknown>>();
  /** The swagger files found under the folder (operations are indexed from these). */
  readonly files: string[];

  constructor(readonly root: string) {
    this.root = resolve(root);
    this.files = existsSync(this.root) ? walk(this.root).filter((f) => this.isSwagger(f)) : [];
  }

  doc(file: string): SwaggerDoc {
    let doc = this.docs.get(file);
    if (doc === undefined) {
      try {
        doc = JSON.parse(readFileSync(file, 'utf8')) as SwaggerDoc;
      } catch (err) {
        throw new SpecError(`cannot read spec ${this.relative(file)}: ${(err as Error).message}`);
      }
      this.docs.set(file, doc);
    }
    return doc;
  }

  /** The path under the specs folder (`specification/…`), for messages. */
  relative(file: string): string {
    return relative(this.root, file).split(sep).join('/');
  }

  /** Follows `$ref`s (chains too) from a node in `file` to the node they name. */
  deref<T>(node: T & { $ref?: string }, file: string): Located<T> {
    let current: Located<T & { $ref?: string }> = { node, file };
    for (let hops = 0; typeof current.node.$ref === 'string'; hops++) {
      if (hops > 32) throw new SpecError(`$ref loop at ${current.node.$ref} in ${this.relative(file)}`);
      current = this.resolveRef<T & { $ref?: string }>(current.node.$ref, current.file);
    }
    return current;
  }

  /** `#/definitions/X`, `other.json#/definitions/X`, `../../common.json#/parameters/Y` or a whole file. */
  resolveRef<T>(ref: string, from: string): Located<T> {
    const key = `${from}|${ref}`;
    const cached = this.resolved.get(key);
    if (cached !== undefined) return cached as Located<T>;
    const [filePart, pointer = ''] = ref.split('#');
    const file = filePart === undefined || filePart === '' ? from : resolve(dirname(from), filePart);
    let node: unknown = this.doc(file);
    for (const raw of pointer.split('/').filter((s) => s !== '')) {
      const part = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
      if (node === undefined) throw new SpecError(`$ref ${ref} in ${this.relative(from)} names nothing`);
    }
    const out = { node: node as T, file };
    this.resolved.set(key, out);
    return out;
  }

  /**
   * Every document read so far, which includes every swagger file (the constructor parsed each to
   * tell swagger from other JSON): for the discriminator index, as subtypes live in those files.
   */
  loaded(): Array<[string, SwaggerDoc]> {
    return [...this.docs.entries()];
  }

  private isSwagger(file: string): boolean {
    try {
      return this.doc(file).swagger === '2.0';
    } catch {
      return false;
    }
  }
}

/** Every `.json` file under `dir`, `examples` folders skipped (they are read through `x-ms-examples`). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'examples') out.push(...walk(full));
    } else if (name.endsWith('.json')) {
      out.push(full);
    }
  }
  return out;
}
