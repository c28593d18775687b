import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

async function samplesOf(datasetId: string) {
  return world
    .knex('samples')
    .where({ datasetId })
    .orderBy('ord')
    .select('id', 'ord', 'name', 'locationText', 'elevation', 'collectedAt', 'collectedAtPrecision', 'values', 'importId', world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
}

describe('CSV import of stations.csv', () => {
  let datasetId: string;
  let importId: string;

  beforeAll(async () => {
    datasetId = await world.createDataset('Stations');
    importId = await world.addImport(datasetId, { fixture: 'stations.csv' });
    const outcome = await world.run(importId);
    expect(outcome.state).toBe('completed');
  });

  it('marks the import completed with its counts', async () => {
    const record = await world.knex('imports').where({ id: importId }).first();
    expect(record.state).toBe('completed');
    expect(record.phase).toBe('done');
    expect(record.error).toBeNull();
    expect(record.issueCount).toBe(0);
    expect(record.rowsDone).toBe(4);
    expect(record.rowsTotal).toBe(4);
    expect(record.counts).toEqual({ rows: 4, samples: 4, located: 3, unlocated: 1, measurements: 3, fieldsCreated: 4, rejectedRows: 0 });
    expect(record.changeSeq).toBe(1);
    expect(record.startedAt).toBeInstanceOf(Date);
    expect(record.finishedAt).toBeInstanceOf(Date);
    expect(record.mapping.delimiter).toBe(',');
    expect(record.mapping.columns.map((column: { target: string }) => column.target)).toEqual([
      'name', 'latitude', 'longitude', 'collected_at', 'elevation', 'field', 'field', 'field', 'field',
    ]);
  });

  it('keeps the file order and maps the sample columns', async () => {
    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.name)).toEqual(['ST-01', 'ST-02', 'ST-03', 'ST-04']);
    expect(samples.map((sample) => sample.ord)).toEqual([...samples.map((sample) => sample.ord)].sort((a, b) => a - b));
    expect(new Set(samples.map((sample) => sample.importId))).toEqual(new Set([importId]));

    expect(samples[0]!.location).toEqual({ type: 'Point', coordinates: [4.8952, 52.3702] });
    expect(samples[0]!.locationText).toBe('52.3702, 4.8952');
    expect(samples[1]!.location).toEqual({ type: 'Point', coordinates: [0, 0] });
    expect(samples[3]!.location).toBeNull();
    expect(samples[3]!.locationText).toBeNull();

    expect(samples.map((sample) => sample.elevation)).toEqual([-2, 0, 12.5, null]);
    expect(samples.map((sample) => sample.collectedAt.toISOString())).toEqual([
      '2024-03-01T09:15:00.000Z',
      '2024-03-02T10:00:00.000Z',
      '2024-03-03T00:00:00.000Z',
      '2024-03-04T09:30:00.000Z',
    ]);
    expect(samples.map((sample) => sample.collectedAtPrecision)).toEqual(['second', 'second', 'day', 'second']);
  });

  it('stores typed values and leaves missing values out', async () => {
    const samples = await samplesOf(datasetId);
    expect(samples[0]!.values).toEqual({ temperature: 7.5, nitrate: 0.42, filtered: true, notes: 'canal, near "bridge" 3' });
    expect(samples[1]!.values).toEqual({ temperature: 0, nitrate: '<0.01', filtered: false, notes: 'null island' });
    expect(samples[2]!.values).toEqual({ temperature: 21.25, nitrate: 'BDL', filtered: true });
    expect(samples[3]!.values).toEqual({ nitrate: '>10000', filtered: false, notes: 'no location' });
  });

  it('creates fields with types, labels and units', async () => {
    const fields = await world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'label', 'type', 'unit', 'position');
    expect(fields).toEqual([
      { key: 'temperature', label: 'Temperature', type: 'number', unit: '°C', position: 0 },
      { key: 'nitrate', label: 'Nitrate', type: 'number', unit: 'mg/L', position: 1 },
      { key: 'filtered', label: 'Filtered', type: 'boolean', unit: null, position: 2 },
      { key: 'notes', label: 'Notes', type: 'text', unit: null, position: 3 },
    ]);
  });

  it('records qualified values as measurements', async () => {
    const measurements = await world
      .knex('measurements as m')
      .join('samples as s', 's.id', 'm.sample_id')
      .join('dataset_fields as f', 'f.id', 'm.field_id')
      .where('s.dataset_id', datasetId)
      .orderBy('s.ord')
      .select('s.name', 'f.key', 'm.valueNumber', 'm.valueText', 'm.qualifier', 'm.detectionLimit', 'm.unit', 'm.importId');
    expect(measurements).toEqual([
      { name: 'ST-02', key: 'nitrate', valueNumber: 0.01, valueText: '<0.01', qualifier: '<', detectionLimit: 0.01, unit: 'mg/L', importId },
      { name: 'ST-03', key: 'nitrate', valueNumber: null, valueText: 'BDL', qualifier: 'bdl', detectionLimit: null, unit: 'mg/L', importId },
      { name: 'ST-04', key: 'nitrate', valueNumber: 10000, valueText: '>10000', qualifier: '>', detectionLimit: null, unit: 'mg/L', importId },
    ]);
  });

  it('updates the dataset statistics and appends one change', async () => {
    const snapshot = await datasetSnapshot(world.knex, datasetId);
    expect(snapshot.sampleCount).toBe(4);
    expect(snapshot.locatedCount).toBe(3);
    expect(snapshot.seq).toBe(1);
    expect(snapshot.extent).toEqual({
      type: 'Polygon',
      coordinates: [[[0, -33.8688], [0, 52.3702], [151.2093, 52.3702], [151.2093, -33.8688], [0, -33.8688]]],
    });

    const changes = await world.knex('dataset_changes').where({ datasetId }).select('seq', 'importId', 'authorUserId', 'ops');
    expect(changes).toEqual([
      {
        seq: 1,
        importId,
        authorUserId: world.userId,
        ops: [{ type: 'import.merge', importId, samplesAdded: 4, fieldsAdded: ['temperature', 'nitrate', 'filtered', 'notes'] }],
      },
    ]);
  });

  it('publishes the change and the progress of every phase', () => {
    const change = world.publisher.changes.find((candidate) => candidate.datasetId === datasetId);
    expect(change).toMatchObject({ seq: 1, author: { type: 'import', id: importId, userId: world.userId } });

    const progress = world.publisher.progress.filter((entry) => entry.progress.importId === importId);
    expect(progress.every((entry) => entry.uploaderId === world.userId)).toBe(true);
    expect(progress.map((entry) => entry.progress.phase)).toEqual(['analysing', 'review', 'loading', 'indexing', 'done']);
    expect(progress.at(-1)!.progress).toMatchObject({ state: 'completed', rowsDone: 4, rowsTotal: 4, issueCount: 0, error: null });
  });

  it('does not load again when the job runs a second time', async () => {
    const before = await datasetSnapshot(world.knex, datasetId);
    await world.knex('imports').where({ id: importId }).update({ state: 'running' });
    const outcome = await world.load(importId);
    expect(outcome).toEqual({ state: 'completed', changeSeq: 1, counts: null });
    expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
    const record = await world.knex('imports').where({ id: importId }).first('state', 'changeSeq', 'counts');
    expect(record).toEqual({ state: 'completed', changeSeq: 1, counts: expect.objectContaining({ samples: 4 }) });
  });
});

describe('CSV import details', () => {
  it('reads semicolons and decimal commas', async () => {
    const datasetId = await world.createDataset('Semicolons');
    const importId = await world.addImport(datasetId, { fixture: 'semicolon-decimal-comma.csv' });
    expect((await world.run(importId)).state).toBe('completed');

    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.location)).toEqual([
      { type: 'Point', coordinates: [7.9, 54.1] },
      { type: 'Point', coordinates: [8, 54.2] },
    ]);
    // Without a name column, the station names the samples.
    expect(samples.map((sample) => [sample.name, sample.values])).toEqual([
      ['A', { salinity: 34.5, depth: 12 }],
      ['B', { salinity: 35.05, depth: 8 }],
    ]);
    const salinity = await world.knex('dataset_fields').where({ datasetId, key: 'salinity' }).first('type', 'unit');
    expect(salinity).toEqual({ type: 'number', unit: 'PSU' });
  });

  it('maps columns onto existing fields and keeps their types', async () => {
    const datasetId = await world.createDataset('Existing fields');
    await world.knex('dataset_fields').insert([
      { datasetId, key: 'depth', label: 'Depth', type: 'number', unit: 'm', position: 0 },
      { datasetId, key: 'code', label: 'Code', type: 'text', unit: null, position: 1 },
    ]);
    const importId = await world.addImport(datasetId, { content: 'name,depth,code,extra\nA,5,12,x\nB,6,13,y\n', name: 'more.csv' });
    const outcome = await world.run(importId);
    expect(outcome.state).toBe('completed');

    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.values)).toEqual([
      { depth: 5, code: '12', extra: 'x' },
      { depth: 6, code: '13', extra: 'y' },
    ]);
    const fields = await world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'type', 'position');
    expect(fields).toEqual([
      { key: 'depth', type: 'number', position: 0 },
      { key: 'code', type: 'text', position: 1 },
      { key: 'extra', type: 'text', position: 2 },
    ]);
    const record = await world.knex('imports').where({ id: importId }).first('counts');
    expect(record.counts.fieldsCreated).toBe(1);
  });

  it('appends a second import after the first, in file order', async () => {
    const datasetId = await world.createDataset('Two imports');
    const first = await world.addImport(datasetId, { content: 'name,value\nA,1\nB,2\n', name: 'a.csv' });
    const second = await world.addImport(datasetId, { content: 'name,value\nC,3\n', name: 'b.csv' });
    await world.run(first);
    await world.run(second);
    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => [sample.name, sample.values.value])).toEqual([['A', 1], ['B', 2], ['C', 3]]);
    const snapshot = await datasetSnapshot(world.knex, datasetId);
    expect(snapshot).toMatchObject({ seq: 2, sampleCount: 3, locatedCount: 0, extent: null, fields: ['value'] });
  });

  it('reads a Latin-1 file with tabs and quoted line breaks', async () => {
    const datasetId = await world.createDataset('Latin-1');
    const content = Buffer.from('Name\tOrt\tWert\n"Probe\n1"\tM\xfcnster\t1,5\nProbe 2\tK\xf6ln\t2\n', 'latin1');
    const importId = await world.addImport(datasetId, { content, name: 'latin1.tsv' });
    expect((await world.run(importId)).state).toBe('completed');
    const samples = await samplesOf(datasetId);
    expect(samples.map((sample) => sample.name)).toEqual(['Probe\n1', 'Probe 2']);
    expect(samples.map((sample) => sample.values)).toEqual([
      { ort: 'Münster', wert: 1.5 },
      { ort: 'Köln', wert: 2 },
    ]);
  });
});
