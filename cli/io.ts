/** What the CLI touches outside itself, injected so tests run commands in-process. */
import { readFile } from 'node:fs/promises';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads a file, or standard input for `-`. */
  read(path: string): Promise<Buffer>;
  now(): Date;
  /** Whether standard output is a terminal (a person reading), so output may be laid out for the screen; absent means not. */
  isTTY?: boolean;
  /** The terminal's width in columns, when standard output is one. */
  columns?: number;
}

/**
 * A reader that closed the pipe (`failover incidents list | head -5`) has all it wants: the
 * command stops there, quietly and successfully, as Unix tools do, instead of dying on EPIPE
 * with a stack trace. Any other write error is not ours to hide.
 */
export function quietOnClosedPipe(stream: NodeJS.WritableStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') exit(0);
    else throw err;
  });
}

let pipesGuarded = false;
function guardPipes(): void {
  if (pipesGuarded) return;
  pipesGuarded = true;
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
}

export const processIo: CliIo = {
  out: (text) => {
    guardPipes();
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  err: (text) => {
    guardPipes();
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  read: async (path) => (path === '-' ? readStdin() : readFile(path)),
  now: () => new Date(),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
  get columns() {
    return process.stdout.columns;
  },
};

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Exit codes, the same for every command (the top-level help and the README list them):
 * 0 it worked; 1 invalid input or a failure outside the CLI (the message names the file, the
 * field, or what could not be reached); 2 a usage mistake; 3 the command worked and found
 * something not ready (readiness, status, infra plan's changes); 4 a replay that could not run.
 */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2, notReady: 3, cannotRun: 4 } as const;

export class UsageError extends Error {}

/** Reads an input file, turning a missing or unreadable file into a message that names it. */
export async function readInput(io: CliIo, path: string, what: string): Promise<{ ok: true; data: Buffer } | { ok: false }> {
  try {
    return { ok: true, data: await io.read(path) };
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    io.err(`failover: cannot read ${what} '${path}': ${reason}`);
    return { ok: false };
  }
}
