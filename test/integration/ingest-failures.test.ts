import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportIssue } from '../../common/api/imports.js';
import { ENCODING_SAMPLE_BYTES } from '../../workers/ingest/text-decoding.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

let world: IngestWorld;
let datasetId: string;

beforeAll(async () => {
  world = await createIngestWorld(3);
  datasetId = await world.createDataset('Has data');
  // One good import first, so "unchanged" means something.
  const first = await world.addImport(datasetId, { content: 'name,lat,lon,note\nKEEP,1,2,kept\n', name: 'first.csv' });
  expect((await world.run(first)).state).toBe('completed');
});

afterAll(async () => {
  await world?.close();
});

interface FailedImport {
  state: string;
  phase: string;
  error: string;
  issues: ImportIssue[];
  issueCount: number;
  counts: Record<string, number>;
}

/** Imports a file that must fail, checks the dataset did not change, and returns the stored report. */
async function importFailing(file: Parameters<IngestWorld['addImport']>[1], format?: 'csv' | 'geojson'): Promise<FailedImport> {
  const before = await datasetSnapshot(world.knex, datasetId);
  const importId = await world.addImport(datasetId, file, format);
  const outcome = await world.run(importId);
  expect(outcome.state).toBe('failed');
  expect(await datasetSnapshot(world.knex, datasetId)).toEqual(before);
  const measurements = await world.knex('measurements').where({ importId }).count<{ count: number }[]>('* as count');
  expect(Number(measurements[0]!.count)).toBe(0);
  return world.knex('imports').where({ id: importId }).first('state', 'phase', 'error', 'issues', 'issueCount', 'counts');
}

describe('files that cannot be imported', () => {
  it('rejects an empty file', async () => {
    const record = await importFailing({ fixture: 'empty.csv' });
    expect(record).toMatchObject({ state: 'failed', phase: 'done', issueCount: 0, issues: [] });
    expect(record.error).toBe(
      'The file is empty; upload a table with a header row and at least one data row, or a GeoJSON FeatureCollection.',
    );
  });

  it('rejects a header without rows', async () => {
    const record = await importFailing({ fixture: 'header-only.csv' });
    expect(record.error).toBe('The table has a header row but no data rows; add at least one row below the header.');
  });

  it('rejects binary data', async () => {
    const record = await importFailing({ content: Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]), name: 'data.csv' });
    expect(record.error).toBe('The file is binary, not CSV or GeoJSON text; export the data as CSV, XLSX, ODS or GeoJSON and upload that file.');
  });

  it('rejects an Excel workbook by name', async () => {
    const record = await importFailing({ content: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), name: 'book.csv' });
    expect(record.error).toContain('The file is a ZIP archive (or an XLSX or ODS workbook, which are ZIP archives) but it cannot be read');
  });

  it('rejects an empty ZIP archive', async () => {
    // The 22-byte end of the central directory is all an archive without entries contains.
    const empty = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);
    const record = await importFailing({ content: empty, name: 'export.zip' });
    expect(record.error).toBe(
      'The ZIP archive is empty, so it contains no CSV, TSV, XLSX, ODS or GeoJSON table; add the table to the archive and upload it again, or upload the table itself.',
    );
  });

  it('rejects a ZIP archive without a table', async () => {
    const record = await importFailing({ content: Buffer.from(zipSync({ 'export/README.md': strToU8('# Notes'), 'export/': {} })), name: 'export.zip' });
    expect(record.error).toBe(
      'The ZIP archive contains no CSV, TSV, XLSX, ODS or GeoJSON table (a file ending in .csv, .tsv, .txt, .xlsx, .ods, .geojson or .json), only "export/README.md"; add the table to the archive and upload it again, or upload the table itself.',
    );
  });

  it('rejects an HTML page', async () => {
    const record = await importFailing({ fixture: 'page.html' }, 'csv');
    expect(record.error).toBe(
      'The file is an HTML or XML document, not a table; export the data as CSV, XLSX, ODS or GeoJSON and upload that file.',
    );
  });

  it('rejects a single Feature', async () => {
    const record = await importFailing({ fixture: 'single-feature.geojson' });
    expect(record.error).toContain('The file is a single GeoJSON Feature; wrap it in a FeatureCollection');
  });

  it('rejects JSON that is not GeoJSON', async () => {
    const record = await importFailing({ fixture: 'array.json' });
    expect(record.error).toBe('The file is JSON without a GeoJSON "type", not a GeoJSON FeatureCollection; upload a FeatureCollection or a CSV file.');
  });

  it('rejects truncated JSON', async () => {
    const record = await importFailing({ content: '{"type":"FeatureCollection","features":[{"type":"Feature"', name: 'cut.geojson' });
    expect(record.error).toMatch(/^The file is not valid JSON \(.+\); check that it is complete/);
  });

  it('names the text file of a ZIP archive that holds no table', async () => {
    const archive = Buffer.from(zipSync({ 'readme.txt': strToU8('Collected by the survey team.\nSee the project page.\n') }));
    const record = await importFailing({ content: archive, name: 'export.zip' });
    expect(record.error).toBe(
      'The ZIP archive holds no table: "readme.txt" has no column delimiter in its first rows, so it looks like notes rather than a table. Put the CSV, TSV, XLSX, ODS or GeoJSON table in the archive and upload it again.',
    );
  });

  it('rejects text without a delimiter', async () => {
    const record = await importFailing({ content: 'just some words\non lines\n', name: 'notes.csv' });
    expect(record.error).toContain('No column delimiter was found');
  });
});

describe('rows that cannot be imported', () => {
  it('checks values against the type of an existing field', async () => {
    const typed = await world.createDataset('Typed');
    await world.knex('dataset_fields').insert({ datasetId: typed, key: 'depth', label: 'Depth', type: 'integer', position: 0 });
    const importId = await world.addImport(typed, { content: 'name,depth\nA,3\nB,deep\n', name: 'typed.csv' });
    expect((await world.run(importId)).state).toBe('failed');
    const record = await world.knex('imports').where({ id: importId }).first('issues');
    expect(record.issues).toEqual([{ line: 3, column: 'depth', value: 'deep', reason: '"deep" is not a whole number' }]);
    expect(await world.knex('samples').where({ datasetId: typed }).count<{ count: number }[]>('* as count')).toEqual([{ count: 0 }]);
  });

  it('reports unparsable numbers in a numeric column with their lines', async () => {
    const record = await importFailing({ fixture: 'bad-numbers.csv' });
    expect(record.issues).toEqual([
      { line: 8, column: 'depth', value: 'abc', reason: '"abc" is not a number' },
      { line: 16, column: 'depth', value: '12..5', reason: '"12..5" is not a number' },
    ]);
    expect(record.issueCount).toBe(2);
    expect(record.counts).toEqual({ rows: 20, rejectedRows: 2 });
    expect(record.error).toBe(
      'Nothing was imported because 2 values or rows are invalid (first: line 8, column "depth": "abc" is not a number); fix the file and upload it again.',
    );
  });

  it('reports coordinates out of range', async () => {
    const record = await importFailing({ fixture: 'out-of-range.csv' });
    expect(record.issues).toEqual([
      { line: 3, column: 'latitude', value: '95.2', reason: 'latitude 95.2 is outside -90 to 90' },
      { line: 4, column: 'longitude', value: '-190', reason: 'longitude -190 is outside -180 to 180' },
    ]);
  });

  it('reports rows with the wrong number of values', async () => {
    const record = await importFailing({ fixture: 'ragged.csv' });
    expect(record.issues).toEqual([
      { line: 3, column: null, value: null, reason: 'the row has 3 values but the header has 4 columns' },
      { line: 4, column: null, value: null, reason: 'the row has 5 values but the header has 4 columns' },
    ]);
  });

  it('reports a quote that is never closed', async () => {
    const record = await importFailing({ fixture: 'unterminated-quote.csv' });
    expect(record.issueCount).toBeGreaterThanOrEqual(1);
    expect(record.issues[0]).toMatchObject({ line: 3, column: null });
    expect(record.issues[0]!.reason).toContain('the row cannot be read');
  });

  it('reports bad GeoJSON features by number', async () => {
    const record = await importFailing({ fixture: 'bad-geometry.geojson' });
    expect(record.issues).toEqual([
      { line: null, feature: 2, column: null, value: '[200,2]', reason: 'Feature 2: the point is invalid: longitude 200 is outside -180 to 180' },
      {
        line: null,
        feature: 3,
        column: 'geometry',
        value: '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}',
        reason: 'Feature 3: the geometry is invalid: a polygon ring must end at its first position',
      },
      {
        line: null,
        feature: 4,
        column: null,
        value: null,
        reason: 'Feature 4: the value is not a GeoJSON Feature (an object with "type": "Feature")',
      },
    ]);
  });

  it('stores at most IMPORT_ISSUES_MAX issues but counts them all', async () => {
    // 55 of 60 values are numbers, enough to make the column numeric and the other 5 invalid.
    const rows = Array.from({ length: 60 }, (_, index) => `S${index},${index < 55 ? index : `x${index}`}`);
    const record = await importFailing({ content: `name,value\n${rows.join('\n')}\n`, name: 'many.csv' });
    expect(record.issueCount).toBe(5);
    expect(record.issues).toHaveLength(3);
    expect(record.issues.map((issue) => issue.line)).toEqual([57, 58, 59]);
  });
});

const SHEET_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIP_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const ENTITY_EXPANSION = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>';

/** Builds an XLSX workbook of one sheet from the XML inside its `sheetData`, with optional shared strings. */
function workbook(sheetData: string, sharedStrings?: string): Buffer {
  const relationships = `<Relationship Id="rId1" Type="${RELATIONSHIP_NS}/worksheet" Target="worksheets/sheet1.xml"/>${
    sharedStrings === undefined ? '' : `<Relationship Id="rId2" Type="${RELATIONSHIP_NS}/sharedStrings" Target="sharedStrings.xml"/>`
  }`;
  const parts: Record<string, Uint8Array> = {
    'xl/workbook.xml': strToU8(`<workbook xmlns="${SHEET_NS}" xmlns:r="${RELATIONSHIP_NS}"><sheets><sheet name="Samples" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${relationships}</Relationships>`),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet xmlns="${SHEET_NS}"><sheetData>${sheetData}</sheetData></worksheet>`),
  };
  if (sharedStrings !== undefined) parts['xl/sharedStrings.xml'] = strToU8(sharedStrings);
  return Buffer.from(zipSync(parts));
}

/** Builds an ODS spreadsheet whose `content.xml` is the given text. */
function odsWith(content: string): Buffer {
  return Buffer.from(zipSync({ mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }], 'content.xml': strToU8(content) }));
}

const ODS_OPEN =
  '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet><table:table table:name="Samples">';
const ODS_CLOSE = '</table:table></office:spreadsheet></office:body></office:document-content>';
const odsCell = (text: string) => `<table:table-cell office:value-type="string"><text:p>${text}</text:p></table:table-cell>`;
const inlineCell = (reference: string, text: string) => `<c r="${reference}" t="inlineStr"><is><t>${text}</t></is></c>`;

describe('workbooks that are not well-formed', () => {
  it('rejects shared strings with an undefined entity', async () => {
    const sharedStrings = `<?xml version="1.0"?>${ENTITY_EXPANSION}<sst xmlns="${SHEET_NS}"><si><t>&lol2;</t></si></sst>`;
    const sheet = `<row r="1">${inlineCell('A1', 'name')}</row><row r="2"><c r="A2" t="s"><v>0</v></c></row>`;
    const record = await importFailing({ content: workbook(sheet, sharedStrings), name: 'laughs.xlsx' });
    expect(record.error).toBe(
      'The file cannot be read: the workbook part "xl/sharedStrings.xml" is not well-formed XML (undefined entity); open the file in a spreadsheet program, save it again and upload it.',
    );
  });

  it('rejects ODS content with an undefined entity', async () => {
    const content = `<?xml version="1.0"?>${ENTITY_EXPANSION}${ODS_OPEN}<table:table-row>${odsCell('name')}</table:table-row><table:table-row>${odsCell('&lol2;')}</table:table-row>${ODS_CLOSE}`;
    const record = await importFailing({ content: odsWith(content), name: 'laughs.ods' });
    expect(record.error).toBe(
      'The file cannot be read: the workbook part "content.xml" is not well-formed XML (undefined entity); open the file in a spreadsheet program, save it again and upload it.',
    );
  });

  it('rejects ODS content with a tag left open', async () => {
    const content = `${ODS_OPEN}<table:table-row>${odsCell('name')}</table:table-row><table:table-row>${odsCell('A')}`;
    const record = await importFailing({ content: odsWith(content), name: 'cut.ods' });
    expect(record.error).toMatch(/^The file cannot be read: the workbook part "content.xml" is not well-formed XML \(.+\); open the file/);
  });
});

describe('sheets wider than a dataset', () => {
  const WIDTH = 1001;
  const message = 'The file cannot be read: row 2 has a value right of column 1,000, but a dataset takes at most 1,000 columns; split the sheet into several files and upload each of them.';

  it('rejects an XLSX value in column 1,001', async () => {
    // The header stops at column 1,000 and a data row reaches one further. The empty cell far right is allowed.
    const header = Array.from({ length: WIDTH - 1 }, (_, index) => `<c t="inlineStr"><is><t>c${index}</t></is></c>`).join('');
    const row = Array.from({ length: WIDTH }, (_, index) => `<c><v>${index}</v></c>`).join('');
    const record = await importFailing({ content: workbook(`<row r="1">${header}<c r="XFD1" s="1"/></row><row r="2">${row}</row>`), name: 'wide.xlsx' });
    expect(record.error).toBe(message);
  });

  it('rejects an ODS value repeated past column 1,000', async () => {
    const content = `${ODS_OPEN}<table:table-row>${odsCell('name')}${odsCell('value')}</table:table-row><table:table-row>${odsCell('A')}<table:table-cell table:number-columns-repeated="${WIDTH}" office:value-type="float" office:value="1"/></table:table-row>${ODS_CLOSE}`;
    const record = await importFailing({ content: odsWith(content), name: 'wide.ods' });
    expect(record.error).toBe(message);
  });
});

describe('text PostgreSQL cannot store', () => {
  /** Imports a file that must load, and returns the names and values of the samples it created. */
  async function importStoring(file: { content: string | Buffer; name: string }): Promise<{ name: string; values: Record<string, unknown> }[]> {
    const target = await world.createDataset(`Stores ${file.name}`);
    const importId = await world.addImport(target, file);
    const outcome = await world.run(importId);
    expect(outcome.state).toBe('completed');
    return world.knex('samples').where({ datasetId: target }).orderBy('ord').select('name', 'values');
  }

  it('replaces NUL and unpaired surrogates in GeoJSON', async () => {
    const feature = '{"type":"Feature","properties":{"name":"a\\u0000b","note\\udc00":"c\\ud800d","kept":"\\ud83d\\ude00"},"geometry":{"type":"Point","coordinates":[7,46]}}';
    const samples = await importStoring({ content: `{"type":"FeatureCollection","features":[${feature}]}`, name: 'unstorable.geojson' });
    expect(samples).toEqual([{ name: 'a\uFFFDb', values: { note: 'c\uFFFDd', kept: '😀' } }]);
  });

  it('replaces unpaired surrogates in UTF-16 text', async () => {
    const text = Buffer.concat([Buffer.from('\uFEFFname,note\nA,x', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('y\nB,😀\n', 'utf16le')]);
    const samples = await importStoring({ content: text, name: 'unpaired.csv' });
    expect(samples).toEqual([
      { name: 'A', values: { note: 'x\uFFFDy' } },
      { name: 'B', values: { note: '😀' } },
    ]);
  });

  it('replaces NUL after the encoding sample', async () => {
    // Zero bytes in the first megabyte mark a binary file, so only a later NUL reaches the load.
    const rows = Array.from({ length: 100_000 }, (_, index) => `S${index},plain`);
    const content = `name,note\n${rows.join('\n')}\nLAST,a\u0000b\n`;
    expect(content.indexOf('\u0000')).toBeGreaterThan(ENCODING_SAMPLE_BYTES);
    const samples = await importStoring({ content, name: 'late-nul.csv' });
    expect(samples).toHaveLength(100_001);
    expect(samples.at(-1)).toEqual({ name: 'LAST', values: { note: 'a\uFFFDb' } });
  });
});
