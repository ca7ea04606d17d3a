import { defineConfig } from 'vitest/config';

// Unit and property tests run in parallel; integration tests start real processes on
// loopback, so they run in forks with generous timeouts.
export default defineConfig({
  test: {
    globals: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
