/**
 * One way to open a Table Storage table for the app's stores (incident claims, the notification
 * outbox): a connection string or a service URL with the app's identity, short bounded retries,
 * every call under one deadline (past it, `TransientStorageError`), and the table created on first
 * use. Plain http is allowed only where the endpoint says so (Azurite).
 */
import { createHash } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import {
  TableClient,
  type CreateTableEntityResponse,
  type GetTableEntityOptions,
  type TableEntity,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import type { StorageConnection } from '../config.js';
import { isCode, storageCall } from './errors.js';

export interface TableRetryTuning {
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Default 250. */
  retryDelayInMs?: number;
  /** Default 2000. */
  maxRetryDelayInMs?: number;
}

/** Where the table is: a connection string, or a service URL reached with a credential. */
export type TableConnection = { connectionString: string; url?: never; credential?: never } | { url: string; credential: TokenCredential; connectionString?: never };

/**
 * Where the configuration says a table is (a `StorageConnection`: a connection string, or a
 * service URL reached with `credential`, the app's identity). `what` names the table in the error
 * when the identity is needed and no credential was given.
 */
export function tableConnection(settings: { readonly connection: StorageConnection }, credential: TokenCredential | undefined, what: string): TableConnection {
  const { connection } = settings;
  if (connection.kind === 'connectionString') return { connectionString: connection.connectionString };
  if (credential === undefined) throw new Error(`${what} is reached with the app's identity (${connection.setting}); pass a credential`);
  return { url: connection.serviceUrl, credential };
}

export interface OpenTableOptions {
  table: string;
  /** Names the store in errors and the user agent (`claims`, `outbox`). */
  label: string;
  timeoutMs: number;
  retry?: TableRetryTuning | undefined;
}

export interface OpenTable {
  readonly client: TableClient;
  /** Runs one call under the store's deadline; `what` names it in errors. */
  call<T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>): Promise<T>;
  /** Creates the table once (409 TableAlreadyExists counts as done); a failure is retried on the next call. */
  ensureTable(): Promise<void>;
  /**
   * Inserts a row unless one with its keys is there (a conditional insert: of any number of
   * concurrent callers, exactly one adds it). Storage's answer (the new row's `etag`), or null when
   * the row was already there (409 EntityAlreadyExists).
   */
  insertNew<T extends object>(what: string, entity: TableEntity<T>): Promise<CreateTableEntityResponse | null>;
  /** One row with its `etag`, or null when there is none (404 ResourceNotFound). */
  readRow<T extends object>(what: string, partitionKey: string, rowKey: string, options?: Omit<GetTableEntityOptions, 'abortSignal'>): Promise<TableEntityResult<T> | null>;
}

export function openTable(connection: TableConnection, options: OpenTableOptions): OpenTable {
  const { table } = options;
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(table)) {
    throw new RangeError(`table "${table}" is not a valid table name (3-63 letters and digits, starting with a letter)`);
  }
  const clientOptions: TableServiceClientOptions = {
    retryOptions: {
      maxRetries: options.retry?.maxRetries ?? 2,
      retryDelayInMs: options.retry?.retryDelayInMs ?? 250,
      maxRetryDelayInMs: options.retry?.maxRetryDelayInMs ?? 2000,
    },
    userAgentOptions: { userAgentPrefix: `failover-orchestrator-${options.label}` },
  };
  const client =
    connection.connectionString !== undefined
      ? TableClient.fromConnectionString(connection.connectionString, table, {
          ...clientOptions,
          ...(insecureEndpoint(connection.connectionString) ? { allowInsecureConnection: true } : {}),
        })
      : new TableClient(connection.url, table, connection.credential, {
          ...clientOptions,
          ...(connection.url.toLowerCase().startsWith('http:') ? { allowInsecureConnection: true } : {}),
        });
  const label = `${options.label} ${table}`;
  const call = <T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>) => storageCall(`${label} ${what}`, options.timeoutMs, fn);
  let created: Promise<void> | undefined;
  const ensureTable = (): Promise<void> => {
    created ??= call('create table', (abortSignal) => client.createTable({ abortSignal })).catch((err: unknown) => {
      created = undefined;
      throw err;
    });
    return created;
  };
  const insertNew = async <T extends object>(what: string, entity: TableEntity<T>): Promise<CreateTableEntityResponse | null> => {
    await ensureTable();
    try {
      return await call(what, (abortSignal) => client.createEntity(entity, { abortSignal }));
    } catch (err) {
      if (isCode(err, 409, 'EntityAlreadyExists')) return null;
      throw err;
    }
  };
  const readRow = async <T extends object>(
    what: string,
    partitionKey: string,
    rowKey: string,
    getOptions: Omit<GetTableEntityOptions, 'abortSignal'> = {},
  ): Promise<TableEntityResult<T> | null> => {
    await ensureTable();
    try {
      return await call(what, (abortSignal) => client.getEntity<T>(partitionKey, rowKey, { ...getOptions, abortSignal }));
    } catch (err) {
      if (isCode(err, 404, 'ResourceNotFound')) return null;
      throw err;
    }
  };
  return { client, call, ensureTable, insertNew, readRow };
}

/**
 * Hex SHA-256 of a string: what the stores and the outbox use as keys, since table keys may not
 * contain `/ \ # ?` or control characters and the strings they key (ARM ids, incident ids) may.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Edm.DateTime comes back as a Date, an ISO string, or `{ value, type }` without type conversion; null when none of those. */
export function isoFrom(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { value?: unknown }).value === 'string') return (value as { value: string }).value;
  return null;
}

function insecureEndpoint(connectionString: string): boolean {
  const endpoint = /(?:^|;)\s*TableEndpoint\s*=\s*([^;]+)/i.exec(connectionString)?.[1]?.trim();
  if (endpoint !== undefined) return endpoint.toLowerCase().startsWith('http:');
  return /(?:^|;)\s*DefaultEndpointsProtocol\s*=\s*http\s*(?:;|$)/i.test(connectionString);
}
