/**
 * The HTTP client of bench:intake, in a process of its own so that what it costs is not charged
 * to the server under test (which, for the app, shares its event loop with the durable runtime
 * and the simulator). The parent sends a request list over IPC; the client posts it with
 * `concurrency` senders, each taking the next request when its previous one has been answered
 * and its body read, and sends back every answer with its latency.
 *
 *   forked by bench/intake.ts; not run by hand
 */

export interface ClientRun {
  type: 'run';
  url: string;
  headers: Record<string, string>;
  /** Distinct bodies; `order` says which to send, in what order. */
  bodies: string[];
  order: number[];
  concurrency: number;
}

export interface ClientAnswer {
  /** Index into `order`. */
  i: number;
  /** HTTP status; 0 when the request failed without an answer. */
  status: number;
  /** performance.now() around fetch, reading the response body included. */
  ms: number;
  body: string;
}

export interface ClientResult {
  type: 'result';
  answers: ClientAnswer[];
  /** From the first request sent to the last answer read. */
  elapsedMs: number;
  /** CPU time this client process used meanwhile (user + system). */
  cpuMs: number;
}

async function run(job: ClientRun): Promise<ClientResult> {
  const answers: ClientAnswer[] = new Array<ClientAnswer>(job.order.length);
  let next = 0;
  const sender = async () => {
    for (;;) {
      const i = next++;
      if (i >= job.order.length) return;
      const body = job.bodies[job.order[i]!]!;
      const t0 = performance.now();
      try {
        const res = await fetch(job.url, { method: 'POST', headers: job.headers, body });
        const text = await res.text();
        answers[i] = { i, status: res.status, ms: performance.now() - t0, body: text };
      } catch (err) {
        answers[i] = { i, status: 0, ms: performance.now() - t0, body: err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err) };
      }
    }
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  const elapsedMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { type: 'result', answers, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
}

process.on('message', (message: ClientRun | { type: 'exit' }) => {
  if (message.type === 'exit') process.exit(0);
  run(message).then(
    (result) => process.send!(result),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
