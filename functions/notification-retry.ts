/**
 * Every minute: the notification outbox's retries (lib/notify/delivery.ts). Notifications a
 * Teams, Slack or webhook channel did not take at the first, short attempt are tried again with
 * backoff (honouring Retry-After) for about an hour; then they are marked undelivered and the
 * workload's other channels are told once per incident and channel (delivery-failed).
 */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { appServices } from '../lib/composition.js';

export async function notificationRetry(_timer: Timer, context: InvocationContext): Promise<void> {
  const services = appServices();
  try {
    const report = await services.notifications.retryDue();
    if (report.tried > 0 || report.gaveUp > 0 || report.reported > 0) {
      context.log(
        `notification retries: ${report.tried} tried, ${report.deliveredLate} delivered late, ${report.stillRetrying} to try again, ` +
          `${report.gaveUp} given up, ${report.reported} delivery-failed sent`,
      );
    }
  } catch (err) {
    // The records stay due; the next occurrence tries again. Storage or the catalog being out must not stop the timer.
    context.warn(`notification retries failed: ${(err as Error).message}`);
  }
}

app.timer('notificationRetry', { schedule: '0 * * * * *', handler: notificationRetry });
