import pg from 'pg';
import { withDefaultUser } from '../../server/db/connection-url.js';
import { ensureDatabase } from '../../server/db/ensure-database.js';
import { createKnex } from '../../server/db/knex.js';
import { migrateToLatest } from '../../server/db/migrate.js';

/** URL of a database on the PostgreSQL server the benchmarks use (BENCH_DATABASE_SERVER, default local). */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(withDefaultUser(process.env.BENCH_DATABASE_SERVER ?? 'postgres://127.0.0.1:5432/postgres'));
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Drops the benchmark's own database if it exists and creates it again with every migration
 * applied, so each run starts from the same empty state. Only ever call it with a database the
 * benchmarks own.
 */
export async function recreateDatabase(name: string): Promise<string> {
  if (!/^fairport_bench[a-z0-9_]*$/.test(name)) throw new Error(`Refusing to recreate "${name}": benchmark databases are named fairport_bench*`);
  const admin = new pg.Client({ connectionString: benchDatabaseUrl('postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  } finally {
    await admin.end();
  }
  return migrateDatabase(name);
}

/**
 * Creates a database when it does not exist and applies pending migrations, keeping its data.
 * For benchmarks that only add rows of their own.
 */
export async function migrateDatabase(name: string): Promise<string> {
  const url = benchDatabaseUrl(name);
  await ensureDatabase(url);
  const knex = createKnex({ DATABASE_URL: url, DATABASE_POOL_MAX: 2 });
  try {
    await migrateToLatest(knex);
  } finally {
    await knex.destroy();
  }
  return url;
}

/** Runs SQL statements one after another on a fresh connection and returns the rows of the last one. */
export async function runSql(databaseUrl: string, statements: readonly string[]): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const statement of statements) rows = (await client.query(statement)).rows as Record<string, unknown>[];
    return rows;
  } finally {
    await client.end();
  }
}
