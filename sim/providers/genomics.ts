/**
 * Microsoft Genomics: the ARM account (api-version 2017-08-01-preview; there is no JS SDK) and
 * the workflow data plane a failover resubmits work to. The Genomics BCDR guidance: there is no
 * automatic failover and running workflows fail in an outage; create an account in another
 * region, copy (or geo-replicate) the inputs there and resubmit.
 *
 * ARM (throttled, api-version checked):
 *   GET …/providers/Microsoft.Genomics/accounts/{account}   200 { id, name, type, location, tags, properties: { apiUri, provisioningState } } | 404
 *
 * Data plane, mounted at `/genomics/{account}` (in Azure the regional API base,
 * `https://{region}.microsoftgenomics.net`, that the `msgen` client calls). The wire format is
 * the one Microsoft's `msgen` client (malibuservice.py) sends and reads:
 *   POST   /genomics/{account}/api/workflows          200 workflow (Status 1000) | 400 { Message }
 *   GET    /genomics/{account}/api/workflows          200 [workflow]  ($orderby=CreatedDate asc|desc, $skip, $top,
 *                                                      $filter: substringof('x', Description|Process), Status eq 'N')
 *   GET    /genomics/{account}/api/workflows/{id}     200 workflow | 404 { Message }
 *   DELETE /genomics/{account}/api/workflows/{id}     200 workflow (Status 58000) — cancels | 400 when already finished | 404
 * Submit body:
 *   { "WorkflowClass": "", "Process": "snapgatk", "ProcessArgs": "R=b37m1", "Description": "…",
 *     "InputStorageType": "AZURE_BLOCK_BLOB",
 *     "InputArgs":  { "ACCOUNT": "…", "CONTAINER": "…", "BLOBNAMES": "a_1.fq.gz,a_2.fq.gz", "BLOBNAMES_WITH_SAS": "a_1.fq.gz?sv=…,a_2.fq.gz?sv=…" },
 *     "OutputStorageType": "AZURE_BLOCK_BLOB",
 *     "OutputArgs": { "ACCOUNT": "…", "CONTAINER": "…", "CONTAINER_SAS": "sv=…", "OUTPUT_FILENAME_BASE": "", "OVERWRITE": false, "OUTPUT_INCLUDE_LOGFILES": true },
 *     "OptionalArgs": { "BQSR": …, "ReadGroupLine": …, "GatkEmitRefConfidence": "NONE|BP_RESOLUTION|GVCF", "BgzipOutput": … },
 *     "IgnoreAzureRegion": false }
 * Workflow:
 *   { "Id": 1, "TenantId": …, "Status": 1000, "CreatedDate": ISO, "EndDate": ISO | null, "FailureCode": 0,
 *     "Message": "…", "Description": "…", "Process": "snapgatk", "BasesProcessed": 0 }
 * Status codes (msgen's table): 1000 Queued, 10000 In progress, 20000 Completed successfully,
 * 50000 Failed, 58000 Cancellation requested, 60000 Cancelled. `Message` carries those names
 * (or the failure). Validation (400, messages guessed): Process one of snapgatk, gatk4,
 * gatk4-promo; ProcessArgs names a reference `R=b37m1|hg19m1|hg38m1|hg38m1x`; storage types
 * AZURE_BLOCK_BLOB; InputArgs ACCOUNT, CONTAINER and one or two BLOBNAMES (FASTQ pair or BAM);
 * OutputArgs ACCOUNT and CONTAINER; SAS tokens as "Submit a workflow using a SAS"
 * (learn.microsoft.com/azure/genomics/quickstart-input-sas) asks: one per input blob, scoped to
 * it (sr=b) and granting read, and one on the output container (sr=c) granting read, write and
 * delete (and list: assumed, the strict side), each valid for at least 48 hours from its start
 * (`st`, or now without one) and not expired; and, unless IgnoreAzureRegion, an input or output storage
 * account the simulator knows must be in the Genomics account's region (the check msgen's
 * `--ignore-azure-region` switch exists to skip).
 *
 * Durations (Azure time, scaled by the clock; local constants, not in sim/latency.ts):
 *   Queued → In progress      2 min   (WORKFLOW_QUEUED_MS)
 *   In progress → Completed   4 h     (WORKFLOW_PROCESSING_MS; a 30x whole genome takes hours)
 *   Cancellation requested → Cancelled   1 min (WORKFLOW_CANCEL_MS)
 * Each phase is a simulator long-running operation (`Microsoft.Genomics/workflows/queue`,
 * `…/process`, `…/cancel`), so `POST /_sim/lro/finish` completes the current phase. A fault rule
 * `{ operation: 'Microsoft.Genomics/workflows/submit', failOperation: true }` makes the workflow
 * fail when processing ends (Status 50000, FailureCode 1, Message "<code>: <message>"). A
 * workflow whose account region is down when a phase ends fails (Status 50000) — running
 * workflows fail in an outage, as the BCDR guidance says.
 *
 * Errors of the data plane are `{ Message }` (msgen reads `Message`); `resource` is the account's
 * ARM id, so an outage of its region answers 503 for its data plane only. Auth: the real service
 * takes the account key in `Ocp-Apim-Subscription-Key`; the simulator's pipeline takes a bearer
 * token like every other API.
 */
import { envelope, notFound, ok } from '../arm.js';
import { latencyOf } from '../latency.js';
import type { Simulator } from '../simulator.js';
import type { Route, SimRequest, SimResource, SimResponse } from '../types.js';

export const GENOMICS_API_VERSIONS = ['2017-08-01-preview'] as const;

// Durations live in the simulator's latency model with every other operation's.
export const WORKFLOW_QUEUED_MS = latencyOf('Microsoft.Genomics/workflows/queue');
export const WORKFLOW_PROCESSING_MS = latencyOf('Microsoft.Genomics/workflows/process');
export const WORKFLOW_CANCEL_MS = latencyOf('Microsoft.Genomics/workflows/cancel');

export const WORKFLOW_STATUS = {
  Queued: 1000,
  InProgress: 10000,
  Completed: 20000,
  Failed: 50000,
  CancellationRequested: 58000,
  Cancelled: 60000,
} as const;

const STATUS_MESSAGE: Record<number, string> = {
  1000: 'Queued',
  10000: 'In progress',
  20000: 'Completed successfully',
  50000: 'Failed',
  58000: 'Cancellation requested',
  60000: 'Cancelled',
};

/** Microsoft Genomics asks for SAS tokens valid "48 hours from now" (quickstart-input-sas). */
const SAS_MINIMUM_VALIDITY_MS = 48 * 3600_000;

const PROCESSES = ['snapgatk', 'gatk4', 'gatk4-promo'];
const REFERENCES = ['b37m1', 'hg19m1', 'hg38m1', 'hg38m1x'];
/** Bases a 30x human genome yields, roughly: what a completed workflow reports. */
const BASES_30X = 105_000_000_000;

const TYPE = 'Microsoft.Genomics/accounts';
const ACCOUNT = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Genomics/accounts/{account}';

interface Workflow {
  Id: number;
  TenantId: number;
  Status: number;
  CreatedDate: string;
  EndDate: string | null;
  FailureCode: number;
  Message: string;
  Description: string;
  Process: string;
  BasesProcessed: number;
  /** What was submitted, kept for inspection (not returned: the service does not echo it). */
  request: Record<string, unknown>;
}

interface AccountState {
  workflows: Map<number, Workflow>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function message(status: number, text: string): SimResponse {
  return { status, body: { Message: text } };
}

function render(w: Workflow): Record<string, unknown> {
  const { request: _request, ...wire } = w;
  return wire;
}

/** A stable small number per account, standing in for the service's tenant id. */
function tenantOf(account: SimResource): number {
  let h = 0;
  for (const c of account.id.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return 1000 + (h % 9000);
}

export function genomicsRoutes(sim: Simulator): Route[] {
  // Workflows per account record: a reset re-seeds new records and forgets the workflows.
  const states = new WeakMap<SimResource, AccountState>();
  let nextId = 0;

  const accountByName = (name: string): SimResource | undefined => sim.store.ofType(TYPE).find((r) => r.name.toLowerCase() === name.toLowerCase());
  const stateOf = (account: SimResource): AccountState => {
    let s = states.get(account);
    if (s === undefined) {
      s = { workflows: new Map() };
      states.set(account, s);
    }
    return s;
  };
  const iso = () => new Date(sim.clock.now()).toISOString();
  const regionDown = (account: SimResource) => sim.faults.outage(account.location) !== undefined;

  const setStatus = (w: Workflow, status: number, text = STATUS_MESSAGE[status] ?? '') => {
    w.Status = status;
    w.Message = text;
    if (status === WORKFLOW_STATUS.Completed || status === WORKFLOW_STATUS.Failed || status === WORKFLOW_STATUS.Cancelled) w.EndDate = iso();
  };
  const failForOutage = (account: SimResource, w: Workflow) => {
    w.FailureCode = 503;
    setStatus(w, WORKFLOW_STATUS.Failed, `The workflow failed: the Microsoft Genomics service in region '${account.location}' became unavailable. Resubmit the workflow.`);
  };

  const process = (account: SimResource, w: Workflow, failWith: { code: string; message: string } | undefined) => {
    if (w.Status !== WORKFLOW_STATUS.Queued) return;
    if (regionDown(account)) return failForOutage(account, w);
    setStatus(w, WORKFLOW_STATUS.InProgress);
    sim.operations.begin({
      operation: 'Microsoft.Genomics/workflows/process',
      resourceId: `${account.id}/workflows/${w.Id}`,
      durationMs: WORKFLOW_PROCESSING_MS,
      ...(failWith !== undefined ? { failWith } : {}),
      complete: () => {
        if (w.Status !== WORKFLOW_STATUS.InProgress) return;
        if (regionDown(account)) return failForOutage(account, w);
        w.BasesProcessed = BASES_30X;
        setStatus(w, WORKFLOW_STATUS.Completed);
      },
      fail: () => {
        if (w.Status !== WORKFLOW_STATUS.InProgress) return;
        w.FailureCode = 1;
        setStatus(w, WORKFLOW_STATUS.Failed, `${failWith?.code ?? 'Failed'}: ${failWith?.message ?? 'The workflow failed.'}`);
      },
    });
  };

  /** The submit body checked: the error message naming the bad field, or undefined. */
  const validate = (account: SimResource, b: Record<string, unknown>): string | undefined => {
    const str = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
    if (!str(b['Process'])) return "'Process' is required (snapgatk, gatk4 or gatk4-promo).";
    if (!PROCESSES.includes(b['Process'])) return `'Process' '${b['Process']}' is not a known process. Known processes: ${PROCESSES.join(', ')}.`;
    const reference = str(b['ProcessArgs']) ? /(?:^|\s)R=([\w-]+)/.exec(b['ProcessArgs'])?.[1] : undefined;
    if (reference === undefined) return "'ProcessArgs' must name a reference genome, e.g. 'R=b37m1'.";
    if (!REFERENCES.includes(reference)) return `'ProcessArgs' names reference '${reference}', which is not available. Available references: ${REFERENCES.join(', ')}.`;
    for (const field of ['InputStorageType', 'OutputStorageType']) {
      if (b[field] !== 'AZURE_BLOCK_BLOB') return `'${field}' must be 'AZURE_BLOCK_BLOB'.`;
    }
    const input = b['InputArgs'];
    const output = b['OutputArgs'];
    if (!isRecord(input)) return "'InputArgs' is required.";
    if (!isRecord(output)) return "'OutputArgs' is required.";
    for (const [name, args] of [['InputArgs', input], ['OutputArgs', output]] as const) {
      for (const field of ['ACCOUNT', 'CONTAINER']) if (!str(args[field])) return `'${name}.${field}' is required.`;
    }
    const blobs = str(input['BLOBNAMES']) ? input['BLOBNAMES'].split(',').filter((s) => s.trim() !== '') : [];
    if (blobs.length < 1 || blobs.length > 2) return "'InputArgs.BLOBNAMES' must name one BAM file or a pair of FASTQ files, comma-separated.";
    if (!str(input['BLOBNAMES_WITH_SAS'])) return "'InputArgs.BLOBNAMES_WITH_SAS' is required: the input blobs with read SAS tokens.";
    const withSas = input['BLOBNAMES_WITH_SAS'].split(',');
    if (withSas.length !== blobs.length) return `'InputArgs.BLOBNAMES_WITH_SAS' must give a SAS for each of the ${blobs.length} blob(s) in 'InputArgs.BLOBNAMES'.`;
    for (const [i, entry] of withSas.entries()) {
      const q = entry.indexOf('?');
      const name = q < 0 ? entry : entry.slice(0, q);
      const query = q < 0 ? '' : entry.slice(q + 1);
      if (name.trim() !== blobs[i]!.trim()) return `'InputArgs.BLOBNAMES_WITH_SAS' entry ${i + 1} is for '${name}', but 'InputArgs.BLOBNAMES' names '${blobs[i]}' there.`;
      const problem = sasProblem(query, { resource: 'b', permissions: 'r' });
      if (problem !== undefined) return `'InputArgs.BLOBNAMES_WITH_SAS' SAS of '${name}' ${problem}`;
    }
    if (!str(output['CONTAINER_SAS'])) return "'OutputArgs.CONTAINER_SAS' is required: a SAS on the output container granting read, write, delete and list.";
    const outputProblem = sasProblem(output['CONTAINER_SAS'].replace(/^\?/, ''), { resource: 'c', permissions: 'rwdl' });
    if (outputProblem !== undefined) return `'OutputArgs.CONTAINER_SAS' ${outputProblem}`;
    if (b['IgnoreAzureRegion'] !== true) {
      for (const [name, args] of [['InputArgs', input], ['OutputArgs', output]] as const) {
        const storage = sim.store.ofType('Microsoft.Storage/storageAccounts').find((r) => r.name.toLowerCase() === String(args['ACCOUNT']).toLowerCase());
        if (storage !== undefined && storage.location !== account.location) {
          return `The storage account '${storage.name}' in '${name}.ACCOUNT' is in region '${storage.location}', but this Microsoft Genomics account is in '${account.location}'. Use storage in the same region, or set 'IgnoreAzureRegion' to true.`;
        }
      }
    }
    return undefined;
  };

  /**
   * What is wrong with a SAS query string for what the service does with it, or undefined: its
   * scope (`sr`), its permissions (`sp`) and its validity (`se`, from `st` or now) of at least
   * SAS_MINIMUM_VALIDITY_MS. The signature is not checked (the simulator holds no storage keys).
   */
  const sasProblem = (query: string, wanted: { resource: 'b' | 'c'; permissions: string }): string | undefined => {
    const sas = new URLSearchParams(query);
    const scope = wanted.resource === 'b' ? 'the blob' : 'the container';
    if (sas.get('sig') === null || sas.get('se') === null) return `is not a SAS token: it needs at least 'se' and 'sig'.`;
    if (sas.get('sr') !== wanted.resource) return `must be scoped to ${scope} (sr=${wanted.resource}), got sr=${sas.get('sr') ?? '(none)'}.`;
    const granted = sas.get('sp') ?? '';
    const lacking = [...wanted.permissions].filter((p) => !granted.includes(p));
    if (lacking.length > 0) return `must grant '${wanted.permissions}' on ${scope}; it grants '${granted}', without '${lacking.join('')}'.`;
    const expires = Date.parse(sas.get('se')!);
    const starts = sas.get('st') === null ? sim.clock.now() : Date.parse(sas.get('st')!);
    if (Number.isNaN(expires) || Number.isNaN(starts)) return `has an unreadable 'st' or 'se'.`;
    if (expires <= sim.clock.now()) return `expired at ${new Date(expires).toISOString()}.`;
    if (expires - starts < SAS_MINIMUM_VALIDITY_MS) {
      return `is valid for ${((expires - starts) / 3600_000).toFixed(1)} h: a workflow queues and runs for hours, and its SAS tokens must be valid for at least 48 hours.`;
    }
    return undefined;
  };

  const dataRoute = (method: string, pattern: string, operation: string, handle: (account: SimResource, state: AccountState, request: SimRequest, params: Record<string, string>) => SimResponse): Route => ({
    method,
    pattern: `/genomics/{account}/api/workflows${pattern}`,
    operation,
    arm: false,
    resource: (p) => accountByName(p['account']!)?.id ?? `/genomics/${p['account']}`,
    handle: ({ request, params }) => {
      const account = accountByName(params['account']!);
      if (account === undefined) return message(404, `The Microsoft Genomics account '${params['account']}' does not exist.`);
      return handle(account, stateOf(account), request, params);
    },
  });

  const workflowOf = (state: AccountState, id: string | undefined): Workflow | undefined => (id !== undefined && /^\d+$/.test(id) ? state.workflows.get(Number(id)) : undefined);

  return [
    {
      method: 'GET',
      pattern: ACCOUNT,
      operation: `${TYPE}/read`,
      arm: true,
      apiVersions: GENOMICS_API_VERSIONS,
      resource: (p) => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${TYPE}/${p['account']}`,
      handle: ({ params }) => {
        const id = `/subscriptions/${params['sub']}/resourceGroups/${params['rg']}/providers/${TYPE}/${params['account']}`;
        const r = sim.store.get(id);
        if (r === undefined || r.type !== TYPE) return notFound('Microsoft Genomics account', id);
        const { created: _created, ...props } = r.properties;
        return ok({ ...envelope(r), tags: r.tags ?? {}, properties: props });
      },
    },

    dataRoute('POST', '', 'Microsoft.Genomics/workflows/submit', (account, state, request) => {
      if (!isRecord(request.body)) return message(400, 'The request body must be a JSON workflow definition.');
      const problem = validate(account, request.body);
      if (problem !== undefined) return message(400, problem);
      const b = request.body;
      const w: Workflow = {
        Id: ++nextId,
        TenantId: tenantOf(account),
        Status: WORKFLOW_STATUS.Queued,
        CreatedDate: iso(),
        EndDate: null,
        FailureCode: 0,
        Message: STATUS_MESSAGE[WORKFLOW_STATUS.Queued]!,
        Description: typeof b['Description'] === 'string' ? b['Description'] : '',
        Process: b['Process'] as string,
        BasesProcessed: 0,
        request: structuredClone(b),
      };
      state.workflows.set(w.Id, w);
      const rule = sim.faults.match('Microsoft.Genomics/workflows/submit', account.id, true);
      const failWith = rule !== undefined && sim.faults.fires(rule) ? { code: rule.code, message: rule.message } : undefined;
      sim.operations.begin({
        operation: 'Microsoft.Genomics/workflows/queue',
        resourceId: `${account.id}/workflows/${w.Id}`,
        durationMs: WORKFLOW_QUEUED_MS,
        complete: () => process(account, w, failWith),
      });
      return ok(render(w));
    }),

    dataRoute('GET', '', 'Microsoft.Genomics/workflows/read', (_account, state, request) => {
      let list = [...state.workflows.values()];
      const filter = request.query.get('$filter');
      if (filter !== null && filter.trim() !== '') {
        for (const clause of filter.split(/\s+and\s+/i)) {
          const sub = /^substringof\('((?:[^']|'')*)',\s*(Description|Process)\)$/i.exec(clause.trim());
          const status = /^Status\s+eq\s+'?(\d+)'?$/i.exec(clause.trim());
          if (sub !== null) {
            const text = sub[1]!.replace(/''/g, "'");
            const field = sub[2]!.toLowerCase() === 'process' ? 'Process' : 'Description';
            list = list.filter((w) => w[field].includes(text));
          } else if (status !== null) {
            list = list.filter((w) => w.Status === Number(status[1]));
          } else {
            return message(400, `The query specified in the URI is not valid: unsupported $filter clause '${clause}'.`);
          }
        }
      }
      const orderby = request.query.get('$orderby') ?? 'CreatedDate asc';
      const order = /^CreatedDate(?:\s+(asc|desc))?$/i.exec(orderby.trim());
      if (order === null) return message(400, `The query specified in the URI is not valid: $orderby supports CreatedDate asc|desc, got '${orderby}'.`);
      list.sort((a, b) => a.Id - b.Id);
      if (order[1]?.toLowerCase() === 'desc') list.reverse();
      const skip = Number(request.query.get('$skip') ?? '0');
      const top = request.query.get('$top');
      if (!Number.isInteger(skip) || skip < 0 || (top !== null && !/^\d+$/.test(top))) return message(400, 'The query specified in the URI is not valid: $skip and $top must be non-negative integers.');
      return ok(list.slice(skip, top === null ? undefined : skip + Number(top)).map(render));
    }),

    dataRoute('GET', '/{id}', 'Microsoft.Genomics/workflows/read', (_account, state, _request, params) => {
      const w = workflowOf(state, params['id']);
      return w === undefined ? message(404, `Workflow ${params['id']} was not found.`) : ok(render(w));
    }),

    dataRoute('DELETE', '/{id}', 'Microsoft.Genomics/workflows/cancel', (account, state, _request, params) => {
      const w = workflowOf(state, params['id']);
      if (w === undefined) return message(404, `Workflow ${params['id']} was not found.`);
      if (w.Status === WORKFLOW_STATUS.CancellationRequested || w.Status === WORKFLOW_STATUS.Cancelled) return ok(render(w));
      if (w.Status === WORKFLOW_STATUS.Completed || w.Status === WORKFLOW_STATUS.Failed) {
        return message(400, `Workflow ${w.Id} has already finished (${STATUS_MESSAGE[w.Status]}) and cannot be cancelled.`);
      }
      setStatus(w, WORKFLOW_STATUS.CancellationRequested);
      sim.operations.begin({
        operation: 'Microsoft.Genomics/workflows/cancel',
        resourceId: `${account.id}/workflows/${w.Id}`,
        durationMs: WORKFLOW_CANCEL_MS,
        complete: () => {
          if (w.Status === WORKFLOW_STATUS.CancellationRequested) setStatus(w, WORKFLOW_STATUS.Cancelled);
        },
      });
      return ok(render(w));
    }),
  ];
}
