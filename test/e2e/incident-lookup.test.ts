/**
 * Finding the app's incident for the Azure incident in hand, through the running app: a Service
 * Health alert (Microsoft's published legacy-schema sample, pointed at the sample media workload)
 * delivered to the webhook, then found by its tracking ID over the API and with
 * `failover incidents list|show`, its source and portal link shown, and, once it is over, what
 * its playbooks left people to do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAgainst } from '../support/cli-run.js';
import type { IncidentView } from '../../lib/operators/incidents.js';
import { readFixtureJson } from '../support/fixtures.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

const SUBSCRIPTION = '11111111-1111-1111-1111-111111111111';
const SOURCE = {
  kind: 'service-health',
  trackingId: '0NIH-U2O',
  resourceId: null,
  operationName: 'Microsoft.ServiceHealth/incident/action',
  subscriptionId: SUBSCRIPTION,
  services: ['Media Services'],
  regions: ['westeurope'],
  // Service Health's link: the tracking ID, then the subscription id's first three and last three characters.
  portalUrl: 'https://app.azure.com/h/0NIH-U2O/111111',
};

type Legacy = { data: { context: { activityLog: Record<string, unknown> & { properties: Record<string, string> } } } };

/** The published sample as the media workload's subscription would get it for Media Services in West Europe, now. */
function mediaServiceIssue(at: Date, communicationId: string): string {
  const alert = readFixtureJson<Legacy>('servicehealth-legacy-doc-sample.json');
  const log = alert.data.context.activityLog;
  Object.assign(log, { subscriptionId: SUBSCRIPTION, eventTimestamp: at.toISOString(), submissionTimestamp: at.toISOString(), description: 'Active: Media Services - West Europe' });
  Object.assign(log.properties, {
    title: 'Media Services - West Europe',
    service: 'Media Services',
    region: 'West Europe',
    impactStartTime: new Date(at.getTime() - 20 * 60_000).toISOString(),
    impactedServices: '[{"ImpactedRegions":[{"RegionName":"West Europe"}],"ServiceName":"Media Services"}]',
    defaultLanguageTitle: 'Media Services - West Europe',
    communicationId,
  });
  return JSON.stringify(alert);
}

const run = (...args: string[]) => cliAgainst(app)(...args);

let first = '';

describe('an incident found by its Service Health tracking ID', () => {
  it('GET /api/incidents?trackingId= finds the incident the alert started, whatever the case, and lists its source', async () => {
    await app.control('POST', '/_sim/regions/westeurope/outage', {});
    const answer = await app.alert(mediaServiceIssue(new Date(app.clock.now()), '636439673646212912'));
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toMatchObject({ acted: true, delivery: 'started' });
    first = answer.body.incidentId as string;

    const found = await app.request('GET', `/api/incidents?trackingId=${encodeURIComponent(' 0nih-u2o ')}`);
    expect(found.status).toBe(200);
    expect(found.body.incidents.map((i: { incidentId: string }) => i.incidentId)).toEqual([first]);
    expect(found.body.incidents[0].source).toEqual(SOURCE);
    const listed = await app.request('GET', '/api/incidents');
    expect(listed.body.incidents.find((i: { incidentId: string }) => i.incidentId === first).source).toEqual(SOURCE);
    expect((await app.request('GET', '/api/incidents?trackingId=7K2T-LQ8')).body).toMatchObject({ incidents: [], count: 0 });
  });

  it('a malformed tracking ID is a 400 problem naming trackingId and the form', async () => {
    const bad = await app.request('GET', `/api/incidents?trackingId=${encodeURIComponent('0NIH U2O')}`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body).toEqual({
      type: 'https://failover.contoso.example/problems/invalid-query',
      title: 'Bad Request',
      status: 400,
      detail: "trackingId must be a tracking ID as Azure Service Health gives it: letters and digits in groups joined by '-', e.g. 7K2T-LQ8 (or a Microsoft 365 issue id such as CR512345); got '0NIH U2O'",
      path: 'trackingId',
    });
  });

  it('once over, the view lists what the playbooks left to do, and the CLI shows it by tracking ID', async () => {
    await app.until<IncidentView>(first, 'the failover', (v) => v.phase === 'failed-over');
    await app.control('DELETE', '/_sim/regions/westeurope/outage');
    const failback = await app.request('POST', `/api/incidents/${first}/failback`, { body: { force: true, reason: 'test over' }, headers: await app.signIn('sre@contoso.example') });
    expect(failback.status, JSON.stringify(failback.body)).toBe(202);
    await app.until<IncidentView>(first, 'the failback', (v) => v.runtimeStatus === 'Completed');
    const view = await app.view<IncidentView>(first);
    expect(view.outcome).toBe('failed-over-and-back');
    expect(view.checklist.length).toBeGreaterThan(0);
    for (const item of view.checklist) expect(item).toMatchObject({ workloadId: 'media-streaming', direction: expect.stringMatching(/^(failover|failback)$/), step: expect.any(String), text: expect.any(String) });

    const list = await run('incidents', 'list', '--tracking-id', '0NIH-U2O');
    expect(list).toMatchObject({ code: 0, err: '' });
    expect(list.out).toMatch(new RegExp(`^${first} {2}\\S+ {2}0NIH-U2O {2}11111111 {2}failed-over-and-back {9}media-streaming {2}Media Services - West Europe$`));

    const show = await run('incidents', 'show', '0nih-u2o');
    expect(show).toMatchObject({ code: 0, err: '' });
    const lines = show.out.split('\n');
    expect(lines[0]).toBe(`${first}: Media Services - West Europe`);
    const source = lines.indexOf('  Source');
    expect(lines.slice(source, source + 9)).toEqual([
      '  Source',
      '    kind          Service Health',
      '    tracking ID   0NIH-U2O',
      '    operation     Microsoft.ServiceHealth/incident/action',
      `    subscription  ${SUBSCRIPTION}`,
      '    services      Media Services',
      '    regions       westeurope',
      '    portal        https://app.azure.com/h/0NIH-U2O/111111',
      '  What to do next',
    ]);
    // Each workload and direction once, its to-dos under it as check boxes, in the view's order.
    const expected = [...new Set(view.checklist.map((c) => `${c.workloadId} (${c.direction})`))].flatMap((group) => [
      `    ${group}`,
      ...view.checklist.filter((c) => `${c.workloadId} (${c.direction})` === group).map((c) => `      [ ] ${c.text}${c.url !== undefined && !c.text.includes(c.url) ? ` (${c.url})` : ''}`),
    ]);
    expect(lines.slice(source + 9, source + 9 + expected.length)).toEqual(expected);
    expect(lines[source + 9 + expected.length]).toBe('  Timeline');
  });

  it('show <trackingId> with several incidents shows the newest and lists the others; --json prints the view', async () => {
    // A newer update of the same tracking ID, after the first incident ended: a second incident.
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const again = await app.alert(mediaServiceIssue(new Date(app.clock.now()), '636439673646212913'));
    expect(again.body).toMatchObject({ acted: true, delivery: 'started' });
    const second = again.body.incidentId as string;
    expect(second).not.toBe(first);

    const show = await run('incidents', 'show', '0NIH-U2O');
    expect(show.code).toBe(0);
    expect(show.out.split('\n')[0]).toBe(`${second}: Media Services - West Europe`);
    expect(show.out).toMatch(new RegExp(`\\n {2}Other incidents of tracking ID 0NIH-U2O \\(failover incidents show <id>\\):\\n {4}${first} {2}\\S+ {2}failed-over-and-back$`));

    const json = await run('incidents', 'show', '0NIH-U2O', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ incidentId: second, source: SOURCE, checklist: expect.any(Array) });
    expect(json.err).toBe(`1 more incident of tracking ID 0NIH-U2O: ${first}`);

    // Within media-streaming's minimum interval, the second is held back, an outcome that holds its tracking ID until reopened.
    await app.until<IncidentView>(second, 'the second incident to end', (v) => v.runtimeStatus === 'Completed');
    expect((await app.view<IncidentView>(second)).outcome).toBe('held-by-minimum-interval');
    const reopen = await run('incidents', 'reopen', second, '--json');
    expect(reopen.code, reopen.err).toBe(0);
    expect(JSON.parse(reopen.out)).toMatchObject({ incidentId: second, action: 'reopen', incidentKey: '0NIH-U2O' });
  });

  it('says so in words when no incident has the tracking ID, or the argument is neither kind of id', async () => {
    expect(await run('incidents', 'show', '7K2T-LQ8')).toEqual({ code: 1, out: '', err: "failover: no incident has tracking ID 7K2T-LQ8; 'failover incidents list' shows the incidents there are" });
    expect(await run('incidents', 'show', '7K2T LQ8')).toEqual({
      code: 1,
      out: '',
      err: "failover: '7K2T LQ8' is neither an incident id (incident-<20 hex digits>-<17 digits>) nor a Service Health tracking ID (such as 7K2T-LQ8); 'failover incidents list' shows both",
    });
    expect(await run('incidents', 'list', '--tracking-id', '7K2T-LQ8')).toEqual({ code: 0, out: 'no incidents of tracking ID 7K2T-LQ8', err: '' });
    expect(await run('incidents', 'list', '--tracking-id', '7K2T-LQ8', '--json')).toEqual({ code: 0, out: '[]', err: '' });
  });
});
