/**
 * GET /api/workloads/{id}/readiness and `failover readiness`: whether a workload's standby holds
 * what the catalog says it must, asked before any outage so drift is found while it is cheap to
 * fix. Purview warm standbys are compared object by object (every artifact kind of the
 * continuity guide: lib/playbooks/purview/steps.ts); the primary is compared too when it
 * answers, so a list that is wrong on both sides shows as a catalog mistake rather than drift.
 * Media Services workloads with Traffic Manager have each standby streaming endpoint checked for
 * the viewers' host name in its customHostNames, with the CNAME to create when it lacks it
 * (lib/operators/media-readiness.ts); the primary likewise, for failback.
 * `checkReadiness` runs it for every such workload (the daily timer in
 * functions/readiness-check.ts) and tells the workload's channels of drift.
 */
import type { AzureClients } from '../azure/clients.js';
import type { DeliveryTarget, IncidentNotification } from '../notify/events.js';
import { parseResourceId } from '../azure/resource-id.js';
import { workloadRetirements } from '../catalog/retirements.js';
import type { Catalog, Workload } from '../catalog/types.js';
import { problem, type Answer } from '../http/problem.js';
import { StepFailure } from '../playbooks/define.js';
import { MissingCollectionRole, missingObjects, purviewDrift, type PurviewDrift } from '../playbooks/purview/steps.js';
import { mediaReadiness, type MediaDrift } from './media-readiness.js';
import { accessProblems, accessReadiness, type AccessReadiness, type AlertingPlace } from './access-readiness.js';

/** One line per object the standby lacks, or per problem to fix, whatever the kind. */
export function standbyProblems(report: ReadinessReport): string[] {
  if (report.kind === 'purview') return missingObjects(report.standby).map((m) => `missing ${m}`);
  if (report.kind === 'mediaServices') return report.standby.problems;
  return [];
}

/** The same answer for every kind: ready or not, and the comparison of each side, what is missing by kind. */
interface Report<Kind extends string, Drift> {
  workloadId: string;
  kind: Kind;
  /** True when the standby holds everything the catalog requires. */
  ready: boolean;
  standby: Drift;
  /** The same comparison on the primary; null when it does not answer. */
  primary: Drift | null;
  /** What the app's identity may do on each resource the playbook touches, and the alerting that brings it the alerts. */
  access: AccessReadiness;
  /** One line per retired service the workload depends on (lib/catalog/retirements.ts). */
  retirements: string[];
  checkedAt: string;
}

type PurviewReadiness = Report<'purview', PurviewDrift>;
type MediaServicesReadiness = Report<'mediaServices', MediaDrift>;
/** Workloads whose standby has nothing to compare (or no standby): permissions and alerting only. */
type AccessOnlyReadiness = Report<'access', null>;
export type ReadinessReport = PurviewReadiness | MediaServicesReadiness | AccessOnlyReadiness;

/** Why a readiness report could not be made, as the HTTP answer says it. */
export type NoReport = { status: 404 | 422 | 502 | 503; slug: string; detail: string; path?: string };

/** The readiness of one workload, or why there is none: what the endpoint (and the CLI through it), the daily check and `failover status` share. */
export async function readinessReport(catalog: Catalog, clients: AzureClients, workloadId: string, now: () => Date, place: AlertingPlace | null): Promise<{ ok: true; report: ReadinessReport } | ({ ok: false } & NoReport)> {
  const workload = catalog.workloads.find((w) => w.id === workloadId);
  if (workload === undefined) {
    return { ok: false, status: 404, slug: 'unknown-workload', detail: `no workload '${workloadId}' in the catalog; known: ${catalog.workloads.map((w) => w.id).join(', ')}`, path: '$.workloadId' };
  }
  const retirements = workloadRetirements(workload, now());
  const playbook = workload.playbook;
  const access = await accessReadiness(catalog, workload, clients, place);
  if (playbook.kind === 'mediaServices' && playbook.trafficManager !== null && workload.secondary !== null) {
    let sides: { standby: MediaDrift; primary: MediaDrift | null };
    try {
      sides = await mediaReadiness(workload, clients);
    } catch (err) {
      if (err instanceof StepFailure) return { ok: false, status: 422, slug: 'catalog-incomplete', detail: err.message };
      return { ok: false, ...unreadable(workload.secondary.resources['account'] ?? workloadId, err) };
    }
    return { ok: true, report: { workloadId, kind: 'mediaServices', ready: sides.standby.complete && access.complete, ...sides, access, retirements, checkedAt: now().toISOString() } };
  }
  if (playbook.kind !== 'purview' || workload.secondary === null) {
    return { ok: true, report: { workloadId, kind: 'access', ready: access.complete, standby: null, primary: null, access, retirements, checkedAt: now().toISOString() } };
  }
  const standbyName = accountName(workload, 'secondary');
  const primaryName = accountName(workload, 'primary');
  if (standbyName === null) return { ok: false, status: 422, slug: 'catalog-incomplete', detail: `${workloadId} has no secondary account in the catalog`, path: '$.secondary.resources.account' };
  let standby: PurviewDrift;
  try {
    standby = await purviewDrift(playbook, standbyName, clients.purviewData(standbyName));
  } catch (err) {
    // Refused, not unavailable: asking again will not help until someone grants the role.
    if (err instanceof MissingCollectionRole) return { ok: false, status: 502, slug: 'missing-collection-role', detail: err.message };
    return { ok: false, ...unreadable(standbyName, err) };
  }
  let primary: PurviewDrift | null = null;
  if (primaryName !== null) {
    try {
      primary = await purviewDrift(playbook, primaryName, clients.probing().purviewData(primaryName));
    } catch {
      // The primary being down is no reason not to say how ready the standby is.
    }
  }
  return { ok: true, report: { workloadId, kind: 'purview', ready: standby.complete && access.complete, standby, primary, access, retirements, checkedAt: now().toISOString() } };
}

/** The standby did not answer the reads: asking again later may help. */
function unreadable(standby: string, err: unknown): NoReport {
  const status = (err as { statusCode?: number }).statusCode;
  const name = parseResourceId(standby)?.names[0] ?? standby;
  return { status: 503, slug: 'standby-unreadable', detail: `${name} did not answer the readiness reads${status !== undefined ? ` (${status})` : ''}: ${(err as Error).message}` };
}

export async function workloadReadiness(catalog: Catalog, clients: AzureClients, workloadId: string, now: () => Date, place: AlertingPlace | null): Promise<Answer> {
  const made = await readinessReport(catalog, clients, workloadId, now, place);
  if (made.ok) return { status: 200, body: made.report as unknown as Record<string, unknown> };
  return problem(made.status, made.slug, made.detail, { ...(made.path !== undefined ? { path: made.path } : {}), ...(made.status === 503 ? { headers: { 'Retry-After': '30' } } : {}) });
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
  place: AlertingPlace | null,
): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  for (const workload of catalog.workloads) {
    const made = await readinessReport(catalog, clients, workload.id, now, place);
    if (!made.ok) {
      checks.push({ workloadId: workload.id, outcome: 'unanswered', detail: made.detail });
      continue;
    }
    const report = made.report;
    const summary = [report.standby?.summary, report.access.summary].filter((x) => x !== undefined).join('; ');
    if (report.ready) {
      checks.push({ workloadId: workload.id, outcome: 'ready', detail: summary });
      continue;
    }
    const missing = [...(report.kind === 'purview' ? missingObjects(report.standby) : standbyProblems(report)), ...accessProblems(report.access)];
    const sent = await notify(workload.notify, {
      type: 'readiness-drift',
      incidentId: '',
      workloads: [workload.id],
      workload: workload.id,
      standby: report.kind === 'purview' ? report.standby.account : (workload.secondary?.resources['account'] ?? workload.id),
      missing,
      title: `${workload.id}: the warm standby has drifted`,
      region: workload.primary.region,
      secondaryRegion: workload.secondary?.region ?? null,
      statusUrl: links.baseUrl === null ? null : `${links.baseUrl.replace(/\/+$/, '')}/api/workloads/${encodeURIComponent(workload.id)}/readiness`,
      at: now().toISOString(),
    });
    checks.push({ workloadId: workload.id, outcome: 'drift', detail: `${summary}; told ${sent.delivered} channel(s)${sent.failed > 0 ? `, ${sent.failed} failed` : ''}` });
  }
  return checks;
}
