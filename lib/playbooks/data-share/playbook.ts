/** The Azure Data Share runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { inviteConsumers, schedulePrimary, scheduleSecondary, synchronizeNow, unschedulePrimary, unscheduleSecondary } from './steps.js';

export const dataSharePlaybook: Playbook = {
  kind: 'dataShare',
  // Invitations first: they go out even when the secondary share subscription does not exist yet
  // (the consumer accepts at failover time), which stops the consumer-side steps after them.
  failover: [announce, inviteConsumers, scheduleSecondary, synchronizeNow, unschedulePrimary, flipActivePointer],
  // The primary schedules come back before the secondary's go: snapshots never stop.
  failback: [announce, schedulePrimary, unscheduleSecondary, flipActivePointer],
};
