/**
 * A Microsoft 365 service health issue (Microsoft Graph v1.0 `serviceHealthIssue`, from
 * `GET /admin/serviceAnnouncement/issues`), the only place Microsoft says that it is failing a
 * Dynamics 365 geography over and when that is done. The poller (lib/intake/servicehealth-poll.ts)
 * sends each new or changed issue through the same intake as any alert, so it is archived,
 * deduplicated and matched like one.
 *
 * Issues name no region field: the geography is found in the title, impact description and
 * feature text (`Users in Europe may…`); an issue that names none counts as global.
 */
import { fail } from './errors.js';
import { field, join, optFlag, optText, type JsonObject } from './fields.js';
import { canonicalRegion } from './regions.js';
import { blankSignal, type Signal } from './signal.js';
import { key, optTime } from './signal-from-event.js';

/** Graph statuses after which Microsoft considers the issue over. */
const RESOLVED = new Set(['serviceRestored', 'postIncidentReviewPublished', 'falsePositive', 'resolved', 'resolvedExternal', 'mitigated', 'mitigatedExternal'].map((s) => s.toLowerCase()));

/** Geography names as Microsoft 365 and Dynamics 365 service health write them. */
const GEOGRAPHIES = [
  'Asia Pacific',
  'Australia',
  'Brazil',
  'Canada',
  'Europe',
  'France',
  'Germany',
  'India',
  'Japan',
  'Korea',
  'North America',
  'Norway',
  'South Africa',
  'South America',
  'Switzerland',
  'United Arab Emirates',
  'United Kingdom',
  'United States',
];
const GEOGRAPHY_PATTERN = new RegExp(`\\b(${GEOGRAPHIES.join('|').replace(/ /g, '\\s+')})\\b`, 'gi');
const ALIASES: Record<string, string> = { unitedarabemirates: 'uae' };

/** Whether an object is a Graph service health issue. */
export function isGraphIssue(item: JsonObject): boolean {
  return typeof field(item, 'service') === 'string' && field(item, 'classification') !== undefined && field(item, 'isResolved') !== undefined;
}

export function signalFromGraphIssue(item: JsonObject, path: string): Signal {
  const id = optText(item, 'id', path);
  if (id === undefined || id === '') return fail('missing_field', join(path, 'id'), 'a service health issue needs its id (e.g. "CR123456")');
  const service = optText(item, 'service', path)!;
  const status = optText(item, 'status', path) ?? null;
  const modified = optTime(item, 'lastModifiedDateTime', path);
  const start = optTime(item, 'startDateTime', path);
  const eventTime = modified ?? start;
  if (eventTime === null) return fail('missing_field', join(path, 'lastModifiedDateTime'), 'the issue has neither lastModifiedDateTime nor startDateTime');
  const resolved = optFlag(item, 'isResolved', path) || RESOLVED.has((status ?? '').toLowerCase());
  const text = ['title', 'impactDescription', 'feature', 'featureGroup'].map((name) => optText(item, name, path) ?? '').join(' ');
  const regions = [...new Set([...text.matchAll(GEOGRAPHY_PATTERN)].map((m) => canonicalRegion(m[1]!)).map((r) => ALIASES[r] ?? r))];
  const signal = blankSignal('serviceHealth', 'graphServiceHealthIssue', eventTime);
  signal.incidentKey = `m365:${id.toLowerCase()}`;
  signal.dedupeKey = key('m365', id, status, eventTime, String(resolved));
  signal.trackingId = id;
  const classification = optText(item, 'classification', path)?.toLowerCase();
  signal.incidentType = classification === 'incident' ? 'Incident' : 'Informational';
  signal.stage = resolved ? 'Resolved' : 'Active';
  signal.status = status;
  signal.lifecycle = resolved ? 'resolved' : 'active';
  signal.title = optText(item, 'title', path) ?? null;
  signal.services = [{ name: service, regions: regions.length > 0 ? regions : ['global'] }];
  signal.impactStart = start;
  signal.impactMitigation = optTime(item, 'endDateTime', path);
  return signal;
}
