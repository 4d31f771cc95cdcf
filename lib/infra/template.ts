/**
 * The ARM template `failover infra generate` writes (infra/generated/catalog.json), deployed at
 * subscription scope by infra/main.bicep as a module:
 *
 * - the custom roles (./grants.ts), defined once in the deployment's subscription and assignable
 *   in every subscription the catalog uses;
 * - the action group in the app's resource group: one webhook receiver on `/api/alerts`, the
 *   common alert schema, and Entra authentication (secure webhook) when configured, on top of
 *   the function key the URL always carries;
 * - per subscription the catalog uses, a resource group for the alert rules (a rule must live in
 *   the subscription it watches) and the activity log alert rules (./alert-rules.ts);
 * - per resource group holding protected resources, the role assignments (./grants.ts) as
 *   extension resources on each resource.
 *
 * Expressions are few and plain (parameters, guid, format, subscriptionResourceId) so the
 * template reads as what it deploys, and `failover infra plan` can evaluate it (./expressions.ts).
 */
import { createHash } from 'node:crypto';
import { parseResourceId } from '../azure/resource-id.js';
import type { AlertRule, Condition } from './alert-rules.js';
import type { CustomRole, Grant } from './grants.js';

export const API_VERSIONS = {
  actionGroups: '2023-01-01',
  activityLogAlerts: '2020-10-01',
  roleAssignments: '2022-04-01',
  roleDefinitions: '2022-04-01',
  resourceGroups: '2024-03-01',
  deployments: '2024-03-01',
} as const;

const SUBSCRIPTION_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';
const RESOURCE_GROUP_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

export interface SecureWebhook {
  /** Object id of the app registration (service principal) the action group gets tokens for. */
  objectId: string;
  /** Its Application ID URI, the token audience. */
  identifierUri: string;
  tenantId: string;
}

export interface TemplateInput {
  rules: AlertRule[];
  grants: Grant[];
  customRoles: CustomRole[];
  actionGroupName: string;
  secureWebhook: SecureWebhook | null;
  /** The catalog it came from, recorded in the template's metadata. */
  catalogSource: string | null;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A 12-character name part that stays the same for the same input. */
function shortHash(text: string): string {
  return createHash('sha256').update(text.toLowerCase()).digest('hex').slice(0, 12);
}

const param = (name: string): string => `[parameters('${name}')]`;

/** Parameters handed down to a nested template (its expressions are evaluated inside it). */
function passDown(names: readonly string[]): { declare: JsonObject; pass: JsonObject } {
  const declare: JsonObject = {};
  const pass: JsonObject = {};
  for (const name of names) {
    declare[name] = { type: name === 'webhookUri' ? 'securestring' : 'string' };
    pass[name] = { value: param(name) };
  }
  return { declare, pass };
}

function nested(name: string, target: { subscriptionId?: string; resourceGroup?: string; location?: string }, parameters: readonly string[], resources: JsonObject[], dependsOn: string[], schema: string): JsonObject {
  const { declare, pass } = passDown(parameters);
  return {
    type: 'Microsoft.Resources/deployments',
    apiVersion: API_VERSIONS.deployments,
    name,
    ...(target.subscriptionId !== undefined ? { subscriptionId: target.subscriptionId } : {}),
    ...(target.resourceGroup !== undefined ? { resourceGroup: target.resourceGroup } : {}),
    ...(target.location !== undefined ? { location: target.location } : {}),
    ...(dependsOn.length > 0 ? { dependsOn } : {}),
    properties: {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'Inner' },
      parameters: pass,
      template: { $schema: schema, contentVersion: '1.0.0.0', parameters: declare, resources },
    },
  };
}

export function actionGroupId(name: string): string {
  return `[format('/subscriptions/{0}/resourceGroups/{1}/providers/Microsoft.Insights/actionGroups/{2}', parameters('appSubscriptionId'), parameters('appResourceGroup'), '${name}')]`;
}

function actionGroup(input: TemplateInput): JsonObject {
  const webhook: JsonObject = {
    name: 'failover-orchestrator',
    serviceUri: param('webhookUri'),
    useCommonAlertSchema: true,
    useAadAuth: input.secureWebhook !== null,
    ...(input.secureWebhook !== null ? { objectId: input.secureWebhook.objectId, identifierUri: input.secureWebhook.identifierUri, tenantId: input.secureWebhook.tenantId } : {}),
  };
  return {
    type: 'Microsoft.Insights/actionGroups',
    apiVersion: API_VERSIONS.actionGroups,
    name: input.actionGroupName,
    location: 'Global',
    properties: { groupShortName: 'failover', enabled: true, webhookReceivers: [webhook] },
  };
}

function conditionJson(c: Condition): JsonObject {
  return 'anyOf' in c ? { anyOf: c.anyOf.map(conditionJson) } : { ...c };
}

function alertRule(rule: AlertRule, actionGroupName: string): JsonObject {
  return {
    type: 'Microsoft.Insights/activityLogAlerts',
    apiVersion: API_VERSIONS.activityLogAlerts,
    name: rule.name,
    location: 'global',
    tags: { 'failover-workloads': rule.workloads.join(' ').slice(0, 256), 'failover-rule-kind': rule.kind },
    properties: {
      description: rule.description,
      enabled: true,
      scopes: rule.scopes,
      condition: { allOf: rule.condition.allOf.map(conditionJson) },
      actions: { actionGroups: [{ actionGroupId: actionGroupId(actionGroupName) }] },
    },
  };
}

/** `Microsoft.Media/mediaservices/contosomedianeu`: how a template inside the resource group names a resource as an extension's scope. */
function relativeScope(resourceId: string): string {
  const id = parseResourceId(resourceId)!;
  const types = id.type!.split('/').slice(1);
  return [id.provider!, ...types.flatMap((t, i) => [t, id.names[i]!])].join('/');
}

export function roleDefinitionId(subscriptionId: string, grant: Grant, customRoles: readonly CustomRole[]): string {
  const id = 'builtIn' in grant.role ? grant.role.builtIn.id : customRoles.find((r) => r.roleName === (grant.role as { custom: string }).custom)!.id;
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
}

function roleAssignment(grant: Grant, customRoles: readonly CustomRole[]): JsonObject {
  const id = parseResourceId(grant.resourceId)!;
  const definition = roleDefinitionId(id.subscriptionId.toLowerCase(), grant, customRoles);
  const roleName = 'builtIn' in grant.role ? grant.role.builtIn.name : grant.role.custom;
  return {
    type: 'Microsoft.Authorization/roleAssignments',
    apiVersion: API_VERSIONS.roleAssignments,
    name: `[guid('${grant.resourceId}', parameters('principalId'), '${definition}')]`,
    scope: relativeScope(grant.resourceId),
    properties: {
      roleDefinitionId: definition,
      principalId: param('principalId'),
      principalType: 'ServicePrincipal',
      description: `${roleName} for the failover orchestrator: ${grant.workloadId} ${grant.catalogPath}, steps ${grant.steps.join(', ')}`,
    },
  };
}

function customRoleResource(role: CustomRole): JsonObject {
  return {
    type: 'Microsoft.Authorization/roleDefinitions',
    apiVersion: API_VERSIONS.roleDefinitions,
    name: role.id,
    properties: {
      roleName: role.roleName,
      description: role.description,
      type: 'CustomRole',
      permissions: [{ actions: role.actions, notActions: [], dataActions: role.dataActions, notDataActions: [] }],
      assignableScopes: role.assignableScopes,
    },
  };
}

export function buildTemplate(input: TemplateInput): JsonObject {
  const resources: JsonObject[] = input.customRoles.map(customRoleResource);
  const roleDeps = input.customRoles.map((r) => `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '${r.id}')]`);

  resources.push(nested('failover-action-group', { resourceGroup: param('appResourceGroup') }, ['webhookUri'], [actionGroup(input)], [], RESOURCE_GROUP_SCHEMA));

  const subscriptions = [...new Set(input.rules.map((r) => r.subscriptionId))].sort();
  for (const subscriptionId of subscriptions) {
    const rules = input.rules.filter((r) => r.subscriptionId === subscriptionId).map((r) => alertRule(r, input.actionGroupName));
    const ruleDeployment = nested('failover-alert-rules', { resourceGroup: param('alertsResourceGroup') }, ['appSubscriptionId', 'appResourceGroup'], rules, [
      `[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('alertsResourceGroup'))]`,
    ], RESOURCE_GROUP_SCHEMA);
    const group: JsonObject = { type: 'Microsoft.Resources/resourceGroups', apiVersion: API_VERSIONS.resourceGroups, name: param('alertsResourceGroup'), location: param('location'), properties: {} };
    resources.push(
      nested(`failover-alerts-${subscriptionId.slice(0, 8)}`, { subscriptionId, location: param('location') }, ['appSubscriptionId', 'appResourceGroup', 'alertsResourceGroup', 'location'], [group, ruleDeployment], ['failover-action-group'], SUBSCRIPTION_SCHEMA),
    );
  }

  const byGroup = new Map<string, Grant[]>();
  for (const grant of input.grants) {
    const id = parseResourceId(grant.resourceId)!;
    const key = `${id.subscriptionId.toLowerCase()}/${id.resourceGroup!.toLowerCase()}`;
    byGroup.set(key, [...(byGroup.get(key) ?? []), grant]);
  }
  for (const [key, grants] of [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const id = parseResourceId(grants[0]!.resourceId)!;
    resources.push(nested(`failover-access-${shortHash(key)}`, { subscriptionId: id.subscriptionId, resourceGroup: id.resourceGroup! }, ['principalId'], grants.map((g) => roleAssignment(g, input.customRoles)), roleDeps, RESOURCE_GROUP_SCHEMA));
  }

  return {
    $schema: SUBSCRIPTION_SCHEMA,
    contentVersion: '1.0.0.0',
    metadata: {
      generator: 'failover infra generate',
      catalog: input.catalogSource,
      note: 'Generated from the protection catalog; edit the catalog and generate again rather than editing this file.',
    },
    parameters: {
      principalId: { type: 'string', metadata: { description: 'Object id of the app\'s managed identity (service principal).' } },
      webhookUri: { type: 'securestring', metadata: { description: 'The app\'s /api/alerts address with the alerts function\'s own key (always required; the secure webhook adds an Entra token).' } },
      appResourceGroup: { type: 'string', metadata: { description: 'The resource group the app runs in; the action group goes there.' } },
      appSubscriptionId: { type: 'string', defaultValue: '[subscription().subscriptionId]' },
      alertsResourceGroup: { type: 'string', defaultValue: 'rg-failover-alerts', metadata: { description: 'Created in each subscription the catalog uses, to hold its activity log alert rules.' } },
      location: { type: 'string', metadata: { description: 'Where the alert rules\' resource groups are created (their metadata only; rules are global).' } },
    },
    resources,
    outputs: {
      actionGroupId: { type: 'string', value: actionGroupId(input.actionGroupName) },
    },
  };
}
