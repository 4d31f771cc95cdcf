/**
 * The determinism rule set for orchestrations/ catches what would break replay, and leaves the
 * rest of the code base alone.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';

const eslint = new ESLint({ cwd: repoRoot });

async function lint(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

const orchestration = 'orchestrations/example.ts';

describe('orchestration determinism lint', () => {
  it.each([
    ['Date.now()', 'export const t = Date.now();', 'Date.now() differs on replay'],
    ['argument-less new Date()', 'export const t = new Date();', 'new Date() reads the clock'],
    ['Math.random()', 'export const r = Math.random();', 'Math.random() differs on replay'],
    ['process.env', "export const v = process.env['X'];", 'process.env is configuration'],
    ['crypto.randomUUID()', 'export const id = crypto.randomUUID();', 'random ids differ on replay'],
    ['setTimeout', 'setTimeout(() => undefined, 10);', 'setTimeout is I/O or a real timer'],
    ['fetch', "export const p = fetch('https://example.com');", 'fetch is I/O'],
    ['node:fs', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'orchestrations do no I/O'],
    ['https', "import https from 'https';\nexport const h = https;", 'orchestrations do no I/O'],
    ['an Azure SDK', "import { BlobServiceClient } from '@azure/storage-blob';\nexport const b = BlobServiceClient;", 'Azure SDKs and HTTP clients'],
    ['lib code', "import { parseAlert } from '../lib/alerts/index.js';\nexport const p = parseAlert;", 'may import types from lib'],
  ])('rejects %s', async (_name, code, expected) => {
    const messages = await lint(code, orchestration);
    expect(messages.some((m) => m.includes(expected))).toBe(true);
  });

  it('accepts replay-safe orchestration code', async () => {
    const code = [
      "import type { Signal } from '../lib/alerts/index.js';",
      'export function deadline(now: Date, signal: Signal): Date {',
      '  return new Date(now.getTime() + (signal.kind === "manual" ? 0 : 60_000));',
      '}',
    ].join('\n');
    expect(await lint(code, orchestration)).toEqual([]);
  });

  it('does not apply outside orchestrations/', async () => {
    expect(await lint('export const t = Date.now() + Math.random();', 'lib/example.ts')).toEqual([]);
  });
});
