import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportMapping } from '../../common/api/imports.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';
import { REPO_ROOT } from '../helpers/processes.js';

const EARTHQUAKES = path.join(REPO_ROOT, 'node_modules/vega-datasets/data/earthquakes.json');

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('USGS earthquakes feed', () => {
  let datasetId: string;
  let importId: string;

  beforeAll(async () => {
    datasetId = await world.createDataset('Earthquakes');
    importId = await world.addImport(datasetId, { path: EARTHQUAKES });
    expect((await world.run(importId)).state).toBe('completed');
  });

  it('loads every feature as a located sample', async () => {
    const snapshot = await datasetSnapshot(world.knex, datasetId);
    expect(snapshot.sampleCount).toBe(1707);
    expect(snapshot.locatedCount).toBe(1707);
    const record = await world.knex('imports').where({ id: importId }).first('counts');
    expect(record.counts).toMatchObject({ rows: 1707, samples: 1707, located: 1707, unlocated: 0, rejectedRows: 0 });
  });

  it('shows how epoch milliseconds are read', async () => {
    const record = await world.knex('imports').where({ id: importId }).first('mapping');
    const time = (record.mapping as ImportMapping).columns.find((column) => column.header === 'time');
    expect(time).toMatchObject({ target: 'collected_at', examples: expect.arrayContaining(['1517966773840']) });
    expect(time!.notes).toContain('Numbers are read as milliseconds since 1970-01-01 00:00 UTC, so 1517966773840 is 2018-02-07 01:26:13.840 UTC.');
  });

  it('maps title, time and depth', async () => {
    const first = await world
      .knex('samples')
      .where({ datasetId })
      .orderBy('ord')
      .first('name', 'collectedAt', 'collectedAtPrecision', 'values', world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
    expect(first.name).toBe('M 2.0 - 4km W of Castaic, CA');
    expect(first.collectedAt.toISOString()).toBe(new Date(1517966773840).toISOString());
    expect(first.collectedAtPrecision).toBe('millisecond');
    expect(first.location).toEqual({ type: 'Point', coordinates: [-118.6671667, 34.4945] });
    expect(first.values).toMatchObject({
      id: 'ci37868143',
      mag: 2,
      place: '4km W of Castaic, CA',
      updated: 1517966996303,
      type: 'earthquake',
      depth: 26.49,
      net: 'ci',
      code: '37868143',
    });
    expect(first.values).not.toHaveProperty('felt');
    expect(first.values).not.toHaveProperty('time');
    expect(first.values).not.toHaveProperty('title');
  });

  it('creates typed fields, with depth as a number in km', async () => {
    const fields = await world.knex('dataset_fields').where({ datasetId }).select('key', 'type', 'unit');
    const byKey = new Map(fields.map((field) => [field.key, field]));
    expect(byKey.get('depth')).toEqual({ key: 'depth', type: 'number', unit: 'km' });
    expect(byKey.get('mag')).toEqual({ key: 'mag', type: 'number', unit: null });
    expect(byKey.get('id')?.type).toBe('text');
    expect(byKey.get('tsunami')?.type).toBe('integer');
    expect(byKey.get('magtype')?.type).toBe('text');
    expect(byKey.has('time')).toBe(false);
    expect(byKey.has('title')).toBe(false);
  });
});

describe('GeoJSON with mixed geometries', () => {
  let datasetId: string;

  let importId: string;

  beforeAll(async () => {
    datasetId = await world.createDataset('Shapes');
    importId = await world.addImport(datasetId, { fixture: 'shapes.geojson' });
    expect((await world.run(importId)).state).toBe('completed');
  });

  it('describes the shapes in the review as the table does', async () => {
    const { mapping } = await world.knex('imports').where({ id: importId }).first('mapping');
    const geometry = mapping.columns.find((column: { header: string }) => column.header === 'geometry');
    expect(geometry.examples).toEqual(['Polygon, 5 vertices', 'LineString, 3 vertices']);
  });

  it('tells the uploader that geometries locate the samples', async () => {
    const { mapping } = await world.knex('imports').where({ id: importId }).first('mapping');
    expect(mapping.notes).toContain("Each feature's geometry gives its sample's location. A line or polygon is located by a point on it and kept whole in a geometry field.");
  });

  it('locates points directly and other geometries at a point on them', async () => {
    const samples = await world
      .knex('samples')
      .where({ datasetId })
      .orderBy('ord')
      .select(
        'name',
        'values',
        world.knex.raw('ST_AsGeoJSON(location)::json AS location'),
        world.knex.raw(`ST_Intersects(location, ST_GeomFromGeoJSON("values"->>'geometry')) AS on_shape`),
      );
    expect(samples.map((sample) => sample.name)).toEqual(['pt-1', 'poly-1', 'line-1', 'none-1']);
    expect(samples[0].location).toEqual({ type: 'Point', coordinates: [4.3, 52.1] });
    expect(samples[1].onShape).toBe(true);
    expect(samples[2].onShape).toBe(true);
    expect(samples[3].location).toBeNull();
  });

  it('keeps the geometry, the third coordinate and the properties as fields', async () => {
    // The "sampled" property is the collection time.
    const times = await world.knex('samples').where({ datasetId }).orderBy('ord').select(world.knex.raw('collected_at::date::text AS day'));
    expect(times.map((row: { day: string | null }) => row.day)).toEqual(['2023-06-01', '2023-06-02', '2023-06-03', null]);
    // Selected as a column, not plucked: the snake_case mappers would rename the keys of a plucked object.
    const samples = (await world.knex('samples').where({ datasetId }).orderBy('ord').select('values')).map((row) => row.values);
    expect(samples[0]).toEqual({ site: 'Harbour', depth_m: 4.5, altitude: -3.5 });
    expect(samples[1]).toEqual({
      site: 'Lake',
      depth_m: 12,
      geometry: { type: 'Polygon', coordinates: [[[10, 10], [12, 10], [12, 12], [10, 12], [10, 10]]] },
    });
    expect(samples[3]).toEqual({ site: 'Lab', depth_m: 0 });

    const fields = await world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'type');
    expect(fields).toEqual([
      { key: 'site', type: 'text' },
      { key: 'depth_m', type: 'number' },
      { key: 'altitude', type: 'number' },
      { key: 'geometry', type: 'geometry' },
    ]);
    const snapshot = await datasetSnapshot(world.knex, datasetId);
    expect(snapshot).toMatchObject({ sampleCount: 4, locatedCount: 3 });
  });
});
