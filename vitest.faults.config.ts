import { defineConfig } from 'vitest/config';

// The fault tests (npm run test:faults) restart the PostgreSQL server that DATABASE_URL points
// at, which would break any other test using it: they are kept out of `npm test` (whose
// projects never include tests/faults) and run on their own, one file at a time.
export default defineConfig({
  test: {
    name: 'faults',
    include: ['tests/faults/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
