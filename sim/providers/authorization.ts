/**
 * Microsoft.Authorization (Azure RBAC), api-version 2022-04-01: role assignments, role definitions
 * (built-in ones from ./builtin-roles.ts, custom ones kept in the store) and the caller's
 * permissions on a resource or resource group
 * (specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01).
 *
 * - Role assignments are extension resources at `/{scope}/providers/Microsoft.Authorization/
 *   roleAssignments/{guid}`, scope `/`, a subscription, a resource group or a resource (up to three
 *   type/name levels). PUT validates what ARM validates (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting):
 *   the name a GUID; `properties.roleDefinitionId` naming a role that exists (400
 *   RoleDefinitionDoesNotExist) and is assignable at the scope (a custom role's assignableScopes);
 *   `principalId` a GUID (400 InvalidPrincipalId); `principalType` one of the spec's enum; the same
 *   role for the same principal at the same scope under another name is 409 RoleAssignmentExists;
 *   changing the principal, role or scope of an existing assignment is 400
 *   RoleAssignmentUpdateNotPermitted. PUT answers 201 when it creates, 200 when it rewrites; DELETE
 *   200 with the assignment, 204 when there is none. Lists take `$filter=atScope()` (at or above the
 *   scope) and `$filter=principalId eq '{id}'` (that principal at, above or below); without a filter,
 *   at, above and below.
 * - Role definitions: built-in roles answer at any scope and at the tenant path; a custom role is
 *   PUT at a subscription with `assignableScopes` (required), a `roleName` unique in the tenant
 *   (409 RoleDefinitionWithSameNameExists) and actions of the form `Provider.Namespace/...`
 *   (400 InvalidActionOrNotAction). The spec declares 201 alone for PUT, created or updated.
 * - Permissions (`…/providers/Microsoft.Authorization/permissions`) answer, for the caller (the
 *   `oid` of the bearer token: the service principal the simulator's token endpoint names, or the
 *   user a signed token names), one Permission per role assignment of that principal whose scope is
 *   the resource or one of its ancestors (resource group, subscription, `/`), compared
 *   case-insensitively: the role's actions, notActions, dataActions and notDataActions (the
 *   2022-04-01 Permission has no conditions). Group memberships and deny assignments are not
 *   modelled. The resource must exist in the estate (404 otherwise; assumed, the strict side).
 *
 * Known leniency: the simulator does not enforce RBAC on any other call; it answers what an
 * identity may do, it does not stop it from doing more. Microsoft.Authorization is a global
 * service: a region outage does not reach these routes.
 */
import { armError, isoNow, ok, page } from '../arm.js';
import { EstateError } from '../estate.js';
import type { Simulator } from '../simulator.js';
import type { Route, RouteContext, SimRequest, SimResource, SimResponse } from '../types.js';
import { BUILTIN_ROLES, builtInRole, type RolePermission } from './builtin-roles.js';
import { simTokenClaims } from './identity.js';

export const AUTHORIZATION_API_VERSIONS = ['2022-04-01'] as const;

const PROVIDER = '/providers/Microsoft.Authorization';
const ASSIGNMENT_TYPE = 'Microsoft.Authorization/roleAssignments';
const DEFINITION_TYPE = 'Microsoft.Authorization/roleDefinitions';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The spec's PrincipalType enum (RoleAssignmentProperties.principalType). */
const PRINCIPAL_TYPES = ['User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'];
/** An action pattern: `Namespace.Provider/…`, `*`, or a wildcard such as Reader's star-slash-read. */
const ACTION = /^(\*|\*\/[A-Za-z]+|[A-Za-z0-9]+(\.[A-Za-z0-9]+)+\/.+)$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A role assignment as the estate or a test seeds it. */
export interface RoleAssignmentSeed {
  scope: string;
  principalId: string;
  /** A built-in role's name; or give roleDefinitionId. */
  roleName?: string;
  /** A role definition id (`/providers/Microsoft.Authorization/roleDefinitions/{guid}` or the bare GUID). */
  roleDefinitionId?: string;
  principalType?: string;
  /** The assignment's name (a GUID); default one derived from scope, role and principal. */
  name?: string;
}

/** `''` for the tenant root, else the scope with one leading slash and none doubled or trailing (the SDK writes an empty parentResourcePath as `//`). */
const normalScope = (scope: string): string => {
  const s = scope.replace(/\/{2,}/g, '/').replace(/^\/|\/$/g, '');
  return s === '' ? '' : `/${s}`;
};
const scopeKey = (scope: string): string => normalScope(scope).toLowerCase();
/** Whether `scope` is `target` or one of its ancestors. */
const covers = (scope: string, target: string): boolean => {
  const s = scopeKey(scope);
  const t = scopeKey(target);
  return s === '' || s === t || t.startsWith(`${s}/`);
};
const subscriptionOf = (scope: string): string | undefined => /^\/subscriptions\/([^/]+)/i.exec(normalScope(scope))?.[1];
const guidOf = (roleDefinitionId: string): string => roleDefinitionId.split('/').pop()!.toLowerCase();

/** A GUID derived from text (the same text gives the same GUID): default names for seeded assignments. */
function derivedGuid(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of `${round}|${text.toLowerCase()}`) {
      h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ ch.charCodeAt(0), 0x5bd1e995) >>> 0;
    }
    hex.push(((h1 ^ h2) >>> 0).toString(16).padStart(8, '0'));
  }
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

/** The object id the bearer token names: a simulator token's `oid`, or a signed JWT's. */
export function callerObjectId(request: SimRequest): string | undefined {
  const token = (request.headers['authorization'] ?? '').replace(/^bearer\s+/i, '');
  const sim = simTokenClaims(token);
  if (sim !== null) return sim.oid;
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown };
    return typeof claims.oid === 'string' ? claims.oid : undefined;
  } catch {
    return undefined;
  }
}

/** A role definition, built-in or custom, as the rest of this module sees it. */
interface Definition {
  id: string;
  roleName: string;
  description: string;
  roleType: 'BuiltInRole' | 'CustomRole';
  permissions: RolePermission[];
  assignableScopes: string[];
  createdOn?: string;
  updatedOn?: string;
  createdBy?: string;
  updatedBy?: string;
}

class Refusal extends Error {
  constructor(readonly response: SimResponse) {
    super('refused');
  }
}
const refuse = (status: number, code: string, message: string): never => {
  throw new Refusal(armError(status, code, message));
};

const seeders = new WeakMap<Simulator, (seed: RoleAssignmentSeed) => SimResource>();

/**
 * Puts a role assignment into a running simulator as its PUT would (same checks, same record):
 * how a test grants the app's identity a role without going through ARM. The simulator's estate
 * can seed them too (`roleAssignments:`).
 */
export function seedRoleAssignment(sim: Simulator, seed: RoleAssignmentSeed): SimResource {
  const seeder = seeders.get(sim);
  if (seeder === undefined) throw new Error('the simulator has no Microsoft.Authorization provider');
  try {
    return seeder(seed);
  } catch (err) {
    if (err instanceof Refusal) throw new Error((err.response.body as { error: { message: string } }).error.message);
    throw err;
  }
}

export function authorizationRoutes(sim: Simulator): Route[] {
  const definitionsOfCustom = (): SimResource[] => sim.store.all().filter((r) => r.type === DEFINITION_TYPE);
  const assignments = (): SimResource[] => sim.store.all().filter((r) => r.type === ASSIGNMENT_TYPE);

  const customAsDefinition = (r: SimResource): Definition => ({
    id: r.name,
    roleName: r.properties['roleName'] as string,
    description: (r.properties['description'] as string | undefined) ?? '',
    roleType: 'CustomRole',
    permissions: r.properties['permissions'] as RolePermission[],
    assignableScopes: r.properties['assignableScopes'] as string[],
    createdOn: r.properties['createdOn'] as string,
    updatedOn: r.properties['updatedOn'] as string,
    createdBy: r.properties['createdBy'] as string,
    updatedBy: r.properties['updatedBy'] as string,
  });

  const definition = (guid: string): Definition | undefined => {
    const builtIn = builtInRole(guid);
    if (builtIn !== undefined && builtIn.id === guid.toLowerCase()) {
      return { id: builtIn.id, roleName: builtIn.roleName, description: builtIn.description, roleType: 'BuiltInRole', permissions: builtIn.permissions, assignableScopes: ['/'] };
    }
    const custom = definitionsOfCustom().find((r) => r.name.toLowerCase() === guid.toLowerCase());
    return custom === undefined ? undefined : customAsDefinition(custom);
  };

  /** A definition as ARM renders it when read at `scope`: its id under the scope's subscription, if any. */
  const renderDefinition = (d: Definition, scope: string): Json => {
    const sub = subscriptionOf(scope);
    return {
      id: `${sub !== undefined ? `/subscriptions/${sub}` : ''}${PROVIDER}/roleDefinitions/${d.id}`,
      name: d.id,
      type: DEFINITION_TYPE,
      properties: {
        roleName: d.roleName,
        type: d.roleType,
        description: d.description,
        assignableScopes: d.assignableScopes,
        permissions: d.permissions,
        ...(d.createdOn !== undefined ? { createdOn: d.createdOn, updatedOn: d.updatedOn, createdBy: d.createdBy, updatedBy: d.updatedBy } : {}),
      },
    };
  };

  const renderAssignment = (r: SimResource): Json => ({ id: r.id, name: r.name, type: ASSIGNMENT_TYPE, properties: r.properties });

  /** Stores a role assignment after ARM's checks; the answer and whether it was created. */
  const putAssignment = (scope: string, name: string, body: unknown, caller: string): { saved: SimResource; created: boolean } => {
    if (!GUID.test(name)) refuse(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
    if (!isObject(body) || !isObject(body['properties'])) refuse(400, 'InvalidRequestContent', "The request content was invalid: 'properties' with roleDefinitionId and principalId is required.");
    const p = (body as { properties: Json }).properties;
    const roleDefinitionId = p['roleDefinitionId'];
    const principalId = p['principalId'];
    if (typeof roleDefinitionId !== 'string' || roleDefinitionId === '') refuse(400, 'InvalidRoleDefinitionId', "properties.roleDefinitionId is required: the id of the role definition to assign.");
    if (typeof principalId !== 'string' || !GUID.test(principalId)) refuse(400, 'InvalidPrincipalId', `A valid principal ID must be provided for role assignment: properties.principalId ${JSON.stringify(principalId)} is not a GUID.`);
    const principalType = p['principalType'] ?? 'User';
    if (typeof principalType !== 'string' || !PRINCIPAL_TYPES.includes(principalType)) {
      refuse(400, 'InvalidPrincipalType', `properties.principalType ${JSON.stringify(principalType)} is not one of ${PRINCIPAL_TYPES.join(', ')}.`);
    }
    const role = definition(guidOf(roleDefinitionId as string));
    if (role === undefined) refuse(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guidOf(roleDefinitionId as string)}' does not exist.`);
    // Assumed code and wording: ARM refuses a custom role outside its assignable scopes.
    if (!role!.assignableScopes.some((s) => covers(s, scope))) {
      refuse(400, 'InvalidCreateRoleAssignmentRequest', `The role definition '${role!.roleName}' is not assignable at scope '${scope || '/'}': its assignableScopes are ${role!.assignableScopes.join(', ')}.`);
    }
    for (const key of ['description', 'condition', 'conditionVersion', 'delegatedManagedIdentityResourceId'] as const) {
      if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'string') refuse(400, 'InvalidRequestContent', `properties.${key} must be a string.`);
    }
    const id = `${scope}${PROVIDER}/roleAssignments/${name}`;
    const existing = sim.store.get(id);
    const roleGuid = role!.id.toLowerCase();
    if (existing !== undefined) {
      const same = guidOf(existing.properties['roleDefinitionId'] as string) === roleGuid && (existing.properties['principalId'] as string).toLowerCase() === (principalId as string).toLowerCase();
      if (!same) refuse(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    } else {
      const twin = assignments().find(
        (r) =>
          scopeKey(r.properties['scope'] as string) === scopeKey(scope) &&
          guidOf(r.properties['roleDefinitionId'] as string) === roleGuid &&
          (r.properties['principalId'] as string).toLowerCase() === (principalId as string).toLowerCase(),
      );
      if (twin !== undefined) refuse(409, 'RoleAssignmentExists', `The role assignment already exists. The ID of the existing role assignment is ${twin.name}.`);
    }
    const now = isoNow(sim.clock.now());
    const properties: Json = {
      roleDefinitionId,
      principalId,
      principalType,
      scope: scope === '' ? '/' : scope,
      ...Object.fromEntries((['description', 'condition', 'conditionVersion', 'delegatedManagedIdentityResourceId'] as const).filter((k) => typeof p[k] === 'string').map((k) => [k, p[k]])),
      createdOn: (existing?.properties['createdOn'] as string | undefined) ?? now,
      updatedOn: now,
      createdBy: (existing?.properties['createdBy'] as string | undefined) ?? caller,
      updatedBy: caller,
    };
    const saved = sim.store.put({ id: existing?.id ?? id, name: existing?.name ?? name, type: ASSIGNMENT_TYPE, location: '', properties });
    return { saved, created: existing === undefined };
  };

  /** Seeds the estate's `roleAssignments` section (and again on every reset). */
  const seed = (): void => {
    for (const [i, a] of parseRoleAssignmentSeeds(sim.estateData('roleAssignments')).entries()) {
      const role = a.roleDefinitionId ?? builtInRole(a.roleName!)?.id;
      if (role === undefined || definition(guidOf(role)) === undefined) throw new EstateError(`estate: roleAssignments[${i}].roleName: '${a.roleName ?? a.roleDefinitionId}' is not a built-in role the simulator knows`);
      try {
        seedRoleAssignment(a);
      } catch (err) {
        if (err instanceof Refusal) throw new EstateError(`estate: roleAssignments[${i}]: ${(err.response.body as { error: { message: string } }).error.message}`);
        throw err;
      }
    }
  };

  const seedRoleAssignment = (a: RoleAssignmentSeed): SimResource => {
    const scope = normalScope(a.scope);
    const roleId = a.roleDefinitionId ?? builtInRole(a.roleName ?? '')?.id ?? a.roleName ?? '';
    const roleDefinitionId = roleId.includes('/') ? roleId : `${PROVIDER}/roleDefinitions/${roleId}`;
    const name = a.name ?? derivedGuid(`${scope}|${roleDefinitionId}|${a.principalId}`);
    return putAssignment(scope, name, { properties: { roleDefinitionId, principalId: a.principalId, principalType: a.principalType ?? 'ServicePrincipal' } }, 'estate').saved;
  };
  seeders.set(sim, seedRoleAssignment);
  seed();
  sim.onReset(seed);

  const run = (handle: (ctx: RouteContext, scope: string) => SimResponse) => (ctx: RouteContext, scope: string): SimResponse => {
    try {
      return handle(ctx, scope);
    } catch (err) {
      if (err instanceof Refusal) return err.response;
      throw err;
    }
  };

  /** The scope part of a request path, before `/providers/Microsoft.Authorization/`. */
  const scopeOf = (path: string): string => {
    const cut = path.toLowerCase().lastIndexOf(`${PROVIDER.toLowerCase()}/`);
    return normalScope(decodeURIComponent(path.slice(0, cut)));
  };

  const routes: Route[] = [];
  const add = (method: string, suffix: string, operation: string, scopes: readonly string[], handle: (ctx: RouteContext, scope: string) => SimResponse): void => {
    for (const s of scopes) {
      routes.push({ method, pattern: `${s}${PROVIDER}${suffix}`, operation, arm: true, apiVersions: AUTHORIZATION_API_VERSIONS, handle: (ctx) => run(handle)(ctx, scopeOf(ctx.request.path)) });
    }
  };

  // ── role assignments ─────────────────────────────────────────────────────────────────────────
  const ALL_SCOPES = ['', ...scopePatterns()];
  add('PUT', '/roleAssignments/{assignment}', 'Microsoft.Authorization/roleAssignments/write', ALL_SCOPES, ({ request, params }, scope) => {
    const { saved, created } = putAssignment(scope, params['assignment']!, request.body, callerObjectId(request) ?? request.caller);
    return ok(renderAssignment(saved), created ? 201 : 200);
  });
  add('GET', '/roleAssignments/{assignment}', 'Microsoft.Authorization/roleAssignments/read', ALL_SCOPES, ({ params }, scope) => {
    const r = sim.store.get(`${scope}${PROVIDER}/roleAssignments/${params['assignment']}`);
    return r === undefined ? armError(404, 'RoleAssignmentNotFound', `The role assignment '${params['assignment']}' is not found.`) : ok(renderAssignment(r));
  });
  add('DELETE', '/roleAssignments/{assignment}', 'Microsoft.Authorization/roleAssignments/delete', ALL_SCOPES, ({ params }, scope) => {
    const id = `${scope}${PROVIDER}/roleAssignments/${params['assignment']}`;
    const r = sim.store.get(id);
    if (r === undefined) return ok(undefined, 204);
    sim.store.delete(id);
    return ok(renderAssignment(r));
  });
  add('GET', '/roleAssignments', 'Microsoft.Authorization/roleAssignments/read', ALL_SCOPES, ({ request }, scope) => {
    const filter = (request.query.get('$filter') ?? '').trim();
    const principal = /^principalId\s+eq\s+'?([0-9a-f-]{36})'?$/i.exec(filter)?.[1]?.toLowerCase();
    if (filter !== '' && principal === undefined && !/^atScope\(\)$/i.test(filter)) {
      return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are atScope() and principalId eq '{id}'.`);
    }
    const atOrAbove = (r: SimResource) => covers(r.properties['scope'] as string, scope);
    const below = (r: SimResource) => covers(scope, r.properties['scope'] as string);
    const chosen = assignments().filter((r) =>
      /^atScope\(\)$/i.test(filter) ? atOrAbove(r) : principal !== undefined ? (atOrAbove(r) || below(r)) && (r.properties['principalId'] as string).toLowerCase() === principal : atOrAbove(r) || below(r),
    );
    return page(chosen.sort((a, b) => a.id.localeCompare(b.id)).map(renderAssignment));
  });

  // ── role definitions ─────────────────────────────────────────────────────────────────────────
  add('GET', '/roleDefinitions/{definition}', 'Microsoft.Authorization/roleDefinitions/read', ALL_SCOPES, ({ params }, scope) => {
    const d = definition(params['definition']!);
    return d === undefined ? armError(404, 'RoleDefinitionDoesNotExist', `The role definition '${params['definition']}' could not be found.`) : ok(renderDefinition(d, scope));
  });
  add('GET', '/roleDefinitions', 'Microsoft.Authorization/roleDefinitions/read', ALL_SCOPES, ({ request }, scope) => {
    const filter = (request.query.get('$filter') ?? '').trim();
    const byName = /^roleName\s+eq\s+'(.+)'$/i.exec(filter)?.[1];
    const byType = /^type\s+eq\s+'(BuiltInRole|CustomRole)'$/i.exec(filter)?.[1];
    if (filter !== '' && byName === undefined && byType === undefined) {
      return armError(400, 'UnsupportedQuery', `The filter '${filter}' is not supported. Supported filters are roleName eq '{name}' and type eq 'BuiltInRole' | 'CustomRole'.`);
    }
    const all: Definition[] = [...BUILTIN_ROLES.map((b) => definition(b.id)!), ...definitionsOfCustom().map(customAsDefinition).filter((d) => d.assignableScopes.some((s) => covers(s, scope)))];
    const chosen = all.filter((d) => (byName === undefined || d.roleName.toLowerCase() === byName.toLowerCase()) && (byType === undefined || d.roleType.toLowerCase() === byType.toLowerCase()));
    return page(chosen.map((d) => renderDefinition(d, scope)));
  });
  add('PUT', '/roleDefinitions/{definition}', 'Microsoft.Authorization/roleDefinitions/write', SUBSCRIPTION_SCOPES, ({ request, params }, scope) => {
    const name = params['definition']!;
    if (!GUID.test(name)) refuse(400, 'InvalidRoleDefinitionId', `The role definition ID '${name}' is not valid. The role definition ID must be a GUID.`);
    if (builtInRole(name)?.id === name.toLowerCase()) refuse(400, 'RoleDefinitionUpdateNotPermitted', `The role definition '${name}' is a built-in role and cannot be changed.`);
    const body = request.body;
    if (!isObject(body) || !isObject(body['properties'])) refuse(400, 'InvalidRequestContent', "The request content was invalid: 'properties' with roleName, permissions and assignableScopes is required.");
    const p = (body as { properties: Json }).properties;
    const roleName = p['roleName'];
    if (typeof roleName !== 'string' || roleName.trim() === '') refuse(400, 'InvalidRoleDefinition', 'properties.roleName is required: the role name, unique in the tenant.');
    const scopes = p['assignableScopes'];
    if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((s) => typeof s === 'string' && (s === '/' || /^\/(subscriptions|providers\/Microsoft\.Management\/managementGroups)\/[^/]+/i.test(s)))) {
      refuse(400, 'InvalidRoleDefinition', 'properties.assignableScopes is required: a non-empty list of scopes (/subscriptions/{id}, a resource group or resource under it, or a management group).');
    }
    const permissions = p['permissions'];
    if (!Array.isArray(permissions) || permissions.length === 0) refuse(400, 'InvalidRoleDefinition', 'properties.permissions is required: [{actions, notActions, dataActions, notDataActions}].');
    const stored: RolePermission[] = (permissions as unknown[]).map((perm, i) => {
      if (!isObject(perm)) return refuse(400, 'InvalidRoleDefinition', `properties.permissions[${i}] must be an object.`);
      const list = (key: keyof RolePermission): string[] => {
        const v = perm[key] ?? [];
        if (!Array.isArray(v) || !v.every((a) => typeof a === 'string')) return refuse(400, 'InvalidRoleDefinition', `properties.permissions[${i}].${key} must be a list of strings.`);
        const bad = v.find((a) => !ACTION.test(a));
        if (bad !== undefined) refuse(400, 'InvalidActionOrNotAction', `'${bad}' in properties.permissions[${i}].${key} is not a valid action: actions have the form '{Provider.Namespace}/{resourceType}/{operation}'.`);
        return v as string[];
      };
      return { actions: list('actions'), notActions: list('notActions'), dataActions: list('dataActions'), notDataActions: list('notDataActions') };
    });
    const clash = [...BUILTIN_ROLES.map((b) => ({ id: b.id, roleName: b.roleName })), ...definitionsOfCustom().map((r) => ({ id: r.name, roleName: r.properties['roleName'] as string }))].find(
      (d) => d.roleName.toLowerCase() === (roleName as string).toLowerCase() && d.id.toLowerCase() !== name.toLowerCase(),
    );
    if (clash !== undefined) refuse(409, 'RoleDefinitionWithSameNameExists', `A role definition cannot be updated with a name that already exists: '${roleName}' is role ${clash.id}.`);
    const description = p['description'];
    if (description !== undefined && typeof description !== 'string') refuse(400, 'InvalidRoleDefinition', 'properties.description must be a string.');
    const id = `${scope}${PROVIDER}/roleDefinitions/${name}`;
    const existing = definitionsOfCustom().find((r) => r.name.toLowerCase() === name.toLowerCase());
    const now = isoNow(sim.clock.now());
    const caller = callerObjectId(request) ?? request.caller;
    const saved = sim.store.put({
      id: existing?.id ?? id,
      name: existing?.name ?? name,
      type: DEFINITION_TYPE,
      location: '',
      properties: {
        roleName,
        description: description ?? '',
        permissions: stored,
        assignableScopes: scopes,
        createdOn: (existing?.properties['createdOn'] as string | undefined) ?? now,
        updatedOn: now,
        createdBy: (existing?.properties['createdBy'] as string | undefined) ?? caller,
        updatedBy: caller,
      },
    });
    return ok(renderDefinition(customAsDefinition(saved), scope), 201);
  });
  add('DELETE', '/roleDefinitions/{definition}', 'Microsoft.Authorization/roleDefinitions/delete', SUBSCRIPTION_SCOPES, ({ params }, scope) => {
    const custom = definitionsOfCustom().find((r) => r.name.toLowerCase() === params['definition']!.toLowerCase());
    if (custom === undefined) return ok(undefined, 204);
    // Assumed code: ARM refuses to delete a role that is still assigned.
    if (assignments().some((a) => guidOf(a.properties['roleDefinitionId'] as string) === custom.name.toLowerCase())) {
      refuse(409, 'RoleDefinitionHasAssignments', `The role definition '${custom.name}' has role assignments; delete them first.`);
    }
    sim.store.delete(custom.id);
    return ok(renderDefinition(customAsDefinition(custom), scope));
  });

  // ── permissions ──────────────────────────────────────────────────────────────────────────────
  const permissions = ({ request }: RouteContext, scope: string): SimResponse => {
    const isResource = /\/providers\//i.test(scope);
    if (isResource && sim.store.get(scope) === undefined) return armError(404, 'ResourceNotFound', `The Resource '${scope.split(/\/providers\//i).pop()}' under resource group '${/\/resourceGroups\/([^/]+)/i.exec(scope)?.[1]}' was not found.`);
    const oid = callerObjectId(request)?.toLowerCase();
    const mine = oid === undefined ? [] : assignments().filter((a) => (a.properties['principalId'] as string).toLowerCase() === oid && covers(a.properties['scope'] as string, scope));
    return page(
      mine
        .sort((a, b) => scopeKey(a.properties['scope'] as string).length - scopeKey(b.properties['scope'] as string).length || a.id.localeCompare(b.id))
        .flatMap((a) => definition(guidOf(a.properties['roleDefinitionId'] as string))?.permissions ?? []),
    );
  };
  add('GET', '/permissions', 'Microsoft.Authorization/permissions/read', ['/subscriptions/{sub}/resourceGroups/{rg}', ...RESOURCE_SCOPES], permissions);

  return routes;
}

/** Scopes at a subscription and below: the resource group, and resources up to three type/name levels deep. */
const RESOURCE_SCOPES = [1, 2, 3].map((depth) => `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/${Array.from({ length: depth }, (_, i) => `{t${i + 1}}/{n${i + 1}}`).join('/')}`);
const SUBSCRIPTION_SCOPES = ['/subscriptions/{sub}'];
function scopePatterns(): string[] {
  return [...SUBSCRIPTION_SCOPES, '/subscriptions/{sub}/resourceGroups/{rg}', ...RESOURCE_SCOPES];
}

/** The estate's `roleAssignments:` section: a list of {scope, principalId, roleName | roleDefinitionId, principalType?, name?}. */
export function parseRoleAssignmentSeeds(section: unknown): RoleAssignmentSeed[] {
  if (section === undefined || section === null) return [];
  if (!Array.isArray(section)) throw new EstateError('estate: roleAssignments must be a list of {scope, principalId, roleName | roleDefinitionId}');
  return section.map((item, i) => {
    const at = `estate: roleAssignments[${i}]`;
    if (!isObject(item)) throw new EstateError(`${at}: expected a mapping with scope, principalId and roleName or roleDefinitionId`);
    const { scope, principalId, roleName, roleDefinitionId, principalType, name } = item;
    if (typeof scope !== 'string' || !(scope === '/' || /^\/subscriptions\/[^/]+/i.test(scope))) throw new EstateError(`${at}.scope: expected '/', a subscription, resource group or resource id, got ${JSON.stringify(scope)}`);
    if (typeof principalId !== 'string' || !GUID.test(principalId)) throw new EstateError(`${at}.principalId: expected the principal's object id (a GUID), got ${JSON.stringify(principalId)}`);
    if ((roleName === undefined) === (roleDefinitionId === undefined)) throw new EstateError(`${at}: give exactly one of roleName (a built-in role) and roleDefinitionId`);
    if (roleName !== undefined && (typeof roleName !== 'string' || builtInRole(roleName) === undefined)) throw new EstateError(`${at}.roleName: '${String(roleName)}' is not a built-in role the simulator knows`);
    if (roleDefinitionId !== undefined && (typeof roleDefinitionId !== 'string' || !GUID.test(guidOf(roleDefinitionId)))) throw new EstateError(`${at}.roleDefinitionId: expected a role definition id ending in a GUID, got ${JSON.stringify(roleDefinitionId)}`);
    if (principalType !== undefined && (typeof principalType !== 'string' || !PRINCIPAL_TYPES.includes(principalType))) throw new EstateError(`${at}.principalType: expected one of ${PRINCIPAL_TYPES.join(', ')}`);
    if (name !== undefined && (typeof name !== 'string' || !GUID.test(name))) throw new EstateError(`${at}.name: expected a GUID`);
    return {
      scope,
      principalId,
      ...(typeof roleName === 'string' ? { roleName } : {}),
      ...(typeof roleDefinitionId === 'string' ? { roleDefinitionId } : {}),
      ...(typeof principalType === 'string' ? { principalType } : {}),
      ...(typeof name === 'string' ? { name } : {}),
    };
  });
}
