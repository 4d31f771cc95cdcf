/**
 * Every day at 06:00 UTC: the readiness check of every warm standby (lib/operators/readiness.ts),
 * so drift is found before an outage needs the standby, and each drifted workload's channels are
 * told which objects are missing.
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { appServices } from '../lib/composition.js';
import { checkReadiness } from '../lib/operators/readiness.js';

export async function readinessCheck(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = appServices();
  try {
    const checks = await checkReadiness(await services.catalog(), services.clients, (targets, n) => services.steps.notify(targets, n), { baseUrl: services.config.publicBaseUrl ?? null }, () => new Date(), services.config.alerting);
    for (const c of checks) {
      if (c.outcome === 'ready') context.log(`readiness ${c.workloadId}: ready: ${c.detail}`);
      else context.warn(`readiness ${c.workloadId}: ${c.outcome}: ${c.detail}`);
    }
  } catch (err) {
    // Tomorrow's run tries again; a failed check must not take the timer down.
    context.warn(`readiness check failed: ${(err as Error).message}`);
  }
}

app.timer('readinessCheck', { schedule: '0 0 6 * * *', handler: readinessCheck });
