/**
 * How the CLI reaches the app's HTTP API: `--app URL` (env FAILOVER_URL, default
 * http://localhost:7071) and the on-call key from `--key` (env FAILOVER_KEY, else the on-call
 * group's key `npm start` keeps in `<data dir>/keys.json`; lib/auth/key-groups.ts); answers
 * parsed, problems printed with their field.
 */
import { join } from 'node:path';
import type { Flags } from './flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export interface AppTarget {
  url: string;
  key: string | undefined;
  /** An Entra access token for the app (`--token`, env FAILOVER_TOKEN): who you are, verified; needed to approve where the catalog names approvers. */
  token?: string | undefined;
}

export async function target(io: CliIo, flags: Flags, env: Readonly<Record<string, string | undefined>>): Promise<AppTarget> {
  const url = (typeof flags['app'] === 'string' ? flags['app'] : (env['FAILOVER_URL'] ?? 'http://localhost:7071')).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--app must be the app's http(s) URL, got '${url}'`);
  const token = typeof flags['token'] === 'string' ? flags['token'] : env['FAILOVER_TOKEN'] !== undefined && env['FAILOVER_TOKEN'] !== '' ? env['FAILOVER_TOKEN'] : undefined;
  return { ...(await keyed(io, flags, env, url)), ...(token !== undefined ? { token } : {}) };
}

async function keyed(io: CliIo, flags: Flags, env: Readonly<Record<string, string | undefined>>, url: string): Promise<AppTarget> {
  if (typeof flags['key'] === 'string') return { url, key: flags['key'] };
  if (env['FAILOVER_KEY'] !== undefined && env['FAILOVER_KEY'] !== '') return { url, key: env['FAILOVER_KEY'] };
  const dataDir = typeof flags['data-dir'] === 'string' ? flags['data-dir'] : (env['LOCAL_DATA_DIR'] ?? '.local');
  try {
    // Every CLI command is an on-call one: the on-call key, never the master key.
    const keys = JSON.parse((await io.read(join(dataDir, 'keys.json'))).toString('utf8')) as { groupKeys?: { oncall?: unknown } };
    const oncall = keys.groupKeys?.oncall;
    return { url, key: typeof oncall === 'string' && oncall !== '' ? oncall : undefined };
  } catch {
    // No local host keys: the request goes without a key and the app says what it wants.
    return { url, key: undefined };
  }
}

export async function call(t: AppTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...(t.key !== undefined ? { 'x-functions-key': t.key } : {}),
        ...(t.token !== undefined ? { authorization: `Bearer ${t.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new Error(`cannot reach the app at ${t.url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}; is 'npm start' running, or is --app right?`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  return { status: res.status, body: parsed };
}

export function failure(io: CliIo, status: number, body: unknown): number {
  const problem = body as { detail?: string; path?: string } | null;
  const detail = typeof problem?.detail === 'string' ? `${problem.detail}${problem.path !== undefined ? ` (field ${problem.path})` : ''}` : JSON.stringify(body);
  io.err(`failover: the app answered ${status}: ${detail}`);
  return EXIT.invalidInput;
}

