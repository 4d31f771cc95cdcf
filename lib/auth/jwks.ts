/**
 * Where token signing keys come from: a remote JSON Web Key Set (Entra ID's
 * `https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys`, which signs both v1 and v2
 * tokens) or a local key set (tests).
 *
 * Remote keys are fetched and cached by jose's `createRemoteJWKSet`: refreshed after
 * `cacheMaxAgeMs`, and re-fetched at once (at most every `cooldownMs`) when a token names a key id
 * the cached set does not have, which is how Entra key rotation is picked up.
 *
 * A failover orchestrator is called exactly when parts of Azure are unhealthy, so a failed refresh
 * does not lock the webhook out: keys fetched within the last `staleMaxAgeMs` keep verifying tokens
 * (Entra publishes new keys well before it signs with them), and network attempts are spaced by
 * `cooldownMs` meanwhile. Only when no usable keys are at hand, or a token names a key that could
 * not be looked up, is the failure reported as {@link JwksUnavailableError} (the webhook answers
 * 503, which action groups retry). Key-set timing uses the real clock, as jose does.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwksCache } from 'jose';
import type { ExportedJWKSCache, JSONWebKeySet, JWKSCacheInput, JWTVerifyGetKey } from 'jose';

export interface RemoteJwksOptions {
  /** Abort a key-set fetch after this long. Default 5000 (action groups give a call about 10 s). */
  timeoutMs?: number;
  /** Least time between fetches triggered by an unknown key id, or after a failed fetch. Default 30000. */
  cooldownMs?: number;
  /** Refresh the cached key set after this long. Default 600000 (10 minutes). */
  cacheMaxAgeMs?: number;
  /** Keep using keys fetched this long ago while the key set cannot be fetched. Default 86400000 (24 h); 0 disables. */
  staleMaxAgeMs?: number;
  /** How to fetch the key set (the simulator's, with its certificate trusted); default the global fetch. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The signing keys could not be obtained; nothing was wrong with the token as far as we know. */
export class JwksUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JwksUnavailableError';
  }
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;

export interface KeyResolver {
  readonly getKey: JWTVerifyGetKey;
  /** For messages: the key set's URL, or "the configured local key set". */
  readonly source: string;
}

export function createKeyResolver(jwks: URL | JSONWebKeySet, options: RemoteJwksOptions = {}): KeyResolver {
  if (!(jwks instanceof URL)) {
    return { getKey: createLocalJWKSet(jwks), source: 'the configured local key set' };
  }
  const url = jwks.href;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const staleMaxAgeMs = options.staleMaxAgeMs ?? 86_400_000;
  const cache: Partial<ExportedJWKSCache> = {};
  const remote = createRemoteJWKSet(jwks, {
    timeoutDuration: options.timeoutMs ?? 5_000,
    cooldownDuration: cooldownMs,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    [jwksCache]: cache as JWKSCacheInput,
    ...(options.fetch !== undefined ? { [customFetch]: options.fetch } : {}),
  });
  let failedAt: number | undefined;
  let lastFailure: unknown;
  let stale: { uat: number; keys: LocalKeySet } | undefined;

  /** The last successfully fetched key set, if it is recent enough to fall back on. */
  const staleKeys = (): LocalKeySet | undefined => {
    const { uat, jwks: set } = cache;
    if (uat === undefined || set === undefined || Date.now() - uat > staleMaxAgeMs) return undefined;
    if (stale?.uat !== uat) stale = { uat, keys: createLocalJWKSet(set) };
    return stale.keys;
  };

  const fromStale = async (keys: LocalKeySet, ...args: Parameters<LocalKeySet>): ReturnType<LocalKeySet> => {
    try {
      return await keys(...args);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) {
        const kid = args[0]?.kid;
        throw new JwksUnavailableError(
          `the token's signing key${kid === undefined ? '' : ` '${kid}'`} is not among the cached keys and ${url} could not be fetched ` +
            `to look for it (${describeFetchError(lastFailure)})`,
          { cause: lastFailure },
        );
      }
      throw err;
    }
  };

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const cached = staleKeys();
    if (cached !== undefined && failedAt !== undefined && Date.now() < failedAt + cooldownMs) {
      return fromStale(cached, header, token);
    }
    try {
      const key = await remote(header, token);
      failedAt = undefined;
      return key;
    } catch (err) {
      // Key selection failures are about the token, not about fetching.
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      failedAt = Date.now();
      lastFailure = err;
      const fallback = staleKeys();
      if (fallback !== undefined) return fromStale(fallback, header, token);
      throw new JwksUnavailableError(`the signing keys could not be fetched from ${url} (${describeFetchError(err)})`, { cause: err });
    }
  };
  return { getKey, source: url };
}

/** A short, token-free description of why a key-set fetch failed. */
export function describeFetchError(err: unknown): string {
  if (err instanceof errors.JWKSTimeout) return 'timed out';
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = cause instanceof Error ? ((cause as { code?: unknown }).code ?? cause.message) : undefined;
    return typeof code === 'string' && code !== '' ? `${err.message}: ${code}` : err.message;
  }
  return String(err);
}
