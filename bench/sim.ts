/**
 * bench:sim — can the Azure simulator keep up with a failover benchmark? It runs in a process
 * of its own (one core) and takes a mix of ARM reads and writes from this process over
 * keep-alive HTTPS; the baseline is a bare Node HTTPS server answering a fixed body, measured
 * the same way in the same run. Target: at least 2,000 requests/s.
 *
 *   npm run bench:sim [-- --seconds 5 --concurrency 64]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET = 2000;
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111';
const TOKEN = `sim.${Buffer.from(JSON.stringify({ appid: 'bench' })).toString('base64url')}`;

/** What a failover's control loop does most: read state, now and then write. */
const MIX: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'GET', path: `${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu/streamingEndpoints/default?api-version=2022-08-01` },
  { method: 'GET', path: `${SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaservices/contosomediaweu/liveEvents/live-main?api-version=2022-08-01` },
  { method: 'GET', path: `${SUB}/resourceGroups/rg-media-weu/providers/Microsoft.Media/mediaServices/contosomediaweu/transforms/adaptive-1080p?api-version=2022-07-01` },
  { method: 'GET', path: `${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu?api-version=2021-11-01` },
  {
    method: 'PUT',
    path: `${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaServices/contosomedianeu/transforms/bench?api-version=2022-07-01`,
    body: { properties: { outputs: [{ preset: { '@odata.type': '#Microsoft.Media.BuiltInStandardEncoderPreset', presetName: 'AdaptiveStreaming' } }] } },
  },
];

function options(argv: string[]): { seconds: number; concurrency: number } {
  const opts = { seconds: 5, concurrency: 64 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') opts.seconds = Number(argv[++i]);
    else if (argv[i] === '--concurrency') opts.concurrency = Number(argv[++i]);
    else throw new Error(`unknown option ${argv[i]}; use --seconds N, --concurrency N`);
  }
  return opts;
}

async function spawnServer(args: string[], parse: (line: string) => { url: string; ca: string } | undefined): Promise<{ child: ChildProcess; url: string; ca: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const found = await new Promise<{ url: string; ca: string }>((res, rej) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        const f = parse(line);
        if (f !== undefined) return res(f);
      }
    });
    child.on('exit', (code) => rej(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, ...found };
}

interface Result {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
}

async function load(url: string, ca: string, mix: typeof MIX, seconds: number, concurrency: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  const one = (i: number) =>
    new Promise<void>((done) => {
      const item = mix[i % mix.length]!;
      const payload = item.body === undefined ? undefined : JSON.stringify(item.body);
      const t0 = performance.now();
      const req = request(
        `${url}${item.path}`,
        { method: item.method, agent, headers: { authorization: `Bearer ${TOKEN}`, ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if ((res.statusCode ?? 500) >= 400) errors++;
            latencies.push(performance.now() - t0);
            done();
          });
        },
      );
      req.on('error', () => {
        errors++;
        done();
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) await one(n++);
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { requests: latencies.length, errors, seconds: elapsed, p50: pct(0.5), p99: pct(0.99) };
}

/** Successful requests per second: an error answered fast is not throughput. */
function row(label: string, r: Result): number {
  const rate = (r.requests - r.errors) / r.seconds;
  console.log(`${label.padEnd(30)} ${rate.toFixed(0).padStart(7)} req/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   errors ${r.errors}`);
  return rate;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'bench-sim-'));
  const caPath = join(dir, 'ca.pem');
  const sim = await spawnServer(['sim/main.ts', '--port', '0', '--ca-out', caPath], (line) => {
    const m = /listening on (https:\/\/\S+)/.exec(line);
    return m ? { url: m[1]!, ca: readFileSync(caPath, 'utf8') } : undefined;
  });
  const base = await spawnServer(['bench/https-baseline-server.ts'], (line) => (line.startsWith('{') ? (JSON.parse(line) as { url: string; ca: string }) : undefined));
  try {
    // Throttling would turn most of the load into 429s: the point here is raw capacity.
    await new Promise<void>((res, rej) => {
      const req = request(`${sim.url}/_sim/throttling`, { method: 'POST', ca: sim.ca, headers: { 'content-type': 'application/json' } }, (r) => {
        r.resume();
        r.on('end', () => res());
      });
      req.on('error', rej);
      req.end(JSON.stringify({ enabled: false }));
    });
    console.log(`bench:sim  node ${process.version}  ${opts.seconds}s per run, ${opts.concurrency} concurrent keep-alive connections, servers in their own processes`);
    // Warm both (TLS sessions, JIT), then measure.
    await load(base.url, base.ca, [{ method: 'GET', path: '/' }], 1, opts.concurrency);
    await load(sim.url, sim.ca, MIX, 1, opts.concurrency);
    const baseline = row('baseline: bare Node HTTPS', await load(base.url, base.ca, [{ method: 'GET', path: '/' }], opts.seconds, opts.concurrency));
    const simulated = row('simulator: ARM read/write mix', await load(sim.url, sim.ca, MIX, opts.seconds, opts.concurrency));
    console.log(`ratio simulator / bare HTTPS: ${((simulated / baseline) * 100).toFixed(0)}%   target ≥ ${TARGET} successful req/s: ${simulated >= TARGET ? 'meets' : 'BELOW'}`);
  } finally {
    sim.child.kill('SIGTERM');
    base.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
