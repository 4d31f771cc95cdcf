/**
 * The composition root: every long-lived dependency of the function app, built once per process
 * from the app settings on first use. Functions ask for `appServices()`; a configuration problem
 * surfaces as a `ConfigError` naming each setting, which the HTTP functions answer with a 503.
 */
import { readFileSync } from 'node:fs';
import { alertArchiveFromSettings, type AlertArchive } from './archive/index.js';
import { webhookTokenValidatorFromSettings, type WebhookTokenValidator } from './auth/index.js';
import { azureTargetFromSettings, createAzureClients, type AzureClients } from './azure/clients.js';
import { catalogSource } from './catalog/source.js';
import type { Catalog } from './catalog/types.js';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { fetchTrusting } from './http/fetch-trusting.js';
import { problem, type Answer } from './http/problem.js';
import { createNotificationDelivery, createNotifier, notificationOutboxFromSettings, type NotificationDelivery, type Notifier } from './notify/index.js';
import { createEmailChannel, emailClientFor } from './notify/email.js';
import { urgentRequests } from './playbooks/index.js';
import type { StepDeps } from './steps/deps.js';
import { storedReplay } from './replay/stored.js';
import { archiveIncidentPage } from './operators/incident-page.js';
import { storesFromSettings, type AppStores } from './stores/index.js';

export interface AppServices {
  readonly config: AppConfig;
  readonly clients: AzureClients;
  readonly archive: AlertArchive;
  /** The small stores in the incident claims table: claims, signal dedupe, ledger, workflow records, holds, stop requests, action links. */
  readonly stores: AppStores;
  readonly notifier: Notifier;
  /** One short attempt per channel, then the outbox's retries (the notification-retry timer); what was not delivered. */
  readonly notifications: NotificationDelivery;
  /** Secure-webhook token check of the alert endpoint; undefined when only function keys protect it. */
  readonly webhookValidator: WebhookTokenValidator | undefined;
  /** On-call engineers' Entra token check; undefined when OPERATOR_TENANT_ID/OPERATOR_AUDIENCES are not set. */
  readonly operatorTokens: WebhookTokenValidator | undefined;
  catalog(): Promise<Catalog>;
  /** What the activities need. */
  readonly steps: StepDeps;
}

let services: AppServices | undefined;

/** The process's services, built on first use. Throws ConfigError when the settings are unusable. */
export function appServices(env: Readonly<Record<string, string | undefined>> = process.env): AppServices {
  services ??= buildServices(env);
  return services;
}

/**
 * The services for an HTTP function, or the 503 to answer when the settings are unusable (the
 * problem names each setting; `log` gets the same for the app's logs).
 */
export function servicesForRequest(log: (message: string) => void): { ok: true; services: AppServices } | { ok: false; answer: Answer } {
  try {
    return { ok: true, services: appServices() };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log(err.message);
    return { ok: false, answer: problem(503, 'misconfigured', `the app is misconfigured: ${err.problems.join('; ')}`, { headers: { 'Retry-After': '60' } }) };
  }
}

/**
 * Validates on-call engineers' Entra tokens: any client app of the tenant, for our API's
 * audience, no role required here; a person's delegated token only, since the caller is recorded
 * and matched against approvers as a verified person (an application's own token is refused).
 */
function operatorTokenValidator(config: AppConfig, fetch: ((url: string, init: RequestInit) => Promise<Response>) | undefined): WebhookTokenValidator | undefined {
  if (config.operatorAuth === undefined) return undefined;
  return webhookTokenValidatorFromSettings(config.operatorAuth, {
    allowedCallerAppIds: 'any',
    requiredRole: null,
    requireDelegated: true,
    wording: {
      tenantSetting: 'OPERATOR_TENANT_ID',
      audiencesSetting: 'OPERATOR_AUDIENCES',
      missingTokenHint: 'sign in and send an Entra access token for the app',
      delegatedTokenHint: "an on-call token must be a user's delegated token: sign in as yourself (az account get-access-token, or failover sim login locally), not as an application",
    },
    ...(fetch !== undefined ? { remoteJwks: { fetch } } : {}),
  });
}

/** Forget the built services (tests that change settings between runs). */
export function resetAppServices(): void {
  services = undefined;
}

export function buildServices(env: Readonly<Record<string, string | undefined>>): AppServices {
  const config = loadConfig(env);
  const problems: string[] = [];
  let target;
  try {
    target = azureTargetFromSettings(env, (path) => readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (config.alertArchive === undefined) {
    problems.push('no alert archive: set ALERT_ARCHIVE_CONNECTION (a storage connection string) or ALERT_ARCHIVE_SERVICE_URL, or AzureWebJobsStorage');
  }
  if (config.incidentClaims === undefined) {
    problems.push('no incident claims table: set INCIDENT_CLAIMS_CONNECTION or INCIDENT_CLAIMS_SERVICE_URL, or AzureWebJobsStorage');
  }
  if (problems.length > 0 || target === undefined || config.alertArchive === undefined || config.incidentClaims === undefined) throw new ConfigError(problems);

  const clients = createAzureClients(target, {
    retry: { maxRetries: config.azure.maxRetries, retryDelayInMs: config.azure.retryDelayMs },
    genomicsKeys: config.genomicsKeys,
    // The playbook steps say which requests are on a failover's critical path under ARM throttling.
    requestPriorities: urgentRequests(),
  });
  const archive = alertArchiveFromSettings(config.alertArchive, clients.credential);
  const stores = storesFromSettings(config.incidentClaims, clients.credential);
  // Email through Azure Communication Services, with the app's identity (or the configured connection string).
  const email =
    config.email === undefined
      ? undefined
      : createEmailChannel({
          client: emailClientFor({ settings: config.email, credential: clients.credential, ...(target.kind === 'simulator' ? { caPem: target.caPem } : {}) }),
          sender: config.email.sender,
          timeoutMs: 5_000,
        });
  const notifier = createNotifier({
    ...(email !== undefined ? { email } : {}),
    // One short attempt: a channel that is down must not hold up a failover; the outbox retries later.
    maxAttempts: 1,
    timeoutMs: 5_000,
    // Against the simulator, its receivers stand in for Teams, Slack and webhooks.
    ...(target.kind === 'simulator' ? { fetch: fetchTrusting(target.caPem) } : {}),
    // Deliveries are counted in the incident's timeline; only trouble is worth a log line.
    log: (entry) => {
      if (entry.level === 'warn') console.warn(`[notify] ${entry.message} (${entry.type}, ${entry.target}, incident ${entry.incidentId})`);
    },
  });
  const catalog = catalogSource(config.catalogPath);
  const notifications = createNotificationDelivery({
    notifier,
    outbox: notificationOutboxFromSettings(config.incidentClaims, clients.credential),
    catalog,
    now: () => new Date(),
    log: (level, message) => (level === 'warn' ? console.warn(`[notify] ${message}`) : console.log(`[notify] ${message}`)),
  });
  const steps: StepDeps = {
    catalog,
    clients,
    appConfigurationEndpoint: config.appConfigurationEndpoint ?? null,
    ledger: stores.failoverLedger,
    workflowRecords: (workloadId) => stores.workflowRecords.workflowRecords(workloadId),
    notify: (targets, notification) => notifications.send(targets, notification),
    publicUrl: config.publicBaseUrl ?? null,
    actionLinkSecret: config.actionLinkSecrets?.[0] ?? null,
    control: {
      holdWorkload: (workloadId, incidentId, at) => stores.workloadHolds.holdWorkload(workloadId, incidentId, at),
      releaseWorkload: (workloadId, incidentId) => stores.workloadHolds.releaseWorkload(workloadId, incidentId),
      stopRequest: (incidentId) => stores.stopRequests.stopRequest(incidentId),
    },
    saveTimeline: async (incidentId, timeline, from) => {
      // The archive keeps the whole timeline; an incident that continued as new sends only its newer entries.
      const saved = from > 0 ? await archive.getTimeline(incidentId) : [];
      await archive.putTimeline(incidentId, [...(Array.isArray(saved) ? saved.slice(0, from) : []), ...timeline]);
    },
    archiveIncidentPage: (request) => archiveIncidentPage({ catalog, archive, publicUrl: config.publicBaseUrl ?? null, now: () => new Date() }, request),
    replayHealth: async (replayId) => (await storedReplay(archive, replayId))?.health ?? [],
    now: () => new Date(),
    lroPollMs: config.azure.lroPollMs,
  };
  return {
    config,
    clients,
    archive,
    stores,
    notifier,
    notifications,
    webhookValidator: webhookTokenValidatorFromSettings(config.webhookAuth),
    operatorTokens: operatorTokenValidator(config, target.kind === 'simulator' ? fetchTrusting(target.caPem) : undefined),
    catalog,
    steps,
  };
}
