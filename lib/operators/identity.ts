/**
 * Who is acting, for the audit trail. Behind App Service Authentication the signed-in principal
 * is the identity; with a function key alone the caller may name themselves (`by`), and the
 * record says the name was not verified.
 */
import { authorizeOperator, type HeaderSource } from '../auth/index.js';
import { problem, type Answer } from '../http/problem.js';

export type Operator = { ok: true; by: string; verified: boolean } | { ok: false; answer: Answer };

export function identifyOperator(headers: HeaderSource, operatorRole: string | undefined, claimed: unknown): Operator {
  const auth = authorizeOperator(headers, operatorRole);
  if (!auth.ok) {
    const headersOut = auth.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : undefined;
    return { ok: false, answer: problem(auth.status, auth.reason, auth.detail, headersOut === undefined ? {} : { headers: headersOut }) };
  }
  if (auth.principal !== undefined) return { ok: true, by: auth.principal.name, verified: true };
  const name = typeof claimed === 'string' && claimed.trim() !== '' ? claimed.trim().slice(0, 200) : 'anonymous';
  return { ok: true, by: `${name} (function key)`, verified: false };
}
