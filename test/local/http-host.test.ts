import { Readable } from 'node:stream';
import { app, HttpResponse, type HttpRequest, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installFunctionsCore, setHostLogger, type LogEntry } from '../../local/functions-core.js';
import { startHttpHost, type DurableHttpBridge, type HttpHost } from '../../local/http-host.js';
import { compileRoute, matchRoute } from '../../local/http-routes.js';

// Installed before any app.* call below runs (imports are hoisted, the calls are not).
const registry = installFunctionsCore();
const logs: LogEntry[] = [];
setHostLogger((e) => logs.push(e));

const FUNCTION_KEY = 'fn-key-123';
const MASTER_KEY = 'master-key-456';

app.http('hello', {
  methods: ['GET', 'POST'],
  authLevel: 'anonymous',
  route: 'hello/{name?}',
  handler: async (req: HttpRequest, ctx: InvocationContext) => {
    ctx.log('saying hello to', req.params['name'] ?? 'world');
    return { jsonBody: { name: req.params['name'] ?? 'world', q: req.query.get('q'), method: req.method, fn: ctx.functionName } };
  },
});
app.get('itemById', { route: 'items/{id:int}', handler: (req) => ({ jsonBody: { by: 'id', id: req.params['id'] } }) });
app.get('itemBySlug', { route: 'items/{slug}', handler: (req) => ({ jsonBody: { by: 'slug', slug: req.params['slug'] } }) });
app.get('files', { route: 'files/{*path}', handler: (req) => ({ body: `path=${req.params['path'] ?? ''}` }) });
app.get('secret', { authLevel: 'function', handler: () => ({ body: 'function-level' }) });
app.get('adminOnly', { authLevel: 'admin', route: 'adm', handler: () => ({ body: 'admin-level' }) });
app.get('text', {
  handler: () => ({ status: 201, body: 'plain text', headers: { 'x-custom': 'yes', 'content-type': 'text/plain; charset=utf-8' } }),
});
app.get('resp', {
  handler: () =>
    new HttpResponse({
      status: 202,
      jsonBody: { accepted: true },
      headers: { 'x-one': '1' },
      cookies: [{ name: 'session', value: 'abc', httpOnly: true, path: '/', sameSite: 'Lax' }],
    }),
});
app.get('bytes', { handler: () => ({ body: Buffer.from([1, 2, 3, 255]), headers: { 'content-type': 'application/octet-stream' } }) });
app.get('stream', { handler: () => ({ body: Readable.from([Buffer.from('chunk1,'), Buffer.from('chunk2')]) }) });
app.get('nothing', { handler: () => undefined as never });
app.get('boom', {
  handler: () => {
    throw new Error('kaboom');
  },
});
app.get('notObject', { handler: () => 'a string' as never });
app.post('echo', {
  handler: async (req) => ({ jsonBody: { text: await req.text(), type: req.headers.get('content-type'), multi: req.query.get('a') } }),
});
df.app.client.http('startThing', {
  route: 'start/{thing}',
  methods: ['POST'],
  handler: (req, client, ctx: InvocationContext) => ({
    jsonBody: { taskHub: client.taskHubName, thing: req.params['thing'], input: ctx.extraInputs.get(ctx.options.extraInputs[0]!) },
  }),
});

const bridgeCalls: string[] = [];
const origins: string[] = [];
const bridge: DurableHttpBridge = {
  clientData(origin) {
    origins.push(origin);
    return {
      taskHubName: 'testhub',
      creationUrls: { createNewInstancePostUri: `${origin}/runtime/webhooks/durabletask/orchestrators/{functionName}` },
      managementUrls: { id: 'INSTANCEID' },
      rpcBaseUrl: `${origin}/runtime/webhooks/durabletask/`,
    };
  },
  async handle(_req, res, url) {
    bridgeCalls.push(url.pathname);
    if (url.pathname.startsWith('/runtime/webhooks/durabletask/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ from: 'bridge', path: url.pathname }));
      return true;
    }
    if (url.pathname === '/api/hello/intercepted') {
      res.writeHead(418);
      res.end('bridge took it');
      return true;
    }
    return false;
  },
};

let host: HttpHost;
beforeAll(async () => {
  host = await startHttpHost({ registry, port: 0, keyGroups: { fixture: ['secret'] }, groupKeys: { fixture: FUNCTION_KEY }, masterKey: MASTER_KEY, durable: bridge, routePrefix: 'api' });
});
afterAll(async () => {
  await host?.close();
  setHostLogger(undefined);
});

const get = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);

describe('routes', () => {
  it('serves a function at /api/<route> with optional params and the query', async () => {
    const a = await get('/api/hello?q=1');
    expect(a.status).toBe(200);
    expect(await a.json()).toEqual({ name: 'world', q: '1', method: 'GET', fn: 'hello' });
    const b = await get('/api/Hello/Ada%20L');
    expect(await b.json()).toMatchObject({ name: 'Ada L' });
    expect(logs.some((l) => l.category === 'user' && l.message === 'saying hello to Ada L' && l.functionName === 'hello')).toBe(true);
  });

  it('prefers a constrained parameter and falls back when the constraint fails', async () => {
    expect(await (await get('/api/items/42')).json()).toEqual({ by: 'id', id: '42' });
    expect(await (await get('/api/items/forty-two')).json()).toEqual({ by: 'slug', slug: 'forty-two' });
  });

  it('passes the rest of the path to a catch-all', async () => {
    expect(await (await get('/api/files/a/b/c.txt')).text()).toBe('path=a/b/c.txt');
    expect(await (await get('/api/files')).text()).toBe('path=');
  });

  it('defaults the route to the function name', async () => {
    expect((await get('/api/text')).status).toBe(201);
  });

  it('answers 404 with a problem body for unknown routes', async () => {
    const res = await get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect((await get('/hello')).status).toBe(404);
  });

  it('answers 405 for a method the function does not accept', async () => {
    const res = await get('/api/text', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
    expect(await res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
    expect((await get('/api/hello', { method: 'POST' })).status).toBe(200);
  });
});

describe('auth levels', () => {
  it('anonymous needs no key', async () => {
    expect((await get('/api/hello')).status).toBe(200);
  });

  it("function level needs its key group's key or the master key, by query or header", async () => {
    const none = await get('/api/secret');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    expect((await get('/api/secret?code=wrong')).status).toBe(401);
    expect((await get(`/api/secret?code=${FUNCTION_KEY}`)).status).toBe(200);
    expect((await get(`/api/secret?code=${MASTER_KEY}`)).status).toBe(200);
    expect((await get('/api/secret', { headers: { 'x-functions-key': FUNCTION_KEY } })).status).toBe(200);
    expect((await get('/api/secret', { headers: { 'x-functions-key': 'nope' } })).status).toBe(401);
  });

  it('admin level needs the master key', async () => {
    expect((await get('/api/adm')).status).toBe(401);
    expect((await get(`/api/adm?code=${FUNCTION_KEY}`)).status).toBe(401);
    expect((await get('/api/adm', { headers: { 'x-functions-key': FUNCTION_KEY } })).status).toBe(401);
    const ok = await get(`/api/adm?code=${MASTER_KEY}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('admin-level');
    expect((await get('/api/adm', { headers: { 'x-functions-key': MASTER_KEY } })).status).toBe(200);
  });
});

describe('responses', () => {
  it('translates status, headers and a text body', async () => {
    const res = await get('/api/text');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-length')).toBe('10');
    expect(await res.text()).toBe('plain text');
  });

  it('translates an HttpResponse with jsonBody and cookies', async () => {
    const res = await get('/api/resp');
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-one')).toBe('1');
    expect(res.headers.getSetCookie()).toEqual(['session=abc; Path=/; HttpOnly; SameSite=Lax']);
    expect(await res.json()).toEqual({ accepted: true });
  });

  it('sends binary and streamed bodies', async () => {
    const bin = await get('/api/bytes');
    expect([...new Uint8Array(await bin.arrayBuffer())]).toEqual([1, 2, 3, 255]);
    expect(await (await get('/api/stream')).text()).toBe('chunk1,chunk2');
  });

  it('answers 204 when the function returns nothing', async () => {
    const res = await get('/api/nothing');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('passes the request body, headers and repeated query values through', async () => {
    const res = await get('/api/echo?a=1&a=2', { method: 'POST', body: '{"x":1}', headers: { 'content-type': 'application/json' } });
    expect(await res.json()).toEqual({ text: '{"x":1}', type: 'application/json', multi: '1,2' });
  });

  it('answers 500 with a problem body when a handler throws, and keeps serving', async () => {
    const res = await get('/api/boom');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { detail: string; status: number };
    expect(body.status).toBe(500);
    expect(body.detail).toContain('kaboom');
    expect(logs.some((l) => l.level === 'error' && l.message.includes('kaboom'))).toBe(true);
    expect((await get('/api/notObject')).status).toBe(500);
    expect((await get('/api/hello')).status).toBe(200);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = await startHttpHost({ registry, port: 0, maxRequestBodyBytes: 10, masterKey: 'b' });
    try {
      const res = await fetch(`${small.url}/api/echo`, { method: 'POST', body: 'x'.repeat(100) });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ status: 413 });
      const ok = await fetch(`${small.url}/api/echo`, { method: 'POST', body: 'tiny' });
      expect(await ok.json()).toMatchObject({ text: 'tiny' });
    } finally {
      await small.close();
    }
  });
});

describe('durable bridge', () => {
  it('gets the first chance at every request', async () => {
    const res = await get('/runtime/webhooks/durabletask/instances/abc?code=x');
    expect(await res.json()).toEqual({ from: 'bridge', path: '/runtime/webhooks/durabletask/instances/abc' });
    const taken = await get('/api/hello/intercepted');
    expect(taken.status).toBe(418);
    expect(bridgeCalls).toContain('/api/hello/intercepted');
  });

  it('supplies client data to a function with a durableClient input', async () => {
    const res = await get('/api/start/widget', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { taskHub: string; thing: string; input: { rpcBaseUrl: string } };
    expect(body.taskHub).toBe('testhub');
    expect(body.thing).toBe('widget');
    expect(body.input.rpcBaseUrl).toBe(`${host.url}/runtime/webhooks/durabletask/`);
    expect(origins.at(-1)).toBe(host.url);
  });
});

describe('registration', () => {
  it('captures every registration with its trigger binding', () => {
    const hello = registry.get('HELLO');
    expect(hello?.trigger).toMatchObject({ type: 'httpTrigger', route: 'hello/{name?}', authLevel: 'anonymous', methods: ['GET', 'POST'] });
    expect(registry.byTriggerType('httpTrigger').length).toBeGreaterThanOrEqual(15);
    expect(Object.values(registry.get('startThing')?.bindings ?? {}).map((b) => b.type)).toContain('durableClient');
  });

  it('rejects a second registration of the same name, naming the function', () => {
    expect(() => app.get('hello', { handler: () => ({}) })).toThrow(/"hello" is already registered/);
  });

  it('lists routes', () => {
    expect(host.routes().find((r) => r.name === 'itemById')).toEqual({ name: 'itemById', methods: ['GET'], authLevel: 'anonymous', path: '/api/items/{id:int}' });
  });
});

describe('route templates', () => {
  it('matches constraints, defaults and complex segments', () => {
    const r = compileRoute('orders/{id:int:min(1)}/lines/{line=1}', 'api');
    expect(matchRoute(r, '/api/orders/5/lines')).toEqual({ id: '5', line: '1' });
    expect(matchRoute(r, '/api/orders/5/lines/3')).toEqual({ id: '5', line: '3' });
    expect(matchRoute(r, '/api/orders/0/lines')).toBeUndefined();
    const f = compileRoute('dl/{name}.{ext?}', '');
    expect(matchRoute(f, '/dl/report.pdf')).toEqual({ name: 'report', ext: 'pdf' });
    expect(matchRoute(f, '/dl/report')).toEqual({ name: 'report' });
    const g = compileRoute('x/{id:guid}/{flag:bool}/{name:alpha:length(2,4)}', 'api');
    expect(matchRoute(g, '/api/x/3f2504e0-4f89-11d3-9a0c-0305e82c3301/TRUE/abc')).toBeDefined();
    expect(matchRoute(g, '/api/x/nope/true/abc')).toBeUndefined();
    expect(matchRoute(g, '/api/x/3f2504e0-4f89-11d3-9a0c-0305e82c3301/true/abcde')).toBeUndefined();
  });

  it('rejects bad templates with a reason', () => {
    expect(() => compileRoute('a/{*rest}/b', 'api')).toThrow(/catch-all/);
    expect(() => compileRoute('a/{id?}/b', 'api')).toThrow(/optional/);
    expect(() => compileRoute('a/{id:bogus}', 'api')).toThrow(/"bogus".*not supported/);
    expect(() => compileRoute('a/{id', 'api')).toThrow(/unbalanced/);
  });
});
