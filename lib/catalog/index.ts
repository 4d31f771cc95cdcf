export type * from './types.js';
export { parseCatalog, loadCatalogFile } from './load.js';
export { matchSignal } from './match.js';
export { dependencyGroups } from './dependencies.js';
export { parseDuration, formatIsoDuration, type DurationResult } from './duration.js';
export { workloadRetirements } from './retirements.js';
export { ROLE_RULES, PLAYBOOK_KINDS, PROVIDER_MANAGED, type RoleRule } from './roles.js';
