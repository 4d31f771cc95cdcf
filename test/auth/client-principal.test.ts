import { describe, expect, it } from 'vitest';
import { decodeClientPrincipal, parseClientPrincipal, requireRole } from '../../lib/auth/index.js';
import type { ClientPrincipal, ClientPrincipalResult } from '../../lib/auth/index.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '8c2d5b1e-3f4a-4e6d-9b7c-0a1e2f3d4c5b';

/** The principal App Service Authentication passes for an Entra ID user (shape as Easy Auth emits it). */
const entraPrincipal = {
  auth_typ: 'aad',
  claims: [
    { typ: 'aud', val: 'a3c5f0e2-5b7d-4d1a-9f3e-6c8b2a1d4e5f' },
    { typ: 'iss', val: `https://login.microsoftonline.com/${TENANT}/v2.0` },
    { typ: 'iat', val: '1748779200' },
    { typ: 'nbf', val: '1748779200' },
    { typ: 'exp', val: '1748783100' },
    { typ: 'aio', val: 'AUQAu/8ZAAAA' },
    { typ: 'c_hash', val: 'x3CJ5sZ4Zq1Sx8c0wJ9h2w' },
    { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', val: 'ada@contoso.com' },
    { typ: 'name', val: 'Ada Lovelace' },
    { typ: 'nonce', val: '5f1b3c2a9e8d4f6b8a7c6d5e4f3a2b1c_20250601120000' },
    { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: OID },
    { typ: 'preferred_username', val: 'ada@contoso.com' },
    { typ: 'rh', val: '1.AXkAv4j5cvGGr0GRqy180BHbR4aDZkatdUuK9xvbf8-YAA.' },
    { typ: 'roles', val: 'Failover.Operator' },
    { typ: 'roles', val: 'Failover.Reader' },
    { typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', val: 'pTk2X0n7Vq1bY3c4d5e6f7g8h9i0j1k2l3m4n5o6p7q' },
    { typ: 'http://schemas.microsoft.com/identity/claims/tenantid', val: TENANT },
    { typ: 'uti', val: 'uXt1wRQ0ZkmoYqNnZQ8bAA' },
    { typ: 'ver', val: '2.0' },
  ],
  name_typ: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
};

const encode = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

function easyAuthHeaders(principal: unknown = entraPrincipal): Headers {
  return new Headers({
    'x-ms-client-principal': encode(principal),
    'x-ms-client-principal-id': OID,
    'x-ms-client-principal-name': 'ada@contoso.com',
    'x-ms-client-principal-idp': 'aad',
  });
}

function principalOf(result: ClientPrincipalResult): ClientPrincipal {
  if (!result.ok) throw new Error(`expected a principal, got ${result.reason}: ${result.detail}`);
  return result.principal;
}

describe('parseClientPrincipal', () => {
  it('reads a real-shaped Entra ID principal with its companion headers', () => {
    const principal = principalOf(parseClientPrincipal(easyAuthHeaders()));
    expect({ ...principal, claims: principal.claims.length }).toEqual({
      id: OID,
      name: 'ada@contoso.com',
      roles: ['Failover.Operator', 'Failover.Reader'],
      identityProvider: 'aad',
      claims: 19,
    });
  });

  it('falls back to the claims without the companion headers, from a plain header record in any case', () => {
    const principal = principalOf(parseClientPrincipal({ 'X-MS-CLIENT-PRINCIPAL': encode(entraPrincipal) }));
    expect(principal.id).toBe(OID);
    expect(principal.name).toBe('ada@contoso.com'); // the name_typ claim
    expect(principal.identityProvider).toBe('aad');
    const noNameTyp = principalOf(parseClientPrincipal({ 'x-ms-client-principal': encode({ ...entraPrincipal, name_typ: undefined }) }));
    expect(noNameTyp.name).toBe('Ada Lovelace');
  });

  it('collects roles under role_typ as well as "roles"', () => {
    const principal = principalOf(
      decodeClientPrincipal(
        encode({
          auth_typ: 'aad',
          role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
          claims: [
            { typ: 'oid', val: OID },
            { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'Failover.Approver' },
            { typ: 'roles', val: 'Failover.Operator' },
            { typ: 'roles', val: 'Failover.Operator' },
            { typ: 'groups', val: 'not-a-role' },
          ],
        }),
      ),
    );
    expect(principal.roles).toEqual(['Failover.Approver', 'Failover.Operator']);
  });

  it('accepts base64url and missing padding', () => {
    const url = Buffer.from(JSON.stringify(entraPrincipal)).toString('base64url');
    expect(principalOf(decodeClientPrincipal(url)).id).toBe(OID);
  });

  it('missing header', () => {
    for (const headers of [new Headers(), { 'x-ms-client-principal': '' }, { 'x-ms-client-principal': undefined }]) {
      const result = parseClientPrincipal(headers);
      expect(result.ok ? 'ok' : result.reason).toBe('missing_principal');
    }
    const result = parseClientPrincipal(new Headers());
    expect(!result.ok && result.detail).toBe(
      'no x-ms-client-principal header: the caller is not signed in, or App Service Authentication is not enabled in front of the function app',
    );
  });

  it.each([
    ['not base64 at all', '!!! not base64 !!!', 'bad_base64', 'the x-ms-client-principal header is not base64'],
    ['impossible base64 length', 'abcde', 'bad_base64', 'the x-ms-client-principal header is not base64'],
    ['padding in the middle', 'ab==cd', 'bad_base64', 'the x-ms-client-principal header is not base64'],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]).toString('base64'), 'bad_json', 'the x-ms-client-principal header does not decode to UTF-8 text'],
    ['not JSON', encode('auth_typ=aad'), 'bad_json', 'the x-ms-client-principal header does not decode to JSON'],
    ['truncated JSON', encode('{"auth_typ":"aad","claims":['), 'bad_json', 'the x-ms-client-principal header does not decode to JSON'],
    ['an array', encode([]), 'wrong_shape', 'the x-ms-client-principal JSON is not an object'],
    ['null', encode('null'), 'wrong_shape', 'the x-ms-client-principal JSON is not an object'],
    ['no claims', encode({ auth_typ: 'aad' }), 'wrong_shape', 'x-ms-client-principal: claims is missing, expected an array of { typ, val }'],
    ['claims not an array', encode({ auth_typ: 'aad', claims: {} }), 'wrong_shape', 'x-ms-client-principal: claims is an object, expected an array of { typ, val }'],
    ['a claim not an object', encode({ auth_typ: 'aad', claims: ['roles'] }), 'wrong_shape', 'x-ms-client-principal: claims[0] is a string, expected { typ, val }'],
    ['a claim without typ', encode({ auth_typ: 'aad', claims: [{ typ: 'oid', val: OID }, { val: 'x' }] }), 'wrong_shape', 'x-ms-client-principal: claims[1].typ is missing, expected a non-empty string'],
    ['a claim with an object val', encode({ auth_typ: 'aad', claims: [{ typ: 'roles', val: { role: 'x' } }] }), 'wrong_shape', 'x-ms-client-principal: claims[0].val is an object, expected a string'],
    ['auth_typ not a string', encode({ auth_typ: 1, claims: [] }), 'wrong_shape', 'x-ms-client-principal: auth_typ is a number, expected a string'],
    ['role_typ not a string', encode({ auth_typ: 'aad', role_typ: ['roles'], claims: [] }), 'wrong_shape', 'x-ms-client-principal: role_typ is an array, expected a string'],
    ['no caller id', encode({ auth_typ: 'aad', claims: [{ typ: 'name', val: 'Ada' }] }), 'wrong_shape', 'x-ms-client-principal: no caller id (no x-ms-client-principal-id header and no oid claim)'],
  ])('%s', (_name, value, reason, detail) => {
    const result = decodeClientPrincipal(value);
    expect(result).toEqual({ ok: false, reason, detail });
  });

  it('takes the id from the companion header when the claims have none', () => {
    const headers = { 'x-ms-client-principal': encode({ auth_typ: 'aad', claims: [] }), 'x-ms-client-principal-id': OID };
    expect(principalOf(parseClientPrincipal(headers))).toEqual({ id: OID, name: OID, roles: [], identityProvider: 'aad', claims: [] });
  });

  it('stringifies numeric claim values', () => {
    const principal = principalOf(decodeClientPrincipal(encode({ auth_typ: 'aad', claims: [{ typ: 'oid', val: OID }, { typ: 'iat', val: 1748779200 }] })));
    expect(principal.claims[1]).toEqual({ typ: 'iat', val: '1748779200' });
  });
});

describe('requireRole', () => {
  const principal = principalOf(parseClientPrincipal(easyAuthHeaders()));

  it('passes with the role', () => {
    expect(requireRole(principal, 'Failover.Operator')).toEqual({ ok: true });
  });

  it('refuses without it, exactly (case matters)', () => {
    expect(requireRole(principal, 'failover.operator')).toEqual({
      ok: false,
      status: 403,
      reason: 'missing_role',
      detail:
        `ada@contoso.com (${OID}) has the roles 'Failover.Operator', 'Failover.Reader', not 'failover.operator'; ` +
        "assign the app role 'failover.operator' to them on the function app's app registration",
    });
    const none = { ...principal, roles: [] };
    expect(requireRole(none, 'Failover.Operator')).toMatchObject({ ok: false, detail: expect.stringMatching(/has no app roles, not 'Failover.Operator'/) });
  });
});

