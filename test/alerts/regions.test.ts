import { describe, expect, it } from 'vitest';
import { canonicalRegion, isKnownRegion, sameService, serviceKey } from '../../lib/alerts/index.js';

describe('regions', () => {
  it.each([
    ['North Europe', 'northeurope'],
    ['West Europe', 'westeurope'],
    ['East US 2', 'eastus2'],
    ['East US 2 EUAP', 'eastus2euap'],
    ['West Central US', 'westcentralus'],
    ['Australia Central 2', 'australiacentral2'],
    ['Germany Central (Sovereign)', 'germanycentral'],
    ['US Gov Virginia', 'usgovvirginia'],
    ['Global', 'global'],
    ['Non-Regional', 'global'],
    ['northeurope', 'northeurope'],
    ['Europe', 'europe'],
  ])('%s → %s', (display, canonical) => {
    expect(canonicalRegion(display)).toBe(canonical);
    expect(isKnownRegion(canonical)).toBe(true);
  });

  it('keeps a region it has never heard of, canonicalized, but does not call it known', () => {
    expect(canonicalRegion('Atlantis Deep 3')).toBe('atlantisdeep3');
    expect(isKnownRegion('atlantisdeep3')).toBe(false);
    expect(isKnownRegion('westeurpe')).toBe(false);
  });
});

describe('service names', () => {
  it('treats renames and spelling variants as one service', () => {
    expect(sameService('Azure Purview', 'Microsoft Purview')).toBe(true);
    expect(sameService('Data Share', 'Azure Data Share')).toBe(true);
    expect(sameService('Media Services', 'Azure Media Services')).toBe(true);
    expect(sameService('Azure Media Services', 'media services')).toBe(true);
    expect(serviceKey('Alerts & Metrics')).toBe('alertsmetrics');
  });

  it('keeps different services apart', () => {
    expect(sameService('Media Services', 'Data Share')).toBe(false);
    expect(sameService('Azure', 'Microsoft')).toBe(false);
    expect(sameService('Virtual Machines', 'Virtual Machine Scale Sets')).toBe(false);
  });
});
