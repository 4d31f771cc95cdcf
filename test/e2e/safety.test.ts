/**
 * Act only on real impact, and only for those allowed: each way a failover used to start (or
 * stop) when it should not have, tried through the webhook and the on-call API on the local host,
 * with the simulator's write log as the witness of what moved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/fixtures.js';
import { LOCAL_OPERATOR_AUDIENCE, LOCAL_TENANT_ID } from '../../local/sign-in.js';
import { objectIdFor } from '../../sim/providers/identity.js';
import { startApp, type App } from './support.js';

const SUB = '11111111-1111-1111-1111-111111111111';
const FOREIGN = '99999999-9999-9999-9999-999999999999';
const CONSUMER = `/subscriptions/${SUB}/resourceGroups/rg-datashare-eus2/providers/Microsoft.DataShare/accounts/contosodsconsumereus2`;
const MIN = 60_000;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const template = (name: string): Json => JSON.parse(readFileSync(join(repoRoot, 'samples/alerts', name), 'utf8')) as Json;

interface ServiceHealthAlert {
  trackingId: string;
  incidentType?: string;
  stage?: string;
  service?: string;
  region?: string;
  subscription?: string;
  /** Minutes after 09:14 UTC on the sample's day. */
  minute?: number;
  communicationId?: string;
}

/** A common-schema Service Health alert, as an action group posts it. */
function serviceHealth(a: ServiceHealthAlert): string {
  const alert = template('servicehealth-media-westeurope-active.json');
  const at = new Date(Date.UTC(2026, 10, 23, 9, 14) + (a.minute ?? 0) * MIN).toISOString();
  const subscription = a.subscription ?? SUB;
  const service = a.service ?? 'Azure Data Share';
  const region = a.region ?? 'East US 2';
  alert.data.essentials.alertId = `/subscriptions/${subscription}/providers/Microsoft.AlertsManagement/alerts/${a.trackingId}-${a.minute ?? 0}`;
  alert.data.essentials.alertTargetIDs = [`/subscriptions/${subscription}`];
  alert.data.essentials.firedDateTime = at;
  alert.data.alertContext.eventTimestamp = at;
  const stage = a.stage ?? 'Active';
  alert.data.alertContext.status = ['Resolved', 'RCA', 'Complete', 'Canceled'].includes(stage) ? 'Resolved' : 'Active';
  Object.assign(alert.data.alertContext.properties, {
    title: `${service} - ${region} - ${a.incidentType ?? 'Incident'} ${stage}`,
    service,
    region,
    incidentType: a.incidentType ?? 'Incident',
    trackingId: a.trackingId,
    stage,
    communicationId: a.communicationId ?? `${a.trackingId}-${a.minute ?? 0}-${stage}`,
    impactedServices: JSON.stringify([{ ImpactedRegions: [{ RegionName: region }], ServiceName: service }]),
  });
  return JSON.stringify(alert);
}

/** A legacy activity-log alert about the Data Share consumer account: Resource Health, or an Administrative operation. */
function resourceAlert(kind: 'ResourceHealth' | 'Administrative', fields: { cause?: string; health?: string; operation?: string; status?: string; subscription?: string; id: string }): string {
  const alert = template('resourcehealth-media-account-unavailable.json');
  const log = alert.data.context.activityLog;
  log.resourceId = CONSUMER;
  log.subscriptionId = fields.subscription ?? SUB;
  log.eventDataId = fields.id;
  log.operationId = fields.id;
  if (kind === 'ResourceHealth') {
    Object.assign(log.properties, { currentHealthStatus: fields.health ?? 'Unavailable', cause: fields.cause ?? 'PlatformInitiated', title: 'Data Share account unavailable' });
  } else {
    log.eventSource = 'Administrative';
    log.operationName = fields.operation;
    log.status = fields.status ?? 'Succeeded';
    log.properties = { eventCategory: 'Administrative', entity: CONSUMER };
    log.caller = 'someone@contoso.example';
  }
  return JSON.stringify(alert);
}

describe('never acts on noise, on a foreign subscription, or for the wrong person', () => {
  let app: App;
  beforeAll(async () => {
    // dynamics-crm has no resources to place it: naming its subscription puts the Dynamics 365 alerts in its scope,
    // so an advisory is refused for being one, not for coming from a subscription the workload does not name.
    app = await startApp({ catalog: (yaml) => yaml.replace('  - id: dynamics-crm\n', `  - id: dynamics-crm\n    subscriptions: [${SUB}]\n`) });
  }, 60_000);
  afterAll(() => app?.close());

  const settle = async () => {
    // Long enough for any dwell time and confirmation to have run out.
    const until = app.clock.now() + 6 * 3600_000;
    await app.runUntil(async () => app.clock.now() >= until || (await app.request('GET', '/api/incidents?state=running')).body.count === 0, { what: 'the incidents to settle', maxSteps: 2000 });
  };

  it('an Informational Service Health, planned Maintenance, a tags/write and a user-initiated Resource Health move nothing', async () => {
    const before = app.mark();
    const answers = [
      await app.alert(serviceHealth({ trackingId: 'INFO-001', incidentType: 'Informational' })),
      await app.alert(serviceHealth({ trackingId: 'MAINT-01', incidentType: 'Maintenance', stage: 'Planned' })),
      await app.alert(resourceAlert('Administrative', { operation: 'Microsoft.Resources/tags/write', id: 'adm-1' })),
      await app.alert(resourceAlert('ResourceHealth', { cause: 'UserInitiated', id: 'rh-user-1' })),
    ];
    expect(answers.map((a) => [a.status, a.body.acted, a.body.decisions?.[0]?.verdict])).toEqual([
      [202, false, 'notify'],
      [202, false, 'notify'],
      [202, false, 'ignore'],
      [202, false, 'ignore'],
    ]);
    expect(answers[0]!.body.decisions[0].reason).toBe(
      `notified only: Service Health Informational (Active) for Azure Data Share in eastus2, subscription ${SUB}, matches datashare-sales's primary; an advisory (Informational) never starts a failover`,
    );
    expect(answers[3]!.body.reason).toContain('user-initiated (someone stopped or changed it): never a reason to fail over');
    await settle();
    expect(app.writesSince(before)).toEqual([]);
    // The advisories were told to the workload's channel; the incidents they opened ended without acting.
    for (const a of answers.slice(0, 2)) expect((await app.view(a.body.incidentId)).outcome).toBe('notified-only');
  });

  it('each of them from a subscription the catalog does not protect is archived and ignored, an Incident too', async () => {
    const before = app.mark();
    const answers = [
      await app.alert(serviceHealth({ trackingId: 'FRGN-001', subscription: FOREIGN })),
      await app.alert(serviceHealth({ trackingId: 'FRGN-002', incidentType: 'Informational', subscription: FOREIGN })),
      await app.alert(resourceAlert('ResourceHealth', { subscription: FOREIGN, id: 'rh-foreign-1' })),
      await app.alert(resourceAlert('Administrative', { operation: 'Microsoft.Resources/tags/write', subscription: FOREIGN, id: 'adm-foreign-1' })),
    ];
    for (const a of answers) {
      expect(a.body).toMatchObject({ accepted: true, acted: false });
      expect(a.body.incidentId).toBeUndefined();
    }
    expect(answers[0]!.body.reason).toBe(
      `datashare-sales: ignored: Service Health Incident (Active) for Azure Data Share in eastus2, subscription ${FOREIGN}, matches datashare-sales's primary; the alert comes from subscription ${FOREIGN}, which the workload does not live in (${SUB})`,
    );
    expect(answers[2]!.body.reason).toContain(`the alert says subscription ${FOREIGN} but is about a resource in ${SUB}`);
    await settle();
    expect(app.writesSince(before)).toEqual([]);
  });

  it('an Informational Service Health for Dynamics 365 in Europe leaves the degraded-mode flag alone', async () => {
    const before = app.mark();
    const answer = await app.alert(serviceHealth({ trackingId: 'D365-INF', incidentType: 'Informational', service: 'Dynamics 365', region: 'Europe' }));
    expect(answer.body).toMatchObject({ acted: false });
    expect(answer.body.decisions).toEqual([
      expect.objectContaining({
        workloadId: 'dynamics-crm',
        verdict: 'notify',
        reason: `notified only: Service Health Informational (Active) for Dynamics 365 in europe, subscription ${SUB}, matches dynamics-crm's primary; an advisory (Informational) never starts a failover`,
      }),
    ]);
    await settle();
    expect(app.writesSince(before)).toEqual([]);
    const flag = await app.store.getConfigurationSetting({ key: 'crm:degradedMode' });
    expect(flag.value).toBe('false');
  });

  it('a forged Resolved with a real tracking ID from a foreign subscription does not end the incident', async () => {
    const before = app.mark();
    const started = await app.alert(serviceHealth({ trackingId: 'REAL-001', minute: 0 }));
    expect(started.body).toMatchObject({ acted: true, delivery: 'started' });
    const forged = await app.alert(serviceHealth({ trackingId: 'REAL-001', stage: 'Resolved', subscription: FOREIGN, minute: 1 }));
    expect(forged.body).toMatchObject({ acted: false });
    const id = started.body.incidentId as string;
    await app.until(id, 'the real incident to fail over', (v) => v.phase === 'failed-over');
    expect(app.writesSince(before).some((w) => w.status < 300 && /DataShare/.test(w.operation))).toBe(true);
    // Wrap up: an approver forces the failback so the next tests start from the primary.
    await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'test over' }, headers: await app.signIn('sre@contoso.example') });
    await app.until(id, 'the failback', (v) => v.runtimeStatus === 'Completed');
  });

  it('four advisories for one workload fail nothing over; the real incident after them fails over once', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000); // past datashare-sales's minimum interval
    const before = app.mark();
    const listed = async () => ((await app.request('GET', '/api/incidents?top=1000')).body.incidents as Array<{ incidentId: string }>).map((i) => i.incidentId);
    const earlier = new Set(await listed());
    for (const [n, type] of ['Informational', 'ActionRequired', 'Security', 'Maintenance'].entries()) {
      const answer = await app.alert(serviceHealth({ trackingId: `ADV-00${n}`, incidentType: type, stage: type === 'Maintenance' ? 'Planned' : 'Active', minute: 300 + n }));
      expect(answer.body, type).toMatchObject({ acted: false, notified: true });
    }
    await settle();
    const region = await app.alert(serviceHealth({ trackingId: 'DOWN-001', minute: 400 }));
    await app.until(region.body.incidentId, 'the failover', (v) => v.phase === 'failed-over');
    // One schedule created on the standby share subscription: one playbook ran, once.
    const ops = app.writesSince(before).filter((w) => w.status < 300).map((w) => w.operation);
    expect(ops.filter((o) => o === 'Microsoft.DataShare/triggers/write')).toHaveLength(1);
    // Of the incidents the advisories and the outage opened, only the outage's failed over.
    const opened = (await listed()).filter((id) => !earlier.has(id));
    expect(opened).toHaveLength(5);
    const failedOver = await Promise.all(opened.map(async (id) => (await app.view(id)).timeline.some((e: { type: string }) => e.type === 'failover-started')));
    expect(opened.filter((_, n) => failedOver[n])).toEqual([region.body.incidentId]);
    await app.request('POST', `/api/incidents/${region.body.incidentId}/failback`, { body: { force: true, reason: 'test over' }, headers: await app.signIn('sre@contoso.example') });
    await app.until(region.body.incidentId, 'the failback', (v) => v.runtimeStatus === 'Completed');
  });

  it('a cancelled incident stays cancelled: its next update starts nothing until someone reopens it', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const before = app.mark();
    const first = await app.alert(serviceHealth({ trackingId: 'CNCL-001', minute: 600 }));
    const id = first.body.incidentId as string;
    const cancel = await app.request('POST', `/api/incidents/${id}/cancel`, { body: { comment: 'known issue, we ride it out' } });
    expect(cancel.status).toBe(202);
    await app.until(id, 'the cancel', (v) => v.runtimeStatus === 'Completed');
    expect((await app.view(id)).outcome).toBe('cancelled');
    const update = await app.alert(serviceHealth({ trackingId: 'CNCL-001', minute: 660 }));
    expect(update.body).toMatchObject({
      acted: false,
      reason: `incident ${id} for this tracking ID ended cancelled; a newer update does not start another until someone reopens it (POST /api/incidents/${id}/reopen)`,
    });
    await settle();
    expect(app.writesSince(before)).toEqual([]);
    // Reopened, the next update starts a new incident.
    expect((await app.request('POST', `/api/incidents/${id}/reopen`, { body: {} })).body).toMatchObject({ action: 'reopen', incidentKey: 'CNCL-001' });
    const again = await app.alert(serviceHealth({ trackingId: 'CNCL-001', minute: 720 }));
    expect(again.body).toMatchObject({ acted: true, delivery: 'started' });
    expect(again.body.incidentId).not.toBe(id);
    await app.request('POST', `/api/incidents/${again.body.incidentId}/cancel`, { body: {} });
    await app.until(again.body.incidentId, 'the second cancel', (v) => v.runtimeStatus === 'Completed');
  });

  it('a stale Resolved does not resolve it, and the failback waits for the health window and an approval', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const started = await app.alert(serviceHealth({ trackingId: 'STALE-01', minute: 900 }));
    const id = started.body.incidentId as string;
    await app.until(id, 'the failover', (v) => v.phase === 'failed-over');
    await app.alert(serviceHealth({ trackingId: 'STALE-01', minute: 960 }));
    // Written before the update above, delivered after it.
    await app.alert(serviceHealth({ trackingId: 'STALE-01', stage: 'Resolved', minute: 930 }));
    await app.until(id, 'the stale Resolved', (v) => v.timeline.some((e: { type: string; detail: string }) => e.type === 'ignored-signal' && e.detail.includes('stale')));
    expect((await app.view(id)).phase).toBe('failed-over');
    // A request to fail back is only a request: the health wait and the approval still apply.
    const ask = await app.request('POST', `/api/incidents/${id}/failback`, { body: {} });
    expect(ask.body).toMatchObject({ action: 'failback', note: 'the failback waits for a healthy primary, then for approval' });
    await app.until(id, 'the failback approval request', (v) => v.phase === 'awaiting-failback-approval');
    const v = await app.view(id);
    expect(v.timeline.filter((e: { type: string }) => e.type === 'failback-started')).toEqual([]);
    // datashare-sales sets no failbackAfterHealthyFor: the catalog's default, 30m (lib/catalog/schema.ts).
    const types = v.timeline.map((e: { type: string; detail: string }) => `${e.type}: ${e.detail}`);
    const healthy = types.indexOf('failback-ready: primary healthy for 30 min');
    expect(healthy, types.join('\n')).toBeGreaterThan(-1);
    expect(types.findIndex((t: string) => t.startsWith('approval-requested: failback of datashare-sales')), types.join('\n')).toBeGreaterThan(healthy);
    // An approval for the failover round is stale now: it is refused, not taken as the failback's.
    const stale = await app.request('POST', `/api/incidents/${id}/approve`, { body: { direction: 'failover', round: 1 } });
    expect(stale.body).toMatchObject({ status: 409, type: 'https://failover.contoso.example/problems/stale-approval' });
    expect((await app.request('POST', `/api/incidents/${id}/approve`, { body: { comment: 'healthy' } })).body).toMatchObject({ direction: 'failback', round: 1 });
    await app.until(id, 'the failback', (v) => v.runtimeStatus === 'Completed');
    expect((await app.view(id)).outcome).toBe('failed-over-and-back');
  });

  it('the minimum interval tells the channels when it holds a failover back, and plan mode reports it instead of stopping', async () => {
    const hooksBefore = (await app.hooks('dr')).length;
    const before = app.mark();
    const held = await app.alert(serviceHealth({ trackingId: 'HOLD-001', minute: 1300 }));
    await app.until(held.body.incidentId, 'the held incident', (v) => v.runtimeStatus === 'Completed');
    expect((await app.view(held.body.incidentId)).outcome).toBe('held-by-minimum-interval');
    const told = (await app.hooks('dr')).slice(hooksBefore).map((h) => JSON.stringify(h.body));
    expect(told.some((t) => t.includes('failover held back by the minimum interval: datashare-sales failed over at'))).toBe(true);
    const plan = await app.request('POST', '/api/failovers', { body: { workloads: ['datashare-sales'], reason: 'what would happen', mode: 'plan' } });
    await app.until(plan.body.incidentId, 'the plan', (v) => v.runtimeStatus === 'Completed');
    const planned = await app.view(plan.body.incidentId);
    expect(planned.outcome).toBe('planned');
    expect(planned.timeline.some((e: { detail: string }) => e.detail.endsWith('an execute request would be held back'))).toBe(true);
    expect(app.writesSince(before)).toEqual([]);
  });

  it('an incident the minimum interval held back stays held: a newer Active after it starts nothing and moves nothing', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    // A failover and its failback, so the next incident falls within datashare-sales's minimum interval (the catalog's default, 1h).
    const first = await app.alert(serviceHealth({ trackingId: 'HOLD-A01', minute: 1500 }));
    await app.until(first.body.incidentId, 'the failover', (v) => v.phase === 'failed-over');
    await app.request('POST', `/api/incidents/${first.body.incidentId}/failback`, { body: { force: true, reason: 'test over' }, headers: await app.signIn('sre@contoso.example') });
    await app.until(first.body.incidentId, 'the failback', (v) => v.runtimeStatus === 'Completed');
    const before = app.mark();
    const held = await app.alert(serviceHealth({ trackingId: 'HOLD-B01', minute: 1510 }));
    const id = held.body.incidentId as string;
    await app.until(id, 'the held incident', (v) => v.runtimeStatus === 'Completed');
    expect((await app.view(id)).outcome).toBe('held-by-minimum-interval');
    // Past the interval now: only the held outcome stands between this update and a failover.
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const update = await app.alert(serviceHealth({ trackingId: 'HOLD-B01', minute: 1640 }));
    expect(update.body).toMatchObject({
      acted: false,
      reason: `incident ${id} for this tracking ID ended held-by-minimum-interval; a newer update does not start another until someone reopens it (POST /api/incidents/${id}/reopen)`,
    });
    await settle();
    expect(app.writesSince(before)).toEqual([]);
  });

  it('a failover that failed stays failed: a newer Active after it starts nothing and moves nothing', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    // The standby's snapshot schedule cannot be created: the playbook fails and undoes what it did.
    const fault = (await app.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/triggers/write', failOperation: true, code: 'TriggerProvisioningFailed', message: 'Could not schedule the snapshot.' })) as { id: string };
    const failed = await app.alert(serviceHealth({ trackingId: 'FAIL-001', minute: 1800 }));
    const id = failed.body.incidentId as string;
    await app.until(id, 'the failed failover', (v) => v.runtimeStatus === 'Completed');
    await app.control('DELETE', `/_sim/faults/${fault.id}`);
    expect((await app.view(id)).outcome).toBe('failover-failed');
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const before = app.mark();
    const update = await app.alert(serviceHealth({ trackingId: 'FAIL-001', minute: 1900 }));
    expect(update.body).toMatchObject({
      acted: false,
      reason: `incident ${id} for this tracking ID ended failover-failed; a newer update does not start another until someone reopens it (POST /api/incidents/${id}/reopen)`,
    });
    await settle();
    expect(app.writesSince(before)).toEqual([]);
  });

  it('an Active newer than the Resolved reopens the incident: it goes back to watching and does not fail back', async () => {
    app.clock.advanceTo(app.clock.now() + 2 * 3600_000);
    const started = await app.alert(serviceHealth({ trackingId: 'RSLV-001', minute: 2000 }));
    const id = started.body.incidentId as string;
    await app.until(id, 'the failover', (v) => v.phase === 'failed-over');
    await app.alert(serviceHealth({ trackingId: 'RSLV-001', stage: 'Resolved', minute: 2010 }));
    await app.until(id, 'the Resolved', (v) => v.phase === 'waiting-for-healthy-primary');
    const before = app.mark();
    const again = await app.alert(serviceHealth({ trackingId: 'RSLV-001', minute: 2020 }));
    expect(again.body).toMatchObject({ incidentId: id, delivery: 'delivered' });
    await app.until(id, 'the reopen', (v) => v.timeline.some((e: { type: string }) => e.type === 'reopened'));
    // Longer than the 30 min health window that would otherwise have led to the failback approval.
    const until = app.clock.now() + 3600_000;
    await app.runUntil(() => app.clock.now() >= until, { what: 'an hour to pass' });
    const v = await app.view(id);
    expect(v.phase).toBe('failed-over');
    expect(v.timeline.filter((e: { type: string }) => ['failback-started', 'approval-requested'].includes(e.type))).toEqual([]);
    expect(v.timeline.filter((e: { type: string; detail: string }) => e.type === 'failback-ready')).toEqual([]);
    expect(app.writesSince(before)).toEqual([]);
    await app.request('POST', `/api/incidents/${id}/failback`, { body: { force: true, reason: 'test over' }, headers: await app.signIn('sre@contoso.example') });
    await app.until(id, 'the failback', (v) => v.runtimeStatus === 'Completed');
  });
});

describe('approvals only from verified approvers, bound to what they approve', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 60_000);
  afterAll(() => app?.close());

  it('refuses a key alone, a forged principal, an impostor and the requester; takes another approver', async () => {
    const dana = await app.signIn('dana@contoso.example');
    const requested = await app.request('POST', '/api/failovers', { body: { workloads: ['purview-governance'], reason: 'East US Purview is failing' }, headers: dana });
    expect(requested.body).toMatchObject({ requestedBy: 'dana@contoso.example', verified: true });
    const id = requested.body.incidentId as string;
    await app.until(id, 'the approval request', (v) => v.phase === 'awaiting-approval');
    const approve = (headers: Record<string, string> = {}, body: unknown = {}) => app.request('POST', `/api/incidents/${id}/approve`, { body, headers });
    const forgedPrincipal = Buffer.from(JSON.stringify({ auth_typ: 'aad', claims: [{ typ: 'oid', val: 'x' }, { typ: 'roles', val: 'Failover.Approver' }] })).toString('base64');
    expect((await approve()).body).toMatchObject({ status: 403, type: 'https://failover.contoso.example/problems/approver-not-verified' });
    expect((await approve({ 'x-ms-client-principal': forgedPrincipal })).body).toMatchObject({ status: 401, type: 'https://failover.contoso.example/problems/untrusted-principal' });
    expect((await approve({ authorization: 'Bearer not-a-token' })).body).toMatchObject({ status: 401, type: 'https://failover.contoso.example/problems/malformed-token' });
    // Expired as Entra's tokens expire: issued two hours ago for an hour.
    const expiredToken = await app.control('POST', '/_sim/identity/token', {
      tenant: LOCAL_TENANT_ID,
      audience: LOCAL_OPERATOR_AUDIENCE,
      upn: 'olga@contoso.example',
      roles: ['Failover.Approver'],
      issuedAt: Math.floor(Date.now() / 1000) - 7200,
      expiresInSeconds: 3600,
    });
    const expired = { authorization: `Bearer ${expiredToken.access_token as string}` };
    expect((await approve(expired)).body).toMatchObject({ status: 401, type: 'https://failover.contoso.example/problems/expired' });
    const impostor = await app.signIn('mallory@contoso.example');
    expect((await approve(impostor)).body).toMatchObject({ status: 403, type: 'https://failover.contoso.example/problems/not-an-approver' });
    expect((await approve(dana)).body).toMatchObject({ status: 403, type: 'https://failover.contoso.example/problems/self-approval' });
    expect((await app.view(id)).phase).toBe('awaiting-approval');
    const hal = await app.signIn('hal@contoso.example', { roles: ['Failover.Approver'] });
    expect((await approve(hal, { direction: 'failover', round: 2 })).body).toMatchObject({ status: 409, type: 'https://failover.contoso.example/problems/stale-approval' });
    expect((await approve(hal, { comment: 'go', direction: 'failover', round: 1 })).body).toMatchObject({ by: 'hal@contoso.example', verified: true, direction: 'failover', round: 1 });
    await app.until(id, 'the failover', (v) => v.phase === 'failed-over');
    const approved = (await app.view(id)).timeline.find((e: { type: string }) => e.type === 'approved');
    expect(approved.detail).toBe(`failover by hal@contoso.example (verified, entra-token, object id ${objectIdFor('hal@contoso.example')}): go`);
  });
});

describe('50 incidents that are never confirmed', () => {
  let app: App;
  beforeAll(async () => {
    // media-streaming waits for Resource Health to confirm; its primary stays healthy throughout.
    app = await startApp({ catalog: (yaml) => yaml.replace('      failbackAfterHealthyFor: 30m\n', '      failbackAfterHealthyFor: 30m\n      confirmWithin: 1h\n') });
  }, 60_000);
  afterAll(() => app?.close());

  it('end on their own within confirmWithin, saying so, and move nothing', async () => {
    const before = app.mark();
    const started = app.clock.now();
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) {
      const answer = await app.alert(serviceHealth({ trackingId: `UNCF-${String(n).padStart(3, '0')}`, service: 'Media Services', region: 'West Europe' }));
      expect(answer.body).toMatchObject({ acted: true, delivery: 'started' });
      ids.push(answer.body.incidentId);
    }
    await app.runUntil(async () => (await app.request('GET', '/api/incidents?state=running')).body.count === 0, { what: 'every incident to end', maxSteps: 5000 });
    const views = await Promise.all(ids.map((id) => app.view(id)));
    expect(new Set(views.map((v) => v.outcome))).toEqual(new Set(['not-confirmed']));
    expect(views[0].timeline.at(-1).detail).toBe('not-confirmed: not confirmed within 60 min: Resource Health never showed media-streaming impaired');
    expect(app.clock.now() - started).toBeLessThanOrEqual(60 * MIN + 2 * MIN);
    expect(app.writesSince(before)).toEqual([]);
  }, 120_000);
});

describe('a cancel while failing over', () => {
  let app: App;
  beforeAll(async () => {
    // Azure at 30x: a streaming endpoint takes about four seconds to start, time enough to cancel mid-way.
    app = await startApp({ simTimeScale: 30 });
  }, 60_000);
  afterAll(() => app?.close());
  const NEU = `/subscriptions/${SUB}/resourceGroups/rg-media-neu/providers/Microsoft.Media/mediaservices/contosomedianeu`;
  const state = (id: string) => (app.sim.store.get(id)?.properties as Record<string, unknown> | undefined)?.['resourceState'];

  it('stops at the next step boundary, holds what was done, and rolls it back when asked', async () => {
    const started = await app.request('POST', '/api/failovers', { body: { workloads: ['media-streaming'], reason: 'drill' } });
    const id = started.body.incidentId as string;
    // The cancel is sent while the standby streaming endpoint is starting (the app is busy waiting for it meanwhile).
    const cancelled = (async () => {
      while (state(`${NEU}/streamingEndpoints/default`) !== 'Starting') await new Promise((r) => setTimeout(r, 20));
      return app.request('POST', `/api/incidents/${id}/cancel`, { body: { comment: 'wrong workload' } });
    })();
    await app.until(id, 'the failover to stop', (v) => v.phase === 'stopped-partway');
    expect((await cancelled).body).toMatchObject({ phase: 'failing-over', note: "the running playbooks stop at the next step boundary; what they did is then rolled back or held for a rollback, per each workload's policy" });
    // It stopped after the wave that was running: the pointer and Traffic Manager were never touched.
    const ops = app.sim.log.list().map((o) => o.operation);
    expect(ops.filter((o) => o.startsWith('Microsoft.AppConfiguration') || o.startsWith('Microsoft.Network'))).toEqual([]);
    expect(state(`${NEU}/streamingEndpoints/default`)).toBe('Running');
    // Failback is available: here it rolls back what the stopped failover did.
    expect((await app.request('POST', `/api/incidents/${id}/failback`, { body: {} })).body).toMatchObject({ note: 'what the stopped failover did is rolled back now' });
    await app.until(id, 'the rollback', (v) => v.runtimeStatus === 'Completed');
    const v = await app.view(id);
    expect(v.outcome).toBe('rolled-back');
    expect(state(`${NEU}/streamingEndpoints/default`)).toBe('Stopped');
    expect(state(`${NEU}/liveEvents/live-main`)).toBe('Stopped');
    expect(app.sim.log.list({ operation: 'Microsoft.Media/streamingEndpoints/stop' }).filter((o) => o.status < 300)).toHaveLength(1);
  }, 90_000);
});
