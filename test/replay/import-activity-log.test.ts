/**
 * importActivityLog against the simulator through @azure/arm-monitor 7: a West Europe outage of
 * Azure Data Share, opened and resolved, comes back as the two Service Health alerts an action
 * group would have posted, in time order; each resource it took down as Resource Health signals
 * and health observations; Administrative events only when asked for; windows
 * Azure cannot serve are refused.
 */
import { describe, expect, it } from 'vitest';
import { importActivityLog } from '../../lib/replay/import/index.js';
import { SUB, type SimHarness } from '../sim/support.js';
import { pause, signalOf, useSimulator } from './import-support.js';

const OTHER_SUB = '22222222-2222-2222-2222-222222222222';

interface Incident {
  trackingId: string;
  impactStart: number;
  impactMitigation?: number;
}

let h: SimHarness;
useSimulator((started) => (h = started));

/** How many of the subscription's resources a West Europe outage takes down: each writes a Resource Health event when it goes and when it comes back. */
const inWestEurope = () => h.sim.store.all().filter((r) => r.location.toLowerCase() === 'westeurope' && r.id.split('/')[2] === SUB).length;


/** Opens the outage, lets a little time pass, resolves it; the incident as the simulator kept it. */
async function dataShareOutage(): Promise<Incident> {
  const opened = await h.control('POST', '/_sim/regions/westeurope/outage', { services: ['Azure Data Share'] });
  expect(opened.status).toBe(201);
  await pause(30);
  const resolved = await h.control('DELETE', '/_sim/regions/westeurope/outage');
  return (resolved.body as { resolved: Incident[] }).resolved[0]!;
}

/** The Activity Log's own ids of its Service Health events, newest first, as the REST API lists them. */
async function eventIds(from: Date): Promise<string[]> {
  const filter = encodeURIComponent(`eventTimestamp ge '${from.toISOString()}'`);
  const res = await h.call('GET', `/subscriptions/${SUB}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${filter}`);
  return (res.body as { value: Array<{ eventDataId: string; category: { value: string } }> }).value.filter((e) => e.category.value === 'ServiceHealth').map((e) => e.eventDataId);
}

const envelopeInferred = (eventDataId: string) => [
  `data.essentials.alertId: made up from the event id (${eventDataId})`,
  'data.essentials.alertRule: made up; the Activity Log does not say which alert rule, if any, fired for this event',
  "data.essentials.severity: made up as Sev4, what Microsoft's activity log alert samples carry (an activity log alert rule has no severity of its own)",
  `data.essentials.originAlertId: made up from the event id (${eventDataId})`,
  "data.essentials.firedDateTime: made up from the event's submissionTimestamp (an alert fires once the event reaches the Activity Log)",
];

describe('importActivityLog', () => {
  it('imports the outage as its Active and Resolved Service Health alerts, in time order', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    const incident = await dataShareOutage();
    const to = new Date(h.sim.clock.now() + 1000);
    const [resolvedId, activeId] = await eventIds(from);
    const progress: string[] = [];
    const result = await importActivityLog(h.clients, { subscriptions: [SUB, OTHER_SUB], from, to, categories: ['ServiceHealth'], progress: (line) => progress.push(line) });
    const n = 2 * inWestEurope();

    expect(result.signals.map((s) => ({ at: s.at, intake: s.intake, origin: s.origin, inferred: s.inferred }))).toEqual([
      { at: new Date(incident.impactStart).toISOString(), intake: 'alerts', origin: `activity-log:${SUB}/${activeId}`, inferred: envelopeInferred(activeId!) },
      { at: new Date(incident.impactMitigation!).toISOString(), intake: 'alerts', origin: `activity-log:${SUB}/${resolvedId}`, inferred: envelopeInferred(resolvedId!) },
    ]);
    const parsed = result.signals.map((s) => signalOf(s.payload));
    expect(parsed.map((s) => ({ kind: s.kind, schema: s.schema, incidentKey: s.incidentKey, stage: s.stage, lifecycle: s.lifecycle, services: s.services, subscriptionId: s.subscriptionId, incidentType: s.incidentType, eventTime: s.eventTime }))).toEqual([
      {
        kind: 'serviceHealth',
        schema: 'common',
        incidentKey: incident.trackingId,
        stage: 'Active',
        lifecycle: 'active',
        services: [{ name: 'Azure Data Share', regions: ['westeurope'] }],
        subscriptionId: SUB,
        incidentType: 'Incident',
        eventTime: result.signals[0]!.at,
      },
      {
        kind: 'serviceHealth',
        schema: 'common',
        incidentKey: incident.trackingId,
        stage: 'Resolved',
        lifecycle: 'resolved',
        services: [{ name: 'Azure Data Share', regions: ['westeurope'] }],
        subscriptionId: SUB,
        incidentType: 'Incident',
        eventTime: result.signals[1]!.at,
      },
    ]);
    expect(parsed[1]!.impactMitigation).toBe(result.signals[1]!.at);
    expect(result.health).toEqual([]);
    expect(result.skipped).toEqual([`activity-log:${SUB}: ${n} events of categories not asked for left out (ResourceHealth ${n})`]);
    expect(progress).toEqual([
      `activity log of ${SUB}: ${n + 2} events from ${from.toISOString()} to ${to.toISOString()}; kept ServiceHealth 2; left out ResourceHealth ${n}`,
      `activity log of ${OTHER_SUB}: 0 events from ${from.toISOString()} to ${to.toISOString()}; kept ServiceHealth 0`,
    ]);
  });

  it('reads each resource the outage took down as a Resource Health signal and a health observation, down and back', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    const incident = await dataShareOutage();
    const to = new Date(h.sim.clock.now() + 1000);
    const result = await importActivityLog(h.clients, { subscriptions: [SUB], from, to, categories: ['ResourceHealth'] });
    const account = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu';
    expect(result.signals).toHaveLength(2 * inWestEurope());
    const mine = result.signals.map((s) => signalOf(s.payload)).filter((s) => s.resourceIds[0] === account);
    expect(mine.map((s) => ({ kind: s.kind, health: s.health, eventTime: s.eventTime }))).toEqual([
      { kind: 'resourceHealth', health: { current: 'Unavailable', previous: null, cause: 'PlatformInitiated', type: 'Downtime' }, eventTime: new Date(incident.impactStart).toISOString() },
      { kind: 'resourceHealth', health: { current: 'Available', previous: null, cause: 'PlatformInitiated', type: 'Downtime' }, eventTime: new Date(incident.impactMitigation!).toISOString() },
    ]);
    expect(result.health.filter((o) => o.resourceId === account).map((o) => [o.status, o.at])).toEqual([
      ['Unavailable', new Date(incident.impactStart).toISOString()],
      ['Available', new Date(incident.impactMitigation!).toISOString()],
    ]);
  });

  it('reads only the window: an event before `from` is not imported', async () => {
    const incident = await dataShareOutage();
    const from = new Date(incident.impactMitigation!);
    const result = await importActivityLog(h.clients, { subscriptions: [SUB], from, to: new Date(h.sim.clock.now() + 1000), categories: ['ServiceHealth'] });
    expect(result.signals.map((s) => [s.at, signalOf(s.payload).stage])).toEqual([[from.toISOString(), 'Resolved']]);
  });

  it('keeps Administrative events only when asked for, and says how many of the others it left out', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    await h.control('POST', '/_sim/regions/westeurope/outage', { services: ['Azure Data Share'] });
    await h.clients.monitor(SUB).actionGroups.createOrUpdate('rg-ops', 'failover-ag', { location: 'Global', groupShortName: 'failover', enabled: true });
    const to = new Date(h.sim.clock.now() + 1000);

    const n = inWestEurope();
    const health = await importActivityLog(h.clients, { subscriptions: [SUB], from, to, categories: ['ServiceHealth'] });
    expect(health.signals.map((s) => signalOf(s.payload).kind)).toEqual(['serviceHealth']);
    expect(health.skipped).toEqual([`activity-log:${SUB}: ${n + 1} events of categories not asked for left out (Administrative 1, ResourceHealth ${n})`]);

    const admin = await importActivityLog(h.clients, { subscriptions: [SUB], from, to, categories: ['Administrative'] });
    expect(admin.skipped).toHaveLength(1);
    expect(admin.skipped[0]).toMatch(new RegExp(`^activity-log:${SUB}: ${n + 1} events of categories not asked for left out \\((ServiceHealth 1, ResourceHealth ${n}|ResourceHealth ${n}, ServiceHealth 1)\\)$`));
    expect(admin.signals).toHaveLength(1);
    const actionGroup = `/subscriptions/${SUB}/resourceGroups/rg-ops/providers/Microsoft.Insights/actionGroups/failover-ag`;
    expect(signalOf(admin.signals[0]!.payload)).toMatchObject({
      kind: 'administrative',
      incidentKey: actionGroup.toLowerCase(),
      stage: 'Succeeded',
      lifecycle: 'active',
      resourceIds: [actionGroup],
      operationName: 'Microsoft.Insights/actionGroups/write',
      caller: 'tests',
      subscriptionId: SUB,
    });
    expect(admin.signals[0]!.intake).toBe('alerts');

    const both = await importActivityLog(h.clients, { subscriptions: [SUB], from, to, categories: ['ServiceHealth', 'Administrative'] });
    expect(both.signals.map((s) => signalOf(s.payload).kind)).toEqual(['serviceHealth', 'administrative']);
    expect(both.skipped).toEqual([`activity-log:${SUB}: ${n} events of categories not asked for left out (ResourceHealth ${n})`]);
  });

  it('refuses a window Azure cannot serve, and options it cannot read, naming the option', async () => {
    const now = Date.now();
    const day = 24 * 3600_000;
    const old = new Date(now - 91 * day);
    await expect(importActivityLog(h.clients, { subscriptions: [SUB], from: old, to: new Date(now) })).rejects.toThrow(
      new RegExp(`^importActivityLog options\\.from \\(${old.toISOString().replace(/\./g, '\\.')}\\) is more than 90 days ago: Azure keeps the Activity Log 90 days`),
    );
    await expect(importActivityLog(h.clients, { subscriptions: [SUB], from: new Date(now), to: new Date(now - day) })).rejects.toThrow(
      `importActivityLog options.from (${new Date(now).toISOString()}) is after importActivityLog options.to (${new Date(now - day).toISOString()}): give the window's start first`,
    );
    await expect(importActivityLog(h.clients, { subscriptions: [], from: new Date(now - day), to: new Date(now) })).rejects.toThrow(
      'importActivityLog options.subscriptions must name at least one subscription id',
    );
    await expect(importActivityLog(h.clients, { subscriptions: [SUB], from: new Date(now - day), to: new Date(now), categories: ['Policy' as never] })).rejects.toThrow(
      'importActivityLog options.categories[0] is "Policy": expected one of ServiceHealth, ResourceHealth, Administrative',
    );
    await expect(importActivityLog(h.clients, { subscriptions: [SUB], from: new Date(NaN), to: new Date(now) })).rejects.toThrow('importActivityLog options.from must be a valid date (got Invalid Date)');
  });
});
