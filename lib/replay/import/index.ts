/**
 * Importers: a past incident from Azure's own history (the Activity Log, the Resource Health
 * events API, Microsoft Graph service health) or from a saved file, as replayable signals.
 */
export { actionGroupPayload, NotNormalizableError, type ActionGroupPayload, type PayloadContext } from './action-group-payload.js';
export {
  importActivityLog,
  ACTIVITY_LOG_CATEGORIES,
  ACTIVITY_LOG_RETENTION_DAYS,
  DEFAULT_ACTIVITY_LOG_CATEGORIES,
  type ActivityLogCategory,
  type ActivityLogImportOptions,
} from './activity-log.js';
export { importHealthEvents, type HealthEventsImportOptions } from './health-events.js';
export { importGraphIssues, type GraphIssuesImportOptions } from './graph-issues.js';
export { importFile } from './file.js';
export { selectIncidents, type IncidentSelection } from './select.js';
