/**
 * What the activities need from the outside world, injected once by the composition root
 * (`functions/durable.ts`) so every activity can be tested against the simulator and Azurite.
 */
import type { AzureClients } from '../azure/clients.js';
import type { Catalog } from '../catalog/types.js';
import type { FailoverLedger, StopRequests, WorkflowRecord, WorkloadHolds } from '../stores/index.js';
import type { TimelineEntry } from '../incidents/types.js';
import type { ActivityTypes } from '../incidents/contract.js';
import type { HealthObservation } from '../replay/types.js';
import type { DeliveryTarget, IncidentNotification } from '../notify/events.js';

/** Which incident fails a workload over now, and whether someone cancelled a running failover. */
export type IncidentControl = Pick<WorkloadHolds, 'holdWorkload' | 'releaseWorkload'> & Pick<StopRequests, 'stopRequest'>;

export interface StepDeps {
  catalog(): Promise<Catalog>;
  control: IncidentControl;
  clients: AzureClients;
  /** The App Configuration store the active-side pointers live in; null when none is configured. */
  appConfigurationEndpoint: string | null;
  ledger: Pick<FailoverLedger, 'lastFailover' | 'recordFailover'>;
  /** The Genomics workflows a workload's pipeline told the app it submitted. */
  workflowRecords(workloadId: string): Promise<WorkflowRecord[]>;
  /**
   * Sends to every target with one short attempt each and returns within seconds; never throws.
   * `failed` counts the targets not reached now; `queued`, those of them the notification outbox
   * tries again later (lib/notify/delivery.ts).
   */
  notify(targets: readonly DeliveryTarget[], notification: IncidentNotification): Promise<{ delivered: number; failed: number; queued?: number }>;
  /** The app's public base URL (`https://failover.contoso.example`), for links in notifications; null when unknown. */
  publicUrl: string | null;
  /** The secret that signs approve and reject links (ACTION_LINK_SECRET's first); absent or null: the links are the key-protected routes. */
  actionLinkSecret?: string | null;
  /** The health a replay recorded (its request's observations, mapped to this catalog's resources), for `--health recorded`. */
  replayHealth(replayId: string): Promise<HealthObservation[]>;
  /** Saves the timeline's entries from index `from` on, keeping the saved ones before it. */
  saveTimeline(incidentId: string, timeline: TimelineEntry[], from: number): Promise<void>;
  /** Writes the finished incident's page to the archive (the audit record); the blob's name, or null without an archive. */
  archiveIncidentPage(input: ActivityTypes['archiveIncidentPage']['input']): Promise<{ name: string } | null>;
  /** How often the SDK polls Azure's long-running operations (Azure's Retry-After wins when it sends one). */
  lroPollMs: number;
  now(): Date;
}

/** Thrown for faults worth retrying; the message starts with a stable code. */
export class TransientStepError extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'TransientStepError';
  }
}
