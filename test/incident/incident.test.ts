/**
 * The incident orchestration's decisions, on the local durable runtime and a virtual clock.
 * The orchestration and playbook generators are the real ones, registered with `df.app.*`; the
 * activities here stand in for the catalog, Resource Health and the playbook steps so each
 * scenario can script what they answer (the end-to-end suite uses the real activities).
 */
import * as df from 'durable-functions';
import { beforeEach, describe, expect, it } from 'vitest';
import type { IncidentPlan, IncidentSummary, RunningPlaybooks, SignalSummary, StopRequest, TimelineEntry, Timing, WorkloadPlan } from '../../lib/incidents/types.js';
import type { StepDefinition, StepInput, StepResult } from '../../lib/playbooks/types.js';
import { ACTIVITIES, COMMAND_EVENT, ORCHESTRATIONS, runningPlaybookInstances, type ActivityTypes } from '../../lib/incidents/contract.js';
import { incidentOrchestrator } from '../../orchestrations/incident.js';
import { playbookOrchestrator } from '../../orchestrations/playbook.js';
import { harness, START } from '../durable/support.js';

// ── the scripted world ────────────────────────────────────────────────────────────────────────

interface World {
  plan: IncidentPlan;
  /** Health of each workload's primary, as a function of virtual time since START. */
  health: (workloadId: string, sinceStartMs: number) => 'Available' | 'Unavailable' | 'Degraded';
  /** How a step phase answers. */
  step: (input: StepInput) => StepResult;
  calls: { steps: string[]; notified: string[]; notices: Array<{ type: string } & Record<string, unknown>>; recorded: string[]; timelines: number; released: string[]; archived: ActivityTypes['archiveIncidentPage']['input'][] };
  /** What the archiveIncidentPage activity does (a test may make it throw). */
  archive: (input: ActivityTypes['archiveIncidentPage']['input']) => { name: string } | null;
  now: () => number;
  /** What the stopRequested activity answers: a cancel of the running failover, or null. */
  stop: StopRequest | null;
  /** Which incident holds each workload's failover. */
  heldBy: Record<string, string>;
}

let world: World;

df.app.orchestration(ORCHESTRATIONS.incident, incidentOrchestrator);
df.app.orchestration(ORCHESTRATIONS.playbook, playbookOrchestrator);
df.app.activity(ACTIVITIES.planIncident, { handler: () => world.plan });
df.app.activity(ACTIVITIES.checkPrimaryHealth, {
  handler: (input: { workloads: WorkloadPlan[] }) =>
    Object.fromEntries(input.workloads.map((w) => [w.id, world.health(w.id, world.now() - START)])),
});
const STEPS: StepDefinition[] = [
  { name: 'announce', title: 'Tell the on-call channel', deadlineMs: 60_000, compensable: false },
  { name: 'start-secondary', title: 'Start the secondary', deadlineMs: 600_000, compensable: true },
  { name: 'flip-pointer', title: 'Flip the active-account pointer', deadlineMs: 60_000, compensable: true },
];
/** What the playbookSteps activity answers; a test may swap it and must put STEPS back. */
let stepList: StepDefinition[] = STEPS;
df.app.activity(ACTIVITIES.playbookSteps, { handler: () => stepList });
df.app.activity(ACTIVITIES.runStepPhase, {
  handler: (input: StepInput) => {
    world.calls.steps.push(`${input.direction}:${input.workloadId}:${input.step}:${input.phase}`);
    return world.step(input);
  },
});
df.app.activity(ACTIVITIES.notify, {
  handler: (input: { type: string } & Record<string, unknown>) => (world.calls.notified.push(input.type), world.calls.notices.push(input), { delivered: 1, failed: 0 }),
});
df.app.activity(ACTIVITIES.recordFailover, { handler: (input: { workloadId: string }) => (world.calls.recorded.push(input.workloadId), null) });
df.app.activity(ACTIVITIES.saveTimeline, { handler: () => ((world.calls.timelines += 1), null) });
df.app.activity(ACTIVITIES.stopRequested, { handler: () => world.stop });
df.app.activity(ACTIVITIES.holdWorkloads, {
  handler: (input: { incidentId: string; workloads: string[] }) => {
    const heldBy = Object.fromEntries(input.workloads.flatMap((w) => (world.heldBy[w] !== undefined && world.heldBy[w] !== input.incidentId ? [[w, world.heldBy[w]]] : [])));
    const held = input.workloads.filter((w) => heldBy[w] === undefined);
    for (const w of held) world.heldBy[w] = input.incidentId;
    return { held, heldBy };
  },
});
df.app.activity(ACTIVITIES.archiveIncidentPage, {
  handler: (input: ActivityTypes['archiveIncidentPage']['input']) => {
    world.calls.archived.push(input);
    return world.archive(input);
  },
});
df.app.activity(ACTIVITIES.releaseWorkloads, {
  handler: (input: { incidentId: string; workloads: string[] }) => {
    for (const w of input.workloads) if (world.heldBy[w] === input.incidentId) delete world.heldBy[w];
    world.calls.released.push(...input.workloads);
    return null;
  },
});

const MIN = 60_000;

function workload(overrides: Partial<WorkloadPlan> = {}): WorkloadPlan {
  return {
    id: 'media-streaming',
    trigger: 'auto',
    playbookKind: 'mediaServices',
    primaryRegion: 'westeurope',
    secondaryRegion: 'northeurope',
    providerManaged: false,
    resourceHealthConfirmation: true,
    dwellMs: 10 * MIN,
    minIntervalMs: 240 * MIN,
    failbackAfterHealthyMs: 30 * MIN,
    approvalTimeoutMs: 30 * MIN,
    onApprovalTimeout: 'escalate',
    lastFailoverAt: null,
    dependsOn: [],
    ...overrides,
  };
}

const ok = (outcome: Extract<StepResult, { ok: true }>['outcome'] = 'done'): StepResult => ({ ok: true, outcome, detail: outcome });
const defaultStep = (input: StepInput): StepResult =>
  input.phase === 'precheck' ? ok('needed') : input.phase === 'verify' ? ok('verified') : input.phase === 'compensate' ? ok('compensated') : ok('done');

function signal(overrides: Partial<SignalSummary> = {}): SignalSummary {
  return {
    kind: 'serviceHealth',
    incidentKey: '7TQ2-RX8',
    dedupeKey: 'sh|7TQ2-RX8|1',
    lifecycle: 'active',
    stage: 'Active',
    title: 'Media Services - West Europe',
    eventTime: new Date(START).toISOString(),
    isSynthetic: false,
    health: null,
    services: [{ name: 'Media Services', regions: ['westeurope'] }],
    resourceIds: [],
    workloads: [],
    requestedBy: null,
    ...overrides,
  };
}

function setup(plan: Partial<IncidentPlan> = {}) {
  const h = harness();
  world = {
    plan: { workloads: [workload()], groups: [['media-streaming']], reason: null, ...plan },
    health: (_id, since) => (since < 2 * 3600_000 ? 'Unavailable' : 'Available'),
    step: defaultStep,
    calls: { steps: [], notified: [], notices: [], recorded: [], timelines: 0, released: [], archived: [] },
    archive: (input) => ({ name: `incidents/${input.incidentId}/page.html` }),
    now: () => h.clock.now(),
    stop: null,
    heldBy: {},
  };
  /** Without `version`, as an incident from before versioning (version 1). */
  const start = (first: SignalSummary = signal(), mode: 'execute' | 'plan' = 'execute', timing: Partial<Timing> = {}, version?: number) =>
    h.runtime.start(ORCHESTRATIONS.incident, { incidentId: 'inc-1', ...(version !== undefined ? { version } : {}), signal: first, mode, kind: 'unplanned', timing: { healthPollMs: 5 * MIN, ...timing } }, 'inc-1');
  const summary = () => h.runtime.get('inc-1')!.output as IncidentSummary;
  /** Runs until the clock reaches `ms` after START (or nothing is left). */
  const runFor = async (ms: number) => {
    for (;;) {
      await h.runtime.idle();
      const next = h.clock.nextAt();
      if (next === undefined || next > START + ms) return;
      h.clock.advanceTo(next);
    }
  };
  const raise = (type: 'signal' | 'approval' | 'cancel' | 'failback', value: unknown) => {
    const payload = type === 'signal' ? { type, signal: value } : type === 'approval' ? { type, decision: value } : type === 'cancel' ? { type, cancel: value } : { type, ...(value as object) };
    h.runtime.raiseEvent('inc-1', COMMAND_EVENT, payload);
  };
  return { h, start, summary, runFor, raise };
}

beforeEach(() => {
  world = undefined as unknown as World;
});

const types = (s: IncidentSummary) => s.timeline.map((t) => t.type);

describe('incident orchestration', () => {
  it('fails over once after the dwell time and Resource Health agree, and fails back after sustained health and approval', async () => {
    const t = setup();
    t.start();
    await t.runFor(5 * MIN);
    // Redeliveries and a new update arrive while confirming.
    t.raise('signal', signal());
    t.raise('signal', signal());
    t.raise('signal', signal({ dedupeKey: 'sh|7TQ2-RX8|2', stage: 'Active', title: 'update 1' }));
    await t.runFor(60 * MIN);
    expect(t.h.runtime.get('inc-1')!.status).toBe('Running');
    expect(world.calls.recorded).toEqual(['media-streaming']);
    expect(world.calls.steps.filter((s) => s.endsWith(':action'))).toEqual([
      'failover:media-streaming:announce:action',
      'failover:media-streaming:start-secondary:action',
      'failover:media-streaming:flip-pointer:action',
    ]);
    t.raise('signal', signal({ dedupeKey: 'sh|7TQ2-RX8|3', lifecycle: 'resolved', stage: 'Resolved' }));
    t.raise('signal', signal({ dedupeKey: 'sh|7TQ2-RX8|3', lifecycle: 'resolved', stage: 'Resolved' }));
    // Health returns at 2 h; failback waits for 30 min of it, then for approval.
    await t.runFor(2 * 3600_000 + 45 * MIN);
    expect(world.calls.notified).toContain('approval-needed');
    t.raise('approval', { approved: true, by: 'alice@contoso.example', comment: 'primary looks good' });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failed-over-and-back');
    expect(s.failover['media-streaming']!.ok).toBe(true);
    expect(s.failback['media-streaming']!.ok).toBe(true);
    expect(world.calls.steps.filter((x) => x.startsWith('failback:') && x.endsWith(':action'))).toHaveLength(3);
    expect(types(s)).toEqual([
      'signal', 'decision', 'planned', 'signal', 'confirmed', 'failover-started', 'failover-finished', 'signal', 'resolved',
      'failback-ready', 'approval-requested', 'approved', 'failback-started', 'failback-finished', 'completed',
    ]);
    expect(s.timeline.find((e) => e.type === 'confirmed')!.detail).toBe('still active after 10 min; Resource Health: media-streaming Unavailable');
    expect(s.timeline.find((e) => e.type === 'approved')!.detail).toBe('failback by alice@contoso.example: primary looks good');
    expect(s.timeToFailoverMs).toBe(10 * MIN);
    expect(world.calls.notified).toEqual(['incident-opened', 'impact-confirmed', 'failover-done', 'approval-needed', 'failback-done']);
    // Once in passing (ten entries in) and once at the end.
    expect(world.calls.timelines).toBe(2);
    const status = t.h.runtime.get('inc-1')!.customStatus as { duplicates: number; entries: number };
    expect(status.duplicates).toBe(3);
  });

  it('says in its timeline, after the decision, that a workload depends on a retired service', async () => {
    const line = 'depends on a retired service: Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics); run the pipeline on Azure Batch or another workflow service and remove this workload once migrated';
    const t = setup({ workloads: [workload({ reason: 'acted: Service Health outage', retirements: [line] })] });
    t.start();
    await t.runFor(MIN);
    const decisions = () => (t.h.runtime.get('inc-1')!.output as IncidentSummary | undefined)?.timeline.filter((e) => e.type === 'decision').map((e) => e.detail);
    // Cancelled while it confirms: the summary, timeline included, is its output.
    t.raise('cancel', { by: 'tests', reason: 'done looking' });
    await t.runFor(2 * MIN);
    expect(decisions()).toEqual(['media-streaming: acted: Service Health outage', `media-streaming: ${line}`]);
  });

  it('cancels when the incident resolves before confirmation, and never acts', async () => {
    const t = setup();
    t.start();
    await t.runFor(3 * MIN);
    t.raise('signal', signal({ dedupeKey: 'sh|2', lifecycle: 'resolved', stage: 'Resolved', title: 'mitigated' }));
    await t.h.run();
    expect(t.summary().outcome).toBe('cancelled-before-confirmation');
    expect(t.summary().timeline.at(-1)!.detail).toBe('cancelled-before-confirmation: recovered before confirmation: serviceHealth Resolved: mitigated');
    expect(world.calls.steps).toEqual([]);
  });

  it('ignores a Resource Health flap shorter than the dwell time', async () => {
    const t = setup();
    world.health = (_id, since) => (Math.floor(since / MIN) % 2 === 0 ? 'Unavailable' : 'Available');
    t.start(signal({ kind: 'resourceHealth', health: 'Unavailable', dedupeKey: 'rh|1', stage: 'Active' }));
    await t.runFor(1 * MIN);
    t.raise('signal', signal({ kind: 'resourceHealth', health: 'Available', lifecycle: 'resolved', dedupeKey: 'rh|2', stage: 'Resolved' }));
    await t.h.run();
    expect(t.summary().outcome).toBe('cancelled-before-confirmation');
    expect(world.calls.steps).toEqual([]);
  });

  it('waits on Resource Health after the dwell time when the primary still looks healthy', async () => {
    const t = setup();
    world.health = (_id, since) => (since < 25 * MIN ? 'Available' : 'Unavailable');
    t.start();
    await t.runFor(20 * MIN);
    expect(world.calls.steps).toEqual([]);
    await t.runFor(40 * MIN);
    expect(world.calls.recorded).toEqual(['media-streaming']);
    const confirmed = (t.h.runtime.get('inc-1')!.customStatus as { timeline: Array<{ type: string; at: string }> }).timeline.find((e) => e.type === 'confirmed')!;
    expect(confirmed.at).toBe(new Date(START + 25 * MIN).toISOString());
  });

  it('asks for approval where the policy says so, and stops on a rejection', async () => {
    const t = setup({ workloads: [workload({ id: 'purview-governance', trigger: 'approval', resourceHealthConfirmation: false, dwellMs: 5 * MIN })], groups: [['purview-governance']] });
    t.start();
    await t.runFor(6 * MIN);
    expect(world.calls.notified).toEqual(['incident-opened', 'impact-confirmed', 'approval-needed']);
    t.raise('approval', { approved: false, by: 'bob', comment: 'Microsoft says minutes away from mitigation' });
    await t.h.run();
    expect(t.summary().outcome).toBe('rejected');
    expect(world.calls.steps).toEqual([]);
  });

  it('escalates an unanswered approval and acts once approved', async () => {
    const t = setup({ workloads: [workload({ trigger: 'approval', approvalTimeoutMs: 15 * MIN })] });
    t.start();
    await t.runFor(10 * MIN + 31 * MIN);
    expect(world.calls.notified.filter((n) => n === 'approval-escalated')).toHaveLength(2);
    t.raise('approval', { approved: true, by: 'carol', comment: null });
    await t.runFor(2 * 3600_000);
    expect(world.calls.recorded).toEqual(['media-streaming']);
  });

  it('gives up on an unanswered approval when the policy says abort', async () => {
    const t = setup({ workloads: [workload({ trigger: 'approval', approvalTimeoutMs: 15 * MIN, onApprovalTimeout: 'abort' })] });
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('approval-timed-out');
    expect(t.summary().timeline.at(-1)!.detail).toBe('approval-timed-out: no decision on the failover within 15 min');
  });

  it('can be cancelled by an engineer before it acts', async () => {
    const t = setup();
    t.start();
    await t.runFor(2 * MIN);
    t.raise('cancel', { by: 'dave', reason: 'false alarm' });
    await t.h.run();
    // A person's cancel sticks to the incident key (the intake starts nothing for its next update).
    expect(t.summary().outcome).toBe('cancelled');
    expect(t.summary().timeline.at(-1)!.detail).toBe('cancelled: cancelled by dave: false alarm');
  });

  it('walks the same path in plan mode without any write', async () => {
    const t = setup();
    t.start(signal(), 'plan');
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('planned');
    expect(world.calls.steps.every((x) => x.endsWith(':precheck'))).toBe(true);
    expect(s.failover['media-streaming']!.steps.map((x) => x.status)).toEqual(['planned', 'planned', 'planned']);
    expect(world.calls.recorded).toEqual([]);
    expect(world.calls.notified).toEqual([]);
  });

  it('holds a workload that failed over within its minimum interval', async () => {
    const t = setup({ workloads: [workload({ lastFailoverAt: new Date(START - 60 * MIN).toISOString() })] });
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('held-by-minimum-interval');
    expect(t.summary().timeline.find((e) => e.type === 'skipped')!.detail).toBe(
      `media-streaming: failed over at ${new Date(START - 60 * MIN).toISOString()}, within its minimum interval of 240 min; held back`,
    );
    // Nobody would otherwise know a second outage within the interval was held back.
    expect(world.calls.notified).toEqual(['incident-cancelled']);
  });

  it('compensates the steps that acted newest first when a step fails, the failed one included, and skips the rest', async () => {
    const t = setup();
    world.step = (input) =>
      input.step === 'flip-pointer' && input.phase === 'action' ? { ok: false, reason: 'KeyLocked', detail: 'media:activeAccount is read-only' } : defaultStep(input);
    t.start();
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failover-failed');
    expect(s.failover['media-streaming']!.failedStep).toBe('flip-pointer');
    // The failed action may have changed something: its compensation knows what, and runs first.
    expect(world.calls.steps.filter((x) => x.endsWith(':compensate'))).toEqual(['failover:media-streaming:flip-pointer:compensate', 'failover:media-streaming:start-secondary:compensate']);
    expect(world.calls.notified).toContain('step-failed');
    expect(world.calls.recorded).toEqual([]);
  });

  it('runs a wave of grouped steps side by side: every precheck, then every action, then every verification', async () => {
    const t = setup();
    stepList = [
      STEPS[0]!,
      { name: 'start-endpoints', title: 'Start endpoints', deadlineMs: 600_000, compensable: true, group: 'standby' },
      { name: 'start-live', title: 'Start live events', deadlineMs: 600_000, compensable: true, group: 'standby' },
      STEPS[2]!,
    ];
    try {
      t.start();
      await t.runFor(60 * MIN);
    } finally {
      stepList = STEPS;
    }
    const wave = world.calls.steps.filter((x) => x.includes(':start-'));
    expect(wave.slice(0, 2).sort()).toEqual(['failover:media-streaming:start-endpoints:precheck', 'failover:media-streaming:start-live:precheck']);
    expect(wave.slice(2, 4).sort()).toEqual(['failover:media-streaming:start-endpoints:action', 'failover:media-streaming:start-live:action']);
    expect(wave.slice(4, 6).sort()).toEqual(['failover:media-streaming:start-endpoints:verify', 'failover:media-streaming:start-live:verify']);
  });

  it('retries an action that reports a transient fault, with backoff, until its deadline; then the step has failed', async () => {
    const t = setup();
    const thrown = new Map<string, number>();
    world.step = (input) => {
      const key = `${input.step}:${input.phase}`;
      const n = (thrown.get(key) ?? 0) + 1;
      thrown.set(key, n);
      // start-secondary's action throws twice, then works; flip-pointer's action always throws.
      if (key === 'start-secondary:action' && n <= 2) return { ok: false, reason: 'AzureUnavailable', detail: '503 from ARM', transient: true };
      if (key === 'flip-pointer:action') return { ok: false, reason: 'AppConfigurationUnavailable', detail: '503', transient: true };
      return defaultStep(input);
    };
    t.start();
    await t.runFor(120 * MIN);
    const result = t.summary().failover['media-streaming']!;
    expect(thrown.get('start-secondary:action')).toBe(3);
    // Tries at 0, 5, 15 and 35 s; the next would be at 75 s, past the 60 s deadline.
    expect(thrown.get('flip-pointer:action')).toBe(4);
    expect(result.steps.map((x) => [x.step, x.status])).toEqual([
      ['announce', 'done'],
      ['start-secondary', 'done'],
      ['flip-pointer', 'failed'],
      // What a missed deadline may have started is undone too.
      ['flip-pointer', 'compensated'],
      ['start-secondary', 'compensated'],
    ]);
    expect(result.steps[2]!.detail).toBe('action: DeadlineExceeded: the action did not finish within 60 s');
  });

  it('records a step that is already done instead of doing it again', async () => {
    const t = setup();
    world.step = (input) => (input.step === 'start-secondary' && input.phase === 'precheck' ? ok('already-done') : defaultStep(input));
    t.start();
    await t.runFor(60 * MIN);
    expect(world.calls.steps).not.toContain('failover:media-streaming:start-secondary:action');
    const status = t.h.runtime.get('inc-1')!;
    expect(status.status).toBe('Running');
  });

  it('fails over dependencies first and skips dependants of a failed workload', async () => {
    const t = setup({
      workloads: [workload({ id: 'datashare-sales', resourceHealthConfirmation: false }), workload({ id: 'media-streaming', dependsOn: ['datashare-sales'], resourceHealthConfirmation: false })],
      groups: [['datashare-sales'], ['media-streaming']],
    });
    world.step = (input) => (input.workloadId === 'datashare-sales' && input.step === 'start-secondary' && input.phase === 'action' ? { ok: false, reason: 'SnapshotFailed', detail: 'x' } : defaultStep(input));
    t.start();
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failover-failed');
    expect(Object.keys(s.failover)).toEqual(['datashare-sales']);
    expect(s.timeline.find((e) => e.type === 'skipped')!.detail).toBe('media-streaming: not failed over, a dependency failed');
  });

  it('ignores synthetic test notifications', async () => {
    const t = setup();
    t.start(signal({ isSynthetic: true }));
    await t.h.run();
    expect(t.summary().outcome).toBe('ignored-synthetic');
  });
});

describe('incident lifecycle an SRE can trust', () => {
  const failedOver = async (t: ReturnType<typeof setup>) => {
    t.start();
    await t.runFor(30 * MIN);
    expect((t.h.runtime.get('inc-1')!.customStatus as { phase: string }).phase).toBe('failed-over');
  };
  const phase = (t: ReturnType<typeof setup>) => (t.h.runtime.get('inc-1')!.customStatus as { phase: string }).phase;
  const at = (ms: number) => new Date(START + ms).toISOString();

  it('orders signals by their own event time: a stale Resolved changes nothing, an Active newer than a Resolved reopens', async () => {
    const t = setup();
    world.health = () => 'Available';
    world.plan = { workloads: [workload({ resourceHealthConfirmation: false })], groups: [['media-streaming']], reason: null };
    t.start();
    await t.runFor(11 * MIN);
    t.raise('signal', signal({ dedupeKey: 'sh|2', stage: 'Active', title: 'update', eventTime: at(10 * MIN) }));
    // Written before the update above, delivered after it.
    t.raise('signal', signal({ dedupeKey: 'sh|old-resolved', lifecycle: 'resolved', stage: 'Resolved', eventTime: at(5 * MIN) }));
    await t.runFor(12 * MIN);
    expect(phase(t)).toBe('failed-over');
    expect(t.h.runtime.get('inc-1')!.customStatus).toMatchObject({ timeline: expect.arrayContaining([expect.objectContaining({ type: 'ignored-signal', detail: expect.stringContaining('stale') })]) });
    t.raise('signal', signal({ dedupeKey: 'sh|resolved', lifecycle: 'resolved', stage: 'Resolved', eventTime: at(20 * MIN) }));
    await t.runFor(13 * MIN);
    expect(phase(t)).toBe('waiting-for-healthy-primary');
    t.raise('signal', signal({ dedupeKey: 'sh|again', stage: 'Active', title: 'impact again', eventTime: at(25 * MIN) }));
    await t.runFor(14 * MIN);
    expect(phase(t)).toBe('failed-over');
    expect(world.calls.steps.some((x) => x.startsWith('failback:'))).toBe(false);
  });

  it('records and ignores a signal from a subscription none of its workloads lives in', async () => {
    const t = setup({ subscriptions: ['11111111-1111-1111-1111-111111111111'] });
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    await failedOver(t);
    t.raise('signal', signal({ dedupeKey: 'sh|forged', lifecycle: 'resolved', stage: 'Resolved', subscriptionId: '99999999-9999-9999-9999-999999999999', eventTime: at(20 * MIN) }));
    await t.runFor(40 * MIN);
    expect(phase(t)).toBe('failed-over');
    const timeline = (t.h.runtime.get('inc-1')!.customStatus as { timeline: { type: string; detail: string }[] }).timeline;
    expect(timeline.at(-1)).toEqual(expect.objectContaining({ type: 'ignored-signal', detail: expect.stringContaining('from subscription 99999999-9999-9999-9999-999999999999, which none of the incident\'s workloads lives in') }));
  });

  it('binds an approval to its direction and round, and counts distinct approvers towards the quorum', async () => {
    const t = setup({ workloads: [workload({ trigger: 'approval', resourceHealthConfirmation: false, quorum: 2, approvers: ['role:Failover.Approver'] })] });
    t.start();
    await t.runFor(11 * MIN);
    expect(t.h.runtime.get('inc-1')!.customStatus).toMatchObject({ phase: 'awaiting-approval', approval: { direction: 'failover', round: 1, quorum: 2, approvedBy: [] } });
    const alice = { name: 'alice@contoso.example', id: 'a1', verified: true, via: 'entra-token' };
    t.raise('approval', { approved: true, by: 'alice@contoso.example', actor: alice, comment: null, direction: 'failback', round: 1 });
    t.raise('approval', { approved: true, by: 'alice@contoso.example', actor: alice, comment: null, direction: 'failover', round: 0 });
    t.raise('approval', { approved: true, by: 'alice@contoso.example', actor: alice, comment: null, direction: 'failover', round: 1 });
    t.raise('approval', { approved: true, by: 'alice@contoso.example', actor: alice, comment: 'again', direction: 'failover', round: 1 });
    await t.runFor(12 * MIN);
    expect(phase(t)).toBe('awaiting-approval');
    expect(t.h.runtime.get('inc-1')!.customStatus).toMatchObject({ approval: { approvedBy: ['alice@contoso.example'] } });
    t.raise('approval', { approved: true, by: 'bob@contoso.example', actor: { ...alice, name: 'bob@contoso.example', id: 'b2' }, comment: null, direction: 'failover', round: 1 });
    await t.runFor(13 * MIN);
    expect(phase(t)).toBe('failed-over');
    const timeline = (t.h.runtime.get('inc-1')!.customStatus as { timeline: { type: string; detail: string }[] }).timeline;
    expect(timeline.filter((e) => e.type === 'ignored-signal').map((e) => e.detail)).toEqual([
      'a approval by alice@contoso.example of the failback round 1 does not answer this request (the failover, round 1)',
      'a approval by alice@contoso.example of the failover round 0 does not answer this request (the failover, round 1)',
    ]);
    expect(timeline.filter((e) => e.type === 'approved').map((e) => e.detail)).toEqual([
      'failover by alice@contoso.example (verified, entra-token, object id a1) (1 of 2)',
      'failover by alice@contoso.example (verified, entra-token, object id a1): again (1 of 2)',
      'failover by bob@contoso.example (verified, entra-token, object id b2) (2 of 2)',
    ]);
  });

  it('stops a cancelled failover at the next step boundary, holds what was done, and rolls it back on request', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    // The cancel arrives while start-secondary runs: flip-pointer never starts.
    world.step = (input) => {
      if (input.step === 'start-secondary' && input.phase === 'action') world.stop = { by: 'dave', reason: 'wrong region', requestId: 'c-1', at: at(10 * MIN) };
      return defaultStep(input);
    };
    t.start();
    await t.runFor(11 * MIN);
    t.raise('cancel', { by: 'dave', reason: 'wrong region', requestId: 'c-1' });
    await t.runFor(20 * MIN);
    expect(phase(t)).toBe('stopped-partway');
    expect(world.calls.steps.filter((x) => x.endsWith(':action'))).toEqual(['failover:media-streaming:announce:action', 'failover:media-streaming:start-secondary:action']);
    expect(world.calls.notified).toContain('action-required');
    t.raise('failback', { by: 'dave' });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('rolled-back');
    expect(world.calls.steps.filter((x) => x.endsWith(':compensate'))).toEqual(['failover:media-streaming:start-secondary:compensate']);
    expect(s.failover['media-streaming']!.steps.map((x) => [x.step, x.status])).toEqual([
      ['announce', 'done'],
      ['start-secondary', 'done'],
      ['flip-pointer', 'not-run'],
    ]);
    expect(s.failover['media-streaming']!.steps[2]!.detail).toBe('not run: stopped: cancelled by dave (wrong region)');
    expect(world.calls.released).toEqual(['media-streaming']);
  });

  it('rolls a cancelled failover back at once when the policy says rollback', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false, onCancel: 'rollback' })];
    world.step = (input) => {
      if (input.step === 'start-secondary' && input.phase === 'action') world.stop = { by: 'dave', reason: null, requestId: 'c-1', at: at(10 * MIN) };
      return defaultStep(input);
    };
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('rolled-back');
    expect(world.calls.steps.filter((x) => x.endsWith(':compensate'))).toEqual(['failover:media-streaming:start-secondary:compensate']);
  });

  it('a cancel while failed over stops the automatic failback but leaves failback available', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    world.health = () => 'Available';
    await failedOver(t);
    t.raise('cancel', { by: 'erin', reason: 'we stay on the standby for now' });
    t.raise('signal', signal({ dedupeKey: 'sh|resolved', lifecycle: 'resolved', stage: 'Resolved', eventTime: at(40 * MIN) }));
    await t.runFor(6 * 3600_000);
    expect(t.h.runtime.get('inc-1')!.status).toBe('Running');
    expect(phase(t)).toBe('failed-over');
    expect(world.calls.steps.some((x) => x.startsWith('failback:'))).toBe(false);
    // A failback request goes through the health wait and the approval.
    t.raise('failback', { by: 'erin' });
    await t.runFor(t.h.clock.now() - START + 45 * MIN);
    expect(phase(t)).toBe('awaiting-failback-approval');
    t.raise('approval', { approved: true, by: 'frank', comment: null, direction: 'failback', round: 1 });
    await t.h.run();
    expect(t.summary().outcome).toBe('failed-over-and-back');
  });

  it('a forced failback skips the health wait and the approval, and says so', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    world.health = () => 'Unavailable';
    await failedOver(t);
    t.raise('failback', { by: 'grace@contoso.example', force: true, reason: 'the primary is fine; Resource Health lags' });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failed-over-and-back');
    expect(s.timeline.find((e) => e.type === 'failback-ready')!.detail).toBe('forced by grace@contoso.example, skipping the health wait and the approval: the primary is fine; Resource Health lags');
    expect(world.calls.notified).not.toContain('approval-needed');
  });

  it('ends "not confirmed" within confirmWithin when Resource Health never shows the impact', async () => {
    const t = setup({ workloads: [workload({ confirmWithinMs: 2 * 3600_000 })] });
    world.health = () => 'Available';
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('not-confirmed');
    expect(t.h.runtime.get('inc-1')!.lastUpdatedTime - START).toBeLessThanOrEqual(2 * 3600_000);
    expect(t.summary().timeline.at(-1)!.detail).toBe('not-confirmed: not confirmed within 120 min: Resource Health never showed media-streaming impaired');
    expect(world.calls.notified).toEqual(['incident-opened', 'incident-cancelled']);
    expect(world.calls.steps).toEqual([]);
  });

  it('reads a Resource Health poll that fails as Unknown and asks again: it neither confirms, fails back nor fails on it', async () => {
    const t = setup();
    const unanswered = (since: number) => (since >= 10 * MIN && since < 20 * MIN) || (since >= 2 * 3600_000 + 5 * MIN && since < 2 * 3600_000 + 15 * MIN);
    world.health = (_id, since) => {
      if (unanswered(since)) throw new Error('ResourceHealthUnavailable: 503 Service Unavailable');
      return since < 2 * 3600_000 ? 'Unavailable' : 'Available';
    };
    t.start();
    await t.runFor(60 * MIN);
    t.raise('signal', signal({ dedupeKey: 'sh|7TQ2-RX8|3', lifecycle: 'resolved', stage: 'Resolved' }));
    await t.runFor(4 * 3600_000);
    t.raise('approval', { approved: true, by: 'alice@contoso.example', comment: null });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failed-over-and-back');
    // Confirmed at the first poll that answered, 10 minutes after the dwell time.
    expect(s.timeToFailoverMs).toBe(20 * MIN);
    const unknown = s.timeline.filter((e) => e.type === 'health-unknown');
    expect(unknown.map((e) => new Date(e.at).getTime() - START)).toEqual([10 * MIN, 15 * MIN, 2 * 3600_000 + 5 * MIN, 2 * 3600_000 + 10 * MIN]);
    expect(unknown[0]!.detail).toMatch(/^Resource Health did not answer for media-streaming \(.*ResourceHealthUnavailable: 503 Service Unavailable.*\): read as Unknown, asked again at the next poll$/);
    // The healthy window starts again after the unanswered polls: 30 minutes from 2 h 15.
    expect(new Date(s.timeline.find((e) => e.type === 'failback-ready')!.at).getTime() - START).toBe(2 * 3600_000 + 45 * MIN);
  });

  it('reports the minimum interval in plan mode instead of being stopped by it', async () => {
    const t = setup({ workloads: [workload({ lastFailoverAt: new Date(START - 60 * MIN).toISOString() })] });
    t.start(signal(), 'plan');
    await t.h.run();
    expect(t.summary().outcome).toBe('planned');
    expect(t.summary().timeline.find((e) => e.type === 'skipped')!.detail).toBe(
      `media-streaming: failed over at ${new Date(START - 60 * MIN).toISOString()}, within its minimum interval of 240 min; an execute request would be held back`,
    );
  });

  it('links a workload another incident is failing over, instead of running it again', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    world.heldBy['media-streaming'] = 'inc-0';
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('linked');
    expect(t.summary().timeline.find((e) => e.type === 'linked')!.detail).toBe('media-streaming is being failed over by incident inc-0; not run again here');
    expect(world.calls.steps).toEqual([]);
  });

  it('only notifies for a workload whose decision is notify, at once and without confirming', async () => {
    const t = setup({ workloads: [workload({ verdict: 'notify', reason: 'notified only: an advisory (Informational) never starts a failover' })] });
    t.start();
    await t.h.run();
    expect(t.summary().outcome).toBe('notified-only');
    expect(world.calls.notified).toEqual(['incident-opened']);
    expect(world.calls.steps).toEqual([]);
  });

  it('a best-effort announcement that fails does not fail the playbook', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    stepList = [{ ...STEPS[0]!, bestEffort: true }, STEPS[1]!, STEPS[2]!];
    world.step = (input) => (input.step === 'announce' && input.phase === 'action' ? { ok: false, reason: 'ChannelDown', detail: 'hooks.contoso.example did not answer' } : defaultStep(input));
    try {
      t.start();
      await t.runFor(30 * MIN);
    } finally {
      stepList = STEPS;
    }
    expect(phase(t)).toBe('failed-over');
    const status = t.h.runtime.list().find((i) => i.instanceId.includes(':failover:media-streaming'))!.output as { steps: { step: string; status: string; detail: string }[] };
    expect(status.steps[0]).toMatchObject({ step: 'announce', status: 'skipped', detail: 'best effort, not blocking: action: ChannelDown: hooks.contoso.example did not answer' });
  });

  it('keeps its history bounded over 30 days of updates by continuing as new, and still fails back', async () => {
    const t = setup();
    world.plan.workloads = [workload({ resourceHealthConfirmation: false })];
    world.health = (_id, since) => (since < 30 * 24 * 3600_000 ? 'Unavailable' : 'Available');
    t.start(signal(), 'execute', { historyLimit: 20 });
    await t.runFor(30 * MIN);
    let largest = 0;
    // An update every eight hours for 30 days.
    for (let hour = 8; hour <= 30 * 24; hour += 8) {
      t.raise('signal', signal({ dedupeKey: `sh|u${hour}`, stage: 'Active', title: `update ${hour}`, eventTime: at(hour * 3600_000) }));
      await t.runFor(hour * 3600_000 + 1);
      largest = Math.max(largest, t.h.runtime.get('inc-1')!.history.length);
    }
    const instance = t.h.runtime.get('inc-1')!;
    expect((instance.customStatus as { generation: number }).generation).toBeGreaterThan(5);
    expect(largest).toBeLessThan(200);
    expect(instance.customStatus).toMatchObject({ phase: 'failed-over', entries: expect.any(Number) });
    t.raise('signal', signal({ dedupeKey: 'sh|resolved', lifecycle: 'resolved', stage: 'Resolved', eventTime: at(30 * 24 * 3600_000 + 60_000) }));
    await t.runFor(30 * 24 * 3600_000 + 45 * MIN);
    expect(phase(t)).toBe('awaiting-failback-approval');
    t.raise('approval', { approved: true, by: 'alice', comment: null, direction: 'failback', round: 1 });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failed-over-and-back');
    expect(s.entries).toBeGreaterThan(90);
    expect(s.timeline.length).toBeLessThan(100);
  });

  it('fails over for planned maintenance the lead time before its window, without waiting for an impact', async () => {
    const t = setup({ workloads: [workload({ kind: 'planned', maintenanceLeadTimeMs: 60 * MIN, resourceHealthConfirmation: true })] });
    world.health = () => 'Available';
    t.start(signal({ incidentType: 'Maintenance', stage: 'Planned', lifecycle: 'scheduled', impactStart: at(3 * 3600_000) }));
    await t.runFor(2 * 3600_000 - MIN);
    expect(world.calls.steps.some((x) => x.endsWith(':action'))).toBe(false);
    await t.runFor(2 * 3600_000 + MIN);
    expect(phase(t)).toBe('failed-over');
    const timeline = (t.h.runtime.get('inc-1')!.customStatus as { timeline: { type: string; detail: string }[] }).timeline;
    expect(timeline.find((e) => e.type === 'confirmed')!.detail).toBe(`planned maintenance starts ${at(3 * 3600_000)}; failing over 60 min before it`);
  });
});

describe('what the incident and its playbooks publish, and the version they run under', () => {
  const at = (ms: number) => new Date(START + ms).toISOString();
  const incidentStatus = (t: ReturnType<typeof setup>) => t.h.runtime.get('inc-1')!.customStatus as { phase: string; version: number; playbooks: unknown };
  const playbookStatus = (t: ReturnType<typeof setup>, id: string) => t.h.runtime.get(id)!.customStatus;
  const quick = (overrides: Partial<WorkloadPlan> = {}) => workload({ resourceHealthConfirmation: false, ...overrides });

  it('publishes its version, and each playbook of the newest run with its instance id, while they run and after, failing over and back', async () => {
    const t = setup({ workloads: [quick(), quick({ id: 'datashare-sales' })], groups: [['media-streaming', 'datashare-sales']] });
    const seen: unknown[] = [];
    world.step = (input) => {
      if (input.phase === 'action' && input.step === 'start-secondary' && input.workloadId === 'media-streaming') seen.push(incidentStatus(t).playbooks);
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    // Kept while the standby is active: the view reads the failover's steps and to-dos from them.
    expect(incidentStatus(t)).toMatchObject({ phase: 'failed-over', version: 2, playbooks: { direction: 'failover', generation: 0 } });
    t.raise('failback', { by: 'grace', force: true, reason: 'drill' });
    await t.h.run();
    expect(seen).toEqual([
      { direction: 'failover', generation: 0 },
      { direction: 'failback', generation: 0 },
    ]);
    expect(incidentStatus(t)).toMatchObject({ phase: 'completed', version: 2, playbooks: { direction: 'failback', generation: 0 } });
  });

  it('fails 300 workloads over with a custom status under the host\'s 16 KB: playbook ids follow from the workloads, long entries give way', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `workload-with-a-long-name-${String(i).padStart(3, '0')}`);
    const t = setup({ workloads: ids.map((id) => quick({ id })), groups: [ids] });
    let largest = 0;
    world.step = (input) => {
      largest = Math.max(largest, JSON.stringify(incidentStatus(t)).length);
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    const status = incidentStatus(t) as unknown as { phase: string; timeline: TimelineEntry[]; playbooks: RunningPlaybooks };
    expect(status.phase).toBe('failed-over');
    expect(largest).toBeGreaterThan(8 * 1024);
    expect(largest).toBeLessThanOrEqual(14 * 1024);
    // Every workload's playbook started: the list is the incident's own, not repeated.
    expect(status.playbooks).toEqual({ direction: 'failover', generation: 0 });
    expect(runningPlaybookInstances('inc-1', status.playbooks, ids).at(-1)).toEqual([ids.at(-1), `inc-1:failover:${ids.at(-1)}`]);
    expect(t.h.runtime.get(`inc-1:failover:${ids.at(-1)}`)!.output).toMatchObject({ ok: true });
    // The entry naming all 300 is cut in the status; the summary (and the saved timeline) keep it whole.
    const started = status.timeline.find((e) => e.type === 'failover-started')!;
    expect(started.detail).toHaveLength(301);
    expect(started.detail.endsWith('…')).toBe(true);
  }, 60_000);

  it('publishes version 1 for an incident started without one (from before versioning)', async () => {
    const t = setup();
    t.start();
    await t.runFor(MIN);
    expect(incidentStatus(t)).toMatchObject({ phase: 'confirming', version: 1, playbooks: null });
  });

  it('names a rollback as such in the running playbooks', async () => {
    const t = setup({ workloads: [quick({ onCancel: 'rollback' })] });
    const seen: unknown[] = [];
    world.step = (input) => {
      if (input.step === 'start-secondary' && input.phase === 'action') world.stop = { by: 'dave', reason: null, requestId: 'c-1', at: at(10 * MIN) };
      if (input.phase === 'compensate') seen.push(incidentStatus(t).playbooks, playbookStatus(t, 'inc-1:rollback:media-streaming'));
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.h.run();
    expect(t.summary().outcome).toBe('rolled-back');
    expect(seen).toEqual([
      { direction: 'rollback', generation: 0 },
      {
        workloadId: 'media-streaming',
        direction: 'failover',
        running: ['start-secondary'],
        runningTitles: ['Start the secondary'],
        resources: [],
        steps: [],
        // A rollback counts the steps it compensates.
        total: 1,
        startedAt: at(10 * MIN),
        deadlineAt: null,
      },
    ]);
  });

  it('a playbook publishes its progress: the steps running, the resources they change, the action deadline, the steps done', async () => {
    const t = setup({ workloads: [quick()] });
    const seen: Record<string, unknown> = {};
    const id = 'inc-1:failover:media-streaming';
    world.step = (input) => {
      if (input.step === 'start-secondary' && input.phase !== 'compensate') seen[input.phase] = structuredClone(playbookStatus(t, id));
      if (input.step === 'start-secondary' && input.phase === 'precheck') return { ok: true, outcome: 'needed', detail: 'stopped', resources: ['ams-ne-1', 'live-ne-1'] };
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    const announce = { step: 'announce', status: 'done', detail: 'done', startedAt: at(10 * MIN), finishedAt: at(10 * MIN) };
    const common = { workloadId: 'media-streaming', direction: 'failover', runningTitles: ['Start the secondary'], total: 3, startedAt: at(10 * MIN) };
    expect(seen).toEqual({
      precheck: { ...common, running: ['start-secondary'], resources: [], steps: [announce], deadlineAt: null },
      action: { ...common, running: ['start-secondary'], resources: ['ams-ne-1', 'live-ne-1'], steps: [announce], deadlineAt: at(10 * MIN + 600_000) },
      verify: { ...common, running: ['start-secondary'], resources: ['ams-ne-1', 'live-ne-1'], steps: [announce], deadlineAt: null },
    });
    expect(playbookStatus(t, id)).toMatchObject({ running: [], runningTitles: [], resources: [], total: 3, deadlineAt: null, steps: [announce, expect.objectContaining({ step: 'start-secondary', status: 'done' }), expect.objectContaining({ step: 'flip-pointer', status: 'done' })] });
  });

  const ingest = { kind: 'ingest-url' as const, text: 'Point the encoders of live-1 at rtmps://live-ne-1.example/ingest', url: 'rtmps://live-ne-1.example/ingest' };
  const partners = { kind: 'check' as const, text: 'Tell the partners the stream moved' };

  it('copies the to-dos of the result that produced each step record, and only when there are some', async () => {
    const t = setup({ workloads: [quick()] });
    world.step = (input) => {
      if (input.step === 'announce' && input.phase === 'precheck') return { ok: true, outcome: 'already-done', detail: 'announced', todo: [partners] };
      // The to-dos of a needed precheck are not the step's: its action's are.
      if (input.step === 'start-secondary' && input.phase === 'precheck') return { ok: true, outcome: 'needed', detail: 'stopped', todo: [partners] };
      if (input.step === 'start-secondary' && input.phase === 'action') return { ok: true, outcome: 'done', detail: 'started', todo: [ingest] };
      if (input.step === 'flip-pointer' && input.phase === 'action') return { ok: true, outcome: 'done', detail: 'flipped', todo: [] };
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    const records = (t.h.runtime.get('inc-1:failover:media-streaming')!.output as { steps: Record<string, unknown>[] }).steps;
    expect(records.map(({ startedAt: _s, finishedAt: _f, ...r }) => r)).toStrictEqual([
      { step: 'announce', status: 'already-done', detail: 'announced', todo: [partners] },
      { step: 'start-secondary', status: 'done', detail: 'started', todo: [ingest] },
      { step: 'flip-pointer', status: 'done', detail: 'flipped' },
    ]);
    const done = world.calls.notices.find((n) => n.type === 'failover-done')!;
    expect(done.checklist).toEqual([
      { workloadId: 'media-streaming', direction: 'failover', step: 'announce', ...partners },
      { workloadId: 'media-streaming', direction: 'failover', step: 'start-secondary', ...ingest },
    ]);
  });

  it('the failover-done notice after a partial failure lists the to-dos of the workloads that failed over only', async () => {
    const t = setup({ workloads: [quick(), quick({ id: 'datashare-sales' })], groups: [['media-streaming', 'datashare-sales']] });
    world.step = (input) => {
      if (input.step === 'start-secondary' && input.phase === 'action') return { ok: true, outcome: 'done', detail: 'started', todo: [{ ...ingest, text: `${input.workloadId}: ${ingest.text}` }] };
      if (input.workloadId === 'datashare-sales' && input.step === 'flip-pointer' && input.phase === 'action') return { ok: false, reason: 'KeyLocked', detail: 'read-only' };
      return defaultStep(input);
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    expect(world.calls.notices.find((n) => n.type === 'failover-done')).toMatchObject({
      workloads: ['media-streaming'],
      checklist: [{ workloadId: 'media-streaming', direction: 'failover', step: 'start-secondary', ...ingest, text: `media-streaming: ${ingest.text}` }],
    });
  });

  it('the failback-done notice carries the failback\'s to-dos', async () => {
    const t = setup({ workloads: [quick()] });
    const back = { kind: 'ingest-url' as const, text: 'Point the encoders of live-1 at rtmps://live-we-1.example/ingest', url: 'rtmps://live-we-1.example/ingest' };
    world.step = (input) => (input.step === 'start-secondary' && input.phase === 'action' && input.direction === 'failback' ? { ok: true, outcome: 'done', detail: 'started', todo: [back] } : defaultStep(input));
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    t.raise('failback', { by: 'grace', force: true, reason: 'drill' });
    await t.h.run();
    expect(world.calls.notices.find((n) => n.type === 'failback-done')).toMatchObject({ checklist: [{ workloadId: 'media-streaming', direction: 'failback', step: 'start-secondary', ...back }] });
  });

  it('version 2 archives the incident page once, at the end, with the summary it returns', async () => {
    const t = setup({ workloads: [quick()] });
    world.health = () => 'Available';
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(30 * MIN);
    expect(world.calls.archived).toEqual([]);
    t.raise('failback', { by: 'grace', force: true, reason: 'drill' });
    await t.h.run();
    const s = t.summary();
    expect(s.outcome).toBe('failed-over-and-back');
    expect(world.calls.archived).toEqual([{ incidentId: 'inc-1', input: { incidentId: 'inc-1', version: 2, signal: signal(), mode: 'execute', kind: 'unplanned' }, summary: s, createdAt: at(0) }]);
    expect(s.timeline.at(-1)!.type).toBe('completed');
  });

  it('version 1 (an incident from before versioning) and a plan do not archive the page', async () => {
    const v1 = setup({ workloads: [quick()] });
    v1.start();
    await v1.runFor(30 * MIN);
    v1.raise('failback', { by: 'grace', force: true, reason: 'drill' });
    await v1.h.run();
    expect(v1.summary().outcome).toBe('failed-over-and-back');
    expect(world.calls.archived).toEqual([]);
    const plan = setup({ workloads: [quick()] });
    plan.start(signal(), 'plan', {}, 2);
    await plan.h.run();
    expect(plan.summary().outcome).toBe('planned');
    expect(world.calls.archived).toEqual([]);
  });

  it('an archive that fails does not fail the incident: the timeline says the page was not archived', async () => {
    const t = setup();
    world.archive = () => {
      throw new Error('ArchiveUnavailable: 503');
    };
    t.start(signal(), 'execute', {}, 2);
    await t.runFor(2 * MIN);
    t.raise('cancel', { by: 'dave', reason: 'false alarm' });
    await t.h.run();
    expect(t.h.runtime.get('inc-1')!.status).toBe('Completed');
    const s = t.summary();
    expect(s.outcome).toBe('cancelled');
    expect(world.calls.archived).toHaveLength(1);
    expect(s.timeline.slice(-2).map((e) => [e.type, e.detail])).toEqual([
      ['completed', 'cancelled: cancelled by dave: false alarm'],
      ['skipped', 'the incident page could not be archived; GET /api/incidents/{id}/page still renders it'],
    ]);
    expect(s.entries).toBe(s.timeline.length);
  });
});
