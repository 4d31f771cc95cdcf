/**
 * `npm run infra:validate`: every ARM JSON template and Bicep file under infra/ against the
 * vendored schemas and type definitions; modules' and parameter files' parameters against what
 * they pass them to. Prints each finding and a count; exits 1 when there is any.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readBicep } from './bicep-reader.js';
import { formatFinding, type Finding } from './finding.js';
import { validateRead, validateTemplate } from './index.js';
import { bicepParameters, checkModuleParams, checkParameterFile, templateParameters, type Declared } from './parameters.js';

const root = resolve(process.argv[2] ?? 'infra');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).map((f) => join(dir, f)).sort();
}

function readJson(path: string, findings: Finding[], shown: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    findings.push({ file: shown, resource: 'file', path: '', message: `not JSON: ${(e as Error).message}`, source: 'bicep-reader' });
    return undefined;
  }
}

function isTemplate(json: unknown): boolean {
  return typeof json === 'object' && json !== null && /deploymentTemplate\.json/i.test(String((json as { $schema?: unknown }).$schema));
}

/** The parameters a template or Bicep file declares, for the files that pass them. */
function declaredBy(path: string): Declared | undefined {
  if (!existsSync(path)) return undefined;
  if (path.endsWith('.bicep')) return bicepParameters(readBicep(readFileSync(path, 'utf8'), path).params);
  const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  return isTemplate(json) ? templateParameters(json) : undefined;
}

const findings: Finding[] = [];
let checked = 0;
for (const path of files(root)) {
  const shown = relative(process.cwd(), path);
  if (path.endsWith('.parameters.json')) {
    const base = path.slice(0, -'.parameters.json'.length);
    const target = [`${base}.bicep`, `${base}.json`].find(existsSync);
    const declared = target ? declaredBy(target) : undefined;
    if (target && declared) {
      findings.push(...checkParameterFile(readJson(path, findings, shown), declared, shown, relative(process.cwd(), target)));
      checked++;
    }
  } else if (path.endsWith('.json')) {
    const json = readJson(path, findings, shown);
    if (!isTemplate(json)) continue;
    findings.push(...validateTemplate(json, shown));
    checked++;
  } else if (path.endsWith('.bicep')) {
    const read = readBicep(readFileSync(path, 'utf8'), shown);
    findings.push(...validateRead(read));
    // A module that is a JSON template or Bicep file in the repository: its parameters are known.
    for (const module of read.modules) {
      // Registry (`br:`, `br/alias:`) and template-spec (`ts:`) modules live elsewhere.
      if (/^(br|ts)[:/]/.test(module.path)) continue;
      const target = resolve(dirname(path), module.path);
      const declared = declaredBy(target);
      if (declared) findings.push(...checkModuleParams(module, declared, shown));
      else if (!existsSync(target)) {
        const hint = module.path.includes('generated/') ? ' (`failover infra generate <catalog>` writes it)' : '';
        findings.push({ file: shown, resource: `module ${module.symbol} '${module.path}'`, path: '', message: `${module.path} does not exist${hint}`, source: 'bicep-reader', line: module.line });
      }
    }
    checked++;
  }
}

for (const f of findings) console.log(formatFinding(f));
console.log(`${checked} file${checked === 1 ? '' : 's'} under ${relative(process.cwd(), root) || '.'} checked against test/infra/schemas: ${findings.length} finding${findings.length === 1 ? '' : 's'}`);
process.exitCode = findings.length > 0 ? 1 : 0;
