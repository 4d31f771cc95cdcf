/**
 * A simulator seeded with the sample estate, and the app's own client factory pointed at it:
 * tests drive the real SDK clients over HTTPS, trusting the simulator's certificate per client.
 */
import { request } from 'node:https';
import { join } from 'node:path';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { createAzureClients, type AzureClients } from '../../lib/azure/clients.js';
import { THROTTLE_QUEUE_POLICY } from '../../lib/azure/throttle-queue.js';
import type { OperationRecord } from '../../sim/oplog.js';
import { Simulator, type SimulatorOptions } from '../../sim/simulator.js';
import { repoRoot } from '../support/fixtures.js';

export const SUB = '11111111-1111-1111-1111-111111111111';
/** Poll long-running operations every 10 ms instead of the SDK's 2 s. */
export const FAST_LRO = { updateIntervalInMs: 10 };

export interface SimHarness {
  sim: Simulator;
  clients: AzureClients;
  /** Calls the control API (`/_sim/…`) and returns status and parsed body. */
  control(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Calls any path with the simulator's trust and a bearer token; for data planes and raw checks. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; headers: Record<string, string> }>;
  /** The simulator's write log, optionally of one operation. */
  operations(operation?: string): Promise<OperationRecord[]>;
  close(): Promise<void>;
}

/**
 * Records the status of every HTTP attempt an ARM client makes, retries included: it sits
 * beneath the throttling queue (lib/azure/throttle-queue.ts), which retries 429s itself.
 */
export function recordStatuses<C extends { pipeline: { addPolicy(policy: PipelinePolicy, options: { afterPolicies: string[] }): void } }>(client: C): { client: C; statuses: number[] } {
  const statuses: number[] = [];
  client.pipeline.addPolicy(
    {
      name: 'record-statuses',
      sendRequest: async (req, next) => {
        const res = await next(req);
        statuses.push(res.status);
        return res;
      },
    },
    { afterPolicies: [THROTTLE_QUEUE_POLICY] },
  );
  return { client, statuses };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimHarness> {
  const sim = await Simulator.start({ estate: join(repoRoot, 'samples/estate.yaml'), ...options });
  const clients = createAzureClients(
    { kind: 'simulator', endpoint: sim.baseUrl, caPem: sim.ca, clientId: 'tests' },
    { retry: { retryDelayInMs: 10, maxRetryDelayInMs: 50 } },
  );
  const call: SimHarness['call'] = (method, path, body, headers = {}) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = request(
        `${sim.baseUrl}${path}`,
        {
          method,
          ca: sim.ca,
          headers: {
            authorization: 'Bearer sim.eyJhcHBpZCI6InRlc3RzIn0',
            ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown), headers: h });
          });
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  return {
    sim,
    clients,
    control: async (method, path, body) => {
      const { status, body: b } = await call(method, path, body);
      return { status, body: b };
    },
    call,
    operations: async (operation) =>
      (await call('GET', `/_sim/operations${operation === undefined ? '' : `?operation=${encodeURIComponent(operation)}`}`)).body as OperationRecord[],
    close: () => sim.close(),
  };
}

/** Every item of a paged SDK list. */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The error a call fails with; the test fails when the call succeeds. */
export async function rejection(p: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}
