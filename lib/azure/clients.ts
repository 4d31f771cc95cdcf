/**
 * The one place that knows whether the app talks to Azure or to the simulator. Every module
 * asks this factory for its SDK client; the target decides the endpoint, the credential and the
 * certificate to trust. No global TLS switch is ever touched: the simulator's certificate is
 * trusted per client (`tlsOptions.ca`).
 */
import { AzureMediaServices } from '@azure/arm-mediaservices';
import { MonitorClient } from '@azure/arm-monitor';
import { PurviewManagementClient } from '@azure/arm-purview';
import { MicrosoftResourceHealth } from '@azure/arm-resourcehealth';
import { TrafficManagerManagementClient } from '@azure/arm-trafficmanager';
import { AppConfigurationClient } from '@azure/app-configuration';
import type { TokenCredential } from '@azure/core-auth';
import { ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';
import { parseKeyList } from '../config.js';
import { blobAccess, type BlobAccess, type LocalBlobAccounts } from './blob.js';
import { DataShareClient } from './datashare.js';
import { GenomicsManagementClient, GenomicsWorkflowClient } from './genomics.js';
import { GraphServiceHealthClient } from './graph.js';
import { PurviewDataClient } from './purview-data.js';
import { ArmResourcesClient } from './arm-resources.js';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { ThrottleQueues, throttleQueuePolicy, type RequestPriority } from './throttle-queue.js';

import { ARM_SCOPE } from './scopes.js';

export { ARM_SCOPE } from './scopes.js';

export type AzureTarget =
  | { kind: 'azure' }
  | {
      kind: 'simulator';
      /** `https://127.0.0.1:PORT`: ARM, data planes and the token endpoint all live here. */
      endpoint: string;
      /** PEM of the simulator's certificate. */
      caPem: string;
      tenantId?: string;
      /** The client id the simulator's operation log records as the caller. */
      clientId?: string;
      /** Where the estate's storage accounts keep their blobs (Azurite beside the simulator). */
      blob?: LocalBlobAccounts;
    };

export interface RetryTuning {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

export interface AzureClientsOptions {
  /** Overrides the credential the target implies (tests). */
  credential?: TokenCredential;
  retry?: RetryTuning;
  /** The process's ARM throttling queues; every client made from these options shares them. */
  throttleQueues?: ThrottleQueues;
  /** Requests ARM throttling should serve first (the playbook steps declare them); default none. */
  requestPriorities?: readonly RequestPriority[];
  /**
   * False: no throttling queue, every 429 goes straight to the SDK's retry policy, as with the
   * SDK clients made by hand (the failover benchmark's naive baseline). Default true.
   */
  armThrottleQueue?: boolean;
  /** Genomics workflow API keys by account (GENOMICS_ACCOUNT_KEYS), for Azure. */
  genomicsKeys?: Readonly<Record<string, string>>;
}

export interface AzureClients {
  readonly target: AzureTarget;
  readonly credential: TokenCredential;
  /** Base URL of ARM. */
  readonly armEndpoint: string;
  /** Options every core-client based client takes: endpoint, scope, TLS trust, retries. */
  armOptions(): Record<string, unknown>;
  media(subscriptionId: string): AzureMediaServices;
  resourceHealth(subscriptionId: string): MicrosoftResourceHealth;
  monitor(subscriptionId: string): MonitorClient;
  purview(subscriptionId: string): PurviewManagementClient;
  trafficManager(subscriptionId: string): TrafficManagerManagementClient;
  /** Azure RBAC: what an identity may do on a resource, role assignments and definitions. */
  authorization(subscriptionId: string): AuthorizationManagementClient;
  /** Any ARM resource by id at an explicit api-version (./arm-resources.ts). */
  armResources(): ArmResourcesClient;
  /** Azure Data Share: no SDK exists for JS, so the app's own typed client (`./datashare.ts`). */
  dataShare(subscriptionId: string): DataShareClient;
  /** Microsoft Graph's service health (Microsoft 365 and Dynamics 365 issues). */
  graphServiceHealth(): GraphServiceHealthClient;
  /** Microsoft Genomics accounts (ARM). */
  genomics(subscriptionId: string): GenomicsManagementClient;
  /**
   * A Genomics account's workflow API. In Azure it is the regional API the account's `apiUri`
   * names (from `genomics(sub).getAccount`), reached with the account's key; throws naming the
   * setting when the key is not configured.
   */
  genomicsWorkflows(accountName: string, apiUri?: string): GenomicsWorkflowClient;
  /** Storage accounts' blob services (primary or geo-secondary endpoint) and read SAS URLs. */
  readonly blob: BlobAccess;
  /** A Purview account's data plane (collections, scan rule sets, data sources). */
  purviewData(accountName: string): PurviewDataClient;
  /** App Configuration data plane for a store endpoint (`https://<store>.azconfig.io`). */
  appConfiguration(storeEndpoint: string): AppConfigurationClient;
  /** The endpoint a data-plane service of `kind` has for `name`, in Azure or in the simulator. */
  dataPlaneEndpoint(kind: 'appConfiguration' | 'graph' | 'purview', name?: string): string;
  /**
   * The same clients, retrying once at most: for asking whether a side that may be down answers
   * at all, where the usual patient retries would only delay the answer.
   */
  probing(): AzureClients;
}

/** Per-account data-plane hosts in Azure. Genomics has none: its workflow API is the account's regional `apiUri`. */
const PUBLIC_DATA_PLANES = {
  appConfiguration: (name?: string) => `https://${name ?? ''}.azconfig.io`,
  graph: () => 'https://graph.microsoft.com',
  purview: (name?: string) => `https://${name ?? ''}.purview.azure.com`,
};

export function createAzureClients(target: AzureTarget, options: AzureClientsOptions = {}): AzureClients {
  const sim = target.kind === 'simulator' ? target : undefined;
  const tlsOptions = sim !== undefined ? { ca: sim.caPem } : undefined;
  const credential =
    options.credential ??
    (sim !== undefined
      ? new ClientSecretCredential(sim.tenantId ?? 'simulated-tenant', sim.clientId ?? 'failover-orchestrator', 'simulator-secret', {
          authorityHost: sim.endpoint,
          disableInstanceDiscovery: true,
          ...(tlsOptions !== undefined ? { tlsOptions } : {}),
        })
      : new DefaultAzureCredential());
  const armEndpoint = sim?.endpoint ?? 'https://management.azure.com';
  const retryOptions = options.retry ?? {};
  const throttleQueues = options.throttleQueues ?? new ThrottleQueues(options.requestPriorities ?? []);
  const genomicsKey = (accountName: string): string => {
    const key = options.genomicsKeys?.[accountName.toLowerCase()];
    if (key === undefined) throw new Error(`no key for the Genomics account ${accountName}: add '${accountName}:<key>' to GENOMICS_ACCOUNT_KEYS`);
    return key;
  };
  const armOptions = (): Record<string, unknown> => ({
    // `endpoint`, not `$host`: the generated clients ignore `$host` when building URLs.
    ...(sim !== undefined ? { endpoint: sim.endpoint } : {}),
    credentialScopes: [ARM_SCOPE],
    ...(tlsOptions !== undefined ? { tlsOptions } : {}),
    retryOptions,
    additionalPolicies: options.armThrottleQueue === false ? [] : [{ policy: throttleQueuePolicy(throttleQueues), position: 'perRetry' }],
  });
  /** Where the simulator mounts a data plane: `/graph`, or `/<kind>/<account>`. */
  const simulated = (endpoint: string, kind: string, name?: string) => `${endpoint}/${kind === 'graph' ? 'graph' : `${kind}/${name ?? ''}`}`;
  const dataPlaneEndpoint = (kind: keyof typeof PUBLIC_DATA_PLANES, name?: string): string => (sim !== undefined ? simulated(sim.endpoint, kind, name) : PUBLIC_DATA_PLANES[kind](name));
  const dataPlaneOptions = { ...(tlsOptions !== undefined ? { tlsOptions } : {}), retryOptions };
  return {
    target,
    credential,
    armEndpoint,
    armOptions,
    media: (sub) => new AzureMediaServices(credential, sub, armOptions()),
    resourceHealth: (sub) => new MicrosoftResourceHealth(credential, sub, armOptions()),
    monitor: (sub) => new MonitorClient(credential, sub, armOptions()),
    purview: (sub) => new PurviewManagementClient(credential, sub, armOptions()),
    trafficManager: (sub) => new TrafficManagerManagementClient(credential, sub, armOptions()),
    dataShare: (sub) => new DataShareClient(credential, sub, armOptions()),
    authorization: (sub) => new AuthorizationManagementClient(credential, sub, armOptions()),
    armResources: () => new ArmResourcesClient({ credential, scope: ARM_SCOPE }, armEndpoint, armOptions()),
    blob: blobAccess(credential, sim?.blob),
    genomics: (sub) => new GenomicsManagementClient(credential, sub, armOptions()),
    genomicsWorkflows: (accountName, apiUri) => {
      if (sim !== undefined) return new GenomicsWorkflowClient({ credential }, simulated(sim.endpoint, 'genomics', accountName), dataPlaneOptions);
      const key = genomicsKey(accountName);
      if (apiUri === undefined || apiUri === '') throw new Error(`the Genomics account ${accountName} reports no apiUri: its workflow API cannot be found`);
      return new GenomicsWorkflowClient({ key }, apiUri, dataPlaneOptions);
    },
    graphServiceHealth: () => new GraphServiceHealthClient(credential, dataPlaneEndpoint('graph'), dataPlaneOptions),
    purviewData: (accountName) => new PurviewDataClient(credential, dataPlaneEndpoint('purview', accountName), dataPlaneOptions),
    appConfiguration: (storeEndpoint) =>
      new AppConfigurationClient(storeEndpoint, credential, {
        ...(tlsOptions !== undefined ? { tlsOptions } : {}),
        retryOptions,
      } as ConstructorParameters<typeof AppConfigurationClient>[2]),
    dataPlaneEndpoint,
    probing: () => createAzureClients(target, { ...options, credential, throttleQueues, retry: { ...retryOptions, maxRetries: 1, maxRetryDelayInMs: Math.min(retryOptions.retryDelayInMs ?? 800, 1000) } }),
  };
}

/**
 * The target from app settings: `AZURE_TARGET=simulator` with `AZURE_SIMULATOR_URL` and
 * `AZURE_SIMULATOR_CA` (a PEM file path, or the PEM itself), otherwise real Azure.
 */
export function azureTargetFromSettings(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
): AzureTarget {
  const kind = (env['AZURE_TARGET'] ?? 'azure').trim().toLowerCase();
  if (kind === 'azure') return { kind: 'azure' };
  if (kind !== 'simulator') throw new Error(`AZURE_TARGET must be 'azure' or 'simulator', got '${env['AZURE_TARGET']}'`);
  const endpoint = env['AZURE_SIMULATOR_URL']?.trim();
  if (endpoint === undefined || !/^https:\/\//.test(endpoint)) {
    throw new Error("AZURE_SIMULATOR_URL must be the simulator's https:// URL when AZURE_TARGET=simulator");
  }
  const ca = env['AZURE_SIMULATOR_CA']?.trim();
  if (ca === undefined || ca === '') throw new Error('AZURE_SIMULATOR_CA must name the PEM file of the simulator certificate when AZURE_TARGET=simulator');
  const caPem = ca.startsWith('-----BEGIN') ? ca : readFile(ca);
  return {
    kind: 'simulator',
    endpoint: endpoint.replace(/\/+$/, ''),
    caPem,
    ...(env['AZURE_TENANT_ID'] ? { tenantId: env['AZURE_TENANT_ID'] } : {}),
    ...(env['AZURE_CLIENT_ID'] ? { clientId: env['AZURE_CLIENT_ID'] } : {}),
    ...(env['AZURE_SIMULATOR_BLOB_ENDPOINT'] ? { blob: { endpoint: env['AZURE_SIMULATOR_BLOB_ENDPOINT'], keys: blobKeys(env['AZURE_SIMULATOR_BLOB_KEYS']) } } : {}),
  };
}

function blobKeys(text: string | undefined): Record<string, string> {
  const parsed = parseKeyList('AZURE_SIMULATOR_BLOB_KEYS', text);
  if (parsed.problems.length > 0) throw new Error(parsed.problems.join('; '));
  return parsed.keys;
}
