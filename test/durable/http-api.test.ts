/**
 * The Durable Functions HTTP API of the local host, used the way the app uses it: through an
 * unchanged `df.getClient(context)`, and through the management URLs with the system key.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import azureFunctions from '@azure/functions';
import * as df from 'durable-functions';
import type { OrchestrationContext } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableHttpApi, type DurableHttpBridge } from '../../local/durable/http-api.js';
import { harness } from './support.js';

df.app.activity('h_double', { handler: (n: number) => n * 2 });
df.app.orchestration('h_flow', function* (context: OrchestrationContext) {
  const doubled: number = yield context.df.callActivity('h_double', context.df.getInput<number>());
  const extra: number = yield context.df.waitForExternalEvent('Extra');
  return doubled + extra;
});

const SYSTEM_KEY = 'local-system-key';
const h = harness();
let bridge: DurableHttpBridge;
let server: Server;
let origin: string;

beforeAll(async () => {
  bridge = createDurableHttpApi({ runtime: h.runtime, taskHubName: 'failoverlocal', systemKey: SYSTEM_KEY });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    void bridge.handle(req, res, url).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A DurableClient exactly as an HTTP function gets it. */
function client() {
  const binding = df.input.durableClient();
  const context = new azureFunctions.InvocationContext({ functionName: 'starter', options: { extraInputs: [binding] } });
  context.extraInputs.set(binding, bridge.clientData(origin));
  return df.getClient(context);
}

describe('durable HTTP API', () => {
  it('starts, signals and reads an orchestration through df.getClient', async () => {
    const c = client();
    const id = await c.startNew('h_flow', { instanceId: 'flow-1', input: 21 });
    expect(id).toBe('flow-1');
    await h.settle();
    expect((await c.getStatus(id)).runtimeStatus).toBe('Running');
    await c.raiseEvent(id, 'Extra', 0.5);
    await h.settle();
    const status = await c.getStatus(id, { showHistory: true, showHistoryOutput: true });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe(42.5);
    expect(status.input).toBe(21);
    const history = status.history as unknown as Array<{ EventType: string; FunctionName?: string; Result?: unknown }>;
    expect(history.map((e) => e.EventType)).toEqual(['ExecutionStarted', 'TaskCompleted', 'EventRaised', 'ExecutionCompleted']);
    expect(history[1]).toMatchObject({ FunctionName: 'h_double', Result: 42 });
  });

  it('refuses to start an instance id that is already running', async () => {
    const c = client();
    await c.startNew('h_flow', { instanceId: 'flow-2', input: 1 });
    await expect(c.startNew('h_flow', { instanceId: 'flow-2', input: 1 })).rejects.toThrow(/409|already exists/);
  });

  it('returns check-status URLs that work with the system key, and terminates and purges', async () => {
    const c = client();
    await c.startNew('h_flow', { instanceId: 'flow-3', input: 1 });
    const request = new azureFunctions.HttpRequest({ method: 'POST', url: `${origin}/api/start` });
    const response = c.createCheckStatusResponse(request, 'flow-3');
    const links = (await response.json()) as Record<string, string>;
    expect(links['id']).toBe('flow-3');
    expect(links['statusQueryGetUri']).toBe(
      `${origin}/runtime/webhooks/durabletask/instances/flow-3?taskHub=failoverlocal&connection=Storage&code=${SYSTEM_KEY}`,
    );
    await h.settle();
    const running = await fetch(links['statusQueryGetUri']!);
    expect(running.status).toBe(202);
    expect(await running.json()).toMatchObject({ name: 'h_flow', instanceId: 'flow-3', runtimeStatus: 'Running' });

    const terminated = await fetch(links['terminatePostUri']!.replace('{text}', 'stop'), { method: 'POST' });
    expect(terminated.status).toBe(202);
    await h.settle();
    const after = await fetch(links['statusQueryGetUri']!);
    expect(after.status).toBe(400);
    expect(await after.json()).toMatchObject({ runtimeStatus: 'Terminated', output: 'stop' });

    const gone = await fetch(links['sendEventPostUri']!.replace('{eventName}', 'Extra'), { method: 'POST', body: '1' });
    expect(gone.status).toBe(410);

    const purged = await fetch(links['purgeHistoryDeleteUri']!, { method: 'DELETE' });
    expect(await purged.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(links['statusQueryGetUri']!)).status).toBe(404);
  });

  it('exports the raw history for replay', async () => {
    const res = await fetch(`${origin}/runtime/webhooks/durabletask/instances/flow-1/history?code=${SYSTEM_KEY}`);
    const body = (await res.json()) as { history: Array<{ EventType: number; EventId: number }> };
    expect(body.history[0]).toMatchObject({ EventType: 12 });
    expect(body.history.some((e) => e.EventType === 4 && e.EventId === 0)).toBe(true);
  });

  it('lists instances with filters', async () => {
    const res = await fetch(`${origin}/runtime/webhooks/durabletask/instances/?runtimeStatus=Completed&code=${SYSTEM_KEY}`);
    const list = (await res.json()) as Array<{ instanceId: string }>;
    expect(list.map((i) => i.instanceId)).toEqual(['flow-1']);
  });

  it('answers 401 without the system key, and problem bodies for unknown routes and bad input', async () => {
    const unauthorized = await fetch(`${origin}/runtime/webhooks/durabletask/instances/flow-1`);
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    const bad = await fetch(`${origin}/runtime/webhooks/durabletask/orchestrators/h_flow?code=${SYSTEM_KEY}`, { method: 'POST', body: '{oops' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ detail: 'the request body must be JSON' });
    const unknown = await fetch(`${origin}/runtime/webhooks/durabletask/orchestrators/nope?code=${SYSTEM_KEY}`, { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()) as { detail: string }).toMatchObject({ detail: "The function 'nope' doesn't exist, is disabled, or is not an orchestrator function." });
  });
});

describe('replay route', () => {
  it('replays an exported history against the registered code', async () => {
    const exported = await (await fetch(`${origin}/runtime/webhooks/durabletask/instances/flow-1/history?code=${SYSTEM_KEY}`)).text();
    const res = await fetch(`${origin}/runtime/webhooks/durabletask/replay/h_flow?code=${SYSTEM_KEY}`, { method: 'POST', body: exported });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ clean: true, divergence: null, isDone: true, output: 42.5 });
  });

  it('explains a body that is not a history', async () => {
    const res = await fetch(`${origin}/runtime/webhooks/durabletask/replay/h_flow?code=${SYSTEM_KEY}`, { method: 'POST', body: '{"events":[]}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain('expected a JSON body { "history"');
  });
});
