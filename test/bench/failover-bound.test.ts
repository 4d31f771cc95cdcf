/**
 * The failover benchmark's lower bound: the longest chain, or the busiest subscription's token
 * buckets, whichever is longer; subscriptions' buckets refill side by side.
 */
import { describe, expect, it } from 'vitest';
import { lowerBound } from '../../bench/failover-bound.js';

const shape = { endpoints: 5, liveEvents: 3, shareSubscriptions: 5 };

describe('the failover lower bound', () => {
  it('is the streaming endpoint start at 40 workloads in one subscription', () => {
    const b = lowerBound(shape, [20], [20]);
    // 20 x (transform, 5 starts, 3 x 5 live event writes, 2 Traffic Manager) + 20 x (5 x 3 + invitation).
    expect(b.busiest).toEqual({ writes: 780, deletes: 100, reads: 620 });
    // (780 - 200) / 10 per second.
    expect(b.budgetMs).toBe(58_000);
    expect(b.chainMs).toBe(120_000);
    expect(b.ms).toBe(120_000);
  });

  it('is the write budget at 200 workloads in one subscription', () => {
    const b = lowerBound(shape, [100], [100]);
    expect(b.busiest).toEqual({ writes: 3900, deletes: 500, reads: 3100 });
    expect(b.budgetMs).toBe(370_000);
    expect(b.ms).toBe(370_000);
  });

  it('counts each of 4 subscriptions on its own buckets', () => {
    const b = lowerBound(shape, [25, 25, 25, 25], [25, 25, 25, 25]);
    expect(b.busiest).toEqual({ writes: 975, deletes: 125, reads: 775 });
    expect(b.budgetMs).toBe(77_500);
    expect(b.ms).toBe(120_000);
    expect(b.why).toContain('the busiest of 4 subscriptions');
  });

  it('takes the busiest subscription, not the sum', () => {
    const b = lowerBound(shape, [100, 0], [0, 20]);
    // 100 x 23 writes in the first; the second's 320 would take 12 s alone.
    expect(b.busiest.writes).toBe(2300);
    expect(b.budgetMs).toBe(210_000);
  });

  it('has no chain for a kind the estate lacks', () => {
    const b = lowerBound(shape, [0], [2]);
    // The snapshot (60 s) outlasts the standby's trigger then the primary's removal (5 s + 5 s).
    expect(b.chainMs).toBe(60_000);
    expect(b.budgetMs).toBe(0);
  });
});
