import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiveBlobName,
  createAlertArchive,
  decodeMetadataValue,
  encodeMetadataValue,
  parseArchiveName,
  StorageError,
  TransientStorageError,
  type AlertArchive,
  type ArchiveListEntry,
  type ArchivedAlertMetaInput,
} from '../../lib/archive/index.js';
import { startAzurite, type Azurite } from '../../local/azurite.js';
import { wrongKey } from '../support/azurite.js';

let azurite: Azurite;
let containers = 0;

beforeAll(async () => {
  azurite = await startAzurite({ inMemory: true });
});
afterAll(async () => {
  await azurite?.close();
});

/** A fresh container per test keeps the tests independent. */
function archive(): AlertArchive {
  containers += 1;
  return createAlertArchive({ connectionString: azurite.connectionString, container: `archive-test-${containers}` });
}

function meta(receivedAt: string, extra: Partial<ArchivedAlertMetaInput> = {}): ArchivedAlertMetaInput {
  return { receivedAt, source: 'alerts', outcome: 'accepted', contentType: 'application/json', ...extra };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-media/providers/Microsoft.Media/mediaservices/amsprimary';

describe('alert archive: verbatim bodies', () => {
  const bodies: Record<string, Buffer> = {
    'invalid JSON': Buffer.from('{"schemaId": "azureMonitorCommonAlertSchema", "data": {', 'utf8'),
    'a byte-order mark': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data":{"essentials":{}}}', 'utf8')]),
    'bytes that are not UTF-8': Buffer.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xa0, 0xa1, 0x0d, 0x0a, 0xe2, 0x82]),
    'UTF-16LE text': Buffer.from('{"title":"Störung"}', 'utf16le'),
    'an empty body': Buffer.alloc(0),
    '256 KB of random bytes': randomBytes(256 * 1024),
  };

  for (const [what, raw] of Object.entries(bodies)) {
    it(`round-trips ${what} byte for byte`, async () => {
      const store = archive();
      const ref = await store.put(raw, meta('2024-06-01T09:30:00.123Z', { outcome: 'invalid_json', contentType: 'text/plain; charset=weird' }));
      expect(ref.duplicate).toBe(false);
      expect(ref.name).toBe(archiveBlobName('2024-06-01T09:30:00.123Z', raw));
      expect(ref.name).toBe(`alerts/2024/06/01/${createHash('sha256').update(raw).digest('hex')}.json`);
      expect(ref.receivedAt).toBe('2024-06-01T09:30:00.123Z');
      const back = await store.get(ref);
      expect(Buffer.compare(back.raw, raw)).toBe(0);
      expect(back.raw.length).toBe(raw.length);
      expect(back.meta).toEqual({
        receivedAt: '2024-06-01T09:30:00.123Z',
        contentType: 'text/plain; charset=weird',
        source: 'alerts',
        outcome: 'invalid_json',
        kind: null,
        incidentKey: null,
        dedupeKey: null,
        title: null,
        replay: null,
      });
    });
  }

  it('names a body by its SHA-256 within its receipt day (UTC, whatever the offset given), a replay\'s delivery by its receipt time', () => {
    const raw = Buffer.from('x');
    // SHA-256 of "x"
    const sha = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';
    expect(archiveBlobName('2024-06-01T01:02:03.004+02:00', raw)).toBe(`alerts/2024/05/31/${sha}.json`);
    expect(archiveBlobName('2024-12-31T23:59:59.999Z', raw)).toBe(`alerts/2024/12/31/${sha}.json`);
    expect(archiveBlobName('2025-01-01T00:00:00.000Z', raw)).toBe(`alerts/2025/01/01/${sha}.json`);
    expect(archiveBlobName('2024-06-01T01:02:03.004+02:00', raw, 'replay-1')).toBe(`alerts/2024/05/31/230203.004-${sha.slice(0, 16)}.json`);
    expect(parseArchiveName(`alerts/2024/12/31/${sha}.json`)).toEqual({ name: `alerts/2024/12/31/${sha}.json`, day: '2024-12-31', receivedAt: null, sha256: sha.slice(0, 16) });
    expect(parseArchiveName(`alerts/2024/12/31/235959.999-${sha.slice(0, 16)}.json`)).toEqual({
      name: `alerts/2024/12/31/235959.999-${sha.slice(0, 16)}.json`,
      day: '2024-12-31',
      receivedAt: '2024-12-31T23:59:59.999Z',
      sha256: sha.slice(0, 16),
    });
    expect(parseArchiveName('incidents/x/timeline.json')).toBeUndefined();
    expect(parseArchiveName(`alerts/2024/12/31/${sha.slice(0, 63)}.json`)).toBeUndefined();
    expect(parseArchiveName(`alerts/2024/12/31/${sha.toUpperCase()}.json`)).toBeUndefined();
  });

  it('refuses a get for a name that is not an archived alert, and reports a missing one as BlobNotFound', async () => {
    const store = archive();
    await expect(store.get('incidents/x/timeline.json')).rejects.toThrow(RangeError);
    const missing = await store.get('alerts/2024/06/01/000000.000-0123456789abcdef.json').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(StorageError);
    expect(missing).not.toBeInstanceOf(TransientStorageError);
    expect((missing as StorageError).code).toBe('BlobNotFound');
    expect((missing as StorageError).statusCode).toBe(404);
  });
});

describe('alert archive: redeliveries', () => {
  it('stores the same bytes received at the same instant once', async () => {
    const store = archive();
    const raw = Buffer.from('{"data":{"essentials":{"alertId":"a1"}}}');
    const first = await store.put(raw, meta('2024-06-01T10:00:00.500Z'));
    const again = await store.put(raw, meta('2024-06-01T10:00:00.500Z', { outcome: 'duplicate' }));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ ...first, duplicate: true });
    expect((await store.get(first)).meta.outcome).toBe('accepted');
    expect(await all(store.list())).toHaveLength(1);
  });

  it('stores a redelivery of the same bytes later that day once, and answers with the first copy and its receipt time', async () => {
    const store = archive();
    const raw = Buffer.from('{"data":{"essentials":{"alertId":"a2"}}}');
    const first = await store.put(raw, meta('2024-06-01T10:00:01.010Z'));
    // Azure Monitor retries 5 to 40 s later; a redelivery hours later is the same bytes too.
    for (const at of ['2024-06-01T10:00:06.000Z', '2024-06-01T10:00:41.250Z', '2024-06-01T23:59:59.999Z']) {
      expect(await store.put(raw, meta(at, { outcome: 'duplicate' }))).toEqual({
        name: first.name,
        receivedAt: '2024-06-01T10:00:01.010Z',
        sha256: first.sha256,
        duplicate: true,
      });
    }
    // The next day is a new day's name.
    const nextDay = await store.put(raw, meta('2024-06-02T00:00:00.000Z'));
    expect(nextDay.duplicate).toBe(false);
    expect(nextDay.name).toBe(first.name.replace('/06/01/', '/06/02/'));
    const other = await store.put(Buffer.from('{"data":{"essentials":{"alertId":"a3"}}}'), meta('2024-06-01T10:00:01.010Z'));
    expect(other.duplicate).toBe(false);
    const listed = await all(store.list());
    expect(listed.map((e) => [e.name, e.receivedAt, e.outcome])).toEqual([
      // Same receipt time: by name.
      ...[[first.name, '2024-06-01T10:00:01.010Z', 'accepted'], [other.name, '2024-06-01T10:00:01.010Z', 'accepted']].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
      [nextDay.name, '2024-06-02T00:00:00.000Z', 'accepted'],
    ]);
    expect((await store.get(first)).raw.equals(raw)).toBe(true);
  });

  it('stores one copy when the same delivery is written by racing callers (conditional create: one write, the rest told duplicate)', async () => {
    const store = archive();
    const raw = randomBytes(2048);
    // Different receipt instants the same day: each caller writes the same name, If-None-Match: *.
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.put(raw, meta(`2024-06-01T11:00:${String(i).padStart(2, '0')}.000Z`, { outcome: `racer-${i}` }))));
    expect(new Set(results.map((r) => r.name))).toEqual(new Set([archiveBlobName('2024-06-01T11:00:00.000Z', raw)]));
    const winners = results.filter((r) => !r.duplicate);
    expect(winners).toHaveLength(1);
    // Every caller is told the receipt time of the copy that was stored, and it is the winner's.
    expect(new Set(results.map((r) => r.receivedAt))).toEqual(new Set([winners[0]!.receivedAt]));
    const [only] = (await all(store.list())) as [ArchiveListEntry];
    expect(only.receivedAt).toBe(winners[0]!.receivedAt);
    expect(only.outcome).toBe(`racer-${results.indexOf(winners[0]!)}`);
    expect((await store.get(only)).raw.equals(raw)).toBe(true);
  });

  it('store: the same conditional write as put, answering the name and whether it was stored already', async () => {
    const store = archive();
    const raw = Buffer.from('{"data":{"essentials":{"alertId":"a5"}}}');
    expect(await store.store(raw, meta('2024-06-01T13:00:00.000Z'))).toEqual({ name: archiveBlobName('2024-06-01T13:00:00.000Z', raw), duplicate: false });
    expect(await store.store(raw, meta('2024-06-01T13:00:30.000Z', { outcome: 'later' }))).toEqual({ name: archiveBlobName('2024-06-01T13:00:00.000Z', raw), duplicate: true });
    expect(await store.put(raw, meta('2024-06-01T13:00:40.000Z'))).toMatchObject({ receivedAt: '2024-06-01T13:00:00.000Z', duplicate: true });
    expect((await all(store.list())).map((e) => [e.receivedAt, e.outcome])).toEqual([['2024-06-01T13:00:00.000Z', 'accepted']]);
  });

  it("keeps a replay's delivery apart from the same bytes delivered by Azure or by another replay", async () => {
    const store = archive();
    const raw = Buffer.from('{"data":{"essentials":{"alertId":"a4"}}}');
    const real = await store.put(raw, meta('2024-06-01T12:00:00.000Z'));
    const r1 = await store.put(raw, meta('2024-06-01T12:05:00.000Z', { replay: 'replay-1' }));
    const r2 = await store.put(raw, meta('2024-06-01T12:06:00.000Z', { replay: 'replay-2' }));
    expect([real.duplicate, r1.duplicate, r2.duplicate]).toEqual([false, false, false]);
    expect(r1.name).toBe(`alerts/2024/06/01/120500.000-${real.sha256}.json`);
    expect((await all(store.list({ replays: 'include' }))).map((e) => [e.name, e.replay])).toEqual([
      [real.name, null],
      [r1.name, 'replay-1'],
      [r2.name, 'replay-2'],
    ]);
  });
});

describe('alert archive: names written before content names', () => {
  /** Writes a body the way the archive named and described it before: receipt time and the first 16 hex of its hash. */
  async function putOld(container: string, at: string, raw: Buffer, extra: Record<string, string> = {}): Promise<string> {
    const digest = createHash('sha256').update(raw).digest('hex');
    const iso = new Date(at).toISOString();
    const name = `alerts/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}-${digest.slice(0, 16)}.json`;
    await BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(container)
      .getBlockBlobClient(name)
      .upload(raw, raw.length, { metadata: { receivedat: iso, source: 'alerts', sha256: digest, outcome: 'accepted', contenttype: 'application/json', ...extra } });
    return name;
  }

  it('lists old and new names of a day together in receipt order, reads both, and sets the outcome of both', async () => {
    const store = archive();
    const a = await store.put(Buffer.from('{"n":"new-early"}'), meta('2024-06-01T08:00:00.000Z', { incidentKey: 'TRACK-9' }));
    const oldName = await putOld(store.container, '2024-06-01T09:00:00.250Z', Buffer.from('{"n":"old"}'), { incidentkey: 'TRACK-9', incidentkeyhash: createHash('sha256').update('TRACK-9').digest('hex').slice(0, 32) });
    const b = await store.put(Buffer.from('{"n":"new-late"}'), meta('2024-06-01T10:00:00.000Z'));
    const oldNextDay = await putOld(store.container, '2024-06-02T00:00:00.000Z', Buffer.from('{"n":"old-2"}'));

    expect((await all(store.list())).map((e) => [e.name, e.receivedAt])).toEqual([
      [a.name, '2024-06-01T08:00:00.000Z'],
      [oldName, '2024-06-01T09:00:00.250Z'],
      [b.name, '2024-06-01T10:00:00.000Z'],
      [oldNextDay, '2024-06-02T00:00:00.000Z'],
    ]);
    // Ranges go by receipt time, within a day too.
    expect((await all(store.list({ from: '2024-06-01T09:00:00.250Z', to: '2024-06-01T10:00:00.000Z' }))).map((e) => e.name)).toEqual([oldName]);
    expect((await all(store.list({ from: '2024-06-01T08:00:00.001Z', to: '2024-06-02T00:00:00.001Z' }))).map((e) => e.name)).toEqual([oldName, b.name, oldNextDay]);
    expect((await all(store.list({ incidentKey: 'TRACK-9' }))).map((e) => e.name)).toEqual([a.name, oldName]);

    const old = await store.get(oldName);
    expect(old.raw.toString()).toBe('{"n":"old"}');
    expect(old.meta).toMatchObject({ receivedAt: '2024-06-01T09:00:00.250Z', outcome: 'accepted', incidentKey: 'TRACK-9' });
    await store.setOutcome(oldName, 'intake-failed');
    expect((await store.get(oldName)).meta.outcome).toBe('intake-failed');
    // Old names carried only 16 hex digits of the hash: a listing gives the same 16 for both kinds.
    const listed = await all(store.list());
    expect(listed.map((e) => e.sha256)).toEqual(listed.map((e) => (parseArchiveName(e.name)!.sha256)));
    expect(listed.every((e) => /^[0-9a-f]{16}$/.test(e.sha256))).toBe(true);
  });
});

describe('alert archive: listing', () => {
  it('lists by receipt time (from inclusive, to exclusive) and by incidentKey, in receipt order', async () => {
    const store = archive();
    const put = (at: string, incidentKey: string | null, body: string) =>
      store.put(Buffer.from(body), meta(at, { kind: incidentKey === null ? null : 'resourceHealth', incidentKey, dedupeKey: incidentKey === null ? null : `${incidentKey}|${at}` }));
    const a = await put('2024-05-31T23:59:59.999Z', ARM_ID, 'a');
    const b = await put('2024-06-01T00:00:00.000Z', 'TRACK-1', 'b');
    const c = await put('2024-06-01T12:00:00.000Z', ARM_ID, 'c');
    const d = await put('2024-07-01T00:00:00.000Z', null, 'd');
    const e = await put('2025-01-01T00:00:00.000Z', ARM_ID, 'e');
    await store.putTimeline('incident-1', [{ at: '2024-06-01T00:00:00Z', what: 'started' }]);

    const names = async (options: Parameters<AlertArchive['list']>[0]) => (await all(store.list(options))).map((x) => x.name);
    expect(await names({})).toEqual([a, b, c, d, e].map((x) => x.name));
    expect(await names({ from: '2024-06-01T00:00:00.000Z', to: '2024-06-02T00:00:00.000Z' })).toEqual([b.name, c.name]);
    expect(await names({ from: '2024-06-01T00:00:00.001Z' })).toEqual([c, d, e].map((x) => x.name));
    expect(await names({ to: '2024-06-01T00:00:00.000Z' })).toEqual([a.name]);
    expect(await names({ from: new Date('2024-06-15T00:00:00Z'), to: new Date('2024-12-31T00:00:00Z') })).toEqual([d.name]);
    expect(await names({ from: '2024-06-02T00:00:00Z', to: '2024-06-01T00:00:00Z' })).toEqual([]);
    expect(await names({ incidentKey: ARM_ID })).toEqual([a, c, e].map((x) => x.name));
    expect(await names({ incidentKey: ARM_ID, from: '2024-06-01T00:00:00Z', to: '2024-12-31T00:00:00Z' })).toEqual([c.name]);
    expect(await names({ incidentKey: ARM_ID.toUpperCase() })).toEqual([]);

    const [entry] = (await all(store.list({ incidentKey: 'TRACK-1' }))) as [ArchiveListEntry];
    expect(entry).toEqual({
      name: b.name,
      receivedAt: '2024-06-01T00:00:00.000Z',
      sha256: b.sha256,
      size: 1,
      contentType: 'application/json',
      source: 'alerts',
      outcome: 'accepted',
      kind: 'resourceHealth',
      incidentKey: 'TRACK-1',
      dedupeKey: 'TRACK-1|2024-06-01T00:00:00.000Z',
      title: null,
      replay: null,
    });
  });

  it("lists what a replay delivered apart: left out by default, with the rest on 'include', alone on 'only'", async () => {
    const store = archive();
    const real = await store.put(Buffer.from('{"a":1}'), meta('2024-06-02T00:00:00.000Z', { incidentKey: 'TRACK-2' }));
    const replayed = await store.put(Buffer.from('{"a":2}'), meta('2024-06-02T00:00:01.000Z', { incidentKey: 'replay-20261207T201500-3fa2c1:TRACK-2', replay: 'replay-20261207T201500-3fa2c1' }));
    const names = async (replays?: 'exclude' | 'include' | 'only') => (await all(store.list({ from: '2024-06-02T00:00:00.000Z', ...(replays !== undefined ? { replays } : {}) }))).map((e) => [e.name, e.replay]);
    expect(await names()).toEqual([[real.name, null]]);
    expect(await names('include')).toEqual([
      [real.name, null],
      [replayed.name, 'replay-20261207T201500-3fa2c1'],
    ]);
    expect(await names('only')).toEqual([[replayed.name, 'replay-20261207T201500-3fa2c1']]);
  });

  it('lists nothing from an archive that has nothing yet', async () => {
    expect(await all(archive().list())).toEqual([]);
  });
});

describe('alert archive: metadata', () => {
  it('keeps an ARM id readable and a non-ASCII title intact through ASCII metadata', async () => {
    const store = archive();
    const title = ' Dégradation du service — 東日本 ✓ 🚨 100% ';
    const ref = await store.put(
      Buffer.from('{}'),
      meta('2024-06-01T08:00:00.000Z', { source: 'failovers', kind: 'manual', incidentKey: ARM_ID, dedupeKey: `${ARM_ID}#Unavailable`, title }),
    );
    const back = await store.get(ref.name);
    expect(back.meta).toMatchObject({ source: 'failovers', kind: 'manual', incidentKey: ARM_ID, dedupeKey: `${ARM_ID}#Unavailable`, title });
    const [listed] = await all(store.list({ incidentKey: ARM_ID }));
    expect(listed?.title).toBe(title);

    // What storage holds: ASCII only, the ARM id as is.
    const raw = await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(store.container).getBlobClient(ref.name).getProperties();
    for (const value of Object.values(raw.metadata ?? {})) expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(raw.metadata?.['incidentkey']).toBe(ARM_ID);
    expect(raw.metadata?.['title']).toMatch(/^%20D%C3%A9gradation du service %E2%80%94 /);
    expect(raw.metadata?.['title']).toContain('100%25');
  });

  it('shortens an overlong title instead of failing the write, and still lists by an overlong incidentKey', async () => {
    const store = archive();
    const longKey = `${ARM_ID}/${'é'.repeat(3000)}`;
    const ref = await store.put(Buffer.from('{}'), meta('2024-06-01T08:00:00.000Z', { title: '東'.repeat(10_000), incidentKey: longKey }));
    const back = await store.get(ref);
    expect(back.meta.title!.length).toBeLessThan(10_000);
    expect('東'.repeat(10_000).startsWith(back.meta.title!)).toBe(true);
    expect((await all(store.list({ incidentKey: longKey }))).map((e) => e.name)).toEqual([ref.name]);
  });

  it('encodes reversibly whatever the string', () => {
    for (const s of ['', 'plain', ' edge ', '100%', '%41', 'a\nb\u0000c', 'ünï', '🚨', '\ud800']) {
      const encoded = encodeMetadataValue(s);
      expect(encoded).toMatch(/^[\x21-\x7e]*(?:[\x20-\x7e]*[\x21-\x7e])?$/);
      expect(decodeMetadataValue(encoded)).toBe(Buffer.from(s, 'utf8').toString('utf8'));
    }
  });
});

describe('alert archive: incident timelines', () => {
  it('writes incidents/<id>/timeline.json and overwrites it each time', async () => {
    const store = archive();
    const id = 'incident/with odd#chars?';
    expect(await store.getTimeline(id)).toBeUndefined();
    const { name } = await store.putTimeline(id, [{ phase: 'plan' }]);
    expect(name).toBe(`incidents/${encodeURIComponent(id)}/timeline.json`);
    await store.putTimeline(id, [{ phase: 'plan' }, { phase: 'confirm', note: 'Störung' }]);
    expect(await store.getTimeline(id)).toEqual([{ phase: 'plan' }, { phase: 'confirm', note: 'Störung' }]);
    expect(await all(store.list())).toEqual([]);
  });

  it('writes incidents/<id>/page.html as HTML, byte for byte, beside the timeline', async () => {
    const store = archive();
    const id = 'incident/with odd#chars?';
    expect(await store.getPage(id)).toBeUndefined();
    const html = '<!doctype html><title>Störung 🚨</title><p>a &amp; b</p>\n';
    const { name } = await store.putPage(id, html);
    expect(name).toBe(`incidents/${encodeURIComponent(id)}/page.html`);
    expect(await store.getPage(id)).toBe(html);
    await store.putPage(id, '<p>second</p>');
    expect(await store.getPage(id)).toBe('<p>second</p>');
    const blob = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(store.container).getBlobClient(name);
    expect((await blob.getProperties()).contentType).toBe('text/html; charset=utf-8');
    // The page is no alert, and the timeline is its own document.
    expect(await all(store.list())).toEqual([]);
    expect(await store.getTimeline(id)).toBeUndefined();
  });
});

describe('alert archive: the outcome changes after archiving', () => {
  it('setOutcome replaces the outcome and keeps the bytes and the rest of the metadata', async () => {
    const store = archive();
    const raw = Buffer.from('{"data":{"essentials":{"alertId":"x"}}}');
    const ref = await store.put(raw, meta('2024-06-01T09:30:00.000Z', { kind: 'resourceHealth', incidentKey: ARM_ID, dedupeKey: 'd-1', title: 'Störung' }));
    const before = await store.get(ref);
    await store.setOutcome(ref, 'intake-failed');
    const after = await store.get(ref.name);
    expect(after.raw.equals(raw)).toBe(true);
    expect(after.meta).toEqual({ ...before.meta, outcome: 'intake-failed' });
    expect((await all(store.list({ incidentKey: ARM_ID }))).map((e) => [e.name, e.outcome])).toEqual([[ref.name, 'intake-failed']]);
  });

  it('refuses a name that is not an archived alert, and reports a missing one as StorageError', async () => {
    const store = archive();
    await expect(store.setOutcome('incidents/x/timeline.json', 'intake-failed')).rejects.toBeInstanceOf(RangeError);
    await store.put(Buffer.from('{}'), meta('2024-06-01T09:30:00.000Z'));
    const err = await store.setOutcome(archiveBlobName('2024-06-01T09:31:00.000Z', Buffer.from('other')), 'intake-failed').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).not.toBeInstanceOf(TransientStorageError);
    expect((err as StorageError).statusCode).toBe(404);
  });
});

describe('alert archive: storage failures', () => {
  it('reports an outage as TransientStorageError (so the webhook answers 503)', async () => {
    const own = await startAzurite({ inMemory: true });
    const store = createAlertArchive({ connectionString: own.connectionString, container: 'outage', retry: { maxTries: 2, retryDelayInMs: 20 } });
    const ref = await store.put(Buffer.from('{}'), meta('2024-06-01T08:00:00.000Z'));
    await own.close();
    const started = Date.now();
    const put = await store.put(Buffer.from('{"again":1}'), meta('2024-06-01T08:00:01.000Z')).catch((e: unknown) => e);
    expect(put).toBeInstanceOf(TransientStorageError);
    expect((put as Error).message).toMatch(/^StorageUnavailable: archive outage /);
    await expect(store.get(ref)).rejects.toBeInstanceOf(TransientStorageError);
    await expect(all(store.list())).rejects.toBeInstanceOf(TransientStorageError);
    await expect(store.putTimeline('i', [])).rejects.toBeInstanceOf(TransientStorageError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a first use against storage that is not there as transient (the container cannot be created)', async () => {
    const store = createAlertArchive({ connectionString: azurite.connectionString.replace(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'BlobEndpoint=http://127.0.0.1:1'), container: 'never', retry: { maxTries: 1 } });
    await expect(store.put(Buffer.from('{}'), meta('2024-06-01T08:00:00.000Z'))).rejects.toBeInstanceOf(TransientStorageError);
  });

  it('gives up after timeoutMs when storage accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const store = createAlertArchive({
        connectionString: azurite.connectionString.replace(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+/, `BlobEndpoint=http://127.0.0.1:${port}`),
        container: 'hung',
        timeoutMs: 300,
      });
      const err = await store.put(Buffer.from('{}'), meta('2024-06-01T08:00:00.000Z')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientStorageError);
      expect((err as Error).message).toMatch(/no answer within 300 ms/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a refusal (wrong key) as StorageError, not transient', async () => {
    const err = await createAlertArchive({ connectionString: wrongKey(azurite.connectionString), container: 'refused' })
      .put(Buffer.from('{}'), meta('2024-06-01T08:00:00.000Z'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).not.toBeInstanceOf(TransientStorageError);
    expect((err as StorageError).statusCode).toBe(403);
  });
});
