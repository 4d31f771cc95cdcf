import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EMAIL_NOT_CONFIGURED, countDeliveries, createNotifier, parseRetryAfter, redactUrl, renderSlack, renderTeams, renderWebhook } from '../../lib/notify/index.js';
import type { DeliveryTarget, NotifierOptions, NotifyLogEntry } from '../../lib/notify/index.js';
import { answer, closedPort, sequence, trackedReceivers } from './receiver.js';
import { SAMPLES } from './samples.js';

const EVENT = SAMPLES['approval-needed'];

const receiver = trackedReceivers();

/** A notifier that records its waits instead of waiting, and its log. */
function testNotifier(options: NotifierOptions = {}) {
  const sleeps: number[] = [];
  const logs: NotifyLogEntry[] = [];
  const notifier = createNotifier({
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    log: (entry) => logs.push(entry),
    random: () => 1,
    ...options,
  });
  return { notifier, sleeps, logs };
}

describe('delivery to each kind of target', () => {
  it('posts the Teams card, the Slack blocks and the webhook JSON, each to its own URL', async () => {
    const r = await receiver(answer(202));
    const targets: DeliveryTarget[] = [
      { kind: 'teams', url: `${r.origin}/teams` },
      { kind: 'slack', url: `${r.origin}/slack` },
      { kind: 'webhook', url: `${r.origin}/hook` },
    ];
    const { notifier, sleeps } = testNotifier();
    const results = await notifier.notify(targets, EVENT);

    expect(results).toEqual([
      { target: { kind: 'teams', url: `${r.origin}/teams` }, ok: true, attempts: 1, status: 202, durationMs: expect.any(Number) },
      { target: { kind: 'slack', url: `${r.origin}/slack` }, ok: true, attempts: 1, status: 202, durationMs: expect.any(Number) },
      { target: { kind: 'webhook', url: `${r.origin}/hook` }, ok: true, attempts: 1, status: 202, durationMs: expect.any(Number) },
    ]);
    expect(sleeps).toEqual([]);
    const byPath = Object.fromEntries(r.received.map((req) => [req.path, req]));
    expect(byPath['/teams']!.json).toEqual(renderTeams(EVENT));
    expect(byPath['/slack']!.json).toEqual(renderSlack(EVENT));
    expect(byPath['/hook']!.json).toEqual(renderWebhook(EVENT));
    for (const req of r.received) {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(req.headers['user-agent']).toBe('azure-failover-orchestrator/notify');
      expect(req.headers['idempotency-key']).toMatch(/^[0-9a-f]{32}$/);
    }
    // One key per notification, the same at every target.
    expect(new Set(r.received.map((req) => req.headers['idempotency-key'])).size).toBe(1);
    expect(countDeliveries(results)).toEqual({ delivered: 3, failed: 0 });
  });

  it('without an email channel (no email settings), does not send email: the result says so, without an attempt, and warns', async () => {
    const { notifier, logs } = testNotifier();
    const results = await notifier.notify([{ kind: 'email', address: 'oncall@contoso.example' }], EVENT);
    expect(results).toEqual([{ target: { kind: 'email', address: 'oncall@contoso.example' }, ok: false, attempts: 0, error: EMAIL_NOT_CONFIGURED, retryable: false, durationMs: 0 }]);
    expect(EMAIL_NOT_CONFIGURED).toMatch(/^email delivery is not configured/);
    expect(EMAIL_NOT_CONFIGURED).toContain('set EMAIL_ENDPOINT (or EMAIL_CONNECTION_STRING) and EMAIL_SENDER');
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', target: 'email oncall@contoso.example', error: EMAIL_NOT_CONFIGURED })]);
  });

  it('sends one message per distinct target when several workloads name the same channel', async () => {
    const r = await receiver();
    const { notifier } = testNotifier();
    const url = `${r.origin}/teams`;
    const results = await notifier.notify([{ kind: 'teams', url }, { kind: 'teams', url }, { kind: 'webhook', url }], EVENT);
    expect(results.map((x) => x.target.kind)).toEqual(['teams', 'webhook']);
    expect(r.received).toHaveLength(2);
  });

  it('returns nothing for no targets', async () => {
    expect(await testNotifier().notifier.notify([], EVENT)).toEqual([]);
  });
});

describe('retries', () => {
  it('429 with Retry-After in seconds: waits that long, then delivers', async () => {
    const r = await receiver(sequence(answer(429, 'rate limited', { 'retry-after': '2' }), answer(200, 'ok')));
    const { notifier, sleeps, logs } = testNotifier();
    const [result] = await notifier.notify([{ kind: 'slack', url: `${r.origin}/services/T0/B0/x` }], EVENT);
    expect(result).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(sleeps).toEqual([2000]);
    expect(r.received).toHaveLength(2);
    expect(r.received[0]!.body).toBe(r.received[1]!.body);
    expect(r.received[0]!.headers['idempotency-key']).toBe(r.received[1]!.headers['idempotency-key']);
    expect(logs.map((l) => [l.level, l.attempt, l.status, l.delayMs])).toEqual([
      ['warn', 1, 429, 2000],
      ['info', 2, 200, undefined],
    ]);
  });

  it('429 with Retry-After as an HTTP date; a long Retry-After is capped at maxMs', async () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const r = await receiver(
      sequence(
        answer(429, '', { 'retry-after': new Date(now + 3000).toUTCString() }),
        answer(429, '', { 'retry-after': '3600' }),
        answer(503, '', { 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' }),
        answer(204),
      ),
    );
    const { notifier, sleeps } = testNotifier({ now: () => now, backoff: { baseMs: 10, maxMs: 5000 } });
    const [result] = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(result).toMatchObject({ ok: true, attempts: 4, status: 204 });
    expect(sleeps).toEqual([3000, 5000, 0]);
  });

  it('503 without Retry-After: exponential backoff, then gives up after maxAttempts', async () => {
    const r = await receiver(answer(503, 'Service Unavailable'));
    const { notifier, sleeps, logs } = testNotifier({ backoff: { baseMs: 100, maxMs: 350 } });
    const [result] = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(result).toEqual({
      target: { kind: 'webhook', url: `${r.origin}/hook` },
      ok: false,
      attempts: 4,
      status: 503,
      error: 'HTTP 503: Service Unavailable (gave up after 4 attempts)',
      retryable: true,
      durationMs: expect.any(Number),
    });
    expect(sleeps).toEqual([100, 200, 350]);
    expect(r.received).toHaveLength(4);
    expect(logs.at(-1)).toMatchObject({ level: 'warn', attempt: 4, status: 503 });
  });

  it('jitter keeps each wait between half and all of the backoff', async () => {
    const r = await receiver(answer(500));
    const { notifier, sleeps } = testNotifier({ random: () => 0, backoff: { baseMs: 100, maxMs: 8000 }, maxAttempts: 3 });
    await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(sleeps).toEqual([50, 100]);
  });

  it('503 then 200 delivers on the second attempt', async () => {
    const r = await receiver(sequence(answer(503), answer(200)));
    const { notifier, sleeps } = testNotifier();
    const [result] = await notifier.notify([{ kind: 'teams', url: `${r.origin}/workflows/abc` }], EVENT);
    expect(result).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(sleeps).toEqual([500]);
  });

  it('never retries a 400 (or any other 4xx)', async () => {
    const r = await receiver(answer(400, 'invalid_blocks'));
    const { notifier, sleeps } = testNotifier();
    const [result] = await notifier.notify([{ kind: 'slack', url: `${r.origin}/services/x` }], EVENT);
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 400, error: 'HTTP 400: invalid_blocks', retryable: false });
    expect(sleeps).toEqual([]);
    expect(r.received).toHaveLength(1);

    const gone = await receiver(answer(404, 'no_service'));
    const [missing] = await notifier.notify([{ kind: 'slack', url: `${gone.origin}/services/x` }], EVENT);
    expect(missing).toMatchObject({ ok: false, attempts: 1, status: 404 });
  });

  it('does not follow or retry redirects', async () => {
    const r = await receiver(answer(302, '', { location: 'https://elsewhere.example/' }));
    const { notifier } = testNotifier();
    const [result] = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 302 });
    expect(result!.error).toMatch(/redirected/);
    expect(r.received).toHaveLength(1);
  });

  it('reads a legacy Teams connector 200 that carries a 429 as a 429', async () => {
    const throttled = 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi..';
    const r = await receiver(sequence(answer(200, throttled), answer(200, '1')));
    const { notifier, sleeps } = testNotifier();
    const [result] = await notifier.notify([{ kind: 'teams', url: `${r.origin}/webhookb2/abc@tenant/IncomingWebhook/def/ghi` }], EVENT);
    expect(result).toMatchObject({ ok: true, attempts: 2, status: 200 });
    expect(sleeps).toEqual([500]);

    const bad = await receiver(answer(200, throttled.replace('429', '400')));
    const [rejected] = await notifier.notify([{ kind: 'teams', url: `${bad.origin}/webhookb2/x` }], EVENT);
    expect(rejected).toMatchObject({ ok: false, attempts: 1, status: 200 });
    expect(rejected!.error).toMatch(/^Teams answered 200 but did not deliver: Webhook message delivery failed .* HTTP error 400/);
  });
});

describe('a single quick attempt (how the app uses it, with the outbox for later attempts)', () => {
  it('says a 429 is worth another attempt, and when', async () => {
    const r = await receiver(answer(429, 'slow down', { 'retry-after': '120' }));
    const { notifier, sleeps } = testNotifier({ maxAttempts: 1 });
    const [result] = await notifier.notify([{ kind: 'slack', url: `${r.origin}/services/x` }], EVENT);
    expect(result).toMatchObject({ ok: false, attempts: 1, status: 429, retryable: true, retryAfterMs: 120_000, error: 'HTTP 429: slow down' });
    expect(sleeps).toEqual([]);
  });

  it('says a 404 (a deleted webhook) and a redirect are not', async () => {
    const r = await receiver((req, res) => answer(req.path === '/gone' ? 404 : 301, '', { location: 'https://elsewhere.example/' })(req, res));
    const { notifier } = testNotifier({ maxAttempts: 1 });
    const results = await notifier.notify([{ kind: 'teams', url: `${r.origin}/gone` }, { kind: 'webhook', url: `${r.origin}/moved` }], EVENT);
    expect(results.map((x) => [x.status, x.retryable])).toEqual([
      [404, false],
      [301, false],
    ]);
  });
});

describe('timeouts and unreachable hosts', () => {
  it('times out an attempt whose receiver never answers, and retries it', async () => {
    const r = await receiver(() => {
      // never answer
    });
    const { notifier, sleeps } = testNotifier({ timeoutMs: 150, maxAttempts: 2, backoff: { baseMs: 5, maxMs: 5 } });
    const started = Date.now();
    const [result] = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(result).toEqual({
      target: { kind: 'webhook', url: `${r.origin}/hook` },
      ok: false,
      attempts: 2,
      error: 'timed out after 150 ms (gave up after 2 attempts)',
      retryable: true,
      durationMs: expect.any(Number),
    });
    expect(sleeps).toEqual([5]);
    expect(r.received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out a response whose body never ends, but counts a 2xx status as delivered', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const { notifier } = testNotifier({ timeoutMs: 150 });
    const [result] = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }], EVENT);
    expect(result).toMatchObject({ ok: true, attempts: 1, status: 200 });
  });

  it('reports a closed port as a network error after every attempt', async () => {
    const port = await closedPort();
    const { notifier, sleeps } = testNotifier({ maxAttempts: 3, backoff: { baseMs: 1, maxMs: 10 } });
    const [result] = await notifier.notify([{ kind: 'teams', url: `http://127.0.0.1:${port}/workflows/secret-id/triggers` }], EVENT);
    expect(result).toMatchObject({ ok: false, attempts: 3, target: { kind: 'teams', url: `http://127.0.0.1:${port}/workflows/…` } });
    expect(result!.status).toBeUndefined();
    expect(result!.error).toMatch(/^network error: .*ECONNREFUSED.* \(gave up after 3 attempts\)$/);
    expect(sleeps).toEqual([1, 2]);
  });

  it('an unreachable channel does not hold up or fail the others', async () => {
    const port = await closedPort();
    const ok = await receiver();
    const { notifier } = testNotifier({ maxAttempts: 2, backoff: { baseMs: 1, maxMs: 1 } });
    const results = await notifier.notify(
      [
        { kind: 'teams', url: `http://127.0.0.1:${port}/workflows/x` },
        { kind: 'webhook', url: `${ok.origin}/hook` },
        { kind: 'email', address: 'oncall@contoso.example' },
      ],
      EVENT,
    );
    expect(results.map((x) => x.ok)).toEqual([false, true, false]);
    expect(countDeliveries(results)).toEqual({ delivered: 1, failed: 2 });
  });
});

describe('parallel delivery', () => {
  it('posts to every target at once', async () => {
    // The receiver answers nobody until all three requests are in: sequential delivery would time out.
    const waiting: ServerResponse[] = [];
    const r = await receiver((_req, res) => {
      waiting.push(res);
      if (waiting.length === 3) for (const w of waiting) answer(200, 'ok')(_req, w);
    });
    const { notifier } = testNotifier({ timeoutMs: 2000, maxAttempts: 1 });
    const results = await notifier.notify(
      [
        { kind: 'teams', url: `${r.origin}/a` },
        { kind: 'slack', url: `${r.origin}/b` },
        { kind: 'webhook', url: `${r.origin}/c` },
      ],
      EVENT,
    );
    expect(results.map((x) => [x.ok, x.attempts])).toEqual([
      [true, 1],
      [true, 1],
      [true, 1],
    ]);
  });
});

describe('redaction: webhook URLs are secrets', () => {
  it('keeps scheme, host and first path segment', () => {
    expect(redactUrl('https://hooks.slack.com/services/T000/B000/XXXXXXXX')).toBe('https://hooks.slack.com/services/…');
    expect(redactUrl('https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRET')).toBe(
      'https://prod-12.westeurope.logic.azure.com/workflows/…',
    );
    expect(redactUrl('https://contoso.webhook.office.com/webhookb2/guid@tenant/IncomingWebhook/id/guid')).toBe('https://contoso.webhook.office.com/webhookb2/…');
    expect(redactUrl('https://user:pass@example.com/hook')).toBe('https://example.com/hook/…');
    expect(redactUrl('https://example.com/hook?token=abc')).toBe('https://example.com/hook/…');
    expect(redactUrl('https://example.com/hook')).toBe('https://example.com/hook');
    expect(redactUrl('https://example.com')).toBe('https://example.com');
    expect(redactUrl('not a url')).toBe('[invalid URL]');
  });

  it('never shows the secret in results, errors or logs', async () => {
    const secret = 'B0SECRET0TOKEN0XYZ';
    // The receiver echoes the path back in its error, as some services do.
    const r = await receiver((req, res) => answer(req.path.includes('retry') ? 503 : 403, `invalid token for ${req.path}`)(req, res));
    const { notifier, logs } = testNotifier({ maxAttempts: 2 });
    const results = await notifier.notify(
      [
        { kind: 'slack', url: `${r.origin}/services/T0/${secret}` },
        { kind: 'webhook', url: `${r.origin}/hooks/retry/${secret}?sig=${secret}` },
      ],
      EVENT,
    );
    expect(results.map((x) => x.target)).toEqual([
      { kind: 'slack', url: `${r.origin}/services/…` },
      { kind: 'webhook', url: `${r.origin}/hooks/…` },
    ]);
    expect(results[0]!.error).toMatch(/^HTTP 403: invalid token for /);
    const everything = JSON.stringify(results) + JSON.stringify(logs);
    expect(everything).not.toContain(secret);
    expect(logs.length).toBeGreaterThan(0);
    for (const entry of logs) expect(entry.target).toMatch(/^(slack|webhook) http:\/\/127\.0\.0\.1:\d+\/(services|hooks)\/…$/);
  });
});

describe('never throws', () => {
  it('turns every kind of failure into a result', async () => {
    const { notifier } = testNotifier({
      fetch: (() => {
        throw new Error('boom from a broken fetch');
      }) as typeof fetch,
      maxAttempts: 2,
      log: () => {
        throw new Error('broken logger');
      },
    });
    const results = await notifier.notify(
      [
        { kind: 'webhook', url: 'https://example.com/hook' },
        { kind: 'teams', url: 'ftp://example.com/x' },
        { kind: 'pager', url: 'https://example.com/p' } as unknown as DeliveryTarget,
      ],
      EVENT,
    );
    expect(results).toEqual([
      expect.objectContaining({ ok: false, attempts: 2, error: 'network error: boom from a broken fetch (gave up after 2 attempts)' }),
      expect.objectContaining({ ok: false, attempts: 0, error: 'invalid URL: a notification target needs an https:// URL' }),
      expect.objectContaining({ ok: false, attempts: 0, error: 'unsupported notification target kind "pager"' }),
    ]);
  });

  it('survives input that does not match the types (from JSON)', async () => {
    const { notifier } = testNotifier();
    await expect(notifier.notify(null as unknown as DeliveryTarget[], EVENT)).resolves.toEqual([]);
    const r = await receiver();
    const results = await notifier.notify([{ kind: 'webhook', url: `${r.origin}/hook` }, null as unknown as DeliveryTarget], { type: 'something-new' } as never);
    expect(results).toHaveLength(1);
    expect(results[0]!.ok).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7000);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sun, 01 Jun 2025 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
