/**
 * Who the app is to a service: the client id and object id its access token for that service
 * carries, read from the token the credential hands out (the token is not verified here: the app
 * only names itself with it, in messages telling people which identity to grant a role to).
 * Entra tokens are JWTs; the simulator's are `sim.<claims>`: either way the claims are the
 * second dot-separated part, base64url JSON.
 */
import type { TokenCredential } from '@azure/core-auth';

export interface TokenIdentity {
  /** The application (client) id: `appid` (v1.0 tokens) or `azp` (v2.0). */
  clientId: string | null;
  /** The service principal's (or user's) object id: `oid`. */
  objectId: string | null;
}

/** The identity in the credential's token for `scope`; nulls when there is no token or it says nothing. */
export async function tokenIdentity(credential: TokenCredential, scope: string): Promise<TokenIdentity> {
  let token: string | undefined;
  try {
    token = (await credential.getToken(scope))?.token;
  } catch {
    // No token at all: the caller's own request has already failed in its own words.
  }
  const claims = token === undefined ? null : claimsOf(token);
  const text = (name: string) => (typeof claims?.[name] === 'string' && claims[name] !== '' ? (claims[name] as string) : null);
  return { clientId: text('appid') ?? text('azp'), objectId: text('oid') };
}

function claimsOf(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (part === undefined) return null;
  try {
    const parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `client id X, object id Y`, or what is known of it. */
export function describeIdentity(identity: TokenIdentity): string {
  const parts = [identity.clientId !== null ? `client id ${identity.clientId}` : '', identity.objectId !== null ? `object id ${identity.objectId}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'an identity its token does not name';
}
