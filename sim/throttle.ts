/**
 * ARM throttling as published since 2024: a token bucket per subscription, principal and
 * operation type (reads 250, refill 25/s; writes and deletes 200, refill 10/s). The simulator
 * refills them on its own clock: at 600x, Azure's operations take a six-hundredth of their time,
 * so the requests a failover makes come six hundred times as fast, and the budget per Azure
 * second must stay Azure's for throttling to bite where it would in Azure.
 */
import type { OperationKind } from './types.js';

export const LIMITS: Record<OperationKind, { size: number; refillPerSecond: number }> = {
  read: { size: 250, refillPerSecond: 25 },
  write: { size: 200, refillPerSecond: 10 },
  delete: { size: 200, refillPerSecond: 10 },
};

interface Bucket {
  tokens: number;
  updated: number;
}

/** The bucket under `key` (full when new), topped up, to at most `size`, by what `gained` says the milliseconds since its last use earn. */
function refilled(buckets: Map<string, Bucket>, key: string, size: number, t: number, gained: (elapsedMs: number) => number): Bucket {
  const bucket = buckets.get(key) ?? { tokens: size, updated: t };
  bucket.tokens = Math.min(size, bucket.tokens + gained(t - bucket.updated));
  bucket.updated = t;
  buckets.set(key, bucket);
  return bucket;
}

export interface ThrottleDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until one token is back, when refused. */
  retryAfterSeconds: number;
}

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();
  enabled = true;

  constructor(private readonly now: () => number = () => Date.now()) {}

  take(subscriptionId: string, principal: string, kind: OperationKind): ThrottleDecision {
    const limit = LIMITS[kind];
    const key = `${subscriptionId.toLowerCase()}|${principal}|${kind}`;
    const bucket = refilled(this.buckets, key, limit.size, this.now(), (ms) => (ms / 1000) * limit.refillPerSecond);
    if (!this.enabled) return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.refillPerSecond)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}

export function throttleHeader(kind: OperationKind): string {
  return `x-ms-ratelimit-remaining-subscription-${kind === 'read' ? 'reads' : kind === 'write' ? 'writes' : 'deletes'}`;
}

/**
 * Data planes' own request quotas (App Configuration's per store): a token bucket of `size`
 * requests refilled evenly over `periodMs` of Azure time, per quota key. ARM's buckets above do
 * not count these requests, as Azure's do not: a data plane is not behind ARM.
 */
export class RequestQuotas {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Null when the request may go on; else the Azure milliseconds until one request is back. */
  take(quota: { key: string; size: number; periodMs: number }): number | null {
    const perMs = quota.size / quota.periodMs;
    const bucket = refilled(this.buckets, quota.key, quota.size, this.now(), (ms) => ms * perMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs));
  }

  reset(): void {
    this.buckets.clear();
  }
}
