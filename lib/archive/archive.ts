/**
 * The alert archive: every body the webhook receives, stored verbatim in Azure Blob Storage so
 * that past incidents can be explained and replayed against staging. Bytes in are bytes out:
 * invalid JSON, a byte-order mark or bytes that are not UTF-8 are kept exactly as they came.
 *
 * Layout of the container (default `alert-archive`):
 *
 *   alerts/YYYY/MM/DD/<SHA-256 of the body, 64 hex>.json                      by receipt day (UTC) and content
 *   alerts/YYYY/MM/DD/HHmmss.SSS-<first 16 hex of the body's SHA-256>.json    a replay's delivery, and every body archived before the content names
 *   incidents/<incident id, URI-encoded>/timeline.json                       overwritten each time
 *   incidents/<incident id, URI-encoded>/page.html                           the finished incident's page
 *
 * A body is named by its content within its receipt day, and written conditionally
 * (`If-None-Match: *`): a redelivery of the same bytes that day (Azure Monitor retries 5 to 40 s
 * later) finds the name taken (409) and is not stored again; the first copy's reference is
 * returned, with its receipt time. No listing is needed to recognize it, so a put costs one
 * request whatever else arrived that second. The full hash is in the name so that a taken name
 * can only mean the same bytes. A replay's delivery (lib/replay) keeps a receipt-time name: its
 * bytes may repeat an earlier replay's, which it must not be taken for. Listings go by day and
 * order a day's bodies by their receipt time (metadata `receivedat`), so both kinds of name,
 * and the names written before this scheme, list and read alike. Blob metadata carries what the
 * intake learned (source, outcome, kind, incidentKey, dedupeKey, title), percent-encoded because
 * metadata travels as ASCII HTTP headers; `setOutcome` changes the outcome later (`intake-failed`
 * when the intake failed after archiving).
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type StoragePipelineOptions } from '@azure/storage-blob';
import type { SignalKind } from '../alerts/signal.js';
import { containerProblem } from '../azure/names.js';
import { isCode, StorageError, storageCall, storageErrorCode } from '../storage/errors.js';

/** Where a body came from: the webhook, an on-call request, or the Microsoft 365 service health poller. */
export type AlertSource = 'alerts' | 'failovers' | 'servicehealth-poll';

/** What is known about an archived body. Everything but receivedAt, source and outcome is optional. */
export interface ArchivedAlertMeta {
  /** Receipt time, ISO-8601 UTC with milliseconds. The blob name derives from it. */
  receivedAt: string;
  /** The request's Content-Type, as sent; null when there was none. */
  contentType: string | null;
  /** Which endpoint received it: the action-group webhook or the operators' failover endpoint. */
  source: AlertSource;
  /** What the intake made of it, e.g. `accepted`, `duplicate`, `invalid_json`, `unsupported_alert`. */
  outcome: string;
  kind: SignalKind | null;
  incidentKey: string | null;
  dedupeKey: string | null;
  title: string | null;
  /** The replay this body was delivered by (lib/replay); null for everything Azure or a person sent. */
  replay: string | null;
}

/** What `put` takes: receivedAt may be a Date; the optional parts may be left out. */
export interface ArchivedAlertMetaInput {
  receivedAt: Date | string;
  contentType?: string | null | undefined;
  source: AlertSource;
  outcome: string;
  kind?: SignalKind | null | undefined;
  incidentKey?: string | null | undefined;
  dedupeKey?: string | null | undefined;
  title?: string | null | undefined;
  replay?: string | null | undefined;
}

/** Where an archived body is: its blob name, its receipt time and its hash. */
export interface ArchiveRef {
  /** `alerts/2024/06/01/<64 hex>.json`, or (a replay's delivery, or older) `alerts/2024/06/01/093000.123-0123456789abcdef.json` */
  readonly name: string;
  /** Receipt time of the stored copy. */
  readonly receivedAt: string;
  /** First 16 hex digits of the body's SHA-256. */
  readonly sha256: string;
}

/** What a blob name says: the receipt time only for a receipt-time name (a content name holds the day alone). */
export interface ArchiveName {
  readonly name: string;
  /** `YYYY-MM-DD`, the receipt day (UTC). */
  readonly day: string;
  /** Receipt time for a receipt-time name; null for a content name. */
  readonly receivedAt: string | null;
  /** First 16 hex digits of the body's SHA-256. */
  readonly sha256: string;
}

export interface ArchivePutResult extends ArchiveRef {
  /** True when these bytes were already archived (a redelivery): nothing new was written. */
  readonly duplicate: boolean;
}

export interface ArchivedAlert {
  readonly raw: Buffer;
  readonly meta: ArchivedAlertMeta;
}

export type ArchiveListEntry = ArchiveRef & ArchivedAlertMeta & { readonly size: number };

export interface ArchiveListOptions {
  /** Received at or after this instant. */
  from?: Date | string;
  /** Received before this instant (exclusive). */
  to?: Date | string;
  /** Only bodies whose signal had this incidentKey (exact match). */
  incidentKey?: string;
  /** Bodies replays delivered are listed apart: left out unless `replays` is `include` or `only`. */
  replays?: 'exclude' | 'include' | 'only';
}

export interface AlertArchive {
  readonly container: string;
  put(raw: Buffer, meta: ArchivedAlertMetaInput): Promise<ArchivePutResult>;
  /**
   * `put` for a caller that needs only the name and whether the bytes were stored already: one
   * request, without reading back the stored copy's receipt time on a redelivery (the webhook).
   */
  store(raw: Buffer, meta: ArchivedAlertMetaInput): Promise<{ readonly name: string; readonly duplicate: boolean }>;
  /** The stored bytes and metadata; a missing blob is a `StorageError` with code `BlobNotFound`. */
  get(ref: ArchiveRef | string): Promise<ArchivedAlert>;
  /** Archived bodies in receipt order. */
  list(options?: ArchiveListOptions): AsyncIterable<ArchiveListEntry>;
  /**
   * Replaces the stored `outcome` of an archived body (the bytes and the rest of its metadata stay
   * as they are), when what became of it changed after it was archived: `intake-failed`.
   */
  setOutcome(ref: ArchiveRef | string, outcome: string): Promise<void>;
  /** Writes `replays/<replayId>/<part>.json`: what a replay was asked to do (`request`) and what it found (`report`). */
  putReplay(replayId: string, part: ReplayPart, value: unknown): Promise<{ name: string }>;
  /** The replay document, or undefined when there is none. */
  getReplay(replayId: string, part: ReplayPart): Promise<unknown>;
  /** Writes `incidents/<incidentId>/timeline.json` (pretty JSON), replacing the previous one. */
  putTimeline(incidentId: string, timeline: unknown): Promise<{ name: string }>;
  /** The saved timeline, or undefined when none was saved. */
  getTimeline(incidentId: string): Promise<unknown>;
  /** Writes `incidents/<incidentId>/page.html`: the finished incident's page (lib/report/incident-page.ts), the audit record; replaces an earlier one. */
  putPage(incidentId: string, html: string): Promise<{ name: string }>;
  /** The archived page, or undefined when none was written. */
  getPage(incidentId: string): Promise<string | undefined>;
}

export type ReplayPart = 'request' | 'report';

export interface StorageRetryTuning {
  /** Attempts per request, the first included. Default 3. */
  maxTries?: number;
  /** Delay before the first retry, doubling each time. Default 250. */
  retryDelayInMs?: number;
  /** Default 2000. */
  maxRetryDelayInMs?: number;
}

export type AlertArchiveOptions = (
  | { connectionString: string; serviceUrl?: never; credential?: never }
  | { serviceUrl: string; credential: TokenCredential; connectionString?: never }
) & {
  /** Default `alert-archive`. */
  container?: string;
  /** Deadline for one call (all of the SDK's retries included); past it, `TransientStorageError`. Default 10000. */
  timeoutMs?: number;
  retry?: StorageRetryTuning;
};

export const DEFAULT_ARCHIVE_CONTAINER = 'alert-archive';

const ALERTS_PREFIX = 'alerts/';
/** A receipt-time name: a replay's delivery, and every body archived before content names. */
const TIMED_NAME = /^alerts\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})(\d{2})(\d{2})\.(\d{3})-([0-9a-f]{16})\.json$/;
/** A content name: the body's whole SHA-256 within its receipt day. */
const CONTENT_NAME = /^alerts\/(\d{4})\/(\d{2})\/(\d{2})\/([0-9a-f]{64})\.json$/;
const PAGE_SIZE = 1000;

// ---------------------------------------------------------------------------------------------
// Names

function toInstant(value: Date | string, what: string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${what} is not a valid date: ${String(value)}`);
  return date;
}

/** `alerts/YYYY/MM/DD/HHmmss.SSS` for an instant (UTC). */
function stamp(date: Date): string {
  const iso = date.toISOString(); // 2024-06-01T09:30:00.123Z
  if (iso.length !== 24) throw new RangeError(`receipt time out of range: ${iso}`);
  return `${ALERTS_PREFIX}${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}`;
}

function sha256Hex(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** `alerts/YYYY/MM/DD/` of an instant (UTC). */
function dayPrefix(date: Date): string {
  return stamp(date).slice(0, ALERTS_PREFIX.length + 11);
}

/**
 * The blob name a body received at `receivedAt` is stored under: its SHA-256 within its receipt
 * day, or, for a replay's delivery (`replay` set), the receipt time and the hash's first 16 hex.
 */
export function archiveBlobName(receivedAt: Date | string, raw: Buffer, replay?: string | null): string {
  const at = toInstant(receivedAt, 'receivedAt');
  const digest = sha256Hex(raw);
  return replay === null || replay === undefined ? `${dayPrefix(at)}${digest}.json` : `${stamp(at)}-${digest.slice(0, 16)}.json`;
}

/** Reads a blob name back; undefined for a name that is not an archived alert. */
export function parseArchiveName(name: string): ArchiveName | undefined {
  const content = CONTENT_NAME.exec(name);
  if (content) {
    const [, y, mo, d, sha] = content;
    return { name, day: `${y}-${mo}-${d}`, receivedAt: null, sha256: sha!.slice(0, 16) };
  }
  const m = TIMED_NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, sha] = m;
  return { name, day: `${y}-${mo}-${d}`, receivedAt: `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`, sha256: sha! };
}

/** The receipt time a name says, or the start of its day for a content name (its metadata says more). */
function nameTime(parsed: ArchiveName): string {
  return parsed.receivedAt ?? `${parsed.day}T00:00:00.000Z`;
}

function timelineName(incidentId: string): string {
  if (incidentId === '') throw new RangeError('incidentId must not be empty');
  return `incidents/${encodeURIComponent(incidentId)}/timeline.json`;
}

function pageName(incidentId: string): string {
  if (incidentId === '') throw new RangeError('incidentId must not be empty');
  return `incidents/${encodeURIComponent(incidentId)}/page.html`;
}

function replayName(replayId: string, part: ReplayPart): string {
  if (replayId === '') throw new RangeError('replayId must not be empty');
  return `replays/${encodeURIComponent(replayId)}/${part}.json`;
}

// ---------------------------------------------------------------------------------------------
// Metadata: names are lower-case identifiers; values are ASCII header values.

/**
 * Percent-encodes the UTF-8 bytes of everything outside printable ASCII, `%` itself, and spaces
 * at either end (HTTP trims them). Printable ASCII stays readable: an ARM id is stored as is.
 */
export function encodeMetadataValue(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const edgeSpace = b === 0x20 && (i === 0 || i === bytes.length - 1);
    if (b >= 0x20 && b <= 0x7e && b !== 0x25 && !edgeSpace) out += String.fromCharCode(b);
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeMetadataValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Encodes `value`, shortening it (by whole characters) until the encoding fits `limit`. */
function encodeWithin(value: string, limit: number): { encoded: string; truncated: boolean } {
  let encoded = encodeMetadataValue(value);
  if (encoded.length <= limit) return { encoded, truncated: false };
  let chars = [...value];
  while (encoded.length > limit && chars.length > 0) {
    chars = chars.slice(0, Math.max(0, Math.min(chars.length - 1, Math.floor((chars.length * limit) / encoded.length))));
    encoded = encodeMetadataValue(chars.join(''));
  }
  return { encoded, truncated: true };
}

// The whole metadata set must stay under 8 KB: these caps keep it there whatever the input.
const LIMITS = { contenttype: 256, outcome: 256, kind: 64, incidentkey: 2048, dedupekey: 2048, title: 1024, replay: 128 } as const;
const SOURCES: readonly AlertSource[] = ['alerts', 'failovers', 'servicehealth-poll'];

function keyHash(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 32);
}

function toMetadata(meta: ArchivedAlertMetaInput, receivedAt: string, bodySha256: string): Record<string, string> {
  if (!SOURCES.includes(meta.source)) throw new RangeError(`source must be one of ${SOURCES.join(', ')}, got ${String(meta.source)}`);
  const metadata: Record<string, string> = { receivedat: receivedAt, source: meta.source, sha256: bodySha256 };
  const truncated: string[] = [];
  const optional: Array<[keyof typeof LIMITS, string | null | undefined]> = [
    ['outcome', meta.outcome],
    ['contenttype', meta.contentType],
    ['kind', meta.kind],
    ['incidentkey', meta.incidentKey],
    ['dedupekey', meta.dedupeKey],
    ['title', meta.title],
    ['replay', meta.replay],
  ];
  for (const [key, value] of optional) {
    if (value === null || value === undefined) continue;
    const { encoded, truncated: cut } = encodeWithin(value, LIMITS[key]);
    metadata[key] = encoded;
    if (cut) truncated.push(key);
  }
  // Exact filtering by incident even when a very long key had to be shortened.
  if (meta.incidentKey !== null && meta.incidentKey !== undefined) metadata['incidentkeyhash'] = keyHash(meta.incidentKey);
  if (truncated.length > 0) metadata['truncated'] = truncated.join(',');
  return metadata;
}

function fromMetadata(metadata: Record<string, string> | undefined, fallbackReceivedAt: string): ArchivedAlertMeta {
  const m: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) m[k.toLowerCase()] = v;
  const text = (key: string): string | null => (m[key] === undefined ? null : decodeMetadataValue(m[key]));
  const source = m['source'];
  return {
    receivedAt: m['receivedat'] ?? fallbackReceivedAt,
    contentType: text('contenttype'),
    source: SOURCES.find((s) => s === source) ?? 'alerts',
    outcome: text('outcome') ?? '',
    kind: text('kind') as SignalKind | null,
    incidentKey: text('incidentkey'),
    dedupeKey: text('dedupekey'),
    title: text('title'),
    replay: text('replay'),
  };
}

function matchesIncident(metadata: Record<string, string> | undefined, incidentKey: string): boolean {
  if (metadata === undefined) return false;
  const lower = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
  const hash = lower['incidentkeyhash'];
  if (hash !== undefined) return hash === keyHash(incidentKey);
  return lower['incidentkey'] !== undefined && decodeMetadataValue(lower['incidentkey']) === incidentKey;
}

const HEADER_SAFE = /^[\x20-\x7e]{1,256}$/;

// ---------------------------------------------------------------------------------------------

export function createAlertArchive(options: AlertArchiveOptions): AlertArchive {
  const containerName = options.container ?? DEFAULT_ARCHIVE_CONTAINER;
  if (containerProblem(containerName) !== null) {
    throw new RangeError(`container "${containerName}" is not a valid blob container name (3-63 lower-case letters, digits and single hyphens)`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pipeline: StoragePipelineOptions = {
    retryOptions: {
      maxTries: options.retry?.maxTries ?? 3,
      retryDelayInMs: options.retry?.retryDelayInMs ?? 250,
      maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? 2000,
    },
    userAgentOptions: { userAgentPrefix: 'failover-orchestrator-archive' },
  };
  const service =
    options.connectionString !== undefined
      ? BlobServiceClient.fromConnectionString(options.connectionString, pipeline)
      : new BlobServiceClient(options.serviceUrl, options.credential, pipeline);
  const container = service.getContainerClient(containerName);
  const label = `archive ${containerName}`;
  const call = <T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>) => storageCall(`${label} ${what}`, timeoutMs, fn);

  let created: Promise<void> | undefined;
  const ensureContainer = (): Promise<void> => {
    created ??= call('create container', async (abortSignal) => {
      await container.createIfNotExists({ abortSignal });
    }).catch((err: unknown) => {
      created = undefined; // try again on the next call
      throw err;
    });
    return created;
  };

  async function store(raw: Buffer, metaInput: ArchivedAlertMetaInput): Promise<{ name: string; duplicate: boolean; receivedAt: string; sha256: string; contentName: boolean }> {
    if (!Buffer.isBuffer(raw)) throw new TypeError('put: raw must be a Buffer of the body as received');
    const received = toInstant(metaInput.receivedAt, 'receivedAt');
    const receivedAt = received.toISOString();
    const digest = sha256Hex(raw);
    const contentName = (metaInput.replay ?? null) === null;
    const name = contentName ? `${dayPrefix(received)}${digest}.json` : `${stamp(received)}-${digest.slice(0, 16)}.json`;
    const sha256 = digest.slice(0, 16);
    const metadata = toMetadata(metaInput, receivedAt, digest);
    await ensureContainer();

    const contentType = metaInput.contentType ?? undefined;
    try {
      await call(`put ${name}`, (abortSignal) =>
        container.getBlockBlobClient(name).upload(raw, raw.length, {
          abortSignal,
          conditions: { ifNoneMatch: '*' },
          metadata,
          blobHTTPHeaders: { blobContentType: contentType !== undefined && HEADER_SAFE.test(contentType) ? contentType : 'application/octet-stream' },
        }),
      );
    } catch (err) {
      // 409 BlobAlreadyExists: these bytes were stored first, by an earlier delivery that day, a
      // racing writer or our own retried attempt. The first copy stands.
      if (isCode(err, 409, 'BlobAlreadyExists')) return { name, duplicate: true, receivedAt, sha256, contentName };
      throw err;
    }
    return { name, duplicate: false, receivedAt, sha256, contentName };
  }

  async function put(raw: Buffer, metaInput: ArchivedAlertMetaInput): Promise<ArchivePutResult> {
    const { name, duplicate, receivedAt, sha256, contentName } = await store(raw, metaInput);
    // A receipt-time name holds its receipt time; a content name's first copy says it in its metadata.
    return { name, receivedAt: duplicate && contentName ? await storedReceivedAt(name, receivedAt) : receivedAt, sha256, duplicate };
  }

  /** When the stored copy of a content name was received (its metadata); `fallback` if it does not say. */
  async function storedReceivedAt(name: string, fallback: string): Promise<string> {
    const properties = await call(`read ${name}`, (abortSignal) => container.getBlobClient(name).getProperties({ abortSignal }));
    const stored = Object.entries(properties.metadata ?? {}).find(([k]) => k.toLowerCase() === 'receivedat')?.[1];
    return stored !== undefined && !Number.isNaN(Date.parse(stored)) ? stored : fallback;
  }

  async function get(refOrName: ArchiveRef | string): Promise<ArchivedAlert> {
    const name = typeof refOrName === 'string' ? refOrName : refOrName.name;
    const ref = parseArchiveName(name);
    if (ref === undefined) throw new RangeError(`"${name}" is not the name of an archived alert (alerts/YYYY/MM/DD/<hash>.json)`);
    const operation = `${label} get ${name}`;
    return call(`get ${name}`, async (abortSignal) => {
      let response;
      try {
        response = await container.getBlobClient(name).download(0, undefined, { abortSignal });
      } catch (err) {
        // Nothing archived yet: the alert is just as missing.
        if (storageErrorCode(err) === 'ContainerNotFound') throw new StorageError('BlobNotFound', operation, 'the specified blob does not exist', { statusCode: 404, cause: err });
        throw err;
      }
      const raw = await readAll(response.readableStreamBody);
      const meta = fromMetadata(response.metadata, nameTime(ref));
      const digest = sha256Hex(raw);
      const stored = Object.entries(response.metadata ?? {}).find(([k]) => k.toLowerCase() === 'sha256')?.[1];
      if (!digest.startsWith(ref.sha256) || (stored !== undefined && stored !== digest)) {
        throw new StorageError('ArchiveCorrupt', operation, `the stored bytes do not match the hash they were archived under (sha256 ${digest})`);
      }
      return { raw, meta };
    });
  }

  /** Pages of one listing, each page a request of its own with its own deadline. */
  async function* pages<T>(what: string, fetchPage: (token: string | undefined, abortSignal: AbortSignal) => Promise<{ items: T[]; token: string | undefined }>): AsyncGenerator<T> {
    let token: string | undefined;
    do {
      let page: { items: T[]; token: string | undefined };
      try {
        page = await call(what, (abortSignal) => fetchPage(token, abortSignal));
      } catch (err) {
        if (err instanceof StorageError && err.code === 'ContainerNotFound') return; // nothing archived yet
        throw err;
      }
      yield* page.items;
      token = page.token;
    } while (token);
  }

  function childPrefixes(prefix: string): AsyncGenerator<string> {
    return pages(`list ${prefix}`, async (token, abortSignal) => {
      const next = await container
        .listBlobsByHierarchy('/', { prefix, abortSignal })
        .byPage({ maxPageSize: PAGE_SIZE, ...(token ? { continuationToken: token } : {}) })
        .next();
      const page = next.done ? undefined : next.value;
      return { items: (page?.segment.blobPrefixes ?? []).map((p) => p.name), token: page?.continuationToken || undefined };
    });
  }

  async function* list(options: ArchiveListOptions = {}): AsyncGenerator<ArchiveListEntry> {
    const lower = options.from === undefined ? ALERTS_PREFIX : stamp(toInstant(options.from, 'from'));
    const upper = options.to === undefined ? 'alerts0' : stamp(toInstant(options.to, 'to')); // '0' sorts right after '/'
    if (lower >= upper) return;
    // Items under prefix p can fall in [lower, upper) only if this holds.
    const relevant = (p: string) => (p >= lower || lower.startsWith(p)) && p < upper;
    for await (const year of childPrefixes(ALERTS_PREFIX)) {
      if (!relevant(year)) continue;
      for await (const month of childPrefixes(year)) {
        if (!relevant(month)) continue;
        for await (const day of childPrefixes(month)) {
          if (!relevant(day)) continue;
          const blobs = pages(`list ${day}`, async (token, abortSignal) => {
            const next = await container
              .listBlobsFlat({ prefix: day, includeMetadata: true, abortSignal })
              .byPage({ maxPageSize: PAGE_SIZE, ...(token ? { continuationToken: token } : {}) })
              .next();
            const page = next.done ? undefined : next.value;
            return { items: page?.segment.blobItems ?? [], token: page?.continuationToken || undefined };
          });
          // Content names do not sort by time: a day is read whole, then ordered by receipt time.
          const entries: ArchiveListEntry[] = [];
          for await (const blob of blobs) {
            const parsed = parseArchiveName(blob.name);
            if (parsed === undefined) continue;
            if (options.incidentKey !== undefined && !matchesIncident(blob.metadata, options.incidentKey)) continue;
            let meta = fromMetadata(blob.metadata, nameTime(parsed));
            if (Number.isNaN(Date.parse(meta.receivedAt))) meta = { ...meta, receivedAt: nameTime(parsed) };
            const at = stamp(new Date(meta.receivedAt));
            if (at < lower || at >= upper) continue;
            const replays = options.replays ?? 'exclude';
            if ((meta.replay !== null && replays === 'exclude') || (meta.replay === null && replays === 'only')) continue;
            entries.push({ ...meta, name: blob.name, receivedAt: meta.receivedAt, sha256: parsed.sha256, size: blob.properties.contentLength ?? 0 });
          }
          entries.sort((x, y) => (x.receivedAt < y.receivedAt ? -1 : x.receivedAt > y.receivedAt ? 1 : x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
          yield* entries;
        }
      }
    }
  }

  /** Writes a document (UTF-8 text of `contentType`), replacing the previous one. */
  async function putText(name: string, text: string, contentType: string, metadata: Record<string, string>): Promise<{ name: string }> {
    const body = Buffer.from(text, 'utf8');
    await ensureContainer();
    await call(`put ${name}`, (abortSignal) =>
      container.getBlockBlobClient(name).upload(body, body.length, {
        abortSignal,
        metadata: { ...metadata, savedat: new Date().toISOString() },
        blobHTTPHeaders: { blobContentType: `${contentType}; charset=utf-8` },
      }),
    );
    return { name };
  }

  /** A document read from its text by `read` (a failure to read it is the call's), or undefined when there is none. */
  async function getText<T>(name: string, read: (text: string) => T): Promise<T | undefined> {
    try {
      return await call(`get ${name}`, async (abortSignal) => {
        const response = await container.getBlobClient(name).download(0, undefined, { abortSignal });
        return read((await readAll(response.readableStreamBody)).toString('utf8'));
      });
    } catch (err) {
      if (err instanceof StorageError && (err.statusCode === 404 || err.code === 'BlobNotFound' || err.code === 'ContainerNotFound')) return undefined;
      throw err;
    }
  }

  /** Writes a JSON document (pretty), replacing the previous one. */
  function putJson(name: string, value: unknown, metadata: Record<string, string>): Promise<{ name: string }> {
    const json = JSON.stringify(value, null, 2);
    if (json === undefined) throw new TypeError(`${name}: the value is not JSON-serializable`);
    return putText(name, `${json}\n`, 'application/json', metadata);
  }

  /** A JSON document, or undefined when there is none. */
  function getJson(name: string): Promise<unknown> {
    return getText(name, (text) => JSON.parse(text) as unknown);
  }

  const putTimeline = (incidentId: string, timeline: unknown) => putJson(timelineName(incidentId), timeline, { incidentid: encodeWithin(incidentId, 2048).encoded });
  const getTimeline = (incidentId: string) => getJson(timelineName(incidentId));
  const putPage = (incidentId: string, html: string) => putText(pageName(incidentId), html, 'text/html', { incidentid: encodeWithin(incidentId, 2048).encoded });
  const getPage = (incidentId: string) => getText(pageName(incidentId), (text) => text);
  const putReplay = (replayId: string, part: ReplayPart, value: unknown) => putJson(replayName(replayId, part), value, { replayid: encodeWithin(replayId, 256).encoded });
  const getReplay = (replayId: string, part: ReplayPart) => getJson(replayName(replayId, part));

  async function setOutcome(refOrName: ArchiveRef | string, outcome: string): Promise<void> {
    const name = typeof refOrName === 'string' ? refOrName : refOrName.name;
    if (parseArchiveName(name) === undefined) throw new RangeError(`"${name}" is not the name of an archived alert (alerts/YYYY/MM/DD/<hash>.json)`);
    const { encoded, truncated } = encodeWithin(outcome, LIMITS.outcome);
    const blob = container.getBlobClient(name);
    // Metadata is replaced whole: read it, change the outcome, write it back only if nobody else did meanwhile.
    for (let attempt = 1; ; attempt++) {
      try {
        await call(`set outcome ${name}`, async (abortSignal) => {
          const properties = await blob.getProperties({ abortSignal });
          const metadata: Record<string, string> = {};
          for (const [k, v] of Object.entries(properties.metadata ?? {})) metadata[k.toLowerCase()] = v;
          metadata['outcome'] = encoded;
          const cut = (metadata['truncated'] ?? '').split(',').filter((k) => k !== '' && k !== 'outcome');
          if (truncated) cut.push('outcome');
          if (cut.length > 0) metadata['truncated'] = cut.join(',');
          else delete metadata['truncated'];
          await blob.setMetadata(metadata, { abortSignal, conditions: { ifMatch: properties.etag } });
        });
        return;
      } catch (err) {
        if (!isCode(err, 412, 'ConditionNotMet') || attempt >= 3) throw err;
      }
    }
  }

  return {
    container: containerName,
    put,
    store: async (raw, meta) => {
      const { name, duplicate } = await store(raw, meta);
      return { name, duplicate };
    },
    get,
    list,
    putTimeline,
    getTimeline,
    putPage,
    getPage,
    putReplay,
    getReplay,
    setOutcome,
  };
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
