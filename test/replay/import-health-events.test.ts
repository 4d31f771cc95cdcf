/**
 * importHealthEvents against the simulator through @azure/arm-resourcehealth 4: one signal per
 * event in its latest state (the Active update is gone once the event is Resolved), one per
 * tracking id and update however many subscriptions list it, and only what the window holds.
 */
import { describe, expect, it } from 'vitest';
import { importHealthEvents } from '../../lib/replay/import/index.js';
import { LATEST_UPDATE_ONLY } from '../../lib/replay/import/health-events.js';
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

const later = () => new Date(h.sim.clock.now() + 1000);

async function outage(region: string): Promise<Incident> {
  const res = await h.control('POST', `/_sim/regions/${region}/outage`, { services: ['Azure Data Share'] });
  expect(res.status).toBe(201);
  return (res.body as { incident: Incident }).incident;
}

/** What every signal of the events API says it had to make up, after the note that only the latest update is kept. */
const INFERRED = [
  LATEST_UPDATE_ONLY,
  expect.stringMatching(/^data\.essentials\.alertId: made up from the event id \([0-9a-f-]{36}\)$/),
  'data.essentials.alertRule: made up; the Resource Health events API does not say which alert rule, if any, fired for this event',
  "data.essentials.severity: made up as Sev4, what Microsoft's activity log alert samples carry (an activity log alert rule has no severity of its own)",
  expect.stringMatching(/^data\.essentials\.originAlertId: made up from the event id \([0-9a-f-]{36}\)$/),
  "data.essentials.firedDateTime: made up from the event's lastUpdateTime",
  "data.alertContext.eventTimestamp: the event's lastUpdateTime; the events API keeps no time per notification",
  'data.alertContext.eventDataId: made up from the tracking id, subscription and lastUpdateTime (the events API has no event id)',
  'data.alertContext.operationName: Microsoft.ServiceHealth/incident/action, from the event type (the events API has no operation name)',
  "data.alertContext.properties.communicationId: made up from the event's lastUpdateTime, one per update (the events API has none)",
];

describe('importHealthEvents', () => {
  it('imports an event as its current state: Active while open, only Resolved once resolved', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    const incident = await outage('westeurope');
    const progress: string[] = [];
    const to = later();
    const open = await importHealthEvents(h.clients, { subscriptions: [SUB], from, to, progress: (line) => progress.push(line) });
    const startedAt = new Date(incident.impactStart).toISOString();
    expect(open.signals.map((s) => ({ at: s.at, intake: s.intake, origin: s.origin, inferred: s.inferred }))).toEqual([
      { at: startedAt, intake: 'alerts', origin: `resource-health-event:${incident.trackingId}@${startedAt}`, inferred: INFERRED },
    ]);
    expect(signalOf(open.signals[0]!.payload)).toMatchObject({
      kind: 'serviceHealth',
      schema: 'common',
      incidentKey: incident.trackingId,
      stage: 'Active',
      lifecycle: 'active',
      incidentType: 'Incident',
      services: [{ name: 'Azure Data Share', regions: ['westeurope'] }],
      subscriptionId: SUB,
      eventTime: startedAt,
    });
    expect(open.health).toEqual([]);
    expect(open.skipped).toEqual([]);
    const day = `${from.getUTCMonth() + 1}/${from.getUTCDate()}/${from.getUTCFullYear()}`;
    expect(progress).toEqual([`resource health events of ${SUB}: 1 event updated since ${day}; 1 in ${from.toISOString()} to ${to.toISOString()}`]);

    await pause(30);
    const resolved = (await h.control('DELETE', '/_sim/regions/westeurope/outage')).body as { resolved: Incident[] };
    const mitigatedAt = new Date(resolved.resolved[0]!.impactMitigation!).toISOString();
    const after = await importHealthEvents(h.clients, { subscriptions: [SUB], from, to: later() });
    expect(after.signals.map((s) => [s.at, s.origin])).toEqual([[mitigatedAt, `resource-health-event:${incident.trackingId}@${mitigatedAt}`]]);
    expect(signalOf(after.signals[0]!.payload)).toMatchObject({ incidentKey: incident.trackingId, stage: 'Resolved', lifecycle: 'resolved', impactStart: startedAt, impactMitigation: mitigatedAt });
  });

  it('keeps one signal per tracking id and update when several subscriptions list the event, and says so', async () => {
    const from = new Date(h.sim.clock.now() - 1000);
    // A region with nothing of the estate in it: its incident is shown to every subscription.
    const incident = await outage('southcentralus');
    const result = await importHealthEvents(h.clients, { subscriptions: [SUB, OTHER_SUB], from, to: later() });
    const at = new Date(incident.impactStart).toISOString();
    expect(result.signals).toHaveLength(1);
    expect(result.signals[0]!.origin).toBe(`resource-health-event:${incident.trackingId}@${at}`);
    expect(result.signals[0]!.inferred.at(-1)).toBe(`listed by subscriptions ${SUB}, ${OTHER_SUB}: the same event and update, replayed once (as the first listed it)`);
    expect(result.skipped).toEqual([`resource-health-event:${incident.trackingId}@${at}: also listed by subscription ${OTHER_SUB}; replayed once, as listed by ${SUB}`]);
    expect(signalOf(result.signals[0]!.payload)).toMatchObject({ subscriptionId: SUB, services: [{ name: 'Azure Data Share', regions: ['southcentralus'] }] });
  });

  it('reports an event last updated outside the window instead of importing it', async () => {
    const incident = await outage('westeurope');
    await pause(20);
    const from = new Date(h.sim.clock.now());
    const to = later();
    const result = await importHealthEvents(h.clients, { subscriptions: [SUB], from, to });
    const at = new Date(incident.impactStart).toISOString();
    expect(result.signals).toEqual([]);
    expect(result.skipped).toEqual([
      `resource-health-event:${incident.trackingId}@${at}: last updated at ${at}, outside ${from.toISOString()} to ${to.toISOString()} (the events API keeps only the latest update)`,
    ]);
  });
});
