/**
 * The app's record of submitted Genomics workflows. A pipeline that submits a workflow tells the
 * app (`POST /api/workloads/{id}/workflows`), and again when it has finished; when the primary
 * region goes down its workflow list cannot be read, and the failover resubmits what this record
 * says was still queued or running. `GET` lists the record.
 */
import { parseResourceId } from '../azure/resource-id.js';
import type { Catalog, Workload } from '../catalog/types.js';
import type { ClaimStore, WorkflowRecord } from '../claims/index.js';
import { problem, type Answer } from '../http/problem.js';

function genomicsWorkload(catalog: Catalog, workloadId: string): Workload | Answer {
  const workload = catalog.workloads.find((w) => w.id === workloadId);
  if (workload === undefined) return problem(404, 'unknown-workload', `no workload '${workloadId}' in the catalog`, { path: '$.workloadId' });
  if (workload.playbook.kind !== 'genomics') return problem(422, 'not-genomics', `${workloadId} is a ${workload.playbook.kind} workload: only Genomics workloads record workflows`);
  return workload;
}

const isAnswer = (x: Workload | Answer): x is Answer => 'status' in x;

export async function recordWorkflow(catalog: Catalog, store: ClaimStore, workloadId: string, bodyText: string, now: Date): Promise<Answer> {
  const workload = genomicsWorkload(catalog, workloadId);
  if (isAnswer(workload)) return workload;
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (err) {
    return problem(400, 'invalid-json', `the body is not JSON: ${(err as Error).message}`, { path: '$' });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(400, 'invalid-body', 'send a JSON object: { workflowId, submission, account?, submittedAt?, finishedAt? }', { path: '$' });
  const b = body as Record<string, unknown>;
  if (!Number.isInteger(b['workflowId']) || (b['workflowId'] as number) < 0) {
    return problem(400, 'invalid-field', 'workflowId must be the workflow id Genomics answered (a whole number)', { path: '$.workflowId' });
  }
  const submission = b['submission'];
  if (typeof submission !== 'object' || submission === null || Array.isArray(submission)) {
    return problem(400, 'invalid-field', 'submission must be the body msgen submitted (Process, ProcessArgs, InputArgs, OutputArgs, …)', { path: '$.submission' });
  }
  const input = (submission as Record<string, unknown>)['InputArgs'];
  for (const field of ['ACCOUNT', 'CONTAINER', 'BLOBNAMES']) {
    if (typeof input !== 'object' || input === null || typeof (input as Record<string, unknown>)[field] !== 'string') {
      return problem(400, 'invalid-field', `submission.InputArgs.${field} is required: the failover copies the inputs it names`, { path: `$.submission.InputArgs.${field}` });
    }
  }
  const time = (name: 'submittedAt' | 'finishedAt'): string | null | Answer => {
    const v = b[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) return problem(400, 'invalid-field', `${name} must be an ISO-8601 time`, { path: `$.${name}` });
    return new Date(v).toISOString();
  };
  const submittedAt = time('submittedAt');
  const finishedAt = time('finishedAt');
  if (submittedAt !== null && typeof submittedAt === 'object') return submittedAt;
  if (finishedAt !== null && typeof finishedAt === 'object') return finishedAt;
  const primaryAccount = parseResourceId(workload.primary.resources['account'] ?? '')?.names[0] ?? '';
  const account = typeof b['account'] === 'string' && b['account'] !== '' ? b['account'] : primaryAccount;
  const record: WorkflowRecord = {
    workloadId,
    account,
    workflowId: b['workflowId'] as number,
    submittedAt: submittedAt ?? now.toISOString(),
    submission: submission as Record<string, unknown>,
    finishedAt,
  };
  await store.recordWorkflow(record);
  return { status: 201, body: { recorded: { ...record, submission: undefined } } };
}

export async function listWorkflows(catalog: Catalog, store: ClaimStore, workloadId: string): Promise<Answer> {
  const workload = genomicsWorkload(catalog, workloadId);
  if (isAnswer(workload)) return workload;
  const records = await store.workflowRecords(workloadId);
  return { status: 200, body: { workloadId, workflows: records } };
}
