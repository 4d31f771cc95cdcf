/**
 * The notify activity: the orchestration says what happened; this adds what only the catalog and
 * the app's address know (regions, approvers, the data-loss window, links) and sends it to every
 * channel of the workloads concerned. It never fails an incident: undelivered messages are counted.
 */
import type { Workload } from '../catalog/types.js';
import { incidentPath } from '../incidents/links.js';
import type { NotificationRequest } from '../incidents/types.js';
import type { IncidentNotification } from '../notify/events.js';
import type { StepDeps } from './deps.js';

export async function sendNotification(deps: StepDeps, request: NotificationRequest): Promise<{ delivered: number; failed: number }> {
  const catalog = await deps.catalog();
  const workloads = catalog.workloads.filter((w) => request.workloads.includes(w.id));
  const notification = completeNotification(request, workloads, deps.publicUrl, deps.now());
  return deps.notify(
    workloads.flatMap((w) => w.notify),
    notification,
  );
}

/** The request with regions, approvers, data-loss window, links and time filled in. */
export function completeNotification(request: NotificationRequest, workloads: readonly Workload[], publicUrl: string | null, now: Date): IncidentNotification {
  const distinct = (values: readonly string[]) => [...new Set(values)].join(', ');
  const secondaries = workloads.flatMap((w) => (w.secondary === null ? [] : [w.secondary.region]));
  const lossWindows = workloads.flatMap((w) => (w.playbook.kind === 'dynamics365' ? [w.playbook.dataLossWindow.ms] : []));
  const base = {
    region: distinct(workloads.map((w) => w.primary.region)) || 'unknown',
    // Provider-managed (no secondary) only when no workload has one.
    secondaryRegion: secondaries.length === 0 ? null : distinct(secondaries),
    statusUrl: publicUrl === null ? null : incidentPath(publicUrl, request.incidentId),
    dataLossWindowMs: lossWindows.length === 0 ? null : Math.max(...lossWindows),
    at: now.toISOString(),
  };
  if (request.type === 'approval-needed' || request.type === 'approval-escalated') {
    const approvers = workloads.flatMap((w) => (w.policy.trigger === 'approval' ? w.policy.approval.approvers : []));
    return {
      ...request,
      ...base,
      approveUrl: incidentPath(publicUrl, request.incidentId, 'approve'),
      rejectUrl: incidentPath(publicUrl, request.incidentId, 'reject'),
      approvers: approvers.length === 0 ? null : [...new Set(approvers)],
    };
  }
  return { ...request, ...base };
}
