/**
 * The app's small stores in Table Storage, one module per thing they hold, all in one table
 * (lib/stores/table.ts says which partitions each owns): incident claims, signal dedupe, the
 * failover ledger, Genomics workflow records, workload holds, stop requests and single-use action
 * links. Every call raises `TransientStorageError` when storage is unreachable or slow and
 * `StorageError` for anything else.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { IncidentClaimsSettings } from '../config.js';
import { createActionLinks, type ActionLinks } from './action-links.js';
import { createFailoverLedger, type FailoverLedger } from './failover-ledger.js';
import { createIncidentClaims, type IncidentClaims } from './incident-claims.js';
import { createSignalDedupe, type SignalDedupe } from './signal-dedupe.js';
import { createStopRequests, type StopRequests } from './stop-requests.js';
import { storeTableFromSettings, type StoreTable } from './table.js';
import { createWorkflowRecords, type WorkflowRecords } from './workflow-records.js';
import { createWorkloadHolds, type WorkloadHolds } from './workload-holds.js';

export { createActionLinks, actionLinkPartitionKey, type ActionLinks } from './action-links.js';
export { createFailoverLedger, ledgerKey, type FailoverLedger } from './failover-ledger.js';
export { claimPartitionKey, createIncidentClaims, type ClaimResult, type IncidentClaims } from './incident-claims.js';
export { createSignalDedupe, signalPartitionKey, type SignalDedupe } from './signal-dedupe.js';
export { createStopRequests, type StopRequests } from './stop-requests.js';
export { openStoreTable, storeTableFromSettings, type StoreTable, type StoreTableOptions, type TableRetryTuning } from './table.js';
export { createWorkflowRecords, workflowPartitionKey, type WorkflowRecord, type WorkflowRecords } from './workflow-records.js';
export { createWorkloadHolds, type WorkloadHolds } from './workload-holds.js';
export { StorageError, TransientStorageError } from '../storage/errors.js';

/** Every store, over one opened table. */
export interface AppStores {
  readonly incidentClaims: IncidentClaims;
  readonly signalDedupe: SignalDedupe;
  readonly failoverLedger: FailoverLedger;
  readonly workflowRecords: WorkflowRecords;
  readonly workloadHolds: WorkloadHolds;
  readonly stopRequests: StopRequests;
  readonly actionLinks: ActionLinks;
}

/** Every store over `table` (opened once: one client, the table created once). */
function createStores(table: StoreTable): AppStores {
  return {
    incidentClaims: createIncidentClaims(table),
    signalDedupe: createSignalDedupe(table),
    failoverLedger: createFailoverLedger(table),
    workflowRecords: createWorkflowRecords(table),
    workloadHolds: createWorkloadHolds(table),
    stopRequests: createStopRequests(table),
    actionLinks: createActionLinks(table),
  };
}

/**
 * The stores the configuration names (`config.incidentClaims`: INCIDENT_CLAIMS_CONNECTION or
 * INCIDENT_CLAIMS_SERVICE_URL, INCIDENT_CLAIMS_TABLE). `credential` is the app's identity, needed
 * when the settings give a service URL.
 */
export function storesFromSettings(settings: IncidentClaimsSettings, credential?: TokenCredential): AppStores {
  return createStores(storeTableFromSettings(settings, credential));
}
