/** The schema files copied into test/infra/schemas (see its SOURCES.md), read once per process. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMAS_DIR = fileURLToPath(new URL('../schemas', import.meta.url));

/** How findings name the folder a missing schema belongs in. */
export const SCHEMAS_DIR_NAME = 'test/infra/schemas';

export interface VendoredJson {
  /** Relative to test/infra/schemas, e.g. `bicep-types-az/generated/msi/microsoft.managedidentity/2023-01-31/types.json`. */
  path: string;
  json: unknown;
}

/** Every `.json` file under one source's folder (`azure-resource-manager-schemas` or `bicep-types-az`). */
export function readVendored(source: string): VendoredJson[] {
  const root = join(SCHEMAS_DIR, source);
  return (readdirSync(root, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const full = join(root, name);
      return { path: relative(SCHEMAS_DIR, full).split('\\').join('/'), json: JSON.parse(readFileSync(full, 'utf8')) as unknown };
    });
}
