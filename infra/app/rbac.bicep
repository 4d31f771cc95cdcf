// Role assignments on the app's own resources (the workloads' are generated from the catalog:
// infra/generated/catalog.json). Each is named guid(scope, principal, role), so a provision run
// again finds the same assignment instead of failing on a duplicate.
//
// The app's identity: Storage Blob Data Owner, Queue Data Contributor and Table Data Contributor
// on its storage (the Functions host, the Durable Functions Azure Storage backend, the deployment
// package, the alert archive and the claims table); Monitoring Metrics Publisher on Application
// Insights (Entra-authenticated telemetry); Key Vault Secrets User on the vault (Key Vault
// references); Durable Task Data Contributor on the scheduler when that backend is used.
// The deploying user (principalId, optional): the same storage roles, to read the archive and
// claims and debug against the cloud storage, and the scheduler's role for its dashboard.

param storageAccountName string
param applicationInsightsName string
param keyVaultName string
@description('Durable Task Scheduler name; empty when the Azure Storage backend is used.')
param schedulerName string = ''
@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string
@description('Object id of the deploying user; empty grants nothing to a user.')
param userPrincipalId string = ''

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402'
}
var storageRoles = [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]
var useScheduler = !empty(schedulerName)
var grantUser = !empty(userPrincipalId)

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' existing = if (useScheduler) {
  name: schedulerName
}

resource appStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storageAccount.id, appPrincipalId, role)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource userStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: if (grantUser) {
  name: guid(storageAccount.id, userPrincipalId, role)
  scope: storageAccount
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: userPrincipalId
  }
}]

resource appTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appPrincipalId, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appScheduler 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useScheduler) {
  name: guid(scheduler.id, appPrincipalId, roles.durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataContributor)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userScheduler 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (useScheduler && grantUser) {
  name: guid(scheduler.id, userPrincipalId, roles.durableTaskDataContributor)
  scope: scheduler
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataContributor)
    principalId: userPrincipalId
  }
}
