/**
 * What POST /api/replays accepts: each problem names its path and the fix, and every alert is
 * read by the app's parser before the replay starts.
 */
import { describe, expect, it } from 'vitest';
import { parseReplayRequest } from '../../lib/replay/request.js';
import { readFixtureJson } from '../support/fixtures.js';

const alert = readFixtureJson<object>('servicehealth-legacy-doc-sample.json');

describe('parseReplayRequest', () => {
  it('takes signals in time order, with the defaults of a decision replay', () => {
    const checked = parseReplayRequest({ signals: [{ at: '2026-11-23T10:00:00+01:00', payload: alert }, { at: '2026-11-23T08:00:00Z', payload: alert, intake: 'alerts', origin: 'file:a.json:1' }] });
    expect(checked).toEqual({
      ok: true,
      value: {
        label: 'replay',
        signals: [
          { at: '2026-11-23T08:00:00.000Z', payload: alert, intake: 'alerts', origin: 'file:a.json:1', inferred: [] },
          { at: '2026-11-23T09:00:00.000Z', payload: alert, intake: 'alerts', origin: 'signal $.signals[0]', inferred: [] },
        ],
        health: [],
        speed: 1,
        healthMode: 'recorded',
        mode: 'execute',
      },
    });
  });

  it.each([
    [{}, '$.signals', 'signals must be a non-empty list of {at, payload, intake?, origin?, inferred?}'],
    [{ signals: [{ at: 'yesterday', payload: alert }] }, '$.signals[0].at', 'must be an ISO-8601 time such as 2026-11-23T09:14:00Z (got "yesterday")'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert, intake: 'email' }] }, '$.signals[0].intake', 'intake must be one of alerts, servicehealth-poll, failovers (got "email")'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: 'text' }] }, '$.signals[0].payload', 'payload must be the alert body as a JSON object'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert }], speed: 0.5 }, '$.speed', 'speed must be a number from 1 (real time) to 3600 (got 0.5)'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert }], healthMode: 'maybe' }, '$.healthMode', 'healthMode must be recorded or live (got "maybe")'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert }], health: [{ at: '2026-11-23T08:00:00Z', status: 'Down' }] }, '$.health[0].status', 'status must be one of Available, Unavailable, Degraded, Unknown (got "Down")'],
    [{ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert }], health: [{ at: '2026-11-23T08:00:00Z', status: 'Available' }] }, '$.health[0].resourceId', 'name the resource (resourceId) or the workload (workloadId) observed'],
  ])('refuses %j at %s', (body, path, message) => {
    expect(parseReplayRequest(body)).toEqual({ ok: false, path, message });
  });

  it("refuses an alert the app cannot read, at the alert's own path", () => {
    const broken = { schemaId: 'azureMonitorCommonAlertSchema', data: { essentials: { monitoringService: 'ServiceHealth' } } };
    const checked = parseReplayRequest({ signals: [{ at: '2026-11-23T08:00:00Z', payload: alert }, { at: '2026-11-23T08:05:00Z', payload: broken }] });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.path).toMatch(/^\$\.signals\[1\]\.payload\.data/);
    expect(checked.message).toMatch(/^the alert cannot be read: /);
  });
});
