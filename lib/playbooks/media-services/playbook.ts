/** The Azure Media Services runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { checkAccount, ensureTransforms, resubmitJobs, startLiveEvents, startStreamingEndpoints, stopLiveEvents, stopStreamingEndpoints, switchTraffic } from './steps.js';

export const mediaServicesPlaybook: Playbook = {
  kind: 'mediaServices',
  // The standby's resources are made ready side by side; new work moves (the pointer) before viewers do.
  failover: [announce, checkAccount, ensureTransforms, startStreamingEndpoints, startLiveEvents, resubmitJobs, flipActivePointer, switchTraffic],
  // Viewers and new work come back first; the standby stops costing money last.
  failback: [announce, checkAccount, resubmitJobs, flipActivePointer, switchTraffic, stopLiveEvents, stopStreamingEndpoints],
};
