/**
 * Pure renderers: one notification in, one request body out, for each channel.
 *
 * - Microsoft Teams: an Adaptive Card 1.4 in the message envelope the Teams Workflows
 *   ("Post to a channel when a webhook request is received") and the older incoming webhooks take.
 *   Every text is a `TextRun` in a `RichTextBlock`, which Adaptive Cards never read as Markdown,
 *   so an incident title or an error message shows as written (`rg_media_prod` keeps its
 *   underscores, `[x](url)` stays text).
 * - Slack: an incoming-webhook message, `{ text, blocks }`. `text` is the fallback shown in
 *   notifications and by clients without blocks.
 * - Generic webhook: the notification itself with `schema` and a one-line `summary`: data for a
 *   program, passed on as it is (neutralizing is the receiver's business, as for any JSON).
 *
 * Text from outside the app (alert titles and descriptions, Azure's error messages, catalog
 * names, people's comments and names) must not format, link or mention anyone in a chat: an
 * attacker holding the webhook key could otherwise put `<https://evil.example|Approve>` next to
 * the real buttons. Chat renderers therefore neutralize all the text of a message (the app's own
 * sentences contain none of the characters involved, so they come out unchanged):
 *
 * - URLs are broken, `https://evil.example` → `https[:]//evil.example` and `www.` → `www[.]`,
 *   in Teams and Slack alike (both turn a bare URL into a link). Still readable, and copyable by
 *   hand on purpose; the app's own links (approve, reject, status) are buttons, the only things
 *   that can be clicked. A bare domain (`evil.example`) may still be shown as a link by a client,
 *   but to exactly the address shown.
 * - Slack mrkdwn has no escape character. `&`, `<`, `>` become entities (no `<url|text>` link,
 *   no `<!here>`); `*`, `~` and the backtick become look-alikes mrkdwn does not read (∗ ∼ ˋ), and
 *   so does `_` where it could open or close italics (not inside a word: `rg_media_prod` stays
 *   as written); an `@` that starts a word becomes ＠, so `@here` never mentions, even with
 *   `link_names`. Look-alikes rather than invisible characters, so a reader sees that the text was
 *   changed and nothing invisible rides along in a copy. Code blocks (error text) keep their
 *   characters, which code does not format; only URLs, entities and ``` are handled there.
 * - Teams TextRuns are never Markdown or HTML, so `[text](url)`, `*`, `_`, `#` and `<b>` show as
 *   written and need nothing; `{{DATE(…)}}`, the one thing a TextRun expands, is broken up.
 *
 * The checklist of a failover-done message (what people must do by hand: point encoders at new
 * ingest URLs, give players new playback URLs…) comes from the playbooks' own step results, not
 * from outside: its URLs are the one exception to the breaking above. Each item's URL is shown
 * as written so it can be copied into an encoder, and is a link where the channel has links and
 * the URL is http(s) (a Teams TextRun with an Action.OpenUrl, a Slack `<url|url>`), never with a
 * label that differs from the address. Only URLs that parse, with a scheme a stream or page uses
 * (https, http, rtmp, rtmps, srt), are treated so; the item's text around them is neutralized
 * like any other text.
 *
 * `describeNotification` holds the wording once: every channel says the same thing, in the
 * order a reader needs it — what happened (the headline), the details, what to do, the
 * checklist, the facts.
 */
import { NOTIFICATION_SCHEMA } from './events.js';
import type { DeliveryTarget, Direction, IncidentNotification } from './events.js';
import type { ChecklistItem } from '../playbooks/types.js';

// ---------------------------------------------------------------------------------------------
// The wording, shared by every channel
// ---------------------------------------------------------------------------------------------

export type Tone = 'attention' | 'warning' | 'good' | 'default';

export interface NotificationLine {
  text: string;
  /** `code` for error text: monospace in Teams, a code block in Slack. */
  style?: 'code';
}

export interface NotificationFact {
  label: string;
  value: string;
}

export interface NotificationLink {
  role: 'approve' | 'reject' | 'status';
  label: string;
  url: string;
}

/**
 * One checklist item, split around its URL so each channel can show the URL as written (and
 * link it where it can): `before` + url + `after`. Without a URL, `text` is all of it.
 */
export interface ChecklistLine {
  text: string;
  before: string;
  /** The item's URL as written (parsed and normalized), or null when it has none or one that is not shown as such. */
  url: string | null;
  /** Whether the URL may be a link (http or https). */
  link: boolean;
  after: string;
}

/** The checklist items of one workload, in the order the playbook left them. */
export interface ChecklistGroup {
  workload: string;
  items: ChecklistLine[];
}

/** A notification in words, before any channel's format. All strings are plain text. */
export interface NotificationView {
  /** What happened, and to what: `Approval needed: fail over media-streaming to northeurope`. */
  headline: string;
  /** The incident title, the reason, the error. */
  lines: NotificationLine[];
  /** What the reader should do now. */
  action: string;
  /** What people must do by hand, by workload (a failover-done message's checklist); empty when nothing. */
  checklist: ChecklistGroup[];
  facts: NotificationFact[];
  /** Only http(s) links; a malformed one is dropped rather than failing the whole message. */
  links: NotificationLink[];
  /** `Incident inc-42 · Tracking ID VLL2-JX8 · 2025-06-01 12:00 UTC` */
  context: string;
  tone: Tone;
}

const LIMITS = {
  title: 500,
  reason: 1000,
  error: 2000,
  factValue: 300,
  url: 3000,
  /** Checklist items shown in one message; the rest are counted and left to the incident status. */
  checklistItems: 40,
} as const;

/** Schemes a checklist URL may have to be shown as written: web pages and streams (ingest, playback). */
const CHECKLIST_SCHEMES = new Set(['https:', 'http:', 'rtmp:', 'rtmps:', 'srt:']);

/** An item's URL, normalized, when it is one to show as written; null otherwise. */
function checklistUrl(url: unknown): { url: string; link: boolean } | null {
  if (typeof url !== 'string' || url.length > LIMITS.url) return null;
  try {
    const parsed = new URL(url);
    if (!CHECKLIST_SCHEMES.has(parsed.protocol)) return null;
    return { url: parsed.href, link: parsed.protocol === 'https:' || parsed.protocol === 'http:' };
  } catch {
    return null;
  }
}

/** One item as a line: its text split around the first place it writes its URL, or the URL after it. */
export function checklistLine(item: Pick<ChecklistItem, 'text' | 'url'>): ChecklistLine {
  const text = clip(typeof item.text === 'string' ? item.text : String(item.text ?? ''), LIMITS.reason);
  const url = checklistUrl(item.url);
  if (url === null) return { text, before: text, url: null, link: false, after: '' };
  const raw = String(item.url);
  const at = text.indexOf(raw);
  if (at >= 0) return { text, before: text.slice(0, at), url: url.url, link: url.link, after: text.slice(at + raw.length) };
  return { text, before: `${text} `, url: url.url, link: url.link, after: '' };
}

/**
 * The checklist by workload, in the order the workloads first appear; anything that is not an
 * item (from JSON) is skipped rather than losing the message. At most LIMITS.checklistItems
 * items; `count` is how many there are in all, `left` how many are not shown.
 */
function checklistGroups(list: unknown): { groups: ChecklistGroup[]; count: number; left: number } {
  const items = (Array.isArray(list) ? list : []).filter(
    (i): i is ChecklistItem => typeof i === 'object' && i !== null && typeof (i as ChecklistItem).text === 'string' && (i as ChecklistItem).text.trim() !== '',
  );
  const groups: ChecklistGroup[] = [];
  for (const item of items.slice(0, LIMITS.checklistItems)) {
    const workload = typeof item.workloadId === 'string' && item.workloadId !== '' ? item.workloadId : 'other';
    let group = groups.find((g) => g.workload === workload);
    if (group === undefined) groups.push((group = { workload, items: [] }));
    group.items.push(checklistLine(item));
  }
  return { groups, count: items.length, left: Math.max(0, items.length - LIMITS.checklistItems) };
}

/**
 * What to do after a failover or failback: `nothing` then `next` when the checklist is empty, else
 * the checklist's size (and that the incident status lists what the message leaves out), then `next`.
 */
function checklistAction(todo: { count: number; left: number }, nothing: string, next: string): string {
  if (todo.count === 0) return `${nothing} ${next}`;
  const more = todo.left > 0 ? ` (the first ${LIMITS.checklistItems} here; the incident status lists all)` : '';
  return `Do the ${todo.count === 1 ? 'one thing' : `${todo.count} things`} on the checklist below by hand${more}. ${next}`;
}

export function describeNotification(event: IncidentNotification): NotificationView {
  // Notifications arrive as JSON (activity inputs): tolerate a missing list or title rather than
  // lose the message.
  const ids = Array.isArray(event.workloads) ? event.workloads.map(String) : [];
  const who = listWorkloads(ids);
  const primary = String(event.region);
  const secondary = event.secondaryRegion ?? null;
  const facts: NotificationFact[] = [
    { label: ids.length === 1 ? 'Workload' : 'Workloads', value: ids.join(', ') || 'none' },
    { label: 'Primary region', value: primary },
    { label: 'Secondary region', value: secondary ?? 'provider-managed (no customer-side secondary)' },
  ];
  const lines: NotificationLine[] = [{ text: clip(typeof event.title === 'string' ? event.title : '', LIMITS.title) }];
  const links: NotificationLink[] = [];
  let checklist: ChecklistGroup[] = [];
  let headline: string;
  let action: string;
  let tone: Tone;

  switch (event.type) {
    case 'incident-opened':
      headline = `Incident opened: ${who} may be affected in ${primary}`;
      lines.push({ text: clip(event.reason, LIMITS.reason) });
      action = 'Nothing to do yet: the orchestrator is checking that the impact is real before it acts.';
      tone = 'warning';
      break;
    case 'impact-confirmed':
      headline = `Impact confirmed: ${who} in ${primary}`;
      lines.push({ text: clip(event.reason, LIMITS.reason) });
      action =
        `The failover ${secondary === null ? '' : `to ${secondary} `}goes ahead as each workload's policy says ` +
        '(at once, or after approval). To stop it, cancel the incident.';
      tone = 'attention';
      break;
    case 'approval-needed':
    case 'approval-escalated': {
      const verb = directionVerb(event.direction);
      const where = destination(event.direction, primary, secondary);
      const asked = `${verb} ${who}${where}`;
      if (event.type === 'approval-needed') {
        headline = `Approval needed: ${asked}`;
        action = `Approve to ${verb}, or reject to stay ${staying(event.direction, primary, secondary)}. Nothing happens until someone decides.`;
        tone = 'warning';
      } else {
        headline = `Still waiting for approval: ${asked}`;
        action = `Nobody has answered for ${formatDuration(event.waitingMs)}. Approve or reject now.`;
        tone = 'attention';
        facts.push({ label: 'Waiting for', value: formatDuration(event.waitingMs) });
      }
      lines.push({ text: clip(event.reason, LIMITS.reason) });
      if (event.expiresAt) {
        const then = event.onTimeout === 'abort' ? 'then the request is given up' : event.onTimeout === 'escalate' ? 'then it is asked again' : null;
        facts.push({ label: 'Answer by', value: then === null ? formatTime(event.expiresAt) : `${formatTime(event.expiresAt)}, ${then}` });
      }
      if (event.approvers && event.approvers.length > 0) facts.push({ label: 'Approvers', value: event.approvers.join(', ') });
      pushLink(links, 'approve', direction(event.direction, 'Approve'), event.approveUrl);
      pushLink(links, 'reject', 'Reject', event.rejectUrl);
      break;
    }
    case 'playbook-started': {
      const steps = Array.isArray(event.steps) ? event.steps.map(String) : [];
      headline = `${event.direction === 'failover' ? 'Failing over' : 'Failing back'} ${event.workload}${destination(event.direction, primary, secondary)}: ${steps.length} step${steps.length === 1 ? '' : 's'}`;
      if (steps.length > 0) lines.push({ text: clip(steps.map((step, i) => `${i + 1}. ${step}`).join('\n'), LIMITS.reason) });
      action = 'Nothing to do: the playbook is running. To stop what has not started yet, cancel the incident.';
      tone = 'default';
      break;
    }
    case 'step-failed': {
      const verb = event.direction === 'failover' ? 'Failover' : 'Failback';
      headline = `${verb} step failed: ${event.step} for ${event.workload}`;
      lines.push({ text: clip(event.error, LIMITS.error), style: 'code' });
      const from = event.direction === 'failover' ? primary : (secondary ?? 'the provider-managed side');
      action = event.rolledBack
        ? `The completed steps were undone, so ${event.workload} is back in ${from}. Fix the cause and start the ${event.direction} again, or follow the runbook by hand.`
        : `Check the error and the incident status: ${event.workload} may be part-way through its ${event.direction}. Finish it by hand from the runbook if needed.`;
      tone = 'attention';
      facts.unshift({ label: 'Failed step', value: `${event.step} (${event.workload}, ${event.direction})` });
      if (event.rolledBack !== undefined && event.rolledBack !== null) facts.push({ label: 'Rolled back', value: event.rolledBack ? 'yes' : 'no' });
      // Exactly what was and was not undone, by step, when the incident says.
      if (event.rolledBackSteps !== undefined && event.rolledBackSteps !== null && event.rolledBackSteps.length > 0) facts.push({ label: 'Undone', value: event.rolledBackSteps.join(', ') });
      if (event.notRolledBack !== undefined && event.notRolledBack !== null && event.notRolledBack.length > 0) facts.push({ label: 'Still in place', value: event.notRolledBack.join(', ') });
      break;
    }
    case 'failover-done': {
      headline =
        secondary === null
          ? `Failed over: ${who} (provider-managed), took ${formatDuration(event.durationMs)}`
          : `Failed over: ${who} now ${runs(ids)} in ${secondary} (took ${formatDuration(event.durationMs)})`;
      const todo = checklistGroups(event.checklist);
      checklist = todo.groups;
      action = checklistAction(todo, 'Nothing to do now.', `Failback to ${primary} follows once ${primary} has stayed healthy for the configured time (with approval where the policy asks).`);
      tone = 'good';
      facts.push({ label: 'Failover took', value: formatDuration(event.durationMs) });
      if (isNumber(event.sinceDetectionMs)) facts.push({ label: 'Since detection', value: formatDuration(event.sinceDetectionMs) });
      pushWorkloadDurations(facts, event.workloadDurationsMs);
      break;
    }
    case 'failback-done': {
      headline = `Failed back: ${who} ${ids.length === 1 ? 'is' : 'are'} back in ${primary} (took ${formatDuration(event.durationMs)})`;
      const todo = checklistGroups(event.checklist);
      checklist = todo.groups;
      action = checklistAction(todo, 'Nothing to do.', 'The incident is over.');
      tone = 'good';
      facts.push({ label: 'Failback took', value: formatDuration(event.durationMs) });
      if (isNumber(event.failedOverForMs)) facts.push({ label: 'Ran on the secondary for', value: formatDuration(event.failedOverForMs) });
      pushWorkloadDurations(facts, event.workloadDurationsMs);
      break;
    }
    case 'action-required': {
      const actions = Array.isArray(event.actions) ? event.actions.map(String) : [];
      headline = `Action needed for ${event.workload}: ${actions.length} thing${actions.length === 1 ? '' : 's'} the orchestrator cannot do`;
      if (actions.length > 0) lines.push({ text: clip(actions.map((a, i) => `${i + 1}. ${a}`).join('\n'), LIMITS.error) });
      action = 'Do each of these by hand; the incident status keeps the same list.';
      tone = 'warning';
      break;
    }
    case 'readiness-drift': {
      const missing = Array.isArray(event.missing) ? event.missing.map(String) : [];
      headline = `Standby not ready: ${event.standby} lacks ${missing.length} object${missing.length === 1 ? '' : 's'} ${event.workload} needs`;
      if (missing.length > 0) lines.push({ text: clip(missing.map((m) => `missing ${m}`).join('\n'), LIMITS.error) });
      action = `Recreate them on ${event.standby} now: a failover to it would run without them.`;
      tone = 'warning';
      facts.unshift({ label: 'Standby', value: event.standby });
      break;
    }
    case 'delivery-failed': {
      const missed = Array.isArray(event.undelivered) ? event.undelivered.map(String) : [];
      const kind = String(event.channel).split(' ')[0] || 'a';
      headline = `Not delivered: ${missed.length} notification${missed.length === 1 ? '' : 's'} about ${event.workload} did not reach its ${kind} channel`;
      if (missed.length > 0) lines.push({ text: clip(missed.map((m, i) => `${i + 1}. ${m}`).join('\n'), LIMITS.error) });
      lines.push({ text: clip(String(event.lastError), LIMITS.error), style: 'code' });
      action =
        'Whoever watches only that channel has not heard about this incident: tell them, and check the channel (a deleted webhook, a revoked key, throttling). ' +
        'These are no longer retried; the incident status lists every notification the channel missed.';
      tone = 'attention';
      facts.unshift({ label: 'Channel', value: String(event.channel) });
      facts.push({ label: 'Attempts', value: String(event.attempts) });
      break;
    }
    case 'intake-failed': {
      const concerned = event.audience !== 'catalog';
      const reached = typeof event.incidentId === 'string' && event.incidentId !== '';
      headline = reached
        ? `Alert partly handled: it reached incident ${event.incidentId}, then the orchestrator failed on it`
        : concerned
          ? `Alert not handled: the orchestrator failed on an alert about ${who}`
          : 'Alert not handled: the orchestrator failed on an alert before it could tell which workloads it concerns';
      lines.push({ text: clip(String(event.error), LIMITS.error), style: 'code' });
      action = reached
        ? `The alert reached incident ${event.incidentId}; what failed came after that, and Azure Monitor will not send the alert again. Check the incident status and the app's logs for the error.`
        : 'Nothing was started or updated for this alert, and Azure Monitor will not send it again. Check the app\'s logs for the error. ' +
          (ids.length > 0 && concerned
            ? `If ${ids.length === 1 ? 'the workload needs' : 'the workloads need'} to fail over, start it by hand: failover trigger --workloads ${ids.join(',')} --reason "…". `
            : 'If a workload needs to fail over, start it by hand: failover trigger --workloads <id> --reason "…". ') +
          'Once the fault is fixed, the archived alert can be posted to the webhook again.';
      tone = 'attention';
      // The workloads' regions are not the point here: where the alert is, and what it was about.
      facts.length = 0;
      facts.push({ label: 'Archived as', value: String(event.archived) });
      facts.push({ label: 'Alert about', value: String(event.incidentKey) });
      facts.push({ label: 'Region', value: primary });
      facts.push({ label: concerned ? (ids.length === 1 ? 'Workload' : 'Workloads') : 'Told (every workload)', value: ids.join(', ') || 'none' });
      break;
    }
    case 'incident-cancelled':
      headline = `Incident cancelled: no further action for ${who}`;
      lines.push({ text: clip(event.reason, LIMITS.reason) });
      action = 'Nothing more runs for this incident; the workloads stay where they are now.';
      tone = 'default';
      if (event.by) facts.push({ label: 'Cancelled by', value: event.by });
      break;
    default:
      return unknownEvent(event);
  }

  if (isNumber(event.dataLossWindowMs)) {
    facts.push({ label: 'Possible data loss', value: `up to ${formatDuration(event.dataLossWindowMs)} of recent writes (provider-managed failover)` });
  }
  if (event.statusUrl) pushLink(links, 'status', event.type === 'readiness-drift' ? 'Readiness report' : 'Incident status', event.statusUrl);

  return {
    headline,
    lines: lines.filter((line) => line.text.trim() !== ''),
    action,
    checklist,
    facts: facts.map((fact) => ({ label: fact.label, value: clip(fact.value, LIMITS.factValue) })),
    links,
    context: contextLine(event),
    tone,
  };
}

/** A notification type this build does not know (from newer JSON): still say something useful. */
function unknownEvent(event: never): NotificationView {
  const e = (event ?? {}) as Partial<IncidentNotification> & { type?: unknown };
  const type = typeof e.type === 'string' ? e.type : 'notification';
  return {
    headline: `Incident update (${type}): ${listWorkloads(Array.isArray(e.workloads) ? e.workloads : [])}`,
    lines: typeof e.title === 'string' ? [{ text: clip(e.title, LIMITS.title) }] : [],
    action: 'See the incident status for details.',
    checklist: [],
    facts: [],
    links: [],
    context: contextLine({ incidentId: String(e.incidentId ?? ''), trackingId: e.trackingId ?? null, at: String(e.at ?? '') }),
    tone: 'default',
  };
}

function contextLine(event: { incidentId: string; trackingId?: string | null; at: string }): string {
  const parts = event.incidentId === '' ? [] : [`Incident ${event.incidentId}`];
  if (event.trackingId) parts.push(`Tracking ID ${event.trackingId}`);
  parts.push(formatTime(event.at));
  return clip(parts.join(' · '), 500);
}

function directionVerb(direction: Direction): string {
  return direction === 'failover' ? 'fail over' : 'fail back';
}

function direction(dir: Direction, word: string): string {
  return `${word} ${dir}`;
}

function destination(dir: Direction, primary: string, secondary: string | null): string {
  if (dir === 'failback') return ` to ${primary}`;
  return secondary === null ? ' (provider-managed)' : ` to ${secondary}`;
}

function staying(dir: Direction, primary: string, secondary: string | null): string {
  if (dir === 'failover') return `in ${primary}`;
  return secondary === null ? 'on the provider-managed side' : `in ${secondary}`;
}

function runs(workloads: readonly string[]): string {
  return workloads.length === 1 ? 'runs' : 'run';
}

function pushLink(links: NotificationLink[], role: NotificationLink['role'], label: string, url: string | null | undefined): void {
  if (typeof url === 'string' && isHttpUrl(url) && url.length <= LIMITS.url) links.push({ role, label, url });
}

function pushWorkloadDurations(facts: NotificationFact[], durations: Record<string, number> | null | undefined): void {
  if (!durations) return;
  const entries = Object.entries(durations).filter(([, ms]) => isNumber(ms));
  // One workload's time is the total already; list them only when there are several.
  if (entries.length < 2) return;
  facts.push({ label: 'Per workload', value: entries.map(([id, ms]) => `${id} ${formatDuration(ms)}`).join(', ') });
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** `media-streaming`, `a and b`, `a, b and c`, `a, b, c and 2 more`. */
export function listWorkloads(ids: readonly string[]): string {
  if (ids.length === 0) return 'no workloads';
  if (ids.length === 1) return ids[0] ?? '';
  if (ids.length <= 3) return `${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1] ?? ''}`;
  return `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

/** `850 ms`, `42s`, `4m 12s`, `1h 3m`, `2d 5h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string): string =>
    small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
  if (s < 3600) return pair(Math.floor(s / 60), 'm', s % 60, 's');
  if (s < 86_400) return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'm');
  return pair(Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h');
}

/** `2025-06-01 12:00 UTC`; the input as it is when it is not a date. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

/** Shortens to at most `max` characters, ending in `…`, without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut}…`;
}

// ---------------------------------------------------------------------------------------------
// Microsoft Teams
// ---------------------------------------------------------------------------------------------

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface TeamsTextRun {
  type: 'TextRun';
  text: string;
  weight?: 'Bolder';
  size?: 'Large' | 'Medium' | 'Small';
  color?: 'Attention' | 'Warning' | 'Good' | 'Default';
  isSubtle?: boolean;
  fontType?: 'Monospace';
  /** Makes the run a link (Adaptive Cards 1.2): only a checklist URL, shown as its own text. */
  selectAction?: TeamsOpenUrlAction;
}

export interface TeamsRichTextBlock {
  type: 'RichTextBlock';
  inlines: TeamsTextRun[];
  spacing?: 'None' | 'Small' | 'Medium';
  separator?: boolean;
}

export interface TeamsOpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
  style?: 'positive' | 'destructive';
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  /** Shown where the card cannot be (notifications, old clients). */
  fallbackText: string;
  body: TeamsRichTextBlock[];
  actions?: TeamsOpenUrlAction[];
  msteams: { width: 'Full' };
}

export interface TeamsMessage {
  type: 'message';
  summary: string;
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

const TEAMS_COLOR: Record<Tone, TeamsTextRun['color']> = {
  attention: 'Attention',
  warning: 'Warning',
  good: 'Good',
  default: 'Default',
};

/**
 * Breaks every URL in a text so no client turns it into a link: `https://x` → `https[:]//x`,
 * `www.x` → `www[.]x`. See the module comment for why.
 */
export function breakUrls(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//').replace(/\bwww\./gi, 'www[.]');
}

/**
 * Teams text is plain (TextRun): no Markdown, no HTML. What a TextRun still interprets is
 * `{{DATE(…)}}`, which is broken up, and a client may link a bare URL, which is broken too.
 */
export function teamsText(text: string): string {
  return breakUrls(text).replace(/\{\{/g, '{\u200b{');
}

function run(text: string, extra: Omit<TeamsTextRun, 'type' | 'text'> = {}): TeamsTextRun {
  return { type: 'TextRun', text: teamsText(text), ...extra };
}

/**
 * The checklist as blocks: `What to do now:`, then per workload its name and one line per item,
 * the item's URL as written (a link when it is http(s), monospace otherwise, to copy).
 */
function teamsChecklist(groups: readonly ChecklistGroup[]): TeamsRichTextBlock[] {
  if (groups.length === 0) return [];
  const urlRun = (line: ChecklistLine): TeamsTextRun[] => {
    if (line.url === null) return [];
    return [line.link ? { type: 'TextRun', text: line.url, selectAction: { type: 'Action.OpenUrl', title: line.url, url: line.url } } : { type: 'TextRun', text: line.url, fontType: 'Monospace' }];
  };
  return [
    { type: 'RichTextBlock', inlines: [run('What to do now:', { weight: 'Bolder' })] },
    ...groups.flatMap((group): TeamsRichTextBlock[] => [
      { type: 'RichTextBlock', inlines: [run(`${group.workload}:`, { weight: 'Bolder' })], spacing: 'Small' },
      ...group.items.map(
        (line): TeamsRichTextBlock => ({
          type: 'RichTextBlock',
          inlines: [run(`• ${line.before}`), ...urlRun(line), ...(line.after !== '' ? [run(line.after)] : [])],
          spacing: 'None',
        }),
      ),
    ]),
  ];
}

export function renderTeams(event: IncidentNotification): TeamsMessage {
  const view = describeNotification(event);
  const body: TeamsRichTextBlock[] = [
    { type: 'RichTextBlock', inlines: [run(view.headline, { size: 'Large', weight: 'Bolder', color: TEAMS_COLOR[view.tone] })] },
    ...view.lines.map(
      (line): TeamsRichTextBlock => ({ type: 'RichTextBlock', inlines: [run(line.text, line.style === 'code' ? { fontType: 'Monospace' } : {})] }),
    ),
    { type: 'RichTextBlock', inlines: [run('What to do: ', { weight: 'Bolder' }), run(view.action)] },
    ...teamsChecklist(view.checklist),
    ...view.facts.map(
      (fact, i): TeamsRichTextBlock => ({
        type: 'RichTextBlock',
        inlines: [run(`${fact.label}: `, { weight: 'Bolder' }), run(fact.value)],
        ...(i === 0 ? { separator: true } : { spacing: 'None' as const }),
      }),
    ),
    { type: 'RichTextBlock', inlines: [run(view.context, { isSubtle: true, size: 'Small' })] },
  ];
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    fallbackText: teamsText(`${view.headline}. ${view.action}`),
    body,
    msteams: { width: 'Full' },
  };
  if (view.links.length > 0) {
    card.actions = view.links.map((link): TeamsOpenUrlAction => {
      const action: TeamsOpenUrlAction = { type: 'Action.OpenUrl', title: link.label, url: link.url };
      if (link.role === 'approve') action.style = 'positive';
      if (link.role === 'reject') action.style = 'destructive';
      return action;
    });
  }
  return {
    type: 'message',
    summary: teamsText(view.headline),
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}

// ---------------------------------------------------------------------------------------------
// Slack
// ---------------------------------------------------------------------------------------------

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
}

export interface SlackButton {
  type: 'button';
  text: SlackPlainText;
  url: string;
  action_id: string;
  style?: 'primary' | 'danger';
}

export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn }
  | { type: 'section'; fields: SlackMrkdwn[] }
  | { type: 'context'; elements: SlackMrkdwn[] }
  | { type: 'actions'; elements: SlackButton[] };

export interface SlackMessage {
  /** Fallback for notifications and clients without blocks; always present. */
  text: string;
  blocks: SlackBlock[];
}

/** Slack's three control characters in mrkdwn (and in `text`): `&`, `<`, `>`. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An `@` that starts a word (a mention to Slack), not one inside an address; shown as a look-alike. */
const WORD_INITIAL_AT = /(?<![\p{L}\p{N}_.+-])@/gu;
const FULLWIDTH_AT = '\uff20';

/**
 * Text that mrkdwn shows as written: URLs broken, `&<>` escaped, formatting characters and a
 * word-initial `@` replaced by look-alikes (the module comment says why these).
 */
export function neutralizeSlack(text: string): string {
  return escapeSlack(
    breakUrls(text)
      .replace(/\*/g, '\u2217')
      .replace(/~/g, '\u223c')
      .replace(/`/g, '\u02cb')
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\u02cd')
      .replace(WORD_INITIAL_AT, FULLWIDTH_AT),
  );
}

/** Clips escaped text without leaving half an entity (`&am…`). */
function clipEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  return clip(escaped, max).replace(/&[a-z]{0,3}…$/, '…');
}

/** Neutralizes (see `neutralizeSlack`), then clips. */
function slackText(text: string, max: number): string {
  return clipEscaped(neutralizeSlack(text), max);
}

/** For a code block, where mrkdwn formats nothing: URLs broken, `&<>` escaped, no ``` to end it early. */
function slackCode(text: string, max: number): string {
  return clipEscaped(escapeSlack(breakUrls(text).replace(/```/g, '`\u200b``')), max);
}

/** Slack `plain_text` (the header) reads no mrkdwn; URLs and mentions are still kept from it. */
function slackPlain(text: string): string {
  return breakUrls(text).replace(WORD_INITIAL_AT, FULLWIDTH_AT);
}

const SLACK_EMOJI: Record<Tone, string> = {
  attention: ':rotating_light:',
  warning: ':warning:',
  good: ':white_check_mark:',
  default: ':information_source:',
};

/**
 * A checklist URL as written: an http(s) one as a link whose text is the address (`<url>`), any
 * other (an encoder's rtmps://) as code to copy. `&<>` are entities (Slack reads them even in a
 * link), and `|`, which would start a link's label, and the backtick, which would end the code,
 * are percent-encoded, as the same address.
 */
function slackUrl(line: ChecklistLine): string {
  if (line.url === null) return '';
  return line.link ? `<${escapeSlack(line.url.replace(/\|/g, '%7C'))}>` : `\`${escapeSlack(line.url.replace(/`/g, '%60'))}\``;
}

/** The checklist as sections of at most 3000 characters: `What to do now:`, then per workload its items. */
function slackChecklist(groups: readonly ChecklistGroup[]): SlackBlock[] {
  if (groups.length === 0) return [];
  const lines = [
    '*What to do now:*',
    ...groups.flatMap((group) => [
      `*${slackText(group.workload, 100)}*`,
      ...group.items.map((line) => clipEscaped(`• ${slackText(line.before, 1000)}${slackUrl(line)}${slackText(line.after, 500)}`, 2900)),
    ]),
  ];
  const sections: string[] = [];
  for (const line of lines) {
    const last = sections.length - 1;
    if (last >= 0 && sections[last]!.length + 1 + line.length <= 3000) sections[last] += `\n${line}`;
    else sections.push(line);
  }
  return sections.map((text): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

export function renderSlack(event: IncidentNotification): SlackMessage {
  const view = describeNotification(event);
  const blocks: SlackBlock[] = [
    // Header text is plain_text (never mrkdwn), 150 characters at most.
    { type: 'header', text: { type: 'plain_text', text: clip(slackPlain(`${SLACK_EMOJI[view.tone]} ${view.headline}`), 150), emoji: true } },
  ];
  if (view.lines.length > 0) {
    const text = view.lines
      .map((line) => (line.style === 'code' ? `\`\`\`${slackCode(line.text, 2900)}\`\`\`` : slackText(line.text, 1000)))
      .join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*What to do:* ${slackText(view.action, 2900)}` } });
  blocks.push(...slackChecklist(view.checklist));
  // A section takes at most 10 fields of at most 2000 characters.
  for (let i = 0; i < view.facts.length; i += 10) {
    blocks.push({
      type: 'section',
      fields: view.facts.slice(i, i + 10).map((fact) => ({ type: 'mrkdwn', text: `*${slackText(fact.label, 100)}*\n${slackText(fact.value, 1800)}` })),
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: slackText(view.context, 2000) }] });
  if (view.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: view.links.map((link): SlackButton => {
        const button: SlackButton = { type: 'button', text: { type: 'plain_text', text: clip(link.label, 75) }, url: link.url, action_id: link.role };
        if (link.role === 'approve') button.style = 'primary';
        if (link.role === 'reject') button.style = 'danger';
        return button;
      }),
    });
  }
  return { text: slackText(`${view.headline}. ${view.action}`, 3000), blocks };
}

// ---------------------------------------------------------------------------------------------
// Generic webhook
// ---------------------------------------------------------------------------------------------

export type WebhookBody = IncidentNotification & {
  schema: typeof NOTIFICATION_SCHEMA;
  /** The headline, for receivers that only show one line. */
  summary: string;
};

export function renderWebhook(event: IncidentNotification): WebhookBody {
  const body: WebhookBody = { schema: NOTIFICATION_SCHEMA, summary: describeNotification(event).headline, ...event };
  // A stray `schema` in the input (from JSON) must not replace ours; the key stays first.
  body.schema = NOTIFICATION_SCHEMA;
  return body;
}

// ---------------------------------------------------------------------------------------------

/** The request body for a target kind. Email has no body here: the notifier does not send mail. */
export function renderFor(kind: Exclude<DeliveryTarget['kind'], 'email'>, event: IncidentNotification): TeamsMessage | SlackMessage | WebhookBody {
  switch (kind) {
    case 'teams':
      return renderTeams(event);
    case 'slack':
      return renderSlack(event);
    case 'webhook':
      return renderWebhook(event);
  }
}
