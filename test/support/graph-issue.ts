/**
 * A Microsoft 365 service health issue as Graph documents it
 * (GET /admin/serviceAnnouncement/issues/{id}, v1.0 serviceHealthIssue): the Dynamics 365
 * poller's input, shared by the parser tests and the decision table.
 */
export const GRAPH_ISSUE = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/issues/$entity',
  startDateTime: '2026-11-23T08:40:00Z',
  endDateTime: null,
  lastModifiedDateTime: '2026-11-23T09:05:12Z',
  title: 'Users in Europe may be unable to access Dynamics 365 environments',
  id: 'CR512345',
  impactDescription: 'Users may be unable to sign in to Dynamics 365 environments hosted in the Europe geography.',
  classification: 'incident',
  origin: 'microsoft',
  status: 'serviceDegradation',
  service: 'Dynamics 365 Apps',
  feature: 'Service access',
  featureGroup: 'Dynamics 365 Apps',
  isResolved: false,
  highImpact: null,
  details: [],
  posts: [],
};
