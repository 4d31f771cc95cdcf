/**
 * The two ways a storage call (the alert archive's blobs, the stores' table) can fail, shared by
 * `lib/archive`, `lib/stores` and the notification outbox:
 *
 * - `TransientStorageError`: storage is unreachable, overloaded or slow (408, 429, 5xx, refused or
 *   reset connections, the call's deadline passed: the app's one rule in lib/errors/transient.ts
 *   decides). Worth retrying; the alert webhook answers 503 so that Azure Monitor delivers the
 *   alert again, and an activity throws it so that durable retries apply.
 * - `StorageError`: anything else (authorization, a bad request, a missing blob, a storage host
 *   name that does not resolve). Retrying the same call will not help; the message says what
 *   storage answered.
 *
 * Messages start with a stable code (`StorageUnavailable: …`, `AuthorizationPermissionMismatch: …`)
 * because durable-functions passes activity errors to the orchestrator as text.
 */
import { isTransient } from '../errors/transient.js';

export class StorageError extends Error {
  /** Storage's error code (`BlobNotFound`, `AuthorizationFailure`, …), or `StorageUnavailable` for transient faults. */
  readonly code: string;
  /** HTTP status storage answered with; undefined when no response arrived. */
  readonly statusCode: number | undefined;
  /** What was being done, e.g. `archive put alerts/2024/06/01/…` or `claims incidentclaims claim incident`. */
  readonly operation: string;

  constructor(code: string, operation: string, detail: string, options: { statusCode?: number | undefined; cause?: unknown } = {}) {
    super(`${code}: ${operation}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StorageError';
    this.code = code;
    this.statusCode = options.statusCode;
    this.operation = operation;
  }
}

/** Storage could not be reached or did not answer in time; try again later. */
export class TransientStorageError extends StorageError {
  constructor(operation: string, detail: string, options: { statusCode?: number | undefined; cause?: unknown } = {}) {
    super('StorageUnavailable', operation, detail, options);
    this.name = 'TransientStorageError';
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  statusCode?: unknown;
  cause?: unknown;
  details?: unknown;
}

function asErrorLike(err: unknown): ErrorLike {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : {};
}

/** Whether a storage error is this status or code (the SDK sets one or the other, depending on the path). */
export function isCode(err: unknown, status: number, code: string): boolean {
  return err instanceof StorageError && (err.statusCode === status || err.code === code);
}

/** Storage's own error code for a failed call: the x-ms-error-code, else the SDK's code. */
export function storageErrorCode(err: unknown): string | undefined {
  const x = asErrorLike(err);
  const details = asErrorLike(x.details) as { errorCode?: unknown; odataError?: { code?: unknown } };
  if (typeof details.errorCode === 'string' && details.errorCode !== '') return details.errorCode;
  if (typeof details.odataError?.code === 'string' && details.odataError.code !== '') return details.odataError.code;
  if (typeof x.code === 'string' && x.code !== '') return x.code;
  return undefined;
}

/** The HTTP status of a failed SDK call, when a response arrived. */
export function storageStatus(err: unknown): number | undefined {
  const status = asErrorLike(err).statusCode;
  return typeof status === 'number' ? status : undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/**
 * Turns whatever an SDK threw into `TransientStorageError` or `StorageError` (ours pass through),
 * by the app's one rule for transient faults (lib/errors/transient.ts). `timedOut`: the call's own
 * deadline passed before storage answered, which is transient whatever the SDK threw for it (a bare
 * `AbortError`, which the rule alone cannot tell from a cancellation).
 */
export function toStorageError(err: unknown, operation: string, timeoutMs?: number, timedOut = false): StorageError {
  if (err instanceof StorageError) return err;
  const x = asErrorLike(err);
  const status = storageStatus(err);
  const message = typeof x.message === 'string' && x.message !== '' ? firstLine(x.message) : String(err);
  if (timedOut || isTransient(err)) {
    const deadline = timedOut || x.name === 'TimeoutError';
    const detail = deadline && timeoutMs !== undefined ? `no answer within ${timeoutMs} ms` : status !== undefined ? `HTTP ${status}: ${message}` : message;
    return new TransientStorageError(operation, detail, { statusCode: status, cause: err });
  }
  const code = storageErrorCode(err) ?? 'StorageError';
  return new StorageError(code, operation, status !== undefined ? `HTTP ${status}: ${message}` : message, { statusCode: status, cause: err });
}

/**
 * Runs one storage call under an overall deadline (across the SDK's own retries), translating
 * failures. `call` receives the abort signal to hand to the SDK.
 */
export async function storageCall<T>(operation: string, timeoutMs: number, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    return await call(abortSignal);
  } catch (err) {
    // Past the deadline with no answer from storage: whatever the SDK made of the abort, it is a timeout.
    throw toStorageError(err, operation, timeoutMs, abortSignal.aborted && storageStatus(err) === undefined);
  }
}
