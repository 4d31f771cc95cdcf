/**
 * An incident report as one self-contained HTML page: what happened, what the orchestrator
 * decided and when, and a picture of the timeline (an SVG chart of every playbook step, failover
 * and failback, against the incident's clock, with its decisions marked above). No scripts, no
 * external assets: it opens from a file, an e-mail attachment or a ticket.
 */
import type { TimelineEntry } from '../incidents/types.js';
import type { PlaybookResult, StepRecord } from '../playbooks/types.js';
import { escapeHtml as esc } from '../http/html.js';

export interface ReportIncident {
  incidentId: string;
  title: string;
  outcome: string;
  workloads: string[];
  timeline: TimelineEntry[];
  failover: Record<string, PlaybookResult>;
  failback: Record<string, PlaybookResult>;
}

export interface ReportCheck {
  ok: boolean;
  what: string;
}

export interface ReportMeta {
  title: string;
  generatedAt: string;
  /** What was checked afterwards (the estate's end state), shown as a list. */
  checks?: ReportCheck[];
}

/** Each step status's colour in a timeline picture (this report's and the replay report's). */
export const STEP_COLOURS: Record<StepRecord['status'], string> = {
  done: '#2e7d32',
  'already-done': '#90a4ae',
  skipped: '#f9a825',
  planned: '#1e88e5',
  failed: '#c62828',
  compensated: '#6a1b9a',
  'not-run': '#cfd8dc',
};

/** The timeline entries a picture marks on its time axis: the signals and the decisions that moved the incident. */
export const MARKED: ReadonlySet<TimelineEntry['type']> = new Set<TimelineEntry['type']>(['signal', 'confirmed', 'approval-requested', 'approved', 'rejected', 'resolved', 'failback-ready', 'completed', 'cancelled']);

export function renderIncidentReport(incidents: readonly ReportIncident[], meta: ReportMeta): string {
  const checks =
    meta.checks === undefined
      ? ''
      : `<h2>End state</h2><ul class="checks">${meta.checks.map((c) => `<li class="${c.ok ? 'ok' : 'bad'}">${c.ok ? '✓' : '✗'} ${esc(c.what)}</li>`).join('')}</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(meta.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1c2833}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}section.incident{border-top:2px solid #ddd;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}.checks{list-style:none;padding:0}.checks .ok{color:#2e7d32}.checks .bad{color:#c62828;font-weight:bold}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg text{font:11px system-ui,sans-serif}
</style></head><body>
<h1>${esc(meta.title)}</h1>
<p>Generated ${esc(meta.generatedAt)} · ${incidents.length} incident${incidents.length === 1 ? '' : 's'}</p>
${checks}
${stepLegend()}
${incidents.map(section).join('\n')}
</body></html>
`;
}

function section(incident: ReportIncident): string {
  const steps = rows(incident);
  return `<section class="incident" id="${esc(incident.incidentId)}">
<h2>${esc(incident.title)}</h2>
<p><b>${esc(incident.outcome)}</b> · ${esc(incident.workloads.join(', ') || 'no workloads')} · incident ${esc(incident.incidentId)}</p>
${chart(incident, steps)}
<h3>Steps</h3>
<table><thead><tr><th>workload</th><th>direction</th><th>step</th><th>status</th><th>took</th><th>detail</th></tr></thead><tbody>
${steps.map((r) => `<tr><td>${esc(r.workload)}</td><td>${esc(r.direction)}</td><td>${esc(r.step.step)}</td><td>${esc(r.step.status)}</td><td class="num">${esc(duration(r.step))}</td><td>${esc(r.step.detail)}</td></tr>`).join('\n')}
</tbody></table>
<h3>Timeline</h3>
<table><thead><tr><th>at</th><th>what</th><th>detail</th></tr></thead><tbody>
${incident.timeline.map((e) => `<tr><td class="num">${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</tbody></table>
</section>`;
}

interface Row {
  workload: string;
  direction: 'failover' | 'failback';
  step: StepRecord;
}

function rows(incident: ReportIncident): Row[] {
  const out: Row[] = [];
  for (const direction of ['failover', 'failback'] as const) {
    for (const [workload, result] of Object.entries(incident[direction])) {
      for (const step of result.steps) out.push({ workload, direction, step });
    }
  }
  return out;
}

/** The timeline as a picture: decisions on top, one bar per step below, on one time axis. */
function chart(incident: ReportIncident, steps: readonly Row[]): string {
  const LABEL = 300;
  const WIDTH = 1040;
  const ROW = 18;
  const TOP = 46;
  const axis = timeAxis([...incident.timeline.map((e) => e.at), ...steps.flatMap((r) => [r.step.startedAt, r.step.finishedAt])], LABEL, WIDTH - 20);
  if (axis === null) return '<p>No timeline.</p>';
  const height = TOP + steps.length * ROW + 30;
  const bars = steps
    .map((r, i) => {
      const y = TOP + i * ROW;
      const label = `${r.workload} · ${r.direction} · ${r.step.step}`;
      return `<g class="step"><text x="4" y="${y + 12}">${esc(label)}</text>${stepBar(axis, r.step, y + 2, ROW - 5, label)}</g>`;
    })
    .join('');
  return `<svg role="img" aria-label="timeline of ${esc(incident.incidentId)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
<text x="4" y="18">decisions</text>${timelineMarks(incident.timeline.filter((e) => MARKED.has(e.type)), axis, 14, height - 26)}${bars}${axisLabels(axis, height - 8)}</svg>`;
}

/** Where instants fall across a picture: `x` maps an ISO time to a position between `left` and `right`. */
export interface TimeAxis {
  readonly t0: number;
  /** Milliseconds from the first instant to the last (at least 1). */
  readonly span: number;
  readonly left: number;
  readonly right: number;
  x(iso: string): number;
}

/** The axis spanning the given instants (ISO; ones that are not times are left out), or null when there are none. */
export function timeAxis(instants: readonly string[], left: number, right: number): TimeAxis | null {
  const times = instants.map((iso) => Date.parse(iso)).filter(Number.isFinite);
  if (times.length === 0) return null;
  const t0 = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - t0);
  return { t0, span, left, right, x: (iso) => left + ((Date.parse(iso) - t0) / span) * (right - left) };
}

/** Timeline entries as marks: a dot at `dotY` (a signal's red, a decision's dark) and a dashed line down to `bottom`; each says what it is on hover. */
export function timelineMarks(entries: readonly TimelineEntry[], axis: TimeAxis, dotY: number, bottom: number): string {
  return entries
    .map((e) => {
      const at = axis.x(e.at).toFixed(1);
      const kind = e.type === 'signal' ? 'signal' : 'decision';
      return `<g class="mark ${kind}"><line x1="${at}" y1="${dotY}" x2="${at}" y2="${bottom}" stroke="#b0bec5" stroke-dasharray="2,3"/><circle cx="${at}" cy="${dotY}" r="4" fill="${kind === 'signal' ? '#c62828' : '#37474f'}"><title>${esc(`${e.at} ${e.type}: ${e.detail}`)}</title></circle></g>`;
    })
    .join('');
}

/** One step's bar: from its start to its finish (at least 3 px), coloured by its status, saying what it did on hover. */
export function stepBar(axis: TimeAxis, step: StepRecord, y: number, height: number, label: string): string {
  const x1 = axis.x(step.startedAt);
  const w = Math.max(3, axis.x(step.finishedAt) - x1);
  return `<rect x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${height}" rx="2" fill="${STEP_COLOURS[step.status]}"><title>${esc(`${label}: ${step.status}, ${duration(step)}: ${step.detail}`)}</title></rect>`;
}

/** Elapsed time under the picture at five points, `+0 ms` to `+<span>`. */
export function axisLabels(axis: TimeAxis, y: number): string {
  return [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const at = axis.left + f * (axis.right - axis.left);
      return `<text x="${at.toFixed(1)}" y="${y}" text-anchor="${f === 1 ? 'end' : f === 0 ? 'start' : 'middle'}">+${esc(formatMs(f * axis.span))}</text>`;
    })
    .join('');
}

/** The legend of step colours. */
export function stepLegend(): string {
  return `<p class="legend">${Object.entries(STEP_COLOURS)
    .map(([status, color]) => `<span><i style="background:${color}"></i>${esc(status)}</span>`)
    .join('')}</p>`;
}

export function duration(step: StepRecord): string {
  return formatMs(Date.parse(step.finishedAt) - Date.parse(step.startedAt));
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

