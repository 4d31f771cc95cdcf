/**
 * Incident notifications: the vocabulary (events.ts), how each channel shows it (render.ts:
 * Teams Adaptive Cards, Slack blocks, a generic JSON webhook, untrusted text neutralized),
 * delivery that never throws (notifier.ts), and the outbox that keeps what a channel did not take
 * at the first, quick attempt and retries it later (delivery.ts, outbox.ts).
 */
export { NOTIFICATION_SCHEMA, NOTIFICATION_TYPES } from './events.js';
export type {
  ApprovalEscalated,
  ApprovalNeeded,
  DeliveryFailed,
  DeliveryTarget,
  Direction,
  FailbackDone,
  FailoverDone,
  ImpactConfirmed,
  IncidentCancelled,
  IncidentNotification,
  IncidentOpened,
  NotificationBase,
  NotificationType,
  PlaybookStarted,
  SlackTarget,
  StepFailed,
} from './events.js';
export {
  ADAPTIVE_CARD_CONTENT_TYPE,
  breakUrls,
  clip,
  describeNotification,
  escapeSlack,
  formatDuration,
  formatTime,
  listWorkloads,
  neutralizeSlack,
  renderFor,
  renderSlack,
  renderTeams,
  renderWebhook,
  teamsText,
} from './render.js';
export type {
  AdaptiveCard,
  NotificationFact,
  NotificationLine,
  NotificationLink,
  NotificationView,
  SlackBlock,
  SlackButton,
  SlackMessage,
  SlackMrkdwn,
  SlackPlainText,
  TeamsMessage,
  TeamsOpenUrlAction,
  TeamsRichTextBlock,
  TeamsTextRun,
  Tone,
  WebhookBody,
} from './render.js';
export { EMAIL_NOT_CONFIGURED, countDeliveries, createNotifier, redactUrl } from './notifier.js';
export { createNotificationDelivery } from './delivery.js';
export type { DeliveryPolicy, NotificationDelivery, NotificationDeliveryDeps, RetryReport, SendReport } from './delivery.js';
export { createNotificationOutbox, notificationOutboxFromSettings, outboxTableFor } from './outbox.js';
export type { NewOutboxRecord, NotificationOutbox, NotificationOutboxOptions, OutboxChanges, OutboxRecord, OutboxStatus, OutboxTarget, UndeliveredNotification } from './outbox.js';
export { parseRetryAfter } from '../http/retry-after.js';
export type { BackoffOptions, DeliveryResult, Notifier, NotifierOptions, NotifyLogEntry } from './notifier.js';
