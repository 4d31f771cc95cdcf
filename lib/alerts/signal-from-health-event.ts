/**
 * A Resource Health events-API item (`GET …/providers/Microsoft.ResourceHealth/events`), used to
 * import past Service Health incidents. Its model differs from alerts: `name` is the trackingId,
 * `impact[]` replaces impactedServices, `eventType` replaces incidentType, and the SDK flattens
 * `properties` away.
 */
import type { HealthEventItem } from './envelopes.js';
import { fail } from './errors.js';
import { describe, field, isObject, join, optText, optTextList, type JsonObject } from './fields.js';
import { mergeServices, regionList } from './impacted-services.js';
import { blankSignal, type ImpactedService, type Signal } from './signal.js';
import { key, optTime, serviceHealthLifecycle } from './signal-from-event.js';
import { incidentTypeOf, severityOf, stageOf, statusOf } from './vocabulary.js';
import { subscriptionOf } from '../azure/resource-id.js';

export function signalFromHealthEvent({ item, path }: HealthEventItem): Signal {
  const nested = field(item, 'properties');
  const p = isObject(nested) ? nested : item;
  const pp = isObject(nested) ? `${path}.properties` : path;
  const id = optText(item, 'id', path);
  const trackingId = optText(item, 'name', path) ?? optText(p, 'trackingId', pp) ?? id?.split('/').pop();
  if (trackingId === undefined || trackingId === '') {
    return fail('missing_field', `${path}.name`, 'a Resource Health event needs its name (the trackingId)');
  }
  const eventType = optText(p, 'eventType', pp);
  const status = statusOf(optText(p, 'status', pp));
  const stage = eventType?.toUpperCase() === 'RCA' ? 'RCA' : stageOf(status ?? undefined);
  const lastUpdate = optTime(p, 'lastUpdateTime', pp);
  const impactStart = optTime(p, 'impactStartTime', pp);
  const eventTime = lastUpdate ?? impactStart;
  if (eventTime === null) {
    return fail('missing_field', join(pp, 'lastUpdateTime'), 'the event has neither lastUpdateTime nor impactStartTime');
  }
  const services = impactOf(p, pp);
  const subscriptionId = (id !== undefined ? subscriptionOf(id) : null) ?? singleSubscription(p, pp);
  const signal = blankSignal('serviceHealth', 'resourceHealthEvent', eventTime);
  signal.incidentKey = trackingId;
  signal.dedupeKey = key('serviceHealth', subscriptionId, trackingId, key(status, eventTime));
  signal.subscriptionId = subscriptionId;
  signal.trackingId = trackingId;
  signal.incidentType = incidentTypeOf(eventType);
  signal.stage = stage;
  signal.status = status;
  signal.lifecycle = serviceHealthLifecycle(stage, status);
  signal.title = optText(p, 'title', pp) ?? optText(p, 'summary', pp) ?? null;
  signal.severity = severityOf(optText(p, 'eventLevel', pp) ?? optText(p, 'level', pp));
  signal.services = services;
  signal.impactStart = impactStart;
  signal.impactMitigation = optTime(p, 'impactMitigationTime', pp);
  return signal;
}

function impactOf(p: JsonObject, pp: string): ImpactedService[] {
  const impact = field(p, 'impact');
  const at = join(pp, 'impact');
  if (impact === undefined) return [];
  if (!Array.isArray(impact)) return fail('invalid_field', at, `expected an array, got ${describe(impact)}`);
  return mergeServices(
    impact.map((entry, i) => {
      const entryPath = `${at}[${i}]`;
      if (!isObject(entry)) return fail('invalid_field', entryPath, `expected an object, got ${describe(entry)}`);
      const name = optText(entry, 'impactedService', entryPath);
      if (name === undefined) return fail('missing_field', `${entryPath}.impactedService`, 'service name is missing');
      return { name, regions: regionList(field(entry, 'impactedRegions'), `${entryPath}.impactedRegions`, 'impactedRegion') };
    }),
  );
}

/** The events API lists impacted subscriptions per region; one distinct value is the event's subscription. */
function singleSubscription(p: JsonObject, pp: string): string | null {
  const impact = field(p, 'impact');
  if (!Array.isArray(impact)) return null;
  const subs = new Set<string>();
  impact.forEach((entry, i) => {
    const regions = isObject(entry) ? field(entry, 'impactedRegions') : undefined;
    if (!Array.isArray(regions)) return;
    regions.forEach((region, j) => {
      if (!isObject(region)) return;
      for (const s of optTextList(region, 'impactedSubscriptions', `${pp}.impact[${i}].impactedRegions[${j}]`)) subs.add(s);
    });
  });
  return subs.size === 1 ? [...subs][0]! : null;
}
