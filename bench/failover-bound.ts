/**
 * The failover benchmark's lower bound, from the simulator's latency model and ARM's token
 * buckets: the longest chain of Azure operations that must follow one another, or the time the
 * busiest subscription's buckets need to let its fewest necessary requests through, whichever is
 * longer. Each subscription has buckets of its own (ARM throttles per subscription and principal:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling),
 * and they refill side by side, so more subscriptions lower the budget's part, never the chain's.
 */
import { latencyOf } from '../sim/latency.js';
import { LIMITS } from '../sim/throttle.js';

export interface EstateShape {
  /** Streaming endpoints and live events per Media Services workload. */
  endpoints: number;
  liveEvents: number;
  /** Share subscriptions per Data Share workload. */
  shareSubscriptions: number;
}

export interface LowerBound {
  ms: number;
  chainMs: number;
  budgetMs: number;
  /** The necessary requests of the subscription whose budget takes longest. */
  busiest: { writes: number; deletes: number; reads: number };
  why: string;
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(2)} min`;

/** `media[k]` and `dataShare[k]`: how many workloads of each kind subscription k holds. */
export function lowerBound(shape: EstateShape, media: readonly number[], dataShare: readonly number[]): LowerBound {
  const se = latencyOf('Microsoft.Media/streamingEndpoints/start');
  // A live event starts once its output exists, and the output once its asset does (an asset PUT
  // and a record written before the start take no time in the model); the clear locator, made
  // between them, is a synchronous write and takes no time in the model either.
  const le = latencyOf('Microsoft.Media/assets/write') + latencyOf('Microsoft.Media/streamingLocators/write') + latencyOf('Microsoft.Media/liveOutputs/write') + latencyOf('Microsoft.Media/liveEvents/start');
  // Viewers move only once the standby streams: the traffic switch follows the slowest start.
  const mediaChain = media.some((n) => n > 0) ? Math.max(se, le) : 0;
  const sync = latencyOf('Microsoft.DataShare/shareSubscriptions/synchronize');
  // The primary's schedules go only once the standby's exist (and once they are recorded, in
  // App Configuration, which takes no time in the model); the snapshot runs beside them.
  const share = dataShare.some((n) => n > 0) ? Math.max(sync, latencyOf('Microsoft.DataShare/triggers/write') + latencyOf('Microsoft.DataShare/triggers/delete')) : 0;
  const chainMs = Math.max(mediaChain, share);
  // The fewest ARM requests: one write per change, one read to see each long-running one end.
  // Media Services, per workload: the transform; each endpoint's start; each live event's asset,
  // live output, locator, start and the locator's playback paths (a POST); the two Traffic
  // Manager endpoints. The record of what the failover starts is not counted: a correct playbook
  // could keep it outside ARM (one App Configuration write), so it is not a necessary ARM request.
  // Data Share, per share subscription: the provider's schedule checked (a POST, an ARM write),
  // the trigger, the snapshot; per workload the invitation.
  const mediaWrites = 1 + shape.endpoints + 5 * shape.liveEvents + 2;
  // What the token buckets let through after their burst: `size` at once, then `refillPerSecond`.
  const bucket = (n: number, kind: keyof typeof LIMITS) => Math.max(0, ((n - LIMITS[kind].size) / LIMITS[kind].refillPerSecond) * 1000);
  let budgetMs = 0;
  let busiest = { writes: 0, deletes: 0, reads: 0 };
  for (let k = 0; k < media.length; k++) {
    const m = media[k] ?? 0;
    const d = dataShare[k] ?? 0;
    const writes = m * mediaWrites + d * (3 * shape.shareSubscriptions + 1);
    const deletes = d * shape.shareSubscriptions;
    // Reads: each endpoint start, live output and live event start seen to end; per share
    // subscription its mappings listed (the check), the trigger and the snapshot seen to end, and
    // the primary's triggers listed (to record them before they are removed).
    const reads = m * (shape.endpoints + 2 * shape.liveEvents) + d * 4 * shape.shareSubscriptions;
    const ms = Math.max(bucket(writes, 'write'), bucket(deletes, 'delete'), bucket(reads, 'read'));
    if (ms >= budgetMs) {
      budgetMs = ms;
      busiest = { writes, deletes, reads };
    }
  }
  const per = media.length === 1 ? '' : ` (the busiest of ${media.length} subscriptions, each with its own buckets)`;
  return {
    ms: Math.max(chainMs, budgetMs),
    chainMs,
    budgetMs,
    busiest,
    why: `longest chain ${minutes(chainMs)} (streaming endpoint start ${se / 1000} s; live event ${le / 1000} s with its output); ARM budget for ${busiest.writes} writes, ${busiest.deletes} deletes, ${busiest.reads} reads${per}: ${minutes(budgetMs)}`,
  };
}
