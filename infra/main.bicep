// The failover orchestrator's deployment (azd up, or az deployment sub create): a resource group
// holding the function app on Flex Consumption, its identity, storage, monitoring, App
// Configuration store, Key Vault and, when chosen, Durable Task Scheduler; then the catalog's
// alert rules, action group and the identity's role assignments on the workloads, generated from
// the protection catalog into generated/catalog.json by `failover infra generate` (azure.yaml's
// preprovision hook runs it). Hand-written modules are in app/; see README.md here.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; with the subscription and location it seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of the app, its storage and its task hub: outside every primary region the catalog protects (`failover infra generate --app-region` refuses otherwise).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying user: storage data roles and the scheduler dashboard. Empty grants nothing.')
param principalId string = ''

@allowed([
  'AzureStorage'
  'DurableTaskScheduler'
])
@description('Durable Functions backend. DurableTaskScheduler also needs host.json\'s durableTask.storageProvider set to azureManaged (README.md).')
param durableBackend string = 'AzureStorage'

@minLength(3)
@maxLength(45)
@description('Durable Functions task hub (TASK_HUB_NAME): letters and digits, starting with a letter; with the scheduler, also its task hub\'s name.')
param taskHubName string = 'failover'

@description('Protection catalog path inside the deployed package (CATALOG_PATH); the same file preprovision generated the infrastructure from.')
param catalogPath string = 'samples/catalog.yaml'

@description('Address on-call engineers reach the app at (PUBLIC_BASE_URL); empty uses the app\'s default host name.')
param publicBaseUrl string = ''

@description('Name of an existing App Configuration store holding the workloads\' pointers; empty creates one.')
param existingAppConfigurationName string = ''

@description('Resource group of that existing store (same subscription); empty means the app\'s resource group.')
param existingAppConfigurationResourceGroup string = ''

@secure()
@minLength(32)
@description('The `webhook` function key of the alerts function, carried in the action group\'s webhook URI; azure.yaml\'s postdeploy hook sets it on the function. E.g. `openssl rand -hex 32`.')
param webhookKey string

@description('Secure webhook: the Application ID URI of the app registration the action group gets tokens for (api://...). Empty turns Entra authentication of alerts off.')
param webhookIdentifierUri string = ''

@description('Secure webhook: that app registration\'s client (application) id, the audience of v2 tokens.')
param webhookAppClientId string = ''

@description('On-call Entra tokens: accepted audiences (the app\'s client id and Application ID URI, comma-separated); empty leaves them off.')
param operatorAudiences string = ''

@description('App role on-call requests need (OPERATOR_ROLE); needs operatorAudiences or App Service Authentication.')
param operatorRole string = ''

@allowed([
  'off'
  'on'
])
@description('REPLAY_ENABLED: on makes a staging deployment that accepts replays of past incidents. Never on in production.')
param replayEnabled string = 'off'

@secure()
@description('GENOMICS_ACCOUNT_KEYS (`account:key;...`), stored in Key Vault; empty stores nothing.')
param genomicsAccountKeys string = ''

@secure()
@description('ACTION_LINK_SECRET (comma-separated, each at least 32 characters), stored in Key Vault; empty stores nothing.')
param actionLinkSecret string = ''

@description('EMAIL_ENDPOINT: the endpoint of the Communication Services resource that sends the email notifications (https://<resource>.communication.azure.com); empty turns email off (catalog check and /api/health then report email targets).')
param emailEndpoint string = ''

@description('EMAIL_SENDER: a MailFrom address of a domain linked to that resource, e.g. failover@notify.contoso.example.')
param emailSender string = ''

@description('Resource group of the Communication Services resource; empty means the app\'s. The app\'s identity gets Communication and Email Service Owner there.')
param emailResourceGroup string = ''

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSkuName string = 'Standard_LRS'

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = 'func-api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
// The defaults of lib/config.ts (ALERT_ARCHIVE_CONTAINER, INCIDENT_CLAIMS_TABLE).
var alertArchiveContainerName = 'alert-archive'
var incidentClaimsTableName = 'incidentclaims'
var useScheduler = durableBackend == 'DurableTaskScheduler'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
  // Nothing to set (its only property is read-only), but the resource schema requires the object.
  properties: {}
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-api-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    deploymentContainerName: deploymentContainerName
    alertArchiveContainerName: alertArchiveContainerName
    incidentClaimsTableName: incidentClaimsTableName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
  }
}

module appConfig 'app/appconfig.bicep' = {
  name: 'appconfig'
  scope: resourceGroup(empty(existingAppConfigurationResourceGroup) ? rg.name : existingAppConfigurationResourceGroup)
  params: {
    name: 'appcs-${resourceToken}'
    existingName: existingAppConfigurationName
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    genomicsAccountKeys: genomicsAccountKeys
    actionLinkSecret: actionLinkSecret
  }
}

module scheduler 'app/durable-task-scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: 'dts-${resourceToken}'
    taskHubName: taskHubName
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
    schedulerName: useScheduler ? scheduler.outputs.name : ''
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
  }
}

// Email: the app's identity may send through the Communication Services resource (Entra auth, no key).
module email 'app/email.bicep' = if (!empty(emailEndpoint)) {
  name: 'email'
  scope: resourceGroup(empty(emailResourceGroup) ? rg.name : emailResourceGroup)
  params: {
    appPrincipalId: identity.outputs.principalId
  }
}

// The app's own settings (lib/config.ts; README "Configuration"). Secrets are Key Vault
// references, present only when the secret was stored; the optional sign-in settings only when given.
var secretSettings = union(
  empty(genomicsAccountKeys) ? {} : { GENOMICS_ACCOUNT_KEYS: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.genomicsAccountKeysUri})' },
  empty(actionLinkSecret) ? {} : { ACTION_LINK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.actionLinkSecretUri})' }
)
var webhookAudiences = filter([webhookIdentifierUri, webhookAppClientId], audience => !empty(audience))
var signInSettings = union(
  empty(webhookIdentifierUri) ? {} : { WEBHOOK_TENANT_ID: tenant().tenantId, WEBHOOK_AUDIENCES: join(webhookAudiences, ',') },
  empty(operatorAudiences) ? {} : { OPERATOR_TENANT_ID: tenant().tenantId, OPERATOR_AUDIENCES: operatorAudiences },
  empty(operatorRole) ? {} : { OPERATOR_ROLE: operatorRole }
)
var emailSettings = empty(emailEndpoint) ? {} : { EMAIL_ENDPOINT: emailEndpoint, EMAIL_SENDER: emailSender }
// The Durable Task Scheduler extension reads this connection (host.json's connectionStringName).
var durableSettings = useScheduler ? {
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${scheduler.outputs.endpoint};Authentication=ManagedIdentity;ClientID=${identity.outputs.clientId}'
} : {}
var appSettings = union({
  TASK_HUB_NAME: taskHubName
  CATALOG_PATH: catalogPath
  // Identity-based: the archive and the claims in the app's storage, by service URL.
  ALERT_ARCHIVE_SERVICE_URL: storage.outputs.blobEndpoint
  ALERT_ARCHIVE_CONTAINER: alertArchiveContainerName
  INCIDENT_CLAIMS_SERVICE_URL: storage.outputs.tableEndpoint
  INCIDENT_CLAIMS_TABLE: incidentClaimsTableName
  APP_CONFIGURATION_ENDPOINT: appConfig.outputs.endpoint
  REPLAY_ENABLED: replayEnabled
}, secretSettings, signInSettings, emailSettings, durableSettings)

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    publicBaseUrl: publicBaseUrl
    appSettings: appSettings
    maximumInstanceCount: maximumInstanceCount
  }
  // Key Vault references and identity-based storage resolve only once the roles exist.
  dependsOn: [
    rbac
    email
  ]
}

// What the catalog implies: the action group calling /api/alerts, the activity log alert rules,
// and the identity's least-privilege role assignments on every protected resource.
module catalog 'generated/catalog.json' = {
  name: 'catalog-${resourceToken}'
  params: {
    principalId: identity.outputs.principalId
    // The function key is needed in both modes: the alerts function is authLevel function, and
    // the secure webhook's Entra token is checked in addition to it.
    webhookUri: 'https://${api.outputs.defaultHostName}/api/alerts?code=${webhookKey}'
    appResourceGroup: rg.name
    location: location
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
// Not AZURE_CLIENT_ID: azd exports outputs to hooks, where that name would redirect the Azure CLI
// and SDK credentials of whoever deploys.
output APP_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APP_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APP_CONFIGURATION_ENDPOINT string = appConfig.outputs.endpoint
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output DURABLE_BACKEND string = durableBackend
output ACTION_GROUP_ID string = catalog.outputs.actionGroupId
