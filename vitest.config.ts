import { defineConfig } from 'vitest/config';

const shared = {
  globalSetup: ['tests/helpers/global-setup.ts'],
  // Each file opens its own database (PGlite takes ~0.5 GB); forks keep them apart.
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { test: { ...shared, name: 'api', include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'] } },
      // Browser tests each start a server and a chromium: on two cores they run after the
      // rest, one file at a time, so their waits are not starved by other suites.
      {
        test: {
          ...shared,
          name: 'web',
          include: ['tests/web/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
