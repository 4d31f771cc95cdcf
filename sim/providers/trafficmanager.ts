/**
 * Azure Traffic Manager (Microsoft.Network, `@azure/arm-trafficmanager` 6.1.0 sends api-version
 * 2022-04-01): profiles read, and endpoints read / create or update / update / delete, the calls
 * a failover makes to move DNS traffic to the secondary region (enable its endpoint, disable or
 * re-prioritise the primary's).
 *
 *   GET    …/trafficmanagerprofiles/{profile}                              200 | 404 ResourceNotFound
 *   GET    …/resourceGroups/{rg}/providers/Microsoft.Network/trafficmanagerprofiles   200 { value }
 *   GET    /subscriptions/{sub}/providers/Microsoft.Network/trafficmanagerprofiles     200 { value }
 *   GET    …/{profile}/{type}/{endpoint}                                   200 | 404 ResourceNotFound
 *   PUT    …/{profile}/{type}/{endpoint}                                   201 created | 200 replaced | 400 | 404 (no profile)
 *   PATCH  …/{profile}/{type}/{endpoint}                                   200 merged | 400 | 404
 *   DELETE …/{profile}/{type}/{endpoint}                                   200 { boolean: true } | 204 when absent
 * for `{type}` = externalEndpoints, azureEndpoints, nestedEndpoints (operation names
 * `Microsoft.Network/trafficManagerProfiles/{type}/read|write|delete`). Endpoint writes take
 * effect at once: Traffic Manager answers them synchronously.
 *
 * Traffic Manager is a global service: every route's `resource` is the profile or the endpoint,
 * whose location is `global`, so a regional outage never fails these calls. What an outage changes is the
 * health Traffic Manager reports, computed on every read as the service documents it
 * ("Traffic Manager endpoint monitoring"):
 * - endpoint monitor status: `Disabled` when the endpoint is disabled; `Inactive` when the
 *   profile is disabled; otherwise `Degraded` when the endpoint's region is down, else `Online`.
 *   The region is the store region of `targetResourceId` when the simulator holds that resource,
 *   else `endpointLocation` ("West Europe" → westeurope). A nested endpoint is also `Degraded`
 *   when its child profile has fewer `Online` endpoints than `minChildEndpoints` (default 1).
 * - profile monitor status: `Disabled` when the profile is; `Degraded` when any endpoint is;
 *   `Online` when any is; `Inactive` when none is enabled.
 * Simplification: Azure marks an endpoint Degraded after its probes fail (by default 4 probes
 * 30 s apart, so about 2 minutes) and new endpoints start as `CheckingEndpoint`; the simulator
 * reports the outcome at once.
 *
 * Validation (guessed messages, code BadRequest): `endpointStatus` Enabled|Disabled; external
 * endpoints need `target`, azure and nested ones `targetResourceId` (nested: an existing
 * profile); `priority` and `weight` are integers 1-1000; a Performance profile needs
 * `endpointLocation` on external and nested endpoints. An omitted `priority` under Priority
 * routing gets the next free one (Azure assigns it in order too). Duplicate priorities are not
 * rejected. One endpoint name per profile across the three types (409 Conflict otherwise).
 */
import { badRequest, conflict, notFound, ok, page } from '../arm.js';
import type { Simulator } from '../simulator.js';
import type { Route, SimResource, SimResponse } from '../types.js';

export const TRAFFIC_MANAGER_API_VERSIONS = ['2022-04-01'] as const;

const NS = 'Microsoft.Network';
const PROFILE_TYPE = `${NS}/trafficManagerProfiles`;
const PROFILES_RG = `/subscriptions/{sub}/resourceGroups/{rg}/providers/${NS}/trafficmanagerprofiles`;
const PROFILE = `${PROFILES_RG}/{profile}`;
export const ENDPOINT_TYPES = ['externalEndpoints', 'azureEndpoints', 'nestedEndpoints'] as const;
type EndpointType = (typeof ENDPOINT_TYPES)[number];

type Params = Record<string, string>;

const profileId = (p: Params): string => `/subscriptions/${p['sub']}/resourceGroups/${p['rg']}/providers/${PROFILE_TYPE}/${p['profile']}`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "West Europe" → "westeurope". */
function canonicalRegion(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '');
}

/** Properties the store keeps for every resource that Traffic Manager does not return. */
function tmProperties(r: SimResource): Record<string, unknown> {
  const { provisioningState: _p, created: _c, ...props } = r.properties;
  return props;
}

/** A request body or property set, checked: the value to store, or the 400 to answer. */
type Checked = { value: Record<string, unknown> } | { error: SimResponse };

function invalid(message: string): Checked {
  return { error: badRequest(message, 'BadRequest') };
}

export function trafficManagerRoutes(sim: Simulator): Route[] {
  const profileOf = (p: Params): SimResource | undefined => {
    const r = sim.store.get(profileId(p));
    return r !== undefined && r.type.toLowerCase() === PROFILE_TYPE.toLowerCase() ? r : undefined;
  };
  const endpointsOf = (profile: SimResource): Array<{ type: EndpointType; resource: SimResource }> =>
    ENDPOINT_TYPES.flatMap((type) => sim.store.children(profile.id, type).map((resource) => ({ type, resource })));

  const regionDown = (region: string | undefined): boolean => region !== undefined && region !== '' && sim.faults.outage(region) !== undefined;

  /** Endpoint monitor status, as Traffic Manager would report it now. */
  const monitorStatus = (profile: SimResource, type: EndpointType, endpoint: SimResource, depth = 0): string => {
    const props = endpoint.properties;
    if (props['endpointStatus'] === 'Disabled') return 'Disabled';
    if (profile.properties['profileStatus'] === 'Disabled') return 'Inactive';
    const target = typeof props['targetResourceId'] === 'string' ? props['targetResourceId'] : undefined;
    const targetRegion = target !== undefined && sim.store.get(target) !== undefined ? sim.store.regionOf(target) : undefined;
    const region = targetRegion !== undefined && targetRegion !== 'global' ? targetRegion : typeof props['endpointLocation'] === 'string' ? canonicalRegion(props['endpointLocation']) : undefined;
    if (regionDown(region)) return 'Degraded';
    if (type === 'nestedEndpoints' && target !== undefined) {
      const child = sim.store.get(target);
      if (child === undefined || depth > 8) return 'Degraded';
      const online = endpointsOf(child).filter((e) => monitorStatus(child, e.type, e.resource, depth + 1) === 'Online').length;
      const min = typeof props['minChildEndpoints'] === 'number' ? props['minChildEndpoints'] : 1;
      if (online < min) return 'Degraded';
    }
    return 'Online';
  };

  const renderEndpoint = (profile: SimResource, type: EndpointType, r: SimResource): Record<string, unknown> => ({
    id: r.id,
    name: r.name,
    type: `${PROFILE_TYPE}/${type}`,
    properties: { ...tmProperties(r), endpointMonitorStatus: monitorStatus(profile, type, r) },
  });

  const renderProfile = (r: SimResource): Record<string, unknown> => {
    const props = tmProperties(r);
    const endpoints = endpointsOf(r).map((e) => renderEndpoint(r, e.type, e.resource));
    const statuses = endpoints.map((e) => (e['properties'] as { endpointMonitorStatus: string }).endpointMonitorStatus);
    const profileMonitorStatus =
      props['profileStatus'] === 'Disabled'
        ? 'Disabled'
        : statuses.includes('Degraded')
          ? 'Degraded'
          : statuses.includes('Online')
            ? 'Online'
            : statuses.includes('CheckingEndpoint')
              ? 'CheckingEndpoints'
              : 'Inactive';
    const dns = isRecord(props['dnsConfig']) ? props['dnsConfig'] : {};
    const relativeName = typeof dns['relativeName'] === 'string' ? dns['relativeName'] : r.name;
    return {
      id: r.id,
      name: r.name,
      type: PROFILE_TYPE,
      location: 'global',
      tags: r.tags ?? {},
      properties: {
        profileStatus: 'Enabled',
        trafficViewEnrollmentStatus: 'Disabled',
        ...props,
        dnsConfig: { relativeName, fqdn: `${relativeName}.trafficmanager.net`, ttl: 60, ...dns },
        monitorConfig: {
          intervalInSeconds: 30,
          timeoutInSeconds: 10,
          toleratedNumberOfFailures: 3,
          ...(isRecord(props['monitorConfig']) ? props['monitorConfig'] : {}),
          profileMonitorStatus,
        },
        endpoints,
      },
    };
  };

  /** The endpoint properties after a write, or the 400 that names the bad field. */
  const validate = (profile: SimResource, type: EndpointType, name: string, props: Record<string, unknown>): Checked => {
    const out: Record<string, unknown> = { ...props };
    delete out['endpointMonitorStatus'];
    const status = out['endpointStatus'] ?? 'Enabled';
    if (status !== 'Enabled' && status !== 'Disabled') return invalid(`The value '${String(status)}' of property 'endpointStatus' is invalid. Allowed values are: Enabled, Disabled.`);
    out['endpointStatus'] = status;
    const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
    if (type === 'externalEndpoints' && !nonEmpty(out['target'])) return invalid(`Property 'target' is required for endpoint '${name}' of type ExternalEndpoints.`);
    if (type !== 'externalEndpoints' && !nonEmpty(out['targetResourceId'])) {
      return invalid(`Property 'targetResourceId' is required for endpoint '${name}' of type ${type[0]!.toUpperCase()}${type.slice(1)}.`);
    }
    if (type === 'nestedEndpoints') {
      const child = sim.store.get(out['targetResourceId'] as string);
      if (child === undefined || child.type.toLowerCase() !== PROFILE_TYPE.toLowerCase()) {
        return invalid(`The nested endpoint '${name}' must target an existing Traffic Manager profile; '${String(out['targetResourceId'])}' is not one.`);
      }
      if (child.id.toLowerCase() === profile.id.toLowerCase()) return invalid(`The nested endpoint '${name}' cannot target its own profile.`);
      out['minChildEndpoints'] ??= 1;
    }
    for (const field of ['priority', 'weight'] as const) {
      const v = out[field];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1000)) {
        return invalid(`The value '${String(v)}' of property '${field}' is invalid: it must be an integer from 1 to 1000.`);
      }
    }
    const routing = profile.properties['trafficRoutingMethod'];
    if (routing === 'Performance' && type !== 'azureEndpoints' && !nonEmpty(out['endpointLocation'])) {
      return invalid(`Property 'endpointLocation' is required for endpoint '${name}' because the profile uses the Performance traffic routing method.`);
    }
    if (routing === 'Priority' && out['priority'] === undefined) {
      const used = endpointsOf(profile)
        .filter((e) => e.resource.name.toLowerCase() !== name.toLowerCase())
        .map((e) => e.resource.properties['priority'])
        .filter((p): p is number => typeof p === 'number');
      out['priority'] = used.length === 0 ? 1 : Math.max(...used) + 1;
    }
    if (routing === 'Weighted') out['weight'] ??= 1;
    if (type === 'azureEndpoints') {
      const target = sim.store.get(out['targetResourceId'] as string);
      if (target !== undefined && target.location !== 'global') out['endpointLocation'] ??= target.location;
    }
    return { value: out };
  };

  const endpointRoutes = (type: EndpointType): Route[] => {
    const pattern = `${PROFILE}/${type}/{endpoint}`;
    const operation = `${PROFILE_TYPE}/${type}`;
    const endpointId = (profile: SimResource, p: Params) => `${profile.id}/${type}/${p['endpoint']}`;
    const route = (method: string, verb: string, handle: Route['handle']): Route => ({
      method,
      pattern,
      operation: `${operation}/${verb}`,
      arm: true,
      apiVersions: TRAFFIC_MANAGER_API_VERSIONS,
      // The endpoint (location global, like its profile): the operation log names it.
      resource: (p) => `${profileId(p)}/${type}/${p['endpoint']}`,
      handle,
    });
    const body = (raw: unknown): Checked => {
      if (raw !== undefined && !isRecord(raw)) return { error: badRequest('The request content was invalid: expected a JSON object.', 'InvalidRequestContent') };
      const props = isRecord(raw) ? raw['properties'] : undefined;
      if (props !== undefined && !isRecord(props)) return { error: badRequest("The request content was invalid: 'properties' must be an object.", 'InvalidRequestContent') };
      return { value: props ?? {} };
    };
    return [
      route('GET', 'read', ({ params }) => {
        const profile = profileOf(params);
        if (profile === undefined) return notFound('Traffic Manager profile', profileId(params));
        const r = sim.store.get(endpointId(profile, params));
        return r === undefined ? notFound('Traffic Manager endpoint', `${profileId(params)}/${type}/${params['endpoint']}`) : ok(renderEndpoint(profile, type, r));
      }),
      route('PUT', 'write', ({ request, params }) => {
        const profile = profileOf(params);
        if (profile === undefined) return notFound('Traffic Manager profile', profileId(params));
        const props = body(request.body);
        if ('error' in props) return props.error;
        const name = params['endpoint']!;
        const other = ENDPOINT_TYPES.filter((t) => t !== type).find((t) => sim.store.get(`${profile.id}/${t}/${name}`) !== undefined);
        if (other !== undefined) return conflict(`An endpoint named '${name}' already exists in profile '${profile.name}' as ${other}; endpoint names are unique within a profile.`);
        const checked = validate(profile, type, name, props.value);
        if ('error' in checked) return checked.error;
        const id = endpointId(profile, params);
        const existing = sim.store.get(id);
        const r = sim.store.put({ id: existing?.id ?? id, name: existing?.name ?? name, type: `${PROFILE_TYPE}/${type}`, location: 'global', properties: checked.value });
        return ok(renderEndpoint(profile, type, r), existing === undefined ? 201 : 200);
      }),
      route('PATCH', 'write', ({ request, params }) => {
        const profile = profileOf(params);
        if (profile === undefined) return notFound('Traffic Manager profile', profileId(params));
        const existing = sim.store.get(endpointId(profile, params));
        if (existing === undefined) return notFound('Traffic Manager endpoint', `${profileId(params)}/${type}/${params['endpoint']}`);
        const props = body(request.body);
        if ('error' in props) return props.error;
        const checked = validate(profile, type, existing.name, { ...tmProperties(existing), ...props.value });
        if ('error' in checked) return checked.error;
        const r = sim.store.put({ ...existing, properties: checked.value });
        return ok(renderEndpoint(profile, type, r));
      }),
      route('DELETE', 'delete', ({ params }) => {
        const profile = profileOf(params);
        if (profile === undefined) return { status: 204 };
        return sim.store.delete(endpointId(profile, params)) ? ok({ boolean: true }) : { status: 204 };
      }),
    ];
  };

  const list = (pattern: string, select: (p: Params) => SimResource[]): Route => ({
    method: 'GET',
    pattern,
    operation: `${PROFILE_TYPE}/read`,
    arm: true,
    apiVersions: TRAFFIC_MANAGER_API_VERSIONS,
    handle: ({ params }) => page(select(params).map(renderProfile)),
  });

  return [
    {
      method: 'GET',
      pattern: PROFILE,
      operation: `${PROFILE_TYPE}/read`,
      arm: true,
      apiVersions: TRAFFIC_MANAGER_API_VERSIONS,
      resource: profileId,
      handle: ({ params }) => {
        const profile = profileOf(params);
        return profile === undefined ? notFound('Traffic Manager profile', profileId(params)) : ok(renderProfile(profile));
      },
    },
    list(PROFILES_RG, (p) => {
      const prefix = `/subscriptions/${p['sub']}/resourcegroups/${p['rg']}/`.toLowerCase();
      return sim.store.ofType(PROFILE_TYPE, p['sub']).filter((r) => r.id.toLowerCase().startsWith(prefix));
    }),
    list(`/subscriptions/{sub}/providers/${NS}/trafficmanagerprofiles`, (p) => sim.store.ofType(PROFILE_TYPE, p['sub'])),
    ...ENDPOINT_TYPES.flatMap(endpointRoutes),
  ];
}
