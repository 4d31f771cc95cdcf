import { beforeAll, describe, expect, it } from 'vitest';
import { CompactSign, SignJWT } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import {
  AUTH_FAILURE_STATUS,
  AZNS_AAD_WEBHOOK_APP_ID,
  createWebhookTokenValidator,
  defaultJwksUrl,
  wwwAuthenticate,
} from '../../lib/auth/index.js';
import type { WebhookAuthResult, WebhookTokenValidator, WebhookTokenValidatorOptions } from '../../lib/auth/index.js';
import {
  APP_ID_URI,
  AZNS_SP_OBJECT_ID,
  base64url,
  CLIENT_ID,
  ISSUER_V1,
  ISSUER_V2,
  makeKey,
  NOW,
  NOW_S,
  OTHER_TENANT,
  publicPem,
  sign,
  TENANT,
  v1Claims,
  v2Claims,
  without,
} from './tokens.js';
import type { TestKey } from './tokens.js';

let key: TestKey;
let otherKey: TestKey;
let jwks: JSONWebKeySet;
let validator: WebhookTokenValidator;

function makeValidator(options: Partial<WebhookTokenValidatorOptions> = {}): WebhookTokenValidator {
  return createWebhookTokenValidator({ tenantId: TENANT, audiences: [CLIENT_ID, APP_ID_URI], jwks, now: () => NOW, ...options });
}

/** Validate, and check that whatever the outcome the detail never repeats the token or its signature. */
async function check(token: string, v: WebhookTokenValidator = validator): Promise<WebhookAuthResult> {
  const result = await v.validate(`Bearer ${token}`);
  if (!result.ok) {
    expect(result.detail).not.toContain(token);
    const signature = token.split('.')[2];
    if (signature) expect(result.detail).not.toContain(signature);
  }
  return result;
}

function failure(result: WebhookAuthResult): { status: number; reason: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return { status: result.status, reason: result.reason };
}

function detail(result: WebhookAuthResult): string {
  if (result.ok) throw new Error('expected a failure');
  return result.detail;
}

beforeAll(async () => {
  key = await makeKey('kid-current');
  otherKey = await makeKey('kid-attacker');
  jwks = { keys: [key.jwk] };
  validator = makeValidator();
});

describe('valid secure webhook tokens', () => {
  it('accepts a v2 token (client id audience, azp)', async () => {
    const result = await check(await sign(v2Claims(), key));
    expect(result).toEqual({
      ok: true,
      principal: { appId: AZNS_AAD_WEBHOOK_APP_ID, tenantId: TENANT, roles: ['ActionGroupsSecureWebhook'], tokenVersion: '2.0', subject: AZNS_SP_OBJECT_ID, objectId: AZNS_SP_OBJECT_ID, name: null, groups: [] },
    });
  });

  it('accepts a v1 token (Application ID URI audience, appid, sts.windows.net issuer)', async () => {
    const result = await check(await sign(v1Claims(), key));
    expect(result).toEqual({
      ok: true,
      principal: { appId: AZNS_AAD_WEBHOOK_APP_ID, tenantId: TENANT, roles: ['ActionGroupsSecureWebhook'], tokenVersion: '1.0', subject: AZNS_SP_OBJECT_ID, objectId: AZNS_SP_OBJECT_ID, name: null, groups: [] },
    });
  });

  it('accepts a v1 token for either audience form, a v2 token for the client id', async () => {
    expect((await check(await sign(v1Claims({ aud: CLIENT_ID }), key))).ok).toBe(true);
    expect((await check(await sign(v2Claims({ aud: ['https://other.example', CLIENT_ID] }), key))).ok).toBe(true);
  });

  it('is lenient about the Bearer scheme case and surrounding whitespace', async () => {
    const token = await sign(v2Claims(), key);
    expect((await validator.validate(`bearer ${token}`)).ok).toBe(true);
    expect((await validator.validate(`  BEARER   ${token}  `)).ok).toBe(true);
  });

  it('keeps the other roles and accepts extra ones', async () => {
    const result = await check(await sign(v2Claims({ roles: ['Other.Role', 'ActionGroupsSecureWebhook'] }), key));
    expect(result.ok && result.principal.roles).toEqual(['Other.Role', 'ActionGroupsSecureWebhook']);
  });

  it('allows clock skew up to the tolerance (default 300 s)', async () => {
    expect((await check(await sign(v2Claims({ exp: NOW_S - 299 }), key))).ok).toBe(true);
    expect((await check(await sign(v2Claims({ nbf: NOW_S + 299 }), key))).ok).toBe(true);
    const strict = makeValidator({ clockToleranceSeconds: 0 });
    expect(failure(await check(await sign(v2Claims({ exp: NOW_S - 1 }), key), strict))).toEqual({ status: 401, reason: 'expired' });
  });

  it('takes custom callers and role', async () => {
    const custom = makeValidator({ allowedCallerAppIds: ['11111111-2222-3333-4444-555555555555'], requiredRole: 'Alerts.Send' });
    const ok = await check(await sign(v2Claims({ azp: '11111111-2222-3333-4444-555555555555', roles: ['Alerts.Send'] }), key), custom);
    expect(ok.ok && ok.principal.appId).toBe('11111111-2222-3333-4444-555555555555');
    expect(failure(await check(await sign(v2Claims(), key), custom))).toEqual({ status: 403, reason: 'wrong_caller' });
  });
});

describe('the credential', () => {
  it('missing header', async () => {
    for (const header of [undefined, null, '', '   ']) {
      const result = await validator.validate(header);
      expect(failure(result)).toEqual({ status: 401, reason: 'missing_token' });
    }
    expect(detail(await validator.validate(undefined))).toMatch(/no Authorization header/);
  });

  it('not a Bearer credential', async () => {
    const result = await validator.validate('Basic dXNlcjpwYXNzd29yZA==');
    expect(failure(result)).toEqual({ status: 401, reason: 'missing_token' });
    expect(detail(result)).toMatch(/'Basic' scheme/);
    expect(detail(result)).not.toContain('dXNlcjpwYXNzd29yZA');
    expect(failure(await validator.validate('Bearer'))).toEqual({ status: 401, reason: 'missing_token' });
    expect(failure(await validator.validate('Bearer    '))).toEqual({ status: 401, reason: 'missing_token' });
  });

  it('garbage', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d', 'abc.def.ghi', `${base64url({ alg: 'RS256' })}.%%%.sig`, `${'x'.repeat(20_000)}.e30.sig`]) {
      expect(failure(await check(token))).toEqual({ status: 401, reason: 'malformed_token' });
    }
    expect(detail(await check('abc.def.ghi'))).toMatch(/header is not base64url-encoded JSON/);
  });

  it('a signed payload that is not a claims set', async () => {
    for (const payload of ['[1,2]', 'not json']) {
      const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
      const result = await check(token);
      expect(failure(result)).toEqual({ status: 401, reason: 'malformed_token' });
      expect(detail(result)).toMatch(/not a valid JWT: JWT Claims Set must be a top-level JSON object/);
    }
  });
});

describe('signature and algorithm', () => {
  it('bad signature: signed by another key under the same kid', async () => {
    const token = await sign(v2Claims(), otherKey, { kid: key.kid });
    const result = await check(token);
    expect(failure(result)).toEqual({ status: 401, reason: 'bad_signature' });
    expect(detail(result)).toMatch(/signature does not verify/);
  });

  it('bad signature: signed by a key the key set does not have', async () => {
    const result = await check(await sign(v2Claims(), otherKey));
    expect(failure(result)).toEqual({ status: 401, reason: 'bad_signature' });
    expect(detail(result)).toMatch(/no key in the configured local key set matches/);
  });

  it('bad signature: a payload changed after signing', async () => {
    const [h, , s] = (await sign(v2Claims(), key)).split('.');
    const forged = `${h}.${base64url(v2Claims({ roles: ['ActionGroupsSecureWebhook', 'Admin'] }))}.${s}`;
    expect(failure(await check(forged))).toEqual({ status: 401, reason: 'bad_signature' });
  });

  it('bad signature: no kid and several keys', async () => {
    const twoKeys = makeValidator({ jwks: { keys: [key.jwk, otherKey.jwk] } });
    const result = await check(await sign(v2Claims(), key, { kid: undefined }), twoKeys);
    expect(failure(result)).toEqual({ status: 401, reason: 'bad_signature' });
  });

  it('alg none', async () => {
    const token = `eyJhbGciOiJub25lIn0.${base64url(v2Claims())}.`;
    const result = await check(token);
    expect(failure(result)).toEqual({ status: 401, reason: 'unsupported_algorithm' });
    expect(detail(result)).toMatch(/alg 'none'; only RS256/);
    // Also with a typ and an empty signature plus a stray dot-less variant.
    expect(failure(await check(`${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(v2Claims())}.`))).toEqual({
      status: 401,
      reason: 'unsupported_algorithm',
    });
  });

  it('HS256 signed with the public key as the secret', async () => {
    const secret = new TextEncoder().encode(await publicPem(key));
    const token = await new SignJWT(v2Claims()).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(secret);
    const result = await check(token);
    expect(failure(result)).toEqual({ status: 401, reason: 'unsupported_algorithm' });
    expect(detail(result)).toMatch(/alg 'HS256'/);
  });

  it('other algorithms, and none named', async () => {
    const token = `${base64url({ alg: 'RS512', kid: key.kid })}.${base64url(v2Claims())}.c2ln`;
    expect(failure(await check(token))).toEqual({ status: 401, reason: 'unsupported_algorithm' });
    const noAlg = `${base64url({ kid: key.kid })}.${base64url(v2Claims())}.c2ln`;
    expect(failure(await check(noAlg))).toEqual({ status: 401, reason: 'malformed_token' });
  });
});

describe('lifetime', () => {
  it('expired', async () => {
    const result = await check(await sign(v2Claims({ exp: NOW_S - 301 }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'expired' });
    expect(detail(result)).toBe('the token expired at 2025-06-01T11:54:59.000Z (now 2025-06-01T12:00:00.000Z, clock tolerance 300 s)');
  });

  it('nbf in the future', async () => {
    const result = await check(await sign(v2Claims({ nbf: NOW_S + 600 }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'not_yet_valid' });
    expect(detail(result)).toMatch(/not valid before 2025-06-01T12:10:00.000Z .*check this host's clock/);
  });

  it('no exp', async () => {
    expect(failure(await check(await sign(without(v2Claims(), 'exp'), key)))).toEqual({ status: 401, reason: 'malformed_token' });
  });

  it('checks a valid signature before the lifetime', async () => {
    // An expired token under the wrong key is a signature failure, not "expired".
    expect(failure(await check(await sign(v2Claims({ exp: NOW_S - 3600 }), otherKey, { kid: key.kid })))).toEqual({
      status: 401,
      reason: 'bad_signature',
    });
  });
});

describe('claims', () => {
  it('wrong issuer', async () => {
    const result = await check(await sign(v2Claims({ iss: 'https://evil.example/' }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_issuer' });
    expect(detail(result)).toBe(
      `token issuer 'https://evil.example/' is not Entra ID for tenant '${TENANT}' (expected '${ISSUER_V2}' or '${ISSUER_V1}'); check WEBHOOK_TENANT_ID`,
    );
    expect(failure(await check(await sign(without(v2Claims(), 'iss'), key)))).toEqual({ status: 401, reason: 'wrong_issuer' });
    // Issuer lookalikes: wrong scheme, missing trailing slash, other host.
    for (const iss of [`http://sts.windows.net/${TENANT}/`, `https://sts.windows.net/${TENANT}`, `https://login.microsoftonline.us/${TENANT}/v2.0`]) {
      expect(failure(await check(await sign(v2Claims({ iss }), key)))).toEqual({ status: 401, reason: 'wrong_issuer' });
    }
  });

  it("another tenant's issuer (v2 and v1 forms)", async () => {
    for (const iss of [`https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, `https://sts.windows.net/${OTHER_TENANT}/`]) {
      const result = await check(await sign(v2Claims({ iss, tid: OTHER_TENANT }), key));
      expect(failure(result)).toEqual({ status: 401, reason: 'wrong_issuer' });
      expect(detail(result)).toMatch(new RegExp(`issued by tenant '${OTHER_TENANT}', not WEBHOOK_TENANT_ID '${TENANT}'`));
    }
  });

  it('wrong audience', async () => {
    const result = await check(await sign(v2Claims({ aud: 'https://management.azure.com' }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_audience' });
    expect(detail(result)).toBe(
      `token audience 'https://management.azure.com' is not one of '${CLIENT_ID}', '${APP_ID_URI}'; set WEBHOOK_AUDIENCES to your API app's ` +
        `client id and Application ID URI (v2 tokens carry the client id, v1 tokens the URI; this is a v2.0 token)`,
    );
    expect(failure(await check(await sign(without(v2Claims(), 'aud'), key)))).toEqual({ status: 401, reason: 'wrong_audience' });
  });

  it('a v1 token is refused when only the client id is configured, and says why', async () => {
    const clientIdOnly = makeValidator({ audiences: [CLIENT_ID] });
    const result = await check(await sign(v1Claims(), key), clientIdOnly);
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_audience' });
    expect(detail(result)).toMatch(/this is a v1.0 token/);
  });

  it('a v2 token naming an Application ID URI is refused: a v2 audience is always the client id', async () => {
    const result = await check(await sign(v2Claims({ aud: APP_ID_URI }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_audience' });
    expect(detail(result)).toBe(
      `token audience '${APP_ID_URI}' is not a client id, but a v2.0 token's audience is always the API's client id (a GUID); ` +
        'Entra ID issues no such token, so it is refused (an Application ID URI comes only in v1.0 tokens)',
    );
    // Refused even where only the URI is configured; accepted beside the client id.
    const uriOnly = makeValidator({ audiences: [APP_ID_URI] });
    expect(failure(await check(await sign(v2Claims({ aud: APP_ID_URI }), key), uriOnly))).toEqual({ status: 401, reason: 'wrong_audience' });
    expect((await check(await sign(v2Claims({ aud: [APP_ID_URI, CLIENT_ID] }), key))).ok).toBe(true);
  });

  it("an issuer that is not the token version's is refused", async () => {
    const v2FromSts = await check(await sign(v2Claims({ iss: ISSUER_V1 }), key));
    expect(failure(v2FromSts)).toEqual({ status: 401, reason: 'wrong_issuer' });
    expect(detail(v2FromSts)).toBe(`a v2.0 token (ver) is issued by '${ISSUER_V2}', but this one names '${ISSUER_V1}'; Entra ID issues no such token`);
    const v1FromLogin = await check(await sign(v1Claims({ iss: ISSUER_V2 }), key));
    expect(failure(v1FromLogin)).toEqual({ status: 401, reason: 'wrong_issuer' });
    expect(detail(v1FromLogin)).toBe(`a v1.0 token (ver) is issued by '${ISSUER_V1}', but this one names '${ISSUER_V2}'; Entra ID issues no such token`);
  });

  it('a token without an Entra version is refused', async () => {
    const none = await check(await sign(without(v2Claims(), 'ver'), key));
    expect(failure(none)).toEqual({ status: 401, reason: 'malformed_token' });
    expect(detail(none)).toBe("the token's ver claim is missing; Entra ID access tokens say their version, 1.0 or 2.0");
    const other = await check(await sign(v2Claims({ ver: '3.0' }), key));
    expect(failure(other)).toEqual({ status: 401, reason: 'malformed_token' });
    expect(detail(other)).toBe("the token's ver claim is '3.0'; Entra ID access tokens say their version, 1.0 or 2.0");
  });

  it('wrong tid', async () => {
    const result = await check(await sign(v2Claims({ tid: OTHER_TENANT }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_tenant' });
    expect(detail(result)).toBe(`token tid '${OTHER_TENANT}' is not WEBHOOK_TENANT_ID '${TENANT}'`);
    expect(failure(await check(await sign(without(v2Claims(), 'tid'), key)))).toEqual({ status: 401, reason: 'wrong_tenant' });
  });

  it('wrong azp (v2)', async () => {
    const result = await check(await sign(v2Claims({ azp: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' }), key));
    expect(failure(result)).toEqual({ status: 403, reason: 'wrong_caller' });
    expect(detail(result)).toBe(
      `the token was issued to app '04b07795-8ddb-461a-bbee-02f9e1bf7b46' (azp), not Azure Monitor's action group app ` +
        `(AzNS AAD Webhook, ${AZNS_AAD_WEBHOOK_APP_ID}); only action groups may call this webhook`,
    );
  });

  it('wrong appid (v1)', async () => {
    const result = await check(await sign(v1Claims({ appid: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' }), key));
    expect(failure(result)).toEqual({ status: 403, reason: 'wrong_caller' });
    expect(detail(result)).toMatch(/'04b07795-8ddb-461a-bbee-02f9e1bf7b46' \(appid\)/);
  });

  it('no calling app claim', async () => {
    const result = await check(await sign(without(v2Claims(), 'azp'), key));
    expect(failure(result)).toEqual({ status: 403, reason: 'wrong_caller' });
    expect(detail(result)).toMatch(/no azp claim/);
  });

  it('missing role', async () => {
    const result = await check(await sign(v2Claims({ roles: ['Some.Other.Role'] }), key));
    expect(failure(result)).toEqual({ status: 403, reason: 'missing_role' });
    expect(detail(result)).toMatch(/^token roles 'Some.Other.Role' do not include 'ActionGroupsSecureWebhook'; create the app role/);
    expect(failure(await check(await sign(without(v2Claims(), 'roles'), key)))).toEqual({ status: 403, reason: 'missing_role' });
    expect(failure(await check(await sign(v2Claims({ roles: 'ActionGroupsSecureWebhook' }), key)))).toEqual({ status: 403, reason: 'missing_role' });
    expect(failure(await check(await sign(v2Claims({ roles: ['actiongroupssecurewebhook'] }), key)))).toEqual({ status: 403, reason: 'missing_role' });
  });

  it('keeps hostile claim values out of details: control characters removed, long values cut', async () => {
    const result = await check(await sign(v2Claims({ aud: `evil\r\nSet-Cookie: x=1${'a'.repeat(500)}` }), key));
    expect(failure(result)).toEqual({ status: 401, reason: 'wrong_audience' });
    expect(detail(result)).not.toMatch(/[\r\n]/);
    expect(detail(result).length).toBeLessThan(500);
  });
});

describe("where only a user's delegated token is taken", () => {
  const USER_OID = '3c1e9a7b-2d4f-4e6a-8b0c-5d7e9f1a2b3c';
  /** A v2 delegated token: a user signed in through the Azure CLI. */
  const userClaims = (overrides: JWTPayload = {}): JWTPayload => ({
    ...without(v2Claims(), 'idtyp', 'roles'),
    azp: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    azpacr: '0',
    oid: USER_OID,
    preferred_username: 'dana@contoso.example',
    scp: 'user_impersonation',
    sub: 'pairwise-subject',
    ...overrides,
  });
  const delegatedOnly = () => makeValidator({ allowedCallerAppIds: 'any', requiredRole: null, requireDelegated: true });

  it("accepts a user's delegated token (scp), with or without idtyp user", async () => {
    for (const claims of [userClaims(), userClaims({ idtyp: 'user' })]) {
      const result = await check(await sign(claims, key), delegatedOnly());
      expect(result.ok && result.principal).toEqual({
        appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        tenantId: TENANT,
        roles: [],
        tokenVersion: '2.0',
        subject: 'pairwise-subject',
        objectId: USER_OID,
        name: 'dana@contoso.example',
        groups: [],
      });
    }
  });

  it('refuses an app-only token: no scp, or idtyp app', async () => {
    const appOnly = await check(await sign(v2Claims({ azp: '11111111-2222-3333-4444-555555555555' }), key), delegatedOnly());
    expect(failure(appOnly)).toEqual({ status: 401, reason: 'app_only_token' });
    expect(detail(appOnly)).toBe(
      "the token is an application's own (client credentials), not a signed-in user's: it is marked app-only (idtyp 'app'); only a user's delegated token is accepted",
    );
    // idtyp is an optional claim: without it, the missing scp says the same.
    const noIdtyp = await check(await sign(without(v1Claims(), 'idtyp'), key), delegatedOnly());
    expect(failure(noIdtyp)).toEqual({ status: 401, reason: 'app_only_token' });
    expect(detail(noIdtyp)).toBe(
      "the token is an application's own (client credentials), not a signed-in user's: it carries no delegated scopes (scp); only a user's delegated token is accepted",
    );
    expect(failure(await check(await sign(userClaims({ idtyp: 'app' }), key), delegatedOnly()))).toEqual({ status: 401, reason: 'app_only_token' });
    expect(failure(await check(await sign(userClaims({ scp: '' }), key), delegatedOnly()))).toEqual({ status: 401, reason: 'app_only_token' });
    expect(wwwAuthenticate({ ok: false, status: 401, reason: 'app_only_token' })).toBe('Bearer error="invalid_token", error_description="app_only_token"');
  });

  it('says what the caller names', async () => {
    const worded = makeValidator({
      allowedCallerAppIds: 'any',
      requiredRole: null,
      requireDelegated: true,
      wording: { tenantSetting: 'OPERATOR_TENANT_ID', audiencesSetting: 'OPERATOR_AUDIENCES', missingTokenHint: 'sign in', delegatedTokenHint: "an on-call token must be a user's delegated token" },
    });
    expect(detail(await check(await sign(v2Claims(), key), worded))).toBe(
      "the token is an application's own (client credentials), not a signed-in user's: it is marked app-only (idtyp 'app'); an on-call token must be a user's delegated token",
    );
  });

  it("leaves the secure webhook's app-only tokens alone by default", async () => {
    expect((await check(await sign(v2Claims(), key))).ok).toBe(true);
  });
});

describe('statuses, challenge and options', () => {
  it('maps every failure to 401, 403 or 503', () => {
    expect(AUTH_FAILURE_STATUS).toEqual({
      missing_token: 401,
      malformed_token: 401,
      bad_signature: 401,
      expired: 401,
      not_yet_valid: 401,
      wrong_issuer: 401,
      wrong_audience: 401,
      wrong_tenant: 401,
      app_only_token: 401,
      wrong_caller: 403,
      missing_role: 403,
      unsupported_algorithm: 401,
      jwks_unavailable: 503,
    });
  });

  it('builds WWW-Authenticate values without claim values', () => {
    expect(wwwAuthenticate({ ok: false, status: 401, reason: 'missing_token' })).toBe('Bearer');
    expect(wwwAuthenticate({ ok: false, status: 401, reason: 'expired' })).toBe('Bearer error="invalid_token", error_description="expired"');
    expect(wwwAuthenticate({ ok: false, status: 403, reason: 'missing_role' })).toBe(
      'Bearer error="insufficient_scope", error_description="missing_role"',
    );
    expect(wwwAuthenticate({ ok: false, status: 503, reason: 'jwks_unavailable' })).toBeUndefined();
  });

  it('defaults the key set to the tenant keys endpoint', () => {
    expect(defaultJwksUrl(TENANT).href).toBe(`https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`);
  });

  it('refuses unusable options', () => {
    expect(() => createWebhookTokenValidator({ tenantId: 'contoso.onmicrosoft.com', audiences: [CLIENT_ID], jwks })).toThrow(
      /not a directory \(tenant\) id GUID; set WEBHOOK_TENANT_ID/,
    );
    expect(() => createWebhookTokenValidator({ tenantId: TENANT, audiences: [' '], jwks })).toThrow(/set WEBHOOK_AUDIENCES/);
    expect(() => createWebhookTokenValidator({ tenantId: TENANT, audiences: [CLIENT_ID], allowedCallerAppIds: [], jwks })).toThrow(
      /allowedCallerAppIds is empty/,
    );
    expect(() => createWebhookTokenValidator({ tenantId: TENANT, audiences: [CLIENT_ID], clockToleranceSeconds: -1, jwks })).toThrow(
      /clockToleranceSeconds/,
    );
  });

  it('compares the tenant case-insensitively', async () => {
    const upper = makeValidator({ tenantId: TENANT.toUpperCase() });
    expect((await check(await sign(v2Claims(), key), upper)).ok).toBe(true);
  });
});
