/**
 * How long Azure takes, per operation, in Azure milliseconds (scaled by the clock). Figures are
 * typical values from the service documentation and field reports; they matter for failover
 * because they, not the orchestrator, bound how fast a region switch can be.
 *
 * | operation | typical | source of the figure |
 * |---|---|---|
 * | streaming endpoint start / scale | 120 s | AMS docs: "can take several minutes"; field reports 1-3 min |
 * | streaming endpoint stop | 30 s | |
 * | live event start / allocate | 90 s | AMS docs: live event start "about 1-2 minutes" |
 * | live event stop | 20 s | |
 * | streaming endpoint create, live output create / delete | 30 s, 10 s | |
 * | encoding job Queued → Scheduled → Processing → Finished | 10 s + 20 s + 120 s | depends on the media; a short clip |
 * | Data Share synchronize (snapshot) | 60 s | small datasets; large ones take hours |
 * | Data Share trigger create / delete | 5 s | |
 * | ARM resource PUT (accounts) | 20 s | |
 * | Genomics workflow queued → running → done | 120 s + 4 h | a 30x whole genome takes hours |
 * | Genomics workflow cancel | 60 s | |
 * | any request's round trip | 30 ms | ARM front door latency, not scaled |
 */

export const ROUND_TRIP_MS = 30;

const MODEL: Record<string, number> = {
  'Microsoft.Media/streamingEndpoints/start': 120_000,
  'Microsoft.Media/streamingEndpoints/scale': 120_000,
  'Microsoft.Media/streamingEndpoints/stop': 30_000,
  'Microsoft.Media/liveEvents/start': 90_000,
  'Microsoft.Media/liveEvents/allocate': 90_000,
  'Microsoft.Media/liveEvents/stop': 20_000,
  'Microsoft.Media/liveEvents/write': 30_000,
  'Microsoft.Media/liveOutputs/write': 10_000,
  'Microsoft.Media/liveOutputs/delete': 10_000,
  'Microsoft.Media/streamingEndpoints/write': 30_000,
  'Microsoft.Media/jobs/queued': 10_000,
  'Microsoft.Media/jobs/scheduled': 20_000,
  'Microsoft.Media/jobs/processing': 120_000,
  'Microsoft.DataShare/shareSubscriptions/synchronize': 60_000,
  'Microsoft.DataShare/triggers/write': 5_000,
  'Microsoft.DataShare/triggers/delete': 5_000,
  'Microsoft.DataShare/accounts/write': 20_000,
  'Microsoft.Genomics/workflows/queue': 120_000,
  'Microsoft.Genomics/workflows/process': 4 * 3600_000,
  'Microsoft.Genomics/workflows/cancel': 60_000,
};

/** Azure milliseconds an operation takes; unknown operations complete at once. */
export function latencyOf(operation: string): number {
  return MODEL[operation] ?? 0;
}

export function latencyModel(): Readonly<Record<string, number>> {
  return MODEL;
}
