/** The Dynamics 365 runbook (Microsoft fails it over; we pause integrations and tell), in order; steps in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { recordWindows, reportReconcile } from './steps.js';

export const dynamics365Playbook: Playbook = {
  kind: 'dynamics365',
  // The flag first: integrations pause before anyone is told they have.
  failover: [announce, flipActivePointer, recordWindows],
  failback: [announce, flipActivePointer, reportReconcile],
};
