import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSegmentTable, inBoxCondition, LIVE_SEGMENT, segmentTableName } from '../../server/db/location-segments.js';
import { listSamples } from '../../server/domain/samples.js';
import { createIngestWorld, type IngestWorld } from '../helpers/ingest.js';

// Samples on a grid of whole degrees: S<lon>_<lat> at (lon, lat) for lon 0..19 and lat 40..49.
function gridCsv(): string {
  const lines = ['name,lon,lat'];
  for (let lon = 0; lon < 20; lon += 1) for (let lat = 40; lat < 50; lat += 1) lines.push(`S${lon}_${lat},${lon},${lat}`);
  return `${lines.join('\n')}\n`;
}

let world: IngestWorld;

beforeAll(async () => {
  // Every import here gets a segment of its own, however small, except in the test of small imports.
  world = await createIngestWorld(50, { segmentMinRows: 1 });
});

afterAll(async () => {
  await world?.close();
});

async function namesInBox(datasetId: string, box: [number, number, number, number]): Promise<string[]> {
  const [minLon, minLat, maxLon, maxLat] = box;
  const samples = await listSamples(datasetId, { limit: 1000, afterOrd: null, bbox: { minLon, minLat, maxLon, maxLat } });
  return samples.map((sample) => sample.name).sort();
}

async function partitions(): Promise<string[]> {
  const result = await world.knex.raw(
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'sample_locations' ORDER BY c.relname",
  );
  return result.rows.map((row: { relname: string }) => row.relname);
}

async function tableExists(name: string): Promise<boolean> {
  const result = await world.knex.raw('SELECT to_regclass(?) IS NOT NULL AS present', [name]);
  return result.rows[0].present as boolean;
}

async function importGrid(datasetId: string): Promise<string> {
  const importId = await world.addImport(datasetId, { content: gridCsv(), name: 'grid.csv' });
  const outcome = await world.run(importId);
  expect(outcome.state).toBe('completed');
  return importId;
}

describe('the spatial index of samples in segments', () => {
  it('attaches an indexed segment per import', async () => {
    const datasetId = await world.createDataset('Grid');
    const importId = await importGrid(datasetId);

    const table = segmentTableName(importId);
    expect(await partitions()).toContain(table);
    const segment = await world.knex('sample_location_segments').where({ id: importId }).first();
    expect(segment).toMatchObject({ datasetId, tableName: table, points: 200 });
    const index = await world.knex.raw('SELECT indexdef FROM pg_indexes WHERE tablename = ?', [table]);
    expect(index.rows.map((row: { indexdef: string }) => row.indexdef).join('\n')).toContain('USING gist (location)');
    // The import's points are in its segment, not in the live one.
    expect(await world.knex('sample_locations_live').where({ datasetId }).count({ n: '*' })).toEqual([{ n: 0 }]);

    expect(await namesInBox(datasetId, [2.5, 44.5, 4.5, 45.5])).toEqual(['S3_45', 'S4_45']);
    // A box that covers the whole dataset reads the samples without the index, and keeps them all.
    expect(await namesInBox(datasetId, [-180, -90, 180, 90])).toHaveLength(200);
  });

  it('finds a moved sample at its new place', async () => {
    const datasetId = await world.createDataset('Moved');
    await importGrid(datasetId);
    await world.knex('samples').where({ datasetId, name: 'S3_45' }).update({ location: world.knex.raw('ST_SetSRID(ST_MakePoint(15.2, 41.2), 4326)') });

    expect(await namesInBox(datasetId, [2.5, 44.5, 4.5, 45.5])).toEqual(['S4_45']);
    expect(await namesInBox(datasetId, [15.1, 41.1, 15.3, 41.3])).toEqual(['S3_45']);
    expect(await world.knex('sample_locations_live').where({ datasetId }).count({ n: '*' })).toEqual([{ n: 1 }]);

    // Moved twice, it has one live entry, and without a location none.
    await world.knex('samples').where({ datasetId, name: 'S3_45' }).update({ location: world.knex.raw('ST_SetSRID(ST_MakePoint(16.2, 42.2), 4326)') });
    expect(await namesInBox(datasetId, [15.1, 41.1, 15.3, 41.3])).toEqual([]);
    expect(await namesInBox(datasetId, [16.1, 42.1, 16.3, 42.3])).toEqual(['S3_45']);
    await world.knex('samples').where({ datasetId, name: 'S3_45' }).update({ location: null });
    expect(await namesInBox(datasetId, [16.1, 42.1, 16.3, 42.3])).toEqual([]);
    expect(await world.knex('sample_locations_live').where({ datasetId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('indexes live inserts and forgets deletes', async () => {
    const datasetId = await world.createDataset('Live');
    await importGrid(datasetId);
    await world.knex('samples').insert({ datasetId, name: 'Added', location: world.knex.raw('ST_SetSRID(ST_MakePoint(30.5, 10.5), 4326)') });
    const live = await world.knex('sample_locations_live').where({ datasetId }).select('segmentId', 'sampleId');
    expect(live).toEqual([{ segmentId: LIVE_SEGMENT, sampleId: expect.any(String) }]);
    expect(await namesInBox(datasetId, [30, 10, 31, 11])).toEqual(['Added']);

    await world.knex('samples').where({ datasetId }).whereIn('name', ['Added', 'S4_45']).delete();
    expect(await namesInBox(datasetId, [30, 10, 31, 11])).toEqual([]);
    expect(await namesInBox(datasetId, [2.5, 44.5, 4.5, 45.5])).toEqual(['S3_45']);
    expect(await world.knex('sample_locations_live').where({ datasetId }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('searches one dataset only', async () => {
    const first = await world.createDataset('First');
    const second = await world.createDataset('Second');
    await importGrid(first);
    await world.knex('samples').insert({ datasetId: second, name: 'Only', location: world.knex.raw('ST_SetSRID(ST_MakePoint(3, 45), 4326)') });
    expect(await namesInBox(second, [2.5, 44.5, 4.5, 45.5])).toEqual(['Only']);
    expect(await namesInBox(first, [2.5, 44.5, 4.5, 45.5])).toEqual(['S3_45', 'S4_45']);
  });

  it('drops segments with their dataset', async () => {
    const datasetId = await world.createDataset('Deleted');
    const importId = await importGrid(datasetId);
    expect(await tableExists(segmentTableName(importId))).toBe(true);

    await world.knex('datasets').where({ id: datasetId }).delete();
    expect(await tableExists(segmentTableName(importId))).toBe(false);
    expect(await world.knex('sample_location_segments').where({ datasetId })).toEqual([]);
  });

  it('leaves no segment without points or after a failed load', async () => {
    const datasetId = await world.createDataset('Unlocated');
    const plain = await world.addImport(datasetId, { content: 'name,depth\nA,1\nB,2\n', name: 'plain.csv' });
    expect((await world.run(plain)).state).toBe('completed');
    expect(await tableExists(segmentTableName(plain))).toBe(false);

    // "reject" refuses the whole file for one invalid row, found after the first rows were sent:
    // the transaction, segment table included, is rolled back.
    const invalid = await world.addImport(datasetId, { content: 'name,lon,lat\nA,3,45\nB,4,45\nC,5,95\n', name: 'invalid.csv' });
    await world.analyse(invalid);
    await world.load(invalid, 'reject');
    const record = await world.knex('imports').where({ id: invalid }).first('state');
    expect(record.state).not.toBe('completed');
    expect(await world.knex('samples').where({ datasetId, importId: invalid }).count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await tableExists(segmentTableName(invalid))).toBe(false);
    expect(await world.knex('sample_location_segments').where({ datasetId })).toEqual([]);
  });

  it('leaves small imports to the live segment', async () => {
    const small = await createIngestWorld();
    try {
      const datasetId = await small.createDataset('Small');
      const importId = await small.addImport(datasetId, { content: gridCsv(), name: 'grid.csv' });
      expect((await small.run(importId)).state).toBe('completed');
      expect(await small.knex('sample_location_segments').where({ datasetId })).toEqual([]);
      expect(await small.knex('sample_locations_live').where({ datasetId }).count({ n: '*' })).toEqual([{ n: 200 }]);
      const samples = await listSamples(datasetId, { limit: 1000, afterOrd: null, bbox: { minLon: 2.5, minLat: 44.5, maxLon: 4.5, maxLat: 45.5 } });
      expect(samples.map((sample) => sample.name).sort()).toEqual(['S3_45', 'S4_45']);
    } finally {
      await small.close();
    }
  });

  it('looks up only boxes that hold few points', async () => {
    const datasetId = await world.createDataset('Estimate');
    await world.knex('datasets').where({ id: datasetId }).update({ locatedCount: 1_000_000, spatialExtent: world.knex.raw('ST_MakeEnvelope(0, 0, 100, 100, 4326)') });
    const uses = async (box: [number, number, number, number]) => {
      const [minLon, minLat, maxLon, maxLat] = box;
      return (await inBoxCondition(world.knex, datasetId, { minLon, minLat, maxLon, maxLat })).sql.includes('sample_locations');
    };
    // 1% of the extent contains about 10,000 points, 4% about 40,000, which are read in row order instead.
    expect(await uses([0, 0, 10, 10])).toBe(true);
    expect(await uses([0, 0, 20, 20])).toBe(false);
    expect(await uses([-180, -90, 180, 90])).toBe(false);
    expect(await uses([200, 0, 210, 10])).toBe(true);
    // Along a meridian the extent has no width, so a box contains all the points or none.
    await world.knex('datasets').where({ id: datasetId }).update({ spatialExtent: world.knex.raw('ST_MakeEnvelope(5, 0, 5, 100, 4326)') });
    expect(await uses([4, 0, 6, 1])).toBe(true);
    expect(await uses([4, 0, 6, 50])).toBe(false);
    expect(await uses([6, 0, 7, 100])).toBe(true);
  });

  it('lets a dataset deletion pass a running load', async () => {
    const loaded = await world.createDataset('Being loaded');
    const deleted = await world.createDataset('Deleted meanwhile');
    const importId = await importGrid(deleted);

    // A load between the creation of its segment table and its commit.
    const load = await world.knex.transaction();
    try {
      await createSegmentTable(load, '0190a3c2-4444-7abc-8def-000000000001', loaded);
      await world.knex.transaction(async (trx) => {
        await trx.raw("SET LOCAL lock_timeout = '2s'");
        await trx('datasets').where({ id: deleted }).delete();
      });
    } finally {
      await load.rollback();
    }
    expect(await tableExists(segmentTableName(importId))).toBe(false);
  });
});
