/**
 * The durable side of the app: the incident and playbook orchestrations, and every activity,
 * each under its name from the contract (lib/incidents/contract.ts). Activities are built from the
 * composition root on first use, so a configuration problem fails the activity (and is retried
 * or reported by the orchestration), never the module load.
 */
import * as df from 'durable-functions';
import { appServices, type AppServices } from '../lib/composition.js';
import { createActivities, type Activities } from '../lib/steps/index.js';
import { ACTIVITIES, ORCHESTRATIONS } from '../lib/incidents/contract.js';
import { incidentOrchestrator } from '../orchestrations/incident.js';
import { playbookOrchestrator } from '../orchestrations/playbook.js';

df.app.orchestration(ORCHESTRATIONS.incident, incidentOrchestrator);
df.app.orchestration(ORCHESTRATIONS.playbook, playbookOrchestrator);

let built: { services: AppServices; activities: Activities } | undefined;
/** The activities over the current services (rebuilt when the services are, e.g. after a settings change). */
const activities = (): Activities => {
  const services = appServices();
  if (built?.services !== services) built = { services, activities: createActivities(services.steps) };
  return built.activities;
};

for (const name of Object.keys(ACTIVITIES) as Array<keyof Activities>) {
  df.app.activity(name, { handler: (input: unknown) => (activities()[name] as (input: unknown) => Promise<unknown>)(input) });
}
