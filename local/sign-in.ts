/**
 * The directory the local stack's on-call engineers sign in to: the simulator signs their tokens
 * (`POST /_sim/identity/token`, `failover sim login`) and publishes its key for this tenant; the
 * local app is configured to accept them (OPERATOR_TENANT_ID, OPERATOR_AUDIENCES).
 */
export const LOCAL_TENANT_ID = '7e5c0a3b-1f4d-4c2e-9a8b-0d6f3e2c1b5a';
/** The audience the local app accepts on-call tokens for. */
export const LOCAL_OPERATOR_AUDIENCE = 'api://failover-orchestrator-local';
