/**
 * The Media Services playbook's steps against the simulator's sample estate, phase by phase:
 * what each finds, does and checks, that a second run finds the work done, and what happens
 * when the primary does not answer.
 */
import type { Job, JobOutputAsset } from '@azure/arm-mediaservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { Direction, StepPhase, StepResult, TodoItem } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { runPlaybook, runPlaybookWithTodo, sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;

const ACCT_NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu';
const ACCT_WEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu';
const TM = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream';
const INGEST_NEU = 'rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4';
const INGEST_WEU = 'rtmp://live-main-contosomediaweu.channel.media.azure.net:1935/live/6d1c6d8e';

/** What encoders must be pointed at once live-main ingests on `account`. */
const ingestTodo = (account: 'contosomedianeu' | 'contosomediaweu'): TodoItem => ({
  kind: 'ingest-url',
  text: `Point the encoders of live-main at ${account === 'contosomedianeu' ? INGEST_NEU : INGEST_WEU}: live-main ingests on ${account} now`,
  url: account === 'contosomedianeu' ? INGEST_NEU : INGEST_WEU,
  resourceId: `${account === 'contosomedianeu' ? ACCT_NEU : ACCT_WEU}/liveEvents/live-main`,
});

async function start(timeScale = 200): Promise<void> {
  // Fast enough that endpoints start in a second.
  sim = await startSimulator({ timeScale });
  catalog = await sampleCatalog();
  deps = simStepDeps(sim, catalog);

}

beforeEach(async () => {
  await sim?.close();
  await start();
});
afterAll(() => sim?.close());

const run = (step: string, phase: StepPhase, direction: Direction = 'failover'): Promise<StepResult> =>
  runStepPhase(deps, { incidentId: 'inc-1', workloadId: 'media-streaming', playbookKind: 'mediaServices', direction, step, phase });

const state = (id: string) => (sim.sim.store.get(id)!.properties as Record<string, unknown>);

/** Runs a direction's steps as the playbook orchestration would: precheck, then action and verify where needed. */
const playbook = (direction: Direction) => runPlaybook('mediaServices', direction, run);

/** The HLS and DASH URLs of live-main's failover recording on the viewers' host name: what players must be given. */
function recordingTodo(): TodoItem[] {
  const id = String(state(`${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`)['streamingLocatorId']);
  const hls = `https://live.contoso.example/${id}/failover.ism/manifest(format=m3u8-aapl)`;
  const dash = `https://live.contoso.example/${id}/failover.ism/manifest(format=mpd-time-csf)`;
  const about = { resourceId: `${ACCT_NEU}/streamingLocators/live-main-failover-inc-1` };
  return [
    { kind: 'playback-url', text: `Give players the HLS URL of live-main's recording on contosomedianeu: ${hls}`, url: hls, ...about },
    { kind: 'playback-url', text: `Give players the DASH URL of live-main's recording on contosomedianeu: ${dash}`, url: dash, ...about },
  ];
}

describe('the Media Services playbook against the sample estate', () => {
  it('fails over: transforms, endpoints, live events, jobs, pointer, traffic; then nothing is left to do', async () => {
    // Slow enough that the seeded processing job (two minutes of Azure time) is still running when
    // the resubmission reads the list, however loaded the machine: three seconds of real time.
    await sim.close();
    await start(40);
    // The seeded queued job moves on by itself as simulated time passes.
    // The precheck names what the action is about to create, for the live progress view.
    expect(await run('resubmit-jobs', 'precheck')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: expect.stringMatching(/^resubmit promo-2026-11-23 \(Processing\), keynote-replay \((Queued|Scheduled|Processing)\)$/),
      resources: [`${ACCT_NEU}/transforms/adaptive-1080p/jobs/promo-2026-11-23`, `${ACCT_NEU}/transforms/adaptive-1080p/jobs/keynote-replay`],
    });
    // Resubmitted now, while they are still pending (the job needs its transform on the secondary first).
    expect(await run('ensure-transforms', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'missing: adaptive-1080p', resources: [`${ACCT_NEU}/transforms/adaptive-1080p`] });
    await run('ensure-transforms', 'action');
    expect(await run('resubmit-jobs', 'action')).toEqual({
      ok: true,
      outcome: 'done',
      detail:
        'resubmitted to contosomedianeu: adaptive-1080p/keynote-replay → keynote-replay-out-contosomedianeu; adaptive-1080p/promo-2026-11-23 → promo-2026-11-23-out-contosomedianeu',
    });
    // New output assets on the secondary, never the primary's names; the HTTP input is read as
    // Media Services answered it (with its empty input definitions) and the output keeps its label.
    const moved = sim.sim.store.get(`${ACCT_NEU}/transforms/adaptive-1080p/jobs/keynote-replay`)!.properties;
    expect(moved['outputs']).toMatchObject([{ '@odata.type': '#Microsoft.Media.JobOutputAsset', assetName: 'keynote-replay-out-contosomedianeu', label: 'BuiltInStandardEncoderPreset_0' }]);
    expect(moved['input']).toEqual({ '@odata.type': '#Microsoft.Media.JobInputHttp', baseUri: 'https://media.contoso.example/masters/', files: ['keynote.mp4'], inputDefinitions: [] });
    expect(sim.sim.store.get(`${ACCT_NEU}/assets/keynote-replay-out-contosomedianeu`)).toBeDefined();
    expect(await run('start-streaming-endpoints', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'start default', resources: [`${ACCT_NEU}/streamingEndpoints/default`] });

    const { outcomes, todo } = await runPlaybookWithTodo('mediaServices', 'failover', run);
    expect(outcomes).toEqual({
      announce: 'done',
      'check-account': 'done',
      'ensure-transforms': 'already-done',
      'start-streaming-endpoints': 'done',
      'start-live-events': 'done',
      'resubmit-jobs': 'already-done',
      'flip-active-pointer': 'done',
      'switch-traffic': 'done',
    });
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['resourceState']).toBe('Running');
    expect(state(`${ACCT_NEU}/liveEvents/live-main`)['resourceState']).toBe('Running');
    // The output records into an asset created first, with a clear locator, and the failover's record is on what it started.
    expect(state(`${ACCT_NEU}/liveEvents/live-main/liveOutputs/failover`)['assetName']).toBe('live-main-failover-inc-1');
    expect(sim.sim.store.get(`${ACCT_NEU}/assets/live-main-failover-inc-1`)).toBeDefined();
    expect(state(`${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`)).toMatchObject({ assetName: 'live-main-failover-inc-1', streamingPolicyName: 'Predefined_ClearStreamingOnly' });
    expect(sim.sim.store.get(`${ACCT_NEU}/streamingEndpoints/default`)!.tags).toEqual({ 'failover-started-by': 'inc-1' });
    expect(sim.sim.store.get(`${ACCT_NEU}/liveEvents/live-main`)!.tags).toEqual({ 'failover-started-by': 'inc-1' });
    expect(sim.sim.store.get(`${ACCT_NEU}/transforms/adaptive-1080p/jobs/keynote-replay`)!.properties['priority']).toBe('High');
    expect(state(`${TM}/externalEndpoints/neu`)['endpointStatus']).toBe('Enabled');
    expect(state(`${TM}/externalEndpoints/weu`)['endpointStatus']).toBe('Disabled');
    // Left for people: the encoders and the players; every job moved, viewers moved by Traffic Manager.
    expect(todo).toEqual({ 'start-live-events': [ingestTodo('contosomedianeu'), ...recordingTodo()] });

    // Already live, the same URLs still apply: the precheck says them again.
    const live = await run('start-live-events', 'precheck');
    expect(live).toEqual({
      ok: true,
      outcome: 'already-done',
      detail: 'already live; encoders ingest at: live-main rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4',
      todo: [ingestTodo('contosomedianeu'), ...recordingTodo()],
    });
    // A second run of the whole playbook finds every step done.
    const again = await playbook('failover');
    expect(Object.entries(again).filter(([name, outcome]) => name !== 'announce' && name !== 'check-account' && outcome !== 'already-done')).toEqual([]);
  });

  it('reports where viewers play the failover recording: the viewers\' host name and the endpoint, HLS and DASH', async () => {
    await run('start-streaming-endpoints', 'action');
    const result = await run('start-live-events', 'action');
    const id = String(state(`${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`)['streamingLocatorId']);
    const hls = `/${id}/failover.ism/manifest(format=m3u8-aapl)`;
    const dash = `/${id}/failover.ism/manifest(format=mpd-time-csf)`;
    expect(result).toEqual({
      ok: true,
      outcome: 'done',
      detail:
        'live; point encoders at: live-main rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4; playback: live-main: ' +
        [`https://live.contoso.example${hls}`, `https://live.contoso.example${dash}`, `https://default-contosomedianeu-euno.streaming.media.azure.net${hls}`, `https://default-contosomedianeu-euno.streaming.media.azure.net${dash}`].join(' '),
      todo: [ingestTodo('contosomedianeu'), ...recordingTodo()],
    });
  });

  it('lists a live event\'s outputs once in the action when it was at rest: its recording is made before its start, and nothing is listed again after it', async () => {
    await run('start-streaming-endpoints', 'action');
    sim.sim.traffic.clear();
    expect(await run('start-live-events', 'action')).toMatchObject({ ok: true, outcome: 'done' });
    // One list before the start, and the read of the created output that ends its operation.
    expect(sim.sim.traffic.get('Microsoft.Media/liveOutputs/read')?.requests).toBe(2);
    expect(state(`${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`)).toMatchObject({ assetName: 'live-main-failover-inc-1' });
  });

  it('writes a live event\'s recording as asset, then locator, then output: an event that has its failover output has its locator too', async () => {
    await run('start-streaming-endpoints', 'action');
    const since = sim.sim.log.list().at(-1)?.seq ?? 0;
    expect(await run('start-live-events', 'action')).toMatchObject({ ok: true, outcome: 'done' });
    const writes = sim.sim.log
      .list({ since })
      .filter((o) => /assets\/write|streamingLocators\/write|liveOutputs\/write|liveEvents\/start/.test(o.operation))
      .map((o) => o.operation.replace('Microsoft.Media/', ''));
    expect(writes).toEqual(['assets/write', 'streamingLocators/write', 'liveOutputs/write', 'liveEvents/start']);
  });

  it('fails back: the primary started first, viewers and pointer back, then the secondary put back as it was; transforms stay', async () => {
    await playbook('failover');
    const { outcomes, todo } = await runPlaybookWithTodo('mediaServices', 'failback', run);
    // The encoders go back to the primary's live event; nothing else is left for people.
    expect(todo).toEqual({ 'start-live-events': [ingestTodo('contosomediaweu')] });
    expect(outcomes).toEqual({
      announce: 'done',
      'check-account': 'done',
      'start-streaming-endpoints': 'already-done',
      'start-live-events': 'already-done',
      'resubmit-jobs': 'already-done',
      'flip-active-pointer': 'done',
      'switch-traffic': 'done',
      'stop-live-events': 'done',
      'stop-streaming-endpoints': 'done',
    });
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['resourceState']).toBe('Stopped');
    expect(state(`${ACCT_NEU}/liveEvents/live-main`)['resourceState']).toBe('Stopped');
    // No output is left running on the stopped event; the recording and its locator stay.
    expect(sim.sim.store.get(`${ACCT_NEU}/liveEvents/live-main/liveOutputs/failover`)).toBeUndefined();
    expect(sim.sim.store.get(`${ACCT_NEU}/streamingLocators/live-main-failover-inc-1`)).toBeDefined();
    expect(sim.sim.store.get(`${ACCT_NEU}/streamingEndpoints/default`)!.tags).toEqual({});
    expect(sim.sim.store.get(`${ACCT_NEU}/liveEvents/live-main`)!.tags).toEqual({});
    expect(sim.sim.store.get(`${ACCT_NEU}/transforms/adaptive-1080p`)).toBeDefined();
    expect(state(`${TM}/externalEndpoints/weu`)['endpointStatus']).toBe('Enabled');
    expect(state(`${TM}/externalEndpoints/neu`)['endpointStatus']).toBe('Disabled');
  });

  it('fails back only after starting the primary endpoints and live events and seeing them Running', async () => {
    await playbook('failover');
    // The outage left the primary stopped.
    Object.assign(state(`${ACCT_WEU}/streamingEndpoints/default`), { resourceState: 'Stopped' });
    Object.assign(state(`${ACCT_WEU}/liveEvents/live-main`), { resourceState: 'Stopped' });
    expect(await run('start-streaming-endpoints', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'needed', detail: 'start default', resources: [`${ACCT_WEU}/streamingEndpoints/default`] });
    expect(await run('start-live-events', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'needed', detail: 'start live-main', resources: [`${ACCT_WEU}/liveEvents/live-main`] });
    const outcomes = await playbook('failback');
    expect(outcomes).toMatchObject({ 'start-streaming-endpoints': 'done', 'start-live-events': 'done', 'switch-traffic': 'done' });
    expect(Object.keys(outcomes).indexOf('start-live-events')).toBeLessThan(Object.keys(outcomes).indexOf('switch-traffic'));
    expect(state(`${ACCT_WEU}/streamingEndpoints/default`)['resourceState']).toBe('Running');
    expect(state(`${ACCT_WEU}/liveEvents/live-main`)['resourceState']).toBe('Running');
    // The primary's own output is its own: no failover output is made there.
    expect(sim.sim.store.get(`${ACCT_WEU}/liveEvents/live-main/liveOutputs/failover`)).toBeUndefined();
  });

  it('restores the standby exactly: what ran before the failover keeps running, at its own scale', async () => {
    // A warm standby already serving, larger than the catalog asks, with a live event of its own.
    Object.assign(state(`${ACCT_NEU}/streamingEndpoints/default`), { resourceState: 'Running', scaleUnits: 1 });
    Object.assign(state(`${ACCT_NEU}/liveEvents/live-main`), { resourceState: 'Running' });
    await playbook('failover');
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['scaleUnits']).toBe(0);
    expect(sim.sim.store.get(`${ACCT_NEU}/streamingEndpoints/default`)!.tags).toEqual({ 'failover-scale-units-before': '1' });
    expect(await run('stop-live-events', 'action', 'failback')).toEqual({ ok: true, outcome: 'done', detail: 'live-main: deleted its failover output, left Running (it ran before the failover)' });
    expect(await run('stop-streaming-endpoints', 'action', 'failback')).toEqual({ ok: true, outcome: 'done', detail: 'default left Running, back to 1 scale units' });
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)).toMatchObject({ resourceState: 'Running', scaleUnits: 1 });
    expect(state(`${ACCT_NEU}/liveEvents/live-main`)['resourceState']).toBe('Running');
    expect(sim.sim.store.get(`${ACCT_NEU}/liveEvents/live-main/liveOutputs/failover`)).toBeUndefined();
    expect(await run('stop-streaming-endpoints', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'already-done', detail: 'no secondary streaming endpoint carries a failover record: nothing to stop or rescale' });
  });

  it('refuses to move viewers to endpoints that do not list their host name, saying what the customer must do', async () => {
    Object.assign(state(`${ACCT_NEU}/streamingEndpoints/default`), { customHostNames: ['other.contoso.example'] });
    expect(await run('switch-traffic', 'precheck')).toEqual({
      ok: false,
      reason: 'CustomHostNameMissing',
      detail:
        'viewers stay where they are: streaming endpoint default of contosomedianeu does not list live.contoso.example in customHostNames, so it would refuse the viewers sent to it: ' +
        'create the CNAME 0a7c3e9b-52e4-4f0c-8a6d-6e8f1d2c3b02.contoso.example → verifydns.media.azure.net, then add live.contoso.example to the endpoint\'s customHostNames',
    });
    expect(state(`${TM}/externalEndpoints/neu`)['endpointStatus']).toBe('Disabled');
  });

  it('without a Traffic Manager profile, leaves people to point players at the streaming endpoints serving now', async () => {
    const noTm = { ...catalog, workloads: catalog.workloads.map((w) => (w.id === 'media-streaming' && w.playbook.kind === 'mediaServices' ? { ...w, playbook: { ...w.playbook, trafficManager: null } } : w)) };
    deps = simStepDeps(sim, noTm);
    await run('start-streaming-endpoints', 'action');
    expect(await run('switch-traffic', 'precheck')).toEqual({
      ok: true,
      outcome: 'already-done',
      detail: 'no Traffic Manager profile in the catalog',
      todo: [
        {
          kind: 'playback-url',
          text: 'Point players of media-streaming at https://default-contosomedianeu-euno.streaming.media.azure.net: no Traffic Manager profile moves viewers, and streaming endpoint default of contosomedianeu serves them now',
          url: 'https://default-contosomedianeu-euno.streaming.media.azure.net',
          resourceId: `${ACCT_NEU}/streamingEndpoints/default`,
        },
      ],
    });
  });

  it('names the Traffic Manager endpoints it is about to switch', async () => {
    expect(await run('switch-traffic', 'precheck')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: 'contoso-stream: enable neu (Disabled), disable weu (Enabled)',
      resources: [`${TM}/externalEndpoints/neu`, `${TM}/externalEndpoints/weu`],
    });
  });

  it('resubmits an asset job as HTTP input with a 48-hour read SAS on the geo-secondary storage, and reports one it cannot move', async () => {
    const client = deps.clients.media('11111111-1111-1111-1111-111111111111');
    await client.assets.createOrUpdate('rg-media-weu', 'contosomediaweu', 'master', {});
    await client.assets.createOrUpdate('rg-media-weu', 'contosomediaweu', 'master-out', {});
    const out = [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'master-out' } as JobOutputAsset];
    await client.jobs.create('rg-media-weu', 'contosomediaweu', 'adaptive-1080p', 'from-asset', { input: { odataType: '#Microsoft.Media.JobInputAsset', assetName: 'master', files: ['clip one.mp4'] } as Job['input'], outputs: out });
    await client.jobs.create('rg-media-weu', 'contosomediaweu', 'adaptive-1080p', 'whole-asset', { input: { odataType: '#Microsoft.Media.JobInputAsset', assetName: 'master' } as Job['input'], outputs: out });
    await run('ensure-transforms', 'action');
    const result = await run('resubmit-jobs', 'action');
    expect(result).toMatchObject({ ok: true, outcome: 'done' });
    expect(result.detail).toContain('adaptive-1080p/from-asset → master-out-contosomedianeu');
    expect(result.detail).toContain(
      "not resubmitted: adaptive-1080p/whole-asset: its input is the whole asset master of contosomediaweu, whose file names ARM does not list: resubmit it from the submitting app's records",
    );
    // The job it could not move is on the checklist, named, with why; the one it moved is not.
    expect(result).toMatchObject({
      todo: [
        {
          kind: 'resubmit-job',
          text: "adaptive-1080p/whole-asset was not resubmitted to contosomedianeu: its input is the whole asset master of contosomediaweu, whose file names ARM does not list: resubmit it from the submitting app's records",
          resourceId: `${ACCT_WEU}/transforms/adaptive-1080p/jobs/whole-asset`,
        },
      ],
    });
    expect((result as { todo: TodoItem[] }).todo).toHaveLength(1);
    const input = state(`${ACCT_NEU}/transforms/adaptive-1080p/jobs/from-asset`)['input'] as { '@odata.type': string; files: string[] };
    expect(input['@odata.type']).toBe('#Microsoft.Media.JobInputHttp');
    const url = new URL(input.files[0]!);
    const container = String(state(`${ACCT_WEU}/assets/master`)['container']);
    expect(`${url.origin}${url.pathname}`).toBe(`https://contosomediaweustore-secondary.blob.core.windows.net/${container}/clip%20one.mp4`);
    expect(url.searchParams.get('sp')).toBe('rl');
    expect(Date.parse(url.searchParams.get('se')!) - deps.now().getTime()).toBeGreaterThan(47.9 * 3_600_000);
    expect(await run('resubmit-jobs', 'verify')).toMatchObject({ ok: true, outcome: 'verified' });
  });

  it('re-signs a blob input of the primary storage (Azure returns it without its SAS) on the geo-secondary, and reports blob inputs it cannot sign', async () => {
    const client = deps.clients.media('11111111-1111-1111-1111-111111111111');
    await client.assets.createOrUpdate('rg-media-weu', 'contosomediaweu', 'master', {});
    await client.assets.createOrUpdate('rg-media-weu', 'contosomediaweu', 'master-out', {});
    const container = String(state(`${ACCT_WEU}/assets/master`)['container']);
    const out = [{ odataType: '#Microsoft.Media.JobOutputAsset', assetName: 'master-out' } as JobOutputAsset];
    const http = (name: string, input: Record<string, unknown>) =>
      client.jobs.create('rg-media-weu', 'contosomediaweu', 'adaptive-1080p', name, { input: { odataType: '#Microsoft.Media.JobInputHttp', ...input } as Job['input'], outputs: out });
    await http('from-blob', { baseUri: `https://contosomediaweustore.blob.core.windows.net/${container}/`, files: ['clip.mp4?sv=2022-11-02&sp=r&sig=original'] });
    await http('elsewhere', { files: ['https://partnerstore.blob.core.windows.net/masters/intro.mp4?sv=2022-11-02&sp=r&sig=partner'] });
    await http('no-asset', { files: ['https://contosomediaweustore.blob.core.windows.net/uploads/raw.mp4?sv=2022-11-02&sp=r&sig=upload'] });
    await run('ensure-transforms', 'action');
    const result = await run('resubmit-jobs', 'action');
    expect(result).toMatchObject({ ok: true, outcome: 'done' });
    expect(result.detail).toContain('adaptive-1080p/from-blob → master-out-contosomedianeu');
    expect(result.detail).toContain(
      'not resubmitted: adaptive-1080p/elsewhere: its input reads https://partnerstore.blob.core.windows.net/masters on Azure Blob Storage through a SAS that Azure does not return, ' +
        "and storage account partnerstore is not attached to contosomediaweu, so the playbook cannot sign another: resubmit it with a fresh SAS from the submitting app's records; " +
        'adaptive-1080p/no-asset: its input reads https://contosomediaweustore.blob.core.windows.net/uploads on Azure Blob Storage through a SAS that Azure does not return, ' +
        "and no asset of contosomediaweu holds that container, so the playbook cannot sign another: resubmit it with a fresh SAS from the submitting app's records",
    );
    const why = (input: string, because: string) =>
      `its input reads ${input} on Azure Blob Storage through a SAS that Azure does not return, and ${because}, so the playbook cannot sign another: resubmit it with a fresh SAS from the submitting app's records`;
    expect((result as { todo?: TodoItem[] }).todo).toEqual([
      {
        kind: 'resubmit-job',
        text: `adaptive-1080p/elsewhere was not resubmitted to contosomedianeu: ${why('https://partnerstore.blob.core.windows.net/masters', 'storage account partnerstore is not attached to contosomediaweu')}`,
        resourceId: `${ACCT_WEU}/transforms/adaptive-1080p/jobs/elsewhere`,
      },
      {
        kind: 'resubmit-job',
        text: `adaptive-1080p/no-asset was not resubmitted to contosomedianeu: ${why('https://contosomediaweustore.blob.core.windows.net/uploads', 'no asset of contosomediaweu holds that container')}`,
        resourceId: `${ACCT_WEU}/transforms/adaptive-1080p/jobs/no-asset`,
      },
    ]);
    const jobs = `${ACCT_NEU}/transforms/adaptive-1080p/jobs`;
    expect(sim.sim.store.get(`${jobs}/elsewhere`)).toBeUndefined();
    expect(sim.sim.store.get(`${jobs}/no-asset`)).toBeUndefined();
    // Every file an absolute URL on the geo-secondary, with a new 48-hour read SAS.
    const input = state(`${jobs}/from-blob`)['input'] as Record<string, unknown> & { files: string[] };
    expect(Object.keys(input).sort()).toEqual(['@odata.type', 'files', 'inputDefinitions']);
    expect(input.files).toHaveLength(1);
    const url = new URL(input.files[0]!);
    expect(`${url.origin}${url.pathname}`).toBe(`https://contosomediaweustore-secondary.blob.core.windows.net/${container}/clip.mp4`);
    expect(url.searchParams.get('sp')).toBe('rl');
    expect(url.searchParams.get('sig')).not.toBe('original');
    expect(Date.parse(url.searchParams.get('se')!) - deps.now().getTime()).toBeGreaterThan(47.9 * 3_600_000);
    expect(await run('resubmit-jobs', 'verify')).toMatchObject({ ok: true, outcome: 'verified' });
    // The standby can read it: the job finishes (a SAS-less blob input ends in DownloadNotAccessible).
    let job = await client.jobs.get('rg-media-neu', 'contosomedianeu', 'adaptive-1080p', 'from-blob');
    for (let i = 0; i < 100 && job.state !== 'Finished' && job.state !== 'Error'; i++) {
      await sleep(50);
      job = await client.jobs.get('rg-media-neu', 'contosomedianeu', 'adaptive-1080p', 'from-blob');
    }
    expect(job.state).toBe('Finished');
  });

  it('with the primary down: transforms come from the catalog, jobs are skipped and said so', async () => {
    await sim.control('POST', '/_sim/regions/westeurope/outage', {});
    expect(await run('resubmit-jobs', 'precheck')).toEqual({
      ok: true,
      outcome: 'skipped',
      detail: "contosomediaweu does not answer, so its queued jobs cannot be read; resubmit them from the submitting app's records",
      todo: [
        {
          kind: 'resubmit-job',
          text: "Resubmit the jobs contosomediaweu had queued or processing to contosomedianeu from the submitting app's records: contosomediaweu does not answer, so the playbook could not read them",
          resourceId: ACCT_WEU,
        },
      ],
    });
    expect(await run('ensure-transforms', 'action')).toEqual({ ok: true, outcome: 'done', detail: 'created adaptive-1080p on contosomedianeu' });
    expect(await run('ensure-transforms', 'verify')).toMatchObject({ ok: true, outcome: 'verified' });
  });

  it('compensates a started streaming endpoint and a traffic switch', async () => {
    await run('start-streaming-endpoints', 'action');
    expect(await run('start-streaming-endpoints', 'compensate')).toEqual({ ok: true, outcome: 'compensated', detail: 'stopped default' });
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['resourceState']).toBe('Stopped');
    await run('switch-traffic', 'action');
    expect(await run('switch-traffic', 'compensate')).toEqual({ ok: true, outcome: 'compensated', detail: 'contoso-stream: viewers back on weu' });
    expect(state(`${TM}/externalEndpoints/weu`)['endpointStatus']).toBe('Enabled');
  });

  it('fails permanently, naming the fix, when a live event is missing on the secondary', async () => {
    sim.sim.store.delete(`${ACCT_NEU}/liveEvents/live-main`);
    expect(await run('start-live-events', 'precheck')).toEqual({
      ok: false,
      reason: 'LiveEventMissing',
      detail: "live-main do not exist on contosomedianeu: create them (with the encoders' ingest settings) before failing over",
    });
  });

  it('fails with the operation\'s own error when a streaming endpoint start fails after it was accepted', async () => {
    await sim.control('POST', '/_sim/faults', {
      operation: 'Microsoft.Media/streamingEndpoints/start',
      failOperation: true,
      code: 'StreamingEndpointStartFailed',
      message: 'The streaming endpoint could not allocate capacity.',
    });
    const result = await run('start-streaming-endpoints', 'action');
    expect(result).toEqual({ ok: false, reason: 'StreamingEndpointStartFailed', detail: 'default: The streaming endpoint could not allocate capacity.' });
    // The list showed it back at rest short of Running, so the operation itself was asked why.
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['resourceState']).toBe('Stopped');
  });
});
