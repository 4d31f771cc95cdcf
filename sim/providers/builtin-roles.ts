/**
 * Azure's built-in role definitions the simulator knows, as data: each with its Microsoft id,
 * role name and exact permissions as Microsoft Learn publishes them (the page is cited per role).
 * Built-in roles live at the tenant (`/providers/Microsoft.Authorization/roleDefinitions/{id}`),
 * are assignable everywhere (assignableScopes `/`) and are read at any scope.
 *
 * The Media Services roles: Azure Media Services retired on 2024-06-30 and Microsoft removed the
 * five roles' permissions on 2025-05-30 (AzAdvertizer's change history of each role,
 * https://www.azadvertizer.net/azrolesadvertizer/c4bba371-dacd-4a26-b320-7250bca963ae.html). The
 * definitions here are the last ones Microsoft published, from the azure-docs source of the
 * built-in roles page (MicrosoftDocs/azure-docs,
 * articles/role-based-access-control/built-in-roles/web-and-mobile.md), which is what an estate
 * that still runs the playbooks against a Media Services stand-in needs to check.
 */

export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface BuiltInRole {
  /** The role definition's name (a GUID), the same in every tenant. */
  id: string;
  roleName: string;
  description: string;
  permissions: RolePermission[];
}

const perm = (p: Partial<RolePermission>): RolePermission[] => [{ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] }];

const LEARN = 'https://learn.microsoft.com/azure/role-based-access-control/built-in-roles';

/** The read-only part every Media Services role shares (web-and-mobile.md). */
const MEDIA_COMMON = [
  'Microsoft.Authorization/*/read',
  'Microsoft.Insights/alertRules/*',
  'Microsoft.Insights/metrics/read',
  'Microsoft.Insights/metricDefinitions/read',
  'Microsoft.Resources/deployments/*',
  'Microsoft.Resources/subscriptions/resourceGroups/read',
  'Microsoft.ResourceHealth/availabilityStatuses/read',
  'Microsoft.Media/mediaservices/*/read',
];

/** Where each role is published, by id: the citation the header promises. */
export const ROLE_SOURCES: Record<string, string> = {
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': `${LEARN}/general#reader`,
  'b24988ac-6180-42a0-ab88-20f7382dd24c': `${LEARN}/general#contributor`,
  '99dba123-b5fe-44d5-874c-ced7199a5804': 'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/web-and-mobile.md#media-services-streaming-endpoints-administrator',
  '532bc159-b25e-42c0-969e-a1d439f60d77': 'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/web-and-mobile.md#media-services-live-events-administrator',
  'e4395492-1534-4db2-bedf-88c14621589c': 'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/web-and-mobile.md#media-services-media-operator',
  'c4bba371-dacd-4a26-b320-7250bca963ae': 'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/web-and-mobile.md#media-services-policy-administrator',
  '054126f8-9a2b-4f1c-a9ad-eca461f08466': 'MicrosoftDocs/azure-docs articles/role-based-access-control/built-in-roles/web-and-mobile.md#media-services-account-administrator',
  'a4b10055-b0c7-44c2-b00f-c7b5b3550cf7': `${LEARN}/networking#traffic-manager-contributor`,
  '5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b': `${LEARN}/integration#app-configuration-data-owner`,
  '516239f1-63e1-4d78-a4de-a74fb236a071': `${LEARN}/integration#app-configuration-data-reader`,
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': `${LEARN}/storage#storage-blob-data-owner`,
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': `${LEARN}/storage#storage-blob-data-contributor`,
  '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1': `${LEARN}/storage#storage-blob-data-reader`,
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': `${LEARN}/storage#storage-queue-data-contributor`,
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': `${LEARN}/storage#storage-table-data-contributor`,
  '3913510d-42f4-4e42-8a64-420c390055eb': `${LEARN}/monitor#monitoring-metrics-publisher`,
  '4633458b-17de-408a-b874-0445c86b69e6': `${LEARN}/security#key-vault-secrets-user`,
  // Learn names the role (and that it is a superset of the other Durable Task roles); its definition as ARM serves it is
  // recorded at https://azure-rbac-catalog.org/roles/0ad04412-c4d5-4796-b79c-f76d14c8d402.
  '0ad04412-c4d5-4796-b79c-f76d14c8d402': 'https://learn.microsoft.com/azure/durable-task/scheduler/durable-task-scheduler-identity',
};

export const BUILTIN_ROLES: readonly BuiltInRole[] = [
  { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', roleName: 'Reader', description: 'View all resources, but does not allow you to make any changes.', permissions: perm({ actions: ['*/read'] }) },
  {
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    roleName: 'Contributor',
    description: 'Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.',
    permissions: perm({
      actions: ['*'],
      notActions: [
        'Microsoft.Authorization/*/Delete',
        'Microsoft.Authorization/*/Write',
        'Microsoft.Authorization/elevateAccess/Action',
        'Microsoft.Blueprint/blueprintAssignments/write',
        'Microsoft.Blueprint/blueprintAssignments/delete',
        'Microsoft.Compute/galleries/share/action',
        'Microsoft.Purview/consents/write',
        'Microsoft.Purview/consents/delete',
      ],
    }),
  },
  {
    id: '99dba123-b5fe-44d5-874c-ced7199a5804',
    roleName: 'Media Services Streaming Endpoints Administrator',
    description: 'Create, read, modify, and delete Streaming Endpoints; read-only access to other Media Services resources.',
    permissions: perm({
      actions: [...MEDIA_COMMON, 'Microsoft.Media/mediaservices/assets/listStreamingLocators/action', 'Microsoft.Media/mediaservices/streamingLocators/listPaths/action', 'Microsoft.Media/mediaservices/streamingEndpoints/*'],
    }),
  },
  {
    id: '532bc159-b25e-42c0-969e-a1d439f60d77',
    roleName: 'Media Services Live Events Administrator',
    description: 'Create, read, modify, and delete Live Events, Assets, Asset Filters, and Streaming Locators; read-only access to other Media Services resources.',
    permissions: perm({
      actions: [...MEDIA_COMMON, 'Microsoft.Media/mediaservices/assets/*', 'Microsoft.Media/mediaservices/assets/assetfilters/*', 'Microsoft.Media/mediaservices/streamingLocators/*', 'Microsoft.Media/mediaservices/liveEvents/*'],
      notActions: ['Microsoft.Media/mediaservices/assets/getEncryptionKey/action', 'Microsoft.Media/mediaservices/streamingLocators/listContentKeys/action'],
    }),
  },
  {
    id: 'e4395492-1534-4db2-bedf-88c14621589c',
    roleName: 'Media Services Media Operator',
    description: 'Create, read, modify, and delete Assets, Asset Filters, Streaming Locators, and Jobs; read-only access to other Media Services resources.',
    permissions: perm({
      actions: [...MEDIA_COMMON, 'Microsoft.Media/mediaservices/assets/*', 'Microsoft.Media/mediaservices/assets/assetfilters/*', 'Microsoft.Media/mediaservices/streamingLocators/*', 'Microsoft.Media/mediaservices/transforms/jobs/*'],
      notActions: ['Microsoft.Media/mediaservices/assets/getEncryptionKey/action', 'Microsoft.Media/mediaservices/streamingLocators/listContentKeys/action'],
    }),
  },
  {
    id: 'c4bba371-dacd-4a26-b320-7250bca963ae',
    roleName: 'Media Services Policy Administrator',
    description:
      'Create, read, modify, and delete Account Filters, Streaming Policies, Content Key Policies, and Transforms; read-only access to other Media Services resources. Cannot create Jobs, Assets or Streaming resources.',
    permissions: perm({
      actions: [
        ...MEDIA_COMMON,
        'Microsoft.Media/mediaservices/assets/listStreamingLocators/action',
        'Microsoft.Media/mediaservices/streamingLocators/listPaths/action',
        'Microsoft.Media/mediaservices/accountFilters/*',
        'Microsoft.Media/mediaservices/streamingPolicies/*',
        'Microsoft.Media/mediaservices/contentKeyPolicies/*',
        'Microsoft.Media/mediaservices/transforms/*',
      ],
      notActions: ['Microsoft.Media/mediaservices/contentKeyPolicies/getPolicyPropertiesWithSecrets/action'],
    }),
  },
  {
    id: '054126f8-9a2b-4f1c-a9ad-eca461f08466',
    roleName: 'Media Services Account Administrator',
    description: 'Create, read, modify, and delete Media Services accounts; read-only access to other Media Services resources.',
    permissions: perm({
      actions: [
        ...MEDIA_COMMON,
        'Microsoft.Media/mediaservices/assets/listStreamingLocators/action',
        'Microsoft.Media/mediaservices/streamingLocators/listPaths/action',
        'Microsoft.Media/mediaservices/write',
        'Microsoft.Media/mediaservices/delete',
        'Microsoft.Media/mediaservices/privateEndpointConnectionsApproval/action',
        'Microsoft.Media/mediaservices/privateEndpointConnections/*',
      ],
    }),
  },
  {
    id: 'a4b10055-b0c7-44c2-b00f-c7b5b3550cf7',
    roleName: 'Traffic Manager Contributor',
    description: 'Lets you manage Traffic Manager profiles, but does not let you control who has access to them.',
    permissions: perm({
      actions: [
        'Microsoft.Authorization/*/read',
        'Microsoft.Insights/alertRules/*',
        'Microsoft.Network/trafficManagerProfiles/*',
        'Microsoft.ResourceHealth/availabilityStatuses/read',
        'Microsoft.Resources/deployments/*',
        'Microsoft.Resources/subscriptions/resourceGroups/read',
        'Microsoft.Support/*',
      ],
    }),
  },
  {
    id: '5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b',
    roleName: 'App Configuration Data Owner',
    description: 'Allows full access to App Configuration data.',
    permissions: perm({
      dataActions: ['Microsoft.AppConfiguration/configurationStores/*/read', 'Microsoft.AppConfiguration/configurationStores/*/write', 'Microsoft.AppConfiguration/configurationStores/*/delete', 'Microsoft.AppConfiguration/configurationStores/*/action'],
    }),
  },
  {
    id: '516239f1-63e1-4d78-a4de-a74fb236a071',
    roleName: 'App Configuration Data Reader',
    description: 'Allows read access to App Configuration data.',
    permissions: perm({ dataActions: ['Microsoft.AppConfiguration/configurationStores/*/read'] }),
  },
  {
    id: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    roleName: 'Storage Blob Data Owner',
    description: 'Provides full access to Azure Storage blob containers and data, including assigning POSIX access control.',
    permissions: perm({
      actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/*', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
      dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*'],
    }),
  },
  {
    id: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    roleName: 'Storage Blob Data Contributor',
    description: 'Allows for read, write and delete access to Azure Storage blob containers and data',
    permissions: perm({
      actions: [
        'Microsoft.Storage/storageAccounts/blobServices/containers/delete',
        'Microsoft.Storage/storageAccounts/blobServices/containers/read',
        'Microsoft.Storage/storageAccounts/blobServices/containers/write',
        'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action',
      ],
      dataActions: [
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read',
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write',
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action',
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action',
      ],
    }),
  },
  {
    id: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
    roleName: 'Storage Blob Data Reader',
    description: 'Allows for read access to Azure Storage blob containers and data',
    permissions: perm({
      actions: ['Microsoft.Storage/storageAccounts/blobServices/containers/read', 'Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action'],
      dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
    }),
  },
  {
    id: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
    roleName: 'Storage Queue Data Contributor',
    description: 'Allows for read, write, and delete access to Azure Storage queues and queue messages',
    permissions: perm({
      actions: ['Microsoft.Storage/storageAccounts/queueServices/queues/delete', 'Microsoft.Storage/storageAccounts/queueServices/queues/read', 'Microsoft.Storage/storageAccounts/queueServices/queues/write'],
      dataActions: [
        'Microsoft.Storage/storageAccounts/queueServices/queues/messages/delete',
        'Microsoft.Storage/storageAccounts/queueServices/queues/messages/read',
        'Microsoft.Storage/storageAccounts/queueServices/queues/messages/write',
        'Microsoft.Storage/storageAccounts/queueServices/queues/messages/process/action',
      ],
    }),
  },
  {
    id: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    roleName: 'Storage Table Data Contributor',
    description: 'Allows for read, write and delete access to Azure Storage tables and entities',
    permissions: perm({
      actions: ['Microsoft.Storage/storageAccounts/tableServices/tables/read', 'Microsoft.Storage/storageAccounts/tableServices/tables/write', 'Microsoft.Storage/storageAccounts/tableServices/tables/delete'],
      dataActions: [
        'Microsoft.Storage/storageAccounts/tableServices/tables/entities/read',
        'Microsoft.Storage/storageAccounts/tableServices/tables/entities/write',
        'Microsoft.Storage/storageAccounts/tableServices/tables/entities/delete',
        'Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action',
        'Microsoft.Storage/storageAccounts/tableServices/tables/entities/update/action',
      ],
    }),
  },
  {
    id: '3913510d-42f4-4e42-8a64-420c390055eb',
    roleName: 'Monitoring Metrics Publisher',
    description: 'Enables publishing metrics against Azure resources',
    permissions: perm({
      actions: ['Microsoft.Insights/Register/Action', 'Microsoft.Support/*', 'Microsoft.Resources/subscriptions/resourceGroups/read'],
      dataActions: ['Microsoft.Insights/Metrics/Write', 'Microsoft.Insights/Telemetry/Write'],
    }),
  },
  {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    roleName: 'Key Vault Secrets User',
    description: 'Read secret contents. Only works for key vaults that use the \'Azure role-based access control\' permission model.',
    permissions: perm({ dataActions: ['Microsoft.KeyVault/vaults/secrets/getSecret/action', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'] }),
  },
  {
    id: '0ad04412-c4d5-4796-b79c-f76d14c8d402',
    roleName: 'Durable Task Data Contributor',
    description: 'Durable Task role for all data access operations.',
    permissions: perm({ dataActions: ['Microsoft.DurableTask/*'] }),
  },
];

/** The built-in role of this id (a GUID, any case), or of this role name (case-insensitive). */
export function builtInRole(idOrName: string): BuiltInRole | undefined {
  const key = idOrName.toLowerCase();
  return BUILTIN_ROLES.find((r) => r.id === key || r.roleName.toLowerCase() === key);
}

/** The built-in role ids by role name: what tests and the infra generator write into role assignments. */
export const BUILTIN_ROLE_IDS: Readonly<Record<string, string>> = Object.fromEntries(BUILTIN_ROLES.map((r) => [r.roleName, r.id]));
