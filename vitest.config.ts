import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      // the dashboard's component tests; each file sets `// @vitest-environment jsdom`
      'apps/web/src/**/*.test.tsx',
      // the dashboard in real Chromium against the real server (skipped without /usr/bin/chromium)
      'apps/web/e2e/**/*.test.ts',
    ],
    globalSetup: ['./test-support/redis-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      reporter: ['text-summary', 'text'],
      include: [
        'packages/store/src/**/*.ts',
        'packages/domain/src/feedback/**/*.ts',
        'packages/domain/src/sources/**/*.ts',
        'apps/server/src/http/**/*.ts',
      ],
      exclude: ['**/*.test.ts'],
      thresholds: { lines: 80 },
    },
  },
});
