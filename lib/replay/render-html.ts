/**
 * The replay report as one self-contained HTML page (no scripts, no external assets: it opens
 * from a file or a ticket): what was replayed where, the differences first, the signals then and
 * now, and per incident the two runs side by side, each as a picture on its own clock from the
 * incident's first signal: one row per workload with a bar per playbook step, coloured by its
 * status, and the signals and decisions as marks above. Rows and table lines that differ carry
 * the class `differs`. Every text that came from an alert, the catalog or Azure is escaped.
 */
import { escapeHtml as esc } from '../http/html.js';
import type { TimelineEntry } from '../incidents/types.js';
import { formatDuration } from '../notify/render.js';
import { STEP_COLOURS } from '../report/incident-report.js';
import { outcomeText, pairIncidents, pairWorkloads, statusWords, type IncidentPair, type WorkloadPair } from './compare.js';
import { differenceText, offsetText, signalNow, signalThen, verdictText, workloadRows } from './render-text.js';
import type { Difference, IncidentRun, ReplayReport, WorkloadRun } from './types.js';


/** Entries the bars already show; every other non-signal entry is a decision mark. */
const PROGRESS = new Set<TimelineEntry['type']>(['failover-started', 'failover-finished', 'failback-started', 'failback-finished']);
const SIGNALS = new Set<TimelineEntry['type']>(['signal', 'duplicate-signal', 'ignored-signal']);

const WIDTH = 520;
const LABEL = 130;
const LANE = 14;
const TOP = 44;
/** Width of a cut stretch of idle time, and the least time a busy stretch is drawn as. */
const CUT = 22;
const MIN_STRETCH_MS = 1000;

export function renderReportHtml(report: ReplayReport): string {
  const pairs = pairIncidents(report.then ?? [], report.now);
  const compared = report.then !== null;
  // At speed 1 both runs share one scale, so their bars compare; a faster replay gets its own.
  const shared = report.speed === 1;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`Replay: ${report.label}`)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;max-width:1160px;margin:2rem auto;padding:0 1rem;color:#1c2833}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem}section.incident{border-top:2px solid #ddd;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
.verdict{font-weight:bold;font-size:1.1rem;padding:.5rem;border-radius:4px}.verdict.match{background:#e8f5e9}.verdict.differ{background:#ffebee}.verdict.no-expectation{background:#eceff1}
ul.differences li{background:#ffebee;margin:.2rem 0;padding:.2rem .4rem;list-style:none}ul.notes li{color:#546e7a;list-style:none}
tr.differs td{background:#ffebee;font-weight:bold}.sides{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
g.row.differs rect.band{fill:#ffebee}g.row rect.band{fill:#fafafa}g.row.differs text.workload{font-weight:bold;fill:#c62828}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg text{font:11px system-ui,sans-serif}
${Object.entries(STEP_COLOURS)
  .map(([status, colour]) => `rect.step.${status}{fill:${colour}}`)
  .join('')}
</style></head><body>
<h1>${esc(`Replay: ${report.label}`)}</h1>
<p>target ${esc(report.target)} · speed x${esc(String(report.speed))} · health ${esc(report.healthMode)} · mode ${esc(report.mode)} · ${esc(report.startedAt)} to ${esc(report.finishedAt)} · replay ${esc(report.replayId)}</p>
<p class="verdict ${esc(report.verdict)}">${esc(verdictText(report))}</p>
${differencesHtml(report.differences, report.notes ?? [])}
<h2>Signals</h2>
${signalsHtml(report)}
<p class="legend">${Object.entries(STEP_COLOURS)
    .map(([status, colour]) => `<span><i style="background:${colour}"></i>${esc(statusWords(status))}</span>`)
    .join('')}<span>● signal</span><span>◆ decision</span></p>
<p>${shared ? 'Then and now share one time scale.' : `Each run has its own time scale: the replay ran at x${esc(String(report.speed))}.`}</p>
${pairs.map((p) => incidentHtml(p, report.differences, compared, shared)).join('\n')}
</body></html>
`;
}

function differencesHtml(differences: readonly Difference[], notes: readonly Difference[]): string {
  const list = (cls: string, items: readonly Difference[]) => `<ul class="${cls}">${items.map((d) => `<li>${esc(differenceText(d))}</li>`).join('')}</ul>`;
  const parts: string[] = [];
  if (differences.length > 0) parts.push(`<h2>Differences (${differences.length})</h2>`, list('differences', differences));
  if (notes.length > 0) parts.push(`<h2>Reasons worded differently, same verdict (${notes.length}, not counted)</h2>`, list('notes', notes));
  return parts.join('\n');
}

function signalsHtml(report: ReplayReport): string {
  if (report.signals.length === 0) return '<p>No signals.</p>';
  const first = report.signals[0]?.at;
  const rows = report.signals.map(
    (s) =>
      `<tr><td>${esc(offsetText(first, s.at))}</td><td>${esc(s.title ?? '')}<br><small>${esc(s.origin)}${s.inferred.length > 0 ? `; inferred: ${esc(s.inferred.join('; '))}` : ''}</small></td><td>${esc(signalThen(s))}</td><td>${esc(signalNow(s))}</td></tr>`,
  );
  return `<table class="signals"><thead><tr><th>at</th><th>signal</th><th>then</th><th>now</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>`;
}

function incidentHtml(pair: IncidentPair, differences: readonly Difference[], compared: boolean, shared: boolean): string {
  const mine = differences.filter((d) => d.incidentKey === pair.incidentKey);
  const title = pair.now?.title ?? pair.then?.title ?? pair.now?.incidentId ?? pair.then?.incidentId ?? '';
  const workloads = pairWorkloads(pair.then, pair.now);
  const differs = (id: string) => mine.some((d) => d.workloadId === id);
  const head = (run: IncidentRun | null) => (run === null ? 'no incident' : `${run.incidentId}: ${outcomeText(run)}`);
  const incidentWide = mine.some((d) => d.workloadId === null);
  const table = workloads
    .map((w) => {
      const rows = workloadRows(w).map((r) => {
        const cls = mine.some((d) => d.workloadId === w.workloadId && r.shows(d.what)) ? ' class="differs"' : '';
        return `<tr${cls}><td>${esc(r.label)}</td>${compared ? `<td>${esc(r.then)}</td>` : ''}<td>${esc(r.now)}</td></tr>`;
      });
      return `<tr><th>${esc(w.workloadId)}</th>${compared ? '<th>then</th>' : ''}<th>now</th></tr>\n${rows.join('\n')}`;
    })
    .join('\n');
  const scale = shared ? scaleFor([pair.then, pair.now]) : null;
  const sides = compared ? [['then', pair.then] as const, ['now', pair.now] as const] : [['now', pair.now] as const];
  return `<section class="incident${incidentWide ? ' differs' : ''}">
<h2>${esc(`${pair.incidentKey ?? '(no incident key)'}: ${title}`)}</h2>
<p>${compared ? `then ${esc(head(pair.then))} · ` : ''}now ${esc(head(pair.now))}</p>
<table class="workloads"><tbody>
${table}
</tbody></table>
<div class="sides">${sides.map(([label, run]) => `<div><h3>${label}</h3>${run === null ? '<p>No incident.</p>' : gantt(run, workloads, differs, scale ?? scaleFor([run]), label)}</div>`).join('')}</div>
</section>`;
}

interface Bar {
  direction: 'failover' | 'failback';
  step: string;
  status: string;
  detail: string;
  start: number;
  end: number;
}

/**
 * One run's picture: a row per workload (the same rows on both sides, so they line up), its
 * step bars in lanes (steps of one wave run side by side and would overlap), and the signals and
 * decisions as marks on top, all on a clock starting at the incident's first signal.
 */
function gantt(run: IncidentRun, workloads: readonly WorkloadPair[], differs: (id: string) => boolean, scale: Scale, side: string): string {
  const t0 = Date.parse(run.startedAt);
  const x = scale.x;
  let y = TOP;
  const rows = workloads.map((pair) => {
    const bars = barsOf(run.workloads.find((w) => w.workloadId === pair.workloadId), t0);
    const lanes = lanesOf(bars);
    // The row is as tall as the busier side's, so the two pictures stay aligned.
    const height = Math.max(1, lanesOf(barsOf(pair.then, 0)).count, lanesOf(barsOf(pair.now, 0)).count, lanes.count) * LANE + 6;
    const top = y;
    y += height;
    const rects = bars
      .map((b, i) => {
        const x1 = x(b.start);
        const w = Math.max(3, x(b.end) - x1);
        const by = top + 3 + (lanes.lane[i] ?? 0) * LANE;
        const label = `${b.direction} · ${b.step}`;
        const text = w > b.step.length * 6 ? `<text x="${(x1 + 2).toFixed(1)}" y="${by + 10}" fill="#fff">${esc(b.step)}</text>` : '';
        return `<rect class="step ${esc(b.status)}" x="${x1.toFixed(1)}" y="${by}" width="${w.toFixed(1)}" height="${LANE - 3}" rx="2"><title>${esc(`${label}: ${statusWords(b.status)}, ${formatDuration(b.end - b.start)}${b.detail !== '' ? `: ${b.detail}` : ''}`)}</title></rect>${text}`;
      })
      .join('');
    return `<g class="row${differs(pair.workloadId) ? ' differs' : ''}" data-workload="${esc(pair.workloadId)}"><rect class="band" x="0" y="${top}" width="${WIDTH}" height="${height - 2}"/><text class="workload" x="4" y="${top + 13}">${esc(pair.workloadId)}</text>${rects}</g>`;
  });
  const height = y + 24;
  const marks = run.timeline
    .filter((e) => !PROGRESS.has(e.type))
    .map((e) => {
      const at = x(Date.parse(e.at) - t0);
      const tip = `<title>${esc(`${offsetText(run.startedAt, e.at)} ${e.type}: ${e.detail}`)}</title>`;
      const line = `<line x1="${at.toFixed(1)}" y1="${TOP - 4}" x2="${at.toFixed(1)}" y2="${y}" stroke="#b0bec5" stroke-dasharray="2,3"/>`;
      return SIGNALS.has(e.type)
        ? `<g class="mark signal">${line}<circle cx="${at.toFixed(1)}" cy="12" r="4" fill="#37474f">${tip}</circle></g>`
        : `<g class="mark decision">${line}<path d="M${at.toFixed(1)} 22l5 6-5 6-5-6z" fill="#1565c0">${tip}</path></g>`;
    })
    .join('');
  const axis = scale.ticks.map((t) => `<text x="${t.x.toFixed(1)}" y="${height - 8}" text-anchor="${t.anchor}">+${esc(t.ms === 0 ? '0s' : formatDuration(t.ms))}</text>`).join('');
  const cuts = scale.cuts
    .map((c) => `<g class="cut"><rect x="${(c.x - CUT / 2 + 3).toFixed(1)}" y="${TOP - 6}" width="${CUT - 6}" height="${y - TOP + 8}" fill="#fff" opacity="0.85"/><text x="${c.x.toFixed(1)}" y="${((TOP + y) / 2 + 4).toFixed(1)}" text-anchor="middle">≈<title>${esc(`${formatDuration(c.ms)} with no step, signal or decision, shortened`)}</title></text></g>`)
    .join('');
  return `<svg role="img" aria-label="${esc(`${side}: timeline of ${run.incidentId}`)}" width="100%" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
<text x="4" y="16">signals</text><text x="4" y="32">decisions</text>${rows.join('')}${marks}${cuts}${axis}</svg>`;
}

/** Every step record of the workload's failover and failback that says when it started, in ms from t0. */
function barsOf(w: WorkloadRun | null | undefined, t0: number): Bar[] {
  if (w === null || w === undefined) return [];
  const out: Bar[] = [];
  for (const direction of ['failover', 'failback'] as const) {
    for (const s of w[direction]?.steps ?? []) {
      if (s.startedAt === undefined || !Number.isFinite(Date.parse(s.startedAt))) continue;
      const start = Date.parse(s.startedAt) - t0;
      out.push({ direction, step: s.step, status: s.status, detail: s.detail ?? '', start, end: start + s.durationMs });
    }
  }
  return out;
}

/** Each bar's lane: the first whose last bar ended before it starts (steps of one wave overlap). */
function lanesOf(bars: readonly Bar[]): { lane: number[]; count: number } {
  const ends: number[] = [];
  const lane = bars.map((b) => {
    let i = ends.findIndex((end) => end <= b.start);
    if (i === -1) i = ends.push(b.end) - 1;
    else ends[i] = b.end;
    return i;
  });
  return { lane, count: ends.length };
}

/** Where a time (ms from the incident's first signal) is drawn, and what the axis says. */
interface Scale {
  x(ms: number): number;
  ticks: Array<{ x: number; ms: number; anchor: 'start' | 'middle' | 'end' }>;
  /** Long stretches with nothing in them, drawn `CUT` wide: their middle and how long they were. */
  cuts: Array<{ x: number; ms: number }>;
}

/**
 * The time axis of one or both runs. An incident watches for hours between failover and
 * failback while its steps take minutes, so a stretch with nothing in it (no step, signal or
 * decision) that is longer than a twentieth of the whole is cut to `CUT` pixels, marked ≈; the
 * busy stretches share the rest of the width in proportion to their length.
 */
function scaleFor(runs: ReadonlyArray<IncidentRun | null>): Scale {
  const spans: Array<[number, number]> = [];
  for (const run of runs) {
    if (run === null) continue;
    const t0 = Date.parse(run.startedAt);
    for (const e of run.timeline) spans.push([Date.parse(e.at) - t0, Date.parse(e.at) - t0]);
    for (const w of run.workloads) for (const b of barsOf(w, t0)) spans.push([b.start, b.end]);
  }
  const valid = spans.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).map(([a, b]): [number, number] => [Math.max(0, a), Math.max(0, b)]);
  valid.push([0, 0]);
  valid.sort((a, b) => a[0] - b[0]);
  const total = Math.max(1000, ...valid.map(([, b]) => b));
  const longGap = Math.max(60_000, total / 20);
  // Busy stretches: everything closer together than a long gap.
  const busy: Array<[number, number]> = [];
  for (const [a, b] of valid) {
    const last = busy.at(-1);
    if (last !== undefined && a - last[1] <= longGap) last[1] = Math.max(last[1], b);
    else busy.push([a, b]);
  }
  const left = LABEL + 4;
  const right = WIDTH - 10;
  const busyMs = busy.reduce((sum, [a, b]) => sum + Math.max(b - a, MIN_STRETCH_MS), 0);
  const perMs = (right - left - CUT * (busy.length - 1)) / busyMs;
  const stretches = busy.map(([a, b]) => ({ a, b, from: 0, width: Math.max(b - a, MIN_STRETCH_MS) * perMs }));
  let at = left;
  for (const [i, st] of stretches.entries()) {
    st.from = at + (i > 0 ? CUT : 0);
    at = st.from + st.width;
  }
  const x = (ms: number): number => {
    const st = stretches.find((s) => ms <= s.b) ?? stretches.at(-1)!;
    return st.from + Math.min(st.width, Math.max(0, ms - st.a) * perMs);
  };
  const ticks: Scale['ticks'] = [];
  for (const st of stretches) {
    const last = ticks.at(-1);
    if (last === undefined || st.from - last.x >= 60) ticks.push({ x: st.from, ms: st.a, anchor: 'start' });
  }
  const end = stretches.at(-1)!;
  if (end.from + end.width - (ticks.at(-1)?.x ?? 0) >= 60) ticks.push({ x: end.from + end.width, ms: end.b, anchor: 'end' });
  const cuts = stretches.slice(1).map((st, i) => ({ x: st.from - CUT / 2, ms: st.a - stretches[i]!.b }));
  return { x, ticks, cuts };
}
