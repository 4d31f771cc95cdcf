/**
 * The Azure simulator for `npm start`, in a process of its own (`node --import tsx sim/main.ts`),
 * so that killing the host (kill -9, a crash test) does not wipe "Azure": its resources, outages,
 * faults and write log live on, as the real Azure's would, and the next start on the same data
 * directory carries on with them.
 *
 * `<dataDir>/simulator.json` records the running simulator (`{ url, ca, pid, timeScale, estate,
 * log, hostStart, realStart }`; `failover sim` reads it too). Its clock runs from the host's clock's
 * origin (host time `hostStart` at the real time `realStart`, at `timeScale`), so the two tell the
 * same time however long the simulator takes to start. A start reuses that simulator when its
 * process is alive, it answers `/_sim/health`, and it runs at the time scale, from the clock origin
 * and with the estate asked for (and on the port, when one is asked for); else it stops it, if it
 * is one, and starts a new one, whose output goes to `<dataDir>/simulator.log`. A clean stop of
 * the host stops it, and so does removing the data directory (a test's temporary one, say): nobody
 * could find it any more.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SIMULATOR_RECORD, estateAppConfigurationStores, estateEmailSender, simulatorSettings, type SimulatorRecord } from './simulator-host.js';

export interface SimulatorProcessOptions {
  /** The repository root: where sim/main.ts and tsx are. */
  root: string;
  dataDir: string;
  estatePath: string;
  timeScale: number;
  /** 0 picks a free port. */
  port: number;
  /**
   * Host time now (epoch ms), read just before the call: with the real time of the call, the
   * origin of the host's clock, which a new simulator's clock runs from and a running one must
   * share to be reused.
   */
  startTime: number;
  /** How long a new simulator may take to listen; default 60 s. */
  startTimeoutMs?: number;
}

export interface SimulatorProcess extends SimulatorRecord {
  /** Resources in its store when the host started. */
  resources: number;
  /** Taken over from an earlier start of the host, rather than started now. */
  reused: boolean;
  /** Why the simulator the data directory named was not reused, when there was one. */
  replaced: string | undefined;
  /** The app settings that point the client factory at it. */
  settings: Record<string, string>;
  /** Resolves if the simulator goes away without `stop()`. */
  exited: Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and removes simulator.json. */
  stop(): Promise<void>;
}

export async function runSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const origin = { hostStart: options.startTime, realStart: Date.now() };
  const recordPath = join(options.dataDir, SIMULATOR_RECORD);
  const previous = readSimulatorRecord(options.dataDir);
  let replaced: string | undefined;
  if (previous !== undefined && isAlive(previous.pid)) {
    const health = await simulatorHealth(previous);
    if (health !== undefined) {
      replaced = mismatch(previous, health, options, origin);
      if (replaced === undefined) return handle(previous, health.resources, true, undefined, options, undefined);
      await stopProcess(previous.pid);
    } else if (isSimulatorOf(previous.pid, options.dataDir)) {
      replaced = 'it did not answer';
      await stopProcess(previous.pid);
    }
  }

  mkdirSync(options.dataDir, { recursive: true });
  const caPath = join(options.dataDir, 'simulator-ca.pem');
  const logPath = join(options.dataDir, 'simulator.log');
  rmSync(caPath, { force: true });
  const out = openSync(logPath, 'w');
  let child;
  try {
    const args = ['--import', 'tsx', join(options.root, 'sim/main.ts')];
    args.push('--port', String(options.port), '--estate', options.estatePath, '--time-scale', String(options.timeScale));
    args.push('--ca-out', caPath, '--start-time', iso(origin.hostStart), '--real-start', iso(origin.realStart), '--data-dir', options.dataDir);
    // Detached (a session of its own) with its output in a file: neither a SIGKILL of the host
    // nor Ctrl-C in its terminal reaches it, and it never writes to a pipe nobody reads.
    child = spawn(process.execPath, args, { cwd: options.root, detached: true, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  child.unref();
  const exited = new Promise<string>((resolve) => {
    child.once('error', (err) => resolve(err.message));
    child.once('exit', (code, signal) => resolve(signal !== null ? `killed by ${signal}` : `exit code ${code}`));
  });
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath} for the simulator`);
  // Recorded at once, without its URL yet: a host killed while the simulator starts leaves one the
  // next start can find (and, not answering, stop) rather than a second simulator nobody knows of.
  const record: SimulatorRecord = {
    url: '',
    ca: caPath,
    pid: child.pid,
    timeScale: options.timeScale,
    estate: options.estatePath,
    log: logPath,
    hostStart: iso(origin.hostStart),
    realStart: iso(origin.realStart),
  };
  writeRecord(recordPath, record);
  let gone: string | undefined;
  void exited.then((why) => void (gone = why));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let listening: RegExpExecArray | null = null;
  while (listening === null) {
    const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
    listening = /Azure simulator listening on (https:\/\/\S+) \((\d+) resources/.exec(log);
    if (listening !== null) break;
    if (gone !== undefined) {
      rmSync(recordPath, { force: true });
      throw new Error(`the simulator stopped before it listened (${gone}):\n${tail(log)}`);
    }
    if (Date.now() > deadline) {
      await stopProcess(record.pid);
      rmSync(recordPath, { force: true });
      throw new Error(`the simulator did not listen within ${Math.round((options.startTimeoutMs ?? 60_000) / 1000)} s:\n${tail(log)}`);
    }
    await sleep(50);
  }
  record.url = listening[1]!;
  writeRecord(recordPath, record);
  return handle(record, Number(listening[2]), false, replaced, options, exited);
}

function writeRecord(path: string, record: SimulatorRecord): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(record, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/** The simulator.json of a data directory, if it has a usable one. */
export function readSimulatorRecord(dataDir: string): SimulatorRecord | undefined {
  try {
    const json = JSON.parse(readFileSync(join(dataDir, SIMULATOR_RECORD), 'utf8')) as Partial<SimulatorRecord>;
    if (typeof json.url !== 'string' || typeof json.ca !== 'string' || !Number.isInteger(json.pid) || typeof json.timeScale !== 'number' || typeof json.estate !== 'string') return undefined;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    return { url: json.url, ca: json.ca, pid: json.pid!, timeScale: json.timeScale, estate: json.estate, log: text(json.log), hostStart: text(json.hostStart), realStart: text(json.realStart) };
  } catch {
    return undefined;
  }
}

function handle(record: SimulatorRecord, resources: number, reused: boolean, replaced: string | undefined, options: SimulatorProcessOptions, exited: Promise<string> | undefined): SimulatorProcess {
  let stopping = false;
  // Once stop() is called, going away is expected: `exited` then never resolves.
  const gone = (exited ?? watchPid(record.pid)).then(() => (stopping ? new Promise<void>(() => undefined) : undefined));
  return {
    ...record,
    resources,
    reused,
    replaced,
    settings: simulatorSettings(record.url, record.ca, estateAppConfigurationStores(options.estatePath), estateEmailSender(options.estatePath)),
    exited: gone,
    async stop() {
      stopping = true;
      await stopProcess(record.pid);
      if (readSimulatorRecord(options.dataDir)?.pid === record.pid) rmSync(join(options.dataDir, SIMULATOR_RECORD), { force: true });
    },
  };
}

/** Why a running simulator does not suit these options, or undefined when it does. */
function mismatch(record: SimulatorRecord, health: { timeScale: number }, options: SimulatorProcessOptions, origin: { hostStart: number; realStart: number }): string | undefined {
  if (health.timeScale !== options.timeScale) return `it runs at time scale ${health.timeScale}, not ${options.timeScale}`;
  // How far its clock is behind the host's (the same at every moment, at the same scale). Each
  // origin pairs a clock reading with a real time read a moment later: they may be a real
  // millisecond apart.
  const lag = origin.hostStart - Date.parse(record.hostStart) - (origin.realStart - Date.parse(record.realStart)) * options.timeScale;
  if (Number.isNaN(lag)) return 'its clock origin is not recorded';
  if (Math.abs(lag) > options.timeScale + 1) return `its clock runs ${duration(Math.abs(lag))} ${lag > 0 ? 'behind' : 'ahead of'} the host's`;
  if (record.estate !== options.estatePath) return `it was seeded from ${record.estate}`;
  if (options.port !== 0 && new URL(record.url).port !== String(options.port)) return `it listens on ${record.url}, not port ${options.port}`;
  return undefined;
}

/** GET /_sim/health over the simulator's own certificate; undefined if it does not answer within 2 s. */
function simulatorHealth(record: SimulatorRecord): Promise<{ timeScale: number; resources: number } | undefined> {
  let ca: string;
  let url: URL;
  try {
    ca = readFileSync(record.ca, 'utf8');
    url = new URL('/_sim/health', record.url);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const req = request(url, { ca, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          const json = JSON.parse(body) as { status?: unknown; timeScale?: unknown; resources?: unknown };
          resolve(res.statusCode === 200 && json.status === 'ok' && typeof json.timeScale === 'number' ? { timeScale: json.timeScale, resources: Number(json.resources) || 0 } : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Alive, and not a zombie waiting for a parent that does not reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Whether `pid` is a simulator started for this data directory (when /proc tells). */
export function isSimulatorOf(pid: number, dataDir: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.some((a) => a.endsWith('sim/main.ts')) && args.some((a) => a.startsWith(dataDir));
  } catch {
    return false;
  }
}

async function stopProcess(pid: number): Promise<void> {
  for (const [signal, waitMs] of [['SIGTERM', 5000], ['SIGKILL', 2000]] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (const end = Date.now() + waitMs; Date.now() < end; await sleep(25)) if (!isAlive(pid)) return;
  }
}

/** Resolves when `pid` is gone (checked every two seconds, without keeping the host alive). */
function watchPid(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (isAlive(pid)) return;
      clearInterval(timer);
      resolve();
    }, 2000);
    timer.unref();
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Host milliseconds, in words. */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`;
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-20).join('\n');
}
