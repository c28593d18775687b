import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRecord } from '../../common/api/imports.js';
import { loadConfig } from '../../server/config/load-config.js';
import { RECORD_SPOOL_SUFFIX } from '../../server/storage/upload-store.js';
import { startWorker, type RunningWorker } from '../../workers/worker.js';
import { startApiServer, TestClient, type ApiServer } from '../helpers/api-server.js';
import { REPO_ROOT } from '../helpers/processes.js';

/** The review step through the REST API alone, as a script would drive it, with a worker in this process. */
let api: ApiServer;
let worker: RunningWorker;
let client: TestClient;
let datasetId: string;

beforeAll(async () => {
  api = await startApiServer();
  const config = api.server.context.config;
  worker = await startWorker(loadConfig({ NODE_ENV: 'test', DATABASE_URL: config.DATABASE_URL, REDIS_PREFIX: config.REDIS_PREFIX, UPLOAD_DIR: config.UPLOAD_DIR }));
  client = await new TestClient(api.url).signIn();
  const project = await client.post('/projects', { title: 'Review' });
  datasetId = (await client.post(`/projects/${project.body.id}/datasets`, { title: 'Reviewed' })).body.id;
}, 120_000);

afterAll(async () => {
  await api?.close();
  await worker?.close();
});

async function upload(name: string, content: string | Uint8Array<ArrayBuffer>, target = datasetId): Promise<ImportRecord> {
  const form = new FormData();
  form.set('file', new Blob([content], { type: typeof content === 'string' ? 'text/csv' : 'application/zip' }), name);
  const response = await fetch(`${api.url}/api/v1/datasets/${target}/imports`, { method: 'POST', headers: { cookie: client.cookie }, body: form });
  expect(response.status).toBe(202);
  return (await response.json()) as ImportRecord;
}

async function waitFor(importId: string, states: string[]): Promise<ImportRecord> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await client.get(`/imports/${importId}`);
    if (states.includes(body.state)) return body as ImportRecord;
    if (Date.now() > deadline) throw new Error(`import ${importId} is ${body.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Ten depths and one formula: the column is numeric (more than 90 % numbers) with one invalid
// value, and one row is short of a column.
const NUMBERED = Array.from({ length: 10 }, (_, index) => `S${index + 1},${index + 0.5},x${index + 1}`);
const FILE = ['name,depth (m),code', ...NUMBERED, 'F,=HYPERLINK("http://example.org"),xf', 'R,2', ''].join('\n');

describe('reviewing an import through the API', () => {
  let importId: string;

  it('proposes a mapping with the invalid values listed', async () => {
    importId = (await upload('review.csv', FILE)).id;
    const record = await waitFor(importId, ['awaiting_review']);
    expect(record).toMatchObject({ phase: 'review', issueCount: 2, reportAvailable: true, counts: { rows: 12, rejectedRows: 2 } });
    expect(record.issues).toEqual([
      { line: 12, column: 'depth (m)', value: '=HYPERLINK("http://example.org")', reason: '"=HYPERLINK("http://example.org")" is not a number' },
      { line: 13, column: null, value: null, reason: 'the row has 2 values but the header has 3 columns' },
    ]);

    const mapping = await client.get(`/imports/${importId}/mapping`);
    expect(mapping.status).toBe(200);
    expect(mapping.body.columns.map((column: { header: string; target: string; type: string; invalid: number }) => [column.header, column.target, column.type, column.invalid])).toEqual([
      ['name', 'name', 'text', 0],
      ['depth (m)', 'field', 'number', 1],
      ['code', 'field', 'text', 0],
    ]);
  });

  it('serves every invalid value as CSV that spreadsheets do not run as formulas', async () => {
    const response = await client.get(`/imports/${importId}/issues.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=review-issues.csv');
    expect(response.body).toBe(
      'line,column,value,reason\n' +
        '12,depth (m),"\'=HYPERLINK(""http://example.org"")","""=HYPERLINK(""http://example.org"")"" is not a number"\n' +
        '13,,,the row has 2 values but the header has 3 columns\n',
    );
  });

  it('refuses to start while rows are invalid unless they are skipped', async () => {
    const refused = await client.post(`/imports/${importId}/start`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('conflict');
  });

  it('analyses the file again with a changed column type', async () => {
    const changed = await client.patch(`/imports/${importId}/mapping`, { columns: [{ index: 1, type: 'text', unit: 'metres' }] });
    expect(changed.status).toBe(202);
    expect(changed.body).toMatchObject({ state: 'queued', phase: 'analysing' });
    const record = await waitFor(importId, ['awaiting_review']);
    expect(record.issueCount).toBe(1);
    expect(record.mapping!.columns[1]).toMatchObject({ type: 'text', unit: 'metres', invalid: 0 });
  });

  it('loads the valid rows when asked to skip the others', async () => {
    const started = await client.post(`/imports/${importId}/start`, { invalidRows: 'skip' });
    expect(started.status).toBe(202);
    const record = await waitFor(importId, ['completed', 'failed']);
    expect(record).toMatchObject({ state: 'completed', invalidRows: 'skip', counts: { rows: 12, samples: 11, rejectedRows: 1 } });
    const samples = await client.get(`/datasets/${datasetId}/samples`);
    const loaded = samples.body.items.map((sample: { name: string; values: Record<string, unknown> }) => [sample.name, sample.values]);
    expect(loaded).toHaveLength(11);
    expect(loaded[0]).toEqual(['S1', { depth: '0.5', code: 'x1' }]);
    expect(loaded[10]).toEqual(['F', { depth: '=HYPERLINK("http://example.org")', code: 'xf' }]);
    const fields = await client.get(`/datasets/${datasetId}/fields`);
    expect(fields.body.items.find((field: { key: string }) => field.key === 'depth')).toMatchObject({ type: 'text', unit: 'metres' });
  });

  it('cancels an import that waits for review', async () => {
    const other = (await upload('other.csv', 'name,value\nA,1\n')).id;
    await waitFor(other, ['awaiting_review']);
    const cancelled = await client.post(`/imports/${other}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', phase: 'done' });
    expect((await client.post(`/imports/${other}/start`, {})).status).toBe(409);
    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(409);
  });

  it('removes the record spool of a cancelled import', async () => {
    const workbook = new Uint8Array(await readFile(path.join(REPO_ROOT, 'test/fixtures/corpus/stations.ods')));
    const other = (await upload('stations.ods', workbook)).id;
    await waitFor(other, ['awaiting_review']);
    const { storageKey } = await api.server.context.knex('imports').where({ id: other }).first('storageKey');
    const spool = api.server.context.uploads.derivedPath(storageKey as string, RECORD_SPOOL_SUFFIX);
    expect((await stat(spool)).size).toBeGreaterThan(0);

    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(200);
    await expect(stat(spool)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects unknown keys in a mapping change', async () => {
    const other = (await upload('misspelt.csv', 'name,value\nA,1\n')).id;
    await waitFor(other, ['awaiting_review']);
    const misspelt = await client.patch(`/imports/${other}/mapping`, { decimalmark: ',' });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.detail).toMatch(/^Invalid request: body: unknown key "decimalmark"; the keys are entry, headerRow, sheet, .*, decimalMark, .*columns\.$/);
    const inColumn = await client.patch(`/imports/${other}/mapping`, { columns: [{ index: 1, units: 'm' }] });
    expect(inColumn.status).toBe(400);
    expect(inColumn.body.errors).toEqual([{ field: 'body.columns.0', message: 'unknown key "units"; the keys are index, target, type, unit, label, dateOrder, excelSerialDates' }]);
    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(200);
  });

  it('rejects two columns with one latitude', async () => {
    const other = (await upload('two-latitudes.csv', 'name,lat,lon\nA,1,2\n')).id;
    const before = await waitFor(other, ['awaiting_review']);
    const response = await client.patch(`/imports/${other}/mapping`, { columns: [{ index: 1, target: 'latitude' }, { index: 2, target: 'latitude' }] });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('Columns 1, 2 are each set to "latitude", which only one column can be. Set it on one of them.');
    expect(response.body.errors).toEqual([
      { field: 'body.columns.0.target', message: '"latitude" is set on another column too' },
      { field: 'body.columns.1.target', message: '"latitude" is set on another column too' },
    ]);
    expect((await client.get(`/imports/${other}`)).body).toMatchObject({ state: 'awaiting_review', mapping: before.mapping });
    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(200);
  });

  it('rejects one mark for decimals and digit groups', async () => {
    const other = (await upload('same-mark.csv', 'name;lead\nA;1,5\nB;2,25\nC;<0,5\n')).id;
    const before = await waitFor(other, ['awaiting_review']);
    const both = await client.patch(`/imports/${other}/mapping`, { decimalMark: ',', thousandsSeparator: ',' });
    expect(both.status).toBe(400);
    expect(both.body.detail).toBe('"," cannot be both the decimal mark and the thousands separator. Choose another thousands separator, or none.');
    // A separator chosen in one change and a decimal mark in the next meet in the stored options.
    expect((await client.patch(`/imports/${other}/mapping`, { thousandsSeparator: '.' })).status).toBe(202);
    await waitFor(other, ['awaiting_review']);
    expect((await client.patch(`/imports/${other}/mapping`, { decimalMark: '.' })).status).toBe(400);
    expect((await client.get(`/imports/${other}`)).body.mapping).toMatchObject({ decimalMark: before.mapping!.decimalMark, thousandsSeparator: '.' });
    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(200);
  });

  it('rejects a column index the table lacks', async () => {
    const other = (await upload('narrow.csv', 'name,value\nA,1\n')).id;
    const before = await waitFor(other, ['awaiting_review']);
    const response = await client.patch(`/imports/${other}/mapping`, { columns: [{ index: 1, unit: 'm' }, { index: 7, type: 'number' }] });
    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('The table has no column 7; give the index of a column in the mapping\'s "columns", 0 to 1.');
    expect(response.body.errors).toEqual([{ field: 'body.columns.1.index', message: 'no such column; columns are numbered 0 to 1' }]);
    const after = (await client.get(`/imports/${other}`)).body;
    expect(after).toMatchObject({ state: 'awaiting_review', mapping: before.mapping });
    expect((await client.post(`/imports/${other}/cancel`, {})).status).toBe(200);
  });

  it('rejects an EPSG code that needs a datum shift grid', async () => {
    const response = await client.patch(`/imports/${importId}/mapping`, { crs: 31467 });
    expect(response.status).toBe(400);
    expect((response.body as { detail: string }).detail).toBe(
      'EPSG:31467 needs the datum shift grid "BETA2007.gsb", which the portal does not ship, so its coordinates cannot be transformed to WGS 84. ' +
        'Give another EPSG code, or convert the coordinates to WGS 84 (EPSG:4326).',
    );
  });

  it('lets only editors change or start an import', async () => {
    const anonymous = new TestClient(api.url);
    // The dataset is a draft, hidden from visitors, so its import gets 404 rather than 401.
    expect((await anonymous.patch(`/imports/${importId}/mapping`, {})).status).toBe(404);
    expect((await client.patch(`/imports/${importId}/mapping`, { crs: 999_999 })).status).toBe(400);
  });

  it('documents the review routes in the OpenAPI description', async () => {
    const document = await client.get('/openapi.json');
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/imports/{importId}/mapping', '/imports/{importId}/start', '/imports/{importId}/cancel', '/imports/{importId}/issues.csv']),
    );
    expect(document.body.paths['/imports/{importId}/mapping'].patch.operationId).toBe('updateImportMapping');
  });
});

// Two station tables and a file that is not a table, as a field campaign's export might pack them.
const FIRST = 'name,depth\nF1,1.5\nF2,2.5\n';
const SECOND = 'name,depth,note\nS1,10,deep\nS2,20,deeper\nS3,30,deepest\n';
const ARCHIVE = zipSync({ 'campaign/first.csv': strToU8(FIRST), 'campaign/second.csv': strToU8(SECOND), 'campaign/README.md': strToU8('# Campaign 2024') });

describe('choosing a table of a ZIP archive', () => {
  let zipDataset: string;
  let importId: string;

  beforeAll(async () => {
    const project = await client.post('/projects', { title: 'Archives' });
    zipDataset = (await client.post(`/projects/${project.body.id}/datasets`, { title: 'Campaign' })).body.id;
  });

  it('lists the tables and waits for a choice', async () => {
    importId = (await upload('campaign.zip', ARCHIVE, zipDataset)).id;
    const record = await waitFor(importId, ['awaiting_review', 'failed']);
    expect(record).toMatchObject({ state: 'awaiting_review', phase: 'review', issueCount: 1, counts: { rows: 0 } });
    expect(record.issues).toEqual([
      { line: null, column: null, value: null, reason: 'The ZIP archive contains 2 tables ("campaign/first.csv", "campaign/second.csv"); choose the one to import.' },
    ]);
    expect(record.mapping).toMatchObject({ format: null, container: 'zip', entry: null, columns: [], rows: 0 });
    expect(record.mapping!.entries).toEqual([
      { path: 'campaign/first.csv', format: 'csv', sizeBytes: FIRST.length },
      { path: 'campaign/second.csv', format: 'csv', sizeBytes: SECOND.length },
    ]);
  });

  it('refuses to start before a table is chosen', async () => {
    const started = await client.post(`/imports/${importId}/start`, { invalidRows: 'skip' });
    expect(started.status).toBe(409);
    expect(started.body.detail).toContain('choose the one to import');
  });

  it.each(['campaign/README.md', 'campaign/third.csv', '../campaign/second.csv'])('rejects the choice %j', async (entry) => {
    const response = await client.patch(`/imports/${importId}/mapping`, { entry });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.errors).toEqual([{ field: 'body.entry', message: 'not a table of the archive' }]);
    expect(response.body.detail).toBe(`"${entry}" is not a table of this ZIP archive; choose one of "campaign/first.csv", "campaign/second.csv".`);
  });

  it('analyses the chosen table', async () => {
    const chosen = await client.patch(`/imports/${importId}/mapping`, { entry: 'campaign/second.csv' });
    expect(chosen.status).toBe(202);
    const record = await waitFor(importId, ['awaiting_review', 'failed']);
    expect(record).toMatchObject({ state: 'awaiting_review', issueCount: 0, counts: { rows: 3 } });
    expect(record.mapping).toMatchObject({ format: 'csv', container: 'zip', entry: 'campaign/second.csv', rows: 3 });
    expect(record.mapping!.entries).toHaveLength(2);
    expect(record.mapping!.notes).toContain('Table "campaign/second.csv", one of 2 in the ZIP archive.');
    expect(record.mapping!.columns.map((column) => column.header)).toEqual(['name', 'depth', 'note']);
  });

  it('loads exactly the chosen table', async () => {
    expect((await client.post(`/imports/${importId}/start`, {})).status).toBe(202);
    expect(await waitFor(importId, ['completed', 'failed'])).toMatchObject({ state: 'completed', counts: { rows: 3, samples: 3 } });

    const knex = api.server.context.knex;
    const rows = await knex('samples').where({ datasetId: zipDataset }).orderBy('ord').select('name', 'values');
    expect(rows).toEqual([
      { name: 'S1', values: { depth: 10, note: 'deep' } },
      { name: 'S2', values: { depth: 20, note: 'deeper' } },
      { name: 'S3', values: { depth: 30, note: 'deepest' } },
    ]);
    const fields = await knex('dataset_fields').where({ datasetId: zipDataset }).orderBy('position').pluck('key');
    expect(fields).toEqual(['depth', 'note']);
  });

  it('takes the table file beside a readme without asking', async () => {
    const archive = zipSync({ 'readme.txt': strToU8('Collected by the survey team in 2024.\n'), 'data.csv': strToU8(SECOND) });
    const beside = (await upload('with-readme.zip', archive, zipDataset)).id;
    const record = await waitFor(beside, ['awaiting_review', 'failed']);
    expect(record).toMatchObject({ state: 'awaiting_review', issueCount: 0, counts: { rows: 3 } });
    expect(record.mapping).toMatchObject({ format: 'csv', container: 'zip', entry: 'data.csv', rows: 3 });
    expect(record.mapping!.notes).toContain('The archive also contains "readme.txt", taken for notes rather than a table; choose it instead if it is the table.');
    expect(record.mapping!.entries!.map((entry) => entry.path).sort()).toEqual(['data.csv', 'readme.txt']);
    expect((await client.post(`/imports/${beside}/cancel`, {})).status).toBe(200);
  });

  it('rejects a table choice for a plain file', async () => {
    const plain = (await upload('plain.csv', 'name,value\nA,1\n', zipDataset)).id;
    await waitFor(plain, ['awaiting_review']);
    const response = await client.patch(`/imports/${plain}/mapping`, { entry: 'plain.csv' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'body.entry', message: 'not a table of the archive' }]);
    expect(response.body.detail).toBe('The upload is not a ZIP archive of tables, so "entry" cannot be chosen; leave it out.');
  });
});

describe('issues report of sheets and GeoJSON', () => {
  let reportDataset: string;

  beforeAll(async () => {
    const project = await client.post('/projects', { title: 'Reports' });
    reportDataset = (await client.post(`/projects/${project.body.id}/datasets`, { title: 'Reported' })).body.id;
  });

  it('numbers GeoJSON issues by feature', async () => {
    const features = [
      { type: 'Feature', properties: { name: 'closed' }, geometry: { type: 'Polygon', coordinates: [[[8, 47], [8.1, 47], [8.1, 47.1], [8, 47]]] } },
      { type: 'Feature', properties: { name: 'short' }, geometry: { type: 'LineString', coordinates: [[8, 47]] } },
    ];
    const importId = (await upload('plots.geojson', JSON.stringify({ type: 'FeatureCollection', features }), reportDataset)).id;
    const record = await waitFor(importId, ['awaiting_review', 'failed']);
    expect(record.issues).toHaveLength(1);

    const response = await client.get(`/imports/${importId}/issues.csv`);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename=plots-issues.csv');
    expect(response.body).toBe(
      'feature,column,value,reason\n' +
        '2,geometry,"{""type"":""LineString"",""coordinates"":[[8,47]]}",Feature 2: the geometry is invalid: a line needs at least 2 positions\n',
    );
  });

  it('numbers workbook issues by row', async () => {
    const workbook = await readFile(path.join(REPO_ROOT, 'test/fixtures/corpus/formula-errors.xlsx'));
    const importId = (await upload('formula-errors.xlsx', new Uint8Array(workbook), reportDataset)).id;
    await waitFor(importId, ['awaiting_review', 'failed']);

    const response = await client.get(`/imports/${importId}/issues.csv`);
    const lines = String(response.body).split('\n');
    expect(lines[0]).toBe('row,column,value,reason');
    expect(lines[1]).toMatch(/^3,ratio,#DIV\/0!,/);
  });
});
