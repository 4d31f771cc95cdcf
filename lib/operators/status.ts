/**
 * GET /api/status and `failover status`: one answer to "what is protected, and how ready is it?".
 * Per workload of the catalog: the side it runs on (the App Configuration pointer its playbook
 * flips, lib/playbooks/common/flip-active-pointer.ts), its last failover (the failover ledger),
 * readiness drift and permissions (the readiness report of lib/operators/readiness.ts, the same
 * one `failover readiness` shows), the running incidents naming it, and the retired services it
 * depends on.
 *
 * Workloads are checked a few at a time, each check under a deadline; a check that fails or
 * takes too long is shown as not known, with why, and never turns the whole answer into an error:
 * the screen is read during an outage, when some of what it asks may not answer.
 */
import type { AzureClients } from '../azure/clients.js';
import { mapLimited, withDeadline } from '../async/map-limited.js';
import { findRetirements, workloadRetirements } from '../catalog/retirements.js';
import type { Catalog, PlaybookKind, Workload } from '../catalog/types.js';
import type { Answer } from '../http/problem.js';
import { pointerOf } from '../playbooks/common/flip-active-pointer.js';
import type { FailoverLedger } from '../stores/index.js';
import { accessProblems, type AlertingPlace } from './access-readiness.js';
import type { IncidentBrief } from './incidents.js';
import { readinessReport, standbyProblems } from './readiness.js';

/** A check's answer, or why there is none (`known: false`): the screen shows it as unknown. */
export type Check<T> = ({ known: true } & T) | { known: false; why: string };

export interface ActiveSide {
  side: 'primary' | 'secondary';
  /** The App Configuration key the playbook flips, and what it reads. */
  key: string;
  value: string;
}

export interface OpenIncident {
  incidentId: string;
  phase: string;
  title: string | null;
  createdAt: string;
}

export interface WorkloadStatus {
  workloadId: string;
  kind: PlaybookKind;
  primaryRegion: string;
  secondaryRegion: string | null;
  /** What the readiness check says (standby and permissions both complete); null when it could not be made. */
  ready: boolean | null;
  active: Check<ActiveSide>;
  /** When the workload last failed over (ISO), null if never. */
  lastFailover: Check<{ at: string | null }>;
  /** The standby compared with what the catalog requires; `summary` null when this kind has nothing to compare. */
  drift: Check<{ complete: boolean; summary: string | null; problems: string[] }>;
  /** What the app's identity may do on each resource the playbook touches, and its alerting; `notChecked` says why the alerting was not looked at. */
  permissions: Check<{ complete: boolean; summary: string; problems: string[]; notChecked: string | null }>;
  /** Running incidents that name the workload. */
  openIncidents: Check<{ incidents: OpenIncident[] }>;
  /** The retired services the workload depends on (lib/catalog/retirements.ts), each with the line readiness says of it. */
  retirements: Array<{ service: string; retiresOn: string; detail: string }>;
}

export interface ProtectionStatus {
  checkedAt: string;
  /** True when every workload's readiness check was made and found it ready. */
  ready: boolean;
  summary: string;
  workloads: WorkloadStatus[];
}

export interface StatusDeps {
  catalog: Catalog;
  clients: AzureClients;
  /** The App Configuration store the playbooks flip the pointers in (APP_CONFIGURATION_ENDPOINT); null when not set. */
  appConfigurationEndpoint: string | null;
  ledger: Pick<FailoverLedger, 'lastFailover'>;
  /** The running incidents, as GET /api/incidents?state=running lists them. */
  runningIncidents(): Promise<IncidentBrief[]>;
  /** Where the app's alerting lives, for the permissions check (config.alerting). */
  alerting: AlertingPlace | null;
  now(): Date;
  /** How many workloads are checked at once. Default 4. */
  concurrency?: number;
  /** How long one check (a pointer, the ledger, a readiness report, the incident list) may take. Default 20 s. */
  checkTimeoutMs?: number;
}

export const STATUS_DEFAULTS = { concurrency: 4, checkTimeoutMs: 20_000 } as const;

export async function protectionStatus(deps: StatusDeps): Promise<Answer> {
  return { status: 200, body: (await statusOf(deps)) as unknown as Record<string, unknown> };
}

export async function statusOf(deps: StatusDeps): Promise<ProtectionStatus> {
  const timeoutMs = deps.checkTimeoutMs ?? STATUS_DEFAULTS.checkTimeoutMs;
  const checked = <T>(what: string, work: () => Promise<T>) => known(withDeadline(work(), timeoutMs, what));
  // One list of running incidents serves every workload.
  const incidents = checked('the incident list', deps.runningIncidents);
  const workloads = await mapLimited(deps.catalog.workloads, deps.concurrency ?? STATUS_DEFAULTS.concurrency, (workload) => workloadStatus(deps, workload, incidents, checked));
  const notReady = workloads.filter((w) => w.ready === false).map((w) => w.workloadId);
  const unknown = workloads.filter((w) => w.ready === null).map((w) => w.workloadId);
  const readyCount = workloads.length - notReady.length - unknown.length;
  const summary =
    workloads.length === 0
      ? 'the catalog protects no workloads'
      : [`${readyCount} of ${workloads.length} workload${workloads.length === 1 ? '' : 's'} ready`, ...(notReady.length > 0 ? [`not ready: ${notReady.join(', ')}`] : []), ...(unknown.length > 0 ? [`readiness not known: ${unknown.join(', ')}`] : [])].join('; ');
  return { checkedAt: deps.now().toISOString(), ready: notReady.length + unknown.length === 0, summary, workloads };
}

type Known<T> = { ok: true; value: T } | { ok: false; why: string };
type Checked = <T>(what: string, work: () => Promise<T>) => Promise<Known<T>>;

async function known<T>(work: Promise<T>): Promise<Known<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    return { ok: false, why: err instanceof Error ? err.message : String(err) };
  }
}

async function workloadStatus(deps: StatusDeps, workload: Workload, incidents: Promise<Known<IncidentBrief[]>>, checked: Checked): Promise<WorkloadStatus> {
  const [active, lastFailover, readiness, running] = await Promise.all([
    activeSide(deps, workload, checked),
    checked('the failover ledger', () => deps.ledger.lastFailover(workload.id)),
    checked('the readiness check', () => readinessReport(deps.catalog, deps.clients, workload.id, () => deps.now(), deps.alerting)),
    incidents,
  ]);
  const base = {
    workloadId: workload.id,
    kind: workload.playbook.kind,
    primaryRegion: workload.primary.region,
    secondaryRegion: workload.secondary?.region ?? null,
  };
  const lastFailoverCheck: WorkloadStatus['lastFailover'] = lastFailover.ok ? { known: true, at: lastFailover.value } : { known: false, why: lastFailover.why };
  const openIncidents: WorkloadStatus['openIncidents'] = running.ok
    ? {
        known: true,
        incidents: running.value
          .filter((i) => i.workloads.includes(workload.id))
          .map((i) => ({ incidentId: i.incidentId, phase: i.phase, title: i.title, createdAt: i.createdAt })),
      }
    : { known: false, why: running.why };
  const lines = workloadRetirements(workload, deps.now());
  const retirements = findRetirements(workload.services, workload.playbook.kind).map((hit, i) => ({ service: hit.retirement.service, retiresOn: hit.retirement.retiresOn, detail: lines[i]! }));
  const report = readiness.ok ? (readiness.value.ok ? { ok: true as const, report: readiness.value.report } : { ok: false as const, why: readiness.value.detail }) : readiness;
  if (!report.ok) {
    const unknown = { known: false as const, why: report.why };
    return { ...base, ready: null, active, lastFailover: lastFailoverCheck, drift: unknown, permissions: unknown, openIncidents, retirements };
  }
  const r = report.report;
  return {
    ...base,
    ready: r.ready,
    active,
    lastFailover: lastFailoverCheck,
    drift: r.standby === null ? { known: true, complete: true, summary: null, problems: [] } : { known: true, complete: r.standby.complete, summary: r.standby.summary, problems: standbyProblems(r) },
    permissions: {
      known: true,
      complete: r.access.complete,
      summary: r.access.summary,
      problems: accessProblems(r.access),
      notChecked: r.access.alertingNotChecked,
    },
    openIncidents,
    retirements,
  };
}

/** Which side the workload's own code runs on: what its pointer reads, against each side's value. */
async function activeSide(deps: StatusDeps, workload: Workload, checked: Checked): Promise<Check<ActiveSide>> {
  // The failover direction's pointer: `previous` is the primary's value, `target` the secondary's.
  const pointer = pointerOf(workload, 'failover');
  if (pointer === null) return { known: false, why: `no active-side pointer: a ${workload.playbook.kind} playbook flips no App Configuration key` };
  if (deps.appConfigurationEndpoint === null) return { known: false, why: `APP_CONFIGURATION_ENDPOINT is not set, so '${pointer.key}' cannot be read` };
  const client = deps.clients.appConfiguration(deps.appConfigurationEndpoint);
  const read = await checked(`App Configuration ('${pointer.key}')`, async () => {
    try {
      return (await client.getConfigurationSetting({ key: pointer.key })).value ?? null;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  });
  if (!read.ok) return { known: false, why: read.why };
  const value = read.value;
  if (value === null) return { known: false, why: `'${pointer.key}' is not set in App Configuration` };
  if (value === pointer.previous) return { known: true, side: 'primary', key: pointer.key, value };
  if (value === pointer.target) return { known: true, side: 'secondary', key: pointer.key, value };
  return { known: false, why: `'${pointer.key}' reads '${value}', neither the primary's '${pointer.previous}' nor the secondary's '${pointer.target}'` };
}
