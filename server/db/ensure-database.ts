import pg from 'pg';
import { moduleLogger } from '../observability/logger.js';
import { withDefaultUser } from './connection-url.js';

const log = moduleLogger('db');
const DUPLICATE_DATABASE = '42P04';

/**
 * Creates the database named in the URL when it does not exist and enables PostGIS in it.
 * Connects to the server's `postgres` maintenance database to issue CREATE DATABASE.
 */
export async function ensureDatabase(configuredUrl: string): Promise<void> {
  const databaseUrl = withDefaultUser(configuredUrl);
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(`Invalid database name "${name}" in DATABASE_URL; use letters, digits, "_" and "-".`);
  }

  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await createDatabase(admin, name);
    }
  } finally {
    await admin.end();
  }

  await enablePostgis(databaseUrl);
}

async function createDatabase(admin: pg.Client, name: string): Promise<void> {
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    log.info({ database: name }, 'created database');
  } catch (error) {
    // Another process created it between the check and this statement.
    if ((error as { code?: string }).code !== DUPLICATE_DATABASE) throw error;
  }
}

async function enablePostgis(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const available = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'");
    if (available.rowCount === 0) {
      throw new Error(
        'PostGIS is not installed on this PostgreSQL server. On Debian or Ubuntu run ' +
          '`apt-get install postgresql-15-postgis-3` (match your PostgreSQL major version), ' +
          'or run scripts/services.sh, which installs it.',
      );
    }
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } finally {
    await client.end();
  }
}
