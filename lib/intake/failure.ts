/**
 * When the webhook fails on an alert it has already archived, with a fault a retry cannot fix (a
 * bug, a refused request): the alert must not vanish. The archive marks it `intake-failed`, and an
 * `intake-failed` notification names it to people who can act.
 *
 * Who is told: the catalog has no channels of its own, so the channels of the workloads the alert
 * concerns (those in scope of the decision, when the webhook got that far; else those the alert
 * matches on their primary side); when the intake cannot tell (the decision or the matching is
 * what failed, or nothing matches), the channels of every workload in the catalog. Too many people
 * hearing about one unhandled alert is better than nobody hearing about an unhandled outage.
 */
import type { Signal } from '../alerts/signal.js';
import { matchSignal } from '../catalog/match.js';
import type { Catalog, Workload } from '../catalog/types.js';
import type { SignalDecision } from '../decisions/decide.js';
import type { IntakeFailed } from '../notify/events.js';

/** The outcome an archived alert is marked with when the intake failed on it. */
export const INTAKE_FAILED = 'intake-failed';

/** What went wrong with one archived alert. */
export interface IntakeFailure {
  /** The archived body's blob name. */
  archived: string;
  signal: Signal;
  /** What the alert meant for each workload, when the webhook got that far. */
  decision: SignalDecision | null;
  /** `Name: first line of the message`. */
  error: string;
  /** The incident the alert reached before the failure (started or delivered into), if any. */
  incidentId: string | null;
  at: Date;
}

export interface IntakeFailureAudience {
  workloads: Workload[];
  audience: IntakeFailed['audience'];
}

/** Whose channels hear about the failure (see the module comment). */
export function intakeFailureAudience(catalog: Catalog, signal: Signal, decision: SignalDecision | null): IntakeFailureAudience {
  let ids: string[] = [];
  if (decision !== null) {
    ids = decision.workloads.filter((d) => d.inScope).map((d) => d.workloadId);
  } else {
    try {
      ids = matchSignal(catalog, signal)
        .filter((m) => m.side !== 'secondary')
        .map((m) => m.workload.id);
    } catch {
      // The matching itself fails on this alert: everyone is told below.
    }
  }
  const concerned = catalog.workloads.filter((w) => ids.includes(w.id));
  return concerned.length > 0 ? { workloads: concerned, audience: 'concerned' } : { workloads: [...catalog.workloads], audience: 'catalog' };
}

/** The notification for a failure, about `audience`. */
export function intakeFailedNotification(failure: IntakeFailure, audience: IntakeFailureAudience, statusUrl: string | null = null): IntakeFailed {
  const { signal } = failure;
  const regions = [...new Set(signal.services.flatMap((s) => s.regions))];
  return {
    type: 'intake-failed',
    incidentId: failure.incidentId ?? '',
    workloads: audience.workloads.map((w) => w.id),
    title: signal.title ?? `${signal.kind} alert ${signal.incidentKey}`,
    trackingId: signal.trackingId,
    region: regions.join(', ') || 'unknown',
    secondaryRegion: null,
    statusUrl: failure.incidentId === null ? null : statusUrl,
    archived: failure.archived,
    error: failure.error,
    incidentKey: signal.incidentKey,
    audience: audience.audience,
    at: failure.at.toISOString(),
  };
}

/** `TypeError: Cannot read properties of undefined (reading 'x')`: the name and the first line, at most 500 characters. */
export function describeError(err: unknown): string {
  const name = err instanceof Error ? err.name : typeof err;
  const message = err instanceof Error ? err.message : String(err);
  const line = message.split('\n', 1)[0]?.trim() ?? '';
  const text = line === '' ? name : message.startsWith(`${name}:`) ? line : `${name}: ${line}`;
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
