/**
 * The Microsoft Genomics playbook's steps. Genomics has no failover of its own: workflows fail
 * with their region, and the guidance is to resubmit them in another region with their data
 * there. Failover: check the standby account answers; make sure each pending workflow's inputs
 * are in the standby storage account (copied server-side from the primary storage account's
 * geo-redundant secondary endpoint when missing, lib/azure/blob.ts) and the output container exists; resubmit the
 * workflows the primary had queued or running (from its own list when it answers, else from the
 * app's record of submissions) to the standby, with the standby's storage, and report each new
 * id; then the active-region key moves new submissions over. Failback checks the primary, lets
 * no workflow run twice (a primary back from a short outage carries on with the workflows it had
 * queued, which the failover resubmitted: settle-double-runs cancels one of each pair) and moves
 * new submissions back.
 */
import type { BlobClient, BlockBlobClient } from '@azure/storage-blob';
import { WORKFLOW_SAS, WORKFLOW_STATUS, type GenomicsWorkflowClient, type Workflow, type WorkflowSubmission } from '../../azure/genomics.js';
import { blobNameProblem, blobNamesOf, containerProblem, storageAccountProblem } from '../../azure/names.js';
import type { GenomicsPlaybook, Workload } from '../../catalog/types.js';
import type { WorkflowRecord } from '../../stores/index.js';
import { tellTodo } from '../common/tell.js';
import type { TodoItem } from '../types.js';
import {
  alreadyDone,
  compensated,
  done,
  failed,
  isNotFound,
  mapLimited,
  needed,
  PARALLEL_WRITES,
  requiredSideResource,
  StepFailure,
  todo,
  type SideResource,
  unlessDown,
  verified,
  defineStep,
  type StepContext,
} from '../define.js';

const MIN = 60_000;

function playbookOf(workload: Workload): GenomicsPlaybook {
  if (workload.playbook.kind !== 'genomics') throw new StepFailure('WrongPlaybook', `${workload.id} is not a Genomics workload`);
  return workload.playbook;
}

const serving = (ctx: StepContext) => (ctx.direction === 'failover' ? 'secondary' : 'primary');

/** The mark a resubmission carries in its description: how a second run knows it is done. */
const markOf = (r: WorkflowRecord) => `[failover of ${r.account}#${r.workflowId}]`;

const PENDING = new Set<number>([WORKFLOW_STATUS.Queued, WORKFLOW_STATUS.InProgress]);

interface Submitted {
  /** What the pipeline submitted, as recorded. */
  record: WorkflowRecord;
  submission: WorkflowSubmission;
  blobs: string[];
}

/** A side's workflow API: where its account's `apiUri` says (ARM), with its key in Azure. */
async function workflowApi(r: SideResource): Promise<GenomicsWorkflowClient> {
  const account = await r.clients.genomics(r.subscriptionId).getAccount(r.resourceGroup, r.name);
  try {
    return r.clients.genomicsWorkflows(r.name, account.properties?.apiUri);
  } catch (err) {
    // A missing key or apiUri is the app's configuration, not the region being down: say so.
    throw new StepFailure('GenomicsApiUnreachable', (err as Error).message);
  }
}

/** The standby's storage account: where inputs are staged and outputs written. */
function standbyStorage(ctx: StepContext): string {
  return requiredSideResource(ctx, 'secondary', 'storage').name;
}

/**
 * The workflows to move: the recorded ones the primary reports queued or running, or, when it
 * does not answer, every recorded one not known to have finished (running workflows fail with
 * their region).
 */
async function pendingWorkflows(ctx: StepContext): Promise<{ pending: Submitted[]; source: string; fromRecords: boolean }> {
  const primary = requiredSideResource(ctx, 'primary', 'account', true);
  const records = (await ctx.deps.workflowRecords(ctx.workload.id)).filter((r) => r.account.toLowerCase() === primary.name.toLowerCase() && r.finishedAt === null);
  const listed = await unlessDown(async () => (await workflowApi(primary)).list());
  const statusOf = new Map((listed ?? []).map((w) => [w.Id, w.Status]));
  const pending = listed === null ? records : records.filter((r) => PENDING.has(statusOf.get(r.workflowId) ?? -1));
  return {
    pending: pending.map((record) => {
      const submission = record.submission as unknown as WorkflowSubmission;
      return { record, submission, blobs: checkedInputs(record, submission) };
    }),
    source: listed === null ? `${primary.name} does not answer: from the app's record of submissions` : `${primary.name} reports them queued or running`,
    fromRecords: listed === null,
  };
}

/**
 * A recorded submission's input names, checked again where they become URLs (the record endpoint
 * checks them on arrival, but a record may predate that): the storage account is a host name
 * the app's token goes to. A bad one fails the step, naming the record, rather than being used.
 */
function checkedInputs(record: WorkflowRecord, submission: WorkflowSubmission): string[] {
  const input = (submission as { InputArgs?: Partial<WorkflowSubmission['InputArgs']> }).InputArgs ?? {};
  const blobs = typeof input.BLOBNAMES === 'string' ? blobNamesOf(input.BLOBNAMES) : [];
  const problem =
    storageAccountProblem(input.ACCOUNT) ??
    containerProblem(input.CONTAINER) ??
    (blobs.length === 0 ? 'BLOBNAMES names no blob' : null) ??
    blobs.map(blobNameProblem).find((p) => p !== null) ??
    null;
  if (problem !== null) {
    throw new StepFailure('InvalidWorkflowRecord', `the record of workflow #${record.workflowId} cannot be resubmitted: its InputArgs: ${problem}. Record it again with valid names (POST /api/workloads/${record.workloadId}/workflows)`);
  }
  return blobs;
}

// ── check-account ───────────────────────────────────────────────────────────────────────────

export const checkAccount = defineStep({
  name: 'check-account',
  title: { failover: 'Check the standby Genomics account answers', failback: 'Check the primary Genomics account answers' },
  deadlineMs: 2 * MIN,
  group: 'begin',
  async precheck(ctx) {
    const a = requiredSideResource(ctx, serving(ctx), 'account');
    return needed(`check that ${a.name} in ${a.region} answers`);
  },
  async action(ctx) {
    const a = requiredSideResource(ctx, serving(ctx), 'account');
    try {
      const got = await a.clients.genomics(a.subscriptionId).getAccount(a.resourceGroup, a.name);
      if (got.properties?.provisioningState === 'Failed') throw new StepFailure('AccountNotProvisioned', `${a.name} is in state Failed: fix it before sending work to it`);
      return done(`${a.name} (${got.location}) answers; workflow API ${got.properties?.apiUri ?? '?'}`);
    } catch (err) {
      if (isNotFound(err)) throw new StepFailure('AccountMissing', `the Genomics account ${a.name} does not exist in ${a.resourceGroup}: create it before failing over to it`);
      throw err;
    }
  },
  async verify(ctx) {
    return verified(`${requiredSideResource(ctx, serving(ctx), 'account').name} answers`);
  },
  compensate: { none: 'it only reads' },
});

// ── stage-data ──────────────────────────────────────────────────────────────────────────────

interface Staging {
  missing: Array<{ workflow: Submitted; blob: string }>;
  outputContainer: boolean;
  count: number;
}

async function staging(ctx: StepContext, pending: Submitted[]): Promise<Staging> {
  const p = playbookOf(ctx.workload);
  const service = ctx.deps.clients.blob.service(standbyStorage(ctx));
  const inputs = service.getContainerClient(p.inputContainer);
  const wanted = pending.flatMap((workflow) => workflow.blobs.map((blob) => ({ workflow, blob })));
  const present = await mapLimited(wanted, PARALLEL_WRITES, (w) => inputs.getBlobClient(w.blob).exists());
  return { missing: wanted.filter((_, i) => !present[i]), outputContainer: await service.getContainerClient(p.outputContainer).exists(), count: wanted.length };
}

export const stageData = defineStep({
  name: 'stage-data',
  title: "Copy pending workflows' inputs to the standby storage (from the geo-secondary)",
  deadlineMs: 60 * MIN,
  async precheck(ctx) {
    const { pending } = await pendingWorkflows(ctx);
    if (pending.length === 0) return alreadyDone('no queued or running workflows to stage data for');
    const s = await staging(ctx, pending);
    if (s.missing.length === 0 && s.outputContainer) return alreadyDone(`all ${s.count} input(s) already in ${standbyStorage(ctx)}`);
    return needed(`copy ${s.missing.map((m) => m.blob).join(', ') || 'nothing'}${s.outputContainer ? '' : `; create ${playbookOf(ctx.workload).outputContainer}`}`, {
      resources: [requiredSideResource(ctx, 'secondary', 'storage').id],
    });
  },
  async action(ctx) {
    const p = playbookOf(ctx.workload);
    const target = standbyStorage(ctx);
    const { pending } = await pendingWorkflows(ctx);
    const s = await staging(ctx, pending);
    const service = ctx.deps.clients.blob.service(target);
    await service.getContainerClient(p.inputContainer).createIfNotExists();
    await service.getContainerClient(p.outputContainer).createIfNotExists();
    await mapLimited(s.missing, PARALLEL_WRITES, async ({ workflow, blob }) => {
      const source = workflow.submission.InputArgs.ACCOUNT;
      // The primary region is down: its storage is read at the geo-redundant secondary endpoint.
      const from = ctx.deps.clients.blob.service(source, { secondary: true }).getContainerClient(workflow.submission.InputArgs.CONTAINER).getBlobClient(blob);
      await copyFrom(ctx, from, source, service.getContainerClient(p.inputContainer).getBlockBlobClient(blob));
    });
    return done(`copied ${s.missing.length} input(s) to ${target}/${p.inputContainer}${s.missing.length > 0 ? ` (${s.missing.map((m) => m.blob).join(', ')})` : ''}; ${p.outputContainer} ready`);
  },
  async verify(ctx) {
    const { pending } = await pendingWorkflows(ctx);
    const s = await staging(ctx, pending);
    return s.missing.length === 0 && s.outputContainer ? verified(`${s.count} input(s) in place`) : failed('InputsNotStaged', `missing ${s.missing.map((m) => m.blob).join(', ')}`);
  },
  compensate: { none: 'copied inputs are harmless on the standby, and a retry finds them there' },
});

async function copyFrom(ctx: StepContext, from: BlobClient, account: string, to: BlockBlobClient): Promise<void> {
  try {
    await ctx.deps.clients.blob.copy(from, account, to, { pollIntervalMs: ctx.deps.lroPollMs });
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404 || (err as { code?: string }).code === 'CannotVerifyCopySource') {
      throw new StepFailure('InputUnreadable', `${from.name} cannot be read at ${account}'s secondary endpoint: is ${account} read-access geo-redundant (RA-GRS)? Copy it to ${to.accountName} by hand otherwise`);
    }
    throw err;
  }
}

// ── resubmit-workflows ──────────────────────────────────────────────────────────────────────

async function resubmissions(ctx: StepContext): Promise<{ pending: Submitted[]; source: string; fromRecords: boolean; moved: Map<string, number> }> {
  const standby = requiredSideResource(ctx, 'secondary', 'account');
  const { pending, source, fromRecords } = await pendingWorkflows(ctx);
  const there = await (await workflowApi(standby)).list();
  const moved = new Map<string, number>();
  for (const w of pending) {
    const found = there.find((t) => t.Description.includes(markOf(w.record)));
    if (found !== undefined) moved.set(markOf(w.record), found.Id);
  }
  return { pending, source, fromRecords, moved };
}

/**
 * With the primary down, only what the pipeline recorded is known: a workflow it queued without
 * recording it (POST /api/workloads/{id}/workflows) is left for people to resubmit.
 */
function unrecordedTodo(ctx: StepContext, r: { pending: Submitted[]; fromRecords: boolean }): { todo: TodoItem[] } {
  if (!r.fromRecords) return { todo: [] };
  const primary = requiredSideResource(ctx, 'primary', 'account');
  const standby = requiredSideResource(ctx, 'secondary', 'account');
  const recorded = r.pending.map((w) => `#${w.record.workflowId}`).join(', ') || 'none';
  return {
    todo: [
      todo(
        'resubmit-job',
        `Resubmit to ${standby.name} any workflow ${primary.name} had queued or running that the pipeline did not record: ${primary.name} does not answer, so only the recorded ones (${recorded}) were resubmitted`,
        { resourceId: primary.id },
      ),
    ],
  };
}

export const resubmitWorkflows = defineStep({
  name: 'resubmit-workflows',
  title: 'Resubmit queued and running workflows to the standby',
  deadlineMs: 10 * MIN,
  async precheck(ctx) {
    const r = await resubmissions(ctx);
    if (r.pending.length === 0) return alreadyDone(`no queued or running workflows (${r.source})`, unrecordedTodo(ctx, r));
    const left = r.pending.filter((w) => !r.moved.has(markOf(w.record)));
    return left.length === 0
      ? alreadyDone(`already resubmitted: ${r.pending.map((w) => `#${w.record.workflowId} as #${r.moved.get(markOf(w.record))}`).join(', ')}`, unrecordedTodo(ctx, r))
      : needed(`resubmit ${left.map((w) => `#${w.record.workflowId}`).join(', ')} (${r.source})`, { resources: [requiredSideResource(ctx, 'secondary', 'account').id] });
  },
  async action(ctx) {
    const p = playbookOf(ctx.workload);
    const standby = requiredSideResource(ctx, 'secondary', 'account');
    const storage = standbyStorage(ctx);
    const api = await workflowApi(standby);
    const service = ctx.deps.clients.blob.service(storage);
    const inputs = service.getContainerClient(p.inputContainer);
    const outputs = service.getContainerClient(p.outputContainer);
    const r = await resubmissions(ctx);
    const left = r.pending.filter((w) => !r.moved.has(markOf(w.record)));
    // Valid for the workflow's whole stay in the queue and run (Microsoft asks for 48 hours), with
    // the permissions the service needs: read on each input; read, write, delete, list on the output.
    const validity = { validForMs: p.sasValidity.ms };
    const outputSas = await ctx.deps.clients.blob.sas(outputs, storage, WORKFLOW_SAS.outputPermissions, validity);
    await mapLimited(left, PARALLEL_WRITES, async (w) => {
      const withSas = await Promise.all(w.blobs.map(async (b) => `${b}?${await ctx.deps.clients.blob.sas(inputs.getBlobClient(b), storage, WORKFLOW_SAS.inputPermissions, validity)}`));
      const submission: WorkflowSubmission = {
        ...w.submission,
        Description: `${w.submission.Description ?? ''} ${markOf(w.record)}`.trim(),
        InputArgs: { ACCOUNT: storage, CONTAINER: p.inputContainer, BLOBNAMES: w.blobs.join(','), BLOBNAMES_WITH_SAS: withSas.join(',') },
        OutputArgs: { ...w.submission.OutputArgs, ACCOUNT: storage, CONTAINER: p.outputContainer, CONTAINER_SAS: outputSas },
      };
      const created = await api.submit(submission);
      r.moved.set(markOf(w.record), created.Id);
    });
    // The new ids are what the people who submitted the work need to follow it.
    return done(`${standby.name}: ${r.pending.map((w) => `#${w.record.workflowId} → #${r.moved.get(markOf(w.record))}`).join(', ')} (${r.source})`, unrecordedTodo(ctx, r));
  },
  async verify(ctx) {
    const r = await resubmissions(ctx);
    const missing = r.pending.filter((w) => !r.moved.has(markOf(w.record)));
    return missing.length === 0 ? verified(`${r.pending.length} workflow(s) on the standby`) : failed('WorkflowsNotResubmitted', missing.map((w) => `#${w.record.workflowId}`).join(', '));
  },
  async compensate(ctx) {
    const standby = requiredSideResource(ctx, 'secondary', 'account');
    const api = await workflowApi(standby);
    const ours = (await api.list()).filter((w) => /\[failover of [^\]]+#\d+\]/.test(w.Description) && PENDING.has(w.Status));
    for (const w of ours) await api.cancel(w.Id);
    return compensated(ours.length === 0 ? 'no resubmitted workflow was still running' : `cancelled ${ours.map((w) => `#${w.Id}`).join(', ')} on ${standby.name}`);
  },
});


// ── settle-double-runs ──────────────────────────────────────────────────────────────────────

/** How far along a pending workflow is: running beats queued. */
const progress = (w: Workflow) => (w.Status === WORKFLOW_STATUS.InProgress ? 2 : 1);
const STATE: Record<number, string> = { [WORKFLOW_STATUS.Queued]: 'queued', [WORKFLOW_STATUS.InProgress]: 'in progress' };

interface DoubleRun {
  primary: Workflow;
  standby: Workflow;
  /** The side whose copy runs on. */
  keep: 'primary' | 'standby';
}

/**
 * Workflows pending on both sides: the primary's own (restarted after its outage) and the
 * failover's resubmission of it. The one further along is kept (running beats queued: its hours
 * of work are not thrown away); when both are as far along, the standby's is kept, because its id
 * is the one the failover reported to the people following the work, its inputs and outputs are
 * in the standby storage and its SAS tokens are fresh, while the primary's was interrupted once.
 */
async function doubleRuns(
  ctx: StepContext,
): Promise<{ pairs: DoubleRun[]; standbyList: Workflow[]; primaryName: string; standbyName: string; primaryApi: GenomicsWorkflowClient; standbyApi: GenomicsWorkflowClient }> {
  const primary = requiredSideResource(ctx, 'primary', 'account');
  const standby = requiredSideResource(ctx, 'secondary', 'account');
  const primaryApi = await workflowApi(primary);
  const standbyApi = await workflowApi(standby);
  const [there, here] = await Promise.all([primaryApi.list(), standbyApi.list()]);
  const pendingThere = new Map(there.filter((w) => PENDING.has(w.Status)).map((w) => [w.Id, w]));
  const pairs: DoubleRun[] = [];
  for (const w of here.filter((x) => PENDING.has(x.Status))) {
    const mark = /\[failover of ([^#\]]+)#(\d+)\]/.exec(w.Description);
    if (mark === null || mark[1]!.toLowerCase() !== primary.name.toLowerCase()) continue;
    const original = pendingThere.get(Number(mark[2]));
    if (original !== undefined) pairs.push({ primary: original, standby: w, keep: progress(original) > progress(w) ? 'primary' : 'standby' });
  }
  return { pairs, standbyList: here, primaryName: primary.name, standbyName: standby.name, primaryApi, standbyApi };
}

/**
 * The failover's resubmissions that ran, or run on, the standby (this incident's, when its window
 * says when it began): their outputs are in the standby storage, where nothing reads them once
 * new work goes back to the primary. `cancelled`: those this step cancels.
 */
function standbyOutputsTodo(ctx: StepContext, standbyList: readonly Workflow[], primaryName: string, cancelled: ReadonlySet<number>): TodoItem[] {
  const since = ctx.window === undefined ? null : Date.parse(ctx.window.since);
  const ran = standbyList.filter((w) => {
    const mark = /\[failover of ([^#\]]+)#\d+\]/.exec(w.Description);
    return (
      mark !== null &&
      mark[1]!.toLowerCase() === primaryName.toLowerCase() &&
      (w.Status === WORKFLOW_STATUS.Completed || PENDING.has(w.Status)) &&
      !cancelled.has(w.Id) &&
      (since === null || !(Date.parse(w.CreatedDate) < since))
    );
  });
  if (ran.length === 0) return [];
  const storage = requiredSideResource(ctx, 'secondary', 'storage');
  const standby = requiredSideResource(ctx, 'secondary', 'account').name;
  const ids = ran.map((w) => `#${w.Id}`).join(', ');
  return [
    todo(
      'reconcile-data',
      `Collect the outputs of ${ids} from ${storage.name}/${playbookOf(ctx.workload).outputContainer}: they ran on ${standby} during the failover, and new work goes to ${primaryName} again`,
      { resourceId: storage.id },
    ),
  ];
}

const pairText = (d: DoubleRun, primaryName: string, standbyName: string) =>
  `#${d.primary.Id} on ${primaryName} (${STATE[d.primary.Status]}) and #${d.standby.Id} on ${standbyName} (${STATE[d.standby.Status]})`;

export const settleDoubleRuns = defineStep({
  name: 'settle-double-runs',
  title: 'Let no workflow run on both sides (cancel one of each pair)',
  deadlineMs: 5 * MIN,
  async precheck(ctx) {
    const { pairs, standbyList, primaryName, standbyName } = await doubleRuns(ctx);
    if (pairs.length === 0) return alreadyDone('no workflow is queued or running on both sides', { todo: standbyOutputsTodo(ctx, standbyList, primaryName, new Set()) });
    const sides = pairs.map((d) => requiredSideResource(ctx, d.keep === 'primary' ? 'secondary' : 'primary', 'account').id);
    return needed(`cancel one of ${pairs.map((d) => pairText(d, primaryName, standbyName)).join(', ')}`, { resources: sides });
  },
  async action(ctx) {
    // The clients the pairs were found with: no second read of either account.
    const { pairs, standbyList, primaryName, standbyName, primaryApi, standbyApi } = await doubleRuns(ctx);
    const outcomes: string[] = [];
    const follow: TodoItem[] = [];
    for (const d of pairs) {
      const [kept, keptOn, cancelled, cancelledOn] = d.keep === 'primary' ? [d.primary, primaryName, d.standby, standbyName] : [d.standby, standbyName, d.primary, primaryName];
      await (d.keep === 'primary' ? standbyApi : primaryApi).cancel(cancelled.Id);
      const why = progress(kept) > progress(cancelled) ? 'further along' : 'as far along, and the one the failover reported';
      const outcome = `kept #${kept.Id} on ${keptOn} (${STATE[kept.Status]}, ${why}), cancelled #${cancelled.Id} on ${cancelledOn} (${STATE[cancelled.Status]})`;
      outcomes.push(outcome);
      follow.push(todo('check', `${outcome}: follow the kept one for the results.`, { resourceId: requiredSideResource(ctx, d.keep === 'primary' ? 'primary' : 'secondary', 'account').id }));
    }
    // Whoever follows a cancelled id must follow the other one from now on.
    const told = await tellTodo(ctx, `${ctx.workload.id}: workflows were running on both sides; one of each is cancelled`, follow);
    const cancelledHere = new Set(pairs.filter((d) => d.keep === 'primary').map((d) => d.standby.Id));
    return done(`${outcomes.join('; ')} (${told})`, { todo: [...follow, ...standbyOutputsTodo(ctx, standbyList, primaryName, cancelledHere)] });
  },
  async verify(ctx) {
    const { pairs, primaryName, standbyName } = await doubleRuns(ctx);
    return pairs.length === 0 ? verified('no workflow is queued or running on both sides') : failed('WorkflowsStillDouble', pairs.map((d) => pairText(d, primaryName, standbyName)).join(', '));
  },
  compensate: { none: 'a cancelled workflow cannot be resumed; its twin runs on' },
});
