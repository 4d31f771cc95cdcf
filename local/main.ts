/**
 * The local host's command line: `node --import tsx local/main.ts [--port N] [--time-scale N] [--data-dir DIR]`
 * (env PORT, TIME_SCALE, LOCAL_DATA_DIR; defaults 7071, 1, `.local/`). Runs the app's own
 * registrations with no Azure Functions host: HTTP functions, timers and the durable runtime. Ctrl-C stops it cleanly.
 */
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { hostLog } from './functions-core.js';
import { durableRuntimeFactory } from './durable/index.js';
import { describeFunctions, startLocalHost, type LocalHost } from './host.js';
import { repoRoot } from './registry.js';

const USAGE = `usage: npm start -- [--port N] [--time-scale N] [--data-dir DIR] [--app-dir DIR]

  --port N         HTTP port (env PORT; default 7071; 0 picks a free port)
  --time-scale N   host time runs N times faster than real time (env TIME_SCALE; default 1)
  --data-dir DIR   where keys, timer status and durable state live (env LOCAL_DATA_DIR; default .local/)
  --app-dir DIR    load the function modules (*.ts) from DIR instead of functions/ (tests, rehearsals)
`;

class UsageError extends Error {}

function parseCli(argv: string[], env: NodeJS.ProcessEnv): { port: number; timeScale: number; dataDir: string; appDir: string | undefined } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'time-scale': { type: 'string' },
        'data-dir': { type: 'string' },
        'app-dir': { type: 'string' },
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
  return { port, timeScale, dataDir: resolve(dataDir), appDir: appDir === undefined ? undefined : resolve(appDir) };
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
  let host: LocalHost;
  try {
    host = await startLocalHost({
      root,
      port: cli.port,
      timeScale: cli.timeScale,
      dataDir: cli.dataDir,
      durable,
      ...(cli.appDir !== undefined ? { app: { dir: cli.appDir, pattern: '*.ts' } } : {}),
    });
  } catch (err) {
    process.stderr.write(`local host failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  const out: string[] = [];
  const count = host.registry.all().length;
  out.push(`Azure Functions local host (no Functions runtime; ${count} function${count === 1 ? '' : 's'})`);
  if (host.settingsFile) out.push(`Settings: ${relative(root, host.settingsFile) || host.settingsFile}`);
  out.push(`Data dir: ${host.dataDir}`);
  if (cli.timeScale !== 1) out.push(`Time scale: ${cli.timeScale}x (host time ${new Date(host.clock.now()).toISOString()})`);
  out.push('', 'Functions:');
  for (const line of describeFunctions(host)) out.push(`  ${line}`);
  out.push('', `Function key: ${host.keys.functionKey}`, `Master key:   ${host.keys.masterKey}   (${keySource(host.keys.source)})`);
  out.push('', `Listening on ${host.url}  (Ctrl-C to stop)`, '');
  process.stdout.write(out.join('\n'));

  return new Promise<number>((resolveExit) => {
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
        .then(() => resolveExit(0))
        .catch((err: unknown) => {
          process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
          resolveExit(1);
        });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function keySource(source: LocalHost['keys']['source']): string {
  switch (source) {
    case 'settings':
      return 'from LOCAL_FUNCTION_KEY / LOCAL_MASTER_KEY';
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
