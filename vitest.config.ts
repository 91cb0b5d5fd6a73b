import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores on CI machines: integration tests start servers, keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    // The JSON report feeds .ci/run's plain `N passed, N failed` closing line.
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
    hookTimeout: 60_000,
  },
});
