/**
 * Past incidents from the Activity Log (`Microsoft.Insights/eventtypes/management/values`, through
 * `@azure/arm-monitor`'s `activityLogs.list`): every Service Health update, Resource Health change
 * and, when asked, Administrative operation of a time window, as the action group would have
 * posted it. Resource Health changes also say what the resource's health was, for replaying the
 * incident's health checks.
 *
 * Azure keeps the Activity Log 90 days ("Activity log events are retained in Azure for 90 days and
 * then deleted", learn.microsoft.com/azure/azure-monitor/essentials/activity-log; reference/
 * alert-payloads.md §6.1), so an older window is refused rather than silently read as empty.
 *
 * The query filters on time only and the categories are picked here: `category eq '…'` is not in
 * the documented `$filter` patterns, and ServiceHealth and ResourceHealth events were reported
 * missing from category-filtered queries (reference/alert-payloads.md §6.1, §7.2). Reading every
 * Administrative event of a busy subscription is the price of not losing health events.
 */
import type { EventData } from '@azure/arm-monitor';
import type { AzureClients } from '../../azure/clients.js';
import { eventSourceOf } from '../../alerts/vocabulary.js';
import type { HealthObservation, ImportResult, ReplaySignal } from '../types.js';
import { byTime, importItem, skippedLine } from './imported-item.js';
import { checkSubscriptions, checkWindow } from './window.js';

export type ActivityLogCategory = 'ServiceHealth' | 'ResourceHealth' | 'Administrative';

export const ACTIVITY_LOG_CATEGORIES: readonly ActivityLogCategory[] = ['ServiceHealth', 'ResourceHealth', 'Administrative'];

/** Without `categories`: the health categories. Administrative events are many; they come only when asked for. */
export const DEFAULT_ACTIVITY_LOG_CATEGORIES: readonly ActivityLogCategory[] = ['ServiceHealth', 'ResourceHealth'];

/** How long Azure keeps the Activity Log. */
export const ACTIVITY_LOG_RETENTION_DAYS = 90;

export interface ActivityLogImportOptions {
  subscriptions: string[];
  from: Date;
  to: Date;
  categories?: ActivityLogCategory[];
  /** One line per subscription read, for a CLI to print. */
  progress?: (line: string) => void;
}

export async function importActivityLog(clients: AzureClients, options: ActivityLogImportOptions): Promise<ImportResult> {
  const subscriptions = checkSubscriptions(options.subscriptions, 'importActivityLog options');
  checkWindow(options, 'importActivityLog options');
  const oldest = Date.now() - ACTIVITY_LOG_RETENTION_DAYS * 24 * 3600_000;
  if (options.from.getTime() < oldest) {
    throw new Error(
      `importActivityLog options.from (${options.from.toISOString()}) is more than ${ACTIVITY_LOG_RETENTION_DAYS} days ago: ` +
        `Azure keeps the Activity Log ${ACTIVITY_LOG_RETENTION_DAYS} days, so nothing older can be read. ` +
        `Set from on or after ${new Date(oldest).toISOString()}, or import an older incident from an export (a diagnostic-settings or Event Hub JSON file).`,
    );
  }
  const wanted = checkCategories(options.categories);
  const filter = `eventTimestamp ge '${options.from.toISOString()}' and eventTimestamp le '${options.to.toISOString()}'`;
  const signals: ReplaySignal[] = [];
  const health: HealthObservation[] = [];
  const skipped: string[] = [];

  for (const sub of subscriptions) {
    const kept = new Map<ActivityLogCategory, number>();
    const left = new Map<string, number>();
    let read = 0;
    try {
      for await (const event of clients.monitor(sub).activityLogs.list(filter)) {
        read++;
        const category = categoryOf(event);
        if (category === null || !wanted.has(category)) {
          const name = event.category?.value ?? '(no category)';
          left.set(name, (left.get(name) ?? 0) + 1);
          continue;
        }
        const id = event.eventDataId ?? event.id ?? `#${read}`;
        const where = `activity-log:${sub}/${id}`;
        const imported = importItem(event, { origin: where, subscriptionId: sub });
        if (!imported.ok) {
          skipped.push(skippedLine(where, imported.error));
          continue;
        }
        kept.set(category, (kept.get(category) ?? 0) + 1);
        signals.push(imported.signal);
        if (imported.health !== null) health.push(imported.health);
      }
    } catch (err) {
      throw readFailure(sub, err);
    }
    const leftOut = [...left].map(([name, n]) => `${name} ${n}`).join(', ');
    if (left.size > 0) skipped.push(`activity-log:${sub}: ${events([...left.values()].reduce((a, b) => a + b, 0))} of categories not asked for left out (${leftOut})`);
    options.progress?.(
      `activity log of ${sub}: ${events(read)} from ${options.from.toISOString()} to ${options.to.toISOString()}; ` +
        `kept ${[...wanted].map((c) => `${c} ${kept.get(c) ?? 0}`).join(', ')}${left.size > 0 ? `; left out ${leftOut}` : ''}`,
    );
  }
  return { signals: byTime(signals), health: byTime(health), skipped };
}

function checkCategories(categories: readonly ActivityLogCategory[] | undefined): Set<ActivityLogCategory> {
  if (categories === undefined) return new Set(DEFAULT_ACTIVITY_LOG_CATEGORIES);
  if (categories.length === 0) throw new Error(`importActivityLog options.categories is empty: name one or more of ${ACTIVITY_LOG_CATEGORIES.join(', ')}, or leave it out for ${DEFAULT_ACTIVITY_LOG_CATEGORIES.join(' and ')}`);
  for (const [i, c] of categories.entries()) {
    if (!ACTIVITY_LOG_CATEGORIES.includes(c)) throw new Error(`importActivityLog options.categories[${i}] is ${JSON.stringify(c)}: expected one of ${ACTIVITY_LOG_CATEGORIES.join(', ')}`);
  }
  return new Set(categories);
}

/** The event's category as the parser names it (the REST `category.value`); null for one this app does not read. */
function categoryOf(event: EventData): ActivityLogCategory | null {
  const source = eventSourceOf(event.category?.value ?? undefined);
  return source === undefined || source === 'Other' ? null : source;
}

const events = (n: number): string => `${n} event${n === 1 ? '' : 's'}`;

function readFailure(sub: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`reading the Activity Log of subscription ${sub} failed: ${message}`, { cause: err });
}
