/**
 * Blob Storage for the playbooks that move data (Genomics inputs): a storage account's blob
 * service, at its primary or its geo-redundant secondary endpoint (`<account>-secondary`, readable
 * while the primary region is down when the account is RA-GRS), and SAS tokens: a server-side copy
 * into another account reads its source with one, and Genomics reads inputs and writes outputs
 * with them. In Azure the app signs with Entra ID (a
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
} from '@azure/storage-blob';

/** Where blobs live when the target is the simulator: Azurite's origin and each account's key. */
export interface LocalBlobAccounts {
  endpoint: string;
  keys: Readonly<Record<string, string>>;
}

export interface BlobAccess {
  service(account: string, options?: { secondary?: boolean }): BlobServiceClient;
  /**
   * A SAS query string (no `?`) granting `permissions` (`r`, `racwl`, …) on a blob or a container
   * for an hour; `account` is the one the blob or container is in.
   */
  sas(target: BlobClient | ContainerClient, account: string, permissions: string): Promise<string>;
}

const SAS_LIFETIME_MS = 3600_000;

export function blobAccess(credential: TokenCredential, local: LocalBlobAccounts | undefined): BlobAccess {
  const key = (account: string): StorageSharedKeyCredential => {
    const k = local?.keys[account.toLowerCase()];
    if (k === undefined) {
      throw new Error(`storage account '${account}' is not in the simulator's estate (AZURE_SIMULATOR_BLOB_KEYS names ${Object.keys(local?.keys ?? {}).join(', ') || 'none'})`);
    }
    return new StorageSharedKeyCredential(account.toLowerCase(), k);
  };
  const url = (account: string, secondary: boolean) => {
    const name = `${account.toLowerCase()}${secondary ? '-secondary' : ''}`;
    return local !== undefined ? `${local.endpoint.replace(/\/+$/, '')}/${name}` : `https://${name}.blob.core.windows.net`;
  };
  return {
    service: (account, options = {}) => new BlobServiceClient(url(account, options.secondary === true), local !== undefined ? key(account) : credential),
    sas: async (target, account, permissions) => {
      const expiresOn = new Date(Date.now() + SAS_LIFETIME_MS);
      if (local !== undefined) {
        const signed =
          target instanceof ContainerClient
            ? await target.generateSasUrl({ permissions: ContainerSASPermissions.parse(permissions), expiresOn })
            : await target.generateSasUrl({ permissions: BlobSASPermissions.parse(permissions), expiresOn });
        return new URL(signed).search.slice(1);
      }
      // A user delegation key comes from the account's primary endpoint, and signs for either.
      const delegation = await new BlobServiceClient(url(account, false), credential).getUserDelegationKey(new Date(Date.now() - 5 * 60_000), expiresOn);
      const values =
        target instanceof ContainerClient
          ? { containerName: target.containerName, permissions: ContainerSASPermissions.parse(permissions), expiresOn }
          : { containerName: target.containerName, blobName: target.name, permissions: BlobSASPermissions.parse(permissions), expiresOn };
      return generateBlobSASQueryParameters(values, delegation, account.toLowerCase()).toString();
    },
  };
}

/** `name:key;name:key` (AZURE_SIMULATOR_BLOB_KEYS) as a map by lower-cased account name. */
export function parseBlobKeys(text: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf(':');
    if (at <= 0) throw new Error(`AZURE_SIMULATOR_BLOB_KEYS must be 'account:key;…', got '${pair.slice(0, 40)}'`);
    keys[pair.slice(0, at).toLowerCase()] = pair.slice(at + 1);
  }
  return keys;
}
