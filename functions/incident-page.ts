/**
 * The incident page, HTML for people (lib/report/incident-page.ts):
 *   GET /api/incidents/{id}/page   with the on-call key (a literal segment: it ranks above the
 *                                  `{action}` of incidents/{id}/{action}, locally and in Azure)
 *   GET /api/pages/{token}         through a signed view link (lib/auth/view-link.ts), the
 *                                  "incident status" link of notifications: no key, read-only
 *
 * A running incident's page reloads itself; a finished one whose instance is gone is served from
 * the archive. Sent with a Content-Security-Policy that allows no script and no outside resource.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { verifyViewLink } from '../lib/auth/view-link.js';
import { servicesForRequest } from '../lib/composition.js';
import { messagePage } from '../lib/operators/confirmation-page.js';
import { incidentPage, type PageAnswer } from '../lib/operators/incident-page.js';
import { INCIDENT_PAGE_HEADERS } from '../lib/report/incident-page.js';
import { handleOperatorCall } from './on-call-request.js';

app.http('incidentPage', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'incidents/{id}/page',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => servePage(request, context, request.params['id'] ?? '', 'function-key'),
});

app.http('incidentPageLink', {
  methods: ['GET'],
  authLevel: 'anonymous',
  route: 'pages/{token}',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => pageLink(request, context),
});

async function pageLink(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const ready = servicesForRequest((message) => context.error(message));
  if (!ready.ok) return messagePage(503, 'The app is not available', ['It is misconfigured; the on-call team has been told in its logs. Try again shortly, or use the command line.']);
  const secrets = ready.services.config.actionLinkSecrets;
  if (secrets === undefined) return messagePage(404, 'Signed links are off', ['This app has no ACTION_LINK_SECRET, so it cannot check a link. Use the command line instead:', { code: 'npx failover incidents list --state running' }]);
  const check = verifyViewLink(request.params['token'] ?? '', secrets, new Date());
  if (!check.ok) {
    return check.reason === 'expired'
      ? messagePage(410, 'This link has expired', [`It showed incident ${check.claims.incidentId}; ${check.detail}.`, 'Open the link in the incident\'s newest notification, or use the command line:', { code: `npx failover incidents show ${check.claims.incidentId}` }])
      : messagePage(403, 'This link is not valid', [`${check.detail.charAt(0).toUpperCase()}${check.detail.slice(1)}.`, 'Copy the whole link from the notification again, or find the incident with the command line:', { code: 'npx failover incidents list' }]);
  }
  return servePage(request, context, check.claims.incidentId, 'signed-link');
}

async function servePage(request: HttpRequest, context: InvocationContext, id: string, via: 'function-key' | 'signed-link'): Promise<HttpResponseInit> {
  let page: PageAnswer | undefined;
  const answered = await handleOperatorCall(
    request,
    context,
    async ({ deps, services }) => {
      page = await incidentPage({ ...deps, archive: services.archive }, id);
      return page.ok ? { status: 200, body: {} } : page.answer;
    },
    via,
  );
  if (page === undefined || !page.ok || answered.status !== 200) {
    // A signed link was opened in a browser: it gets a page; the key route answers problems as JSON.
    if (via === 'signed-link') {
      const detail = ((answered.jsonBody ?? {}) as { detail?: unknown }).detail;
      return messagePage(answered.status ?? 500, 'Cannot show the incident', [typeof detail === 'string' ? detail : `the app answered ${answered.status ?? 500}`]);
    }
    return answered;
  }
  return { status: 200, body: page.html, headers: { ...INCIDENT_PAGE_HEADERS, ...(page.archived ? { 'X-Incident-Page': 'archived' } : {}) } };
}

