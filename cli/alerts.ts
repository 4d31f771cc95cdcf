/** `failover alerts …`: read alert payloads the way the webhook does. */
import { existsSync } from 'node:fs';
import { formatParseError, parsePayload, type Signal } from '../lib/alerts/index.js';
import { loadCatalogFile, matchSignal } from '../lib/catalog/index.js';
import type { Catalog } from '../lib/catalog/types.js';
import { catalogPathOf } from '../lib/config.js';
import { formatProblem } from './catalog.js';
import { parseFlags } from './flags.js';
import { EXIT, readInput, UsageError, type CliIo } from './io.js';

export const ALERTS_USAGE = `failover alerts parse <file|-> [--catalog FILE] [--json]
    Print the Signal an alert payload becomes, as JSON ('-' reads standard input; a batch such as an
    Event Hub records[] export prints an array). Its "workloads" are the catalog's workloads the alert
    affects, as 'failover catalog match' finds them, from --catalog FILE, else the catalog the app uses
    (CATALOG_PATH, else samples/catalog.yaml); without a catalog they are only the workloads a manual
    request names, and a note says so. The output is JSON with or without --json.
    Exit 1 when an item cannot be read (each is named with its field path) or the catalog is invalid.`;

/** The catalog to match against: --catalog (which must load), else the app's default when there is one. */
async function catalogFor(io: CliIo, explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<{ ok: true; catalog: Catalog | null; path: string } | { ok: false }> {
  const path = explicit ?? catalogPathOf(env);
  if (explicit === undefined && !existsSync(path)) return { ok: true, catalog: null, path };
  const loaded = await loadCatalogFile(path, { now: io.now() });
  if (loaded.ok) return { ok: true, catalog: loaded.catalog, path };
  for (const p of loaded.problems) io.err(formatProblem(p));
  io.err(`failover: ${path} is not a valid catalog, so the workloads an alert affects cannot be named: fix it (failover catalog check ${path}) or pass --catalog FILE`);
  return { ok: false };
}

/**
 * `failover alerts parse <file|->`: prints the Signal as JSON (an array for a batch such as an
 * Event Hub `records[]` export), its `workloads` being those the catalog says the alert affects.
 * Any unreadable item is reported with its path and exits 1.
 */
export async function alertsParse(io: CliIo, file: string, catalogFile?: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const found = await catalogFor(io, catalogFile, env);
  if (!found.ok) return EXIT.invalidInput;
  const input = await readInput(io, file, 'payload');
  if (!input.ok) return EXIT.invalidInput;
  const parsed = parsePayload(input.data, { receivedAt: io.now() });
  if (!parsed.ok) {
    io.err(`failover: ${file}: ${formatParseError(parsed.error)}`);
    return EXIT.invalidInput;
  }
  const { batch, items } = parsed.value;
  // A signal names no workload of its own (only a manual request does): the app finds them by matching the catalog.
  const withWorkloads = (signal: Signal): Signal => (found.catalog === null ? signal : { ...signal, workloads: matchSignal(found.catalog, signal).map((m) => m.workload.id) });
  const signals = items.flatMap((item) => (item.ok ? [withWorkloads(item.value)] : []));
  const failures = items.flatMap((item) => (item.ok ? [] : [item.error]));
  for (const error of failures) io.err(`failover: ${file}: ${formatParseError(error)}`);
  if (found.catalog === null && signals.length > 0) {
    io.err(`failover: note: no catalog at '${found.path}', so "workloads" lists only the workloads a manual request names; pass --catalog FILE for the workloads the alert affects`);
  }
  if (batch) io.out(JSON.stringify(signals, null, 2));
  else if (signals[0] !== undefined) io.out(JSON.stringify(signals[0], null, 2));
  return failures.length === 0 ? EXIT.ok : EXIT.invalidInput;
}

export async function alertsCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, new Set(['json']), new Set(['catalog']));
  const [command, file, ...extra] = positional;
  if (command !== 'parse') throw new UsageError(`unknown command 'alerts${command === undefined ? '' : ` ${command}`}'`);
  if (file === undefined || extra.length > 0) throw new UsageError('expected: failover alerts parse <file|-> [--catalog FILE] [--json]');
  return alertsParse(io, file, typeof flags['catalog'] === 'string' ? flags['catalog'] : undefined, env);
}
