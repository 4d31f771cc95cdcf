/**
 * The simulator's Entra tokens are what Entra ID would issue (sim/providers/identity.ts), and the
 * app's verifier, built as the on-call API builds it, takes a user's and refuses an application's.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { createWebhookTokenValidator, type WebhookAuthResult, type WebhookTokenValidator } from '../../lib/auth/index.js';
import { fetchTrusting } from '../../lib/http/fetch-trusting.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_OPERATOR_CLIENT_ID, LOCAL_TENANT_ID } from '../../local/sign-in.js';
import { AZURE_CLI_APP_ID, objectIdFor, servicePrincipalIdFor } from '../../sim/providers/identity.js';
import { Simulator } from '../../sim/simulator.js';

const TENANT = LOCAL_TENANT_ID;
const ISSUER_V1 = `https://sts.windows.net/${TENANT}/`;
const ISSUER_V2 = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const DANA = 'dana@contoso.example';
const DANA_OID = objectIdFor(DANA);
const DAEMON_APP_ID = '9a4c2e6f-1b3d-4f5a-8c7e-0d2b4f6a8c1e';
const UTI = /^[A-Za-z0-9_-]{22}$/;

let sim: Simulator;
let simFetch: typeof fetch;
let operatorTokens: WebhookTokenValidator;

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await simFetch(`${sim.baseUrl}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function token(body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await simFetch(`${sim.baseUrl}/_sim/identity/token`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function signIn(body: Record<string, unknown>): Promise<string> {
  const answer = await token({ tenant: TENANT, ...body });
  expect(answer.status).toBe(200);
  return answer.body['access_token'] as string;
}

function failure(result: WebhookAuthResult): { status: number; reason: string; detail: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { status: result.status, reason: result.reason, detail: result.detail };
}

beforeAll(async () => {
  sim = await Simulator.start();
  simFetch = fetchTrusting(sim.ca);
  // As lib/composition.ts builds the on-call validator, against the simulator's published keys.
  operatorTokens = createWebhookTokenValidator({
    tenantId: TENANT,
    audiences: [LOCAL_OPERATOR_AUDIENCE, LOCAL_OPERATOR_CLIENT_ID],
    jwks: new URL(`${sim.baseUrl}/${TENANT}/discovery/v2.0/keys`),
    remoteJwks: { fetch: simFetch },
    allowedCallerAppIds: 'any',
    requiredRole: null,
    requireDelegated: true,
    wording: { tenantSetting: 'OPERATOR_TENANT_ID', audiencesSetting: 'OPERATOR_AUDIENCES', missingTokenHint: 'sign in', delegatedTokenHint: "an on-call token must be a user's delegated token" },
  });
}, 30_000);
afterAll(() => sim?.close());

describe('the keys and discovery documents', () => {
  it('publishes the key as Entra does: kid = x5t = the thumbprint, with its issuer', async () => {
    const v2 = await get(`/${TENANT}/discovery/v2.0/keys`);
    expect(v2.status).toBe(200);
    const keys = v2.body['keys'] as Array<Record<string, string>>;
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    const der = createPublicKey({ key: { kty: 'RSA', n: key['n']!, e: key['e']! }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
    const thumbprint = createHash('sha1').update(der).digest('base64url');
    expect(key).toEqual({ kty: 'RSA', use: 'sig', kid: thumbprint, x5t: thumbprint, n: key['n'], e: 'AQAB', issuer: ISSUER_V2 });
    const v1 = await get(`/${TENANT}/discovery/keys`);
    expect(v1.body).toEqual({ keys: [{ ...key, issuer: ISSUER_V1 }] });
  });

  it("names the issuer the tenant's tokens carry, per version", async () => {
    const base = `${sim.baseUrl}/${TENANT}`;
    expect((await get(`/${TENANT}/v2.0/.well-known/openid-configuration`)).body).toMatchObject({
      issuer: ISSUER_V2,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
    expect((await get(`/${TENANT}/.well-known/openid-configuration`)).body).toMatchObject({
      issuer: ISSUER_V1,
      token_endpoint: `${base}/oauth2/token`,
      jwks_uri: `${base}/discovery/keys`,
    });
  });
});

describe("a user's token", () => {
  it('is v1.0 for an Application ID URI audience', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await signIn({ audience: LOCAL_OPERATOR_AUDIENCE, upn: DANA, roles: ['Failover.Approver'] });
    const kid = ((await get(`/${TENANT}/discovery/keys`)).body['keys'] as Array<{ kid: string }>)[0]!.kid;
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: 'JWT', alg: 'RS256', x5t: kid, kid });
    const claims = decodeJwt(jwt);
    expect(claims.iat).toBeGreaterThanOrEqual(before - 61);
    expect(claims.iat).toBeLessThanOrEqual(before - 59);
    expect(claims).toEqual({
      aud: LOCAL_OPERATOR_AUDIENCE,
      iss: ISSUER_V1,
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.iat! + 3600,
      acr: '1',
      amr: ['pwd'],
      appid: AZURE_CLI_APP_ID,
      appidacr: '0',
      roles: ['Failover.Approver'],
      name: DANA,
      oid: DANA_OID,
      scp: 'user_impersonation',
      sub: createHash('sha256').update(`${DANA_OID}|${LOCAL_OPERATOR_AUDIENCE}`).digest('base64url'),
      tid: TENANT,
      unique_name: DANA,
      upn: DANA,
      uti: expect.stringMatching(UTI),
      ver: '1.0',
    });
    const result = await operatorTokens.validate(`Bearer ${jwt}`);
    expect(result).toEqual({
      ok: true,
      principal: { appId: AZURE_CLI_APP_ID, tenantId: TENANT, roles: ['Failover.Approver'], tokenVersion: '1.0', subject: claims.sub, objectId: DANA_OID, name: DANA, groups: [] },
    });
  });

  it('is v2.0 for a client id audience, with a subject of its own', async () => {
    const jwt = await signIn({ audience: LOCAL_OPERATOR_CLIENT_ID, upn: DANA, groups: ['0b9e1c4a-6d2f-4a8e-9c3b-7f1d5e2a4c6b'] });
    const kid = ((await get(`/${TENANT}/discovery/v2.0/keys`)).body['keys'] as Array<{ kid: string }>)[0]!.kid;
    expect(decodeProtectedHeader(jwt)).toEqual({ typ: 'JWT', alg: 'RS256', kid });
    const claims = decodeJwt(jwt);
    const sub = createHash('sha256').update(`${DANA_OID}|${LOCAL_OPERATOR_CLIENT_ID}`).digest('base64url');
    expect(claims).toEqual({
      aud: LOCAL_OPERATOR_CLIENT_ID,
      iss: ISSUER_V2,
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.iat! + 3600,
      azp: AZURE_CLI_APP_ID,
      azpacr: '0',
      groups: ['0b9e1c4a-6d2f-4a8e-9c3b-7f1d5e2a4c6b'],
      name: DANA,
      oid: DANA_OID,
      preferred_username: DANA,
      scp: 'user_impersonation',
      sub,
      tid: TENANT,
      uti: expect.stringMatching(UTI),
      ver: '2.0',
    });
    // Pairwise: not the object id, and not the subject of the v1 audience's tokens.
    expect(sub).not.toBe(DANA_OID);
    expect(decodeJwt(await signIn({ audience: LOCAL_OPERATOR_AUDIENCE, upn: DANA })).sub).not.toBe(sub);
    expect(decodeJwt(await signIn({ audience: LOCAL_OPERATOR_CLIENT_ID, upn: DANA })).sub).toBe(sub);
    const result = await operatorTokens.validate(`Bearer ${jwt}`);
    expect(result.ok && result.principal).toEqual({
      appId: AZURE_CLI_APP_ID,
      tenantId: TENANT,
      roles: [],
      tokenVersion: '2.0',
      subject: sub,
      objectId: DANA_OID,
      name: DANA,
      groups: ['0b9e1c4a-6d2f-4a8e-9c3b-7f1d5e2a4c6b'],
    });
  });

  it('expires as Entra tokens do: issued long enough ago', async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 7200;
    const jwt = await signIn({ audience: LOCAL_OPERATOR_AUDIENCE, upn: DANA, issuedAt, expiresInSeconds: 3600 });
    expect(decodeJwt(jwt)).toMatchObject({ iat: issuedAt, nbf: issuedAt, exp: issuedAt + 3600 });
    expect(failure(await operatorTokens.validate(`Bearer ${jwt}`))).toMatchObject({ status: 401, reason: 'expired' });
    const longLived = await signIn({ audience: LOCAL_OPERATOR_AUDIENCE, upn: DANA, expiresInSeconds: 28 * 3600 });
    expect(decodeJwt(longLived).exp! - decodeJwt(longLived).iat!).toBe(100_800);
  });
});

describe("an application's own token", () => {
  it('is app-only: no scp, idtyp app, sub its service principal', async () => {
    const jwt = await signIn({ audience: LOCAL_OPERATOR_CLIENT_ID, appId: DAEMON_APP_ID, roles: ['Failover.Approver'] });
    const claims = decodeJwt(jwt);
    const oid = servicePrincipalIdFor(TENANT, DAEMON_APP_ID);
    expect(claims).toEqual({
      aud: LOCAL_OPERATOR_CLIENT_ID,
      iss: ISSUER_V2,
      iat: claims.iat,
      nbf: claims.iat,
      exp: claims.iat! + 3600,
      azp: DAEMON_APP_ID,
      azpacr: '1',
      idtyp: 'app',
      oid,
      roles: ['Failover.Approver'],
      sub: oid,
      tid: TENANT,
      uti: expect.stringMatching(UTI),
      ver: '2.0',
    });
    const v1 = decodeJwt(await signIn({ audience: LOCAL_OPERATOR_AUDIENCE, appId: DAEMON_APP_ID }));
    expect(v1).toEqual({
      aud: LOCAL_OPERATOR_AUDIENCE,
      iss: ISSUER_V1,
      iat: v1.iat,
      nbf: v1.iat,
      exp: v1.iat! + 3600,
      appid: DAEMON_APP_ID,
      appidacr: '1',
      idp: ISSUER_V1,
      idtyp: 'app',
      oid,
      sub: oid,
      tid: TENANT,
      uti: expect.stringMatching(UTI),
      ver: '1.0',
    });
  });

  it('is refused for on-call, whichever version, even holding the approver role', async () => {
    for (const audience of [LOCAL_OPERATOR_CLIENT_ID, LOCAL_OPERATOR_AUDIENCE]) {
      const jwt = await signIn({ audience, appId: DAEMON_APP_ID, roles: ['Failover.Approver'] });
      expect(failure(await operatorTokens.validate(`Bearer ${jwt}`))).toEqual({
        status: 401,
        reason: 'app_only_token',
        detail: "the token is an application's own (client credentials), not a signed-in user's: it is marked app-only (idtyp 'app'); an on-call token must be a user's delegated token",
      });
    }
  });
});

describe('requests Entra would refuse', () => {
  const bad = (detail: string) => ({ status: 400, body: { type: 'about:blank', title: 'Bad Request', status: 400, detail } });
  const user = { tenant: TENANT, audience: LOCAL_OPERATOR_AUDIENCE, upn: DANA };

  it('a tenant, object id or app id that is not a GUID', async () => {
    expect(await token({ ...user, tenant: 'contoso.onmicrosoft.com' })).toEqual(bad("tenant 'contoso.onmicrosoft.com' is not a directory (tenant) id GUID"));
    expect(await token({ ...user, oid: 'dana' })).toEqual(bad("oid 'dana' is not a GUID"));
    expect(await token({ ...user, appId: 'azure-cli' })).toEqual(bad("appId 'azure-cli' is not a GUID"));
    expect(await token({ tenant: TENANT, audience: LOCAL_OPERATOR_AUDIENCE, appId: 'daemon' })).toEqual(bad("appId 'daemon' is not a GUID"));
  });

  it('an audience that is neither a client id nor an Application ID URI', async () => {
    expect(await token({ ...user, audience: 'failover-orchestrator' })).toEqual(
      bad("audience 'failover-orchestrator' is neither the API's client id (a GUID: a v2.0 token) nor its Application ID URI (api://…: a v1.0 token)"),
    );
  });

  it('a lifetime of 0, negative, or over 28 hours, and a token dated ahead', async () => {
    const lifetime = (n: number) =>
      bad(`expiresInSeconds ${n} is not a lifetime Entra ID issues: whole seconds, more than 0 and at most 100800 (28 h); for an expired token, give issuedAt far enough in the past`);
    for (const n of [0, -3600, 100_801, 1.5]) expect(await token({ ...user, expiresInSeconds: n })).toEqual(lifetime(n));
    const ahead = Math.floor(Date.now() / 1000) + 600;
    const answer = await token({ ...user, issuedAt: ahead });
    expect(answer.status).toBe(400);
    expect(answer.body['detail']).toMatch(new RegExp(`^issuedAt ${ahead} is not a past time in Unix seconds \\(now \\d+\\); Entra ID does not date tokens ahead$`));
    expect(await token({ ...user, expiresInSeconds: '3600' })).toEqual(
      bad(
        'expiresInSeconds must be a number of seconds; send { tenant, audience, upn, oid?, name?, groups?, roles?, appId?, issuedAt?, expiresInSeconds? } for a user, or { tenant, audience, appId, oid?, roles?, issuedAt?, expiresInSeconds? } for an application',
      ),
    );
  });
});
