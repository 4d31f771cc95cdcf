/**
 * The email channel: a notification to an `email` target, sent through Azure Communication
 * Services Email with `@azure/communication-email`. One attempt sends the message
 * (`EmailClient.beginSend`) and counts it delivered once the service has accepted it (202), as a
 * webhook attempt counts a 2xx; the notifier counts it like any channel's attempt and the outbox
 * retries what failed for a reason that can pass. It does not wait for the send operation to
 * reach Succeeded: the service answers `retry-after: 1`, so waiting would put a second or more
 * per message on the failover's path (the incident waits for its notify activity), and a send
 * that fails after acceptance is the service's delivery report to give, not this attempt's.
 *
 * - The message is `renderEmail`'s: subject, plain text and HTML, everything escaped.
 * - Each attempt for the same notification and address sends under the same `Operation-Id` (a
 *   UUID derived from the notifier's idempotency key and the address), so a retry after a timeout
 *   finds the first send's operation instead of mailing twice.
 * - What a retry can fix: 429 and 5xx (after `retry-after`), a network error, no answer within
 *   the bound. What it cannot: 400 (the message or the sender is wrong), 401/403 (the app's
 *   identity may not send: a role to grant), 409, and a send the service answers as Failed
 *   (retrying the same operation id finds the same failure).
 * - The SDK's own retries are off: the notifier's attempt is the unit, and it must stay short.
 */
import { createHash } from 'node:crypto';
import { EmailClient, type EmailMessage } from '@azure/communication-email';
import type { TokenCredential } from '@azure/core-auth';
import type { EmailSettings } from '../config.js';
import { parseRetryAfter } from '../http/retry-after.js';
import { renderEmail } from './email-render.js';
import type { IncidentNotification } from './events.js';

/** One attempt's outcome, as the notifier's webhook attempts report theirs. */
export type EmailAttempt =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; error: string; retryAfterMs?: number }
  | { kind: 'fail'; status?: number; error: string };

export interface EmailChannel {
  /** Sends `event` to `address` once; never throws. */
  attempt(address: string, event: IncidentNotification, idempotencyKey: string): Promise<EmailAttempt>;
}

/** What the channel needs of `EmailClient`: its send. */
export type EmailSendClient = Pick<EmailClient, 'beginSend'>;

export interface EmailChannelOptions {
  client: EmailSendClient;
  /** The MailFrom address (EMAIL_SENDER). */
  sender: string;
  /** Longest an attempt waits for the send to be accepted. Default 10 s. */
  timeoutMs?: number;
  /** Clock for `retry-after` dates, epoch ms. Default `Date.now`. */
  now?: () => number;
}

export function createEmailChannel(options: EmailChannelOptions): EmailChannel {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;

  return {
    async attempt(address, event, idempotencyKey) {
      const content = renderEmail(event);
      const message: EmailMessage = {
        senderAddress: options.sender,
        content,
        recipients: { to: [{ address }] },
        headers: {
          'X-Failover-Incident': String(event.incidentId ?? ''),
          'X-Failover-Notification': String(event.type ?? ''),
        },
      };
      const abortSignal = AbortSignal.timeout(timeoutMs);
      const operationId = operationIdFor(idempotencyKey, address);
      let poller: Awaited<ReturnType<EmailSendClient['beginSend']>> | undefined;
      try {
        poller = await options.client.beginSend(message, { operationId, abortSignal });
        const accepted = poller.getOperationState();
        if (accepted.status === 'failed' || accepted.status === 'canceled') {
          return { kind: 'fail', error: `the email service reports the send ${accepted.status}${accepted.error?.message !== undefined ? `: ${accepted.error.message}` : ''}` };
        }
        return { kind: 'ok', status: 202 };
      } catch (err) {
        const state = poller?.getOperationState();
        if (state?.status === 'failed' || state?.status === 'canceled') {
          const reason = state.error?.message ?? (err as Error).message;
          return { kind: 'fail', error: `the email service reports the send ${state.status}: ${reason}` };
        }
        return classify(err, abortSignal.aborted, timeoutMs, now());
      }
    },
  };
}

/** A UUID from the notification's idempotency key and the address: the same for every attempt of one message. */
export function operationIdFor(idempotencyKey: string, address: string): string {
  const hex = createHash('sha256').update(`${idempotencyKey}|${address.toLowerCase()}`).digest('hex');
  // Version 4 and RFC 4122 variant bits, so it is a well-formed UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function classify(err: unknown, timedOut: boolean, timeoutMs: number, nowMs: number): EmailAttempt {
  const e = err as { name?: unknown; statusCode?: unknown; code?: unknown; message?: unknown; response?: { headers?: { get?(name: string): string | undefined } } };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (timedOut || e?.name === 'AbortError') return { kind: 'retry', error: `timed out after ${timeoutMs} ms waiting for the email service` };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const text = `${status !== undefined ? `HTTP ${status}` : 'network error'}${code !== undefined ? ` ${code}` : ''}: ${message}`;
  if (status === undefined) return { kind: 'retry', error: text };
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(e.response?.headers?.get?.('retry-after') ?? null, nowMs);
    return { kind: 'retry', status, error: text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status === 401 || status === 403) {
    return { kind: 'fail', status, error: `${text} (the app may not send email: give its identity the Communication and Email Service Owner role on the Communication Services resource, or check EMAIL_CONNECTION_STRING)` };
  }
  return { kind: 'fail', status, error: text };
}

/** Where the email client reaches: the Communication Services endpoint, and the certificate to trust (the simulator's). */
export interface EmailClientPlace {
  settings: EmailSettings;
  /** The app's managed identity (or the simulator's credential). */
  credential: TokenCredential;
  /** PEM to trust, against the simulator. */
  caPem?: string;
}

/** The SDK client for the settings: the managed identity unless a connection string is configured; no SDK retries (see above). */
export function emailClientFor(place: EmailClientPlace): EmailClient {
  const options = { retryOptions: { maxRetries: 0 }, ...(place.caPem !== undefined ? { tlsOptions: { ca: place.caPem } } : {}) };
  return place.settings.connectionString !== undefined
    ? new EmailClient(place.settings.connectionString, options)
    : new EmailClient(place.settings.endpoint, place.credential, options);
}
