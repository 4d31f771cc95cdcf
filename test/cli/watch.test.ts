/**
 * `failover incidents watch`: the changes between successive incident views, and the three ways
 * they are shown: a terminal block redrawn in place (its escape sequences played into a headless
 * xterm, and the screen read back), plain lines, and NDJSON; then the whole loop against a stub
 * app, its exit status and Ctrl-C.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import xterm from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io.js';
import { runCli } from '../../cli/main.js';
import { duration, exitCodeOf, fit, intervalOf, plainLine, progressBar, TtyRenderer, watchIncident, WatchTracker, workloadLine, type WatchEvent } from '../../cli/watch.js';
import type { TimelineEntry, WorkloadProgress } from '../../lib/incidents/types.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import type { StepRecord } from '../../lib/playbooks/types.js';

const ID = 'incident-0123456789abcdef0123-20261123090000000';
const ENDPOINT = '/subscriptions/s/resourceGroups/media-ne/providers/Microsoft.Media/mediaservices/amsne/streamingEndpoints/default';

const entry = (at: string, type: TimelineEntry['type'], detail: string): TimelineEntry => ({ at: `2026-11-23T09:00:${at}.000Z`, type, detail });
const step = (name: string, from: string, to: string, status: StepRecord['status'] = 'done'): StepRecord => ({ step: name, status, detail: `${name} ${status}`, startedAt: `2026-11-23T09:00:${from}.000Z`, finishedAt: `2026-11-23T09:00:${to}.000Z` });

function row(p: Partial<WorkloadProgress> & Pick<WorkloadProgress, 'workloadId'>): WorkloadProgress {
  return { direction: 'failover', instanceId: `${ID}:failover:${p.workloadId}`, state: 'running', current: [], running: [], done: 0, total: 0, startedAt: '2026-11-23T09:00:01.000Z', elapsedMs: 0, deadlineAt: null, remainingMs: null, resources: [], steps: [], ...p };
}

function view(v: Partial<IncidentView>): IncidentView {
  return { incidentId: ID, runtimeStatus: 'Running', phase: 'failing-over', outcome: null, title: 'West Europe media outage', timeline: [], progress: [], ...v } as IncidentView;
}

const signal = entry('00', 'signal', 'manual request by ada: West Europe media outage');
const started = entry('01', 'failover-started', 'media-streaming, datashare-sales');

/** The incident as three polls see it: starting, halfway, over. */
const VIEWS: IncidentView[] = [
  view({
    timeline: [signal, started],
    progress: [
      row({ workloadId: 'media-streaming', running: ['check-account'], current: ['Check the standby account'], steps: [step('announce', '01', '02')], done: 1, total: 3, elapsedMs: 2000 }),
      row({ workloadId: 'datashare-sales', state: 'pending', startedAt: null }),
    ],
  }),
  view({
    timeline: [signal, started],
    progress: [
      row({
        workloadId: 'media-streaming',
        running: ['start-endpoints'],
        current: ['Start the standby streaming endpoints'],
        steps: [step('announce', '01', '02'), step('check-account', '02', '03', 'already-done')],
        done: 2,
        total: 3,
        elapsedMs: 12_000,
        deadlineAt: '2026-11-23T09:01:31.000Z',
        remainingMs: 78_000,
        resources: [ENDPOINT],
      }),
      row({ workloadId: 'datashare-sales', running: ['snapshot'], current: ['Snapshot the share'], total: 2, elapsedMs: 4000 }),
    ],
  }),
  view({
    runtimeStatus: 'Completed',
    phase: 'completed',
    outcome: 'failed-over',
    timeline: [signal, started, entry('40', 'failover-finished', 'media-streaming ok, datashare-sales ok'), entry('41', 'completed', 'failed-over')],
    progress: [
      row({ workloadId: 'media-streaming', instanceId: '', state: 'succeeded', steps: [step('announce', '01', '02'), step('check-account', '02', '03', 'already-done'), step('start-endpoints', '03', '30')], done: 3, total: 3, elapsedMs: 29_000 }),
      row({ workloadId: 'datashare-sales', instanceId: '', state: 'succeeded', steps: [step('snapshot', '01', '20'), step('switch-share', '20', '39')], done: 2, total: 2, elapsedMs: 38_000 }),
    ],
  }),
];

describe('the changes between views', () => {
  it('new timeline entries, the phase, each step as it starts and ends, and each workload when its progress changes', () => {
    const tracker = new WatchTracker();
    const events = VIEWS.map((v) => tracker.next(v));
    const brief = (e: WatchEvent) => (e.type === 'step' ? `step ${e.workloadId} ${e.step} ${e.status} ${e.done}/${e.total} @${e.at.slice(17, 19)}` : e.type === 'progress' ? `progress ${e.workloadId} ${e.state} ${e.done}/${e.total}` : e.type === 'timeline' ? `timeline ${e.entry.type}` : `${e.type}`);
    expect(events.map((list) => list.map(brief))).toEqual([
      [
        'timeline signal',
        'timeline failover-started',
        'phase',
        'step media-streaming announce done 1/3 @02',
        'step media-streaming check-account running 1/3 @02',
        'progress media-streaming running 1/3',
        'progress datashare-sales pending 0/0',
      ],
      [
        'step media-streaming check-account already-done 2/3 @03',
        'step media-streaming start-endpoints running 2/3 @03',
        'progress media-streaming running 2/3',
        'step datashare-sales snapshot running 0/2 @01',
        'progress datashare-sales running 0/2',
      ],
      [
        'timeline failover-finished',
        'timeline completed',
        'step media-streaming start-endpoints done 3/3 @30',
        'progress media-streaming succeeded 3/3',
        'step datashare-sales snapshot done 1/2 @20',
        'step datashare-sales switch-share done 2/2 @39',
        'progress datashare-sales succeeded 2/2',
      ],
    ]);
    // Only the time passing: nothing to say.
    expect(tracker.next({ ...VIEWS[2]!, progress: VIEWS[2]!.progress.map((p) => ({ ...p, elapsedMs: p.elapsedMs + 1000 })) })).toEqual([]);
  });
});

describe('a workload line', () => {
  it('name, direction, bar, done of total, the step running, time against the deadline, the resources by name', () => {
    expect(workloadLine(VIEWS[1]!.progress[0]!, 15)).toBe('media-streaming  failover  [#########-----] 2/3  Start the standby streaming endpoints  12s of 1m30s  default');
    expect(workloadLine(VIEWS[0]!.progress[1]!, 15)).toBe('datashare-sales  failover  [--------------] 0/0  not started yet');
    expect(workloadLine(row({ workloadId: 'w', direction: 'rollback', state: 'failed', steps: [step('a', '01', '02'), step('b', '02', '03', 'failed')], done: 2, total: 4, elapsedMs: 3_725_000 }), 1)).toBe(
      'w  rollback  [#######-------] 2/4  FAILED at b  1h02m',
    );
    expect([progressBar(0, 8), progressBar(3, 8), progressBar(8, 8), progressBar(9, 8)]).toEqual(['[--------------]', '[#####---------]', '[##############]', '[##############]']);
    expect([duration(0), duration(59_400), duration(185_000), duration(7_200_000)]).toEqual(['0s', '59s', '3m05s', '2h00m']);
    expect([fit('abcdef', 80), fit('abcdef', 6), fit('abcdef', 4)]).toEqual(['abcdef', 'abcd…', 'ab…']);
  });
});

/** Plays `data` into a headless terminal `cols` wide, with the line discipline's LF → CRLF a pty adds, and returns the screen's non-empty rows. */
async function screen(data: string, cols = 120, rows = 30): Promise<string[]> {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  await new Promise<void>((resolve) => term.write(data, resolve));
  const lines: string[] = [];
  for (let i = 0; i < term.buffer.active.length; i++) lines.push(term.buffer.active.getLine(i)!.translateToString(true));
  term.dispose();
  while (lines.at(-1) === '') lines.pop();
  return lines;
}

describe('on a terminal', () => {
  it('prints new timeline entries above the block and redraws the block in place', async () => {
    const tracker = new WatchTracker();
    const tty = new TtyRenderer(ID, () => 120);
    let written = '';
    for (const v of VIEWS) {
      const lines = tracker.next(v).flatMap((e) => (e.type === 'timeline' ? [`${e.entry.at}  ${e.entry.type.padEnd(20)} ${e.entry.detail}`] : []));
      written += tty.frame(lines, v, tracker.progress());
    }
    expect(written).toContain('\u001b[3A\r\u001b[J');
    expect(await screen(written)).toEqual([
      '2026-11-23T09:00:00.000Z  signal               manual request by ada: West Europe media outage',
      '2026-11-23T09:00:01.000Z  failover-started     media-streaming, datashare-sales',
      '2026-11-23T09:00:40.000Z  failover-finished    media-streaming ok, datashare-sales ok',
      '2026-11-23T09:00:41.000Z  completed            failed-over',
      `${ID}  failed-over  West Europe media outage`,
      '  media-streaming  failover  [##############] 3/3  done  29s',
      '  datashare-sales  failover  [##############] 2/2  done  38s',
    ]);
  });

  it('halfway through, shows each workload once with its step running', async () => {
    const tracker = new WatchTracker();
    const tty = new TtyRenderer(ID, () => 120);
    let written = '';
    for (const v of VIEWS.slice(0, 2)) written += tty.frame([], v, (tracker.next(v), tracker.progress()));
    expect(await screen(written)).toEqual([
      `${ID}  failing-over  West Europe media outage`,
      '  media-streaming  failover  [#########-----] 2/3  Start the standby streaming endpoints  12s of 1m30s  default',
      '  datashare-sales  failover  [--------------] 0/2  Snapshot the share  4s',
    ]);
  });

  it('marks a playbook the incident stopped listing before its end was seen, instead of showing it still running', async () => {
    const tracker = new WatchTracker();
    const tty = new TtyRenderer(ID, () => 120);
    let written = tty.frame([], VIEWS[1]!, (tracker.next(VIEWS[1]!), tracker.progress()));
    const between = view({ phase: 'failed-over', progress: [] });
    written += tty.frame([], between, (tracker.next(between), tracker.progress()));
    expect(await screen(written)).toEqual([
      `${ID}  failed-over  West Europe media outage`,
      '  media-streaming  failover  [#########-----] 2/3  ended (its result is in the timeline)',
      '  datashare-sales  failover  [--------------] 0/2  ended (its result is in the timeline)',
    ]);
  });

  it('cuts each line of the block to the terminal width, so redrawing never leaves wrapped remains', async () => {
    const tracker = new WatchTracker();
    let cols = 60;
    const tty = new TtyRenderer(ID, () => cols);
    let written = '';
    for (const v of VIEWS.slice(0, 2)) written += tty.frame([], v, (tracker.next(v), tracker.progress()));
    expect(await screen(written, 60)).toEqual([
      'incident-0123456789abcdef0123-20261123090000000  failing-o…',
      '  media-streaming  failover  [#########-----] 2/3  Start t…',
      '  datashare-sales  failover  [--------------] 0/2  Snapsho…',
    ]);
    cols = 40;
    written += tty.frame([], VIEWS[1]!, tracker.progress());
    expect(await screen(written, 60)).toEqual(['incident-0123456789abcdef0123-20261123…', '  media-streaming  failover  [########…', '  datashare-sales  failover  [--------…']);
  });
});

describe('not on a terminal', () => {
  it('one plain line per change, nothing redrawn', () => {
    const tracker = new WatchTracker();
    const lines = VIEWS.flatMap((v) => tracker.next(v)).flatMap((e) => plainLine(e) ?? []);
    expect(lines).toEqual([
      '2026-11-23T09:00:00.000Z  signal               manual request by ada: West Europe media outage',
      '2026-11-23T09:00:01.000Z  failover-started     media-streaming, datashare-sales',
      '… failing-over',
      '2026-11-23T09:00:02.000Z  step done            media-streaming failover 1/3: announce: announce done',
      '2026-11-23T09:00:02.000Z  step running         media-streaming failover: check-account (Check the standby account)',
      '2026-11-23T09:00:03.000Z  step already-done    media-streaming failover 2/3: check-account: check-account already-done',
      '2026-11-23T09:00:03.000Z  step running         media-streaming failover: start-endpoints (Start the standby streaming endpoints)',
      '2026-11-23T09:00:01.000Z  step running         datashare-sales failover: snapshot (Snapshot the share)',
      '2026-11-23T09:00:40.000Z  failover-finished    media-streaming ok, datashare-sales ok',
      '2026-11-23T09:00:41.000Z  completed            failed-over',
      '2026-11-23T09:00:30.000Z  step done            media-streaming failover 3/3: start-endpoints: start-endpoints done',
      '2026-11-23T09:00:20.000Z  step done            datashare-sales failover 1/2: snapshot: snapshot done',
      '2026-11-23T09:00:39.000Z  step done            datashare-sales failover 2/2: switch-share: switch-share done',
    ]);
  });
});

describe('the exit status', () => {
  it('0 when the incident succeeded, 1 when it failed or the orchestration did', () => {
    expect(['failed-over', 'failed-over-and-back', 'planned', 'notified-only', 'rejected', 'cancelled'].map((outcome) => exitCodeOf({ runtimeStatus: 'Completed', outcome: outcome as IncidentView['outcome'] }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(['failover-failed', 'rolled-back', 'approval-timed-out'].map((outcome) => exitCodeOf({ runtimeStatus: 'Completed', outcome: outcome as IncidentView['outcome'] }))).toEqual([1, 1, 1]);
    expect([exitCodeOf({ runtimeStatus: 'Failed', outcome: null }), exitCodeOf({ runtimeStatus: 'Terminated', outcome: null })]).toEqual([1, 1]);
  });

  it('refuses an --interval that is not a whole number of milliseconds', () => {
    expect(intervalOf(undefined)).toBe(1000);
    expect(intervalOf('250')).toBe(250);
    for (const bad of ['fast', '50', '1.5', true] as const) expect(() => intervalOf(bad)).toThrow(/^--interval must be a whole number of milliseconds, at least 100 \(got '(fast|50|1\.5|true)'\)$/);
  });
});

describe('the watch loop against an app', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server !== undefined ? server.close(() => resolve()) : resolve())));

  /** An app whose GET /api/incidents/{id} answers `views` in turn, the last one from then on. */
  async function app(views: IncidentView[]): Promise<{ url: string; polls: () => number; posts: () => number }> {
    let n = 0;
    let posted = 0;
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/api/failovers') return (posted++, res).writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ incidentId: ID, statusUrl: `http://app/api/incidents/${ID}` }));
      if (req.url !== `/api/incidents/${ID}`) return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: `no incident '${req.url}'` }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(views[Math.min(n++, views.length - 1)]));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, polls: () => n, posts: () => posted };
  }

  function io(isTTY = false): CliIo & { outs: string[]; errs: string[] } {
    const outs: string[] = [];
    const errs: string[] = [];
    return { outs, errs, out: (t) => outs.push(t), err: (t) => errs.push(t), read: async () => Buffer.from(''), now: () => new Date(), isTTY, columns: 100 };
  }

  it('--json: one object per change, ending with the outcome and exit status', async () => {
    const { url } = await app(VIEWS);
    const out = io();
    expect(await runCli(['incidents', 'watch', ID, '--json', '--interval', '100', '--app', url, '--key', 'k'], out)).toBe(0);
    const events = out.outs.map((l) => JSON.parse(l) as WatchEvent);
    expect(events.map((e) => e.type)).toEqual(['timeline', 'timeline', 'phase', 'step', 'step', 'progress', 'progress', 'step', 'step', 'progress', 'step', 'progress', 'timeline', 'timeline', 'step', 'progress', 'step', 'step', 'progress', 'end']);
    const steps = events.filter((e): e is Extract<WatchEvent, { type: 'step' }> => e.type === 'step' && e.status !== 'running');
    expect(steps.map((e) => `${e.workloadId}:${e.step}`)).toEqual(['media-streaming:announce', 'media-streaming:check-account', 'media-streaming:start-endpoints', 'datashare-sales:snapshot', 'datashare-sales:switch-share']);
    expect(events[5]).toEqual({ type: 'progress', ...(({ steps: _s, ...rest }) => rest)(VIEWS[0]!.progress[0]!) });
    expect(events.at(-1)).toEqual({ type: 'end', incidentId: ID, runtimeStatus: 'Completed', outcome: 'failed-over', exitCode: 0 });
    expect(out.errs).toEqual([]);
  });

  it('trigger --watch --json: the answer, then the watch, all NDJSON; a bad --interval is refused before anything starts', async () => {
    const { url, posts } = await app(VIEWS);
    const refused = io();
    await expect(runCli(['trigger', '--workloads', 'media-streaming', '--reason', 'r', '--watch', '--interval', 'soon', '--app', url, '--key', 'k'], refused)).resolves.toBe(2);
    expect(posts()).toBe(0);
    const out = io();
    expect(await runCli(['trigger', '--workloads', 'media-streaming', '--reason', 'r', '--watch', '--json', '--interval', '100', '--app', url, '--key', 'k'], out)).toBe(0);
    const events = out.outs.map((l) => JSON.parse(l) as { type: string });
    expect(events[0]).toEqual({ type: 'incident', incidentId: ID, statusUrl: `http://app/api/incidents/${ID}` });
    expect(events.slice(1).map((e) => e.type)).toEqual(['timeline', 'timeline', 'phase', 'step', 'step', 'progress', 'progress', 'step', 'step', 'progress', 'step', 'progress', 'timeline', 'timeline', 'step', 'progress', 'step', 'step', 'progress', 'end']);
  });

  it('on a terminal, redraws the block and exits 1 when the incident failed', async () => {
    const failed = view({ ...VIEWS[2]!, outcome: 'failover-failed', progress: [{ ...VIEWS[2]!.progress[0]!, state: 'failed', steps: [step('announce', '01', '02'), step('start-endpoints', '02', '09', 'failed'), step('check-account', '09', '09', 'not-run')] }] });
    const { url } = await app([VIEWS[0]!, failed]);
    const out = io(true);
    expect(await runCli(['incidents', 'watch', ID, '--interval', '100', '--app', url, '--key', 'k'], out)).toBe(1);
    expect((await screen(out.outs.join(''), 100)).slice(-3)).toEqual([`${ID}  failover-failed  West Europe media outage`, '  media-streaming  failover  [##############] 3/3  FAILED at start-endpoints  29s', `incident ${ID} completed: failover-failed`]);
  });

  it('Ctrl-C stops the watch, not the incident, and says how to resume', async () => {
    const { url, polls } = await app([VIEWS[1]!]);
    const out = io();
    const controller = new AbortController();
    const watching = watchIncident(out, { url, key: undefined }, ID, { intervalMs: 100, mode: 'lines', signal: controller.signal });
    while (polls() < 2) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect(await watching).toBe(130);
    expect(out.errs).toEqual([`stopped watching; incident ${ID} goes on. Resume with: failover incidents watch ${ID}`]);
  });

  it('says what the app answered when there is no such incident', async () => {
    const { url } = await app(VIEWS);
    const out = io();
    expect(await runCli(['incidents', 'watch', 'incident-nope', '--app', url, '--key', 'k'], out)).toBe(1);
    expect(out.errs).toEqual(["failover: the app answered 404: no incident '/api/incidents/incident-nope'"]);
  });
});
