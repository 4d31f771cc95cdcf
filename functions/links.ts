/**
 * Signed action links, the approve and reject buttons of Teams and Slack messages:
 *   GET  /api/links/{token}   the confirmation page for what the link allows (a GET never acts)
 *   POST /api/links/{token}   the page's button: acts once, through the on-call path
 *
 * Anonymous at the host: the token is the credential (lib/auth/action-link.ts). It names one
 * action on one incident, bound to the decision (direction and approval round) it was made
 * for, expires soon and works once. A POST from another site's page is refused before the
 * token is even read; identity, approver rules and the round binding are the on-call path's
 * (commandIncident), as for POST /api/incidents/{id}/{action}.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { verifyActionLink } from '../lib/auth/action-link.js';
import { servicesForRequest } from '../lib/composition.js';
import type { IncidentAction } from '../lib/incidents/links.js';
import { crossSiteProblem, linkCommandBody, linkUsedAnswer, outcomePage, refusedLinkPage, sentence } from '../lib/operators/action-links.js';
import { confirmationPage, messagePage } from '../lib/operators/confirmation-page.js';
import { handleOperatorCall } from './on-call-request.js';
import { commandIncident, showIncident, type IncidentView } from '../lib/operators/incidents.js';

app.http('actionLink', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  route: 'links/{token}',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) => actionLink(request, context),
});

async function actionLink(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const ready = servicesForRequest((message) => context.error(message));
  if (!ready.ok) return messagePage(503, 'The app is not available', ['It is misconfigured; the on-call team has been told in its logs. Try again shortly, or use the command line.']);
  const { config, stores } = ready.services;
  const store = stores.actionLinks;
  const secrets = config.actionLinkSecrets;
  if (secrets === undefined) {
    return messagePage(404, 'Signed links are off', ['This app has no ACTION_LINK_SECRET, so it cannot check a link. Use the command line instead:', { code: 'npx failover incidents list --state running' }]);
  }
  if (request.method === 'POST') {
    const crossSite = crossSiteProblem(request.headers, request.url, config.publicBaseUrl);
    if (crossSite !== null) {
      context.warn(`action link refused: ${crossSite}`);
      return messagePage(403, 'Refused: the request came from another site', [sentence(crossSite), 'Nothing was changed.']);
    }
  }
  const check = verifyActionLink(request.params['token'] ?? '', secrets, new Date());
  if (!check.ok) return refusedLinkPage(check);
  const link = check.claims;

  if (request.method === 'GET') {
    // The on-call path, told that a signed link (not a function key) let the caller in: it records them so.
    const shown = await handleOperatorCall(
      request,
      context,
      async ({ deps }) => ((await store.actionLinkUsed(link.nonce, link.expiresAt)) ? linkUsedAnswer(link) : showIncident(deps, link.incidentId)),
      'signed-link',
    );
    if (shown.status !== 200) return outcomePage(link, shown, 'show');
    return confirmationPage(link.action, shown.jsonBody as IncidentView, {
      postTo: new URL(request.url).pathname,
      binding: link,
    });
  }

  const contentType = request.headers.get('content-type');
  const done = await handleOperatorCall(
    request,
    context,
    async ({ deps, identify, body }) => {
      if ((await store.useActionLink(link.nonce, link.expiresAt)) === 'used') return linkUsedAnswer(link);
      return commandIncident(deps, link.incidentId, link.action as IncidentAction, linkCommandBody(body, contentType, link), identify);
    },
    'signed-link',
  );
  return outcomePage(link, done);
}
