/**
 * The Microsoft Purview warm-standby playbook end to end, through the on-call API, the local
 * host, the simulator and Azurite: failover after approval and failback, with the standby's
 * drift reported by kind and name; a key already flipped recognised as done; the primary region
 * down (nothing of the failover needs it); a standby whose data plane refuses the app's identity
 * (no Purview collection role), reported as the role to grant, before the key is flipped or
 * after, when the key goes back; and the readiness check that finds drift before any outage,
 * over HTTP and from the CLI.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cliAgainst } from '../support/cli-run.js';
import { EMAIL_SEND_OPERATION } from '../../sim/providers/communication-email.js';
import { servicePrincipalIdFor } from '../../sim/providers/identity.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { startApp, type App } from './support.js';

let app: App | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface View {
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
  timeline: Array<{ type: string; detail: string }>;
}

const view = async (a: App, id: string) => (await a.request('GET', `/api/incidents/${id}`)).body as View;
const until = (a: App, id: string, what: string, done: (v: View) => boolean) => a.runUntil(async () => done(await view(a, id)), { what });
const steps = (r: PlaybookResult | undefined) => Object.fromEntries((r?.steps ?? []).map((s) => [s.step, s.status]));
const detail = (r: PlaybookResult, step: string) => r.steps.find((s) => s.step === step)?.detail;

/** The active-account key as the workload's own code would read it. */
async function activeAccount(a: App): Promise<string | undefined> {
  return (await a.store.getConfigurationSetting({ key: 'purview:activeAccount' })).value;
}

/** Starts a failover of purview-governance and approves it, as its policy asks. */
async function approvedFailover(a: App, keyBefore = 'contosopurvieweus'): Promise<string> {
  const reply = await a.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason: 'East US is down', kind: 'unplanned', by: 'tests' } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  const id = (reply.body as { incidentId: string }).incidentId;
  await until(a, id, 'the approval request', (v) => v.phase === 'awaiting-approval');
  expect(await activeAccount(a)).toBe(keyBefore);
  const grace = await a.signIn('grace@contoso.example', { roles: ['Failover.Approver'] });
  expect((await a.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: grace })).status).toBe(202);
  return id;
}

/** The app's identity as the simulator's token endpoint names it: what a Purview role is granted to. */
const APP_IDENTITY = `client id failover-orchestrator, object id ${servicePrincipalIdFor('simulated-tenant', 'failover-orchestrator')}`;
const roleMissing = (account: string, read: string) =>
  `${account} refused to list ${read} to this app (${APP_IDENTITY}): grant it the Purview collection role Data Reader on the root collection ${account} ` +
  `(Data Map > Collections > ${account} > Role assignments); Azure RBAC on the account does not reach Purview's data plane`;

/** `text` as a regular expression matching itself. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const result = (a: App, id: string, direction: 'failover' | 'failback') => a.runtime.get(`${id}:${direction}:purview-governance`)!.output as PlaybookResult;

describe('Purview warm standby end to end', () => {
  it('waits for approval, fails over naming the drift, and fails back', async () => {
    app = await startApp();
    const id = await approvedFailover(app);
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const failover = result(app, id, 'failover');
    expect(steps(failover)).toEqual({
      announce: 'done',
      'check-account': 'done',
      'check-readiness': 'done',
      'flip-active-pointer': 'done',
      'confirm-catalog': 'done',
      'report-gaps': 'done',
    });
    expect(detail(failover, 'check-account')).toBe(
      'contosopurviewwus (westus) provisioned; catalog https://contosopurviewwus.catalog.purview.azure.com, scan https://contosopurviewwus.scan.purview.azure.com',
    );
    // The sample standby lacks a data source (so its scan and trigger) and a glossary term: named by kind, and the failover goes on.
    expect(detail(failover, 'check-readiness')).toBe(
      'drift: contosopurviewwus lacks data sources finance-sql; scans finance-sql/nightly-ledgers; scan triggers finance-sql/nightly-ledgers; glossary terms Net Revenue; recreate them on contosopurviewwus',
    );
    expect(detail(failover, 'confirm-catalog')).toBe('contosopurviewwus serves catalog reads (its data map lists 8 types)');
    expect(detail(failover, 'report-gaps')).toContain('register the self-hosted integration runtimes shir-wus-01 with contosopurviewwus');
    expect(await activeAccount(app)).toBe('contosopurviewwus');

    // An approver forcing the failback skips the health wait and the approval, with a reason on record.
    const grace = await app.signIn('grace@contoso.example', { roles: ['Failover.Approver'] });
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'East US is back' }, headers: grace })).status).toBe(202);
    await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await view(app, id)).outcome).toBe('failed-over-and-back');
    expect(steps(result(app, id, 'failback'))).toEqual({ announce: 'done', 'check-account': 'done', 'flip-active-pointer': 'done', 'confirm-catalog': 'done' });
    expect(await activeAccount(app)).toBe('contosopurvieweus');
    // The only writes to the estate were the key, once each way (beside the emails the channels were sent).
    expect(app.sim.log.list().filter((o) => o.status < 300 && o.operation !== EMAIL_SEND_OPERATION).map((o) => o.path)).toEqual([
      '/appConfiguration/contosofailover/kv/purview:activeAccount',
      '/appConfiguration/contosofailover/kv/purview:activeAccount',
    ]);
  }, 60_000);

  it('recognises a key already flipped, and fails over with the primary region down', async () => {
    app = await startApp();
    await app.control('POST', '/_sim/regions/eastus/outage', {});
    await app.store.setConfigurationSetting({ key: 'purview:activeAccount', value: 'contosopurviewwus' });
    const id = await approvedFailover(app, 'contosopurviewwus');
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    expect(steps(result(app, id, 'failover'))).toMatchObject({ 'check-account': 'done', 'flip-active-pointer': 'already-done', 'confirm-catalog': 'done' });
  }, 60_000);

  it('stops before the key moves when the standby refuses the app its reads, naming the collection role to grant', async () => {
    app = await startApp();
    // The app's identity has Azure RBAC on the account (its ARM reads pass) but no Purview role on the standby.
    expect(await app.control('DELETE', '/_sim/purview/contosopurviewwus/roleAssignments/failover-orchestrator')).toEqual({
      account: 'contosopurviewwus',
      principal: 'failover-orchestrator',
      revoked: ['Data Reader'],
    });
    const id = await approvedFailover(app);
    await until(app, id, 'the failed failover', (v) => v.runtimeStatus === 'Completed' || v.phase === 'failover-failed' || v.outcome !== null);
    const failover = result(app, id, 'failover');
    expect(failover.ok).toBe(false);
    expect(failover.failedStep).toBe('check-readiness');
    expect(steps(failover)['check-account']).toBe('done');
    expect(detail(failover, 'check-readiness')).toMatch(new RegExp(`^action: PurviewRoleMissing: ${escape(roleMissing('contosopurviewwus', 'X')).replace('X', '[a-z ]+')}$`));
    expect(steps(failover)['flip-active-pointer']).toBe('not-run');
    expect(await activeAccount(app)).toBe('contosopurvieweus');
  }, 60_000);

  it('puts the key back when the standby refuses catalog reads, naming the collection role to grant', async () => {
    app = await startApp();
    await app.control('POST', '/_sim/faults', { operation: 'Microsoft.Purview/accounts/datamap/read', resource: 'contosopurviewwus', status: 403, code: 'Unauthorized', message: 'Not authorized to access account' });
    const id = await approvedFailover(app);
    await until(app, id, 'the failed failover', (v) => v.runtimeStatus === 'Completed' || v.phase === 'failover-failed' || v.outcome !== null);
    const failover = result(app, id, 'failover');
    expect(failover.ok).toBe(false);
    expect(failover.failedStep).toBe('confirm-catalog');
    expect(detail(failover, 'confirm-catalog')).toBe(`action: PurviewRoleMissing: ${roleMissing('contosopurviewwus', 'catalog types')}`);
    expect(failover.steps.filter((s) => s.status === 'compensated').map((s) => s.step)).toEqual(['flip-active-pointer']);
    expect(steps(failover)['report-gaps']).toBe('not-run');
    expect(await activeAccount(app)).toBe('contosopurvieweus');
  }, 60_000);
});

describe('Purview readiness, before any outage', () => {
  const cli = (a: App, ...args: string[]) => cliAgainst(a)(...args);

  it('names each object the standby lacks, over HTTP and from the CLI, and says ready once it is there', async () => {
    app = await startApp();
    const reply = await app.request('GET', '/api/workloads/purview-governance/readiness');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      workloadId: 'purview-governance',
      kind: 'purview',
      ready: false,
      standby: {
        account: 'contosopurviewwus',
        complete: false,
        missing: {
          collections: [],
          classifications: [],
          classificationRules: [],
          credentials: [],
          dataSources: ['finance-sql'],
          scanRuleSets: [],
          scans: ['finance-sql/nightly-ledgers'],
          triggers: ['finance-sql/nightly-ledgers'],
          glossaryTerms: ['Net Revenue'],
        },
      },
      primary: { account: 'contosopurvieweus', complete: true },
    });
    const drift = await cli(app, 'readiness', 'purview-governance');
    expect(drift.code).toBe(3);
    expect(drift.out.split('\n').slice(1)).toEqual([
      'standby: contosopurviewwus lacks data sources finance-sql; scans finance-sql/nightly-ledgers; scan triggers finance-sql/nightly-ledgers; glossary terms Net Revenue',
      '  missing data source finance-sql',
      '  missing scan finance-sql/nightly-ledgers',
      '  missing scan trigger finance-sql/nightly-ledgers',
      '  missing glossary term Net Revenue',
      'access: the app may do every step on 2 resource(s); alerting not checked',
      '  the app does not know where its alerting lives: set APP_SUBSCRIPTION_ID and APP_RESOURCE_GROUP (Azure sets WEBSITE_OWNER_NAME and WEBSITE_RESOURCE_GROUP)',
      'primary: contosopurvieweus holds everything the catalog requires',
    ]);
    // Nothing was written by asking.
    expect(app.sim.log.list().filter((o) => o.status < 300)).toEqual([]);

    // The data source with its scheduled scan, and the term, are recreated on the standby; the check now passes.
    await app.control('POST', '/_sim/purview/contosopurviewwus/datasources', {
      name: 'finance-sql',
      kind: 'AzureSqlDatabase',
      properties: { collection: 'finance' },
      scans: [{ name: 'nightly-ledgers', kind: 'AzureSqlDatabaseCredential', scanRulesetName: 'finance-sql-rules', trigger: { frequency: 'Week', interval: 1 } }],
    });
    await app.control('POST', '/_sim/purview/contosopurviewwus/glossaryTerms', { name: 'Net Revenue' });
    const ready = await cli(app, 'readiness', 'purview-governance');
    expect(ready.code).toBe(0);
    expect(ready.out.split('\n')[1]).toBe('standby: contosopurviewwus holds everything the catalog requires');
  }, 60_000);

  it('answers 502 naming the collection role to grant when the standby refuses the app, over HTTP and from the CLI', async () => {
    app = await startApp();
    await app.control('DELETE', '/_sim/purview/contosopurviewwus/roleAssignments/failover-orchestrator');
    const reply = await app.request('GET', '/api/workloads/purview-governance/readiness');
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({ type: 'https://failover.contoso.example/problems/missing-collection-role', status: 502 });
    const shown = (reply.body as { detail: string }).detail;
    expect(shown).toMatch(new RegExp(`^${escape(roleMissing('contosopurviewwus', 'X')).replace('X', '[a-z ]+')}$`));
    const answer = await cli(app, 'readiness', 'purview-governance');
    expect(answer.code).toBe(1);
    expect(answer.err).toBe(`failover: the app answered 502: ${shown}`);
  }, 60_000);

  it('answers a problem for an unknown workload, and checks only access for one with no standby to compare', async () => {
    app = await startApp();
    const unknown = await app.request('GET', '/api/workloads/nope/readiness');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ type: 'https://failover.contoso.example/problems/unknown-workload', path: '$.workloadId' });
    // A workload with no standby to compare still has its permissions checked, and says it depends on a retired service.
    const genomics = await app.request('GET', '/api/workloads/genomics-pipeline/readiness');
    expect(genomics.status).toBe(200);
    expect(genomics.body).toMatchObject({
      workloadId: 'genomics-pipeline',
      kind: 'access',
      ready: true,
      standby: null,
      primary: null,
      access: { complete: true, summary: 'the app may do every step on 3 resource(s); alerting not checked', missingPermissions: [] },
      retirements: [
        'depends on a retired service: Microsoft Genomics was retired on 2025-01-06 (https://learn.microsoft.com/lifecycle/products/microsoft-genomics); run the pipeline on Azure Batch or another workflow service and remove this workload once migrated',
      ],
    });
    const cliAnswer = await cli(app, 'readiness', 'nope');
    expect(cliAnswer.code).toBe(1);
    expect(cliAnswer.err).toMatch(/^failover: the app answered 404: no workload 'nope' in the catalog; known: /);
  }, 60_000);

  it('checks every morning on its own, and tells the workload\'s channels what the standby lacks', async () => {
    app = await startApp({
      catalog: (yaml) => yaml.replace('      - email: data-governance@contoso.example', '      - email: data-governance@contoso.example\n      - webhook: https://hooks.contoso.example/governance'),
    });
    await app.runUntil(async () => (await app!.hooks('governance')).length > 0, { what: 'the morning readiness check' });
    const [message] = await app.hooks('governance');
    // Sent by the 06:00 UTC run of the next morning.
    expect(app.logs.filter((l) => l.message.startsWith("Executing 'Functions.readinessCheck'")).map((l) => /Timer fired at (\S+)'/.exec(l.message)?.[1])).toEqual(['2026-11-24T06:00:00.000Z']);
    expect(message!.body).toMatchObject({
      type: 'readiness-drift',
      incidentId: '',
      workload: 'purview-governance',
      standby: 'contosopurviewwus',
      missing: ['data source finance-sql', 'scan finance-sql/nightly-ledgers', 'scan trigger finance-sql/nightly-ledgers', 'glossary term Net Revenue'],
      summary: 'Standby not ready: contosopurviewwus lacks 4 objects purview-governance needs',
    });
    // Fixed during the day: the next morning's check is quiet.
    await app.control('POST', '/_sim/purview/contosopurviewwus/datasources', {
      name: 'finance-sql',
      kind: 'AzureSqlDatabase',
      scans: [{ name: 'nightly-ledgers', kind: 'AzureSqlDatabaseCredential', trigger: { frequency: 'Week', interval: 1 } }],
    });
    await app.control('POST', '/_sim/purview/contosopurviewwus/glossaryTerms', { name: 'Net Revenue' });
    await app.runUntil(() => app!.logs.some((l) => l.message === 'readiness purview-governance: ready: contosopurviewwus holds everything the catalog requires; the app may do every step on 2 resource(s); alerting not checked'), {
      what: "the next morning's check",
    });
    expect(await app.hooks('governance')).toHaveLength(1);
  }, 60_000);
});
