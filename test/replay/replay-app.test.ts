/**
 * Replays against the app in-process: an incident delivered for real, read back from the archive,
 * replayed into the same app (REPLAY_ENABLED on) at speed 60, and the report compares the two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataShareEastUs2 } from '../../demo/alerts.js';
import { runReplay, type ReplaySource } from '../../lib/replay/run-replay.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import { startApp, type App } from '../e2e/support.js';
import { inProcessTarget } from './local-target.js';

let app: App;
beforeAll(async () => {
  app = await startApp({ env: { REPLAY_ENABLED: 'on' } });
}, 60_000);
afterAll(() => app?.close());

describe('a Data Share outage, replayed from the archive', () => {
  it('makes the same decisions at speed 60 and says so', async () => {
    await app.control('POST', '/_sim/regions/eastus2/outage', { services: ['Azure Data Share'] });
    const active = await app.alert(dataShareEastUs2({ stage: 'Active', title: 'Azure Data Share - East US 2 - Investigating', communicationId: '1100009900101', at: new Date(app.clock.now()) }));
    expect(active.status, JSON.stringify(active.body)).toBe(202);
    const id = (active.body as { incidentId: string }).incidentId;
    await app.until<IncidentView>(id, 'the failover', (v) => v.phase === 'failed-over');
    await app.control('DELETE', '/_sim/regions/eastus2/outage');
    await app.runUntil(async () => false, { maxSteps: 3 }).catch(() => undefined);
    const resolved = await app.alert(dataShareEastUs2({ stage: 'Resolved', title: 'Azure Data Share - East US 2 - Mitigated', communicationId: '1100009900102', at: new Date(app.clock.now()) }));
    expect(resolved.status).toBe(202);
    await app.until<IncidentView>(id, 'the failback approval request', (v) => v.phase === 'awaiting-failback-approval');
    expect((await app.request('POST', `/api/incidents/${id}/approve`, { body: { by: 'dana', comment: 'East US 2 is back' } })).status).toBe(202);
    await app.until<IncidentView>(id, 'the failback', (v) => v.runtimeStatus === 'Completed');

    const archived = await app.request('GET', `/api/archive?incidentId=${id}`);
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    const incident = archived.body.incidents[0];
    expect(archived.body.incidents).toHaveLength(1);
    expect(incident.incidentIds).toEqual([id]);
    expect(incident.signals).toHaveLength(2);
    const then = await app.view<IncidentView>(id);
    const source: ReplaySource = {
      label: `incident ${id}`,
      signals: incident.signals,
      health: incident.health,
      thenOfSignal: incident.signals.map(() => ({ incidentKey: incident.incidentKey, outcome: 'accepted', incidentId: id })),
      then: [{ incidentKey: incident.incidentKey, view: then }],
    };
    const lines: string[] = [];
    const report = await runReplay(inProcessTarget(app), source, { speed: 60, healthMode: 'recorded', mode: 'execute', timeoutMs: 3600_000, progress: (l) => lines.push(l) });
    expect(report.differences).toEqual([]);
    expect(report.verdict).toBe('match');
    expect(report.now[0]!.outcome).toBe('failed-over-and-back');
    expect(lines.length).toBeGreaterThan(0);
  }, 120_000);
});
