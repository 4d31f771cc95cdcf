/**
 * Each workload's playbook progress in the incident view: read from the running playbooks'
 * custom status while the incident runs them, from the summary once it is over.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentClient, InstanceStatus } from '../../lib/incidents/client.js';
import { fromPlaybookProgress, fromPlaybookResult, fromPlaybookStatus, fromSummary, incidentPlaybookProgress, playbookProgressOf } from '../../lib/incidents/progress.js';
import { showIncident, type IncidentView, type OperatorDeps } from '../../lib/operators/incidents.js';
import type { PlaybookProgress, PlaybookResult, StepRecord } from '../../lib/playbooks/types.js';

const record = (step: string, status: StepRecord['status'], startedAt: string, finishedAt: string): StepRecord => ({ step, status, detail: `${step} ${status}`, startedAt, finishedAt });

const running: PlaybookProgress = {
  workloadId: 'media-streaming',
  direction: 'failover',
  running: ['start-endpoints', 'start-live-events'],
  runningTitles: ['Start the standby streaming endpoints', 'Start the standby live events'],
  resources: ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Media/mediaservices/ams-ne/streamingEndpoints/default'],
  steps: [record('announce', 'done', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:02.000Z'), record('check-account', 'already-done', '2026-11-23T09:00:02.000Z', '2026-11-23T09:00:03.000Z')],
  total: 8,
  startedAt: '2026-11-23T09:00:00.000Z',
  deadlineAt: '2026-11-23T09:01:33.000Z',
};

const finished: PlaybookResult = {
  ok: true,
  workloadId: 'datashare-sales',
  direction: 'failover',
  steps: [record('announce', 'done', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:01.000Z'), record('snapshot', 'done', '2026-11-23T09:00:01.000Z', '2026-11-23T09:01:00.000Z')],
  failedStep: null,
  durationMs: 61_000,
};

describe('mapping a playbook to what the view shows', () => {
  it('a running playbook: current steps, done of total, elapsed and what is left of its deadline', () => {
    expect(fromPlaybookProgress(running, 'failover', 'inc-1:failover:media-streaming', new Date('2026-11-23T09:00:12.000Z'))).toEqual({
      workloadId: 'media-streaming',
      direction: 'failover',
      instanceId: 'inc-1:failover:media-streaming',
      state: 'running',
      current: ['Start the standby streaming endpoints', 'Start the standby live events'],
      running: ['start-endpoints', 'start-live-events'],
      done: 2,
      total: 8,
      startedAt: '2026-11-23T09:00:00.000Z',
      elapsedMs: 12_000,
      deadlineAt: '2026-11-23T09:01:33.000Z',
      remainingMs: 81_000,
      resources: running.resources,
      steps: running.steps,
    });
  });

  it('counts a compensated step once, and never shows a negative time left', () => {
    const failing: PlaybookProgress = {
      ...running,
      running: ['announce'],
      runningTitles: ['Tell people'],
      steps: [...running.steps, record('failover-tm', 'failed', '2026-11-23T09:00:03.000Z', '2026-11-23T09:00:09.000Z'), record('failover-tm', 'compensated', '2026-11-23T09:00:09.000Z', '2026-11-23T09:00:10.000Z')],
    };
    const shown = fromPlaybookProgress(failing, 'failover', 'i', new Date('2026-11-23T09:05:00.000Z'));
    expect([shown.done, shown.total, shown.remainingMs, shown.elapsedMs]).toEqual([3, 8, 0, 300_000]);
  });

  it('reads the older custom status (workloadId, direction, running, steps) with the rest filled in', () => {
    expect(playbookProgressOf({ workloadId: 'w', direction: 'failback', running: ['a'], steps: [record('x', 'done', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:01.000Z')] }, new Date('2026-11-23T08:59:59.000Z'))).toEqual({
      workloadId: 'w',
      direction: 'failback',
      running: ['a'],
      runningTitles: ['a'],
      resources: [],
      steps: [record('x', 'done', '2026-11-23T09:00:00.000Z', '2026-11-23T09:00:01.000Z')],
      total: 2,
      startedAt: '2026-11-23T08:59:59.000Z',
      deadlineAt: null,
    });
    expect(playbookProgressOf({ phase: 'failing-over' })).toBeNull();
    expect(playbookProgressOf(null)).toBeNull();
  });

  it('a finished playbook from its result, with the total its last progress gave', () => {
    expect(fromPlaybookResult({ ...finished, ok: false, failedStep: 'snapshot' }, 'failover', 'x', { total: 5, startedAt: '2026-11-23T08:59:59.000Z' })).toEqual({
      workloadId: 'datashare-sales',
      direction: 'failover',
      instanceId: 'x',
      state: 'failed',
      current: [],
      running: [],
      done: 2,
      total: 5,
      startedAt: '2026-11-23T08:59:59.000Z',
      elapsedMs: 61_000,
      deadlineAt: null,
      remainingMs: null,
      resources: [],
      steps: finished.steps,
    });
  });

  it('an instance not created yet, or with nothing published, is pending; one that completed reads its output', () => {
    const now = new Date('2026-11-23T09:00:12.000Z');
    expect(fromPlaybookStatus('w', 'failback', 'i', null, now)).toMatchObject({ state: 'pending', done: 0, total: 0, startedAt: null, current: [] });
    expect(fromPlaybookStatus('w', 'failback', 'i', { runtimeStatus: 'Pending', customStatus: null }, now)).toMatchObject({ state: 'pending', direction: 'failback' });
    expect(fromPlaybookStatus('datashare-sales', 'failover', 'i', { runtimeStatus: 'Completed', output: finished, customStatus: { ...running, workloadId: 'datashare-sales', running: [], runningTitles: [], total: 2 } }, now)).toMatchObject({
      state: 'succeeded',
      done: 2,
      total: 2,
      startedAt: '2026-11-23T09:00:00.000Z',
      elapsedMs: 61_000,
    });
    expect(fromPlaybookStatus('media-streaming', 'failover', 'i', { runtimeStatus: 'Failed', output: 'boom', customStatus: running }, now)).toMatchObject({ state: 'failed', current: [], running: [], done: 2, total: 8, deadlineAt: null });
  });

  it('a finished incident: failovers, then failbacks, a failback that ran the failover playbook being a rollback', () => {
    const shown = fromSummary({ failover: { 'datashare-sales': finished }, failback: { 'datashare-sales': { ...finished, direction: 'failover', steps: [record('snapshot', 'compensated', '2026-11-23T10:00:00.000Z', '2026-11-23T10:00:05.000Z')] } } });
    expect(shown.map((p) => [p.workloadId, p.direction, p.state, p.done, p.total, p.instanceId])).toEqual([
      ['datashare-sales', 'failover', 'succeeded', 2, 2, ''],
      ['datashare-sales', 'rollback', 'succeeded', 1, 1, ''],
    ]);
  });
});

function incidentStatus(custom: Record<string, unknown>, extra: Partial<InstanceStatus> = {}): InstanceStatus {
  return {
    name: 'incident',
    instanceId: 'inc-1',
    runtimeStatus: 'Running',
    customStatus: { phase: 'failing-over', incidentId: 'inc-1', title: 'WEU', mode: 'execute', kind: 'unplanned', workloads: ['media-streaming', 'datashare-sales'], lastSignalAt: '', duplicates: 0, timeline: [], entries: 0, ...custom },
    createdTime: '2026-11-23T08:59:00.000Z',
    lastUpdatedTime: '2026-11-23T09:00:00.000Z',
    ...extra,
  };
}

function clientOf(statuses: Record<string, InstanceStatus>): IncidentClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    getStatus: async (id: string) => {
      asked.push(id);
      const s = statuses[id];
      if (s === undefined) throw new Error(`404 No instance ${id}`);
      return s;
    },
  } as unknown as IncidentClient & { asked: string[] };
}

describe('GET /api/incidents/{id}: progress', () => {
  const playbooks = { direction: 'failover', generation: 0, workloads: ['media-streaming', 'datashare-sales'] };
  const deps = (client: IncidentClient): OperatorDeps =>
    ({ client, baseUrl: 'https://failover.contoso.example', now: () => new Date('2026-11-23T09:00:12.000Z'), archive: { getTimeline: async () => undefined } }) as unknown as OperatorDeps;

  it('reads each running playbook by the instance id the incident publishes; one not started yet is pending', async () => {
    const client = clientOf({ 'inc-1': incidentStatus({ playbooks }), 'inc-1:failover:media-streaming': { runtimeStatus: 'Running', customStatus: running } });
    const answer = await showIncident(deps(client), 'inc-1');
    const view = answer.body as IncidentView;
    expect(view.progress.map((p) => [p.workloadId, p.state, p.done, p.total, p.current, p.remainingMs])).toEqual([
      ['media-streaming', 'running', 2, 8, ['Start the standby streaming endpoints', 'Start the standby live events'], 81_000],
      ['datashare-sales', 'pending', 0, 0, [], null],
    ]);
    expect(client.asked.sort()).toEqual(['inc-1', 'inc-1:failover:datashare-sales', 'inc-1:failover:media-streaming']);
  });

  it('a run that started every workload lists none: its playbooks are the incident\'s workloads; a partial run names its own', async () => {
    const every = clientOf({ 'inc-1': incidentStatus({ playbooks: { direction: 'failover', generation: 0 } }), 'inc-1:failover:media-streaming': { runtimeStatus: 'Running', customStatus: running } });
    await showIncident(deps(every), 'inc-1');
    expect(every.asked.sort()).toEqual(['inc-1', 'inc-1:failover:datashare-sales', 'inc-1:failover:media-streaming']);
    const some = clientOf({ 'inc-1': incidentStatus({ playbooks: { direction: 'failback', generation: 2, workloads: ['datashare-sales'] } }) });
    await showIncident(deps(some), 'inc-1');
    expect(some.asked.sort()).toEqual(['inc-1', 'inc-1:failback:datashare-sales:2']);
  });

  it('shows nothing between runs, and the summary once the incident is over (without reading any playbook)', async () => {
    const idle = clientOf({ 'inc-1': incidentStatus({ phase: 'failed-over', playbooks: null }) });
    expect((await incidentPlaybookProgress(idle, await idle.getStatus('inc-1'), new Date())).length).toBe(0);
    const over = clientOf({
      'inc-1': incidentStatus({ playbooks }, { runtimeStatus: 'Completed', output: { incidentId: 'inc-1', outcome: 'failed-over', workloads: ['datashare-sales'], failover: { 'datashare-sales': finished }, failback: {}, timeToFailoverMs: 1, lastSignalAt: '', timeline: [] } }),
    });
    const view = (await showIncident(deps(over), 'inc-1')).body as IncidentView;
    expect(view.progress).toEqual([fromPlaybookResult(finished, 'failover', '')]);
    expect(over.asked).toEqual(['inc-1']);
  });
});
