/**
 * App settings, parsed once into a frozen typed object. A wrong or missing setting fails at
 * start-up with every problem named by key, not at 3 a.m. in the middle of a failover. The same
 * names appear in local.settings.example.json and in README's configuration table.
 */
import { ACTION_LINK_SECRET_MIN_LENGTH } from './auth/action-link.js';
import type { AlertingPlace } from './operators/access-readiness.js';

export interface AppConfig {
  /** Durable Functions task hub (host.json reads TASK_HUB_NAME). */
  readonly taskHubName: string;
  /** The protection catalog (YAML). */
  readonly catalogPath: string;
  /**
   * Where the app's own alerting lives, for the readiness check of the alert rules and action
   * group: APP_SUBSCRIPTION_ID (else the subscription in WEBSITE_OWNER_NAME, which Azure sets),
   * APP_RESOURCE_GROUP (else WEBSITE_RESOURCE_GROUP), ALERT_RULES_RESOURCE_GROUP (default
   * rg-failover-alerts, as infra/generated/catalog.json creates it). Null when the app's place is unknown.
   */
  readonly alerting: AlertingPlace | null;
  /** Largest alert body accepted; the common alert schema caps alerts at 256 KB. */
  readonly maxAlertBytes: number;
  /**
   * Secure webhook (Microsoft Entra ID) authentication of action-group calls; present when
   * WEBHOOK_TENANT_ID and WEBHOOK_AUDIENCES are both set (see lib/auth/webhook-token.ts).
   */
  readonly webhookAuth?: WebhookAuthSettings;
  /**
   * App role an operator needs (OPERATOR_ROLE), checked on a verified identity; when absent, the
   * on-call key alone lets a caller operate (trigger, cancel, request failback), recorded as unverified.
   */
  readonly operatorRole?: string;
  /** On-call engineers' Entra tokens (`Authorization: Bearer`): OPERATOR_TENANT_ID, OPERATOR_AUDIENCES, OPERATOR_JWKS_URL. */
  readonly operatorAuth?: WebhookAuthSettings;
  /**
   * Whether App Service Authentication is on (WEBSITE_AUTH_ENABLED=True, set by the platform): only
   * then does the app trust the `x-ms-client-principal` header, which anyone can send otherwise.
   */
  readonly appServiceAuth: boolean;
  /**
   * The alert archive (Blob Storage): ALERT_ARCHIVE_CONNECTION or ALERT_ARCHIVE_SERVICE_URL, else
   * the Functions host storage (AzureWebJobsStorage). Absent when none is set.
   */
  readonly alertArchive?: AlertArchiveSettings;
  /**
   * The incident claims table (Table Storage): INCIDENT_CLAIMS_CONNECTION or
   * INCIDENT_CLAIMS_SERVICE_URL, else AzureWebJobsStorage. Absent when none is set.
   */
  readonly incidentClaims?: IncidentClaimsSettings;
  /**
   * The app's public base URL (PUBLIC_BASE_URL, e.g. `https://failover.contoso.example`), for the
   * links in notifications; absent, notifications carry no links and answers use the request's origin.
   */
  readonly publicBaseUrl?: string;
  /**
   * ACTION_LINK_SECRET: one or more comma-separated secrets (each at least 32 characters) that
   * sign the approve and reject links in notifications (lib/auth/action-link.ts); the first signs,
   * all verify, so a secret can be rotated. In Azure a Key Vault reference. Absent, notifications
   * carry the key-protected /api/incidents/{id}/{action} URLs.
   */
  readonly actionLinkSecrets?: readonly string[];
  /**
   * The App Configuration store holding the workloads' active-side pointers
   * (APP_CONFIGURATION_ENDPOINT, e.g. `https://contoso-failover.azconfig.io`).
   */
  readonly appConfigurationEndpoint?: string;
  /**
   * How the Azure clients retry and poll: AZURE_MAX_RETRIES (default 8: throttling slows a
   * failover down instead of failing it; the SDK waits what Retry-After says),
   * AZURE_RETRY_DELAY_MS (default 800, doubling) and AZURE_LRO_POLL_MS (default 2000).
   */
  readonly azure: { readonly maxRetries: number; readonly retryDelayMs: number; readonly lroPollMs: number };
  /**
   * GENOMICS_ACCOUNT_KEYS (`account:key;…`): the key each Genomics account's workflow API takes
   * (`Ocp-Apim-Subscription-Key`); needed in Azure for the accounts the Genomics playbook uses.
   */
  readonly genomicsKeys: Readonly<Record<string, string>>;
  /** SERVICE_HEALTH_POLL (`on`, the default, or `off`): whether the Microsoft 365 service health poll runs. */
  readonly serviceHealthPoll: boolean;
  /**
   * REPLAY_ENABLED (`off`, the default, or `on`): whether the app accepts replays of past incidents
   * (POST /api/replays, and alerts marked `Failover-Replay`). Only a staging app turns it on; a
   * production app refuses replays with 403.
   */
  readonly replayEnabled: boolean;
  /**
   * Email notifications through Azure Communication Services: EMAIL_ENDPOINT (the resource's
   * endpoint, reached with the app's managed identity) or EMAIL_CONNECTION_STRING (a Key Vault
   * reference to its connection string), and EMAIL_SENDER (a MailFrom address of a domain linked
   * to the resource). Absent when none is set: email targets are then reported, not sent.
   */
  readonly email?: EmailSettings;
}

/** How the app sends email (lib/notify/email.ts). */
export interface EmailSettings {
  /** `https://<resource>.communication.azure.com`, or the connection string's endpoint. */
  readonly endpoint: string;
  /** Present when EMAIL_CONNECTION_STRING is used instead of the managed identity. */
  readonly connectionString?: string;
  /** The MailFrom address, e.g. `failover@notify.contoso.example`. */
  readonly sender: string;
}

/** The settings email needs, as messages name them. */
export const EMAIL_SETTINGS_HINT =
  "EMAIL_ENDPOINT (the Communication Services resource's endpoint, e.g. https://contoso-failover.europe.communication.azure.com; or EMAIL_CONNECTION_STRING) and EMAIL_SENDER (a MailFrom address of a domain linked to it)";

/** Whether the settings configure email, without validating them: for tools that only need to know (catalog check). */
export function emailConfiguredIn(env: Readonly<Record<string, string | undefined>>): boolean {
  return setting(env, 'EMAIL_SENDER') !== undefined && (setting(env, 'EMAIL_ENDPOINT') !== undefined || setting(env, 'EMAIL_CONNECTION_STRING') !== undefined);
}

/** How to reach a storage service: a connection string, or a service URL and the app's managed identity. */
export type StorageConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string; readonly setting: string }
  | { readonly kind: 'identity'; readonly serviceUrl: string; readonly setting: string };

export interface AlertArchiveSettings {
  readonly connection: StorageConnection;
  /** ALERT_ARCHIVE_CONTAINER, default `alert-archive`. */
  readonly container: string;
}

export interface IncidentClaimsSettings {
  readonly connection: StorageConnection;
  /** INCIDENT_CLAIMS_TABLE, default `incidentclaims`. */
  readonly table: string;
}

export interface WebhookAuthSettings {
  /** WEBHOOK_TENANT_ID: the directory (tenant) id, lower-case GUID. */
  readonly tenantId: string;
  /** WEBHOOK_AUDIENCES: the API app's client id and/or Application ID URI (api://…). */
  readonly audiences: readonly string[];
  /** WEBHOOK_JWKS_URL: signing keys; absent means https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys. */
  readonly jwksUrl?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const TASK_HUB = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): AppConfig {
  const problems: string[] = [];
  const taskHubName = env['TASK_HUB_NAME']?.trim() ?? '';
  if (taskHubName === '') {
    problems.push('TASK_HUB_NAME is not set; set it to the Durable Functions task hub name, e.g. "failover"');
  } else if (!TASK_HUB.test(taskHubName)) {
    problems.push(`TASK_HUB_NAME "${taskHubName}" is invalid; use 3-45 letters and digits, starting with a letter`);
  }
  const catalogPath = catalogPathOf(env);
  const maxRaw = env['ALERT_MAX_BYTES']?.trim();
  const maxAlertBytes = maxRaw === undefined || maxRaw === '' ? 256 * 1024 : Number(maxRaw);
  if (!Number.isInteger(maxAlertBytes) || maxAlertBytes < 1024) {
    problems.push(`ALERT_MAX_BYTES "${maxRaw}" is invalid; use a whole number of bytes of at least 1024 (default 262144)`);
  }
  const webhookAuth = loadEntraAuth(env, 'WEBHOOK', problems);
  const operatorAuth = loadEntraAuth(env, 'OPERATOR', problems);
  // App Service sets WEBSITE_AUTH_ENABLED=True when App Service Authentication is on: only then is x-ms-client-principal the platform's.
  const appServiceAuth = setting(env, 'WEBSITE_AUTH_ENABLED')?.toLowerCase() === 'true';
  const operatorRole = loadOperatorRole(env, appServiceAuth || operatorAuth !== undefined, problems);
  const alertArchive = loadAlertArchive(env, problems);
  const incidentClaims = loadIncidentClaims(env, problems);
  const publicBaseUrl = loadHttpsUrl(env, 'PUBLIC_BASE_URL', 'the address on-call engineers reach the app at, e.g. https://failover.contoso.example', problems, true);
  const actionLinkSecrets = loadActionLinkSecrets(env, problems);
  const appConfigurationEndpoint = loadHttpsUrl(env, 'APP_CONFIGURATION_ENDPOINT', 'the App Configuration store endpoint, e.g. https://contoso-failover.azconfig.io', problems, false);
  const azure = {
    maxRetries: wholeNumber(env, 'AZURE_MAX_RETRIES', 8, 0, 20, problems),
    retryDelayMs: wholeNumber(env, 'AZURE_RETRY_DELAY_MS', 800, 1, 60_000, problems),
    lroPollMs: wholeNumber(env, 'AZURE_LRO_POLL_MS', 2000, 1, 60_000, problems),
  };
  const genomicsKeys = loadKeyList(env, 'GENOMICS_ACCOUNT_KEYS', problems);
  const pollSetting = (env['SERVICE_HEALTH_POLL'] ?? 'on').trim().toLowerCase();
  if (pollSetting !== 'on' && pollSetting !== 'off') problems.push(`SERVICE_HEALTH_POLL "${env['SERVICE_HEALTH_POLL']}" is invalid; use on (the default) or off`);
  const replaySetting = (env['REPLAY_ENABLED'] ?? 'off').trim().toLowerCase();
  if (replaySetting !== 'on' && replaySetting !== 'off') problems.push(`REPLAY_ENABLED "${env['REPLAY_ENABLED']}" is invalid; use off (the default, and the only right value in production) or on (a staging app that rehearses past incidents)`);
  const alerting = loadAlertingPlace(env, problems);
  const email = loadEmail(env, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    alerting,
    azure,
    genomicsKeys,
    serviceHealthPoll: pollSetting !== 'off',
    replayEnabled: replaySetting === 'on',
    taskHubName,
    catalogPath,
    maxAlertBytes,
    ...(webhookAuth === undefined ? {} : { webhookAuth }),
    ...(operatorAuth === undefined ? {} : { operatorAuth }),
    appServiceAuth,
    ...(operatorRole === undefined ? {} : { operatorRole }),
    ...(alertArchive === undefined ? {} : { alertArchive }),
    ...(incidentClaims === undefined ? {} : { incidentClaims }),
    ...(publicBaseUrl === undefined ? {} : { publicBaseUrl }),
    ...(actionLinkSecrets === undefined ? {} : { actionLinkSecrets }),
    ...(appConfigurationEndpoint === undefined ? {} : { appConfigurationEndpoint }),
    ...(email === undefined ? {} : { email }),
  });
}

const EMAIL_ADDRESS = /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** EMAIL_ENDPOINT or EMAIL_CONNECTION_STRING, and EMAIL_SENDER; all or none. The connection string is never echoed. */
function loadEmail(env: Readonly<Record<string, string | undefined>>, problems: string[]): EmailSettings | undefined {
  const endpointRaw = setting(env, 'EMAIL_ENDPOINT');
  const connection = setting(env, 'EMAIL_CONNECTION_STRING');
  const sender = setting(env, 'EMAIL_SENDER');
  if (endpointRaw === undefined && connection === undefined && sender === undefined) return undefined;
  const before = problems.length;
  if (endpointRaw !== undefined && connection !== undefined) {
    problems.push("EMAIL_ENDPOINT and EMAIL_CONNECTION_STRING are both set; set one: the endpoint, reached with the app's managed identity (preferred), or the connection string");
  }
  if (endpointRaw === undefined && connection === undefined) problems.push(`EMAIL_SENDER is set but not where to send from; set ${EMAIL_SETTINGS_HINT}, or remove EMAIL_SENDER`);
  if (sender === undefined) problems.push(`email is half configured: EMAIL_SENDER is not set; set ${EMAIL_SETTINGS_HINT}`);
  else if (!EMAIL_ADDRESS.test(sender)) problems.push(`EMAIL_SENDER "${sender}" is not an email address; use a MailFrom address of a domain linked to the Communication Services resource, e.g. failover@notify.contoso.example`);
  let endpoint: string | undefined;
  if (endpointRaw !== undefined) endpoint = emailEndpoint('EMAIL_ENDPOINT', endpointRaw, problems);
  if (connection !== undefined) {
    if (/^@Microsoft\.KeyVault\(/i.test(connection)) {
      problems.push("EMAIL_CONNECTION_STRING is an unresolved Key Vault reference; give the app's identity the Key Vault Secrets User role on the vault and check the reference (the app's Environment variables page shows why it did not resolve)");
    } else {
      const m = /^endpoint=([^;]+);accesskey=(.+)$/i.exec(connection);
      if (m === null) problems.push('EMAIL_CONNECTION_STRING is not a Communication Services connection string; use "endpoint=https://<resource>.communication.azure.com/;accesskey=<key>" (the resource\'s Keys page)');
      else endpoint = emailEndpoint('EMAIL_CONNECTION_STRING', m[1]!, problems);
    }
  }
  if (problems.length > before || endpoint === undefined || sender === undefined) return undefined;
  return Object.freeze({ endpoint, sender, ...(connection !== undefined ? { connectionString: connection } : {}) });
}

/** A Communication Services endpoint: https, a host and nothing else (the SDK refuses a path). */
function emailEndpoint(key: string, raw: string, problems: string[]): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    problems.push(`${key} has an invalid endpoint "${key === 'EMAIL_ENDPOINT' ? raw : url?.host ?? 'unreadable'}"; use the resource's https endpoint with no path, e.g. https://contoso-failover.europe.communication.azure.com`);
    return undefined;
  }
  return url.origin;
}

function loadAlertingPlace(env: Readonly<Record<string, string | undefined>>, problems: string[]): AlertingPlace | null {
  // WEBSITE_OWNER_NAME is `{subscriptionId}+{webspace}` on App Service and Functions.
  const subscription = setting(env, 'APP_SUBSCRIPTION_ID') ?? setting(env, 'WEBSITE_OWNER_NAME')?.split('+')[0];
  const group = setting(env, 'APP_RESOURCE_GROUP') ?? setting(env, 'WEBSITE_RESOURCE_GROUP');
  const rules = setting(env, 'ALERT_RULES_RESOURCE_GROUP') ?? 'rg-failover-alerts';
  if (subscription === undefined || group === undefined) return null;
  if (!GUID.test(subscription)) {
    problems.push(`APP_SUBSCRIPTION_ID "${subscription}" is invalid; use the subscription id (a GUID) the app is deployed in`);
    return null;
  }
  return { appSubscriptionId: subscription.toLowerCase(), appResourceGroup: group, alertRulesResourceGroup: rules };
}

/** An optional whole-number setting within [min, max]. */
function wholeNumber(env: Readonly<Record<string, string | undefined>>, key: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = setting(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key} "${raw}" is invalid; use a whole number from ${min} to ${max} (default ${fallback})`);
    return fallback;
  }
  return n;
}

/** An optional absolute URL setting, without a trailing slash. Plain http is allowed where `allowHttp` (local hosts). */
function loadHttpsUrl(env: Readonly<Record<string, string | undefined>>, key: string, what: string, problems: string[], allowHttp: boolean): string | undefined {
  const raw = setting(env, key);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const schemes = allowHttp ? ['https:', 'http:'] : ['https:'];
  if (url === undefined || !schemes.includes(url.protocol) || url.search !== '' || url.hash !== '') {
    problems.push(`${key} "${raw}" is invalid; use ${what} (${allowHttp ? 'http(s)' : 'https'}, no query)`);
    return undefined;
  }
  return raw.replace(/\/+$/, '');
}

/** ACTION_LINK_SECRET's secrets, the signing one first. Values are never echoed. */
function loadActionLinkSecrets(env: Readonly<Record<string, string | undefined>>, problems: string[]): readonly string[] | undefined {
  const raw = setting(env, 'ACTION_LINK_SECRET');
  if (raw === undefined) return undefined;
  if (/^@Microsoft\.KeyVault\(/i.test(raw)) {
    problems.push(
      'ACTION_LINK_SECRET is an unresolved Key Vault reference; give the app\'s identity the Key Vault Secrets User role on the vault and check the reference (the app\'s Environment variables page shows why it did not resolve)',
    );
    return undefined;
  }
  const secrets = raw.split(',').map((s) => s.trim());
  const before = problems.length;
  secrets.forEach((secret, i) => {
    if (secret.length < ACTION_LINK_SECRET_MIN_LENGTH) {
      const which = secrets.length === 1 ? 'is' : `has a secret (number ${i + 1}) of`;
      problems.push(
        `ACTION_LINK_SECRET ${which} ${secret.length} characters; each secret must be at least ${ACTION_LINK_SECRET_MIN_LENGTH} characters (comma-separated, the signing one first), e.g. the output of: openssl rand -base64 48`,
      );
    }
  });
  return problems.length > before ? undefined : Object.freeze(secrets);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function setting(env: Readonly<Record<string, string | undefined>>, key: string): string | undefined {
  const value = env[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Entra token settings under a prefix (WEBHOOK_… for action groups, OPERATOR_… for on-call
 * engineers): on when <prefix>_TENANT_ID and <prefix>_AUDIENCES are both set; one alone is an error.
 */
function loadEntraAuth(env: Readonly<Record<string, string | undefined>>, prefix: 'WEBHOOK' | 'OPERATOR', problems: string[]): WebhookAuthSettings | undefined {
  const [tenantKey, audiencesKey, jwksKey] = [`${prefix}_TENANT_ID`, `${prefix}_AUDIENCES`, `${prefix}_JWKS_URL`];
  const what = prefix === 'WEBHOOK' ? 'secure webhook auth' : 'on-call sign-in with Entra tokens';
  const whose = prefix === 'WEBHOOK' ? 'whose action groups call the webhook' : 'whose users sign in to approve and operate';
  const tenantRaw = setting(env, tenantKey);
  const audiencesRaw = setting(env, audiencesKey);
  const jwksRaw = setting(env, jwksKey);
  if (tenantRaw === undefined && audiencesRaw === undefined) {
    if (jwksRaw !== undefined) problems.push(`${jwksKey} is set but ${what} is off; set ${tenantKey} and ${audiencesKey} as well, or remove ${jwksKey}`);
    return undefined;
  }
  if (tenantRaw === undefined || audiencesRaw === undefined) {
    const set = tenantRaw === undefined ? audiencesKey : tenantKey;
    problems.push(
      `${what} needs both ${tenantKey} and ${audiencesKey}, but only ${set} is set; ` +
        'set both (the tenant id, and your API app\'s client id and Application ID URI, comma-separated) or neither',
    );
    return undefined;
  }
  const before = problems.length;
  if (!GUID.test(tenantRaw)) problems.push(`${tenantKey} "${tenantRaw}" is invalid; use the directory (tenant) id GUID of the tenant ${whose}`);
  const audiences = [...new Set(audiencesRaw.split(',').map((a) => a.trim()).filter((a) => a !== ''))];
  if (audiences.length === 0) {
    problems.push(`${audiencesKey} "${audiencesRaw}" lists no audience; use your API app's client id and Application ID URI, e.g. "<client-id>,api://<client-id>"`);
  }
  let jwksUrl: string | undefined;
  if (jwksRaw !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(jwksRaw);
    } catch {
      url = undefined;
    }
    const local = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url === undefined || !(url.protocol === 'https:' || (url.protocol === 'http:' && local))) {
      problems.push(`${jwksKey} "${jwksRaw}" is invalid; use the https URL of a JSON Web Key Set (default https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys)`);
    } else {
      jwksUrl = url.href;
    }
  }
  if (problems.length > before) return undefined;
  return Object.freeze({
    tenantId: tenantRaw.toLowerCase(),
    audiences: Object.freeze(audiences),
    ...(jwksUrl === undefined ? {} : { jwksUrl }),
  });
}

/**
 * OPERATOR_ROLE is the app role on-call engineers need. It can only be checked on a verified
 * identity: App Service Authentication's principal (WEBSITE_AUTH_ENABLED=True, set by the
 * platform when it is on) or an Entra token (OPERATOR_TENANT_ID and OPERATOR_AUDIENCES). Without
 * either, nobody could ever hold it.
 */
function loadOperatorRole(env: Readonly<Record<string, string | undefined>>, verifiedSource: boolean, problems: string[]): string | undefined {
  const role = setting(env, 'OPERATOR_ROLE');
  if (role === undefined) return undefined;
  if (/\s/.test(role)) {
    problems.push(`OPERATOR_ROLE "${role}" is invalid; use the value of one app role (app role values contain no spaces)`);
    return undefined;
  }
  if (!verifiedSource) {
    problems.push(
      'OPERATOR_ROLE is set but nothing can verify who holds it: App Service Authentication is off (WEBSITE_AUTH_ENABLED is not True) and ' +
        'OPERATOR_TENANT_ID/OPERATOR_AUDIENCES are not set; enable App Service Authentication on the function app, or set the OPERATOR_ settings, or remove OPERATOR_ROLE',
    );
    return undefined;
  }
  return role;
}

// ---------------------------------------------------------------------------------------------
// Storage: the alert archive (blobs) and the incident claims (table)

type StorageService = 'blob' | 'table';

const SERVICE_WORDS: Record<StorageService, { endpoint: string; uriSuffix: string; host: string }> = {
  blob: { endpoint: 'BlobEndpoint', uriSuffix: 'blobServiceUri', host: 'blob' },
  table: { endpoint: 'TableEndpoint', uriSuffix: 'tableServiceUri', host: 'table' },
};

/** Problems with a storage connection string for `service`, or none. Values are never echoed: they hold keys. */
function connectionStringProblem(key: string, value: string, service: StorageService): string | undefined {
  if (/^\s*UseDevelopmentStorage\s*=\s*true\s*;?\s*$/i.test(value)) return undefined;
  const parts = new Map<string, string>();
  for (const part of value.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const endpointKey = SERVICE_WORDS[service].endpoint;
  const endpoint = parts.get(endpointKey.toLowerCase());
  const example = `"DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net"`;
  if (parts.size === 0) return `${key} is not a storage connection string; use ${example}, or UseDevelopmentStorage=true for Azurite`;
  if (!parts.get('accountkey') && !parts.get('sharedaccesssignature')) {
    return `${key} has neither AccountKey nor SharedAccessSignature; use ${example} or a SAS connection string (to use the app's managed identity instead, set the *_SERVICE_URL setting)`;
  }
  if (!endpoint && !parts.get('accountname')) return `${key} has neither AccountName nor ${endpointKey}; use ${example}`;
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
    } catch {
      return `${key} has an invalid ${endpointKey}; use the service's URL, e.g. https://<account>.${SERVICE_WORDS[service].host}.core.windows.net`;
    }
  }
  return undefined;
}

function serviceUrlProblem(key: string, value: string, service: StorageService): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const local = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url === undefined || !(url.protocol === 'https:' || (url.protocol === 'http:' && local)) || url.search !== '' || url.hash !== '') {
    return `${key} "${value}" is invalid; use the ${service} service URL with no query, e.g. https://<account>.${SERVICE_WORDS[service].host}.core.windows.net (the app's managed identity needs a Storage ${service === 'blob' ? 'Blob' : 'Table'} Data Contributor role there)`;
  }
  return undefined;
}

/**
 * `<PREFIX>_CONNECTION` or `<PREFIX>_SERVICE_URL` (one, not both), else the Functions host storage:
 * AzureWebJobsStorage (connection string) or AzureWebJobsStorage__<blob|table>ServiceUri /
 * AzureWebJobsStorage__accountName (identity-based, as the azd Flex Consumption template sets it).
 */
function loadStorageConnection(
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
  prefix: string,
  service: StorageService,
): StorageConnection | undefined {
  const connKey = `${prefix}_CONNECTION`;
  const urlKey = `${prefix}_SERVICE_URL`;
  const conn = setting(env, connKey);
  const url = setting(env, urlKey);
  if (conn !== undefined && url !== undefined) {
    problems.push(`${connKey} and ${urlKey} are both set; set one: a connection string, or the service URL to reach with the app's managed identity`);
    return undefined;
  }
  const check = (problem: string | undefined) => (problem === undefined ? true : (problems.push(problem), false));
  if (conn !== undefined) return check(connectionStringProblem(connKey, conn, service)) ? { kind: 'connectionString', connectionString: conn, setting: connKey } : undefined;
  if (url !== undefined) return check(serviceUrlProblem(urlKey, url, service)) ? { kind: 'identity', serviceUrl: url.replace(/\/+$/, ''), setting: urlKey } : undefined;
  const host = setting(env, 'AzureWebJobsStorage');
  if (host !== undefined) {
    return check(connectionStringProblem('AzureWebJobsStorage', host, service))
      ? { kind: 'connectionString', connectionString: host, setting: 'AzureWebJobsStorage' }
      : undefined;
  }
  const uriKey = `AzureWebJobsStorage__${SERVICE_WORDS[service].uriSuffix}`;
  const uri = setting(env, uriKey);
  if (uri !== undefined) return check(serviceUrlProblem(uriKey, uri, service)) ? { kind: 'identity', serviceUrl: uri.replace(/\/+$/, ''), setting: uriKey } : undefined;
  const account = setting(env, 'AzureWebJobsStorage__accountName');
  if (account !== undefined) {
    if (!/^[a-z0-9]{3,24}$/.test(account)) {
      problems.push(`AzureWebJobsStorage__accountName "${account}" is not a storage account name (3-24 lower-case letters and digits)`);
      return undefined;
    }
    return { kind: 'identity', serviceUrl: `https://${account}.${SERVICE_WORDS[service].host}.core.windows.net`, setting: 'AzureWebJobsStorage__accountName' };
  }
  return undefined;
}

const CONTAINER = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;
const TABLE = /^[A-Za-z][A-Za-z0-9]{2,62}$/;

function loadAlertArchive(env: Readonly<Record<string, string | undefined>>, problems: string[]): AlertArchiveSettings | undefined {
  const container = setting(env, 'ALERT_ARCHIVE_CONTAINER') ?? 'alert-archive';
  let ok = true;
  if (!CONTAINER.test(container)) {
    problems.push(`ALERT_ARCHIVE_CONTAINER "${container}" is invalid; use 3-63 lower-case letters, digits and single hyphens (default alert-archive)`);
    ok = false;
  }
  const connection = loadStorageConnection(env, problems, 'ALERT_ARCHIVE', 'blob');
  if (connection === undefined) return undefined;
  return ok ? Object.freeze({ connection: Object.freeze(connection), container }) : undefined;
}

function loadIncidentClaims(env: Readonly<Record<string, string | undefined>>, problems: string[]): IncidentClaimsSettings | undefined {
  const table = setting(env, 'INCIDENT_CLAIMS_TABLE') ?? 'incidentclaims';
  let ok = true;
  if (!TABLE.test(table)) {
    problems.push(`INCIDENT_CLAIMS_TABLE "${table}" is invalid; use 3-63 letters and digits, starting with a letter (default incidentclaims)`);
    ok = false;
  }
  const connection = loadStorageConnection(env, problems, 'INCIDENT_CLAIMS', 'table');
  if (connection === undefined) return undefined;
  return ok ? Object.freeze({ connection: Object.freeze(connection), table }) : undefined;
}

/**
 * A setting of the form `name:key;name:key` (GENOMICS_ACCOUNT_KEYS, AZURE_SIMULATOR_BLOB_KEYS):
 * the keys by lower-cased name, and each malformed pair as a problem naming the setting.
 */
export function parseKeyList(name: string, text: string | undefined): { keys: Record<string, string>; problems: string[] } {
  const keys: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of (text ?? '').split(';').map((p) => p.trim()).filter(Boolean)) {
    const at = pair.indexOf(':');
    if (at <= 0 || at === pair.length - 1) {
      problems.push(`${name} must be 'account:key;account:key', got a pair '${pair.slice(0, 20)}…' without both parts`);
      continue;
    }
    keys[pair.slice(0, at).toLowerCase()] = pair.slice(at + 1);
  }
  return { keys, problems };
}

function loadKeyList(env: Readonly<Record<string, string | undefined>>, name: string, problems: string[]): Record<string, string> {
  const parsed = parseKeyList(name, env[name]);
  problems.push(...parsed.problems);
  return parsed.keys;
}

/** The catalog the app reads: CATALOG_PATH, else the sample catalog (the CLI's default too). */
export function catalogPathOf(env: Readonly<Record<string, string | undefined>>): string {
  return env['CATALOG_PATH']?.trim() || 'samples/catalog.yaml';
}
