// Durable Task Scheduler and its task hub: the managed backend for Durable Functions, used when
// durableBackend is 'DurableTaskScheduler'. host.json must then name the azureManaged storage
// provider (infra/README.md); the app reaches it with its managed identity, which holds Durable
// Task Data Contributor on the scheduler (rbac.bicep).

param name string
param taskHubName string
param location string
param tags object = {}
@allowed([
  'Consumption'
  'Dedicated'
])
param skuName string = 'Consumption'

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Reached over the public endpoint with Entra ID; network isolation is a private endpoint, not this list.
    ipAllowlist: [
      '0.0.0.0/0'
    ]
    sku: {
      name: skuName
    }
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
  // Nothing to set (its properties are read-only), but the resource schema requires the object.
  properties: {}
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
output taskHubName string = taskHub.name
