/**
 * The one rule for "is this failure transient?": worth trying again (a durable retry, a 503 that
 * makes Azure Monitor deliver the alert again) because the fault is in the moment, not in the
 * request or in our code. The alert webhook, the storage calls and the playbook steps all ask
 * here, so they cannot disagree.
 *
 * Transient:
 * - HTTP 408, 429, and 5xx other than 501 and 505 (a server error that the server may not have
 *   next time). The line is where the Azure SDK's own retry policy draws it: 501 Not Implemented
 *   and 505 HTTP Version Not Supported describe the request, so the same request gets the same
 *   answer. A 507 or 508 is rare enough from Azure that agreeing with the SDK wins.
 * - Network faults: connections refused, reset, aborted or timed out, broken pipes, unreachable
 *   networks and hosts, a DNS server that could not answer now (`EAI_AGAIN`), undici's socket and
 *   connect/headers/body timeouts, the Azure SDK's `REQUEST_SEND_ERROR`.
 * - A deadline that passed: `TimeoutError` (`AbortSignal.timeout`), or an `AbortError` whose cause
 *   or reason is one. A bare `AbortError` is someone cancelling on purpose, which a retry would undo.
 * - Our own `TransientStorageError` and `TransientStepError`: whoever threw them already decided.
 *
 * Not transient: every other 4xx (the request is refused and will be again), `ENOTFOUND` (a host
 * name that does not resolve is a misconfigured endpoint or a typo; it does not heal by retrying,
 * and retrying only hides the mistake for longer), programming errors (`TypeError`, `RangeError`,
 * `SyntaxError`, `ReferenceError`: the same code fails the same way), and anything this rule knows
 * nothing about. When in doubt, not transient: a retry storm on a bug helps nobody, while a
 * transient fault classified as permanent is still reported to a person.
 *
 * The rule looks through wrappers: `Error.cause` (undici's `TypeError: fetch failed` carries the
 * network error there), `AggregateError.errors` (transient when any member is: one path that may
 * work next time is enough, as for `Promise.any` and Node's dual-stack connect), an `AbortError`'s
 * `reason`, and the durable client's `unexpected status code: 503` message, the one error it
 * throws without a status field. The outermost verdict wins: a 404 wrapping a reset connection is
 * a 404.
 *
 * Errors are recognized by shape and name, never by `instanceof`, so this module imports nothing
 * and errors from another copy of a library (or from JSON) are judged alike.
 */

export interface TransientVerdict {
  readonly transient: boolean;
  /** Why, in words, naming what decided: `HTTP 503 (RestError)`, `ECONNREFUSED (in its cause)`. */
  readonly reason: string;
}

/** Statuses that mean "not now" rather than "not this": see the module comment. */
export function isTransientStatus(status: number): boolean {
  if (status === 408 || status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && status !== 505;
}

/** Error codes of network faults a retry can get past (Node, undici, axios, the Azure SDK). */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED', // a socket aborted by the stack; also axios's request timeout
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN', // DNS could not answer now (a timeout or a busy resolver), unlike ENOTFOUND
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET', // undici: the other side closed the connection
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'REQUEST_SEND_ERROR', // @azure/core-rest-pipeline: the request could not be sent (no code of its own)
]);

/**
 * Codes that settle the question the other way even when wrapped around something else.
 * ENOTFOUND: the name does not resolve. That is a wrong or deleted host name, not a busy network:
 * retrying does not heal a misconfiguration, it only delays the person who has to fix it.
 */
const PERMANENT_CODES: ReadonlySet<string> = new Set(['ENOTFOUND']);

/** Errors that are ours, thrown by code that already judged the fault transient. */
const TRANSIENT_NAMES: ReadonlySet<string> = new Set(['TransientStorageError', 'TransientStepError']);

/** Errors that are bugs: the same code, run again, fails the same way. */
const PROGRAMMING_ERRORS: ReadonlySet<string> = new Set(['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError']);

/** The durable-functions client's error for an answer it did not expect: its only trace of the status. */
const DURABLE_STATUS = /\bunexpected status code: (\d{3})\b/;

/** How deep wrappers are followed; a cycle (`a.cause = a`) stops at the first repeat anyway. */
const MAX_DEPTH = 8;

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  status?: unknown;
  cause?: unknown;
  reason?: unknown;
  errors?: unknown;
}

type Found = { transient: boolean; reason: string } | undefined;

/** Whether `err` is worth trying again. */
export function isTransient(err: unknown): boolean {
  return classifyFailure(err).transient;
}

/** Whether `err` is worth trying again, and why (for logs and answers). */
export function classifyFailure(err: unknown): TransientVerdict {
  const found = judge(err, 0, new Set());
  if (found !== undefined) return found;
  const outer = shape(err);
  const name = nameOf(outer);
  if (name !== undefined && PROGRAMMING_ERRORS.has(name)) {
    return { transient: false, reason: `${name}: a programming error; the same code fails the same way again` };
  }
  if (name === 'AbortError') return { transient: false, reason: 'AbortError without a deadline: the operation was cancelled on purpose' };
  return { transient: false, reason: `${name ?? typeof err}: no sign of a fault a retry could get past` };
}

function judge(err: unknown, depth: number, seen: Set<unknown>): Found {
  if (err === null || typeof err !== 'object' || depth > MAX_DEPTH || seen.has(err)) return undefined;
  seen.add(err);
  const e = shape(err);
  const where = depth === 0 ? '' : ' (in its cause)';
  const own = judgeOwn(e);
  if (own !== undefined) return { transient: own.transient, reason: `${own.reason}${where}` };

  // AggregateError: transient when any member is; otherwise the first member that says why not.
  let settled: Found;
  if (Array.isArray(e.errors)) {
    for (const member of e.errors) {
      const verdict = judge(member, depth + 1, seen);
      if (verdict?.transient === true) return verdict;
      settled ??= verdict;
    }
  }
  const inner = judge(e.cause, depth + 1, seen) ?? (nameOf(e) === 'AbortError' ? judge(e.reason, depth + 1, seen) : undefined);
  return inner ?? settled;
}

/** What this error says about itself, without looking at what it wraps. */
function judgeOwn(e: ErrorShape): Found {
  const name = nameOf(e);
  if (name !== undefined && TRANSIENT_NAMES.has(name)) return { transient: true, reason: name };
  const status = statusOf(e);
  if (status !== undefined) {
    const label = `HTTP ${status}${name !== undefined && name !== 'Error' ? ` (${name})` : ''}`;
    if (isTransientStatus(status)) return { transient: true, reason: label };
    if (status === 501 || status === 505) return { transient: false, reason: `${label}: the service does not support the request` };
    if (status >= 500) return { transient: false, reason: label };
    return { transient: false, reason: status >= 400 ? `${label}: the request itself was refused` : `${label}: an answer that could not be used` };
  }
  if (name === 'TimeoutError') return { transient: true, reason: 'TimeoutError: no answer before the deadline' };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { transient: true, reason: code };
  if (code !== undefined && PERMANENT_CODES.has(code)) {
    return { transient: false, reason: `${code}: the host name does not resolve; a misconfigured host does not heal by retrying` };
  }
  return undefined;
}

function statusOf(e: ErrorShape): number | undefined {
  for (const value of [e.statusCode, e.status]) {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return value;
  }
  if (typeof e.message === 'string') {
    const m = DURABLE_STATUS.exec(e.message);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function nameOf(e: ErrorShape): string | undefined {
  return typeof e.name === 'string' && e.name !== '' ? e.name : undefined;
}

function shape(err: unknown): ErrorShape {
  return typeof err === 'object' && err !== null ? (err as ErrorShape) : {};
}
