/** The Microsoft Genomics runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { checkAccount, resubmitWorkflows, settleDoubleRuns, stageData } from './steps.js';

export const genomicsPlaybook: Playbook = {
  kind: 'genomics',
  // New submissions follow once the pending ones have moved.
  failover: [announce, checkAccount, stageData, resubmitWorkflows, flipActivePointer],
  // Before new work moves back, no workflow is left running on both sides.
  failback: [announce, checkAccount, settleDoubleRuns, flipActivePointer],
};
