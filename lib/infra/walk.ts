/**
 * Every resource of an ARM JSON template, including those of inline nested deployments, with
 * where it sits: a label naming it for messages, and the subscription and resource group the
 * deployment engine would put it in (null: the deployment's own).
 */
import type { Json, JsonObject } from './template.js';

export interface PlacedResource {
  resource: JsonObject;
  /** `resources[3].properties.template.resources[0]`: the JSON path from the template's root. */
  path: string;
  /** `Microsoft.Insights/activityLogAlerts 'failover-resourcehealth'`. */
  label: string;
  subscriptionId: string | null;
  resourceGroup: string | null;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function walkResources(template: JsonObject, at = '', place: { subscriptionId: string | null; resourceGroup: string | null } = { subscriptionId: null, resourceGroup: null }): PlacedResource[] {
  const resources = template['resources'];
  if (!Array.isArray(resources)) return [];
  const out: PlacedResource[] = [];
  resources.forEach((resource, i) => {
    if (!isObject(resource)) return;
    const path = `${at}resources[${i}]`;
    const label = `${String(resource['type'])} '${String(resource['name'])}'`;
    out.push({ resource, path, label, ...place });
    const properties = resource['properties'];
    if (String(resource['type']).toLowerCase() === 'microsoft.resources/deployments' && isObject(properties) && isObject(properties['template'])) {
      const sub = typeof resource['subscriptionId'] === 'string' ? resource['subscriptionId'] : place.subscriptionId;
      // A nested deployment into another subscription starts at that subscription's scope.
      const group = typeof resource['resourceGroup'] === 'string' ? resource['resourceGroup'] : sub !== place.subscriptionId ? null : place.resourceGroup;
      out.push(...walkResources(properties['template'], `${path}.properties.template.`, { subscriptionId: sub, resourceGroup: group }));
    }
  });
  return out;
}
