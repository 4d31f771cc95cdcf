/** The remote key set: fetched from a local node:http server standing in for Entra's keys endpoint. */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { createWebhookTokenValidator } from '../../lib/auth/index.js';
import type { RemoteJwksOptions, WebhookAuthResult, WebhookTokenValidator } from '../../lib/auth/index.js';
import { APP_ID_URI, CLIENT_ID, makeKey, NOW, sign, TENANT, v1Claims, v2Claims } from './tokens.js';
import type { TestKey } from './tokens.js';

type Mode = 'ok' | 'error' | 'garbage' | 'hang';

let server: Server;
let url: URL;
let mode: Mode = 'ok';
let published: JWK[] = [];
let requests = 0;
let first: TestKey;
let second: TestKey;

beforeAll(async () => {
  first = await makeKey('kid-2025-04');
  second = await makeKey('kid-2025-06');
  server = createServer((req, res) => {
    requests += 1;
    if (req.url !== `/${TENANT}/discovery/v2.0/keys`) {
      res.writeHead(404).end();
      return;
    }
    if (mode === 'hang') return;
    if (mode === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(mode === 'garbage' ? '<html>not json</html>' : JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${TENANT}/discovery/v2.0/keys`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  mode = 'ok';
  published = [first.jwk];
  requests = 0;
});

function validatorFor(remoteJwks: RemoteJwksOptions = {}, jwksUrl: URL = url): WebhookTokenValidator {
  return createWebhookTokenValidator({ tenantId: TENANT, audiences: [CLIENT_ID, APP_ID_URI], jwks: jwksUrl, remoteJwks, now: () => NOW });
}

function outcome(result: WebhookAuthResult): string {
  return result.ok ? 'ok' : `${result.status} ${result.reason}`;
}

describe('remote key set', () => {
  it('fetches the keys once and caches them', async () => {
    const validator = validatorFor();
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), first)}`))).toBe('ok');
    expect(outcome(await validator.validate(`Bearer ${await sign(v1Claims(), first)}`))).toBe('ok');
    expect(requests).toBe(1);
  });

  it('picks up a rotated key: a token under a new kid is accepted once the set has it', async () => {
    const validator = validatorFor({ cooldownMs: 0 });
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), first)}`))).toBe('ok');
    const rotated = `Bearer ${await sign(v2Claims(), second)}`;
    // Not published yet: re-fetched at once, still unknown, so the signature is not trusted.
    expect(outcome(await validator.validate(rotated))).toBe('401 bad_signature');
    expect(requests).toBe(2);
    published = [first.jwk, second.jwk];
    expect(outcome(await validator.validate(rotated))).toBe('ok');
    expect(requests).toBe(3);
    // Tokens under the old key keep working while it is published, without another fetch.
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), first)}`))).toBe('ok');
    expect(requests).toBe(3);
  });

  it('does not re-fetch for unknown key ids within the cooldown', async () => {
    const validator = validatorFor({ cooldownMs: 60_000 });
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), first)}`))).toBe('ok');
    published = [first.jwk, second.jwk];
    for (let i = 0; i < 3; i++) {
      expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), second)}`))).toBe('401 bad_signature');
    }
    expect(requests).toBe(1);
  });

  it('JWKS server down: jwks_unavailable (503), naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const downUrl = new URL(`http://127.0.0.1:${port}/${TENANT}/discovery/v2.0/keys`);
    const token = await sign(v2Claims(), first);
    const result = await validatorFor({}, downUrl).validate(`Bearer ${token}`);
    expect(outcome(result)).toBe('503 jwks_unavailable');
    expect(!result.ok && result.detail).toMatch(new RegExp(`could not be fetched from ${downUrl.href.replace(/[.]/g, '\\.')} \\(fetch failed: ECONNREFUSED\\); the call can be retried`));
    expect(!result.ok && result.detail).not.toContain(token);
  });

  it('JWKS endpoint answering an error or not JSON: jwks_unavailable', async () => {
    mode = 'error';
    const token = `Bearer ${await sign(v2Claims(), first)}`;
    const errored = await validatorFor().validate(token);
    expect(outcome(errored)).toBe('503 jwks_unavailable');
    expect(!errored.ok && errored.detail).toMatch(/Expected 200 OK/);
    mode = 'garbage';
    expect(outcome(await validatorFor().validate(token))).toBe('503 jwks_unavailable');
  });

  it('JWKS endpoint hanging: jwks_unavailable after the timeout', async () => {
    mode = 'hang';
    const started = Date.now();
    const result = await validatorFor({ timeoutMs: 200 }).validate(`Bearer ${await sign(v2Claims(), first)}`);
    expect(outcome(result)).toBe('503 jwks_unavailable');
    expect(!result.ok && result.detail).toMatch(/\(timed out\)/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not fetch keys for tokens refused before the signature check', async () => {
    const validator = validatorFor();
    expect(outcome(await validator.validate('Bearer not-a-jwt'))).toBe('401 malformed_token');
    expect(outcome(await validator.validate(`Bearer eyJhbGciOiJub25lIn0.${Buffer.from('{}').toString('base64url')}.`))).toBe(
      '401 unsupported_algorithm',
    );
    expect(requests).toBe(0);
  });
});

describe('when the key set cannot be refreshed', () => {
  it('keeps verifying with the keys it already has, without hammering the endpoint', async () => {
    const validator = validatorFor({ cacheMaxAgeMs: 0, cooldownMs: 60_000 });
    const token = `Bearer ${await sign(v2Claims(), first)}`;
    expect(outcome(await validator.validate(token))).toBe('ok');
    mode = 'error';
    expect(outcome(await validator.validate(token))).toBe('ok');
    expect(requests).toBe(2);
    expect(outcome(await validator.validate(token))).toBe('ok');
    expect(requests).toBe(2);
    // A key it has never seen cannot be looked up: retryable, not a forgery verdict.
    const unknown = await validator.validate(`Bearer ${await sign(v2Claims(), second)}`);
    expect(outcome(unknown)).toBe('503 jwks_unavailable');
    expect(!unknown.ok && unknown.detail).toMatch(/signing key 'kid-2025-06' is not among the cached keys/);
    // Forgeries are still refused with the cached keys.
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), second, { kid: first.kid })}`))).toBe('401 bad_signature');
  });

  it('recovers when the endpoint is back', async () => {
    const validator = validatorFor({ cacheMaxAgeMs: 0, cooldownMs: 0 });
    const token = `Bearer ${await sign(v2Claims(), first)}`;
    expect(outcome(await validator.validate(token))).toBe('ok');
    mode = 'error';
    expect(outcome(await validator.validate(token))).toBe('ok');
    mode = 'ok';
    published = [second.jwk];
    expect(outcome(await validator.validate(`Bearer ${await sign(v2Claims(), second)}`))).toBe('ok');
    // The old key is gone from the fresh set.
    expect(outcome(await validator.validate(token))).toBe('401 bad_signature');
  });

  it('gives up on keys older than staleMaxAgeMs', async () => {
    const validator = validatorFor({ cacheMaxAgeMs: 0, staleMaxAgeMs: 0 });
    const token = `Bearer ${await sign(v2Claims(), first)}`;
    expect(outcome(await validator.validate(token))).toBe('ok');
    mode = 'error';
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(outcome(await validator.validate(token))).toBe('503 jwks_unavailable');
  });
});
