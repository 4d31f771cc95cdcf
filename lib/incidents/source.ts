/**
 * Where an incident came from in Azure's own terms, read from its first signal: the Service Health
 * tracking ID, the Resource Health resource or the Activity Log operation, the subscription, the
 * impacted services and regions, and the Azure portal's page for it. This is what an on-call
 * engineer holding Azure's email or the portal matches against. Pure: no I/O, no clock.
 */
import { parseResourceId } from '../azure/resource-id.js';
import type { SignalSummary } from './types.js';

export type SourceKind =
  /** A Service Health event (an outage, maintenance, an advisory), by its tracking ID. */
  | 'service-health'
  /** A Resource Health event about one resource. */
  | 'resource-health'
  /** An Activity Log (Administrative) event: an operation on a resource. */
  | 'activity-log'
  /** A Microsoft 365 / Dynamics 365 service health issue (Microsoft Graph), by its issue id. */
  | 'microsoft-365'
  /** An on-call engineer's request: nothing in Azure to point at. */
  | 'manual';

export interface IncidentSource {
  kind: SourceKind;
  /** Service Health's tracking ID (`7K2T-LQ8`), or the Microsoft 365 issue id (`CR512345`). */
  trackingId: string | null;
  /** The resource a Resource Health or Activity Log event is about (ARM id, as Azure wrote it). */
  resourceId: string | null;
  /** The Activity Log operation (`Microsoft.Compute/virtualMachines/restart/action`). */
  operationName: string | null;
  subscriptionId: string | null;
  /** Impacted services, as Azure names them. */
  services: string[];
  /** Impacted regions, canonical names (`westeurope`, `global`), each once. */
  regions: string[];
  /** The Azure portal's page for it; null for a manual request, or when nothing identifies a page. */
  portalUrl: string | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A tenant as the portal takes it after `#@`: its id or a verified domain. */
const TENANT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(?:\.[a-z0-9-]+)+)$/i;
const M365_PREFIX = 'm365:';

const PORTAL = 'https://portal.azure.com/';

/** The portal address of a route, in the tenant's directory when the tenant is known. */
function portal(tenantId: string | null | undefined, route: string): string {
  const tenant = typeof tenantId === 'string' && TENANT.test(tenantId) ? tenantId : null;
  return `${PORTAL}#${tenant !== null ? `@${tenant}/` : ''}${route}`;
}

/**
 * Service Health's own link to an incident: `https://app.azure.com/h/<trackingId>/<first three and
 * last three characters of the subscription id>` ("Create a link to the Service Health dashboard for
 * an incident", learn.microsoft.com/azure/service-health/service-health-alert-webhook-guide; the
 * example there: subscription bba14129-e895-429b-8809-278e836ecdb3 and 0DET-URB give
 * https://app.azure.com/h/0DET-URB/bbadb3). Without a subscription id, the portal's Service issues
 * page, where the tracking ID can be searched (the address Microsoft's docs link to, e.g.
 * azure-monitor/alerts/action-groups-logic-app: #blade/Microsoft_Azure_Health/AzureHealthBrowseBlade/serviceIssues).
 */
function serviceHealthUrl(trackingId: string, subscriptionId: string | null, tenantId: string | null | undefined): string {
  if (subscriptionId !== null && GUID.test(subscriptionId)) {
    const sub = subscriptionId.toLowerCase();
    return `https://app.azure.com/h/${encodeURIComponent(trackingId)}/${sub.slice(0, 3)}${sub.slice(-3)}`;
  }
  return portal(tenantId, 'blade/Microsoft_Azure_Health/AzureHealthBrowseBlade/serviceIssues');
}

/** An ARM id as a portal route: each segment escaped, the slashes kept. */
function resourceRoute(resourceId: string): string | null {
  const parsed = parseResourceId(resourceId);
  if (parsed === null) return null;
  return `resource${parsed.id
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/')}`;
}

/**
 * The resource's Resource health page: the portal addresses a resource as
 * `#@<tenant>/resource<ARM id>/<menu item>` (the form Microsoft's App Service docs give for a
 * resource's page, `…#@microsoft.onmicrosoft.com/resource/subscriptions/{subscriptionId}/…/sites/{siteName}/troubleshoot`,
 * app-service/overview-diagnostics); `resourceHealth` is the "Resource health" item of the
 * resource's Help menu (service-health/resource-health-overview: "On the resource menu in the left
 * pane, select Resource health"). That item's route name is not in the docs: it is the one the
 * portal itself uses.
 */
function resourceHealthUrl(resourceId: string, tenantId: string | null | undefined): string | null {
  const route = resourceRoute(resourceId);
  return route === null ? null : portal(tenantId, `${route}/resourceHealth`);
}

/**
 * The Activity Log: the portal's Activity log page, the address Microsoft's docs link to for
 * finding an operation there (Azure Database for MySQL and PostgreSQL, "Restore a dropped server":
 * https://portal.azure.com/#blade/Microsoft_Azure_ActivityLog/ActivityLogBlade). The docs give no
 * address filtered to one operation, so the page opens unfiltered; the CLI and the view show the
 * operation and resource to filter by.
 */
function activityLogUrl(tenantId: string | null | undefined): string {
  return portal(tenantId, 'blade/Microsoft_Azure_ActivityLog/ActivityLogBlade');
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}

/** Where the incident came from, from its first signal. */
export function incidentSource(signal: SignalSummary): IncidentSource {
  const services = unique(signal.services.map((s) => s.name));
  const regions = unique(signal.services.flatMap((s) => s.regions));
  const firstResource = signal.resourceIds[0] ?? null;
  const subscriptionId = signal.subscriptionId ?? (firstResource !== null ? parseResourceId(firstResource)?.subscriptionId ?? null : null);
  const base = { trackingId: null, resourceId: null, operationName: signal.operationName ?? null, subscriptionId, services, regions, portalUrl: null };
  switch (signal.kind) {
    case 'manual':
      return { ...base, kind: 'manual', operationName: null, subscriptionId: null };
    case 'serviceHealth': {
      if (signal.schema === 'graphServiceHealthIssue' || signal.incidentKey.startsWith(M365_PREFIX)) {
        // The key is the issue id lower-cased; Microsoft writes issue ids in capitals (CR512345, EX123456).
        // The Microsoft 365 admin center documents no address for one issue, so there is no link.
        return { ...base, kind: 'microsoft-365', trackingId: signal.incidentKey.slice(M365_PREFIX.length).toUpperCase() };
      }
      return { ...base, kind: 'service-health', trackingId: signal.incidentKey, portalUrl: serviceHealthUrl(signal.incidentKey, subscriptionId, signal.tenantId) };
    }
    case 'resourceHealth':
      return { ...base, kind: 'resource-health', resourceId: firstResource, portalUrl: firstResource !== null ? resourceHealthUrl(firstResource, signal.tenantId) : null };
    case 'administrative':
      return { ...base, kind: 'activity-log', resourceId: firstResource, portalUrl: activityLogUrl(signal.tenantId) };
  }
}

/** One short reference for a list column: the tracking ID, else the resource's name, else the operation; null for a manual request. */
export function sourceReference(source: IncidentSource): string | null {
  if (source.trackingId !== null) return source.trackingId;
  if (source.resourceId !== null) return parseResourceId(source.resourceId)?.names.at(-1) ?? source.resourceId;
  return source.operationName;
}

/**
 * A tracking ID as people paste it: trimmed; Service Health's are letters and digits in groups
 * joined by `-` (`7K2T-LQ8`), the events API's may hold `_` (`BC_1-FXZ`), Microsoft 365's are
 * letters then digits (`CR512345`). Null when the text cannot be one.
 */
export function normalizeTrackingId(text: string): string | null {
  const t = text.trim();
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(t) ? t : null;
}

/** Whether the incident's source has this tracking ID (Azure compares them regardless of case). */
export function hasTrackingId(source: IncidentSource, trackingId: string): boolean {
  return source.trackingId !== null && source.trackingId.toLowerCase() === trackingId.toLowerCase();
}
