/**
 * The replay report as the terminal shows it, for someone reading it at 3 a.m.: what was
 * replayed where and how; each signal at its original spacing with what it did then and now;
 * per incident and workload a then | now table; every difference on a line of its own; and the
 * verdict with the exit status it means. Plain text, no colours; `→` reads "then → now", as the
 * incident timeline the CLI prints already writes it.
 */
import { formatDuration } from '../notify/render.js';
import { elapsedMs } from './runs.js';
import { outcomeText, pairIncidents, pairWorkloads, recoveryText, type IncidentPair, type WorkloadPair } from './compare.js';
import type { Difference, PlaybookRun, ReplayReport, SignalRun, WorkloadRun } from './types.js';

/** One row of a workload's then | now table, and which differences it shows. */
export interface WorkloadRow {
  label: string;
  then: string;
  now: string;
  /** Whether a difference's `what` is about this row (the HTML page marks those rows). */
  shows(what: string): boolean;
}

export function renderReportText(report: ReplayReport): string {
  const lines: string[] = [];
  lines.push(`Replay ${report.replayId}: ${report.label}`);
  lines.push(`  target ${report.target}, speed x${report.speed}, health ${report.healthMode}, mode ${report.mode}, took ${formatDuration(elapsedMs(report.startedAt, report.finishedAt) ?? 0)}`);
  lines.push('');
  lines.push(`Signals (${report.signals.length})`);
  const first = report.signals[0]?.at;
  for (const s of report.signals) lines.push(`  ${offsetText(first, s.at).padEnd(9)} ${s.title ?? s.origin}: ${signalThen(s)} → ${signalNow(s)}`);
  for (const pair of pairIncidents(report.then ?? [], report.now)) {
    lines.push('');
    lines.push(...incidentLines(pair, report.then !== null));
  }
  const notes = report.notes ?? [];
  if (report.differences.length > 0) {
    lines.push('');
    lines.push(`Differences (${report.differences.length})`);
    for (const d of report.differences) lines.push(`  ${differenceText(d)}`);
  }
  if (notes.length > 0) {
    lines.push('');
    lines.push(`Reasons worded differently, same verdict (${notes.length}, not counted)`);
    for (const d of notes) lines.push(`  ${differenceText(d)}`);
  }
  lines.push('');
  lines.push(verdictText(report));
  return `${lines.join('\n')}\n`;
}

/** `MATCH (exit 0)`, `DIFFERS in 3 places (exit 1)`, `no expectation to compare with (exit 0)`. */
export function verdictText(report: Pick<ReplayReport, 'verdict' | 'differences'>): string {
  switch (report.verdict) {
    case 'match':
      return 'MATCH (exit 0)';
    case 'differ': {
      const n = report.differences.length;
      return `DIFFERS in ${n} place${n === 1 ? '' : 's'} (exit 1)`;
    }
    case 'no-expectation':
      return 'no expectation to compare with (exit 0)';
  }
}

/** `INC-1 media-streaming: failed over: yes → no`; an incident-wide one names no workload. */
export function differenceText(d: Difference): string {
  return `${d.incidentKey ?? '(no incident key)'}${d.workloadId !== null ? ` ${d.workloadId}` : ''}: ${d.what}: ${d.then} → ${d.now}`;
}

/** `+0s`, `+12m 30s`: how long after the first signal, at the original spacing. */
export function offsetText(first: string | undefined, at: string): string {
  const ms = first === undefined ? 0 : (elapsedMs(first, at) ?? 0);
  return ms === 0 ? '+0s' : `+${formatDuration(ms)}`;
}

/** What the original intake made of the signal: `accepted, incident inc-1`; unknown for one imported from Azure's history. */
export function signalThen(s: SignalRun): string {
  if (s.then === null) return 'then unknown';
  return `then ${s.then.outcome}${s.then.incidentId !== null ? `, incident ${s.then.incidentId}` : ''}`;
}

/** What the target answered now: `HTTP 202 started, incident r-1: media-streaming act`, or why it did not act. */
export function signalNow(s: SignalRun): string {
  if (s.now === null) return 'now not delivered';
  const n = s.now;
  const head = `now HTTP ${n.status}${n.delivery !== null ? ` ${n.delivery}` : ''}${n.incidentId !== null ? `, incident ${n.incidentId}` : ''}`;
  if (!n.acted) return `${head}: not acted: ${n.reason ?? 'no reason given'}`;
  const decided = n.decisions.map((d) => `${d.workloadId} ${d.verdict}`).join(', ');
  return `${head}: acted${decided !== '' ? ` (${decided})` : ''}`;
}

/** The then | now rows for one workload: verdict, approvals, failover, failback, recovery. */
export function workloadRows(pair: WorkloadPair): WorkloadRow[] {
  const cell = (w: WorkloadRun | null, text: (w: WorkloadRun) => string) => (w === null ? '-' : text(w));
  const row = (label: string, text: (w: WorkloadRun) => string, shows: (what: string) => boolean): WorkloadRow => ({ label, then: cell(pair.then, text), now: cell(pair.now, text), shows });
  const about = (direction: 'failover' | 'failback', ran: string) => (what: string) => what === ran || what.startsWith(`${direction} `);
  return [
    row('verdict', (w) => w.verdict, (what) => what === 'verdict'),
    row('approvals asked', (w) => String(w.approvalsAsked), (what) => what === 'approvals asked'),
    row('failed over', (w) => playbookText(w.failover), about('failover', 'failed over')),
    row('failed back', (w) => playbookText(w.failback), about('failback', 'failed back')),
    row('recovery', (w) => recoveryText(w.recoveryMs, w.objectiveMs), (what) => what === 'recovery objective'),
  ];
}

/** `no`, `yes: ok, 4 steps in 3m 10s`, `yes: failed at switch-traffic, 2 steps in 1m`. */
export function playbookText(run: PlaybookRun | null): string {
  if (run === null) return 'no';
  const ran = new Set(run.steps.filter((s) => s.status !== 'not-run').map((s) => s.step)).size;
  const state = run.ok ? 'ok' : run.failedStep !== null ? `failed at ${run.failedStep}` : 'not ok';
  return `yes: ${state}, ${ran} step${ran === 1 ? '' : 's'} in ${formatDuration(run.durationMs)}`;
}

function incidentLines(pair: IncidentPair, compared: boolean): string[] {
  const title = pair.now?.title ?? pair.then?.title ?? pair.now?.incidentId ?? pair.then?.incidentId ?? '';
  const side = (run: IncidentPair['then']) => (run === null ? 'no incident' : `${run.incidentId}: ${outcomeText(run)}`);
  const lines = [`Incident ${pair.incidentKey ?? '(no incident key)'}: ${title}`];
  if (compared) lines.push(`  then ${side(pair.then)}`);
  lines.push(`  now  ${side(pair.now)}`);
  const table: string[][] = [];
  for (const w of pairWorkloads(pair.then, pair.now)) {
    table.push(compared ? [w.workloadId, 'then', 'now'] : [w.workloadId, 'now']);
    for (const r of workloadRows(w)) table.push(compared ? [`  ${r.label}`, r.then, r.now] : [`  ${r.label}`, r.now]);
  }
  if (table.length === 0) lines.push('  no workloads');
  return [...lines, ...columns(table).map((l) => `  ${l}`)];
}

/** Cells padded to their column's width and joined with ` | `. */
function columns(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join(' | '));
}
