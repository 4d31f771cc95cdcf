/**
 * The pieces of the signed-link routes that need no app: who counts as another site, which bodies
 * the key route refuses, what a link binds to, the body a click sends, and the pages.
 */
import { describe, expect, it } from 'vitest';
import type { ActionLinkClaims } from '../../lib/auth/action-link.js';
import type { InstanceStatus } from '../../lib/incidents/client.js';
import { bindingFor, commandRouteRefusal, crossSiteProblem, formBodyProblem, linkCommandBody, outcomePage, pendingApprovalOf, refusedLinkPage } from '../../lib/operators/action-links.js';
import { confirmationPage, messagePage, PAGE_HEADERS } from '../../lib/operators/confirmation-page.js';
import type { IncidentView } from '../../lib/operators/incidents.js';

const headers = (h: Record<string, string>) => new Headers(h);
const APP = 'https://failover.contoso.example';

const CLAIMS: ActionLinkClaims = {
  incidentId: 'incident-0123456789abcdef0123-20261123091400000',
  action: 'approve',
  direction: 'failover',
  round: 2,
  expiresAt: new Date('2026-11-23T09:44:00Z'),
  nonce: 'nonce-0123456789abcdef',
};

describe('requests from other sites', () => {
  it('passes the app\'s own pages and clients that send neither header', () => {
    expect(crossSiteProblem(headers({}), `${APP}/api/links/x`, APP)).toBeNull();
    expect(crossSiteProblem(headers({ origin: APP, 'sec-fetch-site': 'same-origin' }), `${APP}/api/links/x`, APP)).toBeNull();
    // A form on a no-referrer page: Chromium sends Origin: null, and says the page is the app's own.
    expect(crossSiteProblem(headers({ origin: 'null', 'sec-fetch-site': 'same-origin' }), `${APP}/api/links/x`, APP)).toBeNull();
    // Without PUBLIC_BASE_URL, the request's own origin.
    expect(crossSiteProblem(headers({ origin: 'http://127.0.0.1:7071' }), 'http://127.0.0.1:7071/api/links/x', undefined)).toBeNull();
  });

  it('refuses another origin, another site, and an opaque origin the browser does not vouch for', () => {
    expect(crossSiteProblem(headers({ origin: 'https://evil.example' }), `${APP}/api/links/x`, APP)).toMatch(/came from https:\/\/evil\.example, not from this app \(https:\/\/failover\.contoso\.example\)/);
    expect(crossSiteProblem(headers({ 'sec-fetch-site': 'cross-site' }), `${APP}/api/links/x`, APP)).toMatch(/another site/);
    expect(crossSiteProblem(headers({ 'sec-fetch-site': 'same-site', origin: APP }), `${APP}/api/links/x`, APP)).toMatch(/another site/);
    expect(crossSiteProblem(headers({ origin: 'null' }), `${APP}/api/links/x`, APP)).toMatch(/Origin: null/);
    expect(crossSiteProblem(headers({ origin: 'null', 'sec-fetch-site': 'cross-site' }), `${APP}/api/links/x`, APP)).not.toBeNull();
    expect(crossSiteProblem(headers({ origin: 'not a url' }), `${APP}/api/links/x`, APP)).toMatch(/not an origin/);
    // The scheme and port are part of the origin.
    expect(crossSiteProblem(headers({ origin: 'http://failover.contoso.example' }), `${APP}/api/links/x`, APP)).not.toBeNull();
    expect(crossSiteProblem(headers({ origin: `${APP}:8443` }), `${APP}/api/links/x`, APP)).not.toBeNull();
  });

  it('trusts PUBLIC_BASE_URL over the Host a request names', () => {
    // A request whose Host header (and so its URL) says evil.example is still not the app.
    expect(crossSiteProblem(headers({ origin: 'https://evil.example' }), 'https://evil.example/api/links/x', APP)).not.toBeNull();
  });
});

describe('the key-protected command route', () => {
  it('refuses HTML form bodies with 415 naming the link route, and other sites with 403', () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=----x', 'text/plain;charset=UTF-8', 'TEXT/PLAIN']) {
      expect(formBodyProblem(type), type).toContain('/api/links/{token}');
      expect(commandRouteRefusal(headers({ 'content-type': type }), `${APP}/api/incidents/i/approve`, APP)).toMatchObject({ status: 415 });
    }
    for (const type of [null, 'application/json', 'application/json; charset=utf-8', 'application/problem+json']) expect(formBodyProblem(type)).toBeNull();
    expect(commandRouteRefusal(headers({ 'content-type': 'application/json', origin: 'https://evil.example' }), `${APP}/x`, APP)).toMatchObject({ status: 403 });
    expect(commandRouteRefusal(headers({ 'content-type': 'application/json' }), `${APP}/x`, APP)).toBeNull();
  });
});

describe('what a link binds to', () => {
  const status = (approval: unknown): InstanceStatus => ({
    runtimeStatus: 'Running',
    customStatus: { phase: 'awaiting-approval', incidentId: 'i', title: 't', mode: 'execute', kind: 'unplanned', workloads: [], lastSignalAt: '', duplicates: 0, timeline: [], entries: 0, ...(approval === undefined ? {} : { approval }) },
  });

  it('reads the pending approval the incident publishes, and tolerates it missing or malformed', () => {
    expect(pendingApprovalOf(status({ direction: 'failback', round: 4, expiresAt: '2026-11-23T10:00:00Z', workloads: [], approvers: [], quorum: 1, approvedBy: [] }))).toEqual({
      direction: 'failback',
      round: 4,
      expiresAt: '2026-11-23T10:00:00Z',
    });
    expect(pendingApprovalOf(status(undefined))).toBeNull();
    expect(pendingApprovalOf(status(null))).toBeNull();
    expect(pendingApprovalOf(status({ direction: 'sideways', round: 1 }))).toBeNull();
    expect(pendingApprovalOf(status({ direction: 'failover', round: '1' }))).toBeNull();
    expect(pendingApprovalOf({ runtimeStatus: 'Running' })).toBeNull();
    expect(pendingApprovalOf(null)).toBeNull();
  });

  it('binds approvals to the pending one, else the phase\'s direction; cancel and failback to nothing', () => {
    expect(bindingFor('approve', 'awaiting-approval', { direction: 'failover', round: 2, expiresAt: '2026-11-23T10:00:00Z' })).toEqual({ direction: 'failover', round: 2, expiresAt: '2026-11-23T10:00:00Z' });
    expect(bindingFor('reject', 'awaiting-failback-approval', null)).toEqual({ direction: 'failback', round: null, expiresAt: null });
    expect(bindingFor('approve', 'awaiting-approval', null)).toEqual({ direction: 'failover', round: null, expiresAt: null });
    expect(bindingFor('cancel', 'awaiting-approval', { direction: 'failover', round: 2, expiresAt: '' })).toEqual({ direction: null, round: null, expiresAt: null });
  });

  it('sends the comment and name from the page with the binding', () => {
    expect(JSON.parse(linkCommandBody('comment=looks+good&by=grace', 'application/x-www-form-urlencoded', CLAIMS))).toEqual({ comment: 'looks good', by: 'grace', direction: 'failover', round: 2 });
    expect(JSON.parse(linkCommandBody('', null, CLAIMS))).toEqual({ direction: 'failover', round: 2 });
    expect(JSON.parse(linkCommandBody('{"comment":" ok ","direction":"failback","round":9}', 'application/json', CLAIMS))).toEqual({ comment: 'ok', direction: 'failover', round: 2 });
    expect(JSON.parse(linkCommandBody('{not json', 'application/json', CLAIMS))).toEqual({ direction: 'failover', round: 2 });
    expect(JSON.parse(linkCommandBody('comment=x', 'application/x-www-form-urlencoded', { ...CLAIMS, action: 'cancel', direction: null, round: null }))).toEqual({ comment: 'x' });
  });
});

describe('the pages', () => {
  const view = {
    incidentId: CLAIMS.incidentId,
    title: '<script>alert(1)</script>',
    workloads: ['purview-governance'],
    phase: 'awaiting-approval',
    updatedAt: '2026-11-23T09:20:00Z',
    timeline: [{ at: '2026-11-23T09:15:00Z', type: 'approval-requested', detail: 'approval of the failover' }],
  } as unknown as IncidentView;

  it('carry the headers that keep them unframed, uncached and without Referer', () => {
    for (const page of [
      confirmationPage('approve', view, { postTo: '/api/links/t' }),
      confirmationPage('approve', view, { postTo: null }),
      messagePage(410, 'Gone', ['x']),
      refusedLinkPage({ ok: false, reason: 'malformed', detail: 'no' }),
    ]) {
      expect(page.headers).toEqual(PAGE_HEADERS);
    }
    expect(PAGE_HEADERS['Content-Security-Policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });

  it('show what the link is bound to, and escape what they show', () => {
    const page = confirmationPage('approve', view, { postTo: '/api/links/a.b', binding: { direction: 'failover', round: 2, expiresAt: CLAIMS.expiresAt } });
    expect(page.body).toContain('<th>Decision</th><td>the failover, approval round 2</td>');
    expect(page.body).toContain('<th>Link expires</th><td>2026-11-23T09:44:00.000Z</td>');
    expect(page.body).toContain('<form method="post" action="/api/links/a.b">');
    expect(page.body).not.toContain('<script>');
  });

  it('without a signed link, offer the command instead of a form that would post the key', () => {
    const page = confirmationPage('reject', view, { postTo: null });
    expect(page.body).not.toContain('<form');
    expect(page.body).toContain(`npx failover incidents reject ${CLAIMS.incidentId}`);
  });

  it('say what happened to a click', () => {
    const done = outcomePage(CLAIMS, { status: 202, jsonBody: { by: 'grace (signed link)' } });
    expect(done.status).toBe(202);
    expect(done.body).toContain('<h1>Approved</h1>');
    expect(done.body).toContain('by grace (signed link): the failover (approval round 2) of incident');
    const refused = outcomePage(CLAIMS, { status: 409, jsonBody: { type: 'https://failover.contoso.example/problems/wrong-phase', detail: 'incident x is failed-over; approve applies when it is awaiting-approval' } });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain('Not done: approve was refused');
    expect(refused.body).toContain('<p>Incident x is failed-over; approve applies when it is awaiting-approval.</p>');
    const used = outcomePage(CLAIMS, { status: 410, jsonBody: { type: 'https://failover.contoso.example/problems/link-used', detail: '' } });
    expect(used.body).toContain('This link has been used');
  });
});
