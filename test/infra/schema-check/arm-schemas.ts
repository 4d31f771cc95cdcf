/**
 * Checks a resource against Azure/azure-resource-manager-schemas: the JSON Schema (draft-04) that
 * editors use for ARM templates. Its definitions allow an expression wherever a value goes
 * (`oneOf [value, expression]`) and rarely forbid unknown properties, so this catches wrong types,
 * enum values, patterns and missing required properties; bicep-types.ts catches unknown keys.
 */
import Ajv04Module, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import { childPath, describeValue, isExpression, isRecord, itemPath, quote, suggest, typeRef, type Finding } from './finding.js';
import { isExtension, withoutNulls, type DeployScope, type ResourceUnderCheck } from './resource.js';
import { readVendored, SCHEMAS_DIR_NAME } from './vendored.js';

// A CommonJS module whose default export is the class: NodeNext types the import as the module.
const Ajv04 = Ajv04Module.default;

const COMMON = 'https://schema.management.azure.com/schemas/common/definitions.json';

/** The schema files' resource sections and the deployment scope each one is for. */
const SECTIONS: Record<string, DeployScope | 'extension'> = {
  resourceDefinitions: 'resourceGroup',
  subscription_resourceDefinitions: 'subscription',
  managementGroup_resourceDefinitions: 'managementGroup',
  tenant_resourceDefinitions: 'tenant',
  extension_resourceDefinitions: 'extension',
};

interface Definition {
  /** `https://schema.management.azure.com/schemas/2020-10-01/Microsoft.Insights.json#/resourceDefinitions/activityLogAlerts` */
  ref: string;
  /** Where the definition is, for messages: `schemas/2020-10-01/Microsoft.Insights.json`. */
  file: string;
  section: DeployScope | 'extension';
}

interface Loaded {
  ajv: InstanceType<typeof Ajv04>;
  /** lower-case `type@apiVersion` → its definitions, one per section that has it. */
  definitions: Map<string, Definition[]>;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const ajv = new Ajv04({ strict: false, allErrors: true, validateFormats: false, logger: false });
  const definitions = new Map<string, Definition[]>();
  for (const { path, json } of readVendored('azure-resource-manager-schemas')) {
    if (!isRecord(json) || typeof json.id !== 'string') continue;
    ajv.addSchema(json);
    const id = json.id.replace(/#$/, '');
    for (const [section, scope] of Object.entries(SECTIONS)) {
      const defs = json[section];
      if (!isRecord(defs)) continue;
      for (const [name, def] of Object.entries(defs)) {
        const props = isRecord(def) && isRecord(def.properties) ? def.properties : {};
        const type = enumValue(props.type);
        const apiVersion = enumValue(props.apiVersion);
        if (type === undefined || apiVersion === undefined) continue;
        const key = typeRef(type, apiVersion).toLowerCase();
        const list = definitions.get(key) ?? [];
        list.push({ ref: `${id}#/${section}/${name}`, file: path.replace(/^azure-resource-manager-schemas\//, ''), section: scope });
        definitions.set(key, list);
      }
    }
  }
  loaded = { ajv, definitions, validators: new Map() };
  return loaded;
}

function enumValue(schema: unknown): string | undefined {
  if (!isRecord(schema) || !Array.isArray(schema.enum)) return undefined;
  const [first] = schema.enum;
  return typeof first === 'string' ? first : undefined;
}

/** The type@apiVersion pairs the vendored schemas define (for hints and tests). */
export function armSchemaTypes(): string[] {
  return [...load().definitions.keys()];
}

function validatorFor(def: Definition): ValidateFunction {
  const { ajv, validators } = load();
  const cached = validators.get(def.ref);
  if (cached) return cached;
  // The provider's definition plus the template's own resource keys (dependsOn, condition, copy, ...).
  const validate = ajv.compile({
    allOf: [{ $ref: def.ref }, { $ref: `${COMMON}#/definitions/resourceBase` }, { properties: { scope: { type: 'string' } } }],
  });
  validators.set(def.ref, validate);
  return validate;
}

function pick(r: ResourceUnderCheck): Definition | string {
  const defs = load().definitions.get(typeRef(r.type, r.apiVersion).toLowerCase());
  if (!defs) {
    const other = armSchemaTypes().filter((key) => key.startsWith(`${r.type.toLowerCase()}@`)).map((key) => key.split('@')[1]);
    const hint = other.length > 0 ? ` (vendored: ${other.join(', ')})` : '';
    return `no schema for ${typeRef(r.type, r.apiVersion)} in ${SCHEMAS_DIR_NAME}; vendor it${hint}`;
  }
  // An extension resource (role assignment) takes the scope of the resource it extends; the
  // schemas list it in every section, so the deployment's own section fits.
  const found = defs.find((d) => d.section === r.scope) ?? defs.find((d) => d.section === 'extension');
  if (found) return found;
  if (isExtension(r)) return defs[0] as Definition;
  const sections = defs.map((d) => d.section).join(', ');
  return `${typeRef(r.type, r.apiVersion)} cannot be deployed at ${r.scope} scope: the ARM schema defines it for ${sections} deployments`;
}

export function checkArmSchemas(r: ResourceUnderCheck): Finding[] {
  const found = (path: string, message: string): Finding => ({ file: r.file, resource: r.label, path, message, source: 'arm-schemas' });
  const def = pick(r);
  if (typeof def === 'string') return [found('', def)];
  // A Bicep `existing` resource is a reference: nothing of it is deployed, so there is no body to check.
  if (r.existing) return [];
  const validate = validatorFor(def);
  // Bicep writes the type and apiVersion in the declaration, and `parent` instead of a full name.
  const { parent: _parent, ...rest } = r.resource;
  const instance = withoutNulls({ ...(r.dialect === 'bicep' ? rest : r.resource), type: r.type, apiVersion: r.apiVersion }) as Record<string, unknown>;
  validate(instance);
  let errors = relevant(validate.errors ?? [], instance);
  if (errors.some((e) => e.instancePath === '/name')) errors = retryName(validate, instance, errors);
  const t = typeRef(r.type, r.apiVersion);
  return errors.map((e) => {
    const path = pointerToPath(instance, e.instancePath);
    return found(messagePath(path, e), describeError(path, e, t, instance));
  });
}

/**
 * Drops what the `oneOf [value, expression]` pattern makes ajv say besides the real failure: the
 * expression branch's own errors, and the oneOf summary (kept only when nothing under it explains
 * it). An expression where the schema has no expression branch (`tags: {type: object}` in
 * resourceBase) is evaluated by ARM before the provider sees a value, so errors on it go too. Two
 * branches passing at once is the schema overlapping itself (`value: oneOf [{}, expression]`), not
 * a mistake in the template; a summary above such an overlap explains nothing either.
 */
function relevant(errors: ErrorObject[], instance: unknown): ErrorObject[] {
  const isSummary = (e: ErrorObject) => e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'allOf';
  const isExpressionBranch = (e: ErrorObject) => e.schemaPath.includes('/definitions/expression/');
  const onExpression = (e: ErrorObject) => isExpression(valueAt(instance, e.instancePath));
  const own = errors.filter((e) => !isSummary(e) && !isExpressionBranch(e) && !onExpression(e));
  const explainedAway = errors.filter((e) => (isSummary(e) && Array.isArray(e.params.passingSchemas)) || (!isSummary(e) && !isExpressionBranch(e) && onExpression(e)));
  const under = (e: ErrorObject, s: ErrorObject) => e !== s && (e.instancePath === s.instancePath || e.instancePath.startsWith(`${s.instancePath}/`));
  const unexplained = errors.filter(
    (s) => (s.keyword === 'oneOf' || s.keyword === 'anyOf') && !Array.isArray(s.params.passingSchemas) && ![...own, ...explainedAway].some((e) => under(e, s)),
  );
  return [...own, ...unexplained];
}

/**
 * The schemas disagree on what `name` holds for a child type: the full `account/default` form for
 * fixed names (`^.*\/default$`), the last segment elsewhere (a container's 3 to 63 characters).
 * Templates write the full form, Bicep with `parent` the last segment: either form passing is enough.
 */
function retryName(validate: ValidateFunction, instance: Record<string, unknown>, errors: ErrorObject[]): ErrorObject[] {
  const name = instance.name;
  if (typeof name !== 'string') return errors;
  const last = name.split('/').pop() ?? name;
  for (const alternative of [last, `parent/${last}`]) {
    if (alternative === name) continue;
    const renamed = { ...instance, name: alternative };
    validate(renamed);
    if (!relevant(validate.errors ?? [], renamed).some((e) => e.instancePath === '/name')) return errors.filter((e) => e.instancePath !== '/name');
  }
  return errors;
}

/** `/properties/condition/allOf/0` → `properties.condition.allOf[0]`, indexing where the value is an array. */
function pointerToPath(instance: unknown, pointer: string): string {
  let path = '';
  let value: unknown = instance;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path = itemPath(path, Number(token));
      value = value[Number(token)];
    } else {
      path = childPath(path, token);
      value = isRecord(value) ? value[token] : undefined;
    }
  }
  return path;
}

/** A missing or unknown property's finding points at the property, not at its object. */
function messagePath(path: string, e: ErrorObject): string {
  if (e.keyword === 'required') return childPath(path, String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') return childPath(path, String(e.params.additionalProperty));
  return path;
}

function valueAt(instance: unknown, pointer: string): unknown {
  let value = instance;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    value = Array.isArray(value) ? value[Number(token)] : isRecord(value) ? value[token] : undefined;
  }
  return value;
}

function describeError(path: string, e: ErrorObject, t: string, instance: unknown): string {
  const at = path === '' ? 'the resource' : path;
  const value = valueAt(instance, e.instancePath);
  switch (e.keyword) {
    case 'required':
      return `${childPath(path, String(e.params.missingProperty))} is required by ${t}`;
    case 'additionalProperties': {
      const known = e.parentSchema && isRecord(e.parentSchema.properties) ? Object.keys(e.parentSchema.properties) : [];
      const key = String(e.params.additionalProperty);
      return `${childPath(path, key)} is not a property of ${t}${suggest(key, known)}`;
    }
    case 'type':
      return `${at} must be ${article(String(e.params.type))} in ${t}, not ${describeValue(value)}`;
    case 'enum': {
      const allowed = e.params.allowedValues as unknown[];
      const sameButCase = typeof value === 'string' ? allowed.find((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase()) : undefined;
      if (typeof sameButCase === 'string') return `${at} must be ${quote(sameButCase)} in ${t}, not ${quote(value as string)} (the schema's enum is case-sensitive)`;
      return `${at} must be one of ${allowed.map((v) => (typeof v === 'string' ? quote(v) : JSON.stringify(v))).join(', ')} in ${t}, not ${describeValue(value)}`;
    }
    default:
      return `${at} ${e.message ?? e.keyword} in ${t}`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
