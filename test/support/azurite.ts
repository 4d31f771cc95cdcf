/**
 * Azurite for the storage tests: one in-memory instance per test file with a fresh table for each
 * test, so no test sees another's rows (`useAzurite`), and a connection string storage refuses
 * (`wrongKey`).
 */
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll } from 'vitest';
import { startAzurite, type Azurite } from '../../local/azurite.js';

export interface TestAzurite {
  readonly connectionString: string;
  /** Connection options for a table of its own, named `<prefix><n>`. */
  fresh(prefix: string): { connectionString: string; table: string };
  /** Every row of a table, as stored. */
  rows(table: string): Promise<Array<Record<string, unknown>>>;
}

export function useAzurite(): TestAzurite {
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

/** A connection string with the wrong account key: storage refuses every call with 403. */
export function wrongKey(connectionString: string): string {
  return connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`);
}
