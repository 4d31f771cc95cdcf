/**
 * The Azure simulator beside the local host, in this process (the demo, the benchmarks and the
 * tests, through local/stack.ts): started on its own HTTPS port with the sample estate at the
 * host's time scale, its certificate written to the data directory, and the app's Azure settings
 * pointed at it so the client factory talks to it and nothing else. `npm start` runs it in a
 * process of its own instead (local/simulator-process.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEstate, seedEstate } from '../sim/estate.js';
import { COMMUNICATION_SERVICES_TYPE, senderAddresses } from '../sim/providers/communication-email.js';
import { Simulator } from '../sim/simulator.js';
import { Store } from '../sim/store.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_OPERATOR_CLIENT_ID, LOCAL_TENANT_ID } from './sign-in.js';

/** Where a data directory names its running simulator, for `npm start` and `failover sim`. */
export const SIMULATOR_RECORD = 'simulator.json';

/** What `<dataDir>/simulator.json` holds (local/simulator-process.ts writes it whole). */
export interface SimulatorRecord {
  /** Empty while the simulator starts (and left so if its host is killed meanwhile). */
  url: string;
  /** Path of its certificate (PEM). */
  ca: string;
  pid: number;
  timeScale: number;
  estate: string;
  log: string;
  /** Its clock's origin, the host's: host time `hostStart` at the real time `realStart` (ISO). */
  hostStart: string;
  realStart: string;
}

export interface SimulatorBeside {
  sim: Simulator;
  caPath: string;
  /** The app settings that point the client factory at the simulator. */
  settings: Record<string, string>;
}

export async function startSimulatorBeside(options: { dataDir: string; estatePath: string; timeScale: number; port?: number }): Promise<SimulatorBeside> {
  const sim = await Simulator.start({ estate: options.estatePath, timeScale: options.timeScale, port: options.port ?? 0, roundTripMs: 0 });
  mkdirSync(options.dataDir, { recursive: true });
  const caPath = join(options.dataDir, 'simulator-ca.pem');
  writeFileSync(caPath, sim.ca);
  // Where `failover sim …` in another terminal finds this simulator. Only what it needs: without a
  // time scale and estate, `npm start` on this data directory never takes over (nor, stopping,
  // kills) this process.
  const record: Pick<SimulatorRecord, 'url' | 'ca' | 'pid'> = { url: sim.baseUrl, ca: caPath, pid: process.pid };
  writeFileSync(join(options.dataDir, SIMULATOR_RECORD), JSON.stringify(record, null, 2));
  const stores = Object.keys((sim.estateData('appConfiguration') as Record<string, unknown> | undefined) ?? {});
  return { sim, caPath, settings: simulatorSettings(sim.baseUrl, caPath, stores, estateEmailSender(options.estatePath)) };
}

/** The app settings that point the client factory at a simulator (in this process or another). */
export function simulatorSettings(baseUrl: string, caPath: string, appConfigurationStores: readonly string[], emailSender?: string): Record<string, string> {
  return {
    AZURE_TARGET: 'simulator',
    AZURE_SIMULATOR_URL: baseUrl,
    AZURE_SIMULATOR_CA: caPath,
    // Email through the estate's Communication Services resource, whose email data plane is at the
    // simulator's root, with the app's identity (the simulator's credential), as in Azure.
    ...(emailSender !== undefined ? { EMAIL_ENDPOINT: baseUrl, EMAIL_SENDER: emailSender } : {}),
    // The estate's first App Configuration store holds the workloads' active-side pointers.
    ...(appConfigurationStores.length > 0 ? { APP_CONFIGURATION_ENDPOINT: `${baseUrl}/appConfiguration/${appConfigurationStores[0]}` } : {}),
    // On-call engineers sign in to the simulator's directory: their tokens are verified as Entra's would be.
    OPERATOR_TENANT_ID: LOCAL_TENANT_ID,
    // Both forms, as for a real app registration: v1.0 tokens carry the Application ID URI, v2.0 tokens the client id.
    OPERATOR_AUDIENCES: `${LOCAL_OPERATOR_AUDIENCE},${LOCAL_OPERATOR_CLIENT_ID}`,
    OPERATOR_JWKS_URL: `${baseUrl}/${LOCAL_TENANT_ID}/discovery/v2.0/keys`,
  };
}

/** The App Configuration stores an estate file declares. */
export function estateAppConfigurationStores(estatePath: string): string[] {
  return Object.keys((loadEstate(estatePath).data['appConfiguration'] as Record<string, unknown> | undefined) ?? {});
}

/** The first MailFrom address of the estate's first Communication Services resource, if it has one. */
export function estateEmailSender(estatePath: string): string | undefined {
  const store = new Store();
  seedEstate(store, loadEstate(estatePath), 0);
  const resource = store.ofType(COMMUNICATION_SERVICES_TYPE)[0];
  return resource === undefined ? undefined : senderAddresses(store, resource)[0];
}

/** The storage accounts an estate file declares: what Azurite hosts beside the development account. */
export function estateStorageAccounts(estatePath: string): string[] {
  return loadEstate(estatePath)
    .resources.filter((r) => /\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+$/i.test(r.id))
    .map((r) => r.id.split('/').pop()!);
}
