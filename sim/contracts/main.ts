/**
 * `npm run contracts:report -- [test files or folders…]`: runs the tests (all of them by default)
 * with strict mode on and enforcement off, then prints every contract violation the simulators
 * met, grouped by operation (failures and 4xx refusals told apart), the read-only notes counted,
 * and the uncovered routes the tests hit. Exits 1 when there is a failure, so it can gate too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Violation } from './checker.js';
import { isFailure, type UncoveredHit } from './record.js';
import { formatViolations, mergeUncovered } from './report.js';

interface FileReport {
  file: string;
  violations: Violation[];
  notes: Violation[];
  uncovered: UncoveredHit[];
}

function main(): number {
  const report = join(tmpdir(), `contracts-report-${process.pid}.ndjson`);
  rmSync(report, { force: true });
  const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, SIM_CONTRACTS_REPORT: report, SIM_CONTRACTS_ENFORCE: '0' },
  });
  if (!existsSync(report)) {
    process.stderr.write(`no contract findings were written (vitest exited ${run.status}): did the tests start?\n`);
    return 2;
  }
  const files = readFileSync(report, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as FileReport);
  rmSync(report, { force: true });
  const violations = files.flatMap((f) => f.violations);
  const notes = files.flatMap((f) => f.notes);
  const failures = violations.filter(isFailure);
  const out: string[] = [
    `Contract check over ${files.length} test file${files.length === 1 ? '' : 's'} (vitest exited ${run.status}):`,
    `  ${failures.length} failure${failures.length === 1 ? '' : 's'} (response violations, and requests the simulator answered 2xx/3xx)`,
    `  ${violations.length - failures.length} request violation(s) refused 4xx, as Azure would`,
    `  ${notes.length} note(s): read-only properties sent, which ARM ignores`,
    '',
    formatViolations(violations, mergeUncovered(files.flatMap((f) => f.uncovered))),
    '',
    'Failures by test file:',
    ...files.filter((f) => f.violations.some(isFailure)).map((f) => `  ${f.file}: ${f.violations.filter(isFailure).length}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  return failures.length > 0 ? 1 : 0;
}

process.exit(main());
