/**
 * Incident notifications: the vocabulary (events.ts), how each channel shows it (render.ts:
 * Teams Adaptive Cards, Slack blocks, a generic JSON webhook) and delivery with retries that never
 * throws (notifier.ts).
 */
export { NOTIFICATION_SCHEMA, NOTIFICATION_TYPES } from './events.js';
export type {
  ApprovalEscalated,
  ApprovalNeeded,
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
  clip,
  describeNotification,
  escapeSlack,
  formatDuration,
  formatTime,
  listWorkloads,
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
export { EMAIL_NOT_CONFIGURED, countDeliveries, createNotifier, redactTarget, redactUrl } from './notifier.js';
export { parseRetryAfter } from '../http/retry-after.js';
export type { BackoffOptions, DeliveryResult, Notifier, NotifierOptions, NotifyLogEntry } from './notifier.js';
