import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Strict mode: every simulator a test starts checks its exchanges against Microsoft's REST
    // specs (vitest.fast.config.ts inherits this through mergeConfig).
    setupFiles: ['test/contracts/setup.ts'],
    reporters: ['default'],
  },
});
