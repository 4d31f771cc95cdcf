/**
 * The incident page as rendered from an incident view (lib/report/incident-page.ts), and as the
 * app serves and archives it (lib/operators/incident-page.ts): the Gantt's bars and lanes, the
 * recovery verdicts, the refresh of a running incident, links that may and may not be links,
 * text that stays text; the archive activity and the purged instance's archived page.
 */
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { InstanceStatus } from '../../lib/incidents/client.js';
import { ORCHESTRATIONS } from '../../lib/incidents/contract.js';
import type { IncidentInput, IncidentSummary } from '../../lib/incidents/types.js';
import { archiveIncidentPage, incidentPage } from '../../lib/operators/incident-page.js';
import { formatMs } from '../../lib/report/incident-report.js';
import { renderIncidentPage, type PageView } from '../../lib/report/incident-page.js';
import { mediaIncident, OBJECTIVE_MS, TITLE, WORKLOAD } from '../replay/report-fixtures.js';

const objectives = { [WORKLOAD]: OBJECTIVE_MS };
const count = (html: string, what: string) => html.split(what).length - 1;
/** The cells of each row of the table with `class`, as text (tags dropped, entities left). */
function rows(html: string, table: string): string[][] {
  const body = new RegExp(`<table class="${table}">.*?<tbody>(.*?)</tbody>`, 's').exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((r) => [...r[1]!.matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1]!.replace(/<[^>]+>/g, '')));
}

describe('the incident page', () => {
  it('draws one bar per step record in its workload row, overlapping steps in lanes of their own', () => {
    const view = mediaIncident();
    const html = renderIncidentPage(view, { objectives });
    const steps = [...view.summary!.failover[WORKLOAD]!.steps, ...view.summary!.failback[WORKLOAD]!.steps];
    expect(steps).toHaveLength(17);
    expect(count(html, '<g class="row"')).toBe(1);
    expect(count(html, '<g class="bar"')).toBe(17);
    expect(count(html, '<g class="bar" data-status="done">')).toBe(17);
    // The second failover wave runs three steps side by side: three lanes, so three distinct rows of bars.
    const ys = [...html.matchAll(/<g class="bar"[^>]*><rect x="[\d.]+" y="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(new Set(ys).size).toBe(3);
    // The signals (2) and the decisions marked on the axis.
    expect(count(html, '<g class="mark signal">')).toBe(2);
    expect(count(html, '<g class="mark decision">')).toBe(view.timeline.filter((e) => ['decision', 'confirmed', 'approval-requested', 'approved', 'resolved', 'failback-ready', 'completed'].includes(e.type)).length);
  });

  it('measures recovery from the first signal to the end of the failover, against the objective', () => {
    // 10 min dwell, then the failover's waves: 4 + 95 + 30 + 5 + 60 s.
    const met = renderIncidentPage(mediaIncident(), { objectives });
    expect(rows(met, 'recovery')).toEqual([[WORKLOAD, formatMs(10 * 60_000 + 194_000), '15m 0s', 'met']]);
    expect(formatMs(10 * 60_000 + 194_000)).toBe('13m 14s');
    const missed = renderIncidentPage(mediaIncident({ dwellMs: 20 * 60_000 }), { objectives });
    expect(rows(missed, 'recovery')).toEqual([[WORKLOAD, '23m 14s', '15m 0s', 'missed']]);
    expect(missed).toContain('<td class="missed">missed</td>');
    expect(rows(renderIncidentPage(mediaIncident(), { objectives: {} }), 'recovery')).toEqual([[WORKLOAD, '13m 14s', '—', 'no objective']]);
    expect(rows(renderIncidentPage(mediaIncident({ notifyOnly: true }), { objectives }), 'recovery')).toEqual([[WORKLOAD, '—', '15m 0s', 'not failed over']]);
    expect(rows(renderIncidentPage(mediaIncident({ failAt: 'switch-traffic' }), { objectives }), 'recovery')).toEqual([[WORKLOAD, '—', '15m 0s', 'failover not finished']]);
  });

  it('lists each workload\'s decision and why, and the approvals with who and when', () => {
    const html = renderIncidentPage(mediaIncident({ approveFailover: true }), { objectives });
    expect(rows(html, 'decisions')).toEqual([[WORKLOAD, 'act', expect.stringMatching(/^acted because: Service Health Incident \(Active\) for Media Services in westeurope/)]]);
    expect(rows(html, 'approvals').map((r) => r.slice(1))).toEqual([
      ['approval-requested', `failover of ${WORKLOAD} (round 1); waiting up to 30 min`],
      ['approved', 'failover by grace@contoso.example (verified, app-service-auth, object id 0b6c3f55-1d2e-4f3a-9b8c-7d6e5f4a3b2c)'],
      ['approval-requested', `failback of ${WORKLOAD} (round 2); waiting up to 30 min`],
      ['approved', 'failback by grace@contoso.example (verified, app-service-auth, object id 0b6c3f55-1d2e-4f3a-9b8c-7d6e5f4a3b2c)'],
    ]);
    expect(rows(html, 'approvals')[1]![0]).toBe('2026-11-23T09:13:00.000Z');
  });

  it('refreshes itself while running, and says so; not once it is over', () => {
    const running: PageView = { ...mediaIncident(), runtimeStatus: 'Running', phase: 'failing-over', outcome: null };
    const html = renderIncidentPage(running, { objectives, refreshSeconds: 7 });
    expect(html).toContain('<meta http-equiv="refresh" content="7">');
    expect(html).toContain('<p class="refresh">The incident is running: this page refreshes itself every 7 seconds.</p>');
    const over = renderIncidentPage(mediaIncident(), { objectives });
    expect(over).not.toContain('http-equiv');
    expect(over).toContain('<p class="over">The incident is over (2026-11-23T11:18:58.000Z); this page no longer changes.</p>');
  });

  it('links to the portal and the JSON only over http(s); every piece of text stays text', () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>alert(1)</script>"><svg onload=alert(2)>';
    const view: PageView = {
      ...mediaIncident({ title: hostile, stepDetail: hostile }),
      source: { kind: 'service-health', trackingId: hostile, resourceId: null, operationName: null, subscriptionId: hostile, services: [hostile], regions: ['westeurope'], portalUrl: 'javascript:alert(3)' },
      checklist: [{ kind: 'check', text: hostile, workloadId: hostile, direction: 'failover', step: hostile, url: `rtmp://x/${hostile}`, resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Media/mediaservices/contosomedianeu' }],
    };
    const html = renderIncidentPage(view, { objectives });
    for (const tag of ['<img', '<script', '<svg onload', 'javascript:']) expect(html.includes(tag), tag).toBe(false);
    expect(count(html, '<svg')).toBe(1);
    expect(html).toContain('&#60;img src=x onerror=&#34;window.__pwned=1&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain(`<title>Incident: ${'&#60;img src=x onerror=&#34;window.__pwned=1&#34;&#62;'}`);
    // A portal address that is no http(s) link is not made one.
    expect(html).toContain('<span class="portal">Open in the Azure portal</span>');
    expect(html).toContain('<a href="https://portal.azure.com/#resource/subscriptions/s/resourceGroups/rg/providers/Microsoft.Media/mediaservices/contosomedianeu" rel="noreferrer">resource in the portal</a>');
    const safe = renderIncidentPage({ ...mediaIncident(), source: { ...view.source!, portalUrl: 'https://app.azure.com/h/7K2T-LQ8/6f1c4d' } }, { objectives });
    expect(safe).toContain('<span class="portal"><a href="https://app.azure.com/h/7K2T-LQ8/6f1c4d" rel="noreferrer">Open in the Azure portal</a></span>');
    expect(safe).toContain('<span class="json"><a href="https://failover.contoso.example/api/incidents/inc-20261123-0900-xk8t" rel="noreferrer">');
  });

  it('shows the checklist of what people must do by hand, or that there is nothing', () => {
    const view = mediaIncident();
    expect(renderIncidentPage({ ...view, checklist: [] }, { objectives })).toContain('<p class="none">Nothing to do by hand.</p>');
    const html = renderIncidentPage({ ...view, checklist: [{ kind: 'ingest-url', text: 'Point the encoders of live-main at the new ingest URL', url: 'rtmp://live-main-contosomedianeu/live', workloadId: WORKLOAD, direction: 'failover', step: 'start-live-events' }] }, { objectives });
    expect(html).toContain(
      `<ul class="checklist">\n<li data-kind="ingest-url"><b>${WORKLOAD}</b> (failover, start-live-events): Point the encoders of live-main at the new ingest URL · <code>rtmp://live-main-contosomedianeu/live</code></li>\n</ul>`,
    );
  });
});

describe('the incident page, served and archived', () => {
  const catalog = async () => ({ workloads: [{ id: WORKLOAD, recoveryTimeObjectiveMs: OBJECTIVE_MS }] }) as unknown as Catalog;
  const ID = 'incident-0123456789abcdef0123-20261123090000000';
  const fixture = mediaIncident({ incidentId: ID });
  const input: IncidentInput = {
    incidentId: ID,
    version: 2,
    mode: 'execute',
    kind: 'unplanned',
    signal: { kind: 'serviceHealth', incidentKey: 'XK8T-1QZ', dedupeKey: 'd', lifecycle: 'active', stage: 'Active', title: TITLE, eventTime: '2026-11-23T09:00:00.000Z', isSynthetic: false, health: null, services: [], resourceIds: [], workloads: [], requestedBy: null },
  };
  const summary: IncidentSummary = {
    incidentId: ID,
    outcome: 'failed-over-and-back',
    workloads: [WORKLOAD],
    failover: fixture.summary!.failover,
    failback: fixture.summary!.failback,
    timeToFailoverMs: fixture.summary!.timeToFailoverMs,
    lastSignalAt: '2026-11-23T10:35:14.000Z',
    timeline: fixture.timeline,
  };

  function archive() {
    const pages = new Map<string, string>();
    return {
      pages,
      getTimeline: async () => undefined,
      putPage: async (id: string, html: string) => (pages.set(id, html), { name: `incidents/${id}/page.html` }),
      getPage: async (id: string) => pages.get(id),
    };
  }
  const gone = { startNew: async () => '', getStatus: async (): Promise<InstanceStatus> => Promise.reject(new Error('404 No instance')), getStatusBy: async () => [], raiseEvent: async () => undefined };
  const deps = (a: ReturnType<typeof archive>, client = gone) => ({ client, catalog, archive: a, baseUrl: 'https://failover.contoso.example', now: () => new Date('2026-11-24T00:00:00Z') });

  it('archiveIncidentPage writes the finished incident\'s page, from its input and summary, to the archive', async () => {
    const a = archive();
    const written = await archiveIncidentPage({ catalog, archive: a, publicUrl: 'https://failover.contoso.example', now: () => new Date('2026-11-23T11:20:00Z') }, { incidentId: ID, input, summary, createdAt: '2026-11-23T09:00:00.000Z' });
    expect(written).toEqual({ name: `incidents/${ID}/page.html` });
    const html = a.pages.get(ID)!;
    expect(html).toContain(`<h1>${TITLE}</h1>`);
    expect(html).toContain('phase <b class="phase">completed</b> · Completed · outcome <b class="outcome">failed-over-and-back</b> · execute · unplanned');
    expect(count(html, '<g class="bar"')).toBe(17);
    expect(rows(html, 'recovery')).toEqual([[WORKLOAD, '13m 14s', '15m 0s', 'met']]);
    expect(html).not.toContain('http-equiv');
    expect(html).toContain(`<a href="https://failover.contoso.example/api/incidents/${ID}" rel="noreferrer">`);
  });

  it('serves the archived page once the instance is purged; a 404 problem when there is neither', async () => {
    const a = archive();
    expect(await incidentPage(deps(a), ID)).toEqual({ ok: false, answer: { status: 404, body: expect.objectContaining({ detail: `no incident '${ID}'; GET /api/incidents lists them` }) } });
    a.pages.set(ID, '<!doctype html><p>archived</p>');
    expect(await incidentPage(deps(a), ID)).toEqual({ ok: true, html: '<!doctype html><p>archived</p>', archived: true });
    const malformed = await incidentPage(deps(a), 'incident-1?x=1');
    expect(malformed).toMatchObject({ ok: false, answer: { status: 404, body: { path: '$.id', detail: expect.stringMatching(/^"incident-1\?x=1" is not an incident id/) } } });
  });

  it('renders a live instance from its status, not from the archive', async () => {
    const a = archive();
    a.pages.set(ID, 'stale');
    const status: InstanceStatus = {
      name: ORCHESTRATIONS.incident,
      instanceId: ID,
      runtimeStatus: 'Running',
      input,
      customStatus: { phase: 'failed-over', incidentId: ID, title: TITLE, mode: 'execute', kind: 'unplanned', workloads: [WORKLOAD], lastSignalAt: '', duplicates: 0, timeline: fixture.timeline.slice(0, 5), entries: 5 },
      createdTime: '2026-11-23T09:00:00.000Z',
      lastUpdatedTime: '2026-11-23T09:30:00.000Z',
    };
    const page = await incidentPage(deps(a, { ...gone, getStatus: async () => status }), ID);
    if (!page.ok) throw new Error(JSON.stringify(page.answer));
    expect(page.archived).toBe(false);
    expect(page.html).toContain('<meta http-equiv="refresh" content="15">');
    expect(page.html).toContain('phase <b class="phase">failed-over</b> · Running');
  });
});
