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
    const t = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.size, updated: t };
    bucket.tokens = Math.min(limit.size, bucket.tokens + ((t - bucket.updated) / 1000) * limit.refillPerSecond);
    bucket.updated = t;
    this.buckets.set(key, bucket);
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
    const t = this.now();
    const perMs = quota.size / quota.periodMs;
    const bucket = this.buckets.get(quota.key) ?? { tokens: quota.size, updated: t };
    bucket.tokens = Math.min(quota.size, bucket.tokens + (t - bucket.updated) * perMs);
    bucket.updated = t;
    this.buckets.set(quota.key, bucket);
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
