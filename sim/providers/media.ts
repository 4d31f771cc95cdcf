/**
 * Azure Media Services (Microsoft.Media), as `@azure/arm-mediaservices` 13.1.0 calls it:
 * accounts (api-version 2021-11-01), streaming endpoints, live events and live outputs
 * (2022-08-01), transforms and jobs (2022-07-01): the versions whose Microsoft specs the contract
 * tests hold, and no others. `{acct}` below is
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices/{account}`.
 *
 *   GET    …/providers/Microsoft.Media/mediaservices           200 { value }              mediaservices/read
 *   GET    {acct}                                              200 | 404                  mediaservices/read
 *   GET    {acct}/streamingEndpoints[/{se}]                    200 | 404                  streamingEndpoints/read
 *   PUT    {acct}/streamingEndpoints/{se}?autoStart=           201 LRO | 200 replaced | 400 | 404 | 409   streamingEndpoints/write
 *   POST   {acct}/streamingEndpoints/{se}/start|stop|scale     202 LRO | 200 already there | 400 | 404 | 409
 *   GET    {acct}/streamingEndpointOperations/{op}             200 status body | 404
 *   GET    {acct}/streamingEndpoints/{se}/operationLocations/{op}   202 running | 200 endpoint | 400 failed | 404
 *   GET    {acct}/liveEvents[/{le}]                            200 | 404                  liveEvents/read
 *   PUT    {acct}/liveEvents/{le}?autoStart=                   201 LRO | 200 replaced | 400 | 404 | 409   liveEvents/write
 *   POST   {acct}/liveEvents/{le}/start|stop|allocate          202 LRO | 200 already there | 404 | 409
 *   GET    {acct}/liveEventOperations/{op}, {acct}/liveEvents/{le}/operationLocations/{op}
 *   GET    {acct}/liveEvents/{le}/liveOutputs[/{lo}]           200 | 404                  liveOutputs/read
 *   PUT    {acct}/liveEvents/{le}/liveOutputs/{lo}             201 LRO | 200 replaced | 400 | 404 (no event) | 409 (busy)
 *   DELETE {acct}/liveEvents/{le}/liveOutputs/{lo}             202 LRO | 204 absent | 404 (no event) | 409 (busy)
 *   GET    {acct}/liveOutputOperations/{op}, {acct}/liveEvents/{le}/liveOutputs/{lo}/operationLocations/{op}
 *   GET    {acct}/transforms[/{t}]                             200 | 404                  transforms/read
 *   PUT    {acct}/transforms/{t}                               201 created | 200 replaced | 400 | 404   transforms/write
 *   GET    {acct}/transforms/{t}/jobs[/{job}]                  200 | 404                  jobs/read
 *   PUT    {acct}/transforms/{t}/jobs/{job}                    201 | 400 (assets missing, input unreadable) | 404 (no transform) | 409 (name taken)   jobs/write
 *   PATCH  {acct}/streamingEndpoints/{se}, {acct}/liveEvents/{le}   200 (fields sent merged, tags replaced) | 400 | 404 | 409 (busy)
 *   POST   {acct}/liveEvents/{le}/reset                        202 LRO (outputs deleted, Running again) | 404 | 409 (not Running, busy)
 *   GET    {acct}/assets[/{asset}]                             200 | 404                  assets/read
 *   PUT    {acct}/assets/{asset}                               201 | 200 updated | 400    assets/write
 *   DELETE {acct}/assets/{asset}                               200 | 204 absent          assets/delete
 *   POST   {acct}/assets/{asset}/listContainerSas              200 { assetContainerSasUrls } | 400 | 404
 *   GET    {acct}/streamingLocators[/{locator}]                200 | 404                  streamingLocators/read
 *   PUT    {acct}/streamingLocators/{locator}                  201 | 400 (asset or policy unknown) | 409 (name taken: locators are not updatable)
 *   DELETE {acct}/streamingLocators/{locator}                  200 | 204 absent
 *   POST   {acct}/streamingLocators/{locator}/listPaths        200 { streamingPaths, downloadPaths }
 * Assets and streaming locators answer api-version 2022-08-01.
 *
 * Where Azure refuses, the simulator refuses: a live output, a job's JobInputAsset and its
 * JobOutputAssets must name assets that exist in the account (400 naming the field); a
 * JobInputHttp needs `files`, each an absolute http(s) URL when no `baseUri` is given; a live
 * event takes one operation at a time (a repeat of the running one, an output write or delete
 * under it, or the event's own operation while an output's runs: 409 InvalidResourceState);
 * a streaming locator's policy must be predefined (Predefined_ClearStreamingOnly, …) or the
 * account's. listPaths answers paths only for an asset a live output records into (its manifest).
 * A streaming endpoint's PUT needs `properties.scaleUnits` (required by the spec; 0 for a standard
 * endpoint). Every endpoint answers the properties AMS always shows (`cdnProvider`, `cdnProfile`,
 * `maxCacheAge`, `freeTrialEndTime`, …), null or empty when unset, as the spec's examples do.
 * Streaming endpoints keep `customHostNames` as given: a host name they do not list is one
 * Azure would refuse viewers for.
 * (operation names are `Microsoft.Media/<type>/<verb>`; every route's `resource` is the ARM id of
 * the resource it touches, so an outage of the account's region fails it, and only it.)
 *
 * Long-running operations answer like AMS: 202 (201 for a create) with `Azure-AsyncOperation`
 * `{acct}/<kind>Operations/{op}` and `Location` `{resource}/operationLocations/{op}`, absolute
 * and carrying the request's api-version; no Retry-After. The status URL answers the spec's
 * AsyncOperationResult: `{ name, status, error? }`, nothing else. State machines, with their durations
 * from `latencyOf`:
 * - streaming endpoint: Stopped → Starting → Running (start), Running → Stopping → Stopped (stop),
 *   Running → Scaling → Running (scale). Start on Running and stop on Stopped succeed at once
 *   (200, as AMS does). Scale on a Stopped endpoint stores the units at once (200). Scale sets
 *   `scaleUnits`, `sku.capacity`, and `sku.name` Premium when units > 0, else Standard (guess).
 * - live event: Stopped → Starting → Running (start, also from StandBy), Stopped → Allocating →
 *   StandBy (allocate), Running|StandBy → Stopping → Stopped (stop). `removeOutputsOnStop: true`
 *   deletes the event's live outputs when the stop completes (at once when already Stopped).
 * On a streaming endpoint a second identical request while one runs joins it (202 with the
 * running operation's URLs, guessed); on a live event it is refused (above); any other transition while the resource is in a transitional state is 409
 * InvalidResourceState. A failed operation (fault rule with `failOperation`) leaves the resource
 * in the state it was in before (a failed create: provisioningState Failed; re-PUT retries it).
 * Requests answered at once (already in the target state) are not subject to `failOperation`
 * rules: there is no operation to fail. An operationLocations GET of a failed operation answers
 * 400 with the operation's error (the SDK polls Azure-AsyncOperation, which reports Failed).
 *
 * PUT on an existing streaming endpoint, live event or live output is create-or-replace, as ARM:
 * the definable properties are replaced, state, host names and ingest URLs are kept, answer 200
 * with provisioningState Succeeded (no LRO); `autoStart` applies to creation only. A new live
 * event gets ingest URLs in AMS's form (`rtmp://{le}-{account}.channel.media.azure.net:1935/live/{token}`
 * and the RTMPS twin on 2935, or `http(s)://…/{token}/ingest.isml` for FragmentedMP4) and a
 * preview URL; the seeded ones are kept. Job create lists only 201 in the spec, so an existing
 * job name is 409 Conflict (guessed; jobs are updated with PATCH in AMS).
 *
 * A job keeps what the client sent that the spec defines for its input's and outputs' types
 * (a property the spec does not define there: 400 naming the field), and answers it with what
 * the service fills in (sim/providers/media-jobs.ts).
 *
 * Jobs are not LROs: their state is computed on every read from `sim.clock.now()`: Queued for
 * `latencyOf('Microsoft.Media/jobs/queued')`, then Scheduled, then Processing (outputs' progress
 * rising linearly 0 → 100), then Finished, measured from `created` (seeded jobs start in their
 * seeded state at the seed time). While the job's region is down (any Service Health incident the
 * simulator opened there, from impact start to mitigation) the job does not progress: its
 * timeline is shifted by the downtime. A fault rule `{ operation: 'Microsoft.Media/jobs/write',
 * failOperation: true }` matched at create makes the job fail halfway through processing
 * (state Error, outputs' `error` from the rule). A job whose JobInputHttp reads a blob of one of the
 * estate's storage accounts (primary or `-secondary` host) without a SAS (`sig=`) errors as
 * processing starts: DownloadNotAccessible, category Download, DoNotRetry (the service cannot
 * read a private blob; the answer never shows the SAS, so this is the only place it shows).
 * The computed state is written back to the store
 * on each read, so `/_sim/resources` shows a job's state as of its last read. `$filter` and
 * `$orderby` on lists are ignored. Running LROs complete even if their region goes down meanwhile.
 * Stopping a live event that still has live outputs is allowed without `removeOutputsOnStop`.
 *
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { armError, badRequest, conflict, envelope, isoNow, notFound, ok, page } from '../arm.js';
import { typeOf } from '../estate.js';
import { latencyOf } from '../latency.js';
import { answeredInput, isRecord, labelled, submittedInput, submittedOutput, undefinedJobProperty, unsignedBlobUrl } from './media-jobs.js';
import type { LongRunning } from '../lro.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimResource, SimResponse } from '../types.js';

export const MEDIA_ACCOUNT_API_VERSIONS = ['2021-11-01'] as const;
export const MEDIA_STREAMING_API_VERSIONS = ['2022-08-01'] as const;
export const MEDIA_ENCODING_API_VERSIONS = ['2022-07-01'] as const;
/** Assets and streaming locators (the spec's Metadata group); the SDK sends 2022-08-01. */
export const MEDIA_METADATA_API_VERSIONS = ['2022-08-01'] as const;

const NS = 'Microsoft.Media';
const ACCOUNTS = `/subscriptions/{sub}/resourceGroups/{rg}/providers/${NS}/mediaservices`;
const ACCT = `${ACCOUNTS}/{account}`;
const SE = `${ACCT}/streamingEndpoints/{se}`;
const LE = `${ACCT}/liveEvents/{le}`;
const LO = `${LE}/liveOutputs/{lo}`;
const TRANSFORM = `${ACCT}/transforms/{t}`;
const JOB = `${TRANSFORM}/jobs/{job}`;
const ASSET = `${ACCT}/assets/{asset}`;
const LOCATOR = `${ACCT}/streamingLocators/{locator}`;

/** Region → the short code AMS puts in host names (`euwe`, as the seeded endpoints have). */
const REGION_CODES: Record<string, string> = {
  westeurope: 'euwe',
  northeurope: 'euno',
  eastus: 'usea',
  eastus2: 'use2',
  centralus: 'usce',
  westus: 'uswe',
  westus2: 'usw2',
  westus3: 'usw3',
  westcentralus: 'uswc',
};

type Params = Record<string, string>;
type LroKind = 'streamingEndpoint' | 'liveEvent' | 'liveOutput';

const OPERATION_SEGMENT: Record<LroKind, string> = {
  streamingEndpoint: 'streamingEndpointOperations',
  liveEvent: 'liveEventOperations',
  liveOutput: 'liveOutputOperations',
};

const KIND_NAME: Record<LroKind, string> = {
  streamingEndpoint: 'streaming endpoint',
  liveEvent: 'live event',
  liveOutput: 'live output',
};

const accountIdOf = (p: Params): string => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${NS}/mediaservices/${p['account']}`;
const seIdOf = (p: Params): string => `${accountIdOf(p)}/streamingEndpoints/${p['se']}`;
const leIdOf = (p: Params): string => `${accountIdOf(p)}/liveEvents/${p['le']}`;
const loIdOf = (p: Params): string => `${leIdOf(p)}/liveOutputs/${p['lo']}`;
const transformIdOf = (p: Params): string => `${accountIdOf(p)}/transforms/${p['t']}`;
const jobIdOf = (p: Params): string => `${transformIdOf(p)}/jobs/${p['job']}`;

function canonicalRegion(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** The account part of a Media resource id. */
function accountPart(id: string): string {
  return /^(.*?\/providers\/Microsoft\.Media\/mediaservices\/[^/]+)/i.exec(id)?.[1] ?? id;
}

const JOB_PHASES = ['Queued', 'Scheduled', 'Processing'] as const;

/** How a job's state unfolds: from `anchor` (Azure ms), starting in phase `first`. */
interface JobTimeline {
  anchor: number;
  /** Index into JOB_PHASES; JOB_PHASES.length for a job seeded in a final state (frozen). */
  first: number;
  failWith?: JobFailure;
}

/** How a job fails: its outputs' error (JobError in Encoding.json) and how far into processing it gets. */
interface JobFailure {
  code: string;
  message: string;
  category: 'Service' | 'Download';
  retry: 'MayRetry' | 'DoNotRetry';
  /** Fraction of processing done when it fails: 0 fails as processing starts. */
  at: number;
}

export function mediaRoutes(sim: Simulator): Route[] {
  /** Running LROs by resource id key: to join repeated requests and refuse conflicting ones. */
  const running = new Map<string, LongRunning>();
  /** Job timelines, per stored resource object (a reset reseeds new objects). */
  const timelines = new WeakMap<SimResource, JobTimeline>();

  const now = (): number => sim.clock.now();

  const route = (method: string, pattern: string, operation: string, apiVersions: readonly string[], resource: (p: Params) => string, handle: Route['handle']): Route => ({
    method,
    pattern,
    operation: `${NS}/${operation}`,
    arm: true,
    apiVersions,
    resource,
    handle,
  });

  const accountMissing = (p: Params): SimResponse =>
    armError(404, 'ResourceNotFound', `The Resource '${NS}/mediaservices/${p['account']}' under resource group '${p['rg']}' was not found.`);

  /** The account, or the 404 to answer. */
  const account = (p: Params): SimResource | SimResponse => sim.store.get(accountIdOf(p)) ?? accountMissing(p);

  const isResponse = <T extends object>(x: T | SimResponse): x is SimResponse => 'status' in x;

  /** The id of a new child, with the account's stored casing. */
  const childId = (acct: SimResource, ...segments: string[]): string => [acct.id, ...segments].join('/');

  /** Stores a new proxy resource (no location) `name` in `collection` under `parentId`. */
  const putChild = (parentId: string, collection: string, name: string, caller: string, at: string, properties: Record<string, unknown>): SimResource => {
    const id = `${parentId}/${collection}/${name}`;
    return sim.store.put({ id, name, type: typeOf(id), location: '', systemData: systemData(caller, at), properties });
  };

  const current = (id: string): LongRunning | undefined => {
    const op = running.get(sim.key(id));
    if (op === undefined || op.status !== 'InProgress' || sim.operations.get(op.id) !== op) return undefined;
    return op;
  };

  /** A live output operation running under a live event: the event waits for it (one operation at a time per event). */
  const outputOperation = (le: SimResource): LongRunning | undefined => {
    for (const output of sim.store.children(le.id, 'liveOutputs')) {
      const op = current(output.id);
      if (op !== undefined) return op;
    }
    return undefined;
  };

  const systemData = (caller: string, at: string, existing?: Record<string, unknown>): Record<string, unknown> => ({
    createdBy: existing?.['createdBy'] ?? caller,
    createdByType: existing?.['createdByType'] ?? 'Application',
    createdAt: existing?.['createdAt'] ?? at,
    lastModifiedBy: caller,
    lastModifiedByType: 'Application',
    lastModifiedAt: at,
  });

  const touch = (r: SimResource): void => {
    r.properties['lastModified'] = isoNow(now());
  };

  /**
   * Starts a long-running operation on a resource, failing it when a `failOperation` fault rule
   * matches. `complete` and `fail` re-read the resource: it may have gone meanwhile.
   */
  const begin = (operation: string, resourceId: string, durationMs: number, complete: (r: SimResource) => void, fail: (r: SimResource) => void): LongRunning => {
    const rule = sim.faults.match(operation, resourceId, true);
    const failWith = rule !== undefined && sim.faults.fires(rule) ? { code: rule.code, message: rule.message } : undefined;
    const op = sim.operations.begin({
      operation,
      resourceId,
      durationMs,
      complete: () => {
        const r = sim.store.get(resourceId);
        if (r === undefined) return undefined;
        complete(r);
        return sim.store.get(resourceId) !== undefined ? viewOf(r) : undefined;
      },
      ...(failWith !== undefined ? { failWith } : {}),
      fail: () => {
        const r = sim.store.get(resourceId);
        if (r !== undefined) fail(r);
      },
    });
    if (op.status === 'InProgress') running.set(sim.key(resourceId), op);
    return op;
  };

  const lroHeaders = (kind: LroKind, resourceId: string, op: LongRunning, apiVersion: string): Record<string, string> => {
    const q = `?api-version=${encodeURIComponent(apiVersion)}`;
    return {
      'Azure-AsyncOperation': sim.url(`${accountPart(resourceId)}/${OPERATION_SEGMENT[kind]}/${op.id}${q}`),
      Location: sim.url(`${resourceId}/operationLocations/${op.id}${q}`),
    };
  };

  const accepted = (kind: LroKind, resourceId: string, op: LongRunning, ctx: RouteContext, status = 202, body?: unknown): SimResponse => ({
    status,
    ...(body !== undefined ? { body } : {}),
    headers: lroHeaders(kind, resourceId, op, ctx.request.query.get('api-version') ?? MEDIA_STREAMING_API_VERSIONS[0]),
  });

  /** A create (PUT) of an endpoint or live event: the write, plus the start when `autoStart` asks. */
  const beginCreate = (type: 'streamingEndpoints' | 'liveEvents', kind: LroKind, r: SimResource, ctx: RouteContext, start: boolean): SimResponse => {
    const operation = `${NS}/${type}/write`;
    const op = begin(
      operation,
      r.id,
      latencyOf(operation) + (start ? latencyOf(`${NS}/${type}/start`) : 0),
      (res) => {
        res.properties['provisioningState'] = 'Succeeded';
        res.properties['resourceState'] = start ? 'Running' : 'Stopped';
        touch(res);
      },
      (res) => {
        res.properties['provisioningState'] = 'Failed';
        res.properties['resourceState'] = 'Stopped';
        touch(res);
      },
    );
    return accepted(kind, r.id, op, ctx, 201, viewOf(r));
  };

  const invalidState = (kind: LroKind, r: SimResource, action: string): SimResponse =>
    conflict(`The ${KIND_NAME[kind]} '${r.name}' cannot ${action} while it is ${String(r.properties['resourceState'])}.`, 'InvalidResourceState');

  const busy = (kind: LroKind, r: SimResource, op: LongRunning): SimResponse =>
    conflict(`The ${KIND_NAME[kind]} '${r.name}' has an operation in progress (${op.operation.split('/').pop()}, ${op.id}); retry when it completes.`, 'InvalidResourceState');

  interface Transition {
    kind: LroKind;
    operation: string;
    /** Verb for messages: "start". */
    action: string;
    from: readonly string[];
    /** States in which the request succeeds at once. */
    done: readonly string[];
    via: string;
    to: string;
    /** Extra effect when the transition completes (or at once, when already done). */
    effect?: (r: SimResource) => void;
  }

  const transition = (ctx: RouteContext, id: string, t: Transition): SimResponse => {
    const found = account(ctx.params);
    if (isResponse(found)) return found;
    const r = sim.store.get(id);
    if (r === undefined) return notFound(KIND_NAME[t.kind], id);
    const inFlight = current(r.id);
    if (inFlight !== undefined) {
      // A live event takes one operation at a time, a repeat of the running one included (strict side).
      return inFlight.operation === t.operation && t.kind !== 'liveEvent' ? accepted(t.kind, r.id, inFlight, ctx) : busy(t.kind, r, inFlight);
    }
    if (t.kind === 'liveEvent') {
      const outputBusy = outputOperation(r);
      if (outputBusy !== undefined) return busy('liveEvent', r, outputBusy);
    }
    const state = String(r.properties['resourceState'] ?? '');
    if (t.done.includes(state)) {
      t.effect?.(r);
      return ok(undefined);
    }
    if (!t.from.includes(state)) return invalidState(t.kind, r, t.action);
    r.properties['resourceState'] = t.via;
    touch(r);
    const op = begin(
      t.operation,
      r.id,
      latencyOf(t.operation),
      (res) => {
        res.properties['resourceState'] = t.to;
        t.effect?.(res);
        touch(res);
      },
      (res) => {
        res.properties['resourceState'] = state;
        touch(res);
      },
    );
    return accepted(t.kind, r.id, op, ctx);
  };

  // ── long-running operation status and location ───────────────────────────────────────────────

  const operationStatus = (ctx: RouteContext): SimResponse => {
    const op = sim.operations.get(ctx.params['op']!);
    const acct = sim.key(accountIdOf(ctx.params));
    // Any Media operation of the account: AMS itself answers a live output's delete under liveEventOperations.
    if (op === undefined || !sim.key(op.resourceId).startsWith(`${acct}/`) || !op.operation.startsWith(`${NS}/`)) {
      return armError(404, 'ResourceNotFound', `The operation '${ctx.params['op']}' was not found.`);
    }
    // AMS's AsyncOperationResult has the operation's name, status and error only (no start or end time).
    return ok({ name: op.id, status: op.status, ...(op.error !== undefined ? { error: op.error } : {}) });
  };

  const operationLocation = (kind: LroKind, idOf: (p: Params) => string) => (ctx: RouteContext): SimResponse => {
    const op = sim.operations.get(ctx.params['op']!);
    const id = idOf(ctx.params);
    if (op === undefined || sim.key(op.resourceId) !== sim.key(id)) {
      return armError(404, 'ResourceNotFound', `The operation '${ctx.params['op']}' was not found for ${KIND_NAME[kind]} '${id.split('/').pop()}'.`);
    }
    if (op.status === 'InProgress') return { status: 202 };
    if (op.status === 'Failed' || op.status === 'Canceled') {
      return armError(400, op.error?.code ?? 'OperationFailed', op.error?.message ?? `The operation '${op.id}' ${op.status.toLowerCase()}.`);
    }
    const r = sim.store.get(id);
    return ok(r !== undefined ? viewOf(r) : undefined);
  };

  const opRoutes = (kind: LroKind, resourcePattern: string, idOf: (p: Params) => string): Route[] => [
    route('GET', `${ACCT}/${OPERATION_SEGMENT[kind]}/{op}`, `${OPERATION_SEGMENT[kind]}/read`, MEDIA_STREAMING_API_VERSIONS, (p) => sim.operations.get(p['op']!)?.resourceId ?? accountIdOf(p), operationStatus),
    route('GET', `${resourcePattern}/operationLocations/{op}`, `${kind}s/operationLocations/read`, MEDIA_STREAMING_API_VERSIONS, idOf, operationLocation(kind, idOf)),
  ];

  // ── reads ────────────────────────────────────────────────────────────────────────────────────

  const getChild = (kind: string, idOf: (p: Params) => string, view: (r: SimResource) => unknown = viewOf) => (ctx: RouteContext): SimResponse => {
    const found = account(ctx.params);
    if (isResponse(found)) return found;
    const r = sim.store.get(idOf(ctx.params));
    return r === undefined ? notFound(kind, idOf(ctx.params)) : ok(view(r));
  };

  const listChildren = (parentOf: (p: Params) => string, parentKind: string | undefined, segment: string, view: (r: SimResource) => unknown = viewOf) => (ctx: RouteContext): SimResponse => {
    const found = account(ctx.params);
    if (isResponse(found)) return found;
    const parentId = parentOf(ctx.params);
    if (parentKind !== undefined && sim.store.get(parentId) === undefined) return notFound(parentKind, parentId);
    return page(sim.store.children(parentId, segment).map(view));
  };

  // ── request bodies ───────────────────────────────────────────────────────────────────────────

  const bodyProps = (ctx: RouteContext): { body: Record<string, unknown>; props: Record<string, unknown> } | SimResponse => {
    const body = ctx.request.body;
    if (!isRecord(body)) return badRequest('The request body must be a JSON object.', 'InvalidRequestContent');
    const props = body['properties'] ?? {};
    if (!isRecord(props)) return badRequest("The field 'properties' must be an object.", 'InvalidRequestContent');
    return { body, props };
  };

  /** The location of a new tracked child: the body's, which must be the account's region. */
  const locationFor = (body: Record<string, unknown>, acct: SimResource): string | SimResponse => {
    const given = body['location'];
    if (given === undefined) return acct.location;
    if (typeof given !== 'string' || canonicalRegion(given) !== acct.location) {
      return badRequest(`The field 'location' (${JSON.stringify(given)}) must be the Media Services account's region '${acct.location}'.`, 'InvalidRequestContent');
    }
    return acct.location;
  };

  const tagsOf = (body: Record<string, unknown>): Record<string, string> | undefined =>
    isRecord(body['tags']) ? (Object.fromEntries(Object.entries(body['tags']).map(([k, v]) => [k, String(v)])) as Record<string, string>) : undefined;

  const autoStart = (ctx: RouteContext): boolean => (ctx.request.query.get('autoStart') ?? '').toLowerCase() === 'true';

  // ── streaming endpoints ──────────────────────────────────────────────────────────────────────

  const SE_DEFINABLE = ['description', 'availabilitySetName', 'accessControl', 'maxCacheAge', 'customHostNames', 'cdnEnabled', 'cdnProvider', 'cdnProfile', 'crossSiteAccessPolicies'];

  const scaleUnitsOf = (value: unknown, field: string): number | SimResponse =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10
      ? value
      : badRequest(`The field '${field}' must be an integer from 0 to 10, got ${JSON.stringify(value)}.`, 'InvalidRequestContent');

  const skuFor = (units: number): Record<string, unknown> => ({ name: units > 0 ? 'Premium' : 'Standard', capacity: units });

  /**
   * Properties AMS answers on every streaming endpoint, set or not, as the spec's examples show
   * them: no CDN provider or profile, no cache age, no availability set, and no free trial
   * (.NET's minimum date).
   */
  const SE_ANSWERED: Record<string, unknown> = {
    description: null,
    availabilitySetName: null,
    cdnEnabled: false,
    cdnProvider: null,
    cdnProfile: '',
    customHostNames: [],
    maxCacheAge: null,
    freeTrialEndTime: '0001-01-01T00:00:00Z',
  };

  /** An IP allow list answers each range's subnet prefix length, null when none was given. */
  const withPrefixLengths = (accessControl: unknown): unknown => {
    if (!isRecord(accessControl) || !isRecord(accessControl['ip']) || !Array.isArray(accessControl['ip']['allow'])) return accessControl;
    const allow = (accessControl['ip']['allow'] as unknown[]).map((range) => (isRecord(range) ? { subnetPrefixLength: null, ...range } : range));
    return { ...accessControl, ip: { ...accessControl['ip'], allow } };
  };

  const endpointView = (r: SimResource): Record<string, unknown> => {
    const props: Record<string, unknown> = { ...SE_ANSWERED, ...r.properties };
    if (props['accessControl'] !== undefined) props['accessControl'] = withPrefixLengths(props['accessControl']);
    return { ...envelope(r), properties: props };
  };

  /** What every create of an account child reads first: its account, its body, its region. */
  const createTarget = (
    ctx: RouteContext,
  ): { acct: SimResource; body: Record<string, unknown>; props: Record<string, unknown>; location: string } | SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const location = locationFor(parsed.body, acct);
    if (typeof location !== 'string') return location;
    return { acct, body: parsed.body, props: parsed.props, location };
  };

  const createStreamingEndpoint = (ctx: RouteContext): SimResponse => {
    const target = createTarget(ctx);
    if (isResponse(target)) return target;
    const { acct, body, props, location } = target;
    // scaleUnits is required by StreamingEndpointProperties, on a replace too (PUT replaces the whole definition).
    if (props['scaleUnits'] === undefined) return badRequest("The field 'properties.scaleUnits' is required: give 0 for a standard endpoint.", 'InvalidRequestContent');
    const units = scaleUnitsOf(props['scaleUnits'], 'properties.scaleUnits');
    if (typeof units !== 'number') return units;
    const at = isoNow(now());
    const existing = sim.store.get(seIdOf(ctx.params));
    const definable = Object.fromEntries(SE_DEFINABLE.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
    const tags = tagsOf(body);
    if (existing !== undefined && existing.properties['provisioningState'] !== 'Failed') {
      const inFlight = current(existing.id);
      if (inFlight !== undefined) return busy('streamingEndpoint', existing, inFlight);
      const state = String(existing.properties['resourceState']);
      if (units !== existing.properties['scaleUnits'] && state !== 'Stopped') {
        return badRequest(`The scale units of the running streaming endpoint '${existing.name}' change with the scale operation, not with an update.`, 'InvalidRequestContent');
      }
      existing.properties = {
        ...existing.properties,
        ...Object.fromEntries(SE_DEFINABLE.map((k) => [k, props[k] ?? null])),
        customHostNames: props['customHostNames'] ?? [],
        cdnEnabled: props['cdnEnabled'] ?? false,
        scaleUnits: units,
        provisioningState: 'Succeeded',
        lastModified: at,
      };
      existing.sku = skuFor(units);
      if (tags !== undefined) existing.tags = tags;
      existing.systemData = systemData(ctx.request.caller, at, existing.systemData);
      return ok(viewOf(existing));
    }
    const start = autoStart(ctx);
    const id = childId(acct, 'streamingEndpoints', ctx.params['se']!);
    const r: SimResource = sim.store.put({
      id,
      name: ctx.params['se']!,
      type: typeOf(id),
      location,
      sku: skuFor(units),
      ...(tags !== undefined ? { tags } : {}),
      systemData: systemData(ctx.request.caller, at),
      properties: {
        description: null,
        customHostNames: [],
        cdnEnabled: false,
        ...definable,
        scaleUnits: units,
        hostName: `${ctx.params['se']!.toLowerCase()}-${acct.name.toLowerCase()}-${REGION_CODES[location] ?? location.slice(0, 4)}.streaming.media.azure.net`,
        provisioningState: 'InProgress',
        resourceState: start ? 'Starting' : 'Stopped',
        created: existing?.properties['created'] ?? at,
        lastModified: at,
      },
    });
    return beginCreate('streamingEndpoints', 'streamingEndpoint', r, ctx, start);
  };

  const scaleStreamingEndpoint = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const r = sim.store.get(seIdOf(ctx.params));
    if (r === undefined) return notFound('streaming endpoint', seIdOf(ctx.params));
    const body = ctx.request.body;
    const units = scaleUnitsOf(isRecord(body) ? body['scaleUnit'] : undefined, 'scaleUnit');
    if (typeof units !== 'number') return units;
    const inFlight = current(r.id);
    if (inFlight !== undefined) return busy('streamingEndpoint', r, inFlight);
    const apply = (res: SimResource): void => {
      res.properties['scaleUnits'] = units;
      res.sku = skuFor(units);
      touch(res);
    };
    const state = String(r.properties['resourceState']);
    if (state === 'Stopped') {
      apply(r);
      return ok(undefined);
    }
    if (state !== 'Running') return invalidState('streamingEndpoint', r, 'scale');
    r.properties['resourceState'] = 'Scaling';
    touch(r);
    const operation = `${NS}/streamingEndpoints/scale`;
    const op = begin(
      operation,
      r.id,
      latencyOf(operation),
      (res) => {
        res.properties['resourceState'] = 'Running';
        apply(res);
      },
      (res) => {
        res.properties['resourceState'] = 'Running';
        touch(res);
      },
    );
    return accepted('streamingEndpoint', r.id, op, ctx);
  };

  /**
   * PATCH of a streaming endpoint or live event: the fields sent are merged into the resource
   * (tags replaced as a whole, as ARM does), answered 200 at once; scale units change only with
   * the scale operation. Used to mark what a failover started.
   */
  const patchTracked = (kind: 'streamingEndpoint' | 'liveEvent', idOf: (p: Params) => string, definable: readonly string[]) => (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const r = sim.store.get(idOf(ctx.params));
    if (r === undefined) return notFound(KIND_NAME[kind], idOf(ctx.params));
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { body, props } = parsed;
    const location = locationFor(body, acct);
    if (typeof location !== 'string') return location;
    if (body['tags'] !== undefined && (!isRecord(body['tags']) || !Object.values(body['tags']).every((v) => typeof v === 'string'))) {
      return badRequest("The field 'tags' must map names to strings.", 'InvalidRequestContent');
    }
    const inFlight = current(r.id);
    if (inFlight !== undefined) return busy(kind, r, inFlight);
    if (props['scaleUnits'] !== undefined && props['scaleUnits'] !== r.properties['scaleUnits']) {
      return badRequest(`The scale units of the ${KIND_NAME[kind]} '${r.name}' change with the scale operation, not with an update.`, 'InvalidRequestContent');
    }
    const at = isoNow(now());
    for (const k of definable) if (props[k] !== undefined) r.properties[k] = props[k];
    const tags = tagsOf(body);
    if (tags !== undefined) r.tags = tags;
    r.properties['lastModified'] = at;
    r.systemData = systemData(ctx.request.caller, at, r.systemData);
    return ok(viewOf(r));
  };

  // ── live events ──────────────────────────────────────────────────────────────────────────────

  const LE_DEFINABLE = ['description', 'encoding', 'transcriptions', 'crossSiteAccessPolicies', 'useStaticHostname', 'hostnamePrefix', 'streamOptions'];
  const PROTOCOLS = ['RTMP', 'FragmentedMP4'];

  const ingestEndpoints = (protocol: string, host: string, token: string): Array<{ protocol: string; url: string }> =>
    protocol === 'RTMP'
      ? [
          { protocol: 'RTMP', url: `rtmp://${host}.channel.media.azure.net:1935/live/${token}` },
          { protocol: 'RTMP', url: `rtmps://${host}.channel.media.azure.net:2935/live/${token}` },
        ]
      : [
          { protocol: 'FragmentedMP4', url: `http://${host}.channel.media.azure.net/${token}/ingest.isml` },
          { protocol: 'FragmentedMP4', url: `https://${host}.channel.media.azure.net/${token}/ingest.isml` },
        ];

  const removeOutputs = (le: SimResource): void => {
    for (const output of sim.store.children(le.id, 'liveOutputs')) sim.store.delete(output.id);
  };

  const createLiveEvent = (ctx: RouteContext): SimResponse => {
    const target = createTarget(ctx);
    if (isResponse(target)) return target;
    const { acct, body, props, location } = target;
    const input = props['input'];
    if (!isRecord(input)) return badRequest("The field 'properties.input' is required.", 'InvalidRequestContent');
    const protocol = input['streamingProtocol'];
    if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol)) {
      return badRequest(`The field 'properties.input.streamingProtocol' must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(protocol)}.`, 'InvalidRequestContent');
    }
    const at = isoNow(now());
    const tags = tagsOf(body);
    const definable = Object.fromEntries(LE_DEFINABLE.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
    const existing = sim.store.get(leIdOf(ctx.params));
    if (existing !== undefined && existing.properties['provisioningState'] !== 'Failed') {
      const inFlight = current(existing.id);
      if (inFlight !== undefined) return busy('liveEvent', existing, inFlight);
      const kept = isRecord(existing.properties['input']) ? existing.properties['input'] : {};
      existing.properties = {
        ...existing.properties,
        ...definable,
        // The ingest URLs stay: encoders are pointed at them.
        input: { ...input, endpoints: kept['endpoints'] ?? [], ...(kept['accessToken'] !== undefined ? { accessToken: kept['accessToken'] } : {}) },
        provisioningState: 'Succeeded',
        lastModified: at,
      };
      if (tags !== undefined) existing.tags = tags;
      existing.systemData = systemData(ctx.request.caller, at, existing.systemData);
      return ok(viewOf(existing));
    }
    const name = ctx.params['le']!;
    const host = typeof props['hostnamePrefix'] === 'string' && props['useStaticHostname'] === true ? props['hostnamePrefix'] : `${name}-${acct.name}`.toLowerCase();
    const token = typeof input['accessToken'] === 'string' && input['accessToken'] !== '' ? input['accessToken'] : hex(16);
    const previewLocator = randomUUID();
    const preview = isRecord(props['preview']) ? props['preview'] : {};
    const start = autoStart(ctx);
    const id = childId(acct, 'liveEvents', name);
    const r: SimResource = sim.store.put({
      id,
      name,
      type: typeOf(id),
      location,
      ...(tags !== undefined ? { tags } : {}),
      systemData: systemData(ctx.request.caller, at),
      properties: {
        description: '',
        useStaticHostname: false,
        streamOptions: ['Default'],
        encoding: { encodingType: 'None' },
        ...definable,
        input: { keyFrameIntervalDuration: 'PT2S', ...input, accessToken: token, endpoints: ingestEndpoints(protocol, host, token) },
        preview: {
          ...preview,
          previewLocator,
          endpoints: [{ protocol: 'FragmentedMP4', url: `https://${host}.preview-${REGION_CODES[location] ?? location.slice(0, 4)}.channel.media.azure.net/${previewLocator}/preview.ism/manifest` }],
        },
        provisioningState: 'InProgress',
        resourceState: start ? 'Starting' : 'Stopped',
        created: existing?.properties['created'] ?? at,
        lastModified: at,
      },
    });
    return beginCreate('liveEvents', 'liveEvent', r, ctx, start);
  };

  // ── live outputs ─────────────────────────────────────────────────────────────────────────────

  const LO_DEFINABLE = ['description', 'assetName', 'archiveWindowLength', 'rewindWindowLength', 'manifestName', 'hls', 'outputSnapTime'];

  const createLiveOutput = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const le = sim.store.get(leIdOf(ctx.params));
    if (le === undefined) return notFound('live event', leIdOf(ctx.params));
    const eventBusy = current(le.id);
    if (eventBusy !== undefined) return busy('liveEvent', le, eventBusy);
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { props } = parsed;
    for (const field of ['assetName', 'archiveWindowLength']) {
      if (typeof props[field] !== 'string' || props[field] === '') return badRequest(`The field 'properties.${field}' is required.`, 'InvalidRequestContent');
    }
    // The output records into an asset of this account, created first (the spec's scenario does so).
    const missingAsset = assetMissing(acct, props['assetName'] as string, 'properties.assetName');
    if (missingAsset !== undefined) return missingAsset;
    if (!/^P(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?|\d+D)$/.test(String(props['archiveWindowLength']))) {
      return badRequest(`The field 'properties.archiveWindowLength' must be an ISO 8601 duration such as PT1H, got '${String(props['archiveWindowLength'])}'.`, 'InvalidRequestContent');
    }
    const at = isoNow(now());
    const definable = Object.fromEntries(LO_DEFINABLE.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
    const existing = sim.store.get(loIdOf(ctx.params));
    if (existing !== undefined && existing.properties['provisioningState'] !== 'Failed') {
      const inFlight = current(existing.id);
      if (inFlight !== undefined) return busy('liveOutput', existing, inFlight);
      existing.properties = { ...existing.properties, ...definable, provisioningState: 'Succeeded', lastModified: at };
      existing.systemData = systemData(ctx.request.caller, at, existing.systemData);
      return ok(viewOf(existing));
    }
    const r = putChild(le.id, 'liveOutputs', ctx.params['lo']!, ctx.request.caller, at, {
      description: '',
      manifestName: ctx.params['lo']!,
      outputSnapTime: 0,
      ...definable,
      provisioningState: 'InProgress',
      resourceState: 'Creating',
      created: existing?.properties['created'] ?? at,
      lastModified: at,
    });
    const operation = `${NS}/liveOutputs/write`;
    const op = begin(
      operation,
      r.id,
      latencyOf(operation),
      (res) => {
        res.properties['provisioningState'] = 'Succeeded';
        res.properties['resourceState'] = 'Running';
        touch(res);
      },
      (res) => {
        res.properties['provisioningState'] = 'Failed';
        res.properties['resourceState'] = 'Running';
        touch(res);
      },
    );
    return accepted('liveOutput', r.id, op, ctx, 201, viewOf(r));
  };

  const deleteLiveOutput = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const le = sim.store.get(leIdOf(ctx.params));
    if (le === undefined) return notFound('live event', leIdOf(ctx.params));
    const r = sim.store.get(loIdOf(ctx.params));
    if (r === undefined) return { status: 204 };
    const eventBusy = current(le.id);
    if (eventBusy !== undefined) return busy('liveEvent', le, eventBusy);
    const operation = `${NS}/liveOutputs/delete`;
    const inFlight = current(r.id);
    if (inFlight !== undefined) return inFlight.operation === operation ? accepted('liveOutput', r.id, inFlight, ctx) : busy('liveOutput', r, inFlight);
    const before = String(r.properties['resourceState']);
    r.properties['resourceState'] = 'Deleting';
    touch(r);
    const op = begin(
      operation,
      r.id,
      latencyOf(operation),
      (res) => {
        sim.store.delete(res.id);
      },
      (res) => {
        res.properties['resourceState'] = before;
        touch(res);
      },
    );
    return accepted('liveOutput', r.id, op, ctx);
  };

  // ── assets ───────────────────────────────────────────────────────────────────────────────────

  const assetIdOf = (p: Params): string => `${accountIdOf(p)}/assets/${p['asset']}`;
  const locatorIdOf = (p: Params): string => `${accountIdOf(p)}/streamingLocators/${p['locator']}`;

  /** A 400 naming `field` when `name` is not an asset of the account; undefined when it is. */
  const assetMissing = (acct: SimResource, name: unknown, field: string): SimResponse | undefined =>
    typeof name === 'string' && sim.store.get(`${acct.id}/assets/${name}`) !== undefined
      ? undefined
      : badRequest(`The field '${field}' names the asset '${String(name)}', which does not exist in the Media Services account '${acct.name}': create it first (PUT assets/{assetName}).`, 'BadRequest');

  /** The storage accounts attached to a Media Services account, by name. */
  const storageNames = (acct: SimResource): string[] =>
    (Array.isArray(acct.properties['storageAccounts']) ? (acct.properties['storageAccounts'] as unknown[]) : [])
      .map((a) => (isRecord(a) && typeof a['id'] === 'string' ? a['id'].split('/').pop()! : ''))
      .filter((n) => n !== '');

  const createAsset = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { props } = parsed;
    for (const field of ['description', 'alternateId', 'container', 'storageAccountName']) {
      if (props[field] !== undefined && typeof props[field] !== 'string') return badRequest(`The field 'properties.${field}' must be a string.`, 'InvalidRequestContent');
    }
    const storages = storageNames(acct);
    const storage = (props['storageAccountName'] as string | undefined) ?? storages[0];
    if (storage === undefined || !storages.some((n) => n.toLowerCase() === storage.toLowerCase())) {
      return badRequest(`The field 'properties.storageAccountName' ('${String(storage)}') must name a storage account attached to '${acct.name}': ${storages.join(', ') || 'none is'}.`, 'BadRequest');
    }
    const at = isoNow(now());
    const existing = sim.store.get(assetIdOf(ctx.params));
    if (existing !== undefined) {
      // The container and storage account of an asset are fixed at creation.
      for (const field of ['container', 'storageAccountName']) {
        if (props[field] !== undefined && String(props[field]).toLowerCase() !== String(existing.properties[field]).toLowerCase()) {
          return badRequest(`The field 'properties.${field}' of the existing asset '${existing.name}' cannot change.`, 'BadRequest');
        }
      }
      for (const field of ['description', 'alternateId']) if (props[field] !== undefined) existing.properties[field] = props[field];
      existing.properties['lastModified'] = at;
      existing.systemData = systemData(ctx.request.caller, at, existing.systemData);
      return ok(viewOf(existing));
    }
    const assetId = randomUUID();
    const r = putChild(acct.id, 'assets', ctx.params['asset']!, ctx.request.caller, at, {
      assetId,
      created: at,
      lastModified: at,
      ...(props['alternateId'] !== undefined ? { alternateId: props['alternateId'] } : {}),
      ...(props['description'] !== undefined ? { description: props['description'] } : {}),
      container: (props['container'] as string | undefined) ?? `asset-${assetId}`,
      storageAccountName: storage,
      storageEncryptionFormat: 'None',
    });
    return ok(viewOf(r), 201);
  };

  /** DELETE of an account's child that has no long-running delete (assets, streaming locators): 200, or 204 when absent. */
  const deleteChild =
    (idOf: (p: Params) => string) =>
    (ctx: RouteContext): SimResponse => {
      const acct = account(ctx.params);
      if (isResponse(acct)) return acct;
      const r = sim.store.get(idOf(ctx.params));
      if (r === undefined) return { status: 204 };
      sim.store.delete(r.id);
      return ok(undefined);
    };

  /** SAS permissions AMS grants for each ListContainerSasInput permission. */
  const SAS_PERMISSIONS: Record<string, string> = { Read: 'rl', ReadWrite: 'rwl', ReadWriteDelete: 'rwdl' };

  const listContainerSas = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const r = sim.store.get(assetIdOf(ctx.params));
    if (r === undefined) return notFound('asset', assetIdOf(ctx.params));
    const body = isRecord(ctx.request.body) ? ctx.request.body : {};
    const sp = SAS_PERMISSIONS[String(body['permissions'])];
    if (sp === undefined) return badRequest(`The field 'permissions' must be one of ${Object.keys(SAS_PERMISSIONS).join(', ')}, got ${JSON.stringify(body['permissions'])}.`, 'InvalidRequestContent');
    const expiry = typeof body['expiryTime'] === 'string' ? Date.parse(body['expiryTime']) : Number.NaN;
    if (Number.isNaN(expiry) || expiry <= now()) return badRequest(`The field 'expiryTime' must be a date-time in the future, got ${JSON.stringify(body['expiryTime'])}.`, 'InvalidRequestContent');
    const se = encodeURIComponent(new Date(expiry).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const url = (key: string) => `https://${String(r.properties['storageAccountName'])}.blob.core.windows.net/${String(r.properties['container'])}?sv=2022-11-02&se=${se}&sr=c&sp=${sp}&sig=${key}${hex(16)}`;
    // Two URLs, one per storage account key, as AMS answers.
    return ok({ assetContainerSasUrls: [url('k1'), url('k2')] });
  };

  // ── streaming locators ───────────────────────────────────────────────────────────────────────

  /** The streaming policies every account has, and what they publish. */
  const PREDEFINED_POLICIES: Record<string, { streaming: boolean; download: boolean }> = {
    Predefined_DownloadOnly: { streaming: false, download: true },
    Predefined_ClearStreamingOnly: { streaming: true, download: false },
    Predefined_DownloadAndClearStreaming: { streaming: true, download: true },
  };

  const createStreamingLocator = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { props } = parsed;
    for (const field of ['assetName', 'streamingPolicyName']) {
      if (typeof props[field] !== 'string' || props[field] === '') return badRequest(`The field 'properties.${field}' is required.`, 'InvalidRequestContent');
    }
    const policy = props['streamingPolicyName'] as string;
    if (PREDEFINED_POLICIES[policy] === undefined && sim.store.get(`${acct.id}/streamingPolicies/${policy}`) === undefined) {
      return badRequest(`The field 'properties.streamingPolicyName' names '${policy}', which is neither a predefined streaming policy (${Object.keys(PREDEFINED_POLICIES).join(', ')}) nor one of the account's.`, 'BadRequest');
    }
    const missingAsset = assetMissing(acct, props['assetName'], 'properties.assetName');
    if (missingAsset !== undefined) return missingAsset;
    const existing = sim.store.get(locatorIdOf(ctx.params));
    // Locators cannot be updated: a second PUT of a name in use is refused.
    if (existing !== undefined) return conflict(`The streaming locator '${existing.name}' already exists; streaming locators cannot be updated: delete it and create it again.`, 'Conflict');
    const at = isoNow(now());
    const r = putChild(acct.id, 'streamingLocators', ctx.params['locator']!, ctx.request.caller, at, {
      assetName: props['assetName'],
      created: at,
      ...(typeof props['startTime'] === 'string' ? { startTime: props['startTime'] } : {}),
      endTime: typeof props['endTime'] === 'string' ? props['endTime'] : '9999-12-31T23:59:59.9999999Z',
      streamingLocatorId: typeof props['streamingLocatorId'] === 'string' ? props['streamingLocatorId'] : randomUUID(),
      streamingPolicyName: policy,
      contentKeys: [],
    });
    return ok(viewOf(r), 201);
  };


  /**
   * The URL paths of a locator's asset. An asset has a manifest to stream once a live output
   * records into it (the output's manifestName); an asset with none answers no streaming paths.
   */
  const listPaths = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const r = sim.store.get(locatorIdOf(ctx.params));
    if (r === undefined) return notFound('streaming locator', locatorIdOf(ctx.params));
    const policy = PREDEFINED_POLICIES[String(r.properties['streamingPolicyName'])] ?? { streaming: true, download: false };
    const asset = String(r.properties['assetName']).toLowerCase();
    const manifests = sim.store
      .children(acct.id, 'liveEvents')
      .flatMap((le) => sim.store.children(le.id, 'liveOutputs'))
      .filter((lo) => String(lo.properties['assetName']).toLowerCase() === asset)
      .map((lo) => `/${String(r.properties['streamingLocatorId'])}/${String(lo.properties['manifestName'] ?? lo.name)}.ism/manifest`);
    const formats: Array<[string, string]> = [
      ['Hls', '(format=m3u8-aapl)'],
      ['Dash', '(format=mpd-time-csf)'],
      ['SmoothStreaming', ''],
    ];
    const streamingPaths = policy.streaming && manifests.length > 0 ? formats.map(([streamingProtocol, suffix]) => ({ streamingProtocol, encryptionScheme: 'NoEncryption', paths: manifests.map((m) => m + suffix) })) : [];
    return ok({ streamingPaths, downloadPaths: [] });
  };

  // ── transforms ───────────────────────────────────────────────────────────────────────────────

  const createTransform = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { props } = parsed;
    const outputs = props['outputs'];
    if (!Array.isArray(outputs) || outputs.length === 0) return badRequest("The field 'properties.outputs' must list at least one transform output.", 'InvalidRequestContent');
    for (const [i, output] of outputs.entries()) {
      if (!isRecord(output) || !isRecord(output['preset']) || typeof output['preset']['@odata.type'] !== 'string') {
        return badRequest(`The field 'properties.outputs[${i}].preset' must be a preset with an '@odata.type'.`, 'InvalidRequestContent');
      }
    }
    const normalized = outputs.map((o: Record<string, unknown>) => ({ onError: 'StopProcessingJob', relativePriority: 'Normal', ...o }));
    const at = isoNow(now());
    const existing = sim.store.get(transformIdOf(ctx.params));
    if (existing !== undefined) {
      existing.properties = { ...existing.properties, description: props['description'] ?? null, outputs: normalized, lastModified: at };
      existing.systemData = systemData(ctx.request.caller, at, existing.systemData);
      return ok(viewOf(existing));
    }
    // A transform is not provisioned: TransformProperties has no provisioningState.
    const r = putChild(acct.id, 'transforms', ctx.params['t']!, ctx.request.caller, at, { ...(props['description'] !== undefined ? { description: props['description'] } : {}), outputs: normalized, created: at, lastModified: at });
    return ok(viewOf(r), 201);
  };

  // ── jobs ─────────────────────────────────────────────────────────────────────────────────────

  /** Outage intervals of a region, [start, end) in Azure ms, from the incidents the simulator opened. */
  const outagesOf = (region: string | undefined): Array<[number, number]> =>
    region === undefined
      ? []
      : sim.incidents
          .list()
          .filter((i) => i.region === region.toLowerCase())
          .map((i): [number, number] => [i.impactStart, i.impactMitigation ?? Number.POSITIVE_INFINITY])
          .sort((a, b) => a[0] - b[0]);

  /** Wall time at which `effective` ms of progress since `anchor` is reached, skipping outages. */
  const wallTime = (anchor: number, effective: number, outages: Array<[number, number]>): number => {
    let t = anchor;
    let remaining = effective;
    for (const [start, end] of outages) {
      if (end <= t) continue;
      if (start > t) {
        if (remaining <= start - t) return t + remaining;
        remaining -= start - t;
      }
      t = end;
    }
    return t + remaining;
  };

  /** Progress (ms) a job has made by `at`: time since `anchor` minus the time its region was down. */
  const progressAt = (anchor: number, at: number, outages: Array<[number, number]>): number => {
    let down = 0;
    let covered = anchor;
    for (const [start, end] of outages) {
      const s = Math.max(start, covered);
      const e = Math.min(end, at);
      if (e > s) {
        down += e - s;
        covered = e;
      }
    }
    return Math.max(0, at - anchor - down);
  };

  /** The storage accounts of the estate, lower-case: its Microsoft.Storage accounts and those attached to Media Services accounts. */
  const estateStorage = (): Set<string> =>
    new Set([...sim.store.ofType('Microsoft.Storage/storageAccounts').map((r) => r.name), ...sim.store.ofType(`${NS}/mediaservices`).flatMap(storageNames)].map((n) => n.toLowerCase()));

  /**
   * How a job whose input reads a private blob of the estate without a SAS fails: the service
   * cannot download it, so the job errors as processing starts, with the spec's JobErrorCode for
   * inaccessible input files. The estate's storage accounts allow no anonymous reads (assumed:
   * Azure's default for new accounts), so a blob URL without `sig=` is one the service cannot read.
   */
  const downloadFailure = (input: unknown): JobFailure | undefined => {
    const url = unsignedBlobUrl(input, estateStorage());
    return url === undefined
      ? undefined
      : {
          code: 'DownloadNotAccessible',
          message: `While trying to download the input files, the files were not accessible: ${url} is a private blob and the job gives no SAS for it.`,
          category: 'Download',
          retry: 'DoNotRetry',
          at: 0,
        };
  };

  const timelineOf = (r: SimResource): JobTimeline => {
    let t = timelines.get(r);
    if (t === undefined) {
      const created = Date.parse(String(r.properties['created']));
      const index = JOB_PHASES.indexOf(r.properties['state'] as (typeof JOB_PHASES)[number]);
      const terminal = typeof r.properties['state'] === 'string' && index < 0;
      const failWith = terminal ? undefined : downloadFailure(r.properties['input']);
      t = { anchor: Number.isNaN(created) ? now() : created, first: terminal ? JOB_PHASES.length : Math.max(0, index), ...(failWith !== undefined ? { failWith } : {}) };
      timelines.set(r, t);
    }
    return t;
  };

  /**
   * A job as AMS answers it (sim/providers/media-jobs.ts): its input with the service's defaults
   * and without query strings, its outputs labelled (a seeded job's by its transform's presets).
   */
  const jobAnswer = (r: SimResource): Record<string, unknown> => {
    const transformOutputs = sim.store.get(r.id.slice(0, r.id.toLowerCase().lastIndexOf('/jobs/')))?.properties['outputs'];
    const outputs = Array.isArray(r.properties['outputs']) ? (r.properties['outputs'] as unknown[]).map((o, i) => (isRecord(o) ? labelled(o, i, transformOutputs) : o)) : r.properties['outputs'];
    return envelope({ ...r, properties: { ...r.properties, input: answeredInput(r.properties['input']), outputs } });
  };

  /** Brings a job's state up to `sim.clock.now()` (written back to the store) and returns its view. */
  const jobView = (r: SimResource): Record<string, unknown> => {
    const t = timelineOf(r);
    if (t.first >= JOB_PHASES.length) return jobAnswer(r);
    const at = now();
    const outages = outagesOf(sim.store.regionOf(r.id));
    const progress = progressAt(t.anchor, at, outages);
    const phases = JOB_PHASES.slice(t.first);
    let offset = 0;
    let state: string = t.failWith !== undefined ? 'Error' : 'Finished';
    let since = 0;
    let processingStart: number | undefined;
    let processingFraction = 1;
    for (const phase of phases) {
      // A failing job errors as far into processing as its failure says.
      const full = latencyOf(`${NS}/jobs/${phase.toLowerCase()}`);
      const d = phase === 'Processing' && t.failWith !== undefined ? full * t.failWith.at : full;
      if (phase === 'Processing') processingStart = offset;
      if (progress < offset + d) {
        state = phase;
        since = offset;
        if (phase === 'Processing') processingFraction = d > 0 ? (progress - offset) / d : 1;
        break;
      }
      offset += d;
      since = offset;
    }
    const done = state === 'Finished' || state === 'Error';
    const wall = (ms: number): string => isoNow(wallTime(t.anchor, ms, outages));
    const startTime = processingStart !== undefined && progress >= processingStart ? wall(processingStart) : undefined;
    const endTime = done ? wall(offset) : undefined;
    const reached = t.failWith !== undefined ? Math.floor(t.failWith.at * 100) : 100;
    const percent = state === 'Finished' ? 100 : state === 'Error' ? reached : state === 'Processing' ? Math.min(99, Math.floor(processingFraction * reached)) : 0;
    const outputs = (Array.isArray(r.properties['outputs']) ? (r.properties['outputs'] as unknown[]) : []).map((o) => {
      const { error: _error, startTime: _s, endTime: _e, ...rest } = isRecord(o) ? o : {};
      return {
        ...rest,
        state,
        progress: percent,
        ...(startTime !== undefined ? { startTime } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(state === 'Error' && t.failWith !== undefined
          ? { error: { code: t.failWith.code, message: t.failWith.message, category: t.failWith.category, retry: t.failWith.retry, details: [] } }
          : {}),
      };
    });
    const { startTime: _s, endTime: _e, ...props } = r.properties;
    r.properties = {
      ...props,
      state,
      outputs,
      lastModified: wall(since),
      ...(startTime !== undefined ? { startTime } : {}),
      ...(endTime !== undefined ? { endTime } : {}),
    };
    return jobAnswer(r);
  };

  /**
   * Why a job input is refused, or undefined. JobInputAsset reads an asset of this account, which
   * must exist; JobInputHttp reads `files` (required), each relative to `baseUri` or, without one,
   * an absolute http(s) URL; JobInputs and JobInputSequence nest inputs, checked the same way.
   */
  const jobInputRefused = (acct: SimResource, input: Record<string, unknown>, field: string): SimResponse | undefined => {
    const type = input['@odata.type'];
    const files = input['files'];
    const fileList = Array.isArray(files) && files.length > 0 && files.every((f) => typeof f === 'string' && f !== '') ? (files as string[]) : null;
    switch (type) {
      case '#Microsoft.Media.JobInputAsset':
        if (files !== undefined && fileList === null) return badRequest(`The field '${field}.files' must list file names.`, 'InvalidRequestContent');
        return assetMissing(acct, input['assetName'], `${field}.assetName`);
      case '#Microsoft.Media.JobInputHttp': {
        if (fileList === null) return badRequest(`The field '${field}.files' is required for a JobInputHttp: list the files to read.`, 'InvalidRequestContent');
        const base = input['baseUri'];
        if (base !== undefined && (typeof base !== 'string' || !/^https?:\/\/[^/]+/i.test(base))) return badRequest(`The field '${field}.baseUri' must be an http(s) URL, got ${JSON.stringify(base)}.`, 'InvalidRequestContent');
        if (base === undefined) {
          const relative = fileList.findIndex((f) => !/^https?:\/\/[^/]+/i.test(f));
          if (relative >= 0) return badRequest(`The field '${field}.files[${relative}]' must be an absolute http(s) URL when no baseUri is given, got '${fileList[relative]}'.`, 'InvalidRequestContent');
        }
        return undefined;
      }
      // The base of JobInputAsset and JobInputHttp: it names no media to read (assumed refused).
      case '#Microsoft.Media.JobInputClip':
        return badRequest(`The field '${field}.@odata.type' is #Microsoft.Media.JobInputClip, which names no media to read: use a JobInputAsset or a JobInputHttp.`, 'InvalidRequestContent');
      case '#Microsoft.Media.JobInputs':
      case '#Microsoft.Media.JobInputSequence': {
        const inner = input['inputs'];
        if (!Array.isArray(inner) || inner.length === 0) return badRequest(`The field '${field}.inputs' must list job inputs.`, 'InvalidRequestContent');
        for (const [i, x] of inner.entries()) {
          if (!isRecord(x) || typeof x['@odata.type'] !== 'string') return badRequest(`The field '${field}.inputs[${i}]' must be a job input with an '@odata.type'.`, 'InvalidRequestContent');
          const refused = jobInputRefused(acct, x, `${field}.inputs[${i}]`);
          if (refused !== undefined) return refused;
        }
        return undefined;
      }
      default:
        return badRequest(`The field '${field}.@odata.type' (${JSON.stringify(type)}) is not a job input type Media Services knows.`, 'InvalidRequestContent');
    }
  };

  const createJob = (ctx: RouteContext): SimResponse => {
    const acct = account(ctx.params);
    if (isResponse(acct)) return acct;
    const transform = sim.store.get(transformIdOf(ctx.params));
    if (transform === undefined) return notFound('transform', transformIdOf(ctx.params));
    const existing = sim.store.get(jobIdOf(ctx.params));
    if (existing !== undefined) {
      return conflict(`A job named '${existing.name}' already exists in transform '${transform.name}'; submit it under a new name (update description and priority with PATCH).`, 'Conflict');
    }
    const parsed = bodyProps(ctx);
    if (isResponse(parsed)) return parsed;
    const { props } = parsed;
    const input = props['input'];
    if (!isRecord(input) || typeof input['@odata.type'] !== 'string') return badRequest("The field 'properties.input' must be a job input with an '@odata.type'.", 'InvalidRequestContent');
    const outputs = props['outputs'];
    if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every((o) => isRecord(o) && typeof o['@odata.type'] === 'string')) {
      return badRequest("The field 'properties.outputs' must list job outputs, each with an '@odata.type'.", 'InvalidRequestContent');
    }
    const stray = undefinedJobProperty(props);
    if (stray !== undefined) return badRequest(`The field '${stray.field}' is not a property of ${stray.of}.`, 'InvalidRequestContent');
    const inputRefused = jobInputRefused(acct, input, 'properties.input');
    if (inputRefused !== undefined) return inputRefused;
    for (const [i, output] of (outputs as Array<Record<string, unknown>>).entries()) {
      if (output['@odata.type'] !== '#Microsoft.Media.JobOutputAsset') {
        return badRequest(`The field 'properties.outputs[${i}].@odata.type' must be #Microsoft.Media.JobOutputAsset, got ${JSON.stringify(output['@odata.type'])}.`, 'InvalidRequestContent');
      }
      const missing = assetMissing(acct, output['assetName'], `properties.outputs[${i}].assetName`);
      if (missing !== undefined) return missing;
    }
    const transformOutputs = Array.isArray(transform.properties['outputs']) ? (transform.properties['outputs'] as unknown[]).length : 0;
    if (outputs.length !== transformOutputs) {
      return badRequest(`The job has ${outputs.length} outputs but transform '${transform.name}' has ${transformOutputs}: 'properties.outputs' must have one output per transform output.`, 'BadRequest');
    }
    const priority = props['priority'] ?? 'Normal';
    if (typeof priority !== 'string' || !['Low', 'Normal', 'High'].includes(priority)) {
      return badRequest(`The field 'properties.priority' must be Low, Normal or High, got ${JSON.stringify(priority)}.`, 'InvalidRequestContent');
    }
    const at = now();
    const r = putChild(transform.id, 'jobs', ctx.params['job']!, ctx.request.caller, isoNow(at), {
      ...(props['description'] !== undefined ? { description: props['description'] } : {}),
      // What the spec defines for each type, as sent: the service ignores anything else.
      input: submittedInput(input),
      outputs: (outputs as Array<Record<string, unknown>>).map((o, i) => ({ ...submittedOutput(o, i, transform.properties['outputs']), state: 'Queued', progress: 0 })),
      priority,
      ...(isRecord(props['correlationData']) ? { correlationData: props['correlationData'] } : {}),
      state: 'Queued',
      created: isoNow(at),
      lastModified: isoNow(at),
    });
    // A fault rule fails the job halfway through processing; an input the service cannot download fails it as processing starts.
    const rule = sim.faults.match(`${NS}/jobs/write`, r.id, true);
    const failWith: JobFailure | undefined =
      rule !== undefined && sim.faults.fires(rule) ? { code: rule.code, message: rule.message, category: 'Service', retry: 'MayRetry', at: 0.5 } : downloadFailure(r.properties['input']);
    timelines.set(r, { anchor: at, first: 0, ...(failWith !== undefined ? { failWith } : {}) });
    return ok(jobView(r), 201);
  };

  /** A resource as AMS answers it: endpoints with the properties always answered, jobs with their state as of now. */
  const viewOf = (r: SimResource): Record<string, unknown> => {
    const type = r.type.toLowerCase();
    if (type.endsWith('/streamingendpoints')) return endpointView(r);
    if (type.endsWith('/jobs')) return jobView(r);
    return envelope(r);
  };

  // ── the routes ───────────────────────────────────────────────────────────────────────────────

  const A = MEDIA_ACCOUNT_API_VERSIONS;
  const S = MEDIA_STREAMING_API_VERSIONS;
  const E = MEDIA_ENCODING_API_VERSIONS;
  const M = MEDIA_METADATA_API_VERSIONS;
  const seKind = 'streaming endpoint';

  return [
    // accounts
    route('GET', ACCOUNTS, 'mediaservices/read', A, (p) => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}`, ({ params }) =>
      page(
        sim.store
          .ofType(`${NS}/mediaservices`, params['sub'])
          .filter((r) => r.id.split('/')[4]?.toLowerCase() === params['rg']!.toLowerCase())
          .map(envelope),
      ),
    ),
    route('GET', ACCT, 'mediaservices/read', A, accountIdOf, ({ params }) => {
      const r = account(params);
      return isResponse(r) ? r : ok(envelope(r));
    }),

    // streaming endpoints
    route('GET', `${ACCT}/streamingEndpoints`, 'streamingEndpoints/read', S, accountIdOf, listChildren(accountIdOf, undefined, 'streamingEndpoints')),
    route('GET', SE, 'streamingEndpoints/read', S, seIdOf, getChild(seKind, seIdOf)),
    route('PUT', SE, 'streamingEndpoints/write', S, seIdOf, createStreamingEndpoint),
    route('POST', `${SE}/start`, 'streamingEndpoints/start', S, seIdOf, (ctx) =>
      transition(ctx, seIdOf(ctx.params), { kind: 'streamingEndpoint', operation: `${NS}/streamingEndpoints/start`, action: 'start', from: ['Stopped'], done: ['Running'], via: 'Starting', to: 'Running' }),
    ),
    route('POST', `${SE}/stop`, 'streamingEndpoints/stop', S, seIdOf, (ctx) =>
      transition(ctx, seIdOf(ctx.params), { kind: 'streamingEndpoint', operation: `${NS}/streamingEndpoints/stop`, action: 'stop', from: ['Running'], done: ['Stopped'], via: 'Stopping', to: 'Stopped' }),
    ),
    route('POST', `${SE}/scale`, 'streamingEndpoints/scale', S, seIdOf, scaleStreamingEndpoint),
    route('PATCH', SE, 'streamingEndpoints/write', S, seIdOf, patchTracked('streamingEndpoint', seIdOf, SE_DEFINABLE.filter((k) => k !== 'customHostNames'))),
    ...opRoutes('streamingEndpoint', SE, seIdOf),

    // live events
    route('GET', `${ACCT}/liveEvents`, 'liveEvents/read', S, accountIdOf, listChildren(accountIdOf, undefined, 'liveEvents')),
    route('GET', LE, 'liveEvents/read', S, leIdOf, getChild('live event', leIdOf)),
    route('PUT', LE, 'liveEvents/write', S, leIdOf, createLiveEvent),
    route('PATCH', LE, 'liveEvents/write', S, leIdOf, patchTracked('liveEvent', leIdOf, ['description'])),
    // Reset: outputs deleted, the event stopped and started again; only a running event (strict side).
    route('POST', `${LE}/reset`, 'liveEvents/reset', S, leIdOf, (ctx) =>
      transition(ctx, leIdOf(ctx.params), { kind: 'liveEvent', operation: `${NS}/liveEvents/reset`, action: 'reset', from: ['Running'], done: [], via: 'Stopping', to: 'Running', effect: removeOutputs }),
    ),
    route('POST', `${LE}/start`, 'liveEvents/start', S, leIdOf, (ctx) =>
      transition(ctx, leIdOf(ctx.params), { kind: 'liveEvent', operation: `${NS}/liveEvents/start`, action: 'start', from: ['Stopped', 'StandBy'], done: ['Running'], via: 'Starting', to: 'Running' }),
    ),
    route('POST', `${LE}/allocate`, 'liveEvents/allocate', S, leIdOf, (ctx) =>
      transition(ctx, leIdOf(ctx.params), { kind: 'liveEvent', operation: `${NS}/liveEvents/allocate`, action: 'allocate', from: ['Stopped'], done: ['StandBy'], via: 'Allocating', to: 'StandBy' }),
    ),
    route('POST', `${LE}/stop`, 'liveEvents/stop', S, leIdOf, (ctx) => {
      const body = ctx.request.body;
      if (body !== undefined && (!isRecord(body) || (body['removeOutputsOnStop'] !== undefined && typeof body['removeOutputsOnStop'] !== 'boolean'))) {
        return badRequest("The field 'removeOutputsOnStop' must be true or false.", 'InvalidRequestContent');
      }
      const remove = isRecord(body) && body['removeOutputsOnStop'] === true;
      return transition(ctx, leIdOf(ctx.params), {
        kind: 'liveEvent',
        operation: `${NS}/liveEvents/stop`,
        action: 'stop',
        from: ['Running', 'StandBy'],
        done: ['Stopped'],
        via: 'Stopping',
        to: 'Stopped',
        ...(remove ? { effect: removeOutputs } : {}),
      });
    }),
    ...opRoutes('liveEvent', LE, leIdOf),

    // live outputs
    route('GET', `${LE}/liveOutputs`, 'liveOutputs/read', S, leIdOf, listChildren(leIdOf, 'live event', 'liveOutputs')),
    route('GET', LO, 'liveOutputs/read', S, loIdOf, getChild('live output', loIdOf)),
    route('PUT', LO, 'liveOutputs/write', S, loIdOf, createLiveOutput),
    route('DELETE', LO, 'liveOutputs/delete', S, loIdOf, deleteLiveOutput),
    ...opRoutes('liveOutput', LO, loIdOf),

    // assets and streaming locators
    route('GET', `${ACCT}/assets`, 'assets/read', M, accountIdOf, listChildren(accountIdOf, undefined, 'assets')),
    route('GET', ASSET, 'assets/read', M, assetIdOf, getChild('asset', assetIdOf)),
    route('PUT', ASSET, 'assets/write', M, assetIdOf, createAsset),
    route('DELETE', ASSET, 'assets/delete', M, assetIdOf, deleteChild(assetIdOf)),
    route('POST', `${ASSET}/listContainerSas`, 'assets/listContainerSas/action', M, assetIdOf, listContainerSas),
    route('GET', `${ACCT}/streamingLocators`, 'streamingLocators/read', M, accountIdOf, listChildren(accountIdOf, undefined, 'streamingLocators')),
    route('GET', LOCATOR, 'streamingLocators/read', M, locatorIdOf, getChild('streaming locator', locatorIdOf)),
    route('PUT', LOCATOR, 'streamingLocators/write', M, locatorIdOf, createStreamingLocator),
    route('DELETE', LOCATOR, 'streamingLocators/delete', M, locatorIdOf, deleteChild(locatorIdOf)),
    route('POST', `${LOCATOR}/listPaths`, 'streamingLocators/listPaths/action', M, locatorIdOf, listPaths),

    // transforms and jobs
    route('GET', `${ACCT}/transforms`, 'transforms/read', E, accountIdOf, listChildren(accountIdOf, undefined, 'transforms')),
    route('GET', TRANSFORM, 'transforms/read', E, transformIdOf, getChild('transform', transformIdOf)),
    route('PUT', TRANSFORM, 'transforms/write', E, transformIdOf, createTransform),
    route('GET', `${TRANSFORM}/jobs`, 'jobs/read', E, transformIdOf, listChildren(transformIdOf, 'transform', 'jobs', jobView)),
    route('GET', JOB, 'jobs/read', E, jobIdOf, getChild('job', jobIdOf, jobView)),
    route('PUT', JOB, 'jobs/write', E, jobIdOf, createJob),
  ];
}
