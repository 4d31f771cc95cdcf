/**
 * `npm run demo`: the whole product on a laptop, in about half a minute. It starts Azurite, the
 * Azure simulator with the sample estate and the local host, then plays a scenario:
 *   regions (default)  West Europe and East US 2 go down; Service Health incidents for Media
 *                      Services and Azure Data Share fail both over and, once resolved and
 *                      approved, back (demo/regions.ts);
 *   governance         Microsoft Purview in East US fails over to its warm standby after
 *                      approval, naming its drift, while a Dynamics 365 failover Microsoft
 *                      announces in Europe pauses integrations until it is over (demo/governance.ts).
 * It shows every incident step by step, prints every step with its duration, writes an HTML
 * report with a picture of the timeline, and exits 0 only if the estate ended where it should.
 *
 *   npm run demo -- [--scenario regions|governance] [--time-scale N] [--report FILE]
 *
 * Time runs N times faster (default 600: the ten-minute dwell time takes a second).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ScaledClock } from '../local/clock.js';
import { repoRoot } from '../local/registry.js';
import { startStack } from '../local/stack.js';
import { DemoDriver } from './driver.js';
import { governanceScenario } from './governance.js';
import { regionsScenario } from './regions.js';

const USAGE = 'usage: npm run demo -- [--scenario regions|governance] [--time-scale N] [--report FILE]';
const SCENARIOS = { regions: regionsScenario, governance: governanceScenario } as const;
const started = Date.now();
const say = (text: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${text}\n`);

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { scenario: { type: 'string' }, 'time-scale': { type: 'string' }, report: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) return process.stdout.write(`${USAGE}\n`), 0;
  const scale = Number(values['time-scale'] ?? '600');
  if (!Number.isFinite(scale) || scale < 1 || scale > 10_000) {
    process.stderr.write(`--time-scale must be a number from 1 to 10000, got '${values['time-scale']}'\n${USAGE}\n`);
    return 2;
  }
  const name = values.scenario ?? 'regions';
  if (!Object.hasOwn(SCENARIOS, name)) {
    process.stderr.write(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}, got '${name}'\n${USAGE}\n`);
    return 2;
  }
  const scenario = SCENARIOS[name as keyof typeof SCENARIOS];
  const reportPath = resolve(values.report ?? join(repoRoot(), '.local', 'demo', name === 'regions' ? 'report.html' : `report-${name}.html`));

  const dataDir = mkdtempSync(join(tmpdir(), 'failover-demo-'));
  say(`starting Azurite, the Azure simulator (sample estate) and the local host; time runs ${scale}x`);
  const catalogPath = join(dataDir, 'catalog.yaml');
  writeFileSync(catalogPath, readFileSync(join(repoRoot(), 'samples/catalog.yaml'), 'utf8'));
  const stack = await startStack({
    dataDir,
    clock: new ScaledClock(scale),
    simTimeScale: scale,
    catalogPath,
    logger: (entry) => {
      if (entry.level === 'error' || entry.level === 'critical') process.stderr.write(`host ${entry.level}: ${entry.message}\n`);
    },
    env: { AZURE_LRO_POLL_MS: '50', AZURE_RETRY_DELAY_MS: '50' },
  });
  // Notifications go to the simulator's Teams and webhook receivers, so the demo can show them.
  const hooks = `${stack.sim.baseUrl}/_sim/hooks/`;
  writeFileSync(catalogPath, readFileSync(catalogPath, 'utf8').replaceAll('https://contoso.webhook.office.com/webhookb2/', hooks).replaceAll('https://hooks.contoso.example/', hooks));
  try {
    const driver = new DemoDriver(stack, scale, say);
    say(`app ${stack.host.url}, simulator ${stack.sim.baseUrl}`);
    const result = await scenario(driver);
    const heard = ((await driver.sim('GET', '/_sim/hooks')).body as unknown[]).length;
    const ok = driver.finish(result, reportPath, heard);
    say(ok ? 'demo passed' : 'demo FAILED: the estate is not where it should be');
    return ok ? 0 : 1;
  } finally {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
