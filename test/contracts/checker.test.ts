/**
 * The contract checker catches what breaks Microsoft's contract: in a response, a property the
 * spec does not define, a missing required one, an undeclared status, a value outside a closed
 * enum, a wrong type deep in an array; in a request, a missing required body field and an
 * api-version the spec does not have. Traffic Manager's vendored 2022-04-01 spec where it has the
 * feature, a hand-written fixture spec (test/contracts/fixtures) where it does not (a closed enum,
 * required properties, polymorphism). What ARM's front door answers is held to ARM's common
 * ErrorResponse, on Monitor's spec, whose own errors are a flat { code, message }.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractChecker, defaultChecker, type Exchange } from '../../sim/contracts/checker.js';
import { ContractRecorder } from '../../sim/contracts/record.js';
import { formatViolations } from '../../sim/contracts/report.js';
import { SUB, startSimulator, type SimHarness } from '../sim/support.js';

const TM_SPEC = 'specification/trafficmanager/resource-manager/Microsoft.Network/stable/2022-04-01/trafficmanager.json';
const PROFILE = `/subscriptions/${SUB}/resourceGroups/rg-media-global/providers/Microsoft.Network/trafficManagerProfiles/contoso-stream`;
const ENDPOINT = `${PROFILE}/externalEndpoints/weu`;
const WIDGET = `/subscriptions/${SUB}/providers/Microsoft.Fixture/widgets/w1`;

// The process's checker, which the simulator's strict mode below uses too: the vendored specs are read and indexed once.
const vendored = defaultChecker();
const fixture = new ContractChecker(fileURLToPath(new URL('./fixtures', import.meta.url)));

function exchange(over: Partial<Exchange> & { path: string }): Exchange {
  return { method: 'GET', query: new URLSearchParams({ 'api-version': '2022-04-01' }), headers: {}, body: undefined, status: 200, responseBody: undefined, ...over };
}

const endpoint = (properties: Record<string, unknown>) => ({
  id: ENDPOINT,
  name: 'weu',
  type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints',
  properties: { target: 'weu.example.net', endpointStatus: 'Enabled', ...properties },
});

/** The violations as [direction, jsonPath, message]: what each test asserts exactly. */
const found = (x: Exchange, checker = vendored) => checker.check(x).violations.map((v) => [v.direction, v.jsonPath, v.message]);

describe('responses against the Traffic Manager spec', () => {
  it('accepts an endpoint as the spec defines it, and names the operation and spec', () => {
    const result = vendored.check(exchange({ path: ENDPOINT, responseBody: endpoint({ priority: 1, customHeaders: [{ name: 'host', value: 'a' }] }) }));
    expect(result.violations).toEqual([]);
    expect(result.operation).toBe('Endpoints_Get');
    expect(result.spec).toBe(TM_SPEC);
  });

  it('reports a property the spec does not define, by its JSON path', () => {
    expect(found(exchange({ path: ENDPOINT, responseBody: endpoint({ failoverOrder: 2 }) }))).toEqual([
      ['response', '$.properties.failoverOrder', "property 'failoverOrder' is not defined by the spec (EndpointProperties)"],
    ]);
  });

  it('reports a wrong type in an item of a nested array', () => {
    expect(found(exchange({ path: ENDPOINT, responseBody: endpoint({ customHeaders: [{ name: 'host', value: 'a' }, { name: 7, value: 'b' }] }) }))).toEqual([
      ['response', '$.properties.customHeaders[1].name', 'expected a string, got the number 7'],
    ]);
  });

  it('reports a status the operation does not declare, even with a valid body', () => {
    expect(found(exchange({ path: ENDPOINT, status: 201, responseBody: endpoint({}) }))).toEqual([
      ['response', '$', 'status 201 is not declared for Endpoints_Get (the spec has 200, default)'],
    ]);
  });

  it('checks an error status against the default (error) response', () => {
    expect(found(exchange({ path: ENDPOINT, status: 404, responseBody: { error: { code: 'NotFound', message: 'no endpoint' } } }))).toEqual([]);
    expect(found(exchange({ path: ENDPOINT, status: 404, responseBody: { code: 'NotFound' } }))).toEqual([
      ['response', '$', 'status 404 is not declared for Endpoints_Get (the spec has 200), and the body does not match its default (error) response'],
      ['response', '$.code', "property 'code' is not defined by the spec (CloudError)"],
    ]);
  });
});

describe('requests against the Traffic Manager spec', () => {
  it('reports an api-version the spec does not have for the path', () => {
    const x = exchange({ path: PROFILE, query: new URLSearchParams({ 'api-version': '2018-08-01' }), status: 400 });
    expect(found(x)).toEqual([['request', '$', "api-version '2018-08-01' is not in the spec for Profiles_Get (the spec has 2022-04-01)"]]);
    expect(vendored.check(x).violations[0]).toMatchObject({ operation: 'Profiles_Get', method: 'GET', apiVersion: '2018-08-01', status: 400 });
  });

  it('reports a method and a path that are not operations of the spec', () => {
    expect(found(exchange({ method: 'POST', path: ENDPOINT }))).toEqual([['request', '$', 'the spec has this path, but no POST operation on it']]);
    expect(found(exchange({ path: `${PROFILE}/failover` }))).toEqual([['request', '$', `no spec operation has this path (as the spec sees it: ${PROFILE}/failover)`]]);
  });

  it('matches paths case-insensitively, as ARM does', () => {
    expect(vendored.check(exchange({ path: ENDPOINT.toUpperCase().replace('API', 'api'), responseBody: endpoint({}) })).operation).toBe('Endpoints_Get');
  });
});

describe('schema features, on the fixture spec', () => {
  const put = (body: unknown, responseBody: unknown = undefined, status = 200) =>
    exchange({ method: 'PUT', path: WIDGET, query: new URLSearchParams({ 'api-version': '2024-01-01' }), body, status, responseBody });

  const refusal = { error: { code: 'InvalidRequestContent', message: 'size is required' } };

  it('reports a missing required body field in a request, but not a required read-only one', () => {
    expect(found(put({ properties: { color: 'Red' } }, refusal, 400), fixture)).toEqual([
      ['request', '$.properties.size', "missing required property 'size' (WidgetProperties)"],
    ]);
  });

  it('reports a missing request body the operation requires', () => {
    expect(found(put(undefined, refusal, 400), fixture)).toEqual([['request', '$', 'missing required request body']]);
  });

  it('notes a read-only property sent, without calling it a violation', () => {
    const result = fixture.check(put({ id: 'x', properties: { size: 1 } }, { properties: { size: 1, provisioningState: 'Succeeded' } }));
    expect(result.violations).toEqual([]);
    expect(result.notes.map((n) => [n.jsonPath, n.message])).toEqual([['$.id', "read-only property 'id' sent (ARM ignores it)"]]);
  });

  it('reports a missing required property in a response, the read-only one included', () => {
    expect(found(put({ properties: { size: 1 } }, { properties: { size: 1 } }), fixture)).toEqual([
      ['response', '$.properties.provisioningState', "missing required property 'provisioningState' (WidgetProperties)"],
    ]);
  });

  it('reports a value outside a closed enum, and allows any string where modelAsString is true', () => {
    const body = { properties: { size: 1, provisioningState: 'Succeeded', color: 'Green', finish: 'Satin' } };
    expect(found(put({ properties: { size: 1 } }, body), fixture)).toEqual([
      ['response', '$.properties.color', '"Green" is not one of the values the schema allows: "Red", "Blue"'],
    ]);
  });

  it('reports wrong types: int32 overflow, a nested array item', () => {
    const body = { properties: { size: 2 ** 31, provisioningState: 'Succeeded', parts: [{ name: 'a' }, { name: 'b', count: 1.5 }, { count: 1 }] } };
    expect(found(put({ properties: { size: 1 } }, body), fixture)).toEqual([
      ['response', '$.properties.size', 'expected an int32 integer, got the number 2147483648'],
      ['response', '$.properties.parts[1].count', 'expected an integer, got the number 1.5'],
      ['response', '$.properties.parts[2].name', "missing required property 'name' (Part)"],
    ]);
  });

  it('allows null as oav does: for an optional property, not for a required one without x-nullable', () => {
    const body = { properties: { size: null, provisioningState: 'Succeeded', note: null, label: null, parts: [null] } };
    expect(found(put({ properties: { size: 1 } }, body), fixture)).toEqual([
      ['response', '$.properties.size', 'null where the spec allows a value of type integer (required, and no x-nullable)'],
    ]);
  });

  it('validates a polymorphic value as the subtype its discriminator names', () => {
    const ok = { properties: { size: 1, provisioningState: 'Succeeded', shape: { kind: 'circle', radius: 2 } } };
    expect(found(put({ properties: { size: 1 } }, ok), fixture)).toEqual([]);
    const wrong = { properties: { size: 1, provisioningState: 'Succeeded', shape: { kind: 'circle', radius: 'big', corners: 4 } } };
    expect(found(put({ properties: { size: 1 } }, wrong), fixture)).toEqual([
      ['response', '$.properties.shape.radius', 'expected a number, got the string "big"'],
      ['response', '$.properties.shape.corners', "property 'corners' is not defined by the spec (Circle)"],
    ]);
    const unknown = { properties: { size: 1, provisioningState: 'Succeeded', shape: { kind: 'square' } } };
    expect(found(put({ properties: { size: 1 } }, unknown), fixture)).toEqual([
      ['response', '$.properties.shape.kind', "'square' names no subtype of Shape (known: Shape, circle)"],
    ]);
  });

  it('allows what additionalProperties allows, and free-form objects', () => {
    const body = { properties: { size: 1, provisioningState: 'Succeeded', labels: { a: 'x', b: 2 }, settings: { anything: [1, { deep: true }] } } };
    expect(found(put({ properties: { size: 1 } }, body), fixture)).toEqual([['response', '$.properties.labels.b', 'expected a string, got the number 2']]);
  });

  it('reports a secret returned by a GET', () => {
    const x = exchange({ path: WIDGET, query: new URLSearchParams({ 'api-version': '2024-01-01' }), responseBody: { properties: { size: 1, provisioningState: 'Succeeded', password: 'p' } } });
    expect(found(x, fixture)).toEqual([['response', '$.properties.password', "secret property 'password' (x-ms-secret) returned by a GET"]]);
  });

  it('reports a body where the status declares none, and none where it declares one', () => {
    const del = (status: number, responseBody: unknown) => exchange({ method: 'DELETE', path: WIDGET, query: new URLSearchParams({ 'api-version': '2024-01-01' }), status, responseBody });
    expect(found(del(204, undefined), fixture)).toEqual([]);
    expect(found(del(200, { deleted: true }), fixture)).toEqual([['response', '$', 'the spec declares no body for status 200 of Widgets_Delete, got one']]);
    expect(found(exchange({ path: WIDGET, query: new URLSearchParams({ 'api-version': '2024-01-01' }) }), fixture)).toEqual([['response', '$', 'expected a body for status 200 of Widgets_Get, got none']]);
  });
});

describe("answers ARM's front door writes", () => {
  // Monitor's 2017-04-01 spec declares a flat { code, message } for the provider's own errors.
  const ALERT = `/subscriptions/${SUB}/resourceGroups/rg-monitor/providers/microsoft.insights/activityLogAlerts/a1`;
  const alert = (over: Partial<Exchange>) => exchange({ path: ALERT, query: new URLSearchParams({ 'api-version': '2017-04-01' }), status: 429, ...over });
  const armEnvelope = { error: { code: 'SubscriptionRequestsThrottled', message: 'try later' } };

  it("checks them against ARM's common ErrorResponse, not the operation's default", () => {
    expect(found(alert({ frontDoor: true, responseBody: armEnvelope }))).toEqual([]);
    expect(found(alert({ frontDoor: true, responseBody: { code: 'SubscriptionRequestsThrottled', message: 'try later' } }))).toEqual([
      ['response', '$.code', "property 'code' is not defined by the spec (ErrorResponse)"],
      ['response', '$.message', "property 'message' is not defined by the spec (ErrorResponse)"],
    ]);
    // The provider's own error is still held to the operation's default.
    expect(found(alert({ status: 404, responseBody: armEnvelope }))).toEqual([
      ['response', '$', 'status 404 is not declared for ActivityLogAlerts_Get (the spec has 200), and the body does not match its default (error) response'],
      ['response', '$.error', "property 'error' is not defined by the spec (ErrorResponse)"],
    ]);
  });

  it('checks them even where no operation matched (an api-version the spec lacks), and wants an error', () => {
    const x = alert({ frontDoor: true, status: 400, query: new URLSearchParams({ 'api-version': '2015-01-01' }), responseBody: { error: { code: 'NoRegisteredProviderFound' } } });
    expect(found(x)).toEqual([['request', '$', "api-version '2015-01-01' is not in the spec for ActivityLogAlerts_Get (the spec has 2017-04-01, 2020-10-01)"]]);
    expect(found({ ...x, responseBody: { error: { code: 'NoRegisteredProviderFound', retry: 1 } } })).toEqual([
      ['request', '$', "api-version '2015-01-01' is not in the spec for ActivityLogAlerts_Get (the spec has 2017-04-01, 2020-10-01)"],
      ['response', '$.error.retry', "property 'retry' is not defined by the spec (ErrorDetail)"],
    ]);
    expect(found(alert({ frontDoor: true, status: 200, responseBody: armEnvelope }))).toEqual([
      ['response', '$', "ARM's front door answered 200: it only ever answers for itself with an error"],
    ]);
  });

  it("leaves a data plane's answers to its own spec: it is not behind ARM", () => {
    const kv = exchange({ path: '/appConfiguration/store/kv/k', query: new URLSearchParams({ 'api-version': '2026-04-01' }), status: 429, frontDoor: true });
    expect(found({ ...kv, responseBody: { type: 'https://azconfig.io/errors/too-many-requests', title: 'quota', status: 429 } })).toEqual([]);
    expect(found({ ...kv, responseBody: armEnvelope })).toEqual([
      ['response', '$', 'status 429 is not declared for GetKeyValue (the spec has 200), and the body does not match its default (error) response'],
      ['response', '$.error', "property 'error' is not defined by the spec (Error)"],
    ]);
  });
});

describe('HTTP semantics the specs leave undeclared', () => {
  const kv = (over: Partial<Exchange>) => exchange({ path: '/appConfiguration/store/kv/k', query: new URLSearchParams({ 'api-version': '2026-04-01' }), status: 304, ...over });

  it('accepts 304 Not Modified, without a body, for a conditional read only', () => {
    expect(found(kv({ headers: { 'if-none-match': '"abc"' } }))).toEqual([]);
    expect(found(kv({ headers: { 'if-none-match': '"abc"' }, responseBody: { key: 'k' } }))).toEqual([['response', '$', 'a 304 (Not Modified) answer has no body, got one']]);
    expect(found(kv({}))).toEqual([['response', '$', 'status 304 is not declared for GetKeyValue (the spec has 200, default)']]);
  });
});

describe('data planes under their mounts', () => {
  it("maps a Purview scanning path to the spec, whose basePath /scan sits under the account's endpoint", () => {
    const x = exchange({ path: '/purview/acct/scan/datasources', query: new URLSearchParams({ 'api-version': '2022-07-01-preview' }), responseBody: { value: [], count: 0 } });
    expect(vendored.check(x)).toMatchObject({ operation: 'DataSources_ListAll', violations: [] });
  });
});

describe('uncovered routes', () => {
  it('lists the simulator control API, Entra ID and an LRO status monitor as uncovered, not as violations', () => {
    for (const [path, family] of [
      ['/_sim/reset', 'simulator control'],
      ['/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token', 'Entra ID'],
      ['/graph/v1.0/admin/serviceAnnouncement/issues', 'Microsoft Graph'],
      [`${PROFILE}/operationResults/abc`, 'LRO status monitor'],
    ] as const) {
      const result = vendored.check(exchange({ path }));
      expect(result.violations).toEqual([]);
      expect(result.uncovered?.family).toBe(family);
    }
  });
});

describe('strict mode in the simulator', () => {
  let h: SimHarness;
  const recorder = new ContractRecorder();
  beforeAll(async () => {
    h = await startSimulator({ contracts: recorder });
  });
  afterAll(() => h.close());

  it('records what a simulator answer breaks, and counts a forgiven request as a failure but not a refused one', async () => {
    // A deliberately wrong answer: a property Traffic Manager does not define, put into the store.
    h.sim.store.get(ENDPOINT)!.properties['failoverOrder'] = 2;
    const got = await h.call('GET', `${ENDPOINT}?api-version=2022-04-01`);
    expect(got.status).toBe(200);
    const refused = await h.call('GET', `${ENDPOINT}?api-version=2017-01-01`);
    expect(refused.status).toBe(400);
    expect(recorder.violations.map((v) => [v.direction, v.operation, v.status, v.jsonPath, v.message])).toEqual([
      ['response', 'Endpoints_Get', 200, '$.properties.failoverOrder', "property 'failoverOrder' is not defined by the spec (EndpointProperties)"],
      ['request', 'Endpoints_Get', 400, '$', "api-version '2017-01-01' is not in the spec for Endpoints_Get (the spec has 2022-04-01)"],
    ]);
    expect(recorder.failures().map((v) => v.jsonPath)).toEqual(['$.properties.failoverOrder']);
    expect(formatViolations(recorder.failures())).toBe(
      [
        `Endpoints_Get (${TM_SPEC}): 1 violation`,
        `  FAIL response GET ${ENDPOINT}?api-version=2022-04-01 → 200`,
        "    $.properties.failoverOrder: property 'failoverOrder' is not defined by the spec (EndpointProperties)",
      ].join('\n'),
    );
  });
});
