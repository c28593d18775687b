import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

/** Creates a dataset with an integer field `depth` and one sample that has a value for it. */
async function datasetWithIntegerDepth(title: string): Promise<string> {
  const datasetId = await world.createDataset(title);
  await world.knex('dataset_fields').insert({ datasetId, key: 'depth', label: 'Depth', type: 'integer', unit: 'm', position: 0 });
  const importId = await world.addImport(datasetId, { content: 'name,depth\nA,3\n', name: 'first.csv' });
  expect((await world.run(importId)).state).toBe('completed');
  return datasetId;
}

async function fieldTypes(datasetId: string) {
  return world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'type', 'unit');
}

describe('integer fields that receive decimals', () => {
  it('widens the field to number and loads the decimals', async () => {
    const datasetId = await datasetWithIntegerDepth('Widened');
    const importId = await world.addImport(datasetId, { content: 'name,depth,note\nB,2.5,x\nC,4,y\n', name: 'decimals.csv' });
    const outcome = await world.run(importId);
    expect(outcome.state).toBe('completed');

    expect(await fieldTypes(datasetId)).toEqual([
      { key: 'depth', type: 'number', unit: 'm' },
      { key: 'note', type: 'text', unit: null },
    ]);
    const values = (await world.knex('samples').where({ datasetId }).orderBy('ord').select('values')).map((row) => row.values);
    expect(values).toEqual([{ depth: 3 }, { depth: 2.5, note: 'x' }, { depth: 4, note: 'y' }]);

    const record = await world.knex('imports').where({ id: importId }).first('counts', 'mapping');
    expect(record.counts).toEqual({ rows: 2, samples: 2, located: 0, unlocated: 2, measurements: 0, fieldsCreated: 1, fieldsWidened: 1, rejectedRows: 0 });
    expect(record.mapping.columns[1]).toMatchObject({ header: 'depth', target: 'field', key: 'depth', type: 'number', existingField: true, notes: ['The existing integer field becomes a number field, because the file has decimals for it.'] });

    const change = await world.knex('dataset_changes').where({ datasetId, importId }).first('seq', 'ops');
    expect(change.ops).toEqual([{ type: 'import.merge', importId, samplesAdded: 2, fieldsAdded: ['note'], fieldsWidened: ['depth'] }]);
    const published = world.publisher.changes.find((candidate) => candidate.datasetId === datasetId && candidate.seq === change.seq);
    expect(published?.ops).toEqual(change.ops);
  });

  it('widens with decimal commas', async () => {
    const datasetId = await datasetWithIntegerDepth('Decimal commas');
    const importId = await world.addImport(datasetId, { content: 'name;depth\nB;2,5\nC;7\n', name: 'commas.csv' });
    expect((await world.run(importId)).state).toBe('completed');
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'depth', type: 'number', unit: 'm' }]);
    const values = (await world.knex('samples').where({ datasetId, importId }).orderBy('ord').select('values')).map((row) => row.values);
    expect(values).toEqual([{ depth: 2.5 }, { depth: 7 }]);
  });

  it('keeps the type when the values are whole numbers', async () => {
    const datasetId = await datasetWithIntegerDepth('Whole numbers');
    const importId = await world.addImport(datasetId, { content: 'name,depth\nB,5\n', name: 'whole.csv' });
    expect((await world.run(importId)).state).toBe('completed');
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'depth', type: 'integer', unit: 'm' }]);
    const record = await world.knex('imports').where({ id: importId }).first('counts');
    expect(record.counts).not.toHaveProperty('fieldsWidened');
    const change = await world.knex('dataset_changes').where({ datasetId, importId }).first('ops');
    expect(change.ops[0]).not.toHaveProperty('fieldsWidened');
  });

  it('leaves the field alone when the import fails', async () => {
    const datasetId = await datasetWithIntegerDepth('Text in a number');
    const before = await datasetSnapshot(world.knex, datasetId);
    const importId = await world.addImport(datasetId, { content: 'name,depth\nB,2.5\nC,deep\n', name: 'text.csv' });
    expect((await world.run(importId)).state).toBe('failed');

    const record = await world.knex('imports').where({ id: importId }).first('issues', 'issueCount');
    expect(record.issues).toEqual([{ line: 3, column: 'depth', value: 'deep', reason: '"deep" is not a number' }]);
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'depth', type: 'integer', unit: 'm' }]);
    expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
  });

  it('does not widen other types', async () => {
    const datasetId = await world.createDataset('Boolean field');
    await world.knex('dataset_fields').insert({ datasetId, key: 'flag', label: 'Flag', type: 'boolean', position: 0 });
    const importId = await world.addImport(datasetId, { content: 'name,flag\nA,2.5\n', name: 'flag.csv' });
    expect((await world.run(importId)).state).toBe('failed');
    const record = await world.knex('imports').where({ id: importId }).first('issues');
    expect(record.issues).toEqual([{ line: 2, column: 'flag', value: '2.5', reason: '"2.5" is not true, false, yes or no' }]);
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'flag', type: 'boolean', unit: null }]);
  });

  it('widens a field that is also a coordinate', async () => {
    const datasetId = await world.createDataset('Integer coordinates');
    await world.knex('dataset_fields').insert([
      { datasetId, key: 'lat', label: 'Lat', type: 'integer', position: 0 },
      { datasetId, key: 'lon', label: 'Lon', type: 'integer', position: 1 },
    ]);
    const importId = await world.addImport(datasetId, { content: 'name,lat,lon\nA,45.5,7\n', name: 'points.csv' });
    expect((await world.run(importId)).state).toBe('completed');

    expect(await fieldTypes(datasetId)).toEqual([
      { key: 'lat', type: 'number', unit: null },
      { key: 'lon', type: 'integer', unit: null },
    ]);
    const sample = await world.knex('samples').where({ datasetId }).first('values', world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
    expect(sample).toEqual({ values: { lat: 45.5, lon: 7 }, location: { type: 'Point', coordinates: [7, 45.5] } });
    const change = await world.knex('dataset_changes').where({ datasetId, importId }).first('ops');
    expect(change.ops[0].fieldsWidened).toEqual(['lat']);
  });

  it('rejects the load when the field was retyped after the analysis', async () => {
    const datasetId = await datasetWithIntegerDepth('Retyped meanwhile');
    const importId = await world.addImport(datasetId, { content: 'name,depth\nB,2.5\n', name: 'retyped.csv' });
    expect((await world.analyse(importId)).state).toBe('awaiting_review');
    await world.knex('dataset_fields').where({ datasetId, key: 'depth' }).update({ type: 'text' });

    expect(await world.load(importId, 'reject', { isFinal: false })).toEqual({
      state: 'failed',
      error:
        'The dataset\'s fields changed after the file was analysed: field "depth" is text, but the import planned to widen it from integer. Nothing was loaded; change the mapping (or save it unchanged) to analyse the file again.',
    });
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'depth', type: 'text', unit: 'm' }]);
    expect((await datasetSnapshot(world.knex, datasetId)).samples).toBe(1);

    await world.knex('imports').where({ id: importId }).update({ loadRequestedAt: null });
    await world.changeMapping(importId, {});
    expect((await world.run(importId)).state).toBe('completed');
    expect(await fieldTypes(datasetId)).toEqual([{ key: 'depth', type: 'text', unit: 'm' }]);
    const values = (await world.knex('samples').where({ datasetId, importId }).select('values')).map((row) => row.values);
    expect(values).toEqual([{ depth: '2.5' }]);
  });
});
