/**
 * The directory the local stack's on-call engineers sign in to: the simulator signs their tokens
 * (`POST /_sim/identity/token`, `failover sim login`) and publishes its key for this tenant; the
 * local app is configured to accept them (OPERATOR_TENANT_ID, OPERATOR_AUDIENCES).
 */
export const LOCAL_TENANT_ID = '7e5c0a3b-1f4d-4c2e-9a8b-0d6f3e2c1b5a';
/**
 * The local app registration's Application ID URI: the audience people sign in for. The
 * simulator issues v1.0 tokens for it (sim/providers/identity.ts).
 */
export const LOCAL_OPERATOR_AUDIENCE = 'api://failover-orchestrator-local';
/** The local app registration's client id: the audience of its v2.0 tokens. */
export const LOCAL_OPERATOR_CLIENT_ID = '5f8d2c1e-9b3a-4e7d-a6c0-2b4e8f1d3a79';
