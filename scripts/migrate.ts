/**
 * Creates the database when missing, enables PostGIS and applies pending migrations.
 * Usage: `npm run migrate` (reads DATABASE_URL), or `npm run migrate -- down` to roll back the
 * latest batch.
 */
import { loadConfig } from '../server/config/load-config.js';
import { ensureDatabase } from '../server/db/ensure-database.js';
import { createKnex } from '../server/db/knex.js';
import { migrateToLatest, migrationConfig } from '../server/db/migrate.js';
import { moduleLogger } from '../server/observability/logger.js';

const log = moduleLogger('migrate');

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const knex = createKnex(config);
  try {
    if (process.argv[2] === 'down') {
      const [, rolledBack] = (await knex.migrate.rollback(migrationConfig)) as [number, string[]];
      log.info({ migrations: rolledBack }, 'rolled back');
      return;
    }
    const applied = await migrateToLatest(knex);
    log.info({ migrations: applied }, applied.length > 0 ? 'applied migrations' : 'database is up to date');
  } finally {
    await knex.destroy();
  }
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'migration failed');
  process.exitCode = 1;
});
