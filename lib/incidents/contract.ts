/**
 * What the incident orchestration and its callers share at run time: the one external event
 * everything arrives as, the commands it carries, and what counts as a recovery. Pure (no I/O, no
 * clock), so orchestrations may import it; everything else here is types.
 */
import type { ApprovalDecision, CancelCommand, FailbackCommand, SignalSummary } from './types.js';

/**
 * Everything raised into an incident arrives as one external event, `command`, whose payload
 * says what it is. A wait that loses its race to a timer stays open in durable-functions and
 * later receives an event of that name in place of the newest wait; such waits are kept and
 * read back, so no command is ever lost.
 */
export const COMMAND_EVENT = 'command';

export type IncidentCommand =
  | { type: 'signal'; signal: SignalSummary }
  | { type: 'approval'; decision: ApprovalDecision }
  | { type: 'cancel'; cancel: CancelCommand }
  /** `by` is kept at the top level for histories from before FailbackCommand. */
  | ({ type: 'failback' } & FailbackCommand);

/** A signal that says the impact is over: Resolved/RCA/Canceled/Complete, or Resource Health Available. */
export function isRecovery(signal: Pick<SignalSummary, 'lifecycle' | 'health'>): boolean {
  return signal.lifecycle === 'resolved' || signal.health === 'Available';
}
