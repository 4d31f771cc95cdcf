/**
 * The HTTP client of bench:storm, in a process of its own so that what it costs is not charged to
 * the host under test. Unlike bench:intake's closed loop, each request has a time it is due (the
 * storm's schedule): `concurrency` senders take the requests in order, wait for each one's time,
 * post it and read the answer. A sender still busy when the next request falls due sends it late;
 * the answer says how late, so a host too slow for the schedule shows as lag, not as a shorter
 * storm.
 *
 *   forked by bench/storm.ts; not run by hand
 */

export interface StormRun {
  type: 'run';
  url: string;
  headers: Record<string, string>;
  /** Distinct bodies; `schedule` says which to send, and when. */
  bodies: string[];
  /** [body index, due (real ms after `startAt`)], in due order. */
  schedule: Array<[number, number]>;
  concurrency: number;
  /** Epoch ms (this machine's clock) the schedule counts from. */
  startAt: number;
}

export interface StormAnswer {
  /** Index into `schedule`. */
  i: number;
  /** HTTP status; 0 when the request failed without an answer. */
  status: number;
  /** Epoch ms the request was sent. */
  sentAt: number;
  /** From sending to the answer's body read. */
  ms: number;
  /** The answer's body (cut to 2,000 characters). */
  body: string;
}

export interface StormResult {
  type: 'result';
  answers: StormAnswer[];
  /** CPU time this client process used during the run (user + system). */
  cpuMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function run(job: StormRun): Promise<StormResult> {
  const answers = new Array<StormAnswer>(job.schedule.length);
  let next = 0;
  const sender = async () => {
    for (;;) {
      const i = next++;
      if (i >= job.schedule.length) return;
      const [k, due] = job.schedule[i]!;
      const wait = job.startAt + due - Date.now();
      if (wait > 0) await sleep(wait);
      const sentAt = Date.now();
      const t0 = performance.now();
      try {
        const res = await fetch(job.url, { method: 'POST', headers: job.headers, body: job.bodies[k]! });
        const text = await res.text();
        answers[i] = { i, status: res.status, sentAt, ms: performance.now() - t0, body: text.slice(0, 2000) };
      } catch (err) {
        answers[i] = { i, status: 0, sentAt, ms: performance.now() - t0, body: err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err) };
      }
    }
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  const used = process.cpuUsage(cpu);
  return { type: 'result', answers, cpuMs: (used.user + used.system) / 1000 };
}

process.on('message', (message: StormRun | { type: 'exit' }) => {
  if (message.type === 'exit') process.exit(0);
  run(message).then(
    (result) => process.send!(result),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
