// The App Configuration store holding each workload's active-side pointer. Either a new store, or
// (existingName set) the store the workloads already read, in this resource group or another.
// The app's identity gets App Configuration Data Owner on it here rather than in rbac.bicep because
// an existing store may sit in another resource group, and a role assignment must be deployed at
// the scope of the resource it is on.

@description('Name of the store to create; ignored when existingName is set.')
param name string
@description('Name of an existing store to use instead of creating one; empty creates `name`.')
param existingName string = ''
param location string
param tags object = {}
@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

var createStore = empty(existingName)
var appConfigurationDataOwner = '5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b'

resource store 'Microsoft.AppConfiguration/configurationStores@2024-05-01' = if (createStore) {
  name: name
  location: location
  tags: tags
  // Standard: the free tier has no SLA, one store per subscription and a daily request quota,
  // and a failover writes to this store in the middle of an outage.
  sku: {
    name: 'standard'
  }
  properties: {
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource existingStore 'Microsoft.AppConfiguration/configurationStores@2024-05-01' existing = if (!createStore) {
  name: existingName
}

resource storeDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (createStore) {
  name: guid(store.id, appPrincipalId, appConfigurationDataOwner)
  scope: store
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', appConfigurationDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource existingStoreDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!createStore) {
  name: guid(existingStore.id, appPrincipalId, appConfigurationDataOwner)
  scope: existingStore
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', appConfigurationDataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = createStore ? store.name : existingStore.name
output endpoint string = createStore ? store.properties.endpoint : existingStore.properties.endpoint
