/**
 * Per-workload operator endpoints (function key of the group lib/auth/key-groups.ts names):
 *   GET  /api/workloads/{id}/readiness   whether the standby holds what the catalog requires (lib/operators/readiness.ts)   on-call
 *   POST /api/workloads/{id}/workflows   a pipeline records a Genomics workflow it submitted (lib/operators/workflows.ts)   workflows
 *   GET  /api/workloads/{id}/workflows   the record                                                                       on-call
 * Recording and reading the record are two functions, so the pipeline's key opens only the first.
 */
import { app, type HttpHandler } from '@azure/functions';
import * as df from 'durable-functions';
import { WorkloadIdSchema } from '../lib/catalog/schema.js';
import { problem, toResponse, type Answer } from '../lib/http/problem.js';
import { handleOperatorCall, type OperatorCall } from './on-call-request.js';
import { workloadReadiness } from '../lib/operators/readiness.js';
import { listWorkflows, recordWorkflow } from '../lib/operators/workflows.js';

/**
 * A handler for `workloads/{id}/…`: a workload id in the URL that cannot be one (the catalog's
 * kebab-case rule) answers 404 before anything reads the catalog; a good one reaches `act`.
 */
function forWorkload(act: (id: string, call: OperatorCall) => Promise<Answer>): HttpHandler {
  return (request, context) => {
    const id = request.params['id'] ?? '';
    const checked = WorkloadIdSchema.safeParse(id);
    if (!checked.success) return toResponse(problem(404, 'unknown-workload', checked.error.issues[0]?.message ?? `'${id}' is not a workload id`, { path: '$.workloadId' }));
    return handleOperatorCall(request, context, (call) => act(id, call));
  };
}

app.http('workloadReadiness', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/readiness',
  extraInputs: [df.input.durableClient()],
  handler: forWorkload(async (id, { services, deps }) => workloadReadiness(await services.catalog(), services.clients, id, deps.now, services.config.alerting)),
});

app.http('workloadWorkflowsList', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/workflows',
  extraInputs: [df.input.durableClient()],
  handler: forWorkload(async (id, { services }) => listWorkflows(await services.catalog(), services.stores.workflowRecords, id)),
});

app.http('workloadWorkflowsRecord', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'workloads/{id}/workflows',
  extraInputs: [df.input.durableClient()],
  handler: forWorkload(async (id, { services, deps, body }) => recordWorkflow(await services.catalog(), services.stores.workflowRecords, id, body, deps.now())),
});
