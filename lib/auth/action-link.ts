/**
 * Signed action links: the approve and reject links in Teams and Slack messages, which on-call
 * engineers open without the app's function key. The token in the link is the credential, so it
 * says exactly what it allows: one action on one incident, bound to the decision it was made for
 * (its direction and approval round), until a short expiry, once (the nonce is spent on use; see
 * `useActionLink` in lib/stores/action-links.ts).
 *
 *   token = base64url(JSON claims) "." base64url(HMAC-SHA256(secret, base64url(JSON claims)))
 *
 * Several secrets may be configured: the first signs, every one verifies, so a secret can be
 * rotated without breaking the links already sent. Pure: no I/O, no clock (callers pass `now`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readSignedToken, signToken } from './signed-token.js';
import type { Direction } from '../playbooks/types.js';

export type ActionLinkAction = 'approve' | 'reject' | 'cancel' | 'failback';
export const ACTION_LINK_ACTIONS: readonly ActionLinkAction[] = ['approve', 'reject', 'cancel', 'failback'];

export interface ActionLinkClaims {
  incidentId: string;
  action: ActionLinkAction;
  /** The decision the link answers; null only for actions that are not approvals (cancel, failback). */
  direction: Direction | null;
  /** The approval round it answers; null when the incident did not say (older histories) or for cancel and failback. */
  round: number | null;
  /** When the link stops working. */
  expiresAt: Date;
  /** Random; spent on first use. */
  nonce: string;
}

export type ActionLinkCheck =
  | { ok: true; claims: ActionLinkClaims }
  | { ok: false; reason: 'malformed'; detail: string }
  | { ok: false; reason: 'bad-signature'; detail: string }
  | { ok: false; reason: 'expired'; detail: string; claims: ActionLinkClaims; expiredForMs: number }
  | { ok: false; reason: 'wrong-action'; detail: string; claims: ActionLinkClaims };

export type ActionLinkFailure = Extract<ActionLinkCheck, { ok: false }>['reason'];

/** Secrets shorter than this are refused by the configuration. */
export const ACTION_LINK_SECRET_MIN_LENGTH = 32;
/** A link's life when the request it answers names no expiry. */
export const DEFAULT_LINK_LIFETIME_MS = 60 * 60 * 1000;
/** The longest a link lives, whatever the request says. */
export const MAX_LINK_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Longer tokens are not read at all. */
const MAX_TOKEN_LENGTH = 1024;
const DIRECTIONS: readonly Direction[] = ['failover', 'failback'];

/** When a link made at `now` expires: the request's own expiry when given, else an hour; never more than a day. */
export function actionLinkExpiry(now: Date, requestExpiresAt?: Date | string | null): Date {
  const cap = now.getTime() + MAX_LINK_LIFETIME_MS;
  const given = requestExpiresAt === undefined || requestExpiresAt === null ? Number.NaN : new Date(requestExpiresAt).getTime();
  const at = Number.isFinite(given) ? given : now.getTime() + DEFAULT_LINK_LIFETIME_MS;
  return new Date(Math.min(at, cap));
}

/** The claims of a new link: expiry from `actionLinkExpiry`, a fresh random nonce. */
export function newActionLinkClaims(
  link: { incidentId: string; action: ActionLinkAction; direction: Direction | null; round: number | null; expiresAt?: Date | string | null },
  now: Date,
  nonce: string = randomBytes(16).toString('base64url'),
): ActionLinkClaims {
  return { incidentId: link.incidentId, action: link.action, direction: link.direction, round: link.round, expiresAt: actionLinkExpiry(now, link.expiresAt), nonce };
}

/** The wire form: short keys, because the token travels in a URL path segment. */
interface WireClaims {
  v: 1;
  i: string;
  a: ActionLinkAction;
  d: Direction | null;
  r: number | null;
  /** Expiry, milliseconds since the epoch. */
  e: number;
  n: string;
}

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(payload, 'ascii').digest();
}

/** The token for `claims`, signed with `secret` (the first configured one). */
export function signActionLink(claims: ActionLinkClaims, secret: string): string {
  if (typeof secret !== 'string' || secret.length < ACTION_LINK_SECRET_MIN_LENGTH) throw new RangeError(`an action link secret has at least ${ACTION_LINK_SECRET_MIN_LENGTH} characters`);
  const problem = claimsProblem(claims);
  if (problem !== null) throw new RangeError(`cannot sign an action link: ${problem}`);
  const wire: WireClaims = {
    v: 1,
    i: claims.incidentId,
    a: claims.action,
    d: claims.direction,
    r: claims.round,
    e: claims.expiresAt.getTime(),
    n: claims.nonce,
  };
  return signToken(wire, secret, mac);
}

/**
 * Checks a token: its shape, its signature against every secret (in constant time), its expiry
 * at `now`, and, when `expected` is given, that it is for that action (and incident). Never
 * throws, whatever the input.
 */
export function verifyActionLink(
  token: unknown,
  secrets: readonly string[],
  now: Date,
  expected: { action?: ActionLinkAction; incidentId?: string } = {},
): ActionLinkCheck {
  const read = readSignedToken(token, secrets, { maxLength: MAX_TOKEN_LENGTH, mac, notSigned: 'the link was not signed by this app (it was altered, or the secret that signed it has been retired)' });
  if (!read.ok) return read;
  const wire = read.wire;
  const claims = fromWire(wire);
  if (typeof claims === 'string') return malformed(claims);
  const past = now.getTime() - claims.expiresAt.getTime();
  if (past >= 0) {
    return { ok: false, reason: 'expired', detail: `the link expired ${ago(past)} ago (at ${claims.expiresAt.toISOString()})`, claims, expiredForMs: past };
  }
  if (expected.action !== undefined && claims.action !== expected.action) {
    return { ok: false, reason: 'wrong-action', detail: `the link is for ${claims.action}, not ${expected.action}`, claims };
  }
  if (expected.incidentId !== undefined && claims.incidentId !== expected.incidentId) {
    return { ok: false, reason: 'wrong-action', detail: `the link is for incident ${claims.incidentId}, not ${expected.incidentId}`, claims };
  }
  return { ok: true, claims };
}

function malformed(detail: string): ActionLinkCheck {
  return { ok: false, reason: 'malformed', detail };
}

function claimsProblem(c: ActionLinkClaims): string | null {
  if (typeof c.incidentId !== 'string' || c.incidentId === '' || c.incidentId.length > 200) return 'incidentId must be 1-200 characters';
  if (!ACTION_LINK_ACTIONS.includes(c.action)) return `action must be one of ${ACTION_LINK_ACTIONS.join(', ')}`;
  if (c.direction !== null && !DIRECTIONS.includes(c.direction)) return 'direction must be failover, failback or null';
  if ((c.action === 'approve' || c.action === 'reject') && c.direction === null) return `${c.action === 'approve' ? 'an approve' : 'a reject'} link is bound to a direction`;
  if (c.round !== null && !(Number.isSafeInteger(c.round) && c.round >= 0)) return 'round must be a whole number or null';
  if (!(c.expiresAt instanceof Date) || !Number.isFinite(c.expiresAt.getTime())) return 'expiresAt must be a valid date';
  if (typeof c.nonce !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(c.nonce)) return 'nonce must be 16-64 base64url characters';
  return null;
}

/** Claims from their wire form, or what is wrong with it. */
function fromWire(wire: unknown): ActionLinkClaims | string {
  if (wire === null || typeof wire !== 'object' || Array.isArray(wire)) return 'the token\'s claims are not an object';
  const w = wire as Partial<Record<keyof WireClaims, unknown>>;
  if (w.v !== 1) return 'the token is of a version this app does not read';
  if (typeof w.e !== 'number' || !Number.isFinite(w.e)) return 'the token has no expiry';
  if (typeof w.i !== 'string' || typeof w.a !== 'string' || typeof w.n !== 'string') return 'the token lacks an incident, action or nonce';
  const claims = {
    incidentId: w.i,
    action: w.a as ActionLinkAction,
    direction: w.d === undefined ? null : (w.d as Direction | null),
    round: w.r === undefined ? null : (w.r as number | null),
    expiresAt: new Date(w.e),
    nonce: w.n,
  };
  return claimsProblem(claims) ?? claims;
}

function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.round(ms / 1000))} s`;
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}

/** `/api/links/{token}`, absolute when the base URL is known: where a signed link points. */
export function actionLinkUrl(baseUrl: string | null, token: string): string {
  const path = `/api/links/${encodeURIComponent(token)}`;
  return baseUrl === null ? path : `${baseUrl.replace(/\/+$/, '')}${path}`;
}
