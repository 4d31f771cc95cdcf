/**
 * Secure webhook authentication: the Microsoft Entra ID access token an Azure Monitor action group
 * sends when its webhook receiver has `useAadAuth` (reference: alert-payloads.md §4.4).
 *
 * The caller is the first-party app "AzNS AAD Webhook" (appId 461e8683-5575-4561-ac7f-899cc907d62a),
 * holding the app role `ActionGroupsSecureWebhook` on your API app registration. A token is accepted
 * only when all of these hold:
 *
 * - `Authorization: Bearer <jwt>`, signed with RS256 (nothing else: not `none`, not HS256) by a key
 *   from the tenant's key set;
 * - `exp` / `nbf` within the clock tolerance (default 300 s, as Entra's own libraries allow);
 * - `iss` is the configured tenant's v2 (`https://login.microsoftonline.com/{tid}/v2.0`) or
 *   v1 (`https://sts.windows.net/{tid}/`) issuer, and the one of the token's version (`ver` 2.0
 *   or 1.0): Entra issues no other combination
 *   (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference);
 * - `aud` is one of the configured audiences: v2 tokens carry the client id (always, so a v2
 *   token naming an Application ID URI is refused), v1 tokens the Application ID URI
 *   (`api://…`) or the client id as requested, so configure both;
 * - `tid` is the configured tenant;
 * - where the validator takes only people (`requireDelegated`, the on-call API), a user's
 *   delegated token: `scp` present and `idtyp` not `app`; app-only (client credentials) tokens
 *   carry no `scp` (https://learn.microsoft.com/entra/identity-platform/optional-claims-reference);
 * - the calling app (`azp` in v2, `appid` in v1) is an allowed caller (default: AzNS AAD Webhook);
 * - `roles` contains the required role (default `ActionGroupsSecureWebhook`).
 *
 * The same AzNS service principal serves every action group in the tenant, so a valid token proves
 * "an action group in this tenant", not "your action group": still check the payload (subscription).
 *
 * `validate` never throws for anything a caller sends; it returns a closed set of failures with
 * the HTTP status to answer: 401 when the token does not authenticate (or is an application's
 * where a person's is required), 403 when it does but the caller or role is wrong, 503 when
 * the signing keys cannot be fetched (action groups retry 503).
 * Details say what to fix and never contain the token.
 */
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { WebhookAuthSettings } from '../config.js';
import { createKeyResolver, JwksUnavailableError } from './jwks.js';
import type { RemoteJwksOptions } from './jwks.js';

/** appId of the first-party app Azure Monitor action groups call secure webhooks as. */
export const AZNS_AAD_WEBHOOK_APP_ID = '461e8683-5575-4561-ac7f-899cc907d62a';
/** The app role the action-group service principal must hold on your API app registration. */
export const ACTION_GROUPS_SECURE_WEBHOOK_ROLE = 'ActionGroupsSecureWebhook';

export type AuthFailure =
  /** No `Authorization` header, an empty one, or not a Bearer credential. */
  | 'missing_token'
  /** A Bearer credential that is not a well-formed JWT (or lacks `exp`). */
  | 'malformed_token'
  /** The signature does not verify, or no key in the key set matches the token's key id. */
  | 'bad_signature'
  /** `exp` is past, beyond the clock tolerance. */
  | 'expired'
  /** `nbf` is in the future, beyond the clock tolerance. */
  | 'not_yet_valid'
  /** `iss` is not the configured tenant's v1 or v2 issuer, or not the one of the token's version (`ver`). */
  | 'wrong_issuer'
  /** `aud` is none of the configured audiences, or a v2 token names no client id. */
  | 'wrong_audience'
  /** `tid` is not the configured tenant. */
  | 'wrong_tenant'
  /** An app-only token (no `scp`, or `idtyp` app) where only a user's delegated token is taken. */
  | 'app_only_token'
  /** Authenticated, but the calling app (`azp` / `appid`) is not an allowed caller. */
  | 'wrong_caller'
  /** Authenticated, but `roles` lacks the required role. */
  | 'missing_role'
  /** Signed with an algorithm other than RS256 (`none`, HS256, …). */
  | 'unsupported_algorithm'
  /** The signing keys could not be fetched; retryable, answer 503. */
  | 'jwks_unavailable';

export type AuthFailureStatus = 401 | 403 | 503;

/** The HTTP status each failure is answered with. */
export const AUTH_FAILURE_STATUS: Readonly<Record<AuthFailure, AuthFailureStatus>> = Object.freeze({
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

export interface WebhookPrincipal {
  /** The calling app's id (`azp` in v2 tokens, `appid` in v1). */
  appId: string;
  /** For a signed-in user: `oid`, the Entra object id; for app-only tokens, the service principal's. */
  objectId: string | null;
  /** A readable name: `preferred_username`, `upn`, `unique_name` or `name`, when the token has one. */
  name: string | null;
  /** Group object ids (`groups`), when the token carries them. */
  groups: string[];
  /** `tid`, lower case. */
  tenantId: string;
  roles: string[];
  tokenVersion: '1.0' | '2.0';
  /** `sub`: for app-only tokens, the object id of the caller's service principal. */
  subject: string;
}

export type WebhookAuthResult =
  | { ok: true; principal: WebhookPrincipal }
  | { ok: false; status: AuthFailureStatus; reason: AuthFailure; detail: string };

export interface WebhookTokenValidatorOptions {
  /** Your directory (tenant) id. */
  tenantId: string;
  /** Accepted `aud` values: your API app's client id (v2 tokens) and Application ID URI, e.g. `api://<client-id>` (v1 tokens). */
  audiences: readonly string[];
  /** Default: the AzNS AAD Webhook app id only. `any`: tokens of signed-in people, whatever client they used. */
  allowedCallerAppIds?: readonly string[] | 'any';
  /** Default `ActionGroupsSecureWebhook`; null requires none (roles are then read, not required). */
  requiredRole?: string | null;
  /**
   * Take only a user's delegated token (`scp` present, `idtyp` not `app`): the caller must be a
   * person. Default false (action groups call with app-only tokens).
   */
  requireDelegated?: boolean;
  /** The settings the messages name (default WEBHOOK_TENANT_ID / WEBHOOK_AUDIENCES), and who is expected to call. */
  wording?: { tenantSetting: string; audiencesSetting: string; missingTokenHint: string; delegatedTokenHint?: string };
  /** Remote key set URL (default `https://login.microsoftonline.com/{tid}/discovery/v2.0/keys`) or a local key set. */
  jwks?: URL | JSONWebKeySet;
  /** Caching and fallback of a remote key set. */
  remoteJwks?: RemoteJwksOptions;
  /** Default 300. */
  clockToleranceSeconds?: number;
  /** The time tokens are checked against (exp/nbf); default the system clock. */
  now?: () => Date;
}

export interface WebhookTokenValidator {
  validate(authorizationHeader: string | null | undefined): Promise<WebhookAuthResult>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** JWS compact serialization: three base64url segments (the signature may be empty, as in `alg: none`). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Entra access tokens are a few KB; anything much larger is not one. */
const MAX_TOKEN_CHARS = 16 * 1024;
const ENTRA_ISSUER = /^https:\/\/(?:login\.microsoftonline\.com\/([^/]+)\/v2\.0|sts\.windows\.net\/([^/]+)\/)$/i;

export function defaultJwksUrl(tenantId: string): URL {
  return new URL(`https://login.microsoftonline.com/${encodeURIComponent(tenantId)}/discovery/v2.0/keys`);
}

/**
 * Build a validator once per process (at module scope) so the remote key set is cached between
 * requests. Throws a TypeError for invalid options, which are programming or configuration errors.
 */
export function createWebhookTokenValidator(options: WebhookTokenValidatorOptions): WebhookTokenValidator {
  const tenantId = options.tenantId.trim().toLowerCase();
  if (!GUID.test(tenantId)) {
    throw new TypeError(`tenantId "${options.tenantId}" is not a directory (tenant) id GUID; set WEBHOOK_TENANT_ID`);
  }
  const audiences = options.audiences.map((a) => a.trim()).filter((a) => a !== '');
  if (audiences.length === 0) throw new TypeError('audiences is empty; set WEBHOOK_AUDIENCES to your API app\'s client id and Application ID URI');
  const anyCaller = options.allowedCallerAppIds === 'any';
  const callers = options.allowedCallerAppIds === 'any' ? [] : (options.allowedCallerAppIds ?? [AZNS_AAD_WEBHOOK_APP_ID]).map((id) => id.trim().toLowerCase());
  if (!anyCaller && callers.length === 0) throw new TypeError('allowedCallerAppIds is empty; no caller could ever be accepted');
  const requiredRole = options.requiredRole === undefined ? ACTION_GROUPS_SECURE_WEBHOOK_ROLE : options.requiredRole;
  const wording = options.wording ?? {
    tenantSetting: 'WEBHOOK_TENANT_ID',
    audiencesSetting: 'WEBHOOK_AUDIENCES',
    missingTokenHint: "the action group's webhook receiver must have secure webhook (useAadAuth) enabled",
  };
  const clockTolerance = options.clockToleranceSeconds ?? 300;
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0) {
    throw new TypeError(`clockToleranceSeconds ${clockTolerance} is invalid; use a non-negative number of seconds`);
  }
  const now = options.now ?? (() => new Date());
  const issuerV2 = `https://login.microsoftonline.com/${tenantId}/v2.0`;
  const issuerV1 = `https://sts.windows.net/${tenantId}/`;
  const keys = createKeyResolver(options.jwks ?? defaultJwksUrl(tenantId), options.remoteJwks);
  const audienceList = list(audiences);

  const fail = (reason: AuthFailure, detail: string): WebhookAuthResult => ({ ok: false, status: AUTH_FAILURE_STATUS[reason], reason, detail });

  async function validate(authorizationHeader: string | null | undefined): Promise<WebhookAuthResult> {
    // 1. The credential.
    const header = authorizationHeader?.trim() ?? '';
    if (header === '') {
      return fail('missing_token', `no Authorization header; ${wording.missingTokenHint}`);
    }
    const space = header.search(/\s/);
    const scheme = space < 0 ? header : header.slice(0, space);
    if (scheme.toLowerCase() !== 'bearer') {
      return fail('missing_token', `the Authorization header uses the ${show(scheme, 20)} scheme; a secure webhook sends "Bearer <token>"`);
    }
    const token = space < 0 ? '' : header.slice(space).trim();
    if (token === '') return fail('missing_token', 'the Authorization header says Bearer but carries no token');
    if (token.length > MAX_TOKEN_CHARS) {
      return fail('malformed_token', `the bearer token is ${token.length} characters; Entra ID access tokens are far smaller than ${MAX_TOKEN_CHARS}`);
    }
    if (!COMPACT_JWS.test(token)) {
      return fail('malformed_token', 'the bearer token is not a JWT (three base64url segments separated by dots)');
    }

    // 2. The algorithm, before any key is looked up.
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      return fail('malformed_token', 'the bearer token\'s header is not base64url-encoded JSON');
    }
    if (alg === undefined) return fail('malformed_token', 'the token\'s header names no algorithm (alg)');
    if (alg !== 'RS256') {
      return fail('unsupported_algorithm', `the token is signed with alg ${show(alg, 20)}; only RS256 (Entra ID access tokens) is accepted`);
    }

    // 3. Signature and lifetime.
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.getKey, {
        algorithms: ['RS256'],
        clockTolerance,
        currentDate: now(),
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      return fromVerifyError(err);
    }

    // 4. Claims: who issued it, for whom, from which tenant, for which caller, with which role.
    const iss = payload.iss;
    const issLower = typeof iss === 'string' ? iss.toLowerCase() : undefined;
    if (issLower !== issuerV2 && issLower !== issuerV1) {
      const other = typeof iss === 'string' ? ENTRA_ISSUER.exec(iss) : null;
      if (other !== null) {
        const otherTenant = other[1] ?? other[2] ?? '';
        return fail(
          'wrong_issuer',
          `the token was issued by tenant ${show(otherTenant)}, not ${wording.tenantSetting} '${tenantId}'; ` +
            `get a token from an app registration in this tenant, or set ${wording.tenantSetting} to the caller's tenant`,
        );
      }
      return fail(
        'wrong_issuer',
        `token issuer ${iss === undefined ? '(none)' : show(iss)} is not Entra ID for tenant '${tenantId}' ` +
          `(expected '${issuerV2}' or '${issuerV1}'); check ${wording.tenantSetting}`,
      );
    }
    // Each version has its own issuer: v1.0 tokens come from sts.windows.net, v2.0 tokens from
    // login.microsoftonline.com/{tid}/v2.0. A token mixing them was not made by Entra ID.
    const ver = payload['ver'];
    if (ver !== '1.0' && ver !== '2.0') {
      return fail('malformed_token', `the token's ver claim is ${ver === undefined ? 'missing' : show(ver, 20)}; Entra ID access tokens say their version, 1.0 or 2.0`);
    }
    const tokenVersion: '1.0' | '2.0' = ver;
    const versionIssuer = tokenVersion === '1.0' ? issuerV1 : issuerV2;
    if (issLower !== versionIssuer) {
      return fail('wrong_issuer', `a v${tokenVersion} token (ver) is issued by '${versionIssuer}', but this one names ${show(iss)}; Entra ID issues no such token`);
    }

    const aud = payload.aud;
    const tokenAudiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    const configured = audiences.map((a) => a.toLowerCase());
    const matched = tokenAudiences.filter((a) => configured.includes(a.toLowerCase()));
    if (matched.length === 0) {
      return fail(
        'wrong_audience',
        `token audience ${tokenAudiences.length === 0 ? '(none)' : list(tokenAudiences)} is not one of ${audienceList}; set ${wording.audiencesSetting} ` +
          `to your API app's client id and Application ID URI (v2 tokens carry the client id, v1 tokens the URI; this is a v${tokenVersion} token)`,
      );
    }
    if (tokenVersion === '2.0' && !matched.some((a) => GUID.test(a))) {
      return fail(
        'wrong_audience',
        `token audience ${list(matched)} is not a client id, but a v2.0 token's audience is always the API's client id (a GUID); ` +
          `Entra ID issues no such token, so it is refused (an Application ID URI comes only in v1.0 tokens)`,
      );
    }

    const tid = payload['tid'];
    if (typeof tid !== 'string' || tid.toLowerCase() !== tenantId) {
      return fail(
        'wrong_tenant',
        `token tid ${typeof tid === 'string' ? show(tid) : '(none)'} is not ${wording.tenantSetting} '${tenantId}'`,
      );
    }

    if (options.requireDelegated === true) {
      const idtyp = payload['idtyp'];
      if (stringClaim(payload, 'scp') === undefined || idtyp === 'app') {
        const why = idtyp === 'app' ? "it is marked app-only (idtyp 'app')" : 'it carries no delegated scopes (scp)';
        return fail(
          'app_only_token',
          `the token is an application's own (client credentials), not a signed-in user's: ${why}; ${wording.delegatedTokenHint ?? "only a user's delegated token is accepted"}`,
        );
      }
    }

    const azp = stringClaim(payload, 'azp');
    const appid = stringClaim(payload, 'appid');
    const appId = tokenVersion === '2.0' ? (azp ?? appid) : (appid ?? azp);
    const claimName = tokenVersion === '2.0' ? 'azp' : 'appid';
    if (appId === undefined && !anyCaller) {
      return fail('wrong_caller', `the token names no calling app (no ${claimName} claim); only Azure Monitor action groups may call this webhook`);
    }
    if (!anyCaller && appId !== undefined && !callers.includes(appId.toLowerCase())) {
      const expected = callers.length === 1 && callers[0] === AZNS_AAD_WEBHOOK_APP_ID ? `Azure Monitor's action group app (AzNS AAD Webhook, ${AZNS_AAD_WEBHOOK_APP_ID})` : `one of ${list(callers)}`;
      return fail('wrong_caller', `the token was issued to app ${show(appId)} (${claimName}), not ${expected}; only action groups may call this webhook`);
    }

    const rolesClaim = payload['roles'];
    const roles = Array.isArray(rolesClaim) ? rolesClaim.filter((r): r is string => typeof r === 'string') : [];
    if (requiredRole !== null && !roles.includes(requiredRole)) {
      return fail(
        'missing_role',
        `token roles ${roles.length === 0 ? '(none)' : list(roles)} do not include '${requiredRole}'; create the app role '${requiredRole}' ` +
          '(allowed member type Application) on your API app registration and assign it to the AzNS AAD Webhook service principal',
      );
    }

    return {
      ok: true,
      principal: {
        appId: appId?.toLowerCase() ?? '',
        tenantId,
        roles,
        tokenVersion,
        subject: stringClaim(payload, 'sub') ?? '',
        objectId: stringClaim(payload, 'oid')?.toLowerCase() ?? null,
        name: stringClaim(payload, 'preferred_username') ?? stringClaim(payload, 'upn') ?? stringClaim(payload, 'unique_name') ?? stringClaim(payload, 'name') ?? null,
        groups: Array.isArray(payload['groups']) ? payload['groups'].filter((g): g is string => typeof g === 'string').map((g) => g.toLowerCase()) : [],
      },
    };
  }

  function fromVerifyError(err: unknown): WebhookAuthResult {
    if (err instanceof JwksUnavailableError) return fail('jwks_unavailable', `${err.message}; the call can be retried`);
    if (err instanceof errors.JWKSNoMatchingKey) {
      return fail('bad_signature', `no key in ${keys.source} matches the token's key id; the token was not signed by Entra ID for this tenant`);
    }
    if (err instanceof errors.JWKSMultipleMatchingKeys) {
      return fail('bad_signature', `the token names no key id (kid) and ${keys.source} has several keys; Entra ID tokens always name their key`);
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) {
      return fail('bad_signature', `the token's signature does not verify with the matching key from ${keys.source}`);
    }
    if (err instanceof errors.JWTExpired) {
      return fail('expired', `the token expired at ${time(err.payload['exp'])} (now ${now().toISOString()}, clock tolerance ${clockTolerance} s)`);
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'nbf') {
        return fail(
          'not_yet_valid',
          `the token is not valid before ${time(err.payload['nbf'])} (now ${now().toISOString()}, clock tolerance ${clockTolerance} s); check this host's clock`,
        );
      }
      return fail('malformed_token', `the token's ${show(err.claim, 20)} claim is ${err.reason === 'missing' ? 'missing' : 'invalid'}`);
    }
    if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
      return fail('unsupported_algorithm', 'the token\'s algorithm or key type is not supported; only RS256 is accepted');
    }
    if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) {
      return fail('malformed_token', `the bearer token is not a valid JWT: ${err.message}`);
    }
    // jose raises TypeError for unusable keys (e.g. an RSA modulus under 2048 bits) and the like.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return fail('bad_signature', `the token could not be verified with ${keys.source} (${message})`);
  }

  return { validate };
}

/** The validator for the app settings, or undefined when secure webhook auth is not configured. */
export function webhookTokenValidatorFromSettings(
  settings: WebhookAuthSettings | undefined,
  extra: Omit<WebhookTokenValidatorOptions, 'tenantId' | 'audiences' | 'jwks'> = {},
): WebhookTokenValidator | undefined {
  if (settings === undefined) return undefined;
  return createWebhookTokenValidator({
    ...extra,
    tenantId: settings.tenantId,
    audiences: settings.audiences,
    ...(settings.jwksUrl === undefined ? {} : { jwks: new URL(settings.jwksUrl) }),
  });
}

/**
 * The `WWW-Authenticate` value to send with a failure (RFC 6750), or undefined for 503.
 * Only the reason code goes in it, never claim values.
 */
export function wwwAuthenticate(result: { ok: false; status: AuthFailureStatus; reason: AuthFailure }): string | undefined {
  if (result.status === 503) return undefined;
  if (result.reason === 'missing_token') return 'Bearer';
  const error = result.status === 403 ? 'insufficient_scope' : 'invalid_token';
  return `Bearer error="${error}", error_description="${result.reason}"`;
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A claim value for a message: quoted, control characters removed, truncated. */
function show(value: unknown, max = 100): string {
  const raw = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const text = [...raw].filter((c) => (c.codePointAt(0) ?? 0) >= 0x20 && c !== '\u007f').join('');
  return `'${text.length > max ? `${text.slice(0, max)}…` : text}'`;
}

function list(values: readonly string[]): string {
  const shown = values.slice(0, 10).map((v) => show(v));
  return values.length > 10 ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}

function time(seconds: unknown): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : show(seconds);
}
