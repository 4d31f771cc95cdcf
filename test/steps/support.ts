/**
 * The activities' dependencies over a simulator and the sample catalog, and a playbook run the
 * way the playbook orchestration does it (precheck, then action and verification where needed),
 * for the step tests.
 */
import { join } from 'node:path';
import { loadCatalogFile } from '../../lib/catalog/index.js';
import type { Catalog } from '../../lib/catalog/types.js';
import { playbookSteps } from '../../lib/playbooks/index.js';
import type { Direction, StepPhase, StepResult, TodoItem } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { repoRoot } from '../support/fixtures.js';
import type { SimHarness } from '../sim/support.js';

export async function sampleCatalog(): Promise<Catalog> {
  const loaded = await loadCatalogFile(join(repoRoot, 'samples/catalog.yaml'));
  if (!loaded.ok) throw new Error('sample catalog does not load');
  return loaded.catalog;
}

/** Step dependencies over the simulator; `overrides` replace any of them. */
export function simStepDeps(sim: SimHarness, catalog: Catalog, overrides: Partial<StepDeps> = {}): StepDeps {
  return {
    catalog: async () => catalog,
    clients: sim.clients,
    appConfigurationEndpoint: sim.clients.dataPlaneEndpoint('appConfiguration', 'contosofailover'),
    ledger: { lastFailover: async () => null, recordFailover: async () => undefined },
    control: { holdWorkload: async () => ({ held: true }), releaseWorkload: async () => undefined, stopRequest: async () => null },
    workflowRecords: async () => [],
    notify: async (targets) => ({ delivered: targets.length, failed: 0 }),
    publicUrl: null,
    lroPollMs: 5,
    saveTimeline: async () => undefined,
    replayHealth: async () => [],
    archiveIncidentPage: async () => null,
    now: () => new Date(sim.sim.clock.now()),
    ...overrides,
  };
}

/** Runs a kind's steps for `direction` in order; the outcome of each by name. Throws on the first failure. */
export async function runPlaybook(kind: string, direction: Direction, run: (step: string, phase: StepPhase, direction: Direction) => Promise<StepResult>): Promise<Record<string, string>> {
  return (await runPlaybookWithTodo(kind, direction, run)).outcomes;
}

/**
 * As runPlaybook, with what each step left people to do: its to-dos by step name, as the playbook
 * orchestration records them (from an already-done or skipped precheck, else from the action).
 * A step that left nothing has no entry; one that returned an empty list fails the run.
 */
export async function runPlaybookWithTodo(
  kind: string,
  direction: Direction,
  run: (step: string, phase: StepPhase, direction: Direction) => Promise<StepResult>,
): Promise<{ outcomes: Record<string, string>; todo: Record<string, TodoItem[]> }> {
  const outcomes: Record<string, string> = {};
  const todo: Record<string, TodoItem[]> = {};
  const keep = (name: string, r: StepResult) => {
    if (!r.ok || r.todo === undefined) return;
    if (r.todo.length === 0) throw new Error(`${name} returned an empty todo: leave it out when there is nothing to do`);
    todo[name] = r.todo;
  };
  for (const { name } of playbookSteps(kind, direction)) {
    const pre = await run(name, 'precheck', direction);
    if (!pre.ok) throw new Error(`${name} precheck: ${pre.reason}: ${pre.detail}`);
    if (pre.outcome !== 'needed') {
      outcomes[name] = pre.outcome;
      keep(name, pre);
      continue;
    }
    const act = await run(name, 'action', direction);
    if (!act.ok) throw new Error(`${name} action: ${act.reason}: ${act.detail}`);
    const check = await run(name, 'verify', direction);
    if (!check.ok) throw new Error(`${name} verify: ${check.reason}: ${check.detail}`);
    outcomes[name] = act.outcome;
    keep(name, act);
  }
  return { outcomes, todo };
}
