/**
 * Hostile inputs at the operator endpoints and where their values are used: storage, container
 * and blob names held to Azure's rules (a workflow record's ACCOUNT must never become a host the
 * storage token goes to), JSON bodies with a size and depth limit read without recursion, deep
 * alerts refused by the parser, and incident ids of the app's own form only.
 */
import { ContainerClient, AnonymousCredential } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { parseAlert, parsePayload } from '../../lib/alerts/index.js';
import { blobAccess } from '../../lib/azure/blob.js';
import { blobNameProblem, blobNamesOf, containerProblem, genomicsAccountProblem, InvalidAzureNameError, storageAccountProblem } from '../../lib/azure/names.js';
import type { WorkflowRecord, WorkflowRecords } from '../../lib/stores/index.js';
import { depthBeyond, OPERATOR_BODY_LIMITS, parseJsonBody } from '../../lib/http/json-body.js';
import { incidentIdProblem } from '../../lib/incidents/ids.js';
import { incidentInstanceId } from '../../lib/intake/accept.js';
import { parseJsonBody as operatorBody } from '../../lib/operators/incidents.js';
import { recordWorkflow, workflowRecordFrom } from '../../lib/operators/workflows.js';
import { load, SAMPLE } from '../catalog/support.js';

const catalog = load(SAMPLE);
const genomics = catalog.workloads.find((w) => w.id === 'genomics-pipeline')!;
const NOW = new Date('2026-11-23T09:00:00Z');

const submission = (input: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  Process: 'snapgatk',
  InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'na12878_1.fq.gz,na12878_2.fq.gz', ...input },
  ...extra,
});

function store(): { claims: Pick<WorkflowRecords, 'recordWorkflow'>; recorded: WorkflowRecord[] } {
  const recorded: WorkflowRecord[] = [];
  const claims = { recordWorkflow: async (r: WorkflowRecord) => void recorded.push(r) };
  return { claims, recorded };
}

const deep = (n: number, open = '[', close = ']') => `${open.repeat(n)}${close.repeat(n)}`;

describe('Azure names', () => {
  it('storage accounts are 3 to 24 lower-case letters and digits', () => {
    for (const ok of ['abc', 'contosogenomicswus2data', 'a'.repeat(24)]) expect(storageAccountProblem(ok)).toBeNull();
    for (const bad of ['ab', 'a'.repeat(25), 'Contoso', 'con-toso', 'attacker.example/steal?', 'evil.com#', 'x@evil.com', '', 42, undefined]) {
      expect(storageAccountProblem(bad)).toMatch(/is not a storage account name: a storage account name is 3 to 24 lower-case letters and digits$/);
    }
  });

  it('containers are 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit', () => {
    for (const ok of ['abc', 'sequencing-input', 'a1-b2-c3', 'a'.repeat(63)]) expect(containerProblem(ok)).toBeNull();
    for (const bad of ['ab', 'a'.repeat(64), '-abc', 'abc-', 'a--b', 'Abc', 'a/b', 'a?b', '..', '$web']) expect(containerProblem(bad)).toContain('is not a container name');
  });

  it('blob names are 1 to 1024 characters without control characters, dot segments or commas, not ending with a dot or a slash', () => {
    for (const ok of ['a.bam', 'runs/2026/na12878_1.fq.gz', 'a b?#%.bam', 'x'.repeat(1024), 'name.with.dots.gz']) expect(blobNameProblem(ok)).toBeNull();
    for (const bad of ['', 'x'.repeat(1025), 'a\u0000b', 'line\nbreak', 'a\u007f', 'ends.', 'ends/', '../other-container/x', 'a/./b', 'a/..', 'a,b']) {
      expect(blobNameProblem(bad)).toContain('is not a blob name');
    }
  });

  it("splits BLOBNAMES as the playbook does (commas, trimmed, empty names dropped)", () => {
    expect(blobNamesOf(' a_1.fq.gz , a_2.fq.gz,, ')).toEqual(['a_1.fq.gz', 'a_2.fq.gz']);
  });

  it('Genomics accounts are 3 to 64 letters, digits and hyphens, starting and ending with a letter or digit', () => {
    for (const ok of ['contosogenomicswus2', 'Contoso-Genomics-1', 'a'.repeat(64)]) expect(genomicsAccountProblem(ok)).toBeNull();
    for (const bad of ['ab', 'a'.repeat(65), '-abc', 'abc-', 'a.b', 'a/b', 'evil.example/x?']) expect(genomicsAccountProblem(bad)).toContain('is not a Genomics account name');
  });
});

describe('workflow records', () => {
  it("refuses the attacker's ACCOUNT with 400, naming the field and the rule, and records nothing", async () => {
    const { claims, recorded } = store();
    const answer = await recordWorkflow(catalog, claims, 'genomics-pipeline', JSON.stringify({ workflowId: 7, submission: submission({ ACCOUNT: 'attacker.example/steal?' }) }), NOW);
    expect(answer).toEqual({
      status: 400,
      body: {
        type: 'https://failover.contoso.example/problems/invalid-field',
        title: 'Bad Request',
        status: 400,
        detail: 'submission.InputArgs.ACCOUNT: "attacker.example/steal?" is not a storage account name: a storage account name is 3 to 24 lower-case letters and digits',
        path: '$.submission.InputArgs.ACCOUNT',
      },
    });
    expect(recorded).toEqual([]);
  });

  it.each([
    [{ CONTAINER: 'Sequencing_Input' }, {}, '$.submission.InputArgs.CONTAINER', 'a container name is 3 to 63 lower-case letters'],
    [{ BLOBNAMES: 'a.bam,../../x' }, {}, '$.submission.InputArgs.BLOBNAMES', "no '.' or '..' path segment"],
    [{ BLOBNAMES: 'bad\u0001name.bam' }, {}, '$.submission.InputArgs.BLOBNAMES', 'without control characters'],
    [{ BLOBNAMES: ' , ' }, {}, '$.submission.InputArgs.BLOBNAMES', 'BLOBNAMES names no blob'],
    [{}, { OutputArgs: { ACCOUNT: 'evil.example#', CONTAINER: 'out' } }, '$.submission.OutputArgs.ACCOUNT', 'a storage account name is 3 to 24'],
    [{}, { OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'x' } }, '$.submission.OutputArgs.CONTAINER', 'a container name is 3 to 63'],
    [{}, { OutputArgs: 'not an object' }, '$.submission.OutputArgs', 'must be an object'],
  ])('refuses %j %j at %s', async (input, extra, path, rule) => {
    const { claims, recorded } = store();
    const answer = await recordWorkflow(catalog, claims, 'genomics-pipeline', JSON.stringify({ workflowId: 7, submission: submission(input, extra) }), NOW);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, path });
    expect((answer.body as { detail: string }).detail).toContain(rule);
    expect(recorded).toEqual([]);
  });

  it("refuses a Genomics account name that breaks the rule, at $.account", async () => {
    const { claims } = store();
    const answer = await recordWorkflow(catalog, claims, 'genomics-pipeline', JSON.stringify({ workflowId: 7, account: 'evil.example/x?', submission: submission() }), NOW);
    expect(answer.body).toMatchObject({ status: 400, path: '$.account', detail: 'account (the Genomics account the workflow was submitted to): "evil.example/x?" is not a Genomics account name: a Genomics account name is 3 to 64 letters, digits and hyphens, starting and ending with a letter or digit' });
  });

  it('records a valid submission (names checked, OutputArgs optional)', async () => {
    const { claims, recorded } = store();
    const answer = await recordWorkflow(catalog, claims, 'genomics-pipeline', JSON.stringify({ workflowId: 7, account: 'contosogenomicswus2', submission: submission({}, { OutputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-output' } }) }), NOW);
    expect(answer.status).toBe(201);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ workloadId: 'genomics-pipeline', account: 'contosogenomicswus2', workflowId: 7 });
  });

  it('names the field below the failover request item', () => {
    const got = workflowRecordFrom(genomics, { workflowId: 3, submission: submission({ ACCOUNT: 'evil.example' }) }, NOW, '$.workflows[2]');
    expect(got).toMatchObject({ path: '$.workflows[2].submission.InputArgs.ACCOUNT' });
  });

  it('answers a 50,000-deep submission with 400 naming $ and the depth limit, without recursing', async () => {
    const { claims, recorded } = store();
    // 100 KB: under the size limit, so the depth limit is what refuses it.
    const body = `{"workflowId":7,"submission":{"InputArgs":${deep(50_000)}}}`;
    const answer = await recordWorkflow(catalog, claims, 'genomics-pipeline', body, NOW);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, path: '$', type: 'https://failover.contoso.example/problems/too-deep' });
    expect((answer.body as { detail: string }).detail).toMatch(/more than 64 levels deep .*the limit is 64$/);
    expect(recorded).toEqual([]);
  });
});

describe('the JSON body reader', () => {
  it('parses what fits, and names the limit it breaks', () => {
    expect(parseJsonBody('{"a":[1,{"b":"[[[{{{"}]}')).toEqual({ ok: true, value: { a: [1, { b: '[[[{{{' }] } });
    const big = parseJsonBody(`"${'x'.repeat(OPERATOR_BODY_LIMITS.maxBytes)}"`);
    expect(big).toMatchObject({ ok: false, answer: { status: 413, body: { status: 413, path: '$', detail: `the body is ${OPERATOR_BODY_LIMITS.maxBytes + 2} bytes; bodies are limited to 262144 bytes` } } });
    expect(parseJsonBody('{"a":')).toMatchObject({ ok: false, answer: { status: 400, body: { path: '$', type: 'https://failover.contoso.example/problems/invalid-json' } } });
    expect(parseJsonBody('')).toMatchObject({ ok: false, answer: { status: 400, body: { detail: 'the body is empty: send a JSON document' } } });
  });

  it('counts depth outside strings only, escapes included, and stops at the first bracket past the limit', () => {
    expect(depthBeyond(deep(64), 64)).toBeNull();
    expect(depthBeyond(deep(65), 64)).toBe(64);
    expect(depthBeyond(`["\\"[[[[[[", {"k\\\\": []}]`, 3)).toBeNull();
    expect(depthBeyond(`["\\"", [[[]]]]`, 3)).toBe(9);
    expect(parseJsonBody(deep(65), { maxDepth: 64 })).toMatchObject({ ok: false, answer: { status: 400, body: { path: '$' } } });
    expect(parseJsonBody(deep(64), { maxDepth: 64 }).ok).toBe(true);
  });

  it('reads 50,000 levels in linear time without touching the stack', () => {
    const started = performance.now();
    expect(parseJsonBody(deep(50_000))).toMatchObject({ ok: false, answer: { status: 400 } });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("is what the on-call endpoints use: an empty body is {}, a deep one a 400", () => {
    expect(operatorBody('')).toEqual({ ok: true, value: {} });
    expect(operatorBody(deep(50_000))).toMatchObject({ ok: false, answer: { status: 400, body: { path: '$' } } });
  });
});

describe('deep alerts', () => {
  it('refuses a 50,000-deep alert body as JSON that is not an alert (422 at the webhook), naming $ and the limit', () => {
    for (const body of [deep(50_000), `{"schemaId":"azureMonitorCommonAlertSchema","data":${deep(50_000, '{"x":', '}').replace(/\{"x":\}/, '{}')}}`]) {
      const parsed = parseAlert(body);
      expect(parsed).toEqual({
        ok: false,
        error: { code: 'unknown_schema', path: '$', message: 'the body nests arrays or objects more than 64 levels deep: not an alert (alerts nest far less; the limit is 64)' },
      });
    }
  });

  it('refuses a deep value handed over already parsed', () => {
    let value: unknown = {};
    for (let i = 0; i < 50_000; i++) value = { data: value };
    expect(parsePayload(value as never)).toMatchObject({ ok: false, error: { code: 'unknown_schema', path: '$' } });
  });
});

describe('names where URLs are built', () => {
  const access = blobAccess({ getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) }, undefined);

  it('never makes a storage account that breaks the rules into a host', () => {
    expect(() => access.service('attacker.example/steal?')).toThrow(InvalidAzureNameError);
    expect(() => access.service('attacker.example/steal?', { secondary: true })).toThrow(
      'the storage account of a blob URL: "attacker.example/steal?" is not a storage account name: a storage account name is 3 to 24 lower-case letters and digits',
    );
    expect(access.service('ContosoData').url).toBe('https://contosodata.blob.core.windows.net/');
  });

  it('refuses to copy a blob whose path resolved to no blob, or from a host that is not the source account', async () => {
    const anon = new AnonymousCredential();
    const to = new ContainerClient('https://contosogenomicswcusdata.blob.core.windows.net/sequencing-input', anon).getBlockBlobClient('a.bam');
    const traversal = new ContainerClient('https://contosogenomicswus2data-secondary.blob.core.windows.net/sequencing-input', anon).getBlobClient('a/../../x');
    await expect(access.copy(traversal, 'contosogenomicswus2data', to)).rejects.toThrow(InvalidAzureNameError);
    const elsewhere = new ContainerClient('https://evil.example/sequencing-input', anon).getBlobClient('a.bam');
    await expect(access.copy(elsewhere, 'contosogenomicswus2data', to)).rejects.toThrow("the copy source evil.example is not the blob service of the storage account contosogenomicswus2data: the app's token is not sent there");
  });
});

describe('incident ids', () => {
  it('accepts exactly the ids the app makes', () => {
    expect(incidentIdProblem(incidentInstanceId('ServiceHealth|abc', new Date('2026-11-23T09:15:01Z')))).toBeNull();
    expect(incidentIdProblem('incident-75b2903bd343cdc71f1b-20261123091501000')).toBeNull();
    for (const bad of ['abc?x', 'abc#y', 'incident-75b2903bd343cdc71f1b-20261123091501000?x=1', 'incident-75b2903bd343cdc71f1b-20261123091501000#f', 'incident-nope', '../x', 'incident-75B2903BD343CDC71F1B-20261123091501000', '']) {
      expect(incidentIdProblem(bad)).toContain('is not an incident id: incident ids look like incident-<20 hex digits>-<17 digits>');
    }
  });
});
