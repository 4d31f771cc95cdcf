/**
 * Checks a resource against Azure/bicep-types-az: the type definitions Bicep compiles against.
 * Unlike the ARM schemas they close every object that has no `additionalProperties`, so a
 * misspelled key at any depth is found, along with missing required and read-only properties,
 * wrong value types, string literals outside a closed set, patterns, lengths and ranges.
 *
 * String literals compare case-sensitively, as Bicep compares them (AzResourceTypeFactory makes a
 * plain StringLiteralType). Most resource providers would accept `enabled` for `Enabled`; writing
 * the published spelling costs nothing and keeps the check exact.
 *
 * An ARM expression (`[...]`) stands for a value only known at deployment: accepted wherever a
 * value goes, while the key it is written under is still checked.
 */
import { childPath, describeValue, isExpression, isRecord, itemPath, literalString, quote, suggest, typeRef, type Finding } from './finding.js';
import { isExtension, nameSegments, providerBody, type DeployScope, type ResourceUnderCheck } from './resource.js';
import { readVendored, SCHEMAS_DIR_NAME } from './vendored.js';

interface Ref {
  $ref: string;
}
interface Property {
  type: Ref;
  flags: number;
}
type TypeNode =
  | { $type: 'AnyType' }
  | { $type: 'BooleanType' }
  | { $type: 'IntegerType'; minValue?: number; maxValue?: number }
  | { $type: 'StringType'; minLength?: number; maxLength?: number; pattern?: string }
  | { $type: 'StringLiteralType'; value: string }
  | { $type: 'UnionType'; elements: Ref[] }
  | { $type: 'ArrayType'; itemType: Ref; minLength?: number; maxLength?: number }
  | { $type: 'ObjectType'; name: string; properties: Record<string, Property>; additionalProperties?: Ref }
  | { $type: 'DiscriminatedObjectType'; name: string; discriminator: string; baseProperties: Record<string, Property>; elements: Record<string, Ref> }
  | { $type: 'ResourceType'; name: string; body: Ref; writableScopes?: number };

/** bicep-types' ObjectTypePropertyFlags. */
const REQUIRED = 1;
const READ_ONLY = 2;

/** bicep-types' ScopeType bits. */
const SCOPE_BITS: Record<DeployScope | 'extension', number> = { tenant: 1, managementGroup: 2, subscription: 4, resourceGroup: 8, extension: 16 };

interface Resource {
  types: TypeNode[];
  body: Ref;
  writableScopes: number | undefined;
}

let index: Map<string, Resource> | undefined;

function load(): Map<string, Resource> {
  if (index) return index;
  index = new Map();
  for (const { json } of readVendored('bicep-types-az')) {
    if (!Array.isArray(json)) continue;
    const types = json as TypeNode[];
    for (const t of types) {
      if (t.$type === 'ResourceType') index.set(t.name.toLowerCase(), { types, body: t.body, writableScopes: t.writableScopes });
    }
  }
  return index;
}

/** The type@apiVersion pairs the vendored type files define. */
export function bicepTypeNames(): string[] {
  return [...load().keys()];
}

function resolve(types: TypeNode[], ref: Ref): TypeNode {
  const t = types[Number(ref.$ref.replace(/^#\//, ''))];
  if (!t) throw new Error(`bicep-types reference ${ref.$ref} points at nothing`);
  return t;
}

interface Context {
  types: TypeNode[];
  /** `Microsoft.Insights/activityLogAlerts@2020-10-01`, named in every message. */
  t: string;
  report(path: string, message: string): void;
}

export function checkBicepTypes(r: ResourceUnderCheck): Finding[] {
  const findings: Finding[] = [];
  const report = (path: string, message: string) => findings.push({ file: r.file, resource: r.label, path, message, source: 'bicep-types' });
  const t = typeRef(r.type, r.apiVersion);
  const resource = load().get(t.toLowerCase());
  if (!resource) {
    const other = bicepTypeNames().filter((key) => key.startsWith(`${r.type.toLowerCase()}@`)).map((key) => key.split('@')[1]);
    report('', `no type definition for ${t} in ${SCHEMAS_DIR_NAME}; vendor it${other.length > 0 ? ` (vendored: ${other.join(', ')})` : ''}`);
    return findings;
  }
  const ctx: Context = { types: resource.types, t, report };
  checkScope(r, resource, ctx);
  const body = providerBody(r);
  checkName(r, body, ctx);
  if (r.existing) {
    // A reference to a resource deployed elsewhere: Bicep reads it, so only its address is written.
    for (const key of Object.keys(body)) if (key !== 'name') report(key, `${key} cannot be set on an existing ${t}: it is only referenced`);
    return findings;
  }
  checkValue(body, resource.body, '', ctx);
  return findings;
}

function checkScope(r: ResourceUnderCheck, resource: Resource, ctx: Context): void {
  const writable = resource.writableScopes;
  if (writable === undefined) return;
  if (writable === 0) {
    ctx.report('', `${ctx.t} is read-only: it cannot be deployed`);
    return;
  }
  const scope = isExtension(r) ? 'extension' : r.scope;
  if ((writable & SCOPE_BITS[scope]) === 0) {
    const allowed = Object.entries(SCOPE_BITS).filter(([, bit]) => (writable & bit) !== 0).map(([name]) => name);
    const where = scope === 'extension' ? 'as an extension resource (with scope)' : `at ${scope} scope`;
    ctx.report(isExtension(r) ? 'scope' : '', `${ctx.t} cannot be deployed ${where}; it can be deployed at: ${allowed.join(', ')}`);
  }
}

/**
 * A literal name has one `/`-separated segment per type level (`account/default` for blobServices);
 * the type definition's `name` describes the last one (a literal `default`, a pattern), so that is
 * what the body check sees.
 */
function checkName(r: ResourceUnderCheck, body: Record<string, unknown>, ctx: Context): void {
  const name = body.name;
  if (typeof name !== 'string' || isExpression(name)) return;
  const segments = literalString(name).split('/');
  const expected = nameSegments(r);
  if (segments.length !== expected) {
    const form = r.dialect === 'bicep' && expected === 1 ? 'one segment, as parent names the rest' : `${expected} segment${expected === 1 ? '' : 's'}, one per type level`;
    ctx.report('name', `name ${quote(name)} has ${segments.length} segment${segments.length === 1 ? '' : 's'}; a ${r.type} name has ${form}`);
  }
  body.name = segments[segments.length - 1];
}

function checkValue(value: unknown, ref: Ref, path: string, ctx: Context): void {
  if (isExpression(value)) return;
  const t = resolve(ctx.types, ref);
  const at = path === '' ? 'the resource' : path;
  switch (t.$type) {
    case 'AnyType':
      return;
    case 'BooleanType':
      if (typeof value !== 'boolean') ctx.report(path, `${at} must be a boolean in ${ctx.t}, not ${describeValue(value)}`);
      return;
    case 'IntegerType':
      if (typeof value !== 'number' || !Number.isInteger(value)) ctx.report(path, `${at} must be an integer in ${ctx.t}, not ${describeValue(value)}`);
      else if (t.minValue !== undefined && value < t.minValue) ctx.report(path, `${at} is ${value}; ${ctx.t} allows at least ${t.minValue}`);
      else if (t.maxValue !== undefined && value > t.maxValue) ctx.report(path, `${at} is ${value}; ${ctx.t} allows at most ${t.maxValue}`);
      return;
    case 'StringType':
      checkString(value, t, path, ctx);
      return;
    case 'StringLiteralType':
    case 'UnionType':
      checkUnion(value, t.$type === 'UnionType' ? t.elements : [ref], path, ctx);
      return;
    case 'ArrayType':
      if (!Array.isArray(value)) {
        ctx.report(path, `${at} must be an array in ${ctx.t}, not ${describeValue(value)}`);
        return;
      }
      if (t.minLength !== undefined && value.length < t.minLength) ctx.report(path, `${at} has ${value.length} items; ${ctx.t} requires at least ${t.minLength}`);
      if (t.maxLength !== undefined && value.length > t.maxLength) ctx.report(path, `${at} has ${value.length} items; ${ctx.t} allows at most ${t.maxLength}`);
      value.forEach((item, i) => checkValue(item, t.itemType, itemPath(path, i), ctx));
      return;
    case 'ObjectType':
      if (!isRecord(value)) ctx.report(path, `${at} must be an object in ${ctx.t}, not ${describeValue(value)}`);
      else checkObject(value, t.properties, t.additionalProperties, path, ctx);
      return;
    case 'DiscriminatedObjectType':
      if (!isRecord(value)) ctx.report(path, `${at} must be an object in ${ctx.t}, not ${describeValue(value)}`);
      else checkDiscriminated(value, t, path, ctx);
      return;
    case 'ResourceType':
      throw new Error(`bicep-types: a resource type inside a resource body (${t.name})`);
  }
}

function checkString(value: unknown, t: { minLength?: number; maxLength?: number; pattern?: string }, path: string, ctx: Context): void {
  const at = path === '' ? 'the resource' : path;
  if (typeof value !== 'string') {
    ctx.report(path, `${at} must be a string in ${ctx.t}, not ${describeValue(value)}`);
    return;
  }
  const s = literalString(value);
  if (t.minLength !== undefined && s.length < t.minLength) ctx.report(path, `${at} ${quote(s)} is ${s.length} characters long; ${ctx.t} requires at least ${t.minLength}`);
  if (t.maxLength !== undefined && s.length > t.maxLength) ctx.report(path, `${at} ${quote(s)} is ${s.length} characters long; ${ctx.t} allows at most ${t.maxLength}`);
  if (t.pattern !== undefined && !new RegExp(t.pattern).test(s)) ctx.report(path, `${at} ${quote(s)} does not match the pattern ${t.pattern} of ${ctx.t}`);
}

/** What kind of JSON value a union member accepts, to pick the members a value can be. */
function kindOf(t: TypeNode): string {
  switch (t.$type) {
    case 'StringType':
    case 'StringLiteralType':
      return 'string';
    case 'BooleanType':
      return 'boolean';
    case 'IntegerType':
      return 'number';
    case 'ArrayType':
      return 'array';
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return 'object';
    default:
      return 'any';
  }
}

function valueKind(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function checkUnion(value: unknown, elements: Ref[], path: string, ctx: Context): void {
  const at = path === '' ? 'the resource' : path;
  const members = flatten(elements, ctx);
  const kind = valueKind(value);
  if (members.some(({ t }) => t.$type === 'AnyType')) return;
  const literals = members.flatMap(({ t }) => (t.$type === 'StringLiteralType' ? [t.value] : []));
  const candidates = members.filter(({ t }) => kindOf(t) === kind && t.$type !== 'StringLiteralType');
  if (kind === 'string' && literals.length > 0) {
    const s = literalString(value as string);
    if (literals.includes(s)) return;
    if (candidates.length === 0) {
      const sameButCase = literals.find((l) => l.toLowerCase() === s.toLowerCase());
      if (sameButCase !== undefined) ctx.report(path, `${at} must be ${quote(sameButCase)} in ${ctx.t}, not ${quote(s)} (Bicep compares these literals case-sensitively)`);
      else ctx.report(path, `${at} must be one of ${literals.map(quote).join(', ')} in ${ctx.t}, not ${quote(s)}`);
      return;
    }
  }
  if (candidates.length === 0) {
    const expected = [...new Set(members.map(({ t }) => (t.$type === 'StringLiteralType' ? quote(t.value) : kindOf(t))))];
    ctx.report(path, `${at} must be ${expected.join(' or ')} in ${ctx.t}, not ${describeValue(value)}`);
    return;
  }
  // Several object shapes: the value is whichever it fits; if none, the first one's complaints.
  let firstFindings: Array<[string, string]> | undefined;
  for (const { ref } of candidates) {
    const collected: Array<[string, string]> = [];
    checkValue(value, ref, path, { ...ctx, report: (p, m) => collected.push([p, m]) });
    if (collected.length === 0) return;
    firstFindings ??= collected;
  }
  for (const [p, m] of firstFindings ?? []) ctx.report(p, m);
}

function flatten(elements: Ref[], ctx: Context): Array<{ ref: Ref; t: TypeNode }> {
  return elements.flatMap((ref) => {
    const t = resolve(ctx.types, ref);
    return t.$type === 'UnionType' ? flatten(t.elements, ctx) : [{ ref, t }];
  });
}

function checkObject(value: Record<string, unknown>, properties: Record<string, Property>, additional: Ref | undefined, path: string, ctx: Context): void {
  for (const [key, v] of Object.entries(value)) {
    const p = childPath(path, key);
    const prop = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (!prop) {
      if (additional) checkValue(v, additional, p, ctx);
      else if (isExpression(key)) ctx.report(p, `${p}: a key computed at deployment cannot be checked against ${ctx.t}, whose object here has only named properties`);
      else ctx.report(p, unknownProperty(p, key, properties, ctx));
      continue;
    }
    if (prop.flags & READ_ONLY) {
      ctx.report(p, `${p} is read-only in ${ctx.t}: Azure sets it, a template cannot`);
      continue;
    }
    // Bicep lets null stand for an optional property that is not given.
    if (v === null && !(prop.flags & REQUIRED)) continue;
    checkValue(v, prop.type, p, ctx);
  }
  for (const [key, prop] of Object.entries(properties)) {
    if (prop.flags & REQUIRED && !(prop.flags & READ_ONLY) && !Object.hasOwn(value, key)) {
      ctx.report(childPath(path, key), `${childPath(path, key)} is required by ${ctx.t}`);
    }
  }
}

/** Names the writable properties when they are few enough to read; suggests the closest one. */
function unknownProperty(p: string, key: string, properties: Record<string, Property>, ctx: Context): string {
  const writable = Object.keys(properties).filter((k) => !((properties[k] as Property).flags & READ_ONLY));
  const allowed = writable.length <= 12 ? `; allowed: ${writable.join(', ')}` : '';
  return `${p} is not a property of ${ctx.t}${suggest(key, writable)}${allowed}`;
}

/**
 * The discriminator's value picks the variant; its properties win over the base ones on a
 * case-insensitive clash, as Bicep combines them. When the value is an expression the variant
 * cannot be known here, so each key need only be known to some variant.
 */
function checkDiscriminated(value: Record<string, unknown>, t: Extract<TypeNode, { $type: 'DiscriminatedObjectType' }>, path: string, ctx: Context): void {
  const tag = value[t.discriminator];
  const variants = Object.keys(t.elements);
  const combined = (variant: string): Record<string, Property> => {
    const element = resolve(ctx.types, t.elements[variant] as Ref);
    const own = element.$type === 'ObjectType' ? element.properties : {};
    const ownLower = new Set(Object.keys(own).map((k) => k.toLowerCase()));
    const base = Object.entries(t.baseProperties).filter(([k]) => !ownLower.has(k.toLowerCase()));
    return { ...Object.fromEntries(base), ...own };
  };
  const additionalOf = (variant: string): Ref | undefined => {
    const element = resolve(ctx.types, t.elements[variant] as Ref);
    return element.$type === 'ObjectType' ? element.additionalProperties : undefined;
  };
  const p = childPath(path, t.discriminator);
  if (typeof tag === 'string' && !isExpression(tag)) {
    const s = literalString(tag);
    const variant = variants.find((v) => v === s);
    if (variant === undefined) {
      const sameButCase = variants.find((v) => v.toLowerCase() === s.toLowerCase());
      ctx.report(p, sameButCase !== undefined
        ? `${p} must be ${quote(sameButCase)} in ${ctx.t}, not ${quote(s)} (Bicep compares these literals case-sensitively)`
        : `${p} must be one of ${variants.map(quote).join(', ')} in ${ctx.t}, not ${quote(s)}`);
      return;
    }
    checkObject(value, combined(variant), additionalOf(variant), path, ctx);
    return;
  }
  if (tag === undefined) {
    ctx.report(p, `${p} is required by ${ctx.t} (one of ${variants.map(quote).join(', ')})`);
    return;
  }
  const known: Record<string, Property> = Object.assign({}, ...variants.map(combined));
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(known, key) && !variants.some((v) => additionalOf(v))) ctx.report(childPath(path, key), unknownProperty(childPath(path, key), key, known, ctx));
  }
}
