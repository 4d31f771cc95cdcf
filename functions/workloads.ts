/**
 * Per-workload operator endpoints (function key of the group lib/auth/key-groups.ts names):
 *   GET  /api/workloads/{id}/readiness   whether the standby holds what the catalog requires (lib/operators/readiness.ts)   on-call
 *   POST /api/workloads/{id}/workflows   a pipeline records a Genomics workflow it submitted (lib/operators/workflows.ts)   workflows
 *   GET  /api/workloads/{id}/workflows   the record                                                                       on-call
 * Recording and reading the record are two functions, so the pipeline's key opens only the first.
 */
import { app, type HttpResponseInit } from '@azure/functions';
import * as df from 'durable-functions';
import { WorkloadIdSchema } from '../lib/catalog/schema.js';
import { problem, toResponse } from '../lib/http/problem.js';
import { handleOperatorCall } from './on-call-request.js';
import { workloadReadiness } from '../lib/operators/readiness.js';
import { listWorkflows, recordWorkflow } from '../lib/operators/workflows.js';

/** A workload id in the URL that cannot be one (the catalog's kebab-case rule) answers 404 before anything reads the catalog. */
function malformedId(id: string): HttpResponseInit | null {
  const checked = WorkloadIdSchema.safeParse(id);
  return checked.success ? null : toResponse(problem(404, 'unknown-workload', checked.error.issues[0]?.message ?? `'${id}' is not a workload id`, { path: '$.workloadId' }));
}

app.http('workloadReadiness', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/readiness',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    malformedId(request.params['id'] ?? '') ??
    handleOperatorCall(request, context, async ({ services, deps }) => workloadReadiness(await services.catalog(), services.clients, request.params['id'] ?? '', deps.now)),
});

app.http('workloadWorkflowsList', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/workflows',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    malformedId(request.params['id'] ?? '') ??
    handleOperatorCall(request, context, async ({ services }) => listWorkflows(await services.catalog(), services.stores.workflowRecords, request.params['id'] ?? '')),
});

app.http('workloadWorkflowsRecord', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'workloads/{id}/workflows',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    malformedId(request.params['id'] ?? '') ??
    handleOperatorCall(request, context, async ({ services, deps, body }) => recordWorkflow(await services.catalog(), services.stores.workflowRecords, request.params['id'] ?? '', body, deps.now())),
});
