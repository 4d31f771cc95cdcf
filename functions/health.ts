/**
 * GET /api/health: is the app up, and is its catalog usable? Anonymous so load balancers and
 * on-call can probe it; it reveals workload ids and problem counts, never resource ids.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { loadCatalogFile } from '../lib/catalog/index.js';
import { ConfigError, loadConfig } from '../lib/config.js';
import { emailTargetProblems } from '../lib/notify/email-targets.js';

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
  // Email targets the app cannot send (no email settings): an error to report, not a reason to
  // take the app out of rotation, since failovers do not depend on them.
  const email = catalog.ok ? emailTargetProblems(catalog.catalog, config.email !== undefined) : [];
  return {
    status: catalog.ok ? 200 : 503,
    jsonBody: {
      status: !catalog.ok ? 'catalog-invalid' : email.length > 0 ? 'degraded' : 'ok',
      taskHub: config.taskHubName,
      catalog: catalog.ok
        ? { path: config.catalogPath, workloads: catalog.catalog.workloads.map((w) => w.id), warnings: catalog.warnings.length }
        : { path: config.catalogPath, errors },
      ...(catalog.ok ? { email: { configured: config.email !== undefined, errors: email.map((p) => `${p.path}: ${p.message}`) } } : {}),
    },
  };
}

app.http('health', { methods: ['GET'], authLevel: 'anonymous', route: 'health', handler: health });
