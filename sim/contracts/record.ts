/**
 * Strict mode's memory: what the contract checker found in every exchange a simulator answered.
 * Kept in memory for an in-process simulator, and appended as NDJSON to the file named by
 * `SIM_CONTRACTS_LOG` so that a simulator in a child process (sim/main.ts, which `npm start`
 * spawns) can tell the test that started it.
 *
 * What fails a suite: any response violation, and a request violation the simulator answered
 * 2xx/3xx (it forgave what Azure refuses). A request violation answered 4xx is the simulator
 * refusing as Azure would: recorded, not a failure.
 */
import { appendFileSync } from 'node:fs';
import { defaultChecker, type CheckResult, type ContractChecker, type Exchange, type Violation } from './checker.js';

export interface UncoveredHit {
  family: string;
  reason: string;
  /** `METHOD route`: the simulator's operation name, or the path. */
  key: string;
  count: number;
}

export type LogLine = ({ type: 'violation' | 'note' } & Violation) | ({ type: 'uncovered' } & Omit<UncoveredHit, 'count'>);

export function isFailure(v: Violation): boolean {
  return v.direction === 'response' || v.status < 400;
}

export class ContractRecorder {
  readonly violations: Violation[] = [];
  readonly notes: Violation[] = [];
  readonly uncovered = new Map<string, UncoveredHit>();

  /** `checker` defaults to the vendored specs, read on the first exchange (not at construction). */
  constructor(
    private checker: ContractChecker | undefined = undefined,
    private readonly logFile: string | undefined = undefined,
  ) {}

  /** Checks an exchange; its `route` (the simulator's operation name) groups uncovered hits. */
  record(x: Exchange): CheckResult {
    let result: CheckResult;
    try {
      this.checker ??= defaultChecker();
      result = this.checker.check(x);
    } catch (err) {
      // A spec the checker cannot read is a broken oracle: reported, never a crashed answer.
      const v: Violation = { direction: 'response', operation: `${x.method.toUpperCase()} ${x.path}`, method: x.method.toUpperCase(), path: x.path, apiVersion: x.query.get('api-version'), status: x.status, jsonPath: '$', message: `contract check failed: ${(err as Error).message}` };
      result = { violations: [v], notes: [] };
    }
    const lines: LogLine[] = [];
    for (const v of result.violations) {
      this.violations.push(v);
      lines.push({ type: 'violation', ...v });
    }
    for (const v of result.notes) {
      this.notes.push(v);
      lines.push({ type: 'note', ...v });
    }
    if (result.uncovered !== undefined) {
      const key = `${x.method.toUpperCase()} ${x.route ?? x.path}`;
      const hit = this.uncovered.get(key);
      if (hit !== undefined) hit.count++;
      else {
        this.uncovered.set(key, { ...result.uncovered, key, count: 1 });
        lines.push({ type: 'uncovered', ...result.uncovered, key });
      }
    }
    if (this.logFile !== undefined && lines.length > 0) appendFileSync(this.logFile, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    return result;
  }

  failures(): Violation[] {
    return this.violations.filter(isFailure);
  }

  clear(): void {
    this.violations.length = 0;
    this.notes.length = 0;
    this.uncovered.clear();
  }
}

const GLOBAL = Symbol.for('azure-failover-orchestrator.contracts');

/**
 * The recorder strict mode writes to in this process (or worker thread): one, so that a test
 * setup can read what every simulator it started found. Made on first use, logging to
 * `SIM_CONTRACTS_LOG` (a simulator in a child process); a test setup installs its own first.
 */
export function processRecorder(): ContractRecorder {
  const holder = globalThis as { [GLOBAL]?: ContractRecorder };
  holder[GLOBAL] ??= new ContractRecorder(undefined, process.env['SIM_CONTRACTS_LOG'] || undefined);
  return holder[GLOBAL];
}

export function installProcessRecorder(recorder: ContractRecorder): void {
  (globalThis as { [GLOBAL]?: ContractRecorder })[GLOBAL] = recorder;
}

/** Strict mode from the environment: `SIM_CONTRACTS=1` (inherited by child processes). */
export function contractsFromEnv(): boolean {
  return process.env['SIM_CONTRACTS'] === '1';
}
