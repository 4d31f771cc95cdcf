/**
 * The Azure Media Services playbook's steps (`@azure/arm-mediaservices`, Traffic Manager through
 * `@azure/arm-trafficmanager`). Failover: check the secondary account, make sure its transforms
 * exist as defined, start its streaming endpoints and live events (recording on each resource
 * what the failover started; a live event without outputs gets an asset, a live output and a
 * clear streaming locator, and the step reports the ingest URLs encoders must be pointed at and
 * the playback URLs), resubmit the primary's queued and processing jobs with inputs the
 * secondary can read and new output assets, and move viewers with the Traffic Manager profile
 * once the secondary's endpoints list the viewers' host name. Failback: the primary's endpoints
 * and live events started and Running first, then viewers back, then the secondary put back as
 * the failover found it (what it started stopped, its outputs deleted, scale units restored);
 * transforms, and the recordings' assets and locators, stay.
 *
 * Every step reads before it writes, so a secondary that is partly failed over already is
 * finished, not redone; resources inside a step are handled in parallel under a small limit,
 * which keeps a subscription inside ARM's write budget, and the SDK waits out throttling.
 */
import type { AzureMediaServices, Job, JobInputAsset, JobInputHttp, JobInputs, JobInputSequence, JobInputUnion, JobOutputAsset, LiveEvent, StreamingEndpoint, Transform } from '@azure/arm-mediaservices';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseResourceId } from '../../azure/resource-id.js';
import { blobOf, httpInputUrls, onSecondary, type BlobUrl } from './blob-inputs.js';
import type { MediaServicesPlaybook, TrafficManagerSwitch, Workload } from '../../catalog/types.js';
import type { Direction, TodoItem } from '../types.js';
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
  todo,
  verified,
  defineStep,
  type ReadContext,
  type StepContext,
  unlessDown,
} from '../define.js';

const MIN = 60_000;

/** The live output created on a secondary live event that has none. */
const FAILOVER_OUTPUT = { name: 'failover', archiveWindowLength: 'PT8H' };

interface Account {
  /** Its ARM id, as the catalog names it: what its child resources' ids start with. */
  id: string;
  client: AzureMediaServices;
  resourceGroup: string;
  name: string;
  location: string;
}

function playbookOf(workload: Workload): MediaServicesPlaybook {
  if (workload.playbook.kind !== 'mediaServices') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Media Services workload`);
  return workload.playbook;
}

function account(ctx: ReadContext, side: 'primary' | 'secondary', probing = false): Account {
  const r = requiredSideResource(ctx, side, 'account', probing);
  return { id: r.id, client: r.clients.media(r.subscriptionId), resourceGroup: r.resourceGroup, name: r.name, location: r.region };
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
  // Its precheck and verify are phases of the wave the streaming endpoints start in: the starts
  // wait for its reads, and so does the end of the wave.
  urgentRequests: [{ method: 'GET', path: /\/transforms\/[^/]+$/i, seconds: 120 }],
  async precheck(ctx) {
    if (playbookOf(ctx.workload).transforms.length === 0) return alreadyDone('no transforms in the catalog');
    const { missing, differ } = await transformsToCopy(ctx);
    const { to } = target(ctx);
    if (missing.length === 0 && differ.length === 0) return alreadyDone(`every transform exists on ${to.name} as defined`);
    return needed([missing.length > 0 ? `missing: ${missing.join(', ')}` : '', differ.length > 0 ? `different: ${differ.join(', ')}` : ''].filter(Boolean).join('; '), {
      resources: [...missing, ...differ].map((n) => `${to.id}/transforms/${n}`),
    });
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

// ── what a failover started: recorded on the resources themselves ───────────────────────────

/**
 * A failover tags each standby streaming endpoint and live event it starts (and each endpoint it
 * rescales, with the units it had) before it acts, so failback and rollback undo exactly that:
 * what was already running on the standby stays running, at its own scale. The record lives on
 * the resources (visible in the portal) and survives a crash between the tag and the start.
 */
const STARTED_TAG = 'failover-started-by';
const UNITS_TAG = 'failover-scale-units-before';

type Tagged = { tags?: { [name: string]: string } };

const tagsOf = (r: Tagged | null): Record<string, string> => ({ ...(r?.tags ?? {}) });
const startedByFailover = (r: Tagged | null) => r?.tags?.[STARTED_TAG] !== undefined;
const unitsBefore = (r: Tagged | null): number | null => {
  const v = r?.tags?.[UNITS_TAG];
  return v === undefined || !/^\d+$/.test(v) ? null : Number(v);
};
const withoutOurTags = (r: Tagged | null): Record<string, string> => {
  const { [STARTED_TAG]: _s, [UNITS_TAG]: _u, ...rest } = tagsOf(r);
  return rest;
};
const ours = (r: Tagged | null) => startedByFailover(r) || unitsBefore(r) !== null;

// ── start-streaming-endpoints / stop-streaming-endpoints ────────────────────────────────────

type EndpointState = { name: string; scaleUnits: number; endpoint: StreamingEndpoint | null };

/** The catalog's streaming endpoints as the account reports them, in one list read. */
async function endpoints(ctx: ReadContext, acct: Account): Promise<EndpointState[]> {
  const found = new Map<string, StreamingEndpoint>();
  for await (const e of acct.client.streamingEndpoints.list(acct.resourceGroup, acct.name)) found.set((e.name ?? '').toLowerCase(), e);
  return playbookOf(ctx.workload).streamingEndpoints.map((e) => ({ ...e, endpoint: found.get(e.name.toLowerCase()) ?? null }));
}

/**
 * At its goal: on failover running at the catalog's scale (the standby must carry the load); on
 * failback running at whatever scale the primary has (its size is its owner's, not the catalog's).
 */
const runningFor = (direction: Direction) => (e: EndpointState) =>
  e.endpoint?.resourceState === 'Running' && (direction === 'failback' || (e.endpoint.scaleUnits ?? 0) === e.scaleUnits);

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

/** The account failback idles: always the secondary. */
function standby(ctx: StepContext): Account {
  return account(ctx, 'secondary');
}

/** The account whose endpoints and live events a direction starts: the secondary on failover, the primary on failback. */
const serving = (ctx: StepContext): Account => target(ctx).to;

/** Writes a resource's tags (PATCH: the rest of it untouched). */
async function setEndpointTags(ctx: StepContext, acct: Account, name: string, tags: Record<string, string>): Promise<void> {
  await acct.client.streamingEndpoints.beginUpdateAndWait(acct.resourceGroup, acct.name, name, { location: acct.location, tags }, lro(ctx));
}

export const startStreamingEndpoints = defineStep({
  name: 'start-streaming-endpoints',
  title: { failover: 'Start the secondary streaming endpoints', failback: 'Start the primary streaming endpoints (before viewers come back)' },
  deadlineMs: 15 * MIN,
  group: 'ready-standby',
  // A streaming endpoint takes about two minutes to start: the failover's longest chain. The
  // record written before the start (PATCH of tags) and the first status read the SDK makes
  // when it starts an operation are on that chain too.
  urgentRequests: [
    { method: 'POST', path: /\/streamingendpoints\/[^/]+\/(start|scale)$/i, seconds: 120 },
    { method: 'PUT', path: /\/streamingendpoints\/[^/]+$/i, seconds: 120 },
    { method: 'PATCH', path: /\/streamingendpoints\/[^/]+$/i, seconds: 120 },
    { method: 'GET', path: /\/streamingendpoints$/i, seconds: 120 },
    { method: 'GET', path: /\/streamingendpointoperations\/[^/]+$/i, seconds: 120 },
  ],
  async precheck(ctx) {
    const acct = serving(ctx);
    const states = await endpoints(ctx, acct);
    if (states.length === 0) return alreadyDone('no streaming endpoints in the catalog');
    const todo = states.filter((e) => !runningFor(ctx.direction)(e));
    return todo.length === 0
      ? alreadyDone(`${states.map((e) => e.name).join(', ')} already running`)
      : needed(`start ${todo.map((e) => e.name).join(', ')}`, { resources: todo.map((e) => `${acct.id}/streamingEndpoints/${e.name}`) });
  },
  async action(ctx) {
    const acct = serving(ctx);
    const running = runningFor(ctx.direction);
    const states = await endpoints(ctx, acct);
    const { client, resourceGroup, name } = acct;
    const todo = states.filter((e) => !running(e));
    if (ctx.direction === 'failover') {
      // Recorded before anything changes: what this failover starts, and the scale it changes.
      await mapLimited(
        todo.filter((e) => e.endpoint !== null),
        PARALLEL_WRITES,
        async (e) => {
          const tags = tagsOf(e.endpoint);
          if (e.endpoint!.resourceState !== 'Running' && tags[STARTED_TAG] === undefined) tags[STARTED_TAG] = ctx.incidentId;
          if ((e.endpoint!.scaleUnits ?? 0) !== e.scaleUnits && tags[UNITS_TAG] === undefined) tags[UNITS_TAG] = String(e.endpoint!.scaleUnits ?? 0);
          if (JSON.stringify(tags) !== JSON.stringify(tagsOf(e.endpoint))) await setEndpointTags(ctx, acct, e.name, tags);
        },
      );
    }
    // Rescaling first (failover only): a start then brings the endpoint up at the right size.
    const rescale = ctx.direction === 'failover' ? todo.filter((e) => e.endpoint !== null && (e.endpoint.scaleUnits ?? 0) !== e.scaleUnits) : [];
    const scaled = (e: EndpointState) => !rescale.some((r) => r.name === e.name) || (e.endpoint?.scaleUnits ?? 0) === e.scaleUnits;
    await startAndWatch(
      ctx,
      rescale.map((e) => client.streamingEndpoints.beginScale(resourceGroup, name, e.name, { scaleUnit: e.scaleUnits }).then(named(e.name))),
      async () => lookAt(await endpoints(ctx, acct), scaled, endpointMoving),
    );
    const starts = todo
      .filter((e) => e.endpoint?.resourceState !== 'Running' && !SE_MOVING.has(e.endpoint?.resourceState ?? ''))
      .map((e) =>
        (e.endpoint === null
          ? client.streamingEndpoints.beginCreate(
              resourceGroup,
              name,
              e.name,
              { location: acct.location, scaleUnits: e.scaleUnits, ...(ctx.direction === 'failover' ? { tags: { [STARTED_TAG]: ctx.incidentId } } : {}) },
              { autoStart: true },
            )
          : client.streamingEndpoints.beginStart(resourceGroup, name, e.name)
        ).then(named(e.name)),
      );
    await startAndWatch(ctx, starts, async () => lookAt(await endpoints(ctx, acct), running, endpointMoving));
    return done(todo.map((e) => (e.endpoint === null ? `${e.name} created and started` : `${e.name} started (${ctx.direction === 'failover' ? e.scaleUnits : (e.endpoint.scaleUnits ?? 0)} scale units)`)).join('; '));
  },
  async verify(ctx) {
    const states = await endpoints(ctx, serving(ctx));
    const notRunning = states.filter((e) => !runningFor(ctx.direction)(e));
    return notRunning.length === 0
      ? verified(states.map((e) => `${e.name} Running at ${e.endpoint?.hostName ?? '?'}`).join('; '))
      : failed('StreamingEndpointNotRunning', notRunning.map((e) => `${e.name} is ${e.endpoint?.resourceState ?? 'missing'}`).join('; '));
  },
  async compensate(ctx) {
    if (ctx.direction === 'failback') return compensated('nothing stopped: the primary serving is what the end of the incident wants');
    return compensated(await restoreEndpoints(ctx));
  },
});

/** A catalog endpoint carrying this playbook's record: what failback and rollback put back. */
const toRestore = (e: EndpointState) => e.endpoint !== null && ours(e.endpoint);
/** The standby's endpoints to put back. */
async function endpointsToRestore(ctx: StepContext, acct: Account) {
  return (await endpoints(ctx, acct)).filter(toRestore);
}

/**
 * Puts the standby's endpoints back as the failover found them: those it started are stopped,
 * those it rescaled get their units back, and the record is removed; the others are not touched.
 */
async function restoreEndpoints(ctx: StepContext): Promise<string> {
  const acct = standby(ctx);
  // One list: what carries the record is restored; the rest is reported as it was found, untouched.
  const all = await endpoints(ctx, acct);
  const states = all.filter(toRestore);
  const said: string[] = [];
  await mapLimited(states, PARALLEL_WRITES, async (e) => {
    const started = startedByFailover(e.endpoint) && e.endpoint!.resourceState !== 'Stopped';
    if (started) await acct.client.streamingEndpoints.beginStopAndWait(acct.resourceGroup, acct.name, e.name, lro(ctx));
    const units = unitsBefore(e.endpoint);
    if (units !== null && units !== (e.endpoint!.scaleUnits ?? 0)) await acct.client.streamingEndpoints.beginScaleAndWait(acct.resourceGroup, acct.name, e.name, { scaleUnit: units }, lro(ctx));
    await setEndpointTags(ctx, acct, e.name, withoutOurTags(e.endpoint));
    said.push([started ? `stopped ${e.name}` : `${e.name} left ${e.endpoint!.resourceState}`, units !== null ? `back to ${units} scale units` : ''].filter(Boolean).join(', '));
  });
  const untouched = all.filter((e) => e.endpoint !== null && !states.includes(e) && e.endpoint.resourceState === 'Running');
  return [
    said.length === 0 ? 'no streaming endpoint was started by the failover' : said.sort().join('; '),
    untouched.length > 0 ? `${untouched.map((e) => e.name).join(', ')} ran before the failover and still run` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

export const stopStreamingEndpoints = defineStep({
  name: 'stop-streaming-endpoints',
  title: 'Stop the secondary streaming endpoints the failover started',
  deadlineMs: 15 * MIN,
  group: 'idle-standby',
  async precheck(ctx) {
    const acct = standby(ctx);
    const states = await endpointsToRestore(ctx, acct);
    return states.length === 0
      ? alreadyDone('no secondary streaming endpoint carries a failover record: nothing to stop or rescale')
      : needed(`restore ${states.map((e) => e.name).join(', ')}`, { resources: states.map((e) => `${acct.id}/streamingEndpoints/${e.name}`) });
  },
  async action(ctx) {
    return done(await restoreEndpoints(ctx));
  },
  async verify(ctx) {
    const states = await endpointsToRestore(ctx, standby(ctx));
    return states.length === 0 ? verified('secondary streaming endpoints as they were before the failover') : failed('StreamingEndpointNotRestored', states.map((e) => `${e.name} is ${e.endpoint!.resourceState}`).join('; '));
  },
  compensate: { none: 'restarting the standby after a failback would only cost money; the next failover starts it' },
});

// ── start-live-events / stop-live-events ────────────────────────────────────────────────────

type LiveState = { name: string; event: LiveEvent | null; outputs: string[] };

/** The catalog's live events as the account reports them (one list read), with their outputs' names. */
async function liveEvents(ctx: StepContext, acct: Account, withOutputs = true): Promise<LiveState[]> {
  const found = new Map<string, LiveEvent>();
  for await (const e of acct.client.liveEvents.list(acct.resourceGroup, acct.name)) found.set((e.name ?? '').toLowerCase(), e);
  return mapLimited(playbookOf(ctx.workload).liveEvents, PARALLEL_WRITES, async ({ name }) => {
    const event = found.get(name.toLowerCase()) ?? null;
    const outputs: string[] = [];
    if (event !== null && withOutputs) for await (const o of acct.client.liveOutputs.list(acct.resourceGroup, acct.name, name)) outputs.push(o.name ?? '');
    return { name, event, outputs };
  });
}

const ingest = (s: LiveState) => s.event?.input?.endpoints?.map((e) => e.url).filter(Boolean).join(' ') || 'no ingest URL';
/** Live on failover: running and recording into an output viewers can play; on failback the primary's own outputs are its owner's. */
const liveFor = (direction: Direction) => (s: LiveState) => s.event?.resourceState === 'Running' && (direction === 'failback' || s.outputs.length > 0);

/** The names of what a failover creates for a live event without outputs; fixed per incident, so a retry finds them. */
function failoverNames(ctx: StepContext, event: string) {
  const asset = `${event}-${FAILOVER_OUTPUT.name}-${ctx.incidentId}`.slice(0, 63);
  return { asset, output: FAILOVER_OUTPUT.name, locator: asset };
}

/** A live event's PATCH of tags (the rest of it untouched). */
async function setEventTags(ctx: StepContext, acct: Account, name: string, tags: Record<string, string>): Promise<void> {
  await acct.client.liveEvents.beginUpdateAndWait(acct.resourceGroup, acct.name, name, { location: acct.location, tags }, lro(ctx));
}

/**
 * The asset, live output and streaming locator a live event without outputs needs to be
 * playable: Azure refuses an output whose asset does not exist, and without a locator nobody can
 * play what it records. Each exists after this, whatever an earlier attempt left; the order
 * (asset, locator, output) keeps "has the output" meaning "has all three".
 */
async function createRecording(ctx: StepContext, acct: Account, event: string): Promise<void> {
  const n = failoverNames(ctx, event);
  await acct.client.assets.createOrUpdate(acct.resourceGroup, acct.name, n.asset, { description: `recording of ${event} during failover ${ctx.incidentId}` });
  // The locator needs only the asset, and is made before the output (a synchronous write, no
  // wait): a live event that has its failover output then always has its locator too, so an
  // attempt cut short after the output cannot leave a recording nobody can play.
  await ensureLocator(acct, n.locator, n.asset);
  await acct.client.liveOutputs.beginCreateAndWait(
    acct.resourceGroup,
    acct.name,
    event,
    n.output,
    { assetName: n.asset, archiveWindowLength: FAILOVER_OUTPUT.archiveWindowLength },
    // An output is ready in seconds, but not at once: polled half as often, to spare the read budget.
    { updateIntervalInMs: ctx.deps.lroPollMs * 2 },
  );
}

/** A clear streaming locator on an asset; locators cannot be updated, so an existing one is kept. */
async function ensureLocator(acct: Account, locator: string, asset: string): Promise<void> {
  try {
    await acct.client.streamingLocators.get(acct.resourceGroup, acct.name, locator);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await acct.client.streamingLocators.create(acct.resourceGroup, acct.name, locator, { assetName: asset, streamingPolicyName: 'Predefined_ClearStreamingOnly' });
  }
}

/** Where viewers play one failover recording. */
interface Playback {
  event: string;
  locator: string;
  /** Its HLS and DASH URLs on each host, the viewers' host name first; empty when there is nothing to play yet. */
  urls: Array<{ host: string; protocol: string; url: string }>;
}

/**
 * Where viewers play each failover recording of this incident: the HLS and DASH paths of its
 * locator on the name viewers use (the Traffic Manager host name, when the catalog has one) and
 * on each running streaming endpoint of the account. An event whose locator is not there (its
 * output was made by another incident) is left out.
 */
async function playback(ctx: StepContext, acct: Account, events: readonly string[]): Promise<Playback[]> {
  if (events.length === 0) return [];
  const hosts = (await endpoints(ctx, acct)).filter((e) => e.endpoint?.resourceState === 'Running' && e.endpoint.hostName !== undefined).map((e) => e.endpoint!.hostName!);
  const viewerHost = playbookOf(ctx.workload).trafficManager?.hostName ?? null;
  const all = [...(viewerHost !== null ? [viewerHost] : []), ...hosts];
  const found = await mapLimited(events, PARALLEL_WRITES, async (event): Promise<Playback | null> => {
    const n = failoverNames(ctx, event);
    let paths;
    try {
      paths = await acct.client.streamingLocators.listPaths(acct.resourceGroup, acct.name, n.locator);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const wanted = (paths.streamingPaths ?? [])
      .filter((p) => p.streamingProtocol === 'Hls' || p.streamingProtocol === 'Dash')
      .flatMap((p) => (p.paths ?? []).map((path) => ({ protocol: p.streamingProtocol.toUpperCase(), path })));
    return { event, locator: n.locator, urls: all.flatMap((host) => wanted.map((w) => ({ host, protocol: w.protocol, url: `https://${host}${w.path}` }))) };
  });
  return found.filter((p): p is Playback => p !== null);
}

const playbackLine = (p: Playback): string => (p.urls.length === 0 ? `${p.event}: nothing to play yet (locator ${p.locator})` : `${p.event}: ${p.urls.map((u) => u.url).join(' ')}`);

/** Players need each recording's new URLs (its locator is new): one per protocol, on the name viewers use. */
const playbackTodo = (acct: Account, p: Playback): TodoItem[] =>
  p.urls
    .filter((u) => u.host === p.urls[0]!.host)
    .map((u) => todo('playback-url', `Give players the ${u.protocol} URL of ${p.event}'s recording on ${acct.name}: ${u.url}`, { url: u.url, resourceId: `${acct.id}/streamingLocators/${p.locator}` }));

/** Encoders outside Azure keep pushing to the side being left until someone points them at the live event serving now. */
function ingestTodo(acct: Account, s: LiveState): TodoItem[] {
  const urls = (s.event?.input?.endpoints ?? []).map((e) => e.url).filter((u): u is string => u !== undefined && u !== '');
  if (urls.length === 0) return [];
  const others = urls.length > 1 ? ` (or ${urls.slice(1).join(', ')})` : '';
  return [todo('ingest-url', `Point the encoders of ${s.name} at ${urls[0]!}${others}: ${s.name} ingests on ${acct.name} now`, { url: urls[0]!, resourceId: `${acct.id}/liveEvents/${s.name}` })];
}

export const startLiveEvents = defineStep({
  name: 'start-live-events',
  title: { failover: 'Start the secondary live events (and report their ingest and playback URLs)', failback: 'Start the primary live events (before viewers come back)' },
  deadlineMs: 15 * MIN,
  group: 'ready-standby',
  // A live event starts after its record (PATCH of tags) and its recording (asset, live output,
  // locator) exist: every request of those, and the reads that see them done, are on its chain.
  urgentRequests: [
    { method: 'POST', path: /\/liveevents\/[^/]+\/start$/i, seconds: 90 },
    { method: 'PATCH', path: /\/liveevents\/[^/]+$/i, seconds: 90 },
    { method: 'PUT', path: /\/assets\/[^/]+$/i, seconds: 90 },
    { method: 'PUT', path: /\/liveevents\/[^/]+\/liveoutputs\/[^/]+$/i, seconds: 90 },
    { method: 'PUT', path: /\/streaminglocators\/[^/]+$/i, seconds: 90 },
    { method: 'GET', path: /\/streaminglocators\/[^/]+$/i, seconds: 90 },
    { method: 'GET', path: /\/liveevents$/i, seconds: 90 },
    { method: 'GET', path: /\/liveevents\/[^/]+\/liveoutputs$/i, seconds: 90 },
    { method: 'GET', path: /\/(liveeventoperations|liveoutputoperations|operationlocations)\/[^/]+$/i, seconds: 90 },
  ],
  async precheck(ctx) {
    const acct = serving(ctx);
    const states = await liveEvents(ctx, acct);
    if (states.length === 0) return alreadyDone('no live events in the catalog');
    const missing = states.filter((s) => s.event === null);
    if (missing.length > 0) {
      return failed('LiveEventMissing', `${missing.map((s) => s.name).join(', ')} do not exist on ${acct.name}: create them (with the encoders' ingest settings) before failing over`);
    }
    const toStart = states.filter((s) => !liveFor(ctx.direction)(s));
    if (toStart.length > 0) return needed(`start ${toStart.map((s) => s.name).join(', ')}`, { resources: toStart.map((s) => `${acct.id}/liveEvents/${s.name}`) });
    // Live already (a run cut short after its action, or a standby kept live): the URLs still apply.
    const recorded = ctx.direction === 'failover' ? await playback(ctx, acct, states.filter((s) => s.outputs.includes(FAILOVER_OUTPUT.name)).map((s) => s.name)) : [];
    return alreadyDone(`already live; encoders ingest at: ${states.map((s) => `${s.name} ${ingest(s)}`).join('; ')}`, {
      todo: [...states.flatMap((s) => ingestTodo(acct, s)), ...recorded.flatMap((p) => playbackTodo(acct, p))],
    });
  },
  async action(ctx) {
    const acct = serving(ctx);
    const states = await liveEvents(ctx, acct);
    const stopped = states.filter((s) => s.event?.resourceState !== 'Running');
    const recorded: string[] = [];
    /** Events that were moving when their recording was due: they get it once they are at rest. */
    const late: string[] = [];
    if (ctx.direction === 'failover') {
      // Recorded before the start: these events are the failover's to stop again.
      await mapLimited(
        stopped.filter((s) => !startedByFailover(s.event)),
        PARALLEL_WRITES,
        (s) => setEventTags(ctx, acct, s.name, { ...tagsOf(s.event), [STARTED_TAG]: ctx.incidentId }),
      );
      // Outputs before the start (an event streams to them from its start); an event with an
      // operation running takes no output write, so one already moving gets its output after.
      const bare = states.filter((s) => s.outputs.length === 0);
      await mapLimited(
        bare.filter((s) => !eventMoving(s)),
        PARALLEL_WRITES,
        (s) => createRecording(ctx, acct, s.name),
      );
      recorded.push(...bare.map((s) => s.name));
      late.push(...bare.filter(eventMoving).map((s) => s.name));
    }
    // The last look lists every event with its ingest endpoints: no read more is needed to report them.
    const after = await startAndWatch(
      ctx,
      stopped.filter((s) => !eventMoving(s)).map((s) => acct.client.liveEvents.beginStart(acct.resourceGroup, acct.name, s.name).then(named(s.name))),
      async () => lookAt(await liveEvents(ctx, acct, false), (s) => s.event?.resourceState === 'Running', eventMoving),
    );
    // Only an event that was moving is listed again for its outputs: the others got theirs before their start.
    if (late.length > 0) {
      const still = (await liveEvents(ctx, acct)).filter((s) => late.includes(s.name) && !s.outputs.includes(FAILOVER_OUTPUT.name));
      await mapLimited(still, PARALLEL_WRITES, (s) => createRecording(ctx, acct, s.name));
    }
    // Encoders outside Azure must be pointed at these, and players at the playback URLs: the checklist says so.
    const played = await playback(ctx, acct, recorded);
    const playbackText = played.length > 0 ? `; playback: ${played.map(playbackLine).join('; ')}` : '';
    return done(`live; point encoders at: ${after.map((s) => `${s.name} ${ingest(s)}`).join('; ')}${playbackText}`, {
      todo: [...after.flatMap((s) => ingestTodo(acct, s)), ...played.flatMap((p) => playbackTodo(acct, p))],
    });
  },
  async verify(ctx) {
    const states = await liveEvents(ctx, serving(ctx));
    const notLive = states.filter((s) => !liveFor(ctx.direction)(s));
    return notLive.length === 0
      ? verified(ctx.direction === 'failover' ? 'live events running with outputs' : 'primary live events running')
      : failed('LiveEventNotRunning', notLive.map((s) => `${s.name} is ${s.event?.resourceState ?? 'missing'} with ${s.outputs.length} outputs`).join('; '));
  },
  async compensate(ctx) {
    if (ctx.direction === 'failback') return compensated('nothing stopped: the primary serving is what the end of the incident wants');
    return compensated(await restoreLiveEvents(ctx));
  },
});

/** The standby's catalog live events that carry a failover record or a failover output: what failback and rollback put back. */
async function eventsToRestore(ctx: StepContext, acct: Account) {
  return (await liveEvents(ctx, acct)).filter((s) => s.event !== null && (startedByFailover(s.event) || s.outputs.includes(FAILOVER_OUTPUT.name)));
}

/**
 * Puts the standby's live events back as the failover found them: the failover's output is
 * deleted first (no output keeps recording on a stopped event, and none is left on one that ran
 * before), then the events the failover started are stopped and the record removed. The
 * recordings' assets and locators stay: they hold what was streamed during the failover.
 */
async function restoreLiveEvents(ctx: StepContext): Promise<string> {
  const acct = standby(ctx);
  const states = await eventsToRestore(ctx, acct);
  const said: string[] = [];
  await mapLimited(states, PARALLEL_WRITES, async (s) => {
    const parts: string[] = [];
    if (s.outputs.includes(FAILOVER_OUTPUT.name)) {
      await acct.client.liveOutputs.beginDeleteAndWait(acct.resourceGroup, acct.name, s.name, FAILOVER_OUTPUT.name, lro(ctx));
      parts.push(`deleted its ${FAILOVER_OUTPUT.name} output`);
    }
    if (startedByFailover(s.event)) {
      if (s.event!.resourceState !== 'Stopped') {
        await acct.client.liveEvents.beginStopAndWait(acct.resourceGroup, acct.name, s.name, { removeOutputsOnStop: false }, lro(ctx));
        parts.push('stopped');
      }
      await setEventTags(ctx, acct, s.name, withoutOurTags(s.event));
    } else {
      parts.push(`left ${s.event!.resourceState} (it ran before the failover)`);
    }
    said.push(`${s.name}: ${parts.join(', ') || 'nothing to undo'}`);
  });
  return said.length === 0 ? 'no live event was started or recorded by the failover' : said.sort().join('; ');
}

export const stopLiveEvents = defineStep({
  name: 'stop-live-events',
  title: 'Stop the secondary live events the failover started, and delete its live outputs',
  deadlineMs: 15 * MIN,
  group: 'idle-standby',
  async precheck(ctx) {
    const acct = standby(ctx);
    const states = await eventsToRestore(ctx, acct);
    return states.length === 0
      ? alreadyDone('no secondary live event carries a failover record or output')
      : needed(`restore ${states.map((s) => s.name).join(', ')}`, { resources: states.map((s) => `${acct.id}/liveEvents/${s.name}`) });
  },
  async action(ctx) {
    return done(await restoreLiveEvents(ctx));
  },
  async verify(ctx) {
    const states = await eventsToRestore(ctx, standby(ctx));
    return states.length === 0
      ? verified('secondary live events as they were before the failover')
      : failed('LiveEventNotRestored', states.map((s) => `${s.name} is ${s.event!.resourceState} with outputs ${s.outputs.join(', ') || 'none'}`).join('; '));
  },
  compensate: { none: 'a stopped live event is what the failback wants; starting it again is the next failover' },
});

// ── resubmit-jobs ───────────────────────────────────────────────────────────────────────────

const PENDING = new Set(['Queued', 'Scheduled', 'Processing']);

/**
 * How long the read SAS given to a resubmitted job lasts: a job may wait in the standby's queue
 * behind others for hours before it reads its input, and a SAS that expired by then fails it.
 */
const JOB_INPUT_SAS_HOURS = 48;

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

/** A job input the target account can read, or why there is none. */
type Readable = { input: JobInputUnion } | { cannot: string };

/**
 * What the account being left knows of its storage, read at most once per step phase and only
 * when a job reads a blob: the storage accounts attached to it, and which asset holds a
 * container (the asset whose listContainerSas signs a SAS for it). Listing every asset takes as
 * long as the account is large; it is the only way ARM says which asset a container belongs to.
 */
interface SourceStorage {
  /** The storage accounts attached to the account being left, lower-case. */
  attached(): Promise<Set<string>>;
  /** The asset whose container `container` of storage account `account` (lower-case) is, or undefined. */
  assetOf(account: string, container: string): Promise<string | undefined>;
}

function sourceStorage(from: Account): SourceStorage {
  let attached: Promise<Set<string>> | undefined;
  let assets: Promise<Map<string, string>> | undefined;
  const listAssets = async (): Promise<Map<string, string>> => {
    const byContainer = new Map<string, string>();
    for await (const a of from.client.assets.list(from.resourceGroup, from.name)) {
      if (a.storageAccountName !== undefined && a.container !== undefined && a.name !== undefined) byContainer.set(`${a.storageAccountName.toLowerCase()}/${a.container}`, a.name);
    }
    return byContainer;
  };
  return {
    attached: () =>
      (attached ??= from.client.mediaservices
        .get(from.resourceGroup, from.name)
        .then((a) => new Set((a.storageAccounts ?? []).map((s) => (s.id ?? '').split('/').pop()!.toLowerCase())))),
    assetOf: async (account, container) => (await (assets ??= listAssets())).get(`${account}/${container}`),
  };
}

/**
 * A read SAS on an asset's container lasting JOB_INPUT_SAS_HOURS, as the container's URL on the
 * geo-secondary endpoint of its storage account (RA-GRS), which answers while the primary region
 * does not. AMS signs the SAS (listContainerSas) with the storage key, which the secondary
 * endpoint accepts too.
 */
async function secondaryContainerSas(ctx: StepContext, from: Account, assetName: string): Promise<URL> {
  const expiryTime = new Date(ctx.deps.now().getTime() + JOB_INPUT_SAS_HOURS * 3_600_000);
  const sas = await from.client.assets.listContainerSas(from.resourceGroup, from.name, assetName, { permissions: 'Read', expiryTime });
  return onSecondary(new URL(sas.assetContainerSasUrls![0]!));
}

/**
 * The input a job of the account being left can be resubmitted with on the target. A JobInputAsset
 * names an asset of the account being left, which the target does not have: it becomes a
 * JobInputHttp of read SAS URLs on the geo-secondary of the asset's storage, and nothing is copied
 * first (a copy needs the primary storage and takes as long as the media is large). A JobInputHttp
 * of public URLs is kept. One that reads Azure Blob Storage was read back without its SAS (Azure
 * never returns it): each blob is re-signed the same way when an asset of the account being left
 * holds its container, and every file becomes an absolute URL (the service appends file names to
 * `baseUri`, so a SAS cannot ride on it). Anything else is reported by `unmovable`, not guessed.
 */
async function readableInput(ctx: StepContext, from: Account, storage: SourceStorage, input: JobInputUnion): Promise<Readable> {
  const cannot = await unmovable(from, storage, input);
  if (cannot !== null) return { cannot };
  switch (input.odataType) {
    case '#Microsoft.Media.JobInputAsset': {
      const a = input as JobInputAsset;
      const container = await secondaryContainerSas(ctx, from, a.assetName);
      const files = (a.files ?? []).map((f) => `${container.origin}${container.pathname}/${f.split('/').map(encodeURIComponent).join('/')}${container.search}`);
      const { assetName: _a, ...clip } = a;
      return { input: { ...clip, odataType: '#Microsoft.Media.JobInputHttp', files } as JobInputHttp };
    }
    case '#Microsoft.Media.JobInputHttp': {
      const h = input as JobInputHttp;
      const urls = httpInputUrls(h);
      if (urls.every((u) => blobOf(u) === null)) return { input };
      const signed = new Map<string, Promise<URL>>();
      const files = await Promise.all(
        urls.map(async (text) => {
          const blob = blobOf(text);
          if (blob === null) return text;
          const asset = (await storage.assetOf(blob.account, blob.container))!;
          if (!signed.has(asset)) signed.set(asset, secondaryContainerSas(ctx, from, asset));
          const sas = await signed.get(asset)!;
          return `${onSecondary(blob.url).origin}${blob.url.pathname}${sas.search}`;
        }),
      );
      const { baseUri: _b, ...clip } = h;
      return { input: { ...clip, files } as JobInputHttp };
    }
    case '#Microsoft.Media.JobInputs':
    case '#Microsoft.Media.JobInputSequence': {
      const inner = (input as JobInputs | JobInputSequence).inputs ?? [];
      const each = await Promise.all(inner.map((i) => readableInput(ctx, from, storage, i as JobInputUnion)));
      return { input: { ...input, inputs: each.map((r) => (r as { input: JobInputUnion }).input) } as JobInputUnion };
    }
    default:
      return { input };
  }
}

/** Why a blob a job reads cannot be re-signed by the account being left, or null when it can. */
async function unsignable(from: Account, storage: SourceStorage, blob: BlobUrl): Promise<string | null> {
  const where = `its input reads ${blob.url.origin}/${blob.container} on Azure Blob Storage through a SAS that Azure does not return`;
  const fresh = "resubmit it with a fresh SAS from the submitting app's records";
  if (!(await storage.attached()).has(blob.account)) return `${where}, and storage account ${blob.account} is not attached to ${from.name}, so the playbook cannot sign another: ${fresh}`;
  if ((await storage.assetOf(blob.account, blob.container)) === undefined) return `${where}, and no asset of ${from.name} holds that container, so the playbook cannot sign another: ${fresh}`;
  return null;
}

/** Why a job's input cannot be moved to another account, or null when it can (no write: verify uses it too). */
async function unmovable(from: Account, storage: SourceStorage, input: JobInputUnion): Promise<string | null> {
  switch (input.odataType) {
    case '#Microsoft.Media.JobInputHttp':
      for (const blob of httpInputUrls(input as JobInputHttp).map(blobOf)) {
        const why = blob === null ? null : await unsignable(from, storage, blob);
        if (why !== null) return why;
      }
      return null;
    case '#Microsoft.Media.JobInputAsset': {
      const a = input as JobInputAsset;
      return a.files === undefined || a.files.length === 0
        ? `its input is the whole asset ${a.assetName} of ${from.name}, whose file names ARM does not list: resubmit it from the submitting app's records`
        : null;
    }
    case '#Microsoft.Media.JobInputs':
    case '#Microsoft.Media.JobInputSequence':
      for (const i of (input as JobInputs | JobInputSequence).inputs ?? []) {
        const why = await unmovable(from, storage, i as JobInputUnion);
        if (why !== null) return why;
      }
      return null;
    default:
      return `its input (${input.odataType}) is not one the playbook knows how to move`;
  }
}

/** The standby's name for a job output asset: a new asset on the target, never the source's name alone. */
const outputAssetName = (source: string, to: Account) => `${source}-${to.name}`.slice(0, 260);

/** When the account being left does not answer, nobody but the submitting app knows what it had queued. */
const unreadJobsTodo = (ctx: StepContext): TodoItem => {
  const { to, from } = target(ctx);
  return todo('resubmit-job', `Resubmit the jobs ${from.name} had queued or processing to ${to.name} from the submitting app's records: ${from.name} does not answer, so the playbook could not read them`, {
    resourceId: from.id,
  });
};

export const resubmitJobs = defineStep({
  name: 'resubmit-jobs',
  title: { failover: 'Resubmit queued and processing encoding jobs to the secondary', failback: 'Leave running jobs where they are' },
  deadlineMs: { failover: 10 * MIN, failback: MIN },
  async precheck(ctx) {
    if (ctx.direction === 'failback') return alreadyDone('jobs stay where they run; new jobs follow the active-account key');
    const jobs = await jobsToMove(ctx);
    const { to, from } = target(ctx);
    if (jobs === null) return skipped(`${from.name} does not answer, so its queued jobs cannot be read; resubmit them from the submitting app's records`, { todo: [unreadJobsTodo(ctx)] });
    const left = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    if (jobs.pending.length === 0) return alreadyDone(`no queued or processing jobs on ${from.name}`);
    return left.length === 0
      ? alreadyDone(`${jobs.pending.length} job(s) already resubmitted`)
      : needed(`resubmit ${left.map((j) => `${j.job.name} (${j.job.state})`).join(', ')}`, { resources: left.map((j) => `${to.id}/transforms/${j.transform}/jobs/${j.job.name}`) });
  },
  async action(ctx) {
    const { to, from } = target(ctx);
    const jobs = await jobsToMove(ctx);
    if (jobs === null) return done('the primary stopped answering; nothing could be read to resubmit', { todo: [unreadJobsTodo(ctx)] });
    const left = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    const cannot: Array<{ job: string; id: string; why: string }> = [];
    const sent: string[] = [];
    const storage = sourceStorage(from);
    await mapLimited(left, PARALLEL_WRITES, async ({ transform, job }) => {
      const readable = await readableInput(ctx, from, storage, job.input as JobInputUnion);
      if ('cannot' in readable) {
        cannot.push({ job: `${transform}/${job.name}`, id: `${from.id}/transforms/${transform}/jobs/${job.name}`, why: readable.cannot });
        return;
      }
      // New output assets on the target, created first: Azure refuses a job whose output asset does not exist.
      const outputs = (job.outputs ?? []).map((o) => ({ ...(o as JobOutputAsset), assetName: outputAssetName((o as JobOutputAsset).assetName, to) }));
      for (const o of outputs) await to.client.assets.createOrUpdate(to.resourceGroup, to.name, o.assetName, { description: `output of ${job.name}, resubmitted from ${from.name}` });
      const clean = outputs.map(({ odataType, assetName, label, presetOverride }) => ({ odataType, assetName, ...(label !== undefined ? { label } : {}), ...(presetOverride !== undefined ? { presetOverride } : {}) }));
      try {
        await to.client.jobs.create(to.resourceGroup, to.name, transform, job.name!, {
          input: readable.input,
          outputs: clean,
          priority: job.priority ?? 'Normal',
          ...(job.correlationData !== undefined ? { correlationData: job.correlationData } : {}),
        });
      } catch (err) {
        // Created by an earlier attempt whose answer was lost: that is the job we wanted.
        if ((err as { statusCode?: number }).statusCode !== 409) throw err;
      }
      sent.push(`${transform}/${job.name} → ${clean.map((o) => o.assetName).join(', ')}`);
    });
    cannot.sort((a, b) => a.job.localeCompare(b.job));
    const lines = [`resubmitted to ${to.name}: ${sent.sort().join('; ') || 'none'}`, ...(cannot.length > 0 ? [`not resubmitted: ${cannot.map((c) => `${c.job}: ${c.why}`).join('; ')}`] : [])];
    return done(lines.join('; '), { todo: cannot.map((c) => todo('resubmit-job', `${c.job} was not resubmitted to ${to.name}: ${c.why}`, { resourceId: c.id })) });
  },
  async verify(ctx) {
    const jobs = await jobsToMove(ctx);
    if (jobs === null) return verified('the primary stopped answering; resubmitted jobs cannot be compared');
    const { from } = target(ctx);
    const todo = jobs.pending.filter((j) => !jobs.moved.has(`${j.transform}/${j.job.name}`));
    // A job whose input cannot be moved was reported by the action; only the others must be there.
    const storage = sourceStorage(from);
    const movable = await Promise.all(todo.map(async (j) => (await unmovable(from, storage, j.job.input as JobInputUnion)) === null));
    const missing = todo.filter((_, i) => movable[i]).map((j) => j.job.name!);
    return missing.length === 0 ? verified(`${jobs.pending.length - todo.length} job(s) on ${target(ctx).to.name}${todo.length > 0 ? `; ${todo.length} left for the submitting app` : ''}`) : failed('JobsNotResubmitted', missing.join(', '));
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

/** The catalog's Traffic Manager profile, by the parts its clients ask for. */
function profileOf(tm: TrafficManagerSwitch): Omit<TrafficEndpoints, 'enable' | 'disable'> {
  const parsed = parseResourceId(tm.profile);
  if (parsed === null || parsed.resourceGroup === null) throw new StepFailure('CatalogIncomplete', `trafficManager.profile '${tm.profile}' is not a resource id`);
  return { resourceGroup: parsed.resourceGroup, profile: parsed.names[0]!, subscription: parsed.subscriptionId };
}

function traffic(ctx: StepContext): TrafficEndpoints | null {
  const tm: TrafficManagerSwitch | null = playbookOf(ctx.workload).trafficManager;
  if (tm === null) return null;
  const [enable, disable] = ctx.direction === 'failover' ? [tm.secondaryEndpoint, tm.primaryEndpoint] : [tm.primaryEndpoint, tm.secondaryEndpoint];
  return { enable, disable, ...profileOf(tm) };
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

/** Where Media Services looks for the CNAME that proves a custom host name is the customer's. */
const VERIFY_DNS = 'verifydns.media.azure.net';

/** Whether an account's streaming endpoints answer the host name viewers are sent to them with. */
export interface HostNameCheck {
  account: string;
  /** The name viewers use: the catalog's trafficManager.hostName, else the profile's DNS name; null when neither names one. */
  hostName: string | null;
  /** The catalog's streaming endpoints that do not list hostName in customHostNames, or do not exist. */
  lacking: string[];
  /** The record Media Services verifies before it adds hostName to an endpoint; null when nothing lacks it. */
  cname: { name: string; target: string } | null;
  /** One sentence per problem, saying what the customer must do; empty when viewers would be answered. */
  problems: string[];
}

/**
 * Why the account's streaming endpoints would refuse the viewers Traffic Manager sends them: a
 * streaming endpoint answers only its own host name and those in its `customHostNames`, and
 * Media Services adds a custom host name only once a CNAME `<mediaServiceId>.<parent domain>`
 * points at `verifydns.media.azure.net`. Nothing lacks when the workload has no Traffic Manager.
 */
async function customHostNameCheck(ctx: ReadContext, acct: Account): Promise<HostNameCheck> {
  const tm = playbookOf(ctx.workload).trafficManager;
  const none = { account: acct.name, lacking: [], cname: null };
  if (tm === null) return { ...none, hostName: null, problems: [] };
  let host = tm.hostName?.toLowerCase() ?? null;
  if (host === null) {
    const t = profileOf(tm);
    const profile = await ctx.deps.clients.trafficManager(t.subscription).profiles.get(t.resourceGroup, t.profile);
    host = profile.dnsConfig?.fqdn?.toLowerCase() ?? null;
    if (host === null) return { ...none, hostName: null, problems: [`Traffic Manager profile ${t.profile} reports no DNS name: name the host viewers use in trafficManager.hostName`] };
  }
  const lacking = (await endpoints(ctx, acct)).filter((e) => !(e.endpoint?.customHostNames ?? []).some((h) => h.toLowerCase() === host));
  if (lacking.length === 0) return { ...none, hostName: host, problems: [] };
  const mediaServiceId = (await acct.client.mediaservices.get(acct.resourceGroup, acct.name)).mediaServiceId ?? '<mediaServiceId>';
  const cname = { name: `${mediaServiceId}.${host.split('.').slice(1).join('.')}`, target: VERIFY_DNS };
  const fix = `create the CNAME ${cname.name} → ${cname.target}, then add ${host} to the endpoint's customHostNames`;
  return {
    account: acct.name,
    hostName: host,
    lacking: lacking.map((e) => e.name),
    cname,
    problems: lacking.map((e) =>
      e.endpoint === null
        ? `streaming endpoint ${e.name} does not exist on ${acct.name}, and the failover would create it without customHostNames, so it would refuse the viewers sent to it: ${fix}`
        : `streaming endpoint ${e.name} of ${acct.name} does not list ${host} in customHostNames, so it would refuse the viewers sent to it: ${fix}`,
    ),
  };
}

/** The host name check of one side's account, outside any incident: what readiness reports. */
export function sideHostNameCheck(ctx: ReadContext, side: 'primary' | 'secondary', probing = false): Promise<HostNameCheck> {
  return customHostNameCheck(ctx, account(ctx, side, probing));
}

/**
 * Without a Traffic Manager profile nothing moves viewers: players (or the CDN or DNS name in
 * front of them) must be pointed at the streaming endpoints serving now.
 */
async function playersTodo(ctx: StepContext): Promise<TodoItem[]> {
  const acct = serving(ctx);
  const running = (await endpoints(ctx, acct)).filter((e) => e.endpoint?.resourceState === 'Running' && e.endpoint.hostName !== undefined);
  return running.map((e) =>
    todo('playback-url', `Point players of ${ctx.workload.id} at https://${e.endpoint!.hostName!}: no Traffic Manager profile moves viewers, and streaming endpoint ${e.name} of ${acct.name} serves them now`, {
      url: `https://${e.endpoint!.hostName!}`,
      resourceId: `${acct.id}/streamingEndpoints/${e.name}`,
    }),
  );
}

export const switchTraffic = defineStep({
  name: 'switch-traffic',
  title: { failover: 'Send viewers to the secondary (Traffic Manager)', failback: 'Send viewers back to the primary (Traffic Manager)' },
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    const t = traffic(ctx);
    if (t === null) return alreadyDone('no Traffic Manager profile in the catalog', { todo: await playersTodo(ctx) });
    const [on, off] = await Promise.all([endpointStatus(ctx, t, t.enable), endpointStatus(ctx, t, t.disable)]);
    if (on === 'Enabled' && off === 'Disabled') return alreadyDone(`${t.profile}: ${t.enable} enabled, ${t.disable} disabled`);
    // Viewers are moved only to endpoints that will answer them.
    const { problems } = await customHostNameCheck(ctx, serving(ctx));
    if (problems.length > 0) return failed('CustomHostNameMissing', `viewers stay where they are: ${problems.join('; ')}`);
    const profileId = playbookOf(ctx.workload).trafficManager!.profile;
    return needed(`${t.profile}: enable ${t.enable} (${on}), disable ${t.disable} (${off})`, { resources: [t.enable, t.disable].map((e) => `${profileId}/externalEndpoints/${e}`) });
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
