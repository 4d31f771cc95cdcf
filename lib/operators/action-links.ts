/**
 * Signed action links on the HTTP API (functions/links.ts): what a link's page shows, what a
 * click on it does, and the refusals, each as a page that says what happened and how to go on.
 * Also the guards of every operator form and command against other sites: a POST that another
 * site's page makes a browser send (a cross-site form) is refused before anything acts.
 */
import { ACTION_LINK_ACTIONS, actionLinkUrl, newActionLinkClaims, signActionLink, type ActionLinkAction, type ActionLinkCheck, type ActionLinkClaims } from '../auth/action-link.js';
import { mediaType } from '../http/media-type.js';
import { PROBLEM_TYPE_BASE, problem, type Answer } from '../http/problem.js';
import { incidentStatus, progressOf, type InstanceStatus } from '../incidents/client.js';
import type { IncidentAction } from '../incidents/links.js';
import type { PendingApproval } from '../incidents/types.js';
import type { Direction } from '../playbooks/types.js';
import { cliFor, confirmationPage, messagePage, type HtmlPage } from './confirmation-page.js';
import { incidentView, type IncidentView, type OperatorDeps } from './incidents.js';

interface HeaderGetter {
  get(name: string): string | null;
}

/** A detail (`the link expired…`) as a sentence on a page. */
export function sentence(detail: string): string {
  const text = detail.trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}


/**
 * Why a browser request must not act, or null. `Sec-Fetch-Site` from another site is refused
 * outright; an `Origin`, when present, must be the app's own: PUBLIC_BASE_URL's origin when it
 * is configured (the Host header a request arrives with can be made up), else the request's.
 * `Origin: null` (what a browser sends for a form on a no-referrer page) passes only with
 * `Sec-Fetch-Site: same-origin`. Requests without either header (curl, the CLI) pass.
 */
export function crossSiteProblem(headers: HeaderGetter, requestUrl: string, publicBaseUrl: string | undefined): string | null {
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return `the request was sent from another site's page (Sec-Fetch-Site: ${site}); open the link itself and click its button`;
  const origin = headers.get('origin')?.trim();
  if (origin === undefined || origin === '') return null;
  const own = ownOrigin(requestUrl, publicBaseUrl);
  if (origin === 'null') return site === 'same-origin' ? null : 'the request came from a page without an origin (Origin: null); open the link itself and click its button';
  let given: string;
  try {
    given = new URL(origin).origin;
  } catch {
    return `the Origin header '${origin.slice(0, 100)}' is not an origin`;
  }
  return given === own ? null : `the request came from ${given}, not from this app (${own}); open the link itself and click its button`;
}

function ownOrigin(requestUrl: string, publicBaseUrl: string | undefined): string {
  if (publicBaseUrl !== undefined) return new URL(publicBaseUrl).origin;
  try {
    return new URL(requestUrl).origin;
  } catch {
    return 'null';
  }
}

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Why the key-protected command route refuses this body, or null: it takes JSON only, so that no
 * HTML form (which browsers send cross-site without asking) can drive it with a key in the URL.
 */
export function formBodyProblem(contentType: string | null): string | null {
  const type = mediaType(contentType);
  if (!FORM_TYPES.includes(type)) return null;
  return `this route takes JSON (Content-Type: application/json), not ${type}; a browser acts through a signed link instead: GET /api/links/{token} shows the page and its button POSTs to the same URL`;
}

/** The refusals of the key-protected POST /api/incidents/{id}/{action}, before it acts. */
export function commandRouteRefusal(headers: HeaderGetter, requestUrl: string, publicBaseUrl: string | undefined): Answer | null {
  const crossSite = crossSiteProblem(headers, requestUrl, publicBaseUrl);
  if (crossSite !== null) return problem(403, 'cross-site-request', crossSite);
  const form = formBodyProblem(headers.get('content-type'));
  if (form !== null) return problem(415, 'unsupported-media-type', form);
  return null;
}

/** The pending approval an incident publishes in its custom status, when it does (older instances do not). */
export function pendingApprovalOf(status: InstanceStatus | null): Pick<PendingApproval, 'direction' | 'round' | 'expiresAt'> | null {
  const progress = status === null ? null : progressOf(status);
  // Checked field by field: the custom status is whatever the instance published.
  const approval: unknown = progress?.approval;
  if (approval === null || typeof approval !== 'object') return null;
  const { direction, round, expiresAt } = approval as Partial<Record<keyof PendingApproval, unknown>>;
  if (direction !== 'failover' && direction !== 'failback') return null;
  if (typeof round !== 'number' || !Number.isSafeInteger(round) || round < 0) return null;
  return { direction, round, expiresAt: typeof expiresAt === 'string' ? expiresAt : '' };
}

/** What a freshly signed link for `action` on an incident binds to: its pending approval, else the phase's direction and no round. */
export function bindingFor(action: ActionLinkAction, phase: string, approval: Pick<PendingApproval, 'direction' | 'round' | 'expiresAt'> | null): { direction: Direction | null; round: number | null; expiresAt: string | null } {
  if (action !== 'approve' && action !== 'reject') return { direction: null, round: null, expiresAt: null };
  if (approval !== null) return { direction: approval.direction, round: approval.round, expiresAt: approval.expiresAt === '' ? null : approval.expiresAt };
  return { direction: phase === 'awaiting-failback-approval' || phase === 'failing-back' ? 'failback' : 'failover', round: null, expiresAt: null };
}

/** The body of the key route's page answer: the incident, and the signed link its button posts to (null without a secret). */
export interface KeyPageBody {
  view: IncidentView;
  link: { path: string; claims: ActionLinkClaims } | null;
}

/**
 * GET /api/incidents/{id}/{action} (key-protected): the incident, and when signed links are on,
 * a fresh link for its current decision for the page's form, so the form never posts to a URL
 * holding the key.
 */
export async function keyRouteConfirmation(deps: OperatorDeps, id: string, action: IncidentAction, secrets: readonly string[] | undefined): Promise<Answer> {
  const status = await incidentStatus(deps.client, id);
  const shown = await incidentView(deps, id, status);
  if (shown.status !== 200) return shown;
  const view = shown.body as IncidentView;
  if (secrets === undefined || secrets.length === 0 || !isLinkAction(action)) return { status: 200, body: { view, link: null } satisfies KeyPageBody as unknown as Record<string, unknown> };
  const binding = bindingFor(action, view.phase, pendingApprovalOf(status));
  const claims = newActionLinkClaims({ incidentId: id, action, ...binding }, deps.now());
  const link = { path: actionLinkUrl(null, signActionLink(claims, secrets[0]!)), claims };
  return { status: 200, body: { view, link } satisfies KeyPageBody as unknown as Record<string, unknown> };
}

function isLinkAction(action: string): action is ActionLinkAction {
  return (ACTION_LINK_ACTIONS as readonly string[]).includes(action);
}

/** The key route's page from `keyRouteConfirmation`'s answer. */
export function keyRoutePage(action: IncidentAction, body: KeyPageBody): HtmlPage {
  if (body.link === null) return confirmationPage(action, body.view, { postTo: null });
  const { claims } = body.link;
  return confirmationPage(action, body.view, { postTo: body.link.path, binding: claims });
}

/** The page for a link that does not verify. */
export function refusedLinkPage(check: Extract<ActionLinkCheck, { ok: false }>): HtmlPage {
  switch (check.reason) {
    case 'expired':
      return messagePage(410, 'This link has expired', [
        `It was for ${check.claims.action} on incident ${check.claims.incidentId}; ${check.detail}.`,
        'Links in notifications work for a short time only. To act now, use the command line:',
        { code: cliFor(check.claims.action, check.claims.incidentId) },
        'or open the page from the incident\'s newest notification.',
      ]);
    case 'wrong-action':
      return messagePage(403, 'This link is for something else', [sentence(check.detail), 'Use the link for what you mean to do, or the command line:', { code: cliFor(check.claims.action, check.claims.incidentId) }]);
    case 'bad-signature':
    case 'malformed':
      return messagePage(403, 'This link is not valid', [
        sentence(check.detail),
        'Copy the whole link from the notification again. To act without it, find the incident and use the command line:',
        { code: 'npx failover incidents list --state running' },
        { code: cliFor('approve', null) },
      ]);
  }
}

/** The page for a link someone has already used. */
export function usedLinkPage(claims: ActionLinkClaims): HtmlPage {
  return messagePage(410, 'This link has been used', [
    `A link works once, and this one already sent its ${claims.action} for incident ${claims.incidentId}.`,
    'The incident\'s timeline says what happened. To act again, use the command line:',
    { code: cliFor(claims.action, claims.incidentId) },
  ]);
}

/** A link route's answer from the operator call (a problem's detail, or the command's answer) as a page. */
export function outcomePage(claims: ActionLinkClaims, answer: { status?: number; jsonBody?: unknown }, when: 'show' | 'act' = 'act'): HtmlPage {
  const status = answer.status ?? 200;
  const body = (answer.jsonBody ?? {}) as Record<string, unknown>;
  if (status === 410 && body['type'] === `${PROBLEM_TYPE_BASE}${LINK_USED_SLUG}`) return usedLinkPage(claims);
  if (status >= 400) {
    const detail = typeof body['detail'] === 'string' ? body['detail'] : `the app answered ${status}`;
    const heading = when === 'show' ? `Cannot show the ${claims.action} page` : `Not done: ${claims.action} was refused`;
    return messagePage(status, heading, [sentence(detail), `${when === 'act' ? 'Nothing was changed. ' : ''}To act anyway, use the command line:`, { code: cliFor(claims.action, claims.incidentId) }]);
  }
  const done: Record<ActionLinkAction, string> = { approve: 'Approved', reject: 'Rejected', cancel: 'Cancellation sent', failback: 'Failback requested' };
  const by = typeof body['by'] === 'string' ? ` by ${body['by']}` : '';
  const bound = claims.direction === null ? '' : ` the ${claims.direction}${claims.round === null ? '' : ` (approval round ${claims.round})`} of`;
  return messagePage(status, done[claims.action], [
    `${done[claims.action]}${by}:${bound} incident ${claims.incidentId}.`,
    'The incident\'s timeline records it; follow it with:',
    { code: `npx failover incidents watch ${claims.incidentId}` },
  ]);
}

const LINK_USED_SLUG = 'link-used';

/** The answer for a link whose nonce is spent (made into `usedLinkPage` by `outcomePage`). */
export function linkUsedAnswer(claims: ActionLinkClaims): Answer {
  return problem(410, LINK_USED_SLUG, `the link for ${claims.action} on incident ${claims.incidentId} has already been used`);
}

/**
 * The command body a click on a link sends through the on-call path: the comment (and the name,
 * when given) from the page's form, and the decision the link is bound to, which the incident
 * checks against the one it is waiting for.
 */
export function linkCommandBody(raw: string, contentType: string | null, claims: ActionLinkClaims): string {
  const type = mediaType(contentType);
  let fields: Record<string, unknown> = {};
  if (type === 'application/x-www-form-urlencoded') {
    fields = Object.fromEntries(new URLSearchParams(raw));
  } else if (type === 'application/json' && raw.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) fields = parsed as Record<string, unknown>;
    } catch {
      fields = {};
    }
  }
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  const comment = text(fields['comment']);
  const by = text(fields['by']);
  return JSON.stringify({
    ...(comment !== undefined ? { comment } : {}),
    ...(by !== undefined ? { by } : {}),
    ...(claims.direction !== null ? { direction: claims.direction } : {}),
    ...(claims.round !== null ? { round: claims.round } : {}),
  });
}
