/**
 * Where a replay's signals come from, turned into one `ReplaySource`: the archive of an app (its
 * GET /api/archive, with the original incidents it made), Azure's own history (the Activity Log,
 * the Resource Health events API, Microsoft 365 service health) through the importers, or a file.
 * Signals of several incidents are replayed together, in time order; each remembers its incident.
 */
import { parseAlert } from '../alerts/index.js';
import type { IncidentView } from '../operators/incidents.js';
import type { ReplaySource } from './run-replay.js';
import type { HealthObservation, ImportResult, ReplaySignal } from './types.js';

/** What GET /api/archive answers (lib/operators/replays.ts). */
export interface ArchiveAnswer {
  incidents: Array<{ incidentKey: string; incidentIds: string[]; signals: ReplaySignal[]; health: HealthObservation[] }>;
}

/** The archive's incidents, with the views of the incidents they became (`view` reads GET /api/incidents/{id}). */
export async function sourceFromArchive(label: string, answer: ArchiveAnswer, view: (incidentId: string) => Promise<IncidentView | null>): Promise<ReplaySource> {
  const then: NonNullable<ReplaySource['then']> = [];
  const entries: Array<{ signal: ReplaySignal; incidentKey: string; incidentId: string | null }> = [];
  const health: HealthObservation[] = [];
  for (const incident of answer.incidents) {
    for (const id of incident.incidentIds) {
      const v = await view(id);
      if (v !== null) then.push({ incidentKey: incident.incidentKey, view: v });
    }
    for (const signal of incident.signals) entries.push({ signal, incidentKey: incident.incidentKey, incidentId: incident.incidentIds[0] ?? null });
    health.push(...incident.health);
  }
  entries.sort((a, b) => Date.parse(a.signal.at) - Date.parse(b.signal.at));
  return {
    label,
    signals: entries.map((e) => e.signal),
    health,
    thenOfSignal: entries.map((e) => ({ incidentKey: e.incidentKey, outcome: 'accepted', incidentId: e.incidentId })),
    then,
  };
}

/**
 * Imported incidents (selectIncidents' output) as one source. The same update read twice (the
 * Activity Log and the events API both carry a Service Health update) is replayed once: the
 * intake would take the second as a redelivery anyway, and the report would show it as noise.
 */
export function sourceFromImports(label: string, incidents: readonly ImportResult[]): ReplaySource {
  const seen = new Set<string>();
  const entries: Array<{ signal: ReplaySignal; incidentKey: string | null }> = [];
  for (const incident of incidents) {
    for (const signal of incident.signals) {
      const parsed = signal.intake === 'failovers' ? null : parseAlert(signal.payload as never, { receivedAt: new Date(signal.at) });
      const dedupe = parsed?.ok === true ? parsed.value.dedupeKey : `${signal.origin}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      entries.push({ signal, incidentKey: parsed?.ok === true ? parsed.value.incidentKey : null });
    }
  }
  entries.sort((a, b) => Date.parse(a.signal.at) - Date.parse(b.signal.at));
  return {
    label,
    signals: entries.map((e) => e.signal),
    health: incidents.flatMap((i) => i.health),
    thenOfSignal: entries.map((e) => ({ incidentKey: e.incidentKey, outcome: null, incidentId: null })),
    then: null,
  };
}

/** Several import results as one (the Activity Log and the events API read for the same window). */
export function mergeImports(results: readonly ImportResult[]): ImportResult {
  return { signals: results.flatMap((r) => r.signals), health: results.flatMap((r) => r.health), skipped: results.flatMap((r) => r.skipped) };
}
