/**
 * The page a link in a Teams or Slack message opens: what the incident is, where it stands, and
 * one button that POSTs the action. A GET never acts, so link previews and scanners that follow
 * links cannot approve a failover.
 */
import type { IncidentAction } from '../incidents/links.js';
import type { IncidentView } from './incidents.js';
import { escapeHtml as esc } from '../http/html.js';

const VERBS: Record<IncidentAction, string> = {
  approve: 'Approve',
  reject: 'Reject',
  failback: 'Fail back now',
  cancel: 'Cancel the incident',
};

export function confirmationPage(action: IncidentAction, view: IncidentView, url: URL): { status: number; body: string; headers: Record<string, string> } {
  const rows: Array<[string, string]> = [
    ['Incident', view.incidentId],
    ['Title', view.title ?? ''],
    ['Workloads', view.workloads.join(', ')],
    ['Phase', view.phase],
    ['Updated', view.updatedAt],
  ];
  const recent = view.timeline.slice(-8).map((e) => `<li><time>${esc(e.at)}</time> <b>${esc(e.type)}</b> ${esc(e.detail)}</li>`).join('');
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(VERBS[action])}: ${esc(view.title ?? view.incidentId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}th{text-align:left;padding-right:1rem}button{font-size:1.1rem;padding:.5rem 1.2rem}li{margin:.2rem 0}</style>
</head><body>
<h1>${esc(VERBS[action])}?</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Latest</h2><ul>${recent}</ul>
<form method="post" action="${esc(url.pathname + url.search)}">
<p><label>Comment <input name="comment" size="50"></label></p>
<p><label>Your name <input name="by" size="30"></label> (recorded; a signed-in identity takes precedence)</p>
<p><button type="submit">${esc(VERBS[action])}</button></p>
</form>
</body></html>`;
  return { status: 200, body, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } };
}

