import { spawnSync } from 'node:child_process';
import { databaseUrl, dropDatabase, TEMPLATE_DATABASE } from './database.js';
import { REPO_ROOT } from './processes.js';

/**
 * Builds the template database once per test run with the same script `npm run migrate` runs:
 * a fresh database with PostGIS and every migration applied. Test files clone it
 * (CREATE DATABASE ... TEMPLATE), which takes a fraction of a second.
 */
export async function setup(): Promise<void> {
  await dropDatabase(TEMPLATE_DATABASE);
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl(TEMPLATE_DATABASE), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`Migrating the test template database failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Drops the template again, so test runs leave no database behind. */
export async function teardown(): Promise<void> {
  await dropDatabase(TEMPLATE_DATABASE);
}
