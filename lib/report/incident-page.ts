/**
 * The incident page (GET /api/incidents/{id}/page, and the archive's audit record once it is
 * over): one self-contained HTML document an on-call engineer opens from a Teams message. What
 * the incident is and where it stands, the decision for each workload and why, the approvals
 * (who, when), a Gantt of each workload's playbook steps with the signals and decisions marked on
 * the same time axis, each workload's measured recovery time against its objective, what people
 * must do by hand, and links back to Azure and to the incident's JSON.
 *
 * Built from the incident view (lib/operators/incidents.ts) alone, so the page served while the
 * instance lives and the one archived at its end are the same document. No scripts, no outside
 * resources (PAGE_CSP forbids both); every piece of text from an alert or a person is escaped.
 * While the incident runs the page reloads itself with a meta refresh.
 */
import { escapeHtml as esc } from '../http/html.js';
import { isFinished } from '../incidents/client.js';
import type { IncidentSource } from '../incidents/source.js';
import type { TimelineEntry, WorkloadProgress } from '../incidents/types.js';
import type { IncidentView } from '../operators/incidents.js';
import type { ChecklistItem, StepRecord } from '../playbooks/types.js';
import { incidentRun } from '../replay/runs.js';
import { axisLabels, formatMs, MARKED, stepBar, stepLegend, timeAxis, timelineMarks } from './incident-report.js';

/** The view as the page reads it: the Azure references and the checklist, when the view carries them. */
export type PageView = IncidentView & { source?: IncidentSource | null; checklist?: ChecklistItem[] };

export interface IncidentPageOptions {
  /** Each workload's recovery time objective (ms) from the catalog; absent or null where it names none. */
  objectives: Record<string, number | null>;
  /** How often a running incident's page reloads itself (seconds). */
  refreshSeconds?: number;
}

export const DEFAULT_REFRESH_SECONDS = 15;

/**
 * What the page is sent with: no scripts at all, no resources from anywhere (its styles are
 * inline; its picture is inline SVG), no forms, never framed, no Referer (a key or a signed link
 * in its address must not leak through its links to the portal), not cached.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; script-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
export const INCIDENT_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': PAGE_CSP,
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
});

/** Timeline entries the approvals section lists. */
const APPROVALS = new Set<TimelineEntry['type']>(['approval-requested', 'approval-escalated', 'approved', 'rejected']);

const STYLE = `body{font:15px/1.4 system-ui,sans-serif;max-width:1100px;margin:1.5rem auto;padding:0 1rem;color:#1c2833}
h1{font-size:1.6rem;margin-bottom:.3rem}h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #eee;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}.state b{font-size:1.05rem}.refresh{background:#fff8e1;padding:.4rem .6rem}.over{background:#eceff1;padding:.4rem .6rem}
.met{color:#2e7d32;font-weight:bold}.missed{color:#c62828;font-weight:bold}.none{color:#607d8b}code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}
.legend span{display:inline-block;margin-right:1rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
svg text{font:11px system-ui,sans-serif}.error{color:#c62828}`;

export function renderIncidentPage(view: PageView, options: IncidentPageOptions): string {
  const running = !isFinished(view);
  const refresh = options.refreshSeconds ?? DEFAULT_REFRESH_SECONDS;
  const title = view.title ?? view.incidentId;
  const firstSignal = view.timeline.find((e) => e.type === 'signal')?.at ?? view.createdAt;
  const run = incidentRun(view, { incidentKey: view.incidentKey, startedAt: firstSignal, objectives: options.objectives });
  const workloads = run.workloads.map((w) => w.workloadId);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`Incident: ${title}`)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
${running ? `<meta http-equiv="refresh" content="${refresh}">\n` : ''}<style>${STYLE}</style>
</head><body>
<h1>${esc(title)}</h1>
<p class="state">Incident <code>${esc(view.incidentId)}</code> · phase <b class="phase">${esc(view.phase)}</b> · ${esc(view.runtimeStatus)}${view.outcome !== null ? ` · outcome <b class="outcome">${esc(view.outcome)}</b>` : ''}${view.mode !== null ? ` · ${esc(view.mode)}` : ''}${view.kind !== null ? ` · ${esc(view.kind)}` : ''}</p>
${
  running
    ? `<p class="refresh">The incident is running: this page refreshes itself every ${refresh} seconds.</p>`
    : `<p class="over">The incident is over${endedAt(view.timeline)}; this page no longer changes.</p>`
}
${view.error !== undefined ? `<p class="error">The incident orchestration failed: ${esc(errorText(view.error))}</p>` : ''}
${links(view)}
<h2>Decisions</h2>
${decisions(run.workloads, view.decisions)}
<h2>Approvals</h2>
${approvals(view.timeline)}
<h2>Timeline</h2>
${stepLegend()}
${gantt(view, workloads)}
<h2>Recovery time</h2>
${recovery(run.workloads, firstSignal)}
${progressSection(view.progress ?? [])}
<h2>To do by hand</h2>
${checklist(view.checklist)}
<h2>Every entry</h2>
<table class="entries"><thead><tr><th>at</th><th>what</th><th>detail</th></tr></thead><tbody>
${view.timeline.map((e) => `<tr><td class="num">${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</tbody></table>
${view.timelineComplete ? '' : '<p class="none">Older entries are not shown: the archive does not hold them.</p>'}
</body></html>
`;
}

function endedAt(timeline: readonly TimelineEntry[]): string {
  const done = timeline.findLast((e) => e.type === 'completed');
  return done === undefined ? '' : ` (${esc(done.at)})`;
}

function errorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return JSON.stringify(error) ?? String(error);
}

/** An address as a link only when it is http(s); anything else stays text. */
function link(url: string | null | undefined, text: string): string {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return esc(text);
  return `<a href="${esc(url)}" rel="noreferrer">${esc(text)}</a>`;
}

/** Where it came from in Azure, with the portal's page, and the incident's JSON. */
function links(view: PageView): string {
  const source = view.source ?? null;
  const rows: Array<[string, string]> = [['Incident key', esc(view.incidentKey ?? 'unknown')]];
  if (source !== null) {
    rows.push(['Source', esc(source.kind)]);
    if (source.trackingId !== null) rows.push(['Tracking ID', `<code>${esc(source.trackingId)}</code>`]);
    if (source.resourceId !== null) rows.push(['Resource', `<code>${esc(source.resourceId)}</code>`]);
    if (source.operationName !== null) rows.push(['Operation', `<code>${esc(source.operationName)}</code>`]);
    if (source.subscriptionId !== null) rows.push(['Subscription', `<code>${esc(source.subscriptionId)}</code>`]);
    if (source.services.length > 0) rows.push(['Services', esc(source.services.join(', '))]);
    if (source.regions.length > 0) rows.push(['Regions', esc(source.regions.join(', '))]);
  }
  const portal = source?.portalUrl ?? null;
  rows.push(['In Azure', portal === null ? '<span class="none">no portal page (nothing in Azure identifies this incident)</span>' : `<span class="portal">${link(portal, 'Open in the Azure portal')}</span>`]);
  rows.push(['As JSON', `<span class="json">${link(view.statusUrl, view.statusUrl)}</span> (with the on-call key)`]);
  return `<table class="links">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

type RunWorkload = ReturnType<typeof incidentRun>['workloads'][number];

function decisions(workloads: readonly RunWorkload[], entries: readonly TimelineEntry[]): string {
  const perWorkload =
    workloads.length === 0
      ? '<p class="none">No workload was decided on.</p>'
      : `<table class="decisions"><thead><tr><th>workload</th><th>verdict</th><th>why</th></tr></thead><tbody>
${workloads.map((w) => `<tr data-workload="${esc(w.workloadId)}"><td>${esc(w.workloadId)}</td><td>${esc(w.verdict)}</td><td>${esc(w.decision ?? 'no decision recorded')}</td></tr>`).join('\n')}
</tbody></table>`;
  const all =
    entries.length === 0
      ? ''
      : `<h3>As they were made</h3><table class="decision-entries"><thead><tr><th>at</th><th>what</th><th>detail</th></tr></thead><tbody>
${entries.map((e) => `<tr><td class="num">${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</tbody></table>`;
  return perWorkload + all;
}

function approvals(timeline: readonly TimelineEntry[]): string {
  const entries = timeline.filter((e) => APPROVALS.has(e.type));
  if (entries.length === 0) return '<p class="none">No approval was asked for.</p>';
  return `<table class="approvals"><thead><tr><th>when</th><th>what</th><th>who and why</th></tr></thead><tbody>
${entries.map((e) => `<tr class="${esc(e.type)}"><td class="num">${esc(e.at)}</td><td>${esc(e.type)}</td><td>${esc(e.detail)}</td></tr>`).join('\n')}
</tbody></table>`;
}

interface Bar {
  direction: WorkloadProgress['direction'];
  step: StepRecord;
}

/** Each workload's step records: the view's progress (live, or the final results once over). */
function barsOf(view: PageView, workloadId: string): Bar[] {
  return (view.progress ?? []).filter((p) => p.workloadId === workloadId).flatMap((p) => p.steps.map((step) => ({ direction: p.direction, step })));
}

/**
 * The Gantt: one row per workload, one bar per step record from its start to its finish, coloured
 * by status; steps that overlap in time (a wave run side by side) get lanes of their own in the
 * row. The signals and decisions are marks on the same time axis, above.
 */
function gantt(view: PageView, workloads: readonly string[]): string {
  const LABEL = 190;
  const WIDTH = 1060;
  const LANE = 16;
  const TOP = 34;
  const GAP = 8;
  const marks = view.timeline.filter((e) => MARKED.has(e.type) || e.type === 'decision');
  const rows = workloads.map((id) => ({ id, lanes: lanes(barsOf(view, id)) }));
  const axis = timeAxis([...marks.map((e) => e.at), ...rows.flatMap((r) => r.lanes.flat().flatMap((b) => [b.step.startedAt, b.step.finishedAt]))], LABEL, WIDTH - 24);
  if (axis === null) return '<p class="none">Nothing to draw yet.</p>';
  let y = TOP;
  const drawn = rows
    .map((row) => {
      const height = Math.max(1, row.lanes.length) * LANE + GAP;
      const bars = row.lanes
        .flatMap((lane, i) =>
          lane.map((b) => {
            const label = `${row.id} · ${b.direction} · ${b.step.step}`;
            return `<g class="bar" data-status="${esc(b.step.status)}">${stepBar(axis, b.step, y + GAP / 2 + i * LANE, LANE - 3, label)}</g>`;
          }),
        )
        .join('');
      const out = `<g class="row" data-workload="${esc(row.id)}"><rect x="0" y="${y}" width="${WIDTH}" height="${height}" fill="${rows.indexOf(row) % 2 === 0 ? '#fafafa' : '#ffffff'}"/><text x="4" y="${y + GAP / 2 + 12}">${esc(row.id)}</text>${bars}</g>`;
      y += height;
      return out;
    })
    .join('');
  const height = y + 26;
  return `<svg class="gantt" role="img" aria-label="steps of each workload over time" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
<text x="4" y="16">signals, decisions</text>${drawn}${timelineMarks(marks, axis, 12, height - 22)}${axisLabels(axis, height - 6)}</svg>
${workloads.length === 0 ? '<p class="none">No workload to fail over.</p>' : ''}`;
}

/** Bars in lanes, first fit by start time: no two bars of a lane overlap. */
function lanes(bars: readonly Bar[]): Bar[][] {
  const out: Bar[][] = [];
  const ends: number[] = [];
  for (const bar of [...bars].sort((a, b) => Date.parse(a.step.startedAt) - Date.parse(b.step.startedAt))) {
    const start = Date.parse(bar.step.startedAt);
    const i = ends.findIndex((end) => end <= start);
    const lane = i >= 0 ? i : out.length;
    if (lane === out.length) {
      out.push([]);
      ends.push(0);
    }
    out[lane]!.push(bar);
    ends[lane] = Math.max(Date.parse(bar.step.finishedAt), start);
  }
  return out;
}

function recovery(workloads: readonly RunWorkload[], firstSignal: string): string {
  if (workloads.length === 0) return '<p class="none">No workload.</p>';
  return `<p>From the first signal (${esc(firstSignal)}) to the end of the workload's failover, against the catalog's recovery time objective.</p>
<table class="recovery"><thead><tr><th>workload</th><th>recovery time</th><th>objective</th><th>verdict</th></tr></thead><tbody>
${workloads
  .map((w) => {
    const verdict = w.recoveryMs === null ? ['none', w.failover === null ? 'not failed over' : 'failover not finished'] : w.objectiveMs === null ? ['none', 'no objective'] : w.recoveryMs <= w.objectiveMs ? ['met', 'met'] : ['missed', 'missed'];
    return `<tr data-workload="${esc(w.workloadId)}"><td>${esc(w.workloadId)}</td><td class="num">${w.recoveryMs === null ? '—' : esc(formatMs(w.recoveryMs))}</td><td class="num">${w.objectiveMs === null ? '—' : esc(formatMs(w.objectiveMs))}</td><td class="${verdict[0]}">${esc(verdict[1]!)}</td></tr>`;
  })
  .join('\n')}
</tbody></table>`;
}

/** Where each running playbook stands (only while playbooks run). */
function progressSection(progress: readonly WorkloadProgress[]): string {
  const live = progress.filter((p) => p.state === 'running' || p.state === 'pending');
  if (live.length === 0) return '';
  return `<h2>Running now</h2><table class="progress"><thead><tr><th>workload</th><th>direction</th><th>steps</th><th>running</th><th>elapsed</th><th>time left</th></tr></thead><tbody>
${live
  .map(
    (p) =>
      `<tr data-workload="${esc(p.workloadId)}"><td>${esc(p.workloadId)}</td><td>${esc(p.direction)}</td><td class="num">${p.done} of ${p.total}</td><td>${esc(p.current.join(', ') || p.state)}${p.resources.length > 0 ? ` (${esc(p.resources.join(', '))})` : ''}</td><td class="num">${esc(formatMs(p.elapsedMs))}</td><td class="num">${p.remainingMs === null ? '—' : esc(formatMs(p.remainingMs))}</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
}

function checklist(items: readonly ChecklistItem[] | undefined): string {
  if (items === undefined || items.length === 0) return '<p class="none">Nothing to do by hand.</p>';
  return `<ul class="checklist">
${items
  .map((item) => {
    const extra = [item.url !== undefined ? `<code>${esc(item.url)}</code>` : '', item.resourceId !== undefined ? link(portalResource(item.resourceId), 'resource in the portal') : ''].filter((x) => x !== '').join(' · ');
    return `<li data-kind="${esc(item.kind)}"><b>${esc(item.workloadId)}</b> (${esc(item.direction)}, ${esc(item.step)}): ${esc(item.text)}${extra === '' ? '' : ` · ${extra}`}</li>`;
  })
  .join('\n')}
</ul>`;
}

/** The portal's page for an ARM resource id; null for anything that is not one. */
function portalResource(resourceId: string): string | null {
  return /^\/subscriptions\/[^/?#\s]+\/[^?#\s]*$/i.test(resourceId) ? `https://portal.azure.com/#resource${resourceId}` : null;
}
