/**
 * Service Health incidents the simulator raises when a region goes down (and resolves when it
 * comes back). The activity log and the Resource Health events API render them in their own
 * shapes, so an outage looks the same whichever API the orchestrator reads.
 */

export interface Incident {
  trackingId: string;
  title: string;
  /** Service Health service names ("Media Services"). */
  services: string[];
  /** Canonical region. */
  region: string;
  stage: 'Active' | 'Resolved';
  impactStart: number;
  impactMitigation?: number;
  lastUpdate: number;
  /** One per update, as Service Health's communicationId. */
  communicationId: string;
  subscriptions: string[];
}

/** Resource provider namespace → the service name Service Health uses. */
export const SERVICE_NAMES: Record<string, string> = {
  'microsoft.media': 'Media Services',
  'microsoft.datashare': 'Azure Data Share',
  'microsoft.purview': 'Microsoft Purview',
  'microsoft.genomics': 'Microsoft Genomics',
  'microsoft.network': 'Traffic Manager',
  'microsoft.appconfiguration': 'App Configuration',
  'microsoft.storage': 'Storage',
};

const DISPLAY: Record<string, string> = {
  westeurope: 'West Europe',
  northeurope: 'North Europe',
  eastus: 'East US',
  eastus2: 'East US 2',
  centralus: 'Central US',
  westus: 'West US',
  westus2: 'West US 2',
  westcentralus: 'West Central US',
  global: 'Global',
  europe: 'Europe',
};

/** "westeurope" → "West Europe" (known regions), else the name as given. */
export function regionDisplayName(region: string): string {
  return DISPLAY[region.toLowerCase()] ?? region;
}

export class Incidents {
  private readonly incidents: Incident[] = [];
  private seq = 0;

  open(region: string, services: string[], subscriptions: string[], at: number): Incident {
    const trackingId = `SIM${(++this.seq).toString().padStart(2, '0')}-${region.slice(0, 3).toUpperCase()}`;
    const incident: Incident = {
      trackingId,
      title: `${services.join(', ')} - ${regionDisplayName(region)} - Investigating`,
      services,
      region,
      stage: 'Active',
      impactStart: at,
      lastUpdate: at,
      communicationId: `${at}`,
      subscriptions,
    };
    this.incidents.push(incident);
    return incident;
  }

  resolve(region: string, at: number): Incident[] {
    const resolved = this.incidents.filter((i) => i.region === region && i.stage === 'Active');
    for (const i of resolved) {
      i.stage = 'Resolved';
      i.impactMitigation = at;
      i.lastUpdate = at;
      i.communicationId = `${at}`;
      i.title = i.title.replace(/ - Investigating$/, ' - Mitigated');
    }
    return resolved;
  }

  list(): Incident[] {
    return [...this.incidents];
  }

  clear(): void {
    this.incidents.length = 0;
  }
}
