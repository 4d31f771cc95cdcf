/**
 * `failover infra generate`: what the sample catalog implies passes Microsoft's resource schemas
 * and type definitions (test/infra/schema-check) and this app's own rules (lib/infra/lint.ts);
 * each rule catches what it is for, naming the resource and the property; the committed
 * infra/generated/catalog.json is what the sample catalog implies; and the orchestrator-region
 * check refuses a layout the app would not survive.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { parseCatalog } from '../../lib/catalog/index.js';
import { generateInfra } from '../../lib/infra/generate.js';
import { lintTemplate } from '../../lib/infra/lint.js';
import type { JsonObject } from '../../lib/infra/template.js';
import { walkResources } from '../../lib/infra/walk.js';
import { validateTemplate, formatFinding } from './schema-check/index.js';

const SAMPLE = readFileSync('samples/catalog.yaml', 'utf8');

function sample(): ReturnType<typeof generateInfra> {
  const loaded = parseCatalog(SAMPLE, { source: 'samples/catalog.yaml', now: new Date('2026-12-07T00:00:00Z') });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return generateInfra(loaded.catalog);
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s), read: () => Promise.reject(new Error('no input in this test')), now: () => new Date('2026-12-07T00:00:00Z') } };
}

/** The placed resource of a type and name in a template (mutable: tests edit it). */
function find(template: JsonObject, type: string, name: string): JsonObject {
  const found = walkResources(template).find((p) => String(p.resource['type']) === type && String(p.resource['name']) === name);
  if (found === undefined) throw new Error(`no ${type} ${name}`);
  return found.resource;
}

describe('the sample catalog generates a template Microsoft\'s schemas and our rules accept', () => {
  const generated = sample();

  it('has no schema, type or rule findings', () => {
    expect(generated.problems).toEqual([]);
    expect(generated.findings).toEqual([]);
    expect(validateTemplate(generated.template, 'catalog.json').map(formatFinding)).toEqual([]);
  });

  it('writes what the catalog implies: 5 rules, 11 grants, 2 custom roles, 3 manual steps', () => {
    expect(generated.rules.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'serviceHealth failover-servicehealth-media-streaming',
      'serviceHealth failover-servicehealth-datashare-sales',
      'serviceHealth failover-servicehealth-purview-governance',
      'serviceHealth failover-servicehealth-genomics-pipeline',
      'resourceHealth failover-resourcehealth',
    ]);
    expect(generated.grants).toHaveLength(11);
    expect(generated.customRoles.map((r) => r.roleName)).toEqual(['Failover orchestrator - Media Services playbook', 'Failover orchestrator - Data Share playbook']);
    expect(generated.manualSteps.map((s) => s.why.split(':')[0])).toEqual([
      "Microsoft Graph ServiceHealth.Read.All for the app's identity",
      'Purview collection role Data Reader on the root collection of contosopurvieweus (purview-governance)',
      'Purview collection role Data Reader on the root collection of contosopurviewwus (purview-governance)',
    ]);
    const media = find(generated.template, 'Microsoft.Insights/activityLogAlerts', 'failover-servicehealth-media-streaming');
    expect(media['location']).toBe('global');
    expect((media['properties'] as JsonObject)['condition']).toEqual({
      allOf: [
        { field: 'category', equals: 'ServiceHealth' },
        { field: 'properties.incidentType', equals: 'Incident' },
        { field: 'properties.impactedServices[*].ServiceName', containsAny: ['Media Services', 'Azure Media Services', 'Microsoft Media Services', 'MediaServices', 'AzureMediaServices', 'MicrosoftMediaServices'] },
        { field: 'properties.impactedServices[*].ImpactedRegions[*].RegionName', containsAny: ['West Europe', 'North Europe', 'Global', 'Non-Regional', 'Worldwide'] },
      ],
    });
    const health = find(generated.template, 'Microsoft.Insights/activityLogAlerts', 'failover-resourcehealth');
    expect(((health['properties'] as JsonObject)['condition'] as JsonObject)['allOf']).toEqual([
      { field: 'category', equals: 'ResourceHealth' },
      { field: 'properties.cause', equals: 'PlatformInitiated' },
      { anyOf: ['Unavailable', 'Degraded', 'Available'].map((equals) => ({ field: 'properties.currentHealthStatus', equals })) },
    ]);
  });

  it('the committed infra/generated/catalog.json is what samples/catalog.yaml implies', async () => {
    const t = io();
    expect(await runCli(['infra', 'generate', 'samples/catalog.yaml', '--check'], t.io)).toBe(0);
    expect(t.out).toEqual(['infra/generated/catalog.json is what samples/catalog.yaml implies']);
  });
});

describe('each check names the resource and the property', () => {
  it('a misspelled property is caught by the type definitions', () => {
    const { template } = sample();
    const rule = find(template, 'Microsoft.Insights/activityLogAlerts', 'failover-resourcehealth');
    const props = rule['properties'] as JsonObject;
    props['conditon'] = props['condition']!;
    delete props['condition'];
    const messages = validateTemplate(template, 'catalog.json').map(formatFinding);
    expect(messages.some((m) => m.includes("Microsoft.Insights/activityLogAlerts 'failover-resourcehealth'") && m.includes('properties.conditon'))).toBe(true);
    expect(messages.some((m) => m.includes("'failover-resourcehealth'") && m.includes('properties.condition') && !m.includes('conditon'))).toBe(true);
  });

  it('a wrong location is caught by our rules', () => {
    const { template } = sample();
    find(template, 'Microsoft.Insights/activityLogAlerts', 'failover-servicehealth-datashare-sales')['location'] = 'eastus2';
    expect(lintTemplate(template)).toEqual([
      {
        resource: "resources[3].properties.template.resources[1].properties.template.resources[1] Microsoft.Insights/activityLogAlerts 'failover-servicehealth-datashare-sales'",
        property: 'location',
        message: `location "eastus2": activity log alert rules are global resources; write location 'global'`,
      },
    ]);
  });

  it('a 101st rule in one subscription is counted, with how to merge', () => {
    const workloads = Array.from({ length: 100 }, (_, i) => `
  - id: media-${i}
    services: [Media Services]
    primary: { region: westeurope, resources: { account: /subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Media/mediaservices/weu${i} } }
    secondary: { region: northeurope, resources: { account: /subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg/providers/Microsoft.Media/mediaservices/neu${i} } }
    playbook: { kind: mediaServices, streamingEndpoints: [{ name: default }], liveEvents: [], transforms: [], activeAccountKey: media${i} }
    policy: { trigger: auto }`).join('');
    const loaded = parseCatalog(`version: 1\nworkloads:${workloads}\n`, { now: new Date('2026-12-07T00:00:00Z') });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const generated = generateInfra(loaded.catalog);
    expect(generated.rules).toHaveLength(101);
    expect(generated.findings).toEqual([
      {
        resource: 'subscription 22222222-2222-2222-2222-222222222222',
        property: 'Microsoft.Insights/activityLogAlerts',
        message:
          '101 activity log alert rules in one subscription; Azure allows 100. Merge workloads that share services and regions into one workload (one Service Health rule each), or move some into another subscription',
      },
    ]);
  });

  it('an Administrative rule with only a category is refused', () => {
    const { template } = sample();
    const rule = find(template, 'Microsoft.Insights/activityLogAlerts', 'failover-resourcehealth');
    (rule['properties'] as JsonObject)['condition'] = { allOf: [{ field: 'category', equals: 'Administrative' }] };
    expect(lintTemplate(template).map((f) => `${f.property}: ${f.message}`)).toEqual([
      'properties.condition.allOf: an Administrative rule with only a category forwards every write in its scope; add the operationName (and status) it is for',
    ]);
  });

  it('a rule on previousHealthStatus is refused', () => {
    const { template } = sample();
    const rule = find(template, 'Microsoft.Insights/activityLogAlerts', 'failover-resourcehealth');
    ((rule['properties'] as JsonObject)['condition'] as { allOf: JsonObject[] }).allOf.push({ field: 'properties.previousHealthStatus', equals: 'Available' });
    expect(lintTemplate(template).map((f) => f.message)).toEqual([
      'filters on properties.previousHealthStatus: a real outage arrives as Unknown → Unavailable and such a rule misses it; filter on properties.currentHealthStatus only',
    ]);
  });
});

describe('the orchestrator survives the region it fails over', () => {
  it('catalog check and infra generate refuse an app in a protected primary region, naming the workload', async () => {
    const loaded = parseCatalog(SAMPLE, { appRegion: 'West Europe', now: new Date('2026-12-07T00:00:00Z') });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.problems.filter((p) => p.severity === 'error').map((p) => `${p.path}: ${p.message}`)).toEqual([
      "workloads[0].primary.region: media-streaming runs in westeurope, where the orchestrator runs (the app region given): an outage there takes down the app that must fail it over. Deploy the app in a region outside every primary it protects (for example the workload's secondary, northeurope), or one deployment per region pair",
    ]);
    const t = io();
    expect(await runCli(['infra', 'generate', 'samples/catalog.yaml', '--app-region', 'westeurope', '--out', '/nonexistent'], t.io)).toBe(1);
    expect(t.err.at(-1)).toBe('samples/catalog.yaml: invalid; fix the errors above first (failover catalog check samples/catalog.yaml)');
  });

  it('the catalog\'s own orchestrator.region is checked too, and Dynamics 365 geographies are exempt', () => {
    const moved = SAMPLE.replace('region: swedencentral', 'region: eastus2');
    const loaded = parseCatalog(moved, { now: new Date('2026-12-07T00:00:00Z') });
    expect(loaded.ok ? [] : loaded.problems.filter((p) => p.severity === 'error').map((p) => p.path)).toEqual(['workloads[1].primary.region']);
    const europe = parseCatalog(SAMPLE, { appRegion: 'europe', now: new Date('2026-12-07T00:00:00Z') });
    expect(europe.ok).toBe(true);
  });
});
