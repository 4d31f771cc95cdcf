/**
 * Parameters against what they are passed to: a Bicep module's `params` against the JSON template
 * it uses, and a `*.parameters.json` file against its template's (or Bicep file's) parameters.
 */
import { isRecord, suggest, type Finding } from './finding.js';
import type { BicepModule, BicepParam } from './bicep-reader.js';

/** A template's declared parameters: name → whether it has a default. */
export type Declared = Map<string, boolean>;

export function templateParameters(template: unknown): Declared {
  const params = isRecord(template) && isRecord(template.parameters) ? template.parameters : {};
  return new Map(Object.entries(params).map(([name, p]) => [name, isRecord(p) && p.defaultValue !== undefined]));
}

export function bicepParameters(params: BicepParam[]): Declared {
  return new Map(params.map((p) => [p.name, p.hasDefault]));
}

/** Every key passed must be declared; every parameter without a default must be passed. */
function compare(given: string[], declared: Declared, target: string): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  for (const key of given) {
    if (!declared.has(key)) problems.push({ key, message: `${key} is not a parameter of ${target}${suggest(key, declared.keys())}` });
  }
  for (const [name, hasDefault] of declared) {
    if (!hasDefault && !given.includes(name)) problems.push({ key: name, message: `${name} is a parameter of ${target} without a default, and is not given` });
  }
  return problems;
}

export function checkModuleParams(module: BicepModule, declared: Declared, file: string): Finding[] {
  // `params: someObject` cannot be read here; ARM checks it.
  if (module.params === undefined) return [];
  return compare(module.params, declared, module.path).map(({ key, message }) => ({
    file,
    resource: `module ${module.symbol} '${module.path}'`,
    path: `params.${key}`,
    message,
    source: 'bicep-reader',
    line: module.paramLines.get(key) ?? module.line,
  }));
}

export function checkParameterFile(parameterFile: unknown, declared: Declared, file: string, target: string): Finding[] {
  const given = isRecord(parameterFile) && isRecord(parameterFile.parameters) ? Object.keys(parameterFile.parameters) : [];
  return compare(given, declared, target).map(({ key, message }) => ({ file, resource: 'parameters', path: `parameters.${key}`, message, source: 'bicep-reader' }));
}
