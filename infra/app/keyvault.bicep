// Key Vault for the app's secrets, read by the function app through Key Vault references
// (@Microsoft.KeyVault(SecretUri=...)) with its user-assigned identity, which holds Key Vault
// Secrets User (rbac.bicep). Access is by Azure RBAC, not access policies. A secret is written
// only when its value is given (and main.bicep references only those), so a provision without the
// value leaves the vault as it is.

param name string
param location string
param tags object = {}
@secure()
@description('GENOMICS_ACCOUNT_KEYS value (`account:key;account:key`); empty writes no secret.')
param genomicsAccountKeys string = ''
@secure()
@description('ACTION_LINK_SECRET value (comma-separated secrets, each at least 32 characters); empty writes no secret.')
param actionLinkSecret string = ''

var genomicsSecretName = 'genomics-account-keys'
var actionLinkSecretName = 'action-link-secret'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource genomicsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(genomicsAccountKeys)) {
  parent: vault
  name: genomicsSecretName
  properties: {
    value: genomicsAccountKeys
  }
}

resource actionLinkSecretResource 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(actionLinkSecret)) {
  parent: vault
  name: actionLinkSecretName
  properties: {
    value: actionLinkSecret
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
// Versionless secret URIs: the app follows the newest version, so rotating a secret in the vault
// needs no redeployment. main.bicep references a secret only when it was given a value.
output genomicsAccountKeysUri string = '${vault.properties.vaultUri}secrets/${genomicsSecretName}'
output actionLinkSecretUri string = '${vault.properties.vaultUri}secrets/${actionLinkSecretName}'
