/**
 * An on-call engineer's failover request as a Signal, so manual and alert-driven failovers share
 * one path through matching, guardrails and the incident orchestration.
 */
import { canonicalRegion } from './regions.js';
import { blankSignal, type Signal } from './signal.js';

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
  const signal = blankSignal('manual', 'manual', eventTime);
  signal.incidentKey = `manual:${requestId}`;
  signal.dedupeKey = `manual|${requestId}`;
  signal.stage = 'Active';
  signal.status = 'Active';
  signal.title = request.reason;
  signal.services = services;
  signal.caller = request.requestedBy;
  signal.impactStart = eventTime;
  signal.workloads = [...new Set((request.workloads ?? []).map((w) => w.trim()).filter((w) => w !== ''))];
  signal.reason = request.reason;
  return signal;
}
