/**
 * A real HTTP receiver on 127.0.0.1 for the notifier tests: records every request and answers
 * as the test's handler says. No fetch mock: the notifier talks to it over the loopback.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

/** Answers the `n`th request (0-based). Leave `res` unanswered to make the request hang. */
export type Handler = (req: ReceivedRequest, res: ServerResponse, n: number) => void | Promise<void>;

export interface Receiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

export const answer =
  (status: number, body = '', headers: Record<string, string> = {}) =>
  (_req: ReceivedRequest, res: ServerResponse): void => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };

export async function startReceiver(handler: Handler = answer(200, 'ok')): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = undefined;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: the test looks at `body`
      }
      const request: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      const n = received.push(request) - 1;
      void Promise.resolve(handler(request, res, n)).catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A `receiver(handler)` that starts receivers and closes them after each test of the file (or describe) that calls this. */
export function trackedReceivers(): (handler?: Handler) => Promise<Receiver> {
  const open: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });
  return async (handler) => {
    const r = await startReceiver(handler);
    open.push(r);
    return r;
  };
}

/** Answers each request in turn with the next handler; the last one repeats. */
export function sequence(...handlers: ((req: ReceivedRequest, res: ServerResponse) => void)[]): Handler {
  return (req, res, n) => handlers[Math.min(n, handlers.length - 1)]!(req, res);
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
