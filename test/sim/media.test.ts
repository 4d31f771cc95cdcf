/**
 * Azure Media Services through `@azure/arm-mediaservices`: accounts, streaming endpoints, live
 * events and outputs (long-running operations and their state machines), transforms, and jobs
 * whose state unfolds over simulated time. The simulator runs 600× faster than Azure here, so a
 * two-minute endpoint start takes 200 ms.
 */
import type { AzureMediaServices, Job, JobOutputAsset, Transform } from '@azure/arm-mediaservices';
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAST_LRO, startSimulator, SUB, type SimHarness } from './support.js';

const TIME_SCALE = 600;
let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator({ timeScale: TIME_SCALE });
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const WEU_RG = 'rg-media-weu';
const WEU = 'contosomediaweu';
const NEU_RG = 'rg-media-neu';
const NEU = 'contosomedianeu';
const WEU_ID = `/subscriptions/${SUB}/resourceGroups/${WEU_RG}/providers/Microsoft.Media/mediaservices/${WEU}`;
const NEU_ID = `/subscriptions/${SUB}/resourceGroups/${NEU_RG}/providers/Microsoft.Media/mediaservices/${NEU}`;
const media = (): AzureMediaServices => h.clients.media(SUB);

async function rejection(p: Promise<unknown>): Promise<RestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRestError(err)).toBe(true);
  return err as RestError;
}

async function lroFailure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

const operations = (operation?: string) => h.operations(operation);

async function fault(rule: Record<string, unknown>): Promise<string> {
  const res = await h.control('POST', '/_sim/faults', rule);
  expect(res.status).toBe(201);
  return (res.body as { id: string }).id;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Media Services accounts', () => {
  it('gets an account and lists the accounts of a resource group', async () => {
    const account = await media().mediaservices.get(WEU_RG, WEU);
    expect(account).toMatchObject({
      id: WEU_ID,
      name: WEU,
      type: 'Microsoft.Media/mediaservices',
      location: 'westeurope',
      mediaServiceId: '6f2d6a52-7b2d-4a5c-9d11-2f1c0c1a0e01',
      storageAccounts: [{ id: `/subscriptions/${SUB}/resourceGroups/${WEU_RG}/providers/Microsoft.Storage/storageAccounts/contosomediaweustore`, type: 'Primary' }],
      provisioningState: 'Succeeded',
    });
    const names = [];
    for await (const a of media().mediaservices.list(NEU_RG)) names.push([a.name, a.location]);
    expect(names).toEqual([[NEU, 'northeurope']]);
  });

  it('answers a missing account with 404 ResourceNotFound, and checks the api-version', async () => {
    const err = await rejection(media().mediaservices.get(WEU_RG, 'nosuchaccount'));
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect((await h.call('GET', `${NEU_ID}?api-version=2021-11-01`)).status).toBe(200);
    expect(await h.call('GET', `${NEU_ID}?api-version=2022-08-01`)).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
    // Children of a missing account are 404 too.
    const child = await rejection(media().streamingEndpoints.get(WEU_RG, 'nosuchaccount', 'default'));
    expect(child).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });
});

describe('streaming endpoints', () => {
  it('gets and lists the seeded endpoints', async () => {
    const se = await media().streamingEndpoints.get(WEU_RG, WEU, 'default');
    expect(se).toMatchObject({
      id: `${WEU_ID}/streamingEndpoints/default`,
      name: 'default',
      type: 'Microsoft.Media/mediaservices/streamingEndpoints',
      location: 'westeurope',
      sku: { name: 'Standard', capacity: 0 },
      resourceState: 'Running',
      scaleUnits: 0,
      hostName: 'default-contosomediaweu-euwe.streaming.media.azure.net',
      cdnEnabled: false,
      provisioningState: 'Succeeded',
    });
    expect(se.created).toBeInstanceOf(Date);
    const all = [];
    for await (const e of media().streamingEndpoints.list(NEU_RG, NEU)) all.push([e.name, e.resourceState]);
    expect(all).toEqual([['default', 'Stopped']]);
    expect(await rejection(media().streamingEndpoints.get(WEU_RG, WEU, 'nope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('starts a stopped endpoint: Stopped → Starting → Running', async () => {
    const poller = await media().streamingEndpoints.beginStart(NEU_RG, NEU, 'default', FAST_LRO);
    expect((await media().streamingEndpoints.get(NEU_RG, NEU, 'default')).resourceState).toBe('Starting');
    await poller.pollUntilDone();
    const se = await media().streamingEndpoints.get(NEU_RG, NEU, 'default');
    expect(se.resourceState).toBe('Running');
    expect(se.lastModified!.getTime()).toBeGreaterThan(se.created!.getTime());
    const log = await operations('Microsoft.Media/streamingEndpoints/start');
    expect(log.map((o) => [o.status, o.resource])).toEqual([[202, `${NEU_ID}/streamingEndpoints/default`]]);
  });

  it('starting a running endpoint and stopping a stopped one succeed at once', async () => {
    await media().streamingEndpoints.beginStartAndWait(WEU_RG, WEU, 'default', FAST_LRO);
    await media().streamingEndpoints.beginStopAndWait(NEU_RG, NEU, 'default', FAST_LRO);
    expect((await operations('Microsoft.Media/streamingEndpoints/start')).map((o) => o.status)).toEqual([200]);
    expect((await operations('Microsoft.Media/streamingEndpoints/stop')).map((o) => o.status)).toEqual([200]);
    expect((await h.control('GET', '/_sim/lro')).body).toEqual([]);
  });

  it('stops a running endpoint: Running → Stopping → Stopped', async () => {
    const poller = await media().streamingEndpoints.beginStop(WEU_RG, WEU, 'default', FAST_LRO);
    expect((await media().streamingEndpoints.get(WEU_RG, WEU, 'default')).resourceState).toBe('Stopping');
    await poller.pollUntilDone();
    expect((await media().streamingEndpoints.get(WEU_RG, WEU, 'default')).resourceState).toBe('Stopped');
  });

  it('scales a running endpoint through Scaling, and a stopped one at once', async () => {
    const poller = await media().streamingEndpoints.beginScale(WEU_RG, WEU, 'default', { scaleUnit: 3 }, FAST_LRO);
    const scaling = await media().streamingEndpoints.get(WEU_RG, WEU, 'default');
    expect([scaling.resourceState, scaling.scaleUnits]).toEqual(['Scaling', 0]);
    await poller.pollUntilDone();
    const scaled = await media().streamingEndpoints.get(WEU_RG, WEU, 'default');
    expect(scaled).toMatchObject({ resourceState: 'Running', scaleUnits: 3, sku: { name: 'Premium', capacity: 3 } });

    await media().streamingEndpoints.beginScaleAndWait(NEU_RG, NEU, 'default', { scaleUnit: 2 }, FAST_LRO);
    expect(await media().streamingEndpoints.get(NEU_RG, NEU, 'default')).toMatchObject({ resourceState: 'Stopped', scaleUnits: 2, sku: { capacity: 2 } });
    expect((await operations('Microsoft.Media/streamingEndpoints/scale')).map((o) => o.status)).toEqual([202, 200]);

    const bad = await rejection(media().streamingEndpoints.beginScale(WEU_RG, WEU, 'default', { scaleUnit: -1 }, FAST_LRO));
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(bad.message).toContain("'scaleUnit'");
  });

  it('refuses a start while the endpoint is stopping (409), and joins a second start', async () => {
    await media().streamingEndpoints.beginStop(WEU_RG, WEU, 'default', FAST_LRO);
    const err = await rejection(media().streamingEndpoints.beginStart(WEU_RG, WEU, 'default', FAST_LRO));
    expect(err).toMatchObject({ statusCode: 409, code: 'InvalidResourceState' });

    const first = await h.call('POST', `${NEU_ID}/streamingEndpoints/default/start?api-version=2022-08-01`);
    const second = await h.call('POST', `${NEU_ID}/streamingEndpoints/default/start?api-version=2022-08-01`);
    expect(second.status).toBe(202);
    expect(second.headers['azure-asyncoperation']).toBe(first.headers['azure-asyncoperation']);
  });

  it('answers start with AMS LRO headers; the status and location URLs report progress', async () => {
    const res = await h.call('POST', `${NEU_ID}/streamingEndpoints/default/start?api-version=2022-08-01`);
    expect(res.status).toBe(202);
    expect(res.body).toBeUndefined();
    const op = /streamingEndpointOperations\/([^?]+)\?api-version=2022-08-01$/.exec(res.headers['azure-asyncoperation']!)?.[1];
    expect(op).toBeDefined();
    expect(res.headers['azure-asyncoperation']).toBe(`${h.sim.baseUrl}${NEU_ID}/streamingEndpointOperations/${op}?api-version=2022-08-01`);
    expect(res.headers['location']).toBe(`${h.sim.baseUrl}${NEU_ID}/streamingEndpoints/default/operationLocations/${op}?api-version=2022-08-01`);
    const statusPath = `${NEU_ID}/streamingEndpointOperations/${op}?api-version=2022-08-01`;
    const locationPath = `${NEU_ID}/streamingEndpoints/default/operationLocations/${op}?api-version=2022-08-01`;
    const polling = await h.call('GET', statusPath);
    // The spec's AsyncOperationResult: name, status and (on failure) error, nothing else.
    expect(polling).toMatchObject({ status: 200 });
    expect(polling.body).toEqual({ name: op, status: 'InProgress' });
    expect(polling.headers['retry-after']).toBeUndefined();
    expect((await h.call('GET', locationPath)).status).toBe(202);
    await h.control('POST', '/_sim/lro/finish');
    expect((await h.call('GET', statusPath)).body).toEqual({ name: op, status: 'Succeeded' });
    expect(await h.call('GET', locationPath)).toMatchObject({ status: 200, body: { name: 'default', properties: { resourceState: 'Running' } } });
    expect((await h.call('GET', `${WEU_ID}/streamingEndpointOperations/${op}?api-version=2022-08-01`)).status).toBe(404);
  });

  it('fails the long-running start when a fault says so, leaving the endpoint stopped', async () => {
    await fault({ operation: 'Microsoft.Media/streamingEndpoints/start', failOperation: true, code: 'StreamingEndpointStartFailed', message: 'Simulated failure of the origin' });
    const err = await lroFailure(media().streamingEndpoints.beginStartAndWait(NEU_RG, NEU, 'default', FAST_LRO));
    expect(err.message).toContain('The long-running operation has failed');
    expect(err.message).toContain('StreamingEndpointStartFailed');
    expect((await media().streamingEndpoints.get(NEU_RG, NEU, 'default')).resourceState).toBe('Stopped');
  });

  it('creates an endpoint (LRO), started when autoStart is set, in the account region only', async () => {
    const started = await media().streamingEndpoints.beginCreateAndWait(NEU_RG, NEU, 'backup', { location: 'North Europe', scaleUnits: 0, description: 'standby origin' }, { autoStart: true, ...FAST_LRO });
    expect(started).toMatchObject({
      id: `${NEU_ID}/streamingEndpoints/backup`,
      name: 'backup',
      location: 'northeurope',
      description: 'standby origin',
      hostName: 'backup-contosomedianeu-euno.streaming.media.azure.net',
      resourceState: 'Running',
      provisioningState: 'Succeeded',
      sku: { name: 'Standard', capacity: 0 },
    });
    const poller = await media().streamingEndpoints.beginCreate(NEU_RG, NEU, 'cold', { location: 'northeurope', scaleUnits: 0 }, FAST_LRO);
    expect(await media().streamingEndpoints.get(NEU_RG, NEU, 'cold')).toMatchObject({ provisioningState: 'InProgress', resourceState: 'Stopped' });
    await poller.pollUntilDone();
    expect(await media().streamingEndpoints.get(NEU_RG, NEU, 'cold')).toMatchObject({ provisioningState: 'Succeeded', resourceState: 'Stopped' });
    expect((await operations('Microsoft.Media/streamingEndpoints/write')).map((o) => o.status)).toEqual([201, 201]);

    // PUT again is create-or-replace: 200, state kept.
    const replaced = await media().streamingEndpoints.beginCreateAndWait(NEU_RG, NEU, 'backup', { location: 'northeurope', scaleUnits: 0, description: 'renamed' }, FAST_LRO);
    expect(replaced).toMatchObject({ description: 'renamed', resourceState: 'Running', hostName: 'backup-contosomedianeu-euno.streaming.media.azure.net' });

    const wrongRegion = await rejection(media().streamingEndpoints.beginCreate(NEU_RG, NEU, 'elsewhere', { location: 'westeurope', scaleUnits: 0 }, FAST_LRO));
    expect(wrongRegion).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(wrongRegion.message).toContain("'location'");
  });

  it('refuses an endpoint PUT without scaleUnits, which the spec requires, on a create and on a replace', async () => {
    for (const name of ['fresh', 'default']) {
      const res = await h.call('PUT', `${NEU_ID}/streamingEndpoints/${name}?api-version=2022-08-01`, { location: 'northeurope', properties: { description: 'no units' } });
      expect(res).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent', message: "The field 'properties.scaleUnits' is required: give 0 for a standard endpoint." } } });
    }
    expect(await rejection(media().streamingEndpoints.get(NEU_RG, NEU, 'fresh'))).toMatchObject({ statusCode: 404 });
  });

  it('answers the properties AMS always shows, null or empty when unset, and each allowed IP range its prefix length', async () => {
    const accessControl = { ip: { allow: [{ name: 'office', address: '192.0.2.10' }, { name: 'lab', address: '198.51.100.0', subnetPrefixLength: 24 }] } };
    await h.call('PUT', `${NEU_ID}/streamingEndpoints/fenced?api-version=2022-08-01`, { location: 'northeurope', properties: { scaleUnits: 0, accessControl } });
    const { body } = await h.call('GET', `${NEU_ID}/streamingEndpoints/fenced?api-version=2022-08-01`);
    expect((body as { properties: Record<string, unknown> }).properties).toMatchObject({
      description: null,
      availabilitySetName: null,
      cdnEnabled: false,
      cdnProvider: null,
      cdnProfile: '',
      customHostNames: [],
      maxCacheAge: null,
      freeTrialEndTime: '0001-01-01T00:00:00Z',
      accessControl: { ip: { allow: [{ name: 'office', address: '192.0.2.10', subnetPrefixLength: null }, { name: 'lab', address: '198.51.100.0', subnetPrefixLength: 24 }] } },
    });
    // The seeded endpoints answer them too.
    const seeded = await h.call('GET', `${WEU_ID}/streamingEndpoints/default?api-version=2022-08-01`);
    expect((seeded.body as { properties: Record<string, unknown> }).properties).toMatchObject({ cdnProvider: null, cdnProfile: '', maxCacheAge: null, freeTrialEndTime: '0001-01-01T00:00:00Z' });
  });

  it('fails a create when a fault says so', async () => {
    await fault({ operation: 'Microsoft.Media/streamingEndpoints/write', failOperation: true, code: 'StreamingEndpointCreateFailed', message: 'no capacity' });
    const err = await lroFailure(media().streamingEndpoints.beginCreateAndWait(NEU_RG, NEU, 'backup', { location: 'northeurope', scaleUnits: 0 }, FAST_LRO));
    expect(err.message).toContain('The long-running operation has failed');
    expect(await media().streamingEndpoints.get(NEU_RG, NEU, 'backup')).toMatchObject({ provisioningState: 'Failed', resourceState: 'Stopped' });
  });

  it('honours a throttled start: the SDK retries after Retry-After and succeeds', async () => {
    await fault({ operation: 'Microsoft.Media/streamingEndpoints/start', status: 429, count: 1 });
    await media().streamingEndpoints.beginStartAndWait(NEU_RG, NEU, 'default', FAST_LRO);
    expect((await media().streamingEndpoints.get(NEU_RG, NEU, 'default')).resourceState).toBe('Running');
    const log = await operations('Microsoft.Media/streamingEndpoints/start');
    expect(log.map((o) => [o.status, o.injected === null ? null : 'fault'])).toEqual([
      [429, 'fault'],
      [202, null],
    ]);
  });

  it('fails calls to the endpoint of a region that is down, and only there', async () => {
    await h.control('POST', '/_sim/regions/northeurope/outage');
    const err = await rejection(media().streamingEndpoints.beginStart(NEU_RG, NEU, 'default', FAST_LRO));
    expect(err).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    expect((await rejection(media().streamingEndpoints.get(NEU_RG, NEU, 'default'))).statusCode).toBe(503);
    expect((await media().streamingEndpoints.get(WEU_RG, WEU, 'default')).resourceState).toBe('Running');
    const log = await operations('Microsoft.Media/streamingEndpoints/start');
    expect(log.length).toBeGreaterThan(1);
    expect(log.every((o) => o.status === 503 && o.injected === 'outage:northeurope')).toBe(true);
  });
});

describe('live events', () => {
  it('gets and lists live events with their ingest URLs', async () => {
    const le = await media().liveEvents.get(NEU_RG, NEU, 'live-main');
    expect(le).toMatchObject({
      id: `${NEU_ID}/liveEvents/live-main`,
      type: 'Microsoft.Media/mediaservices/liveEvents',
      location: 'northeurope',
      resourceState: 'Stopped',
      encoding: { encodingType: 'Standard' },
      input: { streamingProtocol: 'RTMP', endpoints: [{ protocol: 'RTMP', url: 'rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4' }] },
      preview: { endpoints: [{ protocol: 'FragmentedMP4', url: 'https://live-main-contosomedianeu.preview-euno.channel.media.azure.net/91b0e3f4/preview.ism/manifest' }] },
    });
    const all = [];
    for await (const e of media().liveEvents.list(WEU_RG, WEU)) all.push([e.name, e.resourceState]);
    expect(all).toEqual([['live-main', 'Running']]);
    expect(await rejection(media().liveEvents.get(NEU_RG, NEU, 'nope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await rejection(media().liveEvents.beginStart(NEU_RG, NEU, 'nope', FAST_LRO))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('starts a stopped event: Stopped → Starting → Running; a running one at once', async () => {
    const poller = await media().liveEvents.beginStart(NEU_RG, NEU, 'live-main', FAST_LRO);
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Starting');
    await poller.pollUntilDone();
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Running');
    await media().liveEvents.beginStartAndWait(NEU_RG, NEU, 'live-main', FAST_LRO);
    expect((await operations('Microsoft.Media/liveEvents/start')).map((o) => o.status)).toEqual([202, 200]);
    // The location URL of the first start named the live event.
    const res = await h.call('POST', `${NEU_ID}/liveEvents/live-main/stop?api-version=2022-08-01`, { removeOutputsOnStop: false });
    expect(res.headers['azure-asyncoperation']).toMatch(new RegExp(`${NEU_ID}/liveEventOperations/[^?]+\\?api-version=2022-08-01$`));
    expect(res.headers['location']).toMatch(new RegExp(`${NEU_ID}/liveEvents/live-main/operationLocations/[^?]+\\?api-version=2022-08-01$`));
  });

  it('allocates (Stopped → Allocating → StandBy), then starts from StandBy; allocate on Running is 409', async () => {
    const poller = await media().liveEvents.beginAllocate(NEU_RG, NEU, 'live-main', FAST_LRO);
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Allocating');
    await poller.pollUntilDone();
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('StandBy');
    await media().liveEvents.beginStartAndWait(NEU_RG, NEU, 'live-main', FAST_LRO);
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Running');
    const err = await rejection(media().liveEvents.beginAllocate(NEU_RG, NEU, 'live-main', FAST_LRO));
    expect(err).toMatchObject({ statusCode: 409, code: 'InvalidResourceState' });
  });

  it('stops a running event (Running → Stopping → Stopped), removing its outputs only when asked', async () => {
    const poller = await media().liveEvents.beginStop(WEU_RG, WEU, 'live-main', { removeOutputsOnStop: false }, FAST_LRO);
    expect((await media().liveEvents.get(WEU_RG, WEU, 'live-main')).resourceState).toBe('Stopping');
    await poller.pollUntilDone();
    expect((await media().liveEvents.get(WEU_RG, WEU, 'live-main')).resourceState).toBe('Stopped');
    expect((await media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'archive')).name).toBe('archive');

    await h.control('POST', '/_sim/reset');
    await media().liveEvents.beginStopAndWait(WEU_RG, WEU, 'live-main', { removeOutputsOnStop: true }, FAST_LRO);
    expect((await media().liveEvents.get(WEU_RG, WEU, 'live-main')).resourceState).toBe('Stopped');
    expect(await rejection(media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'archive'))).toMatchObject({ statusCode: 404 });
    // Stopping a stopped event succeeds at once.
    await media().liveEvents.beginStopAndWait(WEU_RG, WEU, 'live-main', {}, FAST_LRO);
    expect((await operations('Microsoft.Media/liveEvents/stop')).map((o) => o.status)).toEqual([202, 200]);
  });

  it('fails the long-running start when a fault says so, leaving the event stopped', async () => {
    await fault({ operation: 'Microsoft.Media/liveEvents/start', failOperation: true, code: 'LiveEventStartFailed', message: 'encoder pool exhausted' });
    const err = await lroFailure(media().liveEvents.beginStartAndWait(NEU_RG, NEU, 'live-main', FAST_LRO));
    expect(err.message).toContain('The long-running operation has failed');
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Stopped');
  });

  it('creates a live event with generated ingest and preview URLs, started when autoStart is set', async () => {
    const created = await media().liveEvents.beginCreateAndWait(
      NEU_RG,
      NEU,
      'live-backup',
      { location: 'northeurope', input: { streamingProtocol: 'RTMP', accessToken: '0123456789abcdef0123456789abcdef' }, encoding: { encodingType: 'Standard' } },
      FAST_LRO,
    );
    expect(created).toMatchObject({
      name: 'live-backup',
      resourceState: 'Stopped',
      provisioningState: 'Succeeded',
      encoding: { encodingType: 'Standard' },
      input: {
        streamingProtocol: 'RTMP',
        endpoints: [
          { protocol: 'RTMP', url: 'rtmp://live-backup-contosomedianeu.channel.media.azure.net:1935/live/0123456789abcdef0123456789abcdef' },
          { protocol: 'RTMP', url: 'rtmps://live-backup-contosomedianeu.channel.media.azure.net:2935/live/0123456789abcdef0123456789abcdef' },
        ],
      },
    });
    expect(created.preview?.endpoints?.[0]?.url).toMatch(/^https:\/\/live-backup-contosomedianeu\.preview-euno\.channel\.media\.azure\.net\/[0-9a-f-]{36}\/preview\.ism\/manifest$/);

    const poller = await media().liveEvents.beginCreate(NEU_RG, NEU, 'live-hot', { location: 'northeurope', input: { streamingProtocol: 'FragmentedMP4' } }, { autoStart: true, ...FAST_LRO });
    expect(await media().liveEvents.get(NEU_RG, NEU, 'live-hot')).toMatchObject({ provisioningState: 'InProgress', resourceState: 'Starting' });
    const hot = await poller.pollUntilDone();
    expect(hot).toMatchObject({ resourceState: 'Running', provisioningState: 'Succeeded' });
    expect(hot.input?.endpoints?.[0]?.url).toMatch(/^http:\/\/live-hot-contosomedianeu\.channel\.media\.azure\.net\/[0-9a-f]{32}\/ingest\.isml$/);

    // Replacing the seeded event keeps the ingest URLs encoders point at.
    const replaced = await media().liveEvents.beginCreateAndWait(NEU_RG, NEU, 'live-main', { location: 'northeurope', description: 'standby', input: { streamingProtocol: 'RTMP' } }, FAST_LRO);
    expect(replaced.input?.endpoints).toEqual([{ protocol: 'RTMP', url: 'rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4' }]);
    expect(replaced.description).toBe('standby');

    const bad = await rejection(media().liveEvents.beginCreate(NEU_RG, NEU, 'broken', { location: 'northeurope', input: { streamingProtocol: 'SRT' as 'RTMP' } }, FAST_LRO));
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(bad.message).toContain('properties.input.streamingProtocol');
  });

  it('fails calls to a westeurope live event while westeurope is down, not northeurope ones', async () => {
    await h.control('POST', '/_sim/regions/westeurope/outage');
    const err = await rejection(media().liveEvents.beginStop(WEU_RG, WEU, 'live-main', {}, FAST_LRO));
    expect(err).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    await media().liveEvents.beginStartAndWait(NEU_RG, NEU, 'live-main', FAST_LRO);
    expect((await media().liveEvents.get(NEU_RG, NEU, 'live-main')).resourceState).toBe('Running');
  });
});

describe('live outputs', () => {
  // A live output records into an asset that must exist first.
  beforeEach(async () => {
    for (const name of ['live-main-archive-neu', 'a']) await media().assets.createOrUpdate(NEU_RG, NEU, name, {});
  });

  it('creates a live output (LRO), lists it, and replaces it on a second PUT', async () => {
    const poller = await media().liveOutputs.beginCreate(NEU_RG, NEU, 'live-main', 'archive', { assetName: 'live-main-archive-neu', archiveWindowLength: 'PT8H', manifestName: 'main' }, FAST_LRO);
    expect(await media().liveOutputs.get(NEU_RG, NEU, 'live-main', 'archive')).toMatchObject({ resourceState: 'Creating', provisioningState: 'InProgress' });
    const created = await poller.pollUntilDone();
    expect(created).toMatchObject({
      id: `${NEU_ID}/liveEvents/live-main/liveOutputs/archive`,
      type: 'Microsoft.Media/mediaservices/liveEvents/liveOutputs',
      assetName: 'live-main-archive-neu',
      archiveWindowLength: 'PT8H',
      manifestName: 'main',
      resourceState: 'Running',
      provisioningState: 'Succeeded',
    });
    const replaced = await media().liveOutputs.beginCreateAndWait(NEU_RG, NEU, 'live-main', 'archive', { assetName: 'live-main-archive-neu', archiveWindowLength: 'PT8H', description: 'again' }, FAST_LRO);
    expect(replaced).toMatchObject({ description: 'again', resourceState: 'Running' });
    expect((await operations('Microsoft.Media/liveOutputs/write')).map((o) => o.status)).toEqual([201, 200]);
    const names = [];
    for await (const o of media().liveOutputs.list(WEU_RG, WEU, 'live-main')) names.push(o.name);
    expect(names).toEqual(['archive']);
  });

  it('refuses a live output on a missing live event (404) and one without an asset (400)', async () => {
    const missing = await rejection(media().liveOutputs.beginCreate(NEU_RG, NEU, 'nope', 'archive', { assetName: 'a', archiveWindowLength: 'PT1H' }, FAST_LRO));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(missing.message).toContain('nope');
    const bad = await rejection(media().liveOutputs.beginCreate(NEU_RG, NEU, 'live-main', 'archive', { archiveWindowLength: 'PT1H' }, FAST_LRO));
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(bad.message).toContain('properties.assetName');
    expect(await rejection(media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'nope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('deletes a live output (LRO: Deleting, then gone); deleting an absent one is a no-op', async () => {
    const poller = await media().liveOutputs.beginDelete(WEU_RG, WEU, 'live-main', 'archive', FAST_LRO);
    expect((await media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'archive')).resourceState).toBe('Deleting');
    await poller.pollUntilDone();
    expect(await rejection(media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'archive'))).toMatchObject({ statusCode: 404 });
    await media().liveOutputs.beginDeleteAndWait(WEU_RG, WEU, 'live-main', 'archive', FAST_LRO);
    expect((await operations('Microsoft.Media/liveOutputs/delete')).map((o) => o.status)).toEqual([202, 204]);
  });

  it('fails create and delete when faults say so', async () => {
    await fault({ operation: 'Microsoft.Media/liveOutputs/delete', failOperation: true, code: 'LiveOutputDeleteFailed', message: 'archive locked' });
    const del = await lroFailure(media().liveOutputs.beginDeleteAndWait(WEU_RG, WEU, 'live-main', 'archive', FAST_LRO));
    expect(del.message).toContain('The long-running operation has failed');
    expect((await media().liveOutputs.get(WEU_RG, WEU, 'live-main', 'archive')).resourceState).toBe('Running');
    await fault({ operation: 'Microsoft.Media/liveOutputs/write', failOperation: true, code: 'LiveOutputCreateFailed', message: 'asset missing' });
    const create = await lroFailure(media().liveOutputs.beginCreateAndWait(NEU_RG, NEU, 'live-main', 'archive', { assetName: 'a', archiveWindowLength: 'PT1H' }, FAST_LRO));
    expect(create.message).toContain('LiveOutputCreateFailed');
  });
});

describe('transforms', () => {
  const transform: Transform = { description: 'ladder', outputs: [{ preset: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'H264MultipleBitrate1080p' } }] };

  it('creates a transform (201), replaces it (200), gets and lists it', async () => {
    const statuses: number[] = [];
    const onResponse = (r: { status: number }) => statuses.push(r.status);
    const created = await media().transforms.createOrUpdate(NEU_RG, NEU, 'adaptive-1080p', transform, { onResponse });
    expect(created).toMatchObject({
      id: `${NEU_ID}/transforms/adaptive-1080p`,
      name: 'adaptive-1080p',
      type: 'Microsoft.Media/mediaservices/transforms',
      description: 'ladder',
      outputs: [{ onError: 'StopProcessingJob', relativePriority: 'Normal', preset: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'H264MultipleBitrate1080p' } }],
    });
    await media().transforms.createOrUpdate(NEU_RG, NEU, 'adaptive-1080p', { ...transform, description: 'v2' }, { onResponse });
    expect(statuses).toEqual([201, 200]);
    expect((await media().transforms.get(NEU_RG, NEU, 'adaptive-1080p')).description).toBe('v2');
    // TransformProperties has no provisioningState: a transform is not provisioned.
    const raw = await h.call('GET', `${NEU_ID}/transforms/adaptive-1080p?api-version=2022-07-01`);
    expect(Object.keys((raw.body as { properties: object }).properties).sort()).toEqual(['created', 'description', 'lastModified', 'outputs']);
    const names = [];
    for await (const t of media().transforms.list(WEU_RG, WEU)) names.push(t.name);
    expect(names).toEqual(['adaptive-1080p']);
  });

  it('answers a missing transform with 404 and a transform without outputs with 400', async () => {
    expect(await rejection(media().transforms.get(NEU_RG, NEU, 'adaptive-1080p'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    const bad = await rejection(media().transforms.createOrUpdate(NEU_RG, NEU, 'empty', { outputs: [] }));
    expect(bad).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(bad.message).toContain('properties.outputs');
  });

  it('fails a transform write in a region that is down', async () => {
    await h.control('POST', '/_sim/regions/northeurope/outage');
    expect(await rejection(media().transforms.createOrUpdate(NEU_RG, NEU, 'adaptive-1080p', transform))).toMatchObject({ statusCode: 503 });
    expect((await media().transforms.get(WEU_RG, WEU, 'adaptive-1080p')).name).toBe('adaptive-1080p');
  });
});

describe('jobs', () => {
  const job = (file: string): Job => ({
    input: { odataType: '#Microsoft.Media.JobInputHttp', baseUri: 'https://media.contoso.example/masters/', files: [file] } as Job['input'],
    outputs: [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: `${file}-out` } satisfies JobOutputAsset],
    priority: 'Normal',
  });
  // A job's output assets must exist before it is submitted.
  beforeEach(async () => {
    for (const file of ['trailer.mp4', 'doomed.mp4', 'paused.mp4', 'retried.mp4']) await media().assets.createOrUpdate(WEU_RG, WEU, `${file}-out`, {});
  });
  // Queued 10 s + Scheduled 20 s + Processing 120 s, at 600×: 250 ms.
  const TOTAL_REAL_MS = (10_000 + 20_000 + 120_000) / TIME_SCALE;

  it('creates a job (201 Queued) whose state progresses to Finished over time', async () => {
    const statuses: number[] = [];
    const created = await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'trailer', job('trailer.mp4'), { onResponse: (r) => statuses.push(r.status) });
    expect(statuses).toEqual([201]);
    expect(created).toMatchObject({
      id: `${WEU_ID}/transforms/adaptive-1080p/jobs/trailer`,
      type: 'Microsoft.Media/mediaservices/transforms/jobs',
      state: 'Queued',
      priority: 'Normal',
      input: { odataType: '#Microsoft.Media.JobInputHttp', files: ['trailer.mp4'] },
      outputs: [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'trailer.mp4-out', state: 'Queued', progress: 0 }],
    });
    expect(created.startTime).toBeUndefined();
    const seen = new Set<string>();
    const finished = await waitFor(
      async () => {
        const j = await media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'trailer');
        seen.add(j.state!);
        return j;
      },
      (j) => j.state === 'Finished',
    );
    expect(finished).toMatchObject({ state: 'Finished', outputs: [{ state: 'Finished', progress: 100 }] });
    expect(seen.has('Processing')).toBe(true);
    const created_ = finished.created!.getTime();
    // Processing starts 30 s (Azure) after creation and ends 120 s later.
    expect(finished.startTime!.getTime() - created_).toBe(30_000);
    expect(finished.endTime!.getTime() - created_).toBe(150_000);
    expect(finished.lastModified!.getTime()).toBe(finished.endTime!.getTime());
  });

  it('progresses the seeded jobs from their seeded state, and lists jobs per transform', async () => {
    const processing = await media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'promo-2026-11-23');
    expect(processing.state).toBe('Processing');
    expect(processing.outputs?.[0]?.progress).toBeLessThan(100);
    await sleep(TOTAL_REAL_MS + 20);
    const states = [];
    for await (const j of media().jobs.list(WEU_RG, WEU, 'adaptive-1080p')) states.push([j.name, j.state, j.outputs?.[0]?.progress]);
    expect(states).toEqual([
      ['promo-2026-11-23', 'Finished', 100],
      ['keynote-replay', 'Finished', 100],
    ]);
    expect(await rejection(media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'nope'))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await rejection(media().jobs.list(NEU_RG, NEU, 'adaptive-1080p').next())).toMatchObject({ statusCode: 404 });
  });

  it('refuses a job on a missing transform (404), a reused name (409) and outputs that do not match (400)', async () => {
    const missing = await rejection(media().jobs.create(NEU_RG, NEU, 'adaptive-1080p', 'trailer', job('trailer.mp4')));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(missing.message).toContain('adaptive-1080p');
    const dup = await rejection(media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'keynote-replay', job('keynote.mp4')));
    expect(dup).toMatchObject({ statusCode: 409, code: 'Conflict' });
    const two = job('x.mp4');
    two.outputs = [...two.outputs!, ...two.outputs!];
    const mismatch = await rejection(media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'x', two));
    expect(mismatch).toMatchObject({ statusCode: 400 });
    expect(mismatch.message).toContain('properties.outputs');
  });

  it('ends a job in Error when a fault says its processing fails', async () => {
    await fault({ operation: 'Microsoft.Media/jobs/write', failOperation: true, code: 'ServiceError', message: 'transcoder crashed' });
    await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'doomed', job('doomed.mp4'));
    const failed = await waitFor(
      () => media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'doomed'),
      (j) => j.state === 'Error',
    );
    expect(failed.outputs?.[0]).toMatchObject({ state: 'Error', error: { code: 'ServiceError', message: 'transcoder crashed' } });
    expect(failed.endTime).toBeInstanceOf(Date);
  });

  it('ends a job reading a private blob of the estate without a SAS in Error as processing starts (DownloadNotAccessible); with a SAS it finishes', async () => {
    const http = (name: string, input: Record<string, unknown>) =>
      media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', name, {
        input: { odataType: '#Microsoft.Media.JobInputHttp', ...input } as Job['input'],
        outputs: [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: `${name}.mp4-out` } as JobOutputAsset],
      });
    // A Media Services account's storage, on its primary host; a Microsoft.Storage account of the estate, on its geo-secondary host.
    const doomed = await http('doomed', { files: ['https://contosomediaweustore.blob.core.windows.net/masters/doomed.mp4'] });
    await http('paused', { baseUri: 'https://contosogenomicswus2data-secondary.blob.core.windows.net/masters/', files: ['paused.mp4'] });
    await http('retried', { files: ['https://contosomediaweustore-secondary.blob.core.windows.net/masters/retried.mp4?sv=2022-11-02&sp=rl&sig=abc'] });
    // The submission is accepted: the service finds out when it downloads the input.
    expect(doomed.state).toBe('Queued');
    const done = (name: string) => waitFor(() => media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', name), (j) => j.state === 'Finished' || j.state === 'Error');
    const [failed, failedToo, signed] = [await done('doomed'), await done('paused'), await done('retried')];
    expect(failed.state).toBe('Error');
    expect(failed.outputs?.[0]).toMatchObject({
      state: 'Error',
      progress: 0,
      error: {
        code: 'DownloadNotAccessible',
        category: 'Download',
        retry: 'DoNotRetry',
        message: 'While trying to download the input files, the files were not accessible: https://contosomediaweustore.blob.core.windows.net/masters/doomed.mp4 is a private blob and the job gives no SAS for it.',
      },
    });
    // It fails as processing starts, 30 s (Azure) after creation.
    expect(failed.startTime!.getTime() - failed.created!.getTime()).toBe(30_000);
    expect(failed.endTime!.getTime() - failed.created!.getTime()).toBe(30_000);
    expect(failedToo.outputs?.[0]?.error?.message).toContain('https://contosogenomicswus2data-secondary.blob.core.windows.net/masters/paused.mp4 is a private blob');
    expect(signed).toMatchObject({ state: 'Finished', outputs: [{ state: 'Finished', progress: 100 }] });
  });

  it('does not progress while its region is down, and resumes after', async () => {
    await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'paused', job('paused.mp4'));
    await h.control('POST', '/_sim/regions/westeurope/outage');
    expect(await rejection(media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'paused'))).toMatchObject({ statusCode: 503 });
    const downMs = TOTAL_REAL_MS * 1.6;
    await sleep(downMs);
    await h.control('DELETE', '/_sim/regions/westeurope/outage');
    const after = await media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'paused');
    expect(['Queued', 'Scheduled']).toContain(after.state);
    const finished = await waitFor(
      () => media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'paused'),
      (j) => j.state === 'Finished',
    );
    expect(finished.endTime!.getTime() - finished.created!.getTime()).toBeGreaterThanOrEqual(150_000 + downMs * TIME_SCALE * 0.9);
  });

  it('answers a job as submitted: every property its input and output types define, the service defaults, no query strings', async () => {
    await media().assets.createOrUpdate(WEU_RG, WEU, 'master', {});
    const clip = {
      odataType: '#Microsoft.Media.JobInputAsset',
      assetName: 'master',
      files: ['feature.mp4'],
      label: 'main',
      start: { odataType: '#Microsoft.Media.AbsoluteClipTime', time: 'PT10S' },
      end: { odataType: '#Microsoft.Media.AbsoluteClipTime', time: 'PT70S' },
      inputDefinitions: [{ odataType: '#Microsoft.Media.InputFile', filename: 'feature.mp4', includedTracks: [{ odataType: '#Microsoft.Media.SelectAudioTrackById', trackId: 2 }] }],
    };
    const http = { odataType: '#Microsoft.Media.JobInputHttp', files: ['https://contosomediaweustore.blob.core.windows.net/masters/intro.mp4?sv=2022-11-02&sp=r&sig=secret'] };
    await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'full', {
      input: { odataType: '#Microsoft.Media.JobInputs', inputs: [clip, { odataType: '#Microsoft.Media.JobInputSequence', inputs: [http] }] } as Job['input'],
      outputs: [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'trailer.mp4-out', label: 'hd', presetOverride: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'H264SingleBitrate720p' } } as JobOutputAsset],
      priority: 'High',
      description: 'feature cut',
      correlationData: { ticket: 'T-42' },
    });
    const full = await h.call('GET', `${WEU_ID}/transforms/adaptive-1080p/jobs/full?api-version=2022-07-01`);
    const props = (full.body as { properties: Record<string, unknown> }).properties;
    expect(props['input']).toEqual({
      '@odata.type': '#Microsoft.Media.JobInputs',
      inputs: [
        {
          '@odata.type': '#Microsoft.Media.JobInputAsset',
          assetName: 'master',
          files: ['feature.mp4'],
          label: 'main',
          start: { '@odata.type': '#Microsoft.Media.AbsoluteClipTime', time: 'PT10S' },
          end: { '@odata.type': '#Microsoft.Media.AbsoluteClipTime', time: 'PT70S' },
          inputDefinitions: [{ '@odata.type': '#Microsoft.Media.InputFile', filename: 'feature.mp4', includedTracks: [{ '@odata.type': '#Microsoft.Media.SelectAudioTrackById', trackId: 2 }] }],
        },
        {
          '@odata.type': '#Microsoft.Media.JobInputSequence',
          // The SAS stays with the service: the spec says query strings are never returned.
          inputs: [{ '@odata.type': '#Microsoft.Media.JobInputHttp', files: ['https://contosomediaweustore.blob.core.windows.net/masters/intro.mp4'], inputDefinitions: [] }],
        },
      ],
    });
    expect(props['outputs']).toEqual([
      {
        '@odata.type': '#Microsoft.Media.JobOutputAsset',
        assetName: 'trailer.mp4-out',
        label: 'hd',
        presetOverride: { '@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'H264SingleBitrate720p' },
        state: 'Queued',
        progress: 0,
      },
    ]);
    expect(props).toMatchObject({ priority: 'High', description: 'feature cut', correlationData: { ticket: 'T-42' } });

    // Sent without them, a clip input gets empty files and input definitions, an output its
    // transform preset's label ('{presetName}_{outputIndex}'), as the spec's Jobs_Create example.
    const bare = await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'bare', {
      input: { odataType: '#Microsoft.Media.JobInputAsset', assetName: 'master' } as Job['input'],
      outputs: [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'doomed.mp4-out' } as JobOutputAsset],
    });
    expect(bare.input).toEqual({ odataType: '#Microsoft.Media.JobInputAsset', assetName: 'master', files: [], inputDefinitions: [] });
    expect(bare.outputs).toMatchObject([{ assetName: 'doomed.mp4-out', label: 'BuiltInStandardEncoderPreset_0' }]);
    // A seeded job is answered the same way.
    const seeded = await media().jobs.get(WEU_RG, WEU, 'adaptive-1080p', 'keynote-replay');
    expect(seeded.input).toEqual({ odataType: '#Microsoft.Media.JobInputHttp', baseUri: 'https://media.contoso.example/masters/', files: ['keynote.mp4'], inputDefinitions: [] });
    expect(seeded.outputs?.[0]?.label).toBe('BuiltInStandardEncoderPreset_0');
  });

  it('refuses a job property the spec does not define for its type (400 naming the field), and ignores read-only ones sent', async () => {
    const url = `${WEU_ID}/transforms/adaptive-1080p/jobs/typo?api-version=2022-07-01`;
    const output = { '@odata.type': '#Microsoft.Media.JobOutputAsset', assetName: 'trailer.mp4-out' };
    const http = { '@odata.type': '#Microsoft.Media.JobInputHttp', baseUri: 'https://media.contoso.example/masters/', files: ['a.mp4'] };
    const refused = async (properties: Record<string, unknown>) => {
      const res = await h.call('PUT', url, { properties });
      expect(res.status).toBe(400);
      return (res.body as { error: { code: string; message: string } }).error;
    };
    // An asset name on an HTTP input nested in a JobInputs: a JobInputHttp has no assetName.
    expect(await refused({ input: { '@odata.type': '#Microsoft.Media.JobInputs', inputs: [{ ...http, assetName: 'master' }] }, outputs: [output] })).toEqual({
      code: 'InvalidRequestContent',
      message: "The field 'properties.input.inputs[0].assetName' is not a property of #Microsoft.Media.JobInputHttp.",
    });
    expect((await refused({ input: http, outputs: [{ ...output, lable: 'hd' }] })).message).toBe("The field 'properties.outputs[0].lable' is not a property of #Microsoft.Media.JobOutputAsset.");
    expect((await refused({ input: http, outputs: [output], retries: 3 })).message).toBe("The field 'properties.retries' is not a property of a job.");
    // A bare clip is the base of the asset and HTTP inputs: it names nothing to read.
    expect((await refused({ input: { '@odata.type': '#Microsoft.Media.JobInputSequence', inputs: [{ '@odata.type': '#Microsoft.Media.JobInputClip', files: ['a.mp4'] }] }, outputs: [output] })).message).toBe(
      "The field 'properties.input.inputs[0].@odata.type' is #Microsoft.Media.JobInputClip, which names no media to read: use a JobInputAsset or a JobInputHttp.",
    );
    // An output's state and progress are the service's: sent, they are ignored.
    const created = await h.call('PUT', url, { properties: { input: http, outputs: [{ ...output, state: 'Finished', progress: 100 }] } });
    expect(created.status).toBe(201);
    expect((created.body as { properties: { outputs: unknown[] } }).properties.outputs).toEqual([
      { ...output, label: 'BuiltInStandardEncoderPreset_0', state: 'Queued', progress: 0 },
    ]);
  });

  it('honours a throttled job create: the SDK retries after Retry-After and succeeds', async () => {
    await fault({ operation: 'Microsoft.Media/jobs/write', status: 429, count: 1 });
    const created = await media().jobs.create(WEU_RG, WEU, 'adaptive-1080p', 'retried', job('retried.mp4'));
    expect(created.state).toBe('Queued');
    expect((await operations('Microsoft.Media/jobs/write')).map((o) => o.status)).toEqual([429, 201]);
  });
});

describe('strict Media Services: what Azure refuses', () => {
  const LE_URL = `${NEU_ID}/liveEvents/live-main`;
  const V = 'api-version=2022-08-01';

  it('refuses a live output whose asset does not exist in the account (400 naming the field), and creates it once the asset does', async () => {
    const err = await rejection(media().liveOutputs.beginCreate(NEU_RG, NEU, 'live-main', 'failover', { assetName: 'never-created', archiveWindowLength: 'PT1H' }, FAST_LRO));
    expect(err).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(err.message).toBe(
      "The field 'properties.assetName' names the asset 'never-created', which does not exist in the Media Services account 'contosomedianeu': create it first (PUT assets/{assetName}).",
    );
    const asset = await media().assets.createOrUpdate(NEU_RG, NEU, 'never-created', { description: 'now it is' });
    expect(asset).toMatchObject({ name: 'never-created', storageAccountName: 'contosomedianeustore', container: `asset-${asset.assetId}`, storageEncryptionFormat: 'None' });
    const output = await media().liveOutputs.beginCreateAndWait(NEU_RG, NEU, 'live-main', 'failover', { assetName: 'never-created', archiveWindowLength: 'PT1H' }, FAST_LRO);
    expect(output).toMatchObject({ assetName: 'never-created', resourceState: 'Running' });
  });

  it('takes one operation at a time on a live event: a second start, an output write and a stop are refused while it starts', async () => {
    await media().assets.createOrUpdate(NEU_RG, NEU, 'rec', {});
    const first = await h.call('POST', `${LE_URL}/start?${V}`);
    expect(first.status).toBe(202);
    const again = await h.call('POST', `${LE_URL}/start?${V}`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'InvalidResourceState' } });
    const output = await h.call('PUT', `${LE_URL}/liveOutputs/out?${V}`, { properties: { assetName: 'rec', archiveWindowLength: 'PT1H' } });
    expect(output.status).toBe(409);
    const stop = await h.call('POST', `${LE_URL}/stop?${V}`, {});
    expect(stop.status).toBe(409);
    await waitFor(() => media().liveEvents.get(NEU_RG, NEU, 'live-main'), (e) => e.resourceState === 'Running');
    // And the event waits for an output operation in turn.
    expect((await h.call('PUT', `${LE_URL}/liveOutputs/out?${V}`, { properties: { assetName: 'rec', archiveWindowLength: 'PT1H' } })).status).toBe(201);
    expect((await h.call('POST', `${LE_URL}/stop?${V}`, {})).status).toBe(409);
  });

  it('resets a running live event: outputs deleted, the event Running again; a stopped one is refused', async () => {
    expect((await rejection(media().liveEvents.beginReset(NEU_RG, NEU, 'live-main', FAST_LRO))).statusCode).toBe(409);
    await media().liveEvents.beginResetAndWait(WEU_RG, WEU, 'live-main', FAST_LRO);
    expect((await media().liveEvents.get(WEU_RG, WEU, 'live-main')).resourceState).toBe('Running');
    const outputs = [];
    for await (const o of media().liveOutputs.list(WEU_RG, WEU, 'live-main')) outputs.push(o.name);
    expect(outputs).toEqual([]);
    // The recording's asset stays.
    expect((await media().assets.get(WEU_RG, WEU, 'live-main-archive')).name).toBe('live-main-archive');
  });

  it('refuses a job whose input or output assets do not exist, and a JobInputHttp without readable files', async () => {
    const transform = 'adaptive-1080p';
    const out = { odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'promo-2026-11-23-out' } as JobOutputAsset;
    const inputAsset = await rejection(media().jobs.create(WEU_RG, WEU, transform, 'j1', { input: { odataType: '#Microsoft.Media.JobInputAsset', assetName: 'nope' } as Job['input'], outputs: [out] }));
    expect(inputAsset).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(inputAsset.message).toContain("'properties.input.assetName' names the asset 'nope'");
    const http = { odataType: '#Microsoft.Media.JobInputHttp', baseUri: 'https://media.contoso.example/masters/', files: ['a.mp4'] } as Job['input'];
    const outputAsset = await rejection(media().jobs.create(WEU_RG, WEU, transform, 'j2', { input: http, outputs: [{ ...out, assetName: 'gone' } as JobOutputAsset] }));
    expect(outputAsset.message).toContain("'properties.outputs[0].assetName' names the asset 'gone'");
    const noFiles = await rejection(media().jobs.create(WEU_RG, WEU, transform, 'j3', { input: { odataType: '#Microsoft.Media.JobInputHttp', baseUri: 'https://x.example/' } as Job['input'], outputs: [out] }));
    expect(noFiles).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent' });
    expect(noFiles.message).toBe("The field 'properties.input.files' is required for a JobInputHttp: list the files to read.");
    const relative = await rejection(media().jobs.create(WEU_RG, WEU, transform, 'j4', { input: { odataType: '#Microsoft.Media.JobInputHttp', files: ['a.mp4'] } as Job['input'], outputs: [out] }));
    expect(relative.message).toBe("The field 'properties.input.files[0]' must be an absolute http(s) URL when no baseUri is given, got 'a.mp4'.");
    // Absolute SAS URLs without a baseUri are how a standby reads another account's storage.
    const sas = await media().jobs.create(WEU_RG, WEU, transform, 'j5', {
      input: { odataType: '#Microsoft.Media.JobInputHttp', files: ['https://contosomediaweustore-secondary.blob.core.windows.net/asset-1/a.mp4?sv=2022-11-02&sp=rl&sig=x'] } as Job['input'],
      outputs: [out],
    });
    expect(sas.state).toBe('Queued');
  });

  it('lists an asset container SAS (read: sp=rl) until the expiry asked for', async () => {
    const expiry = new Date(Date.now() + 48 * 3600_000);
    const sas = await media().assets.listContainerSas(WEU_RG, WEU, 'live-main-archive', { permissions: 'Read', expiryTime: expiry });
    expect(sas.assetContainerSasUrls).toHaveLength(2);
    const url = new URL(sas.assetContainerSasUrls![0]!);
    expect(`${url.origin}${url.pathname}`).toBe('https://contosomediaweustore.blob.core.windows.net/asset-3b1f7c2e-0d4a-4e8b-9a61-5c2d8e7f1a01');
    expect(url.searchParams.get('sp')).toBe('rl');
    expect(url.searchParams.get('se')).toBe(expiry.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const past = await rejection(media().assets.listContainerSas(WEU_RG, WEU, 'live-main-archive', { permissions: 'Read', expiryTime: new Date(0) }));
    expect(past).toMatchObject({ statusCode: 400 });
    expect(past.message).toContain("'expiryTime'");
  });

  it('creates streaming locators on existing assets with a known policy, once, and lists the paths of what is recorded', async () => {
    const locator = await media().streamingLocators.create(WEU_RG, WEU, 'archive-clear', { assetName: 'live-main-archive', streamingPolicyName: 'Predefined_ClearStreamingOnly' });
    expect(locator).toMatchObject({ assetName: 'live-main-archive', streamingPolicyName: 'Predefined_ClearStreamingOnly', contentKeys: [] });
    const id = locator.streamingLocatorId!;
    const paths = await media().streamingLocators.listPaths(WEU_RG, WEU, 'archive-clear');
    expect(paths).toEqual({
      streamingPaths: [
        { streamingProtocol: 'Hls', encryptionScheme: 'NoEncryption', paths: [`/${id}/main.ism/manifest(format=m3u8-aapl)`] },
        { streamingProtocol: 'Dash', encryptionScheme: 'NoEncryption', paths: [`/${id}/main.ism/manifest(format=mpd-time-csf)`] },
        { streamingProtocol: 'SmoothStreaming', encryptionScheme: 'NoEncryption', paths: [`/${id}/main.ism/manifest`] },
      ],
      downloadPaths: [],
    });
    const again = await rejection(media().streamingLocators.create(WEU_RG, WEU, 'archive-clear', { assetName: 'live-main-archive', streamingPolicyName: 'Predefined_ClearStreamingOnly' }));
    expect(again).toMatchObject({ statusCode: 409, code: 'Conflict' });
    const noAsset = await rejection(media().streamingLocators.create(WEU_RG, WEU, 'x', { assetName: 'nope', streamingPolicyName: 'Predefined_ClearStreamingOnly' }));
    expect(noAsset.message).toContain("'properties.assetName' names the asset 'nope'");
    const noPolicy = await rejection(media().streamingLocators.create(WEU_RG, WEU, 'y', { assetName: 'live-main-archive', streamingPolicyName: 'Mine' }));
    expect(noPolicy.message).toContain("'properties.streamingPolicyName' names 'Mine'");
    // An asset nothing has recorded into has nothing to stream yet.
    await media().streamingLocators.create(WEU_RG, WEU, 'promo', { assetName: 'promo-2026-11-23-out', streamingPolicyName: 'Predefined_ClearStreamingOnly' });
    expect(await media().streamingLocators.listPaths(WEU_RG, WEU, 'promo')).toEqual({ streamingPaths: [], downloadPaths: [] });
  });

  it('updates a streaming endpoint and a live event with PATCH (tags replaced), without touching their state', async () => {
    const se = await media().streamingEndpoints.beginUpdateAndWait(NEU_RG, NEU, 'default', { location: 'northeurope', tags: { 'failover-started': 'inc-1' } }, FAST_LRO);
    expect(se).toMatchObject({ tags: { 'failover-started': 'inc-1' }, resourceState: 'Stopped', customHostNames: ['live.contoso.example'] });
    const le = await media().liveEvents.beginUpdateAndWait(NEU_RG, NEU, 'live-main', { location: 'northeurope', tags: {} }, FAST_LRO);
    expect(le).toMatchObject({ tags: {}, resourceState: 'Stopped' });
  });
});
