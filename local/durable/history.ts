/**
 * Durable Task history events exactly as the Durable extension serializes them to the
 * out-of-process worker (DTFx HistoryEvent, Newtonsoft PascalCase). The local runtime stores
 * these, sends them to durable-functions, and exports them for replay.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

export type OrchestrationStatus = 'Pending' | 'Running' | 'Completed' | 'ContinuedAsNew' | 'Failed' | 'Terminated';

/** Every event: EventId is the sequence id for scheduling events and -1 otherwise. */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. durable-functions turns string Timestamps into Dates itself. */
  Timestamp: string;
  Name?: string;
  Version?: string;
  /** JSON text (as on the wire), or null. */
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  InstanceId?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: { Name: string; TaskScheduleId: number; OrchestrationInstance: { InstanceId: string; ExecutionId: string } } | null;
  OrchestrationStatus?: OrchestrationStatus;
}

export function event(type: EventType, timestamp: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: new Date(timestamp).toISOString(), ...fields };
}

/** JSON text for a value, as the extension stores payloads; undefined becomes null. */
export function toJsonText(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function fromJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined || text === '') return null;
  return JSON.parse(text) as unknown;
}

export function eventTypeName(type: EventType): string {
  return EventType[type] ?? String(type);
}
