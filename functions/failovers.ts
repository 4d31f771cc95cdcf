/**
 * POST /api/failovers: an on-call engineer asks for a failover (or a plan of one). The on-call
 * group's function key; with OPERATOR_ROLE, also a verified caller (App Service Authentication or
 * an on-call Entra token) holding that role.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { handleOperatorCall } from './on-call-request.js';
import { requestFailover } from '../lib/operators/incidents.js';

app.http('failovers', {
  methods: ['POST'],
  authLevel: 'function',
  route: 'failovers',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, ({ deps, identify, body }) => requestFailover(deps, body, identify)),
});
