// `npm run test:fast`: the unit and orchestration suites, for the edit-test loop (under a minute).
// Left out: every suite that starts a server or the app of its own, which together take minutes:
// the whole app end to end (test/e2e, test/demo), the crash suite, local/main.ts as a process,
// Azurite (test/storage, the notification outbox), the simulator over HTTPS (test/sim, the
// playbook steps and the ARM throttle queue run against it) and the browser. `npm test` runs
// everything.
import { availableParallelism } from 'node:os';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // Worker threads start faster than forked processes, and these suites wait on sockets and
      // timers as much as they compute: one worker more than there are cores (Vitest's default is
      // one fewer, a single worker on two cores). About 35 s instead of 60 s on two cores. None of
      // these suites changes the working directory or exits.
      pool: 'threads',
      maxWorkers: availableParallelism() + 1,
      exclude: [
        '**/node_modules/**',
        'test/e2e/**',
        'test/demo/**',
        'test/durable/crash.test.ts',
        'test/local/main.test.ts',
        'test/local/*-process.test.ts',
        'test/storage/**',
        'test/sim/**',
        'test/steps/**',
        'test/azure/throttle-queue.test.ts',
        'test/notify/delivery.test.ts',
        'test/notify/outbox.test.ts',
        'test/support/browser.test.ts',
      ],
    },
  }),
);
