import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

// Small files that unpack to rows far larger than the worker's heap can hold a few times over.
// Each must fail with a message naming the limit, quickly, and leave the dataset as it was.

let world: IngestWorld;
let datasetId: string;

beforeAll(async () => {
  world = await createIngestWorld();
  datasetId = await world.createDataset('Oversized rows');
  const first = await world.addImport(datasetId, { content: 'name,depth\nKEEP,1\n', name: 'first.csv' });
  expect((await world.run(first)).state).toBe('completed');
});

afterAll(async () => {
  await world?.close();
});

/** Runs an import of `content` that must fail, checks the dataset is unchanged, and returns its error. */
async function failingImport(content: Buffer, name: string, format: 'csv' | 'xlsx' | 'ods' | 'geojson'): Promise<string> {
  const before = await datasetSnapshot(world.knex, datasetId);
  const importId = await world.addImport(datasetId, { content, name }, format);
  const outcome = await world.run(importId);
  expect(outcome.state).toBe('failed');
  expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
  const stored = await world.knex('imports').where({ id: importId }).first('state', 'error');
  expect(stored.state).toBe('failed');
  return stored.error as string;
}

/** Builds a workbook with one sheet and, when given, shared strings, writing its parts by hand. */
function workbook(sheetData: string, sharedStrings: string | null = null): Buffer {
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const files: Zippable = {
    'xl/workbook.xml': strToU8(`<?xml version="1.0"?><workbook xmlns="${main}"><sheets><sheet name="Data" sheetId="1"/></sheets></workbook>`),
    'xl/worksheets/sheet1.xml': strToU8(`<?xml version="1.0"?><worksheet xmlns="${main}"><sheetData>${sheetData}</sheetData></worksheet>`),
  };
  if (sharedStrings !== null) files['xl/sharedStrings.xml'] = strToU8(`<?xml version="1.0"?><sst xmlns="${main}">${sharedStrings}</sst>`);
  return Buffer.from(zipSync(files, { level: 6 }));
}

/** Builds an OpenDocument spreadsheet with the given rows in its one table. */
function spreadsheet(rows: string): Buffer {
  const content =
    `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
    `xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">` +
    `<office:body><office:spreadsheet><table:table table:name="Data">${rows}</table:table></office:spreadsheet></office:body></office:document-content>`;
  return Buffer.from(zipSync({ mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }], 'content.xml': strToU8(content) }));
}

describe('rows too large to read', () => {
  it('rejects a CSV field whose quote never closes', async () => {
    const csv = `name,depth\nA,1\nB,"${'a'.repeat(20 * 1024 * 1024)}\n`;
    const zip = Buffer.from(zipSync({ 'field.csv': strToU8(csv) }, { level: 6 }));
    const error = await failingImport(zip, 'field.zip', 'csv');
    expect(error).toContain('is longer than 8,388,608 characters');
    expect(error).toContain('A quote that is never closed usually causes this');
  });

  it('rejects a sheet row longer than the row limit', async () => {
    const cell = (column: number) => `<c r="A${column}" t="inlineStr"><is><t>${'y'.repeat(100_000)}</t></is></c>`;
    const longRow = `<row r="2">${Array.from({ length: 100 }, (_, index) => cell(index)).join('')}</row>`;
    const error = await failingImport(workbook(`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>${longRow}`), 'row.xlsx', 'xlsx');
    expect(error).toContain('a row is longer than 8,388,608 characters of XML');
  });

  it('rejects an ODS cell that repeats a space a billion times', async () => {
    const rows = '<table:table-row><table:table-cell><text:p>name</text:p></table:table-cell></table:table-row>' +
      '<table:table-row><table:table-cell><text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row>';
    const error = await failingImport(spreadsheet(rows), 'spaces.ods', 'ods');
    expect(error).toContain('a row has more than 8,388,608 characters of text');
  });

  it('rejects a GeoJSON line of two million positions', async () => {
    const positions = Array.from({ length: 2_000_000 }, (_, index) => [8 + index * 1e-7, 47]);
    const collection = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: 'small' }, geometry: { type: 'Point', coordinates: [8, 47] } },
        { type: 'Feature', properties: { name: 'huge' }, geometry: { type: 'LineString', coordinates: positions } },
      ],
    };
    const error = await failingImport(Buffer.from(JSON.stringify(collection)), 'line.geojson', 'geojson');
    expect(error).toContain('Feature 2 of the collection has more than 8,388,608 characters of JSON');
    expect(error).toContain('split it into several features');
  });

  it('rejects a GeoJSON property string past the feature limit', async () => {
    const feature = { type: 'Feature', properties: { note: 'n'.repeat(20 * 1024 * 1024) }, geometry: null };
    const error = await failingImport(Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [feature] })), 'note.geojson', 'geojson');
    expect(error).toContain('The file has a string or number of more than 8,388,608 characters of JSON');
  });

  it('rejects a GeoJSON feature of many long strings', async () => {
    const properties = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`note${index}`, 'n'.repeat(1024 * 1024)]));
    const collection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties, geometry: null }] };
    const error = await failingImport(Buffer.from(JSON.stringify(collection)), 'notes.geojson', 'geojson');
    expect(error).toContain('Feature 1 of the collection has more than 8,388,608 characters of JSON');
  });

  it('rejects a workbook part that unpacks past the part limit', async () => {
    const files: Zippable = {
      'xl/workbook.xml': strToU8(' '.repeat(40 * 1024 * 1024)),
      'xl/worksheets/sheet1.xml': strToU8('<worksheet><sheetData/></worksheet>'),
    };
    const error = await failingImport(Buffer.from(zipSync(files, { level: 6 })), 'parts.xlsx', 'xlsx');
    expect(error).toContain('"xl/workbook.xml" in the archive unpacks to 40 MiB, more than the 32 MiB the portal reads of such a part');
  });

  it('rejects shared strings over the memory limit', async () => {
    const strings = Array.from({ length: 60 }, () => `<si><t>${'z'.repeat(1024 * 1024)}</t></si>`).join('');
    const error = await failingImport(workbook('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings), 'strings.xlsx', 'xlsx');
    expect(error).toContain('its shared strings are longer than 50,331,648 characters');
  });
});
