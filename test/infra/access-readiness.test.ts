/**
 * The generated infrastructure, deployed into the simulator resource by resource through ARM,
 * grants every step of every playbook what it needs; readiness then names a removed permission by
 * action and step, and a disabled alert rule; and `infra plan` reads the same deployment as
 * unchanged, then names the disabled rule's difference.
 *
 * The harness signs in as client 'tests': the grants are made to that service principal.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog } from '../../lib/catalog/index.js';
import { desiredResources } from '../../lib/infra/expressions.js';
import { generateInfra } from '../../lib/infra/generate.js';
import { planTemplate, type PlanParameters } from '../../lib/infra/plan.js';
import type { IncidentNotification } from '../../lib/notify/events.js';
import { accessProblems, accessReadiness, type AlertingPlace } from '../../lib/operators/access-readiness.js';
import { checkReadiness } from '../../lib/operators/readiness.js';
import { servicePrincipalIdFor } from '../../sim/providers/identity.js';
import { startSimulator, SUB, type SimHarness } from '../sim/support.js';

const ME = servicePrincipalIdFor('simulated-tenant', 'tests');
const PLACE: AlertingPlace = { appSubscriptionId: SUB, appResourceGroup: 'rg-failover', alertRulesResourceGroup: 'rg-failover-alerts' };
const PARAMETERS: PlanParameters = { principalId: ME, webhookUri: 'https://failover.contoso.example/api/alerts?code=k', appResourceGroup: 'rg-failover', appSubscriptionId: SUB, alertsResourceGroup: 'rg-failover-alerts', location: 'swedencentral' };
const TM_PROFILE = `/subscriptions/${SUB}/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream`;

let h: SimHarness;
let catalog: Catalog;

beforeAll(async () => {
  h = await startSimulator();
  const loaded = parseCatalog(readFileSync('samples/catalog.yaml', 'utf8'), { now: new Date('2026-12-07T00:00:00Z') });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  catalog = loaded.catalog;
  // Deploy what the template implies, leaf by leaf, as the deployment engine would send it
  // (the simulator keeps no resource-group records, so the alert rules' group is not created).
  const arm = h.clients.armResources();
  for (const r of desiredResources(generateInfra(catalog).template, { ...PARAMETERS }, SUB)) {
    if (r.type === 'Microsoft.Resources/resourceGroups') continue;
    const { type: _type, apiVersion: _apiVersion, name: _name, scope: _scope, ...body } = r.body;
    await arm.put(r.id, r.apiVersion, body);
  }
}, 60_000);
afterAll(() => h.close());

function media() {
  return catalog.workloads.find((w) => w.id === 'media-streaming')!;
}

describe('readiness of the app\'s access, against the simulator', () => {
  it('the generated grants cover every step of every playbook, and the generated alerting is in place', async () => {
    for (const workload of catalog.workloads) {
      const access = await accessReadiness(catalog, workload, h.clients, PLACE);
      expect({ workload: workload.id, problems: accessProblems(access) }).toEqual({ workload: workload.id, problems: [] });
    }
  });

  it('infra plan reads the deployment as unchanged (bar the resource group the simulator does not keep)', async () => {
    const entries = await planTemplate(h.clients, generateInfra(catalog).template, PARAMETERS);
    expect(entries.filter((e) => e.change !== 'noChange').map((e) => `${e.change} ${e.type}`)).toEqual(['create Microsoft.Resources/resourceGroups']);
    expect(entries).toHaveLength(20);
  });

  it('names a removed permission by action and step, and a disabled alert rule', async () => {
    const auth = h.clients.authorization(SUB);
    for await (const a of auth.roleAssignments.listForScope(TM_PROFILE, { filter: `principalId eq '${ME}'` })) {
      if ((a.scope ?? '').toLowerCase() === TM_PROFILE.toLowerCase()) await auth.roleAssignments.delete(TM_PROFILE, a.name!);
    }
    const ruleId = `/subscriptions/${SUB}/resourceGroups/rg-failover-alerts/providers/Microsoft.Insights/activityLogAlerts/failover-servicehealth-media-streaming`;
    const rule = (await h.clients.armResources().get(ruleId, '2020-10-01'))!;
    await h.clients.armResources().put(ruleId, '2020-10-01', { location: rule['location'], tags: rule['tags'], properties: { ...(rule['properties'] as object), enabled: false } });

    const access = await accessReadiness(catalog, media(), h.clients, PLACE);
    expect(access.complete).toBe(false);
    expect(access.missingPermissions).toEqual([
      {
        step: 'switch-traffic',
        resource: 'contoso-stream (playbook.trafficManager.profile)',
        resourceId: TM_PROFILE,
        actions: ['Microsoft.Network/trafficManagerProfiles/read', 'Microsoft.Network/trafficManagerProfiles/externalEndpoints/read', 'Microsoft.Network/trafficManagerProfiles/externalEndpoints/write'],
        dataActions: [],
      },
    ]);
    expect(accessProblems(access)).toEqual([
      'step switch-traffic on contoso-stream (playbook.trafficManager.profile) lacks Microsoft.Network/trafficManagerProfiles/read, Microsoft.Network/trafficManagerProfiles/externalEndpoints/read, Microsoft.Network/trafficManagerProfiles/externalEndpoints/write',
      `activity log alert rule failover-servicehealth-media-streaming in subscription ${SUB} is disabled: alerts for media-streaming never reach the app; enable it`,
    ]);
    expect(access.summary).toBe('3 permission(s) missing for switch-traffic; 1 alerting problem(s)');

    // The daily check treats it as drift: the workload's channels are told, each gap a line.
    const sent: IncidentNotification[] = [];
    const checks = await checkReadiness(catalog, h.clients, async (_targets, n) => (sent.push(n), { delivered: 1, failed: 0 }), { baseUrl: null }, () => new Date('2026-12-07T06:00:00Z'), PLACE);
    expect(checks.find((c) => c.workloadId === 'media-streaming')?.outcome).toBe('drift');
    expect(sent.map((n) => [n.workloads, (n as { missing?: string[] }).missing])).toEqual([[['media-streaming'], accessProblems(access)]]);

    const entries = await planTemplate(h.clients, generateInfra(catalog).template, PARAMETERS);
    expect(entries.filter((e) => e.change === 'modify').map((e) => [e.id, e.differences])).toEqual([[ruleId, ['properties.enabled: false → true']]]);
    expect(entries.filter((e) => e.change === 'create').map((e) => e.type)).toEqual(['Microsoft.Resources/resourceGroups', 'Microsoft.Authorization/roleAssignments']);
  });
});
