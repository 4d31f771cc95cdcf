/**
 * Signed action links end to end, through the local host, the simulator and Azurite: the approve
 * link of a real notification opens its page without a key and approves once; links that are
 * tampered with, expired, used or posted from another site change nothing; the key-protected
 * command route takes no HTML form; every page is sent with the headers that keep it from being
 * framed, cached or leaking its token. Last, a real browser (headless Chromium) clicks the button.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newActionLinkClaims, signActionLink, verifyActionLink } from '../../lib/auth/action-link.js';
import { launchChromium } from '../support/browser.js';
import { startApp, type App } from './support.js';

const MIN = 60_000;

const PAGE_HEADERS = {
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-type': 'text/html; charset=utf-8',
};

function expectPageHeaders(headers: Headers): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) expect(headers.get(name), name).toBe(value);
}

interface View {
  phase: string;
  runtimeStatus: string;
  timeline: Array<{ at: string; type: string; detail: string }>;
}

/** A notification as the generic webhook receives it. */
interface Heard {
  type: string;
  incidentId: string;
  approveUrl?: string;
  rejectUrl?: string;
  direction?: string;
  round?: number | null;
  expiresAt?: string | null;
}

describe('signed action links', () => {
  let app: App;
  let secret: string;
  let base: string;

  beforeAll(async () => {
    app = await startApp({
      // Virtual time starts now, so links expiring with the approval request are valid in real time too.
      start: Date.now(),
      catalog: (yaml) =>
        yaml
          // The approval goes to a webhook the test reads (its links are what people click).
          .replace('      - email: data-governance@contoso.example', '      - email: data-governance@contoso.example\n      - webhook: https://hooks.contoso.example/governance')
          // Anyone holding a link may decide: who may approve where approvers are named is the on-call path's rule, tested there.
          .replace(/\n {8}approvers: \[dana@contoso\.example, role:Failover\.Approver\][^\n]*/, ''),
    });
    secret = process.env['ACTION_LINK_SECRET']!;
    base = process.env['PUBLIC_BASE_URL']!;
  }, 60_000);
  afterAll(() => app?.close());

  const view = (id: string) => app.view<View>(id);
  /** A request as a browser without the key would make it. */
  const open = (url: string, init: RequestInit = {}) => fetch(url.startsWith('http') ? url : `${base}${url}`, { redirect: 'manual', ...init });
  const form = (fields: Record<string, string>, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

  /** Starts a Purview failover and waits for its approval request; the links of the notification. */
  async function awaitingApproval(): Promise<{ id: string; heard: Heard }> {
    const reply = await app.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason: 'link test', kind: 'unplanned', by: 'tests' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const id = reply.body.incidentId as string;
    let heard: Heard | undefined;
    await app.runUntil(
      async () => {
        heard = (await app.hooks('governance')).map((h) => h.body as Heard).find((b) => b.type === 'approval-needed' && b.incidentId === id);
        return heard !== undefined && (await view(id)).phase === 'awaiting-approval';
      },
      { what: 'the approval request and its notification' },
    );
    return { id, heard: heard! };
  }

  let id: string;
  let heard: Heard;

  it('sends signed approve and reject links, bound to the request, that open the page without a key', async () => {
    ({ id, heard } = await awaitingApproval());
    expect(heard.approveUrl).toMatch(new RegExp(`^${base}/api/links/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    expect(heard.approveUrl).not.toContain('code=');
    const token = decodeURIComponent(heard.approveUrl!.split('/').pop()!);
    // The first approval request is round 1, and it expires with purview-governance's approval timeout (30m) after it was asked.
    const asked = (await view(id)).timeline.find((e) => e.type === 'approval-requested')!;
    const expiresAt = new Date(Date.parse(asked.at) + 30 * MIN).toISOString();
    expect(heard).toMatchObject({ direction: 'failover', round: 1, expiresAt });
    const check = verifyActionLink(token, [secret], new Date());
    expect(check).toMatchObject({ ok: true, claims: { incidentId: id, action: 'approve', direction: 'failover', round: 1 } });
    if (!check.ok) throw new Error(check.detail);
    expect(check.claims.expiresAt.toISOString()).toBe(expiresAt);

    const page = await open(heard.approveUrl!);
    expect(page.status).toBe(200);
    expectPageHeaders(page.headers);
    const html = await page.text();
    expect(html).toContain('<h1>Approve?</h1>');
    expect(html).toContain('link test');
    expect(html).toContain('purview-governance');
    expect(html).toContain('awaiting-approval');
    expect(html).toContain('<th>Decision</th><td>the failover');
    expect(html).toContain('approval-requested');
    expect(html).toContain(`<form method="post" action="/api/links/${encodeURIComponent(token)}">`);
    // Looking changes nothing.
    expect((await view(id)).phase).toBe('awaiting-approval');
  });

  it('refuses a POST from another site, before the link is spent, and the incident keeps waiting', async () => {
    const crossOrigin = await open(heard.approveUrl!, form({ comment: 'evil' }, { origin: 'https://evil.example' }));
    expect(crossOrigin.status).toBe(403);
    expectPageHeaders(crossOrigin.headers);
    expect(await crossOrigin.text()).toContain('The request came from https://evil.example, not from this app');
    const crossSite = await open(heard.approveUrl!, form({ comment: 'evil' }, { 'sec-fetch-site': 'cross-site' }));
    expect(crossSite.status).toBe(403);
    const opaque = await open(heard.approveUrl!, form({ comment: 'evil' }, { origin: 'null' }));
    expect(opaque.status).toBe(403);
    expect((await view(id)).phase).toBe('awaiting-approval');
    // The link still works: nothing was spent.
    expect((await open(heard.approveUrl!)).status).toBe(200);
  });

  it('calls a tampered link 403 and an expired one 410, with how to get a fresh one, and neither acts', async () => {
    const url = heard.approveUrl!;
    const [payload, signature] = decodeURIComponent(url.split('/').pop()!).split('.') as [string, string];
    const wire = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...wire, a: 'reject' })).toString('base64url')}.${signature}`;
    for (const token of [forged, `${payload}.${signature.slice(0, 30)}`, 'not-a-token']) {
      const page = await open(`/api/links/${token}`);
      expect(page.status, token).toBe(403);
      expectPageHeaders(page.headers);
      expect(await page.text()).toContain('This link is not valid');
      expect((await open(`/api/links/${token}`, form({ comment: 'x' }))).status).toBe(403);
    }
    const expired = signActionLink(
      newActionLinkClaims({ incidentId: id, action: 'approve', direction: 'failover', round: 1, expiresAt: new Date(Date.now() - 5 * MIN) }, new Date()),
      secret,
    );
    const gone = await open(`/api/links/${expired}`);
    expect(gone.status).toBe(410);
    expectPageHeaders(gone.headers);
    const text = await gone.text();
    expect(text).toContain('This link has expired');
    expect(text).toContain(`npx failover incidents approve ${id}`);
    expect((await open(`/api/links/${expired}`, form({ comment: 'late' }))).status).toBe(410);
    expect((await view(id)).phase).toBe('awaiting-approval');
  });

  it('keeps HTML forms off the key-protected route: 415 naming the link route, 403 from another origin', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const refused = await app.request('POST', `/api/incidents/${id}/approve`, { body: 'comment=hi', headers: { 'content-type': type } });
      expect(refused.status, type).toBe(415);
      expect(refused.body.detail).toContain('/api/links/{token}');
    }
    const crossOrigin = await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'x' }, headers: { origin: 'https://evil.example' } });
    expect(crossOrigin.status).toBe(403);
    expect((await view(id)).phase).toBe('awaiting-approval');
  });

  it("serves the key route's page with the same headers, its button posting to a freshly signed link", async () => {
    const page = await app.request('GET', `/api/incidents/${id}/approve`);
    expect(page.status).toBe(200);
    expectPageHeaders(page.headers);
    const html = String(page.body);
    const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
    expect(action).toMatch(/^\/api\/links\/[A-Za-z0-9_.%-]+$/);
    expect(html).not.toContain('code=');
    const check = verifyActionLink(decodeURIComponent(action!.split('/').pop()!), [secret], new Date());
    expect(check).toMatchObject({ ok: true, claims: { incidentId: id, action: 'approve', direction: 'failover' } });
    // Its own link, not the notification's.
    expect(action).not.toBe(new URL(heard.approveUrl!).pathname);
  });

  it('refuses, through the on-call path, a link bound to another round or direction than the open request', async () => {
    const sign = (direction: 'failover' | 'failback', round: number) =>
      signActionLink(newActionLinkClaims({ incidentId: id, action: 'approve', direction, round, expiresAt: heard.expiresAt! }, new Date()), secret);
    // The open request is the failover's round 1.
    for (const token of [sign('failover', 2), sign('failback', 1)]) {
      const stale = await open(`/api/links/${token}`, form({ comment: 'stale' }));
      const text = await stale.text();
      expect(stale.status, text).toBe(409);
      expect(text).toContain('Not done: approve was refused');
      expect(text).toMatch(/round/);
    }
    expect((await view(id)).phase).toBe('awaiting-approval');
  });

  it('acts once: the click approves through the on-call path, and the same link again is 410', async () => {
    const done = await open(heard.approveUrl!, form({ comment: 'checked with the data team' }, { origin: new URL(base).origin, 'sec-fetch-site': 'same-origin' }));
    const text = await done.text();
    expect(done.status, text).toBe(202);
    expectPageHeaders(done.headers);
    expect(text).toContain('<h1>Approved</h1>');
    await app.until<View>(id, 'the approval to take effect', (v) => v.phase !== 'awaiting-approval');
    const approved = (await view(id)).timeline.find((e) => e.type === 'approved');
    expect(approved?.detail).toContain('checked with the data team');
    // Recorded as what it is: someone holding a link, not a verified person, nor the function key.
    expect(approved?.detail).toContain('signed link');

    const again = await open(heard.approveUrl!, form({ comment: 'twice' }));
    expect(again.status).toBe(410);
    expectPageHeaders(again.headers);
    expect(await again.text()).toContain('This link has been used');
    expect((await open(heard.approveUrl!)).status).toBe(410);
    // The reject link of the same message no longer applies: refused by the on-call path, saying why.
    const late = await open(heard.rejectUrl!, form({}));
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('Not done: reject was refused');
  });

  it('works in a real browser: headless Chromium opens the link without a key and clicks the button', async () => {
    // purview-governance failed over in the test before: past its minimum interval first.
    app.clock.advanceTo(app.clock.now() + 61 * MIN);
    const second = await awaitingApproval();
    const { browser } = await launchChromium();
    try {
      const page = await browser.newPage();
      const opened = await page.goto(second.heard.approveUrl!);
      expect(opened?.status()).toBe(200);
      expect(await page.locator('h1').textContent()).toBe('Approve?');
      expect((await view(second.id)).phase).toBe('awaiting-approval');
      await page.fill('input[name="comment"]', 'approved from the browser');
      const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
      expect(answer?.status()).toBe(202);
      expect(await page.locator('h1').textContent()).toBe('Approved');
      // The page's no-referrer policy: no Referer (the token stays on this app), and so `Origin: null`,
      // which the app accepts only beside the browser's own word that the form is its own page's.
      const sent = await answer!.request().allHeaders();
      expect(sent['referer']).toBeUndefined();
      expect(sent).toMatchObject({ origin: 'null', 'sec-fetch-site': 'same-origin' });
    } finally {
      await browser.close();
    }
    await app.until<View>(second.id, 'the approval from the browser', (v) => v.phase !== 'awaiting-approval');
    expect((await view(second.id)).timeline.find((e) => e.type === 'approved')?.detail).toContain('approved from the browser');
  }, 60_000);
});

describe('signed action links where the catalog names approvers', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({
      start: Date.now(),
      catalog: (yaml) => yaml.replace('      - email: data-governance@contoso.example', '      - email: data-governance@contoso.example\n      - webhook: https://hooks.contoso.example/governance'),
    });
  }, 60_000);
  afterAll(() => app?.close());

  it('a link alone cannot approve; the same click by a signed-in approver does', async () => {
    const reply = await app.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason: 'approvers test', kind: 'unplanned', by: 'tests' } });
    const id = reply.body.incidentId as string;
    const view = () => app.view<View>(id);
    let links: Heard[] = [];
    await app.runUntil(
      async () => {
        links = (await app.hooks('governance')).map((h) => h.body as Heard).filter((b) => b.type === 'approval-needed' && b.incidentId === id);
        return links.length > 0 && (await view()).phase === 'awaiting-approval';
      },
      { what: 'the approval request' },
    );
    const base = process.env['PUBLIC_BASE_URL']!;
    const secret = process.env['ACTION_LINK_SECRET']!;
    const click = (url: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'comment=go' });

    const alone = await click(links[0]!.approveUrl!);
    const text = await alone.text();
    expect(alone.status, text).toBe(403);
    expect(text).toContain('Not done: approve was refused');
    expect(text).toContain('signed link alone cannot approve');
    expect((await view()).phase).toBe('awaiting-approval');

    // A fresh link for the same request (the first is spent), clicked by dana, signed in.
    const token = decodeURIComponent(links[0]!.approveUrl!.split('/').pop()!);
    const check = verifyActionLink(token, [secret], new Date());
    if (!check.ok) throw new Error(check.detail);
    const fresh = signActionLink(newActionLinkClaims({ ...check.claims, expiresAt: check.claims.expiresAt }, new Date()), secret);
    const signedIn = await click(`${base}/api/links/${fresh}`, await app.signIn('dana@contoso.example'));
    const done = await signedIn.text();
    expect(signedIn.status, done).toBe(202);
    expect(done).toContain('Approved by dana@contoso.example');
    await app.until<View>(id, 'the approval', (v) => v.phase !== 'awaiting-approval');
  });
});
