/**
 * What an Azure answer asks a client to wait before asking again, in milliseconds: the finer
 * `retry-after-ms` (or `x-ms-retry-after-ms`) when sent, else `Retry-After` in seconds.
 * Undefined when it says nothing (an HTTP-date Retry-After is not used by ARM).
 */
export function retryAfterMs(header: (name: string) => string | undefined): number | undefined {
  const ms = Number(header('retry-after-ms') ?? header('x-ms-retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(header('retry-after') ?? NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
