// The app's user-assigned managed identity: the function app runs as it, reaches its storage,
// Application Insights, App Configuration, Key Vault and the Durable Task Scheduler with it, and
// the catalog-generated role assignments grant it what each playbook needs on the workloads.
// User-assigned (not system-assigned) so its principal exists before the app and outlives a rebuild.

param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
