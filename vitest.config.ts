import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // In-process servers log nothing unless LOG_LEVEL is set; child processes keep their output for failure messages.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent', NODE_ENV: 'test' },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: integration files start servers and workers of their own, so run two at a time.
    maxWorkers: 2,
  },
});
