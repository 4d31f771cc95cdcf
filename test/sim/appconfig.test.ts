/** The App Configuration data plane through `@azure/app-configuration`'s AppConfigurationClient. */
import type { AppConfigurationClient, ConfigurationSetting } from '@azure/app-configuration';
import { isRestError, type RestError } from '@azure/core-rest-pipeline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, SUB, type SimHarness } from './support.js';

let h: SimHarness;
let client: AppConfigurationClient;
beforeAll(async () => {
  h = await startSimulator();
  client = h.clients.appConfiguration(h.clients.dataPlaneEndpoint('appConfiguration', 'contosofailover'));
});
afterAll(() => h.close());
afterEach(async () => {
  await h.control('POST', '/_sim/reset');
});

const STORE_ID = `/subscriptions/${SUB}/resourceGroups/rg-failover-shared/providers/Microsoft.AppConfiguration/configurationStores/contosofailover`;
const KV = '/appConfiguration/contosofailover/kv';

async function rejection(p: Promise<unknown>): Promise<RestError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isRestError(err)).toBe(true);
  return err as RestError;
}

async function list(options: Parameters<AppConfigurationClient['listConfigurationSettings']>[0] = {}): Promise<ConfigurationSetting[]> {
  const out: ConfigurationSetting[] = [];
  for await (const s of client.listConfigurationSettings(options)) out.push(s);
  return out;
}

const operations = (operation?: string) => h.operations(operation);

describe('App Configuration key-values', () => {
  it('gets a seeded setting, with its weak ETag and Last-Modified headers', async () => {
    const setting = await client.getConfigurationSetting({ key: 'media:activeAccount' });
    expect(setting).toMatchObject({ key: 'media:activeAccount', value: 'contosomediaweu', isReadOnly: false, tags: {}, statusCode: 200 });
    expect(setting.label).toBeUndefined();
    expect(setting.contentType).toBeUndefined();
    expect(setting.etag).toMatch(/^[\w-]{22}$/);
    expect(setting.lastModified).toBeInstanceOf(Date);
    const raw = await h.call('GET', `${KV}/media:activeAccount?api-version=2026-04-01`);
    expect(raw.headers['content-type']).toBe('application/vnd.microsoft.appconfig.kv+json; charset=utf-8');
    // Weak in the header, bare in the body: the 2026-04-01 example GetKeyValue_IfMatch.
    expect(raw.headers['etag']).toBe(`W/"${setting.etag}"`);
    expect(new Date(raw.headers['last-modified']!).getTime()).toBe(Math.floor(setting.lastModified!.getTime() / 1000) * 1000);
    expect(raw.body).toEqual({
      etag: setting.etag,
      key: 'media:activeAccount',
      label: null,
      content_type: null,
      value: 'contosomediaweu',
      tags: {},
      locked: false,
      last_modified: setting.lastModified!.toISOString(),
    });
  });

  it('answers 404 for a missing key with the service problem shape', async () => {
    const err = await rejection(client.getConfigurationSetting({ key: 'media:nothing' }));
    expect(err.statusCode).toBe(404);
    const raw = await h.call('GET', `${KV}/media:nothing?api-version=2026-04-01`);
    expect(raw.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(raw.body).toMatchObject({ type: 'https://azconfig.io/errors/key-not-found', title: expect.stringContaining("'media:nothing'"), status: 404 });
    // The same key under a label is a different key-value.
    expect((await rejection(client.getConfigurationSetting({ key: 'media:activeAccount', label: 'drill' }))).statusCode).toBe(404);
  });

  it('flips a setting with setConfigurationSetting, logging the write against the store', async () => {
    const before = await client.getConfigurationSetting({ key: 'media:activeAccount' });
    const after = await client.setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomedianeu' });
    expect(after).toMatchObject({ key: 'media:activeAccount', value: 'contosomedianeu', isReadOnly: false });
    expect(after.etag).not.toBe(before.etag);
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount' })).value).toBe('contosomedianeu');
    expect(await operations()).toEqual([
      expect.objectContaining({
        method: 'PUT',
        operation: 'Microsoft.AppConfiguration/configurationStores/keyValues/write',
        status: 200,
        resource: STORE_ID,
        path: '/appConfiguration/contosofailover/kv/media:activeAccount',
      }),
    ]);
  });

  it('refuses a write whose etag is stale with 412 (onlyIfUnchanged), and takes the current one', async () => {
    const current = await client.getConfigurationSetting({ key: 'purview:activeAccount' });
    await client.setConfigurationSetting({ key: 'purview:activeAccount', value: 'contosopurviewwus' });
    const stale = await rejection(client.setConfigurationSetting({ ...current, value: 'contosopurvieweus' }, { onlyIfUnchanged: true }));
    expect(stale.statusCode).toBe(412);
    const fresh = await client.getConfigurationSetting({ key: 'purview:activeAccount' });
    expect(fresh.value).toBe('contosopurviewwus');
    const written = await client.setConfigurationSetting({ ...fresh, value: 'contosopurvieweus' }, { onlyIfUnchanged: true });
    expect(written.value).toBe('contosopurvieweus');
    // A conditional delete with the stale etag is refused too.
    expect((await rejection(client.deleteConfigurationSetting({ ...fresh }, { onlyIfUnchanged: true }))).statusCode).toBe(412);
    expect((await operations()).map((o) => o.status)).toEqual([200, 412, 200, 412]);
    // On the wire: the spec's default Error shape, as problem+json.
    const raw = await h.call('PUT', `${KV}/purview:activeAccount?api-version=2026-04-01`, { value: 'x' }, { 'if-match': `"${current.etag}"` });
    expect(raw).toMatchObject({ status: 412, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });
    expect(raw.body).toEqual({ type: 'https://azconfig.io/errors/precondition-failed', title: 'The If-Match or If-None-Match precondition of the request failed.', status: 412 });
  });

  it('refuses a missing or unsupported api-version with 400 invalid-argument, as the REST reference words it', async () => {
    const missing = await h.call('GET', `${KV}/media:activeAccount`);
    expect(missing).toMatchObject({ status: 400, headers: { 'content-type': 'application/problem+json; charset=utf-8' } });
    expect(missing.body).toEqual({
      type: 'https://azconfig.io/errors/invalid-argument',
      title: 'API version is not specified',
      name: 'api-version',
      detail: 'An API version is required, but was not specified.',
      status: 400,
    });
    const old = await h.call('PUT', `${KV}/media:activeAccount?api-version=1.0`, { value: 'contosomedianeu' });
    expect(old.body).toEqual({
      type: 'https://azconfig.io/errors/invalid-argument',
      title: 'Unsupported API version',
      name: 'api-version',
      detail: "The HTTP resource that matches the request URI '/appConfiguration/contosofailover/kv/media:activeAccount' does not support the API version '1.0'.",
      status: 400,
    });
    // Nothing was written.
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount' })).value).toBe('contosomediaweu');
  });

  it('answers 304 to a conditional get whose etag still matches', async () => {
    const current = await client.getConfigurationSetting({ key: 'crm:degradedMode' });
    const unchanged = await client.getConfigurationSetting(current, { onlyIfChanged: true });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.value).toBeUndefined();
    const raw = await h.call('GET', `${KV}/crm:degradedMode?api-version=2026-04-01`, undefined, { 'if-none-match': `"${current.etag}"` });
    expect([raw.status, raw.headers['etag']]).toEqual([304, `W/"${current.etag}"`]);
    await client.setConfigurationSetting({ key: 'crm:degradedMode', value: 'true' });
    const changed = await client.getConfigurationSetting(current, { onlyIfChanged: true });
    expect([changed.statusCode, changed.value]).toEqual([200, 'true']);
  });

  it('adds a setting only when it does not exist (If-None-Match: *)', async () => {
    const exists = await rejection(client.addConfigurationSetting({ key: 'media:activeAccount', value: 'x' }));
    expect(exists.statusCode).toBe(412);
    expect(exists.message).toBe('Status 412: Setting was already present');
    const added = await client.addConfigurationSetting({ key: 'media:activeAccount', label: 'drill', value: 'contosomedianeu', contentType: 'text/plain', tags: { by: 'drill' } });
    expect(added).toMatchObject({ key: 'media:activeAccount', label: 'drill', value: 'contosomedianeu', contentType: 'text/plain', tags: { by: 'drill' } });
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount' })).value).toBe('contosomediaweu');
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount', label: 'drill' })).value).toBe('contosomedianeu');
  });

  it('deletes a setting: the deleted value, then 204 when it is gone', async () => {
    const deleted = await client.deleteConfigurationSetting({ key: 'crm:degradedMode' });
    expect(deleted).toMatchObject({ key: 'crm:degradedMode', value: 'false', statusCode: 200 });
    expect((await rejection(client.getConfigurationSetting({ key: 'crm:degradedMode' }))).statusCode).toBe(404);
    const again = await client.deleteConfigurationSetting({ key: 'crm:degradedMode' });
    expect(again.statusCode).toBe(204);
    expect((await operations()).map((o) => [o.method, o.operation, o.status])).toEqual([
      ['DELETE', 'Microsoft.AppConfiguration/configurationStores/keyValues/delete', 200],
      ['DELETE', 'Microsoft.AppConfiguration/configurationStores/keyValues/delete', 204],
    ]);
  });

  it('lists settings by key and label filters', async () => {
    expect((await list()).map((s) => s.key)).toEqual(['crm:degradedMode', 'genomics:activeRegion', 'media:activeAccount', 'purview:activeAccount']);
    expect((await list({ keyFilter: 'media:*' })).map((s) => [s.key, s.value])).toEqual([['media:activeAccount', 'contosomediaweu']]);
    expect((await list({ keyFilter: 'genomics:activeRegion,crm:degradedMode' })).map((s) => s.value)).toEqual(['false', 'westus2']);
    await client.addConfigurationSetting({ key: 'media:activeAccount', label: 'drill', value: 'contosomedianeu' });
    expect((await list({ keyFilter: 'media:*', labelFilter: 'drill' })).map((s) => [s.label, s.value])).toEqual([['drill', 'contosomedianeu']]);
    expect((await list({ keyFilter: 'media:*', labelFilter: '\0' })).map((s) => [s.label, s.value])).toEqual([[undefined, 'contosomediaweu']]);
    expect(await list({ keyFilter: 'media:*', labelFilter: '*' })).toHaveLength(2);
    expect(await list({ keyFilter: 'nothing*' })).toEqual([]);
    const bad = await h.call('GET', `${KV}?key=a*b&api-version=2026-04-01`);
    expect(bad).toMatchObject({ status: 400, body: { type: 'https://azconfig.io/errors/invalid-argument', name: 'key' } });
  });

  it('refuses to change a read-only setting with 409 key-locked', async () => {
    await client.setReadOnly({ key: 'genomics:activeRegion' }, true);
    const err = await rejection(client.setConfigurationSetting({ key: 'genomics:activeRegion', value: 'westcentralus' }));
    expect(err.statusCode).toBe(409);
    const raw = await h.call('DELETE', `${KV}/genomics:activeRegion?api-version=2026-04-01`);
    expect(raw).toMatchObject({ status: 409, body: { type: 'https://azconfig.io/errors/key-locked', name: 'genomics:activeRegion' } });
    expect((await client.getConfigurationSetting({ key: 'genomics:activeRegion' })).isReadOnly).toBe(true);
    await client.setReadOnly({ key: 'genomics:activeRegion' }, false);
    expect((await client.setConfigurationSetting({ key: 'genomics:activeRegion', value: 'westcentralus' })).value).toBe('westcentralus');
  });

  it('requires a bearer token and answers 404 for an unknown store', async () => {
    expect(await h.call('GET', `${KV}/media:activeAccount?api-version=2026-04-01`, undefined, { authorization: '' })).toMatchObject({ status: 401 });
    const other = h.clients.appConfiguration(h.clients.dataPlaneEndpoint('appConfiguration', 'nosuchstore'));
    expect((await rejection(other.getConfigurationSetting({ key: 'media:activeAccount' }))).statusCode).toBe(404);
  });

  it('fails with 503 while the store region (westus3) is down, and serves again after', async () => {
    await h.control('POST', '/_sim/regions/westus3/outage');
    const err = await rejection(client.getConfigurationSetting({ key: 'media:activeAccount' }));
    expect(err.statusCode).toBe(503);
    const write = await rejection(client.setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomedianeu' }));
    expect(write.statusCode).toBe(503);
    // The SDK retried the write three times; every attempt is in the log as an outage.
    expect((await operations()).map((o) => [o.status, o.resource])).toEqual(Array.from({ length: 4 }, () => [503, STORE_ID]));
    await h.control('DELETE', '/_sim/regions/westus3/outage');
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount' })).value).toBe('contosomediaweu');
  });

  it('brings the seeded values back on a simulator reset', async () => {
    await client.setConfigurationSetting({ key: 'media:activeAccount', value: 'contosomedianeu' });
    await h.control('POST', '/_sim/reset');
    expect((await client.getConfigurationSetting({ key: 'media:activeAccount' })).value).toBe('contosomediaweu');
  });
});
