/**
 * A notification as an email: a subject, a plain-text body and an HTML body, saying what every
 * channel says (`describeNotification` holds the wording) in the same order.
 *
 * Alert text is untrusted, and an email client is generous with it:
 * - the subject is one line (CR, LF and other control characters become spaces), so nothing
 *   rides into the message's headers, and it is clipped;
 * - in both bodies every URL in the text is broken (`https[:]//…`, as for Teams and Slack), so a
 *   client links only the app's own links, which come from the view's checked http(s) links;
 * - in the HTML body every text and attribute is escaped (`&`, `<`, `>`, `"`, `'`), so alert text
 *   shows as written and never becomes markup, and links are `https?:` only.
 * The checklist's URLs come from the playbooks' own results, not from alerts: each is shown as
 * written so it can be copied into an encoder, and is a link when it is http(s) (as in Teams and
 * Slack); the item's text around it is treated like any other text.
 */
import type { IncidentNotification } from './events.js';
import { breakUrls, clip, describeNotification, type ChecklistLine, type Tone } from './render.js';

export interface EmailContent {
  subject: string;
  plainText: string;
  html: string;
}

const SUBJECT_MAX = 200;

const TONE_COLOR: Record<Tone, string> = {
  attention: '#c50f1f',
  warning: '#bc4b09',
  good: '#107c10',
  default: '#424242',
};

/** `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One line for a header: control characters (CR and LF included) become spaces, runs of space one. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

export function renderEmail(event: IncidentNotification): EmailContent {
  const view = describeNotification(event);
  const subject = clip(oneLine(`[Failover] ${breakUrls(view.headline)}`), SUBJECT_MAX);
  const text = (s: string): string => breakUrls(s);

  const plain = [
    text(view.headline),
    '',
    ...view.lines.map((l) => text(l.text)),
    '',
    `What to do: ${text(view.action)}`,
    '',
    ...(view.checklist.length > 0 ? ['What to do now:', ...view.checklist.flatMap((g) => [`  ${text(g.workload)}`, ...g.items.map((i) => `    [ ] ${plainItem(i)}`)]), ''] : []),
    ...view.facts.map((f) => `${f.label}: ${text(f.value)}`),
    ...(view.links.length > 0 ? ['', ...view.links.map((l) => `${l.label}: ${l.url}`)] : []),
    '',
    text(view.context),
  ].join('\n');

  const h = (s: string): string => escapeHtml(text(s));
  const color = TONE_COLOR[view.tone];
  const html = [
    '<!DOCTYPE html>',
    '<html><head><meta charset="utf-8"><title>' + escapeHtml(subject) + '</title></head>',
    '<body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#242424">',
    `<h1 style="font-size:18px;color:${color};border-left:4px solid ${color};padding-left:8px">${h(view.headline)}</h1>`,
    ...view.lines.map((l) => (l.style === 'code' ? `<pre style="white-space:pre-wrap;background:#f5f5f5;padding:8px">${h(l.text)}</pre>` : `<p>${h(l.text)}</p>`)),
    `<p><strong>What to do:</strong> ${h(view.action)}</p>`,
    ...(view.checklist.length > 0
      ? ['<p><strong>What to do now:</strong></p>', ...view.checklist.flatMap((g) => [`<p style="margin:4px 0">${h(g.workload)}</p>`, '<ul>', ...g.items.map((i) => `<li>${htmlItem(i)}</li>`), '</ul>'])]
      : []),
    '<table style="border-collapse:collapse">',
    ...view.facts.map((f) => `<tr><th style="text-align:left;padding:2px 12px 2px 0">${h(f.label)}</th><td>${h(f.value)}</td></tr>`),
    '</table>',
    ...(view.links.length > 0 ? [`<p>${view.links.map((l) => `<a href="${escapeHtml(l.url)}">${h(l.label)}</a>`).join(' &middot; ')}</p>`] : []),
    `<p style="color:#616161;font-size:12px">${h(view.context)}</p>`,
    '</body></html>',
  ].join('\n');

  return { subject, plainText: plain, html };
}

/** A checklist item in plain text: its URL as written, the text around it with URLs broken. */
function plainItem(item: ChecklistLine): string {
  return item.url === null ? breakUrls(item.text) : `${breakUrls(item.before)}${item.url}${breakUrls(item.after)}`;
}

/** A checklist item in HTML: an http(s) URL a link showing its own address, any other (a stream) as code; all escaped. */
function htmlItem(item: ChecklistLine): string {
  const h = (s: string): string => escapeHtml(breakUrls(s));
  if (item.url === null) return h(item.text);
  const url = escapeHtml(item.url);
  return `${h(item.before)}${item.link ? `<a href="${url}">${url}</a>` : `<code>${url}</code>`}${h(item.after)}`;
}
