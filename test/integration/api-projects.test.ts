import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

let api: ApiServer;
let admin: TestClient;
let anonymous: TestClient;

beforeAll(async () => {
  api = await startApiServer();
  admin = await new TestClient(api.url).signIn();
  anonymous = new TestClient(api.url);
});

afterAll(async () => {
  await api?.close();
});

describe('projects API', () => {
  it('creates a project and makes the creator its owner', async () => {
    const created = await admin.post('/projects', {
      title: 'Lake sediments',
      keywords: ['limnology', 'cores'],
      funding: [{ funderName: 'European Research Council', awardNumber: '101000001' }],
    });
    expect(created.status).toBe(201);
    expect(created.body.title).toBe('Lake sediments');
    expect(created.body.status).toBe('active');
    expect(created.body.keywords).toEqual(['limnology', 'cores']);
    expect(created.body.funding).toEqual([{ funderName: 'European Research Council', awardNumber: '101000001' }]);
    expect(created.body.datasetCount).toBe(0);

    const read = await admin.get(`/projects/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.body.id);
  });

  it('rejects an empty title with a problem naming the field', async () => {
    const response = await admin.post('/projects', { title: '   ' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.title']);
    expect(response.body.detail).toContain('body.title');
  });

  it('rejects malformed JSON and unknown statuses', async () => {
    const malformed = await admin.send('POST', '/projects', '{"title": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toBe('The request body is not valid JSON.');

    const status = await admin.post('/projects', { title: 'x', status: 'frozen' });
    expect(status.status).toBe(400);
    expect(status.body.errors[0].field).toBe('body.status');
  });

  it('rejects duplicate keywords', async () => {
    const response = await admin.post('/projects', { title: 'x', keywords: ['Soil', 'soil'] });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('body.keywords');
  });

  it('requires sign-in to create', async () => {
    const response = await anonymous.post('/projects', { title: 'Anonymous' });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('unauthenticated');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const unknown = await admin.get('/projects/7f1d8a39-58b1-4c59-9a36-06f0a2a3c9d2');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');

    const malformed = await admin.get('/projects/not-a-uuid');
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('params.projectId');
  });

  it('updates only the given properties', async () => {
    const created = await admin.post('/projects', { title: 'Before', description: 'kept' });
    const updated = await admin.patch(`/projects/${created.body.id}`, { title: 'After' });
    expect(updated.status).toBe(200);
    expect(updated.body.title).toBe('After');
    expect(updated.body.description).toBe('kept');
  });

  it('pages through every project exactly once', async () => {
    for (let i = 0; i < 5; i += 1) await admin.post('/projects', { title: `Paged ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await admin.get(`/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((p: { id: string }) => p.id));
      cursor = response.body.nextCursor;
      pages += 1;
    } while (cursor);

    const all = await admin.get('/projects?limit=1000');
    expect(seen).toEqual(all.body.items.map((p: { id: string }) => p.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBe(Math.ceil(seen.length / 2));
  });

  it('rejects a forged cursor', async () => {
    const response = await admin.get('/projects?cursor=bm90LWEtY3Vyc29y');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('query.cursor');
  });

  it('hides projects without public datasets from anonymous visitors', async () => {
    const hidden = await admin.post('/projects', { title: 'Private work' });
    const listed = await anonymous.get('/projects?limit=1000');
    expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(hidden.body.id);
    expect((await anonymous.get(`/projects/${hidden.body.id}`)).status).toBe(404);

    await admin.post(`/projects/${hidden.body.id}/datasets`, { title: 'Open data', visibility: 'public', state: 'published' });
    const relisted = await anonymous.get('/projects?limit=1000');
    expect(relisted.body.items.map((p: { id: string }) => p.id)).toContain(hidden.body.id);
  });
});
