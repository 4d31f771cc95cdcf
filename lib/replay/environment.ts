/**
 * A replayed production alert as the staging app must see it: every production identifier the
 * Signal carries (subscription, tenant, resource ids) mapped through the staging catalog's
 * `environment.mapsFrom`, and the keys built from them recomputed, so the replay can only name,
 * match and act on staging resources. An identifier the map does not cover is kept as it was and
 * said so; the staging catalog has no workload there, so the signal is then ignored, never acted on.
 */
import type { Signal } from '../alerts/signal.js';
import { key } from '../alerts/signal-from-event.js';
import { resourceIdKey, subscriptionOf } from '../azure/resource-id.js';
import type { Environment } from '../catalog/types.js';

/** One identifier after mapping, and the line the replay report shows for it (null: nothing to say). */
export interface MappedId {
  id: string;
  note: string | null;
}

/** The subscription segment at the start of an ARM id; what follows it is kept as written. */
const SUBSCRIPTION_SEGMENT = /^\/subscriptions\/([^/]+)/i;

/**
 * A production resource id as this environment names it: the exact `resources` entry first
 * (compared without case, as ARM compares ids), else the id with its subscription mapped. An id
 * already in one of this environment's subscriptions is kept without a note.
 */
export function mapResourceId(id: string, environment: Environment): MappedId {
  const { resources, subscriptions } = environment.mapsFrom;
  const exact = resources[resourceIdKey(id)];
  if (exact !== undefined) return { id: exact, note: `resource ${id} -> ${exact}` };
  const trimmed = id.trim();
  const segment = SUBSCRIPTION_SEGMENT.exec(trimmed);
  if (segment === null) return { id, note: `kept ${id}: not an id under /subscriptions/` };
  const subscription = (segment[1] ?? '').toLowerCase();
  const target = subscriptions[subscription];
  if (target === undefined) return { id, note: keptNote(subscription, environment) };
  const mapped = `/subscriptions/${target}${trimmed.slice(segment[0].length)}`;
  return { id: mapped, note: `resource ${id} -> ${mapped}` };
}

/**
 * A copy of `signal` with its identifiers mapped into `environment`, and what changed (or was
 * kept because the map does not cover it), one line each, for the replay report.
 */
export function mapToEnvironment(signal: Signal, environment: Environment): { signal: Signal; mapped: string[] } {
  const notes: string[] = [];
  const note = (line: string | null): void => {
    if (line !== null && !notes.includes(line)) notes.push(line);
  };
  const out = structuredClone(signal);

  const resources = signal.resourceIds.map((from) => ({ from, to: mapResourceId(from, environment) }));
  out.resourceIds = resources.map((r) => r.to.id);

  if (signal.subscriptionId !== null) {
    const subscription = mapSubscription(signal.subscriptionId, environment, resources);
    out.subscriptionId = subscription.id;
    note(subscription.note);
  }
  if (signal.tenantId !== null) {
    const tenants = environment.mapsFrom.tenants;
    const target = tenants[signal.tenantId.toLowerCase()];
    if (target !== undefined) {
      out.tenantId = target;
      note(`tenant ${signal.tenantId} -> ${target}`);
    } else if (Object.keys(tenants).length > 0 && !Object.values(tenants).includes(signal.tenantId.toLowerCase())) {
      // Noted only where the catalog maps tenants at all: a staging app in production's tenant is common.
      note(`kept ${signal.tenantId}: tenant not mapped`);
    }
  }
  for (const r of resources) note(r.to.note);

  // Resource Health and Administrative incidents are keyed by their first resource
  // (signal-from-event.ts), so a mapped resource is a different incident key.
  const first = resources[0];
  if (first !== undefined && signal.incidentKey === resourceIdKey(first.from)) {
    out.incidentKey = resourceIdKey(first.to.id);
  }
  out.dedupeKey = mapDedupeKey(signal, out);
  if (out.incidentKey !== signal.incidentKey) note(`incidentKey ${signal.incidentKey} -> ${out.incidentKey}`);
  if (out.dedupeKey !== signal.dedupeKey) note(`dedupeKey ${signal.dedupeKey} -> ${out.dedupeKey}`);
  return { signal: out, mapped: notes };
}

/**
 * The signal's subscription: through `subscriptions`; else, when it is the subscription of a
 * resource the signal names and that resource was mapped exactly, the subscription the mapped
 * resource lives in (an alert comes from the subscription of its resource).
 */
function mapSubscription(id: string, environment: Environment, resources: ReadonlyArray<{ from: string; to: MappedId }>): MappedId {
  const subscription = id.toLowerCase();
  const target = environment.mapsFrom.subscriptions[subscription];
  if (target !== undefined) return { id: target, note: `subscription ${id} -> ${target}` };
  for (const r of resources) {
    const to = subscriptionOf(r.to.id)?.toLowerCase();
    if (r.to.id === r.from || to === undefined || subscriptionOf(r.from)?.toLowerCase() !== subscription) continue;
    return { id: to, note: `subscription ${id} -> ${to}, where resource ${r.to.id} lives` };
  }
  return { id, note: keptNote(subscription, environment) };
}

/** Null for a subscription that is already this environment's (a map target), else why it was kept. */
function keptNote(subscription: string, environment: Environment): string | null {
  if (Object.values(environment.mapsFrom.subscriptions).includes(subscription)) return null;
  return `kept ${subscription}: subscription not mapped`;
}

/**
 * The dedupe key with the part that named production replaced. Its second part is the
 * subscription for Service Health and the incident key for Resource Health and Administrative
 * signals (signal-from-event.ts, signal-from-health-event.ts); other kinds embed neither.
 */
function mapDedupeKey(before: Signal, after: Signal): string {
  const [from, to] =
    before.kind === 'serviceHealth'
      ? [key(before.kind, before.subscriptionId), key(before.kind, after.subscriptionId)]
      : before.kind === 'resourceHealth' || before.kind === 'administrative'
        ? [key(before.kind, before.incidentKey), key(before.kind, after.incidentKey)]
        : [null, null];
  if (from === null || to === null || from === to || !before.dedupeKey.startsWith(`${from}|`)) return before.dedupeKey;
  return to + before.dedupeKey.slice(from.length);
}
