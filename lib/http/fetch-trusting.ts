/**
 * A `fetch` that also trusts one extra certificate authority: the simulator's, when the app runs
 * against it, so notifications can go to its chat and webhook receivers without turning off TLS
 * checks for the process. Covers what the notifier uses: method, headers, a string body, an
 * abort signal, and the response's status, headers and text.
 */
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';

export function fetchTrusting(caPem: string): typeof fetch {
  // One agent and one TLS context: given only the CA list, every new connection would build its
  // own context from some 150 certificates (a few ms of CPU each), and connections are kept alive.
  const agent = new Agent({ secureContext: createSecureContext({ ca: [...rootCertificates, caPem] }), keepAlive: true });
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
    const headers = new Headers(init.headers);
    const body = init.body === undefined || init.body === null ? undefined : String(init.body);
    if (body !== undefined && !headers.has('content-length')) headers.set('content-length', String(Buffer.byteLength(body)));
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers), ...(url.protocol === 'https:' ? { agent } : {}), signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
          const status = res.statusCode ?? 0;
          // Response refuses a body on 204/304.
          resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}
