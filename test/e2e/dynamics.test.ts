/**
 * Dynamics 365, provider-managed, end to end: Microsoft announces the failover only as a Graph
 * service health issue, which the timer-triggered poller brings into the intake like any alert.
 * The playbook pauses integrations (the degraded-mode flag), records the incident and data-loss
 * windows, waits for Microsoft's resolution, then unpauses and says what to reconcile. It writes
 * nothing but its flag and notifications; an issue for another geography or service starts nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertArchive } from '../../lib/archive/index.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { startApp, type App } from './support.js';
import { EMAIL_SEND_OPERATION } from '../../sim/providers/communication-email.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Brief {
  incidentId: string;
  workloads: string[];
}
interface View {
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
  timeline: Array<{ type: string; detail: string }>;
}

const incidents = async (a: App) => ((await a.request('GET', '/api/incidents?state=all')).body as { incidents: Brief[] }).incidents;
const view = (a: App, id: string) => a.view<View>(id);

async function degradedMode(a: App): Promise<string | undefined> {
  return (await a.store.getConfigurationSetting({ key: 'crm:degradedMode' })).value;
}

describe('Dynamics 365 provider-managed failover end to end', () => {
  it('turns the Graph issue into an incident, pauses integrations, and resumes them when Microsoft resolves it', async () => {
    app = await startApp();
    const opened = await app.control('POST', '/_sim/graph/issues', {
      id: 'CR512345',
      title: 'Users in Europe may be unable to access Dynamics 365 environments',
      classification: 'incident',
      status: 'serviceDegradation',
      impactDescription: 'Microsoft is failing over Dynamics 365 environments in Europe to the paired datacenter.',
    });
    expect(opened.service).toBe('Dynamics 365 Apps');
    const start = opened.startDateTime as string;

    let id = '';
    await app.runUntil(async () => {
      id = (await incidents(app!)).find((i) => i.workloads.includes('dynamics-crm'))?.incidentId ?? '';
      return id !== '' && (await view(app!, id)).phase === 'failed-over';
    }, { what: 'the Dynamics 365 incident to pause integrations' });
    expect(await degradedMode(app)).toBe('true');
    const failover = app.runtime.get(`${id}:failover:dynamics-crm`)!.output as PlaybookResult;
    expect(failover.steps.map((s) => [s.step, s.status])).toEqual([
      ['announce', 'done'],
      ['flip-active-pointer', 'done'],
      ['record-windows', 'done'],
    ]);
    const lossFrom = new Date(Date.parse(start) - 15 * 60_000).toISOString();
    expect(failover.steps[2]!.detail).toBe(
      `incident since ${start}; writes from ${lossFrom} to ${start} (up to 15m before the outage) may be lost; told 2 channel(s)`,
    );

    await app.control('POST', '/_sim/graph/issues/CR512345/resolve', {});
    await app.runUntil(async () => (await view(app!, id)).runtimeStatus === 'Completed', { what: 'the incident to end after Microsoft resolved it' });
    const v = await view(app, id);
    expect(v.outcome).toBe('failed-over-and-back');
    expect(v.timeline.find((e) => e.type === 'failback-ready')!.detail).toBe('the provider resolved the incident');
    expect(await degradedMode(app)).toBe('false');
    const failback = app.runtime.get(`${id}:failback:dynamics-crm`)!.output as PlaybookResult;
    expect(failback.steps.map((s) => [s.step, s.status])).toEqual([
      ['announce', 'done'],
      ['flip-active-pointer', 'done'],
      ['report-reconcile', 'done'],
    ]);
    expect(failback.steps[2]!.detail).toMatch(new RegExp(`^check the records written from ${lossFrom} to ${start}: Microsoft's failover may have lost them; re-enter what is missing; replay what integrations queued while paused, from ${start} to \\S+; told 2 channel\\(s\\)$`));

    // Its flag, once each way, and nothing else in the estate (the emails are the channels').
    expect(app.sim.log.list().filter((o) => o.status < 300 && o.operation !== EMAIL_SEND_OPERATION).map((o) => o.path)).toEqual([
      '/appConfiguration/contosofailover/kv/crm:degradedMode',
      '/appConfiguration/contosofailover/kv/crm:degradedMode',
    ]);
    // The Teams channel heard what to do, both ways.
    const teams = JSON.stringify(await app.hooks('crm-oncall'));
    // Chat text never carries a clickable link the app did not make (lib/notify/render.ts).
    expect(teams).toContain('Microsoft is failing https[:]//contoso.crm4.dynamics.com over');
    expect(teams).toContain('https[:]//contoso.crm4.dynamics.com is back: what to reconcile');
  }, 90_000);

  it('starts nothing for an issue of another geography, or of another service', async () => {
    app = await startApp();
    await app.control('POST', '/_sim/graph/issues', { id: 'CR600001', title: 'Users in Japan may be unable to access Dynamics 365', classification: 'incident', status: 'investigating' });
    await app.control('POST', '/_sim/graph/issues', { id: 'EX600002', service: 'Exchange Online', title: 'Users in Europe cannot send mail', classification: 'incident', status: 'investigating' });
    const archive = createAlertArchive({ connectionString: app.azurite.connectionString });
    const archived: Array<{ incidentKey: string | null; source: string; outcome: string }> = [];
    const read = async () => {
      archived.length = 0;
      for await (const entry of archive.list()) archived.push(entry);
      return archived.length;
    };
    // Both are read and archived by a poll; then three more polls' worth of virtual time.
    await app.runUntil(async () => (await read()) >= 2, { what: 'the poller to archive both issues' });
    const until = app.clock.now() + 3 * 60_000;
    await app.runUntil(() => app!.clock.now() >= until, { what: 'three more polls' });
    expect(await incidents(app)).toEqual([]);
    expect(await degradedMode(app)).toBe('false');
    // Once each, as the poller's, and neither acted on: an unchanged issue is not sent again.
    await read();
    expect(archived.map((a) => [a.incidentKey, a.source, a.outcome]).sort()).toEqual([
      ['m365:cr600001', 'servicehealth-poll', 'accepted'],
      ['m365:ex600002', 'servicehealth-poll', 'accepted'],
    ]);
  }, 60_000);

  async function openIssue(a: App, id: string): Promise<string> {
    await a.control('POST', '/_sim/graph/issues', { id, title: 'Users in Europe may be unable to access Dynamics 365 environments', classification: 'incident', status: 'serviceDegradation' });
    let incident = '';
    await a.runUntil(async () => {
      incident = (await incidents(a)).find((i) => i.workloads.includes('dynamics-crm'))?.incidentId ?? '';
      return incident !== '' && ['failed-over', 'completed'].includes((await view(a, incident)).phase);
    }, { what: 'the Dynamics 365 incident to act' });
    return incident;
  }

  it('recognises integrations paused by hand already', async () => {
    app = await startApp();
    await app.store.setConfigurationSetting({ key: 'crm:degradedMode', value: 'true' });
    const id = await openIssue(app, 'CR512346');
    const failover = app.runtime.get(`${id}:failover:dynamics-crm`)!.output as PlaybookResult;
    expect(failover.steps.map((s) => [s.step, s.status])).toEqual([
      ['announce', 'done'],
      ['flip-active-pointer', 'already-done'],
      ['record-windows', 'done'],
    ]);
    expect(failover.steps[1]!.detail).toBe("'crm:degradedMode' is already 'true'");
  }, 90_000);

  it('records why when the flag cannot be set, and tells the channels', async () => {
    app = await startApp();
    await app.store.setReadOnly({ key: 'crm:degradedMode' }, true);
    const id = await openIssue(app, 'CR512347');
    const v = await view(app, id);
    expect(v.outcome).toBe('failover-failed');
    const failover = app.runtime.get(`${id}:failover:dynamics-crm`)!.output as PlaybookResult;
    expect(failover.failedStep).toBe('flip-active-pointer');
    expect(failover.steps.map((s) => [s.step, s.status])).toEqual([
      ['announce', 'done'],
      ['flip-active-pointer', 'failed'],
      // The flag never changed: its compensation finds nothing to undo.
      ['flip-active-pointer', 'compensated'],
      ['record-windows', 'not-run'],
    ]);
    expect(failover.steps[1]!.detail).toMatch(/^action: PointerLocked: /);
    expect(JSON.stringify(await app.hooks('crm-oncall'))).toContain('Failover step failed: flip-active-pointer for dynamics-crm');
    expect(await degradedMode(app)).toBe('false');
  }, 90_000);
});
