/**
 * Azurite, the Azure Storage emulator, for `npm start` and the storage tests: blob and table
 * services on free ports of 127.0.0.1, with the well-known development account.
 *
 * The `azurite` package exposes no JS API (its `main` is the VS Code extension), so it runs as a
 * child process of `node node_modules/azurite/dist/src/azurite.js` under the current Node. The
 * child reports the ports it bound (it is started on port 0, so there is no race for a port), is
 * started in its own process group (a Ctrl-C in the terminal reaches only the host, which then
 * stops it in order), and stops by itself when its parent dies, even by `kill -9`: it watches its
 * IPC channel. Its own log is kept out of the console and only shown when it fails to start.
 */
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Azurite's well-known development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface StartAzuriteOptions {
  /** On-disk persistence under `<dataDir>/azurite`. Ignored when `inMemory` is true. */
  dataDir?: string;
  /** Keep everything in memory (tests). Default: true when no `dataDir` is given. */
  inMemory?: boolean;
  /** Listening address. Default 127.0.0.1. */
  host?: string;
  /** Fixed ports; default 0 (a free port). */
  blobPort?: number;
  tablePort?: number;
  queuePort?: number;
  /** Give up starting after this long. Default 15000 (it takes well under a second). */
  startTimeoutMs?: number;
  /**
   * Storage accounts to host beside the development account (the estate's, so blob data the
   * playbooks copy has somewhere to live), each with the key `localStorageKey(name)`.
   */
  accounts?: readonly string[];
}

/** The key Azurite gives an extra account: derived from its name, so every process agrees on it. */
export function localStorageKey(account: string): string {
  return createHash('sha512').update(`azurite-local-account:${account.toLowerCase()}`).digest('base64');
}

export interface Azurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  /** `http://127.0.0.1:<port>`: an account's blob endpoint is this and `/<account>`. */
  readonly blobOrigin: string;
  /** The extra accounts it hosts (`accounts`), lower-cased. */
  readonly accounts: readonly string[];
  readonly tableEndpoint: string;
  /** Azurite always runs its queue service too; unused by the app, but part of a complete AzureWebJobsStorage. */
  readonly queueEndpoint: string;
  /** Development account with explicit `BlobEndpoint=`, `QueueEndpoint=` and `TableEndpoint=`. */
  readonly connectionString: string;
  /** Where the data lives; undefined when in memory. */
  readonly location: string | undefined;
  readonly pid: number;
  /** Settles when the Azurite process exits (with its exit code, null when killed). */
  readonly exited: Promise<number | null>;
  /** Stops Azurite (persisting its data when on disk) and waits for the process to exit. Idempotent. */
  close(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const LOG_TAIL = 40;

/**
 * Preloaded into the Azurite process: stop when the parent goes away (its IPC channel closes),
 * and never die of EPIPE on a console whose reader is gone.
 */
const CHILD_GUARD = [
  "process.stdout.on('error', () => {});",
  "process.stderr.on('error', () => {});",
  // A 'disconnect' listener keeps the IPC channel (and so the process) alive: drop it once asked to stop.
  'const orphaned = () => {',
  "  process.emit('SIGTERM');",
  '  setTimeout(() => process.exit(0), 3000).unref();',
  '};',
  "process.once('disconnect', orphaned);",
  "const stopping = () => process.removeListener('disconnect', orphaned);",
  "process.once('message', (m) => { if (m === 'shutdown') stopping(); });",
  "process.once('SIGTERM', stopping);",
  "process.once('SIGINT', stopping);",
].join('\n');

function azuriteScript(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
}

function checkPort(name: string, port: number | undefined): number {
  const value = port ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new RangeError(`startAzurite: ${name} must be a port number (0-65535), got ${String(port)}`);
  return value;
}

export function connectionStringFor(endpoints: { blobEndpoint: string; queueEndpoint?: string; tableEndpoint: string }): string {
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${AZURITE_ACCOUNT_NAME}`,
    `AccountKey=${AZURITE_ACCOUNT_KEY}`,
    `BlobEndpoint=${endpoints.blobEndpoint}`,
    ...(endpoints.queueEndpoint === undefined ? [] : [`QueueEndpoint=${endpoints.queueEndpoint}`]),
    `TableEndpoint=${endpoints.tableEndpoint}`,
  ].join(';') + ';';
}

export async function startAzurite(options: StartAzuriteOptions = {}): Promise<Azurite> {
  const inMemory = options.inMemory ?? options.dataDir === undefined;
  if (!inMemory && (options.dataDir === undefined || options.dataDir === '')) {
    throw new Error('startAzurite: on-disk persistence needs a dataDir (or pass inMemory: true)');
  }
  const host = options.host ?? '127.0.0.1';
  const ports = {
    blob: checkPort('blobPort', options.blobPort),
    queue: checkPort('queuePort', options.queuePort),
    table: checkPort('tablePort', options.tablePort),
  };
  const location = inMemory ? undefined : resolve(options.dataDir!, 'azurite');
  if (location !== undefined) mkdirSync(location, { recursive: true });
  const args = [
    '--import',
    `data:text/javascript,${encodeURIComponent(CHILD_GUARD)}`,
    azuriteScript(),
    '--blobHost', host, '--blobPort', String(ports.blob),
    '--queueHost', host, '--queuePort', String(ports.queue),
    '--tableHost', host, '--tablePort', String(ports.table),
    '--loose',
    '--skipApiVersionCheck',
    '--silent',
    '--disableTelemetry',
    ...(location === undefined ? ['--inMemoryPersistence'] : ['--location', location]),
  ];
  // The development account must be there: AZURITE_ACCOUNTS replaces it, so it is listed first.
  // NODE_OPTIONS may carry loaders (tsx) the plain CommonJS emulator does not need.
  const env: NodeJS.ProcessEnv = { ...process.env };
  const accounts = [...new Set((options.accounts ?? []).map((a) => a.toLowerCase()))].filter((a) => a !== AZURITE_ACCOUNT_NAME);
  delete env['AZURITE_ACCOUNTS'];
  if (accounts.length > 0) env['AZURITE_ACCOUNTS'] = [`${AZURITE_ACCOUNT_NAME}:${AZURITE_ACCOUNT_KEY}`, ...accounts.map((a) => `${a}:${localStorageKey(a)}`)].join(';');
  delete env['NODE_OPTIONS'];

  const child = spawn(process.execPath, args, {
    cwd: location ?? tmpdir(),
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
    windowsHide: true,
  });

  const log: string[] = [];
  let partial = '';
  const listening = new Map<string, string>();
  let onLine: (() => void) | undefined;
  const collect = (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      log.push(line);
      if (log.length > LOG_TAIL) log.shift();
      const m = /Azurite (Blob|Queue|Table) service is successfully listening at (\S+)/.exec(line);
      if (m) listening.set(m[1]!.toLowerCase(), m[2]!.replace(/\/+$/, ''));
    }
    onLine?.();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
    child.once('error', () => resolveExit(null));
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const timeoutMs = options.startTimeoutMs ?? 15_000;
  try {
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${timeoutMs} ms${tail(log)}`)), timeoutMs);
      onLine = () => {
        if (listening.has('blob') && listening.has('queue') && listening.has('table')) {
          clearTimeout(timer);
          resolveReady();
        }
      };
      void exited.then((code) => {
        clearTimeout(timer);
        if (partial.trim() !== '') log.push(partial);
        reject(new Error(startFailure(code, spawnError, log)));
      });
    });
  } catch (err) {
    await stop(child, exited);
    throw err;
  } finally {
    onLine = undefined;
  }

  const baseUrl = (service: string) => `${listening.get(service)!}/${AZURITE_ACCOUNT_NAME}`;
  const blobEndpoint = baseUrl('blob');
  const queueEndpoint = baseUrl('queue');
  const tableEndpoint = baseUrl('table');
  let closing: Promise<void> | undefined;
  return {
    blobEndpoint,
    blobOrigin: listening.get('blob')!,
    accounts,
    queueEndpoint,
    tableEndpoint,
    connectionString: connectionStringFor({ blobEndpoint, queueEndpoint, tableEndpoint }),
    location,
    pid: child.pid!,
    exited,
    close: () => (closing ??= stop(child, exited)),
  };
}

function tail(log: readonly string[]): string {
  return log.length === 0 ? '' : `; its output:\n${log.map((l) => `  ${l}`).join('\n')}`;
}

/** The reason Azurite stopped before it was ready, in words that say what to fix. */
function startFailure(code: number | null, spawnError: Error | undefined, log: readonly string[]): string {
  if (spawnError !== undefined) return `Azurite could not be started (${process.execPath}): ${spawnError.message}`;
  const text = log.join('\n');
  const bind = /listen (E[A-Z]+)[^\n]*?(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]|[\w.-]+):(\d+)/i.exec(text);
  if (bind) {
    const starting = [...text.matchAll(/Azurite (Blob|Queue|Table) service is starting at/g)].pop()?.[1]?.toLowerCase() ?? 'a';
    const why = bind[1] === 'EADDRINUSE' ? 'it is already in use' : bind[1] === 'EACCES' ? 'permission denied' : bind[1] === 'EADDRNOTAVAIL' ? 'the address is not available on this machine' : bind[1];
    return `Azurite could not bind its ${starting} port ${bind[2]}:${bind[3]}: ${why} (${bind[1]}); free the port or choose another${tail(log)}`;
  }
  return `Azurite exited with code ${String(code)} before it was ready${tail(log)}`;
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) {
    try {
      child.send('shutdown', (err) => {
        if (err) child.kill('SIGTERM');
      });
    } catch {
      child.kill('SIGTERM');
    }
  } else {
    child.kill('SIGTERM');
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), STOP_GRACE_MS)));
  const result = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (result === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  child.stdout?.destroy();
  child.stderr?.destroy();
  if (child.connected) child.disconnect();
}

/**
 * What tells the app (in simulator mode) where the extra accounts' blobs are and how to sign for
 * them: `AZURE_SIMULATOR_BLOB_ENDPOINT` and `AZURE_SIMULATOR_BLOB_KEYS` (`name:key;…`).
 */
export function blobSettings(azurite: Azurite): Record<string, string> {
  if (azurite.accounts.length === 0) return {};
  return {
    AZURE_SIMULATOR_BLOB_ENDPOINT: azurite.blobOrigin,
    AZURE_SIMULATOR_BLOB_KEYS: azurite.accounts.map((a) => `${a}:${localStorageKey(a)}`).join(';'),
  };
}
