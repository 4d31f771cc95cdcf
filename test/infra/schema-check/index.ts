/**
 * Validates ARM JSON templates and hand-written Bicep against Microsoft's published resource
 * schemas and type definitions (test/infra/schemas). There is no Bicep compiler here: this is
 * what stands in for its type check, and `azd provision` (ARM) checks the rest.
 */
import { checkArmSchemas } from './arm-schemas.js';
import { checkBicepTypes } from './bicep-types.js';
import { readBicep, type BicepFile } from './bicep-reader.js';
import type { Finding } from './finding.js';
import type { ResourceUnderCheck } from './resource.js';
import { templateResources } from './template.js';

export type { Finding } from './finding.js';
export { formatFinding } from './finding.js';

/** Both sources' findings for one resource; where both say the same thing, once. */
export function validateResource(r: ResourceUnderCheck): Finding[] {
  const seen = new Set<string>();
  const findings = [...checkBicepTypes(r), ...checkArmSchemas(r)].filter((f) => {
    const key = `${f.path}\n${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return r.lines ? findings.map((f) => ({ ...f, line: lineOf(r.lines as ReadonlyMap<string, number>, f.path) })) : findings;
}

/** Every resource of an ARM JSON template, nested deployments' inline templates included. */
export function validateTemplate(template: unknown, file: string): Finding[] {
  const { resources, findings } = templateResources(template, file);
  return [...findings, ...resources.flatMap(validateResource)];
}

/** Every resource a Bicep file declares; what the reader could not read is a finding too. */
export function validateBicep(text: string, file: string): Finding[] {
  return validateRead(readBicep(text, file));
}

export function validateRead(read: BicepFile): Finding[] {
  return [...read.findings, ...read.resources.flatMap(validateResource)];
}

/** The line of a path, or of its nearest written ancestor (a missing key is reported on its object). */
function lineOf(lines: ReadonlyMap<string, number>, path: string): number | undefined {
  for (let p = path; ; p = parentPath(p)) {
    const line = lines.get(p);
    if (line !== undefined || p === '') return line;
  }
}

function parentPath(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut < 0 ? '' : path.slice(0, cut);
}
