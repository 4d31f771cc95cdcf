/**
 * The incident page as the app serves and archives it (lib/report/incident-page.ts renders it):
 * read from the live instance while it exists, from the archive once the instance is gone
 * (purged), and written to the archive by the incident's last activity as the audit record.
 */
import type { AlertArchive } from '../archive/index.js';
import type { Catalog } from '../catalog/types.js';
import { problem, type Answer } from '../http/problem.js';
import { incidentIdProblem } from '../incidents/ids.js';
import { incidentStatus, type IncidentClient, type InstanceStatus } from '../incidents/client.js';
import { ORCHESTRATIONS, type ActivityTypes } from '../incidents/contract.js';
import { renderIncidentPage, type PageView } from '../report/incident-page.js';
import { incidentView, type OperatorDeps } from './incidents.js';

export type IncidentPageDeps = Pick<OperatorDeps, 'client' | 'catalog' | 'baseUrl' | 'notifications' | 'now'> & { archive: Pick<AlertArchive, 'getTimeline' | 'getPage'> };

/** A page the app sends: 200 with the HTML, or the problem (JSON) saying why not. */
export type PageAnswer = { ok: true; html: string; archived: boolean } | { ok: false; answer: Answer };

/** Each workload's recovery time objective, as the page measures against it. */
export function recoveryObjectives(catalog: Catalog): Record<string, number | null> {
  return Object.fromEntries(catalog.workloads.map((w) => [w.id, w.recoveryTimeObjectiveMs]));
}

/**
 * GET /api/incidents/{id}/page: the live incident's page; for an incident whose instance is gone,
 * the page archived at its end; else a 404 problem naming the id.
 */
export async function incidentPage(deps: IncidentPageDeps, id: string): Promise<PageAnswer> {
  const malformed = incidentIdProblem(id);
  if (malformed !== null) return { ok: false, answer: problem(404, 'no-such-incident', malformed, { path: '$.id' }) };
  const status = await incidentStatus(deps.client, id);
  if (status === null) {
    const archived = await deps.archive.getPage(id);
    if (archived !== undefined) return { ok: true, html: archived, archived: true };
  }
  const shown = await incidentView(deps, id, status);
  if (shown.status !== 200) return { ok: false, answer: shown };
  return { ok: true, html: renderIncidentPage(shown.body as PageView, { objectives: recoveryObjectives(await deps.catalog()) }), archived: false };
}

export interface ArchivePageDeps {
  catalog(): Promise<Catalog>;
  archive: Pick<AlertArchive, 'getTimeline' | 'putPage'>;
  /** The app's public base URL, for the page's links; null: links relative to the app. */
  publicUrl: string | null;
  now(): Date;
}

/**
 * The archiveIncidentPage activity: the finished incident's page, from the status its input and
 * summary make (the one the durable client answers for the completed instance, as far as they
 * carry it), through the same view and renderer as the live page, written to the archive.
 */
export async function archiveIncidentPage(deps: ArchivePageDeps, request: ActivityTypes['archiveIncidentPage']['input']): Promise<{ name: string }> {
  const { incidentId, input, summary, createdAt } = request;
  const status: InstanceStatus = {
    name: ORCHESTRATIONS.incident,
    instanceId: incidentId,
    runtimeStatus: 'Completed',
    input,
    output: summary,
    // What the incident publishes last (orchestrations/incident.ts, `publish`): its phase and what it is about.
    customStatus: {
      phase: 'completed',
      incidentId,
      title: input.signal.title ?? input.signal.incidentKey,
      mode: input.mode,
      kind: input.kind,
      workloads: summary.workloads,
      lastSignalAt: summary.lastSignalAt,
      duplicates: 0,
      timeline: summary.timeline,
      entries: summary.entries ?? summary.timeline.length,
      approval: null,
      ...(input.version !== undefined ? { version: input.version } : {}),
    },
    createdTime: createdAt,
    lastUpdatedTime: deps.now().toISOString(),
  };
  const shown = await incidentView(
    {
      // A finished incident's view reads its summary, never a live instance.
      client: finishedOnly,
      archive: deps.archive,
      baseUrl: deps.publicUrl ?? '',
      now: deps.now,
    },
    incidentId,
    status,
  );
  if (shown.status !== 200) throw new Error(`the incident view of ${incidentId} could not be built for its page: ${JSON.stringify(shown.body)}`);
  const html = renderIncidentPage(shown.body as PageView, { objectives: recoveryObjectives(await deps.catalog()) });
  return deps.archive.putPage(incidentId, html);
}

/** The durable client of a view built from a finished incident: it has nothing live to read. */
const finishedOnly: IncidentClient = {
  startNew: () => Promise.reject(new Error('an archived incident page starts nothing')),
  getStatus: (instanceId) => Promise.reject(new Error(`404: an archived incident page reads no instance (${instanceId})`)),
  getStatusBy: () => Promise.resolve([]),
  raiseEvent: () => Promise.reject(new Error('an archived incident page sends nothing')),
};

