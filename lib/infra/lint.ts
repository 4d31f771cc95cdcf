/**
 * This app's own rules for the alerting it deploys, beyond what Microsoft's schemas can say;
 * run over a template (generated or edited by hand) before it is written and in the test suite:
 * - an activity log alert rule's location is `global`, an action group's `Global`
 *   (https://learn.microsoft.com/azure/azure-monitor/alerts/activity-log-alerts: the rules are
 *   global resources);
 * - at most 100 activity log alert rules per subscription, Azure's limit
 *   (https://learn.microsoft.com/azure/azure-monitor/service-limits#alerts), counted here so the
 *   deployment does not fail half-way;
 * - an Administrative rule says more than its category (alone it would forward every write in
 *   the subscription, and the app would archive each);
 * - no condition on `properties.previousHealthStatus`: a real outage arrives as Unknown →
 *   Unavailable, so a rule on the previous status misses it.
 */
import type { JsonObject } from './template.js';
import { isObject, walkResources } from './walk.js';

export const MAX_RULES_PER_SUBSCRIPTION = 100;

export interface LintFinding {
  /** `resources[2].properties.template.resources[1] Microsoft.Insights/activityLogAlerts 'x'`. */
  resource: string;
  /** The property at fault, relative to the resource (`location`, `properties.condition.allOf`). */
  property: string;
  message: string;
}

function leaves(condition: unknown): JsonObject[] {
  if (!isObject(condition as JsonObject)) return [];
  const c = condition as JsonObject;
  const all = Array.isArray(c['allOf']) ? c['allOf'] : Array.isArray(c['anyOf']) ? c['anyOf'] : null;
  if (all !== null) return all.flatMap((x) => leaves(x));
  return [c];
}

export function lintTemplate(template: JsonObject, deploymentSubscription = 'the deployment subscription'): LintFinding[] {
  const findings: LintFinding[] = [];
  const rulesBySubscription = new Map<string, string[]>();
  for (const placed of walkResources(template)) {
    const { resource } = placed;
    const where = `${placed.path} ${placed.label}`;
    const type = String(resource['type']).toLowerCase();
    const location = resource['location'];
    if (type === 'microsoft.insights/actiongroups' && location !== 'Global') {
      findings.push({ resource: where, property: 'location', message: `location ${JSON.stringify(location)}: an action group is a global resource; write location 'Global'` });
    }
    if (type !== 'microsoft.insights/activitylogalerts') continue;
    if (typeof location !== 'string' || location.toLowerCase() !== 'global') {
      findings.push({ resource: where, property: 'location', message: `location ${JSON.stringify(location)}: activity log alert rules are global resources; write location 'global'` });
    }
    const sub = placed.subscriptionId ?? deploymentSubscription;
    rulesBySubscription.set(sub, [...(rulesBySubscription.get(sub) ?? []), String(resource['name'])]);
    const properties = isObject(resource['properties']) ? resource['properties'] : {};
    const condition = properties['condition'];
    const all = leaves(condition);
    all.forEach((leaf) => {
      if (String(leaf['field']).toLowerCase() === 'properties.previoushealthstatus') {
        findings.push({ resource: where, property: 'properties.condition', message: 'filters on properties.previousHealthStatus: a real outage arrives as Unknown → Unavailable and such a rule misses it; filter on properties.currentHealthStatus only' });
      }
    });
    const categories = all.filter((leaf) => String(leaf['field']).toLowerCase() === 'category');
    const administrative = categories.some((leaf) => String(leaf['equals']).toLowerCase() === 'administrative');
    if (administrative && all.length === categories.length) {
      findings.push({ resource: where, property: 'properties.condition.allOf', message: "an Administrative rule with only a category forwards every write in its scope; add the operationName (and status) it is for" });
    }
  }
  for (const [sub, names] of rulesBySubscription) {
    if (names.length > MAX_RULES_PER_SUBSCRIPTION) {
      findings.push({
        resource: `subscription ${sub}`,
        property: 'Microsoft.Insights/activityLogAlerts',
        message: `${names.length} activity log alert rules in one subscription; Azure allows ${MAX_RULES_PER_SUBSCRIPTION}. Merge workloads that share services and regions into one workload (one Service Health rule each), or move some into another subscription`,
      });
    }
  }
  return findings;
}
