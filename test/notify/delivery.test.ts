/**
 * The first attempt and the retries, over real HTTP receivers and an outbox in Azurite, on a
 * virtual clock: `send` returns within one short attempt whatever the channels do; the retry run
 * tries what is due, backs off, honours Retry-After, and on giving up tells the workload's other
 * channels once per incident and channel, never the failed one, and never loops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog, NotifyTarget, Workload } from '../../lib/catalog/types.js';
import {
  createNotificationDelivery,
  createNotificationOutbox,
  createNotifier,
  type DeliveryTarget,
  type IncidentNotification,
  type NotificationDelivery,
  type NotificationOutbox,
} from '../../lib/notify/index.js';
import { sampleCatalog } from '../steps/support.js';
import { useAzurite } from '../support/azurite.js';
import { answer, closedPort, sequence, trackedReceivers } from './receiver.js';
import { SAMPLES } from './samples.js';

const azurite = useAzurite();
let sample: Catalog;
const receiver = trackedReceivers();

beforeAll(async () => {
  sample = await sampleCatalog();
});

const T0 = Date.parse('2026-11-23T09:14:00Z');
const MIN = 60_000;

interface World {
  delivery: NotificationDelivery;
  outbox: NotificationOutbox;
  /** The virtual clock, epoch ms. */
  clock: { now: number };
  catalog: { value: Catalog };
  logs: string[];
}

/** The sample catalog with media-streaming's channels replaced. */
function withChannels(targets: NotifyTarget[], catalog: Catalog = sample): Catalog {
  return { ...catalog, workloads: catalog.workloads.map((w): Workload => (w.id === 'media-streaming' ? { ...w, notify: targets } : w)) };
}

function world(targets: NotifyTarget[]): World {
  const outbox = createNotificationOutbox(azurite.fresh('deliverytest'));
  const clock = { now: T0 };
  const catalog = { value: withChannels(targets) };
  const logs: string[] = [];
  const delivery = createNotificationDelivery({
    // As the app builds it: one short attempt per target.
    notifier: createNotifier({ maxAttempts: 1, timeoutMs: 300, now: () => clock.now }),
    outbox,
    catalog: async () => catalog.value,
    now: () => new Date(clock.now),
    log: (level, message) => logs.push(`${level} ${message}`),
  });
  return { delivery, outbox, clock, catalog, logs };
}

function opened(at = T0): IncidentNotification {
  return { ...SAMPLES['incident-opened'], incidentId: 'inc-1', at: new Date(at).toISOString() };
}

const minutesAfter = (iso: string | null, from: number) => (iso === null ? null : (Date.parse(iso) - from) / MIN);

describe('the first attempt', () => {
  it('delivers where it can, records the rest, and returns within one short attempt', async () => {
    const ok = await receiver();
    const hanging = await receiver(() => {
      // never answers
    });
    const port = await closedPort();
    const targets: NotifyTarget[] = [
      { kind: 'email', address: 'media-oncall@contoso.example' },
      { kind: 'teams', url: `${ok.origin}/webhookb2/ok-secret` },
      { kind: 'teams', url: `${hanging.origin}/webhookb2/hanging-secret` },
      { kind: 'webhook', url: `http://127.0.0.1:${port}/hook/closed-secret` },
    ];
    const w = world(targets);
    const started = Date.now();
    const sent = await w.delivery.send(targets, opened());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(sent).toEqual({ delivered: 1, failed: 3, queued: 2 });
    expect(ok.received).toHaveLength(1);

    expect(await w.delivery.undelivered('inc-1')).toEqual([
      {
        type: 'incident-opened',
        at: new Date(T0).toISOString(),
        workload: 'media-streaming',
        target: 'email media-oncall@contoso.example',
        status: 'undelivered',
        attempts: 0,
        lastError: expect.stringMatching(/^email delivery is not configured/),
      },
      {
        type: 'incident-opened',
        at: new Date(T0).toISOString(),
        workload: 'media-streaming',
        target: `teams ${hanging.origin}/webhookb2/…`,
        status: 'retrying',
        attempts: 1,
        nextAttemptAt: new Date(T0 + MIN).toISOString(),
        lastError: 'timed out after 300 ms',
      },
      {
        type: 'incident-opened',
        at: new Date(T0).toISOString(),
        workload: 'media-streaming',
        target: `webhook http://127.0.0.1:${port}/hook/…`,
        status: 'retrying',
        attempts: 1,
        nextAttemptAt: new Date(T0 + MIN).toISOString(),
        lastError: expect.stringMatching(/^network error: .*ECONNREFUSED/),
      },
    ]);
    // The URLs are secrets: nothing of them is in storage.
    const stored = (await azurite.rows(w.outbox.table)).map((row) => JSON.stringify(row));
    expect(stored).toHaveLength(3);
    expect(stored.join('\n')).not.toMatch(/secret/);
  });

  it('records a target no catalog workload names without retrying it (its URL would have to be stored)', async () => {
    const port = await closedPort();
    const w = world([]);
    const sent = await w.delivery.send([{ kind: 'webhook', url: `http://127.0.0.1:${port}/adhoc/secret` }], opened());
    expect(sent).toEqual({ delivered: 0, failed: 1, queued: 0 });
    const [only] = await w.delivery.undelivered('inc-1');
    expect(only).toMatchObject({ workload: '', status: 'undelivered', attempts: 1, lastError: expect.stringMatching(/; not retried: no catalog workload names this target$/) });
  });

  it('still answers when storage is unreachable: the failure is counted and logged', async () => {
    const port = await closedPort();
    const outbox = createNotificationOutbox({
      connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${'a'.repeat(88)};TableEndpoint=http://127.0.0.1:${await closedPort()}/devstoreaccount1;`,
      timeoutMs: 500,
      retry: { maxRetries: 0 },
    });
    const logs: string[] = [];
    const targets: NotifyTarget[] = [{ kind: 'teams', url: `http://127.0.0.1:${port}/webhookb2/x` }];
    const delivery = createNotificationDelivery({
      notifier: createNotifier({ maxAttempts: 1, timeoutMs: 300 }),
      outbox,
      catalog: async () => withChannels(targets),
      now: () => new Date(T0),
      log: (level, message) => logs.push(`${level} ${message}`),
    });
    expect(await delivery.send(targets, opened())).toEqual({ delivered: 0, failed: 1, queued: 0 });
    expect(logs).toEqual([expect.stringMatching(/^warn notification 'incident-opened' for teams http:\/\/127\.0\.0\.1:\d+\/webhookb2\/… could not be recorded for a retry: StorageUnavailable/)]);
  });
});

describe('the retry run', () => {
  it('tries what is due, backs off 1, 2, 4, 8, then 10 minutes, gives up after 10 attempts and tells the other channel once', async () => {
    const down = await receiver(answer(503, 'Service Unavailable'));
    const other = await receiver();
    const targets: NotifyTarget[] = [
      { kind: 'teams', url: `${down.origin}/webhookb2/down` },
      { kind: 'webhook', url: `${other.origin}/hook` },
      { kind: 'email', address: 'media-oncall@contoso.example' },
    ];
    const w = world(targets);
    // The other channel takes the first notification; only the Teams one fails.
    await w.delivery.send([targets[0]!], opened());
    expect(down.received).toHaveLength(1);

    // Not due yet: nothing is tried.
    w.clock.now = T0 + 30_000;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 0 });

    const waits: Array<number | null> = [];
    let last = T0;
    // The timer runs every minute; each run tries what is due.
    for (let minute = 1; minute <= 80; minute++) {
      w.clock.now = T0 + minute * MIN;
      const report = await w.delivery.retryDue();
      if (report.tried === 0) continue;
      const [record] = await w.outbox.records('inc-1');
      waits.push(minutesAfter(record!.nextAttemptAt, w.clock.now));
      last = w.clock.now;
    }
    // After attempts 2..9 the waits double to the cap; attempt 10 gives up (no next attempt).
    expect(waits).toEqual([2, 4, 8, 10, 10, 10, 10, 10, null]);
    expect((last - T0) / MIN).toBe(65);
    expect(down.received).toHaveLength(10);

    const [record] = await w.delivery.undelivered('inc-1');
    expect(record).toEqual({
      type: 'incident-opened',
      at: new Date(T0).toISOString(),
      workload: 'media-streaming',
      target: `teams ${down.origin}/webhookb2/…`,
      status: 'undelivered',
      attempts: 10,
      lastError: 'HTTP 503: Service Unavailable (gave up after 10 attempts)',
    });
    // The other channel heard once, the Teams channel never about itself.
    const told = other.received.map((r) => r.json as IncidentNotification & { summary: string });
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      type: 'delivery-failed',
      incidentId: 'inc-1',
      workloads: ['media-streaming'],
      workload: 'media-streaming',
      channel: `teams ${down.origin}/webhookb2/…`,
      undelivered: ['Incident opened: media-streaming may be affected in westeurope'],
      attempts: 10,
      lastError: 'HTTP 503: Service Unavailable (gave up after 10 attempts)',
      summary: 'Not delivered: 1 notification about media-streaming did not reach its teams channel',
    });
    expect(down.received.every((r) => (r.json as { type?: string; attachments?: unknown }).attachments !== undefined)).toBe(true);

    // A later notification to the same channel in the same incident gives up too: no second report.
    await w.delivery.send([targets[0]!], { ...SAMPLES['failover-done'], incidentId: 'inc-1', at: new Date(w.clock.now).toISOString() });
    for (let minute = 1; minute <= 80; minute++) {
      w.clock.now += MIN;
      await w.delivery.retryDue();
    }
    // The report went to the email target too, which this notifier cannot send (no email channel):
    // recorded undelivered, and never reported in turn.
    expect((await w.delivery.undelivered('inc-1')).map((r) => [r.type, r.status])).toEqual([
      ['incident-opened', 'undelivered'],
      ['delivery-failed', 'undelivered'],
      ['failover-done', 'undelivered'],
    ]);
    expect(other.received).toHaveLength(1);
    expect(await w.outbox.due(new Date(w.clock.now + 24 * 60 * MIN))).toEqual([]);
  }, 60_000);

  it('honours Retry-After, and marks a late delivery', async () => {
    const throttled = await receiver(sequence(answer(429, 'slow down', { 'retry-after': '900' }), answer(429, '', { 'retry-after': '30' }), answer(200, 'ok')));
    const targets: NotifyTarget[] = [{ kind: 'slack', url: `${throttled.origin}/services/T0/B0/x` }];
    const w = world(targets);
    expect(await w.delivery.send(targets, opened())).toEqual({ delivered: 0, failed: 1, queued: 1 });
    let [record] = await w.outbox.records('inc-1');
    // 15 minutes, as asked, rather than the first backoff of one.
    expect(minutesAfter(record!.nextAttemptAt, T0)).toBe(15);

    w.clock.now = T0 + 14 * MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 0 });
    w.clock.now = T0 + 15 * MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 1, stillRetrying: 1 });
    [record] = await w.outbox.records('inc-1');
    // A Retry-After shorter than the backoff does not shorten it: 2 minutes after the second attempt.
    expect(minutesAfter(record!.nextAttemptAt, w.clock.now)).toBe(2);

    w.clock.now += 2 * MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 1, deliveredLate: 1 });
    expect(await w.delivery.undelivered('inc-1')).toEqual([
      expect.objectContaining({ status: 'delivered-late', attempts: 3, deliveredAt: new Date(w.clock.now).toISOString() }),
    ]);
    expect(throttled.received).toHaveLength(3);
    expect(new Set(throttled.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
  });

  it('gives up at once on an answer no retry fixes (a deleted webhook), and tells the other channel at the next run', async () => {
    const gone = await receiver(answer(404, 'no_service'));
    const other = await receiver();
    const targets: NotifyTarget[] = [
      { kind: 'slack', url: `${gone.origin}/services/gone` },
      { kind: 'slack', url: `${gone.origin}/services/gone` },
      { kind: 'teams', url: `${other.origin}/webhookb2/other` },
    ];
    const w = world(targets);
    expect(await w.delivery.send([targets[0]!], opened())).toEqual({ delivered: 0, failed: 1, queued: 0 });
    expect(await w.delivery.undelivered('inc-1')).toEqual([expect.objectContaining({ status: 'undelivered', attempts: 1, lastError: 'HTTP 404: no_service' })]);
    w.clock.now = T0 + MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 0, reported: 1 });
    // Once, to the Teams channel only: not to the failed one, nor to the same URL named twice.
    expect(gone.received).toHaveLength(1);
    expect(other.received).toHaveLength(1);
    expect(other.received[0]!.json).toMatchObject({ type: 'message', summary: 'Not delivered: 1 notification about media-streaming did not reach its slack channel' });
    w.clock.now += MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 0, reported: 0 });
    expect(await w.outbox.due(new Date(w.clock.now))).toEqual([]);
  });

  it('never loops when every channel is down: delivery-failed notifications are retried but never reported', async () => {
    const port = await closedPort();
    const targets: NotifyTarget[] = [
      { kind: 'teams', url: `http://127.0.0.1:${port}/webhookb2/a` },
      { kind: 'webhook', url: `http://127.0.0.1:${port}/hook/b` },
    ];
    const w = world(targets);
    await w.delivery.send(targets, opened());
    let runs = 0;
    while ((await w.outbox.due(new Date(w.clock.now + 24 * 60 * MIN))).length > 0) {
      w.clock.now += MIN;
      await w.delivery.retryDue();
      if (++runs > 400) throw new Error('the outbox never settles');
    }
    const records = await w.delivery.undelivered('inc-1');
    // The two notifications, and one delivery-failed about each channel sent to the other.
    expect(records.map((r) => [r.type, r.target.split(' ')[0], r.status]).sort()).toEqual([
      ['delivery-failed', 'teams', 'undelivered'],
      ['delivery-failed', 'webhook', 'undelivered'],
      ['incident-opened', 'teams', 'undelivered'],
      ['incident-opened', 'webhook', 'undelivered'],
    ]);
  }, 60_000);

  it('gives up on a target the catalog no longer has, and follows a URL the catalog changed', async () => {
    const port = await closedPort();
    const fixed = await receiver();
    const targets: NotifyTarget[] = [
      { kind: 'teams', url: `http://127.0.0.1:${port}/webhookb2/old` },
      { kind: 'webhook', url: `http://127.0.0.1:${port}/hook/removed` },
    ];
    const w = world(targets);
    await w.delivery.send(targets, opened());
    // Someone fixes the Teams webhook and removes the other target.
    w.catalog.value = withChannels([{ kind: 'teams', url: `${fixed.origin}/webhookb2/new` }]);
    w.clock.now = T0 + MIN;
    expect(await w.delivery.retryDue()).toMatchObject({ tried: 1, deliveredLate: 1, gaveUp: 1, reported: 0 });
    expect(fixed.received).toHaveLength(1);
    expect((await w.delivery.undelivered('inc-1')).map((r) => [r.target.split(' ')[0], r.status, r.lastError ?? ''])).toEqual([
      ['teams', 'delivered-late', ''],
      ['webhook', 'undelivered', 'not retried: the catalog no longer names this target (workload media-streaming, target 2)'],
    ]);
  });

  it('tries each due record once when two runs overlap', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = await receiver(async (_req, res) => {
      await gate;
      answer(503)(_req, res);
    });
    const targets: NotifyTarget[] = [{ kind: 'webhook', url: `${slow.origin}/hook` }];
    const w = world(targets);
    // The first attempt times out (the receiver waits), so the record is due a minute later.
    await w.delivery.send(targets, opened());
    w.clock.now = T0 + MIN;
    const runs = Promise.all([w.delivery.retryDue(), w.delivery.retryDue()]);
    const reports = await runs;
    release();
    expect(reports.map((r) => r.tried).sort()).toEqual([0, 1]);
    expect(reports.reduce((n, r) => n + r.tried + r.skipped, 0)).toBeGreaterThanOrEqual(1);
    expect(slow.received).toHaveLength(2);
  });
});

describe('what the app wires', () => {
  it('a target is the same whatever object names it', async () => {
    const ok = await receiver();
    const targets: DeliveryTarget[] = [
      { kind: 'webhook', url: `${ok.origin}/hook` },
      { kind: 'webhook', url: `${ok.origin}/hook` },
    ];
    const w = world([]);
    expect(await w.delivery.send(targets, opened())).toEqual({ delivered: 1, failed: 0, queued: 0 });
    expect(ok.received).toHaveLength(1);
  });
});
