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

const MARKED = new Set<TimelineEntry['type']>(['signal', 'confirmed', 'approval-requested', 'approved', 'rejected', 'resolved', 'failback-ready', 'completed', 'cancelled']);

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
<p class="legend">${Object.entries(STEP_COLOURS)
    .map(([status, color]) => `<span><i style="background:${color}"></i>${esc(status)}</span>`)
    .join('')}</p>
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
  const times = [...incident.timeline.map((e) => Date.parse(e.at)), ...steps.flatMap((r) => [Date.parse(r.step.startedAt), Date.parse(r.step.finishedAt)])].filter(Number.isFinite);
  if (times.length === 0) return '<p>No timeline.</p>';
  const t0 = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - t0);
  const LABEL = 300;
  const WIDTH = 1040;
  const ROW = 18;
  const TOP = 46;
  const height = TOP + steps.length * ROW + 30;
  const x = (iso: string) => LABEL + ((Date.parse(iso) - t0) / span) * (WIDTH - LABEL - 20);
  const markers = incident.timeline
    .filter((e) => MARKED.has(e.type))
    .map((e) => `<g><line x1="${x(e.at).toFixed(1)}" y1="14" x2="${x(e.at).toFixed(1)}" y2="${height - 26}" stroke="#b0bec5" stroke-dasharray="2,3"/><circle cx="${x(e.at).toFixed(1)}" cy="14" r="4" fill="#37474f"><title>${esc(`${e.at} ${e.type}: ${e.detail}`)}</title></circle></g>`)
    .join('');
  const bars = steps
    .map((r, i) => {
      const y = TOP + i * ROW;
      const x1 = x(r.step.startedAt);
      const w = Math.max(3, x(r.step.finishedAt) - x1);
      const label = `${r.workload} · ${r.direction} · ${r.step.step}`;
      return `<g class="step"><text x="4" y="${y + 12}">${esc(label)}</text><rect x="${x1.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${ROW - 5}" rx="2" fill="${STEP_COLOURS[r.step.status]}"><title>${esc(`${label}: ${r.step.status}, ${duration(r.step)}: ${r.step.detail}`)}</title></rect></g>`;
    })
    .join('');
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const at = LABEL + f * (WIDTH - LABEL - 20);
      return `<text x="${at.toFixed(1)}" y="${height - 8}" text-anchor="${f === 1 ? 'end' : f === 0 ? 'start' : 'middle'}">+${esc(formatMs(f * span))}</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="timeline of ${esc(incident.incidentId)}" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
<text x="4" y="18">decisions</text>${markers}${bars}${axis}</svg>`;
}

function duration(step: StepRecord): string {
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

