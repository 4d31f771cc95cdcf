/**
 * A validator for the part of swagger 2.0's Schema Object Azure's specs use: type and format,
 * properties, required, additionalProperties, items, enum (with `x-ms-enum` modelAsString: any
 * string), allOf, polymorphism (`discriminator` with `x-ms-discriminator-value`), readOnly,
 * `x-nullable` and `x-ms-secret`. `x-ms-client-flatten` only shapes generated clients, so it has
 * no effect on the wire and none here.
 *
 * It is strict where Azure's own model validation (oav) is: a property the schema does not define
 * is reported unless `additionalProperties` allows it (a schema with no properties at all is a
 * free-form object). `null` follows oav's rule: an optional property, an array item or an
 * additionalProperties value may be null unless `x-nullable` is false; a required property or a
 * whole body only where `x-nullable` is true. A read-only property sent in a request is a note,
 * not a violation: ARM ignores it.
 */
import type { Located, Schema, SpecSet } from './specs.js';

export type Direction = 'request' | 'response';

export interface SchemaIssue {
  jsonPath: string;
  message: string;
  /** True for what is worth knowing but not a breach (a read-only property sent). */
  note?: boolean;
}

export interface ValidateOptions {
  direction: Direction;
  /** The request's method: a secret must not come back from a GET. */
  method: string;
}

/** A schema with its allOf chain merged: what an object of it may and must hold. */
interface Compiled {
  name: string;
  node: Schema;
  file: string;
  type: string | undefined;
  format: string | undefined;
  properties: Map<string, Located>;
  required: Set<string>;
  additional: 'any' | 'none' | Located;
  items: Located | undefined;
  enum: unknown[] | undefined;
  discriminator: string | undefined;
  /** The schema's own x-nullable, if it says. */
  nullable: boolean | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SchemaValidator {
  private readonly compiled = new WeakMap<object, Compiled>();
  /** Base definition → its descendants (through allOf), with their discriminator values. */
  private subtypes: Map<object, Array<{ value: string; loc: Located }>> | undefined;
  private names: WeakMap<object, string> | undefined;

  constructor(private readonly specs: SpecSet) {}

  validate(value: unknown, schema: Located, options: ValidateOptions, jsonPath = '$'): SchemaIssue[] {
    const out: SchemaIssue[] = [];
    this.check(value, schema, options, jsonPath, out, false);
    return out;
  }

  /** `nullByDefault`: whether null is allowed when no x-nullable says otherwise (oav's rule, above). */
  private check(value: unknown, loc: Located, options: ValidateOptions, path: string, out: SchemaIssue[], nullByDefault: boolean): void {
    let c = this.compile(loc);
    if (value === null) {
      // Flags written beside a $ref (`{ $ref, x-nullable: false }`) belong to the use, before the target's.
      const explicit = loc.node['x-nullable'] ?? c.nullable;
      if (!(explicit ?? nullByDefault)) {
        out.push({ jsonPath: path, message: `null where the spec allows ${describe(c)} (${explicit === false ? 'x-nullable is false' : 'required, and no x-nullable'})` });
      }
      return;
    }
    if (!this.typeMatches(value, c, path, out)) return;
    if (c.enum !== undefined && !c.node['x-ms-enum']?.modelAsString && !c.enum.includes(value)) {
      out.push({ jsonPath: path, message: `${JSON.stringify(value)} is not one of the values ${c.name} allows: ${c.enum.map((v) => JSON.stringify(v)).join(', ')}` });
    }
    if (Array.isArray(value)) {
      if (c.items !== undefined) value.forEach((item, i) => this.check(item, c.items!, options, `${path}[${i}]`, out, true));
      return;
    }
    if (typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (c.discriminator !== undefined) {
      const kind = record[c.discriminator];
      if (typeof kind === 'string') {
        const sub = this.subtype(c, kind);
        if (sub === null) {
          const known = this.descendants(c).map((d) => d.value);
          out.push({ jsonPath: join(path, c.discriminator), message: `'${kind}' names no subtype of ${c.name} (known: ${[discriminatorValue(c), ...known].join(', ')})` });
          return;
        }
        if (sub !== undefined) c = this.compile(sub);
      }
    }
    for (const name of c.required) {
      if (record[name] !== undefined) continue;
      const prop = c.properties.get(name);
      // A required read-only property is the service's to fill: a request need not send it.
      if (options.direction === 'request' && prop !== undefined && this.isReadOnly(prop)) continue;
      out.push({ jsonPath: join(path, name), message: `missing required property '${name}' (${c.name})` });
    }
    for (const [name, v] of Object.entries(record)) {
      if (v === undefined) continue;
      const prop = c.properties.get(name);
      const at = join(path, name);
      if (prop === undefined) {
        if (c.additional === 'none') out.push({ jsonPath: at, message: `property '${name}' is not defined by the spec (${c.name})` });
        else if (c.additional !== 'any') this.check(v, c.additional, options, at, out, true);
        continue;
      }
      if (options.direction === 'request' && this.isReadOnly(prop)) {
        out.push({ jsonPath: at, message: `read-only property '${name}' sent (ARM ignores it)`, note: true });
      }
      if (options.direction === 'response' && options.method === 'GET' && this.isSecret(prop)) {
        out.push({ jsonPath: at, message: `secret property '${name}' (x-ms-secret) returned by a GET` });
      }
      this.check(v, prop, options, at, out, !c.required.has(name));
    }
  }

  private typeMatches(value: unknown, c: Compiled, path: string, out: SchemaIssue[]): boolean {
    const fail = (what: string) => {
      out.push({ jsonPath: path, message: `expected ${what}, got ${kindOf(value)}` });
      return false;
    };
    switch (c.type) {
      case 'string':
        if (typeof value !== 'string') return fail('a string');
        if ((c.format === 'date-time' || c.format === 'date') && Number.isNaN(Date.parse(value))) return fail(`a ${c.format} string`);
        if (c.format === 'uuid' && !UUID.test(value)) return fail('a uuid string');
        return true;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) return fail(c.format !== undefined ? `an ${c.format} integer` : 'an integer');
        if (c.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) return fail('an int32 integer');
        return true;
      case 'number':
        return typeof value === 'number' || fail('a number');
      case 'boolean':
        return typeof value === 'boolean' || fail('a boolean');
      case 'array':
        return Array.isArray(value) || fail('an array');
      case 'object':
        return (typeof value === 'object' && !Array.isArray(value)) || fail('an object');
      default:
        // No type: an object when the schema describes properties, anything otherwise.
        if (c.properties.size > 0 || c.discriminator !== undefined) return (typeof value === 'object' && !Array.isArray(value)) || fail('an object');
        return true;
    }
  }

  private isReadOnly(loc: Located): boolean {
    return loc.node.readOnly === true || this.compile(loc).node.readOnly === true;
  }

  private isSecret(loc: Located): boolean {
    return loc.node['x-ms-secret'] === true || this.compile(loc).node['x-ms-secret'] === true;
  }

  /** The schema (allOf merged), compiled once per schema object. */
  private compile(loc: Located): Compiled {
    const target = this.specs.deref(loc.node, loc.file);
    const hit = this.compiled.get(target.node);
    if (hit !== undefined) return hit;
    const node = target.node;
    const c: Compiled = {
      name: this.nameOf(node) ?? 'the schema',
      node,
      file: target.file,
      type: node.type,
      format: node.format,
      properties: new Map(),
      required: new Set(node.required ?? []),
      additional: 'none',
      items: node.items !== undefined ? { node: node.items, file: target.file } : undefined,
      enum: node.enum,
      discriminator: node.discriminator,
      nullable: node['x-nullable'],
    };
    // Cached before the allOf walk: a recursive model (an error's `details`) refers to itself.
    this.compiled.set(node, c);
    let open = node.additionalProperties === true || (typeof node.additionalProperties === 'object' && Object.keys(node.additionalProperties).length === 0);
    let declared = node.properties !== undefined || node.additionalProperties === false;
    for (const part of node.allOf ?? []) {
      const base = this.compile({ node: part, file: target.file });
      for (const [k, v] of base.properties) if (!c.properties.has(k)) c.properties.set(k, v);
      for (const r of base.required) c.required.add(r);
      c.type ??= base.type;
      c.discriminator ??= base.discriminator;
      if (base.additional === 'any') open = true;
      else if (base.additional !== 'none' && c.additional === 'none') c.additional = base.additional;
      declared = true;
    }
    for (const [k, v] of Object.entries(node.properties ?? {})) c.properties.set(k, { node: v, file: target.file });
    if (typeof node.additionalProperties === 'object' && Object.keys(node.additionalProperties).length > 0) {
      c.additional = { node: node.additionalProperties, file: target.file };
    } else if (open || (!declared && c.properties.size === 0 && c.discriminator === undefined)) {
      // `{ type: object }` with nothing more is a free-form object.
      c.additional = 'any';
    }
    return c;
  }

  /**
   * The subtype a discriminator value names: undefined when it names `c` itself, null when it
   * names nothing known.
   */
  private subtype(c: Compiled, kind: string): Located | undefined | null {
    if (discriminatorValue(c) === kind) return undefined;
    return this.descendants(c).find((d) => d.value === kind)?.loc ?? null;
  }

  private descendants(c: Compiled): Array<{ value: string; loc: Located }> {
    this.indexSubtypes();
    const out: Array<{ value: string; loc: Located }> = [];
    const queue = [c.node as object];
    const seen = new Set<object>();
    while (queue.length > 0) {
      const next = queue.shift()!;
      for (const d of this.subtypes!.get(next) ?? []) {
        if (seen.has(d.loc.node)) continue;
        seen.add(d.loc.node);
        out.push(d);
        queue.push(d.loc.node);
      }
    }
    return out;
  }

  private nameOf(node: object): string | undefined {
    this.indexSubtypes();
    return this.names!.get(node);
  }

  /** Every definition of every spec read, by the definitions its allOf names. */
  private indexSubtypes(): void {
    if (this.subtypes !== undefined) return;
    this.subtypes = new Map();
    this.names = new WeakMap();
    for (const [file, doc] of this.specs.loaded()) {
      for (const [name, def] of Object.entries(doc.definitions ?? {})) {
        this.names.set(def, name);
        for (const part of def.allOf ?? []) {
          if (typeof part.$ref !== 'string') continue;
          let base: Located;
          try {
            base = this.specs.deref(part, file);
          } catch {
            continue;
          }
          const list = this.subtypes.get(base.node) ?? [];
          list.push({ value: def['x-ms-discriminator-value'] ?? name, loc: { node: def, file } });
          this.subtypes.set(base.node, list);
        }
      }
    }
  }
}

function discriminatorValue(c: Compiled): string {
  return c.node['x-ms-discriminator-value'] ?? c.name;
}

function describe(c: Compiled): string {
  return c.type !== undefined ? `a value of type ${c.type}` : 'a value';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** `$.properties.name`, or `$['@odata.type']` for a name that is not an identifier. */
export function join(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
