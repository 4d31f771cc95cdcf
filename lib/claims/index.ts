/**
 * Moved: the stores this module held live in lib/stores, one module per concern. Only the
 * `WorkflowRecord` type is still exported from here, for code not yet moved to import it from
 * lib/stores/workflow-records.ts; import it from there.
 */
export type { WorkflowRecord } from '../stores/workflow-records.js';
