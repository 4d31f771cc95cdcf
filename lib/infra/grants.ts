/**
 * Which role the app's identity gets on each resource a playbook touches: the least that covers
 * the step access of ./access.ts. Where a built-in role fits the need it is used (Reader on a
 * Purview or Genomics account, Traffic Manager Contributor on the profile, the Storage Blob Data
 * roles); where every built-in role would grant far more, or the service is retired and its
 * roles with it (Media Services), a custom role is defined with exactly the table's actions.
 *
 * Built-in role ids are Microsoft's, the same in every tenant:
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
 */
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, PlaybookKind } from '../catalog/types.js';
import { actionsOf, stepAccess, workloadAccess, type ResourceAccess } from './access.js';
import { stableGuid } from './guid.js';

export interface BuiltInRole {
  name: string;
  id: string;
}

export const BUILT_IN_ROLES = {
  reader: { name: 'Reader', id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7' },
  trafficManagerContributor: { name: 'Traffic Manager Contributor', id: 'a4b10055-b0c7-44c2-b00f-c7b5b3550cf7' },
  storageBlobDataContributor: { name: 'Storage Blob Data Contributor', id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' },
  storageBlobDataReader: { name: 'Storage Blob Data Reader', id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1' },
} as const satisfies Record<string, BuiltInRole>;

/** A role this app defines, with exactly the actions its playbook's steps need. */
export interface CustomRole {
  /** Unique in the tenant (Azure refuses a second role of the same name). */
  roleName: string;
  /** The role definition's name: a GUID derived from roleName, so every generation names it alike. */
  id: string;
  description: string;
  actions: string[];
  dataActions: string[];
  /** `/subscriptions/{id}` of every subscription it is assigned in. */
  assignableScopes: string[];
}

export interface Grant {
  workloadId: string;
  resourceId: string;
  catalogPath: string;
  role: { builtIn: BuiltInRole } | { custom: string /* roleName */ };
  /** The steps this grant serves, for the assignment's description and the readiness report. */
  steps: string[];
}

/** Kinds whose accounts get a custom role: the resource type it covers and its name. */
const CUSTOM: Partial<Record<PlaybookKind, { type: string; roleName: string; description: string }>> = {
  mediaServices: {
    type: 'Microsoft.Media/mediaservices',
    roleName: 'Failover orchestrator - Media Services playbook',
    description: 'Exactly what the failover orchestrator\'s Media Services playbook does to both accounts: streaming endpoints, live events and outputs, assets, locators, transforms and jobs.',
  },
  dataShare: {
    type: 'Microsoft.DataShare/accounts',
    roleName: 'Failover orchestrator - Data Share playbook',
    description: 'Exactly what the failover orchestrator\'s Data Share playbook does: snapshot schedule triggers and synchronizations on the consumer accounts, invitations on the provider account.',
  },
};

function builtInFor(access: ResourceAccess): BuiltInRole {
  const type = parseResourceId(access.resourceId)?.type?.toLowerCase() ?? '';
  if (type === 'microsoft.network/trafficmanagerprofiles') return BUILT_IN_ROLES.trafficManagerContributor;
  if (type === 'microsoft.storage/storageaccounts') {
    const writes = access.steps.some((s) => s.dataActions.some((a) => a.endsWith('/write')));
    return writes ? BUILT_IN_ROLES.storageBlobDataContributor : BUILT_IN_ROLES.storageBlobDataReader;
  }
  // Accounts whose steps only read (Purview, Genomics: the work itself goes through their data planes).
  return BUILT_IN_ROLES.reader;
}

/** The grants and custom roles a catalog implies. */
export function catalogGrants(catalog: Catalog): { grants: Grant[]; customRoles: CustomRole[] } {
  const grants: Grant[] = [];
  const custom = new Map<string, CustomRole>();
  for (const workload of catalog.workloads) {
    const own = CUSTOM[workload.playbook.kind];
    for (const access of workloadAccess(workload)) {
      const type = parseResourceId(access.resourceId)?.type?.toLowerCase();
      const steps = [...new Set(access.steps.map((s) => s.step))];
      if (own !== undefined && type === own.type.toLowerCase()) {
        const role = custom.get(own.roleName) ?? customRole(workload.playbook.kind, own);
        const scope = `/subscriptions/${parseResourceId(access.resourceId)?.subscriptionId.toLowerCase()}`;
        if (!role.assignableScopes.includes(scope)) role.assignableScopes.push(scope);
        custom.set(own.roleName, role);
        grants.push({ workloadId: workload.id, resourceId: access.resourceId, catalogPath: access.catalogPath, role: { custom: own.roleName }, steps });
      } else {
        grants.push({ workloadId: workload.id, resourceId: access.resourceId, catalogPath: access.catalogPath, role: { builtIn: builtInFor(access) }, steps });
      }
    }
  }
  const customRoles = [...custom.values()].map((r) => ({ ...r, assignableScopes: [...r.assignableScopes].sort() }));
  return { grants, customRoles };
}

function customRole(kind: PlaybookKind, spec: { type: string; roleName: string; description: string }): CustomRole {
  const type = spec.type.toLowerCase();
  const steps = stepAccess(kind).filter((s) => !('trafficManagerProfile' in s.on) && s.actions.concat(s.dataActions).every((a) => a.toLowerCase().startsWith(type)));
  return { roleName: spec.roleName, id: stableGuid('role-definition', spec.roleName), description: spec.description, ...actionsOf(steps), assignableScopes: [] };
}
