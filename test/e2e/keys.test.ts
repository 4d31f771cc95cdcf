/**
 * The app's HTTP surface against callers holding the wrong key or sending hostile input, end to
 * end through the local host: each key group opens only its functions (the webhook key cannot
 * read incidents, the on-call key cannot post alerts, the pipeline's key only records workflows);
 * a workflow record naming a foreign host as its storage account is refused, and one already
 * stored fails the step rather than being used; deep JSON is a 400/422, never a 503; ids that
 * would inject into durable URLs are refused; a spoofed Host header moves no link.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appServices } from '../../lib/composition.js';
import type { PlaybookResult } from '../../lib/playbooks/types.js';
import { startApp, type App } from './support.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
}, 60_000);
afterAll(() => app?.close());

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const RECORD = {
  workflowId: 11,
  submission: { InputArgs: { ACCOUNT: 'contosogenomicswus2data', CONTAINER: 'sequencing-input', BLOBNAMES: 'a.bam' } },
};
const WORKFLOWS = '/api/workloads/genomics-pipeline/workflows';

describe('key groups', () => {
  it("the webhook key opens the webhook only: incidents, failovers and the workflow record answer 401", async () => {
    const key = app.keys.webhook;
    const incidents = await app.request('GET', '/api/incidents', { key });
    expect(incidents.status).toBe(401);
    expect(incidents.body).toMatchObject({ status: 401, detail: "function 'incidentsList' needs the oncall key or the master key, as ?code= or the x-functions-key header" });
    expect((await app.request('POST', '/api/failovers', { key, body: { workloads: ['media-streaming'], reason: 'x', mode: 'plan' } })).status).toBe(401);
    expect((await app.request('GET', WORKFLOWS, { key })).status).toBe(401);
    expect((await app.request('POST', WORKFLOWS, { key, body: RECORD })).status).toBe(401);
    expect((await app.request('GET', '/runtime/webhooks/durabletask/instances', { key })).status).toBe(401);
    // What it is for: the webhook (this body is no complete alert, so 422, but past the key check).
    const alert = await app.request('POST', '/api/alerts', { key, body: { schemaId: 'azureMonitorCommonAlertSchema', data: {} } });
    expect(alert.status).toBe(422);
  });

  it('the on-call key cannot post alerts or record workflows, and does everything on call', async () => {
    const key = app.keys.oncall;
    const alert = await app.request('POST', '/api/alerts', { key, body: { schemaId: 'azureMonitorCommonAlertSchema', data: {} } });
    expect(alert.status).toBe(401);
    expect(alert.body).toMatchObject({ detail: "function 'alerts' needs the webhook key or the master key, as ?code= or the x-functions-key header" });
    expect((await app.request('POST', WORKFLOWS, { key, body: RECORD })).status).toBe(401);
    expect((await app.request('GET', '/runtime/webhooks/durabletask/instances', { key })).status).toBe(401);
    expect((await app.request('GET', '/api/incidents', { key })).status).toBe(200);
    expect((await app.request('GET', WORKFLOWS, { key })).status).toBe(200);
    expect((await app.request('GET', '/api/workloads/purview-governance/readiness', { key })).status).toBe(200);
  });

  it("the workflows key only reaches the workflow record's POST", async () => {
    const key = app.keys.workflows;
    expect((await app.request('POST', WORKFLOWS, { key, body: RECORD })).status).toBe(201);
    const list = await app.request('GET', WORKFLOWS, { key });
    expect(list.status).toBe(401);
    expect(list.body).toMatchObject({ detail: "function 'workloadWorkflowsList' needs the oncall key or the master key, as ?code= or the x-functions-key header" });
    for (const [method, path] of [
      ['GET', '/api/incidents'],
      ['GET', '/api/incidents/incident-75b2903bd343cdc71f1b-20261123091501000'],
      ['POST', '/api/incidents/incident-75b2903bd343cdc71f1b-20261123091501000/approve'],
      ['POST', '/api/failovers'],
      ['POST', '/api/alerts'],
      ['GET', '/api/workloads/genomics-pipeline/readiness'],
      ['GET', '/runtime/webhooks/durabletask/instances'],
    ] as const) {
      expect((await app.request(method, path, { key, body: method === 'POST' ? {} : undefined })).status, `${method} ${path}`).toBe(401);
    }
  });

  it('the master key opens every group, and no key none', async () => {
    const key = app.keys.master;
    expect((await app.request('GET', '/api/incidents', { key })).status).toBe(200);
    expect((await app.request('GET', WORKFLOWS, { key })).status).toBe(200);
    expect((await app.request('GET', '/api/incidents', { key: null })).status).toBe(401);
    expect(new Set(Object.values(app.keys)).size).toBe(4);
  });
});

describe('hostile input', () => {
  it("refuses a workflow record whose ACCOUNT is another host, with 400 naming the field and the rule", async () => {
    const reply = await app.request('POST', WORKFLOWS, { body: { workflowId: 12, submission: { InputArgs: { ...RECORD.submission.InputArgs, ACCOUNT: 'attacker.example/steal?' } } } });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      type: 'https://failover.contoso.example/problems/invalid-field',
      title: 'Bad Request',
      status: 400,
      detail: 'submission.InputArgs.ACCOUNT: "attacker.example/steal?" is not a storage account name: a storage account name is 3 to 24 lower-case letters and digits',
      path: '$.submission.InputArgs.ACCOUNT',
    });
    const recorded = (await app.request('GET', WORKFLOWS)).body as { workflows: Array<{ workflowId: number }> };
    expect(recorded.workflows.map((w) => w.workflowId)).not.toContain(12);
  });

  it('names the field of a bad workflow in a failover request too', async () => {
    const reply = await app.request('POST', '/api/failovers', {
      body: { workloads: ['genomics-pipeline'], reason: 'West US 2 is down', kind: 'unplanned', mode: 'plan', workflows: [{ workload: 'genomics-pipeline', workflowId: 3, submission: { InputArgs: { ...RECORD.submission.InputArgs, CONTAINER: '../x' } } }] },
    });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ status: 422, path: '$.workflows[0].submission.InputArgs.CONTAINER' });
    expect(reply.body.detail).toContain('a container name is 3 to 63 lower-case letters');
  });

  it('answers a 50,000-deep submission with 400 and a 50,000-deep alert with 422, and keeps serving', async () => {
    const submission = await app.request('POST', WORKFLOWS, { body: `{"workflowId":13,"submission":${deep(50_000)}}` });
    expect(submission.status).toBe(400);
    expect(submission.body).toMatchObject({ status: 400, path: '$', detail: 'the body nests arrays or objects more than 64 levels deep (at character 93); the limit is 64' });
    const failover = await app.request('POST', '/api/failovers', { body: `{"workloads":${deep(50_000)}}` });
    expect(failover.status).toBe(400);
    expect(failover.body).toMatchObject({ status: 400, path: '$' });
    const alert = await app.alert(deep(50_000));
    expect(alert.status).toBe(422);
    expect(alert.body).toMatchObject({
      status: 422,
      path: '$',
      type: 'https://failover.contoso.example/problems/unknown-schema',
      detail: 'the body nests arrays or objects more than 64 levels deep: not an alert (alerts nest far less; the limit is 64)',
    });
    expect((await app.request('GET', '/api/health')).status).toBe(200);
  });

  it('refuses incident and workload ids that are not of the form the app makes, before anything looks them up', async () => {
    const before = app.runtime.list().length;
    for (const id of ['abc%3Fx', 'abc%23y', 'incident-75b2903bd343cdc71f1b-20261123091501000%3FshowHistory%3Dtrue', '..%2F..%2Fx']) {
      const show = await app.request('GET', `/api/incidents/${id}`);
      expect(show.status, id).toBe(404);
      expect(show.body).toMatchObject({ status: 404, type: 'https://failover.contoso.example/problems/no-such-incident', path: '$.id' });
      expect(show.body.detail).toContain('is not an incident id: incident ids look like incident-<20 hex digits>-<17 digits>');
      const act = await app.request('POST', `/api/incidents/${id}/cancel`, { body: { by: 'tests' } });
      expect(act.status, id).toBe(404);
      expect(act.body).toMatchObject({ path: '$.id' });
    }
    const workload = await app.request('GET', '/api/workloads/Purview%3Fx/readiness');
    expect(workload.status).toBe(404);
    expect(workload.body).toMatchObject({ type: 'https://failover.contoso.example/problems/unknown-workload', path: '$.workloadId' });
    expect(workload.body.detail).toContain('must be kebab-case');
    expect(app.runtime.list().length).toBe(before);
  });
});

describe('a spoofed Host header', () => {
  it('starts the failover through the local runtime and answers with links on the app, not the spoofed host', async () => {
    const { port } = new URL(app.host.url);
    const body = JSON.stringify({ workloads: ['media-streaming'], reason: 'host header test', mode: 'plan' });
    const reply = await new Promise<{ status: number; body: string; location: string | undefined }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/api/failovers', method: 'POST', headers: { host: 'attacker.example', 'x-functions-key': app.keys.oncall, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, location: res.headers.location }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(reply.status, reply.body).toBe(202);
    expect(reply.body).not.toContain('attacker.example');
    expect(reply.location?.startsWith(`${app.host.url}/api/incidents/incident-`)).toBe(true);
    const id = (JSON.parse(reply.body) as { incidentId: string }).incidentId;
    // The durable client reached this host's runtime: the instance exists here.
    expect(app.runtime.get(id)).toBeDefined();
  });
});

describe('a workflow record stored before the names were checked', () => {
  it('fails the staging step at its precheck, naming the record, before any blob client is made from it', async () => {
    // An app of its own, whose Genomics workload fails over without an approval (approving needs a signed-in approver).
    await app.close();
    app = await startApp({
      catalog: (yaml) =>
        yaml.replace(
          "      trigger: approval\n      approval:\n        timeout: PT1H                 # ISO-8601 works too\n        onTimeout: abort\n        approvers: [role:Genomics.Approver]\n",
          '      trigger: auto\n',
        ),
    });
    await appServices().stores.workflowRecords.recordWorkflow({
      workloadId: 'genomics-pipeline',
      account: 'contosogenomicswus2',
      workflowId: 99,
      submittedAt: '2026-11-23T08:00:00.000Z',
      submission: { InputArgs: { ACCOUNT: 'attacker.example/steal?', CONTAINER: 'sequencing-input', BLOBNAMES: 'a.bam' } },
      finishedAt: null,
    });
    await app.control('POST', '/_sim/regions/westus2/outage', {});
    const started = await app.request('POST', '/api/failovers', { body: { workloads: ['genomics-pipeline'], reason: 'West US 2 is down', kind: 'unplanned', by: 'tests' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = started.body.incidentId as string;
    const sub = `${id}:failover:genomics-pipeline`;
    await app.runUntil(() => app.runtime.get(sub)?.status === 'Completed', { what: 'the playbook' });
    const result = app.runtime.get(sub)!.output as PlaybookResult;
    const staging = result.steps.find((s) => s.step === 'stage-data')!;
    expect(staging.status).toBe('failed');
    expect(staging.detail).toBe(
      'precheck: InvalidWorkflowRecord: the record of workflow #99 cannot be resubmitted: its InputArgs: "attacker.example/steal?" is not a storage account name: a storage account name is 3 to 24 lower-case letters and digits. Record it again with valid names (POST /api/workloads/genomics-pipeline/workflows)',
    );
    await app.control('DELETE', '/_sim/regions/westus2/outage');
  }, 120_000);
});
