/**
 * The token format both kinds of signed link share (lib/auth/action-link.ts, view-link.ts):
 *
 *   token = base64url(JSON claims) "." base64url(HMAC-SHA256(key, base64url(JSON claims)))
 *
 * Each kind brings its own MAC (its own key) and reads its own claims; this module only packs and
 * checks the envelope: shape, length, base64url, signature against every secret in constant time.
 * Pure: no I/O, no clock.
 */
import { timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of the payload under the key a secret gives this kind of link. */
export type TokenMac = (payload: string, secret: string) => Buffer;

export type TokenRead = { ok: true; wire: unknown } | { ok: false; reason: 'malformed' | 'bad-signature'; detail: string };

const SIGNATURE_BYTES = 32;
const B64URL = /^[A-Za-z0-9_-]+$/;

/** Packs `wire` (the claims as they travel) and signs it with `secret`. */
export function signToken(wire: object, secret: string, mac: TokenMac): string {
  const payload = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/**
 * The claims of a token signed by one of `secrets`, still unread (the caller checks their shape
 * and expiry), or why it is not one. `notSigned` says what a bad signature means for this kind.
 * Never throws.
 */
export function readSignedToken(token: unknown, secrets: readonly string[], options: { maxLength: number; mac: TokenMac; notSigned: string }): TokenRead {
  const malformed = (detail: string): TokenRead => ({ ok: false, reason: 'malformed', detail });
  if (typeof token !== 'string' || token === '') return malformed('the link carries no token');
  if (token.length > options.maxLength) return malformed('the token is too long to be one of ours');
  const parts = token.split('.');
  if (parts.length !== 2) return malformed('the token is not two parts separated by a dot');
  const [payload, signature] = parts as [string, string];
  if (!B64URL.test(payload) || !B64URL.test(signature)) return malformed('the token has characters base64url does not use (was the link cut or re-encoded?)');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== SIGNATURE_BYTES || given.toString('base64url') !== signature) return malformed("the token's signature is not an HMAC-SHA256 (was the link cut?)");
  const usable = secrets.filter((s) => typeof s === 'string' && s.length > 0);
  if (!usable.some((secret) => timingSafeEqual(options.mac(payload, secret), given))) return { ok: false, reason: 'bad-signature', detail: options.notSigned };
  try {
    return { ok: true, wire: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) };
  } catch {
    return malformed("the token's claims are not JSON");
  }
}
