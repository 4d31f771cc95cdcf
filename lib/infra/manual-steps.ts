/**
 * Grants ARM cannot make, printed as the exact steps a person with the right to make them takes:
 * - Microsoft Graph `ServiceHealth.Read.All` (application permission) for the Microsoft 365 service
 *   health poller (Dynamics 365): an app role assignment in Entra, made with admin consent
 *   (https://learn.microsoft.com/graph/api/serviceannouncement-list-issues: "ServiceHealth.Read.All");
 * - Purview collection roles: Purview's data plane ignores Azure RBAC; the app needs Data Reader on
 *   the root collection of each account it reads
 *   (https://learn.microsoft.com/purview/catalog-permissions).
 */
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog } from '../catalog/types.js';

/** Microsoft Graph's app id and the id of its `ServiceHealth.Read.All` application role. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const SERVICE_HEALTH_READ_ALL = '79c261e0-fe76-4144-aad5-bdc68fbe4037';

export interface ManualStep {
  why: string;
  /** What to do, in order: Azure CLI commands where one exists, else the portal path. */
  instructions: string[];
}

export function manualSteps(catalog: Catalog): ManualStep[] {
  const steps: ManualStep[] = [];
  if (catalog.workloads.some((w) => w.playbook.kind === 'dynamics365')) {
    steps.push({
      why: `Microsoft Graph ServiceHealth.Read.All for the app's identity: the Microsoft 365 service health poller reads Dynamics 365 issues (${catalog.workloads.filter((w) => w.playbook.kind === 'dynamics365').map((w) => w.id).join(', ')}). Needs an Entra role that can grant admin consent (Privileged Role Administrator).`,
      instructions: [
        `graph=$(az ad sp show --id ${GRAPH_APP_ID} --query id -o tsv)`,
        `az rest --method POST --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$PRINCIPAL_ID/appRoleAssignments" --body "{\\"principalId\\":\\"$PRINCIPAL_ID\\",\\"resourceId\\":\\"$graph\\",\\"appRoleId\\":\\"${SERVICE_HEALTH_READ_ALL}\\"}"`,
      ],
    });
  }
  for (const workload of catalog.workloads) {
    if (workload.playbook.kind !== 'purview') continue;
    for (const side of [workload.primary, workload.secondary]) {
      const id = side?.resources['account'];
      const name = id === undefined ? undefined : parseResourceId(id)?.names[0];
      if (name === undefined) continue;
      steps.push({
        why: `Purview collection role Data Reader on the root collection of ${name} (${workload.id}): Purview's data plane ignores Azure RBAC. Needs a Collection Admin of that account.`,
        instructions: [
          `In the Microsoft Purview portal of ${name}: Data Map > Collections > the root collection (${name}) > Role assignments > Data readers > add the app's managed identity ($PRINCIPAL_ID).`,
          `Or through the metadata policy API: GET https://${name}.purview.azure.com/policystore/metadataPolicies?collectionName=${name}&api-version=2021-07-01-preview, add "$PRINCIPAL_ID" to the principal.microsoft.id list of the purviewmetadatarole_builtin_data-reader attribute rule, and PUT the policy back.`,
        ],
      });
    }
  }
  return steps;
}
