// The function app on Flex Consumption (plan FC1), running as the user-assigned identity: it
// deploys its package from a blob container with that identity, reads Key Vault references with
// it, and signs in to its storage and Application Insights with it. The host-level settings are
// built here; the app's own (lib/config.ts) come from main.bicep in appSettings.

param name string
param planName string
param location string
param tags object = {}
@description('azd finds the app to deploy by this tag.')
param serviceName string = 'api'
param identityId string
param identityClientId string
param blobEndpoint string
param queueEndpoint string
param tableEndpoint string
param deploymentContainerName string
param applicationInsightsConnectionString string
@description('PUBLIC_BASE_URL; empty uses the app\'s default host name, known only once the app exists.')
param publicBaseUrl string = ''
@description('The app\'s own settings (lib/config.ts), merged over the host settings built here.')
param appSettings object = {}
param runtimeVersion string = '20'
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: runtimeVersion
      }
    }
  }
}

// Host storage by identity (no connection string: the account refuses shared keys), telemetry
// with Entra authentication, AZURE_CLIENT_ID so DefaultAzureCredential picks this identity, and
// the links' base address. FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION are not app
// settings on Flex Consumption: functionAppConfig.runtime says it.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
  PUBLIC_BASE_URL: empty(publicBaseUrl) ? 'https://${app.properties.defaultHostName}' : publicBaseUrl
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(hostSettings, appSettings)
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output uri string = 'https://${app.properties.defaultHostName}'
