/** Runs the `failover` CLI in this process, as the tests drive it, and keeps what it printed. */
import { readFile } from 'node:fs/promises';
import { runCli } from '../../cli/main.js';
import type { CliIo } from '../../cli/io.js';

export interface CliRun {
  code: number;
  /** Standard output (the report), and standard error (progress and problems), each line by line. */
  out: string;
  err: string;
}

export async function cli(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), read: (path) => readFile(path), now: () => new Date() };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The CLI against an in-process app, as on-call runs it: `--app` and the on-call key added to `args`. */
export function cliAgainst(app: { host: { url: string }; keys: { oncall: string } }): (...args: string[]) => Promise<CliRun> {
  return (...args) => cli([...args, '--app', app.host.url, '--key', app.keys.oncall]);
}
