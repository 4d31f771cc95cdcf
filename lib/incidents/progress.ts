/**
 * Each workload's playbook as the incident view shows it: while the incident runs playbooks, read
 * live from their sub-orchestrations' custom status (the PlaybookProgress each publishes), whose
 * instance ids the incident publishes in its own custom status; once the incident is over, from
 * its summary's results, so a finished incident still shows each workload's final steps. The
 * mapping is pure (and tested as such); `incidentPlaybookProgress` does the reading.
 */
import type { PlaybookProgress, PlaybookResult, StepRecord } from '../playbooks/types.js';
import { incidentStatus, isFinished, progressOf, summaryOf, type IncidentClient, type InstanceStatus } from './client.js';
import { runningPlaybookInstances } from './contract.js';
import type { IncidentSummary, WorkloadProgress } from './types.js';

type ShownDirection = WorkloadProgress['direction'];

/** A playbook the incident started that has not published anything yet. */
export function pendingProgress(workloadId: string, direction: ShownDirection, instanceId: string): WorkloadProgress {
  return { workloadId, direction, instanceId, state: 'pending', current: [], running: [], done: 0, total: 0, startedAt: null, elapsedMs: 0, deadlineAt: null, remainingMs: null, resources: [], steps: [] };
}

/**
 * A playbook's custom status as PlaybookProgress, or null when it is not one. Instances started
 * before progress carried titles, resources, a total and times publish only workloadId, direction,
 * running and steps: those read with the rest filled from what they do say.
 */
export function playbookProgressOf(custom: unknown, createdTime?: Date | string): PlaybookProgress | null {
  if (custom === null || typeof custom !== 'object') return null;
  const c = custom as Partial<PlaybookProgress>;
  if (typeof c.workloadId !== 'string' || !Array.isArray(c.steps) || !Array.isArray(c.running)) return null;
  const strings = (v: unknown): string[] | null => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null);
  const running = strings(c.running) ?? [];
  const created = createdTime instanceof Date ? createdTime.toISOString() : (createdTime ?? null);
  return {
    workloadId: c.workloadId,
    direction: c.direction === 'failback' ? 'failback' : 'failover',
    running,
    runningTitles: strings(c.runningTitles) ?? running,
    resources: strings(c.resources) ?? [],
    steps: c.steps,
    total: typeof c.total === 'number' ? c.total : finishedSteps(c.steps) + running.length,
    startedAt: typeof c.startedAt === 'string' ? c.startedAt : (created ?? c.steps[0]?.startedAt ?? ''),
    deadlineAt: typeof c.deadlineAt === 'string' ? c.deadlineAt : null,
  };
}

/** A playbook still running, as of `now` (the app's clock, which the playbook's times are in). */
export function fromPlaybookProgress(p: PlaybookProgress, direction: ShownDirection, instanceId: string, now: Date): WorkloadProgress {
  const started = p.startedAt === '' ? null : p.startedAt;
  const done = finishedSteps(p.steps);
  return {
    workloadId: p.workloadId,
    direction,
    instanceId,
    state: 'running',
    current: p.runningTitles,
    running: p.running,
    done,
    total: Math.max(p.total, done),
    startedAt: started,
    elapsedMs: started === null ? 0 : Math.max(0, now.getTime() - Date.parse(started)),
    deadlineAt: p.deadlineAt,
    remainingMs: p.deadlineAt === null ? null : Math.max(0, Date.parse(p.deadlineAt) - now.getTime()),
    resources: p.resources,
    steps: p.steps,
  };
}

/**
 * A playbook that has finished, from its result. `known` is what its last progress said (the
 * total a result does not carry, and when it started); without it the run began with its first
 * step and counted the steps it recorded.
 */
export function fromPlaybookResult(r: PlaybookResult, direction: ShownDirection, instanceId: string, known?: Pick<PlaybookProgress, 'total' | 'startedAt'> | null): WorkloadProgress {
  const done = finishedSteps(r.steps);
  const started = known?.startedAt !== undefined && known.startedAt !== '' ? known.startedAt : (r.steps[0]?.startedAt ?? null);
  return {
    workloadId: r.workloadId,
    direction,
    instanceId,
    state: r.ok ? 'succeeded' : 'failed',
    current: [],
    running: [],
    done,
    total: Math.max(known?.total ?? 0, done),
    startedAt: started,
    elapsedMs: r.durationMs,
    deadlineAt: null,
    remainingMs: null,
    resources: [],
    steps: r.steps,
  };
}

/** One playbook instance's status (null: not created yet) as progress. */
export function fromPlaybookStatus(workloadId: string, direction: ShownDirection, instanceId: string, status: InstanceStatus | null, now: Date): WorkloadProgress {
  if (status === null) return pendingProgress(workloadId, direction, instanceId);
  const p = playbookProgressOf(status.customStatus, status.createdTime);
  const result = resultOf(status.output);
  if (status.runtimeStatus === 'Completed' && result !== null) return fromPlaybookResult(result, direction, instanceId, p);
  if (p === null) return isFinished(status) ? { ...pendingProgress(workloadId, direction, instanceId), state: 'failed' } : pendingProgress(workloadId, direction, instanceId);
  const shown = fromPlaybookProgress(p, direction, instanceId, now);
  // An orchestration that failed or was stopped outright runs nothing any more.
  return isFinished(status) ? { ...shown, state: 'failed', current: [], running: [], deadlineAt: null, remainingMs: null, resources: [] } : shown;
}

/**
 * A finished incident's playbooks from its summary: the failovers, then the failbacks. A
 * failback result that ran the failover playbook is a rollback (it compensated the failover's
 * steps). The summary keeps no instance ids: those read as ''.
 */
export function fromSummary(summary: Pick<IncidentSummary, 'failover' | 'failback'>): WorkloadProgress[] {
  return [
    ...Object.values(summary.failover).map((r) => fromPlaybookResult(r, 'failover', '')),
    ...Object.values(summary.failback).map((r) => fromPlaybookResult(r, r.direction === 'failover' ? 'rollback' : 'failback', '')),
  ];
}

/**
 * What the incident view shows per workload: the summary's results once the incident is over;
 * before, the newest playbook run's instances, read side by side: live while they run, their
 * results once they are done (the incident keeps them listed while the standby is active, so the
 * failover's steps and to-dos show until the failback replaces them); nothing before any run.
 */
export async function incidentPlaybookProgress(client: IncidentClient, status: InstanceStatus, now: Date): Promise<WorkloadProgress[]> {
  const summary = summaryOf(status);
  if (summary !== null) return fromSummary(summary);
  const progress = progressOf(status);
  const playbooks = progress?.playbooks ?? null;
  if (playbooks === null) return [];
  const entries = runningPlaybookInstances(progress?.incidentId ?? status.instanceId ?? '', playbooks, progress?.workloads ?? []);
  const statuses = await Promise.all(entries.map(([, instanceId]) => incidentStatus(client, instanceId)));
  return entries.map(([workloadId, instanceId], i) => fromPlaybookStatus(workloadId, playbooks.direction, instanceId, statuses[i]!, now));
}

/** How many steps have finished: distinct step names, since a compensation records a step a second time. */
function finishedSteps(steps: readonly StepRecord[]): number {
  return new Set(steps.map((s) => s.step)).size;
}

function resultOf(output: unknown): PlaybookResult | null {
  if (output === null || typeof output !== 'object') return null;
  const r = output as Partial<PlaybookResult>;
  return typeof r.ok === 'boolean' && typeof r.workloadId === 'string' && Array.isArray(r.steps) ? (r as PlaybookResult) : null;
}
