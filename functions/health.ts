/**
 * GET /api/health: is the app up, and is its catalog usable? Anonymous so load balancers and
 * on-call can probe it; it reveals workload ids and problem counts, never resource ids.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { loadCatalogFile } from '../lib/catalog/index.js';
import { ConfigError, loadConfig } from '../lib/config.js';

export async function health(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    context.error(err.message);
    return { status: 503, jsonBody: { status: 'misconfigured', problems: err.problems } };
  }
  const catalog = await loadCatalogFile(config.catalogPath);
  const errors = catalog.ok ? 0 : catalog.problems.filter((p) => p.severity === 'error').length;
  return {
    status: catalog.ok ? 200 : 503,
    jsonBody: {
      status: catalog.ok ? 'ok' : 'catalog-invalid',
      taskHub: config.taskHubName,
      catalog: catalog.ok
        ? { path: config.catalogPath, workloads: catalog.catalog.workloads.map((w) => w.id), warnings: catalog.warnings.length }
        : { path: config.catalogPath, errors },
    },
  };
}

app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: health });
