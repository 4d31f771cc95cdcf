/**
 * Azure's enum-like fields, read whichever way they arrive. The common schema sends Service
 * Health `level`, `eventSource` and `channels` as numbers (`3`, `2`, `1`); everything else sends
 * strings with varying case and spacing ("In Progress", "InProgress", "Information").
 */
import type { HealthStatus, IncidentType, Severity, Stage } from './signal.js';

function squeeze(text: string): string {
  return text.replace(/[\s_-]/g, '').toLowerCase();
}

function lookup<T extends string>(values: readonly T[]): Map<string, T> {
  return new Map(values.map((v) => [squeeze(v), v]));
}

/** Monitor's EventLevel order; numbers index into it. */
const SEVERITIES = ['Critical', 'Error', 'Warning', 'Informational', 'Verbose'] as const satisfies readonly Severity[];
const SEVERITY_BY_NAME = lookup(SEVERITIES);
SEVERITY_BY_NAME.set('information', 'Informational');
SEVERITY_BY_NAME.set('info', 'Informational');
SEVERITY_BY_NAME.set('sev0', 'Critical');
SEVERITY_BY_NAME.set('sev1', 'Error');
SEVERITY_BY_NAME.set('sev2', 'Warning');
SEVERITY_BY_NAME.set('sev3', 'Informational');
SEVERITY_BY_NAME.set('sev4', 'Verbose');

export function severityOf(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  if (/^\d+$/.test(value)) return SEVERITIES[Number(value)] ?? null;
  return SEVERITY_BY_NAME.get(squeeze(value)) ?? null;
}

/** The activity-log category an event belongs to, from `eventSource` or `category`. */
export type EventSource = 'ServiceHealth' | 'ResourceHealth' | 'Administrative' | 'Other';

/**
 * Numeric eventSource values observed in common-schema Service Health payloads. Only `2` is
 * attested (Microsoft's sample renders it as "ServiceHealth"); other numbers stay unknown and the
 * event's shape decides.
 */
const NUMERIC_SOURCES: ReadonlyMap<string, EventSource> = new Map([['2', 'ServiceHealth']]);

const SOURCE_BY_NAME: ReadonlyMap<string, EventSource> = new Map([
  ['servicehealth', 'ServiceHealth'],
  ['resourcehealth', 'ResourceHealth'],
  ['administrative', 'Administrative'],
  // Diagnostic-settings exports name administrative operations by verb.
  ['write', 'Administrative'],
  ['delete', 'Administrative'],
  ['action', 'Administrative'],
]);

/** undefined when the value names nothing this app knows; `Other` for known non-actionable categories. */
export function eventSourceOf(value: string | undefined): EventSource | undefined {
  if (value === undefined) return undefined;
  const numeric = NUMERIC_SOURCES.get(value);
  if (numeric !== undefined) return numeric;
  if (/^\d+$/.test(value)) return undefined;
  return SOURCE_BY_NAME.get(squeeze(value)) ?? 'Other';
}

const INCIDENT_TYPES = lookup<IncidentType>(['Incident', 'Maintenance', 'Informational', 'ActionRequired', 'Security', 'Billing']);
/** The Resource Health events API names the same classes differently. */
const EVENT_TYPES: ReadonlyMap<string, IncidentType> = new Map([
  ['serviceissue', 'Incident'],
  ['emergingissues', 'Incident'],
  ['rca', 'Incident'],
  ['plannedmaintenance', 'Maintenance'],
  ['healthadvisory', 'Informational'],
  ['securityadvisory', 'Security'],
  ['billing', 'Billing'],
]);

export function incidentTypeOf(value: string | undefined): IncidentType | null {
  if (value === undefined) return null;
  const key = squeeze(value);
  return INCIDENT_TYPES.get(key) ?? EVENT_TYPES.get(key) ?? null;
}

const STAGES = lookup<Stage>([
  'Active', 'Planned', 'InProgress', 'Rescheduled', 'Updated', 'Resolved', 'RCA', 'Canceled', 'Complete',
  'Started', 'Succeeded', 'Failed',
]);
STAGES.set('cancelled', 'Canceled');
STAGES.set('completed', 'Complete');
STAGES.set('activated', 'Active');
STAGES.set('mitigated', 'Resolved');
// Diagnostic-settings `resultType` values for administrative operations.
STAGES.set('start', 'Started');
STAGES.set('accept', 'Started');
STAGES.set('accepted', 'Started');
STAGES.set('success', 'Succeeded');
STAGES.set('failure', 'Failed');

export function stageOf(value: string | undefined): Stage | null {
  if (value === undefined) return null;
  return STAGES.get(squeeze(value)) ?? null;
}

/** Status as a tidy word: "In Progress" → "InProgress"; unknown words keep their own spelling. */
export function statusOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  return stageOf(value) ?? value.replace(/\s+/g, '');
}

const HEALTH = lookup<HealthStatus>(['Available', 'Unavailable', 'Degraded', 'Unknown']);

/** Unrecognized health words read as Unknown: we cannot claim health we were not told. */
export function healthOf(value: string | undefined): HealthStatus | null {
  if (value === undefined) return null;
  return HEALTH.get(squeeze(value)) ?? 'Unknown';
}
