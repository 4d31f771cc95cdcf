/**
 * The Media Services playbook's steps against the simulator's sample estate, phase by phase:
 * what each finds, does and checks, that a second run finds the work done, and what happens
 * when the primary does not answer.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { Direction, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { runPlaybook, sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;

const ACCT_NEU = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu';
const TM = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream';

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

describe('the Media Services playbook against the sample estate', () => {
  it('fails over: transforms, endpoints, live events, jobs, pointer, traffic; then nothing is left to do', async () => {
    // Slow enough that the seeded processing job (two minutes of Azure time) is still running when
    // the resubmission reads the list, however loaded the machine: three seconds of real time.
    await sim.close();
    await start(40);
    // The seeded queued job moves on by itself as simulated time passes.
    expect(await run('resubmit-jobs', 'precheck')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: expect.stringMatching(/^resubmit promo-2026-11-23 \(Processing\), keynote-replay \((Queued|Scheduled|Processing)\)$/),
    });
    // Resubmitted now, while they are still pending (the job needs its transform on the secondary first).
    expect(await run('ensure-transforms', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'missing: adaptive-1080p' });
    await run('ensure-transforms', 'action');
    expect(await run('resubmit-jobs', 'action')).toEqual({
      ok: true,
      outcome: 'done',
      detail: 'resubmitted to contosomedianeu: adaptive-1080p/promo-2026-11-23, adaptive-1080p/keynote-replay',
    });
    expect(await run('start-streaming-endpoints', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'start default' });

    expect(await playbook('failover')).toEqual({
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
    expect(sim.sim.store.get(`${ACCT_NEU}/liveEvents/live-main/liveOutputs/failover`)).toBeDefined();
    expect(sim.sim.store.get(`${ACCT_NEU}/transforms/adaptive-1080p/jobs/keynote-replay`)!.properties['priority']).toBe('High');
    expect(state(`${TM}/externalEndpoints/neu`)['endpointStatus']).toBe('Enabled');
    expect(state(`${TM}/externalEndpoints/weu`)['endpointStatus']).toBe('Disabled');

    const live = await run('start-live-events', 'precheck');
    expect(live).toEqual({ ok: true, outcome: 'already-done', detail: 'already live; encoders ingest at: live-main rtmp://live-main-contosomedianeu.channel.media.azure.net:1935/live/91b0e3f4' });
    // A second run of the whole playbook finds every step done.
    const again = await playbook('failover');
    expect(Object.entries(again).filter(([name, outcome]) => name !== 'announce' && name !== 'check-account' && outcome !== 'already-done')).toEqual([]);
  });

  it('fails back: traffic and pointer back, then the secondary stops costing money; transforms stay', async () => {
    await playbook('failover');
    expect(await playbook('failback')).toEqual({
      announce: 'done',
      'check-account': 'done',
      'resubmit-jobs': 'already-done',
      'flip-active-pointer': 'done',
      'switch-traffic': 'done',
      'stop-live-events': 'done',
      'stop-streaming-endpoints': 'done',
    });
    expect(state(`${ACCT_NEU}/streamingEndpoints/default`)['resourceState']).toBe('Stopped');
    expect(state(`${ACCT_NEU}/liveEvents/live-main`)['resourceState']).toBe('Stopped');
    expect(sim.sim.store.get(`${ACCT_NEU}/transforms/adaptive-1080p`)).toBeDefined();
    expect(state(`${TM}/externalEndpoints/weu`)['endpointStatus']).toBe('Enabled');
    expect(state(`${TM}/externalEndpoints/neu`)['endpointStatus']).toBe('Disabled');
  });

  it('with the primary down: transforms come from the catalog, jobs are skipped and said so', async () => {
    await sim.control('POST', '/_sim/regions/westeurope/outage', {});
    expect(await run('resubmit-jobs', 'precheck')).toEqual({
      ok: true,
      outcome: 'skipped',
      detail: "contosomediaweu does not answer, so its queued jobs cannot be read; resubmit them from the submitting app's records",
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
