import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests import web/src modules that reach server/rules through the web app's alias.
const resolve = { alias: { $rules: fileURLToPath(new URL('./server/rules', import.meta.url)) } };

const shared = {
  globalSetup: ['tests/helpers/global-setup.ts'],
  // Each file opens its own database (PGlite takes ~0.5 GB); forks keep them apart.
  pool: 'forks' as const,
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // expect.poll waits 1 s by default: on a loaded two-core machine a live update or a page can
  // take longer without anything being wrong.
  expect: { poll: { timeout: 10_000 } },
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { resolve, test: { ...shared, name: 'api', include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'] } },
      // Browser tests each start a server and a chromium: on two cores they run after the
      // rest, one file at a time, so their waits are not starved by other suites.
      {
        resolve,
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
