/**
 * Operators behind App Service Authentication ("Easy Auth").
 *
 * When Easy Auth is enabled on the function app, App Service validates the caller's sign-in or
 * token itself and passes the result to the app in request headers:
 *
 * - `x-ms-client-principal`: base64 of JSON `{ auth_typ, name_typ, role_typ, claims: [{ typ, val }] }`;
 * - `x-ms-client-principal-id`, `x-ms-client-principal-name`, `x-ms-client-principal-idp`.
 *
 * App Service removes these headers from incoming client requests, so they can be trusted ONLY when
 * Easy Auth sits in front of the app. Without it (Easy Auth off, the local host, or anything that can
 * reach the worker directly) a caller can send any principal it likes, so lib/operators/identity.ts
 * reads the header only when the platform says App Service Authentication is on
 * (WEBSITE_AUTH_ENABLED=True) and refuses it otherwise.
 *
 * Entra ID principals list app roles as claims of type `roles` while `role_typ` names the long
 * `…/claims/role` URI, so roles are collected from both.
 */

export interface ClientPrincipalClaim {
  typ: string;
  val: string;
}

export interface ClientPrincipal {
  /** The caller's id: `x-ms-client-principal-id`, else the object id (`oid`) claim. */
  id: string;
  /** A readable name (user principal name, e-mail, app name), else the id. */
  name: string;
  roles: string[];
  /** `auth_typ` (e.g. `aad`), else `x-ms-client-principal-idp`. */
  identityProvider: string;
  claims: ClientPrincipalClaim[];
}

export type ClientPrincipalFailure =
  /** No `x-ms-client-principal` header: the caller is not signed in, or Easy Auth is not in front of the app. */
  | 'missing_principal'
  /** The header is not base64. */
  | 'bad_base64'
  /** It decodes, but not to UTF-8 JSON. */
  | 'bad_json'
  /** JSON, but not `{ auth_typ, claims: [{ typ, val }] }` (the detail names the field). */
  | 'wrong_shape';

export type ClientPrincipalResult =
  | { ok: true; principal: ClientPrincipal }
  | { ok: false; reason: ClientPrincipalFailure; detail: string };

/** Request headers as `@azure/functions` (a `Headers`) or Node (`IncomingHttpHeaders`) give them. */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export const CLIENT_PRINCIPAL_HEADER = 'x-ms-client-principal';

const ROLE_CLAIM_TYPES = ['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];
const ID_CLAIM_TYPES = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid'];
const NAME_CLAIM_TYPES = [
  'name',
  'preferred_username',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
];
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null | undefined }).get(name);
    return value ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const wanted = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === wanted);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' ? value : value?.[0];
}

/** Parse the App Service Authentication principal from request headers. Never throws. */
export function parseClientPrincipal(headers: HeaderSource): ClientPrincipalResult {
  const encoded = headerValue(headers, CLIENT_PRINCIPAL_HEADER)?.trim() ?? '';
  if (encoded === '') {
    return {
      ok: false,
      reason: 'missing_principal',
      detail: `no ${CLIENT_PRINCIPAL_HEADER} header: the caller is not signed in, or App Service Authentication is not enabled in front of the function app`,
    };
  }
  return decodeClientPrincipal(encoded, {
    id: headerValue(headers, 'x-ms-client-principal-id'),
    name: headerValue(headers, 'x-ms-client-principal-name'),
    identityProvider: headerValue(headers, 'x-ms-client-principal-idp'),
  });
}

/** Decode an `x-ms-client-principal` value; `extra` carries the companion headers, which take precedence. */
export function decodeClientPrincipal(
  encoded: string,
  extra: { id?: string | undefined; name?: string | undefined; identityProvider?: string | undefined } = {},
): ClientPrincipalResult {
  const fail = (reason: ClientPrincipalFailure, detail: string): ClientPrincipalResult => ({ ok: false, reason, detail });
  const compact = encoded.trim();
  if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    return fail('bad_base64', `the ${CLIENT_PRINCIPAL_HEADER} header is not base64`);
  }
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(compact, 'base64'));
  } catch {
    return fail('bad_json', `the ${CLIENT_PRINCIPAL_HEADER} header does not decode to UTF-8 text`);
  }
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch {
    return fail('bad_json', `the ${CLIENT_PRINCIPAL_HEADER} header does not decode to JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail('wrong_shape', `the ${CLIENT_PRINCIPAL_HEADER} JSON is not an object`);
  }
  const record = body as Record<string, unknown>;
  for (const field of ['auth_typ', 'name_typ', 'role_typ'] as const) {
    const value = record[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: ${field} is ${typeName(value)}, expected a string`);
    }
  }
  if (!Array.isArray(record['claims'])) {
    return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: claims is ${typeName(record['claims'])}, expected an array of { typ, val }`);
  }
  const claims: ClientPrincipalClaim[] = [];
  for (const [index, item] of (record['claims'] as unknown[]).entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: claims[${index}] is ${typeName(item)}, expected { typ, val }`);
    }
    const { typ, val } = item as Record<string, unknown>;
    if (typeof typ !== 'string' || typ === '') {
      return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: claims[${index}].typ is ${typeName(typ)}, expected a non-empty string`);
    }
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') {
      return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: claims[${index}].val is ${typeName(val)}, expected a string`);
    }
    claims.push({ typ, val: String(val) });
  }
  const authTyp = typeof record['auth_typ'] === 'string' ? record['auth_typ'] : '';
  const nameTyp = typeof record['name_typ'] === 'string' ? record['name_typ'] : undefined;
  const roleTyp = typeof record['role_typ'] === 'string' ? record['role_typ'] : undefined;
  const claim = (types: readonly string[]): string | undefined => {
    for (const type of types) {
      const found = claims.find((c) => c.typ === type && c.val !== '');
      if (found !== undefined) return found.val;
    }
    return undefined;
  };
  const id = nonEmpty(extra.id) ?? claim(ID_CLAIM_TYPES);
  if (id === undefined) {
    return fail('wrong_shape', `${CLIENT_PRINCIPAL_HEADER}: no caller id (no x-ms-client-principal-id header and no oid claim)`);
  }
  const name = nonEmpty(extra.name) ?? claim(nameTyp === undefined ? NAME_CLAIM_TYPES : [nameTyp, ...NAME_CLAIM_TYPES]) ?? id;
  const roleTypes = new Set(roleTyp === undefined ? ROLE_CLAIM_TYPES : [roleTyp, ...ROLE_CLAIM_TYPES]);
  const roles = [...new Set(claims.filter((c) => roleTypes.has(c.typ) && c.val !== '').map((c) => c.val))];
  const identityProvider = nonEmpty(authTyp) ?? nonEmpty(extra.identityProvider) ?? '';
  return { ok: true, principal: { id, name, roles, identityProvider, claims } };
}

export type RoleCheck = { ok: true } | { ok: false; status: 403; reason: 'missing_role'; detail: string };

/** App role values are compared exactly, as Entra ID issues them. */
export function requireRole(principal: ClientPrincipal, role: string): RoleCheck {
  if (principal.roles.includes(role)) return { ok: true };
  const held = principal.roles.length === 0 ? 'no app roles' : `the roles ${principal.roles.map((r) => `'${r}'`).join(', ')}`;
  return {
    ok: false,
    status: 403,
    reason: 'missing_role',
    detail: `${principal.name} (${principal.id}) has ${held}, not '${role}'; assign the app role '${role}' to them on the function app's app registration`,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
