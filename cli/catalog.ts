/** `failover catalog …`: validate a protection catalog and see what an alert would touch. */
import { formatParseError, parseAlert } from '../lib/alerts/index.js';
import { loadCatalogFile, matchSignal, type CatalogProblem, type WorkloadMatch, type MatchReason } from '../lib/catalog/index.js';
import { parseFlags } from './flags.js';
import { EMAIL_SETTINGS_HINT, emailConfiguredIn } from '../lib/config.js';
import { emailTargetProblems, emailTargets } from '../lib/notify/email-targets.js';
import { EXIT, readInput, UsageError, type CliIo } from './io.js';

export const CATALOG_USAGE = `failover catalog check <file> [--json] [--email-configured]
    Validate a protection catalog: every problem by path and line, then a verdict. Exit 1 when invalid.
    Email targets are errors unless the app sends email: EMAIL_ENDPOINT (or EMAIL_CONNECTION_STRING) and
    EMAIL_SENDER set in this environment, or --email-configured when the app's settings have them.
failover catalog match <catalog> <payload|-> [--json]
    Which workloads an alert payload affects, and why ('-' reads standard input).
--json prints the result as JSON (check: file, valid, workloads, problems; match: signal, matches).`;

/** `failover catalog check|match …`. */
export async function catalogCommand(io: CliIo, args: string[]): Promise<number> {
  const { positional, flags } = parseFlags(args, new Set(['json', 'email-configured']), new Set());
  const [command, ...rest] = positional;
  const json = flags['json'] === true;
  switch (command) {
    case 'check':
      if (rest.length !== 1) throw new UsageError('expected: failover catalog check <file> [--json]');
      return catalogCheck(io, rest[0]!, json, flags['email-configured'] === true || emailConfiguredIn(process.env));
    case 'match':
      if (rest.length !== 2) throw new UsageError('expected: failover catalog match <catalog> <payload|-> [--json]');
      return catalogMatch(io, rest[0]!, rest[1]!, json);
    default:
      throw new UsageError(`unknown command 'catalog${command === undefined ? '' : ` ${command}`}'`);
  }
}

export function formatProblem(problem: CatalogProblem): string {
  const mark = problem.severity === 'error' ? 'error  ' : 'warning';
  const where = problem.line !== undefined ? ` (line ${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''})` : '';
  return `  ${mark} ${problem.path}${where}: ${problem.message}`;
}

/**
 * `failover catalog check <file>`: every problem by path, then a one-line verdict. Email targets
 * are errors unless email is configured (`emailConfigured`: the app's EMAIL_* settings in this
 * environment, or --email-configured): the check cannot see the app's settings otherwise.
 */
export async function catalogCheck(io: CliIo, file: string, json: boolean, emailConfigured: boolean = emailConfiguredIn(process.env)): Promise<number> {
  const loaded = await loadCatalogFile(file, { now: io.now() });
  const email = loaded.ok ? emailTargetProblems(loaded.catalog, emailConfigured) : [];
  const result = loaded.ok && email.length > 0 ? { ok: false as const, problems: [...email, ...loaded.warnings] } : loaded;
  const problems = result.ok ? result.warnings : result.problems;
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  if (json) {
    io.out(JSON.stringify({ file, valid: result.ok, workloads: result.ok ? result.catalog.workloads.map((w) => w.id) : [], problems }, null, 2));
    return result.ok ? EXIT.ok : EXIT.invalidInput;
  }
  for (const p of [...errors, ...warnings]) (p.severity === 'error' ? io.err : io.out)(formatProblem(p));
  const counts = `${errors.length} error${errors.length === 1 ? '' : 's'}, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
  const emails = loaded.ok ? emailTargets(loaded.catalog).length : 0;
  if (emails > 0) io.out(`email targets: ${emails}, sent through Azure Communication Services; the app needs ${EMAIL_SETTINGS_HINT}${emailConfigured ? '' : ' (not set here)'}`);
  if (result.ok) {
    io.out(`${file}: valid, ${result.catalog.workloads.length} workloads (${counts})`);
    return EXIT.ok;
  }
  io.err(`${file}: invalid (${counts}); fix the errors above and run 'failover catalog check ${file}' again`);
  return EXIT.invalidInput;
}

export function describeReason(reason: MatchReason): string {
  switch (reason.by) {
    case 'serviceRegion':
      return `service "${reason.service}" impacted in ${reason.region} (${reason.side === 'both' ? 'every region, primary and secondary' : `${reason.side} region`})`;
    case 'resource':
      return `resource ${reason.resourceId} is the ${reason.side} ${reason.role}`;
    case 'workload':
      return `named in the request`;
  }
}

/** `failover catalog match <catalog> <payload|->`: the affected workloads and why. */
export async function catalogMatch(io: CliIo, catalogFile: string, payloadFile: string, json: boolean): Promise<number> {
  const loaded = await loadCatalogFile(catalogFile, { now: io.now() });
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(formatProblem(p));
    io.err(`failover: ${catalogFile} is not a valid catalog; run 'failover catalog check ${catalogFile}'`);
    return EXIT.invalidInput;
  }
  const input = await readInput(io, payloadFile, 'payload');
  if (!input.ok) return EXIT.invalidInput;
  const parsed = parseAlert(input.data, { receivedAt: io.now() });
  if (!parsed.ok) {
    io.err(`failover: ${payloadFile}: ${formatParseError(parsed.error)}`);
    return EXIT.invalidInput;
  }
  const signal = parsed.value;
  const matches = matchSignal(loaded.catalog, signal);
  if (json) {
    io.out(JSON.stringify({ signal, matches: matches.map(matchSummary) }, null, 2));
    return EXIT.ok;
  }
  const stage = [signal.incidentType, signal.stage].filter((s) => s !== null).join(' ');
  io.out(`${signal.kind} ${signal.incidentKey}${stage === '' ? '' : ` (${stage}, ${signal.lifecycle})`}: ${signal.title ?? 'untitled'}`);
  if (signal.isSynthetic) io.out('note: this is a synthetic test notification (IsSynthetic); the app never fails over on one');
  if (matches.length === 0) {
    io.out('no workload in the catalog is affected');
    return EXIT.ok;
  }
  for (const match of matches) {
    io.out(`- ${match.workload.id} (${match.side} side affected)`);
    for (const reason of match.reasons) io.out(`    ${describeReason(reason)}`);
  }
  return EXIT.ok;
}

function matchSummary(match: WorkloadMatch): { workload: string; side: WorkloadMatch['side']; reasons: MatchReason[] } {
  return { workload: match.workload.id, side: match.side, reasons: match.reasons };
}
