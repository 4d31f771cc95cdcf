/**
 * Azure Resource Manager resource ids. ARM compares ids case-insensitively, and alerts send the
 * same resource in different casings (`alertTargetIDs` lower-cased, `resourceId` as created), so
 * every comparison goes through `resourceIdKey`.
 */

export interface ResourceId {
  /** The id as written. */
  id: string;
  subscriptionId: string;
  resourceGroup: string | null;
  /** `Microsoft.Media`; null for a subscription or resource-group id. */
  provider: string | null;
  /** Full type with child types: `Microsoft.Media/mediaservices/streamingEndpoints`. */
  type: string | null;
  /** Names from the top-level resource down: `['contosomediaweu', 'default']`. */
  names: string[];
}

const SUBSCRIPTION = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?(?:\/providers\/(.+))?$/i;

/** Parses an ARM id; null when it is not one. Accepts subscription and resource-group ids. */
export function parseResourceId(id: string): ResourceId | null {
  const trimmed = id.trim().replace(/\/+$/, '');
  const m = SUBSCRIPTION.exec(trimmed);
  if (!m) return null;
  const [, subscriptionId, resourceGroup, providerPath] = m;
  if (subscriptionId === undefined) return null;
  if (providerPath === undefined) {
    return { id: trimmed, subscriptionId, resourceGroup: resourceGroup ?? null, provider: null, type: null, names: [] };
  }
  const segments = providerPath.split('/');
  // namespace, then type/name pairs: Microsoft.Media/mediaservices/acct[/streamingEndpoints/ep]
  if (segments.length < 3 || segments.length % 2 === 0 || segments.some((s) => s.length === 0)) return null;
  const [provider, ...rest] = segments as [string, ...string[]];
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]!);
    names.push(rest[i + 1]!);
  }
  return {
    id: trimmed,
    subscriptionId,
    resourceGroup: resourceGroup ?? null,
    provider,
    type: `${provider}/${types.join('/')}`,
    names,
  };
}

/** The comparison key of a resource id: lower-cased, without a trailing slash. */
export function resourceIdKey(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

/** True when `child` is `parent` or lies beneath it (a streaming endpoint under its account). */
export function isSameOrChildResource(child: string, parent: string): boolean {
  const c = resourceIdKey(child);
  const p = resourceIdKey(parent);
  return c === p || c.startsWith(`${p}/`);
}

/** The subscription id in any ARM-style id (`/subscriptions/{id}/…`), or null. */
export function subscriptionOf(id: string): string | null {
  const m = /\/subscriptions\/([^/]+)/i.exec(id);
  return m?.[1] ?? null;
}
