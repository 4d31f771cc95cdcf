/** matchSignal against the sample catalog: which workloads an alert touches, on which side, and why. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManualSignal, parseAlert } from '../../lib/alerts/index.js';
import { matchSignal, type WorkloadMatch } from '../../lib/catalog/index.js';
import { repoRoot } from '../support/fixtures.js';
import { arm, load, resourceHealth, SAMPLE, serviceHealth, signal } from './support.js';

const catalog = load(SAMPLE);
const MEDIA_WEU = arm('rg-media-weu', 'Microsoft.Media/mediaservices', 'contosomediaweu');
const MEDIA_NEU = arm('rg-media-neu', 'Microsoft.Media/mediaservices', 'contosomedianeu');

function summary(matches: WorkloadMatch[]): [string, string][] {
  return matches.map((m) => [m.workload.id, m.side]);
}

describe('service health', () => {
  it('matches the primary region', () => {
    const matches = matchSignal(catalog, serviceHealth('Media Services', 'westeurope'));
    expect(matches).toHaveLength(1);
    expect(matches[0]!.workload).toBe(catalog.workloads[0]);
    expect(matches[0]!.side).toBe('primary');
    expect(matches[0]!.reasons).toEqual([{ by: 'serviceRegion', service: 'Media Services', region: 'westeurope', side: 'primary' }]);
  });

  it('matches the secondary region as side secondary', () => {
    expect(matchSignal(catalog, serviceHealth('Media Services', 'northeurope'))).toEqual([
      {
        workload: catalog.workloads[0],
        side: 'secondary',
        reasons: [{ by: 'serviceRegion', service: 'Media Services', region: 'northeurope', side: 'secondary' }],
      },
    ]);
  });

  it('matches both sides when both regions are impacted', () => {
    const matches = matchSignal(catalog, serviceHealth('Media Services', 'westeurope', 'northeurope'));
    expect(summary(matches)).toEqual([['media-streaming', 'both']]);
    expect(matches[0]!.reasons.map((r) => r.by === 'serviceRegion' && r.side)).toEqual(['primary', 'secondary']);
  });

  it('matches a global impact on both sides', () => {
    const matches = matchSignal(catalog, serviceHealth('Media Services', 'global'));
    expect(matches).toEqual([
      { workload: catalog.workloads[0], side: 'both', reasons: [{ by: 'serviceRegion', service: 'Media Services', region: 'global', side: 'both' }] },
    ]);
    // Dynamics 365 runs in a geography; a global Dynamics incident still reaches it.
    expect(summary(matchSignal(catalog, serviceHealth('Dynamics 365', 'global')))).toEqual([['dynamics-crm', 'both']]);
    expect(summary(matchSignal(catalog, serviceHealth('Dynamics 365', 'europe')))).toEqual([['dynamics-crm', 'primary']]);
  });

  it('matches the service under another spelling of its name', () => {
    const matches = matchSignal(catalog, serviceHealth('Azure Media Services', 'westeurope'));
    expect(summary(matches)).toEqual([['media-streaming', 'primary']]);
    expect(matches[0]!.reasons[0]).toMatchObject({ service: 'Azure Media Services' });
    expect(summary(matchSignal(catalog, serviceHealth('DATA SHARE', 'centralus')))).toEqual([['datashare-sales', 'secondary']]);
    expect(summary(matchSignal(catalog, serviceHealth('Azure Purview', 'eastus')))).toEqual([['purview-governance', 'primary']]);
  });

  it('does not match another region or another service', () => {
    expect(matchSignal(catalog, serviceHealth('Media Services', 'eastus'))).toEqual([]);
    expect(matchSignal(catalog, serviceHealth('Virtual Machines', 'westeurope'))).toEqual([]);
    expect(matchSignal(catalog, serviceHealth('Media Services'))).toEqual([]);
    // The region of one service does not lend itself to another in the same signal.
    const crossed = signal({
      services: [
        { name: 'Media Services', regions: ['eastus'] },
        { name: 'Microsoft Purview', regions: ['westeurope'] },
      ],
    });
    expect(matchSignal(catalog, crossed)).toEqual([]);
  });

  it('returns several workloads in catalog order, once each', () => {
    const matches = matchSignal(
      catalog,
      signal({
        services: [
          { name: 'Microsoft Genomics', regions: ['westus2'] },
          { name: 'Media Services', regions: ['westeurope'] },
          { name: 'Azure Media Services', regions: ['westeurope'] },
          { name: 'Media Services', regions: ['westeurope'] },
        ],
      }),
    );
    expect(summary(matches)).toEqual([
      ['media-streaming', 'primary'],
      ['genomics-pipeline', 'primary'],
    ]);
    expect(matches[0]!.reasons).toEqual([
      { by: 'serviceRegion', service: 'Media Services', region: 'westeurope', side: 'primary' },
      { by: 'serviceRegion', service: 'Azure Media Services', region: 'westeurope', side: 'primary' },
    ]);
  });

  it('does not match service health signals by resource id', () => {
    expect(matchSignal(catalog, signal({ kind: 'serviceHealth', resourceIds: [MEDIA_WEU] }))).toEqual([]);
  });
});

describe('resource health and administrative', () => {
  it('matches the exact resource id', () => {
    expect(matchSignal(catalog, resourceHealth(MEDIA_WEU))).toEqual([
      {
        workload: catalog.workloads[0],
        side: 'primary',
        reasons: [{ by: 'resource', resourceId: MEDIA_WEU, role: 'account', catalogResourceId: MEDIA_WEU, side: 'primary' }],
      },
    ]);
  });

  it('matches an id in different casing, reporting both spellings', () => {
    const lower = MEDIA_WEU.toLowerCase();
    const [match] = matchSignal(catalog, resourceHealth(lower));
    expect(match!.reasons).toEqual([{ by: 'resource', resourceId: lower, role: 'account', catalogResourceId: MEDIA_WEU, side: 'primary' }]);
  });

  it('matches a child resource to its account', () => {
    const endpoint = `${MEDIA_WEU}/streamingEndpoints/default`;
    expect(matchSignal(catalog, resourceHealth(endpoint))).toEqual([
      {
        workload: catalog.workloads[0],
        side: 'primary',
        reasons: [{ by: 'resource', resourceId: endpoint, role: 'account', catalogResourceId: MEDIA_WEU, side: 'primary' }],
      },
    ]);
  });

  it('does not match a resource whose name merely starts the same', () => {
    expect(matchSignal(catalog, resourceHealth(`${MEDIA_WEU}2`))).toEqual([]);
    expect(matchSignal(catalog, resourceHealth(arm('rg-media-weu', 'Microsoft.Media/mediaservices', 'other')))).toEqual([]);
    // A parent (the resource group) is not the resource.
    expect(matchSignal(catalog, resourceHealth(`/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu`))).toEqual([]);
  });

  it('matches a secondary resource as side secondary', () => {
    const provider = arm('rg-datashare-cus', 'Microsoft.DataShare/accounts', 'contosodsprovidercus');
    expect(matchSignal(catalog, resourceHealth(provider))).toEqual([
      {
        workload: catalog.workloads[1],
        side: 'secondary',
        reasons: [{ by: 'resource', resourceId: provider, role: 'providerAccount', catalogResourceId: provider, side: 'secondary' }],
      },
    ]);
  });

  it('matches both sides and several workloads from one signal, without duplicates', () => {
    const purview = arm('rg-purview-eus', 'Microsoft.Purview/accounts', 'contosopurvieweus');
    const matches = matchSignal(catalog, resourceHealth(purview, MEDIA_NEU, MEDIA_WEU, MEDIA_WEU.toUpperCase().replace('/SUBSCRIPTIONS', '/subscriptions')));
    expect(summary(matches)).toEqual([
      ['media-streaming', 'both'],
      ['purview-governance', 'primary'],
    ]);
    expect(matches[0]!.reasons.map((r) => r.by === 'resource' && r.side)).toEqual(['secondary', 'primary']);
  });

  it('matches administrative events the same way, and ignores their services', () => {
    const admin = signal({ kind: 'administrative', resourceIds: [`${MEDIA_NEU}/liveEvents/live-main`], services: [{ name: 'Microsoft Purview', regions: ['eastus'] }] });
    expect(summary(matchSignal(catalog, admin))).toEqual([['media-streaming', 'secondary']]);
  });

  it('matches the resources of a real Resource Health alert', () => {
    const payload = readFileSync(join(repoRoot, 'samples/alerts/resourcehealth-media-account-unavailable.json'), 'utf8');
    const parsed = parseAlert(payload, { receivedAt: new Date('2026-11-23T09:05:00Z') });
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(summary(matchSignal(catalog, parsed.value))).toEqual([['media-streaming', 'primary']]);
  });
});

describe('manual', () => {
  it('matches by workload id', () => {
    const request = signal({ kind: 'manual', schema: 'manual', workloads: ['purview-governance', 'no-such-workload'] });
    expect(matchSignal(catalog, request)).toEqual([
      { workload: catalog.workloads[2], side: 'primary', reasons: [{ by: 'workload', workloadId: 'purview-governance' }] },
    ]);
  });

  it('matches by service and region, and merges with a named workload', () => {
    const request = createManualSignal({
      requestId: 'req-1',
      workloads: ['media-streaming'],
      service: 'Media Services',
      region: 'West Europe',
      reason: 'drill',
      requestedBy: 'oncall@contoso.example',
      at: new Date('2026-11-23T09:00:00Z'),
    });
    expect(matchSignal(catalog, request)).toEqual([
      {
        workload: catalog.workloads[0],
        side: 'primary',
        reasons: [
          { by: 'workload', workloadId: 'media-streaming' },
          { by: 'serviceRegion', service: 'Media Services', region: 'westeurope', side: 'primary' },
        ],
      },
    ]);
  });

  it('does not match manual requests by resource id', () => {
    expect(matchSignal(catalog, signal({ kind: 'manual', schema: 'manual', resourceIds: [MEDIA_WEU] }))).toEqual([]);
  });
});

describe('filtering is the caller’s job', () => {
  it('still matches synthetic test notifications and resolved incidents', () => {
    const synthetic = { ...serviceHealth('Media Services', 'westeurope'), isSynthetic: true };
    expect(summary(matchSignal(catalog, synthetic))).toEqual([['media-streaming', 'primary']]);
    const resolved = { ...serviceHealth('Azure Data Share', 'eastus2'), stage: 'Resolved' as const, lifecycle: 'resolved' as const };
    expect(summary(matchSignal(catalog, resolved))).toEqual([['datashare-sales', 'primary']]);
  });

  it('returns the catalog’s own frozen workload objects', () => {
    const [match] = matchSignal(catalog, serviceHealth('Microsoft Genomics', 'westcentralus'));
    expect(match!.workload).toBe(catalog.workloads[3]);
    expect(Object.isFrozen(match!.workload)).toBe(true);
  });
});
