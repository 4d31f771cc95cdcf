/**
 * The incident page end to end, through the local host, the simulator and Azurite, rendered in
 * headless Chromium: a running incident (waiting for approval) with its refresh, decisions and
 * Gantt, and a screenshot; a finished failover and failback with one bar per step record, the
 * recovery time against the catalog's objective and who approved, archived at the end exactly as
 * the app serves it and served from the archive once the instance is purged; hostile alert text
 * that stays text; the signed view link of notifications; 404s for ids that name no incident.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signViewLink, verifyViewLink, newViewLinkClaims } from '../../lib/auth/view-link.js';
import { appServices } from '../../lib/composition.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { formatMs } from '../../lib/report/incident-report.js';
import { PAGE_CSP } from '../../lib/report/incident-page.js';
import { repoRoot } from '../support/fixtures.js';
import { launchChromium } from '../support/browser.js';
import { Router } from '../../local/http-routes.js';
import type { RegisteredFunction, Registry } from '../../local/registry.js';
import { startApp, type App } from './support.js';

const PROBLEM = 'https://failover.contoso.example/problems/';
const VIEWPORT = { width: 1200, height: 900 };

interface View {
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
  title: string | null;
  createdAt: string;
  timeline: Array<{ at: string; type: string; detail: string }>;
  summary?: { failover: Record<string, PlaybookResult>; failback: Record<string, PlaybookResult> };
}

/** What Chromium built from the page: the parts the tests assert on. */
interface Shown {
  title: string;
  h1: string | null;
  phase: string | null;
  outcome: string | null;
  refresh: string | null;
  refreshText: string | null;
  over: string | null;
  decisions: string[][];
  approvals: string[][];
  rows: string[];
  bars: number[];
  signalMarks: number;
  decisionMarks: number;
  recovery: string[][];
  checklist: string[];
  json: string | null;
  portal: string | null;
  elements: Record<'img' | 'script' | 'svg' | 'style' | 'iframe' | 'onload', number>;
  pwned: unknown;
  text: string;
}

/** Runs in the page (as source: the project's TypeScript has no DOM types). */
const READ_DOM = `(() => {
  const text = (el) => (el ? el.textContent : null);
  const cells = (selector) => [...document.querySelectorAll(selector)].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
  const rows = [...document.querySelectorAll('svg.gantt g.row')];
  return {
    title: document.title,
    h1: text(document.querySelector('h1')),
    phase: text(document.querySelector('.phase')),
    outcome: text(document.querySelector('.outcome')),
    refresh: document.querySelector('meta[http-equiv="refresh"]')?.getAttribute('content') ?? null,
    refreshText: text(document.querySelector('.refresh')),
    over: text(document.querySelector('.over')),
    decisions: cells('table.decisions tbody tr'),
    approvals: cells('table.approvals tbody tr'),
    rows: rows.map((g) => g.getAttribute('data-workload')),
    bars: rows.map((g) => g.querySelectorAll('g.bar').length),
    signalMarks: document.querySelectorAll('svg.gantt g.mark.signal').length,
    decisionMarks: document.querySelectorAll('svg.gantt g.mark.decision').length,
    recovery: cells('table.recovery tbody tr'),
    checklist: [...document.querySelectorAll('ul.checklist li')].map((li) => li.textContent),
    json: document.querySelector('.json a')?.getAttribute('href') ?? null,
    portal: document.querySelector('.portal a')?.getAttribute('href') ?? null,
    elements: {
      img: document.querySelectorAll('img').length,
      script: document.querySelectorAll('script').length,
      svg: document.querySelectorAll('svg').length,
      style: document.querySelectorAll('style').length,
      iframe: document.querySelectorAll('iframe').length,
      onload: document.querySelectorAll('[onload],[onerror],[onmouseover]').length,
    },
    pwned: window.__pwned,
    text: document.body.innerText,
  };
})()`;

async function dom(page: Page): Promise<Shown> {
  return (await page.evaluate(READ_DOM)) as Shown;
}

/** Counts distinct colours in a sample of a PNG's pixels, decoded by the browser (as source, as above). */
const COLOURS = `(async (b64) => {
  const bitmap = await createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  const seen = new Set();
  for (let i = 0; i < data.length && seen.size < 50; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
})`;

/** A PNG's width and height, from its signature and IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('the incident page route', () => {
  it('wins over incidents/{id}/{action} whichever is registered first: a literal segment ranks above a parameter', () => {
    const fn = (name: string, route: string) => ({ name, trigger: { type: 'httpTrigger', route, methods: ['GET'] } }) as unknown as RegisteredFunction;
    const command = fn('incidentsCommand', 'incidents/{id}/{action}');
    const page = fn('incidentPage', 'incidents/{id}/page');
    for (const order of [[command, page], [page, command]]) {
      const router = new Router({ byTriggerType: () => order } as unknown as Registry, 'api', () => undefined);
      expect(router.match('GET', '/api/incidents/incident-1/page')).toMatchObject({ kind: 'ok', fn: { name: 'incidentPage' }, params: { id: 'incident-1' } });
      expect(router.match('GET', '/api/incidents/incident-1/approve')).toMatchObject({ kind: 'ok', fn: { name: 'incidentsCommand' }, params: { action: 'approve' } });
    }
  });
});

describe('the incident page', () => {
  let app: App;
  let browser: Browser;
  let dir: string;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'failover-incident-page-'));
    app = await startApp({
      // Virtual time starts now, so the signed view links made by the app are valid in real time too.
      start: Date.now(),
      // The approval goes to a webhook the test reads (its status link is what people click).
      catalog: (yaml) => yaml.replace('      - email: data-governance@contoso.example', '      - email: data-governance@contoso.example\n      - webhook: https://hooks.contoso.example/governance'),
    });
    base = process.env['PUBLIC_BASE_URL']!;
    ({ browser } = await launchChromium());
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const view = (id: string) => app.view<View>(id);
  /** One of the approvers the sample catalog names for purview-governance, signed in. */
  const approver = () => app.signIn('grace@contoso.example', { roles: ['Failover.Approver'] });
  /** The page in Chromium, reached with the on-call key in the address (as a bookmark would carry it). */
  async function openPage(id: string): Promise<{ page: Page; status: number; headers: Record<string, string> }> {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const answer = await page.goto(`${app.host.url}/api/incidents/${id}/page?code=${app.keys.oncall}`);
    return { page, status: answer!.status(), headers: answer!.headers() };
  }

  /** A Purview failover request, waiting for its approval. */
  async function awaitingApproval(reason: string): Promise<string> {
    const reply = await app.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason, kind: 'unplanned', by: 'tests' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const id = reply.body.incidentId as string;
    await app.until<View>(id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    return id;
  }

  it('is served by its own route, not taken for an incident action', () => {
    const id = 'incident-0123456789abcdef0123-20261123091400000';
    expect(app.host.http.functionFor('GET', `/api/incidents/${id}/page`)).toMatchObject({ name: 'incidentPage', authLevel: 'function', keyGroup: 'oncall' });
    expect(app.host.http.functionFor('GET', `/api/incidents/${id}/approve`)).toMatchObject({ name: 'incidentsCommand' });
    expect(app.host.http.functionFor('GET', '/api/pages/some-token')).toMatchObject({ name: 'incidentPageLink', authLevel: 'anonymous' });
  });

  it('shows a running incident: its phase, that it refreshes, the decision, and a Gantt row per workload; a screenshot', async () => {
    const id = await awaitingApproval('page test: West US drill');
    const { page, status, headers } = await openPage(id);
    try {
      expect(status).toBe(200);
      expect(headers['content-type']).toBe('text/html; charset=utf-8');
      expect(headers['content-security-policy']).toBe(PAGE_CSP);
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-frame-options']).toBe('DENY');
      const shown = await dom(page);
      expect(shown.title).toBe('Incident: page test: West US drill');
      expect(shown.h1).toBe('page test: West US drill');
      expect(shown.phase).toBe('awaiting-approval');
      expect(shown.refresh).toBe('15');
      expect(shown.refreshText).toBe('The incident is running: this page refreshes itself every 15 seconds.');
      expect(shown.decisions).toEqual([['purview-governance', 'act', expect.stringMatching(/^acted because: /)]]);
      expect(shown.approvals).toEqual([[expect.any(String), 'approval-requested', expect.stringMatching(/^failover of purview-governance \(round 1/)]]);
      expect(shown.rows).toEqual(['purview-governance']);
      expect(shown.bars).toEqual([0]);
      expect(shown.signalMarks).toBe(1);
      expect(shown.decisionMarks).toBeGreaterThanOrEqual(2);
      expect(shown.recovery).toEqual([['purview-governance', '—', '2h 0m', 'not failed over']]);
      expect(shown.json).toBe(`${base}/api/incidents/${id}`);
      expect(shown.elements).toMatchObject({ script: 0, img: 0, svg: 1 });

      const file = join(dir, 'running.png');
      const png = await page.screenshot({ path: file });
      expect(readFileSync(file).equals(png)).toBe(true);
      expect(pngSize(png)).toEqual(VIEWPORT);
      // Not blank: Chromium decodes the screenshot, and a sample of its pixels has many colours.
      const check = await browser.newPage({ viewport: { width: 10, height: 10 } });
      try {
        const colours = (await check.evaluate(`${COLOURS}(${JSON.stringify(png.toString('base64'))})`)) as number;
        expect(colours).toBeGreaterThan(5);
      } finally {
        await check.close();
      }
    } finally {
      await page.close();
    }
    // Reject it, so the workload is free for the next test.
    expect((await app.request('POST', `/api/incidents/${id}/reject`, { body: { comment: 'done looking' }, headers: await approver() })).status).toBe(202);
    await app.until<View>(id, 'the rejection', (v) => v.runtimeStatus === 'Completed');
  }, 90_000);

  it('shows a finished failover and failback: one bar per step record, recovery against the objective, who approved; archived as served', async () => {
    // Past the minimum interval of the failover test before.
    app.clock.advanceTo(app.clock.now() + 61 * 60_000);
    const id = await awaitingApproval('page test: failover and back');
    const grace = await approver();
    expect((await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: grace })).status).toBe(202);
    await app.until<View>(id, 'the failover', (v) => v.phase === 'failed-over');
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'West US is back' }, headers: grace })).status).toBe(202);
    await app.until<View>(id, 'the end', (v) => v.runtimeStatus === 'Completed');
    const v = await view(id);
    expect(v.outcome).toBe('failed-over-and-back');
    const failover = v.summary!.failover['purview-governance']!;
    const failback = v.summary!.failback['purview-governance']!;
    expect([failover.steps.length, failback.steps.length]).toEqual([6, 4]);
    const firstSignal = v.timeline.find((e) => e.type === 'signal')!.at;
    const recovered = Math.max(...failover.steps.map((s) => Date.parse(s.finishedAt))) - Date.parse(firstSignal);

    const { page, status } = await openPage(id);
    let served: string;
    try {
      expect(status).toBe(200);
      const shown = await dom(page);
      expect(shown.phase).toBe('completed');
      expect(shown.outcome).toBe('failed-over-and-back');
      expect(shown.refresh).toBeNull();
      expect(shown.refreshText).toBeNull();
      expect(shown.over).toMatch(/^The incident is over \(.+\); this page no longer changes\.$/);
      expect(shown.rows).toEqual(['purview-governance']);
      expect(shown.bars).toEqual([10]);
      expect(await page.locator('svg.gantt g.bar[data-status="done"]').count()).toBe([...failover.steps, ...failback.steps].filter((s) => s.status === 'done').length);
      expect(shown.recovery).toEqual([['purview-governance', formatMs(recovered), '2h 0m', 'met']]);
      const approved = shown.approvals.find((a) => a[1] === 'approved');
      expect(approved?.[2]).toMatch(/^failover by grace@contoso\.example \(verified, .+\): go$/);
      // What the view's checklist says people must do, each line naming its workload, direction and step.
      const checklist = ((await app.view<{ checklist: Array<{ text: string }> }>(id)).checklist ?? []).map((c) => c.text);
      expect(checklist.length).toBeGreaterThan(0);
      expect(shown.checklist).toHaveLength(checklist.length);
      shown.checklist.forEach((line, i) => expect(line).toMatch(new RegExp(`^purview-governance \\((failover|failback), [a-z-]+\\): ${checklist[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
      expect(shown.elements).toMatchObject({ script: 0, img: 0, svg: 1 });
      await page.screenshot({ path: join(dir, 'finished.png') });
      served = await (await fetch(`${app.host.url}/api/incidents/${id}/page?code=${app.keys.oncall}`)).text();
    } finally {
      await page.close();
    }
    // The audit record: written by the incident's last activity, the same document the app serves.
    const archived = await appServices().archive.getPage(id);
    expect(archived).toBe(served);

    // Once the instance is purged, the page comes from the archive.
    await app.request('DELETE', `/runtime/webhooks/durabletask/instances/${id}`);
    expect((await app.request('GET', `/api/incidents/${id}`)).status).toBe(404);
    const fromArchive = await fetch(`${app.host.url}/api/incidents/${id}/page?code=${app.keys.oncall}`);
    expect(fromArchive.status).toBe(200);
    expect(fromArchive.headers.get('x-incident-page')).toBe('archived');
    expect(fromArchive.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await fromArchive.text()).toBe(archived);
  }, 120_000);

  it('keeps hostile alert text as text: no injected element, nothing runs, the text shows literally', async () => {
    const hostile = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '"><svg onload="window.__pwned=3">',
      "'><iframe srcdoc='<script>parent.__pwned=4</script>'>",
      '</title><style>body{display:none}</style>',
      '&lt;b&gt;',
    ].join(' ');
    const alert = JSON.parse(readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8'));
    alert.data.alertContext.properties.title = `Media Services - West Europe ${hostile}`;
    alert.data.alertContext.properties.defaultLanguageTitle = alert.data.alertContext.properties.title;
    alert.data.essentials.description = hostile;
    const reply = await app.alert(alert);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const id = reply.body.incidentId as string;
    await app.until<View>(id, 'the confirmation wait', (v) => v.phase === 'confirming');
    // A hostile comment on the record too.
    expect((await app.request('POST', `/api/incidents/${id}/cancel`, { body: { comment: hostile } })).status).toBe(202);
    await app.until<View>(id, 'the cancel', (v) => v.runtimeStatus === 'Completed');
    expect((await view(id)).timeline.filter((e) => e.detail.includes(hostile)).map((e) => e.type)).toEqual(['signal', 'completed']);
    expect((await view(id)).title).toBe(`Media Services - West Europe ${hostile}`);

    const html = await (await fetch(`${app.host.url}/api/incidents/${id}/page?code=${app.keys.oncall}`)).text();
    // Served with its CSP, and also set as the page's content with no CSP at all: escaping alone must hold.
    for (const how of ['served', 'without CSP'] as const) {
      const page = await browser.newPage({ viewport: VIEWPORT });
      try {
        if (how === 'served') await page.goto(`${app.host.url}/api/incidents/${id}/page?code=${app.keys.oncall}`);
        else await page.setContent(html);
        const shown = await dom(page);
        expect(shown.elements, how).toEqual({ img: 0, script: 0, svg: 1, style: 1, iframe: 0, onload: 0 });
        expect(shown.pwned, how).toBeUndefined();
        expect(shown.title, how).toBe(`Incident: Media Services - West Europe ${hostile}`);
        expect(shown.h1, how).toBe(`Media Services - West Europe ${hostile}`);
        expect(shown.text, how).toContain(hostile);
        expect(shown.rows, how).toEqual(['media-streaming']);
      } finally {
        await page.close();
      }
    }
  }, 120_000);

  it('opens through the signed view link of a notification, read-only and without a key; refuses altered links', async () => {
    const id = await (async () => {
      app.clock.advanceTo(app.clock.now() + 61 * 60_000);
      return awaitingApproval('page test: the link');
    })();
    const heard = (await app.hooks('governance')).map((h) => h.body as { type: string; incidentId: string; statusUrl?: string }).find((b) => b.type === 'approval-needed' && b.incidentId === id);
    expect(heard?.statusUrl).toMatch(new RegExp(`^${base}/api/pages/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`));
    const token = decodeURIComponent(heard!.statusUrl!.split('/').pop()!);
    expect(verifyViewLink(token, [process.env['ACTION_LINK_SECRET']!], new Date())).toMatchObject({ ok: true, claims: { incidentId: id } });
    const opened = await fetch(heard!.statusUrl!);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(await opened.text()).toContain('<h1>page test: the link</h1>');
    // Not spent: it opens again (the page refreshes through it).
    expect((await fetch(heard!.statusUrl!)).status).toBe(200);
    // Read-only: it is no action link.
    expect((await fetch(`${base}/api/links/${encodeURIComponent(token)}`)).status).toBe(403);
    expect((await fetch(`${base}/api/links/${encodeURIComponent(token)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'comment=x' })).status).toBe(403);
    expect((await view(id)).phase).toBe('awaiting-approval');
    // Altered, or signed with another secret: refused, as a page.
    const [payload, signature] = token.split('.') as [string, string];
    const other = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...other, i: 'incident-00000000000000000000-20261123091400000' })).toString('base64url')}.${signature}`;
    const refused = await fetch(`${base}/api/pages/${forged}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('This link is not valid');
    const foreign = signViewLink(newViewLinkClaims(id, new Date()), 'another-secret-of-at-least-32-characters!!');
    expect((await fetch(`${base}/api/pages/${foreign}`)).status).toBe(403);
    const expired = signViewLink({ incidentId: id, expiresAt: new Date(Date.now() - 1000) }, process.env['ACTION_LINK_SECRET']!);
    const gone = await fetch(`${base}/api/pages/${expired}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('This link has expired');
    expect((await app.request('POST', `/api/incidents/${id}/reject`, { body: {}, headers: await approver() })).status).toBe(202);
  }, 90_000);

  it('answers 404 problems for an unknown id and a malformed one, and needs the key', async () => {
    const unknown = await app.request('GET', '/api/incidents/incident-0123456789abcdef0123-20261123091400000/page');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(unknown.body).toMatchObject({ type: `${PROBLEM}no-such-incident`, detail: "no incident 'incident-0123456789abcdef0123-20261123091400000'; GET /api/incidents lists them" });
    const malformed = await app.request('GET', `/api/incidents/${encodeURIComponent('abc?x=<script>')}/page`);
    expect(malformed.status).toBe(404);
    expect(malformed.body).toMatchObject({ type: `${PROBLEM}no-such-incident`, path: '$.id' });
    expect(malformed.body.detail).toMatch(/^"abc\?x=<script>" is not an incident id/);
    expect((await app.request('GET', '/api/incidents/incident-0123456789abcdef0123-20261123091400000/page', { key: null })).status).toBe(401);
    expect((await app.request('GET', '/api/incidents/incident-0123456789abcdef0123-20261123091400000/page', { key: app.keys.webhook })).status).toBe(401);
  });
});
