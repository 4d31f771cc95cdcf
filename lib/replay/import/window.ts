/**
 * The time window an import reads, checked once for every importer: both ends real dates, in
 * order, and each error naming the option to fix.
 */

export interface ImportWindow {
  from: Date;
  to: Date;
}

/** Throws naming `<what>.from` / `<what>.to` when the window is not one. */
export function checkWindow(window: ImportWindow, what: string): void {
  for (const end of ['from', 'to'] as const) {
    const value: unknown = window[end];
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new Error(`${what}.${end} must be a valid date (got ${String(value)})`);
    }
  }
  if (window.from.getTime() > window.to.getTime()) {
    throw new Error(`${what}.from (${window.from.toISOString()}) is after ${what}.to (${window.to.toISOString()}): give the window's start first`);
  }
}

/** Whether an ISO-8601 time lies in the window, both ends included. */
export function inWindow(at: string, window: ImportWindow): boolean {
  const t = Date.parse(at);
  return t >= window.from.getTime() && t <= window.to.getTime();
}

/** The subscriptions option: a non-empty list of ids, each once (ARM compares them case-insensitively). */
export function checkSubscriptions(subscriptions: readonly string[], what: string): string[] {
  if (!Array.isArray(subscriptions) || subscriptions.length === 0) {
    throw new Error(`${what}.subscriptions must name at least one subscription id`);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [i, sub] of subscriptions.entries()) {
    if (typeof sub !== 'string' || sub.trim() === '') throw new Error(`${what}.subscriptions[${i}] must be a subscription id, got ${JSON.stringify(sub)}`);
    const id = sub.trim();
    if (seen.has(id.toLowerCase())) continue;
    seen.add(id.toLowerCase());
    out.push(id);
  }
  return out;
}
