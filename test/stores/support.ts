/** One in-memory Azurite per test file, and a fresh table for each test (no test sees another's rows). */
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll } from 'vitest';
import { startAzurite, type Azurite } from '../../local/azurite.js';

export const ARM_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-media/providers/microsoft.media/mediaservices/amsprimary';
export const AT = '2024-06-01T09:30:00.000Z';

export interface StoresAzurite {
  readonly connectionString: string;
  /** Connection options for a table of its own, named `<prefix><n>`. */
  fresh(prefix: string): { connectionString: string; table: string };
  /** Every row of a table, as stored. */
  rows(table: string): Promise<Array<Record<string, unknown>>>;
}

export function useAzurite(): StoresAzurite {
  let azurite: Azurite | undefined;
  let n = 0;
  beforeAll(async () => {
    azurite = await startAzurite({ inMemory: true });
  });
  afterAll(async () => {
    await azurite?.close();
  });
  const connectionString = (): string => {
    if (azurite === undefined) throw new Error('Azurite is not started yet (use it inside a test)');
    return azurite.connectionString;
  };
  return {
    get connectionString() {
      return connectionString();
    },
    fresh: (prefix) => ({ connectionString: connectionString(), table: `${prefix}${++n}` }),
    rows: async (table) => {
      const client = TableClient.fromConnectionString(connectionString(), table, { allowInsecureConnection: true });
      const rows: Array<Record<string, unknown>> = [];
      for await (const entity of client.listEntities()) rows.push(entity);
      return rows;
    },
  };
}

/** A connection string like `connectionString`, with the table endpoint somewhere nothing listens. */
export function deadTableEndpoint(connectionString: string): string {
  return connectionString.replace(/TableEndpoint=http:\/\/127\.0\.0\.1:\d+/, 'TableEndpoint=http://127.0.0.1:1');
}

/** A connection string with the wrong account key: storage refuses every call with 403. */
export function wrongKey(connectionString: string): string {
  return connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
}
