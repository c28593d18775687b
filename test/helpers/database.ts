import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { withDefaultUser } from '../../server/db/connection-url.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Base URL of the PostgreSQL server the tests use; the database name in it is ignored. */
/** The Redis server the tests use. */
const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export const TEST_SERVER_URL = withDefaultUser(process.env.TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/postgres');

/**
 * Name of the migrated database that every test database is cloned from (made by global setup).
 * It carries a hash of the checkout's path, so test runs of two checkouts on one PostgreSQL
 * (CI beside a developer, or two worktrees) never rebuild each other's template.
 */
export const TEMPLATE_DATABASE =
  process.env.FAIRPORT_TEST_TEMPLATE ?? `fairport_test_template_${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 10)}`;

export function databaseUrl(name: string): string {
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withMaintenanceClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Clones the migrated template into a database of its own for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `fairport_test_${randomBytes(5).toString('hex')}`;
  await withMaintenanceClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE_DATABASE}"`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => dropDatabase(name),
  };
}

/** Drops a database, first closing the connections a killed process may have left. */
export async function dropDatabase(name: string): Promise<void> {
  await withMaintenanceClient(async (client) => {
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await client.query(`DROP DATABASE IF EXISTS "${name}"`);
  });
}

/** A Redis key prefix of its own, so parallel test files never share queues, channels or sessions. */
export function uniqueRedisPrefix(): string {
  return `fairport-test-${randomBytes(4).toString('hex')}`;
}

/** Deletes the keys a test's server and worker left under their prefix: queues, sessions and locks. */
export async function dropRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
