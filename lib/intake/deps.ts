/**
 * The webhook's decision (`acceptAlert`) wired to the real world: the alert archive (Blob
 * Storage), the incident claims and signal dedupe (Table Storage), the catalog, and the incident
 * instances through the durable client. Storage and durable faults that a retry can fix are
 * transient (503).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Signal } from '../alerts/signal.js';
import type { AlertArchive, AlertSource } from '../archive/index.js';
import type { Catalog } from '../catalog/types.js';
import { decideSignal, type SignalSource } from '../decisions/decide.js';
import { incidentStatus, isFinished, sendCommand, startIncident, summaryOf, progressOf, type IncidentClient } from '../incidents/client.js';
import { summarizeSignal } from '../incidents/signals.js';
import { isTransient } from '../errors/transient.js';
import type { AppServices } from '../composition.js';
import { incidentPath } from '../incidents/links.js';
import type { NotificationDelivery } from '../notify/delivery.js';
import type { IncidentClaims, SignalDedupe } from '../stores/index.js';
import type { IntakeDeps } from './accept.js';
import { intakeFailedNotification, intakeFailureAudience } from './failure.js';

export interface IntakeWiring {
  maxBytes: number;
  authenticate?: IntakeDeps['authenticate'];
  archive: AlertArchive;
  claims: Pick<IncidentClaims, 'claimIncident' | 'claimHolder' | 'release'>;
  signals: Pick<SignalDedupe, 'recordSignal' | 'hasSignal'>;
  catalog(): Promise<Catalog>;
  client: IncidentClient;
  /** Where an `intake-failed` notification goes out (one short attempt, then the outbox's retries). */
  notifications: Pick<NotificationDelivery, 'send'>;
  /** The app's log, for an alert the intake failed on (with the error's stack). Default: console.error. */
  log?: (message: string) => void;
  statusUrl(instanceId: string): string;
  now?: () => Date;
  /** What the archive records as the body's source (default: the webhook). */
  source?: AlertSource;
}

export function intakeDeps(w: IntakeWiring): IntakeDeps {
  const now = w.now ?? (() => new Date());
  return {
    maxBytes: w.maxBytes,
    ...(w.authenticate !== undefined ? { authenticate: w.authenticate } : {}),
    // The webhook needs the name only: no read of the first copy's receipt time on a redelivery.
    archive: async (raw, meta) => ({ name: (await w.archive.store(raw, { ...meta, source: w.source ?? 'alerts' })).name }),
    source: sourceOf(w.source),
    decide: async (signal: Signal) => decideSignal(await w.catalog(), signal, sourceOf(w.source)),
    holder: (key) => w.claims.claimHolder(key),
    claim: (key, candidate) => w.claims.claimIncident(key, candidate, now()),
    firstDelivery: async (id, dedupeKey) => (await w.signals.recordSignal(id, dedupeKey, now())) === 'new',
    delivered: (id, dedupeKey) => w.signals.hasSignal(id, dedupeKey),
    start: (id, input) => startIncident(w.client, id, input),
    deliver: async (id, signal) => {
      const status = await incidentStatus(w.client, id);
      if (status === null) return 'missing';
      if (isFinished(status)) {
        const summary = summaryOf(status);
        const ended = status.lastUpdatedTime;
        return {
          finished: true,
          lastSignalAt: summary?.lastSignalAt ?? progressOf(status)?.lastSignalAt ?? null,
          outcome: summary?.outcome ?? null,
          endedAt: ended === undefined ? null : new Date(ended).toISOString(),
        };
      }
      await sendCommand(w.client, id, { type: 'signal', signal: summarizeSignal(signal, sourceOf(w.source)) });
      return 'delivered';
    },
    sleep: (ms) => sleep(ms),
    release: async (key, instanceId) => {
      await w.claims.release(key, instanceId);
    },
    isTransient,
    markArchived: (archived, outcome) => w.archive.setOutcome(archived.name, outcome),
    notifyFailure: async (failure) => {
      const audience = intakeFailureAudience(await w.catalog(), failure.signal, failure.decision);
      const targets = audience.workloads.flatMap((workload) => workload.notify);
      const channels = new Set(targets.map((t) => (t.kind === 'email' ? `email:${t.address.toLowerCase()}` : `${t.kind}:${t.url}`))).size;
      const statusUrl = failure.incidentId === null ? null : w.statusUrl(failure.incidentId);
      const sent = await w.notifications.send(targets, intakeFailedNotification(failure, audience, statusUrl));
      return { channels, delivered: sent.delivered, queued: sent.queued };
    },
    log: w.log ?? ((message) => console.error(`[intake] ${message}`)),
    statusUrl: w.statusUrl,
    now,
  };
}

/** The intake over the app's services: what the webhook and the service health poller share. */
export function appIntake(services: AppServices, client: IncidentClient, baseUrl: string, source: AlertSource = 'alerts', log?: (message: string) => void): IntakeDeps {
  const validator = services.webhookValidator;
  return intakeDeps({
    maxBytes: services.config.maxAlertBytes,
    // The secure-webhook token guards the webhook; the poller's bodies come from Graph itself.
    ...(validator !== undefined && source === 'alerts' ? { authenticate: (header: string | null) => validator.validate(header) } : {}),
    archive: services.archive,
    claims: services.stores.incidentClaims,
    signals: services.stores.signalDedupe,
    catalog: services.catalog,
    client,
    notifications: services.notifications,
    ...(log !== undefined ? { log } : {}),
    statusUrl: (id) => incidentPath(baseUrl, id),
    source,
  });
}

function sourceOf(source: AlertSource | undefined): SignalSource {
  return source === 'servicehealth-poll' ? 'poller' : 'webhook';
}
