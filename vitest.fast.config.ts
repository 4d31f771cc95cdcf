// `npm run test:fast`: the unit and orchestration suites, for the edit-test loop (under a minute).
// Left out, as together they take minutes: the whole app end to end (test/e2e, test/demo);
// local/main.ts as a process (test/local/main, test/local/*-process, the crash suite); Azurite
// under the storage and notification suites (test/storage, test/notify delivery and outbox); the
// simulator over HTTPS (test/sim, the contract examples' replay, and the playbook steps and ARM
// throttle queue that run against it); child vitest runs (the contract enforcement suite); and the
// browser (test/support/browser); the replays (test/replay against the simulator, a staging app
// and the local stack). Still run, being quick: an in-memory Azurite per
// file in test/stores; the local host in this process on a loopback port (test/local host,
// http-host, hardening and clock) and the durable HTTP API on one (test/durable/http-api); and
// stub servers in test/auth/remote-jwks, test/azure/genomics-client and test/errors/transient.
// `npm test` runs everything.
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
        'test/contracts/enforcement.test.ts',
        'test/contracts/examples.test.ts',
        // Replays against the simulator, a staging app of its own and the local stack.
        'test/replay/import-*.test.ts',
        'test/replay/staging.test.ts',
        'test/replay/saved-incidents.test.ts',
      ],
    },
  }),
);
