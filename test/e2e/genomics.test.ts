/**
 * The Microsoft Genomics playbook end to end, through the on-call API, the local host, the
 * simulator and Azurite (which holds the estate's storage accounts, with the primary's
 * geo-redundant secondary endpoint): West US 2 down, the pending workflow resubmitted to West
 * Central US from the app's record with its inputs copied from the geo-secondary; the primary
 * answering, with the inputs already staged by hand; and the key locked, after which the
 * resubmitted workflow is cancelled again. Failback moves new work back and stops nothing, unless
 * the primary, back from a short outage, runs a workflow the failover resubmitted: then one of the
 * two is cancelled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AzureClients } from '../../lib/azure/clients.js';
import { WORKFLOW_STATUS, type WorkflowSubmission } from '../../lib/azure/genomics.js';
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
}

const view = async (a: App, id: string) => (await a.request('GET', `/api/incidents/${id}`)).body as View;
const until = (a: App, id: string, what: string, done: (v: View) => boolean) => a.runUntil(async () => done(await view(a, id)), { what });
const result = (a: App, id: string, direction: 'failover' | 'failback') => a.runtime.get(`${id}:${direction}:genomics-pipeline`)!.output as PlaybookResult;
const steps = (r: PlaybookResult) => Object.fromEntries(r.steps.map((s) => [s.step, s.status]));
const detail = (r: PlaybookResult, step: string) => r.steps.find((s) => s.step === step)?.detail;

const INPUTS = ['na12878_1.fq.gz', 'na12878_2.fq.gz'];


/** The pipeline's part: inputs uploaded to the primary storage, a workflow submitted, and the app told. */
async function submitWorkflow(a: App, clients: AzureClients): Promise<number> {
  const inputs = clients.blob.service('contosogenomicswus2data').getContainerClient('sequencing-input');
  await inputs.createIfNotExists();
  for (const name of INPUTS) await inputs.getBlockBlobClient(name).upload(`@${name}\nACGT\n+\nFFFF\n`, 22);
  // Signed as the service asks: read on each input, read/write/delete/list on the output, 48 hours.
  const validity = { validForMs: 48 * 3600_000 };
  const withSas = await Promise.all(INPUTS.map(async (n) => `${n}?${await clients.blob.sas(inputs.getBlobClient(n), 'contosogenomicswus2data', 'r', validity)}`));
  const outputs = clients.blob.service('contosogenomicswus2data').getContainerClient('sequencing-output');
  const outputSas = await clients.blob.sas(outputs, 'contosogenomicswus2data', 'rwdl', validity);
  const submission: WorkflowSubmission = {
    Process: 'snapgatk',
    ProcessArgs: 'R=hg38m1',
    Description: 'NA12878 30x',
    InputStorageType: 'AZURE_BLOCK_BLOB',
    InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: INPUTS.join(','), BLOBNAMES_WITH_SAS: withSas.join(',') },
    OutputStorageType: 'AZURE_BLOCK_BLOB',
    OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-output', CONTAINER_SAS: outputSas, OUTPUT_FILENAME_BASE: 'na12878', OVERWRITE: true },
    IgnoreAzureRegion: false,
  };
  const submitted = await clients.genomicsWorkflows('contosogenomicswus2').submit(submission);
  const recorded = await a.request('POST', '/api/workloads/genomics-pipeline/workflows', { body: { workflowId: submitted.Id, submission } });
  expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
  return submitted.Id;
}

async function approvedFailover(a: App): Promise<string> {
  const reply = await a.request('POST', '/api/failovers', { body: { workloads: ['genomics-pipeline'], reason: 'West US 2 is down', kind: 'unplanned', by: 'tests' } });
  expect(reply.status, JSON.stringify(reply.body)).toBe(202);
  const id = (reply.body as { incidentId: string }).incidentId;
  await until(a, id, 'the approval request', (v) => v.phase === 'awaiting-approval');
  const grace = await a.signIn('grace@contoso.example', { roles: ['Genomics.Approver'] });
  expect((await a.request('POST', `/api/incidents/${id}/approve`, { body: {}, headers: grace })).status).toBe(202);
  return id;
}

async function activeRegion(a: App): Promise<string | undefined> {
  return (await a.store.getConfigurationSetting({ key: 'genomics:activeRegion' })).value;
}

describe('Genomics end to end', () => {
  it('with West US 2 down, copies the inputs from the geo-secondary, resubmits from the record, and fails back, cancelling nothing unless the primary’s own copy ran on', async () => {
    app = await startApp();
    const clients = app.clients;
    const original = await submitWorkflow(app, clients);
    await app.control('POST', '/_sim/regions/westus2/outage', {});

    const id = await approvedFailover(app);
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const failover = result(app, id, 'failover');
    expect(steps(failover)).toEqual({ announce: 'done', 'check-account': 'done', 'stage-data': 'done', 'resubmit-workflows': 'done', 'flip-active-pointer': 'done' });
    expect(detail(failover, 'stage-data')).toBe(`copied 2 input(s) to contosogenomicswcusdata/sequencing-input (${INPUTS.join(', ')}); sequencing-output ready`);
    const there = await clients.genomicsWorkflows('contosogenomicswcus').list();
    expect(there).toHaveLength(1);
    expect(there[0]).toMatchObject({ Description: `NA12878 30x [failover of contosogenomicswus2#${original}]` });
    // Queued, or already in progress: the simulator moves a workflow on after 2 minutes of its
    // time, a fifth of a second at 600x, which a busy machine can take before this list.
    expect([WORKFLOW_STATUS.Queued, WORKFLOW_STATUS.InProgress]).toContain(there[0]!.Status);
    expect(detail(failover, 'resubmit-workflows')).toBe(`contosogenomicswcus: #${original} → #${there[0]!.Id} (contosogenomicswus2 does not answer: from the app's record of submissions)`);
    // The inputs are in the standby storage, byte for byte.
    const staged = clients.blob.service('contosogenomicswcusdata').getContainerClient('sequencing-input');
    expect((await staged.getBlobClient(INPUTS[0]!).downloadToBuffer()).toString()).toBe(`@${INPUTS[0]}\nACGT\n+\nFFFF\n`);
    expect(await clients.blob.service('contosogenomicswcusdata').getContainerClient('sequencing-output').exists()).toBe(true);
    expect(await activeRegion(app)).toBe('westcentralus');

    await app.control('DELETE', '/_sim/regions/westus2/outage');
    // Now, without the health wait or the approval: an approver, with a reason.
    const grace = await app.signIn('grace@contoso.example', { roles: ['Genomics.Approver'] });
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'rehearsal over' }, headers: grace })).status).toBe(202);
    await until(app, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect(await activeRegion(app)).toBe('westus2');
    // At 600x the primary's copy leaves its queue a fifth of a second after it was submitted:
    // normally inside the outage, when it fails with its region and failback stops nothing; on a
    // busy machine before the outage began, when it ran on and failback cancelled one of the two.
    const primaryCopy = (await clients.genomicsWorkflows('contosogenomicswus2').list())[0]!;
    const standbyCopy = (await clients.genomicsWorkflows('contosogenomicswcus').list())[0]!;
    const failback = result(app, id, 'failback');
    if (primaryCopy.Status === WORKFLOW_STATUS.Failed) {
      expect(steps(failback)).toEqual({ announce: 'done', 'check-account': 'done', 'settle-double-runs': 'already-done', 'flip-active-pointer': 'done' });
      expect([WORKFLOW_STATUS.CancellationRequested, WORKFLOW_STATUS.Cancelled]).not.toContain(standbyCopy.Status);
    } else {
      expect(steps(failback)['settle-double-runs']).toBe('done');
      expect([primaryCopy.Status, standbyCopy.Status].filter((st) => st === WORKFLOW_STATUS.CancellationRequested || st === WORKFLOW_STATUS.Cancelled)).toHaveLength(1);
    }
  }, 90_000);

  /**
   * A short outage: the primary's workflow, queued when its region went down, is still queued
   * when it comes back (at real time, the simulator keeps it queued for 2 minutes), and carries
   * on; the failover had resubmitted it. Failback cancels one of the two and says which.
   */
  async function shortOutage(a: App, primaryAhead: boolean): Promise<{ id: string; original: number; resubmitted: number }> {
    const original = await submitWorkflow(a, a.clients);
    // The primary's copy already running: its queue phase ends now (nothing else is in flight).
    if (primaryAhead) await a.control('POST', '/_sim/lro/finish');
    await a.control('POST', '/_sim/regions/westus2/outage', {});
    const id = await approvedFailover(a);
    await until(a, id, 'the failover', (v) => v.phase === 'failed-over');
    const resubmitted = (await a.clients.genomicsWorkflows('contosogenomicswcus').list())[0]!.Id;
    await a.control('DELETE', '/_sim/regions/westus2/outage');
    const grace = await a.signIn('grace@contoso.example', { roles: ['Genomics.Approver'] });
    expect((await a.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'westus2 is back' }, headers: grace })).status).toBe(202);
    await until(a, id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    return { id, original, resubmitted };
  }
  const statusOf = async (a: App, account: string, workflowId: number) => (await a.clients.genomicsWorkflows(account).list()).find((w) => w.Id === workflowId)!.Status;
  const CANCELLED = [WORKFLOW_STATUS.CancellationRequested, WORKFLOW_STATUS.Cancelled];

  it('after a short outage, keeps the standby copy of a workflow queued on both sides and cancels the primary one, saying which', async () => {
    app = await startApp({ simTimeScale: 1 });
    const { id, original, resubmitted } = await shortOutage(app, false);
    const failback = result(app, id, 'failback');
    expect(steps(failback)).toEqual({ announce: 'done', 'check-account': 'done', 'settle-double-runs': 'done', 'flip-active-pointer': 'done' });
    expect(detail(failback, 'settle-double-runs')).toMatch(
      new RegExp(`^kept #${resubmitted} on contosogenomicswcus \\(queued, as far along, and the one the failover reported\\), cancelled #${original} on contosogenomicswus2 \\(queued\\) \\(told \\d+ channel\\(s\\)`),
    );
    expect(CANCELLED).toContain(await statusOf(app, 'contosogenomicswus2', original));
    expect(await statusOf(app, 'contosogenomicswcus', resubmitted)).toBe(WORKFLOW_STATUS.Queued);
  }, 90_000);

  it('after a short outage, keeps the primary copy when it is further along and cancels the resubmitted one', async () => {
    app = await startApp({ simTimeScale: 1 });
    const { id, original, resubmitted } = await shortOutage(app, true);
    expect(detail(result(app, id, 'failback'), 'settle-double-runs')).toMatch(
      new RegExp(`^kept #${original} on contosogenomicswus2 \\(in progress, further along\\), cancelled #${resubmitted} on contosogenomicswcus \\(queued\\) \\(told \\d+ channel\\(s\\)`),
    );
    expect(await statusOf(app, 'contosogenomicswus2', original)).toBe(WORKFLOW_STATUS.InProgress);
    expect(CANCELLED).toContain(await statusOf(app, 'contosogenomicswcus', resubmitted));
  }, 90_000);

  it('with the primary answering and the inputs staged by hand, resubmits what it reports queued and copies nothing', async () => {
    app = await startApp();
    const clients = app.clients;
    const original = await submitWorkflow(app, clients);
    const standby = clients.blob.service('contosogenomicswcusdata');
    await standby.getContainerClient('sequencing-input').createIfNotExists();
    await standby.getContainerClient('sequencing-output').createIfNotExists();
    for (const name of INPUTS) await standby.getContainerClient('sequencing-input').getBlockBlobClient(name).upload('staged by hand', 14);

    const id = await approvedFailover(app);
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const failover = result(app, id, 'failover');
    expect(steps(failover)).toMatchObject({ 'stage-data': 'already-done', 'resubmit-workflows': 'done' });
    expect(detail(failover, 'stage-data')).toBe('all 2 input(s) already in contosogenomicswcusdata');
    expect(detail(failover, 'resubmit-workflows')).toMatch(new RegExp(`^contosogenomicswcus: #${original} → #\\d+ \\(contosogenomicswus2 reports them queued or running\\)$`));
    expect((await standby.getContainerClient('sequencing-input').getBlobClient(INPUTS[0]!).downloadToBuffer()).toString()).toBe('staged by hand');
  }, 90_000);

  it('cancels the resubmitted workflow again when the active-region key cannot be moved', async () => {
    app = await startApp();
    const clients = app.clients;
    await submitWorkflow(app, clients);
    await app.control('POST', '/_sim/regions/westus2/outage', {});
    await app.store.setReadOnly({ key: 'genomics:activeRegion' }, true);

    const id = await approvedFailover(app);
    await until(app, id, 'the failed failover', (v) => v.runtimeStatus === 'Completed');
    expect((await view(app, id)).outcome).toBe('failover-failed');
    const failover = result(app, id, 'failover');
    expect(failover.failedStep).toBe('flip-active-pointer');
    // The flip never landed: its compensation finds nothing to undo, and says so.
    expect(failover.steps.filter((s) => s.step === 'flip-active-pointer').map((s) => s.status)).toEqual(['failed', 'compensated']);
    const cancelled = await clients.genomicsWorkflows('contosogenomicswcus').list();
    expect(cancelled).toHaveLength(1);
    // Resubmitted, then undone: both are in the record.
    expect(failover.steps.filter((s) => s.step === 'resubmit-workflows').map((s) => [s.status, s.detail])).toEqual([
      ['done', `contosogenomicswcus: #1 → #${cancelled[0]!.Id} (contosogenomicswus2 does not answer: from the app's record of submissions)`],
      ['compensated', `cancelled #${cancelled[0]!.Id} on contosogenomicswcus`],
    ]);
    expect([WORKFLOW_STATUS.CancellationRequested, WORKFLOW_STATUS.Cancelled]).toContain(cancelled[0]!.Status);
    expect(await activeRegion(app)).toBe('westus2');
  }, 90_000);

  it('keeps the record of submissions, and names the field when a record is wrong', async () => {
    app = await startApp();
    const post = (workload: string, body: unknown) => app!.request('POST', `/api/workloads/${workload}/workflows`, { body });
    const bad = await post('genomics-pipeline', { workflowId: 'seven', submission: {} });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ path: '$.workflowId', detail: 'workflowId must be the workflow id Genomics answered (a whole number)' });
    const noBlobs = await post('genomics-pipeline', { workflowId: 7, submission: { InputArgs: { ACCOUNT: 'a', CONTAINER: 'c' } } });
    expect(noBlobs.body).toMatchObject({ status: 400, path: '$.submission.InputArgs.BLOBNAMES' });
    const media = await post('media-streaming', { workflowId: 7, submission: {} });
    expect(media.status).toBe(422);
    const ok = await post('genomics-pipeline', { workflowId: 7, submittedAt: '2026-11-23T08:00:00Z', submission: { InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'a.bam' } } });
    expect(ok.status).toBe(201);
    const list = await app.request('GET', '/api/workloads/genomics-pipeline/workflows');
    expect(list.body).toEqual({
      workloadId: 'genomics-pipeline',
      workflows: [
        {
          workloadId: 'genomics-pipeline',
          account: 'contosogenomicswus2',
          workflowId: 7,
          submittedAt: '2026-11-23T08:00:00.000Z',
          submission: { InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'a.bam' } },
          finishedAt: null,
        },
      ],
    });
  }, 60_000);

  it('resubmits workflows given to the manual trigger when nothing recorded them, and names a bad one', async () => {
    app = await startApp();
    const clients = app.clients;
    const inputs = clients.blob.service('contosogenomicswus2data').getContainerClient('sequencing-input');
    await inputs.createIfNotExists();
    await inputs.getBlockBlobClient('hg002.bam').upload('BAM', 3);
    await app.control('POST', '/_sim/regions/westus2/outage', {});
    const submission = {
      Process: 'gatk4',
      ProcessArgs: 'R=hg38m1',
      Description: 'HG002',
      InputStorageType: 'AZURE_BLOCK_BLOB',
      InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'hg002.bam', BLOBNAMES_WITH_SAS: 'hg002.bam?sv=x' },
      OutputStorageType: 'AZURE_BLOCK_BLOB',
      OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-output' },
    };
    const body = (workflows: unknown[]) => ({ workloads: ['genomics-pipeline'], reason: 'West US 2 is down', kind: 'unplanned', by: 'tests', workflows });
    const bad = await app.request('POST', '/api/failovers', { body: body([{ workload: 'genomics-pipeline', workflowId: 41, submission: { InputArgs: { ACCOUNT: 'x', CONTAINER: 'y' } } }]) });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ path: '$.workflows[0].submission.InputArgs.BLOBNAMES' });
    const wrong = await app.request('POST', '/api/failovers', { body: body([{ workload: 'media-streaming', workflowId: 41, submission }]) });
    expect(wrong.body).toMatchObject({ status: 422, path: '$.workflows[0].workload' });

    const reply = await app.request('POST', '/api/failovers', { body: body([{ workload: 'genomics-pipeline', workflowId: 41, submission }]) });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    const id = (reply.body as { incidentId: string }).incidentId;
    await until(app, id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    await app.request('POST', `/api/incidents/${id}/approve`, { body: {}, headers: await app.signIn('grace@contoso.example', { roles: ['Genomics.Approver'] }) });
    await until(app, id, 'the failover', (v) => v.phase === 'failed-over');
    const there = await clients.genomicsWorkflows('contosogenomicswcus').list();
    expect(there.map((w) => w.Description)).toEqual(['HG002 [failover of contosogenomicswus2#41]']);
    expect(detail(result(app, id, 'failover'), 'stage-data')).toBe('copied 1 input(s) to contosogenomicswcusdata/sequencing-input (hg002.bam); sequencing-output ready');
  }, 90_000);
});
