import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../common/errors.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { TUS, tusMetadata, TusTestClient } from '../helpers/tus.js';

/**
 * The error responses of the tus upload endpoint: problem+json documents like every other API
 * error, with the tus status codes and headers kept.
 */
const MAX_BYTES = 1024;
let api: ApiServer;
let admin: TestClient;
let tus: TusTestClient;
let datasetId: string;

beforeAll(async () => {
  api = await startApiServer({ UPLOAD_MAX_BYTES: String(MAX_BYTES) });
  admin = await new TestClient(api.url).signIn();
  tus = new TusTestClient(api.url, admin.cookie);
  const project = await admin.post('/projects', { title: 'Upload errors' });
  datasetId = (await admin.post(`/projects/${project.body.id}/datasets`, { title: 'Uploads' })).body.id;
});

afterAll(async () => {
  await api?.close();
});

function post(headers: Record<string, string>): Promise<Response> {
  return fetch(`${api.url}/api/v1/uploads`, { method: 'POST', headers: { cookie: admin.cookie, ...headers } });
}

/** Checks that a response is a problem document with the tus headers, and returns the document. */
async function problemOf(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.headers.get('tus-resumable')).toBe('1.0.0');
  const problem = (await response.json()) as Problem;
  expect(problem.status).toBe(status);
  return problem;
}

async function newUpload(size: number): Promise<string> {
  const created = await tus.create(datasetId, size, 'stations.csv');
  expect(created.status).toBe(201);
  return created.headers.get('location')!;
}

describe('tus error responses', () => {
  it('rejects a missing session as problem+json', async () => {
    const response = await fetch(`${api.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...TUS, 'Upload-Length': '10', 'Upload-Metadata': tusMetadata({ datasetId, filename: 'a.csv' }) },
    });
    const problem = await problemOf(response, 401);
    expect(problem.code).toBe('unauthenticated');
    expect(problem.detail).toBe('Sign in to upload files: POST /api/v1/auth/sign-in.');
  });

  it('rejects a file type it cannot load', async () => {
    const problem = await problemOf(await tus.create(datasetId, 10, 'notes.docx'), 415);
    expect(problem.code).toBe('unsupported_media_type');
    expect(problem.detail).toContain('"notes.docx" is not a file the portal can load; upload ');
  });

  it('rejects a file over the size limit', async () => {
    const problem = await problemOf(await tus.create(datasetId, MAX_BYTES + 1, 'big.csv'), 413);
    expect(problem.code).toBe('payload_too_large');
    expect(problem.detail).toBe(`The file is larger than the upload limit of ${MAX_BYTES} bytes; split the table into smaller files and upload each of them.`);
  });

  it('rejects metadata tus cannot parse', async () => {
    const problem = await problemOf(await post({ ...TUS, 'Upload-Length': '10', 'Upload-Metadata': 'datasetId !!!,,' }), 400);
    expect(problem.code).toBe('validation_failed');
    expect(problem.detail).toBe('Upload-Metadata is invalid; send comma-separated pairs of a key and a base64 value, with the keys "datasetId" and "filename".');
  });

  it('rejects metadata without a dataset', async () => {
    const problem = await problemOf(await post({ ...TUS, 'Upload-Length': '10', 'Upload-Metadata': tusMetadata({ filename: 'a.csv' }) }), 400);
    expect(problem.detail).toBe('Give the dataset id in the upload metadata "datasetId".');
  });

  it('rejects a request without Tus-Resumable', async () => {
    const response = await post({ 'Upload-Length': '10', 'Upload-Metadata': tusMetadata({ datasetId, filename: 'a.csv' }) });
    expect(response.status).toBe(412);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as Problem;
    expect(problem).toMatchObject({ status: 412, title: 'Precondition Failed', code: 'validation_failed' });
    expect(problem.detail).toBe('Send the header "Tus-Resumable: 1.0.0" with every upload request.');
  });

  it('rejects a wrong offset with what to do', async () => {
    const location = await newUpload(20);
    const problem = await problemOf(await tus.patch(location, 5, Buffer.from('name,value\n')), 409);
    expect(problem.code).toBe('conflict');
    expect(problem.detail).toBe('Upload-Offset does not match the bytes the server has stored; send a HEAD request for the offset and continue from there.');
  });

  it('rejects an unknown upload as not found', async () => {
    const problem = await problemOf(await tus.patch('/api/v1/uploads/00000000-0000-4000-8000-000000000000', 0, Buffer.from('x')), 404);
    expect(problem.code).toBe('not_found');
    expect(problem.detail).toBe('Upload not found; start a new upload of the file.');

    const head = await tus.head('/api/v1/uploads/00000000-0000-4000-8000-000000000000');
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers an expired upload with 410 Gone', async () => {
    const location = await newUpload(20);
    const id = location.split('/').pop()!;
    const message = 'The upload expired: no bytes arrived for 24 hours, so the server removed the unfinished file. Upload the file again from the start.';
    await api.server.context.knex('imports').where({ id }).update({ state: 'failed', phase: 'done', error: message });

    const problem = await problemOf(await tus.patch(location, 0, Buffer.from('name,value\n')), 410);
    expect(problem).toMatchObject({ title: 'Gone', code: 'not_found', detail: message });
  });

  it('rejects bytes for a cancelled upload', async () => {
    const location = await newUpload(20);
    const response = await fetch(`${api.url}${location}`, { method: 'DELETE', headers: { ...TUS, cookie: admin.cookie } });
    expect(response.status).toBe(204);

    const problem = await problemOf(await tus.patch(location, 0, Buffer.from('name,value\n')), 404);
    expect(problem.detail).toBe('The upload was cancelled; upload the file again to import it.');
  });
});
