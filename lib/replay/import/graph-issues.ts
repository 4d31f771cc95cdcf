/**
 * Past Microsoft 365 service health issues (Dynamics 365 among them) from Microsoft Graph
 * (`GET /v1.0/admin/serviceAnnouncement/issues`, lib/azure/graph.ts), replayed through the intake
 * the app's poller uses (`servicehealth-poll`), each issue as Graph returns it, as the poller sends it.
 *
 * Graph keeps each issue's current state only (its `posts[]` are the text of the updates, not the
 * status at each), so one signal per issue, timed at its lastModifiedDateTime; every signal says
 * so in `inferred`. The window selects issues by lastModifiedDateTime: Graph filters `ge` (unquoted
 * date-time, to the second, as the poller asks), the rest is applied here.
 */
import type { AzureClients } from '../../azure/clients.js';
import type { ImportResult, ReplaySignal } from '../types.js';
import { byTime, importItem, skippedLine } from './imported-item.js';
import { checkWindow, inWindow } from './window.js';

export interface GraphIssuesImportOptions {
  from: Date;
  to: Date;
  progress?: (line: string) => void;
}

export const CURRENT_STATE_ONLY =
  "Microsoft Graph keeps only each issue's current state: its earlier updates cannot be replayed from it";

export async function importGraphIssues(clients: AzureClients, options: GraphIssuesImportOptions): Promise<ImportResult> {
  checkWindow(options, 'importGraphIssues options');
  // Graph compares to the second: round the start down so nothing of the first second is lost.
  const since = new Date(Math.floor(options.from.getTime() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  let issues: Array<Record<string, unknown>>;
  try {
    issues = await clients.graphServiceHealth().listIssues(`lastModifiedDateTime ge ${since}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`reading Microsoft 365 service health issues from Microsoft Graph failed: ${message}`, { cause: err });
  }
  const signals: ReplaySignal[] = [];
  const skipped: string[] = [];
  for (const [i, issue] of issues.entries()) {
    const imported = importItem(issue, { origin: (parsed) => `graph-issue:${parsed.trackingId ?? parsed.incidentKey}@${parsed.eventTime}` });
    if (!imported.ok) {
      skipped.push(skippedLine(`graph-issue:${typeof issue['id'] === 'string' ? issue['id'] : `#${i}`}`, imported.error));
      continue;
    }
    const { signal } = imported;
    if (!inWindow(signal.at, options)) {
      skipped.push(`${signal.origin}: last modified at ${signal.at}, outside ${options.from.toISOString()} to ${options.to.toISOString()}`);
      continue;
    }
    signal.inferred.push(CURRENT_STATE_ONLY);
    signals.push(signal);
  }
  options.progress?.(`Microsoft 365 service health: ${issues.length} issue${issues.length === 1 ? '' : 's'} modified since ${since}; ${signals.length} in the window`);
  return { signals: byTime(signals), health: [], skipped };
}
