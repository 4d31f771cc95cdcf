/**
 * Azure Data Share in the simulator, driven through the app's own Data Share client (no JS SDK
 * exists) over HTTPS: the seeded estate, the consumer/provider failover flow, the REST contract
 * of the long-running operations, validation, failures, throttling and region outages.
 */
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataShareClient, ScheduledTrigger } from '../../lib/azure/datashare.js';
import type { OperationRecord } from '../../sim/oplog.js';
import { startSimulator, SUB, type SimHarness } from './support.js';

const EUS2 = 'rg-datashare-eus2';
const CUS = 'rg-datashare-cus';
const CONSUMER_EUS2 = 'contosodsconsumereus2';
const CONSUMER_CUS = 'contosodsconsumercus';
const PROVIDER_EUS2 = 'contosodsprovidereus2';
const PROVIDER_CUS = 'contosodsprovidercus';
const SS = 'sales-snapshots';
const API = 'api-version=2021-08-01';
const FAST = { pollIntervalMs: 10 };
const ds = (rg: string, account: string): string => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.DataShare/accounts/${account}`;
const DAILY: ScheduledTrigger = {
  kind: 'ScheduleBased',
  properties: { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z', synchronizationMode: 'Incremental' },
};

let h: SimHarness;
let client: DataShareClient;
// 60x: a snapshot (60 s in Azure) takes 1 s, a trigger write 83 ms, an account 333 ms.
beforeAll(async () => {
  h = await startSimulator({ timeScale: 60 });
  client = h.clients.dataShare(SUB);
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/_sim/reset');
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

async function restError(promise: Promise<unknown>): Promise<RestError> {
  const err = await rejection(promise);
  if (!isRestError(err)) throw new Error(`expected a RestError, got ${err.name}: ${err.message}`);
  return err;
}

const operations = (operation?: string) => h.operations(operation);

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Data Share: the seeded estate', () => {
  it('reads accounts by name, by resource group and by subscription', async () => {
    const account = await client.getAccount(CUS, CONSUMER_CUS);
    expect(account).toMatchObject({
      id: ds(CUS, CONSUMER_CUS),
      name: CONSUMER_CUS,
      type: 'Microsoft.DataShare/accounts',
      location: 'centralus',
      identity: { type: 'SystemAssigned' },
      properties: { provisioningState: 'Succeeded', userName: 'Sales Analytics', userEmail: 'salesanalytics@contoso.example', createdAt: expect.any(String) },
    });
    expect(account.properties).not.toHaveProperty('created');
    expect((await client.listAccounts(CUS)).map((a) => a.name).sort()).toEqual([CONSUMER_CUS, PROVIDER_CUS]);
    expect((await client.listAccounts()).map((a) => a.name).sort()).toEqual([CONSUMER_CUS, CONSUMER_EUS2, PROVIDER_CUS, PROVIDER_EUS2]);
  });

  it('reads shares, invitations, share subscriptions and triggers; proxy resources carry no location', async () => {
    const share = await client.getShare(CUS, PROVIDER_CUS, 'sales');
    expect(share).toEqual({
      id: `${ds(CUS, PROVIDER_CUS)}/shares/sales`,
      name: 'sales',
      type: 'Microsoft.DataShare/accounts/shares',
      properties: { shareKind: 'CopyBased', description: 'Daily sales snapshots (standby)', terms: 'Internal use only', provisioningState: 'Succeeded', createdAt: expect.any(String) },
    });
    expect((await client.listShares(CUS, PROVIDER_CUS)).map((s) => s.name)).toEqual(['sales']);
    // The consumer accepted the standby share at DR setup: that invitation links its share subscription to the share.
    expect((await client.listInvitations(CUS, PROVIDER_CUS, 'sales')).map((i) => [i.name, i.properties.invitationStatus, i.properties.invitationId])).toEqual([
      ['analytics-fabrikam', 'Accepted', '8e4d2a61-7c3b-4f95-a0d2-5b6e1f3c8a22'],
    ]);
    const accepted = await client.getInvitation(EUS2, PROVIDER_EUS2, 'sales', 'analytics-fabrikam');
    expect(accepted.properties).toEqual({ targetEmail: 'analytics@fabrikam.example', invitationStatus: 'Accepted', invitationId: '3c1b7f0e-2d5a-4e8b-9f61-0a4c2b7d9e11' });

    const ss = await client.getShareSubscription(CUS, CONSUMER_CUS, SS);
    expect(ss).toMatchObject({
      id: `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}`,
      type: 'Microsoft.DataShare/accounts/shareSubscriptions',
      properties: { shareSubscriptionStatus: 'Active', invitationId: '8e4d2a61-7c3b-4f95-a0d2-5b6e1f3c8a22', sourceShareLocation: 'centralus', shareName: 'sales', shareKind: 'CopyBased', providerName: 'Data Platform' },
    });
    expect(ss).not.toHaveProperty('location');
    expect((await client.listShareSubscriptions(EUS2, CONSUMER_EUS2)).map((s) => s.name)).toEqual([SS]);

    expect(await client.listTriggers(CUS, CONSUMER_CUS, SS)).toEqual([]);
    const primary = await client.listTriggers(EUS2, CONSUMER_EUS2, SS);
    expect(primary).toEqual([
      {
        id: `${ds(EUS2, CONSUMER_EUS2)}/shareSubscriptions/${SS}/triggers/daily-snapshot`,
        name: 'daily-snapshot',
        type: 'Microsoft.DataShare/accounts/shareSubscriptions/triggers',
        kind: 'ScheduleBased',
        properties: { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z', synchronizationMode: 'Incremental', triggerStatus: 'Active', provisioningState: 'Succeeded', createdAt: expect.any(String) },
      },
    ]);
    expect(await client.getTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot')).toEqual(primary[0]);
    expect(await client.listSynchronizations(CUS, CONSUMER_CUS, SS)).toEqual([]);

    // Where the standby receives its data, and the provider's schedule it may enable (shaped as the spec's examples).
    expect(await client.listDataSetMappings(CUS, CONSUMER_CUS, SS)).toEqual([
      {
        id: `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}/dataSetMappings/sales-container`,
        name: 'sales-container',
        type: 'Microsoft.DataShare/accounts/shareSubscriptions/dataSetMappings',
        kind: 'Container',
        properties: {
          dataSetId: '7a3e1c9b-2f4d-4b8a-9c6e-1d5f3a7b0c02',
          containerName: 'sales',
          storageAccountName: 'fabrikamsalescus',
          subscriptionId: SUB,
          resourceGroup: CUS,
          dataSetMappingStatus: 'Ok',
          provisioningState: 'Succeeded',
        },
      },
    ]);
    expect(await client.listSourceShareSynchronizationSettings(CUS, CONSUMER_CUS, SS)).toEqual([{ kind: 'ScheduleBased', properties: { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T02:00:00Z' } }]);
  });
});

describe('Data Share: the failover flow', () => {
  it('schedules snapshots on the secondary, takes one now, invites the consumer to the secondary share and drops the primary schedule', async () => {
    const trigger = await client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST);
    expect(trigger).toEqual({
      id: `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}/triggers/daily-snapshot`,
      name: 'daily-snapshot',
      type: 'Microsoft.DataShare/accounts/shareSubscriptions/triggers',
      kind: 'ScheduleBased',
      properties: {
        recurrenceInterval: 'Day',
        synchronizationTime: '2026-01-01T02:00:00Z',
        synchronizationMode: 'Incremental',
        triggerStatus: 'Active',
        provisioningState: 'Succeeded',
        createdAt: expect.any(String),
        userName: 'Sales Analytics',
      },
      systemData: { createdBy: 'tests', createdByType: 'Application', createdAt: expect.any(String), lastModifiedBy: 'tests', lastModifiedByType: 'Application', lastModifiedAt: expect.any(String) },
    });
    expect(await client.getTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot')).toEqual(trigger);

    const run = client.synchronize(CUS, CONSUMER_CUS, SS, 'FullSync', FAST);
    // While the snapshot runs it is listed InProgress.
    const during = await until(() => client.listSynchronizations(CUS, CONSUMER_CUS, SS), (l) => l.length > 0);
    expect(during).toEqual([{ synchronizationId: expect.any(String), status: 'InProgress', startTime: expect.any(String), synchronizationMode: 'FullSync' }]);
    const result = await run;
    expect(result).toMatchObject({ status: 'Succeeded', synchronizationId: during[0]!.synchronizationId, startTime: expect.any(String), endTime: expect.any(String) });
    const [sync] = await client.listSynchronizations(CUS, CONSUMER_CUS, SS);
    // A finished run reads Completed, as the spec's listSynchronizations example has it (the operation itself Succeeded).
    expect(sync).toEqual({
      synchronizationId: result.synchronizationId,
      status: 'Completed',
      startTime: during[0]!.startTime,
      endTime: expect.any(String),
      durationMs: expect.any(Number),
      synchronizationMode: 'FullSync',
    });
    // Azure time: the modelled 60 s, not the 1 s it took here.
    expect(sync!.durationMs).toBeGreaterThanOrEqual(59_000);
    expect(sync!.durationMs).toBeLessThan(120_000);

    const invitation = await client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'reports-fabrikam', { targetEmail: 'reports@fabrikam.example' }, { expirationDate: '2030-01-01T00:00:00Z' });
    expect(invitation).toEqual({
      id: `${ds(CUS, PROVIDER_CUS)}/shares/sales/invitations/reports-fabrikam`,
      name: 'reports-fabrikam',
      type: 'Microsoft.DataShare/accounts/shares/invitations',
      properties: {
        targetEmail: 'reports@fabrikam.example',
        expirationDate: '2030-01-01T00:00:00Z',
        invitationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        invitationStatus: 'Pending',
        sentAt: expect.any(String),
        userName: 'Data Platform',
        userEmail: 'dataplatform@contoso.example',
      },
      systemData: { createdBy: 'tests', createdByType: 'Application', createdAt: invitation.properties.sentAt, lastModifiedBy: 'tests', lastModifiedByType: 'Application', lastModifiedAt: invitation.properties.sentAt },
    });
    expect((await client.listInvitations(CUS, PROVIDER_CUS, 'sales')).map((i) => i.name).sort()).toEqual(['analytics-fabrikam', 'reports-fabrikam']);

    await client.deleteTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot', FAST);
    const gone = await restError(client.getTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot'));
    expect(gone).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    expect(await client.listTriggers(EUS2, CONSUMER_EUS2, SS)).toEqual([]);

    const log = ((await h.control('GET', '/_sim/operations')).body as OperationRecord[]).filter((r) => r.operation.startsWith('Microsoft.DataShare/') && r.method !== 'GET');
    expect(log.filter((r) => r.operation !== 'Microsoft.DataShare/shareSubscriptions/listSynchronizations').map((r) => [r.operation, r.status, r.caller])).toEqual([
      ['Microsoft.DataShare/triggers/write', 201, 'tests'],
      ['Microsoft.DataShare/shareSubscriptions/synchronize', 202, 'tests'],
      ['Microsoft.DataShare/invitations/write', 201, 'tests'],
      ['Microsoft.DataShare/triggers/delete', 202, 'tests'],
    ]);
  });
});

describe('Data Share: the REST contract of long-running operations', () => {
  it('trigger PUT is a body-mode LRO: 201 Creating, then Succeeded on its own URL', async () => {
    const url = `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}/triggers/hourly?${API}`;
    const put = await h.call('PUT', url, { kind: 'ScheduleBased', properties: { recurrenceInterval: 'Hour', synchronizationTime: '2026-01-01T00:30:00Z' } });
    expect(put.status).toBe(201);
    expect(put.headers['azure-asyncoperation']).toBeUndefined();
    expect(put.body).toMatchObject({ kind: 'ScheduleBased', properties: { provisioningState: 'Creating', triggerStatus: 'Active', synchronizationMode: 'Incremental' } });
    // ARM's systemData (the spec's ProxyDto defines it): the caller wrote it, as an application.
    const created = (put.body as { systemData: Record<string, string> }).systemData;
    expect(created).toEqual({ createdBy: 'tests', createdByType: 'Application', createdAt: created['createdAt'], lastModifiedBy: 'tests', lastModifiedByType: 'Application', lastModifiedAt: created['createdAt'] });
    expect(Number.isNaN(Date.parse(created['createdAt']!))).toBe(false);
    expect((await h.call('GET', url)).body).toMatchObject({ properties: { provisioningState: 'Creating' } });
    const done = await until(() => h.call('GET', url), (r) => (r.body as ScheduledTrigger).properties.provisioningState !== 'Creating');
    expect(done.body).toMatchObject({ properties: { provisioningState: 'Succeeded' } });
    // Updating a provisioned trigger answers 200 at once.
    const update = await client.createTrigger(CUS, CONSUMER_CUS, SS, 'hourly', { kind: 'ScheduleBased', properties: { recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T03:00:00Z' } }, FAST);
    expect(update.properties).toMatchObject({ recurrenceInterval: 'Day', synchronizationTime: '2026-01-01T03:00:00Z', provisioningState: 'Succeeded' });
    expect((await operations('Microsoft.DataShare/triggers/write')).map((r) => r.status)).toEqual([201, 200]);
    // The update keeps who created it and when.
    expect((await h.call('GET', url)).body).toMatchObject({ systemData: { createdBy: 'tests', createdAt: created['createdAt'], lastModifiedBy: 'tests' } });
  });

  it('synchronize answers 202 Accepted with Azure-AsyncOperation and no Retry-After on polls', async () => {
    const base = `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}`;
    const post = await h.call('POST', `${base}/synchronize?${API}`, { synchronizationMode: 'Incremental' });
    expect(post.status).toBe(202);
    expect(post.body).toEqual({ status: 'Accepted', synchronizationId: expect.any(String), startTime: expect.any(String) });
    const statusUrl = post.headers['azure-asyncoperation']!;
    expect(statusUrl).toMatch(new RegExp(`^${h.sim.baseUrl}${base}/operationResults/[^/?]+\\?${API}$`));
    const poll = await h.call('GET', statusUrl.slice(h.sim.baseUrl.length));
    expect(poll).toMatchObject({ status: 200, body: { status: 'InProgress', startTime: expect.any(String) } });
    expect(poll.headers['retry-after']).toBeUndefined();
    await h.control('POST', '/_sim/lro/finish');
    expect((await h.call('GET', statusUrl.slice(h.sim.baseUrl.length))).body).toMatchObject({ status: 'Succeeded', endTime: expect.any(String) });
    expect(await client.listSynchronizations(CUS, CONSUMER_CUS, SS)).toEqual([expect.objectContaining({ synchronizationId: (post.body as { synchronizationId: string }).synchronizationId, status: 'Completed', synchronizationMode: 'Incremental' })]);
    // An operation id that is not this share subscription's is not found.
    const other = await h.call('GET', `${ds(EUS2, CONSUMER_EUS2)}/shareSubscriptions/${SS}/operationResults/nope?${API}`);
    expect(other).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
  });

  it('trigger DELETE answers 202 with Azure-AsyncOperation, shows Deleting, then 404; deleting again is 204', async () => {
    const url = `${ds(EUS2, CONSUMER_EUS2)}/shareSubscriptions/${SS}/triggers/daily-snapshot`;
    const del = await h.call('DELETE', `${url}?${API}`);
    expect(del.status).toBe(202);
    expect(del.headers['azure-asyncoperation']).toMatch(new RegExp(`^${h.sim.baseUrl}${url}/operationResults/[^/?]+\\?${API}$`));
    expect((await h.call('GET', `${url}?${API}`)).body).toMatchObject({ properties: { provisioningState: 'Deleting' } });
    // A retry while the delete runs points at the same operation.
    expect((await h.call('DELETE', `${url}?${API}`)).headers['azure-asyncoperation']).toBe(del.headers['azure-asyncoperation']);
    await h.control('POST', '/_sim/lro/finish');
    expect((await h.call('GET', del.headers['azure-asyncoperation']!.slice(h.sim.baseUrl.length))).body).toMatchObject({ status: 'Succeeded' });
    expect(await h.call('GET', `${url}?${API}`)).toMatchObject({ status: 404, body: { error: { code: 'ResourceNotFound' } } });
    expect((await h.call('DELETE', `${url}?${API}`)).status).toBe(204);
    await client.deleteTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot', FAST);
  });

  it('account PUT needs an identity, is a body-mode LRO, and refuses another location', async () => {
    const url = `${ds('rg-datashare-wus', 'contosodsconsumerwus')}?${API}`;
    const noIdentity = await h.call('PUT', url, { location: 'West US' });
    expect(noIdentity).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent', message: expect.stringContaining("'identity'") } } });
    const wrongType = await h.call('PUT', url, { location: 'West US', identity: { type: 'UserAssigned' } });
    expect(wrongType).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("'identity.type'") } } });
    const put = await h.call('PUT', url, { location: 'West US', identity: { type: 'SystemAssigned' }, tags: { app: 'sales' } });
    expect(put).toMatchObject({ status: 201, body: { location: 'westus', identity: { type: 'SystemAssigned', principalId: expect.any(String) }, tags: { app: 'sales' }, properties: { provisioningState: 'Creating' } } });
    expect((await client.getAccount('rg-datashare-wus', 'contosodsconsumerwus')).properties.provisioningState).toBe('Creating');
    await h.control('POST', '/_sim/lro/finish');
    expect((await client.getAccount('rg-datashare-wus', 'contosodsconsumerwus')).properties.provisioningState).toBe('Succeeded');
    expect((await client.listAccounts('rg-datashare-wus')).map((a) => a.name)).toEqual(['contosodsconsumerwus']);
    const again = await h.call('PUT', url, { location: 'westus', identity: { type: 'SystemAssigned' } });
    expect(again).toMatchObject({ status: 200, body: { properties: { provisioningState: 'Succeeded' } } });
    const moved = await h.call('PUT', url, { location: 'eastus', identity: { type: 'SystemAssigned' } });
    expect(moved).toMatchObject({ status: 409, body: { error: { code: 'InvalidResourceLocation' } } });
  });

  it('answers only api-version 2021-08-01', async () => {
    const old = await h.call('GET', `${ds(CUS, CONSUMER_CUS)}?api-version=2019-11-01`);
    expect(old).toMatchObject({ status: 400, body: { error: { code: 'NoRegisteredProviderFound' } } });
  });
});

describe('Data Share: what the service needs before it delivers data', () => {
  const SS_ID = `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}`;
  const MAPPING = `${SS_ID}/dataSetMappings/sales-container`;
  const SETTING = `${ds(CUS, PROVIDER_CUS)}/shares/sales/synchronizationSettings/daily`;
  const CONTAINER = { kind: 'Container', properties: { dataSetId: '7a3e1c9b-2f4d-4b8a-9c6e-1d5f3a7b0c02', containerName: 'sales2', storageAccountName: 'fabrikamsalescus', subscriptionId: SUB, resourceGroup: CUS } };

  it('refuses to synchronize a share subscription with no dataset mapped (400), and accepts once one is mapped', async () => {
    h.sim.store.delete(MAPPING);
    const refused = await restError(client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', FAST));
    expect(refused).toMatchObject({ statusCode: 400, code: 'BadRequest', message: `Share subscription '${SS}' has no dataset mapped to a target; map its datasets (dataSetMappings) before synchronizing.` });
    expect(await client.listSynchronizations(CUS, CONSUMER_CUS, SS)).toEqual([]);

    const put = await h.call('PUT', `${SS_ID}/dataSetMappings/sales-container2?${API}`, CONTAINER);
    expect(put).toMatchObject({ status: 201, body: { name: 'sales-container2', kind: 'Container', properties: { ...CONTAINER.properties, dataSetMappingStatus: 'Ok', provisioningState: 'Succeeded' } } });
    expect((await client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', FAST)).status).toBe('Succeeded');
  });

  it('a Broken mapping delivers nothing: synchronize is refused', async () => {
    h.sim.store.get(MAPPING)!.properties['dataSetMappingStatus'] = 'Broken';
    expect(await restError(client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', FAST))).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  it('validates a mapping by its kind and names the missing field', async () => {
    const url = `${SS_ID}/dataSetMappings/m?${API}`;
    expect(await h.call('PUT', url, { ...CONTAINER, kind: 'Folder' })).toMatchObject({ status: 400, body: { error: { code: 'InvalidRequestContent', message: expect.stringContaining("'kind'") } } });
    const { containerName: _c, ...noContainer } = CONTAINER.properties;
    expect(await h.call('PUT', url, { kind: 'Container', properties: noContainer })).toMatchObject({ status: 400, body: { error: { message: "The request content was invalid: 'properties.containerName' is required for a Container mapping." } } });
    const { dataSetId: _d, ...noDataSet } = CONTAINER.properties;
    expect(await h.call('PUT', url, { kind: 'Container', properties: noDataSet })).toMatchObject({ status: 400, body: { error: { message: expect.stringContaining("'properties.dataSetId'") } } });
  });

  it('refuses a trigger with no dataset mapped, and one when the provider has no snapshot schedule (400)', async () => {
    h.sim.store.delete(MAPPING);
    const unmapped = await restError(client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST));
    expect(unmapped).toMatchObject({ statusCode: 400, code: 'BadRequest', message: `Share subscription '${SS}' has no dataset mapped to a target; map its datasets (dataSetMappings) before scheduling snapshots.` });
    await h.call('PUT', `${SS_ID}/dataSetMappings/sales-container?${API}`, CONTAINER);

    h.sim.store.delete(SETTING);
    expect(await client.listSourceShareSynchronizationSettings(CUS, CONSUMER_CUS, SS)).toEqual([]);
    const noSchedule = await restError(client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST));
    expect(noSchedule).toMatchObject({ statusCode: 400, code: 'BadRequest', message: `The source share of share subscription '${SS}' has no synchronization setting: the provider has not created a snapshot schedule to enable.` });
    expect(await client.listTriggers(CUS, CONSUMER_CUS, SS)).toEqual([]);

    // The provider adds one (201, then 200 on update); the consumer sees it and may enable it.
    const setting = { kind: 'ScheduleBased', properties: { recurrenceInterval: 'Hour', synchronizationTime: '2026-01-01T00:15:00Z' } };
    const created = await h.call('PUT', `${SETTING}?${API}`, setting);
    expect(created).toMatchObject({ status: 201, body: { name: 'daily', kind: 'ScheduleBased', properties: { ...setting.properties, provisioningState: 'Succeeded', userName: 'Data Platform', createdAt: expect.any(String) } } });
    expect((await h.call('PUT', `${SETTING}?${API}`, setting)).status).toBe(200);
    expect(await h.call('PUT', `${SETTING}?${API}`, { kind: 'ScheduleBased', properties: { recurrenceInterval: 'Week', synchronizationTime: '2026-01-01T00:15:00Z' } })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringContaining("'properties.recurrenceInterval'") } },
    });
    expect(await client.listSourceShareSynchronizationSettings(CUS, CONSUMER_CUS, SS)).toEqual([setting]);
    expect((await client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST)).properties.provisioningState).toBe('Succeeded');
  });

  it('a share subscription whose invitation no share holds sees no provider schedule, and cannot schedule', async () => {
    h.sim.store.delete(`${ds(CUS, PROVIDER_CUS)}/shares/sales/invitations/analytics-fabrikam`);
    expect(await client.listSourceShareSynchronizationSettings(CUS, CONSUMER_CUS, SS)).toEqual([]);
    expect(await restError(client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST))).toMatchObject({ statusCode: 400, code: 'BadRequest' });
  });

  it('runs one trigger per share subscription: a second is refused (409), the same one is updated', async () => {
    await client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST);
    const second = await restError(client.createTrigger(CUS, CONSUMER_CUS, SS, 'hourly', { kind: 'ScheduleBased', properties: { recurrenceInterval: 'Hour', synchronizationTime: '2026-01-01T00:30:00Z' } }, FAST));
    expect(second).toMatchObject({ statusCode: 409, code: 'Conflict', message: expect.stringContaining("already has a trigger ('daily-snapshot')") });
    const updated = await client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', { kind: 'ScheduleBased', properties: { ...DAILY.properties, synchronizationTime: '2026-01-01T03:00:00Z' } }, FAST);
    expect(updated.properties.synchronizationTime).toBe('2026-01-01T03:00:00Z');
    expect((await client.listTriggers(CUS, CONSUMER_CUS, SS)).map((t) => t.name)).toEqual(['daily-snapshot']);
  });
});

describe('Data Share: validation, conflicts and 404s', () => {
  it('validates the trigger body and names the field', async () => {
    const bad = async (trigger: unknown) => restError(client.createTrigger(CUS, CONSUMER_CUS, SS, 'bad', trigger as ScheduledTrigger, FAST));
    expect(await bad({ kind: 'ScheduledTrigger', properties: DAILY.properties })).toMatchObject({ statusCode: 400, code: 'InvalidRequestContent', message: expect.stringContaining("'kind'") });
    expect(await bad({ kind: 'ScheduleBased', properties: { ...DAILY.properties, recurrenceInterval: 'Week' } })).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.recurrenceInterval'") });
    expect(await bad({ kind: 'ScheduleBased', properties: { ...DAILY.properties, synchronizationTime: 'tomorrow 2am' } })).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.synchronizationTime'") });
    expect(await bad({ kind: 'ScheduleBased', properties: { ...DAILY.properties, synchronizationMode: 'Partial' } })).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.synchronizationMode'") });
    expect(await client.listTriggers(CUS, CONSUMER_CUS, SS)).toEqual([]);
  });

  it('refuses a second invitation for the same recipient on one share (409), and answers a retry of the same invitation', async () => {
    const first = await client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'analytics-fabrikam', { targetEmail: 'analytics@fabrikam.example' });
    const retry = await client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'analytics-fabrikam', { targetEmail: 'Analytics@Fabrikam.example' });
    expect(retry.properties.invitationId).toBe(first.properties.invitationId);
    const twice = await restError(client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'analytics-fabrikam-2', { targetEmail: 'analytics@fabrikam.example' }));
    expect(twice).toMatchObject({ statusCode: 409, code: 'InvitationAlreadyExists', message: expect.stringContaining('analytics@fabrikam.example') });
    // The primary share's accepted invitation counts too.
    const primary = await restError(client.createInvitation(EUS2, PROVIDER_EUS2, 'sales', 'again', { targetEmail: 'analytics@fabrikam.example' }));
    expect(primary).toMatchObject({ statusCode: 409, code: 'InvitationAlreadyExists' });
    const renamed = await restError(client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'analytics-fabrikam', { targetEmail: 'someone@else.example' }));
    expect(renamed).toMatchObject({ statusCode: 409, code: 'Conflict' });
    const byObject = await client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'by-object', { targetActiveDirectoryId: 'tenant-1', targetObjectId: 'object-1' });
    expect(byObject.properties).toMatchObject({ targetActiveDirectoryId: 'tenant-1', targetObjectId: 'object-1', invitationStatus: 'Pending' });
    expect(await restError(client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'bad', { targetEmail: 'not-an-email' }))).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.targetEmail'") });
    expect(await restError(client.createInvitation(CUS, PROVIDER_CUS, 'sales', 'late', { targetEmail: 'x@y.example' }, { expirationDate: '2001-01-01T00:00:00Z' }))).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.expirationDate'") });
    expect((await client.listInvitations(CUS, PROVIDER_CUS, 'sales')).map((i) => i.name).sort()).toEqual(['analytics-fabrikam', 'by-object']);
  });

  it('creates and updates shares (201, then 200) and validates shareKind', async () => {
    const created = await client.createShare(CUS, PROVIDER_CUS, 'returns', { description: 'Returns', terms: 'Internal' });
    expect(created.properties).toMatchObject({ shareKind: 'CopyBased', description: 'Returns', terms: 'Internal', provisioningState: 'Succeeded', userName: 'Data Platform' });
    const updated = await client.createShare(CUS, PROVIDER_CUS, 'returns', { description: 'Returns, daily' });
    expect(updated.properties).toMatchObject({ shareKind: 'CopyBased', description: 'Returns, daily' });
    expect((await operations('Microsoft.DataShare/shares/write')).map((r) => r.status)).toEqual([201, 200]);
    const bad = await restError(client.createShare(CUS, PROVIDER_CUS, 'x', { shareKind: 'Streaming' as 'InPlace' }));
    expect(bad).toMatchObject({ statusCode: 400, message: expect.stringContaining("'properties.shareKind'") });
  });

  it('rejects synchronizing a share subscription that is not Active (409) and a bad mode (400)', async () => {
    h.sim.store.get(`${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}`)!.properties['shareSubscriptionStatus'] = 'Revoked';
    const revoked = await restError(client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', FAST));
    expect(revoked).toMatchObject({ statusCode: 409, code: 'InvalidResourceState', message: expect.stringContaining('Revoked') });
    const mode = await restError(client.synchronize(EUS2, CONSUMER_EUS2, SS, 'Differential' as 'FullSync', FAST));
    expect(mode).toMatchObject({ statusCode: 400, message: expect.stringContaining("'synchronizationMode'") });
    expect(await client.listSynchronizations(CUS, CONSUMER_CUS, SS)).toEqual([]);
  });

  it('answers 404 ResourceNotFound for missing resources, with names URL-encoded', async () => {
    for (const call of [
      client.getAccount(CUS, 'no such#account'),
      client.getShare(CUS, PROVIDER_CUS, 'missing'),
      client.getInvitation(CUS, PROVIDER_CUS, 'sales', 'missing'),
      client.getShareSubscription(CUS, CONSUMER_CUS, 'missing/sub'),
      client.listSynchronizations(CUS, CONSUMER_CUS, 'missing'),
      client.synchronize(CUS, CONSUMER_CUS, 'missing', 'Incremental', FAST),
      client.getTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot'),
      client.createTrigger(CUS, CONSUMER_CUS, 'missing', 'daily-snapshot', DAILY, FAST),
      client.createInvitation(CUS, PROVIDER_CUS, 'missing', 'i', { targetEmail: 'a@b.example' }),
    ]) {
      expect(await restError(call)).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
    }
    expect((await restError(client.getAccount(CUS, 'no such#account'))).message).toContain("'no such#account'");
  });
});

describe('Data Share: injected failures, throttling and outages', () => {
  it('a failed snapshot fails the LRO with the ARM code and message, and is listed Failed', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/shareSubscriptions/synchronize', failOperation: true, code: 'SourceStorageUnavailable', message: 'The source storage account could not be reached.' });
    const err = await rejection(client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', FAST));
    expect(isRestError(err)).toBe(false);
    expect(err.message).toBe('The long-running operation has failed. SourceStorageUnavailable. The source storage account could not be reached.');
    expect(await client.listSynchronizations(CUS, CONSUMER_CUS, SS)).toEqual([
      expect.objectContaining({ status: 'Failed', message: 'SourceStorageUnavailable: The source storage account could not be reached.', endTime: expect.any(String) }),
    ]);
  });

  it('a failed trigger provisioning fails the LRO; a retry provisions it', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/triggers/write', failOperation: true, count: 1, code: 'TriggerProvisioningFailed', message: 'Could not schedule the snapshot.' });
    const err = await rejection(client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST));
    // The trigger is polled on its own URL, and the spec's trigger has no error property: core-lro
    // has nothing more to say than that it failed.
    expect(err.message).toBe('The long-running operation has failed');
    const failed = await h.call('GET', `${ds(CUS, CONSUMER_CUS)}/shareSubscriptions/${SS}/triggers/daily-snapshot?${API}`);
    expect(failed.body).toMatchObject({ properties: { provisioningState: 'Failed' } });
    expect(failed.body).not.toHaveProperty('error');
    const retried = await client.createTrigger(CUS, CONSUMER_CUS, SS, 'daily-snapshot', DAILY, FAST);
    expect(retried.properties.provisioningState).toBe('Succeeded');
    expect(retried).not.toHaveProperty('error');
  });

  it('a failed trigger delete fails the LRO and leaves the trigger in place', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/triggers/delete', failOperation: true, code: 'TriggerDeleteFailed', message: 'The schedule is locked.' });
    const err = await rejection(client.deleteTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot', FAST));
    expect(err.message).toBe('The long-running operation has failed. TriggerDeleteFailed. The schedule is locked.');
    expect((await client.getTrigger(EUS2, CONSUMER_EUS2, SS, 'daily-snapshot')).properties.provisioningState).toBe('Succeeded');
  });

  it('honours an abort signal while polling', async () => {
    const controller = new AbortController();
    const run = client.synchronize(CUS, CONSUMER_CUS, SS, 'Incremental', { ...FAST, abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(run)).name).toBe('AbortError');
  });

  it('retries a throttled request after Retry-After and succeeds', async () => {
    await h.control('POST', '/_sim/faults', { operation: 'Microsoft.DataShare/shares/write', status: 429, count: 1 });
    const share = await client.createShare(CUS, PROVIDER_CUS, 'sales', { description: 'Daily sales snapshots' });
    expect(share.properties.description).toBe('Daily sales snapshots');
    expect((await operations('Microsoft.DataShare/shares/write')).map((r) => [r.status, r.injected?.startsWith('fault-') ?? false])).toEqual([
      [429, true],
      [200, false],
    ]);
  });

  it('answers 503 in a region that is down, after the client retries, and keeps the other region working', async () => {
    await h.control('POST', '/_sim/regions/centralus/outage', { mode: 'unavailable' });
    expect(await restError(client.getShareSubscription(CUS, CONSUMER_CUS, SS))).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    expect(await restError(client.synchronize(CUS, CONSUMER_CUS, SS, 'FullSync', FAST))).toMatchObject({ statusCode: 503, code: 'ServiceUnavailable' });
    const attempts = await operations('Microsoft.DataShare/shareSubscriptions/synchronize');
    expect(attempts.map((r) => [r.status, r.injected])).toEqual(Array.from({ length: 4 }, () => [503, 'outage:centralus']));
    expect((await client.getShareSubscription(EUS2, CONSUMER_EUS2, SS)).properties.shareSubscriptionStatus).toBe('Active');
    // No new account in the region that is down either.
    const create = await h.call('PUT', `${ds(CUS, 'contosodsextracus')}?${API}`, { location: 'Central US', identity: { type: 'SystemAssigned' } });
    expect(create).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
    await h.control('DELETE', '/_sim/regions/centralus/outage');
    expect((await client.getShareSubscription(CUS, CONSUMER_CUS, SS)).name).toBe(SS);
  });
});
