/**
 * Where an incident lives on the app's HTTP API. One place, so the webhook's answers, the
 * notifications' buttons and the CLI agree on every URL.
 */

export type IncidentAction = 'approve' | 'reject' | 'failback' | 'cancel' | 'reopen';

/** `/api/incidents/{id}`, absolute when the base URL is known. */
export function incidentPath(baseUrl: string | null, incidentId: string, action?: IncidentAction): string {
  const path = `/api/incidents/${encodeURIComponent(incidentId)}${action === undefined ? '' : `/${action}`}`;
  return baseUrl === null ? path : `${baseUrl.replace(/\/+$/, '')}${path}`;
}
