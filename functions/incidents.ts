/**
 * The incidents, for on-call engineers and the CLI:
 *   GET  /api/incidents                      list (?state=running|finished|all, ?top=N, ?trackingId=7K2T-LQ8, ?resource=<ARM id>)
 *   GET  /api/incidents/{id}                 state, Azure source, decisions, timeline, playbook progress and the checklist
 *   POST /api/incidents/{id}/{action}        approve | reject | failback | cancel | reopen (who acted is recorded)
 *   GET  /api/incidents/{id}/{action}        a confirmation page whose button posts to a signed link (functions/links.ts)
 */
import { app, type HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import { problem, toResponse } from '../lib/http/problem.js';
import { incidentIdProblem } from '../lib/incidents/ids.js';
import type { IncidentAction } from '../lib/incidents/links.js';
import { handleOperatorCall } from './on-call-request.js';
import { commandIncident, listIncidents, showIncident } from '../lib/operators/incidents.js';
import { commandRouteRefusal, keyRouteConfirmation, keyRoutePage, type KeyPageBody } from '../lib/operators/action-links.js';

const ACTIONS: readonly IncidentAction[] = ['approve', 'reject', 'failback', 'cancel', 'reopen'];

/**
 * The incident id in the URL, refused before anything uses it unless it has the app's form: the
 * durable client puts it into its RPC URLs unencoded, where `?` or `#` would change the call.
 */
function malformedId(id: string) {
  const why = incidentIdProblem(id);
  return why === null ? null : toResponse(problem(404, 'no-such-incident', why, { path: '$.id' }));
}

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
  handler: (request, context) => malformedId(request.params['id'] ?? '') ?? handleOperatorCall(request, context, ({ deps }) => showIncident(deps, request.params['id'] ?? '')),
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
    const malformed = malformedId(id);
    if (malformed !== null) return malformed;
    if (request.method === 'GET') {
      // Show what would happen and ask for the click; it POSTs to a freshly signed link, never to this URL with its key.
      const shown = await handleOperatorCall(request, context, ({ services, deps }) => keyRouteConfirmation(deps, id, action as IncidentAction, services.config.actionLinkSecrets));
      return shown.status === 200 ? keyRoutePage(action as IncidentAction, shown.jsonBody as KeyPageBody) : shown;
    }
    // JSON only, and not from another site's page: a browser form acts through a signed link.
    return handleOperatorCall(request, context, async ({ services, deps, identify, body }) =>
      commandRouteRefusal(request.headers, request.url, services.config.publicBaseUrl) ?? commandIncident(deps, id, action as IncidentAction, body, identify),
    );
  },
});
