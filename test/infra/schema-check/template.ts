/**
 * Walks an ARM JSON template's resources, including the inline templates of nested
 * `Microsoft.Resources/deployments`, giving each a label that says where it is.
 */
import { childPath, isExpression, isRecord, itemPath, quote, type Finding } from './finding.js';
import type { DeployScope, ResourceUnderCheck } from './resource.js';

/** The deployment scope a template's `$schema` declares (deploymentTemplate.json: a resource group). */
export function schemaScope(schema: unknown): DeployScope {
  const s = typeof schema === 'string' ? schema.toLowerCase() : '';
  if (s.includes('/subscriptiondeploymenttemplate.json')) return 'subscription';
  if (s.includes('/managementgroupdeploymenttemplate.json')) return 'managementGroup';
  if (s.includes('/tenantdeploymenttemplate.json')) return 'tenant';
  return 'resourceGroup';
}

/**
 * Where a nested deployment's template deploys: into a resource group when it names one (or when
 * its parent already deploys into one), into a subscription when it names only a subscription.
 */
function innerScope(outer: DeployScope, deployment: Record<string, unknown>): DeployScope {
  if (outer === 'resourceGroup' || deployment.resourceGroup !== undefined) return 'resourceGroup';
  if (deployment.subscriptionId !== undefined) return 'subscription';
  return outer;
}

export interface WalkResult {
  resources: ResourceUnderCheck[];
  findings: Finding[];
}

export function templateResources(template: unknown, file: string): WalkResult {
  const result: WalkResult = { resources: [], findings: [] };
  if (!isRecord(template)) {
    result.findings.push({ file, resource: 'template', path: '', message: 'the template is not a JSON object', source: 'bicep-reader' });
    return result;
  }
  walk(template, '', schemaScope(template.$schema), file, result);
  return result;
}

function walk(template: Record<string, unknown>, prefix: string, scope: DeployScope, file: string, result: WalkResult): void {
  const resources = template.resources;
  const at = childPath(prefix, 'resources');
  const problem = (path: string, message: string) =>
    result.findings.push({ file, resource: prefix === '' ? 'template' : prefix, path, message, source: 'bicep-reader' });
  // languageVersion 2.0 names resources by symbol: `resources: { name: {...} }`.
  const entries: Array<[string, unknown]> = Array.isArray(resources)
    ? resources.map((r, i) => [itemPath(at, i), r])
    : isRecord(resources)
      ? Object.entries(resources).map(([symbol, r]) => [childPath(at, symbol), r])
      : [];
  if (resources !== undefined && !Array.isArray(resources) && !isRecord(resources)) problem('resources', 'resources must be an array (or, in languageVersion 2.0, an object)');
  for (const [path, resource] of entries) {
    if (!isRecord(resource)) {
      problem(path, 'a resource must be an object');
      continue;
    }
    const { type, apiVersion, name } = resource;
    const label = `${path} ${typeof type === 'string' ? type : '(no type)'} ${typeof name === 'string' ? quote(name) : '(no name)'}`;
    if (typeof type !== 'string' || typeof apiVersion !== 'string' || isExpression(type) || isExpression(apiVersion)) {
      result.findings.push({ file, resource: label, path: '', message: 'type and apiVersion must be literal strings: they pick the schema', source: 'bicep-reader' });
      continue;
    }
    if (resource.resources !== undefined) {
      // Child resources nested in their parent take a short type and name; write them at the top level.
      result.findings.push({ file, resource: label, path: 'resources', message: 'nested child resources are not read here: declare each at the top level with its full type and name', source: 'bicep-reader' });
    }
    const { resources: _nested, ...own } = resource;
    result.resources.push({ file, label, resource: own, type, apiVersion, scope, dialect: 'arm' });
    const props = resource.properties;
    if (type.toLowerCase() === 'microsoft.resources/deployments' && isRecord(props) && isRecord(props.template)) {
      walk(props.template, childPath(childPath(path, 'properties'), 'template'), innerScope(scope, resource), file, result);
    }
  }
}
