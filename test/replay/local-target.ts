/**
 * The in-process app of the end-to-end suites as a replay target: its HTTP API with the on-call
 * key, and its virtual clock, which a replay's waits move on (every timer due meanwhile fires).
 */
import type { App } from '../e2e/support.js';
import type { ReplayTarget } from '../../lib/replay/run-replay.js';

export function inProcessTarget(app: App): ReplayTarget {
  return {
    label: 'the local stack',
    call: async (method, path, body) => {
      const reply = await app.request(method, path, body !== undefined ? { body } : {});
      return { status: reply.status, body: reply.body };
    },
    wait: async (ms) => {
      await app.runtime.idle();
      const until = app.clock.now() + ms;
      // Timers due before `until` fire in order, each after the work before it settled.
      while ((app.clock.nextAt() ?? Infinity) <= until) {
        app.clock.advanceToNext();
        await app.runtime.idle();
      }
      app.clock.advanceTo(until);
      await app.runtime.idle();
    },
    now: () => new Date(app.clock.now()),
  };
}
