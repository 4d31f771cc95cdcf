import { describe, expect, it } from 'vitest';
import { readBicep } from './schema-check/bicep-reader.js';
import { formatFinding, validateBicep, validateTemplate, type Finding } from './schema-check/index.js';
import { checkModuleParams, checkParameterFile, templateParameters } from './schema-check/parameters.js';

const ALERTS = 'Microsoft.Insights/activityLogAlerts@2020-10-01';
const SUBSCRIPTION_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
const RG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

function alertRule(properties: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'Microsoft.Insights/activityLogAlerts',
    apiVersion: '2020-10-01',
    name: 'sh-media',
    location: 'global',
    properties: {
      scopes: ["[subscription().id]"],
      condition: {
        allOf: [
          { field: 'category', equals: 'ServiceHealth' },
          { anyOf: [{ field: 'properties.incidentType', equals: 'Incident' }, { field: 'properties.incidentType', equals: 'Security' }] },
          { field: 'properties.impactedServices[*].ServiceName', containsAny: ['Media Services'] },
        ],
      },
      actions: { actionGroups: [{ actionGroupId: "[resourceId('Microsoft.Insights/actionGroups', 'failover')]", webhookProperties: {} }] },
      enabled: true,
      description: 'Service Health for Media Services in West Europe',
      ...properties,
    },
  };
}

const actionGroup = {
  type: 'Microsoft.Insights/actionGroups',
  apiVersion: '2023-01-01',
  name: 'failover',
  location: 'Global',
  properties: {
    groupShortName: 'failover',
    enabled: true,
    webhookReceivers: [{ name: 'orchestrator', serviceUri: "[parameters('webhookUri')]", useCommonAlertSchema: true, useAadAuth: false }],
  },
};

const roleAssignment = {
  type: 'Microsoft.Authorization/roleAssignments',
  apiVersion: '2022-04-01',
  name: "[guid('contosomedianeu', parameters('principalId'), 'reader')]",
  scope: 'Microsoft.Media/mediaservices/contosomedianeu',
  properties: {
    roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
    principalId: "[parameters('principalId')]",
    principalType: 'ServicePrincipal',
  },
};

const storageAccount = {
  type: 'Microsoft.Storage/storageAccounts',
  apiVersion: '2023-05-01',
  name: 'stfailover01',
  location: 'swedencentral',
  kind: 'StorageV2',
  sku: { name: 'Standard_LRS' },
  properties: { allowSharedKeyAccess: false, minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, allowBlobPublicAccess: false },
};

const container = {
  type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
  apiVersion: '2023-05-01',
  name: 'stfailover01/default/deployment',
  properties: { publicAccess: 'None' },
};

const flexSite = {
  type: 'Microsoft.Web/sites',
  apiVersion: '2024-04-01',
  name: 'func-failover',
  location: 'swedencentral',
  kind: 'functionapp,linux',
  identity: { type: 'UserAssigned', userAssignedIdentities: { "[parameters('identityId')]": {} } },
  properties: {
    serverFarmId: "[resourceId('Microsoft.Web/serverfarms', 'plan-failover')]",
    httpsOnly: true,
    siteConfig: { minTlsVersion: '1.2', appSettings: [{ name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }] },
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer',
          value: 'https://stfailover01.blob.core.windows.net/deployment',
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: "[parameters('identityId')]" },
        },
      },
      scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
      runtime: { name: 'node', version: '20' },
    },
  },
};

function rgTemplate(...resources: unknown[]): Record<string, unknown> {
  return { $schema: RG_SCHEMA, contentVersion: '1.0.0.0', resources };
}

/** The generated shape: a subscription-scope template nesting one deployment per resource group. */
function catalogTemplate(...inner: unknown[]): Record<string, unknown> {
  return {
    $schema: SUBSCRIPTION_SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { principalId: { type: 'string' }, webhookUri: { type: 'securestring' } },
    resources: [
      {
        type: 'Microsoft.Authorization/roleDefinitions',
        apiVersion: '2022-04-01',
        name: "[guid(subscription().id, 'Data Share operator')]",
        properties: {
          roleName: 'Data Share operator',
          description: 'Reads and triggers Data Share synchronizations',
          type: 'CustomRole',
          permissions: [{ actions: ['Microsoft.DataShare/accounts/shareSubscriptions/synchronize/action'], notActions: [] }],
          assignableScopes: ['[subscription().id]'],
        },
      },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2024-03-01',
        name: 'failover-media',
        subscriptionId: '00000000-0000-0000-0000-000000000001',
        resourceGroup: 'rg-media',
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'Inner' },
          parameters: { principalId: { value: "[parameters('principalId')]" }, webhookUri: { value: "[parameters('webhookUri')]" } },
          template: { $schema: RG_SCHEMA, contentVersion: '1.0.0.0', parameters: { principalId: { type: 'string' }, webhookUri: { type: 'securestring' } }, resources: inner },
        },
      },
    ],
  };
}

const NESTED = "resources[1].properties.template.resources";

describe('ARM JSON templates against the vendored schemas and type definitions', () => {
  it('passes a valid action group, activity log alert, role assignment, storage account, container and Flex Consumption site', () => {
    expect(validateTemplate(catalogTemplate(actionGroup, alertRule(), roleAssignment), 'catalog.json')).toEqual([]);
    expect(validateTemplate(rgTemplate(storageAccount, container, flexSite), 'app.json')).toEqual([]);
  });

  it('names the resource and the path of a property misspelled deep in a nested deployment', () => {
    const misspelled = alertRule({ condition: { allOf: [{ feild: 'category', equals: 'ServiceHealth' }] } });
    const findings = validateTemplate(catalogTemplate(actionGroup, misspelled), 'catalog.json');
    expect(findings).toEqual<Finding[]>([
      {
        file: 'catalog.json',
        resource: `${NESTED}[1] Microsoft.Insights/activityLogAlerts 'sh-media'`,
        path: 'properties.condition.allOf[0].feild',
        message: `properties.condition.allOf[0].feild is not a property of ${ALERTS} (did you mean 'field'?); allowed: anyOf, field, equals, containsAny`,
        source: 'bicep-types',
      },
    ]);
    expect(formatFinding(findings[0] as Finding)).toBe(
      `catalog.json ${NESTED}[1] Microsoft.Insights/activityLogAlerts 'sh-media': properties.condition.allOf[0].feild is not a property of ${ALERTS} (did you mean 'field'?); allowed: anyOf, field, equals, containsAny [bicep-types]`,
    );
  });

  it('catches a misspelled top-level property and suggests the right one', () => {
    const { condition, ...rest } = alertRule().properties as Record<string, unknown>;
    const findings = validateTemplate(rgTemplate({ ...alertRule(), properties: { ...rest, conditon: condition } }), 'rules.json');
    expect(findings.map((f) => [f.path, f.message, f.source])).toEqual([
      ['properties.conditon', `properties.conditon is not a property of ${ALERTS} (did you mean 'condition'?); allowed: scopes, condition, actions, enabled, description`, 'bicep-types'],
      ['properties.condition', `properties.condition is required by ${ALERTS}`, 'bicep-types'],
    ]);
  });

  it('catches a wrong value type once, though both sources see it', () => {
    const findings = validateTemplate(rgTemplate(alertRule({ enabled: 'yes' })), 'rules.json');
    expect(findings.map((f) => [f.path, f.message, f.source])).toEqual([
      ['properties.enabled', `properties.enabled must be a boolean in ${ALERTS}, not a string ('yes')`, 'bicep-types'],
    ]);
  });

  it('catches a missing required property', () => {
    const { scopes: _scopes, ...properties } = alertRule().properties as Record<string, unknown>;
    const findings = validateTemplate(rgTemplate({ ...alertRule(), properties }), 'rules.json');
    expect(findings.map((f) => [f.path, f.message, f.source])).toEqual([['properties.scopes', `properties.scopes is required by ${ALERTS}`, 'bicep-types']]);
  });

  it('reports a type@apiVersion that is not vendored, naming the versions that are', () => {
    const findings = validateTemplate(rgTemplate({ ...alertRule(), apiVersion: '2017-04-01' }), 'rules.json');
    expect(findings.map((f) => [f.message, f.source])).toEqual([
      ['no type definition for Microsoft.Insights/activityLogAlerts@2017-04-01 in test/infra/schemas; vendor it (vendored: 2020-10-01)', 'bicep-types'],
      ['no schema for Microsoft.Insights/activityLogAlerts@2017-04-01 in test/infra/schemas; vendor it (vendored: 2020-10-01)', 'arm-schemas'],
    ]);
  });

  it('catches a value outside a closed set of literals, and one that differs only in case', () => {
    const findings = validateTemplate(rgTemplate({ ...container, properties: { publicAccess: 'Private' } }, { ...container, name: 'stfailover01/default/other', properties: { publicAccess: 'none' } }), 'app.json');
    expect(findings.map((f) => [f.resource, f.message, f.source])).toEqual([
      [
        "resources[0] Microsoft.Storage/storageAccounts/blobServices/containers 'stfailover01/default/deployment'",
        "properties.publicAccess must be one of 'Container', 'Blob', 'None' in Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01, not 'Private'",
        'bicep-types',
      ],
      [
        "resources[0] Microsoft.Storage/storageAccounts/blobServices/containers 'stfailover01/default/deployment'",
        "properties.publicAccess must be one of 'Container', 'Blob', 'None' in Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01, not a string ('Private')",
        'arm-schemas',
      ],
      [
        "resources[1] Microsoft.Storage/storageAccounts/blobServices/containers 'stfailover01/default/other'",
        "properties.publicAccess must be 'None' in Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01, not 'none' (Bicep compares these literals case-sensitively)",
        'bicep-types',
      ],
      [
        "resources[1] Microsoft.Storage/storageAccounts/blobServices/containers 'stfailover01/default/other'",
        "properties.publicAccess must be 'None' in Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01, not 'none' (the schema's enum is case-sensitive)",
        'arm-schemas',
      ],
    ]);
  });

  it('accepts an expression wherever a value goes, but still checks the key it is written under', () => {
    const withExpressions = alertRule({ enabled: "[parameters('enabled')]", condition: "[variables('condition')]", scopes: "[parameters('scopes')]" });
    expect(validateTemplate(rgTemplate(withExpressions, { ...storageAccount, tags: "[parameters('tags')]", sku: "[parameters('sku')]" }), 'rules.json')).toEqual([]);
    const findings = validateTemplate(rgTemplate(alertRule({ enabeld: "[parameters('enabled')]" })), 'rules.json');
    expect(findings.map((f) => f.path)).toEqual(['properties.enabeld']);
  });

  it('checks the deployment scope and the name segments of a child type', () => {
    const atSubscription = { $schema: SUBSCRIPTION_SCHEMA, contentVersion: '1.0.0.0', resources: [actionGroup] };
    expect(validateTemplate(atSubscription, 'sub.json').map((f) => [f.message, f.source])).toEqual([
      ['Microsoft.Insights/actionGroups@2023-01-01 cannot be deployed at subscription scope; it can be deployed at: resourceGroup', 'bicep-types'],
      ['Microsoft.Insights/actionGroups@2023-01-01 cannot be deployed at subscription scope: the ARM schema defines it for resourceGroup deployments', 'arm-schemas'],
    ]);
    expect(validateTemplate(rgTemplate({ ...container, name: 'deployment' }), 'app.json').map((f) => [f.path, f.message])).toEqual([
      ['name', "name 'deployment' has 1 segment; a Microsoft.Storage/storageAccounts/blobServices/containers name has 3 segments, one per type level"],
    ]);
  });

  it('walks nested deployments at any depth and labels each resource by where it is', () => {
    const inner = catalogTemplate(alertRule({ enabled: 1 }));
    const outer = catalogTemplate();
    const deployment = (outer.resources as Array<Record<string, unknown>>)[1] as Record<string, unknown>;
    // A resource-group deployment holding another deployment (expression names are fine).
    (deployment.properties as Record<string, unknown>).template = { $schema: RG_SCHEMA, contentVersion: '1.0.0.0', resources: [(inner.resources as unknown[])[1]] };
    expect(validateTemplate(outer, 'catalog.json').map((f) => [f.resource, f.path])).toEqual([
      [`${NESTED}[0].properties.template.resources[0] Microsoft.Insights/activityLogAlerts 'sh-media'`, 'properties.enabled'],
    ]);
  });

  it('says where a template cannot be read instead of failing', () => {
    expect(validateTemplate(rgTemplate({ type: "[parameters('type')]", apiVersion: '2020-10-01', name: 'x' }, 'oops'), 'bad.json').map((f) => [f.resource, f.path, f.message, f.source])).toEqual([
      ["resources[0] [parameters('type')] 'x'", '', 'type and apiVersion must be literal strings: they pick the schema', 'bicep-reader'],
      ['template', 'resources[1]', 'a resource must be an object', 'bicep-reader'],
    ]);
  });
});

const MAIN_BICEP = `targetScope = 'subscription'

@description('Name of the azd environment')
param environmentName string
param location string = 'swedencentral'
param principalIds array = []

var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-\${environmentName}'
  location: location
  tags: tags
  properties: {}
}

resource old 'Microsoft.Resources/resourceGroups@2024-03-01' existing = {
  name: 'rg-old'
}

module app 'app.json' = {
  name: 'app'
  scope: rg
  params: {
    location: location
    principalIds: principalIds
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
`;

const APP_BICEP = `param location string
param principalIds array
param withVault bool = true

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stfailover01'
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
  }

  resource blobs 'blobServices' = {
    name: 'default'
    resource deployment 'containers' = {
      name: 'deployment'
      properties: { publicAccess: 'None' }
    }
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = if (withVault) {
  name: 'kv-failover'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
  }
}

resource readers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (id, i) in principalIds: {
  name: guid(account.id, id, 'reader')
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')
    principalId: id
    principalType: 'ServicePrincipal'
  }
}]
`;

describe('hand-written Bicep', () => {
  it('reads resources with loops, conditions, existing and nested children, modules and parameters', () => {
    const main = readBicep(MAIN_BICEP, 'main.bicep');
    expect(main.findings).toEqual([]);
    expect(main.targetScope).toBe('subscription');
    expect(main.params).toEqual([
      { name: 'environmentName', hasDefault: false, line: 4 },
      { name: 'location', hasDefault: true, line: 5 },
      { name: 'principalIds', hasDefault: true, line: 6 },
    ]);
    expect(main.resources.map((r) => [r.label, r.scope, r.resource])).toEqual([
      ["resource rg 'Microsoft.Resources/resourceGroups@2024-03-01'", 'subscription', { name: "['rg-${environmentName}']", location: '[location]', tags: '[tags]', properties: {} }],
      ["resource old 'Microsoft.Resources/resourceGroups@2024-03-01' (existing)", 'subscription', { name: 'rg-old' }],
    ]);
    expect(main.modules.map((m) => [m.symbol, m.path, m.params, m.line, Object.fromEntries(m.paramLines)])).toEqual([
      ['app', 'app.json', ['location', 'principalIds'], 21, { location: 25, principalIds: 26 }],
    ]);
    const app = readBicep(APP_BICEP, 'app.bicep');
    expect(app.findings).toEqual([]);
    expect(app.resources.map((r) => r.label)).toEqual([
      "resource account::blobs::deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01'",
      "resource account::blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01'",
      "resource account 'Microsoft.Storage/storageAccounts@2023-05-01'",
      "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' (if)",
      "resource readers 'Microsoft.Authorization/roleAssignments@2022-04-01' (for)",
    ]);
    expect(app.resources[4]?.resource).toEqual({
      name: "[guid(account.id, id, 'reader')]",
      scope: '[account]',
      properties: {
        roleDefinitionId: "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]",
        principalId: '[id]',
        principalType: 'ServicePrincipal',
      },
    });
    expect(validateBicep(MAIN_BICEP, 'main.bicep')).toEqual([]);
    expect(validateBicep(APP_BICEP, 'app.bicep')).toEqual([]);
  });

  it('catches a misspelled key with its line', () => {
    const text = APP_BICEP.replace('    enableRbacAuthorization: true', '    enableRbacAuthorisation: true');
    expect(validateBicep(text, 'app.bicep')).toEqual<Finding[]>([
      {
        file: 'app.bicep',
        resource: "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' (if)",
        path: 'properties.enableRbacAuthorisation',
        message: "properties.enableRbacAuthorisation is not a property of Microsoft.KeyVault/vaults@2023-07-01 (did you mean 'enableRbacAuthorization'?)",
        source: 'bicep-types',
        line: 32,
      },
    ]);
  });

  it('reports a missing required property on the line of its object, and a child name with too many segments', () => {
    const text = APP_BICEP.replace("    sku: { family: 'A', name: 'standard' }\n", '').replace("      name: 'deployment'", "      name: 'default/deployment'");
    expect(validateBicep(text, 'app.bicep').map((f) => [f.line, f.path, f.message])).toEqual([
      [20, 'name', "name 'default/deployment' has 2 segments; a Microsoft.Storage/storageAccounts/blobServices/containers name has one segment, as parent names the rest"],
      [29, 'properties.sku', 'properties.sku is required by Microsoft.KeyVault/vaults@2023-07-01'],
    ]);
  });

  it('turns a line it cannot read into a finding and reads on', () => {
    const text = `targetScope = 'subscription'\nparam location string\nresource broken 'Microsoft.KeyVault/vaults@2023-07-01' = {\n  name: 'kv'\n  location location\n}\nresource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {\n  name: 'rg'\n  locaton: location\n  properties: {}\n}\n`;
    expect(validateBicep(text, 'main.bicep').map((f) => [f.line, f.message, f.source])).toEqual([
      [5, "cannot read line 5: expected ':' after location, found 'location'", 'bicep-reader'],
      [9, "locaton is not a property of Microsoft.Resources/resourceGroups@2024-03-01 (did you mean 'location'?); allowed: name, properties, location, managedBy, tags", 'bicep-types'],
      [7, 'location is required by Microsoft.Resources/resourceGroups@2024-03-01', 'bicep-types'],
    ]);
  });

  it("checks a module's params and a parameter file against the template's parameters", () => {
    const template = { $schema: RG_SCHEMA, parameters: { location: { type: 'string' }, principalIds: { type: 'array' }, sku: { type: 'string', defaultValue: 'Standard_LRS' } }, resources: [] };
    const [module] = readBicep(MAIN_BICEP.replace('    principalIds: principalIds', '    principalId: principalIds'), 'main.bicep').modules;
    expect(checkModuleParams(module as NonNullable<typeof module>, templateParameters(template), 'main.bicep').map((f) => [f.line, f.path, f.message])).toEqual([
      [26, 'params.principalId', "principalId is not a parameter of app.json (did you mean 'principalIds'?)"],
      [21, 'params.principalIds', 'principalIds is a parameter of app.json without a default, and is not given'],
    ]);
    const parameterFile = { parameters: { location: { value: '${AZURE_LOCATION}' }, principalIds: { value: [] }, skuu: { value: 'x' } } };
    expect(checkParameterFile(parameterFile, templateParameters(template), 'main.parameters.json', 'main.json').map((f) => f.message)).toEqual([
      "skuu is not a parameter of main.json (did you mean 'sku'?)",
    ]);
  });
});
