// `npm run test:fast`: the unit and orchestration suites, for the edit-test loop (under a minute).
// Left out: every suite that starts a server or the app of its own, which together take minutes:
// the whole app end to end (test/e2e, test/demo), the crash suite, local/main.ts as a process,
// Azurite (test/storage, the notification outbox), the simulator over HTTPS (test/sim, the
// playbook steps and the ARM throttle queue run against it) and the browser. `npm test` runs
// everything.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // Worker threads start faster than the default forked processes: about 40 s instead of 50 s
      // on two busy cores. None of these suites changes the working directory or exits.
      pool: 'threads',
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
