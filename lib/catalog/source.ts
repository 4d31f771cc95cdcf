/**
 * The catalog as a running app reads it: loaded on first use, reloaded when the file changes (so
 * an edit takes effect without a restart), and an error naming every problem when it is invalid.
 * A broken edit never replaces a good catalog silently: callers get the error and keep retrying.
 */
import { stat } from 'node:fs/promises';
import { loadCatalogFile } from './load.js';
import type { Catalog, CatalogProblem } from './types.js';

export class CatalogUnavailableError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly CatalogProblem[],
  ) {
    super(`the catalog ${path} cannot be used: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'CatalogUnavailableError';
  }
}

export function catalogSource(path: string): () => Promise<Catalog> {
  let cached: { version: string; catalog: Catalog } | undefined;
  // Callers that arrive while the file is being looked at share that look: under a burst of
  // alerts, one stat serves them all instead of one each.
  let looking: Promise<string> | undefined;
  const look = () =>
    (looking ??= stat(path)
      .then((s) => `${s.mtimeMs}:${s.size}`)
      .finally(() => {
        looking = undefined;
      }));
  return async () => {
    let version: string;
    try {
      version = await look();
    } catch (err) {
      throw new CatalogUnavailableError(path, [{ severity: 'error', path: '$', message: `cannot read the catalog file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
    }
    if (cached?.version === version) return cached.catalog;
    const loaded = await loadCatalogFile(path);
    if (!loaded.ok) throw new CatalogUnavailableError(path, loaded.problems.filter((p) => p.severity === 'error'));
    cached = { version, catalog: loaded.catalog };
    return loaded.catalog;
  };
}
