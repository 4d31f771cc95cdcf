/**
 * GET /api/workloads/{id}/readiness and `failover readiness`: whether a workload's standby holds
 * what the catalog says it must, asked before any outage so drift is found while it is cheap to
 * fix. Purview warm standbys are compared object by object (collections, scan rule sets, data
 * sources); the primary is compared too when it answers, so a list that is wrong on both sides
 * shows as a catalog mistake rather than drift. `checkReadiness` runs it for every such workload
 * (the daily timer in functions/readiness-check.ts) and tells the workload's channels of drift.
 */
import type { AzureClients } from '../azure/clients.js';
import type { DeliveryTarget, IncidentNotification } from '../notify/events.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, Workload } from '../catalog/types.js';
import { problem, type Answer } from '../http/problem.js';
import { missingObjects, purviewDrift, type PurviewDrift } from '../steps/purview.js';

export interface ReadinessReport {
  workloadId: string;
  kind: string;
  /** True when the standby holds everything the catalog requires. */
  ready: boolean;
  standby: PurviewDrift;
  /** The same comparison on the primary; null when it does not answer. */
  primary: PurviewDrift | null;
  checkedAt: string;
}

export async function workloadReadiness(catalog: Catalog, clients: AzureClients, workloadId: string, now: () => Date): Promise<Answer> {
  const workload = catalog.workloads.find((w) => w.id === workloadId);
  if (workload === undefined) {
    return problem(404, 'unknown-workload', `no workload '${workloadId}' in the catalog; known: ${catalog.workloads.map((w) => w.id).join(', ')}`, { path: '$.workloadId' });
  }
  if (workload.playbook.kind !== 'purview' || workload.secondary === null) {
    return problem(422, 'no-readiness-check', `${workloadId} is a ${workload.playbook.kind} workload: readiness checks compare Purview warm standbys with the catalog's playbook.readiness`);
  }
  const playbook = workload.playbook;
  const standbyName = accountName(workload, 'secondary');
  const primaryName = accountName(workload, 'primary');
  if (standbyName === null) return problem(422, 'catalog-incomplete', `${workloadId} has no secondary account in the catalog`, { path: '$.secondary.resources.account' });
  let standby: PurviewDrift;
  try {
    standby = await purviewDrift(playbook, standbyName, clients.purviewData(standbyName));
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    return problem(503, 'standby-unreadable', `${standbyName} did not answer the readiness reads${status !== undefined ? ` (${status})` : ''}: ${(err as Error).message}`, { headers: { 'Retry-After': '30' } });
  }
  let primary: PurviewDrift | null = null;
  if (primaryName !== null) {
    try {
      primary = await purviewDrift(playbook, primaryName, clients.probing().purviewData(primaryName));
    } catch {
      // The primary being down is no reason not to say how ready the standby is.
    }
  }
  const report: ReadinessReport = {
    workloadId,
    kind: workload.playbook.kind,
    ready: standby.complete,
    standby,
    primary,
    checkedAt: now().toISOString(),
  };
  return { status: 200, body: report as unknown as Record<string, unknown> };
}

function accountName(workload: Workload, side: 'primary' | 'secondary'): string | null {
  const id = (side === 'primary' ? workload.primary : workload.secondary)?.resources['account'];
  return id === undefined ? null : (parseResourceId(id)?.names[0] ?? null);
}

/** What the scheduled check did for one workload. */
export interface ReadinessCheck {
  workloadId: string;
  /** `ready`, `drift` (channels told), or `unanswered` (the standby could not be read). */
  outcome: 'ready' | 'drift' | 'unanswered';
  detail: string;
}

/**
 * Checks every workload that has a readiness list and tells each drifted one's channels which
 * objects its standby lacks. A standby that cannot be read is reported, not notified: the next
 * run tries again, and an outage has alerts of its own.
 */
export async function checkReadiness(
  catalog: Catalog,
  clients: AzureClients,
  notify: (targets: readonly DeliveryTarget[], notification: IncidentNotification) => Promise<{ delivered: number; failed: number }>,
  links: { baseUrl: string | null },
  now: () => Date,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  for (const workload of catalog.workloads.filter((w) => w.playbook.kind === 'purview' && w.secondary !== null)) {
    const answer = await workloadReadiness(catalog, clients, workload.id, now);
    if (answer.status !== 200) {
      checks.push({ workloadId: workload.id, outcome: 'unanswered', detail: (answer.body as { detail?: string }).detail ?? `answered ${answer.status}` });
      continue;
    }
    const report = answer.body as unknown as ReadinessReport;
    if (report.ready) {
      checks.push({ workloadId: workload.id, outcome: 'ready', detail: report.standby.summary });
      continue;
    }
    const missing = missingObjects(report.standby);
    const sent = await notify(workload.notify, {
      type: 'readiness-drift',
      incidentId: '',
      workloads: [workload.id],
      workload: workload.id,
      standby: report.standby.account,
      missing,
      title: `${workload.id}: the warm standby has drifted`,
      region: workload.primary.region,
      secondaryRegion: workload.secondary?.region ?? null,
      statusUrl: links.baseUrl === null ? null : `${links.baseUrl.replace(/\/+$/, '')}/api/workloads/${encodeURIComponent(workload.id)}/readiness`,
      at: now().toISOString(),
    });
    checks.push({ workloadId: workload.id, outcome: 'drift', detail: `${report.standby.summary}; told ${sent.delivered} channel(s)${sent.failed > 0 ? `, ${sent.failed} failed` : ''}` });
  }
  return checks;
}
