/**
 * What each playbook step does to Azure, as Azure RBAC sees it: the actions (control plane) and
 * data actions each step needs on each resource it touches. One table serves three purposes, so
 * they cannot drift apart: the role assignments `failover infra generate` writes, the custom roles
 * it defines (exactly these actions, nothing more), and the readiness check that asks ARM what the
 * app's identity may do and names every missing action by step.
 *
 * Action names follow ARM's rule for a request (https://learn.microsoft.com/azure/role-based-access-control/resource-provider-operations):
 * `{namespace}/{type}[/{child type}…]/read|write|delete`, or `…/{verb}/action` for a POST.
 * The table is written from the calls in lib/playbooks/<kind>/steps.ts; a step that only reads
 * needs `…/read` on what it reads.
 *
 * Sides: `primary`/`secondary` are the catalog's sides. A step that runs in both directions (the
 * failback runs most steps with the sides swapped) is listed for both sides.
 */
import type { PlaybookKind, SideName, Workload } from '../catalog/types.js';

/** What a step touches: a catalog resource by side and role, or the Traffic Manager profile. */
export type AccessTarget = { side: SideName; role: string } | { trafficManagerProfile: true };

export interface StepAccess {
  /** The step's name as the playbook runs it (`start-streaming-endpoints`). */
  step: string;
  on: AccessTarget;
  actions: readonly string[];
  dataActions: readonly string[];
}

const MEDIA = 'Microsoft.Media/mediaservices';
const SHARE = 'Microsoft.DataShare/accounts';
const BOTH: readonly SideName[] = ['primary', 'secondary'];

/** The same access on both sides' resource of `role`. */
function bothSides(step: string, role: string, actions: readonly string[], dataActions: readonly string[] = []): StepAccess[] {
  return BOTH.map((side) => ({ step, on: { side, role }, actions, dataActions }));
}

function oneSide(step: string, side: SideName, role: string, actions: readonly string[], dataActions: readonly string[] = []): StepAccess {
  return { step, on: { side, role }, actions, dataActions };
}

const STEP_ACCESS: Readonly<Record<PlaybookKind, readonly StepAccess[]>> = {
  mediaServices: [
    ...bothSides('check-account', 'account', [`${MEDIA}/read`]),
    // Reads the transforms of the side being left, writes the ones the other side lacks.
    ...bothSides('ensure-transforms', 'account', [`${MEDIA}/transforms/read`, `${MEDIA}/transforms/write`]),
    // Starts, creates or rescales; records the before-state in tags (write); stops again on compensation.
    ...bothSides('start-streaming-endpoints', 'account', [
      `${MEDIA}/streamingEndpoints/read`,
      `${MEDIA}/streamingEndpoints/write`,
      `${MEDIA}/streamingEndpoints/start/action`,
      `${MEDIA}/streamingEndpoints/stop/action`,
      `${MEDIA}/streamingEndpoints/scale/action`,
    ]),
    // Live events start with a recording output, its asset and a streaming locator; compensation stops them.
    ...bothSides('start-live-events', 'account', [
      `${MEDIA}/liveEvents/read`,
      `${MEDIA}/liveEvents/write`,
      `${MEDIA}/liveEvents/start/action`,
      `${MEDIA}/liveEvents/stop/action`,
      `${MEDIA}/liveEvents/liveOutputs/read`,
      `${MEDIA}/liveEvents/liveOutputs/write`,
      `${MEDIA}/liveEvents/liveOutputs/delete`,
      `${MEDIA}/assets/write`,
      `${MEDIA}/streamingLocators/read`,
      `${MEDIA}/streamingLocators/write`,
      `${MEDIA}/streamingLocators/listPaths/action`,
    ]),
    // Reads pending jobs and signs their inputs on the side being left; submits them, with new output assets, on the other.
    ...bothSides('resubmit-jobs', 'account', [
      `${MEDIA}/read`,
      `${MEDIA}/assets/read`,
      `${MEDIA}/assets/write`,
      `${MEDIA}/assets/listContainerSas/action`,
      `${MEDIA}/transforms/jobs/read`,
      `${MEDIA}/transforms/jobs/write`,
    ]),
    ...bothSides('switch-traffic', 'account', [`${MEDIA}/read`, `${MEDIA}/streamingEndpoints/read`]),
    {
      step: 'switch-traffic',
      on: { trafficManagerProfile: true },
      actions: ['Microsoft.Network/trafficManagerProfiles/read', 'Microsoft.Network/trafficManagerProfiles/externalEndpoints/read', 'Microsoft.Network/trafficManagerProfiles/externalEndpoints/write'],
      dataActions: [],
    },
    oneSide('stop-live-events', 'secondary', 'account', [
      `${MEDIA}/liveEvents/read`,
      `${MEDIA}/liveEvents/write`,
      `${MEDIA}/liveEvents/stop/action`,
      `${MEDIA}/liveEvents/liveOutputs/read`,
      `${MEDIA}/liveEvents/liveOutputs/delete`,
    ]),
    oneSide('stop-streaming-endpoints', 'secondary', 'account', [
      `${MEDIA}/streamingEndpoints/read`,
      `${MEDIA}/streamingEndpoints/write`,
      `${MEDIA}/streamingEndpoints/stop/action`,
      `${MEDIA}/streamingEndpoints/scale/action`,
    ]),
  ],
  dataShare: [
    // Invitations go out from the secondary provider account (sent again when missing).
    oneSide('invite-consumers', 'secondary', 'providerAccount', [`${SHARE}/read`, `${SHARE}/shares/read`, `${SHARE}/shares/invitations/read`, `${SHARE}/shares/invitations/write`]),
    // Schedules: read the subscription, its mappings and the provider's settings; create, and on compensation delete, the trigger.
    ...(['schedule-secondary', 'schedule-primary'] as const).map((step) =>
      oneSide(step, step === 'schedule-secondary' ? 'secondary' : 'primary', 'consumerAccount', [
        `${SHARE}/read`,
        `${SHARE}/shareSubscriptions/read`,
        `${SHARE}/shareSubscriptions/dataSetMappings/read`,
        `${SHARE}/shareSubscriptions/listSourceShareSynchronizationSettings/action`,
        `${SHARE}/shareSubscriptions/triggers/read`,
        `${SHARE}/shareSubscriptions/triggers/write`,
        `${SHARE}/shareSubscriptions/triggers/delete`,
      ]),
    ),
    oneSide('synchronize-now', 'secondary', 'consumerAccount', [
      `${SHARE}/shareSubscriptions/read`,
      `${SHARE}/shareSubscriptions/synchronize/action`,
      `${SHARE}/shareSubscriptions/listSynchronizations/action`,
    ]),
    // Removed on one side, restored (written) on compensation.
    ...(['unschedule-primary', 'unschedule-secondary'] as const).map((step) =>
      oneSide(step, step === 'unschedule-primary' ? 'primary' : 'secondary', 'consumerAccount', [
        `${SHARE}/shareSubscriptions/read`,
        `${SHARE}/shareSubscriptions/triggers/read`,
        `${SHARE}/shareSubscriptions/triggers/write`,
        `${SHARE}/shareSubscriptions/triggers/delete`,
      ]),
    ),
  ],
  // The Purview data plane ignores Azure RBAC: its collection roles are manual steps (manual-steps.ts).
  purview: [...bothSides('check-account', 'account', ['Microsoft.Purview/accounts/read'])],
  genomics: [
    ...bothSides('check-account', 'account', ['Microsoft.Genomics/accounts/read']),
    // Staging copies land on the standby's storage, signed with a user delegation key.
    oneSide(
      'stage-data',
      'secondary',
      'storage',
      ['Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
      ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read', 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write'],
    ),
    // The primary's inputs are read at its RA-GRS secondary endpoint.
    oneSide('stage-data', 'primary', 'storage', [], ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read']),
  ],
  dynamics365: [],
};

/** Every access entry of a playbook kind, in runbook order. */
export function stepAccess(kind: PlaybookKind): readonly StepAccess[] {
  return STEP_ACCESS[kind];
}

/** What the app's identity needs on one resource of one workload, step by step. */
export interface ResourceAccess {
  workloadId: string;
  /** Full ARM id, as the catalog writes it. */
  resourceId: string;
  /** `secondary.consumerAccount`, `trafficManager.profile`: where in the catalog it comes from. */
  catalogPath: string;
  steps: readonly StepAccess[];
}

/**
 * The resources a workload's playbook touches and the access each needs. A resource the catalog
 * leaves out (an optional role) needs nothing: the step it would serve is skipped.
 */
export function workloadAccess(workload: Workload): ResourceAccess[] {
  const byResource = new Map<string, ResourceAccess & { steps: StepAccess[] }>();
  for (const entry of STEP_ACCESS[workload.playbook.kind]) {
    const target = resolve(workload, entry.on);
    if (target === null) continue;
    const key = target.resourceId.toLowerCase();
    const found = byResource.get(key) ?? { workloadId: workload.id, ...target, steps: [] };
    found.steps.push(entry);
    byResource.set(key, found);
  }
  return [...byResource.values()];
}

function resolve(workload: Workload, on: AccessTarget): { resourceId: string; catalogPath: string } | null {
  if ('trafficManagerProfile' in on) {
    const tm = workload.playbook.kind === 'mediaServices' ? workload.playbook.trafficManager : null;
    return tm === null ? null : { resourceId: tm.profile, catalogPath: 'playbook.trafficManager.profile' };
  }
  const side = on.side === 'primary' ? workload.primary : workload.secondary;
  const id = side?.resources[on.role];
  return id === undefined ? null : { resourceId: id, catalogPath: `${on.side}.resources.${on.role}` };
}

/** The distinct actions and data actions of some access entries, sorted. */
export function actionsOf(steps: readonly StepAccess[]): { actions: string[]; dataActions: string[] } {
  return {
    actions: [...new Set(steps.flatMap((s) => s.actions))].sort(),
    dataActions: [...new Set(steps.flatMap((s) => s.dataActions))].sort(),
  };
}
