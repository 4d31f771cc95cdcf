/**
 * A Microsoft Entra ID stand-in, enough for `ClientSecretCredential` (with `authorityHost`
 * set to the simulator and instance discovery off): OpenID metadata and a token endpoint. The
 * token names the client, so the operation log can say who did what.
 *
 * It also signs on-call engineers' access tokens, as Entra does when someone signs in to the app
 * (`az account get-access-token --resource api://…`): RS256 with a key generated at start, v2
 * claims (`iss` https://login.microsoftonline.com/{tid}/v2.0, `aud`, `tid`, `oid`,
 * `preferred_username`, `groups`, `roles`), and the public key at the tenant's
 * `/discovery/v2.0/keys`, the path Entra publishes it at. Tokens are issued through the control
 * API (`POST /_sim/identity/token`), so tests and rehearsals can sign in as anyone.
 */
import { createHash, createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { ok } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route, SimResponse } from '../types.js';

/** The Azure CLI's client id: the app people sign in through when they ask for a token by hand. */
const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export interface UserTokenRequest {
  tenant: string;
  audience: string;
  oid: string;
  upn: string;
  name?: string;
  groups?: string[];
  roles?: string[];
  /** Default 3600. Negative makes an expired token. */
  expiresInSeconds?: number;
}

/** The signing key of this simulator process and what Entra would publish of it. */
export interface UserTokenIssuer {
  jwks(): { keys: object[] };
  issue(request: UserTokenRequest, nowMs: number): string;
}

export function createUserTokenIssuer(): UserTokenIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID().replace(/-/g, '').slice(0, 20);
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as object), kid, use: 'sig', alg: 'RS256' };
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    jwks: () => ({ keys: [jwk] }),
    issue(request, nowMs) {
      const now = Math.floor(nowMs / 1000);
      const payload = {
        aud: request.audience,
        iss: `https://login.microsoftonline.com/${request.tenant}/v2.0`,
        iat: now - 60,
        nbf: now - 60,
        exp: now + (request.expiresInSeconds ?? 3600),
        azp: AZURE_CLI_APP_ID,
        name: request.name ?? request.upn,
        oid: request.oid,
        preferred_username: request.upn,
        ...(request.groups !== undefined ? { groups: request.groups } : {}),
        ...(request.roles !== undefined ? { roles: request.roles } : {}),
        scp: 'user_impersonation',
        sub: request.oid,
        tid: request.tenant,
        ver: '2.0',
      };
      const signing = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`;
      const signature = createSign('RSA-SHA256').update(signing).sign(privateKey).toString('base64url');
      return `${signing}.${signature}`;
    },
  };
}

/** `POST /_sim/identity/token`: a signed user token, for the fields the body gives. */
export function issueUserToken(issuer: UserTokenIssuer, body: unknown): SimResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof b[name] === 'string' && b[name] !== '' ? (b[name] as string) : undefined);
  const list = (name: string) => (Array.isArray(b[name]) ? (b[name] as unknown[]).filter((v): v is string => typeof v === 'string') : undefined);
  const [tenant, audience, upn] = [text('tenant'), text('audience'), text('upn')];
  if (tenant === undefined || audience === undefined || upn === undefined) {
    return { status: 400, body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'send { tenant, audience, upn, oid?, name?, groups?, roles?, expiresInSeconds? }' } };
  }
  // One person, one object id: the same UPN signs in as the same oid unless told otherwise.
  const oid = text('oid') ?? objectIdFor(upn);
  const groups = list('groups');
  const roles = list('roles');
  const name = text('name');
  const expires = typeof b['expiresInSeconds'] === 'number' ? b['expiresInSeconds'] : undefined;
  const token = issuer.issue(
    { tenant, audience, oid, upn, ...(name !== undefined ? { name } : {}), ...(groups !== undefined ? { groups } : {}), ...(roles !== undefined ? { roles } : {}), ...(expires !== undefined ? { expiresInSeconds: expires } : {}) },
    // Tokens are checked against real time by whoever validates them, whatever pace the simulated estate runs at.
    Date.now(),
  );
  return ok({ token_type: 'Bearer', access_token: token });
}

/** A stable GUID-shaped object id for a user principal name. */
export function objectIdFor(upn: string): string {
  const hex = createHash('sha256').update(upn.toLowerCase()).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function identityRoutes(sim: Simulator): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/{tenant}/discovery/v2.0/keys',
      operation: 'Identity/keys',
      arm: false,
      handle: () => ok(sim.userTokens.jwks()),
    },
    {
      method: 'GET',
      pattern: '/{tenant}/v2.0/.well-known/openid-configuration',
      operation: 'Identity/openid-configuration',
      arm: false,
      handle: ({ params }) => {
        const base = sim.url(`/${params['tenant']}`);
        return ok({
          issuer: `${base}/v2.0`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/oauth2/v2.0/token`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          response_types_supported: ['code', 'token'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          tenant_region_scope: 'WW',
        });
      },
    },
    {
      method: 'POST',
      pattern: '/{tenant}/oauth2/v2.0/token',
      operation: 'Identity/token',
      arm: false,
      handle: ({ request, params }) => {
        const form = (request.body ?? {}) as Record<string, string>;
        const appid = form['client_id'] ?? 'unknown-client';
        const token = `sim.${Buffer.from(JSON.stringify({ appid, tid: params['tenant'], scope: form['scope'] ?? '', iat: Math.floor(Date.now() / 1000) })).toString('base64url')}`;
        return ok({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
      },
    },
  ];
}

/** A token for tests and tools that skip the credential flow, naming the caller. */
export function simToken(caller: string): string {
  return `sim.${Buffer.from(JSON.stringify({ appid: caller })).toString('base64url')}`;
}
