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
