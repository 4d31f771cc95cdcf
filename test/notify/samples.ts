/** One notification of each type, as the incident orchestration would send them. */
import { actionLinkUrl, newActionLinkClaims, signActionLink, type ActionLinkAction } from '../../lib/auth/action-link.js';
import type { IncidentNotification, NotificationType } from '../../lib/notify/index.js';

const base = {
  incidentId: 'inc-VLL2-JX8',
  workloads: ['media-streaming'],
  title: 'Azure Media Services - West Europe - Service degradation',
  trackingId: 'VLL2-JX8',
  region: 'westeurope',
  secondaryRegion: 'northeurope',
  statusUrl: 'https://failover.contoso.example/api/incidents/inc-VLL2-JX8',
  at: '2025-06-01T12:00:00.000Z',
};

/** A signed action link (`/api/links/{token}`) for the first failover approval, as the app puts in a notification. */
const link = (action: ActionLinkAction, expiresAt: string): string =>
  actionLinkUrl(
    'https://failover.contoso.example',
    signActionLink(newActionLinkClaims({ incidentId: base.incidentId, action, direction: 'failover', round: 1, expiresAt }, new Date(base.at), `sample-${action}-nonce-0001`), 'sample-action-link-secret-0123456789abcdef'),
  );

export const SAMPLES = {
  'incident-opened': { ...base, type: 'incident-opened', reason: 'Service Health: Media Services in westeurope (Active)' },
  'impact-confirmed': { ...base, type: 'impact-confirmed', reason: 'Resource Health: media-we is Unavailable after 5m' },
  'approval-needed': {
    ...base,
    type: 'approval-needed',
    direction: 'failover',
    reason: 'Service Health reports Media Services degraded in westeurope',
    approveUrl: link('approve', '2025-06-01T12:30:00.000Z'),
    rejectUrl: link('reject', '2025-06-01T12:30:00.000Z'),
    expiresAt: '2025-06-01T12:30:00.000Z',
    onTimeout: 'escalate',
    approvers: ['oncall-media@contoso.example'],
  },
  'approval-escalated': {
    ...base,
    type: 'approval-escalated',
    direction: 'failover',
    reason: 'Service Health reports Media Services degraded in westeurope',
    approveUrl: link('approve', '2025-06-01T13:00:00.000Z'),
    rejectUrl: link('reject', '2025-06-01T13:00:00.000Z'),
    waitingMs: 30 * 60_000,
    expiresAt: '2025-06-01T13:00:00.000Z',
    onTimeout: 'abort',
  },
  'playbook-started': {
    ...base,
    type: 'playbook-started',
    direction: 'failover',
    workload: 'media-streaming',
    steps: ['Point the app at the other side (App Configuration)'],
  },
  'step-failed': {
    ...base,
    type: 'step-failed',
    direction: 'failover',
    workload: 'media-streaming',
    step: 'start-streaming-endpoints',
    error: 'StreamingEndpointStartFailed: se-default did not reach Running within 10m',
    rolledBack: true,
  },
  'failover-done': {
    ...base,
    type: 'failover-done',
    durationMs: 252_000,
    sinceDetectionMs: 612_000,
  },
  'failback-done': {
    ...base,
    type: 'failback-done',
    durationMs: 185_000,
    failedOverForMs: 3 * 3_600_000 + 20 * 60_000,
  },
  'action-required': {
    ...base,
    type: 'action-required',
    workload: 'media-streaming',
    actions: ['register the self-hosted integration runtime shir-01 with contosopurviewwus', 'reconnect Data Factory lineage'],
  },
  'readiness-drift': {
    ...base,
    incidentId: '',
    trackingId: null,
    statusUrl: 'https://failover.contoso.example/api/workloads/media-streaming/readiness',
    type: 'readiness-drift',
    workload: 'media-streaming',
    standby: 'contosopurviewwus',
    missing: ['data source finance-sql', 'scan rule set finance-sql-rules'],
  },
  'incident-cancelled': { ...base, type: 'incident-cancelled', reason: 'cancelled from the CLI: false alarm', by: 'ada@contoso.com' },
  'delivery-failed': {
    ...base,
    type: 'delivery-failed',
    workload: 'media-streaming',
    channel: 'teams https://contoso.webhook.office.com/webhookb2/…',
    undelivered: ['Incident opened: media-streaming may be affected in westeurope', 'Failing over media-streaming to northeurope: 1 step'],
    attempts: 10,
    lastError: 'network error: ENOTFOUND (getaddrinfo ENOTFOUND contoso.webhook.office.com) (gave up after 10 attempts)',
  },
  'intake-failed': {
    ...base,
    incidentId: '',
    statusUrl: null,
    secondaryRegion: null,
    type: 'intake-failed',
    archived: 'alerts/2025/06/01/120000.000-0123456789abcdef.json',
    error: "TypeError: Cannot read properties of undefined (reading 'workloads')",
    incidentKey: 'VLL2-JX8',
    audience: 'concerned',
  },
} satisfies { [K in NotificationType]: Extract<IncidentNotification, { type: K }> };

export const ALL_SAMPLES: IncidentNotification[] = Object.values(SAMPLES);
