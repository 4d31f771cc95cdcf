/**
 * Who holds which key. Every HTTP function but `health` and the signed links (`actionLink` and
 * `incidentPageLink`, whose token is the credential) takes a function key; one key for all of
 * them would let the action group's webhook key approve failovers and the Genomics pipeline's key
 * read incidents. So each caller gets a key of its own group, valid only for that group's
 * functions (plus the master key, which opens everything and is kept by the platform team):
 *
 * - `webhook`: the action group's webhook (`POST /api/alerts`);
 * - `oncall`: on-call engineers and the CLI (failovers, incidents, readiness, the protection
 *   status, reading the workflow record);
 * - `workflows`: the Genomics pipeline, which only records the workflows it submits.
 *
 * In Azure these are per-function keys named after the group, the same value on each function of
 * the group (the host's default key would open every function, so it is not handed out):
 *
 *   az functionapp function keys set -g <rg> -n <app> --function-name <function> --key-name <group> --key-value <key>
 *
 * once per function of the table below. The local host (local/http-host.ts) reads the same table.
 */
export const KEY_GROUPS = {
  webhook: ['alerts'],
  oncall: ['failovers', 'incidentsList', 'incidentsGet', 'incidentPage', 'incidentsCommand', 'workloadReadiness', 'workloadWorkflowsList', 'protectionStatus', 'replaysStart', 'replaysList', 'replaysGet', 'archiveIncidents'],
  workflows: ['workloadWorkflowsRecord'],
} as const satisfies Record<string, readonly string[]>;

export type KeyGroup = keyof typeof KEY_GROUPS;

export const KEY_GROUP_NAMES = Object.keys(KEY_GROUPS) as KeyGroup[];

/** The group whose key opens `functionName`, or undefined when only the master key does. */
export function keyGroupOf(functionName: string, groups: Readonly<Record<string, readonly string[]>> = KEY_GROUPS): string | undefined {
  for (const [group, functions] of Object.entries(groups)) if (functions.includes(functionName)) return group;
  return undefined;
}
