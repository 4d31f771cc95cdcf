/**
 * Where a simulator path sits in Microsoft's contracts. ARM paths are the specs' paths as they
 * are. Data planes live on hosts of their own in Azure (`x-ms-parameterized-host`), which the
 * simulator mounts under a path prefix; MOUNTS maps each prefix back to the spec folder whose
 * `{endpoint}` it stands for. Routes no published spec covers are UNCOVERED, each family with the
 * reason: they are listed in reports, never counted as violations.
 */

export interface Mount {
  /** Matches the part of the simulator's path that stands for the spec's `{endpoint}`. */
  prefix: RegExp;
  /** Spec folders (under the specs root, `/`-separated) whose operations answer there. */
  specs: string[];
  /** What `{endpoint}` is in Azure. */
  endpoint: string;
  /** The other way: the simulator's path for `{endpoint}` of one account or store (for replaying examples). */
  simPrefix: (name: string) => string;
  /** The ARM type whose resources own this data plane. */
  owner: string;
  /** The token audience the data plane wants (the scope without `/.default`). */
  audience: string;
}

export const MOUNTS: readonly Mount[] = [
  {
    // The account data plane's {endpoint} is https://{account}.purview.azure.com/account (sim/providers/purview.ts).
    prefix: /^\/purview\/[^/]+\/account(?=\/|$)/i,
    specs: ['specification/purview/data-plane/Azure.Analytics.Purview.Account/'],
    endpoint: 'https://{account}.purview.azure.com/account',
    simPrefix: (name) => `/purview/${name}/account`,
    owner: 'Microsoft.Purview/accounts',
    audience: 'https://purview.azure.net',
  },
  {
    // Scanning's spec has `basePath: /scan` under its {Endpoint}, the account host
    // (https://{account}.purview.azure.com): the `/scan` segment is the spec's, not the mount's.
    prefix: /^\/purview\/[^/]+(?=\/scan(\/|$))/i,
    specs: ['specification/purview/data-plane/Azure.Analytics.Purview.Scanning/'],
    endpoint: 'https://{account}.purview.azure.com',
    simPrefix: (name) => `/purview/${name}`,
    owner: 'Microsoft.Purview/accounts',
    audience: 'https://purview.azure.net',
  },
  {
    // The data map's hostTemplate is `{endpoint}/datamap/api` with {endpoint} the account host:
    // the spec's host suffix stays in the path, so only the account part is the mount.
    prefix: /^\/purview\/[^/]+(?=\/datamap\/)/i,
    specs: ['specification/purview/data-plane/Azure.Analytics.Purview.DataMap/'],
    endpoint: 'https://{account}.purview.azure.com',
    simPrefix: (name) => `/purview/${name}`,
    owner: 'Microsoft.Purview/accounts',
    audience: 'https://purview.azure.net',
  },
  {
    prefix: /^\/appConfiguration\/[^/]+/i,
    specs: ['specification/appconfiguration/data-plane/'],
    endpoint: 'https://{store}.azconfig.io',
    simPrefix: (name) => `/appConfiguration/${name}`,
    owner: 'Microsoft.AppConfiguration/configurationStores',
    audience: 'https://azconfig.io',
  },
  {
    // Communication Services' {endpoint} is the resource's own host (https://{resource}.communication.azure.com),
    // whose paths start at the root; the SDK refuses an endpoint with a path, so the simulator answers
    // them at the root of its URL (sim/providers/communication-email.ts): the mount is empty.
    prefix: /^(?=\/emails(?::send|\/operations\/[^/]+)\/?$)/i,
    specs: ['specification/communication/data-plane/Email/'],
    endpoint: 'https://{resource}.communication.azure.com',
    simPrefix: () => '',
    owner: 'Microsoft.Communication/communicationServices',
    audience: 'https://communication.azure.com',
  },
];

export interface UncoveredFamily {
  family: string;
  match: RegExp;
  reason: string;
}

const UNCOVERED: readonly UncoveredFamily[] = [
  { family: 'simulator control', match: /^\/_sim(\/|$)/i, reason: "the simulator's own control API (faults, outages, inspection): not an Azure API" },
  {
    family: 'Entra ID',
    match: /^\/[^/]+\/(oauth2\/|discovery\/|v2\.0\/\.well-known\/|\.well-known\/)/i,
    reason: "Microsoft Entra ID's OAuth 2.0 token and OpenID discovery endpoints: specified by the OAuth and OpenID Connect standards, not in azure-rest-api-specs",
  },
  { family: 'Microsoft Graph', match: /^\/graph\//i, reason: "Microsoft Graph's service announcements: Graph publishes its own OpenAPI (msgraph-metadata), not in azure-rest-api-specs" },
  { family: 'Genomics data plane', match: /^\/genomics\//i, reason: 'Microsoft Genomics workflows API: no spec is published in azure-rest-api-specs (and the service was retired on 2025-01-06)' },
  { family: 'Genomics ARM', match: /\/providers\/Microsoft\.Genomics\//i, reason: 'Microsoft.Genomics accounts: no resource-manager spec is published in azure-rest-api-specs (retired 2025-01-06)' },
  {
    family: 'LRO status monitor',
    match: /\/operationResults\/[^/]+$/i,
    reason: "an Azure-AsyncOperation URL the service hands out: opaque to clients under ARM's asynchronous operations contract, not an operation of the provider's spec",
  },
];

export function uncoveredFamily(path: string): UncoveredFamily | undefined {
  return UNCOVERED.find((u) => u.match.test(path));
}

/** The mount a simulator path is under, and the path the spec would see (after `{endpoint}`). */
export function mountOf(path: string): { mount: Mount; rest: string } | undefined {
  for (const mount of MOUNTS) {
    const m = mount.prefix.exec(path);
    if (m !== null) return { mount, rest: path.slice(m[0].length) || '/' };
  }
  return undefined;
}

/** The mount whose data plane a spec (its path under the specs root) describes; undefined for an ARM spec. */
export function mountOfSpec(spec: string): Mount | undefined {
  return MOUNTS.find((m) => m.specs.some((s) => spec.startsWith(s)));
}
