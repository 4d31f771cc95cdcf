/**
 * The incident instances as the HTTP functions see them, through the durable client: start one,
 * send it a command, read where it stands. `IncidentClient` is the part of durable-functions'
 * `DurableClient` used here, so the logic is testable and the real client fits as it is.
 */
import { COMMAND_EVENT, ORCHESTRATIONS, type IncidentCommand } from './contract.js';
import { INCIDENT_ORCHESTRATOR_VERSION, type IncidentInput, type IncidentSummary, type PendingApproval, type RunningPlaybooks, type TimelineEntry } from './types.js';

export interface IncidentClient {
  startNew(name: string, options: { instanceId: string; input: unknown }): Promise<string>;
  getStatus(instanceId: string): Promise<InstanceStatus>;
  getStatusBy(filter: { createdTimeFrom?: Date; createdTimeTo?: Date; runtimeStatus?: string[] }): Promise<InstanceStatus[]>;
  raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void>;
}

/** The fields of DurableOrchestrationStatus this app reads. */
export interface InstanceStatus {
  name?: string;
  instanceId?: string;
  runtimeStatus?: string;
  customStatus?: unknown;
  output?: unknown;
  input?: unknown;
  createdTime?: Date | string;
  lastUpdatedTime?: Date | string;
}

/** What the incident keeps in its custom status (the incident orchestration publishes it). */
export interface IncidentProgress {
  phase: string;
  incidentId: string;
  title: string;
  mode: string;
  /** planned (a drill or a move) or unplanned (an outage). */
  kind: string;
  workloads: string[];
  lastSignalAt: string;
  duplicates: number;
  timeline: TimelineEntry[];
  entries: number;
  /** The approval the incident waits for now, if any (instances from before approvals were bound publish none). */
  approval?: PendingApproval | null;
  /** The orchestrator version the incident runs under (absent: 1). */
  version?: number;
  /** The playbooks running now, while failing over, back or rolling back (absent otherwise and in older instances). */
  playbooks?: RunningPlaybooks | null;
}

const FINISHED = new Set(['Completed', 'Failed', 'Terminated', 'Canceled']);

export function isFinished(status: InstanceStatus): boolean {
  return FINISHED.has(status.runtimeStatus ?? '');
}

/**
 * Starts the incident under today's orchestrator version (unless the input names one, as a test
 * of an older branch does); `already-running` when an instance with that id exists (a racing start).
 */
export async function startIncident(client: IncidentClient, instanceId: string, input: IncidentInput): Promise<'started' | 'already-running'> {
  try {
    await client.startNew(ORCHESTRATIONS.incident, { instanceId, input: { ...input, version: input.version ?? INCIDENT_ORCHESTRATOR_VERSION } });
    return 'started';
  } catch (err) {
    if (/\b409\b|already exists|Conflict/i.test((err as Error).message)) return 'already-running';
    throw err;
  }
}

/** The instance's status, or null when there is no such instance. */
export async function incidentStatus(client: IncidentClient, instanceId: string): Promise<InstanceStatus | null> {
  try {
    return await client.getStatus(instanceId);
  } catch (err) {
    if (/\b404\b|could not find|No instance/i.test((err as Error).message)) return null;
    throw err;
  }
}

export function sendCommand(client: IncidentClient, instanceId: string, command: IncidentCommand): Promise<void> {
  return client.raiseEvent(instanceId, COMMAND_EVENT, command);
}

export function progressOf(status: InstanceStatus): IncidentProgress | null {
  const custom = status.customStatus;
  return custom !== null && typeof custom === 'object' && typeof (custom as IncidentProgress).phase === 'string' ? (custom as IncidentProgress) : null;
}

export function summaryOf(status: InstanceStatus): IncidentSummary | null {
  const output = status.output;
  return output !== null && typeof output === 'object' && typeof (output as IncidentSummary).outcome === 'string' ? (output as IncidentSummary) : null;
}
