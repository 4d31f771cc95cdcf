/**
 * The app's record of submitted Genomics workflows. A pipeline that submits a workflow tells the
 * app (`POST /api/workloads/{id}/workflows`), and again when it has finished; when the primary
 * region goes down its workflow list cannot be read, and the failover resubmits what this record
 * says was still queued or running. `GET` lists the record. A failover request may carry
 * workflows too (`workflows: [{ workload, workflowId, submission }]`): they are recorded the same way.
 */
import { blobNamesProblem, containerProblem, genomicsAccountProblem, storageAccountProblem } from '../azure/names.js';
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, Workload } from '../catalog/types.js';
import type { WorkflowRecord, WorkflowRecords } from '../stores/index.js';
import { parseJsonBody } from '../http/json-body.js';
import { problem, type Answer } from '../http/problem.js';

export function genomicsWorkload(catalog: Catalog, workloadId: string): Workload | Answer {
  const workload = catalog.workloads.find((w) => w.id === workloadId);
  if (workload === undefined) return problem(404, 'unknown-workload', `no workload '${workloadId}' in the catalog`, { path: '$.workloadId' });
  if (workload.playbook.kind !== 'genomics') return problem(422, 'not-genomics', `${workloadId} is a ${workload.playbook.kind} workload: only Genomics workloads record workflows`);
  return workload;
}

export const isAnswer = (x: Workload | Answer): x is Answer => 'status' in x;

/**
 * One record from what a pipeline (or an engineer, in a failover request) sends: the problem
 * names its field below `at` (`$` for the record endpoint, `$.workflows[2]` in a failover request).
 */
export function workflowRecordFrom(workload: Workload, b: Record<string, unknown>, now: Date, at = '$'): WorkflowRecord | { path: string; message: string } {
  if (!Number.isInteger(b['workflowId']) || (b['workflowId'] as number) < 0) {
    return { path: `${at}.workflowId`, message: 'workflowId must be the workflow id Genomics answered (a whole number)' };
  }
  const submission = b['submission'];
  if (typeof submission !== 'object' || submission === null || Array.isArray(submission)) {
    return { path: `${at}.submission`, message: 'submission must be the body msgen submitted (Process, ProcessArgs, InputArgs, OutputArgs, …)' };
  }
  const input = (submission as Record<string, unknown>)['InputArgs'];
  for (const field of ['ACCOUNT', 'CONTAINER', 'BLOBNAMES']) {
    if (typeof input !== 'object' || input === null || typeof (input as Record<string, unknown>)[field] !== 'string') {
      return { path: `${at}.submission.InputArgs.${field}`, message: `submission.InputArgs.${field} is required: the failover copies the inputs it names` };
    }
  }
  // The names become URLs the app's storage token is sent to: each is held to Azure's rules.
  const args = input as Record<string, unknown>;
  const named: Array<[string, string | null]> = [
    ['InputArgs.ACCOUNT', storageAccountProblem(args['ACCOUNT'])],
    ['InputArgs.CONTAINER', containerProblem(args['CONTAINER'])],
    ['InputArgs.BLOBNAMES', blobNamesProblem(args['BLOBNAMES'])],
  ];
  const output = (submission as Record<string, unknown>)['OutputArgs'];
  if (output !== undefined && output !== null) {
    if (typeof output !== 'object' || Array.isArray(output)) return { path: `${at}.submission.OutputArgs`, message: 'submission.OutputArgs must be an object: { ACCOUNT, CONTAINER, … }' };
    const out = output as Record<string, unknown>;
    if (out['ACCOUNT'] !== undefined) named.push(['OutputArgs.ACCOUNT', storageAccountProblem(out['ACCOUNT'])]);
    if (out['CONTAINER'] !== undefined) named.push(['OutputArgs.CONTAINER', containerProblem(out['CONTAINER'])]);
  }
  for (const [field, problem] of named) {
    if (problem !== null) return { path: `${at}.submission.${field}`, message: `submission.${field}: ${problem}` };
  }
  if (b['account'] !== undefined && b['account'] !== null && b['account'] !== '') {
    const problem = genomicsAccountProblem(b['account']);
    if (problem !== null) return { path: `${at}.account`, message: `account (the Genomics account the workflow was submitted to): ${problem}` };
  }
  const times: Record<'submittedAt' | 'finishedAt', string | null> = { submittedAt: null, finishedAt: null };
  for (const name of ['submittedAt', 'finishedAt'] as const) {
    const v = b[name];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return { path: `${at}.${name}`, message: `${name} must be an ISO-8601 time` };
    times[name] = new Date(v).toISOString();
  }
  const primaryAccount = parseResourceId(workload.primary.resources['account'] ?? '')?.names[0] ?? '';
  return {
    workloadId: workload.id,
    account: typeof b['account'] === 'string' && b['account'] !== '' ? b['account'] : primaryAccount,
    workflowId: b['workflowId'] as number,
    submittedAt: times.submittedAt ?? now.toISOString(),
    submission: submission as Record<string, unknown>,
    finishedAt: times.finishedAt,
  };
}

export async function recordWorkflow(catalog: Catalog, store: Pick<WorkflowRecords, 'recordWorkflow'>, workloadId: string, bodyText: string, now: Date): Promise<Answer> {
  const workload = genomicsWorkload(catalog, workloadId);
  if (isAnswer(workload)) return workload;
  const parsed = parseJsonBody(bodyText);
  if (!parsed.ok) return parsed.answer;
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(400, 'invalid-body', 'send a JSON object: { workflowId, submission, account?, submittedAt?, finishedAt? }', { path: '$' });
  const record = workflowRecordFrom(workload, body as Record<string, unknown>, now);
  if ('message' in record) return problem(400, 'invalid-field', record.message, { path: record.path });
  await store.recordWorkflow(record);
  // The submission was what the caller sent: the answer says what was recorded of it.
  const { submission: _submission, ...recorded } = record;
  return { status: 201, body: { recorded } };
}

export async function listWorkflows(catalog: Catalog, store: Pick<WorkflowRecords, 'workflowRecords'>, workloadId: string): Promise<Answer> {
  const workload = genomicsWorkload(catalog, workloadId);
  if (isAnswer(workload)) return workload;
  const records = await store.workflowRecords(workloadId);
  return { status: 200, body: { workloadId, workflows: records } };
}
