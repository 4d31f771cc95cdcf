/**
 * What the Purview warm-standby playbook's steps leave people to do, against the simulator's
 * sample estate: each object the standby lacks, to recreate; and what does not carry over
 * (lineage, integration runtimes, collection roles, scans), told to the channels and kept as the
 * step's to-dos, in the same words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { IncidentNotification } from '../../lib/notify/index.js';
import type { Direction, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;
const told: IncidentNotification[] = [];

const STANDBY = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-purview-wus/providers/Microsoft.Purview/accounts/contosopurviewwus';

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 600 });
  catalog = await sampleCatalog();
  deps = simStepDeps(sim, catalog, {
    notify: async (targets, n) => {
      told.push(n);
      return { delivered: targets.length, failed: 0 };
    },
  });
  // The tests' identity reads both accounts' data plane, as the app's does in the sample estate.
  for (const account of ['contosopurviewwus', 'contosopurvieweus']) await sim.control('POST', `/_sim/purview/${account}/roleAssignments`, { principal: 'tests', role: 'Data Reader' });
});
afterAll(() => sim?.close());

const run = (step: string, phase: StepPhase, direction: Direction = 'failover'): Promise<StepResult> =>
  runStepPhase(deps, { incidentId: 'inc-1', workloadId: 'purview-governance', playbookKind: 'purview', direction, step, phase });

describe('the Purview playbook: what it leaves people to do', () => {
  it('check-readiness: one to-do per object the standby lacks', async () => {
    const recreate = (what: string) => ({ kind: 'reconcile-data', text: `Recreate ${what} on contosopurviewwus: the standby lacks it`, resourceId: STANDBY });
    expect(await run('check-readiness', 'action')).toEqual({
      ok: true,
      outcome: 'done',
      detail:
        'drift: contosopurviewwus lacks data sources finance-sql; scans finance-sql/nightly-ledgers; scan triggers finance-sql/nightly-ledgers; glossary terms Net Revenue; recreate them on contosopurviewwus',
      todo: [recreate('data source finance-sql'), recreate('scan finance-sql/nightly-ledgers'), recreate('scan trigger finance-sql/nightly-ledgers'), recreate('glossary term Net Revenue')],
    });
  });

  it('report-gaps: the gaps told to the channels are the step\'s to-dos, a collection role to grant among them', async () => {
    told.length = 0;
    const gaps = [
      { kind: 'reconcile-data', text: 'lineage pushed by Data Factory and Data Share goes to the account they are connected to: reconnect them to the account now serving' },
      { kind: 'check', text: 'register the self-hosted integration runtimes shir-wus-01 with contosopurviewwus' },
      {
        kind: 'grant-role',
        text: 'grant people the collection roles they hold on contosopurvieweus (Collection Admin, Data Source Admin, Data Curator, Data Reader) on the collections of contosopurviewwus: role assignments do not carry over',
      },
      { kind: 'reconcile-data', text: 'scans scheduled on the other account do not run here: check the scan triggers, and run the scans of contosopurviewwus now so its data map is current' },
    ].map((g) => ({ ...g, resourceId: STANDBY }));
    const result = await run('report-gaps', 'action');
    expect(result).toEqual({ ok: true, outcome: 'done', detail: `${gaps.map((g) => g.text).join('; ')} (told 1 channel(s))`, todo: gaps });
    expect(told).toEqual([expect.objectContaining({ type: 'action-required', workload: 'purview-governance', title: 'What does not carry over to contosopurviewwus', actions: gaps.map((g) => g.text) })]);
  });

  it('leaves nothing from the steps that only check', async () => {
    for (const [step, direction] of [['check-account', 'failover'], ['confirm-catalog', 'failover'], ['confirm-catalog', 'failback']] as const) {
      const result = await run(step, 'action', direction);
      expect(result, `${step} ${direction}`).toMatchObject({ ok: true, outcome: 'done' });
      expect(result, `${step} ${direction}`).not.toHaveProperty('todo');
    }
  });
});
