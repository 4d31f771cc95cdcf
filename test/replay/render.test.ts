/**
 * The replay report as people read it: the terminal summary's key lines, exactly, and the HTML
 * page's promises checked without a parser: alert text stays text, every step has its bar with
 * its title, and what differs is marked.
 */
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../lib/replay/compare.js';
import { renderReportHtml } from '../../lib/replay/render-html.js';
import { renderReportText } from '../../lib/replay/render-text.js';
import { incidentRun } from '../../lib/replay/runs.js';
import type { IncidentRun, ReplayReport, SignalRun } from '../../lib/replay/types.js';
import { KEY, mediaIncident, OBJECTIVE_MS, TITLE, WORKLOAD, type Variant } from './report-fixtures.js';

const THEN_AT = '2026-11-23T09:00:00.000Z';
const HOSTILE = '<img src=x onerror=alert(1)>';

const run = (v: Variant): IncidentRun => {
  const view = mediaIncident(v);
  return incidentRun(view, { incidentKey: KEY, startedAt: view.timeline[0]!.at, objectives: { [WORKLOAD]: OBJECTIVE_MS } });
};
const then = (v: Variant = {}) => run({ at: THEN_AT, ...v });
const now = (v: Variant = {}) => run({ at: '2027-02-02T14:30:00.000Z', incidentId: 'inc-20270202-1430-replay', pace: 0.7, dwellMs: 10_000, ...v });

function signals(title: string): SignalRun[] {
  return [
    {
      index: 0,
      at: THEN_AT,
      origin: 'archive:2026/11/23/09/00/00-7f3e.json',
      title,
      inferred: [],
      then: { outcome: 'accepted', incidentId: 'inc-20261123-0900-xk8t' },
      now: { status: 202, delivery: 'started', incidentId: 'inc-20270202-1430-replay', acted: true, reason: null, decisions: [{ workloadId: WORKLOAD, verdict: 'act', reason: 'acted because: a service incident' }] },
    },
    {
      index: 1,
      at: '2026-11-23T09:04:30.000Z',
      origin: 'activity-log:6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/0c4b3a29-1e2f-4a5b-9c8d-7e6f5a4b3c2d',
      title,
      inferred: ['data.essentials.alertId: made up from the event id'],
      then: null,
      now: { status: 200, delivery: 'duplicate', incidentId: null, acted: false, reason: 'already delivered: the same update of XK8T-1QZ', decisions: [] },
    },
    {
      index: 2,
      at: '2026-11-23T10:43:14.000Z',
      origin: 'archive:2026/11/23/10/43/14-91aa.json',
      title: null,
      inferred: [],
      then: { outcome: 'signalled', incidentId: 'inc-20261123-0900-xk8t' },
      now: null,
    },
  ];
}

function report(thenRuns: IncidentRun[] | null, nowRuns: IncidentRun[], options: { title?: string; speed?: number } = {}): ReplayReport {
  const c = compareRuns(thenRuns, nowRuns);
  return {
    replayId: 'rp-7c1e',
    label: 'archive XK8T-1QZ (2026-11-23)',
    target: 'https://failover-staging.contoso.example',
    speed: options.speed ?? 60,
    healthMode: 'recorded',
    mode: 'execute',
    startedAt: '2027-02-02T14:30:00.000Z',
    finishedAt: '2027-02-02T14:34:10.000Z',
    signals: signals(options.title ?? TITLE),
    then: thenRuns,
    now: nowRuns,
    differences: c.differences,
    notes: c.notes,
    verdict: c.verdict,
  };
}

describe('renderReportText', () => {
  it('reads a failed step: header, signals at their original spacing, the then | now table, every difference and the verdict', () => {
    const lines = renderReportText(report([then()], [now({ failAt: 'resubmit-jobs' })])).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'Replay rp-7c1e: archive XK8T-1QZ (2026-11-23)',
      '  target https://failover-staging.contoso.example, speed x60, health recorded, mode execute, took 4m 10s',
      '',
      'Signals (3)',
      `  +0s       ${TITLE}: then accepted, incident inc-20261123-0900-xk8t → now HTTP 202 started, incident inc-20270202-1430-replay: acted (media-streaming act)`,
      `  +4m 30s   ${TITLE}: then unknown → now HTTP 200 duplicate: not acted: already delivered: the same update of XK8T-1QZ`,
      '  +1h 43m   archive:2026/11/23/10/43/14-91aa.json: then signalled, incident inc-20261123-0900-xk8t → now not delivered',
      '',
    ]);
    const table = lines.indexOf(`Incident ${KEY}: ${TITLE}`);
    expect(lines.slice(table + 1, table + 9)).toEqual([
      '  then inc-20261123-0900-xk8t: failed-over-and-back',
      '  now  inc-20270202-1430-replay: failover-failed',
      '  media-streaming   | then                       | now',
      '    verdict         | act                        | act',
      '    approvals asked | 1                          | 0',
      '    failed over     | yes: ok, 8 steps in 3m 14s | yes: failed at resubmit-jobs, 6 steps in 2m',
      '    failed back     | yes: ok, 9 steps in 3m 44s | no',
      '    recovery        | 13m 14s (objective 15m)    | none (objective 15m)',
    ]);
    expect(lines).toContain('Differences (10)');
    expect(lines).toContain(`  ${KEY}: outcome: failed-over-and-back → failover-failed`);
    expect(lines).toContain(`  ${KEY} media-streaming: failover step resubmit-jobs: done → failed, compensated`);
    expect(lines).toContain(`  ${KEY} media-streaming: failed back: yes → no`);
    expect(lines.at(-2)).toBe('DIFFERS in 10 places (exit 1)');
  });

  it('ends MATCH (exit 0) when only timing differs, and lists a reworded reason apart, not counted', () => {
    const text = renderReportText(report([then()], [now({ decision: `${WORKLOAD}: acted because: a service incident; policy auto` })]));
    expect(text).not.toContain('Differences');
    expect(text).toContain('\nReasons worded differently, same verdict (1, not counted)\n');
    expect(text).toContain(`\n  ${KEY} media-streaming: reason: acted because: Service Health Incident (Active) for Media Services in westeurope,`);
    expect(text.endsWith('\nMATCH (exit 0)\n')).toBe(true);
  });

  it('says one difference in the singular', () => {
    expect(renderReportText(report([then()], [now({ approveFailover: true })])).endsWith('\nDIFFERS in 1 place (exit 1)\n')).toBe(true);
  });

  it('shows only the now column when there is nothing to compare with', () => {
    const lines = renderReportText(report(null, [now({ notifyOnly: true })])).split('\n');
    expect(lines).toContain('  now  inc-20270202-1430-replay: notified-only');
    expect(lines).toContain('  media-streaming   | now');
    expect(lines).toContain('    verdict         | notify');
    expect(lines.some((l) => l.startsWith('  then '))).toBe(false);
    expect(lines.at(-2)).toBe('no expectation to compare with (exit 0)');
  });
});

describe('renderReportHtml', () => {
  const hostileThen = then({ title: HOSTILE, stepDetail: `scaled ${HOSTILE}` });
  const html = renderReportHtml(report([hostileThen], [now({ title: HOSTILE, failAt: 'resubmit-jobs' })], { title: HOSTILE }));

  it('keeps a hostile alert title, timeline detail and step detail as text', () => {
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    // In the signal table, the incident heading, a decision mark's title and a step's title.
    expect(html).toContain(`<td>&#60;img src=x onerror=alert(1)&#62;<br>`);
    expect(html).toContain(`<h2>${KEY}: &#60;img src=x onerror=alert(1)&#62;</h2>`);
    expect(html).toContain('signal: serviceHealth Incident Active: &#60;img src=x onerror=alert(1)&#62;</title>');
    expect(html).toContain('failover · announce: done, 2s: scaled &#60;img src=x onerror=alert(1)&#62;</title>');
  });

  it('is one page with nothing to load and nothing to run', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<iframe|<[a-z][^>]*\s(?:src|href)=/i);
  });

  it('draws a bar with its title for every step record, then and now', () => {
    const bars = [...html.matchAll(/<rect class="step ([a-z-]+)"[^>]*><title>([^<]*)<\/title><\/rect>/g)].map((m) => `${m[1]} ${m[2]!.split(':')[0]}`);
    const records = (r: IncidentRun) => ['failover', 'failback'].flatMap((d) => r.workloads[0]![d as 'failover' | 'failback']?.steps.map((s) => `${s.status} ${d} · ${s.step}`) ?? []);
    const replayed = now({ title: HOSTILE, failAt: 'resubmit-jobs' });
    expect(bars).toEqual([...records(hostileThen), ...records(replayed)]);
    expect(bars).toContain('failed failover · resubmit-jobs');
    expect(bars).toContain('compensated failover · start-live-events');
    expect(bars.filter((b) => b.endsWith('· switch-traffic'))).toEqual(['done failover · switch-traffic', 'done failback · switch-traffic', 'not-run failover · switch-traffic']);
  });

  it('puts the differences first and marks the rows that differ, on both sides', () => {
    expect(html.indexOf('<ul class="differences">')).toBeLessThan(html.indexOf('<h2>Signals</h2>'));
    expect(html).toContain('<p class="verdict differ">DIFFERS in 10 places (exit 1)</p>');
    expect(html).toContain(`<li>${KEY} media-streaming: failover failed step: none → resubmit-jobs</li>`);
    expect(html.match(/<g class="row differs" data-workload="media-streaming">/g)).toHaveLength(2);
    expect(html).toContain('<tr class="differs"><td>failed over</td><td>yes: ok, 8 steps in 3m 14s</td><td>yes: failed at resubmit-jobs, 6 steps in 2m</td></tr>');
    expect(html).toContain('<tr><td>verdict</td><td>act</td><td>act</td></tr>');
    expect(html).toContain('<section class="incident differs">');
  });

  it('marks nothing when the runs match, and says the verdict', () => {
    const same = renderReportHtml(report([then()], [now()]));
    expect(same).toContain('<p class="verdict match">MATCH (exit 0)</p>');
    expect(same).not.toContain('class="differs"');
    expect(same).not.toContain('row differs');
    expect(same).not.toContain('<ul class="differences">');
  });

  it('draws both runs on one clock when the replay ran at the original speed', () => {
    const page = renderReportHtml(report([then()], [now({ dwellMs: 10 * 60_000 })], { speed: 1 }));
    expect(page).toContain('<p>Then and now share one time scale.</p>');
    const axes = [...page.matchAll(/<svg[^>]*>[\s\S]*?<\/svg>/g)].map((m) => [...m[0].matchAll(/<text x="[\d.]+" y="\d+" text-anchor="(?:start|end)">([^<]*)<\/text>/g)].map((t) => t[1]));
    // The replay's steps ran faster: its resolution came at +1h 42m, the original's at +1h 43m; one axis for both.
    expect(axes).toEqual([
      ['+0s', '+1h 42m', '+2h 18m'],
      ['+0s', '+1h 42m', '+2h 18m'],
    ]);
  });

  it('cuts the hours of watching between failover and failback out of the picture, and says how long they were', () => {
    // Then: the 10 min dwell, resolved 90 min after the failover, the failback 30 min after that.
    const cuts = [...html.matchAll(/≈<title>([^<]*) with no step, signal or decision, shortened<\/title>/g)].map((m) => m[1]);
    expect(cuts).toEqual(['10m', '1h 30m', '30m']);
    expect(html).toContain('<text x="134.0" y="108" text-anchor="start">+0s</text><text x="289.9" y="108" text-anchor="start">+1h 43m</text><text x="510.0" y="108" text-anchor="end">+2h 18m</text>');
  });
});
