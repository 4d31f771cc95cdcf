/**
 * `--health recorded`: a replayed incident's Resource Health checks answered from what was
 * recorded at the time, so a decision replay asks "what would today's rules decide given what
 * Azure said then", whatever staging's resources say now.
 *
 * A workload's state at a moment of the original incident is, when the original incident's own
 * checks saw that workload, the latest of those; otherwise the worst of its primary resources'
 * latest observations, a resource with none by then reading Unknown (neither impaired nor
 * healthy: the incident neither confirms nor fails back on it, as for a check Azure did not answer).
 */
import type { HealthObservation, HealthStatus } from './types.js';

const RANK: Record<HealthStatus, number> = { Available: 0, Unknown: 1, Degraded: 2, Unavailable: 3 };

/** The instant of the original incident a replay is at: its first signal plus the elapsed time times the speed. */
export function originalInstant(replay: { startedAt: string; firstAt: string; speed: number }, now: Date): number {
  return Date.parse(replay.firstAt) + (now.getTime() - Date.parse(replay.startedAt)) * replay.speed;
}

export function recordedWorkloadHealth(observations: readonly HealthObservation[], workload: { id: string; primaryResourceIds: readonly string[] }, at: number): HealthStatus {
  const seen = (o: HealthObservation) => Date.parse(o.at) <= at;
  const checks = observations.filter((o) => o.workloadId === workload.id);
  if (checks.length > 0) return latest(checks.filter(seen))?.status ?? 'Unknown';
  if (workload.primaryResourceIds.length === 0) return 'Unknown';
  let worst: HealthStatus = 'Available';
  for (const id of workload.primaryResourceIds) {
    const status = latest(observations.filter((o) => o.workloadId === undefined && o.resourceId.toLowerCase() === id.toLowerCase() && seen(o)))?.status ?? 'Unknown';
    if (RANK[status] > RANK[worst]) worst = status;
  }
  return worst;
}

function latest(observations: readonly HealthObservation[]): HealthObservation | undefined {
  return observations.reduce<HealthObservation | undefined>((best, o) => (best === undefined || Date.parse(o.at) >= Date.parse(best.at) ? o : best), undefined);
}
