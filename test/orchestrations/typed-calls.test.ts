/**
 * Orchestrations call activities through typed helpers (orchestrations/call.ts): a call with the
 * wrong input does not compile. Shown two ways: the calls below only type-check because each is
 * refused (`@ts-expect-error` fails the build when nothing is wrong), and the compiler, run on a
 * snippet, names the field.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrchestrationContext } from 'durable-functions';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { activityTask, callActivity } from '../../orchestrations/call.js';
import { repoRoot } from '../support/fixtures.js';

/** Never run: it has to compile, and it compiles only because every marked call is refused. */
export function* refusedCalls(context: OrchestrationContext) {
  // @ts-expect-error planIncident takes { incidentId, signal }: the signal is missing
  yield* callActivity(context, 'planIncident', { incidentId: 'inc-1' });
  // @ts-expect-error there is no activity of that name
  yield* callActivity(context, 'planIncidnet', {});
  // @ts-expect-error recordFailover's `at` is a string
  activityTask(context, 'recordFailover', { workloadId: 'w', at: 5 });
  const holds = yield* callActivity(context, 'holdWorkloads', { incidentId: 'inc-1', workloads: ['w'] });
  // @ts-expect-error the output is { held, heldBy }: no cast, and no other shape
  const wrong: string[] = holds.heldBy;
  return [wrong, holds.held.length];
}

describe('typed activity calls', () => {
  it('refuse a wrong input at compile time, naming the field', () => {
    const dir = mkdtempSync(join(repoRoot, 'test/orchestrations/.typed-'));
    try {
      const file = join(dir, 'wrong.ts');
      writeFileSync(
        file,
        [
          "import type { OrchestrationContext } from 'durable-functions';",
          "import { callActivity } from '../../../orchestrations/call.js';",
          'export function* f(context: OrchestrationContext) {',
          "  return yield* callActivity(context, 'saveTimeline', { incidentId: 'inc-1', timelines: [] });",
          '}',
        ].join('\n'),
      );
      const config = ts.readConfigFile(join(repoRoot, 'tsconfig.json'), ts.sys.readFile);
      const options = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot).options;
      const program = ts.createProgram([file], { ...options, noEmit: true });
      const messages = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/'timelines' does not exist in type/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
