import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

/**
 * The one statement-level update trigger on samples keeps each dataset's counts, spatial extent
 * and collection period right, and leaves them alone when an update changes none of location,
 * collection time or dataset. The updates here are plain SQL, as any writer of the table may run.
 */
let api: ApiServer;
let admin: TestClient;
let db: pg.Client;
let first: string;
let second: string;

interface Statistics {
  sample_count: number;
  located_count: number;
  extent: string | null;
  collected_start: Date | null;
  collected_end: Date | null;
}

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

async function statistics(datasetId: string): Promise<Statistics> {
  const result = await db.query<Statistics>(
    `SELECT sample_count, located_count, ST_AsText(spatial_extent) AS extent, collected_start, collected_end
     FROM datasets WHERE id = $1`,
    [datasetId],
  );
  return result.rows[0]!;
}

async function sampleId(datasetId: string, name: string): Promise<string> {
  const result = await db.query<{ id: string }>('SELECT id FROM samples WHERE dataset_id = $1 AND name = $2', [datasetId, name]);
  return result.rows[0]!.id;
}

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  db = new pg.Client({ connectionString: api.database.url });
  await db.connect();
  const project = await admin.post('/projects', { title: 'Trigger check' });
  first = (await admin.post(`/projects/${project.body.id}/datasets`, { title: 'First' })).body.id;
  second = (await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Second' })).body.id;
  await admin.post(`/datasets/${first}/samples`, { name: 'west', location: point(-10, 40), collectedAt: '2020-01-01T00:00:00Z' });
  await admin.post(`/datasets/${first}/samples`, { name: 'east', location: point(20, 50), collectedAt: '2021-06-01T00:00:00Z' });
  await admin.post(`/datasets/${first}/samples`, { name: 'middle', location: point(5, 45), collectedAt: '2020-08-01T00:00:00Z' });
});

afterAll(async () => {
  await db?.end();
  await api?.close();
});

describe('the samples update trigger', () => {
  it('leaves the statistics as they were when only values and names change', async () => {
    const before = await statistics(first);
    expect(before).toMatchObject({ sample_count: 3, located_count: 3, extent: 'POLYGON((-10 40,-10 50,20 50,20 40,-10 40))' });
    // A count set by hand stays as it is: nothing was recounted.
    await db.query('UPDATE datasets SET located_count = 99 WHERE id = $1', [first]);
    await db.query(`UPDATE samples SET name = name || ' (checked)', values = '{"ph": 7}' WHERE dataset_id = $1`, [first]);
    expect((await statistics(first)).located_count).toBe(99);
    await db.query('UPDATE datasets SET located_count = 3 WHERE id = $1', [first]);
    await db.query(`UPDATE samples SET name = replace(name, ' (checked)', '') WHERE dataset_id = $1`, [first]);
  });

  it('shrinks the extent and counts a removed location', async () => {
    const east = await sampleId(first, 'east');
    await db.query(`UPDATE samples SET location = ST_SetSRID(ST_MakePoint(10, 44), 4326) WHERE id = $1`, [east]);
    expect(await statistics(first)).toMatchObject({ located_count: 3, extent: 'POLYGON((-10 40,-10 45,10 45,10 40,-10 40))' });

    await db.query('UPDATE samples SET location = NULL WHERE id = $1', [east]);
    expect(await statistics(first)).toMatchObject({ located_count: 2, extent: 'POLYGON((-10 40,-10 45,5 45,5 40,-10 40))' });
  });

  it('narrows the collection period when the latest time moves earlier', async () => {
    const east = await sampleId(first, 'east');
    await db.query(`UPDATE samples SET collected_at = '2020-03-01T00:00:00Z' WHERE id = $1`, [east]);
    const after = await statistics(first);
    expect(after.collected_start?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
    expect(after.collected_end?.toISOString()).toBe('2020-08-01T00:00:00.000Z');
  });

  it('recounts both datasets when a sample moves to another one', async () => {
    const west = await sampleId(first, 'west');
    await db.query('UPDATE samples SET dataset_id = $1 WHERE id = $2', [second, west]);
    expect(await statistics(first)).toMatchObject({ sample_count: 2, located_count: 1, extent: 'POLYGON((5 45,5 45,5 45,5 45,5 45))' });
    const moved = await statistics(second);
    expect(moved).toMatchObject({ sample_count: 1, located_count: 1, extent: 'POLYGON((-10 40,-10 40,-10 40,-10 40,-10 40))' });
    expect(moved.collected_start?.toISOString()).toBe('2020-01-01T00:00:00.000Z');
  });
});
