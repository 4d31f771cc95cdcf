/**
 * A Microsoft Entra ID stand-in, enough for `ClientSecretCredential` (with `authorityHost`
 * set to the simulator and instance discovery off): OpenID metadata and a token endpoint. The
 * token names the client, so the operation log can say who did what.
 *
 * It also signs access tokens for the app as Entra would issue them, so the app's verifier is
 * tested against what it will meet in Azure, not against what a forgiving stand-in accepts:
 * on-call engineers' delegated tokens (`az account get-access-token --resource …`) and
 * app-only tokens (the client credentials flow), issued through the control API
 * (`POST /_sim/identity/token`), so tests and rehearsals can sign in as anyone. Claims follow the
 * access token claims reference
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference):
 *
 * - The version is the API app's `accessTokenAcceptedVersion` (null or 1: v1.0, 2: v2.0;
 *   https://learn.microsoft.com/entra/identity-platform/access-tokens#token-formats). The
 *   simulator has no app registrations, so it reads the version from the audience asked for.
 *   Assumed: the local app registration accepts v1 tokens unless its audience is its client id;
 *   that is, a client id (GUID) audience gets a v2.0 token, an Application ID URI (`api://…`)
 *   a v1.0 token.
 * - v1.0: `iss` https://sts.windows.net/{tid}/, `ver` 1.0, `appid`/`appidacr`, `upn` and
 *   `unique_name`, `aud` the Application ID URI as requested; the header carries `x5t` too.
 * - v2.0: `iss` https://login.microsoftonline.com/{tid}/v2.0, `ver` 2.0, `azp`/`azpacr`,
 *   `preferred_username`, `aud` always the API's client id.
 * - `sub` is pairwise: unique to the user and the application, unlike `oid`. Delegated tokens
 *   carry `scp`; app-only tokens carry no `scp`, their app roles in `roles`, and `idtyp` app
 *   (https://learn.microsoft.com/entra/identity-platform/optional-claims-reference).
 * - Lifetimes: 60-90 minutes by default, 20-28 hours at most for long-lived tokens
 *   (https://learn.microsoft.com/entra/identity-platform/access-tokens#token-lifetime).
 *
 * The public key is published at the tenant's `/discovery/v2.0/keys` (and the v1
 * `/discovery/keys`) as Entra publishes its keys: `kid` equal to `x5t`, the key's issuer beside it.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { ok } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route, SimResponse } from '../types.js';

/** The Azure CLI's client id: the app people sign in through when they ask for a token by hand. */
export const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
/** The longest access token lifetime Entra issues (long-lived tokens: 20 to 28 hours). */
const MAX_TOKEN_LIFETIME_SECONDS = 28 * 3600;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An Application ID URI: `api://…`, or another absolute URI (`https://…` on a verified domain). */
const APP_ID_URI = /^[a-z][a-z0-9+.-]*:\/\/\S+$/i;

export type TokenVersion = '1.0' | '2.0';

interface TokenTiming {
  /** `iat` and `nbf`, Unix seconds; default a minute ago. Never in the future. */
  issuedAt?: number;
  /** `exp` − `iat`: more than 0, at most 28 hours; default 3600. An expired token is one issued long enough ago. */
  expiresInSeconds?: number;
}

export interface UserTokenRequest extends TokenTiming {
  tenant: string;
  audience: string;
  oid: string;
  upn: string;
  name?: string;
  groups?: string[];
  roles?: string[];
  /** The client app the user signed in through; default the Azure CLI. */
  clientAppId?: string;
}

/** An app-only token: an application's own, from the client credentials flow. */
export interface AppTokenRequest extends TokenTiming {
  tenant: string;
  audience: string;
  /** The calling application's client id. */
  appId: string;
  /** The object id of its service principal in the tenant; default one derived from the app id. */
  oid?: string;
  /** The app roles (application permissions) granted to it on the API. */
  roles?: string[];
}

/** A token request Entra would refuse, or could never answer with a token. */
export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRequestError';
  }
}

/** The signing key of this simulator process and what Entra would publish of it. */
export interface UserTokenIssuer {
  /** The key set at the tenant's keys endpoint of that version. */
  jwks(tenant: string, version: TokenVersion): { keys: object[] };
  issue(request: UserTokenRequest, nowMs: number): string;
  issueAppOnly(request: AppTokenRequest, nowMs: number): string;
}

/** The token version Entra issues for this audience (see the header: assumed from the audience). */
function tokenVersionFor(audience: string): TokenVersion {
  return GUID.test(audience) ? '2.0' : '1.0';
}

/** The `iss` of the tenant's tokens of that version, and the `issuer` of its discovery document. */
function issuerFor(tenant: string, version: TokenVersion): string {
  return version === '2.0' ? `https://login.microsoftonline.com/${tenant}/v2.0` : `https://sts.windows.net/${tenant}/`;
}

/** `sub`: pairwise, the same for a user and an application every time, different across applications. */
function pairwiseSubject(oid: string, audience: string): string {
  // Assumed: Entra's derivation is not published; this gives its shape (43 base64url characters).
  return createHash('sha256').update(`${oid.toLowerCase()}|${audience}`).digest('base64url');
}

interface SigningKey {
  privateKey: KeyObject;
  /** base64url SHA-1 thumbprint: both `kid` and `x5t`. */
  thumbprint: string;
  n: string;
  e: string;
}

export function createUserTokenIssuer(): UserTokenIssuer {
  // Generated on first use: most simulator starts never sign a token, and a key takes ~130 ms.
  let key: SigningKey | undefined;
  const signingKey = (): SigningKey => {
    if (key !== undefined) return key;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // Entra's kid and x5t are the SHA-1 thumbprint of the key's certificate. Assumed: no
    // certificate here, so the thumbprint is of the public key (its SubjectPublicKeyInfo DER).
    const thumbprint = createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
    const { n, e } = publicKey.export({ format: 'jwk' });
    key = { privateKey, thumbprint, n: n!, e: e! };
    return key;
  };
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  function sign(version: TokenVersion, payload: object): string {
    const k = signingKey();
    // v1.0 tokens name their key twice: x5t is kept in them for compatibility.
    const header = version === '1.0' ? { typ: 'JWT', alg: 'RS256', x5t: k.thumbprint, kid: k.thumbprint } : { typ: 'JWT', alg: 'RS256', kid: k.thumbprint };
    const signing = `${b64(header)}.${b64(payload)}`;
    return `${signing}.${createSign('RSA-SHA256').update(signing).sign(k.privateKey).toString('base64url')}`;
  }

  /** The checks Entra's answer implies, and the claims every token has. */
  function common(request: { tenant: string; audience: string } & TokenTiming, nowMs: number) {
    if (!GUID.test(request.tenant)) throw new TokenRequestError(`tenant '${request.tenant}' is not a directory (tenant) id GUID`);
    if (!GUID.test(request.audience) && !APP_ID_URI.test(request.audience)) {
      throw new TokenRequestError(`audience '${request.audience}' is neither the API's client id (a GUID: a v2.0 token) nor its Application ID URI (api://…: a v1.0 token)`);
    }
    const now = Math.floor(nowMs / 1000);
    const lifetime = request.expiresInSeconds ?? 3600;
    if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
      throw new TokenRequestError(
        `expiresInSeconds ${lifetime} is not a lifetime Entra ID issues: whole seconds, more than 0 and at most ${MAX_TOKEN_LIFETIME_SECONDS} (28 h); for an expired token, give issuedAt far enough in the past`,
      );
    }
    // A minute back by default, so a host whose clock runs a little behind accepts the token at once.
    const issuedAt = request.issuedAt ?? now - 60;
    if (!Number.isInteger(issuedAt) || issuedAt > now) {
      throw new TokenRequestError(`issuedAt ${issuedAt} is not a past time in Unix seconds (now ${now}); Entra ID does not date tokens ahead`);
    }
    const version = tokenVersionFor(request.audience);
    const iss = issuerFor(request.tenant, version);
    return {
      version,
      iss,
      head: { aud: request.audience, iss, iat: issuedAt, nbf: issuedAt, exp: issuedAt + lifetime },
      // uti: a token identifier, unique per token (jti in the JWT specification).
      uti: randomBytes(16).toString('base64url'),
    };
  }

  const guid = (what: string, value: string) => {
    if (!GUID.test(value)) throw new TokenRequestError(`${what} '${value}' is not a GUID`);
  };

  return {
    jwks(tenant, version) {
      const k = signingKey();
      return { keys: [{ kty: 'RSA', use: 'sig', kid: k.thumbprint, x5t: k.thumbprint, n: k.n, e: k.e, issuer: issuerFor(tenant, version) }] };
    },
    issue(request, nowMs) {
      const { version, head, uti } = common(request, nowMs);
      guid('oid', request.oid);
      const client = request.clientAppId ?? AZURE_CLI_APP_ID;
      guid('appId', client);
      const optional = {
        ...(request.groups !== undefined ? { groups: request.groups } : {}),
        ...(request.roles !== undefined ? { roles: request.roles } : {}),
      };
      const name = request.name ?? request.upn;
      const sub = pairwiseSubject(request.oid, request.audience);
      // A public client such as the Azure CLI authenticates with no secret: appidacr/azpacr 0.
      const payload =
        version === '1.0'
          ? { ...head, acr: '1', amr: ['pwd'], appid: client, appidacr: '0', ...optional, name, oid: request.oid, scp: 'user_impersonation', sub, tid: request.tenant, unique_name: request.upn, upn: request.upn, uti, ver: '1.0' }
          : { ...head, azp: client, azpacr: '0', ...optional, name, oid: request.oid, preferred_username: request.upn, scp: 'user_impersonation', sub, tid: request.tenant, uti, ver: '2.0' };
      return sign(version, payload);
    },
    issueAppOnly(request, nowMs) {
      const { version, head, iss, uti } = common(request, nowMs);
      guid('appId', request.appId);
      const oid = request.oid ?? servicePrincipalIdFor(request.tenant, request.appId);
      guid('oid', oid);
      const roles = request.roles !== undefined ? { roles: request.roles } : {};
      // Assumed: the API app has the idtyp optional claim on, which Entra emits only in app-only
      // tokens; an app-only token's sub is its service principal's object id, its oid.
      // A confidential client authenticated with a secret: appidacr/azpacr 1.
      const payload =
        version === '1.0'
          ? { ...head, appid: request.appId, appidacr: '1', idp: iss, idtyp: 'app', oid, ...roles, sub: oid, tid: request.tenant, uti, ver: '1.0' }
          : { ...head, azp: request.appId, azpacr: '1', idtyp: 'app', oid, ...roles, sub: oid, tid: request.tenant, uti, ver: '2.0' };
      return sign(version, payload);
    },
  };
}

/**
 * `POST /_sim/identity/token`: a signed token for the fields the body gives. With `upn`, a
 * user's delegated token (through the client app `appId`, default the Azure CLI); without it
 * and with `appId`, that application's app-only token.
 */
export function issueUserToken(issuer: UserTokenIssuer, body: unknown): SimResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof b[name] === 'string' && b[name] !== '' ? (b[name] as string) : undefined);
  const list = (name: string) => (Array.isArray(b[name]) ? (b[name] as unknown[]).filter((v): v is string => typeof v === 'string') : undefined);
  const usage = 'send { tenant, audience, upn, oid?, name?, groups?, roles?, appId?, issuedAt?, expiresInSeconds? } for a user, or { tenant, audience, appId, oid?, roles?, issuedAt?, expiresInSeconds? } for an application';
  const [tenant, audience, upn, appId] = [text('tenant'), text('audience'), text('upn'), text('appId')];
  if (tenant === undefined || audience === undefined || (upn === undefined && appId === undefined)) return badTokenRequest(usage);
  const numbers: { issuedAt?: number; expiresInSeconds?: number } = {};
  for (const name of ['issuedAt', 'expiresInSeconds'] as const) {
    if (b[name] === undefined) continue;
    if (typeof b[name] !== 'number') return badTokenRequest(`${name} must be a number of seconds; ${usage}`);
    numbers[name] = b[name];
  }
  const roles = list('roles');
  // Tokens are checked against real time by whoever validates them, whatever pace the simulated estate runs at.
  const now = Date.now();
  try {
    if (upn === undefined) {
      const oid = text('oid');
      return tokenAnswer(issuer.issueAppOnly({ tenant, audience, appId: appId!, ...(oid !== undefined ? { oid } : {}), ...(roles !== undefined ? { roles } : {}), ...numbers }, now));
    }
    // One person, one object id: the same UPN signs in as the same oid unless told otherwise.
    const oid = text('oid') ?? objectIdFor(upn);
    const groups = list('groups');
    const name = text('name');
    return tokenAnswer(
      issuer.issue(
        {
          tenant,
          audience,
          oid,
          upn,
          ...(name !== undefined ? { name } : {}),
          ...(groups !== undefined ? { groups } : {}),
          ...(roles !== undefined ? { roles } : {}),
          ...(appId !== undefined ? { clientAppId: appId } : {}),
          ...numbers,
        },
        now,
      ),
    );
  } catch (err) {
    if (err instanceof TokenRequestError) return badTokenRequest(err.message);
    throw err;
  }
}

function tokenAnswer(token: string): SimResponse {
  return ok({ token_type: 'Bearer', access_token: token });
}

function badTokenRequest(detail: string): SimResponse {
  return { status: 400, body: { type: 'about:blank', title: 'Bad Request', status: 400, detail } };
}

/** A stable GUID-shaped object id for a user principal name. */
export function objectIdFor(upn: string): string {
  return guidFrom(upn.toLowerCase());
}

/** A stable object id for an application's service principal in a tenant. */
export function servicePrincipalIdFor(tenant: string, appId: string): string {
  return guidFrom(`servicePrincipal|${tenant.toLowerCase()}|${appId.toLowerCase()}`);
}

function guidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function identityRoutes(sim: Simulator): Route[] {
  // Discovery documents name the issuer the tokens carry, as OpenID Connect requires ("MUST exactly
  // match the value of the iss Claim"); the endpoints are the simulator's.
  const discovery = (tenant: string, version: TokenVersion) => {
    const base = sim.url(`/${tenant}`);
    const v = version === '2.0' ? '/v2.0' : '';
    return ok({
      issuer: issuerFor(tenant, version),
      authorization_endpoint: `${base}/oauth2${v}/authorize`,
      token_endpoint: `${base}/oauth2${v}/token`,
      jwks_uri: `${base}/discovery${v}/keys`,
      end_session_endpoint: `${base}/oauth2${v}/logout`,
      response_types_supported: ['code', 'token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'WW',
    });
  };
  return [
    {
      method: 'GET',
      pattern: '/{tenant}/discovery/v2.0/keys',
      operation: 'Identity/keys',
      arm: false,
      handle: ({ params }) => ok(sim.userTokens.jwks(params['tenant']!, '2.0')),
    },
    {
      // Assumed: the v1 key set holds the same keys, each naming the tenant's v1 issuer.
      method: 'GET',
      pattern: '/{tenant}/discovery/keys',
      operation: 'Identity/keys',
      arm: false,
      handle: ({ params }) => ok(sim.userTokens.jwks(params['tenant']!, '1.0')),
    },
    {
      method: 'GET',
      pattern: '/{tenant}/v2.0/.well-known/openid-configuration',
      operation: 'Identity/openid-configuration',
      arm: false,
      handle: ({ params }) => discovery(params['tenant']!, '2.0'),
    },
    {
      // The v1.0 metadata, where a v1.0 token's issuer is read from
      // (https://learn.microsoft.com/entra/identity-platform/access-tokens#v10-and-v20-tokens).
      method: 'GET',
      pattern: '/{tenant}/.well-known/openid-configuration',
      operation: 'Identity/openid-configuration',
      arm: false,
      handle: ({ params }) => discovery(params['tenant']!, '1.0'),
    },
    {
      method: 'POST',
      pattern: '/{tenant}/oauth2/v2.0/token',
      operation: 'Identity/token',
      arm: false,
      handle: ({ request, params }) => {
        const form = (request.body ?? {}) as Record<string, string>;
        const appid = form['client_id'] ?? 'unknown-client';
        // oid: the object id of the client's service principal, which data planes that assign
        // roles to principals (Purview collections) compare, as Entra's app-only tokens carry it.
        const oid = servicePrincipalIdFor(params['tenant']!, appid);
        const token = `sim.${Buffer.from(JSON.stringify({ appid, oid, tid: params['tenant'], scope: form['scope'] ?? '', iat: Math.floor(Date.now() / 1000) })).toString('base64url')}`;
        return ok({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      },
    },
  ];
}

/** A token for tests and tools that skip the credential flow, naming the caller (and the scope it was asked for). */
export function simToken(caller: string, scope?: string): string {
  return `sim.${Buffer.from(JSON.stringify({ appid: caller, ...(scope !== undefined ? { scope } : {}) })).toString('base64url')}`;
}

/** What a token from the simulator's token endpoint says: its client, service principal and scope. */
export interface SimTokenClaims {
  appid?: string;
  oid?: string;
  tid?: string;
  /** The scope asked for (`https://purview.azure.net/.default`): the token's audience is this without `/.default`. */
  scope?: string;
}

/** The claims of a simulator token (`sim.<base64url JSON>`), or null for any other token. */
export function simTokenClaims(token: string): SimTokenClaims | null {
  if (!token.startsWith('sim.')) return null;
  try {
    const claims = JSON.parse(Buffer.from(token.slice(4), 'base64url').toString('utf8')) as unknown;
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as SimTokenClaims) : null;
  } catch {
    return null;
  }
}
