/**
 * The incident ids the app hands out, and the check of an id that arrives in a URL. Incidents are
 * durable instances whose id the app makes itself (`incidentInstanceId` in lib/intake/accept.ts,
 * for alerts and failover requests alike): `incident-<20 hex digits>-<17 digits>`. The durable
 * client puts an id into its RPC URLs as it is (durable-functions builds
 * `new URL(\`instances/${instanceId}\`, rpcBaseUrl)` without encoding), so an id such as
 * `abc?x` or `abc#y` would add a query or a fragment to the call. Only ids of the app's own form
 * reach the client; anything else names no incident. (Playbook sub-orchestrations,
 * `<incident id>:<direction>:<workload>`, are never addressed through /api/incidents.)
 */
/** A replay's incidents carry its id first (lib/replay/stored.ts): `replay-<stamp>-<6 hex>-incident-…`. */
const INCIDENT_ID = /^(?:replay-\d{8}T\d{6}-[0-9a-f]{6}-)?incident-[0-9a-f]{20}-[0-9]{17}$/;

/** What an incident id looks like, for messages. */
const INCIDENT_ID_FORM = 'incident-<20 hex digits>-<17 digits>';

/** Null for an id of the app's form; else why it cannot name an incident. */
export function incidentIdProblem(id: string): string | null {
  if (INCIDENT_ID.test(id)) return null;
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return `${JSON.stringify(shown)} is not an incident id: incident ids look like ${INCIDENT_ID_FORM}, as the alert and failover answers give them; GET /api/incidents lists them`;
}
