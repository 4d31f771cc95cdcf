/**
 * Signed view links: the "incident status" link of notifications, which opens the incident's page
 * (GET /api/pages/{token}) without the app's function key. The token lets its holder read one
 * incident's page until it expires, and nothing else: it is no action link and no action link is
 * one of these, because each kind is signed with a key of its own, derived from the configured
 * secret for that purpose (HMAC-SHA256(secret, purpose)). Reading changes nothing, so a view link
 * is not spent on use: the page refreshes itself through it while the incident runs.
 *
 *   token = base64url(JSON claims) "." base64url(HMAC-SHA256(viewKey(secret), base64url(JSON claims)))
 *
 * Secrets rotate as for action links (lib/auth/action-link.ts): the first signs, every one
 * verifies. Pure: no I/O, no clock (callers pass `now`).
 */
import { createHmac } from 'node:crypto';
import { ACTION_LINK_SECRET_MIN_LENGTH } from './action-link.js';
import { readSignedToken, signToken } from './signed-token.js';

export interface ViewLinkClaims {
  incidentId: string;
  /** When the link stops working. */
  expiresAt: Date;
}

export type ViewLinkCheck =
  | { ok: true; claims: ViewLinkClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature'; detail: string }
  | { ok: false; reason: 'expired'; detail: string; claims: ViewLinkClaims };

/**
 * How long a view link works: an incident can last days (failed over, waiting for its primary),
 * and the first notification's link should still open its page at the end.
 */
export const VIEW_LINK_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000;
const PURPOSE = 'failover-orchestrator incident page view link v1';
const MAX_TOKEN_LENGTH = 600;

interface WireClaims {
  v: 1;
  k: 'view';
  i: string;
  /** Expiry, milliseconds since the epoch. */
  e: number;
}

function viewKey(secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(PURPOSE, 'utf8').digest();
}

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', viewKey(secret)).update(payload, 'ascii').digest();
}

/** The claims of a new view link for an incident, made at `now`. */
export function newViewLinkClaims(incidentId: string, now: Date): ViewLinkClaims {
  return { incidentId, expiresAt: new Date(now.getTime() + VIEW_LINK_LIFETIME_MS) };
}

/** The token for `claims`, signed with `secret` (the first configured one). */
export function signViewLink(claims: ViewLinkClaims, secret: string): string {
  if (typeof secret !== 'string' || secret.length < ACTION_LINK_SECRET_MIN_LENGTH) throw new RangeError(`a link secret has at least ${ACTION_LINK_SECRET_MIN_LENGTH} characters`);
  const problem = claimsProblem(claims);
  if (problem !== null) throw new RangeError(`cannot sign a view link: ${problem}`);
  const wire: WireClaims = { v: 1, k: 'view', i: claims.incidentId, e: claims.expiresAt.getTime() };
  return signToken(wire, secret, mac);
}

/** Checks a token: its shape, its signature against every secret (in constant time), its expiry at `now`. Never throws. */
export function verifyViewLink(token: unknown, secrets: readonly string[], now: Date): ViewLinkCheck {
  const read = readSignedToken(token, secrets, {
    maxLength: MAX_TOKEN_LENGTH,
    mac,
    notSigned: 'the link was not signed by this app as a view link (it was altered, is a link of another kind, or the secret that signed it has been retired)',
  });
  if (!read.ok) return read;
  const wire = read.wire;
  const w = (wire ?? {}) as Partial<Record<keyof WireClaims, unknown>>;
  if (typeof wire !== 'object' || Array.isArray(wire) || w.v !== 1 || w.k !== 'view') return malformed('the token is not a view link this app reads');
  if (typeof w.i !== 'string' || typeof w.e !== 'number' || !Number.isFinite(w.e)) return malformed('the token lacks an incident or an expiry');
  const claims: ViewLinkClaims = { incidentId: w.i, expiresAt: new Date(w.e) };
  const problem = claimsProblem(claims);
  if (problem !== null) return malformed(problem);
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired', detail: `the link expired at ${claims.expiresAt.toISOString()}`, claims };
  return { ok: true, claims };
}

function malformed(detail: string): ViewLinkCheck {
  return { ok: false, reason: 'malformed', detail };
}

function claimsProblem(c: ViewLinkClaims): string | null {
  if (typeof c.incidentId !== 'string' || c.incidentId === '' || c.incidentId.length > 200) return 'incidentId must be 1-200 characters';
  if (!(c.expiresAt instanceof Date) || !Number.isFinite(c.expiresAt.getTime())) return 'expiresAt must be a valid date';
  return null;
}

/** `/api/pages/{token}`, absolute when the base URL is known: where a view link points. */
export function viewLinkUrl(baseUrl: string | null, token: string): string {
  const path = `/api/pages/${encodeURIComponent(token)}`;
  return baseUrl === null ? path : `${baseUrl.replace(/\/+$/, '')}${path}`;
}
