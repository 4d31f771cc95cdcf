/**
 * The contract setup file (test/contracts/setup.ts) really fails a test file whose simulator broke
 * Microsoft's contract, and only then. Each case runs vitest in a child process on a fixture under
 * test/contracts/fixtures/enforcement/ (its own config; the suite's configs never include
 * `*.fixture.ts`) whose tests all pass: the exit code and the printed violation are the setup
 * file's doing. In process: a Traffic Manager endpoint answered with a property the spec does not
 * define fails the file, with the operation, JSON path and message printed; SIM_CONTRACTS_ENFORCE=0
 * lets it pass; a request refused with a 4xx, as Azure would, is no failure. In a simulator process
 * started as `npm start` starts it: the violation reaches the file through the NDJSON log.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { ENDPOINT } from './fixtures/enforcement/endpoint.js';

const FIXTURES = 'test/contracts/fixtures/enforcement';
const TM_SPEC = 'specification/trafficmanager/resource-manager/Microsoft.Network/stable/2022-04-01/trafficmanager.json';

/** What the setup file prints for the endpoint's answer: operation and spec, the exchange, then JSON path and message. */
const VIOLATION = [
  "Error: 1 contract violation against Microsoft's REST specs (sim/contracts):",
  `Endpoints_Get (${TM_SPEC}): 1 violation`,
  `  FAIL response GET ${ENDPOINT}?api-version=2022-04-01 → 200`,
  "    $.properties.failoverOrder: property 'failoverOrder' is not defined by the spec (EndpointProperties)",
].join('\n');

/**
 * Runs the fixture file named `<name>.fixture.ts` in a child vitest. The child starts from this
 * environment without what this run's own contract setup put there (or `npm run contracts:report`:
 * the child's findings must not land in its report) nor vitest's worker variables.
 */
function runFixture(name: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIM_CONTRACTS') && !k.startsWith('VITEST')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', `${FIXTURES}/vitest.config.ts`, `${FIXTURES}/${name}.fixture.ts`], {
      cwd: repoRoot,
      env: { ...base, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The summary lines: how many files failed or passed, and how many tests. */
const summary = (output: string) => [/Test Files\s+(.*)/.exec(output)?.[1], /Tests\s+(.*)/.exec(output)?.[1]];

describe('contract enforcement in a test file', { timeout: 60_000 }, () => {
  it('fails a file whose in-process simulator answered a property the spec does not define, printing the violation', async () => {
    const run = await runFixture('extra-property');
    expect(run.output).toContain(VIOLATION);
    expect(run.output).toContain(` FAIL  ${FIXTURES}/extra-property.fixture.ts`);
    expect(summary(run.output)).toEqual(['1 failed (1)', '1 passed (1)']);
    expect(run.code).toBe(1);
  });

  it('lets that file pass with SIM_CONTRACTS_ENFORCE=0', async () => {
    const run = await runFixture('extra-property', { SIM_CONTRACTS_ENFORCE: '0' });
    expect(run.output).not.toContain('contract violation');
    expect(summary(run.output)).toEqual(['1 passed (1)', '1 passed (1)']);
    expect(run.code).toBe(0);
  });

  it('lets a file pass whose simulator refused a request the spec does not allow with a 4xx', async () => {
    const run = await runFixture('refused');
    expect(run.output).not.toContain('contract violation');
    expect(summary(run.output)).toEqual(['1 passed (1)', '1 passed (1)']);
    expect(run.code).toBe(0);
  });

  it('fails a file whose simulator process answered a property the spec does not define (through SIM_CONTRACTS_LOG)', async () => {
    const run = await runFixture('child-process');
    expect(run.output).toContain(VIOLATION);
    expect(run.output).toContain(` FAIL  ${FIXTURES}/child-process.fixture.ts`);
    expect(summary(run.output)).toEqual(['1 failed (1)', '1 passed (1)']);
    expect(run.code).toBe(1);
  });
});
