/**
 * Every minute: Microsoft 365 service health (Graph service announcement issues) into the alert
 * intake, so a Dynamics 365 failover that Microsoft announces becomes an incident like any alert
 * (lib/intake/servicehealth-poll.ts). Polls only while the catalog has a Dynamics 365 workload;
 * `SERVICE_HEALTH_POLL=off` stops it.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { appServices } from '../lib/composition.js';
import { appIntake } from '../lib/intake/deps.js';
import { acceptAlert } from '../lib/intake/accept.js';
import { ServiceHealthPoller } from '../lib/intake/servicehealth-poll.js';

const poller = new ServiceHealthPoller();
/** The failure last warned about, and how many runs in a row have failed: a Graph outage is one warning, not one a minute. */
let failing: { message: string; runs: number } | undefined;

export async function serviceHealthPoll(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = appServices();
  if (!services.config.serviceHealthPoll) return;
  const catalog = await services.catalog();
  if (!catalog.workloads.some((w) => w.playbook.kind === 'dynamics365')) return;
  // Links in what the intake answers point at the app's public address, or nowhere useful.
  const intake = appIntake(services, df.getClient(context), services.config.publicBaseUrl ?? 'http://localhost', 'servicehealth-poll', (message) => context.error(message));
  try {
    const report = await poller.poll({
      listIssues: (filter) => services.clients.graphServiceHealth().listIssues(filter),
      accept: (body) => acceptAlert(intake, { contentType: 'application/json', contentLength: body.length, authorization: null, body }),
      now: () => new Date(),
    });
    if (failing !== undefined) context.log(`service health poll works again after ${failing.runs} failed run(s)`);
    failing = undefined;
    if (report.sent > 0) context.log(`service health: ${report.read} issue(s) read, ${report.sent} sent to the intake, ${report.acted} acted on, ${report.retry} to send again`);
  } catch (err) {
    // The next occurrence tries again; a Graph outage must not stop the timer.
    const message = (err as Error).message;
    if (failing?.message === message) context.debug(`service health poll failed again (${++failing.runs} runs in a row): ${message}`);
    else {
      failing = { message, runs: 1 };
      context.warn(`service health poll failed: ${message} (tried again every minute; logged again when it works or fails otherwise)`);
    }
  }
}

app.timer('serviceHealthPoll', {
  schedule: '0 * * * * *',
  extraInputs: [df.input.durableClient()],
  handler: serviceHealthPoll,
});
