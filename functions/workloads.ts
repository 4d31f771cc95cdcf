/**
 * Per-workload operator endpoints (function key, like every operator endpoint):
 *   GET  /api/workloads/{id}/readiness   whether the standby holds what the catalog requires (lib/operators/readiness.ts)
 *   POST /api/workloads/{id}/workflows   a pipeline records a Genomics workflow it submitted (lib/operators/workflows.ts)
 *   GET  /api/workloads/{id}/workflows   the record
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { handleOperatorCall } from '../lib/operators/http.js';
import { workloadReadiness } from '../lib/operators/readiness.js';
import { listWorkflows, recordWorkflow } from '../lib/operators/workflows.js';

app.http('workloadReadiness', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/readiness',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    handleOperatorCall(request, context, async ({ services, deps }) => workloadReadiness(await services.catalog(), services.clients, request.params['id'] ?? '', deps.now)),
});

app.http('workloadWorkflows', {
  methods: ['GET', 'POST'],
  authLevel: 'function',
  route: 'workloads/{id}/workflows',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    handleOperatorCall(request, context, async ({ services, deps, body }) => {
      const catalog = await services.catalog();
      const id = request.params['id'] ?? '';
      return request.method === 'POST' ? recordWorkflow(catalog, services.claims, id, body, deps.now()) : listWorkflows(catalog, services.claims, id);
    }),
});
