/**
 * Strict mode for the whole suite (a `setupFiles` entry of both vitest configs): every simulator a
 * test file starts, in this process or in a child process (which inherits SIM_CONTRACTS and
 * SIM_CONTRACTS_LOG), checks each exchange against Microsoft's REST specs. After the file's tests,
 * what was found is gathered; with enforcement on, a failure (a response violation, or a request
 * violation the simulator answered 2xx/3xx) fails the file and is printed. SIM_CONTRACTS_REPORT
 * names a file to append every finding to, for `npm run contracts:report`.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import type { Violation } from '../../sim/contracts/checker.js';
import { ContractRecorder, installProcessRecorder, isFailure, type LogLine, type UncoveredHit } from '../../sim/contracts/record.js';
import { formatViolations, mergeUncovered } from '../../sim/contracts/report.js';

/**
 * Whether contract failures fail a test file: on, so a simulator that answers what Microsoft's
 * specs do not allow fails the suite wherever it happens. SIM_CONTRACTS_ENFORCE=0 (or 1)
 * overrides it for one run, as `npm run contracts:report` does to list everything at once.
 */
const ENFORCE_CONTRACTS_BY_DEFAULT = true;

const enforce = process.env['SIM_CONTRACTS_ENFORCE'] === undefined ? ENFORCE_CONTRACTS_BY_DEFAULT : process.env['SIM_CONTRACTS_ENFORCE'] === '1';
const log = join(tmpdir(), `sim-contracts-${process.pid}-${randomUUID()}.ndjson`);
process.env['SIM_CONTRACTS'] = '1';
process.env['SIM_CONTRACTS_LOG'] = log;
const recorder = new ContractRecorder();
installProcessRecorder(recorder);

afterAll(() => {
  const testFile = expect.getState().testPath ?? 'unknown test file';
  const violations: Violation[] = [...recorder.violations];
  const notes: Violation[] = [...recorder.notes];
  const uncovered: UncoveredHit[] = [...recorder.uncovered.values()];
  // What simulators in child processes found.
  if (existsSync(log)) {
    for (const line of readFileSync(log, 'utf8').split('\n')) {
      if (line === '') continue;
      const entry = JSON.parse(line) as LogLine;
      if (entry.type === 'uncovered') uncovered.push({ family: entry.family, reason: entry.reason, key: entry.key, count: 1 });
      else {
        const { type, ...v } = entry;
        (type === 'violation' ? violations : notes).push(v);
      }
    }
    rmSync(log, { force: true });
  }
  const report = process.env['SIM_CONTRACTS_REPORT'];
  if (report !== undefined && report !== '') {
    appendFileSync(report, `${JSON.stringify({ file: testFile, violations, notes, uncovered: mergeUncovered(uncovered) })}\n`);
  }
  const failures = violations.filter(isFailure);
  if (enforce && failures.length > 0) {
    throw new Error(`${failures.length} contract violation${failures.length === 1 ? '' : 's'} against Microsoft's REST specs (sim/contracts):\n${formatViolations(failures)}`);
  }
});
