/**
 * Between a Signal (everything the parser read) and the SignalSummary an incident keeps in its
 * history (what its decisions and the catalog match need).
 */
import { blankSignal, type Signal } from '../alerts/signal.js';
import type { SignalSource } from '../decisions/decide.js';
import type { SignalSummary } from './types.js';

export function summarizeSignal(signal: Signal, source: SignalSource, requestedById: string | null = null): SignalSummary {
  return {
    kind: signal.kind,
    incidentKey: signal.incidentKey,
    dedupeKey: signal.dedupeKey,
    lifecycle: signal.lifecycle,
    stage: signal.stage,
    title: signal.title,
    eventTime: signal.eventTime,
    impactStart: signal.impactStart,
    impactMitigation: signal.impactMitigation,
    isSynthetic: signal.isSynthetic,
    health: signal.health?.current ?? null,
    services: signal.services,
    resourceIds: signal.resourceIds,
    workloads: signal.workloads,
    requestedBy: signal.kind === 'manual' ? signal.caller : null,
    source,
    schema: signal.schema,
    subscriptionId: signal.subscriptionId,
    tenantId: signal.tenantId,
    incidentType: signal.incidentType,
    status: signal.status,
    operationName: signal.operationName,
    cause: signal.health?.cause ?? null,
    requestedById,
  };
}

/** Enough of a Signal again to match the catalog and decide with. */
export function signalForMatching(summary: SignalSummary): Signal {
  const signal = blankSignal(summary.kind, summary.schema ?? (summary.kind === 'manual' ? 'manual' : 'common'), summary.eventTime);
  signal.incidentKey = summary.incidentKey;
  signal.dedupeKey = summary.dedupeKey;
  signal.lifecycle = summary.lifecycle;
  signal.title = summary.title;
  signal.isSynthetic = summary.isSynthetic;
  signal.services = summary.services;
  signal.resourceIds = summary.resourceIds;
  signal.workloads = summary.workloads;
  signal.stage = summary.stage as Signal['stage'];
  signal.subscriptionId = summary.subscriptionId ?? null;
  signal.tenantId = summary.tenantId ?? null;
  signal.incidentType = summary.incidentType ?? null;
  signal.status = summary.status ?? null;
  signal.operationName = summary.operationName ?? null;
  signal.caller = summary.requestedBy;
  signal.health = summary.health === null ? null : { current: summary.health, previous: null, cause: summary.cause ?? null, type: null };
  return signal;
}
