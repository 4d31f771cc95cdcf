import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { AZURITE_ACCOUNT_NAME, startAzurite } from '../../local/azurite.js';
import { killAll, runLocalMain } from '../support/local-main.js';

const tmp = mkdtempSync(join(tmpdir(), 'storage-azurite-'));
afterAll(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

async function refused(endpoint: string): Promise<boolean> {
  try {
    await fetch(`${endpoint}?comp=list`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe('startAzurite', () => {
  it('starts blob and table on free ports in well under 3 s, and stops cleanly', async () => {
    const started = Date.now();
    const azurite = await startAzurite({ inMemory: true });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(azurite.blobEndpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${AZURITE_ACCOUNT_NAME}$`));
    expect(azurite.tableEndpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${AZURITE_ACCOUNT_NAME}$`));
    expect(azurite.connectionString).toContain(`BlobEndpoint=${azurite.blobEndpoint};`);
    expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.tableEndpoint};`);
    expect(azurite.location).toBeUndefined();

    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
    await blobs.getContainerClient('smoke').create();
    expect((await blobs.getContainerClient('smoke').exists())).toBe(true);

    const stopping = Date.now();
    await azurite.close();
    await azurite.close();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    expect(await azurite.exited).toBe(0);
    expect(await refused(azurite.blobEndpoint)).toBe(true);
  });

  it('keeps data on disk under <dataDir>/azurite across restarts', async () => {
    const dataDir = join(tmp, 'persist');
    const first = await startAzurite({ dataDir });
    expect(first.location).toBe(join(dataDir, 'azurite'));
    const kept = BlobServiceClient.fromConnectionString(first.connectionString).getContainerClient('kept');
    await kept.create();
    await kept.getBlockBlobClient('a.txt').upload('hello', 5);
    await first.close();
    expect(existsSync(join(dataDir, 'azurite'))).toBe(true);

    const second = await startAzurite({ dataDir });
    try {
      const body = await BlobServiceClient.fromConnectionString(second.connectionString).getContainerClient('kept').getBlobClient('a.txt').downloadToBuffer();
      expect(body.toString()).toBe('hello');
    } finally {
      await second.close();
    }
  });

  it('fails with a clear message when a port cannot be bound', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const started = Date.now();
      await expect(startAzurite({ inMemory: true, tablePort: port })).rejects.toThrow(
        new RegExp(`Azurite could not bind its table port 127\\.0\\.0\\.1:${port}: it is already in use \\(EADDRINUSE\\)`),
      );
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await new Promise((r) => server.close(r));
    }
    await expect(startAzurite({ blobPort: 70000 })).rejects.toThrow(/blobPort must be a port number/);
  });
});

/** local/main.ts with `args`; `listening` resolves with what it printed once it listens. */
function run(args: string[]) {
  const host = runLocalMain(args);
  void host.exited.then((code) => {
    const { stdout, stderr } = host.output();
    if (code !== 0) process.stderr.write(`main.ts exited ${code} ${host.child.signalCode}\n${stdout}\n${stderr}\n`);
  });
  const listening = host.waitFor(/Listening on http/, 12_000).then(() => host.output().stdout);
  return { child: host.child, exited: host.exited, listening, output: host.output };
}

describe('npm start with Azurite', () => {
  it('local/main.ts prints the Azurite endpoints, serves storage, and stops it on SIGINT (exit 0)', async () => {
    const dataDir = join(tmp, 'main');
    const { child, exited, listening, output } = run(['--port', '0', '--data-dir', dataDir]);
    const banner = await listening;
    const blob = /blob:\s+(http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1)/.exec(banner)?.[1];
    const table = /table:\s+(http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1)/.exec(banner)?.[1];
    expect(banner).toContain(`Azurite (local storage): ${join(dataDir, 'azurite')}`);
    expect(banner).toMatch(/settings:\s+AzureWebJobsStorage, ALERT_ARCHIVE_CONNECTION, INCIDENT_CLAIMS_CONNECTION/);
    expect(blob).toBeDefined();
    expect(table).toBeDefined();
    expect(await refused(blob!)).toBe(false);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output().stderr).toBe('');
    expect(await refused(blob!)).toBe(true);
    expect(await refused(table!)).toBe(true);
  });

  it('does not start Azurite with --no-azurite', async () => {
    const { child, exited, listening } = run(['--port', '0', '--data-dir', join(tmp, 'none'), '--no-sim', '--no-azurite']);
    const banner = await listening;
    expect(banner).not.toContain('Azurite');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
