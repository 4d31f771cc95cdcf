/**
 * The Azure side of a server-side blob copy between accounts (Azurite, which the end-to-end
 * tests use, implements neither Put Block From URL nor token-authorized copy sources): the
 * requests it makes, as the storage service receives them. The transport is a recording one;
 * everything above it is the real storage SDK.
 */
import { BlobClient, BlockBlobClient, newPipeline, type StoragePipelineOptions } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { copyBlocksWithToken } from '../../lib/azure/blob.js';

const MiB = 1024 * 1024;
const credential = { getToken: async (scope: string | string[]) => ({ token: `token-for-${String(scope)}`, expiresOnTimestamp: Date.now() + 3600_000 }) };

/** The storage SDK's transport contract (core-http's WebResource in, HttpOperationResponse out), recording each request. */
interface Sent {
  method: string;
  url: string;
  headers: { toJson(): Record<string, string> };
  body?: unknown;
}

function recordingTransport(sourceBytes: number) {
  const seen: Array<{ method: string; url: string; headers: Record<string, string>; body: string }> = [];
  const httpClient = {
    async sendRequest(request: Sent) {
      const sent = Object.fromEntries(Object.entries(request.headers.toJson()).map(([k, v]) => [k.toLowerCase(), v]));
      seen.push({ method: request.method, url: request.url, headers: sent, body: typeof request.body === 'string' ? request.body : '' });
      const answer: Record<string, string> = { 'x-ms-request-id': 'r', 'x-ms-version': '2025-01-05', ...(request.method === 'HEAD' ? { 'content-length': String(sourceBytes) } : {}) };
      return { request, status: request.method === 'HEAD' ? 200 : 201, headers: { toJson: () => answer, get: (name: string) => answer[name.toLowerCase()] } };
    },
  } as unknown as StoragePipelineOptions['httpClient'];
  return { seen, httpClient };
}

describe('copyBlocksWithToken', () => {
  it('copies range by range from the geo-secondary, authorizing the source with a token, then commits the blocks in order', async () => {
    const { seen, httpClient } = recordingTransport(250 * MiB);
    const pipeline = newPipeline(credential, { httpClient, retryOptions: { maxTries: 1 } });
    const from = new BlobClient('https://contosogenomicswus2data-secondary.blob.core.windows.net/sequencing-input/na12878_1.fq.gz', pipeline);
    const to = new BlockBlobClient('https://contosogenomicswcusdata.blob.core.windows.net/sequencing-input/na12878_1.fq.gz', pipeline);
    await copyBlocksWithToken(from, to, credential);

    expect(seen[0]).toMatchObject({ method: 'HEAD', url: 'https://contosogenomicswus2data-secondary.blob.core.windows.net/sequencing-input/na12878_1.fq.gz' });
    const blocks = seen.filter((r) => r.url.includes('comp=block&'));
    expect(blocks.map((b) => b.headers['x-ms-source-range']).sort()).toEqual(['bytes=0-104857599', 'bytes=104857600-209715199', 'bytes=209715200-262143999']);
    for (const b of blocks) {
      expect(b.headers['x-ms-copy-source']).toBe('https://contosogenomicswus2data-secondary.blob.core.windows.net/sequencing-input/na12878_1.fq.gz');
      expect(b.headers['x-ms-copy-source-authorization']).toBe('Bearer token-for-https://storage.azure.com/.default');
    }
    const list = seen.at(-1)!;
    expect(list.url).toContain('comp=blocklist');
    const ids = [...list.body.matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => Buffer.from(m[1]!, 'base64').toString());
    expect(ids).toEqual(['failover-000000', 'failover-000001', 'failover-000002']);
  });

  it('writes an empty blob for an empty source, copying nothing', async () => {
    const { seen, httpClient } = recordingTransport(0);
    const pipeline = newPipeline(credential, { httpClient, retryOptions: { maxTries: 1 } });
    await copyBlocksWithToken(new BlobClient('https://a-secondary.blob.core.windows.net/c/empty', pipeline), new BlockBlobClient('https://b.blob.core.windows.net/c/empty', pipeline), credential);
    expect(seen.map((r) => [r.method, r.url])).toEqual([
      ['HEAD', 'https://a-secondary.blob.core.windows.net/c/empty'],
      ['PUT', 'https://b.blob.core.windows.net/c/empty'],
    ]);
  });
});
