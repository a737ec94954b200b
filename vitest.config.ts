import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['*/src/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', 'tests/src/system/**', '**/*.integration.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        // Tests that need a Docker engine; images come from NODE_IMAGE/PROMETHEUS_IMAGE as for the stack.
        test: {
          name: 'integration',
          include: ['*/src/**/*.integration.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'system',
          include: ['tests/src/system/**/*.test.ts'],
          globalSetup: ['tests/src/system/global-setup.ts'],
          sequence: { shuffle: false },
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
