/**
 * Who is calling the on-call API, and what they may do. Identity comes only from a verified
 * source:
 * - App Service Authentication's principal (`x-ms-client-principal`), trusted only when the
 *   platform says App Service Authentication is on (WEBSITE_AUTH_ENABLED=True); sent to an app
 *   without it, the header is a forgery and is refused;
 * - an Entra access token (`Authorization: Bearer`) the app validates itself (OPERATOR_TENANT_ID,
 *   OPERATOR_AUDIENCES), with the same checks as the secure webhook's, and a person's only: a
 *   user's delegated token (`scp`), never an application's own (client credentials), which is
 *   refused with 401 `app-only-token` (lib/composition.ts builds the validator so).
 * A function key or a signed link proves only that the caller holds a secret: such a caller may
 * read and, unless OPERATOR_ROLE is set, operate (trigger, cancel, request a failback), recorded
 * as unverified under the name they give; they may not approve where the catalog names approvers,
 * nor force a failback.
 */
import { parseClientPrincipal, type HeaderSource, headerValue, CLIENT_PRINCIPAL_HEADER, requireRole } from '../auth/client-principal.js';
import type { WebhookTokenValidator } from '../auth/webhook-token.js';
import { wwwAuthenticate } from '../auth/webhook-token.js';
import { problem, type Answer } from '../http/problem.js';
import type { Actor, PendingApproval } from '../incidents/types.js';

/** What a verified source said about the caller, for approver matching. */
export interface VerifiedPrincipal {
  id: string;
  name: string;
  /** Every name the caller goes by (UPN, e-mail, preferred username), lower-case. */
  names: string[];
  groups: string[];
  roles: string[];
}

export interface Caller {
  actor: Actor;
  principal: VerifiedPrincipal | null;
}

export interface IdentitySettings {
  appServiceAuth: boolean;
  operatorTokens: WebhookTokenValidator | undefined;
  operatorRole: string | undefined;
}

export type Identified = { ok: true; caller: Caller } | { ok: false; answer: Answer };

const NAME_CLAIMS = ['preferred_username', 'upn', 'email', 'name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name'];
const GROUP_CLAIMS = ['groups', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups'];

/**
 * The caller, verified where a verified source says who it is; a problem for a forged or invalid
 * credential, or for a caller who lacks OPERATOR_ROLE when it is set.
 */
export async function identifyCaller(headers: HeaderSource, settings: IdentitySettings, via: 'function-key' | 'signed-link'): Promise<Identified> {
  const principal = await verifiedPrincipal(headers, settings);
  if (!principal.ok) return principal;
  const verified = principal.value;
  if (settings.operatorRole !== undefined) {
    if (verified === null) {
      return {
        ok: false,
        answer: problem(401, 'sign-in-required', `OPERATOR_ROLE '${settings.operatorRole}' is required, so the caller must be signed in (App Service Authentication or an Entra token); a ${via === 'signed-link' ? 'signed link' : 'function key'} alone is not enough`, {
          headers: { 'WWW-Authenticate': 'Bearer' },
        }),
      };
    }
    const check = requireRole({ id: verified.id, name: verified.name, roles: verified.roles, identityProvider: '', claims: [] }, settings.operatorRole);
    if (!check.ok) return { ok: false, answer: problem(403, 'missing-role', check.detail) };
  }
  const actor: Actor =
    verified === null
      ? { name: via === 'signed-link' ? 'holder of a signed link' : 'anonymous (function key)', id: null, verified: false, via }
      : { name: verified.name, id: verified.id, verified: true, via: settings.appServiceAuth ? 'app-service-auth' : 'entra-token' };
  return { ok: true, caller: { actor, principal: verified } };
}

/** The caller with the name an unverified caller gives (`by`): a verified identity always wins. */
export function named(caller: Caller, claimed: unknown): Caller {
  if (caller.actor.verified) return caller;
  // A name is shown in timelines and messages: control characters become spaces.
  const name = typeof claimed === 'string' && claimed.trim() !== '' ? [...claimed.trim()].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c)).join('').slice(0, 200) : null;
  if (name === null) return caller;
  return { ...caller, actor: { ...caller.actor, name: `${name} (${caller.actor.via === 'signed-link' ? 'signed link' : 'function key'}, not verified)` } };
}

async function verifiedPrincipal(headers: HeaderSource, settings: IdentitySettings): Promise<{ ok: true; value: VerifiedPrincipal | null } | { ok: false; answer: Answer }> {
  const sentPrincipal = (headerValue(headers, CLIENT_PRINCIPAL_HEADER)?.trim() ?? '') !== '';
  if (settings.appServiceAuth) {
    // App Service Authentication strips the header from requests and sets it itself: it is the platform's word.
    if (!sentPrincipal) return { ok: true, value: null };
    const parsed = parseClientPrincipal(headers);
    if (!parsed.ok) return { ok: false, answer: problem(401, parsed.reason.replace(/_/g, '-'), parsed.detail) };
    const p = parsed.principal;
    const claims = (types: string[]) => p.claims.filter((c) => types.includes(c.typ)).map((c) => c.val.toLowerCase());
    return { ok: true, value: { id: p.id.toLowerCase(), name: p.name, names: [...new Set([p.name.toLowerCase(), ...claims(NAME_CLAIMS)])], groups: claims(GROUP_CLAIMS), roles: p.roles } };
  }
  if (sentPrincipal) {
    return {
      ok: false,
      answer: problem(
        401,
        'untrusted-principal',
        `the request carries ${CLIENT_PRINCIPAL_HEADER}, but App Service Authentication is not enabled on this app (WEBSITE_AUTH_ENABLED is not True), so the header could come from anyone and is refused; sign in with an Entra token (Authorization: Bearer) instead`,
      ),
    };
  }
  const authorization = headerValue(headers, 'authorization');
  if (authorization === undefined || authorization.trim() === '') return { ok: true, value: null };
  if (settings.operatorTokens === undefined) {
    return {
      ok: false,
      answer: problem(401, 'tokens-not-accepted', 'the request carries an Authorization header, but this app does not accept on-call Entra tokens (OPERATOR_TENANT_ID and OPERATOR_AUDIENCES are not set); drop the header or configure them'),
    };
  }
  const result = await settings.operatorTokens.validate(authorization);
  if (!result.ok) {
    const challenge = wwwAuthenticate(result);
    return {
      ok: false,
      answer: problem(result.status, result.reason.replace(/_/g, '-'), result.detail, {
        headers: result.status === 503 ? { 'Retry-After': '10' } : challenge === undefined ? {} : { 'WWW-Authenticate': challenge },
      }),
    };
  }
  const t = result.principal;
  if (t.objectId === null) return { ok: false, answer: problem(401, 'no-object-id', 'the Entra token names no object id (oid); sign in as a user of your tenant') };
  const name = t.name ?? t.objectId;
  return { ok: true, value: { id: t.objectId, name, names: [name.toLowerCase()], groups: t.groups, roles: t.roles } };
}

/**
 * Why this caller may not approve (or reject) the pending request, or null when they may. Where
 * the catalog names approvers, only a verified person among them may; the requester may not
 * approve their own request unless the policy allows it.
 */
export function approvalRefusal(caller: Caller, pending: Pick<PendingApproval, 'approvers' | 'requestedById' | 'allowSelfApproval' | 'workloads'>): Answer | null {
  if (pending.approvers.length > 0) {
    if (caller.principal === null) {
      return problem(
        403,
        'approver-not-verified',
        `${pending.workloads.join(', ')} name approvers (${pending.approvers.join(', ')}), so an approval needs a verified identity: sign in (App Service Authentication or an Entra token); a ${caller.actor.via === 'signed-link' ? 'signed link' : 'function key'} alone cannot approve`,
      );
    }
    if (!isApprover(caller.principal, pending.approvers)) {
      return problem(403, 'not-an-approver', `${caller.principal.name} (${caller.principal.id}) is not among the approvers of ${pending.workloads.join(', ')}: ${pending.approvers.join(', ')}`);
    }
  }
  if (!pending.allowSelfApproval && pending.requestedById !== null && caller.principal?.id === pending.requestedById.toLowerCase()) {
    return problem(403, 'self-approval', `${caller.principal.name} asked for this failover and may not approve it too; another approver must (the policy's allowSelfApproval is false)`);
  }
  return null;
}

/** Approvers as the catalog names them: object or group ids, UPNs, or `role:<app role>`. */
export function isApprover(principal: VerifiedPrincipal, approvers: readonly string[]): boolean {
  return approvers.some((entry) => {
    const e = entry.toLowerCase();
    if (e.startsWith('role:')) return principal.roles.includes(entry.slice(5));
    return principal.id === e || principal.groups.includes(e) || principal.names.includes(e);
  });
}
