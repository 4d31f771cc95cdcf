/**
 * The notification outbox against Azurite: what a record keeps (and that a URL is not part of it),
 * which records are due, ETag-guarded updates, the once-per-incident-and-channel report claim,
 * and the per-incident view GET /api/incidents/{id} shows.
 */
import { describe, expect, it } from 'vitest';
import { createNotificationOutbox, outboxTableFor, type NewOutboxRecord, type NotificationOutbox } from '../../lib/notify/index.js';
import { useAzurite } from '../support/azurite.js';
import { SAMPLES } from './samples.js';

const azurite = useAzurite();

function outbox(): NotificationOutbox {
  return createNotificationOutbox(azurite.fresh('outboxtest'));
}

const T0 = Date.parse('2026-11-23T09:14:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

const TEAMS = { workloadId: 'media-streaming', index: 1, kind: 'teams', label: 'teams https://contoso.webhook.office.com/webhookb2/…' };
const HOOK = { workloadId: 'datashare-sales', index: 0, kind: 'webhook', label: 'webhook https://hooks.contoso.example/dr' };

function record(overrides: Partial<NewOutboxRecord> = {}): NewOutboxRecord {
  return {
    incidentId: 'inc-1',
    notification: { ...SAMPLES['incident-opened'], incidentId: 'inc-1' },
    target: TEAMS,
    status: 'retrying',
    attempts: 1,
    firstFailedAt: iso(0),
    nextAttemptAt: iso(1),
    lastAttemptAt: iso(0),
    lastError: 'network error: ECONNREFUSED',
    lastStatus: null,
    reportPending: false,
    ...overrides,
  };
}

describe('notification outbox', () => {
  it('keeps a failed notification with its target by catalog position, and the same one once', async () => {
    const box = outbox();
    const first = await box.add(record());
    const again = await box.add(record({ lastError: 'a second copy' }));
    expect(again.ref.rowKey).toBe(first.ref.rowKey);
    const [kept, ...rest] = await box.records('inc-1');
    expect(rest).toEqual([]);
    expect(kept).toMatchObject({
      incidentId: 'inc-1',
      notification: { ...SAMPLES['incident-opened'], incidentId: 'inc-1' },
      target: TEAMS,
      status: 'retrying',
      attempts: 1,
      firstFailedAt: iso(0),
      nextAttemptAt: iso(1),
      lastError: 'network error: ECONNREFUSED',
      lastStatus: null,
      deliveredAt: null,
      reportPending: false,
    });
    // A different target or another notification is another record.
    await box.add(record({ target: HOOK }));
    await box.add(record({ notification: { ...SAMPLES['failover-done'], incidentId: 'inc-1' } }));
    expect(await box.records('inc-1')).toHaveLength(3);
    expect(await box.records('inc-2')).toEqual([]);
  });

  it('stores no URL, only the redacted label, and clips long texts to fit a table property', async () => {
    const box = outbox();
    await box.add(record({ notification: { ...SAMPLES['step-failed'], incidentId: 'inc-1', error: 'x'.repeat(100_000) } }));
    const rows = await azurite.rows(box.table);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!).filter((k) => !['etag', 'timestamp', 'partitionKey', 'rowKey'].includes(k)).sort()).toEqual([
      'attempts',
      'firstFailedAt',
      'incidentId',
      'lastAttemptAt',
      'lastError',
      'nextAttemptAt',
      'notification',
      'notificationType',
      'reportPending',
      'row',
      'status',
      'target',
      'targetIndex',
      'targetKind',
      'workloadId',
    ]);
    expect(rows[0]!['target']).toBe('teams https://contoso.webhook.office.com/webhookb2/…');
    const [kept] = await box.records('inc-1');
    expect((kept!.notification as { error: string }).error).toHaveLength(2000);
  });

  it('keeps no approve or reject link: they may be signed links that act without a key', async () => {
    const box = outbox();
    const approval = { ...SAMPLES['approval-needed'], incidentId: 'inc-1' };
    await box.add(record({ notification: approval }));
    const [kept] = await box.records('inc-1');
    expect(kept!.notification).toEqual({ ...approval, approveUrl: '', rejectUrl: '' });
    expect(JSON.stringify(await box.records('inc-1'))).not.toContain('token=');
  });

  it('lists what is due, oldest first: retrying records whose time has come, and given-up ones still to report', async () => {
    const box = outbox();
    await box.add(record({ notification: { ...SAMPLES['incident-opened'], at: iso(0) }, firstFailedAt: iso(0), nextAttemptAt: iso(5) }));
    await box.add(record({ notification: { ...SAMPLES['impact-confirmed'], at: iso(1) }, firstFailedAt: iso(1), nextAttemptAt: iso(2) }));
    await box.add(record({ notification: { ...SAMPLES['failover-done'], at: iso(2) }, firstFailedAt: iso(2), status: 'undelivered', nextAttemptAt: null, reportPending: true }));
    await box.add(record({ notification: { ...SAMPLES['failback-done'], at: iso(3) }, firstFailedAt: iso(3), status: 'undelivered', nextAttemptAt: null, reportPending: false }));
    await box.add(record({ incidentId: 'inc-2', notification: { ...SAMPLES['incident-opened'], incidentId: 'inc-2' }, firstFailedAt: iso(4), nextAttemptAt: iso(4) }));

    expect((await box.due(at(1))).map((r) => r.notification.type)).toEqual(['failover-done']);
    expect((await box.due(at(2))).map((r) => r.notification.type)).toEqual(['impact-confirmed', 'failover-done']);
    expect((await box.due(at(5))).map((r) => `${r.incidentId} ${r.notification.type}`)).toEqual(['inc-1 incident-opened', 'inc-1 impact-confirmed', 'inc-1 failover-done', 'inc-2 incident-opened']);
    expect(await box.due(at(5), 1)).toHaveLength(1);
  });

  it('updates a record only as it was read: a second writer gets null', async () => {
    const box = outbox();
    const added = await box.add(record());
    const leased = await box.update(added, { nextAttemptAt: iso(3) });
    expect(leased).toMatchObject({ nextAttemptAt: iso(3), attempts: 1 });
    // Someone who read it before the lease does not get to change it.
    expect(await box.update(added, { nextAttemptAt: iso(4) })).toBeNull();
    const done = await box.update(leased!, { status: 'delivered-late', attempts: 2, deliveredAt: iso(1), nextAttemptAt: null, lastStatus: 200 });
    expect(done).toMatchObject({ status: 'delivered-late', attempts: 2, deliveredAt: iso(1), nextAttemptAt: null, lastStatus: 200 });
    const [kept] = await box.records('inc-1');
    expect(kept).toMatchObject({ status: 'delivered-late', attempts: 2, deliveredAt: iso(1), nextAttemptAt: null, lastStatus: 200 });
    // Nothing is due once delivered.
    expect(await box.due(at(60))).toEqual([]);
  });

  it('grants the delivery-failed report for an incident and channel exactly once, however many ask at once', async () => {
    const box = outbox();
    const answers = await Promise.all(Array.from({ length: 20 }, () => box.claimReport('inc-1', TEAMS, at(70))));
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await box.claimReport('inc-1', TEAMS, at(80))).toBe(false);
    expect(await box.claimReport('inc-1', HOOK, at(80))).toBe(true);
    expect(await box.claimReport('inc-2', TEAMS, at(80))).toBe(true);
    // Outside any incident (readiness drift): once per channel and day.
    expect(await box.claimReport('', TEAMS, new Date('2026-11-23T06:00:00Z'))).toBe(true);
    expect(await box.claimReport('', TEAMS, new Date('2026-11-23T18:00:00Z'))).toBe(false);
    expect(await box.claimReport('', TEAMS, new Date('2026-11-24T06:00:00Z'))).toBe(true);
    // The claims are not notification records.
    expect(await box.records('inc-1')).toEqual([]);
  });

  it('shows an incident what was not delivered: retrying, undelivered, delivered late', async () => {
    const box = outbox();
    await box.add(record({ notification: { ...SAMPLES['incident-opened'], incidentId: 'inc-1', at: iso(0) }, firstFailedAt: iso(0), attempts: 3, nextAttemptAt: iso(7) }));
    await box.add(
      record({
        notification: { ...SAMPLES['impact-confirmed'], incidentId: 'inc-1', at: iso(1) },
        firstFailedAt: iso(1),
        target: { workloadId: 'media-streaming', index: 0, kind: 'email', label: 'email media-oncall@contoso.example' },
        status: 'undelivered',
        attempts: 0,
        nextAttemptAt: null,
        lastAttemptAt: null,
        lastError: 'email delivery is not configured',
      }),
    );
    const late = await box.add(record({ notification: { ...SAMPLES['failover-done'], incidentId: 'inc-1', at: iso(2) }, firstFailedAt: iso(2), target: HOOK }));
    await box.update(late, { status: 'delivered-late', attempts: 2, deliveredAt: iso(3), nextAttemptAt: null });

    expect(await box.undeliveredNotifications('inc-1')).toEqual([
      {
        type: 'incident-opened',
        at: iso(0),
        workload: 'media-streaming',
        target: 'teams https://contoso.webhook.office.com/webhookb2/…',
        status: 'retrying',
        attempts: 3,
        nextAttemptAt: iso(7),
        lastError: 'network error: ECONNREFUSED',
      },
      {
        type: 'impact-confirmed',
        at: iso(1),
        workload: 'media-streaming',
        target: 'email media-oncall@contoso.example',
        status: 'undelivered',
        attempts: 0,
        lastError: 'email delivery is not configured',
      },
      { type: 'failover-done', at: iso(2), workload: 'datashare-sales', target: 'webhook https://hooks.contoso.example/dr', status: 'delivered-late', attempts: 2, deliveredAt: iso(3) },
    ]);
    expect(await box.undeliveredNotifications('inc-9')).toEqual([]);
  });

  it('names its table after the claims table', () => {
    expect(outboxTableFor('incidentclaims')).toBe('incidentclaimsoutbox');
    expect(outboxTableFor('a'.repeat(63))).toHaveLength(63);
    expect(() => createNotificationOutbox({ connectionString: azurite.connectionString, table: 'no-dashes' })).toThrow(RangeError);
  });
});
