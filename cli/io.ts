/** What the CLI touches outside itself, injected so tests run commands in-process. */
import { readFile } from 'node:fs/promises';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Reads a file, or standard input for `-`. */
  read(path: string): Promise<Buffer>;
  now(): Date;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  read: async (path) => (path === '-' ? readStdin() : readFile(path)),
  now: () => new Date(),
};

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Exit codes: scripts tell bad input from a mistyped command. */
/** 3: the command worked and found something wrong (a standby not ready). */
export const EXIT = { ok: 0, invalidInput: 1, usage: 2, notReady: 3 } as const;

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
