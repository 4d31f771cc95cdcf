/** The Azure Media Services runbook, in order; each step is defined in steps.ts. */
import { announce } from '../common/announce.js';
import { flipActivePointer } from '../common/flip-active-pointer.js';
import type { Playbook } from '../define.js';
import { checkAccount, ensureTransforms, resubmitJobs, startLiveEvents, startStreamingEndpoints, stopLiveEvents, stopStreamingEndpoints, switchTraffic } from './steps.js';

export const mediaServicesPlaybook: Playbook = {
  kind: 'mediaServices',
  // The standby's resources are made ready side by side; new work moves (the pointer) before viewers do.
  failover: [announce, checkAccount, ensureTransforms, startStreamingEndpoints, startLiveEvents, resubmitJobs, flipActivePointer, switchTraffic],
  // The primary's endpoints and live events are started and checked Running before viewers and
  // new work come back; the standby is then put back as the failover found it, last.
  failback: [announce, checkAccount, startStreamingEndpoints, startLiveEvents, resubmitJobs, flipActivePointer, switchTraffic, stopLiveEvents, stopStreamingEndpoints],
};
