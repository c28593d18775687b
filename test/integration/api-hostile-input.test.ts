import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

let api: ApiServer;
let admin: TestClient;
let anonymous: TestClient;
let projectId: string;
let datasetId: string;

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  anonymous = new TestClient(api.url);
  projectId = (await admin.post('/projects', { title: 'Hostile input' })).body.id;
  datasetId = (await admin.post(`/projects/${projectId}/datasets`, { title: 'Target', visibility: 'public', state: 'published' })).body.id;
  await admin.post(`/datasets/${datasetId}/fields`, { label: 'Shape', type: 'geometry' });
});

afterAll(async () => {
  await api?.close();
});

async function storedUploads(): Promise<string[]> {
  try {
    return await readdir(path.join(api.server.context.config.UPLOAD_DIR, 'imports'));
  } catch {
    return [];
  }
}

async function rawUpload(body: string | Buffer, contentType: string) {
  const response = await fetch(`${api.url}/api/v1/datasets/${datasetId}/imports`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'content-type': contentType },
    body,
  });
  return { status: response.status, body: (await response.json()) as { code: string; detail: string; errors?: { field: string }[] } };
}

describe('text that cannot be stored', () => {
  it('rejects a NUL character naming the field', async () => {
    const response = await admin.post('/projects', { title: 'a\u0000b' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body.title', message: 'contains a NUL character (U+0000), which cannot be stored' }]);
  });

  it('rejects an unpaired surrogate in a cell value', async () => {
    const response = await admin.send('POST', `/datasets/${datasetId}/samples`, '{"name":"s","values":{"shape":"\\ud800"}}');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.values.shape');
  });

  it('rejects deeply nested values', async () => {
    const shape = `${'['.repeat(5000)}0${']'.repeat(5000)}`;
    const body = `{"name":"deep","values":{"shape":{"type":"Point","coordinates":${shape}}}}`;
    const response = await admin.send('POST', `/datasets/${datasetId}/samples`, body);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].message).toBe('nested more than 64 levels deep');
  });

  it('rejects a geometry with text coordinates', async () => {
    const plotsProject = (await admin.post('/projects', { title: 'Plots' })).body.id;
    const plots = (await admin.post(`/projects/${plotsProject}/datasets`, { title: 'Plots' })).body.id;
    await admin.post(`/datasets/${plots}/fields`, { label: 'Shape', type: 'geometry' });
    const sample = await admin.post(`/datasets/${plots}/samples`, { name: 'plot' });
    const shape = { type: 'LineString', coordinates: [['a', 'b'], ['c', 'd']] };
    const response = await admin.patch(`/samples/${sample.body.id}`, { values: { shape } });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body.values.shape', message: 'expected a GeoJSON geometry object, but coordinates must be numbers' }]);
    expect((await admin.get(`/samples/${sample.body.id}`)).body.values).toEqual({});
  });

  it('rejects the year 0000', async () => {
    const response = await admin.post(`/datasets/${datasetId}/samples`, { name: 'old', collectedAt: '0000-01-01T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.collectedAt');
  });

  it('keeps the dataset unchanged after rejected input', async () => {
    const dataset = await anonymous.get(`/datasets/${datasetId}`);
    expect(dataset.body.sampleCount).toBe(0);
  });
});

describe('malformed requests', () => {
  it('rejects a malformed dataset id on upload with 400', async () => {
    const response = await admin.post('/datasets/not-a-uuid/imports', {});
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('params.datasetId');
  });

  it('rejects forged cursors', async () => {
    const forged = Buffer.from(JSON.stringify(['x'])).toString('base64url');
    for (const route of ['/projects', '/datasets', `/datasets/${datasetId}/imports`]) {
      const response = await admin.get(`${route}?cursor=${forged}`);
      expect(response.status, route).toBe(400);
    }
    const fraction = Buffer.from(JSON.stringify([1.5])).toString('base64url');
    expect((await admin.get(`/datasets/${datasetId}/samples?cursor=${fraction}`)).status).toBe(400);
  });

  it('rejects invalid percent-encoding', async () => {
    const response = await fetch(`${api.url}/api/v1/projects/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toContain('percent-encoding');
  });

  it('rejects a body that claims gzip but is not', async () => {
    const response = await fetch(`${api.url}/api/v1/projects`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"title":"x"}',
    });
    expect(response.status).toBe(400);
  });

  it('rejects empty, repeated and hexadecimal query values', async () => {
    expect((await anonymous.get(`/datasets/${datasetId}/samples?bbox=,,,`)).status).toBe(400);
    expect((await anonymous.get(`/datasets/${datasetId}/samples?bbox=0x10,0,20,20`)).status).toBe(400);
    const repeated = await anonymous.get('/projects?limit=1&limit=2');
    expect(repeated.status).toBe(400);
    expect(repeated.body.errors[0].message).toBe('give this parameter once');
  });

  it('rejects javascript: IRIs for terms', async () => {
    const response = await admin.post(`/datasets/${datasetId}/fields`, { label: 'Colour', type: 'term', termIri: 'javascript:alert(1)' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.termIri');
  });
});

describe('malformed uploads', () => {
  it('rejects multipart without a boundary', async () => {
    const response = await rawUpload('abc', 'multipart/form-data');
    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('multipart body is invalid');
  });

  it('rejects a truncated multipart body', async () => {
    const body = '--b\r\ncontent-disposition: form-data; name="file"; filename="a.csv"\r\ncontent-type: text/csv\r\n\r\nname\r\nx';
    const response = await rawUpload(body, 'multipart/form-data; boundary=b');
    expect(response.status).toBe(400);
    // The partial file may still be in the middle of its removal when the response goes out.
    await expect.poll(storedUploads).toEqual([]);
  });

  it('rejects a NUL in the file name and stores nothing', async () => {
    const body = "--b\r\ncontent-disposition: form-data; name=\"file\"; filename*=UTF-8''a%00b.csv\r\ncontent-type: text/csv\r\n\r\nname\r\nx\r\n--b--\r\n";
    const response = await rawUpload(body, 'multipart/form-data; boundary=b');
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.field).toBe('body.file');
    expect(await storedUploads()).toEqual([]);
  });

  it('keeps a UTF-8 file name', async () => {
    const form = new FormData();
    form.set('file', new Blob(['name,lat,lon\nK,50.94,6.96\n'], { type: 'text/csv' }), 'Messdaten_Köln_été.csv');
    const response = await fetch(`${api.url}/api/v1/datasets/${datasetId}/imports`, { method: 'POST', headers: { cookie: admin.cookie }, body: form });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { originalName: string }).originalName).toBe('Messdaten_Köln_été.csv');
  });
});

describe('rules that PATCH keeps', () => {
  it('rejects a measurement update that leaves no value', async () => {
    const sample = await admin.post(`/datasets/${datasetId}/samples`, { name: 'm' });
    const fields = await admin.get(`/datasets/${datasetId}/fields`);
    const created = await admin.post(`/samples/${sample.body.id}/measurements`, { fieldId: fields.body.items[0].id, valueNumber: 2 });
    const cleared = await admin.patch(`/measurements/${created.body.id}`, { valueNumber: null });
    expect(cleared.status).toBe(400);
    expect(cleared.body.errors[0].field).toBe('body.valueNumber');
  });

  it('checks a new coverage start against the stored end', async () => {
    await admin.patch(`/datasets/${datasetId}`, { temporalStart: '2020-01-01T00:00:00Z', temporalEnd: '2020-12-31T00:00:00Z' });
    const response = await admin.patch(`/datasets/${datasetId}`, { temporalStart: '2021-06-01T00:00:00Z' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.temporalStart');
  });
});

describe('what anonymous visitors learn', () => {
  it('counts only the datasets they may read', async () => {
    await admin.post(`/projects/${projectId}/datasets`, { title: 'Hidden', visibility: 'private' });
    const project = await anonymous.get(`/projects/${projectId}`);
    expect(project.body.datasetCount).toBe(1);
    expect((await admin.get(`/projects/${projectId}`)).body.datasetCount).toBe(2);
  });

  it('gets no-store API answers and no HSTS over http', async () => {
    const response = await fetch(`${api.url}/api/v1/projects`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
