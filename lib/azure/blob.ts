/**
 * Blob Storage for the playbooks that move data (Genomics inputs): a storage account's blob
 * service, at its primary or its geo-redundant secondary endpoint (`<account>-secondary`, readable
 * while the primary region is down when the account is RA-GRS), server-side copies between
 * accounts, and SAS tokens, with which Genomics reads inputs and writes outputs. In Azure the app signs with Entra ID (a
 * user delegation SAS); against the simulator the blobs live in Azurite, which takes shared keys.
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  BlobSASPermissions,
  BlobServiceClient,
  generateBlobSASQueryParameters,
  ContainerClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  type BlobClient,
  type BlockBlobClient,
} from '@azure/storage-blob';
import { blobNameProblem, containerProblem, InvalidAzureNameError, requireValidName, storageAccountProblem } from './names.js';

/** Where blobs live when the target is the simulator: Azurite's origin and each account's key. */
export interface LocalBlobAccounts {
  endpoint: string;
  keys: Readonly<Record<string, string>>;
}

export interface BlobAccess {
  service(account: string, options?: { secondary?: boolean }): BlobServiceClient;
  /**
   * Copies `from` (in `fromAccount`, possibly at its geo-secondary endpoint) into `to`, server
   * side: the bytes never pass through the app.
   */
  copy(from: BlobClient, fromAccount: string, to: BlockBlobClient, options?: { pollIntervalMs?: number }): Promise<void>;
  /**
   * A SAS query string (no `?`) granting `permissions` (`r`, `rwdl`, …) on a blob or a container
   * for `validForMs` (default an hour); `account` is the one the blob or container is in. It
   * starts five minutes back, for clocks that run behind the storage service's.
   */
  sas(target: BlobClient | ContainerClient, account: string, permissions: string, options?: { validForMs?: number }): Promise<string>;
}

const SAS_LIFETIME_MS = 3600_000;
const SAS_CLOCK_SKEW_MS = 5 * 60_000;

/** Container and blob names checked where they become a URL path (the SDK encodes them, but `..` segments would still resolve away). */
function requireCopyable(blob: BlobClient, what: string): void {
  requireValidName(containerProblem(blob.containerName), `${what}'s container`);
  requireValidName(blobNameProblem(blob.name), `${what}'s blob`);
}

export function blobAccess(credential: TokenCredential, local: LocalBlobAccounts | undefined): BlobAccess {
  const key = (account: string): StorageSharedKeyCredential => {
    const k = local?.keys[account.toLowerCase()];
    if (k === undefined) {
      throw new Error(`storage account '${account}' is not in the simulator's estate (AZURE_SIMULATOR_BLOB_KEYS names ${Object.keys(local?.keys ?? {}).join(', ') || 'none'})`);
    }
    return new StorageSharedKeyCredential(account.toLowerCase(), k);
  };
  const url = (account: string, secondary: boolean) => {
    // The account is a host name: one that breaks the rules (`attacker.example/x?`) never becomes a URL.
    requireValidName(storageAccountProblem(account.toLowerCase()), 'the storage account of a blob URL');
    const name = `${account.toLowerCase()}${secondary ? '-secondary' : ''}`;
    return local !== undefined ? `${local.endpoint.replace(/\/+$/, '')}/${name}` : `https://${name}.blob.core.windows.net`;
  };
  const access: BlobAccess = {
    copy: async (from, fromAccount, to, options = {}) => {
      requireCopyable(from, 'the copy source');
      requireCopyable(to, 'the copy target');
      if (local === undefined) {
        // The source is read with the app's token: it must be the blob service of `fromAccount`.
        const host = new URL(from.url).host.toLowerCase();
        const expected = [url(fromAccount, false), url(fromAccount, true)].map((u) => new URL(u).host);
        if (!expected.includes(host)) throw new InvalidAzureNameError(`the copy source ${host} is not the blob service of the storage account ${fromAccount}: the app's token is not sent there`);
        return copyBlocksWithToken(from, to, credential);
      }
      // Azurite: an asynchronous Copy Blob whose source is read with a SAS.
      const sas = await access.sas(from, fromAccount, 'r');
      const poller = await to.beginCopyFromURL(`${from.url}?${sas}`, { intervalInMs: options.pollIntervalMs ?? 1000 });
      await poller.pollUntilDone();
    },
    service: (account, options = {}) => new BlobServiceClient(url(account, options.secondary === true), local !== undefined ? key(account) : credential),
    sas: async (target, account, permissions, options = {}) => {
      // The storage service's clock, not the app's (which a rehearsal may run ahead): real time.
      const startsOn = new Date(Date.now() - SAS_CLOCK_SKEW_MS);
      const expiresOn = new Date(Date.now() + (options.validForMs ?? SAS_LIFETIME_MS));
      if (local !== undefined) {
        const signed =
          target instanceof ContainerClient
            ? await target.generateSasUrl({ permissions: ContainerSASPermissions.parse(permissions), startsOn, expiresOn })
            : await target.generateSasUrl({ permissions: BlobSASPermissions.parse(permissions), startsOn, expiresOn });
        return new URL(signed).search.slice(1);
      }
      // A user delegation key comes from the account's primary endpoint, and signs for either.
      const delegation = await new BlobServiceClient(url(account, false), credential).getUserDelegationKey(startsOn, expiresOn);
      const values =
        target instanceof ContainerClient
          ? { containerName: target.containerName, permissions: ContainerSASPermissions.parse(permissions), startsOn, expiresOn }
          : { containerName: target.containerName, blobName: target.name, permissions: BlobSASPermissions.parse(permissions), startsOn, expiresOn };
      return generateBlobSASQueryParameters(values, delegation, account.toLowerCase()).toString();
    },
  };
  return access;
}

/** Bytes per block of a server-side block copy: Put Block From URL takes up to 4000 MiB; 100 MiB keeps retries cheap. */
const COPY_BLOCK_BYTES = 100 * 1024 * 1024;
const COPY_PARALLEL = 4;

/**
 * The copy in Azure: Put Block From URL for each range of the source, the source read with the
 * app's Entra token (`x-ms-copy-source-authorization`), then Put Block List. A SAS would need a
 * user delegation key from the source account's primary endpoint, which is down in the very
 * outage this copy is for; a read-access geo-redundant secondary accepts the token.
 */
export async function copyBlocksWithToken(from: BlobClient, to: BlockBlobClient, credential: TokenCredential): Promise<void> {
  // Azure Storage forwards the source authorization to the source URL: only ever a storage account's blob service.
  const source = new URL(from.url);
  if (source.protocol !== 'https:' || !/^[a-z0-9]+(?:-secondary)?\.blob\.core\.windows\.net$/.test(source.host.toLowerCase())) {
    throw new InvalidAzureNameError(`the copy source ${source.host} is not an Azure Storage blob service: the app's token is not sent there`);
  }
  const size = (await from.getProperties()).contentLength ?? 0;
  if (size === 0) {
    await to.upload('', 0);
    return;
  }
  const token = await credential.getToken(STORAGE_SCOPE);
  if (token === null) throw new Error(`no Entra token for Azure Storage: the copy of ${from.name} cannot authorize its source`);
  const ids: string[] = [];
  for (let offset = 0, n = 0; offset < size; offset += COPY_BLOCK_BYTES, n++) ids.push(Buffer.from(`failover-${String(n).padStart(6, '0')}`).toString('base64'));
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const offset = i * COPY_BLOCK_BYTES;
      await to.stageBlockFromURL(ids[i]!, from.url, offset, Math.min(COPY_BLOCK_BYTES, size - offset), { sourceAuthorization: { scheme: 'Bearer', value: token.token } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(COPY_PARALLEL, ids.length) }, worker));
  await to.commitBlockList(ids);
}

const STORAGE_SCOPE = 'https://storage.azure.com/.default';
