/**
 * `node --import tsx local/main.ts …` (or another script) from the repository root, as `npm start`
 * runs the local host, for the suites that start it as a process of their own. The host's settings
 * a developer's shell may hold are cleared first, so only the arguments and the `env` given decide
 * how it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './fixtures.js';

/** Settings the host (local/main.ts) or its app reads that would otherwise leak in from the environment. */
const CLEARED = [
  'PORT',
  'TIME_SCALE',
  'LOCAL_DATA_DIR',
  'LOCAL_FUNCTION_KEY',
  'LOCAL_MASTER_KEY',
  'LOCAL_WEBHOOK_KEY',
  'LOCAL_ONCALL_KEY',
  'LOCAL_WORKFLOWS_KEY',
  'LOCAL_MAX_BODY_BYTES',
  'LOCAL_BODY_TIMEOUT_MS',
  'SIM_PORT',
  'SIM_ESTATE',
  'AzureWebJobsStorage',
  'ALERT_ARCHIVE_CONNECTION',
  'ALERT_ARCHIVE_SERVICE_URL',
  'INCIDENT_CLAIMS_CONNECTION',
  'INCIDENT_CLAIMS_SERVICE_URL',
];

export interface LocalMain {
  child: ChildProcess;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** All it has printed so far. */
  output(): { stdout: string; stderr: string };
  /** The first match of `re` in its standard output; rejects if it exits first, or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

const started: ChildProcess[] = [];

/** Starts `script` (default local/main.ts) with `args`; `env` is set on top of the cleared environment. */
export function runLocalMain(args: string[], env: Record<string, string> = {}, script = 'local/main.ts'): LocalMain {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CLEARED) delete childEnv[key];
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp, ms = 15_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)), ms);
      const check = () => {
        const m = stdout.match(re);
        if (m) {
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve(m);
        }
      };
      child.stdout!.on('data', check);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`exited before ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      });
      check();
    });
  return { child, exited, output: () => ({ stdout, stderr }), waitFor };
}

/** SIGKILLs every process runLocalMain started that is still running (for afterAll / afterEach). */
export function killAll(): void {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
