/**
 * One item from Azure's history or a file, made ready to replay: the parser reads it once, the
 * item is delivered as the app would have received it (an alert payload or a Graph issue as is,
 * an Activity Log event or a Resource Health event as the action group would have posted it),
 * timed at the event time the parser reads, and a Resource Health change also becomes a health
 * observation. Every importer goes through here, so they agree on what a signal is.
 */
import { formatParseError, type ParseError } from '../../alerts/errors.js';
import { parseAlert } from '../../alerts/parse.js';
import type { Signal } from '../../alerts/signal.js';
import type { HealthObservation, ReplayIntake, ReplaySignal } from '../types.js';
import { actionGroupPayloadFor, NotNormalizableError, toJson, type PayloadContext } from './action-group-payload.js';

export interface ItemSource extends PayloadContext {
  /**
   * `activity-log:<sub>/<eventDataId>`, `file:<path>:<line>`, … (ReplaySignal.origin); a function
   * when the origin names what only the parser reads (a health event's update time).
   */
  origin: string | ((parsed: Signal) => string);
}

export type ImportedItem =
  | {
      ok: true;
      signal: ReplaySignal;
      /** The parser's reading of the original item (the delivered payload reads the same). */
      parsed: Signal;
      /** What Resource Health said, when the item is a Resource Health change that names a status. */
      health: HealthObservation | null;
    }
  | { ok: false; error: ParseError };

export function importItem(item: unknown, source: ItemSource): ImportedItem {
  const json = toJson(item);
  const parsed = parseAlert(json);
  if (!parsed.ok) return parsed;
  const signal = parsed.value;
  const origin = typeof source.origin === 'string' ? source.origin : source.origin(signal);
  let payload: unknown = json;
  let inferred: string[] = [];
  let intake: ReplayIntake = 'alerts';
  switch (signal.schema) {
    case 'common':
    case 'activityLogAlert':
      // What an action group posted: delivered verbatim.
      break;
    case 'graphServiceHealthIssue':
      // The app reads Graph issues from its poller, not from an action group.
      intake = 'servicehealth-poll';
      break;
    default:
      try {
        ({ payload, inferred } = actionGroupPayloadFor(json, signal, source));
      } catch (err) {
        if (err instanceof NotNormalizableError) return { ok: false, error: err.detail };
        throw err;
      }
  }
  return {
    ok: true,
    signal: { at: signal.eventTime, payload, intake, origin, inferred },
    parsed: signal,
    health: observationOf(signal, origin),
  };
}

/** `<where>: <code> at <path>: <message>`, the skipped line for an item the parser refused. */
export function skippedLine(where: string, error: ParseError): string {
  return `${where}: ${formatParseError(error)}`;
}

function observationOf(signal: Signal, origin: string): HealthObservation | null {
  const resourceId = signal.resourceIds[0];
  const status = signal.health?.current ?? null;
  if (signal.kind !== 'resourceHealth' || resourceId === undefined || status === null) return null;
  return { resourceId, at: signal.eventTime, status, origin };
}

/** In time order (ISO-8601 UTC compares as text); equal times keep the order they were read in (sort is stable). */
export function byTime<T extends { at: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
