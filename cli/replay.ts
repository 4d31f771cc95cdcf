/**
 * `failover replay`: rehearse a past incident against a staging app or the local stack, and
 * report what the app decides now against what it decided then (lib/replay). The source is an
 * app's archive, Azure's own history, a file, or a saved incident; the report is printed, and
 * written as JSON and HTML on request; `--save` keeps the incident for the regression suite.
 */
import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, target as appTarget, type AppTarget } from './app.js';
import { parseFlags, type Flags } from './flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { startLocalTarget } from './replay-local.js';
import { parseDuration } from '../lib/catalog/duration.js';
import { azureTargetFromSettings, createAzureClients } from '../lib/azure/clients.js';
import type { IncidentView } from '../lib/operators/incidents.js';
import { importActivityLog, importFile, importGraphIssues, importHealthEvents, selectIncidents, type IncidentSelection } from '../lib/replay/import/index.js';
import { renderReportHtml } from '../lib/replay/render-html.js';
import { renderReportText } from '../lib/replay/render-text.js';
import { MAX_REPLAY_SPEED } from '../lib/replay/request.js';
import { POLL_MS, ReplayFailed, runReplay, type ReplaySource, type ReplayTarget } from '../lib/replay/run-replay.js';
import { mergeImports, sourceFromArchive, sourceFromImports, type ArchiveAnswer } from '../lib/replay/sources.js';
import { readSavedIncident, saveIncident } from '../lib/replay/saved.js';
import type { HealthMode, ReplayReport } from '../lib/replay/types.js';

export const REPLAY_USAGE = `failover replay <source> <target> [options]
Rehearse a past incident with today's catalog and code, and compare the decisions.

Source (one):
  --from-app URL [--from-key KEY]   the archive of an app (normally production; read-only), with
                                    --incident ID | --tracking-id T | --resource ID | --since T [--until T]
  --activity-log --subscription S[,S2] --since T [--until T] [--categories ServiceHealth,ResourceHealth,Administrative]
                                    Azure's own history (Activity Log and Resource Health events, 90 days),
                                    narrowed by --tracking-id or --resource; --m365 adds Microsoft 365 service
                                    health issues (Dynamics 365; Graph ServiceHealth.Read.All); AZURE_* settings
                                    say how to reach Azure
  --file PATH                       payloads: JSON lines, a JSON array, {"records": […]}, {"value": […]}
  --saved DIR                       an incident kept with --save (its expected decisions included)
Target (one):
  --to URL [--to-key KEY]           a staging app (REPLAY_ENABLED=on); a production app refuses with 403
  --local [--catalog PATH] [--estate PATH]
                                    the local stack on a virtual clock (as npm run demo starts it)
Options:
  --speed N           original spacing and guardrail waits divided by N (default 60; 1 to ${MAX_REPLAY_SPEED})
  --health recorded|live
                      recorded (default): health checks answered as Azure answered then; live: the target's resources
  --plan              decisions only: playbooks plan and do not act
  --expect FILE       compare with a saved report's incidents instead of the original ones
  --timeout D         how long to follow the replay, target time (default 6h, e.g. 30m)
  --json              print the report (with --dry-run, what would be replayed) as JSON
  --out FILE          also write the report as JSON
  --html FILE         write the HTML report           --save DIR   keep the incident for the regression suite
  --dry-run           show what would be replayed, and stop
Exit status: 0 the decisions match (or there was nothing to compare with), 1 they differ,
2 usage error, 4 the replay could not run (source, target, or a refusal; the message says which).`;

const BOOLEANS = new Set(['activity-log', 'm365', 'local', 'plan', 'json', 'dry-run']);
const EXIT_CANNOT_RUN = EXIT.cannotRun;

export async function replayCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  try {
    return await replay(io, args, env);
  } catch (err) {
    // A usage mistake shows this command's options, not the whole CLI's.
    if (err instanceof UsageError && !err.message.includes('\n')) throw new UsageError(`${err.message}\n\n${REPLAY_USAGE}`);
    throw err;
  }
}

async function replay(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const { positional, flags } = parseFlags(args, BOOLEANS);
  if (positional.length > 0) throw new UsageError(`replay takes options only (got '${positional[0]}')`);
  const speed = number(flags, 'speed', 60);
  if (speed < 1 || speed > MAX_REPLAY_SPEED) throw new UsageError(`--speed must be from 1 to ${MAX_REPLAY_SPEED} (got ${speed})`);
  const health = (text(flags, 'health') ?? 'recorded') as HealthMode;
  if (health !== 'recorded' && health !== 'live') throw new UsageError(`--health must be recorded or live (got '${health}')`);
  const timeoutMs = duration(text(flags, 'timeout') ?? '6h', '--timeout');
  const progress = (line: string) => io.err(line);
  let source: ReplaySource;
  try {
    source = await readSource(io, flags, env, progress);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    io.err(`failover: cannot read the source: ${(err as Error).message}`);
    return EXIT_CANNOT_RUN;
  }
  if (source.signals.length === 0) {
    io.err('failover: the source holds no signal to replay: widen the window or check the selection');
    return EXIT_CANNOT_RUN;
  }
  const expect = text(flags, 'expect');
  if (expect !== undefined) {
    try {
      const saved = JSON.parse((await io.read(expect)).toString('utf8')) as Partial<ReplayReport>;
      if (!Array.isArray(saved.now)) throw new Error('it has no `now` list of incidents: give a report written by --out or --json');
      source.expected = saved.now;
    } catch (err) {
      io.err(`failover: cannot read the expected report ${expect}: ${(err as Error).message}`);
      return EXIT_CANNOT_RUN;
    }
  }
  if (flags['dry-run'] === true) {
    io.out(flags['json'] === true ? JSON.stringify(dryRunJson(source, speed), null, 2) : dryRun(source, speed));
    return EXIT.ok;
  }
  let report: ReplayReport;
  let target: ReplayTarget & { close?: () => Promise<void> };
  try {
    target = await openTarget(io, flags, env, source);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    io.err(`failover: cannot open the target: ${(err as Error).message}`);
    return EXIT_CANNOT_RUN;
  }
  try {
    report = await runReplay(target, source, { speed, healthMode: health, mode: flags['plan'] === true ? 'plan' : 'execute', timeoutMs, progress });
  } catch (err) {
    if (err instanceof ReplayFailed) {
      io.err(`failover: ${err.message}`);
      return EXIT_CANNOT_RUN;
    }
    throw err;
  } finally {
    await target.close?.();
  }
  const out = text(flags, 'out');
  if (out !== undefined) await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  const html = text(flags, 'html');
  if (html !== undefined) await writeFile(html, renderReportHtml(report));
  const save = text(flags, 'save');
  if (save !== undefined) io.err(`saved the incident for the regression suite in ${await saveIncident(save, source, report)}`);
  io.out(flags['json'] === true ? JSON.stringify(report, null, 2) : renderReportText(report));
  return report.verdict === 'differ' ? 1 : EXIT.ok;
}

async function readSource(io: CliIo, flags: Flags, env: Readonly<Record<string, string | undefined>>, progress: (line: string) => void): Promise<ReplaySource> {
  const kinds = ['from-app', 'activity-log', 'file', 'saved'].filter((k) => flags[k] !== undefined);
  if (kinds.length !== 1) throw new UsageError(`name one source: --from-app, --activity-log, --file or --saved (got ${kinds.length === 0 ? 'none' : kinds.map((k) => `--${k}`).join(' and ')})`);
  const selection: IncidentSelection = {
    ...(text(flags, 'tracking-id') !== undefined ? { trackingId: text(flags, 'tracking-id')! } : {}),
    ...(text(flags, 'resource') !== undefined ? { resourceId: text(flags, 'resource')! } : {}),
    ...(text(flags, 'since') !== undefined ? { from: instant(flags, 'since') } : {}),
    ...(text(flags, 'until') !== undefined ? { to: instant(flags, 'until') } : {}),
  };
  switch (kinds[0]) {
    case 'from-app': {
      const app: AppTarget = await appTarget(io, { app: flags['from-app']!, ...(flags['from-key'] !== undefined ? { key: flags['from-key'] } : {}) }, env);
      const query = new URLSearchParams();
      for (const [flag, param] of [['incident', 'incidentId'], ['tracking-id', 'trackingId'], ['resource', 'resourceId'], ['since', 'from'], ['until', 'to']] as const) {
        const value = text(flags, flag);
        if (value !== undefined) query.set(param, value);
      }
      const answer = await call(app, 'GET', `/api/archive?${query}`);
      if (answer.status !== 200) throw new Error(`${app.url} answered ${answer.status}: ${(answer.body as { detail?: string })?.detail ?? JSON.stringify(answer.body)}`);
      progress(`read ${(answer.body as ArchiveAnswer).incidents.length} incident(s) from the archive of ${app.url}`);
      return sourceFromArchive(`archive of ${app.url} (${query})`, answer.body as ArchiveAnswer, async (id) => {
        const v = await call(app, 'GET', `/api/incidents/${id}`);
        return v.status === 200 ? (v.body as IncidentView) : null;
      });
    }
    case 'activity-log': {
      const subscriptions = (text(flags, 'subscription') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (subscriptions.length === 0) throw new UsageError('--activity-log needs --subscription S[,S2]: the subscriptions whose history to read');
      if (selection.from === undefined) throw new UsageError('--activity-log needs --since T: where the window starts (at most 90 days ago)');
      const window = { subscriptions, from: selection.from, to: selection.to ?? new Date() };
      const clients = createAzureClients(azureTargetFromSettings(env, (path) => readFileSync(path, 'utf8')));
      const categories = text(flags, 'categories')?.split(',').map((c) => c.trim()) as Parameters<typeof importActivityLog>[1]['categories'];
      const read = mergeImports([
        await importActivityLog(clients, { ...window, ...(categories !== undefined ? { categories } : {}), progress }),
        await importHealthEvents(clients, { ...window, progress }),
        ...(flags['m365'] === true ? [await importGraphIssues(clients, { from: window.from, to: window.to, progress })] : []),
      ]);
      for (const line of read.skipped) progress(`skipped ${line}`);
      return sourceFromImports(`Azure history of ${subscriptions.join(', ')}`, selectIncidents(read, selection));
    }
    case 'file': {
      const path = text(flags, 'file')!;
      const read = await importFile(path);
      for (const line of read.skipped) progress(`skipped ${line}`);
      return sourceFromImports(`file ${path}`, selectIncidents(read, selection));
    }
    default:
      return readSavedIncident(text(flags, 'saved')!);
  }
}

async function openTarget(io: CliIo, flags: Flags, env: Readonly<Record<string, string | undefined>>, source: ReplaySource): Promise<ReplayTarget & { close?: () => Promise<void> }> {
  if ((flags['to'] !== undefined) === (flags['local'] === true)) throw new UsageError('name one target: --to URL (a staging app) or --local');
  if (flags['local'] === true) {
    io.err('starting the local stack (Azurite, the Azure simulator, the app with REPLAY_ENABLED=on) on a virtual clock');
    const catalogPath = text(flags, 'catalog');
    const estatePath = text(flags, 'estate');
    // The virtual clock starts just before the first signal, so the incident's times read as they did.
    return startLocalTarget({ start: Date.parse(source.signals[0]!.at) - 1000, ...(catalogPath !== undefined ? { catalogPath } : {}), ...(estatePath !== undefined ? { estatePath } : {}) });
  }
  const app = await appTarget(io, { app: flags['to']!, ...(flags['to-key'] !== undefined ? { key: flags['to-key'] } : {}) }, env);
  return { label: app.url, call: (method, path, body) => call(app, method, path, body), wait: (ms) => sleep(Math.max(0, Math.min(ms, POLL_MS))), now: () => new Date() };
}

function dryRun(source: ReplaySource, speed: number): string {
  const first = Date.parse(source.signals[0]!.at);
  const lines = [`would replay ${source.signals.length} signal(s) from ${source.label} at ${speed}x:`];
  for (const signal of source.signals) {
    const offset = Math.round((Date.parse(signal.at) - first) / 1000);
    lines.push(`  +${offset}s (+${Math.round(offset / speed)}s at ${speed}x)  ${signal.intake.padEnd(18)} ${signal.origin}`);
    for (const field of signal.inferred) lines.push(`      inferred ${field}`);
  }
  lines.push(`${source.health.length} health observation(s); ${source.then === null ? 'no original incident to compare with' : `${source.then.length} original incident(s) to compare with`}`);
  return lines.join('\n');
}

/** What --dry-run says, as JSON: each signal with its offset from the first, at the original pace and the replay's. */
function dryRunJson(source: ReplaySource, speed: number) {
  const first = Date.parse(source.signals[0]!.at);
  return {
    source: source.label,
    speed,
    signals: source.signals.map((signal) => {
      const offsetSeconds = Math.round((Date.parse(signal.at) - first) / 1000);
      return { at: signal.at, offsetSeconds, replayOffsetSeconds: Math.round(offsetSeconds / speed), intake: signal.intake, origin: signal.origin, inferred: signal.inferred };
    }),
    healthObservations: source.health.length,
    originalIncidents: source.then === null ? null : source.then.length,
  };
}

function text(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  if (v === true) throw new UsageError(`option --${name} needs a value`);
  return v;
}

function number(flags: Flags, name: string, fallback: number): number {
  const v = text(flags, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got '${v}')`);
  return n;
}

function instant(flags: Flags, name: string): Date {
  const v = text(flags, name)!;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} must be an ISO-8601 time such as 2026-11-23T09:00:00Z (got '${v}')`);
  return new Date(ms);
}

function duration(value: string, name: string): number {
  const parsed = parseDuration(value);
  if (!parsed.ok) throw new UsageError(`${name}: ${parsed.message}`);
  return parsed.value.ms;
}
