import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', NODE_ENV: 'test' },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration files start servers and workers of their own, so run two at a time.
    maxWorkers: 2,
  },
});
