/**
 * The Data Share playbook's steps against the simulator's sample estate: schedules created on
 * the secondary share subscription, a snapshot taken and waited for, the primary's schedule
 * removed (or skipped, said so, when it does not answer), consumers invited to the secondary
 * share; failback puts the schedules back where they were.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { Direction, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { runPlaybook, sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const PRIMARY_SUB = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2/shareSubscriptions/sales-snapshots`;
const SECONDARY_SUB = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsconsumercus/shareSubscriptions/sales-snapshots`;
const SECONDARY_SHARE = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsprovidercus/shares/sales`;

beforeEach(async () => {
  await sim?.close();
  sim = await startSimulator({ timeScale: 3600 });
  catalog = await sampleCatalog();
  deps = simStepDeps(sim, catalog);

});
afterAll(() => sim?.close());

const run = (step: string, phase: StepPhase, direction: Direction = 'failover'): Promise<StepResult> =>
  runStepPhase(deps, { incidentId: 'inc-1', workloadId: 'datashare-sales', playbookKind: 'dataShare', direction, step, phase });

const triggers = (subscription: string) => sim.sim.store.children(subscription, 'triggers').map((t) => t.name);

const playbook = (direction: Direction) => runPlaybook('dataShare', direction, run);

describe('the Data Share playbook against the sample estate', () => {
  it('fails over: schedule on the secondary, a snapshot now, the primary unscheduled, consumers invited', async () => {
    expect(await run('schedule-secondary', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'schedule sales-snapshots on contosodsconsumercus' });
    expect(await run('invite-consumers', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'invite analytics@fabrikam.example to sales' });
    expect(await playbook('failover')).toEqual({
      announce: 'done',
      'schedule-secondary': 'done',
      'synchronize-now': 'done',
      'unschedule-primary': 'done',
      'invite-consumers': 'done',
      'flip-active-pointer': 'already-done',
    });
    expect(triggers(SECONDARY_SUB)).toEqual(['snapshot-schedule']);
    expect(sim.sim.store.get(`${SECONDARY_SUB}/triggers/snapshot-schedule`)!.properties).toMatchObject({ recurrenceInterval: 'Day', synchronizationMode: 'Incremental' });
    expect(triggers(PRIMARY_SUB)).toEqual([]);
    expect(sim.sim.store.children(SECONDARY_SHARE, 'invitations').map((i) => [i.name, i.properties['targetEmail']])).toEqual([
      ['failover-analytics-fabrikam-example', 'analytics@fabrikam.example'],
    ]);
    expect(await run('invite-consumers', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'sales → analytics@fabrikam.example: Pending' });
    expect(await run('synchronize-now', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'every share subscription on contosodsconsumercus has a snapshot from the last 15 minutes' });
  });

  it('fails back: the primary schedule restored before the secondary one is removed', async () => {
    await playbook('failover');
    expect(await playbook('failback')).toEqual({ announce: 'done', 'schedule-primary': 'done', 'unschedule-secondary': 'done', 'flip-active-pointer': 'already-done' });
    expect(triggers(PRIMARY_SUB)).toEqual(['snapshot-schedule']);
    expect(triggers(SECONDARY_SUB)).toEqual([]);
  });

  it('skips the primary, and says why, when East US 2 does not answer', async () => {
    await sim.control('POST', '/_sim/regions/eastus2/outage', {});
    expect(await run('unschedule-primary', 'precheck')).toEqual({
      ok: true,
      outcome: 'skipped',
      detail: 'contosodsconsumereus2 does not answer, so its schedules were left in place; they cannot run while it is down: remove them when it is back, or fail back',
    });
  });

  it('undoes a created schedule on compensation', async () => {
    await run('schedule-secondary', 'action');
    expect(await run('schedule-secondary', 'compensate')).toEqual({ ok: true, outcome: 'compensated', detail: 'removed the schedules created on contosodsconsumercus' });
    expect(triggers(SECONDARY_SUB)).toEqual([]);
  });

  it('fails permanently, naming the fix, when the secondary share subscription does not exist', async () => {
    sim.sim.store.delete(SECONDARY_SUB);
    expect(await run('schedule-secondary', 'precheck')).toEqual({
      ok: false,
      reason: 'ShareSubscriptionMissing',
      detail: "share subscription 'sales-snapshots' does not exist on contosodsconsumercus: accept the provider's invitation there first",
    });
  });
});
