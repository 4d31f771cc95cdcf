/**
 * Past Service Health incidents from the Resource Health events API (`Microsoft.ResourceHealth/events`,
 * `@azure/arm-resourcehealth` 4 `eventsOperations.listBySubscriptionId`), each as the Service Health
 * alert an action group would have posted for it.
 *
 * The API keeps one record per event, rewritten at each update: what it returns is the event's
 * latest state, so one signal per event, and the earlier updates (the Active notification before
 * the Resolved one) cannot be replayed from here; the Activity Log has them for 90 days. Every
 * signal says so in `inferred`.
 *
 * The same incident is listed once per subscription it touches. Replaying it once per
 * subscription would only exercise the intake's deduplication, so one signal is kept per tracking
 * id and update, the first subscription's, and the others are reported in `skipped`.
 *
 * `queryStartTime` (M/D/YYYY, "from when to return events … based on the lastUpdateTime property",
 * ResourceHealth.json 2022-10-01) is the window's start day; the exact window is applied here.
 */
import type { AzureClients } from '../../azure/clients.js';
import type { ImportResult, ReplaySignal } from '../types.js';
import { byTime, importItem, skippedLine } from './imported-item.js';
import { checkSubscriptions, checkWindow, inWindow } from './window.js';

export interface HealthEventsImportOptions {
  subscriptions: string[];
  from: Date;
  to: Date;
  /** One line per subscription read, for a CLI to print. */
  progress?: (line: string) => void;
}

export const LATEST_UPDATE_ONLY =
  'the Resource Health events API keeps only the latest update of each event: its earlier updates cannot be replayed from it (the Activity Log has every update for 90 days)';

export async function importHealthEvents(clients: AzureClients, options: HealthEventsImportOptions): Promise<ImportResult> {
  const subscriptions = checkSubscriptions(options.subscriptions, 'importHealthEvents options');
  checkWindow(options, 'importHealthEvents options');
  const from = options.from;
  const queryStartTime = `${from.getUTCMonth() + 1}/${from.getUTCDate()}/${from.getUTCFullYear()}`;
  const window = `${options.from.toISOString()} to ${options.to.toISOString()}`;
  /** Tracking id and update → the signal kept and the subscriptions that listed it. */
  const kept = new Map<string, { signal: ReplaySignal; subscriptions: string[] }>();
  const skipped: string[] = [];

  for (const sub of subscriptions) {
    let read = 0;
    let inside = 0;
    try {
      for await (const event of clients.resourceHealth(sub).eventsOperations.listBySubscriptionId({ queryStartTime })) {
        read++;
        const imported = importItem(event, {
          origin: (parsed) => `resource-health-event:${parsed.trackingId ?? parsed.incidentKey}@${parsed.eventTime}`,
          subscriptionId: sub,
        });
        if (!imported.ok) {
          skipped.push(skippedLine(`resource-health-event:${event.name ?? `#${read}`} (subscription ${sub})`, imported.error));
          continue;
        }
        const { signal, parsed } = imported;
        if (!inWindow(signal.at, options)) {
          skipped.push(`${signal.origin}: last updated at ${signal.at}, outside ${window} (the events API keeps only the latest update)`);
          continue;
        }
        inside++;
        const key = `${(parsed.trackingId ?? parsed.incidentKey).toLowerCase()}@${signal.at}`;
        const first = kept.get(key);
        if (first !== undefined) {
          first.subscriptions.push(sub);
          skipped.push(`${signal.origin}: also listed by subscription ${sub}; replayed once, as listed by ${first.subscriptions[0]}`);
          continue;
        }
        signal.inferred.unshift(LATEST_UPDATE_ONLY);
        kept.set(key, { signal, subscriptions: [sub] });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`reading the Resource Health events of subscription ${sub} failed: ${message}`, { cause: err });
    }
    options.progress?.(`resource health events of ${sub}: ${read} event${read === 1 ? '' : 's'} updated since ${queryStartTime}; ${inside} in ${window}`);
  }
  for (const { signal, subscriptions: subs } of kept.values()) {
    if (subs.length > 1) signal.inferred.push(`listed by subscriptions ${subs.join(', ')}: the same event and update, replayed once (as the first listed it)`);
  }
  return { signals: byTime([...kept.values()].map((k) => k.signal)), health: [], skipped };
}
