/**
 * Readiness of a Media Services workload whose viewers Traffic Manager moves: every streaming
 * endpoint viewers would be sent to must list their host name in `customHostNames`, and Media
 * Services adds one only after a CNAME proves the domain is the customer's. Found before an
 * outage, that is a DNS record and an endpoint update; found during a failover, viewers stay on
 * the failed side (switch-traffic refuses). Both use the playbook's own check.
 */
import type { AzureClients } from '../azure/clients.js';
import type { Workload } from '../catalog/types.js';
import { sideHostNameCheck, type HostNameCheck } from '../playbooks/media-services/steps.js';

/** What the readiness comparison finds on one Media Services account (shaped like Purview's). */
export interface MediaDrift {
  account: string;
  /** The host name viewers use; null when neither the catalog nor the Traffic Manager profile names one. */
  hostName: string | null;
  /** Per kind, what the account lacks: the streaming endpoints that do not list the viewers' host name. */
  missing: { customHostNames: string[] };
  /** The record to create so Media Services accepts the host name; null when nothing lacks it. */
  cname: { name: string; target: string } | null;
  /** What the customer must do, one sentence per problem. */
  problems: string[];
  /** True when nothing is missing. */
  complete: boolean;
  /** One line saying what is missing, or that nothing is. */
  summary: string;
}

function drift(check: HostNameCheck): MediaDrift {
  const { account, hostName, lacking, cname, problems } = check;
  const complete = problems.length === 0;
  let summary: string;
  if (complete) summary = `${account}: every streaming endpoint lists ${hostName ?? "the viewers' host name"} in customHostNames`;
  else if (hostName === null) summary = `${account}: ${problems.join('; ')}`;
  else summary = `${account} lacks ${hostName} in the customHostNames of streaming endpoint${lacking.length === 1 ? '' : 's'} ${lacking.join(', ')}`;
  return { account, hostName, missing: { customHostNames: lacking }, cname, problems, complete, summary };
}

/**
 * The secondary's comparison, and the primary's when it answers (failback sends viewers back to
 * it, and the same endpoints lacking on both sides is a catalog or DNS mistake, not drift).
 * Throws what reading the secondary throws: a StepFailure for a catalog that names no usable
 * account or profile, an SDK error when Azure does not answer.
 */
export async function mediaReadiness(workload: Workload, clients: AzureClients): Promise<{ standby: MediaDrift; primary: MediaDrift | null }> {
  const ctx = { workload, deps: { clients } };
  const standby = drift(await sideHostNameCheck(ctx, 'secondary'));
  let primary: MediaDrift | null = null;
  try {
    primary = drift(await sideHostNameCheck(ctx, 'primary', true));
  } catch {
    // The primary being down is no reason not to say how ready the standby is.
  }
  return { standby, primary };
}
