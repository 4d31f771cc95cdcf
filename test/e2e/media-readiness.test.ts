/**
 * Media Services readiness end to end, through the on-call API, the CLI, the local host and the
 * simulator: the standby streaming endpoints Traffic Manager would send viewers to must list the
 * viewers' host name in customHostNames, and each that does not is named with the CNAME the
 * customer must create, before any outage; the Media Services retirement is said as well.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io.js';
import { runCli } from '../../cli/main.js';
import { startApp, type App } from './support.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function cli(a: App, ...args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => out.push(t), read: (path) => readFile(path), now: () => new Date() };
  const code = await runCli([...args, '--app', a.host.url, '--key', a.keys.oncall], io);
  return { code, out };
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SUB = '11111111-1111-1111-1111-111111111111';
const RETIRED =
  'depends on a retired service: Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/); ' +
  'move streaming and encoding to a partner solution and remove this workload once migrated';
/** The standby account's mediaServiceId (samples/estate.yaml): what Media Services looks for in the verification CNAME. */
const NEU_ID = '0a7c3e9b-52e4-4f0c-8a6d-6e8f1d2c3b02';
const WEU_ID = '6f2d6a52-7b2d-4a5c-9d11-2f1c0c1a0e01';
const fix = (id: string, host: string, parent: string) => `create the CNAME ${id}.${parent} → verifydns.media.azure.net, then add ${host} to the endpoint's customHostNames`;

/** A second catalog endpoint, which neither account has. */
const withPremium = (yaml: string) =>
  yaml.replace('        - name: default\n          scaleUnits: 0               # 0 = standard endpoint (default)\n', '        - name: default\n          scaleUnits: 0\n        - name: premium\n          scaleUnits: 1\n');

/** The sample estate grants the app broad roles: every step's actions are covered; the app here has no alerting place set. */
const NOT_CHECKED = 'the app does not know where its alerting lives: set APP_SUBSCRIPTION_ID and APP_RESOURCE_GROUP (Azure sets WEBSITE_OWNER_NAME and WEBSITE_RESOURCE_GROUP)';
const ACCESS_OK = { complete: true, summary: 'the app may do every step on 3 resource(s); alerting not checked', missingPermissions: [], alerting: [], unreadable: [], alertingNotChecked: NOT_CHECKED };
const ACCESS_LINES = ['access: the app may do every step on 3 resource(s); alerting not checked', `  ${NOT_CHECKED}`];

describe('Media Services readiness, before any outage', () => {
  it('says ready when every standby streaming endpoint lists the viewers’ host name, writing nothing', async () => {
    app = await startApp();
    const mark = app.mark();
    const reply = await app.request('GET', '/api/workloads/media-streaming/readiness');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      workloadId: 'media-streaming',
      kind: 'mediaServices',
      ready: true,
      standby: {
        account: 'contosomedianeu',
        hostName: 'live.contoso.example',
        missing: { customHostNames: [] },
        cname: null,
        problems: [],
        complete: true,
        summary: 'contosomedianeu: every streaming endpoint lists live.contoso.example in customHostNames',
      },
      primary: {
        account: 'contosomediaweu',
        hostName: 'live.contoso.example',
        missing: { customHostNames: [] },
        cname: null,
        problems: [],
        complete: true,
        summary: 'contosomediaweu: every streaming endpoint lists live.contoso.example in customHostNames',
      },
      access: ACCESS_OK,
      retirements: [RETIRED],
      // The host's clock runs on virtual time: only the form is known.
      checkedAt: expect.stringMatching(ISO),
    });
    const ready = await cli(app, 'readiness', 'media-streaming');
    expect(ready.code).toBe(0);
    expect(ready.out[0]).toMatch(new RegExp(`^media-streaming \\(mediaServices\\): ready, checked ${ISO.source.slice(1)}`));
    expect(ready.out.slice(1)).toEqual([
      'standby: contosomedianeu: every streaming endpoint lists live.contoso.example in customHostNames',
      ...ACCESS_LINES,
      'primary: contosomediaweu: every streaming endpoint lists live.contoso.example in customHostNames',
      RETIRED,
    ]);
    expect(app.writesSince(mark)).toEqual([]);
  }, 60_000);

  it('names each standby endpoint lacking the host name, with the CNAME to create, over HTTP and from the CLI', async () => {
    app = await startApp({ catalog: withPremium });
    // Someone re-created the standby's endpoint without the viewers' host name.
    await app.clients.media(SUB).streamingEndpoints.beginCreateAndWait('rg-media-neu', 'contosomedianeu', 'default', { location: 'northeurope', scaleUnits: 0, customHostNames: ['other.contoso.example'] }, { updateIntervalInMs: 20 });
    const mark = app.mark();
    const reply = await app.request('GET', '/api/workloads/media-streaming/readiness');
    expect(reply.status).toBe(200);
    const standbyProblems = [
      `streaming endpoint default of contosomedianeu does not list live.contoso.example in customHostNames, so it would refuse the viewers sent to it: ${fix(NEU_ID, 'live.contoso.example', 'contoso.example')}`,
      `streaming endpoint premium does not exist on contosomedianeu, and the failover would create it without customHostNames, so it would refuse the viewers sent to it: ${fix(NEU_ID, 'live.contoso.example', 'contoso.example')}`,
    ];
    expect(reply.body).toMatchObject({
      workloadId: 'media-streaming',
      kind: 'mediaServices',
      ready: false,
      standby: {
        account: 'contosomedianeu',
        hostName: 'live.contoso.example',
        missing: { customHostNames: ['default', 'premium'] },
        cname: { name: `${NEU_ID}.contoso.example`, target: 'verifydns.media.azure.net' },
        problems: standbyProblems,
        complete: false,
        summary: 'contosomedianeu lacks live.contoso.example in the customHostNames of streaming endpoints default, premium',
      },
      // The primary lacks the catalog's second endpoint too: failback would refuse to move viewers back.
      primary: {
        account: 'contosomediaweu',
        missing: { customHostNames: ['premium'] },
        cname: { name: `${WEU_ID}.contoso.example`, target: 'verifydns.media.azure.net' },
        complete: false,
        summary: 'contosomediaweu lacks live.contoso.example in the customHostNames of streaming endpoint premium',
      },
      access: ACCESS_OK,
      retirements: [RETIRED],
    });
    const drift = await cli(app, 'readiness', 'media-streaming');
    expect(drift.code).toBe(3);
    expect(drift.out[0]).toMatch(new RegExp(`^media-streaming \\(mediaServices\\): NOT READY, checked ${ISO.source.slice(1)}`));
    expect(drift.out.slice(1)).toEqual([
      'standby: contosomedianeu lacks live.contoso.example in the customHostNames of streaming endpoints default, premium',
      ...standbyProblems.map((p) => `  ${p}`),
      ...ACCESS_LINES,
      'primary: contosomediaweu lacks live.contoso.example in the customHostNames of streaming endpoint premium',
      RETIRED,
    ]);
    expect(app.writesSince(mark)).toEqual([]);
  }, 60_000);

  it('checks for the profile’s DNS name when the catalog names no host name', async () => {
    app = await startApp({ catalog: (yaml) => yaml.replace(/\n +hostName: live\.contoso\.example[^\n]*/, '') });
    const reply = await app.request('GET', '/api/workloads/media-streaming/readiness');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      ready: false,
      standby: {
        hostName: 'contoso-stream.trafficmanager.net',
        missing: { customHostNames: ['default'] },
        cname: { name: `${NEU_ID}.trafficmanager.net`, target: 'verifydns.media.azure.net' },
        summary: 'contosomedianeu lacks contoso-stream.trafficmanager.net in the customHostNames of streaming endpoint default',
      },
    });
  }, 60_000);

  it('compares host names without regard to case, as DNS does', async () => {
    app = await startApp({ catalog: (yaml) => yaml.replace('hostName: live.contoso.example', 'hostName: Live.Contoso.Example') });
    const reply = await app.request('GET', '/api/workloads/media-streaming/readiness');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ ready: true, standby: { hostName: 'live.contoso.example', missing: { customHostNames: [] } } });
  }, 60_000);

  it('answers 503 with Retry-After when the standby region does not answer', async () => {
    app = await startApp();
    await app.control('POST', '/_sim/regions/northeurope/outage', {});
    const reply = await app.request('GET', '/api/workloads/media-streaming/readiness');
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('30');
    expect(reply.body).toMatchObject({ type: 'https://failover.contoso.example/problems/standby-unreadable' });
    expect((reply.body as { detail: string }).detail).toMatch(/^contosomedianeu did not answer the readiness reads \(5\d\d\): /);
  }, 60_000);
});
