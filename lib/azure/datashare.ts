/**
 * The app's Azure Data Share client (Microsoft.DataShare, api-version 2021-08-01).
 *
 * Why hand-written: no Data Share SDK exists for JavaScript on npm (the track-1
 * `@azure/arm-datashare` was never released), so this is a small typed client over the app's
 * JSON client (lib/azure/json-client.ts), which runs on core-client's ServiceClient. Going through
 * ServiceClient rather than `fetch` gives it the very pipeline the generated SDKs run: bearer tokens for the ARM scope, retries that honour
 * Retry-After on 429/503, exponential backoff on 5xx, per-client TLS trust for the simulator.
 * Long-running operations use core-lro's `createHttpPoller`, the engine behind every generated
 * `begin…AndWait`, so they poll, fail and honour abort signals exactly as the SDKs do.
 *
 * Errors look like the SDKs' errors, so callers handle every Azure client the same way:
 * - a non-2xx answer throws `RestError` with `statusCode`, and `code`/`message` from ARM's
 *   `{ error: { code, message } }` body;
 * - a long-running operation that ends Failed throws a plain `Error` whose message is
 *   `The long-running operation has failed. <code>. <message>`.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClientOptions } from '@azure/core-client';
import { createHttpPoller, type LongRunningOperation, type LroResponse, type OperationState } from '@azure/core-lro';

import { setTimeout as sleep } from 'node:timers/promises';
import { retryAfterMs } from '../http/retry-after.js';
import { JsonServiceClient, type AbortSignalLike, type JsonAnswer } from './json-client.js';
import { ARM_SCOPE } from './scopes.js';

export const DATA_SHARE_API_VERSION = '2021-08-01';

/** The generated SDKs poll every 2 s unless told otherwise; so does this client. */
export const DEFAULT_POLL_INTERVAL_MS = 2000;

const PUBLIC_ARM_ENDPOINT = 'https://management.azure.com';

export type { AbortSignalLike } from './json-client.js';

/** What every core-client based client takes: endpoint, scope, TLS trust, retries (see `armOptions()`). */
export type DataShareClientOptions = Omit<ServiceClientOptions, 'credential' | 'baseUri'>;

export interface RequestOptions {
  abortSignal?: AbortSignalLike;
}

export interface LroOptions extends RequestOptions {
  /** Milliseconds between polls; default 2000 like the SDKs (tests use ~10). */
  pollIntervalMs?: number;
}

// ── models (the wire shapes of api-version 2021-08-01; read-only fields optional) ──────────────

export type ProvisioningState = 'Succeeded' | 'Creating' | 'Deleting' | 'Moving' | 'Failed';

export interface SystemData {
  createdAt?: string;
  createdBy?: string;
  createdByType?: string;
  lastModifiedAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
}

/** Fields every Data Share resource has; everything below an account is a proxy resource without location. */
export interface DataShareResource {
  id: string;
  name: string;
  type: string;
  systemData?: SystemData;
}

export interface Account extends DataShareResource {
  location: string;
  identity: { type: 'SystemAssigned'; principalId?: string; tenantId?: string };
  tags?: Record<string, string>;
  properties: {
    provisioningState?: ProvisioningState;
    createdAt?: string;
    userName?: string;
    userEmail?: string;
  };
}

export type ShareKind = 'CopyBased' | 'InPlace';

export interface ShareProperties {
  shareKind?: ShareKind;
  description?: string;
  terms?: string;
}

export interface Share extends DataShareResource {
  properties: ShareProperties & {
    provisioningState?: ProvisioningState;
    createdAt?: string;
    userName?: string;
    userEmail?: string;
  };
}

/** Who an invitation goes to: an email address, or an Entra tenant and object. */
export type InvitationTarget = { targetEmail: string } | { targetActiveDirectoryId: string; targetObjectId: string };

export type InvitationStatus = 'Pending' | 'Accepted' | 'Rejected' | 'Withdrawn';

export interface Invitation extends DataShareResource {
  properties: {
    targetEmail?: string;
    targetActiveDirectoryId?: string;
    targetObjectId?: string;
    expirationDate?: string;
    invitationId: string;
    invitationStatus: InvitationStatus;
    sentAt: string;
    respondedAt?: string | null;
    userName?: string;
    userEmail?: string;
  };
}

export type ShareSubscriptionStatus = 'Active' | 'Revoked' | 'SourceDeleted' | 'Revoking';

export interface ShareSubscription extends DataShareResource {
  properties: {
    shareSubscriptionStatus: ShareSubscriptionStatus;
    invitationId: string;
    sourceShareLocation: string;
    shareName?: string;
    shareKind?: ShareKind;
    shareDescription?: string;
    shareTerms?: string;
    provisioningState?: ProvisioningState;
    providerName?: string;
    providerEmail?: string;
    providerTenantName?: string;
    expirationDate?: string;
    createdAt?: string;
    userName?: string;
    userEmail?: string;
  };
}

export type SynchronizationMode = 'Incremental' | 'FullSync';

/** One snapshot run of a share subscription. */
export interface Synchronization {
  synchronizationId: string;
  /**
   * A free string in the spec ("Raw Status"); its examples give `Completed` for a finished run,
   * `Queued` and `Cancelled`; runs in flight read `InProgress`. See `snapshotCompleted`.
   */
  status: string;
  startTime?: string;
  endTime?: string;
  durationMs?: number;
  message?: string;
  synchronizationMode?: SynchronizationMode;
}

/**
 * The statuses of a snapshot run that finished delivering its data. The spec's examples say
 * `Completed`; `Succeeded` (the long-running operation's word) is accepted too, since the field
 * is a free string and a run reported either way has delivered.
 */
const COMPLETED_SNAPSHOT_STATUSES = new Set(['completed', 'succeeded']);

/** Whether a snapshot run (a `listSynchronizations` entry) finished delivering its data. */
export function snapshotCompleted(run: Pick<Synchronization, 'status'>): boolean {
  return COMPLETED_SNAPSHOT_STATUSES.has(run.status.toLowerCase());
}

/**
 * Where a share subscription receives one of the source share's datasets. `kind` picks the
 * target store (`Blob`, `Container`, `AdlsGen2Folder`, `SqlDBTable`, …); without a mapping a
 * dataset is not delivered, and with none at all no snapshot can run.
 */
export interface DataSetMapping extends DataShareResource {
  kind: string;
  properties: {
    dataSetId: string;
    dataSetMappingStatus?: 'Ok' | 'Broken';
    provisioningState?: ProvisioningState;
    [target: string]: unknown;
  };
}

/** The provider's snapshot schedule on the source share, as the consumer reads it. */
export interface SourceShareSynchronizationSetting {
  kind: 'ScheduleBased';
  properties?: { recurrenceInterval?: 'Hour' | 'Day'; synchronizationTime?: string };
}

/**
 * A snapshot schedule. The discriminator on the wire is `kind: 'ScheduleBased'` (the spec's
 * model is named ScheduledTrigger); `triggerStatus`, `provisioningState`, `createdAt` and
 * `userName` are read-only and not sent.
 */
export interface ScheduledTrigger {
  id?: string;
  name?: string;
  type?: string;
  kind: 'ScheduleBased';
  properties: {
    recurrenceInterval: 'Hour' | 'Day';
    /** ISO 8601: the time of day (and first day) snapshots run. */
    synchronizationTime: string;
    synchronizationMode?: SynchronizationMode;
    triggerStatus?: 'Active' | 'Inactive' | 'SourceSynchronizationSettingDeleted';
    provisioningState?: ProvisioningState;
    createdAt?: string;
    userName?: string;
  };
}

/** The status of a long-running operation (Data Share's OperationResponse). */
export interface OperationResult {
  status: 'Accepted' | 'InProgress' | 'TransientFailure' | 'Succeeded' | 'Failed' | 'Canceled';
  startTime?: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** For synchronize: the run's id from the first answer, to find it in `listSynchronizations`. */
  synchronizationId?: string;
}

interface ListPage<T> {
  value?: T[];
  nextLink?: string | null;
}

export class DataShareClient extends JsonServiceClient {
  constructor(
    credential: TokenCredential,
    readonly subscriptionId: string,
    options: DataShareClientOptions = {},
  ) {
    // ARM's scope whatever the endpoint: a simulator endpoint must not change the token audience.
    super({ credential, scope: options.credentialScopes?.[0] ?? ARM_SCOPE }, (options.endpoint ?? PUBLIC_ARM_ENDPOINT).replace(/\/+$/, ''), options);
  }

  // ── accounts ──────────────────────────────────────────────────────────────────────────────

  getAccount(resourceGroup: string, account: string, options: RequestOptions = {}): Promise<Account> {
    return this.get<Account>(this.accountPath(resourceGroup, account), options);
  }

  /** Accounts in a resource group, or in the whole subscription when none is given. */
  listAccounts(resourceGroup?: string, options: RequestOptions = {}): Promise<Account[]> {
    const path =
      resourceGroup !== undefined
        ? `/subscriptions/${enc(this.subscriptionId)}/resourceGroups/${enc(resourceGroup)}/providers/Microsoft.DataShare/accounts`
        : `/subscriptions/${enc(this.subscriptionId)}/providers/Microsoft.DataShare/accounts`;
    return this.list<Account>('GET', path, options);
  }

  // ── shares and invitations (provider side) ──────────────────────────────────────────────────

  getShare(resourceGroup: string, account: string, share: string, options: RequestOptions = {}): Promise<Share> {
    return this.get<Share>(this.sharePath(resourceGroup, account, share), options);
  }

  listShares(resourceGroup: string, account: string, options: RequestOptions = {}): Promise<Share[]> {
    return this.list<Share>('GET', `${this.accountPath(resourceGroup, account)}/shares`, options);
  }

  /** Creates or updates a share (not long-running: 201 created, 200 updated). */
  async createShare(resourceGroup: string, account: string, share: string, properties: ShareProperties = {}, options: RequestOptions = {}): Promise<Share> {
    const answer = await this.send('PUT', this.url(this.sharePath(resourceGroup, account, share)), { properties }, options.abortSignal);
    return answer.body as Share;
  }

  /**
   * Invites a consumer to a share. The service refuses (409) a second open invitation for the
   * same recipient on one share, so a retry should reuse the invitation name: the same name and
   * recipient answers the existing invitation.
   */
  async createInvitation(
    resourceGroup: string,
    account: string,
    share: string,
    invitation: string,
    target: InvitationTarget,
    extra: { expirationDate?: string | Date } = {},
    options: RequestOptions = {},
  ): Promise<Invitation> {
    const expirationDate = extra.expirationDate instanceof Date ? extra.expirationDate.toISOString() : extra.expirationDate;
    const body = { properties: { ...target, ...(expirationDate !== undefined ? { expirationDate } : {}) } };
    const answer = await this.send('PUT', this.url(this.invitationPath(resourceGroup, account, share, invitation)), body, options.abortSignal);
    return answer.body as Invitation;
  }

  getInvitation(resourceGroup: string, account: string, share: string, invitation: string, options: RequestOptions = {}): Promise<Invitation> {
    return this.get<Invitation>(this.invitationPath(resourceGroup, account, share, invitation), options);
  }

  listInvitations(resourceGroup: string, account: string, share: string, options: RequestOptions = {}): Promise<Invitation[]> {
    return this.list<Invitation>('GET', `${this.sharePath(resourceGroup, account, share)}/invitations`, options);
  }

  // ── share subscriptions (consumer side) ─────────────────────────────────────────────────────

  getShareSubscription(resourceGroup: string, account: string, shareSubscription: string, options: RequestOptions = {}): Promise<ShareSubscription> {
    return this.get<ShareSubscription>(this.shareSubscriptionPath(resourceGroup, account, shareSubscription), options);
  }

  listShareSubscriptions(resourceGroup: string, account: string, options: RequestOptions = {}): Promise<ShareSubscription[]> {
    return this.list<ShareSubscription>('GET', `${this.accountPath(resourceGroup, account)}/shareSubscriptions`, options);
  }

  /**
   * Takes a snapshot now and waits for it. Resolves to the operation's final status, with the
   * run's `synchronizationId` (from the first answer) so it can be found in `listSynchronizations`.
   */
  async synchronize(
    resourceGroup: string,
    account: string,
    shareSubscription: string,
    mode: SynchronizationMode = 'Incremental',
    options: LroOptions = {},
  ): Promise<OperationResult> {
    const path = `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/synchronize`;
    const { result, initial } = await this.longRunning('POST', path, { synchronizationMode: mode }, options);
    const synchronizationId = (initial as { synchronizationId?: unknown } | undefined)?.synchronizationId;
    return {
      ...((result ?? { status: 'Succeeded' }) as OperationResult),
      ...(typeof synchronizationId === 'string' ? { synchronizationId } : {}),
    };
  }

  /** Snapshot runs of a share subscription (a POST, as the API defines it), newest first. */
  listSynchronizations(resourceGroup: string, account: string, shareSubscription: string, options: RequestOptions = {}): Promise<Synchronization[]> {
    return this.list<Synchronization>('POST', `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/listSynchronizations`, options);
  }

  /** Where the share subscription's datasets are delivered (an empty list: nothing is mapped). */
  listDataSetMappings(resourceGroup: string, account: string, shareSubscription: string, options: RequestOptions = {}): Promise<DataSetMapping[]> {
    return this.list<DataSetMapping>('GET', `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/dataSetMappings`, options);
  }

  /** The provider's snapshot schedules on the source share (a POST, as the API defines it); empty when the provider set none. */
  listSourceShareSynchronizationSettings(resourceGroup: string, account: string, shareSubscription: string, options: RequestOptions = {}): Promise<SourceShareSynchronizationSetting[]> {
    return this.list<SourceShareSynchronizationSetting>('POST', `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/listSourceShareSynchronizationSettings`, options);
  }

  // ── triggers (the consumer's snapshot schedule) ─────────────────────────────────────────────

  /** Creates (or updates) a snapshot schedule and waits until it is provisioned. */
  async createTrigger(
    resourceGroup: string,
    account: string,
    shareSubscription: string,
    trigger: string,
    definition: ScheduledTrigger,
    options: LroOptions = {},
  ): Promise<ScheduledTrigger> {
    const { recurrenceInterval, synchronizationTime, synchronizationMode } = definition.properties;
    // Only the writable fields: the read-only ones (triggerStatus, provisioningState…) are the service's.
    const body = {
      kind: definition.kind,
      properties: { recurrenceInterval, synchronizationTime, ...(synchronizationMode !== undefined ? { synchronizationMode } : {}) },
    };
    const { result } = await this.longRunning('PUT', this.triggerPath(resourceGroup, account, shareSubscription, trigger), body, options);
    return result as ScheduledTrigger;
  }

  getTrigger(resourceGroup: string, account: string, shareSubscription: string, trigger: string, options: RequestOptions = {}): Promise<ScheduledTrigger> {
    return this.get<ScheduledTrigger>(this.triggerPath(resourceGroup, account, shareSubscription, trigger), options);
  }

  listTriggers(resourceGroup: string, account: string, shareSubscription: string, options: RequestOptions = {}): Promise<ScheduledTrigger[]> {
    return this.list<ScheduledTrigger>('GET', `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/triggers`, options);
  }

  /** Deletes a snapshot schedule and waits until it is gone (a trigger that does not exist is no error). */
  async deleteTrigger(resourceGroup: string, account: string, shareSubscription: string, trigger: string, options: LroOptions = {}): Promise<void> {
    await this.longRunning('DELETE', this.triggerPath(resourceGroup, account, shareSubscription, trigger), undefined, options);
  }

  // ── plumbing ────────────────────────────────────────────────────────────────────────────────

  private accountPath(resourceGroup: string, account: string): string {
    return `/subscriptions/${enc(this.subscriptionId)}/resourceGroups/${enc(resourceGroup)}/providers/Microsoft.DataShare/accounts/${enc(account)}`;
  }

  private sharePath(resourceGroup: string, account: string, share: string): string {
    return `${this.accountPath(resourceGroup, account)}/shares/${enc(share)}`;
  }

  private invitationPath(resourceGroup: string, account: string, share: string, invitation: string): string {
    return `${this.sharePath(resourceGroup, account, share)}/invitations/${enc(invitation)}`;
  }

  private shareSubscriptionPath(resourceGroup: string, account: string, shareSubscription: string): string {
    return `${this.accountPath(resourceGroup, account)}/shareSubscriptions/${enc(shareSubscription)}`;
  }

  private triggerPath(resourceGroup: string, account: string, shareSubscription: string, trigger: string): string {
    return `${this.shareSubscriptionPath(resourceGroup, account, shareSubscription)}/triggers/${enc(trigger)}`;
  }

  /** An absolute URL with the api-version; absolute URLs (nextLink, poll URLs) are used as given. */
  protected override url(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    return `${this.endpoint}${pathOrUrl}?api-version=${DATA_SHARE_API_VERSION}`;
  }

  private async get<T>(path: string, options: RequestOptions): Promise<T> {
    return (await this.send('GET', this.url(path), undefined, options.abortSignal)).body as T;
  }

  /** Every page of a list: Data Share pages with `nextLink`, requested with the list's own method. */
  private async list<T>(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: string | undefined = this.url(path);
    while (next !== undefined && !seen.has(next)) {
      seen.add(next);
      const page = (await this.send(method, next, undefined, options.abortSignal)).body as ListPage<T> | undefined;
      items.push(...(page?.value ?? []));
      next = typeof page?.nextLink === 'string' && page.nextLink !== '' ? page.nextLink : undefined;
    }
    return items;
  }

  /**
   * Runs a long-running operation to the end with core-lro. `resourceLocationConfig: 'location'`
   * is the spec's `final-state-via`: with no Location header (Data Share sends only
   * Azure-AsyncOperation) the result is the last status body; a PUT without either header is
   * polled on its own URL until `properties.provisioningState` is terminal.
   *
   * Unlike core-lro's own loop, it waits before the first status read (an operation is never done
   * the moment it is accepted, and that read would only spend the subscription's read budget),
   * and between reads it waits what the service's `Retry-After` asks, else the poll interval.
   */
  private async longRunning(method: 'PUT' | 'POST' | 'DELETE', path: string, body: unknown, options: LroOptions): Promise<{ result: unknown; initial: unknown }> {
    const url = this.url(path);
    const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    let initial: unknown;
    let wait = interval;
    const lro: LongRunningOperation<unknown> = {
      requestMethod: method,
      requestPath: url,
      sendInitialRequest: async () => {
        const answer = await this.send(method, url, body, options.abortSignal);
        initial = answer.body;
        wait = retryAfterMs((name) => answer.headers[name]) ?? interval;
        return toLroResponse(answer);
      },
      sendPollRequest: async (pollUrl, pollOptions) => {
        const answer = await this.send('GET', this.url(pollUrl), undefined, pollOptions?.abortSignal ?? options.abortSignal);
        wait = retryAfterMs((name) => answer.headers[name]) ?? interval;
        return toLroResponse(answer);
      },
    };
    const poller = await createHttpPoller<unknown, OperationState<unknown>>(lro, { intervalInMs: interval, resourceLocationConfig: 'location' });
    const signal = options.abortSignal as AbortSignal | undefined;
    while (!poller.isDone()) {
      await sleep(wait, undefined, signal !== undefined ? { signal } : {});
      await poller.poll(signal !== undefined ? { abortSignal: signal } : {});
    }
    // Done: this reads no more, and throws the operation's error when it failed.
    const result = await poller.pollUntilDone();
    return { result, initial };
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function toLroResponse(answer: JsonAnswer): LroResponse<unknown> {
  return { flatResponse: answer.body, rawResponse: { statusCode: answer.status, headers: answer.headers, body: answer.body } };
}
