/**
 * An on-call engineer's failover request as a Signal, so manual and alert-driven failovers share
 * one path through matching, guardrails and the incident orchestration.
 */
import { canonicalRegion } from './regions.js';
import type { Signal } from './signal.js';

export interface ManualRequest {
  /** Idempotency key chosen by the caller: the same request sent twice is one incident. */
  requestId: string;
  /** Workload ids to fail over; or name a service and region instead. */
  workloads?: string[];
  service?: string;
  region?: string;
  reason: string;
  requestedBy: string;
  at: Date;
}

export function createManualSignal(request: ManualRequest): Signal {
  const requestId = request.requestId.trim();
  const services =
    request.service !== undefined
      ? [{ name: request.service.trim(), regions: request.region !== undefined ? [canonicalRegion(request.region)] : [] }]
      : [];
  const eventTime = request.at.toISOString();
  return {
    kind: 'manual',
    schema: 'manual',
    incidentKey: `manual:${requestId}`,
    dedupeKey: `manual|${requestId}`,
    subscriptionId: null,
    trackingId: null,
    incidentType: null,
    stage: 'Active',
    status: 'Active',
    lifecycle: 'active',
    title: request.reason,
    severity: null,
    services,
    resourceIds: [],
    health: null,
    operationName: null,
    caller: request.requestedBy,
    eventTime,
    eventTimeSource: 'payload',
    impactStart: eventTime,
    impactMitigation: null,
    communicationId: null,
    eventDataId: null,
    correlationId: null,
    isSynthetic: false,
    alertRule: null,
    customProperties: {},
    workloads: [...new Set((request.workloads ?? []).map((w) => w.trim()).filter((w) => w !== ''))],
    reason: request.reason,
  };
}
