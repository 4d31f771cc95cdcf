/**
 * bench:intake — alert intake throughput on one core: parse + decision (catalog match, then act,
 * notify or ignore per workload) over the mix of published payload samples, against bare
 * JSON.parse of the same strings, measured in the same run. Target: intake at least 25% of bare
 * JSON.parse throughput.
 *
 * Then the real webhook (bench/intake-http.ts): accepted alerts/s and accept latency of
 * `POST /api/alerts` on the local host under concurrent senders redelivering most alerts, next to
 * a bare node:http handler that only reads the body, and a check that nothing accepted was lost
 * (exit 1 if anything was). Target: at least 250 accepted/s (3x the 84/s published before),
 * p99 ≤ 500 ms, nothing lost; `--check` exits 1 when the webhook misses it too.
 *
 *   npm run bench:intake [-- --seconds 2 --rounds 5 --check]
 *                        [-- --distinct 400 --duplicates 0.8 --concurrency 50 --seed 1 --no-http --http-only]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePayload } from '../lib/alerts/index.js';
import { loadCatalogFile } from '../lib/catalog/index.js';
import { decideSignal } from '../lib/decisions/decide.js';
import { httpBench } from './intake-http.js';

const TARGET_RATIO = 0.25;

interface Options {
  seconds: number;
  rounds: number;
  check: boolean;
  /** Run the parse + decide part / the webhook part. */
  parse: boolean;
  http: boolean;
  distinct: number;
  duplicates: number;
  concurrency: number;
  seed: number;
}

function options(argv: string[]): Options {
  const opts: Options = { seconds: 1.5, rounds: 5, check: false, parse: true, http: true, distinct: 400, duplicates: 0.8, concurrency: 50, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') opts.check = true;
    else if (arg === '--seconds') opts.seconds = Number(argv[++i]);
    else if (arg === '--rounds') opts.rounds = Number(argv[++i]);
    else if (arg === '--no-http') opts.http = false;
    else if (arg === '--http-only') opts.parse = false;
    else if (arg === '--distinct') opts.distinct = Number(argv[++i]);
    else if (arg === '--duplicates') opts.duplicates = Number(argv[++i]);
    else if (arg === '--concurrency') opts.concurrency = Number(argv[++i]);
    else if (arg === '--seed') opts.seed = Number(argv[++i]);
    else {
      throw new Error(
        `unknown option ${arg}; use --seconds N, --rounds N, --check, --distinct N, --duplicates 0..1, --concurrency N, --seed N, --no-http, --http-only`,
      );
    }
  }
  if (!(opts.seconds > 0) || !(opts.rounds >= 1)) throw new Error('--seconds and --rounds must be positive');
  if (!(opts.distinct >= 20) || !Number.isInteger(opts.distinct)) throw new Error('--distinct must be a whole number, at least 20');
  if (!(opts.duplicates >= 0 && opts.duplicates < 1)) throw new Error('--duplicates must be at least 0 and below 1');
  if (!(opts.concurrency >= 1) || !Number.isInteger(opts.concurrency)) throw new Error('--concurrency must be a positive whole number');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be a whole number');
  if (!opts.parse && !opts.http) throw new Error('--no-http and --http-only leave nothing to run');
  return opts;
}

interface Measurement {
  opsPerSec: number;
  mbPerSec: number;
  p50us: number;
  p99us: number;
}

/** Runs `op` over the mix for `seconds`, timing every call. */
function measure(mix: string[], bytes: number[], seconds: number, op: (text: string) => unknown): Measurement {
  const samples: number[] = [];
  let totalBytes = 0;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let i = 0;
  let sink = 0;
  for (;;) {
    const k = i % mix.length;
    const t0 = process.hrtime.bigint();
    const out = op(mix[k]!);
    const t1 = process.hrtime.bigint();
    if (out !== undefined) sink++;
    samples.push(Number(t1 - t0));
    totalBytes += bytes[k]!;
    i++;
    if ((i & 63) === 0 && t1 > deadline) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(sink);
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]! / 1000;
  return { opsPerSec: i / elapsed, mbPerSec: totalBytes / 1e6 / elapsed, p50us: pct(0.5), p99us: pct(0.99) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<number> {
  const opts = options(process.argv.slice(2));
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  // A failed target (--check) and lost alerts both fail the run; the webhook part runs either way.
  const parseCode = opts.parse ? await parseBench(opts, root) : 0;
  const httpCode = opts.http ? await httpBench({ root, distinct: opts.distinct, duplicates: opts.duplicates, concurrency: opts.concurrency, seed: opts.seed, check: opts.check }) : 0;
  return parseCode !== 0 ? parseCode : httpCode;
}

/** Parse + decide (match, then each workload's act/notify/ignore) against bare JSON.parse, on one core. */
async function parseBench(opts: Options, root: string): Promise<number> {
  const fixtures = process.env['ALERT_FIXTURES_DIR'] ?? resolve(root, '../shared/fixtures/alerts');
  // Published samples (mostly matching nothing, like most real alerts) plus the sample alerts
  // that hit the sample catalog, so the match path does real work.
  const files = [
    ...readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort().map((f) => join(fixtures, f)),
    ...readdirSync(join(root, 'samples/alerts')).filter((f) => f.endsWith('.json')).sort().map((f) => join(root, 'samples/alerts', f)),
  ];
  const mix = files.map((f) => readFileSync(f, 'utf8'));
  const bytes = mix.map((t) => Buffer.byteLength(t));
  const loaded = await loadCatalogFile(join(root, 'samples/catalog.yaml'));
  if (!loaded.ok) throw new Error('samples/catalog.yaml does not load; run `npx failover catalog check samples/catalog.yaml`');
  const catalog = loaded.catalog;
  const receivedAt = new Date();

  const baseline = (text: string) => JSON.parse(text) as unknown;
  const intake = (text: string) => {
    const parsed = parsePayload(text, { receivedAt });
    if (!parsed.ok) throw new Error(parsed.error.message);
    // What the webhook computes before it touches storage: the signal, and its decision for each workload it concerns.
    let concerned = 0;
    for (const item of parsed.value.items) if (item.ok) concerned += decideSignal(catalog, item.value, 'webhook').workloads.length;
    return concerned;
  };
  const decisionsPerPass = mix.reduce((sum, text) => sum + intake(text), 0);

  console.log(`bench:intake  node ${process.version}  ${mix.length} payloads (${bytes.reduce((a, b) => a + b, 0)} bytes per pass)  ` +
    `catalog: ${catalog.workloads.length} workloads  ${opts.rounds} rounds x ${opts.seconds}s each`);
  // Warm both paths so the JIT has compiled them before anything is recorded.
  measure(mix, bytes, Math.min(1, opts.seconds), baseline);
  measure(mix, bytes, Math.min(1, opts.seconds), intake);

  const base: Measurement[] = [];
  const ours: Measurement[] = [];
  for (let r = 0; r < opts.rounds; r++) {
    // Alternate so drift in machine load falls on both equally.
    base.push(measure(mix, bytes, opts.seconds, baseline));
    ours.push(measure(mix, bytes, opts.seconds, intake));
    process.stderr.write(`  round ${r + 1}/${opts.rounds}: JSON.parse ${Math.round(base[r]!.opsPerSec)}/s, intake ${Math.round(ours[r]!.opsPerSec)}/s\n`);
  }
  const row = (label: string, ms: Measurement[]) => {
    const ops = median(ms.map((m) => m.opsPerSec));
    const mb = median(ms.map((m) => m.mbPerSec));
    const p50 = median(ms.map((m) => m.p50us));
    const p99 = median(ms.map((m) => m.p99us));
    console.log(`${label.padEnd(28)} ${ops.toFixed(0).padStart(9)} payloads/s  ${mb.toFixed(1).padStart(7)} MB/s  p50 ${p50.toFixed(1).padStart(6)} µs  p99 ${p99.toFixed(1).padStart(6)} µs`);
    return ops;
  };
  console.log('');
  const baseOps = row('baseline: bare JSON.parse', base);
  const ourOps = row('intake: parse + decide', ours);
  const ratio = ourOps / baseOps;
  const verdict = ratio >= TARGET_RATIO ? 'meets' : 'BELOW';
  console.log(`\nratio intake / JSON.parse: ${(ratio * 100).toFixed(1)}%  (target ≥ ${TARGET_RATIO * 100}%: ${verdict})  workload decisions per pass over the mix: ${decisionsPerPass}`);
  return opts.check && ratio < TARGET_RATIO ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench:intake: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
