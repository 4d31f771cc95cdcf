/**
 * GET /api/status (on-call key): what is protected and how ready it is, per workload: the active
 * side, the last failover, readiness drift, permissions, open incidents, retired services
 * (lib/operators/status.ts). `failover status` reads it.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import { handleOperatorCall } from './on-call-request.js';
import { listIncidents, type IncidentBrief } from '../lib/operators/incidents.js';
import { protectionStatus } from '../lib/operators/status.js';

app.http('protectionStatus', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'status',
  extraInputs: [df.input.durableClient()],
  handler: (request, context) =>
    handleOperatorCall(request, context, async ({ services, deps }) =>
      protectionStatus({
        catalog: await services.catalog(),
        clients: services.clients,
        appConfigurationEndpoint: services.config.appConfigurationEndpoint ?? null,
        ledger: services.stores.failoverLedger,
        runningIncidents: async () => {
          const listed = await listIncidents(deps, new URLSearchParams({ state: 'running', top: '1000' }));
          if (listed.status !== 200) throw new Error(`the incident list answered ${listed.status}`);
          return (listed.body as { incidents: IncidentBrief[] }).incidents;
        },
        alerting: services.config.alerting,
        now: deps.now,
      }),
    ),
});
