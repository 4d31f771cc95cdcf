/**
 * Authentication and authorization of the app's HTTP callers:
 * - action groups calling the alert webhook with an Entra ID token (secure webhook), see webhook-token.ts;
 * - operators behind App Service Authentication, see client-principal.ts.
 */
export {
  ACTION_GROUPS_SECURE_WEBHOOK_ROLE,
  AUTH_FAILURE_STATUS,
  AZNS_AAD_WEBHOOK_APP_ID,
  createWebhookTokenValidator,
  defaultJwksUrl,
  webhookTokenValidatorFromSettings,
  wwwAuthenticate,
} from './webhook-token.js';
export type {
  AuthFailure,
  AuthFailureStatus,
  WebhookAuthResult,
  WebhookPrincipal,
  WebhookTokenValidator,
  WebhookTokenValidatorOptions,
} from './webhook-token.js';
export { JwksUnavailableError } from './jwks.js';
export type { RemoteJwksOptions } from './jwks.js';
export {
  CLIENT_PRINCIPAL_HEADER,
  decodeClientPrincipal,
  headerValue,
  parseClientPrincipal,
  requireRole,
} from './client-principal.js';
export type {
  ClientPrincipal,
  ClientPrincipalClaim,
  ClientPrincipalFailure,
  ClientPrincipalResult,
  HeaderSource,
  RoleCheck,
} from './client-principal.js';
