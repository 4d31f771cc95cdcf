/**
 * Published Azure payload samples live in the shared folder beside the repository
 * (`../shared/fixtures/alerts`); ALERT_FIXTURES_DIR points elsewhere when needed.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export function fixturesDir(): string {
  const dir = process.env['ALERT_FIXTURES_DIR'] ?? resolve(repoRoot, '../shared/fixtures/alerts');
  if (!existsSync(dir)) {
    throw new Error(`alert fixtures not found at ${dir}; check out shared/ beside the repository or set ALERT_FIXTURES_DIR`);
  }
  return dir;
}

/** Whole payloads (not the parts/ fragments), by file name. */
export function payloadFixtureNames(): string[] {
  return readdirSync(fixturesDir()).filter((f) => f.endsWith('.json')).sort();
}

export function readFixture(name: string): string {
  return readFileSync(join(fixturesDir(), name), 'utf8');
}

export function readFixtureJson<T = unknown>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}
