/**
 * What on-call engineers do, end to end through the local host, the simulator and Azurite:
 * approve, reject, let an approval time out, cancel, plan, the minimum interval between
 * failovers, and every refusal with the reason and the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectIdFor } from '../../sim/providers/identity.js';
import { startApp, type App } from './support.js';

const MIN = 60_000;
const POINTER_WRITES = 'Microsoft.AppConfiguration/configurationStores/keyValues/write';

interface View {
  incidentId: string;
  phase: string;
  runtimeStatus: string;
  outcome: string | null;
  timeline: Array<{ type: string; detail: string }>;
  summary?: { failover: Record<string, { steps: Array<{ step: string; status: string }> }> };
}

/** An App Service Authentication principal, as the platform sends it. */
function principal(name: string, roles: string[] = []): Record<string, string> {
  const claims = [{ typ: 'preferred_username', val: name }, { typ: 'http://schemas.microsoft.com/identity/claims/objectidentifier', val: '3f0e7c52-1a2b-4c3d-9e8f-0a1b2c3d4e5f' }, ...roles.map((r) => ({ typ: 'roles', val: r }))];
  return {
    'x-ms-client-principal': Buffer.from(JSON.stringify({ auth_typ: 'aad', name_typ: 'preferred_username', role_typ: 'roles', claims })).toString('base64'),
    'x-ms-client-principal-idp': 'aad',
  };
}

describe('on call: approvals, cancels, plans and guardrails', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  const failover = async (workloads: string[], extra: Record<string, unknown> = {}) => {
    const reply = await app.request('POST', '/api/failovers', { body: { workloads, reason: 'on-call test', ...extra } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    return reply.body.incidentId as string;
  };
  const view = (id: string) => app.view<View>(id);
  const until = (id: string, what: string, done: (v: View) => boolean) => app.until<View>(id, what, done);
  const writes = () => app.sim.log.list({ operation: POINTER_WRITES }).length;

  it('refuses bad requests, naming the field and the fix', async () => {
    const ask = (body: unknown) => app.request('POST', '/api/failovers', { body });
    expect((await app.request('POST', '/api/failovers', { body: '{"workloads":' })).body).toMatchObject({ status: 400, path: '$' });
    expect((await ask({ workloads: ['media-streaming'] })).body).toMatchObject({ status: 422, path: '$.reason' });
    expect((await ask({ workloads: ['media-streaming', 'nope'], reason: 'x y z' })).body).toMatchObject({
      status: 422,
      path: '$.workloads[1]',
      detail: "'nope' is not in the catalog; the workloads are media-streaming, datashare-sales, purview-governance, genomics-pipeline, dynamics-crm",
    });
    expect((await ask({ reason: 'x y z' })).body).toMatchObject({ status: 422, path: '$.workloads' });
    expect((await ask({ service: 'Media Services', reason: 'x y z' })).body).toMatchObject({ status: 422, path: '$.region' });
    expect((await ask({ service: 'Media Services', region: 'eastus', reason: 'x y z' })).body).toMatchObject({
      status: 422,
      path: '$.service',
      detail: 'no workload in the catalog runs Media Services in eastus as its primary',
    });
    expect((await ask({ workloads: ['media-streaming'], reason: 'x y z', mode: 'dry-run' })).body).toMatchObject({ status: 422, path: '$.mode' });
    expect((await ask({ workloads: ['media-streaming'], reason: 'x y z', force: true })).body).toMatchObject({ status: 422, path: '$' });
    expect((await app.request('GET', '/api/incidents?top=abc')).body).toMatchObject({ status: 400, path: 'top' });
    expect((await app.request('GET', '/api/incidents/incident-nope')).status).toBe(404);
    expect((await app.request('POST', '/api/incidents/incident-nope/approve', { body: {} })).status).toBe(404);
    expect((await app.request('POST', '/api/incidents/incident-nope/frobnicate', { body: {} })).body).toMatchObject({ status: 404, type: 'https://failover.contoso.example/problems/no-such-action' });
    expect((await app.request('GET', '/api/incidents', { key: null })).status).toBe(401);
  });

  it('plan mode walks the path and writes nothing', async () => {
    const before = writes();
    const id = await failover(['purview-governance'], { mode: 'plan' });
    await until(id, 'the plan', (v) => v.runtimeStatus === 'Completed');
    const v = await view(id);
    expect(v.outcome).toBe('planned');
    expect(v.timeline.map((e) => e.type)).not.toContain('approval-requested');
    expect(writes()).toBe(before);
  });

  it('waits for approval; the GET link shows a page and changes nothing; the POST acts and records who', async () => {
    const before = writes();
    const id = await failover(['purview-governance']);
    await until(id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    const page = await app.request('GET', `/api/incidents/${id}/approve`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(String(page.body)).toContain('<h1>Approve?</h1>');
    expect((await view(id)).phase).toBe('awaiting-approval');
    const wrong = await app.request('POST', `/api/incidents/${id}/failback`, { body: {} });
    expect(wrong.body).toMatchObject({ status: 409, type: 'https://failover.contoso.example/problems/wrong-phase' });

    // An App Service Authentication header is refused where the platform does not say it is on: anyone could send it.
    const forged = await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: principal('dana@contoso.example') });
    expect(forged.body).toMatchObject({ status: 401, type: 'https://failover.contoso.example/problems/untrusted-principal' });
    const dana = await app.signIn('dana@contoso.example');
    const approve = await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'go' }, headers: dana });
    expect(approve.body).toMatchObject({ action: 'approve', by: 'dana@contoso.example', verified: true, via: 'entra-token', direction: 'failover', round: 1 });
    await until(id, 'the failover', (v) => v.phase === 'failed-over');
    expect((await view(id)).timeline.find((e) => e.type === 'approved')!.detail).toBe(`failover by dana@contoso.example (verified, entra-token, object id ${objectIdFor('dana@contoso.example')}): go`);
    expect(writes() - before).toBe(1);
    // Failback now, without waiting for the health window or an approval: an approver, with a reason, recorded.
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true } , headers: dana })).body).toMatchObject({ status: 422, path: '$.reason' });
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'drill over' } })).body).toMatchObject({ status: 403 });
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'drill over' }, headers: dana })).status).toBe(202);
    await until(id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await view(id)).outcome).toBe('failed-over-and-back');
    expect(writes() - before).toBe(2);
    expect((await app.request('POST', `/api/incidents/${id}/cancel`, { body: {} })).body).toMatchObject({ status: 409, type: 'https://failover.contoso.example/problems/incident-over' });
  });

  it('a rejection stops it, with the reason and who', async () => {
    // purview-governance failed over in the test before: past its one-hour minimum interval first.
    app.clock.advanceTo(app.clock.now() + 61 * MIN);
    const before = writes();
    const id = await failover(['purview-governance']);
    await until(id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    // The catalog names approvers: a key alone decides nothing.
    const keyOnly = await app.request('POST', `/api/incidents/${id}/reject`, { body: { comment: 'Purview is fine', by: 'hal' } });
    expect(keyOnly.body).toMatchObject({ status: 403, type: 'https://failover.contoso.example/problems/approver-not-verified' });
    const hal = await app.signIn('hal@contoso.example', { roles: ['Failover.Approver'] });
    await app.request('POST', `/api/incidents/${id}/reject`, { body: { comment: 'Purview is fine' }, headers: hal });
    await until(id, 'the rejection', (v) => v.runtimeStatus === 'Completed');
    const v = await view(id);
    expect(v.outcome).toBe('rejected');
    expect(v.timeline.find((e) => e.type === 'rejected')!.detail).toBe('failover by hal@contoso.example: Purview is fine');
    expect(writes()).toBe(before);
  });

  it('an unanswered approval escalates, or gives up where the policy says abort', async () => {
    const purview = await failover(['purview-governance']);
    await until(purview, 'the escalation', (v) => v.timeline.some((e) => e.type === 'approval-escalated'));
    expect((await view(purview)).phase).toBe('awaiting-approval');
    const genomics = await failover(['genomics-pipeline']);
    await until(genomics, 'the timeout', (v) => v.runtimeStatus === 'Completed');
    expect((await view(genomics)).outcome).toBe('approval-timed-out');
    await app.request('POST', `/api/incidents/${purview}/cancel`, { body: { comment: 'drill over', by: 'ivy' } });
    await until(purview, 'the cancel', (v) => v.runtimeStatus === 'Completed');
    const v = await view(purview);
    expect(v.outcome).toBe('cancelled');
    expect(v.timeline.at(-1)!.detail).toBe('cancelled: cancelled by ivy (function key, not verified): drill over');
  });

  it('holds a second failover of a workload within its minimum interval', async () => {
    const first = await failover(['media-streaming']);
    await until(first, 'the failover', (v) => v.phase === 'failed-over');
    const before = writes();
    app.clock.advanceTo(app.clock.now() + 60 * MIN);
    const second = await failover(['media-streaming']);
    await until(second, 'the second incident to end', (v) => v.runtimeStatus === 'Completed');
    const v = await view(second);
    expect(v.outcome).toBe('held-by-minimum-interval');
    expect(v.timeline.find((e) => e.type === 'skipped')!.detail).toMatch(/^media-streaming: failed over at .+, within its minimum interval of 240 min; held back$/);
    expect(writes()).toBe(before);
    // The same request sent twice is one incident.
    const again = await app.request('POST', '/api/failovers', { body: { workloads: ['dynamics-crm'], reason: 'twice', requestId: 'req-42' } });
    const twice = await app.request('POST', '/api/failovers', { body: { workloads: ['dynamics-crm'], reason: 'twice', requestId: 'req-42' } });
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ duplicate: true, incidentId: again.body.incidentId });
  });

  it('lists incidents newest first, and by state', async () => {
    const all = (await app.request('GET', '/api/incidents')).body as { incidents: Array<{ incidentId: string; createdAt: string; runtimeStatus: string }> };
    const times = all.incidents.map((i) => i.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const running = (await app.request('GET', '/api/incidents?state=running')).body as { incidents: Array<{ runtimeStatus: string }> };
    expect(running.incidents.every((i) => i.runtimeStatus === 'Running')).toBe(true);
    const finished = (await app.request('GET', '/api/incidents?state=finished')).body as { incidents: Array<{ runtimeStatus: string }> };
    expect(finished.incidents.length).toBeGreaterThan(0);
    expect(finished.incidents.every((i) => i.runtimeStatus === 'Completed')).toBe(true);
  });
});

describe('on call behind App Service Authentication with OPERATOR_ROLE', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp({ env: { OPERATOR_ROLE: 'failover.operator', WEBSITE_AUTH_ENABLED: 'true' } });
  }, 60_000);
  afterAll(() => app?.close());

  it('401 without a principal, 403 without the role, 202 with it', async () => {
    const body = { workloads: ['media-streaming'], reason: 'role check', mode: 'plan' };
    expect((await app.request('POST', '/api/failovers', { body })).status).toBe(401);
    expect((await app.request('POST', '/api/failovers', { body, headers: principal('joe@contoso.example') })).body).toMatchObject({ status: 403 });
    const ok = await app.request('POST', '/api/failovers', { body, headers: principal('kim@contoso.example', ['failover.operator']) });
    expect(ok.status).toBe(202);
    expect(ok.body.requestedBy).toBe('kim@contoso.example');
  });
});
