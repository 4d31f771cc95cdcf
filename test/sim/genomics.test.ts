/** Microsoft Genomics: the ARM account and the workflow data plane (msgen's wire format), driven over HTTPS. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_STATUS } from '../../sim/providers/genomics.js';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
beforeAll(async () => {
  h = await startSimulator();
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const WUS2_ID = `/subscriptions/${SUB}/resourceGroups/rg-genomics-wus2/providers/Microsoft.Genomics/accounts/contosogenomicswus2`;
const WCUS_ID = `/subscriptions/${SUB}/resourceGroups/rg-genomics-wcus/providers/Microsoft.Genomics/accounts/contosogenomicswcus`;
const workflows = (account: string) => `/genomics/${account}/api/workflows`;

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
}

/**
 * A SAS query string as Azure Storage signs one (the simulator does not check the signature):
 * scoped to a blob (`b`) or container (`c`), granting `sp`, from five minutes ago for `hours`.
 */
function sas(sr: 'b' | 'c', sp: string, hours = 48, from = h.sim.clock.now() - 5 * 60_000): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new URLSearchParams({ sv: '2025-11-05', st: iso(from), se: iso(from + hours * 3600_000 + 5 * 60_000), sr, sp, sig: 'c2lnbmF0dXJl' }).toString();
}

function submission(overrides: Record<string, unknown> = {}, storage = 'contosogenomicswus2data'): Record<string, unknown> {
  return {
    WorkflowClass: '',
    Process: 'snapgatk',
    ProcessArgs: 'R=hg38m1',
    Description: 'sample NA12878',
    InputStorageType: 'AZURE_BLOCK_BLOB',
    InputArgs: {
      ACCOUNT: storage,
      CONTAINER: 'inputs',
      BLOBNAMES: 'NA12878_1.fq.gz,NA12878_2.fq.gz',
      BLOBNAMES_WITH_SAS: `NA12878_1.fq.gz?${sas('b', 'r')},NA12878_2.fq.gz?${sas('b', 'r')}`,
    },
    OutputStorageType: 'AZURE_BLOCK_BLOB',
    OutputArgs: { ACCOUNT: storage, CONTAINER: 'outputs', CONTAINER_SAS: sas('c', 'rwdl'), OUTPUT_FILENAME_BASE: '', OVERWRITE: false, OUTPUT_INCLUDE_LOGFILES: true },
    OptionalArgs: { GatkEmitRefConfidence: 'NONE', BgzipOutput: false },
    IgnoreAzureRegion: false,
    ...overrides,
  };
}

async function submit(account = 'contosogenomicswus2', body = submission()): Promise<Workflow> {
  const res = await h.call('POST', workflows(account), body);
  expect(res.status).toBe(200);
  return res.body as Workflow;
}
async function get(id: number, account = 'contosogenomicswus2'): Promise<Workflow> {
  const res = await h.call('GET', `${workflows(account)}/${id}`);
  expect(res.status).toBe(200);
  return res.body as Workflow;
}
const finishPhase = () => h.control('POST', '/_sim/lro/finish');

describe('Genomics accounts (ARM)', () => {
  it('gets an account', async () => {
    const res = await h.call('GET', `${WUS2_ID}?api-version=2017-08-01-preview`);
    expect(res).toEqual({
      status: 200,
      headers: expect.any(Object),
      body: {
        id: WUS2_ID,
        name: 'contosogenomicswus2',
        type: 'Microsoft.Genomics/accounts',
        location: 'westus2',
        tags: {},
        properties: { provisioningState: 'Succeeded', apiUri: 'https://westus2.microsoftgenomics.net' },
      },
    });
  });

  it('answers 404 for an unknown account and 400 for another api-version', async () => {
    expect(await h.call('GET', `${WUS2_ID}x?api-version=2017-08-01-preview`)).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    expect(await h.call('GET', `${WUS2_ID}?api-version=2020-01-01`)).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
  });

  it('throttles like ARM: 429 with Retry-After, then served', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Genomics/accounts/read', status: 429, code: 'SubscriptionRequestsThrottled', count: 1 });
    const throttled = await h.call('GET', `${WUS2_ID}?api-version=2017-08-01-preview`);
    expect(throttled).toMatchObject({ status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'SubscriptionRequestsThrottled' } } });
    expect((await h.call('GET', `${WUS2_ID}?api-version=2017-08-01-preview`)).status).toBe(200);
  });

  it('fails the account of a region that is down with 503', async () => {
    await h.control('POST', '/_sim/regions/westus2/outage');
    expect(await h.call('GET', `${WUS2_ID}?api-version=2017-08-01-preview`)).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
    expect((await h.call('GET', `${WCUS_ID}?api-version=2017-08-01-preview`)).status).toBe(200);
  });
});

describe('Genomics workflows', () => {
  it('submits a workflow that goes Queued → In progress → Completed', async () => {
    const queued = await submit();
    expect(queued).toEqual({
      Id: expect.any(Number),
      TenantId: expect.any(Number),
      Status: 1000,
      CreatedDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      EndDate: null,
      FailureCode: 0,
      Message: 'Queued',
      Description: 'sample NA12878',
      Process: 'snapgatk',
      BasesProcessed: 0,
    });
    const running = (await h.control('GET', '/_sim/lro')).body as Array<{ operation: string; resourceId: string }>;
    expect(running).toEqual([expect.objectContaining({ operation: 'Microsoft.Genomics/workflows/queue', resourceId: `${WUS2_ID}/workflows/${queued.Id}` })]);
    await finishPhase();
    expect(await get(queued.Id)).toMatchObject({ Status: WORKFLOW_STATUS.InProgress, Message: 'In progress', EndDate: null });
    await finishPhase();
    const done = await get(queued.Id);
    expect(done).toMatchObject({ Status: WORKFLOW_STATUS.Completed, Message: 'Completed successfully', FailureCode: 0, BasesProcessed: 105_000_000_000 });
    expect(Date.parse(done.EndDate!)).toBeGreaterThanOrEqual(Date.parse(done.CreatedDate));
    const log = (await h.control('GET', '/_sim/operations')).body as Array<{ method: string; operation: string; status: number; resource: string }>;
    expect(log).toEqual([expect.objectContaining({ method: 'POST', operation: 'Microsoft.Genomics/workflows/submit', status: 200, resource: WUS2_ID })]);
  });

  it('lists workflows oldest first, with $orderby, $top and $filter as msgen sends them', async () => {
    const a = await submit('contosogenomicswus2', submission({ Description: 'first' }));
    const b = await submit('contosogenomicswus2', submission({ Description: 'second', Process: 'gatk4' }));
    await submit('contosogenomicswcus', submission({ Description: 'elsewhere' }, 'contosogenomicswcusdata'));
    const list = async (query: string) => {
      const res = await h.call('GET', `${workflows('contosogenomicswus2')}${query}`);
      expect(res.status).toBe(200);
      return (res.body as Workflow[]).map((w) => w.Id);
    };
    expect(await list('')).toEqual([a.Id, b.Id]);
    expect(await list('?$orderby=CreatedDate%20desc')).toEqual([b.Id, a.Id]);
    expect(await list('?$orderby=CreatedDate%20asc&$skip=1&$top=1')).toEqual([b.Id]);
    expect(await list(`?$filter=${encodeURIComponent("substringof('gatk4', Process)")}`)).toEqual([b.Id]);
    expect(await list(`?$filter=${encodeURIComponent("Status eq '20000'")}`)).toEqual([]);
    expect(await h.call('GET', `${workflows('contosogenomicswus2')}?$filter=Process%20eq%20'x'`)).toMatchObject({ status: 400, body: { Message: expect.stringContaining('$filter') } });
  });

  it('cancels a workflow: Cancellation requested, then Cancelled; idempotent; refused once finished', async () => {
    const w = await submit();
    const cancel = await h.call('DELETE', `${workflows('contosogenomicswus2')}/${w.Id}`);
    expect(cancel).toMatchObject({ status: 200, body: { Id: w.Id, Status: 58000, Message: 'Cancellation requested' } });
    expect((await h.call('DELETE', `${workflows('contosogenomicswus2')}/${w.Id}`)).body).toMatchObject({ Status: 58000 });
    await finishPhase();
    expect(await get(w.Id)).toMatchObject({ Status: WORKFLOW_STATUS.Cancelled, Message: 'Cancelled', EndDate: expect.any(String) });
    await finishPhase();
    expect((await get(w.Id)).Status).toBe(WORKFLOW_STATUS.Cancelled);
    const done = await submit();
    await finishPhase();
    await finishPhase();
    expect(await h.call('DELETE', `${workflows('contosogenomicswus2')}/${done.Id}`)).toMatchObject({ status: 400, body: { Message: expect.stringContaining('already finished') } });
  });

  it('fails the workflow when processing ends if a failOperation fault is set', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.Genomics/workflows/submit', failOperation: true, code: 'ReferenceMismatch', message: 'The BAM header does not match reference hg38m1.', count: 1 });
    const w = await submit();
    await finishPhase();
    expect((await get(w.Id)).Status).toBe(WORKFLOW_STATUS.InProgress);
    await finishPhase();
    expect(await get(w.Id)).toMatchObject({
      Status: WORKFLOW_STATUS.Failed,
      FailureCode: 1,
      Message: 'ReferenceMismatch: The BAM header does not match reference hg38m1.',
      EndDate: expect.any(String),
    });
    // The rule was used up: the next workflow succeeds.
    const next = await submit();
    await finishPhase();
    await finishPhase();
    expect((await get(next.Id)).Status).toBe(WORKFLOW_STATUS.Completed);
  });

  it('validates the submission and names the bad field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [submission({ Process: undefined }), /'Process' is required/],
      [submission({ Process: 'bwa' }), /not a known process/],
      [submission({ ProcessArgs: 'R=grch99' }), /reference 'grch99'/],
      [submission({ ProcessArgs: '' }), /must name a reference genome/],
      [submission({ InputStorageType: 'S3' }), /'InputStorageType' must be 'AZURE_BLOCK_BLOB'/],
      [submission({ InputArgs: { ACCOUNT: 'x', CONTAINER: 'inputs', BLOBNAMES: 'a,b,c', BLOBNAMES_WITH_SAS: 'a,b,c' } }), /one BAM file or a pair of FASTQ files/],
      [submission({ OutputArgs: { ACCOUNT: 'x' } }), /'OutputArgs.CONTAINER' is required/],
    ];
    for (const [body, message] of cases) {
      expect(await h.call('POST', workflows('contosogenomicswus2'), body)).toMatchObject({ status: 400, body: { Message: expect.stringMatching(message) } });
    }
  });

  it('refuses SAS tokens that do not let the service read the inputs and write the outputs for 48 hours', async () => {
    const inputs = (first: string, second = sas('b', 'r')) => ({
      InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'inputs', BLOBNAMES: 'NA12878_1.fq.gz,NA12878_2.fq.gz', BLOBNAMES_WITH_SAS: `NA12878_1.fq.gz?${first},NA12878_2.fq.gz?${second}` },
    });
    const output = (containerSas: string | undefined) => ({
      OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'outputs', ...(containerSas !== undefined ? { CONTAINER_SAS: containerSas } : {}) },
    });
    const cases: Array<[Record<string, unknown>, string]> = [
      // What the app gave before: an hour.
      [inputs(sas('b', 'r', 1)), "'InputArgs.BLOBNAMES_WITH_SAS' SAS of 'NA12878_1.fq.gz' is valid for 1.1 h: a workflow queues and runs for hours, and its SAS tokens must be valid for at least 48 hours."],
      [inputs(sas('b', 'w')), "'InputArgs.BLOBNAMES_WITH_SAS' SAS of 'NA12878_1.fq.gz' must grant 'r' on the blob; it grants 'w', without 'r'."],
      [inputs(sas('c', 'r')), "'InputArgs.BLOBNAMES_WITH_SAS' SAS of 'NA12878_1.fq.gz' must be scoped to the blob (sr=b), got sr=c."],
      [inputs('sv=2023-01-03&sig=x'), "'InputArgs.BLOBNAMES_WITH_SAS' SAS of 'NA12878_1.fq.gz' is not a SAS token: it needs at least 'se' and 'sig'."],
      [inputs(sas('b', 'r', 48, h.sim.clock.now() - 72 * 3600_000)), "'InputArgs.BLOBNAMES_WITH_SAS' SAS of 'NA12878_1.fq.gz' expired at"],
      // What the app gave before: no delete.
      [output(sas('c', 'racwl')), "'OutputArgs.CONTAINER_SAS' must grant 'rwdl' on the container; it grants 'racwl', without 'd'."],
      [output(sas('c', 'rwdl', 24)), "'OutputArgs.CONTAINER_SAS' is valid for 24.1 h"],
      [output(undefined), "'OutputArgs.CONTAINER_SAS' is required: a SAS on the output container granting read, write, delete and list."],
    ];
    for (const [override, message] of cases) {
      const res = await h.call('POST', workflows('contosogenomicswus2'), submission(override));
      expect([res.status, (res.body as { Message: string }).Message.slice(0, message.length)]).toEqual([400, message]);
    }
    // 48 hours exactly from its start, read on each input, rwdl on the output: accepted.
    expect((await h.call('POST', workflows('contosogenomicswus2'), submission({ ...inputs(sas('b', 'r')), ...output(sas('c', 'rwdl')) }))).status).toBe(200);
  });

  it('refuses storage in another region unless IgnoreAzureRegion is set', async () => {
    const cross = await h.call('POST', workflows('contosogenomicswus2'), submission({}, 'contosogenomicswcusdata'));
    expect(cross).toMatchObject({ status: 400, body: { Message: expect.stringMatching(/'contosogenomicswcusdata'.*'westcentralus'.*'westus2'.*IgnoreAzureRegion/) } });
    expect((await h.call('POST', workflows('contosogenomicswus2'), submission({ IgnoreAzureRegion: true }, 'contosogenomicswcusdata'))).status).toBe(200);
    // The failover path: resubmit in West Central US, next to the geo-replicated data.
    expect((await h.call('POST', workflows('contosogenomicswcus'), submission({}, 'contosogenomicswcusdata'))).status).toBe(200);
  });

  it('answers 404 for an unknown workflow or account, and 401 without a token', async () => {
    expect(await h.call('GET', `${workflows('contosogenomicswus2')}/999999`)).toMatchObject({ status: 404, body: { Message: 'Workflow 999999 was not found.' } });
    expect(await h.call('DELETE', `${workflows('contosogenomicswus2')}/abc`)).toMatchObject({ status: 404 });
    expect(await h.call('GET', workflows('nosuchaccount'))).toMatchObject({ status: 404, body: { Message: expect.stringContaining('nosuchaccount') } });
    expect(await h.call('GET', workflows('contosogenomicswus2'), undefined, { authorization: '' })).toMatchObject({ status: 401 });
  });

  it('fails the data plane of the region that is down, and the workflows running there', async () => {
    const running = await submit();
    await finishPhase();
    expect((await get(running.Id)).Status).toBe(WORKFLOW_STATUS.InProgress);
    await h.control('POST', '/_sim/regions/westus2/outage');
    expect(await h.call('GET', workflows('contosogenomicswus2'))).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
    expect(await h.call('POST', workflows('contosogenomicswus2'), submission())).toMatchObject({ status: 503 });
    expect((await h.call('POST', workflows('contosogenomicswcus'), submission({}, 'contosogenomicswcusdata'))).status).toBe(200);
    await finishPhase();
    await h.control('DELETE', '/_sim/regions/westus2/outage');
    expect(await get(running.Id)).toMatchObject({ Status: WORKFLOW_STATUS.Failed, FailureCode: 503, Message: expect.stringContaining("region 'westus2' became unavailable") });
  });

  it('takes the documented time: Queued for 2 minutes, processing for 4 hours (scaled)', async () => {
    // At 6000x: 2 min is 20 ms, 4 h is 2.4 s.
    const fast = await startSimulator({ timeScale: 6000 });
    try {
      const started = performance.now();
      const res = await fast.call('POST', workflows('contosogenomicswus2'), submission());
      const id = (res.body as Workflow).Id;
      const status = async () => ((await fast.call('GET', `${workflows('contosogenomicswus2')}/${id}`)).body as Workflow).Status;
      expect(await status()).toBe(WORKFLOW_STATUS.Queued);
      await new Promise((r) => setTimeout(r, 100));
      expect(await status()).toBe(WORKFLOW_STATUS.InProgress);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await status()).toBe(WORKFLOW_STATUS.InProgress);
      while ((await status()) !== WORKFLOW_STATUS.Completed) await new Promise((r) => setTimeout(r, 25));
      expect(performance.now() - started).toBeGreaterThanOrEqual(2400);
      expect(performance.now() - started).toBeLessThan(3500);
    } finally {
      await fast.close();
    }
  });
});
