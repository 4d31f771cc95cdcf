/**
 * Azure Data Share (Microsoft.DataShare, api-version 2021-08-01): the accounts, shares and
 * invitations a provider keeps, and the share subscriptions, snapshot triggers and
 * synchronizations a consumer keeps. Failover for Data Share is manual (no geo-replication):
 * the consumer turns on the snapshot schedule on its secondary share subscription, runs one
 * snapshot at once, and the provider invites consumers to the secondary share; these are the
 * operations this provider answers.
 *
 * Long-running operations follow what the service sends (spec examples):
 * - account PUT and trigger PUT are body-mode LROs: 201 with `provisioningState: Creating`,
 *   polled on the resource's own URL until `Succeeded` (or `Failed`);
 * - synchronize answers 202 `{status: Accepted, synchronizationId}` with `Azure-AsyncOperation`
 *   pointing at `…/shareSubscriptions/{ss}/operationResults/{id}`;
 * - trigger DELETE answers 202 with `Azure-AsyncOperation` at `…/triggers/{t}/operationResults/{id}`,
 *   then the trigger is gone (404).
 *
 * A resource whose provisioning failed shows `provisioningState: Failed` and nothing more: the
 * spec's resources define no error property, so a body-mode poller (core-lro) reports only "The
 * long-running operation has failed". Every resource carries ARM's `systemData` (the spec's
 * ProxyDto defines it; the Accounts_Get example shows it): who created and last changed it, the
 * caller as an Application.
 *
 * Guesses where the spec says nothing (documented so a playbook author knows):
 * - re-PUT of a trigger that exists and succeeded updates it in place and answers 200 at once;
 *   re-PUT of one still Creating answers 200 with its current body (the poller keeps waiting);
 * - re-PUT of an invitation with the same name and target answers 200 with the invitation as it
 *   is (invitations cannot be changed: another target under the same name is 409);
 * - DELETE of a trigger that does not exist answers 204, as ARM deletes do.
 * - Synchronizations in flight are listed with status `InProgress`; finished ones `Completed`
 *   (the status the spec's listSynchronizations example gives; `status` is a free string there)
 *   or `Failed` (with the failure as `message`), newest first.
 *
 * What the service refuses, modelled on the strict side (Microsoft's tutorial "Accept and receive
 * data" maps datasets before a snapshot and enables a schedule only "if the data provider has
 * created a snapshot schedule"; the codes are not documented, so ARM's generic ones are used):
 * - synchronize, or creating a trigger, on a share subscription none of whose datasets is mapped
 *   to a target (no dataSetMapping, or only Broken ones): 400 BadRequest;
 * - creating a trigger when the source share has no synchronization setting (the provider's
 *   snapshot schedule, read through the share subscription's invitation): 400 BadRequest;
 * - a second trigger on one share subscription (the portal enables the provider's one
 *   schedule): 409 Conflict. Re-PUT of the same trigger updates it.
 */
import { randomUUID } from 'node:crypto';
import { armError, badRequest, conflict, isoNow, lastSegment, notFound, ok, page } from '../arm.js';
import { latencyOf } from '../latency.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimResource, SimResponse } from '../types.js';

export const DATA_SHARE_API_VERSIONS = ['2021-08-01'] as const;
const API_VERSION = DATA_SHARE_API_VERSIONS[0];

const NS = 'Microsoft.DataShare';
const ACCOUNTS = `/subscriptions/{sub}/resourceGroups/{rg}/providers/${NS}/accounts`;
const DS = `${ACCOUNTS}/{account}`;
const SS = `${DS}/shareSubscriptions/{ss}`;
const TRIGGER = `${SS}/triggers/{trigger}`;
const MAPPING = `${SS}/dataSetMappings/{mapping}`;
const SYNC_SETTING = `${DS}/shares/{share}/synchronizationSettings/{setting}`;

type Params = Record<string, string>;
type Failure = { code: string; message: string };

const accountId = (p: Params): string => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${NS}/accounts/${p['account']}`;
const shareId = (p: Params): string => `${accountId(p)}/shares/${p['share']}`;
const invitationId = (p: Params): string => `${shareId(p)}/invitations/${p['invitation']}`;
const shareSubscriptionId = (p: Params): string => `${accountId(p)}/shareSubscriptions/${p['ss']}`;
const triggerId = (p: Params): string => `${shareSubscriptionId(p)}/triggers/${p['trigger']}`;
const mappingId = (p: Params): string => `${shareSubscriptionId(p)}/dataSetMappings/${p['mapping']}`;
const settingId = (p: Params): string => `${shareId(p)}/synchronizationSettings/${p['setting']}`;

/**
 * The properties each dataSetMapping kind requires besides `dataSetId` (the spec's
 * *DataSetMappingProperties `required` lists); Kusto kinds need their cluster.
 */
const STORAGE = ['subscriptionId', 'resourceGroup', 'storageAccountName'];
const MAPPING_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Blob: ['containerName', 'filePath', ...STORAGE],
  Container: ['containerName', ...STORAGE],
  BlobFolder: ['containerName', 'prefix', ...STORAGE],
  AdlsGen2File: ['fileSystem', 'filePath', ...STORAGE],
  AdlsGen2Folder: ['fileSystem', 'folderPath', ...STORAGE],
  AdlsGen2FileSystem: ['fileSystem', ...STORAGE],
  KustoCluster: ['kustoClusterResourceId'],
  KustoDatabase: ['kustoClusterResourceId'],
  KustoTable: ['kustoClusterResourceId'],
  SqlDBTable: ['databaseName', 'schemaName', 'tableName', 'sqlServerResourceId'],
  SqlDWTable: ['dataWarehouseName', 'schemaName', 'tableName', 'sqlServerResourceId'],
  SynapseWorkspaceSqlPoolTable: ['synapseWorkspaceSqlPoolTableResourceId'],
};

/** One snapshot run of a share subscription, as `listSynchronizations` returns it. */
interface SynchronizationRecord {
  synchronizationId: string;
  status: 'InProgress' | 'Completed' | 'Failed';
  startTime: string;
  endTime?: string;
  durationMs?: number;
  message?: string;
  synchronizationMode: string;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isIsoDateTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The schedule a scheduled trigger and a share's synchronization setting both carry (kind
 * ScheduleBased, recurrenceInterval Hour or Day, synchronizationTime), or the 400 naming the field.
 */
function scheduleOf(body: unknown, what: 'trigger' | 'synchronizationSetting'): { interval: 'Hour' | 'Day'; time: string; props: Record<string, unknown> } | SimResponse {
  if (!isRecord(body)) return invalid(what, "is required: { kind: 'ScheduleBased', properties: { recurrenceInterval, synchronizationTime } }.");
  if (body['kind'] !== 'ScheduleBased') return invalid('kind', `must be 'ScheduleBased', got ${JSON.stringify(body['kind'])}.`);
  const props = body['properties'];
  if (!isRecord(props)) return invalid('properties', 'is required: { recurrenceInterval, synchronizationTime }.');
  const interval = props['recurrenceInterval'];
  if (interval !== 'Hour' && interval !== 'Day') return invalid('properties.recurrenceInterval', `must be 'Hour' or 'Day', got ${JSON.stringify(interval)}.`);
  const time = props['synchronizationTime'];
  if (!isIsoDateTime(time)) return invalid('properties.synchronizationTime', `must be an ISO 8601 date-time, got ${JSON.stringify(time)}.`);
  return { interval, time, props };
}

function invalid(field: string, message: string): SimResponse {
  return badRequest(`The request content was invalid: '${field}' ${message}`, 'InvalidRequestContent');
}

export function dataShareRoutes(sim: Simulator): Route[] {
  // Per-resource state that is not an ARM property. Keyed by the stored record, so a reset of the
  // simulator (which re-seeds new records) forgets it with the resources.
  const history = new WeakMap<SimResource, SynchronizationRecord[]>();
  const deletions = new WeakMap<SimResource, string>();

  const route = (method: string, pattern: string, operation: string, resource: (p: Params) => string, handle: (ctx: RouteContext) => SimResponse): Route => ({
    method,
    pattern,
    operation: `${NS}/${operation}`,
    arm: true,
    apiVersions: DATA_SHARE_API_VERSIONS,
    resource,
    handle,
  });

  /** The injected failure an LRO of `operation` on `resourceId` ends with, if a rule fires. */
  const failureFor = (operation: string, resourceId: string): Failure | undefined => {
    const rule = sim.faults.match(operation, resourceId, true);
    return rule !== undefined && sim.faults.fires(rule) ? { code: rule.code, message: rule.message } : undefined;
  };

  /** Whether `r` is still the live record (not deleted, not replaced by a reset). */
  const live = (r: SimResource): boolean => sim.store.get(r.id) === r;

  /** The resource as Data Share returns it: proxy resources (everything below an account) carry no location. */
  const view = (r: SimResource): Record<string, unknown> => {
    const { created, ...rest } = r.properties;
    const kind = lastSegment(r.type);
    const properties: Record<string, unknown> = { ...rest };
    if (kind === 'invitations') {
      delete properties['provisioningState'];
    } else if (kind.toLowerCase() !== 'datasetmappings' && properties['createdAt'] === undefined && typeof created === 'string') {
      // Mappings have no createdAt in the spec; everything else the provider keeps does.
      properties['createdAt'] = created;
    }
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      ...(kind === 'accounts' ? { location: r.location } : {}),
      ...(r.kind !== undefined ? { kind: r.kind } : {}),
      ...(r.tags !== undefined ? { tags: r.tags } : {}),
      ...(r.identity !== undefined ? { identity: r.identity } : {}),
      ...(r.systemData !== undefined ? { systemData: r.systemData } : {}),
      properties,
    };
  };

  /** ARM's record of who wrote `r` and when: the caller, an application (the simulator's tokens are clients'). */
  const stamp = (r: SimResource, request: { caller: string; at: number }): SimResource => {
    const at = isoNow(request.at);
    const created = r.systemData ?? { createdBy: request.caller, createdByType: 'Application', createdAt: at };
    r.systemData = { ...created, lastModifiedBy: request.caller, lastModifiedByType: 'Application', lastModifiedAt: at };
    return r;
  };

  const find = (id: string, kind: string): SimResource | SimResponse => sim.store.get(id) ?? notFound(kind, id);
  const isResponse = (x: SimResource | SimResponse): x is SimResponse => 'status' in x;

  /** A list read: the parent's `children` as a page, or the parent's 404. */
  const listChildren = (parentId: string, parentKind: string, children: string): SimResponse => {
    const parent = find(parentId, parentKind);
    return isResponse(parent) ? parent : page(sim.store.children(parent.id, children).map(view));
  };
  /** A read of one child: the parent's 404 first, then the child's. */
  const getChild = (parentId: string, parentKind: string, id: string, kind: string): SimResponse => {
    const parent = find(parentId, parentKind);
    if (isResponse(parent)) return parent;
    const child = find(id, kind);
    return isResponse(child) ? child : ok(view(child));
  };

  /** userName/userEmail of whoever acts for an account: the account's owner as the estate names it. */
  const actor = (account: SimResource | undefined, caller: string): { userName: string; userEmail?: string } => {
    const name = account?.properties['userName'];
    const email = account?.properties['userEmail'];
    return { userName: typeof name === 'string' ? name : caller, ...(typeof email === 'string' ? { userEmail: email } : {}) };
  };

  const operationStatus = (opId: string, resourceId: string): SimResponse => {
    const op = sim.operations.get(opId);
    if (op === undefined || sim.key(op.resourceId) !== sim.key(resourceId)) {
      return armError(404, 'ResourceNotFound', `The operation '${opId}' was not found for '${resourceId}'.`);
    }
    return ok(sim.operations.statusBody(op));
  };

  /** Mappings that deliver data: the share subscription's dataSetMappings that are not Broken. */
  const workingMappings = (ss: SimResource): SimResource[] =>
    sim.store.children(ss.id, 'dataSetMappings').filter((m) => m.properties['dataSetMappingStatus'] !== 'Broken');

  /**
   * The share a share subscription receives from: the provider share holding the invitation the
   * consumer accepted (same invitationId), as the service links them. Undefined when none does.
   */
  const sourceShareOf = (ss: SimResource): SimResource | undefined => {
    const invitationId = ss.properties['invitationId'];
    if (typeof invitationId !== 'string') return undefined;
    const invitation = sim.store
      .ofType(`${NS}/accounts/shares/invitations`)
      .find((i) => typeof i.properties['invitationId'] === 'string' && i.properties['invitationId'].toLowerCase() === invitationId.toLowerCase());
    return invitation === undefined ? undefined : sim.store.get(invitation.id.replace(/\/invitations\/[^/]+$/i, ''));
  };

  /** The provider's snapshot schedules on the source share, as the consumer sees them. */
  const sourceSettings = (ss: SimResource): Array<Record<string, unknown>> => {
    const share = sourceShareOf(ss);
    if (share === undefined) return [];
    return sim.store.children(share.id, 'synchronizationSettings').map((s) => ({
      kind: s.kind ?? 'ScheduleBased',
      properties: { recurrenceInterval: s.properties['recurrenceInterval'], synchronizationTime: s.properties['synchronizationTime'] },
    }));
  };

  const unmapped = (ss: SimResource, what: string): SimResponse =>
    badRequest(`Share subscription '${ss.name}' has no dataset mapped to a target; map its datasets (dataSetMappings) before ${what}.`, 'BadRequest');

  // ── accounts ──────────────────────────────────────────────────────────────────────────────
  const accountRoutes: Route[] = [
    route('GET', `/subscriptions/{sub}/providers/${NS}/accounts`, 'accounts/read', (p) => `/subscriptions/${p['sub']}`, ({ params }) =>
      page(sim.store.ofType(`${NS}/accounts`, params['sub']).map(view)),
    ),
    route('GET', ACCOUNTS, 'accounts/read', (p) => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}`, ({ params }) => {
      const prefix = sim.key(`/subscriptions/${params['sub']}/resourceGroups/${params['rg']}/`);
      return page(sim.store.ofType(`${NS}/accounts`, params['sub']).filter((r) => sim.key(r.id).startsWith(prefix)).map(view));
    }),
    route('GET', DS, 'accounts/read', accountId, ({ params }) => {
      const account = find(accountId(params), 'account');
      return isResponse(account) ? account : ok(view(account));
    }),
    route('PUT', DS, 'accounts/write', accountId, ({ params, request }) => {
      const id = accountId(params);
      const body = request.body;
      if (!isRecord(body)) return invalid('account', 'is required: { location, identity: { type: SystemAssigned } }.');
      if (typeof body['location'] !== 'string' || body['location'].trim() === '') return invalid('location', 'is required.');
      const identity = body['identity'];
      if (!isRecord(identity)) return invalid('identity', "is required: a Data Share account needs { type: 'SystemAssigned' }.");
      if (identity['type'] !== 'SystemAssigned') return invalid('identity.type', `must be 'SystemAssigned', got ${JSON.stringify(identity['type'])}.`);
      const tags = body['tags'];
      if (tags !== undefined && (!isRecord(tags) || !Object.values(tags).every((v) => typeof v === 'string'))) return invalid('tags', 'must map names to strings.');
      const location = body['location'].toLowerCase().replace(/\s+/g, '');
      const existing = sim.store.get(id);
      if (existing !== undefined) {
        if (existing.location !== location) {
          return conflict(`The resource '${existing.name}' already exists in location '${existing.location}'. A resource with the same name cannot be created in location '${location}'.`, 'InvalidResourceLocation');
        }
        if (tags !== undefined) existing.tags = { ...(tags as Record<string, string>) };
        return ok(view(stamp(existing, request)));
      }
      // A new account has no region in the store yet, so the front door cannot see that its
      // region is down: Azure cannot create it there either.
      if (sim.faults.outage(location) !== undefined) {
        return armError(503, 'ServiceUnavailable', `The service is unavailable in region '${location}' (simulated outage).`);
      }
      const account: SimResource = {
        id,
        name: params['account']!,
        type: `${NS}/accounts`,
        location,
        identity: { type: 'SystemAssigned', principalId: randomUUID() },
        ...(tags !== undefined ? { tags: { ...(tags as Record<string, string>) } } : {}),
        properties: { provisioningState: 'Creating', createdAt: isoNow(request.at), userName: request.caller },
      };
      sim.store.put(stamp(account, request));
      const failWith = failureFor(`${NS}/accounts/write`, id);
      sim.operations.begin({
        operation: `${NS}/accounts/write`,
        resourceId: id,
        durationMs: latencyOf(`${NS}/accounts/write`),
        ...(failWith !== undefined ? { failWith } : {}),
        complete: () => {
          if (live(account)) account.properties['provisioningState'] = 'Succeeded';
          return view(account);
        },
        fail: () => {
          if (!live(account)) return;
          account.properties['provisioningState'] = 'Failed';
        },
      });
      return ok(view(account), 201);
    }),
  ];

  // ── shares and invitations (provider side) ──────────────────────────────────────────────────
  const shareRoutes: Route[] = [
    route('GET', `${DS}/shares`, 'shares/read', accountId, ({ params }) => listChildren(accountId(params), 'account', 'shares')),
    route('GET', `${DS}/shares/{share}`, 'shares/read', shareId, ({ params }) => getChild(accountId(params), 'account', shareId(params), 'share')),
    route('PUT', `${DS}/shares/{share}`, 'shares/write', shareId, ({ params, request }) => {
      const account = find(accountId(params), 'account');
      if (isResponse(account)) return account;
      const body = request.body ?? {};
      if (!isRecord(body)) return invalid('share', 'must be an object.');
      const props = body['properties'] ?? {};
      if (!isRecord(props)) return invalid('properties', 'must be an object.');
      const shareKind = props['shareKind'];
      if (shareKind !== undefined && shareKind !== 'CopyBased' && shareKind !== 'InPlace') {
        return invalid('properties.shareKind', `must be 'CopyBased' or 'InPlace', got ${JSON.stringify(shareKind)}.`);
      }
      for (const field of ['description', 'terms'] as const) {
        if (props[field] !== undefined && typeof props[field] !== 'string') return invalid(`properties.${field}`, 'must be a string.');
      }
      const writable = {
        ...(shareKind !== undefined ? { shareKind } : {}),
        ...(props['description'] !== undefined ? { description: props['description'] } : {}),
        ...(props['terms'] !== undefined ? { terms: props['terms'] } : {}),
      };
      const existing = sim.store.get(shareId(params));
      if (existing !== undefined) {
        Object.assign(existing.properties, writable);
        return ok(view(stamp(existing, request)));
      }
      const share = sim.store.put(stamp({
        id: shareId(params),
        name: params['share']!,
        type: `${NS}/accounts/shares`,
        location: account.location,
        properties: { shareKind: 'CopyBased', ...writable, provisioningState: 'Succeeded', createdAt: isoNow(request.at), ...actor(account, request.caller) },
      }, request));
      return ok(view(share), 201);
    }),
    route('GET', `${DS}/shares/{share}/synchronizationSettings`, 'synchronizationSettings/read', shareId, ({ params }) => listChildren(shareId(params), 'share', 'synchronizationSettings')),
    route('GET', SYNC_SETTING, 'synchronizationSettings/read', settingId, ({ params }) => getChild(shareId(params), 'share', settingId(params), 'synchronization setting')),
    route('PUT', SYNC_SETTING, 'synchronizationSettings/write', settingId, ({ params, request }) => {
      const share = find(shareId(params), 'share');
      if (isResponse(share)) return share;
      const schedule = scheduleOf(request.body, 'synchronizationSetting');
      if ('status' in schedule) return schedule;
      const { interval, time } = schedule;
      const existing = sim.store.get(settingId(params));
      if (existing !== undefined) {
        Object.assign(existing.properties, { recurrenceInterval: interval, synchronizationTime: time });
        return ok(view(stamp(existing, request)));
      }
      const account = sim.store.get(accountId(params));
      const setting = sim.store.put(stamp({
        id: settingId(params),
        name: params['setting']!,
        type: `${NS}/accounts/shares/synchronizationSettings`,
        location: share.location,
        kind: 'ScheduleBased',
        properties: { recurrenceInterval: interval, synchronizationTime: time, provisioningState: 'Succeeded', createdAt: isoNow(request.at), userName: actor(account, request.caller).userName },
      }, request));
      return ok(view(setting), 201);
    }),
    route('GET', `${DS}/shares/{share}/invitations`, 'invitations/read', shareId, ({ params }) => listChildren(shareId(params), 'share', 'invitations')),
    route('GET', `${DS}/shares/{share}/invitations/{invitation}`, 'invitations/read', invitationId, ({ params }) => getChild(shareId(params), 'share', invitationId(params), 'invitation')),
    route('PUT', `${DS}/shares/{share}/invitations/{invitation}`, 'invitations/write', invitationId, ({ params, request }) => {
      const share = find(shareId(params), 'share');
      if (isResponse(share)) return share;
      const body = request.body;
      if (!isRecord(body) || !isRecord(body['properties'])) return invalid('properties', 'is required: { targetEmail } or { targetActiveDirectoryId, targetObjectId }.');
      const props = body['properties'];
      const email = props['targetEmail'];
      const tenant = props['targetActiveDirectoryId'];
      const object = props['targetObjectId'];
      let target: Record<string, string>;
      if (email !== undefined) {
        if (typeof email !== 'string' || !EMAIL.test(email)) return invalid('properties.targetEmail', `must be an email address, got ${JSON.stringify(email)}.`);
        target = { targetEmail: email };
      } else if (tenant !== undefined || object !== undefined) {
        if (typeof tenant !== 'string' || tenant === '') return invalid('properties.targetActiveDirectoryId', 'is required with targetObjectId.');
        if (typeof object !== 'string' || object === '') return invalid('properties.targetObjectId', 'is required with targetActiveDirectoryId.');
        target = { targetActiveDirectoryId: tenant, targetObjectId: object };
      } else {
        return invalid('properties.targetEmail', 'is required (or targetActiveDirectoryId and targetObjectId).');
      }
      const expiration = props['expirationDate'];
      if (expiration !== undefined) {
        if (!isIsoDateTime(expiration)) return invalid('properties.expirationDate', `must be an ISO 8601 date-time, got ${JSON.stringify(expiration)}.`);
        if (Date.parse(expiration) <= request.at) return invalid('properties.expirationDate', 'must be in the future.');
      }
      const sameTarget = (r: SimResource): boolean =>
        target['targetEmail'] !== undefined
          ? typeof r.properties['targetEmail'] === 'string' && r.properties['targetEmail'].toLowerCase() === target['targetEmail'].toLowerCase()
          : r.properties['targetObjectId'] === target['targetObjectId'] && r.properties['targetActiveDirectoryId'] === target['targetActiveDirectoryId'];
      const existing = sim.store.get(invitationId(params));
      if (existing !== undefined) {
        return sameTarget(existing)
          ? ok(view(existing))
          : conflict(`Invitation '${existing.name}' already exists for another recipient; invitations cannot be changed. Use a new invitation name.`);
      }
      const open = sim.store
        .children(share.id, 'invitations')
        .find((r) => sameTarget(r) && (r.properties['invitationStatus'] === 'Pending' || r.properties['invitationStatus'] === 'Accepted'));
      if (open !== undefined) {
        const who = target['targetEmail'] ?? target['targetObjectId'];
        return conflict(`An invitation for '${who}' already exists on share '${share.name}' (invitation '${open.name}', ${String(open.properties['invitationStatus'])}).`, 'InvitationAlreadyExists');
      }
      const account = sim.store.get(accountId(params));
      const invitation = sim.store.put(stamp({
        id: invitationId(params),
        name: params['invitation']!,
        type: `${NS}/accounts/shares/invitations`,
        location: share.location,
        properties: {
          ...target,
          ...(expiration !== undefined ? { expirationDate: expiration } : {}),
          invitationId: randomUUID(),
          invitationStatus: 'Pending',
          sentAt: isoNow(request.at),
          ...actor(account, request.caller),
        },
      }, request));
      return ok(view(invitation), 201);
    }),
  ];

  // ── share subscriptions, synchronizations and triggers (consumer side) ──────────────────────
  const subscriptionRoutes: Route[] = [
    route('GET', `${DS}/shareSubscriptions`, 'shareSubscriptions/read', accountId, ({ params }) => listChildren(accountId(params), 'account', 'shareSubscriptions')),
    route('GET', SS, 'shareSubscriptions/read', shareSubscriptionId, ({ params }) => getChild(accountId(params), 'account', shareSubscriptionId(params), 'share subscription')),
    route('POST', `${SS}/synchronize`, 'shareSubscriptions/synchronize', shareSubscriptionId, ({ params, request }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      if (isResponse(ss)) return ss;
      const status = ss.properties['shareSubscriptionStatus'];
      if (status !== 'Active') {
        return conflict(`Share subscription '${ss.name}' is ${String(status)}; only an Active share subscription can be synchronized.`, 'InvalidResourceState');
      }
      const body = request.body ?? {};
      if (!isRecord(body)) return invalid('synchronize', 'must be an object.');
      const mode = body['synchronizationMode'] ?? 'Incremental';
      if (mode !== 'Incremental' && mode !== 'FullSync') return invalid('synchronizationMode', `must be 'Incremental' or 'FullSync', got ${JSON.stringify(mode)}.`);
      if (workingMappings(ss).length === 0) return unmapped(ss, 'synchronizing');
      const record: SynchronizationRecord = { synchronizationId: randomUUID(), status: 'InProgress', startTime: isoNow(request.at), synchronizationMode: mode };
      const runs = history.get(ss) ?? [];
      runs.unshift(record);
      history.set(ss, runs);
      const finish = (outcome: 'Completed' | 'Failed', message?: string): void => {
        const end = sim.clock.now();
        record.status = outcome;
        record.endTime = isoNow(end);
        record.durationMs = Math.max(0, Math.round(end - request.at));
        if (message !== undefined) record.message = message;
      };
      const failWith = failureFor(`${NS}/shareSubscriptions/synchronize`, ss.id);
      const op = sim.operations.begin({
        operation: `${NS}/shareSubscriptions/synchronize`,
        resourceId: ss.id,
        durationMs: latencyOf(`${NS}/shareSubscriptions/synchronize`),
        ...(failWith !== undefined ? { failWith } : {}),
        complete: () => finish('Completed'),
        fail: () => finish('Failed', failWith !== undefined ? `${failWith.code}: ${failWith.message}` : undefined),
      });
      const base = request.path.replace(/\/synchronize$/i, '');
      return ok({ status: 'Accepted', synchronizationId: record.synchronizationId, startTime: record.startTime }, 202, {
        'Azure-AsyncOperation': sim.url(`${base}/operationResults/${op.id}?api-version=${API_VERSION}`),
      });
    }),
    route('GET', `${SS}/operationResults/{operationId}`, 'operationResults/read', shareSubscriptionId, ({ params }) =>
      operationStatus(params['operationId']!, shareSubscriptionId(params)),
    ),
    route('POST', `${SS}/listSynchronizations`, 'shareSubscriptions/listSynchronizations', shareSubscriptionId, ({ params }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      return isResponse(ss) ? ss : page((history.get(ss) ?? []).map((r) => ({ ...r })));
    }),
    route('POST', `${SS}/listSourceShareSynchronizationSettings`, 'shareSubscriptions/listSourceShareSynchronizationSettings', shareSubscriptionId, ({ params }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      return isResponse(ss) ? ss : page(sourceSettings(ss));
    }),
    route('GET', `${SS}/dataSetMappings`, 'dataSetMappings/read', shareSubscriptionId, ({ params }) => listChildren(shareSubscriptionId(params), 'share subscription', 'dataSetMappings')),
    route('GET', MAPPING, 'dataSetMappings/read', mappingId, ({ params }) => getChild(shareSubscriptionId(params), 'share subscription', mappingId(params), 'data set mapping')),
    route('PUT', MAPPING, 'dataSetMappings/write', mappingId, ({ params, request }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      if (isResponse(ss)) return ss;
      const body = request.body;
      if (!isRecord(body)) return invalid('dataSetMapping', 'is required: { kind, properties: { dataSetId, … } }.');
      const kind = body['kind'];
      const fields = typeof kind === 'string' ? MAPPING_FIELDS[kind] : undefined;
      if (fields === undefined) return invalid('kind', `must be one of ${Object.keys(MAPPING_FIELDS).join(', ')}, got ${JSON.stringify(kind)}.`);
      const props = body['properties'];
      if (!isRecord(props)) return invalid('properties', 'is required: { dataSetId, … }.');
      for (const field of ['dataSetId', ...fields]) {
        if (typeof props[field] !== 'string' || props[field] === '') return invalid(`properties.${field}`, `is required for a ${kind} mapping.`);
      }
      // The read-only fields are the service's.
      const { dataSetMappingStatus: _status, provisioningState: _state, ...writable } = props;
      const existing = sim.store.get(mappingId(params));
      const mapping = sim.store.put(stamp({
        id: mappingId(params),
        name: params['mapping']!,
        type: `${NS}/accounts/shareSubscriptions/dataSetMappings`,
        location: ss.location,
        kind: kind as string,
        properties: { ...writable, dataSetMappingStatus: 'Ok', provisioningState: 'Succeeded' },
        ...(existing?.systemData !== undefined ? { systemData: existing.systemData } : {}),
      }, request));
      return ok(view(mapping), existing !== undefined ? 200 : 201);
    }),
    route('GET', `${SS}/triggers`, 'triggers/read', shareSubscriptionId, ({ params }) => listChildren(shareSubscriptionId(params), 'share subscription', 'triggers')),
    route('GET', TRIGGER, 'triggers/read', triggerId, ({ params }) => getChild(shareSubscriptionId(params), 'share subscription', triggerId(params), 'trigger')),
    route('PUT', TRIGGER, 'triggers/write', triggerId, ({ params, request }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      if (isResponse(ss)) return ss;
      const schedule = scheduleOf(request.body, 'trigger');
      if ('status' in schedule) return schedule;
      const { interval, time, props } = schedule;
      const mode = props['synchronizationMode'];
      if (mode !== undefined && mode !== 'Incremental' && mode !== 'FullSync') {
        return invalid('properties.synchronizationMode', `must be 'Incremental' or 'FullSync', got ${JSON.stringify(mode)}.`);
      }
      const writable = { recurrenceInterval: interval, synchronizationTime: time, synchronizationMode: mode ?? 'Incremental' };
      const id = triggerId(params);
      const existing = sim.store.get(id);
      const state = existing?.properties['provisioningState'];
      if (existing !== undefined && state === 'Deleting') {
        return conflict(`Trigger '${existing.name}' is being deleted; try again when the deletion completes.`, 'InvalidResourceState');
      }
      if (existing !== undefined && state === 'Creating') return ok(view(existing));
      if (existing !== undefined && state !== 'Failed') {
        Object.assign(existing.properties, writable);
        return ok(view(stamp(existing, request)));
      }
      if (existing === undefined) {
        const other = sim.store.children(ss.id, 'triggers')[0];
        if (other !== undefined) {
          return conflict(`Share subscription '${ss.name}' already has a trigger ('${other.name}'); a share subscription runs one snapshot schedule. Delete it first, or update it.`, 'Conflict');
        }
      }
      if (workingMappings(ss).length === 0) return unmapped(ss, 'scheduling snapshots');
      if (sourceSettings(ss).length === 0) {
        return badRequest(`The source share of share subscription '${ss.name}' has no synchronization setting: the provider has not created a snapshot schedule to enable.`, 'BadRequest');
      }
      const account = sim.store.get(accountId(params));
      const trigger: SimResource = existing ?? {
        id,
        name: params['trigger']!,
        type: `${NS}/accounts/shareSubscriptions/triggers`,
        location: ss.location,
        kind: 'ScheduleBased',
        properties: {},
      };
      trigger.properties = { ...writable, provisioningState: 'Creating', triggerStatus: 'Active', createdAt: isoNow(request.at), userName: actor(account, request.caller).userName };
      sim.store.put(stamp(trigger, request));
      const failWith = failureFor(`${NS}/triggers/write`, id);
      sim.operations.begin({
        operation: `${NS}/triggers/write`,
        resourceId: id,
        durationMs: latencyOf(`${NS}/triggers/write`),
        ...(failWith !== undefined ? { failWith } : {}),
        complete: () => {
          if (live(trigger) && trigger.properties['provisioningState'] === 'Creating') trigger.properties['provisioningState'] = 'Succeeded';
          return view(trigger);
        },
        fail: () => {
          if (!live(trigger) || trigger.properties['provisioningState'] !== 'Creating') return;
          trigger.properties['provisioningState'] = 'Failed';
        },
      });
      return ok(view(trigger), existing !== undefined ? 200 : 201);
    }),
    route('DELETE', TRIGGER, 'triggers/delete', triggerId, ({ params, request }) => {
      const ss = find(shareSubscriptionId(params), 'share subscription');
      if (isResponse(ss)) return ss;
      const trigger = sim.store.get(triggerId(params));
      if (trigger === undefined) return { status: 204 };
      const statusUrl = (opId: string): Record<string, string> => ({
        'Azure-AsyncOperation': sim.url(`${request.path}/operationResults/${opId}?api-version=${API_VERSION}`),
      });
      // A delete already under way: point the caller at the same operation (retries are safe).
      const running = deletions.get(trigger);
      if (running !== undefined && sim.operations.get(running)?.status === 'InProgress') return { status: 202, headers: statusUrl(running) };
      const before = trigger.properties['provisioningState'];
      trigger.properties['provisioningState'] = 'Deleting';
      const failWith = failureFor(`${NS}/triggers/delete`, trigger.id);
      const op = sim.operations.begin({
        operation: `${NS}/triggers/delete`,
        resourceId: trigger.id,
        durationMs: latencyOf(`${NS}/triggers/delete`),
        ...(failWith !== undefined ? { failWith } : {}),
        complete: () => {
          if (live(trigger)) sim.store.delete(trigger.id);
          return undefined;
        },
        fail: () => {
          // The trigger survives a failed delete, in the state it had.
          if (live(trigger)) trigger.properties['provisioningState'] = before === 'Creating' ? 'Succeeded' : before;
        },
      });
      deletions.set(trigger, op.id);
      return { status: 202, headers: statusUrl(op.id) };
    }),
    route('GET', `${TRIGGER}/operationResults/{operationId}`, 'operationResults/read', triggerId, ({ params }) =>
      operationStatus(params['operationId']!, triggerId(params)),
    ),
  ];

  return [...accountRoutes, ...shareRoutes, ...subscriptionRoutes];
}
