/**
 * `failover readiness <workload>`: asks the app whether the workload's standby holds what the
 * catalog requires, and names each missing object (for Media Services, each streaming endpoint
 * lacking the viewers' host name, with the CNAME to create). Exit status 0 when ready, 3 when it has
 * drifted (so a scheduled job can page on it), 1 when the app could not answer.
 */
import { call, failure, target } from './app.js';
import { parseFlags } from './flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { standbyProblems, type ReadinessReport } from '../lib/operators/readiness.js';
import { accessProblems } from '../lib/operators/access-readiness.js';

export const READINESS_USAGE = `failover readiness <workload> [--app URL] [--key KEY] [--data-dir DIR] [--json]
                                  compare the workload's standby with what the catalog requires, and the
                                  app's permissions and alert rules; --json prints the app's report;
                                  exit 0 when ready, 3 when something is missing, 1 when the app could not
                                  answer ('failover status' shows every workload at once)`;

/** The standby's summary, then the access summary, each followed by one indented line per problem to fix. */
function describe(report: ReadinessReport): string[] {
  const standby = report.standby === null ? [] : [`standby: ${report.standby.summary}`, ...standbyProblems(report).map((line) => `  ${line}`)];
  // A report from an app older than the access check has none.
  const access = report.access === undefined ? [] : [`access: ${report.access.summary}`, ...accessProblems(report.access).map((line) => `  ${line}`), ...(report.access.alertingNotChecked !== null ? [`  ${report.access.alertingNotChecked}`] : [])];
  return [...standby, ...access];
}

export async function readinessCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, new Set(['json']), new Set(['app', 'key', 'token', 'data-dir']));
  if (positional.length !== 1) throw new UsageError(`name one workload\n${READINESS_USAGE}`);
  const t = await target(io, flags, env);
  const answer = await call(t, 'GET', `/api/workloads/${encodeURIComponent(positional[0]!)}/readiness`);
  if (answer.status !== 200) return failure(io, answer.status, answer.body);
  const report = answer.body as ReadinessReport;
  if (flags['json'] === true) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    io.out(`${report.workloadId} (${report.kind}): ${report.ready ? 'ready' : 'NOT READY'}, checked ${report.checkedAt}`);
    for (const line of describe(report)) io.out(line);
    if (report.kind !== 'access') io.out(report.primary === null ? 'primary: did not answer' : `primary: ${report.primary.summary}`);
    // A report from an app older than the retirement list has none.
    for (const line of report.retirements ?? []) io.out(line);
  }
  return report.ready ? EXIT.ok : EXIT.notReady;
}
