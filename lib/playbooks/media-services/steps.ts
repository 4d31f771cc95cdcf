/**
 * The Azure Media Services playbook's steps (`@azure/arm-mediaservices`, Traffic Manager through
 * `@azure/arm-trafficmanager`). Failover: check the secondary account, make sure its transforms
 * exist as defined, start its streaming endpoints and live events (reporting the ingest URLs
 * encoders must be pointed at), resubmit the primary's queued and processing jobs to it, and
 * move viewers with the Traffic Manager profile. Failback: viewers back, then the secondary's
 * live events and streaming endpoints stopped so they stop costing money; transforms stay.
 *
 * Every step reads before it writes, so a secondary that is partly failed over already is
 * finished, not redone; resources inside a step are handled in parallel under a small limit,
 * which keeps a subscription inside ARM's write budget, and the SDK waits out throttling.
 */
import type { AzureMediaServices, Job, LiveEvent, StreamingEndpoint, Transform } from '@azure/arm-mediaservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseResourceId } from '../../azure/resource-id.js';
import type { MediaServicesPlaybook, TrafficManagerSwitch, Workload } from '../../catalog/types.js';
import {
  alreadyDone,
  compensated,
  done,
  failed,
  isNotFound,
  mapLimited,
  needed,
  PARALLEL_WRITES,
  requiredSideResource,
  skipped,
  StepFailure,
  verified,
  defineStep,
  type StepContext,
  unlessDown,
} from '../define.js';

const MIN = 60_000;

/** The live output created on a secondary live event that has none. */
const FAILOVER_OUTPUT = { name: 'failover', archiveWindowLength: 'PT8H' };

interface Account {
  client: AzureMediaServices;
  resourceGroup: string;
  name: string;
  location: string;
}

function playbookOf(workload: Workload): MediaServicesPlaybook {
  if (workload.playbook.kind !== 'mediaServices') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Media Services workload`);
  return workload.playbook;
}

function account(ctx: StepContext, side: 'primary' | 'secondary', probing = false): Account {
  const r = requiredSideResource(ctx, side, 'account', probing);
  return { client: r.clients.media(r.subscriptionId), resourceGroup: r.resourceGroup, name: r.name, location: r.region };
}

/**
 * The side that serves after this direction, and the one it takes over from. The side being left
 * may be down, so it is asked with probing clients: one quick try, not a minute of retries.
 */
function target(ctx: StepContext): { to: Account; from: Account } {
  return ctx.direction === 'failover'
    ? { to: account(ctx, 'secondary'), from: account(ctx, 'primary', true) }
    : { to: account(ctx, 'primary'), from: account(ctx, 'secondary', true) };
}

const lro = (ctx: StepContext) => ({ updateIntervalInMs: ctx.deps.lroPollMs });

interface Operation {
  pollUntilDone(): Promise<unknown>;
}

/** A long-running operation on one of an account's resources, by the resource's name. */
interface Started {
  name: string;
  operation: Operation;
}

/** What one list read says of the resources being watched. */
interface Look<T> {
  /** Every resource has reached its goal. */
  settled: boolean;
  /** Resources at rest short of their goal: their operation ended without getting them there. */
  stuck: string[];
  states: T;
}

/**
 * Long-running operations started together and watched through one list read per poll (all the
 * account's endpoints in one answer), not one status read per operation: twenty streaming
 * endpoints starting at once cost a twentieth of the reads, which keeps a large failover inside
 * ARM's read budget. An operation's own status is read only when the list shows its resource at
 * rest short of the goal, and then it says why (the SDK throws the operation's error).
 */
async function startAndWatch<T>(ctx: StepContext, started: Array<Promise<Started>>, look: () => Promise<Look<T>>): Promise<T> {
  const operations = await Promise.all(started);
  /** Looks in a row that listed a resource short of its goal after its operation had succeeded. */
  const staleLooks = new Map<string, number>();
  for (let first = true; ; first = false) {
    // Nothing started is done the moment it is accepted: the first read waits one interval too.
    if (!first || operations.length > 0) await sleep(ctx.deps.lroPollMs);
    const seen = await look();
    if (seen.settled) return seen.states;
    for (const name of seen.stuck) {
      const op = operations.find((o) => o.name.toLowerCase() === name.toLowerCase());
      if (op === undefined) throw new StepFailure('ResourceStoppedShort', `${name} is at rest short of its goal and no operation of this step is running on it`);
      try {
        await op.operation.pollUntilDone();
      } catch (err) {
        throw operationFailure(name, err);
      }
      // It succeeded: ARM lists may lag a moment behind; a few looks later they may not.
      const looks = (staleLooks.get(name) ?? 0) + 1;
      staleLooks.set(name, looks);
      if (looks >= 3) throw new StepFailure('ResourceStoppedShort', `${name}: its operation succeeded, but the account still reports it short of its goal`);
    }
  }
}

const named = (name: string) => (operation: Operation): Started => ({ name, operation });

/**
 * A failed long-running operation as a step failure with the service's own code: core-lro says
 * "The long-running operation has failed. <code>. <message>" in a plain Error.
 */
function operationFailure(name: string, err: unknown): unknown {
  const m = /has failed\. (\w+)\. (.*)$/s.exec(err instanceof Error ? err.message : '');
  return m === null ? err : new StepFailure(m[1]!, `${name}: ${m[2]!.trim()}`);
}

// ── check-account ───────────────────────────────────────────────────────────────────────────

export const checkAccount = defineStep({
  name: 'check-account',
  title: { failover: 'Check the secondary Media Services account answers', failback: 'Check the primary Media Services account answers' },
  deadlineMs: 2 * MIN,
  group: 'begin',
  async precheck(ctx) {
    const { to } = target(ctx);
    return needed(`check that ${to.name} in ${to.location} answers`);
  },
  async action(ctx) {
    const { to } = target(ctx);
    try {
      const a = await to.client.mediaservices.get(to.resourceGroup, to.name);
      return done(`${a.name} (${a.location}) answers`);
    } catch (err) {
      if (isNotFound(err)) throw new StepFailure('AccountMissing', `the Media Services account ${to.name} does not exist in ${to.resourceGroup}: create it before failing over to it`);
      throw err;
    }
  },
  async verify(ctx) {
    return verified(`${target(ctx).to.name} answers`);
  },
  compensate: { none: 'it only reads' },
});

// ── ensure-transforms ───────────────────────────────────────────────────────────────────────

/** What makes two transforms the same: their outputs (presets, priorities, error handling). */
function definition(t: Transform): string {
  return JSON.stringify((t.outputs ?? []).map((o) => ({ preset: sorted(o.preset), onError: o.onError ?? 'StopProcessingJob', relativePriority: o.relativePriority ?? 'Normal' })));
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]));
}

/** The transform each catalog entry asks for: from its presets, else as the account being left has it (null: unknown). */
async function wantedTransforms(ctx: StepContext): Promise<Map<string, Transform | null>> {
  const { from } = target(ctx);
  const wanted = new Map<string, Transform | null>();
  const copy: string[] = [];
  for (const t of playbookOf(ctx.workload).transforms) {
    if (t.presets !== null) {
      wanted.set(t.name, { outputs: t.presets.map((presetName) => ({ preset: { odataType: '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName } as never })) });
    } else {
      wanted.set(t.name, null);
      copy.push(t.name);
    }
  }
  if (copy.length > 0) {
    await unlessDown(async () => {
      for (const name of copy) {
        try {
          wanted.set(name, await from.client.transforms.get(from.resourceGroup, from.name, name));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    });
  }
  return wanted;
}

async function transformsToCopy(ctx: StepContext): Promise<{ missing: string[]; differ: string[]; wanted: Map<string, Transform | null> }> {
  const { to } = target(ctx);
  const wanted = await wantedTransforms(ctx);
  const missing: string[] = [];
  const differ: string[] = [];
  await mapLimited([...wanted.keys()], PARALLEL_WRITES, async (name) => {
    try {
      const existing = await to.client.transforms.get(to.resourceGroup, to.name, name);
      const want = wanted.get(name);
      if (want !== null && want !== undefined && definition(want) !== definition(existing)) differ.push(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      missing.push(name);
    }
  });
  return { missing: missing.sort(), differ: differ.sort(), wanted };
}

export const ensureTransforms = defineStep({
  name: 'ensure-transforms',
  title: 'Make sure the transforms exist on the secondary, as defined',
  deadlineMs: 5 * MIN,
  group: 'ready-standby',
  async precheck(ctx) {
    if (playbookOf(ctx.workload).transforms.length === 0) return alreadyDone('no transforms in the catalog');
    const { missing, differ } = await transformsToCopy(ctx);
    if (missing.length === 0 && differ.length === 0) return alreadyDone(`every transform exists on ${target(ctx).to.name} as defined`);
    return needed([missing.length > 0 ? `missing: ${missing.join(', ')}` : '', differ.length > 0 ? `different: ${differ.join(', ')}` : ''].filter(Boolean).join('; '));
  },
  async action(ctx) {
    const { to, from } = target(ctx);
    const { missing, differ, wanted } = await transformsToCopy(ctx);
    const copy = [...missing, ...differ];
    const unknown = copy.filter((n) => wanted.get(n) === null);
    if (unknown.length > 0) {
      throw new StepFailure(
        'TransformDefinitionUnavailable',
        `${to.name} lacks ${unknown.join(', ')} and ${from.name} does not answer (or lacks them too): give their presets in the catalog (transforms[].presets), or create them on ${to.name}`,
      );
    }
    await mapLimited(copy, PARALLEL_WRITES, async (name) => {
      const t = wanted.get(name)!;
      await to.client.transforms.createOrUpdate(to.resourceGroup, to.name, name, { ...(t.description !== undefined ? { description: t.description } : {}), outputs: t.outputs ?? [] });
    });
    return done(`created ${copy.join(', ')} on ${to.name}`);
  },
  async verify(ctx) {
    const { missing, differ } = await transformsToCopy(ctx);
    return missing.length === 0 && differ.length === 0 ? verified('transforms in place') : failed('TransformsNotInPlace', `still missing ${missing.join(', ') || 'none'}, different ${differ.join(', ') || 'none'}`);
  },
  compensate: { none: 'transforms stay: they cost nothing and the next failover needs them' },
});

// ── start-streaming-endpoints / stop-streaming-endpoints ────────────────────────────────────

type EndpointState = { name: string; scaleUnits: number; endpoint: StreamingEndpoint | null };

/** The catalog's streaming endpoints as the account reports them, in one list read. */
async function endpoints(ctx: StepContext, acct: Account): Promise<EndpointState[]> {
  const found = new Map<string, StreamingEndpoint>();
  for await (const e of acct.client.streamingEndpoints.list(acct.resourceGroup, acct.name)) found.set((e.name ?? '').toLowerCase(), e);
  return playbookOf(ctx.workload).streamingEndpoints.map((e) => ({ ...e, endpoint: found.get(e.name.toLowerCase()) ?? null }));
}

const running = (e: EndpointState) => e.endpoint?.resourceState === 'Running' && (e.endpoint.scaleUnits ?? 0) === e.scaleUnits;

/** Streaming endpoint and live event states on the way somewhere: their operation is still running. */
const SE_MOVING = new Set(['Starting', 'Stopping', 'Scaling', 'Deleting']);
const LE_MOVING = new Set(['Starting', 'Stopping', 'Allocating', 'Deleting']);

/** A look at resources of the account: settled when each is at its goal, stuck those at rest short of it. */
function lookAt<T extends { name: string }>(states: T[], atGoal: (s: T) => boolean, moving: (s: T) => boolean): Look<T[]> {
  const short = states.filter((s) => !atGoal(s));
  return { settled: short.length === 0, stuck: short.filter((s) => !moving(s)).map((s) => s.name), states };
}

// A resource not listed yet is one whose create is still going.
const endpointMoving = (e: EndpointState) => e.endpoint === null || SE_MOVING.has(e.endpoint.resourceState ?? '');
const eventMoving = (s: LiveState) => s.event === null || LE_MOVING.has(s.event.resourceState ?? '');

/** The account whose streaming endpoints and live events a direction starts: the secondary on failover. */
function standby(ctx: StepContext): Account {
  return account(ctx, 'secondary');
}

export const startStreamingEndpoints = defineStep({
  name: 'start-streaming-endpoints',
  title: 'Start the secondary streaming endpoints',
  deadlineMs: 15 * MIN,
  group: 'ready-standby',
  // A streaming endpoint takes about two minutes to start: the failover's longest chain.
  urgentRequests: [
    { method: 'POST', path: /\/streamingendpoints\/[^/]+\/(start|scale)$/i, seconds: 120 },
    { method: 'PUT', path: /\/streamingendpoints\/[^/]+$/i, seconds: 120 },
    { method: 'GET', path: /\/streamingendpoints$/i, seconds: 120 },
  ],
  async precheck(ctx) {
    const states = await endpoints(ctx, standby(ctx));
    if (states.length === 0) return alreadyDone('no streaming endpoints in the catalog');
    const todo = states.filter((e) => !running(e));
    return todo.length === 0 ? alreadyDone(`${states.map((e) => e.name).join(', ')} already running`) : needed(`start ${todo.map((e) => e.name).join(', ')}`);
  },
  async action(ctx) {
    const acct = standby(ctx);
    const states = await endpoints(ctx, acct);
    const { client, resourceGroup, name } = acct;
    const todo = states.filter((e) => !running(e));
    // Rescaling first: a start then brings the endpoint up at the right size.
    const rescale = todo.filter((e) => e.endpoint !== null && (e.endpoint.scaleUnits ?? 0) !== e.scaleUnits);
    const scaled = (e: EndpointState) => !rescale.some((r) => r.name === e.name) || (e.endpoint?.scaleUnits ?? 0) === e.scaleUnits;
    await startAndWatch(
      ctx,
      rescale.map((e) => client.streamingEndpoints.beginScale(resourceGroup, name, e.name, { scaleUnit: e.scaleUnits }).then(named(e.name))),
      async () => lookAt(await endpoints(ctx, acct), scaled, endpointMoving),
    );
    const starts = todo
      .filter((e) => e.endpoint?.resourceState !== 'Running')
      .map((e) =>
        (e.endpoint === null
          ? client.streamingEndpoints.beginCreate(resourceGroup, name, e.name, { location: acct.location, scaleUnits: e.scaleUnits }, { autoStart: true })
          : client.streamingEndpoints.beginStart(resourceGroup, name, e.name)
        ).then(named(e.name)),
      );
    await startAndWatch(ctx, starts, async () => lookAt(await endpoints(ctx, acct), running, endpointMoving));
    return done(todo.map((e) => (e.endpoint === null ? `${e.name} created and started` : `${e.name} started (${e.scaleUnits} scale units)`)).join('; '));
  },
  async verify(ctx) {
    const states = await endpoints(ctx, standby(ctx));
    const notRunning = states.filter((e) => !running(e));
    return notRunning.length === 0
      ? verified(states.map((e) => `${e.name} Running at ${e.endpoint?.hostName ?? '?'}`).join('; '))
      : failed('StreamingEndpointNotRunning', notRunning.map((e) => `${e.name} is ${e.endpoint?.resourceState ?? 'missing'}`).join('; '));
  },
  async compensate(ctx) {
    return stopEndpoints(ctx);
  },
});

/** The secondary's catalog endpoints that exist and are not stopped: what a stop has to do. */
async function unstoppedEndpoints(ctx: StepContext, acct: Account) {
  return (await endpoints(ctx, acct)).filter((e) => e.endpoint !== null && e.endpoint.resourceState !== 'Stopped');
}

async function stopEndpoints(ctx: StepContext) {
  const acct = standby(ctx);
  const states = await unstoppedEndpoints(ctx, acct);
  await mapLimited(states, PARALLEL_WRITES, (e) => acct.client.streamingEndpoints.beginStopAndWait(acct.resourceGroup, acct.name, e.name, lro(ctx)));
  return compensated(states.length === 0 ? 'no streaming endpoint was running' : `stopped ${states.map((e) => e.name).join(', ')}`);
}

export const stopStreamingEndpoints = defineStep({
  name: 'stop-streaming-endpoints',
  title: 'Stop the secondary streaming endpoints',
  deadlineMs: 15 * MIN,
  group: 'idle-standby',
  async precheck(ctx) {
    const states = await unstoppedEndpoints(ctx, standby(ctx));
    return states.length === 0 ? alreadyDone('the secondary streaming endpoints are stopped') : needed(`stop ${states.map((e) => e.name).join(', ')}`);
  },
  async action(ctx) {
    return { ...(await stopEndpoints(ctx)), outcome: 'done' };
  },
  async verify(ctx) {
    const states = await unstoppedEndpoints(ctx, standby(ctx));
    return states.length === 0 ? verified('secondary streaming endpoints stopped') : failed('StreamingEndpointNotStopped', states.map((e) => `${e.name} is ${e.endpoint!.resourceState}`).join('; '));
  },
  async compensate(ctx) {
    const r = await startStreamingEndpoints.action(ctx);
    return compensated(r.detail);
  },
});

// ── start-live-events / stop-live-events ────────────────────────────────────────────────────

type LiveState = { name: string; event: LiveEvent | null; outputs: number };

/** The catalog's live events as the account reports them (one list read), with how many outputs each has. */
async function liveEvents(ctx: StepContext, acct: Account, withOutputs = true): Promise<LiveState[]> {
  const found = new Map<string, LiveEvent>();
  for await (const e of acct.client.liveEvents.list(acct.resourceGroup, acct.name)) found.set((e.name ?? '').toLowerCase(), e);
  return mapLimited(playbookOf(ctx.workload).liveEvents, PARALLEL_WRITES, async ({ name }) => {
    const event = found.get(name.toLowerCase()) ?? null;
    let outputs = 0;
    if (event !== null && withOutputs) for await (const _ of acct.client.liveOutputs.list(acct.resourceGroup, acct.name, name)) outputs++;
    return { name, event, outputs };
  });
}

const ingest = (s: LiveState) => s.event?.input?.endpoints?.map((e) => e.url).filter(Boolean).join(' ') || 'no ingest URL';
const live = (s: LiveState) => s.event?.resourceState === 'Running' && s.outputs > 0;

export const startLiveEvents = defineStep({
  name: 'start-live-events',
  title: 'Start the secondary live events (and report their ingest URLs)',
  deadlineMs: 15 * MIN,
  group: 'ready-standby',
  // A live event starts after its outputs exist: both are on the same chain.
  urgentRequests: [
    { method: 'POST', path: /\/liveevents\/[^/]+\/start$/i, seconds: 90 },
    { method: 'PUT', path: /\/liveevents\/[^/]+\/liveoutputs\/[^/]+$/i, seconds: 90 },
    { method: 'GET', path: /\/liveevents$/i, seconds: 90 },
  ],
  async precheck(ctx) {
    const states = await liveEvents(ctx, standby(ctx));
    if (states.length === 0) return alreadyDone('no live events in the catalog');
    const missing = states.filter((s) => s.event === null);
    if (missing.length > 0) {
      return failed('LiveEventMissing', `${missing.map((s) => s.name).join(', ')} do not exist on ${standby(ctx).name}: create them (with the encoders' ingest settings) before failing over`);
    }
    const todo = states.filter((s) => !live(s));
    return todo.length === 0 ? alreadyDone(`already live; encoders ingest at: ${states.map((s) => `${s.name} ${ingest(s)}`).join('; ')}`) : needed(`start ${todo.map((s) => s.name).join(', ')}`);
  },
  async action(ctx) {
    const acct = standby(ctx);
    const states = await liveEvents(ctx, acct);
    // Outputs first (an event streams to them from its start), then every event started at once.
    await mapLimited(
      states.filter((s) => s.outputs === 0),
      PARALLEL_WRITES,
      (s) =>
        acct.client.liveOutputs.beginCreateAndWait(
          acct.resourceGroup,
          acct.name,
          s.name,
          FAILOVER_OUTPUT.name,
          { assetName: `${s.name}-${FAILOVER_OUTPUT.name}-${ctx.incidentId}`.slice(0, 63), archiveWindowLength: FAILOVER_OUTPUT.archiveWindowLength },
          // An output is ready in seconds, but not at once: polled half as often, to spare the read budget.
          { updateIntervalInMs: ctx.deps.lroPollMs * 2 },
        ),
    );
    const stopped = states.filter((s) => s.event?.resourceState !== 'Running');
    // The last look lists every event with its ingest endpoints: no read more is needed to report them.
    const after = await startAndWatch(
      ctx,
      stopped.map((s) => acct.client.liveEvents.beginStart(acct.resourceGroup, acct.name, s.name).then(named(s.name))),
      async () => lookAt(await liveEvents(ctx, acct, false), (s) => s.event?.resourceState === 'Running', eventMoving),
    );
    // Encoders outside Azure must be pointed at these: the detail is what on-call reads.
    return done(`live; point encoders at: ${after.map((s) => `${s.name} ${ingest(s)}`).join('; ')}`);
  },
  async verify(ctx) {
    const states = await liveEvents(ctx, standby(ctx));
    const notLive = states.filter((s) => !live(s));
    return notLive.length === 0 ? verified('live events running with outputs') : failed('LiveEventNotRunning', notLive.map((s) => `${s.name} is ${s.event?.resourceState ?? 'missing'} with ${s.outputs} outputs`).join('; '));
  },
  async compensate(ctx) {
    return stopLive(ctx);
  },
});

/** The secondary's catalog live events that exist and are not stopped; a stop needs no output counts. */
async function unstoppedLiveEvents(ctx: StepContext, acct: Account) {
  return (await liveEvents(ctx, acct, false)).filter((s) => s.event !== null && s.event.resourceState !== 'Stopped');
}

async function stopLive(ctx: StepContext) {
  const acct = standby(ctx);
  const states = await unstoppedLiveEvents(ctx, acct);
  await mapLimited(states, PARALLEL_WRITES, (s) => acct.client.liveEvents.beginStopAndWait(acct.resourceGroup, acct.name, s.name, { removeOutputsOnStop: false }, lro(ctx)));
  return compensated(states.length === 0 ? 'no live event was running' : `stopped ${states.map((s) => s.name).join(', ')}`);
}

export const stopLiveEvents = defineStep({
  name: 'stop-live-events',
  title: 'Stop the secondary live events',
  deadlineMs: 15 * MIN,
  group: 'idle-standby',
  async precheck(ctx) {
    const states = await unstoppedLiveEvents(ctx, standby(ctx));
    return states.length === 0 ? alreadyDone('the secondary live events are stopped') : needed(`stop ${states.map((s) => s.name).join(', ')}`);
  },
  async action(ctx) {
    return { ...(await stopLive(ctx)), outcome: 'done' };
  },
  async verify(ctx) {
    const states = await unstoppedLiveEvents(ctx, standby(ctx));
    return states.length === 0 ? verified('secondary live events stopped') : failed('LiveEventNotStopped', states.map((s) => `${s.name} is ${s.event!.resourceState}`).join('; '));
  },
  compensate: { none: 'a stopped live event is what the failback wants; starting it again is the next failover' },
});

// ── resubmit-jobs ───────────────────────────────────────────────────────────────────────────

const PENDING = new Set(['Queued', 'Scheduled', 'Processing']);

interface JobMove {
  transform: string;
  job: Job;
}

/** Jobs queued or processing on the account being left, and whether each already exists on the target. */
async function jobsToMove(ctx: StepContext): Promise<{ pending: JobMove[]; moved: Set<string> } | null> {
  const { to, from } = target(ctx);
  const transforms = playbookOf(ctx.workload).transforms.map((t) => t.name);
  const pending = await unlessDown(async () => {
    const out: JobMove[] = [];
    for (const transform of transforms) {
      try {
        for await (const job of from.client.jobs.list(from.resourceGroup, from.name, transform)) if (PENDING.has(job.state ?? '')) out.push({ transform, job });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return out;
  });
  if (pending === null) return null;
  const moved = new Set<string>();
  await mapLimited(pending, PARALLEL_WRITES, async ({ transform, job }) => {
    try {
      await to.client.jobs.get(to.resourceGroup, to.name, transform, job.name!);
      moved.add(`${transform}/${job.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
  return { pending, moved };
}

export const resubmitJobs = defineStep({
  name: 'resubmit-jobs',
  title: { failover: 'Resubmit queued and processing encoding jobs to the secondary', failback: 'Leave running jobs where they are' },
  deadlineMs: { failover: 10 * MIN, failback: MIN },
  async precheck(ctx) {
    if (ctx.direction === 'failback') return alreadyDone('jobs stay where they run; new jobs follow the active-account key');
    const jobs = await jobsToMove(ctx);
    if (jobs === null) return skipped(`${target(ctx).from.name} does not answer, so its queued jobs cannot be read; resubmit them from the submitting app's records`);
    const todo = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    if (jobs.pending.length === 0) return alreadyDone(`no queued or processing jobs on ${target(ctx).from.name}`);
    return todo.length === 0 ? alreadyDone(`${jobs.pending.length} job(s) already resubmitted`) : needed(`resubmit ${todo.map((j) => `${j.job.name} (${j.job.state})`).join(', ')}`);
  },
  async action(ctx) {
    const { to } = target(ctx);
    const jobs = await jobsToMove(ctx);
    if (jobs === null) return done('the primary stopped answering; nothing could be read to resubmit');
    const todo = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    await mapLimited(todo, PARALLEL_WRITES, async ({ transform, job }) => {
      try {
        await to.client.jobs.create(to.resourceGroup, to.name, transform, job.name!, { input: job.input!, outputs: job.outputs ?? [], priority: job.priority ?? 'Normal', ...(job.correlationData !== undefined ? { correlationData: job.correlationData } : {}) });
      } catch (err) {
        // Created by an earlier attempt whose answer was lost: that is the job we wanted.
        if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      }
    });
    return done(`resubmitted to ${to.name}: ${todo.map((j) => `${j.transform}/${j.job.name}`).join(', ') || 'none'}`);
  },
  async verify(ctx) {
    const jobs = await jobsToMove(ctx);
    if (jobs === null) return verified('the primary stopped answering; resubmitted jobs cannot be compared');
    const todo = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    return todo.length === 0 ? verified(`${jobs.pending.length} job(s) on ${target(ctx).to.name}`) : failed('JobsNotResubmitted', todo.map((j) => j.job.name).join(', '));
  },
  compensate: { none: 'a resubmitted job runs to its end on the secondary; cancelling it would lose the work' },
});

// ── switch-traffic ──────────────────────────────────────────────────────────────────────────

interface TrafficEndpoints {
  enable: string;
  disable: string;
  resourceGroup: string;
  profile: string;
  subscription: string;
}

function traffic(ctx: StepContext): TrafficEndpoints | null {
  const tm: TrafficManagerSwitch | null = playbookOf(ctx.workload).trafficManager;
  if (tm === null) return null;
  const parsed = parseResourceId(tm.profile);
  if (parsed === null || parsed.resourceGroup === null) throw new StepFailure('CatalogIncomplete', `trafficManager.profile '${tm.profile}' is not a resource id`);
  const [enable, disable] = ctx.direction === 'failover' ? [tm.secondaryEndpoint, tm.primaryEndpoint] : [tm.primaryEndpoint, tm.secondaryEndpoint];
  return { enable, disable, resourceGroup: parsed.resourceGroup, profile: parsed.names[0]!, subscription: parsed.subscriptionId };
}

async function endpointStatus(ctx: StepContext, t: TrafficEndpoints, name: string): Promise<string> {
  try {
    const e = await ctx.deps.clients.trafficManager(t.subscription).endpoints.get(t.resourceGroup, t.profile, 'ExternalEndpoints', name);
    return e.endpointStatus ?? 'Unknown';
  } catch (err) {
    if (isNotFound(err)) throw new StepFailure('TrafficManagerEndpointMissing', `Traffic Manager profile ${t.profile} has no external endpoint '${name}': fix trafficManager in the catalog, or add the endpoint`);
    throw err;
  }
}

async function setEndpoint(ctx: StepContext, t: TrafficEndpoints, name: string, status: 'Enabled' | 'Disabled'): Promise<void> {
  await ctx.deps.clients.trafficManager(t.subscription).endpoints.update(t.resourceGroup, t.profile, 'ExternalEndpoints', name, { endpointStatus: status });
}

export const switchTraffic = defineStep({
  name: 'switch-traffic',
  title: { failover: 'Send viewers to the secondary (Traffic Manager)', failback: 'Send viewers back to the primary (Traffic Manager)' },
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    const t = traffic(ctx);
    if (t === null) return alreadyDone('no Traffic Manager profile in the catalog');
    const [on, off] = await Promise.all([endpointStatus(ctx, t, t.enable), endpointStatus(ctx, t, t.disable)]);
    return on === 'Enabled' && off === 'Disabled' ? alreadyDone(`${t.profile}: ${t.enable} enabled, ${t.disable} disabled`) : needed(`${t.profile}: enable ${t.enable} (${on}), disable ${t.disable} (${off})`);
  },
  async action(ctx) {
    const t = traffic(ctx)!;
    // The side taking over first, so viewers always have somewhere to go.
    await setEndpoint(ctx, t, t.enable, 'Enabled');
    await setEndpoint(ctx, t, t.disable, 'Disabled');
    return done(`${t.profile}: viewers go to ${t.enable}`);
  },
  async verify(ctx) {
    const t = traffic(ctx)!;
    const [on, off] = await Promise.all([endpointStatus(ctx, t, t.enable), endpointStatus(ctx, t, t.disable)]);
    return on === 'Enabled' && off === 'Disabled' ? verified(`${t.enable} Enabled, ${t.disable} Disabled`) : failed('TrafficNotSwitched', `${t.enable} is ${on}, ${t.disable} is ${off}`);
  },
  async compensate(ctx) {
    const t = traffic(ctx);
    if (t === null) return compensated('no Traffic Manager profile');
    await setEndpoint(ctx, t, t.disable, 'Enabled');
    await setEndpoint(ctx, t, t.enable, 'Disabled');
    return compensated(`${t.profile}: viewers back on ${t.disable}`);
  },
});

