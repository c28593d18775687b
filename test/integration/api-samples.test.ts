import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

let api: ApiServer;
let admin: TestClient;
let anonymous: TestClient;
let datasetId: string;

const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  anonymous = new TestClient(api.url);
  const project = await admin.post('/projects', { title: 'Coastal survey' });
  const dataset = await admin.post(`/projects/${project.body.id}/datasets`, {
    title: 'Water chemistry 2024',
    license: 'CC-BY-4.0',
    visibility: 'public',
    state: 'published',
  });
  datasetId = dataset.body.id;
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Nitrate (mg/L)', key: 'nitrate', type: 'number', unit: 'mg/L' });
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Observer', type: 'text' });
  await admin.post(`/datasets/${datasetId}/samples`, { name: 'S1', location: point(10, 54), values: { nitrate: 1.5 } });
  await admin.post(`/datasets/${datasetId}/samples`, { name: 'S2', location: point(12.5, 55.25), values: { nitrate: '<0.01' } });
  await admin.post(`/datasets/${datasetId}/samples`, { name: 'S3', location: null, values: { observer: 'Ada' } });
  await admin.post(`/datasets/${datasetId}/samples`, { name: 'S4', location: point(0, 0) });
});

afterAll(async () => {
  await api?.close();
});

describe('datasets API', () => {
  it('validates the SPDX license', async () => {
    const project = await admin.post('/projects', { title: 'License check' });
    const response = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'x', license: 'CC BY 4' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.license');
    expect(response.body.errors[0].message).toContain('SPDX');
  });

  it('rejects a temporal coverage that ends before it starts', async () => {
    const response = await admin.patch(`/datasets/${datasetId}`, {
      temporalStart: '2024-05-01T00:00:00Z',
      temporalEnd: '2024-04-01T00:00:00Z',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.temporalEnd');
  });

  it('keeps counts and the spatial extent up to date', async () => {
    const response = await anonymous.get(`/datasets/${datasetId}`);
    expect(response.status).toBe(200);
    expect(response.body.sampleCount).toBe(4);
    expect(response.body.locatedCount).toBe(3);
    expect(response.body.spatialExtent).toEqual({
      type: 'Polygon',
      coordinates: [[[0, 0], [0, 55.25], [12.5, 55.25], [12.5, 0], [0, 0]]],
    });
  });

  it('keeps the collection period of the samples', async () => {
    const project = await admin.post('/projects', { title: 'Period' });
    const dataset = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Timed', visibility: 'public', state: 'published' });
    const id = dataset.body.id;
    expect(dataset.body.collectedFrom).toBeNull();

    await admin.post(`/datasets/${id}/samples`, { name: 'a', collectedAt: '2020-03-01T00:00:00Z' });
    const late = await admin.post(`/datasets/${id}/samples`, { name: 'b', collectedAt: '2021-07-15T12:00:00Z' });
    await admin.post(`/datasets/${id}/samples`, { name: 'c' });
    let read = await anonymous.get(`/datasets/${id}`);
    expect(read.body.collectedFrom).toBe('2020-03-01T00:00:00.000Z');
    expect(read.body.collectedTo).toBe('2021-07-15T12:00:00.000Z');

    await admin.patch(`/samples/${late.body.id}`, { collectedAt: '2020-06-01T00:00:00Z' });
    read = await anonymous.get(`/datasets/${id}`);
    expect(read.body.collectedTo).toBe('2020-06-01T00:00:00.000Z');
  });

  it('lists datasets with their sample counts', async () => {
    const response = await anonymous.get('/datasets');
    const listed = response.body.items.find((d: { id: string }) => d.id === datasetId);
    expect(listed.sampleCount).toBe(4);
    expect(listed.locatedCount).toBe(3);
  });

  it('hides a private dataset from anonymous visitors with 404', async () => {
    const project = await admin.post('/projects', { title: 'Embargoed' });
    const hidden = await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Secret', visibility: 'private' });
    expect((await anonymous.get(`/datasets/${hidden.body.id}`)).status).toBe(404);
    expect((await anonymous.get(`/datasets/${hidden.body.id}/samples`)).status).toBe(404);
    const list = await anonymous.get('/datasets?limit=1000');
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(hidden.body.id);
  });
});

describe('fields API', () => {
  it('derives keys from labels and rejects duplicates', async () => {
    const fields = await anonymous.get(`/datasets/${datasetId}/fields`);
    expect(fields.body.items.map((f: { key: string }) => f.key)).toEqual(['nitrate', 'observer']);
    expect(fields.body.items[0].unit).toBe('mg/L');

    const duplicate = await admin.post(`/datasets/${datasetId}/fields`, { label: 'Observer', type: 'text' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.errors[0].field).toBe('body.key');
  });

  it('refuses to retype a field that has values', async () => {
    const fields = await anonymous.get(`/datasets/${datasetId}/fields`);
    const nitrate = fields.body.items[0];
    const response = await admin.patch(`/datasets/${datasetId}/fields/${nitrate.id}`, { type: 'text' });
    expect(response.status).toBe(409);
  });
});

describe('samples API', () => {
  it('lists samples in row order with cursor pagination', async () => {
    const first = await anonymous.get(`/datasets/${datasetId}/samples?limit=3`);
    expect(first.body.items.map((s: { name: string }) => s.name)).toEqual(['S1', 'S2', 'S3']);
    expect(first.body.items[0].location).toEqual(point(10, 54));
    expect(first.body.items[1].values).toEqual({ nitrate: '<0.01' });
    const second = await anonymous.get(`/datasets/${datasetId}/samples?limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((s: { name: string }) => s.name)).toEqual(['S4']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by bounding box, keeping zero coordinates', async () => {
    const inBox = await anonymous.get(`/datasets/${datasetId}/samples?bbox=-1,-1,11,54.5`);
    expect(inBox.body.items.map((s: { name: string }) => s.name)).toEqual(['S1', 'S4']);
  });

  it('rejects a malformed or inverted bounding box', async () => {
    const malformed = await anonymous.get(`/datasets/${datasetId}/samples?bbox=1,2,3`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('query.bbox');
    const inverted = await anonymous.get(`/datasets/${datasetId}/samples?bbox=10,0,0,5`);
    expect(inverted.status).toBe(400);
  });

  it('answers GeoJSON for application/geo+json', async () => {
    const response = await anonymous.get(`/datasets/${datasetId}/samples?limit=3`, { accept: 'application/geo+json' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/geo+json');
    expect(response.body.type).toBe('FeatureCollection');
    expect(response.body.features).toHaveLength(3);
    expect(response.body.features[0].geometry).toEqual(point(10, 54));
    expect(response.body.features[0].properties.name).toBe('S1');
    expect(response.body.features[2].geometry).toBeNull();
    expect(response.headers.get('link')).toContain('rel="next"');
  });

  it('rejects values of the wrong type, naming the field', async () => {
    const response = await admin.post(`/datasets/${datasetId}/samples`, { name: 'bad', values: { nitrate: 'lots' } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.values.nitrate');
    const unknown = await admin.post(`/datasets/${datasetId}/samples`, { name: 'bad', values: { salinity: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('no field "salinity"');
  });

  it('rejects coordinates out of range', async () => {
    const response = await admin.post(`/datasets/${datasetId}/samples`, { name: 'far', location: point(200, 95) });
    expect(response.status).toBe(400);
    const fields = response.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('body.location.coordinates.0');
    expect(fields).toContain('body.location.coordinates.1');
  });

  it('merges values on update, bumps the version and detects stale versions', async () => {
    const created = await admin.post(`/datasets/${datasetId}/samples`, { name: 'V', values: { nitrate: 2, observer: 'Bo' } });
    const updated = await admin.patch(`/samples/${created.body.id}`, { version: 1, values: { nitrate: 3, observer: null } });
    expect(updated.status).toBe(200);
    expect(updated.body.values).toEqual({ nitrate: 3 });
    expect(updated.body.version).toBe(2);

    const stale = await admin.patch(`/samples/${created.body.id}`, { version: 1, name: 'W' });
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toContain('version 2');
  });

  it('records every change in the change log with increasing seq', async () => {
    const dataset = await anonymous.get(`/datasets/${datasetId}`);
    const changes = await anonymous.get(`/datasets/${datasetId}/changes?after=0&limit=1000`);
    expect(changes.status).toBe(200);
    const seqs = changes.body.items.map((c: { seq: number }) => c.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(changes.body.latestSeq).toBe(dataset.body.seq);
    expect(changes.body.items[0].ops[0].type).toBe('field.insert');
    expect(changes.body.items[0].author).toMatchObject({ type: 'user', displayName: 'Portal Admin' });
  });
});

describe('measurements API', () => {
  it('records a below-detection-limit measurement with the field unit', async () => {
    const samples = await anonymous.get(`/datasets/${datasetId}/samples?limit=2`);
    const fields = await anonymous.get(`/datasets/${datasetId}/fields`);
    const sampleId = samples.body.items[1].id;
    const created = await admin.post(`/samples/${sampleId}/measurements`, {
      fieldId: fields.body.items[0].id,
      valueNumber: 0.01,
      qualifier: '<',
      detectionLimit: 0.01,
      method: 'ion chromatography',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ valueNumber: 0.01, qualifier: '<', detectionLimit: 0.01, unit: 'mg/L' });

    const listed = await anonymous.get(`/samples/${sampleId}/measurements`);
    expect(listed.body.items).toHaveLength(1);
    const patched = await admin.patch(`/measurements/${created.body.id}`, { uncertainty: 0.002 });
    expect(patched.body.uncertainty).toBe(0.002);
  });

  it('rejects a measurement without a value and a negative uncertainty', async () => {
    const samples = await anonymous.get(`/datasets/${datasetId}/samples?limit=1`);
    const fields = await anonymous.get(`/datasets/${datasetId}/fields`);
    const response = await admin.post(`/samples/${samples.body.items[0].id}/measurements`, {
      fieldId: fields.body.items[0].id,
      uncertainty: -1,
    });
    expect(response.status).toBe(400);
    const invalid = response.body.errors.map((e: { field: string }) => e.field);
    expect(invalid).toContain('body.uncertainty');
    expect(invalid).toContain('body.valueNumber');
  });
});
