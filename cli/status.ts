/**
 * `failover status`: what is protected and how ready it is, as the app answers GET /api/status
 * (lib/operators/status.ts): a table on a terminal, a block of plain lines per workload
 * otherwise (for a log or grep), the app's JSON with --json. Exit 0 when every workload is ready,
 * 3 when any is not or its readiness could not be checked, 1 when the app could not answer.
 */
import { call, failure, target } from './app.js';
import { parseFlags } from './flags.js';
import { EXIT, UsageError, type CliIo } from './io.js';
import { fit } from './watch.js';
import type { Check, ProtectionStatus, WorkloadStatus } from '../lib/operators/status.js';

export const STATUS_USAGE = `failover status [--app URL] [--key KEY] [--data-dir DIR] [--json]
    What is protected and how ready it is, per workload: the side it runs on (the App Configuration
    pointer its playbook flips), its last failover, readiness drift, the app's permissions, open
    incidents, and the retired services it depends on. A table on a terminal, plain lines otherwise;
    --json prints the app's answer (GET /api/status). A check that could not be made shows as unknown,
    with why. Exit 0 when every workload is ready, 3 when any is not (or its readiness could not be
    checked), 1 when the app could not answer.`;

const VALUES = new Set(['app', 'key', 'token', 'data-dir']);

export async function statusCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, new Set(['json']), VALUES);
  if (positional.length > 0) throw new UsageError(`status takes no arguments (got '${positional[0]}')\n${STATUS_USAGE}`);
  const t = await target(io, flags, env);
  const answer = await call(t, 'GET', '/api/status');
  if (answer.status !== 200) return failure(io, answer.status, answer.body);
  const status = answer.body as ProtectionStatus;
  if (flags['json'] === true) io.out(JSON.stringify(status, null, 2));
  else for (const line of io.isTTY === true ? table(status, io.columns) : plain(status)) io.out(line);
  return status.ready ? EXIT.ok : EXIT.notReady;
}

function readiness(w: WorkloadStatus): string {
  return w.ready === null ? 'unknown' : w.ready ? 'ready' : 'NOT READY';
}

function active(w: WorkloadStatus, long: boolean): string {
  if (!w.active.known) return long ? `unknown: ${w.active.why}` : 'unknown';
  return long ? `${w.active.side} ('${w.active.key}' reads '${w.active.value}')` : w.active.side;
}

function lastFailover(w: WorkloadStatus): string {
  if (!w.lastFailover.known) return 'unknown';
  return w.lastFailover.at ?? 'never';
}

function drift(w: WorkloadStatus, long: boolean): string {
  const d = w.drift;
  if (!d.known) return long ? `unknown: ${d.why}` : 'unknown';
  if (d.summary === null) return long ? 'nothing to compare for this kind of workload' : '-';
  if (!long) return d.complete ? 'none' : `${d.problems.length} problem${d.problems.length === 1 ? '' : 's'}`;
  return d.summary;
}

function permissions(w: WorkloadStatus, long: boolean): string {
  const p = w.permissions;
  if (!p.known) return long ? `unknown: ${p.why}` : 'unknown';
  if (!long) return p.complete ? 'ok' : `${p.problems.length} missing`;
  return p.summary;
}

function incidents(w: WorkloadStatus): string {
  const i = w.openIncidents;
  if (!i.known) return 'unknown';
  return i.incidents.length === 0 ? 'none' : `${i.incidents.length} open`;
}

function whyUnknown<T>(check: Check<T>): string[] {
  return check.known ? [] : [check.why];
}

/** One block per workload: every field on its own line, nothing cut, so a log or grep reads it. */
function plain(status: ProtectionStatus): string[] {
  const lines: string[] = [];
  if (status.workloads.length === 0) return [`${status.summary} (checked ${status.checkedAt})`];
  for (const w of status.workloads) {
    lines.push(`${w.workloadId} (${w.kind}, ${w.primaryRegion} → ${w.secondaryRegion ?? 'no secondary region'}): ${readiness(w)}`);
    lines.push(`  active side: ${active(w, true)}`);
    lines.push(`  last failover: ${w.lastFailover.known ? (w.lastFailover.at ?? 'never') : `unknown: ${w.lastFailover.why}`}`);
    lines.push(`  drift: ${drift(w, true)}`);
    if (w.drift.known) for (const p of w.drift.problems) lines.push(`    ${p}`);
    lines.push(`  permissions: ${permissions(w, true)}`);
    if (w.permissions.known) for (const p of [...w.permissions.problems, ...(w.permissions.notChecked !== null ? [w.permissions.notChecked] : [])]) lines.push(`    ${p}`);
    lines.push(`  open incidents: ${openIncidentLines(w).length === 0 ? 'none' : ''}`.trimEnd());
    for (const l of openIncidentLines(w)) lines.push(`    ${l}`);
    lines.push(`  retired services: ${w.retirements.length === 0 ? 'none' : ''}`.trimEnd());
    for (const r of w.retirements) lines.push(`    ${r.detail}`);
  }
  lines.push(`${status.summary} (checked ${status.checkedAt})`);
  return lines;
}

function openIncidentLines(w: WorkloadStatus): string[] {
  if (!w.openIncidents.known) return [`unknown: ${w.openIncidents.why}`];
  return w.openIncidents.incidents.map((i) => `${i.incidentId}  ${i.phase}  since ${i.createdAt}${i.title !== null ? `  ${i.title}` : ''}`);
}

const HEADERS = ['WORKLOAD', 'READY', 'ACTIVE', 'LAST FAILOVER', 'DRIFT', 'PERMISSIONS', 'INCIDENTS', 'RETIRED'] as const;

/**
 * The screen: one row per workload, then what needs a look (the problems, the open incidents,
 * why a check is unknown), each line cut to the terminal's width as the live watch cuts its lines.
 */
function table(status: ProtectionStatus, columns: number | undefined): string[] {
  if (status.workloads.length === 0) return [`${status.summary} (checked ${status.checkedAt})`];
  const rows = status.workloads.map((w) => [
    w.workloadId,
    readiness(w),
    active(w, false),
    lastFailover(w),
    drift(w, false),
    permissions(w, false),
    incidents(w),
    w.retirements.length === 0 ? '-' : w.retirements.map((r) => r.service).join(', '),
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const row = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const lines = [row(HEADERS), ...rows.map(row)];
  const notes: string[] = [];
  for (const w of status.workloads) {
    const items = [
      ...whyUnknown(w.active).map((why) => `active side unknown: ${why}`),
      ...whyUnknown(w.lastFailover).map((why) => `last failover unknown: ${why}`),
      ...(w.drift.known ? w.drift.problems : [`readiness unknown: ${w.drift.why}`]),
      ...(w.permissions.known ? w.permissions.problems : []),
      ...(w.openIncidents.known ? w.openIncidents.incidents.map((i) => `incident ${i.incidentId}: ${i.phase}${i.title !== null ? `, ${i.title}` : ''}`) : [`open incidents unknown: ${w.openIncidents.why}`]),
    ];
    if (items.length > 0) notes.push(`${w.workloadId}:`, ...items.map((i) => `  ${i}`));
  }
  const notChecked = [...new Set(status.workloads.flatMap((w) => (w.permissions.known && w.permissions.notChecked !== null ? [w.permissions.notChecked] : [])))];
  const all = [...lines, ...(notes.length > 0 ? ['', ...notes] : []), ...notChecked.map((n) => `alerting not checked: ${n}`), '', `${status.summary} (checked ${status.checkedAt})`];
  return columns === undefined ? all : all.map((l) => fit(l, columns));
}
