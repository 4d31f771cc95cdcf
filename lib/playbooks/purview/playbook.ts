/** The Microsoft Purview warm-standby runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { checkAccount, checkReadiness, confirmCatalog, reportGaps } from './steps.js';

export const purviewPlaybook: Playbook = {
  kind: 'purview',
  // The pointer goes back when the account now pointed at does not serve the catalog (confirm-catalog).
  failover: [announce, checkAccount, checkReadiness, flipActivePointer, confirmCatalog, reportGaps],
  failback: [announce, checkAccount, flipActivePointer, confirmCatalog],
};
