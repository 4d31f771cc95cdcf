/**
 * The one rule for transient faults (lib/errors/transient.ts), over a table of errors as they
 * really arrive: the Azure SDK's own RestError (built, and thrown by a real request to a closed
 * port), undici's fetch errors from a closed port, a server that drops the connection and one that
 * never answers, deadlines from AbortSignal.timeout, wrappers nested in causes and aggregates, the
 * durable client's status message, our own error classes, and programming errors. Every place
 * that asks (the steps, the storage calls, the webhook) must give the same answer for each.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createDefaultHttpClient, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure, isTransient, isTransientStatus } from '../../lib/errors/transient.js';
import { TransientStepError } from '../../lib/steps/deps.js';
import { StorageError, toStorageError, TransientStorageError } from '../../lib/storage/errors.js';
import { closedPort } from '../notify/receiver.js';

/** What a rejected promise rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const withCode = (code: string, message = `${code}: from the socket`) => Object.assign(new Error(message), { code });
const rest = (statusCode: number) => new RestError(`the service answered ${statusCode}`, { statusCode, code: 'SomeServiceCode' });

let port: number;
let hanging: Server;
let hangingPort: number;
let dropping: Server;
let droppingPort: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  port = await closedPort();
  // Accepts connections and never answers.
  hanging = createTcpServer((s) => void sockets.push(s));
  // Reads the request, then closes the connection without an answer.
  dropping = createTcpServer((s) => s.once('data', () => s.destroy()));
  await Promise.all([hanging, dropping].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  hangingPort = (hanging.address() as { port: number }).port;
  droppingPort = (dropping.address() as { port: number }).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all([hanging, dropping].map((s) => new Promise((r) => s.close(r))));
});

type Row = [what: string, make: () => unknown | Promise<unknown>, transient: boolean];

const rows: Row[] = [
  // The Azure SDK's RestError, by status.
  ['RestError 408', () => rest(408), true],
  ['RestError 429', () => rest(429), true],
  ['RestError 500', () => rest(500), true],
  ['RestError 502', () => rest(502), true],
  ['RestError 503', () => rest(503), true],
  ['RestError 504', () => rest(504), true],
  ['RestError 507 (other 5xx, as the SDK retries them)', () => rest(507), true],
  ['RestError 501 Not Implemented', () => rest(501), false],
  ['RestError 505 HTTP Version Not Supported', () => rest(505), false],
  ['RestError 400', () => rest(400), false],
  ['RestError 401', () => rest(401), false],
  ['RestError 403', () => rest(403), false],
  ['RestError 404', () => rest(404), false],
  ['RestError 409', () => rest(409), false],
  ['RestError 412', () => rest(412), false],
  ['RestError PARSE_ERROR on a 200', () => new RestError('not JSON', { code: RestError.PARSE_ERROR, statusCode: 200 }), false],
  ['RestError REQUEST_SEND_ERROR', () => new RestError('could not send', { code: RestError.REQUEST_SEND_ERROR }), true],
  ['RestError ENOTFOUND (as the SDK reports an unknown host)', () => new RestError('getaddrinfo ENOTFOUND acct.table.core.windows.net', { code: 'ENOTFOUND' }), false],
  // The SDK's HTTP client against a closed port and a host that never answers.
  ['the SDK against a closed port (RestError ECONNREFUSED)', () => rejection(createDefaultHttpClient().sendRequest(createPipelineRequest({ url: `http://127.0.0.1:${port}/`, allowInsecureConnection: true }))), true],
  [
    'the SDK aborted by a caller, no deadline (bare AbortError)',
    () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      return rejection(createDefaultHttpClient().sendRequest(createPipelineRequest({ url: `http://127.0.0.1:${hangingPort}/`, allowInsecureConnection: true, abortSignal: controller.signal })));
    },
    false,
  ],
  // undici (Node's fetch).
  ['fetch to a closed port (TypeError: fetch failed, cause ECONNREFUSED)', () => rejection(fetch(`http://127.0.0.1:${port}/`)), true],
  ['fetch to a server that drops the connection (cause UND_ERR_SOCKET)', () => rejection(fetch(`http://127.0.0.1:${droppingPort}/`)), true],
  ['fetch to a host that hangs, under AbortSignal.timeout (TimeoutError)', () => rejection(fetch(`http://127.0.0.1:${hangingPort}/`, { signal: AbortSignal.timeout(100) })), true],
  [
    'fetch to a host that hangs, aborted by a caller (AbortError)',
    () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      return rejection(fetch(`http://127.0.0.1:${hangingPort}/`, { signal: controller.signal }));
    },
    false,
  ],
  ['fetch failed because the host name does not resolve (cause ENOTFOUND)', () => new TypeError('fetch failed', { cause: withCode('ENOTFOUND', 'getaddrinfo ENOTFOUND hooks.contoso.example') }), false],
  ['undici connect timeout', () => new TypeError('fetch failed', { cause: withCode('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error') }), true],
  ['undici headers timeout', () => new TypeError('fetch failed', { cause: withCode('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error') }), true],
  // Deadlines.
  ['AbortSignal.timeout reason (TimeoutError)', async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((r) => setTimeout(r, 20));
    return signal.reason as unknown;
  }, true],
  ['an AbortError whose cause is the deadline', () => Object.assign(new Error('aborted', { cause: new DOMException('deadline', 'TimeoutError') }), { name: 'AbortError' }), true],
  ['an AbortError whose reason is the deadline', () => Object.assign(new Error('aborted'), { name: 'AbortError', reason: new DOMException('deadline', 'TimeoutError') }), true],
  // Network codes from Node.
  ['ECONNRESET', () => withCode('ECONNRESET'), true],
  ['ECONNREFUSED', () => withCode('ECONNREFUSED'), true],
  ['ETIMEDOUT', () => withCode('ETIMEDOUT'), true],
  ['EPIPE', () => withCode('EPIPE'), true],
  ['EAI_AGAIN (DNS could not answer now)', () => withCode('EAI_AGAIN'), true],
  ['ENETUNREACH', () => withCode('ENETUNREACH'), true],
  ['EHOSTUNREACH', () => withCode('EHOSTUNREACH'), true],
  ['ENOTFOUND (the host name does not resolve)', () => withCode('ENOTFOUND'), false],
  ['EACCES', () => withCode('EACCES'), false],
  // Wrappers.
  ['a 503 two causes deep', () => new Error('could not start the incident', { cause: new Error('durable client', { cause: rest(503) }) }), true],
  ['a 404 wrapping a reset connection (the outermost verdict wins)', () => Object.assign(rest(404), { cause: withCode('ECONNRESET') }), false],
  ['AggregateError: one member transient', () => new AggregateError([new TypeError('x is not a function'), withCode('ECONNRESET')], 'all failed'), true],
  ['AggregateError: no member transient', () => new AggregateError([new RangeError('bad'), rest(404)], 'all failed'), false],
  ['AggregateError carrying its own code (Node dual-stack connect)', () => Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: 'ECONNREFUSED' }), true],
  ['a cause that refers to itself', () => {
    const e = new Error('loop') as Error & { cause?: unknown };
    e.cause = e;
    return e;
  }, false],
  // The durable client's only trace of a status.
  ['durable client: unexpected status code 503', () => new Error('The operation failed with an unexpected status code: 503. Details: "busy"'), true],
  ['durable client: unexpected status code 429', () => new Error('The operation failed with an unexpected status code: 429. Details: ""'), true],
  ['durable client: unexpected status code 400', () => new Error('The operation failed with an unexpected status code: 400. Details: "bad"'), false],
  // Ours.
  ['TransientStorageError', () => new TransientStorageError('claims incidentclaims claim incident', 'no answer within 10000 ms'), true],
  ['TransientStepError', () => new TransientStepError('ResourceHealthUnavailable', 'throttled'), true],
  ['StorageError 403', () => new StorageError('AuthorizationPermissionMismatch', 'archive put x', 'HTTP 403: denied', { statusCode: 403 }), false],
  ['StorageError without a status (ClaimContended)', () => new StorageError('ClaimContended', 'claims x claim incident', 'kept changing hands'), false],
  // Programming errors and things that are not errors.
  ['TypeError', () => new TypeError("Cannot read properties of undefined (reading 'workloads')"), false],
  ['RangeError', () => new RangeError('Invalid time value'), false],
  ['SyntaxError from JSON.parse', () => {
    try {
      JSON.parse('{');
    } catch (err) {
      return err;
    }
    throw new Error('JSON.parse accepted "{"');
  }, false],
  ['a plain Error', () => new Error('something else'), false],
  ['a string', () => 'ECONNRESET', false],
  ['null', () => null, false],
  ['undefined', () => undefined, false],
];

describe('isTransient: one rule, one table', () => {
  it.each(rows)('%s → transient: %s', async (_what, make, transient) => {
    const err = await make();
    expect(isTransient(err)).toBe(transient);
    const verdict = classifyFailure(err);
    expect(verdict.transient).toBe(transient);
    expect(verdict.reason).not.toBe('');
    // Storage errors are classed by the same rule.
    if (!(err instanceof StorageError)) expect(toStorageError(err, 'test op') instanceof TransientStorageError).toBe(transient);
  });

  it('the statuses, one by one', () => {
    const transient = Array.from({ length: 500 }, (_, i) => i + 100).filter(isTransientStatus);
    expect(transient).toEqual([408, 429, 500, 502, 503, 504, ...Array.from({ length: 94 }, (_, i) => i + 506)]);
  });

  it('says why, naming what decided and where', async () => {
    expect(classifyFailure(rest(503)).reason).toBe('HTTP 503 (RestError)');
    expect(classifyFailure(await rejection(fetch(`http://127.0.0.1:${port}/`))).reason).toBe('ECONNREFUSED (in its cause)');
    expect(classifyFailure(withCode('ENOTFOUND')).reason).toMatch(/^ENOTFOUND: the host name does not resolve; a misconfigured host does not heal by retrying/);
    expect(classifyFailure(new TypeError('x is not a function')).reason).toBe('TypeError: a programming error; the same code fails the same way again');
    expect(classifyFailure(rest(404)).reason).toBe('HTTP 404 (RestError): the request itself was refused');
    expect(classifyFailure(new Error('The operation failed with an unexpected status code: 503. Details: ""')).reason).toBe('HTTP 503');
  });
});

describe('storage calls use the rule, and their own deadline', () => {
  it('a storage host that does not resolve is a StorageError, not transient: retrying does not fix a host name', () => {
    const err = toStorageError(new RestError('getaddrinfo ENOTFOUND acct.blob.core.windows.net', { code: 'ENOTFOUND' }), 'archive put x');
    expect(err).toBeInstanceOf(StorageError);
    expect(err).not.toBeInstanceOf(TransientStorageError);
    expect(err.message).toBe('ENOTFOUND: archive put x: getaddrinfo ENOTFOUND acct.blob.core.windows.net');
  });

  it('a bare AbortError after the call\'s own deadline is a timeout', () => {
    const err = toStorageError(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }), 'claims t read claim', 300, true);
    expect(err).toBeInstanceOf(TransientStorageError);
    expect(err.message).toBe('StorageUnavailable: claims t read claim: no answer within 300 ms');
  });
});
