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
    // The spatial index lives in the segments of sample_locations, the live one from the start.
    const index = await knex.raw("SELECT indexdef FROM pg_indexes WHERE indexname IN ('sample_locations_location', 'sample_locations_live_location_idx') ORDER BY indexname");
    expect(index.rows.map((row: { indexdef: string }) => row.indexdef)).toEqual([
      expect.stringContaining('ON public.sample_locations_live USING gist (location)'),
      expect.stringContaining('ON ONLY public.sample_locations USING gist (location)'),
    ]);
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

describe('samples without a row-level foreign key', () => {
  async function newDataset(): Promise<string> {
    const [project] = await knex('projects').insert({ title: 'p' }).returning('id');
    const [dataset] = await knex('datasets').insert({ projectId: project.id, title: 'd' }).returning('id');
    return dataset.id;
  }

  it('rejects a sample of a missing dataset', async () => {
    const insert = knex('samples').insert({ datasetId: '5b0d4f7e-1d0b-4a47-9a3f-0c1f3b2a9e11', name: 'orphan' });
    await expect(insert).rejects.toMatchObject({ code: '23503', constraint: 'samples_dataset_id_foreign' });
  });

  it('rejects a statement that mixes existing and missing datasets', async () => {
    const datasetId = await newDataset();
    const insert = knex('samples').insert([
      { datasetId, name: 'fine' },
      { datasetId: '5b0d4f7e-1d0b-4a47-9a3f-0c1f3b2a9e11', name: 'orphan' },
    ]);
    await expect(insert).rejects.toMatchObject({ code: '23503' });
    expect(await knex('samples').where({ datasetId }).count('* as n').first()).toEqual({ n: 0 });
  });

  it('rejects moving a sample to a missing dataset', async () => {
    const datasetId = await newDataset();
    const [sample] = await knex('samples').insert({ datasetId, name: 's' }).returning('id');
    const move = knex('samples').where({ id: sample.id }).update({ datasetId: '5b0d4f7e-1d0b-4a47-9a3f-0c1f3b2a9e11' });
    await expect(move).rejects.toMatchObject({ code: '23503' });
  });

  it('deletes the samples of a deleted dataset', async () => {
    const kept = await newDataset();
    const deleted = await newDataset();
    await knex('samples').insert([{ datasetId: kept, name: 'k' }, { datasetId: deleted, name: 'd' }]);
    await knex('datasets').where({ id: deleted }).delete();
    expect(await knex('samples').where({ datasetId: deleted }).count('* as n').first()).toEqual({ n: 0 });
    expect(await knex('samples').where({ datasetId: kept }).count('* as n').first()).toEqual({ n: 1 });
  });
});
