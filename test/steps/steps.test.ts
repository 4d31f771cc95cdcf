/**
 * The real activities against the Azure simulator with the sample catalog and estate, and the
 * incident orchestration driving them on the local durable runtime: a Service Health incident
 * for media-streaming flips its active-account pointer in App Configuration to the secondary,
 * and back after the incident is over.
 */
import { join } from 'node:path';
import * as df from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlert } from '../../lib/alerts/index.js';
import type { Catalog } from '../../lib/catalog/types.js';
import { summarizeSignal } from '../../lib/incidents/signals.js';
import type { IncidentSummary, WorkloadPlan } from '../../lib/incidents/types.js';
import { createActivities, runStepPhase } from '../../lib/steps/index.js';
import { TransientStepError, type StepDeps } from '../../lib/steps/deps.js';
import type { DeliveryTarget, IncidentNotification } from '../../lib/notify/index.js';
import { ACTIVITIES, COMMAND_EVENT, ORCHESTRATIONS } from '../../lib/incidents/contract.js';
import { incidentOrchestrator } from '../../orchestrations/incident.js';
import { playbookOrchestrator } from '../../orchestrations/playbook.js';
import { harness } from '../durable/support.js';
import { repoRoot } from '../support/fixtures.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { sampleCatalog, simStepDeps } from './support.js';
import { readFileSync } from 'node:fs';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;
const notifications: Array<{ targets: readonly DeliveryTarget[]; n: IncidentNotification }> = [];
const ledger = new Map<string, string>();
const timelines = new Map<string, number>();

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 3600 });
  catalog = await sampleCatalog();
  deps = simStepDeps(sim, catalog, {
    ledger: {
      lastFailover: async (id) => ledger.get(id) ?? null,
      recordFailover: async (id, at) => void ledger.set(id, typeof at === 'string' ? at : at.toISOString()),
    },
    notify: async (targets, n) => {
      notifications.push({ targets, n });
      return { delivered: targets.length, failed: 0 };
    },
    publicUrl: 'https://failover.contoso.example',
    lroPollMs: 10,
    saveTimeline: async (id, timeline) => void timelines.set(id, timeline.length),
  });

});
afterAll(() => sim.close());

const mediaAlert = () => {
  const parsed = parseAlert(readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};

const pointer = async () => (await sim.clients.appConfiguration(deps.appConfigurationEndpoint!).getConfigurationSetting({ key: 'media:activeAccount' })).value;

describe('planning and health activities', () => {
  it('plans the media-streaming workload from the sample catalog', async () => {
    const plan = await createActivities(deps).planIncident({ incidentId: 'x', signal: summarizeSignal(mediaAlert(), 'webhook') });
    expect(plan.reason).toBeNull();
    expect(plan.groups).toEqual([['media-streaming']]);
    expect(plan.workloads).toEqual([
      expect.objectContaining({
        id: 'media-streaming',
        trigger: 'auto',
        playbookKind: 'mediaServices',
        primaryRegion: 'westeurope',
        secondaryRegion: 'northeurope',
        resourceHealthConfirmation: true,
        dwellMs: 10 * 60_000,
        minIntervalMs: 4 * 3600_000,
        failbackAfterHealthyMs: 30 * 60_000,
        lastFailoverAt: null,
        // Media Services is retired: the incident's timeline says so after the decision.
        retirements: [
          'depends on a retired service: Media Services was retired on 2024-06-30 (https://azure.microsoft.com/updates/retirement-notice-azure-media-services-is-being-retired-on-30-june-2024/); move streaming and encoding to a partner solution and remove this workload once migrated',
        ],
      }),
    ]);
  });

  it('plans nothing, and says why, when only a secondary region is hit', async () => {
    const signal = summarizeSignal(mediaAlert(), 'webhook');
    signal.services = [{ name: 'Media Services', regions: ['northeurope'] }];
    const plan = await createActivities(deps).planIncident({ incidentId: 'x', signal });
    expect(plan).toEqual({ workloads: [], groups: [], reason: 'only the secondary side of media-streaming is affected', ignored: [], subscriptions: [] });
  });

  it('reads the primary resources’ health from Resource Health, and sees an outage', async () => {
    const plan = await createActivities(deps).planIncident({ incidentId: 'x', signal: summarizeSignal(mediaAlert(), 'webhook') });
    const check = () => createActivities(deps).checkPrimaryHealth({ workloads: plan.workloads as WorkloadPlan[] });
    expect(await check()).toEqual({ 'media-streaming': 'Available' });
    await sim.control('POST', '/_sim/regions/westeurope/outage', {});
    try {
      expect(await check()).toEqual({ 'media-streaming': 'Unavailable' });
    } finally {
      await sim.control('DELETE', '/_sim/regions/westeurope/outage');
    }
  });
});

describe('the active-pointer step', () => {
  const step = (phase: 'precheck' | 'action' | 'verify' | 'compensate', direction: 'failover' | 'failback' = 'failover', workloadId = 'media-streaming') =>
    runStepPhase(deps, { incidentId: 'x', workloadId, playbookKind: 'mediaServices', direction, step: 'flip-active-pointer', phase });

  it('flips, verifies, recognises it is done, and compensates', async () => {
    expect(await pointer()).toBe('contosomediaweu');
    expect(await step('precheck')).toEqual({ ok: true, outcome: 'needed', detail: "'media:activeAccount' is 'contosomediaweu'; set it to 'contosomedianeu'", resources: ['media:activeAccount'] });
    // Set by the app: nothing left for people.
    expect(await step('action')).toEqual({ ok: true, outcome: 'done', detail: "'media:activeAccount' set to 'contosomedianeu'" });
    expect(await step('verify')).toMatchObject({ ok: true, outcome: 'verified' });
    expect(await step('precheck')).toMatchObject({ ok: true, outcome: 'already-done' });
    expect(await step('compensate')).toEqual({ ok: true, outcome: 'compensated', detail: "'media:activeAccount' set back to 'contosomediaweu'" });
    expect(await pointer()).toBe('contosomediaweu');
  });

  /**
   * Step dependencies whose App Configuration client lets a person set `media:activeAccount` to
   * `value` (through a client of their own) right after the step's first read: the race a
   * conditional write exists for.
   */
  const racedBy = (value: string): StepDeps => {
    const real = sim.clients.appConfiguration(deps.appConfigurationEndpoint!);
    const person = sim.clients.appConfiguration(deps.appConfigurationEndpoint!);
    let raced = false;
    const client = new Proxy(real, {
      get(target, prop) {
        if (prop === 'getConfigurationSetting') {
          return async (...args: Parameters<typeof real.getConfigurationSetting>) => {
            const got = await target.getConfigurationSetting(...args);
            if (!raced) {
              raced = true;
              await person.setConfigurationSetting({ key: 'media:activeAccount', value });
            }
            return got;
          };
        }
        const member = Reflect.get(target, prop) as unknown;
        return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
      },
    });
    return { ...deps, clients: { ...sim.clients, appConfiguration: () => client } };
  };
  const setPointer = (value: string) => sim.clients.appConfiguration(deps.appConfigurationEndpoint!).setConfigurationSetting({ key: 'media:activeAccount', value });
  const phase = (d: StepDeps, p: 'action' | 'compensate') =>
    runStepPhase(d, { incidentId: 'x', workloadId: 'media-streaming', playbookKind: 'mediaServices', direction: 'failover', step: 'flip-active-pointer', phase: p });

  it('does not overwrite a value someone set between its read and its write, and tells the channels', async () => {
    const before = notifications.length;
    try {
      expect(await phase(racedBy('contosomediamanual'), 'action')).toEqual({
        ok: false,
        reason: 'PointerChangedMeanwhile',
        detail: "someone changed 'media:activeAccount' from 'contosomediaweu' to 'contosomediamanual' meanwhile; not overwritten (told 2 channel(s))",
      });
      expect(await pointer()).toBe('contosomediamanual');
      expect(notifications.slice(before).map(({ n }) => n)).toEqual([
        expect.objectContaining({
          type: 'action-required',
          workload: 'media-streaming',
          title: "media-streaming: 'media:activeAccount' was changed during the failover",
          actions: [
            "someone changed 'media:activeAccount' from 'contosomediaweu' to 'contosomediamanual' meanwhile; not overwritten with 'contosomedianeu'.",
            "Check which side media-streaming should run on, and set 'media:activeAccount' by hand if 'contosomediamanual' is not it.",
          ],
        }),
      ]);
    } finally {
      await setPointer('contosomediaweu');
    }
  });

  it('does not flip a value someone set before its write that is neither side it moves between', async () => {
    const before = notifications.length;
    await setPointer('contosomediamanual');
    try {
      expect(await step('action')).toEqual({
        ok: false,
        reason: 'PointerChangedMeanwhile',
        detail: "someone changed 'media:activeAccount' from 'contosomediaweu' to 'contosomediamanual' meanwhile; not overwritten (told 2 channel(s))",
      });
      expect(await pointer()).toBe('contosomediamanual');
      expect(notifications.slice(before).map(({ n }) => n.type)).toEqual(['action-required']);
    } finally {
      await setPointer('contosomediaweu');
    }
  });

  it('does not roll back over a value someone set after the flip', async () => {
    try {
      expect(await step('action')).toEqual({ ok: true, outcome: 'done', detail: "'media:activeAccount' set to 'contosomedianeu'" });
      expect(await phase(racedBy('contosomediamanual'), 'compensate')).toMatchObject({
        ok: false,
        reason: 'PointerChangedMeanwhile',
        detail: "someone changed 'media:activeAccount' from 'contosomedianeu' to 'contosomediamanual' meanwhile; not overwritten (told 2 channel(s))",
      });
      expect(await pointer()).toBe('contosomediamanual');
      // Read again, the value is not the flip's: nothing of the flip's is left to undo.
      expect(await step('compensate')).toEqual({ ok: true, outcome: 'compensated', detail: "nothing to undo: 'media:activeAccount' reads 'contosomediamanual', not 'contosomedianeu'" });
    } finally {
      await setPointer('contosomediaweu');
    }
  });

  it('keeps the content type and tags of the key it flips', async () => {
    const store = sim.clients.appConfiguration(deps.appConfigurationEndpoint!);
    await store.setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomediaweu', contentType: 'text/plain', tags: { owner: 'media' } });
    try {
      await step('action');
      expect(await store.getConfigurationSetting({ key: 'media:activeAccount' })).toMatchObject({ value: 'contosomedianeu', contentType: 'text/plain', tags: { owner: 'media' } });
    } finally {
      await store.setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomediaweu' });
    }
  });

  it('fails the step, naming the setting, when the app has no App Configuration endpoint: a failover is not done while the workload reads the old side', async () => {
    const unset = (p: 'precheck' | 'action') =>
      runStepPhase({ ...deps, appConfigurationEndpoint: null }, { incidentId: 'x', workloadId: 'media-streaming', playbookKind: 'mediaServices', direction: 'failover', step: 'flip-active-pointer', phase: p });
    const refusal = { ok: false, reason: 'AppConfigurationNotConfigured', detail: "set APP_CONFIGURATION_ENDPOINT so 'media:activeAccount' can be flipped" };
    expect(await unset('precheck')).toEqual(refusal);
    expect(await unset('action')).toEqual(refusal);
    expect(await pointer()).toBe('contosomediaweu');
  });

  it('has nothing to flip for a Data Share workload', async () => {
    expect(await step('precheck', 'failover', 'datashare-sales')).toMatchObject({ ok: true, outcome: 'already-done' });
  });

  it('throws a transient error while App Configuration is down, so the activity is retried', async () => {
    await sim.control('POST', '/_sim/regions/westus3/outage', {});
    try {
      await expect(step('precheck')).rejects.toBeInstanceOf(TransientStepError);
    } finally {
      await sim.control('DELETE', '/_sim/regions/westus3/outage');
    }
  });
});

describe('incident orchestration with the real activities', () => {
  it('fails media-streaming over to northeurope and back, flipping the pointer once each way', async () => {
    const activities = createActivities(deps);
    for (const [name, handler] of Object.entries(activities)) df.app.activity(name, { handler: handler as (input: unknown) => Promise<unknown> });
    df.app.orchestration(ORCHESTRATIONS.incident, incidentOrchestrator);
    df.app.orchestration(ORCHESTRATIONS.playbook, playbookOrchestrator);
    expect(Object.keys(activities).sort()).toEqual(Object.keys(ACTIVITIES).sort());

    const h = harness();
    // Only this incident's notifications: the pointer tests above told the channels too.
    notifications.length = 0;
    const signal = summarizeSignal(mediaAlert(), 'webhook');
    // The primary account is down from the start, as Resource Health will confirm.
    await sim.control('POST', '/_sim/regions/westeurope/outage', {});
    const since = ((await sim.control('GET', '/_sim/operations')).body as Array<{ seq: number }>).at(-1)?.seq ?? 0;
    h.runtime.start(ORCHESTRATIONS.incident, { incidentId: 'inc-media', signal, mode: 'execute', kind: 'unplanned', timing: { healthPollMs: 5 * 60_000 } }, 'inc-media');
    for (let i = 0; i < 6 && (await pointer()) !== 'contosomedianeu'; i++) {
      await h.runtime.idle();
      h.clock.advanceToNext();
    }
    await h.runtime.idle();
    expect(await pointer()).toBe('contosomedianeu');
    expect(ledger.get('media-streaming')).toBeDefined();

    await sim.control('DELETE', '/_sim/regions/westeurope/outage');
    h.runtime.raiseEvent('inc-media', COMMAND_EVENT, { type: 'signal', signal: { ...signal, dedupeKey: 'resolved', lifecycle: 'resolved', stage: 'Resolved' } });
    for (let i = 0; i < 20; i++) {
      await h.runtime.idle();
      if (JSON.stringify(h.runtime.get('inc-media')!.customStatus).includes('approval-requested')) break;
      h.clock.advanceToNext();
    }
    h.runtime.raiseEvent('inc-media', COMMAND_EVENT, { type: 'approval', decision: { approved: true, by: 'alice', comment: null } });
    await h.run();
    const summary = h.runtime.get('inc-media')!.output as IncidentSummary;
    expect(summary.outcome).toBe('failed-over-and-back');
    expect(await pointer()).toBe('contosomediaweu');
    const writes = ((await sim.control('GET', `/_sim/operations?since=${since}`)).body as Array<{ operation: string; status: number; caller: string }>).filter(
      (o) => o.operation.includes('keyValues/write'),
    );
    expect(writes.map((w) => [w.status, w.caller])).toEqual([
      [200, 'tests'],
      [200, 'tests'],
    ]);
    expect(notifications.map((n) => n.n.type)).toEqual([
      'incident-opened',
      'impact-confirmed',
      'playbook-started',
      'failover-done',
      'approval-needed',
      'playbook-started',
      'failback-done',
    ]);
    const approval = notifications.find((n) => n.n.type === 'approval-needed')!.n;
    expect(approval).toMatchObject({
      incidentId: 'inc-media',
      workloads: ['media-streaming'],
      region: 'westeurope',
      secondaryRegion: 'northeurope',
      direction: 'failback',
      approveUrl: 'https://failover.contoso.example/api/incidents/inc-media/approve',
      rejectUrl: 'https://failover.contoso.example/api/incidents/inc-media/reject',
      statusUrl: 'https://failover.contoso.example/api/incidents/inc-media',
      trackingId: '7TQ2-RX8',
    });
    expect(notifications.find((n) => n.n.type === 'playbook-started')!.n).toMatchObject({
      direction: 'failover',
      workload: 'media-streaming',
      steps: [
        'Check the secondary Media Services account answers',
        'Make sure the transforms exist on the secondary, as defined',
        'Start the secondary streaming endpoints',
        'Start the secondary live events (and report their ingest and playback URLs)',
        'Resubmit queued and processing encoding jobs to the secondary',
        'Point the app at the other side (App Configuration)',
        'Send viewers to the secondary (Traffic Manager)',
      ],
    });
    expect(notifications[0]!.targets.map((t) => t.kind)).toEqual(['email', 'teams']);
    expect(timelines.get('inc-media')).toBe(summary.timeline.length);
  });
});
