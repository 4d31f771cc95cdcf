/**
 * A Microsoft Entra ID stand-in, enough for `ClientSecretCredential` (with `authorityHost`
 * set to the simulator and instance discovery off): OpenID metadata and a token endpoint. The
 * token names the client, so the operation log can say who did what.
 */
import { ok } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route } from '../types.js';

export function identityRoutes(sim: Simulator): Route[] {
  return [
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
