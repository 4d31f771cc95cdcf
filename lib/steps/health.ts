/**
 * Resource Health of each workload's primary resources: the worst state among them. A resource
 * Resource Health cannot answer for reads as Unknown, not as healthy.
 */
import type { ReplayMark, WorkloadPlan } from '../incidents/types.js';
import { originalInstant, recordedWorkloadHealth } from '../replay/recorded-health.js';
import { subscriptionOf } from '../azure/resource-id.js';
import { isTransient } from '../errors/transient.js';
import { TransientStepError, type StepDeps } from './deps.js';

type State = 'Available' | 'Unavailable' | 'Degraded' | 'Unknown';
const RANK: Record<State, number> = { Available: 0, Unknown: 1, Degraded: 2, Unavailable: 3 };

export async function checkPrimaryHealth(deps: StepDeps, input: { workloads: WorkloadPlan[]; replay?: ReplayMark; at?: string }): Promise<Record<string, State>> {
  const catalog = await deps.catalog();
  const result: Record<string, State> = {};
  const replay = input.replay;
  // A decision replay answers as Azure did at the same moment of the original incident.
  // `at`: the incident's own time when it asked, which the replay's clock (startedAt) is on.
  const recorded = replay?.healthMode === 'recorded' ? { observations: await deps.replayHealth(replay.replayId), at: originalInstant(replay, input.at !== undefined ? new Date(input.at) : deps.now()) } : null;
  for (const plan of input.workloads) {
    const workload = catalog.workloads.find((w) => w.id === plan.id);
    const ids = workload === undefined ? [] : Object.values(workload.primary.resources);
    if (recorded !== null) {
      result[plan.id] = recordedWorkloadHealth(recorded.observations, { id: plan.id, primaryResourceIds: ids }, recorded.at);
      continue;
    }
    let worst: State = ids.length === 0 ? 'Unknown' : 'Available';
    for (const id of ids) {
      const state = await availability(deps, id);
      if (RANK[state] > RANK[worst]) worst = state;
    }
    result[plan.id] = worst;
  }
  return result;
}

async function availability(deps: StepDeps, resourceId: string): Promise<State> {
  const sub = subscriptionOf(resourceId);
  if (sub === null) return 'Unknown';
  try {
    // The SDK puts the resource id after a `/`: without its own leading slash the path stays single.
    const status = await deps.clients.resourceHealth(sub).availabilityStatuses.getByResource(resourceId.replace(/^\/+/, ''));
    const state = status.properties?.availabilityState;
    return state === 'Available' || state === 'Unavailable' || state === 'Degraded' ? state : 'Unknown';
  } catch (err) {
    if (isTransient(err)) throw new TransientStepError('ResourceHealthUnavailable', (err as Error).message);
    return 'Unknown';
  }
}
