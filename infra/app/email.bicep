// Email notifications through Azure Communication Services. The Communication Services resource,
// its Email Communication Service and the sending domain (DNS verification, MailFrom sender) are
// made once by hand or by the team that owns mail (infra/README.md); this grants the app's
// managed identity what it needs to send with Entra authentication: Communication and Email
// Service Owner, the built-in role that carries the send permission, on the resource group that
// holds the Communication Services resource (a role assignment must be deployed at the scope it
// is on, and that group may be another than the app's).

@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

var communicationAndEmailServiceOwner = '09976791-48a7-449e-bb21-39d1a415f350'

resource sendEmail 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, appPrincipalId, communicationAndEmailServiceOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', communicationAndEmailServiceOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}
