/**
 * The whole app in one process, for the demo, the benchmarks and the end-to-end tests: Azurite,
 * the Azure simulator with an estate, and the local host loading `functions/` with its durable
 * runtime, the app's settings pointed at the first two. `npm start` is the interactive version of
 * the same thing (local/main.ts).
 */
import { join } from 'node:path';
import { blobSettings, startAzurite, type Azurite } from './azurite.js';
import type { Clock } from './clock.js';
import { durableRuntimeFactory, type DurableRuntime } from './durable/index.js';
import type { HostLogger } from './functions-core.js';
import { startLocalHost, type LocalHost } from './host.js';
import { repoRoot } from './registry.js';
import { estateStorageAccounts, startSimulatorBeside } from './simulator-host.js';
import { localActionLinkSecret } from './link-secret.js';
import type { Simulator } from '../sim/simulator.js';
import { resetAppServices } from '../lib/composition.js';

export interface StackOptions {
  dataDir: string;
  clock: Clock;
  /** How much faster than real time the simulated Azure runs. */
  simTimeScale: number;
  /** Default samples/estate.yaml. */
  estatePath?: string;
  /** The catalog the app reads; default samples/catalog.yaml. */
  catalogPath?: string;
  /** Extra app settings (applied after the stack's own). */
  env?: Record<string, string>;
  logger?: HostLogger;
  /** Each key group's key (lib/auth/key-groups.ts); default generated. */
  groupKeys?: Readonly<Record<string, string>>;
  masterKey?: string;
}

export interface Stack {
  host: LocalHost;
  sim: Simulator;
  azurite: Azurite;
  runtime: DurableRuntime;
  close(): Promise<void>;
}

/** The settings the stack owns; cleared first so nothing from an earlier stack leaks in. */
export const STACK_SETTINGS = [
  'AZURE_TARGET',
  'AZURE_SIMULATOR_URL',
  'AZURE_SIMULATOR_CA',
  'AZURE_SIMULATOR_BLOB_ENDPOINT',
  'AZURE_SIMULATOR_BLOB_KEYS',
  'APP_CONFIGURATION_ENDPOINT',
  'EMAIL_ENDPOINT',
  'EMAIL_SENDER',
  'EMAIL_CONNECTION_STRING',
  'AzureWebJobsStorage',
  'ALERT_ARCHIVE_CONNECTION',
  'INCIDENT_CLAIMS_CONNECTION',
  'TASK_HUB_NAME',
  'CATALOG_PATH',
  'PUBLIC_BASE_URL',
  'ACTION_LINK_SECRET',
  'WEBHOOK_TENANT_ID',
  'WEBHOOK_AUDIENCES',
  'WEBHOOK_JWKS_URL',
  'OPERATOR_TENANT_ID',
  'OPERATOR_AUDIENCES',
  'OPERATOR_JWKS_URL',
  'OPERATOR_ROLE',
  'ALERT_MAX_BYTES',
  'AZURE_LRO_POLL_MS',
  'AZURE_RETRY_DELAY_MS',
  'AZURE_MAX_RETRIES',
  'REPLAY_ENABLED',
];

export async function startStack(options: StackOptions): Promise<Stack> {
  const estatePath = options.estatePath ?? join(repoRoot(), 'samples/estate.yaml');
  const [azurite, beside] = await Promise.all([
    startAzurite({ inMemory: true, accounts: estateStorageAccounts(estatePath) }),
    startSimulatorBeside({ dataDir: options.dataDir, estatePath, timeScale: options.simTimeScale }),
  ]);
  for (const key of STACK_SETTINGS) delete process.env[key];
  Object.assign(process.env, beside.settings, blobSettings(azurite), {
    AzureWebJobsStorage: azurite.connectionString,
    ALERT_ARCHIVE_CONNECTION: azurite.connectionString,
    INCIDENT_CLAIMS_CONNECTION: azurite.connectionString,
    TASK_HUB_NAME: 'failoverlocal',
    CATALOG_PATH: options.catalogPath ?? join(repoRoot(), 'samples/catalog.yaml'),
    ...options.env,
  });
  // The app builds its services from the settings on first use: forget any built before these.
  resetAppServices();
  let runtime: DurableRuntime | undefined;
  let host: LocalHost;
  try {
    host = await startLocalHost({
      root: repoRoot(),
      port: 0,
      clock: options.clock,
      dataDir: options.dataDir,
      loadSettings: false,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      ...(options.groupKeys !== undefined ? { groupKeys: options.groupKeys } : {}),
      ...(options.masterKey !== undefined ? { masterKey: options.masterKey } : {}),
      durable: durableRuntimeFactory({}, (created) => void (runtime = created)),
    });
  } catch (err) {
    await Promise.allSettled([beside.sim.close(), azurite.close()]);
    throw err;
  }
  process.env['PUBLIC_BASE_URL'] ||= host.url;
  // Signed approve/reject links, with a secret kept with the host's keys (an empty setting in `env` turns them off).
  process.env['ACTION_LINK_SECRET'] ??= localActionLinkSecret(host.keys.masterKey);
  return {
    host,
    sim: beside.sim,
    azurite,
    runtime: runtime!,
    async close() {
      await host.close();
      await Promise.allSettled([beside.sim.close(), azurite.close()]);
    },
  };
}
