/** Microsoft.Authorization through the real SDK client over HTTPS: role assignments, role definitions, the caller's permissions. */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ARM_SCOPE } from '../../lib/azure/scopes.js';
import { seedRoleAssignment } from '../../sim/providers/authorization.js';
import { BUILTIN_ROLE_IDS } from '../../sim/providers/builtin-roles.js';
import { servicePrincipalIdFor } from '../../sim/providers/identity.js';
import { startSimulator, SUB, type SimHarness, all, rejection } from './support.js';

const RG = 'rg-media-weu';
const ACCOUNT = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Media/mediaservices/contosomediaweu`;
/** The harness signs in as client 'tests' of tenant 'simulated-tenant': this is its service principal's object id, the token's oid. */
const ME = servicePrincipalIdFor('simulated-tenant', 'tests');
const SOMEONE_ELSE = '5b1c2d3e-0000-4000-8000-0000000000aa';
const role = (name: string) => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLE_IDS[name]}`;
const A1 = '0b5fe924-0000-4000-8000-000000000001';
const A2 = '0b5fe924-0000-4000-8000-000000000002';

let h: SimHarness;
let auth: AuthorizationManagementClient;
beforeAll(async () => {
  h = await startSimulator();
  auth = new AuthorizationManagementClient(h.clients.credential, SUB, { endpoint: h.sim.baseUrl, credentialScopes: [ARM_SCOPE], tlsOptions: { ca: h.sim.ca }, retryOptions: { maxRetries: 0 } });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/_sim/reset');
});

describe('role assignments', () => {
  it('creates (201), reads, lists at the scope and deletes (then 204): the record names scope, role and principal', async () => {
    const statuses: number[] = [];
    const created = await auth.roleAssignments.create(
      ACCOUNT,
      A1,
      { roleDefinitionId: role('Media Services Streaming Endpoints Administrator'), principalId: ME, principalType: 'ServicePrincipal' },
      { onResponse: (r) => void statuses.push(r.status) },
    );
    expect(statuses).toEqual([201]);
    expect(created).toMatchObject({
      id: `${ACCOUNT}/providers/Microsoft.Authorization/roleAssignments/${A1}`,
      name: A1,
      type: 'Microsoft.Authorization/roleAssignments',
      scope: ACCOUNT,
      roleDefinitionId: role('Media Services Streaming Endpoints Administrator'),
      principalId: ME,
      principalType: 'ServicePrincipal',
      createdBy: ME,
    });
    expect((await auth.roleAssignments.get(ACCOUNT, A1)).principalId).toBe(ME);
    expect((await all(auth.roleAssignments.listForScope(ACCOUNT, { filter: `principalId eq '${ME}'` }))).map((a) => a.name)).toEqual([A1]);
    // atScope(): at the subscription or above, so not the account's assignment below it.
    const atSubscription = await all(auth.roleAssignments.listForScope(`/subscriptions/${SUB}`, { filter: 'atScope()' }));
    expect(atSubscription.every((a) => a.scope === `/subscriptions/${SUB}`)).toBe(true);
    expect(atSubscription.map((a) => a.name)).not.toContain(A1);

    const deletes: number[] = [];
    await auth.roleAssignments.delete(ACCOUNT, A1, { onResponse: (r) => void deletes.push(r.status) });
    await auth.roleAssignments.delete(ACCOUNT, A1, { onResponse: (r) => void deletes.push(r.status) });
    expect(deletes).toEqual([200, 204]);
    expect(await rejection(auth.roleAssignments.get(ACCOUNT, A1))).toMatchObject({ statusCode: 404, code: 'RoleAssignmentNotFound' });
  });

  it('refuses the same role for the same principal at the same scope under another name: 409 RoleAssignmentExists', async () => {
    const body = { roleDefinitionId: role('Reader'), principalId: ME, principalType: 'ServicePrincipal' as const };
    await auth.roleAssignments.create(ACCOUNT, A1, body);
    const err = await rejection(auth.roleAssignments.create(ACCOUNT, A2, body));
    expect(err).toMatchObject({ statusCode: 409, code: 'RoleAssignmentExists' });
    expect(err.message).toContain(A1);
  });

  it('refuses an unknown role (400 RoleDefinitionDoesNotExist), a principal that is not a GUID and a name that is not one', async () => {
    const unknown = await rejection(
      auth.roleAssignments.create(ACCOUNT, A1, { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-4000-8000-00000000dead`, principalId: ME }),
    );
    expect(unknown).toMatchObject({ statusCode: 400, code: 'RoleDefinitionDoesNotExist' });
    expect(await rejection(auth.roleAssignments.create(ACCOUNT, A1, { roleDefinitionId: role('Reader'), principalId: 'orchestrator' }))).toMatchObject({ statusCode: 400, code: 'InvalidPrincipalId' });
    expect(await rejection(auth.roleAssignments.create(ACCOUNT, 'not-a-guid', { roleDefinitionId: role('Reader'), principalId: ME }))).toMatchObject({ statusCode: 400, code: 'InvalidRoleAssignmentId' });
  });
});

describe('permissions of the caller', () => {
  it('answers one entry per assignment of the caller at the resource or above, subscription first, and none of another principal', async () => {
    await auth.roleAssignments.create(`/subscriptions/${SUB}`, A1, { roleDefinitionId: role('Reader'), principalId: ME, principalType: 'ServicePrincipal' });
    seedRoleAssignment(h.sim, { scope: ACCOUNT, roleName: 'Media Services Streaming Endpoints Administrator', principalId: ME });
    seedRoleAssignment(h.sim, { scope: `/subscriptions/${SUB}/resourceGroups/${RG}`, roleName: 'Contributor', principalId: SOMEONE_ELSE });
    // Another resource's assignment does not reach this one.
    seedRoleAssignment(h.sim, { scope: `/subscriptions/${SUB}/resourceGroups/rg-media-neu`, roleName: 'Contributor', principalId: ME });

    const onResource = await all(auth.permissions.listForResource(RG, 'Microsoft.Media', '', 'mediaservices', 'contosomediaweu'));
    expect(onResource).toEqual([
      { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] },
      {
        actions: [
          'Microsoft.Authorization/*/read',
          'Microsoft.Insights/alertRules/*',
          'Microsoft.Insights/metrics/read',
          'Microsoft.Insights/metricDefinitions/read',
          'Microsoft.Resources/deployments/*',
          'Microsoft.Resources/subscriptions/resourceGroups/read',
          'Microsoft.ResourceHealth/availabilityStatuses/read',
          'Microsoft.Media/mediaservices/*/read',
          'Microsoft.Media/mediaservices/assets/listStreamingLocators/action',
          'Microsoft.Media/mediaservices/streamingLocators/listPaths/action',
          'Microsoft.Media/mediaservices/streamingEndpoints/*',
        ],
        notActions: [],
        dataActions: [],
        notDataActions: [],
      },
    ]);
    // The resource group: the subscription's Reader only (the account's role is below it).
    expect(await all(auth.permissions.listForResourceGroup(RG))).toEqual([{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }]);
  });

  it('drops a permission when its assignment is deleted', async () => {
    seedRoleAssignment(h.sim, { scope: ACCOUNT, roleName: 'Reader', principalId: ME, name: A2 });
    expect(await all(auth.permissions.listForResource(RG, 'Microsoft.Media', '', 'mediaservices', 'contosomediaweu'))).toHaveLength(1);
    await auth.roleAssignments.delete(ACCOUNT, A2);
    expect(await all(auth.permissions.listForResource(RG, 'Microsoft.Media', '', 'mediaservices', 'contosomediaweu'))).toEqual([]);
  });

  it('answers 404 for a resource the estate does not have', async () => {
    expect(await rejection(all(auth.permissions.listForResource(RG, 'Microsoft.Media', '', 'mediaservices', 'nosuchaccount')))).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });
});

describe('role definitions', () => {
  it('reads a built-in role at the tenant path and at a subscription: Reader is */read', async () => {
    const atTenant = await auth.roleDefinitions.get('/', BUILTIN_ROLE_IDS['Reader']!);
    expect(atTenant).toMatchObject({ id: `/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLE_IDS['Reader']}`, roleName: 'Reader', roleType: 'BuiltInRole', assignableScopes: ['/'] });
    expect(atTenant.permissions).toEqual([{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }]);
    const atSub = await auth.roleDefinitions.get(`/subscriptions/${SUB}`, BUILTIN_ROLE_IDS['Reader']!);
    expect(atSub.id).toBe(role('Reader'));
    expect((await all(auth.roleDefinitions.list(`/subscriptions/${SUB}`, { filter: "roleName eq 'Traffic Manager Contributor'" }))).map((d) => d.name)).toEqual([BUILTIN_ROLE_IDS['Traffic Manager Contributor']]);
  });

  it('creates a custom role at a subscription, assignable where it says; a second role of the same name is 409', async () => {
    const custom = 'c0ffee00-0000-4000-8000-000000000001';
    const created = await auth.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, custom, {
      roleName: 'Failover Data Share Operator',
      description: 'Data Share actions the playbook takes',
      assignableScopes: [`/subscriptions/${SUB}`],
      permissions: [{ actions: ['Microsoft.DataShare/accounts/shares/read', 'Microsoft.DataShare/accounts/shareSubscriptions/synchronize/action'] }],
    });
    expect(created).toMatchObject({ name: custom, roleName: 'Failover Data Share Operator', roleType: 'CustomRole', assignableScopes: [`/subscriptions/${SUB}`] });
    await auth.roleAssignments.create(ACCOUNT, A1, { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${custom}`, principalId: ME, principalType: 'ServicePrincipal' });
    expect((await all(auth.permissions.listForResource(RG, 'Microsoft.Media', '', 'mediaservices', 'contosomediaweu')))[0]!.actions).toEqual([
      'Microsoft.DataShare/accounts/shares/read',
      'Microsoft.DataShare/accounts/shareSubscriptions/synchronize/action',
    ]);

    const twin = await rejection(
      auth.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, 'c0ffee00-0000-4000-8000-000000000002', { roleName: 'failover data share operator', assignableScopes: [`/subscriptions/${SUB}`], permissions: [{ actions: ['Microsoft.DataShare/accounts/read'] }] }),
    );
    expect(twin).toMatchObject({ statusCode: 409, code: 'RoleDefinitionWithSameNameExists' });
    const noScopes = await rejection(auth.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, 'c0ffee00-0000-4000-8000-000000000003', { roleName: 'No scopes', permissions: [{ actions: ['Microsoft.DataShare/accounts/read'] }] }));
    expect(noScopes).toMatchObject({ statusCode: 400, code: 'InvalidRoleDefinition' });
    expect(noScopes.message).toContain('assignableScopes');
    const badAction = await rejection(
      auth.roleDefinitions.createOrUpdate(`/subscriptions/${SUB}`, 'c0ffee00-0000-4000-8000-000000000004', { roleName: 'Bad', assignableScopes: [`/subscriptions/${SUB}`], permissions: [{ actions: ['shares/read'] }] }),
    );
    expect(badAction).toMatchObject({ statusCode: 400, code: 'InvalidActionOrNotAction' });
  });
});

describe('estate seeding', () => {
  it('seeds the estate roleAssignments section, again after a reset, and names a bad entry', async () => {
    const { parseEstate } = await import('../../sim/estate.js');
    const { Simulator } = await import('../../sim/simulator.js');
    const estate = parseEstate({
      resources: [{ id: ACCOUNT, location: 'westeurope' }],
      roleAssignments: [{ scope: ACCOUNT, roleName: 'Reader', principalId: ME, name: A1 }],
    });
    const sim = await Simulator.start({ estate });
    try {
      const id = `${ACCOUNT}/providers/Microsoft.Authorization/roleAssignments/${A1}`;
      expect(sim.store.get(id)?.properties).toMatchObject({ principalId: ME, principalType: 'ServicePrincipal', roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${BUILTIN_ROLE_IDS['Reader']}` });
      sim.store.delete(id);
      sim.reset();
      expect(sim.store.get(id)).toBeDefined();
    } finally {
      await sim.close();
    }
    await expect(Simulator.start({ estate: parseEstate({ resources: [], roleAssignments: [{ scope: ACCOUNT, roleName: 'Owner of Everything', principalId: ME }] }) })).rejects.toThrow(
      "estate: roleAssignments[0].roleName: 'Owner of Everything' is not a built-in role the simulator knows",
    );
  });
});
