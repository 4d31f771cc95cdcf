/**
 * The checklist of the incident view (GET /api/incidents/{id}): what people must do by hand, from
 * the summary once the incident is over and from the running playbooks' finished steps before.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentClient, InstanceStatus } from '../../lib/incidents/client.js';
import type { IncidentSummary } from '../../lib/incidents/types.js';
import { showIncident, type OperatorDeps } from '../../lib/operators/incidents.js';
import type { PlaybookProgress, PlaybookResult, StepRecord, TodoItem } from '../../lib/playbooks/types.js';

const ID = 'incident-0123456789abcdef0123-20261123091400000';
const INGEST: TodoItem = { kind: 'ingest-url', text: 'Point the encoders of live-1 at rtmps://live-1-contosomedianeu.channel.media.azure.net:2935/live/abc', url: 'rtmps://live-1-contosomedianeu.channel.media.azure.net:2935/live/abc' };
const RESUBMIT: TodoItem = { kind: 'resubmit-job', text: 'Resubmit the job encode-42 of transform adaptive-1080p by hand' };
const GRANT: TodoItem = { kind: 'grant-role', text: 'Grant Storage Blob Data Reader on stcontosogenomicsneu to the lab group', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stcontosogenomicsneu' };

const step = (name: string, todo?: TodoItem[], status: StepRecord['status'] = 'done'): StepRecord => ({
  step: name,
  status,
  detail: 'ok',
  startedAt: '2026-11-23T09:20:00.000Z',
  finishedAt: '2026-11-23T09:21:00.000Z',
  ...(todo !== undefined ? { todo } : {}),
});
const result = (workloadId: string, direction: 'failover' | 'failback', steps: StepRecord[]): PlaybookResult => ({ ok: true, workloadId, direction, steps, failedStep: null, durationMs: 60_000 });

function deps(statuses: InstanceStatus[]): OperatorDeps {
  const client = { getStatus: async (id: string) => statuses.find((s) => s.instanceId === id) ?? Promise.reject(new Error('404 not found')) } as unknown as IncidentClient;
  return {
    client,
    archive: { put: async () => Promise.reject(new Error('unused')), getTimeline: async () => undefined },
    baseUrl: 'https://failover.contoso.example',
    now: () => new Date('2026-11-23T09:22:00.000Z'),
  } as unknown as OperatorDeps;
}

describe('the incident view checklist', () => {
  it('a finished incident lists its failover then failback to-dos, each with its workload, direction and step; undone steps leave none', async () => {
    const summary: IncidentSummary = {
      incidentId: ID,
      outcome: 'failed-over-and-back',
      workloads: ['media-streaming', 'genomics-pipeline'],
      failover: {
        'media-streaming': result('media-streaming', 'failover', [step('start-live-events', [INGEST]), step('resubmit-jobs', [RESUBMIT])]),
        'genomics-pipeline': result('genomics-pipeline', 'failover', [step('grant-access', [GRANT]), step('grant-access', undefined, 'compensated')]),
      },
      failback: { 'media-streaming': result('media-streaming', 'failback', [step('restore-live-events', [{ kind: 'check', text: 'Check the primary live event plays' }])]) },
      timeToFailoverMs: 60_000,
      lastSignalAt: '2026-11-23T09:14:00.000Z',
      timeline: [],
    };
    const status: InstanceStatus = { name: 'incident', instanceId: ID, runtimeStatus: 'Completed', input: undefined, output: summary, createdTime: '2026-11-23T09:14:00.000Z', lastUpdatedTime: '2026-11-23T10:00:00.000Z' };
    const answer = await showIncident(deps([status]), ID);
    expect(answer.status).toBe(200);
    expect((answer.body as { checklist: unknown }).checklist).toEqual([
      { workloadId: 'media-streaming', direction: 'failover', step: 'start-live-events', ...INGEST },
      { workloadId: 'media-streaming', direction: 'failover', step: 'resubmit-jobs', ...RESUBMIT },
      { workloadId: 'media-streaming', direction: 'failback', step: 'restore-live-events', kind: 'check', text: 'Check the primary live event plays' },
    ]);
  });

  it('while playbooks run, lists the to-dos of the steps they finished so far', async () => {
    const running: PlaybookProgress = {
      workloadId: 'media-streaming',
      direction: 'failover',
      running: ['resubmit-jobs'],
      runningTitles: ['Resubmit the encoding jobs'],
      resources: [],
      steps: [step('start-live-events', [INGEST])],
      total: 8,
      startedAt: '2026-11-23T09:20:00.000Z',
      deadlineAt: '2026-11-23T09:50:00.000Z',
    };
    const playbookId = `${ID}:failover:media-streaming`;
    const incident: InstanceStatus = {
      name: 'incident',
      instanceId: ID,
      runtimeStatus: 'Running',
      customStatus: { phase: 'failing-over', incidentId: ID, title: 'WEU', mode: 'execute', kind: 'unplanned', workloads: ['media-streaming'], lastSignalAt: '', duplicates: 0, timeline: [], entries: 0, playbooks: { direction: 'failover', instances: { 'media-streaming': playbookId } } },
      createdTime: '2026-11-23T09:14:00.000Z',
      lastUpdatedTime: '2026-11-23T09:21:00.000Z',
    };
    const playbook: InstanceStatus = { name: 'playbook', instanceId: playbookId, runtimeStatus: 'Running', customStatus: running, createdTime: '2026-11-23T09:20:00.000Z' };
    const answer = await showIncident(deps([incident, playbook]), ID);
    expect((answer.body as { checklist: unknown }).checklist).toEqual([{ workloadId: 'media-streaming', direction: 'failover', step: 'start-live-events', ...INGEST }]);
  });

  it('is empty when no step asked anything of people', async () => {
    const incident: InstanceStatus = { name: 'incident', instanceId: ID, runtimeStatus: 'Running', customStatus: { phase: 'confirming', incidentId: ID, title: 'WEU', mode: 'execute', kind: 'unplanned', workloads: [], lastSignalAt: '', duplicates: 0, timeline: [], entries: 0 } };
    expect((await showIncident(deps([incident]), ID)).body).toMatchObject({ checklist: [] });
  });
});
