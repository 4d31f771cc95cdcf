/**
 * How `failover incidents list` and `show` put an incident's Azure source and its checklist into
 * words: the list's reference and subscription columns, the Source block, and "What to do next".
 */
import { sourceReference, type IncidentSource, type SourceKind } from '../lib/incidents/source.js';
import type { IncidentBrief } from '../lib/operators/incidents.js';
import type { ChecklistItem } from '../lib/playbooks/types.js';

const KIND_NAMES: Record<SourceKind, string> = {
  'service-health': 'Service Health',
  'resource-health': 'Resource Health',
  'activity-log': 'Activity Log',
  'microsoft-365': 'Microsoft 365 service health',
  manual: 'manual request (no Azure reference)',
};

/** One line per incident, columns aligned: id, created, Azure reference, subscription (first segment), outcome or phase, workloads, title. */
export function listLines(list: readonly IncidentBrief[]): string[] {
  const rows = list.map((i) => ({
    i,
    reference: (i.source !== null ? sourceReference(i.source) : null) ?? '-',
    subscription: i.source?.subscriptionId?.split('-')[0] ?? '-',
  }));
  const refWidth = Math.max(0, ...rows.map((r) => r.reference.length));
  const subWidth = Math.max(0, ...rows.map((r) => r.subscription.length));
  return rows.map(({ i, reference, subscription }) =>
    `${i.incidentId}  ${i.createdAt}  ${reference.padEnd(refWidth)}  ${subscription.padEnd(subWidth)}  ${(i.outcome ?? i.phase).padEnd(28)} ${i.workloads.join(',') || '-'}  ${i.title ?? ''}`,
  );
}

/** The Source block of `show`: what Azure calls it and where to look in the portal. */
export function sourceLines(source: IncidentSource | null): string[] {
  if (source === null) return ['  Source: not known (the incident keeps no first signal)'];
  const rows: Array<[string, string | null]> = [
    ['kind', KIND_NAMES[source.kind]],
    ['tracking ID', source.trackingId],
    ['resource', source.resourceId],
    ['operation', source.operationName],
    ['subscription', source.subscriptionId],
    ['services', source.services.length > 0 ? source.services.join(', ') : null],
    ['regions', source.regions.length > 0 ? source.regions.join(', ') : null],
    ['portal', source.portalUrl],
  ];
  return ['  Source', ...rows.filter((r): r is [string, string] => r[1] !== null).map(([name, value]) => `    ${name.padEnd(13)} ${value}`)];
}

/**
 * "What to do next": each workload's to-dos under it, in the order the playbooks listed them. An
 * empty list says so: for an incident that is over, there is nothing to do by hand; one still
 * running may have more once its playbooks run (or once it ends: GET /api/incidents/{id} reads
 * finished playbooks only from the summary).
 */
export function checklistLines(items: readonly ChecklistItem[], finished: boolean): string[] {
  if (items.length === 0) return [`  What to do next: ${finished ? 'Nothing to do by hand.' : 'Nothing to do by hand so far.'}`];
  const groups = new Map<string, ChecklistItem[]>();
  for (const item of items) {
    const key = `${item.workloadId} (${item.direction})`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return ['  What to do next', ...[...groups].flatMap(([group, todo]) => [`    ${group}`, ...todo.map((t) => `      [ ] ${t.text}${t.url !== undefined && !t.text.includes(t.url) ? ` (${t.url})` : ''}`)])];
}
