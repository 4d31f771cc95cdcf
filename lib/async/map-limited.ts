/** Bounded parallelism and deadlines for work that asks Azure many small questions at once. */

/** `fn` over every item, at most `limit` at a time; the results in the items' order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Raised by `withDeadline` when the work did not finish in time. */
export class DeadlineExceeded extends Error {}

/**
 * `work`, or a `DeadlineExceeded` after `ms`: for an answer that must come back while someone
 * waits. The work itself is not stopped (the SDK calls have deadlines of their own); only its
 * result is no longer waited for.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what} did not answer within ${ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`}`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
