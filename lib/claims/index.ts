import type { TokenCredential } from '@azure/core-auth';
import type { IncidentClaimsSettings } from '../config.js';
import { createClaimStore, type ClaimStore, type ClaimStoreOptions } from './claims.js';

export {
  claimPartitionKey,
  createClaimStore,
  DEFAULT_CLAIMS_TABLE,
  signalPartitionKey,
  type ClaimResult,
  type ClaimStore,
  type ClaimStoreOptions,
  type TableRetryTuning,
  type WorkflowRecord,
} from './claims.js';
export { StorageError, TransientStorageError } from '../storage/errors.js';

/**
 * The claim store the configuration names (`config.incidentClaims`). `credential` is the app's
 * identity; it is needed when the settings give a service URL rather than a connection string.
 */
export function claimStoreFromSettings(
  settings: IncidentClaimsSettings,
  credential?: TokenCredential,
  tuning: Pick<ClaimStoreOptions, 'timeoutMs' | 'retry'> = {},
): ClaimStore {
  const { connection, table } = settings;
  if (connection.kind === 'connectionString') return createClaimStore({ connectionString: connection.connectionString, table, ...tuning });
  if (credential === undefined) throw new Error(`the incident claims are reached with the app's identity (${connection.setting}); pass a credential`);
  return createClaimStore({ url: connection.serviceUrl, credential, table, ...tuning });
}
