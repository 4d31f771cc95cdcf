/**
 * Finding an incident by Azure's reference: GET /api/incidents?trackingId= and ?resource=, what
 * the list and the view say about the source, and what a malformed value gets back.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert } from '../../lib/alerts/index.js';
import type { IncidentClient, InstanceStatus } from '../../lib/incidents/client.js';
import { summarizeSignal } from '../../lib/incidents/signals.js';
import type { IncidentInput } from '../../lib/incidents/types.js';
import { listIncidents, showIncident, type OperatorDeps } from '../../lib/operators/incidents.js';
import { readFixture } from '../support/fixtures.js';

function incident(id: string, fixture: string, createdTime: string, edit: (input: IncidentInput) => void = () => {}): InstanceStatus {
  const parsed = parseAlert(readFixture(fixture), { receivedAt: new Date(createdTime) });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const input: IncidentInput = { incidentId: id, signal: summarizeSignal(parsed.value, 'webhook'), mode: 'execute', kind: 'unplanned' };
  edit(input);
  return { name: 'incident', instanceId: id, runtimeStatus: 'Completed', input, output: null, customStatus: null, createdTime, lastUpdatedTime: createdTime };
}

const VM = '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/resourcegroups/test-RG/providers/microsoft.compute/virtualmachines/test-VM';
const statuses: InstanceStatus[] = [
  incident('incident-a', 'servicehealth-legacy-doc-sample.json', '2026-11-23T09:00:00.000Z'),
  incident('incident-b', 'servicehealth-legacy-doc-sample.json', '2026-11-23T10:00:00.000Z'),
  incident('incident-c', 'resourcehealth-common-testaction.json', '2026-11-23T11:00:00.000Z'),
  incident('incident-d', 'servicehealth-common-testaction.json', '2026-11-23T12:00:00.000Z'),
  // A replay's incident of the same tracking ID: a rehearsal, listed only when asked.
  incident('replay-x-incident-a', 'servicehealth-legacy-doc-sample.json', '2026-11-23T13:00:00.000Z', (i) => (i.replay = { replayId: 'x', speed: 10, healthMode: 'recorded', startedAt: '', firstAt: '' })),
];

const deps = {
  client: { getStatusBy: async () => statuses, getStatus: async (id: string) => statuses.find((s) => s.instanceId === id) ?? Promise.reject(new Error('404')) } as unknown as IncidentClient,
  archive: { put: async () => Promise.reject(new Error('unused')), getTimeline: async () => undefined },
  baseUrl: 'https://failover.contoso.example',
  now: () => new Date('2026-11-23T14:00:00.000Z'),
} as unknown as OperatorDeps;

const list = async (query: string) => listIncidents(deps, new URLSearchParams(query));
const ids = (answer: { body: unknown }) => (answer.body as { incidents: Array<{ incidentId: string }> }).incidents.map((i) => i.incidentId);

describe('GET /api/incidents?trackingId=', () => {
  it('answers the incidents of that tracking ID, newest first, whatever its case and the spaces around it', async () => {
    expect(ids(await list('trackingId=0NIH-U2O'))).toEqual(['incident-b', 'incident-a']);
    expect(ids(await list('trackingId=%20%200nih-u2o%20'))).toEqual(['incident-b', 'incident-a']);
    expect(ids(await list('trackingId=0NIH-U2O&replays=include'))).toEqual(['replay-x-incident-a', 'incident-b', 'incident-a']);
    expect(ids(await list('trackingId=0NIH-U2O&top=1'))).toEqual(['incident-b']);
  });

  it('answers an empty list for a tracking ID no incident has', async () => {
    expect((await list('trackingId=7K2T-LQ8')).body).toEqual({ incidents: [], count: 0, total: 4 });
  });

  it('never matches a resource by a tracking ID', async () => {
    expect(ids(await list('trackingId=test-VM'))).toEqual([]);
  });

  it('refuses a value that cannot be a tracking ID with a 400 naming trackingId and the form', async () => {
    for (const bad of ['', '7K2T LQ8', VM]) {
      const answer = await list(new URLSearchParams({ trackingId: bad }).toString());
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        type: 'https://failover.contoso.example/problems/invalid-query',
        title: 'Bad Request',
        status: 400,
        detail: `trackingId must be a tracking ID as Azure Service Health gives it: letters and digits in groups joined by '-', e.g. 7K2T-LQ8 (or a Microsoft 365 issue id such as CR512345); got '${bad.slice(0, 100)}'${bad === VM ? '; a resource id goes in ?resource=' : ''}`,
        path: 'trackingId',
      });
    }
  });
});

describe('GET /api/incidents?resource=', () => {
  it('answers the incidents about that resource, compared as ARM compares ids', async () => {
    expect(ids(await list(new URLSearchParams({ resource: VM.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') }).toString()))).toEqual(['incident-c']);
    expect(ids(await list(new URLSearchParams({ resource: `${VM}-2` }).toString()))).toEqual([]);
  });

  it('refuses what is not a resource id, naming resource', async () => {
    for (const bad of ['test-VM', '/subscriptions/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e']) {
      const answer = await list(new URLSearchParams({ resource: bad }).toString());
      expect(answer).toMatchObject({ status: 400, body: { path: 'resource', detail: expect.stringMatching(/^resource must be an Azure resource id, e\.g\. \/subscriptions\/<subscription id>\//) } });
    }
  });
});

describe('the source in the list and the view', () => {
  it('lists each incident with its source', async () => {
    const body = (await list('')).body as { incidents: Array<{ incidentId: string; source: unknown }> };
    expect(body.incidents.find((i) => i.incidentId === 'incident-c')?.source).toEqual({
      kind: 'resource-health',
      trackingId: null,
      resourceId: VM,
      operationName: 'Microsoft.Resourcehealth/healthevent/Activated/action',
      subscriptionId: 'aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e',
      services: [],
      regions: [],
      portalUrl: `https://portal.azure.com/#resource${VM}/resourceHealth`,
    });
  });

  it('shows the source in the view', async () => {
    const answer = await showIncident(deps, 'incident-d');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ incidentKey: 'TEST-TTT', source: { kind: 'service-health', trackingId: 'TEST-TTT', portalUrl: 'https://app.azure.com/h/TEST-TTT/aaae4e' } });
  });
});
