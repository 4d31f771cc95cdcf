/**
 * The notify activity: the orchestration says what happened; this adds what only the catalog and
 * the app's address know (regions, approvers, the data-loss window, links) and sends it to every
 * channel of the workloads concerned. It never fails an incident: undelivered messages are counted.
 */
import { actionLinkUrl, newActionLinkClaims, signActionLink } from '../auth/action-link.js';
import { newViewLinkClaims, signViewLink, viewLinkUrl } from '../auth/view-link.js';
import type { Workload } from '../catalog/types.js';
import { incidentPath } from '../incidents/links.js';
import type { NotificationRequest } from '../incidents/types.js';
import type { IncidentNotification } from '../notify/events.js';
import type { StepDeps } from './deps.js';

export async function sendNotification(deps: StepDeps, request: NotificationRequest): Promise<{ delivered: number; failed: number }> {
  const catalog = await deps.catalog();
  const workloads = catalog.workloads.filter((w) => request.workloads.includes(w.id));
  const notification = completeNotification(request, workloads, deps.publicUrl, deps.now(), deps.actionLinkSecret);
  return deps.notify(
    workloads.flatMap((w) => w.notify),
    notification,
  );
}

/**
 * The request with regions, approvers, data-loss window, links and time filled in. With a link
 * secret and the public URL, approve and reject are signed links (no key needed, bound to the
 * request's direction and round, expiring with it, usable once), and the status link is a signed
 * view link to the incident's page (read-only, reusable, expiring); else the key-protected routes.
 */
export function completeNotification(
  request: NotificationRequest,
  workloads: readonly Workload[],
  publicUrl: string | null,
  now: Date,
  linkSecret: string | null = null,
): IncidentNotification {
  const distinct = (values: readonly string[]) => [...new Set(values)].join(', ');
  const secondaries = workloads.flatMap((w) => (w.secondary === null ? [] : [w.secondary.region]));
  const lossWindows = workloads.flatMap((w) => (w.playbook.kind === 'dynamics365' ? [w.playbook.dataLossWindow.ms] : []));
  const base = {
    region: distinct(workloads.map((w) => w.primary.region)) || 'unknown',
    // Provider-managed (no secondary) only when no workload has one.
    secondaryRegion: secondaries.length === 0 ? null : distinct(secondaries),
    statusUrl: publicUrl === null ? null : statusLink(request.incidentId, publicUrl, now, linkSecret),
    dataLossWindowMs: lossWindows.length === 0 ? null : Math.max(...lossWindows),
    at: now.toISOString(),
  };
  if (request.type === 'approval-needed' || request.type === 'approval-escalated') {
    const approvers = workloads.flatMap((w) => (w.policy.trigger === 'approval' ? w.policy.approval.approvers : []));
    const link = (action: 'approve' | 'reject') => {
      if (linkSecret === null || publicUrl === null) return incidentPath(publicUrl, request.incidentId, action);
      const claims = newActionLinkClaims({ incidentId: request.incidentId, action, direction: request.direction, round: request.round ?? null, expiresAt: request.expiresAt ?? null }, now);
      try {
        return actionLinkUrl(publicUrl, signActionLink(claims, linkSecret));
      } catch {
        // Claims a link cannot carry (an id of another form): the key-protected route, rather than no message.
        return incidentPath(publicUrl, request.incidentId, action);
      }
    };
    return {
      ...request,
      ...base,
      approveUrl: link('approve'),
      rejectUrl: link('reject'),
      approvers: approvers.length === 0 ? null : [...new Set(approvers)],
    };
  }
  return { ...request, ...base };
}

/** The incident's status link: its page through a signed view link, or the key-protected JSON without a secret. */
function statusLink(incidentId: string, publicUrl: string, now: Date, linkSecret: string | null): string {
  if (linkSecret === null) return incidentPath(publicUrl, incidentId);
  try {
    return viewLinkUrl(publicUrl, signViewLink(newViewLinkClaims(incidentId, now), linkSecret));
  } catch {
    // An id a link cannot carry: the key-protected route, rather than no link.
    return incidentPath(publicUrl, incidentId);
  }
}
