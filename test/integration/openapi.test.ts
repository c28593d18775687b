import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';

let api: ApiServer;
let document: any;

beforeAll(async () => {
  api = await startApiServer();
  document = (await new TestClient(api.url).get('/openapi.json')).body;
});

afterAll(async () => {
  await api?.close();
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 with the API server URL', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers[0].url).toMatch(/\/api\/v1$/);
  });

  it('describes every resource route', () => {
    const operations = Object.values(document.paths).flatMap((item: any) => Object.values(item).map((op: any) => op.operationId));
    for (const id of [
      'listProjects', 'createProject', 'getProject', 'updateProject',
      'listDatasets', 'createDataset', 'getDataset', 'updateDataset',
      'listFields', 'createField', 'updateField',
      'listSamples', 'createSample', 'getSample', 'updateSample',
      'listMeasurements', 'createMeasurement', 'getMeasurement', 'updateMeasurement',
      'createImport', 'listImports', 'getImport', 'signIn', 'createUser', 'listChanges',
    ]) {
      expect(operations).toContain(id);
    }
  });

  it('takes request schemas from the validating zod schemas', () => {
    const create = document.paths['/projects'].post.requestBody.content['application/json'].schema;
    const schema = create.$ref ? document.components.schemas[create.$ref.split('/').at(-1)] : create;
    expect(schema.required).toContain('title');
    expect(schema.properties.title.maxLength).toBe(300);
    expect(schema.properties.status.enum).toEqual(['planned', 'active', 'completed', 'archived']);
  });

  it('documents the bbox and the GeoJSON answer of the sample listing', () => {
    const operation = document.paths['/datasets/{datasetId}/samples'].get;
    expect(operation.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['datasetId', 'limit', 'cursor', 'bbox']));
    expect(Object.keys(operation.responses['200'].content)).toEqual(['application/json', 'application/geo+json']);
  });

  it('documents the sample window with its position and limit', () => {
    const operation = document.paths['/datasets/{datasetId}/samples/window'].get;
    expect(operation.operationId).toBe('getSampleWindow');
    const position = operation.parameters.find((p: any) => p.name === 'position');
    expect(position.in).toBe('query');
    expect(position.schema.minimum).toBe(0);
    const limit = operation.parameters.find((p: any) => p.name === 'limit');
    expect(limit.schema.maximum).toBe(1000);
    const schema = operation.responses['200'].content['application/json'].schema;
    const window = schema.$ref ? document.components.schemas[schema.$ref.split('/').at(-1)] : schema;
    expect(window.required).toEqual(expect.arrayContaining(['position', 'total', 'seq', 'items']));
  });

  it('documents errors as problem+json', () => {
    const responses = document.paths['/projects/{projectId}'].get.responses;
    expect(Object.keys(responses['404'].content)).toEqual(['application/problem+json']);
    expect(document.components.schemas.Problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']));
  });

  it('documents the multipart upload', () => {
    const upload = document.paths['/datasets/{datasetId}/imports'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(upload.responses['202']).toBeDefined();
    expect(upload.responses['413']).toBeDefined();
  });
});
