/**
 * The in-process app of the end-to-end suites as a replay target: its HTTP API with the on-call
 * key, and its virtual clock, which a replay's waits move on (every timer due meanwhile fires).
 */
import type { App } from '../e2e/support.js';
import type { ReplayTarget } from '../../lib/replay/run-replay.js';
import { waitVirtually } from '../../cli/replay-local.js';

export function inProcessTarget(app: App): ReplayTarget {
  return {
    label: 'the local stack',
    call: async (method, path, body) => {
      const reply = await app.request(method, path, body !== undefined ? { body } : {});
      return { status: reply.status, body: reply.body };
    },
    wait: (ms) => waitVirtually(app.clock, () => app.runtime.idle(), ms),
    now: () => new Date(app.clock.now()),
  };
}
