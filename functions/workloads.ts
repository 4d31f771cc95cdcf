/**
 * GET /api/workloads/{id}/readiness: whether the workload's standby holds what the catalog
 * requires (lib/operators/readiness.ts). Read-only; function key, like every operator endpoint.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { handleOperatorCall } from '../lib/operators/http.js';
import { workloadReadiness } from '../lib/operators/readiness.js';

app.http('workloadReadiness', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'workloads/{id}/readiness',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    handleOperatorCall(request, context, async ({ services, deps }) => workloadReadiness(await services.catalog(), services.clients, request.params['id'] ?? '', deps.now)),
});
