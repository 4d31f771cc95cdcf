/**
 * How long an answer asks its client to wait before asking again, in milliseconds. One reading
 * for every client the app has: the notifier's webhooks and the Azure clients' polls and queues.
 */

/**
 * `Retry-After` as milliseconds from now: delay-seconds (`120`) or an HTTP date. Undefined when
 * absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * What an Azure answer asks: the finer `retry-after-ms` (or `x-ms-retry-after-ms`) when sent,
 * else `Retry-After`. Undefined when it says nothing.
 */
export function retryAfterMs(header: (name: string) => string | undefined, nowMs: number = Date.now()): number | undefined {
  const ms = Number(header('retry-after-ms') ?? header('x-ms-retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  return parseRetryAfter(header('retry-after'), nowMs);
}
