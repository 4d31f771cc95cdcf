/**
 * The Data Share playbook's steps against the simulator's sample estate: consumers invited to the
 * secondary share first (even when no share subscription exists there yet), the secondary share
 * subscription checked (mapped datasets, the provider's schedule) before a schedule is created on
 * it and a snapshot taken, the primary's schedule recorded and removed (or skipped, said so, when
 * it does not answer); failback puts the primary's schedule back exactly as it was and removes
 * only what the failover created.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../lib/catalog/types.js';
import type { Direction, StepPhase, StepResult } from '../../lib/playbooks/types.js';
import type { StepDeps } from '../../lib/steps/deps.js';
import { runStepPhase } from '../../lib/steps/index.js';
import { startSimulator, type SimHarness } from '../sim/support.js';
import { runPlaybook, runPlaybookWithTodo, sampleCatalog, simStepDeps } from './support.js';

let sim: SimHarness;
let catalog: Catalog;
let deps: StepDeps;

const SUB = '/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups';
const PRIMARY_SUB = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2/shareSubscriptions/sales-snapshots`;
const SECONDARY_SUB = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsconsumercus/shareSubscriptions/sales-snapshots`;
const SECONDARY_SHARE = `${SUB}/rg-datashare-cus/providers/Microsoft.DataShare/accounts/contosodsprovidercus/shares/sales`;
const PRIMARY_CONSUMER = `${SUB}/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2`;
const RECORD_KEY = 'failover:datashare-sales:datashare-primary-schedules';

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
const trigger = (subscription: string, name: string) => sim.sim.store.get(`${subscription}/triggers/${name}`)?.properties;
const appConfig = () => sim.clients.appConfiguration(deps.appConfigurationEndpoint!);

const playbook = (direction: Direction) => runPlaybook('dataShare', direction, run);

/** When each completed snapshot of a consumer account's sales-snapshots began, newest first. */
const snapshotsOf = async (resourceGroup: string, account: string): Promise<string[]> =>
  (await deps.clients.dataShare('11111111-1111-1111-1111-111111111111').listSynchronizations(resourceGroup, account, 'sales-snapshots'))
    .filter((r) => r.status === 'Completed')
    .map((r) => r.startTime!);

/** The failback's to-do when the secondary received `count` snapshots the primary has not, the last at `last`. */
const missedSnapshot = (primaryLast: string, count: number, last: string) => ({
  kind: 'reconcile-data',
  text: `Take a snapshot of sales-snapshots on contosodsconsumereus2 now (Trigger snapshot): ${primaryLast}, and contosodsconsumercus received ${count} since (the last at ${new Date(last).toISOString()}); until its schedule runs, contosodsconsumereus2 holds older data`,
  resourceId: `${PRIMARY_CONSUMER}/shareSubscriptions/sales-snapshots`,
});

describe('the Data Share playbook against the sample estate', () => {
  it('fails over: consumers invited, the secondary checked and scheduled, a snapshot now, the primary recorded and unscheduled', async () => {
    expect(await run('invite-consumers', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'sales → analytics@fabrikam.example: Accepted' });
    expect(await run('schedule-secondary', 'precheck')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: 'schedule sales-snapshots/snapshot-schedule every day from 2024-01-01T02:00:00Z (Incremental) on contosodsconsumercus',
      resources: [`${SECONDARY_SUB}/triggers/snapshot-schedule`],
    });
    expect(await run('unschedule-primary', 'precheck')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: 'record and remove sales-snapshots/daily-snapshot from contosodsconsumereus2',
      resources: [`${PRIMARY_SUB}/triggers/daily-snapshot`],
    });
    expect(await run('synchronize-now', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'take a snapshot of sales-snapshots now', resources: [SECONDARY_SUB] });
    const { outcomes, todo } = await runPlaybookWithTodo('dataShare', 'failover', run);
    // The consumer accepted long ago, the snapshot went through and the primary answered: nothing is left for people.
    expect(todo).toEqual({});
    expect(outcomes).toEqual({
      announce: 'done',
      'invite-consumers': 'already-done',
      'schedule-secondary': 'done',
      'synchronize-now': 'done',
      'unschedule-primary': 'done',
      'flip-active-pointer': 'already-done',
    });
    expect(triggers(SECONDARY_SUB)).toEqual(['snapshot-schedule']);
    expect(trigger(SECONDARY_SUB, 'snapshot-schedule')).toMatchObject({ recurrenceInterval: 'Day', synchronizationTime: '2024-01-01T02:00:00Z', synchronizationMode: 'Incremental' });
    expect(triggers(PRIMARY_SUB)).toEqual([]);
    // What was removed is recorded, with the incident that removed it.
    const record = await appConfig().getConfigurationSetting({ key: RECORD_KEY });
    expect(JSON.parse(record.value!)).toEqual({
      incidentId: 'inc-1',
      schedules: [{ shareSubscription: 'sales-snapshots', trigger: 'daily-snapshot', recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z', synchronizationMode: 'Incremental' }],
    });
    // The run just taken lists as Completed (the spec's word), which counts as the snapshot this step takes.
    expect(await run('synchronize-now', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'every share subscription on contosodsconsumercus has a snapshot from the last 15 minutes' });
  });

  it('fails back: the primary schedule restored under its own name and definition, then only the failover\'s schedule removed from the secondary', async () => {
    const before = structuredClone(trigger(PRIMARY_SUB, 'daily-snapshot'));
    await playbook('failover');
    expect(await run('schedule-primary', 'precheck', 'failback')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: 'schedule sales-snapshots/daily-snapshot every day from 2026-01-01T02:00:00Z (Incremental) on contosodsconsumereus2',
      resources: [`${PRIMARY_SUB}/triggers/daily-snapshot`],
    });
    expect(await run('unschedule-secondary', 'precheck', 'failback')).toEqual({
      ok: true,
      outcome: 'needed',
      detail: 'remove sales-snapshots/snapshot-schedule from contosodsconsumercus',
      resources: [`${SECONDARY_SUB}/triggers/snapshot-schedule`],
    });
    const { outcomes, todo } = await runPlaybookWithTodo('dataShare', 'failback', run);
    // The primary received no snapshot while the secondary did: until its daily schedule runs, it holds older data.
    const [taken] = await snapshotsOf('rg-datashare-cus', 'contosodsconsumercus');
    expect(todo).toEqual({ 'schedule-primary': [missedSnapshot('it has received none', 1, taken!)] });
    expect(outcomes).toEqual({ announce: 'done', 'schedule-primary': 'done', 'unschedule-secondary': 'done', 'flip-active-pointer': 'already-done' });
    expect(triggers(PRIMARY_SUB)).toEqual(['daily-snapshot']);
    const { createdAt: _a, userName: _u, ...restored } = trigger(PRIMARY_SUB, 'daily-snapshot')!;
    const { createdAt: _b, created: _c, ...was } = before!;
    expect(restored).toEqual(was);
    expect(triggers(SECONDARY_SUB)).toEqual([]);
  });

  it('at failback, names each snapshot the primary missed since its own last one', async () => {
    // The primary took one before the outage; the secondary two during the failover.
    const primary = deps.clients.dataShare('11111111-1111-1111-1111-111111111111');
    await primary.synchronize('rg-datashare-eus2', 'contosodsconsumereus2', 'sales-snapshots', 'Incremental', { pollIntervalMs: 5 });
    await playbook('failover');
    await primary.synchronize('rg-datashare-cus', 'contosodsconsumercus', 'sales-snapshots', 'Incremental', { pollIntervalMs: 5 });
    const [before] = await snapshotsOf('rg-datashare-eus2', 'contosodsconsumereus2');
    const during = await snapshotsOf('rg-datashare-cus', 'contosodsconsumercus');
    expect(during).toHaveLength(2);
    const { todo } = await runPlaybookWithTodo('dataShare', 'failback', run);
    expect(todo).toEqual({ 'schedule-primary': [missedSnapshot(`its last was at ${new Date(before!).toISOString()}`, 2, during[0]!)] });
    // Once the primary has taken one, nothing is left to reconcile.
    await primary.synchronize('rg-datashare-eus2', 'contosodsconsumereus2', 'sales-snapshots', 'Incremental', { pollIntervalMs: 5 });
    expect(await run('schedule-primary', 'precheck', 'failback')).toEqual({ ok: true, outcome: 'already-done', detail: 'every share subscription on contosodsconsumereus2 runs a schedule' });
  });

  it('leaves a schedule the failover did not create on the secondary, at failover and at failback', async () => {
    // The consumer already ran its own schedule on the standby: the service runs one per share subscription.
    sim.sim.store.put({ id: `${SECONDARY_SUB}/triggers/consumer-own`, name: 'consumer-own', type: 'Microsoft.DataShare/accounts/shareSubscriptions/triggers', location: 'centralus', kind: 'ScheduleBased', properties: { recurrenceInterval: 'Hour', synchronizationTime: '2026-01-01T00:10:00Z', synchronizationMode: 'Incremental', triggerStatus: 'Active', provisioningState: 'Succeeded' } });
    expect(await run('schedule-secondary', 'precheck')).toEqual({ ok: true, outcome: 'already-done', detail: 'every share subscription on contosodsconsumercus runs a schedule' });
    await playbook('failover');
    await playbook('failback');
    expect(triggers(SECONDARY_SUB)).toEqual(['consumer-own']);
    expect(triggers(PRIMARY_SUB)).toEqual(['daily-snapshot']);
  });

  it('skips the primary, and says why, when East US 2 does not answer', async () => {
    await sim.control('POST', '/_sim/regions/eastus2/outage', {});
    expect(await run('unschedule-primary', 'precheck')).toEqual({
      ok: true,
      outcome: 'skipped',
      detail: 'contosodsconsumereus2 does not answer, so its schedules were left in place; they cannot run while it is down: remove them when it is back, or fail back',
      todo: [
        {
          kind: 'check',
          text: 'When contosodsconsumereus2 answers again, remove its snapshot schedules or fail back: they were left in place because it did not answer',
          resourceId: PRIMARY_CONSUMER,
        },
      ],
    });
  });

  it('leaves the primary schedules in place, saying why, when they cannot be recorded', async () => {
    deps = simStepDeps(sim, catalog, { appConfigurationEndpoint: null });
    expect(await run('unschedule-primary', 'precheck')).toEqual({
      ok: true,
      outcome: 'skipped',
      detail: "contosodsconsumereus2's schedules (sales-snapshots/daily-snapshot) were left in place: without APP_CONFIGURATION_ENDPOINT they could not be recorded to be restored at failback",
    });
  });

  it('undoes only what it did on compensation: the created schedule removed, the removed primary schedule restored by name', async () => {
    await run('schedule-secondary', 'action');
    expect(await run('schedule-secondary', 'compensate')).toEqual({ ok: true, outcome: 'compensated', detail: 'contosodsconsumercus: removed sales-snapshots/snapshot-schedule' });
    expect(triggers(SECONDARY_SUB)).toEqual([]);

    await run('unschedule-primary', 'action');
    expect(triggers(PRIMARY_SUB)).toEqual([]);
    expect(await run('unschedule-primary', 'compensate')).toEqual({
      ok: true,
      outcome: 'compensated',
      detail: 'contosodsconsumereus2: restored sales-snapshots/daily-snapshot every day from 2026-01-01T02:00:00Z (Incremental)',
    });
    expect(triggers(PRIMARY_SUB)).toEqual(['daily-snapshot']);
  });

  it('stops before scheduling, naming the share subscription and what the consumer must do, when no dataset is mapped', async () => {
    sim.sim.store.delete(`${SECONDARY_SUB}/dataSetMappings/sales-container`);
    const reason = {
      ok: false,
      reason: 'DataSetsNotMapped',
      detail:
        "share subscription 'sales-snapshots' on contosodsconsumercus has no dataset mapped to a target: the consumer must map each dataset of share 'sales' to a target data store (Received shares, Datasets, Map to target) before snapshots can run",
    };
    expect(await run('schedule-secondary', 'precheck')).toEqual(reason);
    expect(await run('synchronize-now', 'precheck')).toEqual(reason);
    expect(triggers(SECONDARY_SUB)).toEqual([]);
  });

  it('checks once, in the precheck: the action creates the schedule without reading the share subscription, its mappings or the provider\'s setting again', async () => {
    expect(await run('schedule-secondary', 'precheck')).toMatchObject({ ok: true, outcome: 'needed' });
    sim.sim.traffic.clear();
    expect(await run('schedule-secondary', 'action')).toMatchObject({ ok: true, outcome: 'done' });
    const operations = [...sim.sim.traffic.keys()];
    expect(operations).toContain('Microsoft.DataShare/triggers/write');
    expect(operations.filter((o) => /shareSubscriptions\/read|dataSetMappings|SynchronizationSettings/.test(o))).toEqual([]);
    // The precheck of a snapshot reads the mappings, not the share subscription too.
    sim.sim.traffic.clear();
    expect(await run('synchronize-now', 'precheck')).toMatchObject({ ok: true, outcome: 'needed' });
    expect(sim.sim.traffic.get('Microsoft.DataShare/dataSetMappings/read')?.requests).toBe(1);
    expect(sim.sim.traffic.get('Microsoft.DataShare/shareSubscriptions/read')).toBeUndefined();
  });

  it('says why Azure refused a schedule when the mapping went after the precheck', async () => {
    expect(await run('schedule-secondary', 'precheck')).toMatchObject({ ok: true, outcome: 'needed' });
    sim.sim.store.delete(`${SECONDARY_SUB}/dataSetMappings/sales-container`);
    expect(await run('schedule-secondary', 'action')).toEqual({
      ok: false,
      reason: 'DataSetsNotMapped',
      detail:
        "share subscription 'sales-snapshots' on contosodsconsumercus has no dataset mapped to a target: the consumer must map each dataset of share 'sales' to a target data store (Received shares, Datasets, Map to target) before snapshots can run",
    });
    expect(triggers(SECONDARY_SUB)).toEqual([]);
  });

  it('stops before scheduling, naming what the provider must do, when the share has no snapshot schedule', async () => {
    sim.sim.store.delete(`${SECONDARY_SHARE}/synchronizationSettings/daily`);
    expect(await run('schedule-secondary', 'precheck')).toEqual({
      ok: false,
      reason: 'ProviderScheduleMissing',
      detail:
        "share 'sales' behind share subscription 'sales-snapshots' on contosodsconsumercus has no snapshot schedule: the provider must add one (a synchronization setting on the share) before the consumer can schedule snapshots; a snapshot now still works",
    });
    // A snapshot on demand needs no provider schedule.
    expect(await run('synchronize-now', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'take a snapshot of sales-snapshots now', resources: [SECONDARY_SUB] });
  });

  it('invites consumers when the secondary share subscription does not exist yet, and says what the consumer must do', async () => {
    // The guide's other path: consumers are invited to the standby share at failover time.
    sim.sim.store.delete(SECONDARY_SUB);
    sim.sim.store.delete(`${SECONDARY_SHARE}/invitations/analytics-fabrikam`);
    const INVITATION = `${SECONDARY_SHARE}/invitations/failover-analytics-fabrikam-example`;
    expect(await run('invite-consumers', 'precheck')).toEqual({ ok: true, outcome: 'needed', detail: 'invite analytics@fabrikam.example to sales', resources: [INVITATION] });
    const sent = await run('invite-consumers', 'action');
    const invitation = sim.sim.store.get(INVITATION)!;
    const accept = {
      kind: 'check',
      text: "analytics@fabrikam.example must accept invitation failover-analytics-fabrikam-example to share 'sales' into contosodsconsumercus as share subscription 'sales-snapshots', then map its datasets to targets",
      resourceId: INVITATION,
    };
    expect(sent).toEqual({
      ok: true,
      outcome: 'done',
      detail: `sales → analytics@fabrikam.example: Pending (invitation failover-analytics-fabrikam-example, id ${String(invitation.properties['invitationId'])}: analytics@fabrikam.example must accept it into contosodsconsumercus as share subscription 'sales-snapshots' and map its datasets to targets)`,
      todo: [accept],
    });
    // Until the consumer accepts, the invitation stays on the checklist of any later run.
    expect(await run('invite-consumers', 'precheck')).toMatchObject({ ok: true, outcome: 'already-done', todo: [accept] });
    const missing = {
      ok: false,
      reason: 'ShareSubscriptionMissing',
      detail:
        "share subscription 'sales-snapshots' does not exist on contosodsconsumercus: the consumer must accept the provider's invitation (share 'sales', sent to analytics@fabrikam.example) into contosodsconsumercus as share subscription 'sales-snapshots', then map its datasets to targets; run the failover again once that is done",
    };
    expect(await run('schedule-secondary', 'precheck')).toEqual(missing);
    expect(await run('synchronize-now', 'precheck')).toEqual(missing);
    // The failover runs the invitations first, so they go out before the consumer-side steps stop it.
    await expect(playbook('failover')).rejects.toThrow('schedule-secondary precheck: ShareSubscriptionMissing');
    expect(sim.sim.store.children(SECONDARY_SHARE, 'invitations').map((i) => [i.name, i.properties['invitationStatus']])).toEqual([['failover-analytics-fabrikam-example', 'Pending']]);
  });
});
