/**
 * POST /api/alerts through the real local host, Azurite and the durable runtime: every answer
 * the webhook gives, the function key, the action-group secure-webhook tokens (checked against a
 * JWKS served locally), storage failing, the intake failing for good after archiving (a bug, a
 * refused request: 202 intake-failed, the archive marked, the channel told), and fuzzed bodies.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlertArchive } from '../../lib/archive/index.js';
import { appServices, resetAppServices } from '../../lib/composition.js';
import { readFixture, repoRoot } from '../support/fixtures.js';
import { base64url, CLIENT_ID, makeKey, OTHER_TENANT, sign, TENANT, v2Claims, type TestKey } from '../auth/tokens.js';
import { closedPort } from '../notify/receiver.js';
import { startApp, type App, type Reply } from './support.js';

const media = readFileSync(join(repoRoot, 'samples/alerts/servicehealth-media-westeurope-active.json'), 'utf8');
const PROBLEM = 'https://failover.contoso.example/problems/';

function expectProblem(reply: Reply, status: number, slug: string, detail: string | RegExp, path?: string): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: `${PROBLEM}${slug}`, status, ...(path !== undefined ? { path } : {}) });
  if (typeof detail === 'string') expect(reply.body.detail).toBe(detail);
  else expect(reply.body.detail).toMatch(detail);
}

describe('the alert webhook with function keys', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  it('202: starts an incident, then answers duplicates and updates into it', async () => {
    const first = await app.alert(media);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ accepted: true, acted: true, delivery: 'started' });
    expect(first.headers.get('location')).toBe(first.body.statusUrl);
    expect(first.body.statusUrl).toBe(`${app.host.url}/api/incidents/${first.body.incidentId}`);
    expect((await app.alert(media)).body).toMatchObject({ delivery: 'duplicate', incidentId: first.body.incidentId });
    const update = media.replace('"communicationId": "11000093512874"', '"communicationId": "11000093512875"');
    expect((await app.alert(update)).body).toMatchObject({ delivery: 'delivered', incidentId: first.body.incidentId });
  });

  it('202 without acting: no workload affected, and a synthetic test notification', async () => {
    const vm = await app.alert(media.replaceAll('Media Services', 'Virtual Machines'));
    expect(vm.status).toBe(202);
    expect(vm.body).toMatchObject({ accepted: true, acted: false, reason: 'no workload in the catalog is affected' });
    const test = await app.alert(readFixture('servicehealth-common-testaction.json'));
    expect(test.body).toMatchObject({ accepted: true, acted: false, reason: 'a test notification (IsSynthetic): archived, never acted on' });
  });

  it('400, 413, 415 and 422 name the problem (and the field)', async () => {
    expectProblem(await app.alert('{"schemaId": '), 400, 'invalid-json', /^body is not valid JSON: /, '$');
    expectProblem(await app.alert('{"schemaId":"Microsoft.Insights/activityLogs","data":{"context":{}}}'), 422, 'missing-field', 'required object is missing', '$.data.context.activityLog');
    expectProblem(await app.alert(media, { 'content-type': 'text/plain' }), 415, 'unsupported-media-type', "send the alert as application/json (got 'text/plain')");
    const huge = JSON.stringify({ schemaId: 'azureMonitorCommonAlertSchema', padding: 'x'.repeat(300 * 1024) });
    expectProblem(await app.alert(huge), 413, 'payload-too-large', /^alerts are at most 262144 bytes/);
  });

  it('401 without the function key, or with a wrong one', async () => {
    expect((await app.request('POST', '/api/alerts', { body: media, key: null })).status).toBe(401);
    expect((await app.request('POST', '/api/alerts', { body: media, key: 'not-the-key' })).status).toBe(401);
  });

  it('never answers 500 and keeps running, whatever the body (1,000 fuzzed bodies over HTTP)', async () => {
    const sample = JSON.parse(media) as Record<string, unknown>;
    const mutated = fc.tuple(fc.constantFrom('schemaId', 'data'), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => JSON.stringify({ ...sample, [k]: v }));
    const bodies = fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), mutated);
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const reply = await app.alert(body);
        statuses.add(reply.status);
        expect([202, 400, 422]).toContain(reply.status);
      }),
      { numRuns: 1000, seed: 11 },
    );
    expect(statuses.has(400) && statuses.has(422)).toBe(true);
    expect((await app.request('GET', '/api/health', { key: null })).status).toBe(200);
  }, 120_000);
});

describe('the alert webhook with secure-webhook tokens', () => {
  let app: App;
  let jwks: Server;
  let key: TestKey;
  let stranger: TestKey;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: Record<string, unknown> = {}) => v2Claims({ iat: now() - 60, nbf: now() - 60, exp: now() + 3600, ...overrides });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    key = await makeKey('key-1');
    stranger = await makeKey('key-1');
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.jwk] })));
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    app = await startApp({
      env: { WEBHOOK_TENANT_ID: TENANT, WEBHOOK_AUDIENCES: `${CLIENT_ID},api://${CLIENT_ID}`, WEBHOOK_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/keys` },
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    jwks?.close();
  });

  it('202 with a valid token', async () => {
    const reply = await app.alert(media, bearer(await sign(claims(), key)));
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  });

  it('401 for a missing token, a bad signature, the wrong audience or tenant, an expired token and alg none; 403 without the role', async () => {
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['missing token', {}, 401, 'missing-token'],
      ['bad signature', bearer(await sign(claims(), stranger)), 401, 'bad-signature'],
      ['wrong audience', bearer(await sign(claims({ aud: 'api://someone-else' }), key)), 401, 'wrong-audience'],
      ['wrong tenant', bearer(await sign(claims({ tid: OTHER_TENANT }), key)), 401, 'wrong-tenant'],
      ['issuer of another tenant', bearer(await sign(claims({ tid: OTHER_TENANT, iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` }), key)), 401, 'wrong-issuer'],
      ['expired', bearer(await sign(claims({ iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }), key)), 401, 'expired'],
      ['alg none', bearer(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`), 401, 'unsupported-algorithm'],
      ['no role', bearer(await sign(claims({ roles: [] }), key)), 403, 'missing-role'],
    ];
    const seen: Array<[string, number, string]> = [];
    for (const [what, headers] of cases) {
      const reply = await app.alert(media, headers);
      seen.push([what, reply.status, String(reply.body.type).replace(PROBLEM, '')]);
      expect(reply.headers.get('www-authenticate'), what).toMatch(/^Bearer/);
    }
    expect(seen).toEqual(cases.map(([what, , status, slug]) => [what, status, slug]));
  });
});

describe('the alert webhook when storage is down', () => {
  let app: App;
  beforeAll(async () => {
    const port = await closedPort();
    const dead = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
    app = await startApp({ env: { ALERT_ARCHIVE_CONNECTION: dead } });
  }, 60_000);
  afterAll(() => app?.close());

  it('503 with Retry-After, so the action group sends it again; never 500', async () => {
    const reply = await app.alert(media);
    expectProblem(reply, 503, 'archive-unavailable', 'the alert archive is unavailable; the alert was not accepted, send it again');
    expect(reply.headers.get('retry-after')).toBe('10');
  }, 60_000);
});

describe('the alert webhook when the intake fails for good after archiving', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  /** What the media workload's Teams channel heard: the headline of each card. */
  const teamsHeadlines = async () =>
    (await app.hooks('media-oncall')).map((h) => (h.body as { attachments?: Array<{ content: { body: Array<{ inlines: Array<{ text: string }> }> } }> }).attachments?.[0]?.content.body[0]?.inlines.map((i) => i.text).join(''));

  it('a programming error answers 202 intake-failed (not a 503 retried for nothing), marks the archived alert and tells the workload\'s channel', async () => {
    // A bug in a dependency: the incident claims throw a TypeError.
    const claims = appServices().stores.incidentClaims;
    const bug = vi.spyOn(claims, 'claimIncident').mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'instanceId')"));
    let reply: Reply;
    try {
      reply = await app.alert(media);
    } finally {
      bug.mockRestore();
    }
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.headers.get('retry-after')).toBeNull();
    expect(reply.body).toMatchObject({
      accepted: true,
      acted: false,
      outcome: 'intake-failed',
      // Both of media-streaming's channels got it: Teams, and email through Communication Services.
      reported: { archiveMarked: true, channels: 2, delivered: 2, queued: 0 },
    });
    expect(reply.body.reason).toMatch(/^the alert was archived but the orchestrator failed on it: TypeError: Cannot read properties of undefined \(reading 'instanceId'\)\. A retry would fail the same way/);

    // The alert is kept, marked with what became of it.
    const archived = await createAlertArchive({ connectionString: app.azurite.connectionString }).get(reply.body.archived as string);
    expect(archived.raw.toString('utf8')).toBe(media);
    expect(archived.meta).toMatchObject({ outcome: 'intake-failed', incidentKey: '7TQ2-RX8', source: 'alerts' });

    // One notification, on the channel of the workload the alert concerns, naming the archived alert and the error.
    const heard = (await app.hooks('media-oncall')).filter((h) => JSON.stringify(h.body).includes('Alert not handled'));
    expect(heard).toHaveLength(1);
    expect(await teamsHeadlines()).toContain('Alert not handled: the orchestrator failed on an alert about media-streaming');
    const card = JSON.stringify(heard[0]!.body);
    expect(card).toContain(reply.body.archived as string);
    expect(card).toContain("TypeError: Cannot read properties of undefined (reading 'instanceId')");
    expect(card).toContain('failover trigger --workloads media-streaming');
    // Nothing was started; the app's log has the error with its stack, for whoever fixes it.
    expect(await appServices().stores.incidentClaims.claimHolder('7TQ2-RX8')).toBeNull();
    const logged = app.logs.find((e) => e.functionName === 'alerts' && e.message.includes('was archived but the intake failed on it'));
    expect(logged).toMatchObject({ level: 'error' });
    expect(logged!.message).toContain('\n    at ');

    // Once the fault is gone, the same alert posted again is handled as usual.
    const again = await app.alert(media);
    expect(again.body).toMatchObject({ accepted: true, acted: true, delivery: 'started' });
  }, 60_000);

  it('a refused request (the claims table\'s key is wrong: 403) is not retried either, and says what storage answered', async () => {
    const before = process.env['INCIDENT_CLAIMS_CONNECTION'];
    process.env['INCIDENT_CLAIMS_CONNECTION'] = app.azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
    resetAppServices();
    let reply: Reply;
    try {
      reply = await app.alert(media.replace('"communicationId": "11000093512874"', '"communicationId": "11000093519999"').replace('7TQ2-RX8', 'ZZ99-X00'));
    } finally {
      process.env['INCIDENT_CLAIMS_CONNECTION'] = before;
      resetAppServices();
    }
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    expect(reply.body).toMatchObject({ outcome: 'intake-failed', reported: { archiveMarked: true, delivered: 2 } });
    expect(reply.body.reason).toMatch(/failed on it: StorageError: \w+: claims incidentclaims /);
    expect(await teamsHeadlines()).toContain('Alert not handled: the orchestrator failed on an alert about media-streaming');
  }, 60_000);
});

describe('the alert webhook with unusable settings', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ env: { ALERT_MAX_BYTES: 'lots' } });
  }, 60_000);
  afterAll(() => app?.close());

  it('503 naming the setting and the fix', async () => {
    const reply = await app.alert(media);
    expectProblem(reply, 503, 'misconfigured', /^the app is misconfigured: ALERT_MAX_BYTES "lots" is invalid; use a whole number of bytes of at least 1024/);
  });
});
