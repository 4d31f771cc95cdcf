/**
 * Delivers one notification to every target at once, and never throws: an unreachable Teams
 * channel must not fail a failover. Each target gets a `DeliveryResult`.
 *
 * - Retries 429, 5xx, timeouts and network errors with exponential backoff (with jitter), waiting
 *   what `Retry-After` says instead when the response has one (seconds or an HTTP date), never
 *   longer than `backoff.maxMs`. Other statuses (4xx, 3xx) are final: retrying cannot fix them.
 * - Each attempt has its own timeout (an AbortSignal), covering the response body too.
 * - Legacy Teams connectors (`*.webhook.office.com`) answer 200 with
 *   `Webhook message delivery failed with error: … HTTP error 429 …` in the body; that is read as
 *   the status it names.
 * - Webhook URLs are secrets: results and log entries show only the scheme, host and first path
 *   segment (`https://hooks.slack.com/services/…`), and error text is scrubbed of the URL.
 * - Email goes through the email channel (email.ts, Azure Communication Services) when the
 *   notifier is given one, attempt by attempt like a webhook; without one (the app has no email
 *   settings) an email target comes back `ok: false`, not retryable, with EMAIL_NOT_CONFIGURED.
 * - Identical targets (the same channel named by several workloads) get one message.
 * - A failed result says whether a later attempt could succeed (`retryable`, `retryAfterMs`).
 *
 * This retry rule is the notifier's own, on purpose, not the app's transient rule
 * (lib/errors/transient.ts): a chat webhook is worth another try on any network fault (a DNS
 * failure included) and on any 5xx, where a storage or ARM call is not.
 *
 * The app itself makes one short attempt per target (`maxAttempts: 1`, 5 s) and leaves later
 * attempts to the notification outbox (outbox.ts), so a channel that is down never holds up a
 * failover.
 */
import { createHash } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import { parseRetryAfter } from '../http/retry-after.js';
import type { EmailChannel } from './email.js';
import type { DeliveryTarget, IncidentNotification } from './events.js';
import { isHttpUrl, renderFor } from './render.js';

export interface BackoffOptions {
  /** Delay before the second attempt; doubles for each attempt after. */
  baseMs: number;
  /** Longest delay between attempts, `Retry-After` included. */
  maxMs: number;
}

export interface NotifyLogEntry {
  level: 'info' | 'warn';
  message: string;
  incidentId: string;
  type: string;
  /** `teams https://contoso.webhook.office.com/webhookb2/…` (redacted). */
  target: string;
  attempt?: number;
  status?: number;
  delayMs?: number;
  error?: string;
}

export interface NotifierOptions {
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Per attempt, response body included. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per target, the first included. Default 4. */
  maxAttempts?: number;
  /** Default `{ baseMs: 500, maxMs: 8000 }`. */
  backoff?: BackoffOptions;
  /** How to wait between attempts. Default: a real timer. */
  sleep?: (ms: number) => Promise<void>;
  log?: (entry: NotifyLogEntry) => void;
  /** Clock for `Retry-After` dates, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Jitter source in [0, 1): a delay is between half and all of the backoff. Default `Math.random`. */
  random?: () => number;
  /** Sends email targets (email.ts); absent, they are answered EMAIL_NOT_CONFIGURED. */
  email?: EmailChannel;
}

export interface DeliveryResult {
  /** The target, its URL redacted. */
  target: DeliveryTarget;
  ok: boolean;
  /** HTTP attempts made; 0 when the target could not be tried (email, invalid URL). */
  attempts: number;
  /** The last HTTP status, when there was a response. */
  status?: number;
  /** Why it failed, URL-free. */
  error?: string;
  /**
   * On a failure: whether a later attempt could succeed (429, 5xx, a timeout, a network error),
   * as against one that cannot (another 4xx, a redirect, no URL, email).
   */
  retryable?: boolean;
  /** On a retryable failure: how long the receiver asked to be left alone (`Retry-After`), in ms. */
  retryAfterMs?: number;
  durationMs: number;
}

export interface Notifier {
  notify(targets: readonly DeliveryTarget[], event: IncidentNotification): Promise<DeliveryResult[]>;
}

export const EMAIL_NOT_CONFIGURED =
  'email delivery is not configured: set EMAIL_ENDPOINT (or EMAIL_CONNECTION_STRING) and EMAIL_SENDER in the app settings ' +
  'to send through Azure Communication Services, or replace the email target with a teams, slack or webhook one';

const USER_AGENT = 'azure-failover-orchestrator/notify';
const SNIPPET_BYTES = 1024;
const SNIPPET_CHARS = 300;

type Attempt =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number }
  | { kind: 'fail'; status?: number; error: string };

export function createNotifier(options: NotifierOptions = {}): Notifier {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = positive(options.timeoutMs, 10_000);
  const maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts, 4)));
  const baseMs = nonNegative(options.backoff?.baseMs, 500);
  const maxMs = nonNegative(options.backoff?.maxMs, 8000);
  const sleep = options.sleep ?? ((ms: number) => wait(ms));
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;

  const log = (entry: NotifyLogEntry): void => {
    try {
      options.log?.(entry);
    } catch {
      // A broken logger must not break delivery.
    }
  };

  function backoffMs(attempt: number): number {
    const full = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
    const r = Math.min(1, Math.max(0, random()));
    return Math.round(full / 2 + (full / 2) * r);
  }

  async function attemptOnce(target: DeliveryTarget & { url: string }, body: string, headers: Record<string, string>): Promise<Attempt> {
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetchImpl(target.url, { method: 'POST', headers, body, signal, redirect: 'manual' });
    } catch (err) {
      return fetchFailure(err, timeoutMs);
    }
    const text = await readSnippet(response);
    const status = response.status;
    if (status >= 200 && status < 300) {
      const legacy = target.kind === 'teams' ? legacyTeamsFailure(text) : null;
      if (legacy === null) return { kind: 'ok', status };
      const error = `Teams answered ${status} but did not deliver: ${text}`;
      return legacy === 'unknown' || retryable(legacy) ? { kind: 'retry', status, error } : { kind: 'fail', status, error };
    }
    if (retryable(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
      return { kind: 'retry', status, error: httpError(status, text), ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    }
    if (status >= 300 && status < 400) {
      return { kind: 'fail', status, error: `HTTP ${status}: the webhook redirected; webhook URLs do not move, check the URL` };
    }
    return { kind: 'fail', status, error: httpError(status, text) };
  }

  async function deliver(target: DeliveryTarget, event: IncidentNotification, bodies: Map<string, string>, idempotencyKey: string): Promise<DeliveryResult> {
    const started = performance.now();
    const shown = redactTarget(target);
    const label = describeTarget(shown);
    const elapsed = (): number => Math.round(performance.now() - started);
    const base = { incidentId: String(event.incidentId), type: String(event.type), target: label };

    if (target.kind === 'email' && options.email === undefined) {
      log({ ...base, level: 'warn', message: `not sent to ${label}: email delivery is not configured`, error: EMAIL_NOT_CONFIGURED });
      return { target: shown, ok: false, attempts: 0, error: EMAIL_NOT_CONFIGURED, retryable: false, durationMs: 0 };
    }
    if (target.kind === 'email') {
      const channel = options.email!;
      return attemptLoop(base, label, shown, elapsed, () => channel.attempt(target.address, event, idempotencyKey), (text) => text);
    }
    if (target.kind !== 'teams' && target.kind !== 'slack' && target.kind !== 'webhook') {
      const error = `unsupported notification target kind ${JSON.stringify((target as { kind?: unknown }).kind)}`;
      log({ ...base, level: 'warn', message: error, error });
      return { target: shown, ok: false, attempts: 0, error, retryable: false, durationMs: 0 };
    }
    if (typeof target.url !== 'string' || !isHttpUrl(target.url)) {
      const error = 'invalid URL: a notification target needs an https:// URL';
      log({ ...base, level: 'warn', message: `not sent to ${label}: ${error}`, error });
      return { target: shown, ok: false, attempts: 0, error, retryable: false, durationMs: 0 };
    }

    let body = bodies.get(target.kind);
    if (body === undefined) {
      body = JSON.stringify(renderFor(target.kind, event));
      bodies.set(target.kind, body);
    }
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json, text/plain, */*',
      'user-agent': USER_AGENT,
      'idempotency-key': idempotencyKey,
    };

    const url = target.url;
    return attemptLoop(base, label, shown, elapsed, () => attemptOnce(target, body!, headers), (text) => scrub(text, url));
  }

  /** Attempts until one succeeds, one fails for good, or the attempts are used up, waiting between them. */
  async function attemptLoop(
    base: { incidentId: string; type: string; target: string },
    label: string,
    shown: DeliveryTarget,
    elapsed: () => number,
    once: () => Promise<Attempt>,
    clean: (text: string) => string,
  ): Promise<DeliveryResult> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await once();
      const status = outcome.status;
      if (outcome.kind === 'ok') {
        log({ ...base, level: 'info', message: `delivered to ${label}`, attempt, status });
        return { target: shown, ok: true, attempts: attempt, status: outcome.status, durationMs: elapsed() };
      }
      const error = clean(outcome.error);
      const withStatus = status === undefined ? {} : { status };
      if (outcome.kind === 'fail' || attempt >= maxAttempts) {
        const final = outcome.kind === 'retry' && attempt > 1 ? `${error} (gave up after ${attempt} attempts)` : error;
        log({ ...base, ...withStatus, level: 'warn', message: `not delivered to ${label}: ${final}`, attempt, error: final });
        const later = outcome.kind === 'retry' ? { retryable: true, ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }) } : { retryable: false };
        return { target: shown, ok: false, attempts: attempt, ...withStatus, error: final, ...later, durationMs: elapsed() };
      }
      const delayMs = outcome.retryAfterMs === undefined ? backoffMs(attempt) : Math.min(maxMs, outcome.retryAfterMs);
      log({ ...base, ...withStatus, level: 'warn', message: `attempt ${attempt} to ${label} failed (${error}); retrying in ${delayMs} ms`, attempt, delayMs, error });
      await sleep(delayMs);
    }
  }

  async function deliverSafely(target: DeliveryTarget, event: IncidentNotification, bodies: Map<string, string>, idempotencyKey: string): Promise<DeliveryResult> {
    try {
      return await deliver(target, event, bodies, idempotencyKey);
    } catch (err) {
      const url = (target as { url?: unknown }).url;
      const error = `could not deliver: ${typeof url === 'string' ? scrub(messageOf(err), url) : messageOf(err)}`;
      return { target: redactTarget(target), ok: false, attempts: 0, error, retryable: true, durationMs: 0 };
    }
  }

  return {
    async notify(targets, event) {
      try {
        const list = Array.isArray(targets) ? uniqueTargets(targets) : [];
        const bodies = new Map<string, string>();
        const key = idempotencyKeyOf(event);
        return await Promise.all(list.map((target) => deliverSafely(target, event, bodies, key)));
      } catch {
        return [];
      }
    },
  };
}

/** How many targets got the notification, for activities that report counts. */
export function countDeliveries(results: readonly DeliveryResult[]): { delivered: number; failed: number } {
  const delivered = results.filter((r) => r.ok).length;
  return { delivered, failed: results.length - delivered };
}

// ---------------------------------------------------------------------------------------------

function retryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

function httpError(status: number, text: string): string {
  return text === '' ? `HTTP ${status}` : `HTTP ${status}: ${text}`;
}

/** Whether an error from fetch is worth another attempt: timeouts and network errors are. */
function fetchFailure(err: unknown, timeoutMs: number): Attempt {
  const e = err as { name?: unknown; message?: unknown; cause?: unknown };
  if (e?.name === 'TimeoutError') return { kind: 'retry', error: `timed out after ${timeoutMs} ms` };
  if (e?.name === 'AbortError') return { kind: 'retry', error: 'aborted' };
  if (e instanceof TypeError && e.message !== 'fetch failed') {
    // undici's own validation (URL, header values): the same request fails the same way.
    return { kind: 'fail', error: `request rejected: ${e.message}` };
  }
  return { kind: 'retry', error: `network error: ${networkCause(err)}` };
}

function networkCause(err: unknown): string {
  let cause: unknown = (err as { cause?: unknown })?.cause ?? err;
  if (cause instanceof AggregateError && cause.errors.length > 0) cause = cause.errors[0];
  const c = cause as { code?: unknown; message?: unknown };
  const message = typeof c?.message === 'string' ? c.message : '';
  const code = typeof c?.code === 'string' ? c.code : '';
  if (message !== '' && code !== '' && !message.includes(code)) return `${code} (${message})`;
  return message || code || messageOf(err);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The legacy connector's 200-with-error body: the status it names, `unknown`, or null when none. */
function legacyTeamsFailure(text: string): number | 'unknown' | null {
  if (!/^Webhook message delivery failed/i.test(text)) return null;
  const match = /HTTP error (\d{3})/i.exec(text);
  return match?.[1] === undefined ? 'unknown' : Number(match[1]);
}

async function readSnippet(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short (timeout, reset) still leaves the status to go by.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, SNIPPET_BYTES));
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS - 1)}…` : flat;
}

/**
 * A webhook URL with its secret parts removed: scheme, host and the first path segment.
 * `https://hooks.slack.com/services/T0/B0/xyz` → `https://hooks.slack.com/services/…`.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '[invalid URL]';
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const first = segments[0];
  const kept = `${url.protocol}//${url.host}${first === undefined ? '' : `/${first}`}`;
  const dropped = segments.length > 1 || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '';
  return dropped ? `${kept}/…` : kept;
}

export function redactTarget(target: DeliveryTarget): DeliveryTarget {
  if (target.kind === 'email') return { kind: 'email', address: target.address };
  const url = (target as { url?: unknown }).url;
  return { ...target, url: typeof url === 'string' ? redactUrl(url) : '[invalid URL]' };
}

/** `teams https://contoso.webhook.office.com/webhookb2/…`, `email oncall@contoso.example`: a target as logs and the outbox name it (redact it first). */
export function describeTarget(target: DeliveryTarget): string {
  return target.kind === 'email' ? `email ${target.address}` : `${String(target.kind)} ${(target as { url?: unknown }).url}`;
}

/** Removes the URL, and the parts of it that carry secrets, from a message. */
function scrub(text: string, raw: string): string {
  let out = text;
  const candidates = new Set<string>([raw]);
  try {
    const url = new URL(raw);
    candidates.add(url.href);
    candidates.add(url.pathname + url.search);
    candidates.add(url.search.slice(1));
    for (const segment of url.pathname.split('/').slice(2)) candidates.add(segment);
  } catch {
    // Not a URL: only the raw text is scrubbed.
  }
  const redacted = redactUrl(raw);
  for (const candidate of [...candidates].sort((a, b) => b.length - a.length)) {
    if (candidate.length >= 8) out = out.split(candidate).join(candidate === raw ? redacted : '…');
  }
  return out;
}

/** What makes two targets the same channel: the kind and URL, or the email address in any case. */
export function targetKey(target: DeliveryTarget): string {
  return target.kind === 'email'
    ? `email ${String((target as { address?: unknown }).address).toLowerCase()}`
    : `${String(target.kind)} ${String((target as { url?: unknown }).url)}`;
}

/** The targets, each channel once, in their first order; anything that is not a target is dropped. */
export function uniqueTargets(targets: readonly DeliveryTarget[]): DeliveryTarget[] {
  const seen = new Set<string>();
  const out: DeliveryTarget[] = [];
  for (const target of Array.isArray(targets) ? targets : []) {
    if (target === null || typeof target !== 'object') continue;
    const key = targetKey(target);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(target);
  }
  return out;
}

/** Same for every target and every retry of one notification, so receivers can drop duplicates. */
export function idempotencyKeyOf(event: IncidentNotification): string {
  const basis = JSON.stringify([event.incidentId, event.type, event.at, event.workloads]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
