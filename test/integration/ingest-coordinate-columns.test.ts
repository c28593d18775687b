import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportIssue } from '../../common/api/imports.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

interface ImportResult {
  state: string;
  error: string | null;
  issues: ImportIssue[];
  issueCount: number;
  counts: Record<string, number>;
  mapping: {
    location: Record<string, unknown>;
    columns: { header: string; target: string; key?: string; type?: string; existingField?: boolean }[];
  };
}

async function importCsv(datasetId: string, content: string): Promise<ImportResult> {
  const importId = await world.addImport(datasetId, { content, name: 'coordinates.csv' });
  await world.run(importId);
  return world.knex('imports').where({ id: importId }).first('state', 'error', 'issues', 'issueCount', 'counts', 'mapping');
}

/** Imports a file that must fail and checks that the dataset did not change. */
async function importFailing(datasetId: string, content: string, format?: 'geojson'): Promise<ImportResult> {
  const before = await datasetSnapshot(world.knex, datasetId);
  const importId = await world.addImport(datasetId, { content, name: format === 'geojson' ? 'points.geojson' : 'coordinates.csv' }, format);
  const outcome = await world.run(importId);
  expect(outcome.state).toBe('failed');
  expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
  return world.knex('imports').where({ id: importId }).first('state', 'error', 'issues', 'issueCount', 'counts', 'mapping');
}

async function samplesOf(datasetId: string) {
  return world
    .knex('samples')
    .where({ datasetId })
    .orderBy('ord')
    .select('name', 'locationText', 'values', world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
}

describe('coordinate columns named by their header', () => {
  it('rejects bad coordinates in a dataset that has data', async () => {
    const datasetId = await world.createDataset('Located');
    const first = await importCsv(datasetId, 'name,lat,lon,depth\nA,10,20,1\nB,11,21,2\n');
    expect(first.state).toBe('completed');
    expect(first.counts).toMatchObject({ samples: 2, located: 2 });

    const record = await importFailing(datasetId, 'name,lat,lon,depth\nC,95,20,1\nD,11,21,2\nE,north,3,3\n');
    expect(record.issues).toEqual([
      { line: 2, column: 'lat', value: '95', reason: 'latitude 95 is outside -90 to 90' },
      { line: 4, column: 'lat', value: 'north', reason: '"north" is not a latitude in degrees' },
    ]);
    expect(record.issueCount).toBe(2);
    expect(record.counts).toEqual({ rows: 3, rejectedRows: 2 });
    expect(record.error).toBe(
      'Nothing was imported because 2 values or rows are invalid (first: line 2, column "lat": latitude 95 is outside -90 to 90); fix the file and upload it again.',
    );
    const fields = await world.knex('dataset_fields').where({ datasetId }).pluck('key');
    expect(fields).toEqual(['depth']);
  });

  it('rejects a bad value in a small fresh file', async () => {
    const datasetId = await world.createDataset('Fresh, two rows');
    const record = await importFailing(datasetId, 'name,lat,lon\nA,10,20\nB,north,21\n');
    expect(record.issues).toEqual([{ line: 3, column: 'lat', value: 'north', reason: '"north" is not a latitude in degrees' }]);
    expect(record.mapping.location).toEqual({ kind: 'columns', latitude: 'lat', longitude: 'lon', swapped: false, longitudes360: false });
  });

  it('reads degrees with hemisphere letters', async () => {
    const datasetId = await world.createDataset('Fresh, letters');
    const importId = await world.addImport(datasetId, { content: 'name,Latitude (deg),lon_dd\nA,45°N,7°E\nB,46°S,8°W\n', name: 'letters.csv' });
    expect((await world.run(importId)).state).toBe('completed');
    const samples = await world.knex('samples').where({ datasetId }).orderBy('ord').select(world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
    expect(samples.map((sample) => sample.location.coordinates)).toEqual([[7, 45], [-8, -46]]);
  });

  it('rejects out-of-range and qualified values in a three-row file', async () => {
    const datasetId = await world.createDataset('Fresh, three rows');
    const record = await importFailing(datasetId, 'name,Latitude,LNG\nA,10,200\nB,<5,21\nC,12,22\n');
    expect(record.issues).toEqual([
      { line: 2, column: 'LNG', value: '200', reason: 'longitude 200 is outside -180 to 180' },
      { line: 3, column: 'Latitude', value: '<5', reason: '"<5" is not a latitude in degrees' },
    ]);
  });

  it('rejects a GeoJSON property that is no coordinate', async () => {
    const datasetId = await world.createDataset('GeoJSON without geometries');
    const features = [
      { type: 'Feature', properties: { name: 'A', lat: 10, lon: 20 }, geometry: null },
      { type: 'Feature', properties: { name: 'B', lat: true, lon: 21 }, geometry: null },
    ];
    const record = await importFailing(datasetId, JSON.stringify({ type: 'FeatureCollection', features }), 'geojson');
    expect(record.issues).toEqual([{ line: null, feature: 2, column: 'lat', value: 'true', reason: 'Feature 2: true is not a latitude in degrees' }]);
  });

  it('leaves samples with missing coordinates unlocated', async () => {
    const datasetId = await world.createDataset('Some missing');
    const record = await importCsv(datasetId, 'name,lat,lon\nA,10,20\nB,,\nC,NA,NA\n');
    expect(record.state).toBe('completed');
    expect(record.counts).toMatchObject({ samples: 3, located: 1, unlocated: 2, fieldsCreated: 0 });
    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.location)).toEqual([{ type: 'Point', coordinates: [20, 10] }, null, null]);
  });

  it('names the location columns in the stored mapping', async () => {
    const datasetId = await world.createDataset('Mapping');
    const record = await importCsv(datasetId, 'name,decimalLatitude,decimalLongitude\nA,1.5,2.5\n');
    expect(record.state).toBe('completed');
    expect(record.mapping.location).toEqual({ kind: 'columns', latitude: 'decimalLatitude', longitude: 'decimalLongitude', swapped: false, longitudes360: false });
    expect(record.mapping.columns.map((column) => column.target)).toEqual(['name', 'latitude', 'longitude']);
  });
});

describe('coordinate columns with a field of the same key', () => {
  async function datasetWithFields(title: string, fields: { key: string; type: string }[]): Promise<string> {
    const datasetId = await world.createDataset(title);
    await world.knex('dataset_fields').insert(fields.map((field, position) => ({ datasetId, key: field.key, label: field.key, type: field.type, position })));
    return datasetId;
  }

  it('sets the location and fills the fields', async () => {
    const datasetId = await datasetWithFields('Number fields', [
      { key: 'lat', type: 'number' },
      { key: 'lon', type: 'number' },
    ]);
    const record = await importCsv(datasetId, 'name,lat,lon\nC,45,20\nD,11.25,21\n');
    expect(record.state).toBe('completed');
    expect(record.counts).toMatchObject({ samples: 2, located: 2, unlocated: 0, fieldsCreated: 0 });

    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.location)).toEqual([
      { type: 'Point', coordinates: [20, 45] },
      { type: 'Point', coordinates: [21, 11.25] },
    ]);
    expect(samples.map((sample) => sample.locationText)).toEqual(['45, 20', '11.25, 21']);
    expect(samples.map((sample) => sample.values)).toEqual([
      { lat: 45, lon: 20 },
      { lat: 11.25, lon: 21 },
    ]);

    expect(record.mapping.location).toEqual({ kind: 'columns', latitude: 'lat', longitude: 'lon', swapped: false, longitudes360: false });
    expect(record.mapping.columns[1]).toMatchObject({ header: 'lat', target: 'latitude', key: 'lat', type: 'number', existingField: true });
    const snapshot = await datasetSnapshot(world.knex, datasetId);
    expect(snapshot).toMatchObject({ sampleCount: 2, locatedCount: 2, fields: ['lat', 'lon'] });
  });

  it('keeps text fields as written', async () => {
    const datasetId = await datasetWithFields('Text field', [{ key: 'latitude', type: 'text' }]);
    const record = await importCsv(datasetId, 'name,latitude,longitude\nA, 45.50 ,7\n');
    expect(record.state).toBe('completed');
    const [sample] = await samplesOf(datasetId);
    expect(sample!.location).toEqual({ type: 'Point', coordinates: [7, 45.5] });
    expect(sample!.locationText).toBe('45.50, 7');
    expect(sample!.values).toEqual({ latitude: '45.50' });
  });

  it('reports a bad coordinate once', async () => {
    const datasetId = await datasetWithFields('Bad coordinate', [
      { key: 'lat', type: 'number' },
      { key: 'lon', type: 'number' },
    ]);
    const record = await importFailing(datasetId, 'name,lat,lon\nA,north,20\nB,95,21\n');
    expect(record.issues).toEqual([
      { line: 2, column: 'lat', value: 'north', reason: '"north" is not a latitude in degrees' },
      { line: 3, column: 'lat', value: '95', reason: 'latitude 95 is outside -90 to 90' },
    ]);
    expect(record.issueCount).toBe(2);
  });

  it('checks values against the field type', async () => {
    const datasetId = await datasetWithFields('Boolean field', [{ key: 'lon', type: 'boolean' }]);
    const record = await importFailing(datasetId, 'name,lat,lon\nA,45,20\n');
    expect(record.issues).toEqual([{ line: 2, column: 'lon', value: '20', reason: '"20" is not true, false, yes or no' }]);
  });
});

// The EPSG register proj4 reads names a datum shift grid for British and German grids, among
// others, and the portal ships no grid file, so proj4 would turn every position into NaN.
describe('coordinate systems that need a datum shift grid', () => {
  const gridMessage = 'EPSG:27700 needs the datum shift grid "OSTN15_NTv2_OSGBtoETRS.gsb", which the portal does not ship';

  it('rejects a GeoJSON collection in British National Grid', async () => {
    const datasetId = await world.createDataset('British grid');
    const collection = {
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::27700' } },
      features: [{ type: 'Feature', properties: { name: 'A' }, geometry: { type: 'Point', coordinates: [530_000, 180_000] } }],
    };
    const record = await importFailing(datasetId, JSON.stringify(collection), 'geojson');
    expect(record.error).toContain('The collection names the coordinate reference system "urn:ogc:def:crs:EPSG::27700", but ');
    expect(record.error).toContain(gridMessage);
  });

  it('names the grid for a WKT SRID', async () => {
    const datasetId = await world.createDataset('British WKT');
    const record = await importFailing(datasetId, 'name,geometry\nA,SRID=27700;POINT(530000 180000)\nB,POINT(8 47)\n');
    expect(record.issues).toHaveLength(1);
    expect(record.issues[0]).toMatchObject({ line: 2, column: 'geometry' });
    expect(record.issues[0]!.reason).toContain(gridMessage);
  });

  it('notes a header that names such a system', async () => {
    const datasetId = await world.createDataset('German header');
    const record = await importCsv(datasetId, 'name,Rechtswert [EPSG:31467],Hochwert [EPSG:31467]\nA,3500000,5400000\n');
    expect(record.state).toBe('completed');
    expect((record.mapping as unknown as { notes: string[] }).notes).toContain(
      'The header "Rechtswert [EPSG:31467]" names EPSG:31467, but EPSG:31467 needs the datum shift grid "BETA2007.gsb", which the portal does not ship, ' +
        'so its coordinates cannot be transformed to WGS 84. Its coordinates are read as WGS 84 unless you give another EPSG code.',
    );
  });
});
