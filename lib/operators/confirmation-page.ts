/**
 * The page a link in a Teams or Slack message opens: what the incident is, where it stands, and
 * one button that POSTs the action. A GET never acts, so link previews and scanners that follow
 * links cannot approve a failover.
 *
 * Every page here (the confirmation, what a click did, why a link does not work) goes out with
 * the same headers: no framing (clickjacking), no scripts or outside resources, forms only to the
 * app itself, no Referer (a signed link's token must not leak to another site), no caching.
 */
import type { ActionLinkClaims } from '../auth/action-link.js';
import type { IncidentAction } from '../incidents/links.js';
import type { IncidentView } from './incidents.js';
import { escapeHtml as esc } from '../http/html.js';

export interface HtmlPage {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
});

const VERBS: Readonly<Record<string, string>> = {
  approve: 'Approve',
  reject: 'Reject',
  failback: 'Fail back now',
  cancel: 'Cancel the incident',
  reopen: 'Reopen the incident key',
};

function verb(action: IncidentAction): string {
  return VERBS[action] ?? action;
}

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}th{text-align:left;padding-right:1rem;vertical-align:top}' +
  'button{font-size:1.1rem;padding:.5rem 1.2rem}li{margin:.2rem 0}code{background:#f3f3f3;padding:0 .2rem}.note{color:#555}';

/** The decision a signed link is bound to, shown so the approver sees exactly what they answer. */
export type LinkBinding = Pick<ActionLinkClaims, 'direction' | 'round' | 'expiresAt'>;

export interface ConfirmationOptions {
  /**
   * Where the button posts: a signed link (`/api/links/{token}`). Null when there is none (no
   * ACTION_LINK_SECRET): the page then shows the command to run instead of a button, because the
   * key-protected route takes JSON only and its URL would carry the key.
   */
  postTo: string | null;
  /** The signed link's binding, when the form posts to one. */
  binding?: LinkBinding | null;
  /** Ask for a name to record (a signed-in identity takes precedence). Default true. */
  askName?: boolean;
}

/** The CLI command that does what a page or link would have done. */
export function cliFor(action: IncidentAction, incidentId: string | null): string {
  return `npx failover incidents ${action} ${incidentId ?? '<incident id>'}`;
}

/** Every page's start, up to its body. */
function head(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${STYLE}</style>
</head><body>`;
}

export function confirmationPage(action: IncidentAction, view: IncidentView, options: ConfirmationOptions): HtmlPage {
  const binding = options.binding ?? null;
  const rows: Array<[string, string]> = [
    ['Incident', view.incidentId],
    ['Title', view.title ?? ''],
    ['Workloads', view.workloads.join(', ')],
    ['Phase', view.phase],
    ['Updated', view.updatedAt],
  ];
  if (binding !== null) {
    if (binding.direction !== null) rows.push(['Decision', binding.round === null ? `the ${binding.direction}` : `the ${binding.direction}, approval round ${binding.round}`]);
    rows.push(['Link expires', binding.expiresAt.toISOString()]);
  }
  const recent = view.timeline.slice(-8).map((e) => `<li><time>${esc(e.at)}</time> <b>${esc(e.type)}</b> ${esc(e.detail)}</li>`).join('');
  const note =
    binding !== null
      ? '<p class="note">This link works once and only for this decision; it needs no key.</p>'
      : '';
  const name =
    options.askName === false ? '' : '<p><label>Your name <input name="by" size="30" autocomplete="name"></label> (recorded; a signed-in identity takes precedence)</p>';
  const body = `${head(`${verb(action)}: ${view.title ?? view.incidentId}`)}
<h1>${esc(verb(action))}?</h1>
<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>
<h2>Latest</h2><ul>${recent}</ul>
${
  options.postTo === null
    ? `<p>Signed links are off in this app (no ACTION_LINK_SECRET), so this page has no button. Run:</p>
<p><code>${esc(`${cliFor(action, view.incidentId)} --comment "..."`)}</code></p>`
    : `<form method="post" action="${esc(options.postTo)}">
<p><label>Comment <input name="comment" size="50"></label></p>
${name}
<p><button type="submit">${esc(verb(action))}</button></p>
</form>
${note}`
}
</body></html>`;
  return { status: 200, body, headers: { ...PAGE_HEADERS } };
}

/**
 * A page that only says something: what a click did, or why a link does not work and what to do
 * instead. `lines` are text (escaped); `code` lines are shown as commands.
 */
export function messagePage(status: number, heading: string, lines: ReadonlyArray<string | { code: string }>): HtmlPage {
  const paragraphs = lines.map((l) => (typeof l === 'string' ? `<p>${esc(l)}</p>` : `<p><code>${esc(l.code)}</code></p>`)).join('\n');
  const body = `${head(heading)}
<h1>${esc(heading)}</h1>
${paragraphs}
</body></html>`;
  return { status, body, headers: { ...PAGE_HEADERS } };
}
