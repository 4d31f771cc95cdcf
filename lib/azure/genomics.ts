/**
 * Microsoft Genomics, which has no JS SDK: the ARM account (api-version 2017-08-01-preview) and
 * the workflow data plane in the wire format Microsoft's `msgen` client uses (PascalCase fields,
 * numeric statuses), over the shared JSON client (lib/azure/json-client.ts).
 *
 * The real workflow API is regional (the account's `apiUri`) and authenticates with the account
 * key (`Ocp-Apim-Subscription-Key`); the simulator mounts it per account and takes the bearer
 * token every other API takes.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { ServiceClientOptions } from '@azure/core-client';
import { JsonServiceClient } from './json-client.js';
import { ARM_SCOPE } from './scopes.js';

const API_VERSION = '2017-08-01-preview';

/**
 * What Microsoft Genomics needs of the SAS tokens in a submission ("Submit a workflow to Microsoft
 * Genomics using a SAS instead of a storage account key",
 * https://learn.microsoft.com/azure/genomics/quickstart-input-sas): each input blob's SAS grants
 * read, the output container's grants read, write and delete, and both expire "48 hours from
 * now". List on the output container is granted too, so the service can see what a workflow
 * already wrote there. A workload may ask for longer (a workflow that queues or runs longer than
 * usual), up to the 7 days a user delegation key, which signs them, can last.
 */
export const WORKFLOW_SAS = {
  inputPermissions: 'r',
  outputPermissions: 'rwdl',
  minimumValidityMs: 48 * 3600_000,
  maximumValidityMs: 7 * 24 * 3600_000,
} as const;

/** msgen's status codes. */
export const WORKFLOW_STATUS = { Queued: 1000, InProgress: 10000, Completed: 20000, Failed: 50000, CancellationRequested: 58000, Cancelled: 60000 } as const;

export interface GenomicsAccount {
  id?: string;
  name?: string;
  location?: string;
  properties?: { apiUri?: string; provisioningState?: string };
}

/** What msgen submits (`POST /api/workflows`). */
export interface WorkflowSubmission {
  WorkflowClass?: string;
  Process: string;
  ProcessArgs: string;
  Description: string;
  InputStorageType: 'AZURE_BLOCK_BLOB';
  InputArgs: { ACCOUNT: string; CONTAINER: string; BLOBNAMES: string; BLOBNAMES_WITH_SAS?: string };
  OutputStorageType: 'AZURE_BLOCK_BLOB';
  OutputArgs: { ACCOUNT: string; CONTAINER: string; CONTAINER_SAS?: string; OUTPUT_FILENAME_BASE?: string; OVERWRITE?: boolean; OUTPUT_INCLUDE_LOGFILES?: boolean };
  OptionalArgs?: Record<string, unknown>;
  IgnoreAzureRegion?: boolean;
}

export interface Workflow {
  Id: number;
  Status: number;
  Description: string;
  Process: string;
  CreatedDate: string;
  EndDate?: string | null;
  Message?: string;
}

/** The ARM side: accounts. */
export class GenomicsManagementClient extends JsonServiceClient {
  constructor(
    credential: TokenCredential,
    private readonly subscriptionId: string,
    options: ServiceClientOptions & { endpoint?: string } = {},
  ) {
    super({ credential, scope: ARM_SCOPE }, options.endpoint ?? 'https://management.azure.com', options);
  }

  getAccount(resourceGroup: string, account: string): Promise<GenomicsAccount> {
    const path = `/subscriptions/${this.subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}/providers/Microsoft.Genomics/accounts/${encodeURIComponent(account)}`;
    return this.call<GenomicsAccount>('GET', `${path}?api-version=${API_VERSION}`);
  }
}

/**
 * The workflow data plane of one account: in Azure the regional API the account's `apiUri` names,
 * with the account key; against the simulator, its mount with a token.
 */
export class GenomicsWorkflowClient extends JsonServiceClient {
  constructor(auth: { credential: TokenCredential } | { key: string }, endpoint: string, options: ServiceClientOptions = {}) {
    // The account key (or token) goes wherever the endpoint says: only ever over TLS.
    if (!/^https:\/\/[^/?#@]+(?:\/[^?#]*)?$/i.test(endpoint)) throw new Error(`the Genomics workflow API must be an https:// URL without query or credentials, got '${endpoint}'`);
    super('key' in auth ? { headers: { 'Ocp-Apim-Subscription-Key': auth.key } } : { credential: auth.credential, scope: ARM_SCOPE }, endpoint, options);
  }

  list(): Promise<Workflow[]> {
    return this.call<Workflow[]>('GET', '/api/workflows');
  }

  submit(submission: WorkflowSubmission): Promise<Workflow> {
    return this.call<Workflow>('POST', '/api/workflows', submission);
  }

  cancel(id: number): Promise<Workflow> {
    if (!Number.isSafeInteger(id) || id < 0) throw new Error(`a Genomics workflow id is a whole number, got ${String(id)}`);
    return this.call<Workflow>('DELETE', `/api/workflows/${id}`);
  }
}
