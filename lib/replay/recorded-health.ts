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
import type { Signal } from '../alerts/signal.js';
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

/**
 * For `--health recorded` when Azure's record says nothing of a workload's resources (a source
 * of Service Health notifications only): its primary read as Service Health described its region
 * then, Unavailable from each Active update of an incident that hits it and Available from its
 * resolution. Each such observation says it was inferred; workloads with any recorded
 * observation keep theirs alone.
 */
export function healthFromServiceHealth(
  signals: ReadonlyArray<{ signal: Signal; at: string }>,
  workloadsHit: (signal: Signal) => string[],
  recorded: readonly HealthObservation[],
  primaryResources: (workloadId: string) => readonly string[],
): HealthObservation[] {
  const covered = (workloadId: string) =>
    recorded.some((o) => o.workloadId === workloadId || (o.workloadId === undefined && primaryResources(workloadId).some((id) => id.toLowerCase() === o.resourceId.toLowerCase())));
  const out: HealthObservation[] = [];
  for (const { signal, at } of signals) {
    if (signal.kind !== 'serviceHealth' || signal.isSynthetic) continue;
    const status: HealthStatus = signal.lifecycle === 'resolved' ? 'Available' : 'Unavailable';
    const when = signal.lifecycle === 'resolved' ? (signal.impactMitigation ?? at) : (signal.impactStart ?? at);
    for (const workloadId of workloadsHit(signal)) {
      if (covered(workloadId)) continue;
      out.push({ resourceId: '', workloadId, at: when, status, origin: `inferred from Service Health ${signal.incidentKey} (${signal.stage ?? signal.lifecycle}): nothing was recorded of the workload's resources` });
    }
  }
  return out;
}
