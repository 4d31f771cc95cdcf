/** The Microsoft Genomics runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { checkAccount, resubmitWorkflows, stageData } from './steps.js';

export const genomicsPlaybook: Playbook = {
  kind: 'genomics',
  // New submissions follow once the pending ones have moved.
  failover: [announce, checkAccount, stageData, resubmitWorkflows, flipActivePointer],
  failback: [announce, checkAccount, flipActivePointer],
};
