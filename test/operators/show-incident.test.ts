/**
 * Reading an incident while it runs: custom status holds the newest entries only, and the rest
 * of the timeline comes from the copy the incident saves as it goes.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentClient, InstanceStatus } from '../../lib/incidents/client.js';
import type { TimelineEntry } from '../../lib/incidents/types.js';
import { showIncident, type OperatorDeps } from '../../lib/operators/incidents.js';

const entry = (n: number): TimelineEntry => ({ at: `2026-11-23T09:${String(n).padStart(2, '0')}:00.000Z`, type: 'signal', detail: `update ${n}` });
const all = Array.from({ length: 25 }, (_, n) => entry(n));

function deps(saved: TimelineEntry[] | undefined, input?: unknown): OperatorDeps {
  const status: InstanceStatus = {
    ...(input !== undefined ? { input } : {}),
    name: 'incident',
    instanceId: 'inc-1',
    runtimeStatus: 'Running',
    customStatus: { phase: 'failed-over', incidentId: 'inc-1', title: 'WEU', mode: 'execute', workloads: ['media-streaming'], lastSignalAt: '', duplicates: 0, timeline: all.slice(5), entries: 25 },
    createdTime: '2026-11-23T09:00:00.000Z',
    lastUpdatedTime: '2026-11-23T09:24:00.000Z',
  };
  const client = { getStatus: async () => status } as unknown as IncidentClient;
  return {
    client,
    catalog: async () => ({ workloads: [] }) as never,
    claims: { claimIncident: async () => Promise.reject(new Error('unused')), release: async () => Promise.reject(new Error('unused')) },
    workflows: { recordWorkflow: async () => Promise.reject(new Error('unused')) },
    stops: { requestStop: async () => Promise.reject(new Error('unused')) },
    archive: { put: async () => Promise.reject(new Error('unused')), getTimeline: async () => saved },
    baseUrl: 'https://failover.contoso.example',
    now: () => new Date(),
  };
}

describe('GET /api/incidents/{id} while the incident runs', () => {
  it('joins the saved timeline and the newest entries into the whole timeline', async () => {
    const answer = await showIncident(deps(all.slice(0, 12)), 'inc-1');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ timelineComplete: true, phase: 'failed-over' });
    expect((answer.body as { timeline: TimelineEntry[] }).timeline).toEqual(all);
  });

  it('says the timeline is partial when the saved copy does not reach the newest entries', async () => {
    for (const saved of [undefined, all.slice(0, 3)]) {
      const answer = await showIncident(deps(saved), 'inc-1');
      expect(answer.body).toMatchObject({ timelineComplete: false });
      expect((answer.body as { timeline: TimelineEntry[] }).timeline).toEqual(all.slice(5));
    }
  });

  it('names the orchestrator version the incident runs under: 1 for one started before versioning', async () => {
    const version = async (input?: unknown) => ((await showIncident(deps(all, input), 'inc-1')).body as { version: number }).version;
    expect(await version({ incidentId: 'inc-1', version: 2 })).toBe(2);
    expect(await version({ incidentId: 'inc-1' })).toBe(1);
    expect(await version()).toBe(1);
  });
});
