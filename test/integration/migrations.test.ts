import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../../server/db/knex.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/processes.js';
import { spawnSync } from 'node:child_process';

let database: TestDatabase;
let knex: Knex;

function migrate(direction: 'up' | 'down'): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts', ...(direction === 'down' ? ['down'] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr || result.stdout);
}

async function tables(): Promise<string[]> {
  const rows = await knex.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.rows.map((row: { tablename: string }) => row.tablename);
}

beforeAll(async () => {
  database = await createTestDatabase();
  knex = createKnex({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 });
});

afterAll(async () => {
  await knex?.destroy();
  await database?.drop();
});

describe('migrations', () => {
  it('create the schema with a GiST index on sample locations', async () => {
    expect(await tables()).toEqual(expect.arrayContaining(['datasets', 'samples', 'measurements', 'dataset_changes', 'imports']));
    const index = await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'samples_location'");
    expect(index.rows[0].indexdef).toContain('USING gist (location)');
    const column = await knex.raw("SELECT type FROM geometry_columns WHERE f_table_name = 'samples' AND f_geometry_column = 'location'");
    expect(column.rows[0].type).toBe('POINT');
  });

  it('roll back completely and apply again', async () => {
    await knex.destroy();
    migrate('down');
    knex = createKnex({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 });
    expect(await tables()).not.toContain('samples');
    await knex.destroy();

    migrate('up');
    knex = createKnex({ DATABASE_URL: database.url, DATABASE_POOL_MAX: 2 });
    expect(await tables()).toContain('samples');
  });
});
