/**
 * selectIncidents: an import cut where the app would cut it (the parser's incidentKey), picked by
 * tracking id, resource or time, each incident whole and with the health it concerns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importFile, selectIncidents } from '../../lib/replay/import/index.js';
import type { ImportResult } from '../../lib/replay/types.js';
import { importFixture, signalOf } from './import-support.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const GROUP = `/subscriptions/${SUB}/resourceGroups/rg-datashare-weu`;
const ACCOUNT = `${GROUP}/providers/Microsoft.DataShare/accounts/contosodsweu`;

let all: ImportResult;
beforeAll(async () => {
  const parts = await Promise.all(['mixed.jsonl', 'activity-log-export.json', 'health-events-list.json'].map((name) => importFile(importFixture(name))));
  all = {
    signals: parts.flatMap((p) => p.signals),
    health: parts.flatMap((p) => p.health),
    skipped: parts.flatMap((p) => p.skipped),
  };
});

/** incidentKey, then each signal's time and stage. */
const summary = (results: ImportResult[]) =>
  results.map((r) => ({
    key: signalOf(r.signals[0]!.payload).incidentKey,
    signals: r.signals.map((s) => `${s.at} ${signalOf(s.payload).stage}`),
    health: r.health.map((h) => `${h.resourceId} ${h.status}`),
  }));

describe('selectIncidents', () => {
  it('groups by the incident key the parser computes, incidents in the order they began, each in time order', () => {
    expect(summary(selectIncidents(all))).toEqual([
      {
        key: '7VKL-3Q8',
        signals: [
          '2026-11-23T08:44:31.773Z Active',
          '2026-11-23T08:44:31.773Z Active',
          '2026-11-23T10:05:14.441Z Resolved',
          '2026-11-23T10:05:14.441Z Resolved',
          '2026-11-26T17:30:00.000Z RCA',
        ],
        // A Service Health incident names no resource: it keeps every observation.
        health: [`${ACCOUNT} Unavailable`],
      },
      {
        key: ACCOUNT.toLowerCase(),
        signals: ['2026-11-23T08:47:12.123Z Active', '2026-11-23T09:12:40.500Z Succeeded'],
        health: [`${ACCOUNT} Unavailable`],
      },
      { key: 'm365:cr512345', signals: ['2026-11-23T09:05:12.000Z Active'], health: [`${ACCOUNT} Unavailable`] },
      { key: 'QK4T-9P0', signals: ['2026-11-24T12:00:00.000Z Active'], health: [`${ACCOUNT} Unavailable`] },
    ]);
  });

  it('picks by tracking id (any case), by resource (or a scope above it), and by time, keeping each incident whole', () => {
    expect(summary(selectIncidents(all, { trackingId: '7vkl-3q8' })).map((i) => [i.key, i.signals.length])).toEqual([['7VKL-3Q8', 5]]);
    expect(summary(selectIncidents(all, { resourceId: ACCOUNT.toUpperCase() })).map((i) => i.key)).toEqual([ACCOUNT.toLowerCase()]);
    expect(summary(selectIncidents(all, { resourceId: GROUP })).map((i) => i.key)).toEqual([ACCOUNT.toLowerCase()]);
    const onTheTwentyFourth = selectIncidents(all, { from: new Date('2026-11-24T00:00:00Z'), to: new Date('2026-11-25T00:00:00Z') });
    expect(summary(onTheTwentyFourth).map((i) => i.key)).toEqual(['QK4T-9P0']);
    // The incident that touches the window comes whole, its signals outside the window too.
    const lateMorning = selectIncidents(all, { from: new Date('2026-11-23T10:00:00Z'), to: new Date('2026-11-23T11:00:00Z') });
    expect(summary(lateMorning).map((i) => [i.key, i.signals.length])).toEqual([['7VKL-3Q8', 5]]);
    expect(selectIncidents(all, { trackingId: 'NONE-000' })).toEqual([]);
    expect(selectIncidents(all, { trackingId: '7VKL-3Q8', resourceId: ACCOUNT })).toEqual([]);
  });

  it('keeps only the health of the resources an incident concerns', () => {
    const other = `${GROUP}/providers/Microsoft.DataShare/accounts/contosodsother`;
    const withOther: ImportResult = { ...all, health: [...all.health, { resourceId: other, at: '2026-11-23T08:50:00.000Z', status: 'Degraded', origin: 'test' }] };
    const [account] = selectIncidents(withOther, { resourceId: ACCOUNT });
    expect(account!.health.map((h) => h.resourceId)).toEqual([ACCOUNT]);
    const [serviceHealth] = selectIncidents(withOther, { trackingId: '7VKL-3Q8' });
    expect(serviceHealth!.health.map((h) => h.resourceId)).toEqual([ACCOUNT, other]);
  });

  it('reports a signal whose payload the parser cannot read instead of grouping it', () => {
    const broken: ImportResult = { signals: [{ at: '2026-11-23T08:00:00.000Z', payload: { hello: 'world' }, intake: 'alerts', origin: 'archive:broken.json', inferred: [] }, ...all.signals], health: [], skipped: [] };
    const results = selectIncidents(broken, { trackingId: 'QK4T-9P0' });
    expect(results.map((r) => r.skipped)).toEqual([
      [
        'archive:broken.json: not grouped into an incident: unknown_schema at $: not an alert payload (no schemaId), Activity Log event (no eventTimestamp, operationName or eventDataId), diagnostic record, Resource Health event or Microsoft Graph service health issue',
      ],
    ]);
  });
});
