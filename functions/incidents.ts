/**
 * The incidents, for on-call engineers and the CLI:
 *   GET  /api/incidents                      list (?state=running|finished|all, ?top=N)
 *   GET  /api/incidents/{id}                 state, decisions and timeline
 *   POST /api/incidents/{id}/{action}        approve | reject | failback | cancel (who acted is recorded)
 *   GET  /api/incidents/{id}/{action}        a confirmation page for the links in notifications
 */
import { app, type HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { problem, toResponse } from '../lib/http/problem.js';
import type { IncidentAction } from '../lib/incidents/links.js';
import { handleOperatorCall } from '../lib/operators/http.js';
import { commandIncident, listIncidents, showIncident, type IncidentView } from '../lib/operators/incidents.js';
import { confirmationPage } from '../lib/operators/confirmation-page.js';

const ACTIONS: readonly IncidentAction[] = ['approve', 'reject', 'failback', 'cancel'];

app.http('incidentsList', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'incidents',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, ({ deps }) => listIncidents(deps, new URL(request.url).searchParams)),
});

app.http('incidentsGet', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'incidents/{id}',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => handleOperatorCall(request, context, ({ deps }) => showIncident(deps, request.params['id'] ?? '')),
});

app.http('incidentsCommand', {
  methods: ['GET', 'POST'],
  authLevel: 'function',
  route: 'incidents/{id}/{action}',
  extraInputs: [df.input.durableClient()],
  handler: async (request: HttpRequest, context) => {
    const action = request.params['action'] ?? '';
    const id = request.params['id'] ?? '';
    if (!(ACTIONS as readonly string[]).includes(action)) {
      return toResponse(problem(404, 'no-such-action', `'${action}' is not an incident action; use ${ACTIONS.join(', ')}`));
    }
    if (request.method === 'GET') {
      // Links in chat open with GET: show what would happen and ask for the click that POSTs.
      const shown = await handleOperatorCall(request, context, ({ deps }) => showIncident(deps, id));
      return shown.status === 200 ? confirmationPage(action as IncidentAction, shown.jsonBody as IncidentView, new URL(request.url)) : shown;
    }
    return handleOperatorCall(request, context, ({ deps, identify, body }) => commandIncident(deps, id, action as IncidentAction, body, identify));
  },
});
