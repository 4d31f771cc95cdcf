/**
 * Azure service names as Service Health writes them drift over time ("Azure Purview" became
 * "Microsoft Purview"; "Data Share" vs "Azure Data Share"). Two names denote the same service
 * when their keys are equal: case, spacing, punctuation and a leading vendor word are ignored.
 */
export function serviceKey(name: string): string {
  const squeezed = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const withoutVendor = squeezed.replace(/^(azure|microsoft)(?=.)/, '');
  return ALIASES[withoutVendor] ?? withoutVendor;
}

/** Names Microsoft 365 service health gives services the catalog knows by another name. */
const ALIASES: Record<string, string> = {
  // Graph's service announcements call Dynamics 365 "Dynamics 365 Apps".
  dynamics365apps: 'dynamics365',
};

export function sameService(a: string, b: string): boolean {
  return serviceKey(a) === serviceKey(b);
}
