import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogUnavailableError, catalogSource } from '../../lib/catalog/source.js';
import { repoRoot } from '../support/fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function catalogFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-source-'));
  dirs.push(dir);
  const path = join(dir, 'catalog.yaml');
  writeFileSync(path, readFileSync(join(repoRoot, 'samples/catalog.yaml')));
  return path;
}

describe('catalog source', () => {
  it('answers a burst of concurrent callers with one catalog, and sees an edit made after it', async () => {
    const path = catalogFile();
    const catalog = catalogSource(path);
    const before = await catalog();
    const burst = await Promise.all(Array.from({ length: 20 }, () => catalog()));
    expect(new Set(burst)).toEqual(new Set([before]));

    const yaml = readFileSync(path, 'utf8');
    writeFileSync(path, yaml.replace(/\n {2}- id: media-streaming\n[\s\S]*?(?=\n {2}- id: )/, ''));
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const after = await catalog();
    expect(after).not.toBe(before);
    expect(after.workloads.map((w) => w.id)).not.toContain('media-streaming');
    expect(before.workloads.map((w) => w.id)).toContain('media-streaming');
  });

  it('tells every caller of a burst that the file is gone, and recovers when it is back', async () => {
    const path = catalogFile();
    const yaml = readFileSync(path);
    const catalog = catalogSource(path);
    rmSync(path);
    const answers = await Promise.allSettled(Array.from({ length: 5 }, () => catalog()));
    for (const a of answers) {
      expect(a.status).toBe('rejected');
      expect((a as PromiseRejectedResult).reason).toBeInstanceOf(CatalogUnavailableError);
    }
    writeFileSync(path, yaml);
    expect((await catalog()).workloads.length).toBeGreaterThan(0);
  });
});
