/**
 * An import cut into incidents, and the incidents picked for a replay. Signals belong to the same
 * incident exactly when the app would route them to one: the parser's `incidentKey` of each
 * payload (the tracking id for Service Health, the lower-cased resource id for Resource Health and
 * Administrative events, `m365:<id>` for a Microsoft 365 issue; lib/alerts/signal-from-event.ts).
 *
 * Each incident keeps the health observations of the resources it concerns (its signals'
 * resources and what lies beneath them); a Service Health incident names no resource and
 * concerns every resource of its services and regions, so it keeps them all.
 */
import { formatParseError } from '../../alerts/errors.js';
import { parseAlert } from '../../alerts/parse.js';
import type { Signal } from '../../alerts/signal.js';
import { isSameOrChildResource, resourceIdKey } from '../../azure/resource-id.js';
import type { ImportResult, ReplaySignal } from '../types.js';
import { byTime } from './imported-item.js';
import { inWindow } from './window.js';

export interface IncidentSelection {
  /** Service Health tracking id (or Microsoft 365 issue id), any case. */
  trackingId?: string;
  /** A resource: incidents about it or anything beneath it. */
  resourceId?: string;
  /** Incidents with at least one signal in the window (both ends included); each is kept whole. */
  from?: Date;
  to?: Date;
}

interface Incident {
  key: string;
  signals: ReplaySignal[];
  parsed: Signal[];
}

/** One ImportResult per incident selected, in the order the incidents began. */
export function selectIncidents(result: ImportResult, selection: IncidentSelection = {}): ImportResult[] {
  const incidents = new Map<string, Incident>();
  const ungrouped: string[] = [];
  for (const signal of byTime(result.signals)) {
    const parsed = parseAlert(signal.payload as never);
    if (!parsed.ok) {
      ungrouped.push(`${signal.origin}: not grouped into an incident: ${formatParseError(parsed.error)}`);
      continue;
    }
    const key = parsed.value.incidentKey;
    const incident = incidents.get(key) ?? { key, signals: [], parsed: [] };
    incident.signals.push(signal);
    incident.parsed.push(parsed.value);
    incidents.set(key, incident);
  }
  return [...incidents.values()]
    .filter((incident) => selected(incident, selection))
    .map((incident) => ({
      signals: incident.signals,
      health: result.health.filter((h) => concerns(incident, h.resourceId)),
      skipped: [...ungrouped],
    }));
}

function selected(incident: Incident, selection: IncidentSelection): boolean {
  if (selection.trackingId !== undefined) {
    const want = selection.trackingId.trim().toLowerCase();
    const match = incident.key.toLowerCase() === want || incident.parsed.some((s) => s.trackingId?.toLowerCase() === want);
    if (!match) return false;
  }
  if (selection.resourceId !== undefined) {
    const want = selection.resourceId;
    const match = incident.key === resourceIdKey(want) || incident.parsed.some((s) => s.resourceIds.some((id) => isSameOrChildResource(id, want)));
    if (!match) return false;
  }
  if (selection.from !== undefined || selection.to !== undefined) {
    const window = { from: selection.from ?? new Date(-8.64e15), to: selection.to ?? new Date(8.64e15) };
    if (!incident.signals.some((s) => inWindow(s.at, window))) return false;
  }
  return true;
}

/** Whether a health observation of `resourceId` belongs with the incident. */
function concerns(incident: Incident, resourceId: string): boolean {
  if (incident.parsed.some((s) => s.kind === 'serviceHealth')) return true;
  return incident.parsed.some((s) => s.resourceIds.some((id) => isSameOrChildResource(resourceId, id)));
}
