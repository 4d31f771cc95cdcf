/**
 * The local host against callers who lie or dawdle: a spoofed Host header changes neither the
 * durable client's RPC address nor the origin a function sees; keys never reach a log line, not
 * even for an aborted request; bodies are limited in size and in time (a slow sender gets 408 and
 * its connection closed, and the host keeps serving); the durable HTTP API decodes instance ids
 * per path segment and refuses ids that would change the URLs that address them.
 */
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { app, type HttpRequest } from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableHttpApi } from '../../local/durable/http-api.js';
import { redactKeys, setHostLogger, type LogEntry } from '../../local/functions-core.js';
import { DEFAULT_MAX_REQUEST_BODY_BYTES, startHttpHost, type HttpHost } from '../../local/http-host.js';
import { harness, registry } from '../durable/support.js';

const logs: LogEntry[] = [];
setHostLogger((e) => void logs.push(e));

const MASTER = 'hardening-master-key';
const GROUP_KEY = 'hardening-group-key';

df.app.orchestration('hard_wait', function* (context: OrchestrationContext) {
  return yield context.df.waitForExternalEvent('Go');
});
// What a function sees of its request and of its durable client, and a call through that client.
df.app.client.http('hardProbe', {
  route: 'hard/probe',
  methods: ['GET', 'POST'],
  authLevel: 'function',
  handler: async (req: HttpRequest, client, ctx) => {
    const data = ctx.extraInputs.get(ctx.options.extraInputs[0]!) as { rpcBaseUrl: string; managementUrls: Record<string, string> };
    const status = await client.getStatus('hard-started');
    return { jsonBody: { url: req.url, rpcBaseUrl: data.rpcBaseUrl, statusQueryGetUri: data.managementUrls['statusQueryGetUri'], status: status.runtimeStatus } };
  },
});
app.post('hardEcho', { route: 'hard/echo', authLevel: 'function', handler: async (req) => ({ body: `got ${(await req.text()).length}` }) });
// A function that logs what it was sent, keys and all: the host must redact them.
app.get('hardLeaky', {
  route: 'hard/leaky',
  authLevel: 'function',
  handler: (req, ctx) => {
    ctx.log(`called as ${req.url} with ${JSON.stringify(Object.fromEntries(req.headers))}`);
    throw new Error(`failed at ${req.url}`);
  },
});

const h = harness();
let host: HttpHost;

beforeAll(async () => {
  const bridge = createDurableHttpApi({ runtime: h.runtime, taskHubName: 'hardening', systemKey: MASTER });
  host = await startHttpHost({
    registry,
    port: 0,
    routePrefix: 'api',
    masterKey: MASTER,
    keyGroups: { probes: ['hardProbe', 'hardEcho', 'hardLeaky'] },
    groupKeys: { probes: GROUP_KEY },
    durable: bridge,
    bodyTimeoutMs: 400,
    headersTimeoutMs: 400,
    publicBaseUrl: 'https://failover.contoso.example',
  });
  await h.runtime.start('hard_wait', null, 'hard-started');
  await h.settle();
});
afterAll(async () => {
  await host.close();
  setHostLogger(undefined);
});

/** A request with the Host header we choose (fetch will not send a foreign one). */
function withHost(path: string, hostHeader: string, method = 'GET'): Promise<{ status: number; body: string; location: string | undefined }> {
  const { port } = new URL(host.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { host: hostHeader } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Raw bytes over a socket; resolves with what came back and when the socket closed. */
function raw(write: (send: (text: string) => void, end: () => void) => void): Promise<{ text: string; closedAfterMs: number }> {
  const { port } = new URL(host.url);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('connect', () =>
      write(
        (t) => void (socket.destroyed ? undefined : socket.write(t)),
        () => socket.destroy(),
      ),
    );
  });
}

describe('a spoofed Host header', () => {
  it('changes neither the RPC address nor the origin the function sees, and the durable call still works', async () => {
    const res = await withHost(`/api/hard/probe?code=${GROUP_KEY}`, 'attacker.example');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { url: string; rpcBaseUrl: string; statusQueryGetUri: string; status: string };
    expect(body.rpcBaseUrl).toMatch(new RegExp(`^${host.url}/runtime/webhooks/durabletask/rpc/[0-9a-f]{32}/$`));
    expect(body.statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/INSTANCEID?`)).toBe(true);
    // The status came from this host's runtime, over the listen address.
    expect(body.status).toBe('Running');
    // Links for people: the configured public address, not the attacker's host.
    expect(body.url).toBe(`https://failover.contoso.example/api/hard/probe?code=${GROUP_KEY}`);
    expect(res.body).not.toContain('attacker.example');
  });

  it("keeps the Host header when it names the listen address or the public address", async () => {
    const listen = new URL(host.url).host;
    expect(JSON.parse((await withHost(`/api/hard/probe?code=${GROUP_KEY}`, listen)).body)).toMatchObject({ url: `${host.url}/api/hard/probe?code=${GROUP_KEY}` });
    expect(JSON.parse((await withHost(`/api/hard/probe?code=${GROUP_KEY}`, 'failover.contoso.example')).body)).toMatchObject({ url: `https://failover.contoso.example/api/hard/probe?code=${GROUP_KEY}` });
  });

  it('does not move the durable API links either', async () => {
    const started = await withHost(`/runtime/webhooks/durabletask/orchestrators/hard_wait/hard-linked?code=${MASTER}`, 'attacker.example', 'POST');
    expect(started.status).toBe(202);
    expect(started.location).toMatch(/^https:\/\/failover\.contoso\.example\/runtime\/webhooks\/durabletask\/instances\/hard-linked\?/);
    expect(started.body).not.toContain('attacker.example');
  });
});

describe('keys in logs', () => {
  it('never logs a key, whether the function logs its request or the client aborts mid-body', async () => {
    logs.length = 0;
    const leaky = await fetch(`${host.url}/api/hard/leaky?code=${GROUP_KEY}&x=1`);
    expect(leaky.status).toBe(500);
    await fetch(`${host.url}/api/hard/leaky`, { headers: { 'x-functions-key': GROUP_KEY } });
    // Headers and half a body, then gone.
    await raw((send, end) => {
      send(`POST /api/hard/echo?code=${MASTER} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nhalf`);
      setTimeout(end, 50);
    });
    await new Promise((r) => setTimeout(r, 100));
    const text = logs.map((l) => l.message).join('\n');
    expect(text).toMatch(/request POST \/api\/hard\/echo\?code=\*\*\* failed: /);
    expect(text).toContain('/api/hard/leaky?code=***&x=1');
    expect(text).toMatch(/"x-functions-key":"\*\*\*"/);
    expect(text).not.toContain(GROUP_KEY);
    expect(text).not.toContain(MASTER);
  });

  it('redacts keys wherever they sit in a line', () => {
    expect(redactKeys('GET /a?code=abc&x=1 and /b?x=1&code=def#f')).toBe('GET /a?code=***&x=1 and /b?x=1&code=***#f');
    expect(redactKeys('{"x-functions-key":"k1","other":"v"} x-functions-key: k2')).toBe('{"x-functions-key":"***","other":"v"} x-functions-key: ***');
    expect(redactKeys('statusCode=200 errorcode=5')).toBe('statusCode=200 errorcode=5');
  });
});

describe('body limits', () => {
  it('limits bodies to 1 MB by default', async () => {
    expect(DEFAULT_MAX_REQUEST_BODY_BYTES).toBe(1024 * 1024);
    const over = await fetch(`${host.url}/api/hard/echo?code=${GROUP_KEY}`, { method: 'POST', body: 'x'.repeat(DEFAULT_MAX_REQUEST_BODY_BYTES + 1) });
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ type: 'about:blank', title: 'Payload Too Large', status: 413, detail: `request bodies are limited to ${DEFAULT_MAX_REQUEST_BODY_BYTES} bytes` });
    expect(await (await fetch(`${host.url}/api/hard/echo?code=${GROUP_KEY}`, { method: 'POST', body: 'x'.repeat(1000) })).text()).toBe('got 1000');
  });

  it('answers a body that trickles in with 408 within the limit, closes the connection, and keeps serving', async () => {
    let drip: NodeJS.Timeout | undefined;
    const slow = await raw((send) => {
      send(`POST /api/hard/echo?code=${GROUP_KEY} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n`);
      // One byte every 50 ms: steady, and far too slow for 1000 bytes in 400 ms.
      drip = setInterval(() => send('x'), 50);
    });
    clearInterval(drip);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(slow.text).toContain('"detail":"the request body did not arrive within 400 ms; send it again, faster"');
    expect(slow.closedAfterMs).toBeGreaterThanOrEqual(400);
    expect(slow.closedAfterMs).toBeLessThan(2000);
    expect((await fetch(`${host.url}/api/hard/echo?code=${GROUP_KEY}`, { method: 'POST', body: 'ok' })).status).toBe(200);
  });

  it('answers headers that never finish with 408 and closes the connection', async () => {
    const stalled = await raw((send) => send('GET /api/hard/probe HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
    expect(stalled.text).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(stalled.closedAfterMs).toBeLessThan(3000);
  });
});

describe('instance ids at the durable HTTP API', () => {
  const api = (path: string, init?: RequestInit) => fetch(`${host.url}/runtime/webhooks/durabletask/${path}${path.includes('?') ? '&' : '?'}code=${MASTER}`, init);

  it('decodes each path segment on its own: an encoded ? or # stays in the id and adds no query', async () => {
    const res = await api('instances/hard-started%3FshowInput%3Dfalse');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ detail: "No instance with ID 'hard-started?showInput=false' was found." });
    expect((await api('instances/hard-started%23x')).status).toBe(404);
    expect((await api('instances/hard-started')).status).toBe(202);
  });

  it('refuses to start ids that would change the URLs addressing them, and malformed escapes', async () => {
    for (const id of ['abc%3Fx', 'abc%23y', 'a%2Fb', 'a%5Cb', 'a%0Ab']) {
      const res = await api(`orchestrators/hard_wait/${id}`, { method: 'POST' });
      expect(res.status, id).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toContain("ids must not be empty or contain '/', '\\', '?', '#' or control characters");
    }
    const malformed = await api('instances/%E0%A4%A', {});
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ detail: "the path segment '%E0%A4%A' is not valid percent-encoding" });
  });

  it('encodes ids in the links it gives', async () => {
    const res = await api('orchestrators/hard_wait/hard%20linked:1', { method: 'POST' });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${host.url}/runtime/webhooks/durabletask/instances/hard%20linked%3A1\\?`));
  });
});
