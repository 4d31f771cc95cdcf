import type { TokenCredential } from '@azure/core-auth';
import type { AlertArchiveSettings } from '../config.js';
import { createAlertArchive, type AlertArchive, type AlertArchiveOptions } from './archive.js';

export {
  archiveBlobName,
  createAlertArchive,
  decodeMetadataValue,
  DEFAULT_ARCHIVE_CONTAINER,
  encodeMetadataValue,
  parseArchiveName,
  type AlertArchive,
  type AlertArchiveOptions,
  type AlertSource,
  type ArchivedAlert,
  type ArchivedAlertMeta,
  type ArchivedAlertMetaInput,
  type ArchiveListEntry,
  type ArchiveListOptions,
  type ArchiveName,
  type ArchivePutResult,
  type ArchiveRef,
  type ReplayPart,
  type StorageRetryTuning,
} from './archive.js';
export { StorageError, TransientStorageError } from '../storage/errors.js';

/**
 * The archive the configuration names (`config.alertArchive`). `credential` is the app's identity;
 * it is needed when the settings give a service URL rather than a connection string.
 */
export function alertArchiveFromSettings(
  settings: AlertArchiveSettings,
  credential?: TokenCredential,
  tuning: Pick<AlertArchiveOptions, 'timeoutMs' | 'retry'> = {},
): AlertArchive {
  const { connection, container } = settings;
  if (connection.kind === 'connectionString') return createAlertArchive({ connectionString: connection.connectionString, container, ...tuning });
  if (credential === undefined) throw new Error(`the alert archive is reached with the app's identity (${connection.setting}); pass a credential`);
  return createAlertArchive({ serviceUrl: connection.serviceUrl, credential, container, ...tuning });
}
