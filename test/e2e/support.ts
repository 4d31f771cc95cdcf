/**
 * The whole app on the laptop, in-process: the local host loading `functions/` with its real
 * durable runtime on virtual time, the Azure simulator with the sample estate, and Azurite. The
 * sample catalog is used with its chat and webhook targets pointed at the simulator's receivers,
 * so notifications are delivered over HTTPS and can be read back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../local/clock.js';
import type { Azurite } from '../../local/azurite.js';
import type { DurableRuntime } from '../../local/durable/index.js';
import type { LocalHost } from '../../local/host.js';
import { setHostLogger, type LogEntry } from '../../local/functions-core.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_TENANT_ID } from '../../local/sign-in.js';
import { startStack } from '../../local/stack.js';
import type { AppConfigurationClient } from '@azure/app-configuration';
import { azureTargetFromSettings, createAzureClients, type AzureClients } from '../../lib/azure/clients.js';
import { fetchTrusting } from '../../lib/http/fetch-trusting.js';
import type { OperationRecord } from '../../sim/oplog.js';
import type { Simulator } from '../../sim/simulator.js';
import { EMAIL_SEND_OPERATION } from '../../sim/providers/communication-email.js';
import type { HookMessage } from '../../sim/control.js';
import { repoRoot } from '../support/fixtures.js';

export interface Reply {
  status: number;
  headers: Headers;
  /** Parsed JSON (text when it is not JSON); tests read the fields they assert on. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface App {
  host: LocalHost;
  /** What the host and the functions logged. */
  logs: LogEntry[];
  sim: Simulator;
  azurite: Azurite;
  runtime: DurableRuntime;
  clock: VirtualClock;
  /** The key of each key group (lib/auth/key-groups.ts) and the master key. */
  keys: { webhook: string; oncall: string; workflows: string; master: string };
  catalogPath: string;
  /**
   * A request to the app with the key that opens the function serving it (its key group's, the
   * master key for the durable API or a function in no group); `key` sends another one, `key: null` none.
   */
  request(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; key?: string | null }): Promise<Reply>;
  /** Posts an alert body (string or object) to /api/alerts. */
  alert(body: string | object, headers?: Record<string, string>): Promise<Reply>;
  /** Lets the app run, jumping virtual time to the next timer whenever it is idle, until `done` holds. */
  runUntil(done: () => boolean | Promise<boolean>, options?: { maxSteps?: number; what?: string }): Promise<void>;
  /** The incident as on-call sees it (GET /api/incidents/{id}), its JSON. */
  view<T = Reply['body']>(id: string): Promise<T>;
  /** `runUntil` the incident's view satisfies `done`; giving up, the error shows the view. */
  until<T = Reply['body']>(id: string, what: string, done: (view: T) => boolean): Promise<void>;
  /** Where the simulator's write log is now: the sequence number `writesSince` counts from. */
  mark(): number;
  /** Every write the app made or tried in the estate after `seq`, failed ones too; POSTs that only list are reads, and emails sent are notifications. */
  writesSince(seq: number): OperationRecord[];
  /** Notifications the simulator's receivers got. */
  hooks(channel?: string): Promise<HookMessage[]>;
  /** The simulator's control API (`/_sim/…`), its JSON answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  control(method: string, path: string, body?: unknown): Promise<any>;
  /** The Azure clients the app itself uses, from the settings the stack gave it. */
  clients: AzureClients;
  /**
   * Signs in to the simulator's directory as `upn` (roles and groups as given) and answers the
   * `authorization` header an on-call request carries: an Entra token the app verifies.
   */
  signIn(upn: string, claims?: { roles?: string[]; groups?: string[]; oid?: string; expiresInSeconds?: number }): Promise<{ authorization: string }>;
  /** The App Configuration store holding the workloads' active-side keys. */
  store: AppConfigurationClient;
  close(): Promise<void>;
}

export interface StartAppOptions {
  /** Edits the sample catalog's YAML before use. */
  catalog?: (yaml: string) => string;
  env?: Record<string, string>;
  start?: number;
  /** How much faster than real time the simulated Azure runs (default 600). */
  simTimeScale?: number;
}

export async function startApp(options: StartAppOptions = {}): Promise<App> {
  const dataDir = mkdtempSync(join(tmpdir(), 'failover-e2e-'));
  const clock = new VirtualClock(options.start ?? Date.UTC(2026, 10, 23, 9, 14));
  const sampleCatalog = readFileSync(join(repoRoot, 'samples/catalog.yaml'), 'utf8');
  const logs: LogEntry[] = [];
  // Function logs go to the test's record, not the console; a failure prints the recent ones.
  setHostLogger((entry) => void logs.push(entry));
  // The catalog's chat and webhook targets are pointed at the simulator's receivers once its URL is known.
  const catalogPath = join(dataDir, 'catalog.yaml');
  writeFileSync(catalogPath, sampleCatalog);
  const stack = await startStack({
    dataDir,
    clock,
    // Azure's operations at 600x: a streaming endpoint starts in a fifth of a second.
    simTimeScale: options.simTimeScale ?? 600,
    catalogPath,
    logger: (entry) => void logs.push(entry),
    groupKeys: { webhook: 'e2e-webhook-key', oncall: 'e2e-oncall-key', workflows: 'e2e-workflows-key' },
    masterKey: 'e2e-master-key',
    env: { TASK_HUB_NAME: 'failovere2e', AZURE_LRO_POLL_MS: '20', AZURE_RETRY_DELAY_MS: '20', ...options.env },
  });
  const { host, sim, azurite, runtime } = stack;
  const hookUrl = `${sim.baseUrl}/_sim/hooks/`;
  // The test's edits first, so the targets it adds are pointed at the receivers too.
  const edited = options.catalog ? options.catalog(sampleCatalog) : sampleCatalog;
  writeFileSync(catalogPath, edited.replaceAll('https://contoso.webhook.office.com/webhookb2/', hookUrl).replaceAll('https://hooks.contoso.example/', hookUrl));

  /** The key a caller of `method path` holds: its function's key group's, else the master key. */
  const keyFor = (method: string, path: string): string => {
    const group = host.http.functionFor(method, path)?.keyGroup;
    return group !== undefined ? host.keys.groups[group]! : host.keys.masterKey;
  };
  const request: App['request'] = async (method, path, opts = {}) => {
    const key = opts.key === undefined ? keyFor(method, path) : opts.key;
    const headers: Record<string, string> = { ...(key !== null ? { 'x-functions-key': key } : {}), ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${host.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // not JSON: the caller reads the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };

  // The simulator's certificate is trusted per client, never process-wide.
  const simFetch = fetchTrusting(sim.ca);
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await simFetch(`${sim.baseUrl}${path}`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return res.json();
  };

  const view = async <T,>(id: string): Promise<T> => (await request('GET', `/api/incidents/${encodeURIComponent(id)}`)).body as T;
  const runUntil: App['runUntil'] = async (done, { maxSteps = 500, what = 'the condition' } = {}) => {
    for (let step = 0; step < maxSteps; step++) {
      await runtime.idle();
      if (await done()) return;
      if (!clock.advanceToNext()) await new Promise((r) => setTimeout(r, 20));
    }
    const recent = logs.filter((l) => l.level !== 'information').slice(-10).map((l) => `  ${l.level} ${l.message}`).join('\n');
    throw new Error(`gave up waiting for ${what} after ${maxSteps} steps (virtual time ${new Date(clock.now()).toISOString()})\n${recent}`);
  };

  const clients = createAzureClients(azureTargetFromSettings(process.env, (path) => readFileSync(path, 'utf8')));
  return {
    clients,
    store: clients.appConfiguration(process.env['APP_CONFIGURATION_ENDPOINT']!),
    host,
    logs,
    sim,
    azurite,
    runtime,
    clock,
    keys: { webhook: host.keys.groups['webhook']!, oncall: host.keys.groups['oncall']!, workflows: host.keys.groups['workflows']!, master: host.keys.masterKey },
    catalogPath,
    request,
    alert: (body, headers = {}) =>
      request('POST', '/api/alerts', { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    runUntil,
    view,
    until: (id, what, done) =>
      runUntil(async () => done(await view(id)), { what }).catch(async (err: unknown) => {
        throw new Error(`${(err as Error).message}\n${JSON.stringify(await view(id), null, 1).slice(0, 4000)}`);
      }),
    mark: () => sim.log.list().at(-1)?.seq ?? 0,
    // Emails are the notification channels' (as the chat receivers' messages are), not changes to the estate.
    writesSince: (seq) => sim.log.list({ since: seq }).filter((o) => !/\/list[A-Za-z]*$/.test(o.operation) && o.operation !== EMAIL_SEND_OPERATION),
    signIn: async (upn, claims = {}) => {
      const answer = (await control('POST', '/_sim/identity/token', { tenant: LOCAL_TENANT_ID, audience: LOCAL_OPERATOR_AUDIENCE, upn, ...claims })) as { access_token: string };
      return { authorization: `Bearer ${answer.access_token}` };
    },
    hooks: async (channel) => (await control('GET', `/_sim/hooks${channel === undefined ? '' : `?channel=${encodeURIComponent(channel)}`}`)) as HookMessage[],
    control,
    async close() {
      await stack.close();
      setHostLogger(undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
