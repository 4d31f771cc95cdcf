/**
 * The local host's command line: `node --import tsx local/main.ts [--port N] [--time-scale N] [--data-dir DIR]`
 * (env PORT, TIME_SCALE, LOCAL_DATA_DIR; defaults 7071, 1, `.local/`). Runs the app's own
 * registrations with no Azure Functions host: HTTP functions, timers and the durable runtime, beside the
 * Azure simulator (a process of its own that outlives a killed host, reused by the next start) and
 * Azurite (local storage for the alert archive and the incident claims). Host time carries on from
 * the last run in the data dir. Ctrl-C stops it all cleanly.
 */
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resumeScaledClock } from './clock.js';
import { hostLog } from './functions-core.js';
import { durableRuntimeFactory } from './durable/index.js';
import { blobSettings, startAzurite, type Azurite } from './azurite.js';
import { describeFunctions, groupKeySetting, loadLocalSettings, startLocalHost, type LocalHost } from './host.js';
import { repoRoot } from './registry.js';
import { estateStorageAccounts } from './simulator-host.js';
import { runSimulatorProcess, type SimulatorProcess } from './simulator-process.js';
import { localActionLinkSecret } from './link-secret.js';

const USAGE = `usage: npm start -- [--port N] [--time-scale N] [--data-dir DIR] [--app-dir DIR] [--no-sim] [--sim-port N] [--estate FILE] [--no-azurite]

  --port N         HTTP port (env PORT; default 7071; 0 picks a free port)
  --time-scale N   host time runs N times faster than real time (env TIME_SCALE; default 1)
  --data-dir DIR   where keys, timer status and durable state live (env LOCAL_DATA_DIR; default .local/)
  --app-dir DIR    load the function modules (*.ts) from DIR instead of functions/ (tests, rehearsals)
  --no-sim         do not start the Azure simulator; the app uses the Azure settings it is given
  --sim-port N     simulator HTTPS port (env SIM_PORT; default: a free port)
  --estate FILE    the estate the simulator seeds (env SIM_ESTATE; default samples/estate.yaml)
  --no-azurite     do not start Azurite (local storage); the app uses the storage settings it is given
`;

class UsageError extends Error {}

interface Cli {
  port: number;
  timeScale: number;
  dataDir: string;
  appDir: string | undefined;
  sim: { port: number; estate: string } | undefined;
  azurite: boolean;
}

function parseCli(argv: string[], env: NodeJS.ProcessEnv): Cli | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'time-scale': { type: 'string' },
        'data-dir': { type: 'string' },
        'app-dir': { type: 'string' },
        'no-sim': { type: 'boolean' },
        'sim-port': { type: 'string' },
        estate: { type: 'string' },
        'no-azurite': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) return 'help';
  const portText = parsed.values.port ?? env['PORT'] ?? '7071';
  const port = Number(portText);
  if (portText.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (0-65535), got "${portText}"`);
  const scaleText = parsed.values['time-scale'] ?? env['TIME_SCALE'] ?? '1';
  const timeScale = Number(scaleText);
  if (scaleText.trim() === '' || !Number.isFinite(timeScale) || timeScale <= 0) throw new UsageError(`--time-scale must be a positive number, got "${scaleText}"`);
  const dataDir = parsed.values['data-dir'] ?? env['LOCAL_DATA_DIR'] ?? '.local';
  if (dataDir === '') throw new UsageError('--data-dir must not be empty');
  const appDir = parsed.values['app-dir'];
  if (appDir === '') throw new UsageError('--app-dir must not be empty');
  const simPortText = parsed.values['sim-port'] ?? env['SIM_PORT'] ?? '0';
  const simPort = Number(simPortText);
  if (!Number.isInteger(simPort) || simPort < 0 || simPort > 65535) throw new UsageError(`--sim-port must be a port number (0-65535), got "${simPortText}"`);
  const estate = resolve(parsed.values.estate ?? env['SIM_ESTATE'] ?? join(repoRoot(), 'samples/estate.yaml'));
  return {
    port,
    timeScale,
    dataDir: resolve(dataDir),
    appDir: appDir === undefined ? undefined : resolve(appDir),
    sim: parsed.values['no-sim'] === true ? undefined : { port: simPort, estate },
    azurite: parsed.values['no-azurite'] !== true,
  };
}

async function main(): Promise<number> {
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  if (cli === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  // A function that throws or rejects outside an invocation must not take the host down.
  process.on('unhandledRejection', (reason) => {
    hostLog({ level: 'error', category: 'host', message: `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}` });
  });
  process.on('uncaughtException', (err) => {
    hostLog({ level: 'error', category: 'host', message: `uncaught exception: ${err.stack ?? err.message}` });
  });

  const durable = durableRuntimeFactory();
  const root = repoRoot();
  // Host time carries on from the last run in this data dir (clock.json): it never goes back.
  const clock = resumeScaledClock(cli.dataDir, cli.timeScale);

  // The simulator and Azurite start first (side by side) so the app's settings can point at them before the app loads.
  const storageSettings = cli.azurite ? storageSettingsToFill(root) : [];
  const [simStarted, azuriteStarted] = await Promise.allSettled([
    cli.sim !== undefined
      ? runSimulatorProcess({ root, dataDir: cli.dataDir, estatePath: cli.sim.estate, timeScale: cli.timeScale, port: cli.sim.port, startTime: clock.now() })
      : Promise.resolve(undefined),
    storageSettings.length > 0
      ? startAzurite({ dataDir: cli.dataDir, ...(cli.sim !== undefined ? { accounts: estateStorageAccounts(cli.sim.estate) } : {}) })
      : Promise.resolve(undefined),
  ]);
  const simulator: SimulatorProcess | undefined = simStarted.status === 'fulfilled' ? simStarted.value : undefined;
  // On a failed start, a simulator started now is stopped; one an earlier start left running stays.
  const abandonSimulator = () => (simulator !== undefined && !simulator.reused ? simulator.stop() : undefined);
  const azurite: Azurite | undefined = azuriteStarted.status === 'fulfilled' ? azuriteStarted.value : undefined;
  if (simStarted.status === 'rejected' || azuriteStarted.status === 'rejected') {
    if (simStarted.status === 'rejected') process.stderr.write(`Azure simulator failed to start: ${errorText(simStarted.reason)}\n`);
    if (azuriteStarted.status === 'rejected') process.stderr.write(`Azurite failed to start: ${errorText(azuriteStarted.reason)}\n(run with --no-azurite to use the storage settings you give instead)\n`);
    await Promise.allSettled([abandonSimulator(), azurite?.close()]);
    return 1;
  }
  if (simulator !== undefined) Object.assign(process.env, simulator.settings);
  if (azurite !== undefined) {
    for (const key of storageSettings) process.env[key] = azurite.connectionString;
    // The estate's storage accounts live in Azurite too, for the playbooks that copy blobs.
    if (simulator !== undefined) Object.assign(process.env, blobSettings(azurite));
  }

  let host: LocalHost;
  try {
    host = await startLocalHost({
      root,
      port: cli.port,
      clock,
      dataDir: cli.dataDir,
      durable,
      ...(cli.appDir !== undefined ? { app: { dir: cli.appDir, pattern: '*.ts' } } : {}),
    });
  } catch (err) {
    process.stderr.write(`local host failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    await Promise.allSettled([abandonSimulator(), azurite?.close()]);
    return 1;
  }

  // Links in notifications point at this host unless the settings name a public address.
  process.env['PUBLIC_BASE_URL'] ||= host.url;
  // Approve and reject links in notifications are signed with a secret kept with the host's keys.
  process.env['ACTION_LINK_SECRET'] ||= localActionLinkSecret(host.keys.masterKey);

  const out: string[] = [];
  const count = host.registry.all().length;
  out.push(`Azure Functions local host (no Functions runtime; ${count} function${count === 1 ? '' : 's'})`);
  if (host.settingsFile) out.push(`Settings: ${relative(root, host.settingsFile) || host.settingsFile}`);
  out.push(`Data dir: ${host.dataDir}`);
  // How far ahead of real time the clock started: what earlier scaled runs in this data dir added.
  const lead = clock.hostStart - clock.realStart;
  if (cli.timeScale !== 1 || lead > 1000) {
    const carried = lead > 1000 ? `; carried on from the last run, it started ${formatLead(lead)} ahead of real time` : '';
    out.push(`Time scale: ${cli.timeScale}x (host time ${new Date(host.clock.now()).toISOString()}${carried})`);
  }
  out.push('', 'Functions:');
  for (const line of describeFunctions(host)) out.push(`  ${line}`);
  // One key per caller (lib/auth/key-groups.ts): each opens only its group's functions.
  out.push('', `Keys (${keySource(host.keys.source)}):`);
  for (const [group, key] of Object.entries(host.keys.groups)) out.push(`  ${`${KEY_LABELS[group] ?? group} key:`.padEnd(15)}${key}   (${groupKeySetting(group)})`);
  out.push(`  ${'Master key:'.padEnd(15)}${host.keys.masterKey}   (LOCAL_MASTER_KEY; opens everything, and the durable API)`);
  if (simulator !== undefined) {
    const s = simulator;
    const how = s.reused ? 'still running from the last start, its state kept' : `started${s.replaced !== undefined ? ` (the one left running was replaced: ${s.replaced})` : ''}`;
    out.push(
      '',
      `Azure simulator: ${s.url}  (${s.resources} resources from ${relative(root, cli.sim!.estate) || cli.sim!.estate})`,
      `  process:      ${s.pid}, ${how}; stops with the host, outlives a kill`,
      `  output:       ${s.log}`,
      `  certificate:  ${s.ca}`,
      `  state:        npx failover sim resources          (or GET ${s.url}/_sim/resources)`,
      `  outage:       npx failover sim outage westeurope  (restore: npx failover sim restore westeurope)`,
      `  write log:    npx failover sim operations`,
    );
  }
  if (azurite !== undefined) {
    out.push(
      '',
      `Azurite (local storage): ${azurite.location ?? 'in memory'}`,
      `  blob:         ${azurite.blobEndpoint}`,
      `  table:        ${azurite.tableEndpoint}`,
      `  settings:     ${storageSettings.join(', ')}`,
    );
  } else if (cli.azurite) {
    out.push('', 'Azurite: not started (AzureWebJobsStorage and the archive and claims storage settings are set)');
  }
  out.push('', `Listening on ${host.url}  (Ctrl-C to stop)`, '');

  // Stop handlers go in before the banner: whoever reads "Listening on" may signal at once.
  const stopped = new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`\n${signal} again: exiting without waiting\n`);
        process.exit(1);
      }
      stopping = true;
      process.stdout.write(`\n${signal}: stopping...\n`);
      host
        .close()
        .then(() => Promise.all([simulator?.stop(), azurite?.close()]))
        .then(() => resolveExit(0))
        .catch((err: unknown) => {
          process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
          resolveExit(1);
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void azurite?.exited.then((code) => {
      if (!stopping) process.stderr.write(`Azurite exited unexpectedly (code ${code}); storage calls fail until the host is restarted\n`);
    });
    void simulator?.exited.then(() => {
      if (!stopping) process.stderr.write(`The Azure simulator (process ${simulator.pid}) went away; Azure calls fail until the host is restarted (see ${simulator.log})\n`);
    });
  });
  process.stdout.write(out.join('\n'));
  return stopped;
}

/** `2 h 5 min`, `40 s`: how far host time runs ahead of real time. */
function formatLead(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d > 0 ? `${d} d` : '', h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : ''].filter((p) => p !== '').slice(0, 2);
  return parts.length > 0 ? parts.join(' ') : `${s} s`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The storage settings Azurite should provide: those neither in the environment nor in
 * local.settings.json, or set to `UseDevelopmentStorage=true` (which means "the local emulator",
 * i.e. this one). A group counts as set when any of its settings is.
 */
function storageSettingsToFill(root: string): string[] {
  const effective: NodeJS.ProcessEnv = { ...process.env };
  try {
    loadLocalSettings(root, effective);
  } catch {
    // An unreadable local.settings.json is reported when the host loads it.
  }
  const given = (key: string) => {
    const value = effective[key]?.trim();
    return value !== undefined && value !== '' && !/^UseDevelopmentStorage\s*=\s*true\s*;?$/i.test(value);
  };
  const groups: Array<[string, string[]]> = [
    ['AzureWebJobsStorage', ['AzureWebJobsStorage', 'AzureWebJobsStorage__accountName', 'AzureWebJobsStorage__blobServiceUri', 'AzureWebJobsStorage__tableServiceUri']],
    ['ALERT_ARCHIVE_CONNECTION', ['ALERT_ARCHIVE_CONNECTION', 'ALERT_ARCHIVE_SERVICE_URL']],
    ['INCIDENT_CLAIMS_CONNECTION', ['INCIDENT_CLAIMS_CONNECTION', 'INCIDENT_CLAIMS_SERVICE_URL']],
  ];
  return groups.filter(([, keys]) => !keys.some(given)).map(([key]) => key);
}

/** Who holds each group's key, for the banner. */
const KEY_LABELS: Record<string, string> = { webhook: 'Webhook', oncall: 'On-call', workflows: 'Workflows' };

function keySource(source: LocalHost['keys']['source']): string {
  switch (source) {
    case 'settings':
      return 'from the LOCAL_*_KEY settings';
    case 'data-dir':
      return 'kept in the data dir';
    case 'generated':
      return 'generated and saved in the data dir';
    default:
      return 'given';
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
