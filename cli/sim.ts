/**
 * `failover sim …`: look at and break the Azure simulator that `npm start` runs, through its
 * control API. The simulator is found through `--sim URL --ca FILE`, the AZURE_SIMULATOR_URL /
 * AZURE_SIMULATOR_CA settings, or `<data dir>/simulator.json` written by `npm start`.
 */
import { request } from 'node:https';
import { join } from 'node:path';
import { parseFlags, type Flags } from './flags.js';
import type { SentEmail } from '../sim/providers/communication-email.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_TENANT_ID } from '../local/sign-in.js';
import { EXIT, UsageError, type CliIo } from './io.js';

export const SIM_USAGE = `failover sim <command> [--sim URL --ca FILE] [--data-dir DIR] [--json]
  status                          health, regions down, fault rules
  resources [--type T] [--region R]
                                  every resource and its state
  operations [--since N]          the write log: who did what, and the result
  outage <region> [--timeout] [--services "Media Services,Azure Data Share"]
                                  take a region down (503s, or hung requests with --timeout)
  restore <region>                bring it back
  fault <operation> [--status N] [--rate 0..1] [--count N] [--latency MS] [--resource S] [--fail-operation]
                                  inject a failure (operation names as in 'operations')
  faults [--clear]                list (or remove) fault rules
  emails [--to ADDRESS] [--since N]
                                  what Communication Services Email was asked to send (newest last)
  reset                           back to the seeded estate
  login <upn> [--roles A,B] [--groups G1,G2] [--oid GUID]
                                  sign in to the simulator's directory as <upn>: prints an Entra token
                                  the local app verifies (export FAILOVER_TOKEN=$(npx failover sim login …))`;

interface SimTarget {
  url: string;
  ca: string;
}

const BOOLEANS = new Set(['json', 'timeout', 'fail-operation', 'clear']);
/** Every option of every sim command that takes a value: any other is a typo, refused rather than read as something else. */
const VALUES = new Set(['sim', 'ca', 'data-dir', 'type', 'region', 'since', 'services', 'status', 'rate', 'count', 'latency', 'resource', 'roles', 'groups', 'oid', 'to']);

async function target(io: CliIo, flags: Flags, env: Readonly<Record<string, string | undefined>>): Promise<SimTarget> {
  const read = async (path: string) => (await io.read(path)).toString('utf8');
  const url = typeof flags['sim'] === 'string' ? flags['sim'] : env['AZURE_SIMULATOR_URL'];
  const caFile = typeof flags['ca'] === 'string' ? flags['ca'] : env['AZURE_SIMULATOR_CA'];
  if (url !== undefined && caFile !== undefined) return { url, ca: caFile.startsWith('-----BEGIN') ? caFile : await read(caFile) };
  const dataDir = typeof flags['data-dir'] === 'string' ? flags['data-dir'] : (env['LOCAL_DATA_DIR'] ?? '.local');
  const discovery = join(dataDir, 'simulator.json');
  let found: { url: string; ca: string };
  try {
    found = JSON.parse(await read(discovery)) as { url: string; ca: string };
  } catch {
    throw new UsageError(`no simulator found: '${discovery}' is missing; start one with 'npm start', or pass --sim URL --ca FILE`);
  }
  // npm start records the simulator before it listens, with no URL yet.
  if (found.url === '') throw new UsageError(`the simulator in '${discovery}' is still starting, or its host was killed while it started: run 'npm start' again`);
  return { url: found.url, ca: await read(found.ca) };
}

function call(t: SimTarget, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${t.url}${path}`, { method, ca: t.ca, headers: payload !== undefined ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text === '' ? null : (JSON.parse(text) as unknown) });
      });
    });
    req.on('error', (err) => reject(new Error(`cannot reach the simulator at ${t.url}: ${err.message}; is 'npm start' running?`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

interface Resource {
  id: string;
  name: string;
  type: string;
  location?: string;
  properties: Record<string, unknown>;
}

/** The one word that says what state a resource is in, whatever its type calls it. */
function stateOf(r: Resource): string {
  const p = r.properties;
  const v = p['resourceState'] ?? p['state'] ?? p['endpointStatus'] ?? p['shareSubscriptionStatus'] ?? p['triggerStatus'] ?? p['invitationStatus'] ?? p['provisioningState'];
  return typeof v === 'string' ? v : '';
}

export async function simCommand(io: CliIo, args: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const { positional, flags } = parseFlags(args, BOOLEANS, VALUES);
  const [command, arg] = positional;
  if (command === undefined) throw new UsageError(`expected a sim command\n${SIM_USAGE}`);
  const since = typeof flags['since'] === 'string' ? flags['since'] : undefined;
  if (since !== undefined && !/^\d+$/.test(since)) throw new UsageError(`--since must be a sequence number (a whole number, as the listing shows), got '${since}'`);
  const t = await target(io, flags, env);
  const json = flags['json'] === true;
  const show = (body: unknown) => io.out(JSON.stringify(body, null, 2));
  const fail = (status: number, body: unknown) => {
    const detail = (body as { detail?: string; error?: { message?: string } } | null)?.detail ?? (body as { error?: { message?: string } } | null)?.error?.message ?? JSON.stringify(body);
    io.err(`failover sim: the simulator answered ${status}: ${detail}`);
    return EXIT.invalidInput;
  };
  switch (command) {
    case 'status': {
      const [health, regions, faults] = await Promise.all([call(t, 'GET', '/_sim/health'), call(t, 'GET', '/_sim/regions'), call(t, 'GET', '/_sim/faults')]);
      const refused = [health, regions, faults].find((r) => r.status !== 200);
      if (refused !== undefined) return fail(refused.status, refused.body);
      if (json) return show({ health: health.body, regions: regions.body, faults: faults.body }), EXIT.ok;
      const h = health.body as { baseUrl: string; timeScale: number; resources: number };
      const down = (regions.body as { down: Array<{ region: string; mode: string }> }).down;
      io.out(`simulator ${h.baseUrl}: ${h.resources} resources, time scale ${h.timeScale}x`);
      io.out(down.length === 0 ? 'all regions up' : `down: ${down.map((d) => `${d.region} (${d.mode})`).join(', ')}`);
      io.out(`${(faults.body as unknown[]).length} fault rule(s)`);
      return EXIT.ok;
    }
    case 'resources': {
      const q = new URLSearchParams();
      if (typeof flags['type'] === 'string') q.set('type', flags['type']);
      if (typeof flags['region'] === 'string') q.set('region', flags['region']);
      const res = await call(t, 'GET', `/_sim/resources${q.size > 0 ? `?${q}` : ''}`);
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      const resources = res.body as Resource[];
      if (resources.length === 0) io.out(`no resources in the simulator${q.size > 0 ? ` match ${[...q].map(([k, v]) => `${k} ${v}`).join(' and ')}` : ''}`);
      for (const r of resources) io.out(`${(r.location ?? '').padEnd(14)} ${stateOf(r).padEnd(10)} ${r.type}  ${r.id.split('/providers/').pop()}`);
      return EXIT.ok;
    }
    case 'operations': {
      const res = await call(t, 'GET', `/_sim/operations${since !== undefined ? `?since=${since}` : ''}`);
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      const operations = res.body as unknown[];
      if (operations.length === 0) io.out(since === undefined ? "no operations in the simulator's log yet" : `no operations in the simulator's log after ${since}`);
      for (const o of operations as Array<{ seq: number; at: string; method: string; operation: string; status: number; caller: string; resource: string | null; injected: string | null }>) {
        io.out(`${String(o.seq).padStart(5)} ${o.at} ${String(o.status)} ${o.operation} by ${o.caller}${o.injected !== null ? ` [${o.injected}]` : ''}  ${o.resource ?? ''}`);
      }
      return EXIT.ok;
    }
    case 'outage': {
      if (arg === undefined) throw new UsageError('expected: failover sim outage <region> [--timeout] [--services "…"]');
      const services = typeof flags['services'] === 'string' ? flags['services'].split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
      const res = await call(t, 'POST', `/_sim/regions/${encodeURIComponent(arg)}/outage`, { mode: flags['timeout'] === true ? 'timeout' : 'unavailable', ...(services !== undefined ? { services } : {}) });
      if (res.status !== 201) return fail(res.status, res.body);
      const incident = (res.body as { incident: { trackingId: string; services: string[] } }).incident;
      if (json) return show(res.body), EXIT.ok;
      io.out(`${arg} is down; Service Health incident ${incident.trackingId} opened for ${incident.services.join(', ')}`);
      return EXIT.ok;
    }
    case 'restore': {
      if (arg === undefined) throw new UsageError('expected: failover sim restore <region>');
      const res = await call(t, 'DELETE', `/_sim/regions/${encodeURIComponent(arg)}/outage`);
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      io.out(`${arg} is back; ${(res.body as { resolved: unknown[] }).resolved.length} incident(s) resolved`);
      return EXIT.ok;
    }
    case 'fault': {
      if (arg === undefined) throw new UsageError('expected: failover sim fault <operation> [--status N] [--rate 0..1] [--count N] [--latency MS] [--resource S] [--fail-operation]');
      const num = (name: string) => {
        const v = flags[name];
        if (typeof v !== 'string') return undefined;
        const n = Number(v);
        if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
        return n;
      };
      const rule = {
        operation: arg,
        ...(num('status') !== undefined ? { status: num('status') } : {}),
        ...(num('rate') !== undefined ? { errorRate: num('rate') } : {}),
        ...(num('count') !== undefined ? { count: num('count') } : {}),
        ...(num('latency') !== undefined ? { latencyMs: num('latency') } : {}),
        ...(typeof flags['resource'] === 'string' ? { resource: flags['resource'] } : {}),
        ...(flags['fail-operation'] === true ? { failOperation: true } : {}),
      };
      const res = await call(t, 'POST', '/_sim/faults', rule);
      if (res.status !== 201) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      io.out(`fault ${(res.body as { id: string }).id} added for ${arg}`);
      return EXIT.ok;
    }
    case 'faults': {
      const res = flags['clear'] === true ? await call(t, 'DELETE', '/_sim/faults') : await call(t, 'GET', '/_sim/faults');
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      if (flags['clear'] === true) return io.out('every fault rule removed'), EXIT.ok;
      const rules = res.body as Array<{ id: string; operation: string; resource?: string; errorRate: number; status: number; latencyMs: number; remaining?: number; fired?: number; failOperation: boolean }>;
      if (rules.length === 0) io.out('no fault rules');
      for (const f of rules) {
        const what = f.failOperation ? 'fails the operation' : `${f.status}${f.errorRate < 1 ? ` at rate ${f.errorRate}` : ''}`;
        const extra = [f.resource !== undefined ? `resource ~ ${f.resource}` : null, f.latencyMs > 0 ? `+${f.latencyMs}ms` : null, f.remaining !== undefined ? `${f.remaining} left` : null, `fired ${f.fired ?? 0}`].filter((x) => x !== null);
        io.out(`${f.id}  ${f.operation}  ${what}  (${extra.join(', ')})`);
      }
      return EXIT.ok;
    }
    case 'emails': {
      const q = new URLSearchParams();
      if (typeof flags['to'] === 'string') q.set('to', flags['to']);
      if (since !== undefined) q.set('since', since);
      const res = await call(t, 'GET', `/_sim/emails${q.size > 0 ? `?${q}` : ''}`);
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      const emails = res.body as SentEmail[];
      if (emails.length === 0) io.out(`no emails sent${typeof flags['to'] === 'string' ? ` to ${flags['to']}` : ''}${since !== undefined ? ` after ${since}` : ''}`);
      for (const e of emails) io.out(`${String(e.seq).padStart(5)} ${e.at} ${e.status.padEnd(9)} from ${e.sender} to ${[...e.to, ...e.cc, ...e.bcc].map((r) => r.address).join(', ')}: ${e.subject}`);
      return EXIT.ok;
    }
    case 'login': {
      if (arg === undefined) throw new UsageError(`login needs the user principal name to sign in as, e.g. failover sim login dana@contoso.example\n${SIM_USAGE}`);
      const list = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string).split(',').map((v) => v.trim()).filter((v) => v !== '') : undefined);
      const roles = list('roles');
      const groups = list('groups');
      const res = await call(t, 'POST', '/_sim/identity/token', {
        tenant: env['OPERATOR_TENANT_ID'] ?? LOCAL_TENANT_ID,
        audience: (env['OPERATOR_AUDIENCES'] ?? LOCAL_OPERATOR_AUDIENCE).split(',')[0]!.trim(),
        upn: arg,
        ...(typeof flags['oid'] === 'string' ? { oid: flags['oid'] } : {}),
        ...(roles !== undefined ? { roles } : {}),
        ...(groups !== undefined ? { groups } : {}),
      });
      if (res.status !== 200) return fail(res.status, res.body);
      const token = (res.body as { access_token: string }).access_token;
      if (json) return show(res.body), EXIT.ok;
      io.out(token);
      return EXIT.ok;
    }
    case 'reset': {
      const res = await call(t, 'POST', '/_sim/reset');
      if (res.status !== 200) return fail(res.status, res.body);
      if (json) return show(res.body), EXIT.ok;
      io.out(`simulator reset to its estate (${(res.body as { resources: number }).resources} resources)`);
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown sim command '${command}'\n${SIM_USAGE}`);
  }
}
