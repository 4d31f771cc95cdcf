/**
 * Azure region names. Service Health writes display names ("North Europe", "East US 2 EUAP",
 * "Germany Central (Sovereign)"); ARM and the catalog use canonical names (`northeurope`).
 * Canonicalization is a rule, not a lookup, so a region Azure adds tomorrow still comes through;
 * the known list only lets the catalog check catch typos.
 */

/** Names that do not follow the lower-case-and-strip rule, or that are not regions at all. */
const SPECIAL: ReadonlyMap<string, string> = new Map([
  ['global', 'global'],
  ['nonregional', 'global'],
  ['worldwide', 'global'],
]);

/**
 * Canonical names of Azure regions (public cloud, US Government, China) plus the geographies
 * that Microsoft 365 and Dynamics 365 service health use.
 */
export const KNOWN_REGIONS: ReadonlySet<string> = new Set([
  'global',
  // Americas
  'eastus', 'eastus2', 'eastus3', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus',
  'westus', 'westus2', 'westus3', 'canadacentral', 'canadaeast', 'brazilsouth', 'brazilsoutheast',
  'mexicocentral', 'chilecentral', 'eastus2euap', 'centraluseuap',
  // Europe
  'northeurope', 'westeurope', 'uksouth', 'ukwest', 'francecentral', 'francesouth',
  'germanywestcentral', 'germanynorth', 'germanycentral', 'germanynortheast', 'switzerlandnorth',
  'switzerlandwest', 'norwayeast', 'norwaywest', 'swedencentral', 'swedensouth', 'polandcentral',
  'italynorth', 'spaincentral', 'austriaeast', 'belgiumcentral', 'denmarkeast', 'finlandcentral',
  'greececentral',
  // Asia Pacific
  'eastasia', 'southeastasia', 'australiaeast', 'australiasoutheast', 'australiacentral',
  'australiacentral2', 'japaneast', 'japanwest', 'koreacentral', 'koreasouth', 'centralindia',
  'southindia', 'westindia', 'jioindiacentral', 'jioindiawest', 'indonesiacentral',
  'malaysiawest', 'newzealandnorth', 'taiwannorth', 'taiwannorthwest',
  // Middle East and Africa
  'uaenorth', 'uaecentral', 'qatarcentral', 'israelcentral', 'saudiarabiaeast',
  'southafricanorth', 'southafricawest', 'kuwaitsouth',
  // Sovereign clouds
  'usgovvirginia', 'usgovtexas', 'usgovarizona', 'usgoviowa', 'usdodeast', 'usdodcentral',
  'usseceast', 'ussecwest', 'ussecwestcentral', 'usnateast', 'usnatwest',
  'chinaeast', 'chinaeast2', 'chinaeast3', 'chinanorth', 'chinanorth2', 'chinanorth3',
  // Geographies (Microsoft 365 / Dynamics 365 service health)
  'europe', 'unitedstates', 'asia', 'asiapacific', 'australia', 'brazil', 'canada', 'france',
  'germany', 'india', 'japan', 'korea', 'norway', 'southafrica', 'switzerland', 'uae',
  'unitedkingdom', 'southamerica', 'northamerica', 'oceania',
]);

const cache = new Map<string, string>();

/**
 * `"North Europe"` → `northeurope`, `"Germany Central (Sovereign)"` → `germanycentral`,
 * `"Global"` → `global`. Already-canonical names pass through unchanged.
 */
export function canonicalRegion(displayOrName: string): string {
  const hit = cache.get(displayOrName);
  if (hit !== undefined) return hit;
  const squeezed = displayOrName
    .replace(/\([^)]*\)/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const canonical = SPECIAL.get(squeezed) ?? squeezed;
  if (cache.size < 4096) cache.set(displayOrName, canonical);
  return canonical;
}

export function isKnownRegion(canonical: string): boolean {
  return KNOWN_REGIONS.has(canonical);
}

/**
 * The display names Service Health writes for regions (`impactedServices[].ImpactedRegions[].RegionName`),
 * for the regions a catalog may name. Display names do not follow a rule ("West Central US",
 * "UAE North", "East US 2 EUAP"), so they are listed; an activity log alert rule must name them
 * exactly as Service Health does. Source: `az account list-locations --query "[].{name:name, displayName:displayName}"`.
 */
const DISPLAY_NAMES: ReadonlyMap<string, string> = new Map([
  ['eastus', 'East US'], ['eastus2', 'East US 2'], ['eastus3', 'East US 3'], ['centralus', 'Central US'],
  ['northcentralus', 'North Central US'], ['southcentralus', 'South Central US'], ['westcentralus', 'West Central US'],
  ['westus', 'West US'], ['westus2', 'West US 2'], ['westus3', 'West US 3'], ['canadacentral', 'Canada Central'],
  ['canadaeast', 'Canada East'], ['brazilsouth', 'Brazil South'], ['brazilsoutheast', 'Brazil Southeast'],
  ['mexicocentral', 'Mexico Central'], ['chilecentral', 'Chile Central'], ['eastus2euap', 'East US 2 EUAP'],
  ['centraluseuap', 'Central US EUAP'],
  ['northeurope', 'North Europe'], ['westeurope', 'West Europe'], ['uksouth', 'UK South'], ['ukwest', 'UK West'],
  ['francecentral', 'France Central'], ['francesouth', 'France South'], ['germanywestcentral', 'Germany West Central'],
  ['germanynorth', 'Germany North'], ['switzerlandnorth', 'Switzerland North'], ['switzerlandwest', 'Switzerland West'],
  ['norwayeast', 'Norway East'], ['norwaywest', 'Norway West'], ['swedencentral', 'Sweden Central'], ['swedensouth', 'Sweden South'],
  ['polandcentral', 'Poland Central'], ['italynorth', 'Italy North'], ['spaincentral', 'Spain Central'],
  ['austriaeast', 'Austria East'], ['belgiumcentral', 'Belgium Central'], ['denmarkeast', 'Denmark East'],
  ['finlandcentral', 'Finland Central'], ['greececentral', 'Greece Central'],
  ['eastasia', 'East Asia'], ['southeastasia', 'Southeast Asia'], ['australiaeast', 'Australia East'],
  ['australiasoutheast', 'Australia Southeast'], ['australiacentral', 'Australia Central'], ['australiacentral2', 'Australia Central 2'],
  ['japaneast', 'Japan East'], ['japanwest', 'Japan West'], ['koreacentral', 'Korea Central'], ['koreasouth', 'Korea South'],
  ['centralindia', 'Central India'], ['southindia', 'South India'], ['westindia', 'West India'], ['jioindiacentral', 'Jio India Central'],
  ['jioindiawest', 'Jio India West'], ['indonesiacentral', 'Indonesia Central'], ['malaysiawest', 'Malaysia West'],
  ['newzealandnorth', 'New Zealand North'], ['taiwannorth', 'Taiwan North'], ['taiwannorthwest', 'Taiwan Northwest'],
  ['uaenorth', 'UAE North'], ['uaecentral', 'UAE Central'], ['qatarcentral', 'Qatar Central'], ['israelcentral', 'Israel Central'],
  ['saudiarabiaeast', 'Saudi Arabia East'], ['southafricanorth', 'South Africa North'], ['southafricawest', 'South Africa West'],
  ['kuwaitsouth', 'Kuwait South'],
  ['usgovvirginia', 'USGov Virginia'], ['usgovtexas', 'USGov Texas'], ['usgovarizona', 'USGov Arizona'], ['usgoviowa', 'USGov Iowa'],
  ['usdodeast', 'USDoD East'], ['usdodcentral', 'USDoD Central'],
  ['chinaeast', 'China East'], ['chinaeast2', 'China East 2'], ['chinaeast3', 'China East 3'], ['chinanorth', 'China North'],
  ['chinanorth2', 'China North 2'], ['chinanorth3', 'China North 3'],
]);

/** The names Service Health gives an event that is not bound to one region; all three canonicalize to `global`. */
export const GLOBAL_REGION_NAMES: readonly string[] = ['Global', 'Non-Regional', 'Worldwide'];

/** `westeurope` → `West Europe`; null for a region (or geography) with no Azure display name listed. */
export function regionDisplayName(canonical: string): string | null {
  return DISPLAY_NAMES.get(canonical) ?? null;
}
