/**
 * ARM's throttling, met in line rather than in a herd. ARM refills each subscription's read,
 * write and delete budgets continuously (token buckets). When one runs dry, every request that
 * meets a 429 and retries after its Retry-After races the others for the next token, in no order,
 * and a failover's critical path (the streaming endpoint that takes two minutes to start) waits
 * as long as a write that could have waited a minute for free.
 *
 * This pipeline policy queues them instead, per subscription and kind of request. After a 429
 * the queue holds until the Retry-After has passed, then lets one request probe; once one gets
 * through, the waiting ones go as far as ARM's `x-ms-ratelimit-remaining-subscription-*` header
 * says the budget reaches, highest priority first: the writes that start operations Azure takes
 * minutes to finish, since every second they wait is a second more of failover. For the same
 * reason the last quarter of a write budget is kept for those writes: the others wait for it to
 * refill. The SDK's own retry policy stays outside, for faults other than throttling.
 */
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { retryAfterMs } from '../http/retry-after.js';

type Kind = 'read' | 'write' | 'delete';

/**
 * A request on a failover's longest chain, with how long Azure typically takes to finish what it
 * starts or watches (s): its priority in a throttled queue. The playbook steps declare theirs
 * (`urgentRequests` in lib/playbooks/define.ts): the writes that start what takes minutes, and the
 * list reads that watch it end, whose delay is the failover's too. Everything else waits its turn
 * at 0.
 */
export interface RequestPriority {
  readonly method: string;
  readonly path: RegExp;
  readonly seconds: number;
}

export function priorityOf(priorities: readonly RequestPriority[], method: string, path: string): number {
  const m = method.toUpperCase();
  let best = 0;
  for (const p of priorities) if (p.method === m && p.path.test(path) && p.seconds > best) best = p.seconds;
  return best;
}

const HEADER: Record<Kind, string> = {
  read: 'x-ms-ratelimit-remaining-subscription-reads',
  write: 'x-ms-ratelimit-remaining-subscription-writes',
  delete: 'x-ms-ratelimit-remaining-subscription-deletes',
};

interface Waiter {
  priority: number;
  seq: number;
  go: () => void;
}

/** The share of a write budget only long-running starts may spend. */
const WRITE_RESERVE = 0.25;

/** One budget's queue: one subscription, one kind of request. */
export class ThrottleQueue {
  private readonly waiting: Waiter[] = [];
  /** The largest budget ARM has reported: how big its bucket is. */
  private peak = 0;
  /** How long ARM last asked to wait for a token: how often to ask again when holding back. */
  private refillMs = 1000;
  /** While set, the budget is spent: nothing goes before this time but one probe after it. */
  private closedUntil: number | null = null;
  private probeOut = false;
  /** Requests the last answer's remaining budget still lets go without another answer. */
  private budget = Number.POSITIVE_INFINITY;
  private inFlight = 0;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly reserveShare = 0,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the request may be sent. */
  turn(priority: number): Promise<void> {
    if (this.closedUntil === null && this.waiting.length === 0 && this.budget > this.floor(priority)) {
      this.sent();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const w: Waiter = { priority, seq: this.seq++, go: resolve };
      // Highest priority first; equal priorities in arrival order.
      const at = this.waiting.findIndex((x) => x.priority < priority);
      this.waiting.splice(at === -1 ? this.waiting.length : at, 0, w);
      this.pump();
    });
  }

  /** ARM refused a request sent through turn(): the budget is spent for `retryAfter` ms. */
  refused(retryAfter: number): void {
    this.inFlight--;
    this.probeOut = false;
    this.budget = 0;
    this.refillMs = retryAfter;
    this.closedUntil = Math.max(this.closedUntil ?? 0, this.now() + retryAfter);
    this.pump();
  }

  /** A request sent through turn() got an answer other than a 429, with ARM's remaining budget if it said. */
  answered(remaining: number | undefined): void {
    this.inFlight--;
    if (this.closedUntil !== null) {
      // An answer to a request sent before the queue closed says nothing of the budget now.
      if (!this.probeOut) return;
      this.closedUntil = null;
      this.probeOut = false;
    }
    this.budget = remaining ?? Number.POSITIVE_INFINITY;
    if (remaining !== undefined) this.peak = Math.max(this.peak, remaining + 1);
    this.pump();
  }

  /** How many requests wait (for tests and progress output). */
  get queued(): number {
    return this.waiting.length;
  }

  private sent(): void {
    this.inFlight++;
    this.budget--;
  }

  private release(): void {
    const w = this.waiting.shift()!;
    this.sent();
    w.go();
  }

  /** What must be left of the budget for a request of `priority` to go. */
  private floor(priority: number): number {
    return priority > 0 ? 0 : Math.floor(this.peak * this.reserveShare);
  }

  private later(ms: number, then: () => void): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      then();
    }, ms);
    this.timer.unref();
  }

  private pump(): void {
    if (this.waiting.length === 0) return;
    if (this.closedUntil !== null) {
      const wait = this.closedUntil - this.now();
      if (wait > 0) this.later(wait, () => this.pump());
      else if (!this.probeOut) {
        this.probeOut = true;
        this.release();
      }
      return;
    }
    while (this.waiting.length > 0 && this.budget > this.floor(this.waiting[0]!.priority)) this.release();
    if (this.waiting.length === 0 || this.inFlight > 0) return;
    if (this.budget <= 0) {
      // Spent, and nothing out to bring news of the refill: one goes to find out.
      this.release();
      return;
    }
    // Held back by the reserve: ask again once ARM has had time to refill a token.
    this.later(this.refillMs, () => {
      if (this.inFlight === 0 && this.closedUntil === null && this.waiting.length > 0) this.release();
      else this.pump();
    });
  }
}

/** The queues of one process, by subscription and kind. */
export class ThrottleQueues {
  private readonly queues = new Map<string, ThrottleQueue>();

  /** `priorities`: which requests go first when a budget runs dry (none: arrival order). */
  constructor(
    readonly priorities: readonly RequestPriority[] = [],
    private readonly now: () => number = Date.now,
  ) {}

  for(subscription: string, kind: Kind): ThrottleQueue {
    const key = `${subscription.toLowerCase()}|${kind}`;
    let q = this.queues.get(key);
    if (q === undefined) {
      q = new ThrottleQueue(kind === 'write' ? WRITE_RESERVE : 0, this.now);
      this.queues.set(key, q);
    }
    return q;
  }
}

/** After this many refusals in a row a request's 429 goes back to the SDK's retry policy. */
const MAX_REFUSALS = 60;

export const THROTTLE_QUEUE_POLICY = 'armThrottleQueue';

/** The pipeline policy: every ARM request that names a subscription takes its turn in that subscription's queue. */
export function throttleQueuePolicy(queues: ThrottleQueues): PipelinePolicy {
  return {
    name: THROTTLE_QUEUE_POLICY,
    async sendRequest(request: PipelineRequest, next): Promise<PipelineResponse> {
      const url = new URL(request.url);
      const subscription = /\/subscriptions\/([^/]+)/i.exec(url.pathname)?.[1];
      if (subscription === undefined) return next(request);
      const kind: Kind = request.method === 'GET' || request.method === 'HEAD' ? 'read' : request.method === 'DELETE' ? 'delete' : 'write';
      const queue = queues.for(subscription, kind);
      const priority = priorityOf(queues.priorities, request.method, url.pathname);
      for (let refusals = 0; ; refusals++) {
        await queue.turn(priority);
        let response: PipelineResponse;
        try {
          response = await next(request);
        } catch (err) {
          queue.answered(undefined);
          throw err;
        }
        if (response.status !== 429 || refusals >= MAX_REFUSALS) {
          const remaining = Number(response.headers.get(HEADER[kind]) ?? NaN);
          queue.answered(Number.isFinite(remaining) ? remaining : undefined);
          return response;
        }
        queue.refused(retryAfterMs((name) => response.headers.get(name)) ?? 1000);
      }
    },
  };
}
