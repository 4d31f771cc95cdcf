/**
 * Microsoft 365 service health issues (Graph v1.0 serviceHealthIssue) read as Signals: the
 * Dynamics 365 poller sends them through the alert intake, so they parse like any alert.
 */
import { describe, expect, it } from 'vitest';
import { parseAlert, parsePayload } from '../../lib/alerts/index.js';
import { serviceKey } from '../../lib/alerts/services.js';
import { GRAPH_ISSUE as ISSUE } from '../support/graph-issue.js';

describe('Graph service health issues', () => {
  it('become a Service Health signal keyed by the issue, in the geographies the text names', () => {
    const parsed = parseAlert(JSON.stringify(ISSUE));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({
      kind: 'serviceHealth',
      schema: 'graphServiceHealthIssue',
      incidentKey: 'm365:cr512345',
      dedupeKey: 'm365|CR512345|serviceDegradation|2026-11-23T09:05:12.000Z|false',
      trackingId: 'CR512345',
      incidentType: 'Incident',
      stage: 'Active',
      status: 'serviceDegradation',
      lifecycle: 'active',
      title: 'Users in Europe may be unable to access Dynamics 365 environments',
      services: [{ name: 'Dynamics 365 Apps', regions: ['europe'] }],
      eventTime: '2026-11-23T09:05:12.000Z',
      impactStart: '2026-11-23T08:40:00.000Z',
      impactMitigation: null,
    });
  });

  it('are resolved when Graph says so, by flag or by status', () => {
    const byFlag = parseAlert(JSON.stringify({ ...ISSUE, isResolved: true, status: 'serviceRestored', endDateTime: '2026-11-23T11:00:00Z', lastModifiedDateTime: '2026-11-23T11:00:00Z' }));
    expect(byFlag.ok && byFlag.value).toMatchObject({ lifecycle: 'resolved', stage: 'Resolved', impactMitigation: '2026-11-23T11:00:00.000Z' });
    const byStatus = parseAlert(JSON.stringify({ ...ISSUE, status: 'falsePositive' }));
    expect(byStatus.ok && byStatus.value.lifecycle).toBe('resolved');
  });

  it('count as global when they name no geography, and name every one they do', () => {
    const none = parseAlert(JSON.stringify({ ...ISSUE, title: 'Some users cannot open forms', impactDescription: 'Forms fail to load.' }));
    expect(none.ok && none.value.services).toEqual([{ name: 'Dynamics 365 Apps', regions: ['global'] }]);
    const two = parseAlert(JSON.stringify({ ...ISSUE, impactDescription: 'Users in the United Kingdom and United States may be affected.' }));
    expect(two.ok && two.value.services[0]!.regions).toEqual(['europe', 'unitedkingdom', 'unitedstates']);
  });

  it('come as a batch in a Graph list answer, and a bad one names its field', () => {
    const list = parsePayload(JSON.stringify({ value: [ISSUE, { ...ISSUE, id: '' }] }));
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    expect(list.value.batch).toBe(true);
    expect(list.value.items[0]!.ok).toBe(true);
    expect(list.value.items[1]).toEqual({ ok: false, error: { code: 'missing_field', path: '$.value[1].id', message: 'a service health issue needs its id (e.g. "CR123456")' } });
  });

  it('name Dynamics 365 as Graph does, which the catalog knows as Dynamics 365', () => {
    expect(serviceKey('Dynamics 365 Apps')).toBe(serviceKey('Dynamics 365'));
    expect(serviceKey('Exchange Online')).not.toBe(serviceKey('Dynamics 365'));
  });
});
