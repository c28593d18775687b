import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Migration settings shared by the start script, the tests and the server. Running from source
 * (tsx) loads the .ts migrations; the compiled build loads the .js files next to it.
 */
export const migrationConfig: Knex.MigratorConfig = {
  directory: path.resolve(here, '../../migrations'),
  loadExtensions: [path.extname(fileURLToPath(import.meta.url))],
  tableName: 'knex_migrations',
};

/** Applies every pending migration and returns the names of those it ran. */
export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
  return applied;
}
