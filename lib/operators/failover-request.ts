/**
 * The body of `POST /api/failovers`, checked field by field: which workloads (or a service and
 * region), why, how (`mode: execute | plan`, `kind: planned | unplanned`), and for Genomics
 * workloads the workflows to resubmit when nothing recorded them. Every problem
 * names its field, so a request typed at 3 a.m. gets fixed on the second try.
 */
import { z } from 'zod';
import { canonicalRegion } from '../alerts/regions.js';
import type { Catalog } from '../catalog/types.js';
import type { WorkflowRecord } from '../stores/index.js';
import type { FailoverKind, FailoverMode } from '../incidents/types.js';
import { genomicsWorkload, isAnswer, workflowRecordFrom } from './workflows.js';

export interface FailoverRequest {
  workloads: string[];
  service: string | null;
  region: string | null;
  reason: string;
  mode: FailoverMode;
  kind: FailoverKind;
  /** Idempotency key: the same request sent twice is one incident. */
  requestId: string | null;
  /** A self-declared name, used only when no signed-in principal is present. */
  by: string | null;
  /** Genomics workflows to resubmit, given by hand (the primary down and nothing recorded them). */
  workflows: WorkflowRecord[];
}

const schema = z
  .object({
    workloads: z.array(z.string().trim().min(1, 'a workload id must not be empty')).max(100).optional(),
    service: z.string().trim().min(1).max(200).optional(),
    region: z.string().trim().min(1).max(100).optional(),
    reason: z.string().trim().min(3, 'say why, in a few words: it goes into the timeline and every notification').max(1000),
    mode: z.enum(['execute', 'plan']).default('execute'),
    kind: z.enum(['planned', 'unplanned']).default('unplanned'),
    requestId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._:-]{1,100}$/, 'use 1-100 letters, digits, dots, dashes, underscores or colons')
      .optional(),
    by: z.string().trim().min(1).max(200).optional(),
    workflows: z.array(z.record(z.string(), z.unknown())).max(1000).optional(),
  })
  .strict();

export type Checked<T> = { ok: true; value: T } | { ok: false; path: string; message: string };

export function parseFailoverRequest(body: unknown, catalog: Catalog, now: Date): Checked<FailoverRequest> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, path: jsonPath(issue.path), message: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(', ')}; the fields are workloads, service, region, reason, mode, kind, requestId, by, workflows` : issue.message };
  }
  const v = parsed.data;
  const workloads = [...new Set(v.workloads ?? [])];
  if (workloads.length === 0 && v.service === undefined) {
    return { ok: false, path: '$.workloads', message: 'name the workloads to fail over (workloads: ["media-streaming"]), or a service and region (service: "Media Services", region: "westeurope")' };
  }
  if (workloads.length > 0 && v.service !== undefined) {
    return { ok: false, path: '$.service', message: 'give either workloads or service and region, not both' };
  }
  if (v.service !== undefined && v.region === undefined) return { ok: false, path: '$.region', message: `which region of ${v.service}? e.g. "westeurope"` };
  const known = new Set(catalog.workloads.map((w) => w.id));
  const unknown = workloads.findIndex((w) => !known.has(w));
  if (unknown >= 0) {
    return { ok: false, path: `$.workloads[${unknown}]`, message: `'${workloads[unknown]}' is not in the catalog; the workloads are ${[...known].join(', ')}` };
  }
  const workflows: WorkflowRecord[] = [];
  for (const [i, w] of (v.workflows ?? []).entries()) {
    const at = `$.workflows[${i}]`;
    const id = typeof w['workload'] === 'string' ? w['workload'] : '';
    if (!workloads.includes(id)) return { ok: false, path: `${at}.workload`, message: `name which of the requested workloads (${workloads.join(', ') || 'none'}) the workflow belongs to` };
    const workload = genomicsWorkload(catalog, id);
    if (isAnswer(workload)) return { ok: false, path: `${at}.workload`, message: `${id} is not a Genomics workload: only those resubmit workflows` };
    const { workload: _workload, ...fields } = w;
    const record = workflowRecordFrom(workload, fields, now, at);
    if ('message' in record) return { ok: false, path: record.path, message: record.message };
    workflows.push(record);
  }
  return {
    ok: true,
    value: {
      workflows,
      workloads,
      service: v.service ?? null,
      region: v.region === undefined ? null : canonicalRegion(v.region),
      reason: v.reason,
      mode: v.mode,
      kind: v.kind,
      requestId: v.requestId ?? null,
      by: v.by ?? null,
    },
  };
}

function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}
