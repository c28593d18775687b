import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportMappingUpdate, InvalidRowPolicy } from '../../common/api/imports.js';
import { createIngestWorld, type IngestWorld } from '../helpers/ingest.js';
import { REPO_ROOT } from '../helpers/processes.js';

/**
 * The ingest corpus: one small hand-made file for each kind of trouble research tables bring
 * (test/fixtures/corpus), loaded through analysis and load, with the exact values expected in the
 * database afterwards.
 */
const CORPUS = path.join(REPO_ROOT, 'test/fixtures/corpus');

let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

interface Loaded {
  importId: string;
  datasetId: string;
  record: {
    state: string;
    error: string | null;
    mapping: Record<string, unknown> & { columns: Record<string, unknown>[]; notes: string[] };
    issues: { line: number | null; column: string | null; value: string | null; reason: string }[];
    counts: Record<string, number>;
  };
  samples: { name: string; location: { coordinates: number[] } | null; locationText: string | null; collectedAt: Date | null; collectedAtPrecision: string | null; values: Record<string, unknown> }[];
  fields: { key: string; label: string; type: string; unit: string | null; description: string }[];
}

/** Loads a corpus file into a new dataset, with mapping changes applied before the load. */
async function load(file: string, options: { overrides?: ImportMappingUpdate; invalidRows?: InvalidRowPolicy } = {}): Promise<Loaded> {
  const datasetId = await world.createDataset(file);
  const importId = await world.addImport(datasetId, { path: path.join(CORPUS, file) });
  const analysed = await world.analyse(importId);
  if (analysed.state === 'awaiting_review' && options.overrides) {
    await world.changeMapping(importId, options.overrides);
    await world.analyse(importId);
  }
  await world.load(importId, options.invalidRows ?? 'reject');

  const record = await world.knex('imports').where({ id: importId }).first('state', 'error', 'mapping', 'issues', 'counts');
  const samples = await world
    .knex('samples')
    .where({ datasetId })
    .orderBy('ord')
    .select('name', 'locationText', 'collectedAt', 'collectedAtPrecision', 'values', world.knex.raw('ST_AsGeoJSON(location)::json AS location'));
  const fields = await world.knex('dataset_fields').where({ datasetId }).orderBy('position').select('key', 'label', 'type', 'unit', 'description');
  return { importId, datasetId, record, samples, fields };
}

function coordinates(loaded: Loaded): (number[] | null)[] {
  return loaded.samples.map((sample) => sample.location?.coordinates ?? null);
}

function rounded(values: (number[] | null)[], digits = 5): (number[] | null)[] {
  return values.map((pair) => pair?.map((value) => Number(value.toFixed(digits))) ?? null);
}

describe('encodings', () => {
  it('reads UTF-8 with a byte order mark', async () => {
    const loaded = await load('utf8-bom.csv');
    expect(loaded.record.state).toBe('completed');
    expect(loaded.record.mapping.encoding).toBe('utf-8');
    expect(loaded.fields.map((field) => [field.key, field.type, field.unit])).toEqual([['temperature', 'number', '°C'], ['note', 'text', null]]);
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { temperature: 1.5, note: 'Zürich' }], ['B', { temperature: 2, note: 'Ωmega' }]]);
  });

  it('reads Windows-1252 with semicolons and decimal commas', async () => {
    const loaded = await load('windows-1252.csv');
    expect(loaded.record.mapping).toMatchObject({ encoding: 'windows-1252', delimiter: ';', decimalMark: ',' });
    expect(loaded.samples.map((sample) => sample.values)).toEqual([
      { city: 'Münster', temp: 1.5, note: '5 €' },
      { city: 'Besançon', temp: 2.25, note: 'café' },
    ]);
  });

  it('reads UTF-16 tab-separated text', async () => {
    const loaded = await load('utf16le.txt');
    expect(loaded.record.mapping).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['Åsa', { depth: 3, note: 'fjord' }], ['Björk', { depth: 4.5, note: 'æøå' }]]);
  });
});

describe('delimiters, number styles and header rows', () => {
  it('reads a vertical bar as the delimiter', async () => {
    const loaded = await load('pipe-delimited.txt');
    expect(loaded.record.mapping.delimiter).toBe('|');
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ value: 1, note: 'first' }, { value: 2, note: 'second' }]);
  });

  it('reads dots between digit groups and decimal commas', async () => {
    const loaded = await load('european-numbers.csv');
    expect(loaded.record.mapping).toMatchObject({ decimalMark: ',', thousandsSeparator: '.' });
    expect(loaded.fields.map((field) => [field.key, field.type])).toEqual([['mass', 'number'], ['count', 'integer']]);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ mass: 1234.5, count: 1000 }, { mass: 12.25, count: 2500 }, { mass: 0.5, count: 7 }]);
  });

  it('reads commas between digit groups and decimal points', async () => {
    const loaded = await load('thousands-comma.csv');
    expect(loaded.record.mapping).toMatchObject({ decimalMark: '.', thousandsSeparator: ',' });
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ population: 1234567, area: 12.5 }, { population: 2500, area: 3.25 }]);
  });

  it('finds the header below titles and comments', async () => {
    const loaded = await load('preamble.csv');
    expect(loaded.record.mapping.headerRow).toBe(5);
    expect(loaded.record.mapping.notes).toContain('The header is on line 5; the 4 lines above it (titles, comments, metadata) are not imported.');
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { depth: 1 }], ['B', { depth: 2.5 }]]);
  });
});

describe('column types from the whole column', () => {
  it('keeps a numeric column numeric and reports a late odd value by line', async () => {
    const loaded = await load('late-odd-value.csv', { invalidRows: 'skip' });
    expect(loaded.fields).toEqual([{ key: 'depth', label: 'depth', type: 'number', unit: 'm', description: '' }]);
    expect(loaded.record.issues).toEqual([{ line: 22, column: 'depth (m)', value: 'see note', reason: '"see note" is not a number' }]);
    expect(loaded.record.counts).toMatchObject({ rows: 22, samples: 21, rejectedRows: 1 });
    expect(loaded.samples.map((sample) => sample.name)).not.toContain('S21');
    expect(loaded.samples.at(-1)).toMatchObject({ name: 'S22', values: { depth: 4 } });
  });
});

describe('dates', () => {
  const times = (loaded: Loaded) => loaded.samples.map((sample) => sample.collectedAt?.toISOString() ?? null);

  it('reads day-first dates when a day above 12 shows the order', async () => {
    const loaded = await load('dates-day-first.csv');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', dateOrder: 'dmy', dateOrderAmbiguous: false });
    expect(times(loaded)).toEqual(['2021-04-03T00:00:00.000Z', '2021-04-13T00:00:00.000Z']);
    expect(loaded.samples.map((sample) => sample.collectedAtPrecision)).toEqual(['day', 'day']);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ visit: '2021-04-03' }, { visit: '2021-04-13' }]);
  });

  it('reads month-first date-times when a day above 12 shows the order', async () => {
    const loaded = await load('dates-month-first.csv');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ dateOrder: 'mdy', dateOrderAmbiguous: false });
    expect(times(loaded)).toEqual(['2021-03-04T14:30:00.000Z', '2021-04-13T08:00:00.000Z']);
  });

  it('offers no date order for ISO dates', async () => {
    const loaded = await load('dates-iso.csv');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', dateOrder: null, dateOrderAmbiguous: false });
    expect(times(loaded)).toEqual(['2021-04-03T00:00:00.000Z', '2021-04-13T00:00:00.000Z']);
  });

  it('flags ambiguous dates and takes the chosen order', async () => {
    const proposed = await load('dates-ambiguous.csv');
    expect(proposed.record.mapping.columns[1]).toMatchObject({ dateOrder: 'dmy', dateOrderAmbiguous: true });
    expect(times(proposed)).toEqual(['2021-04-03T00:00:00.000Z', '2021-06-05T00:00:00.000Z']);

    const changed = await load('dates-ambiguous.csv', { overrides: { columns: [{ index: 1, dateOrder: 'mdy' }] } });
    expect(changed.record.mapping.columns[1]).toMatchObject({ dateOrder: 'mdy', dateOrderAmbiguous: false });
    expect(times(changed)).toEqual(['2021-03-04T00:00:00.000Z', '2021-05-06T00:00:00.000Z']);
  });

  it('reads Excel serial numbers under a date header', async () => {
    const loaded = await load('excel-serial.csv');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', excelSerialDates: true });
    expect(loaded.record.mapping.columns[1]!.notes).toContain('Numbers are read as Excel serial dates (1900 date system), so 44197 is 2021-01-01.');
    expect(times(loaded)).toEqual(['2021-01-01T00:00:00.000Z', '2021-01-02T12:00:00.000Z']);
  });

  it('reads XLSX dates in the 1904 date system', async () => {
    const loaded = await load('dates-1904.xlsx');
    expect(loaded.record.mapping).toMatchObject({ format: 'xlsx', dateSystem: '1904' });
    expect(loaded.record.mapping.notes[0]).toMatch(/^Sheet "[^"]+", the only one in the workbook\. The workbook counts dates from 1904 \(the old Mac date system\)\.$/);
    expect(loaded.samples.map((sample) => sample.collectedAt?.toISOString() ?? null)).toEqual(['2021-04-03T12:00:00.000Z', '2021-04-04T00:00:00.000Z', null]);
  });
});

describe('coordinates', () => {
  it('reads degrees, minutes and seconds with and without letters', async () => {
    const loaded = await load('coordinates-dms.csv');
    expect(loaded.record.mapping.columns.map((column) => column.coordinateNotation)).toEqual([null, 'mixed', 'mixed']);
    expect(rounded(coordinates(loaded), 6)).toEqual([
      [7.439444, 46.952222],
      [7.43945, 46.952217],
      [-45.25, -12.5],
      [18.4, -33.9],
    ]);
    expect(loaded.samples[0]!.locationText).toBe('46°57\'08"N, 7°26\'22"E');
  });

  it('reports a minus sign that disagrees with the hemisphere letter', async () => {
    const loaded = await load('coordinates-sign-conflict.csv', { invalidRows: 'skip' });
    expect(loaded.record.issues).toEqual([{ line: 2, column: 'lat', value: '-12.5 N', reason: '"-12.5 N" has a minus sign but the hemisphere letter N says otherwise' }]);
    expect(coordinates(loaded)).toEqual([[20, 10]]);
  });

  it('detects swapped latitude and longitude columns and keeps zero', async () => {
    const loaded = await load('coordinates-swapped.csv');
    expect(loaded.record.mapping.location).toEqual({ kind: 'columns', latitude: 'lon', longitude: 'lat', swapped: true, longitudes360: false });
    expect(coordinates(loaded)).toEqual([[120.5, 45.1], [-100.25, 10.2], [150, -5], [0, 0]]);
  });

  it('converts longitudes from 0 to 360', async () => {
    const loaded = await load('coordinates-0-360.csv');
    expect(loaded.record.mapping.location).toMatchObject({ longitudes360: true });
    expect(coordinates(loaded)).toEqual([[-10, 10], [-170, -20], [-160, 0], [10, 5]]);
  });

  it('reports latitudes out of range and keeps the zero point', async () => {
    const loaded = await load('coordinates-out-of-range.csv', { invalidRows: 'skip' });
    expect(loaded.record.issues).toEqual([{ line: 2, column: 'lat', value: '95', reason: 'latitude 95 is outside -90 to 90' }]);
    expect(coordinates(loaded)).toEqual([[20, 10], [0, 0]]);
  });

  it('transforms easting and northing from the EPSG code in their header', async () => {
    const loaded = await load('projected-2056.csv');
    expect(loaded.record.mapping.crs).toBe(2056);
    expect(rounded(coordinates(loaded))).toEqual([[7.43863, 46.95108]]);
    expect(loaded.samples[0]!.locationText).toBe('1200000, 2600000');
  });

  it('reads WKT, transforming EWKT with an SRID', async () => {
    const loaded = await load('wkt.csv');
    expect(loaded.record.mapping.location).toMatchObject({ kind: 'geometry' });
    expect(rounded(coordinates(loaded))).toEqual([[7.43863, 46.95108], [7.5, 47], [1, 1]]);
    expect(loaded.samples[2]!.values.geometry).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] });
  });

  it('transforms a GeoJSON collection with a crs member', async () => {
    const loaded = await load('crs-2056.geojson');
    expect(loaded.record.mapping.crs).toBe(2056);
    expect(rounded(coordinates(loaded), 4)).toEqual([[7.4386, 46.9511], [7.4393, 46.9515]]);
  });
});

describe('missing values and detection limits', () => {
  it('leaves the usual missing-value codes out, keeping zero', async () => {
    const loaded = await load('missing-codes.csv');
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ ph: 7.1 }, {}, {}, { depth: 0, ph: 7.4 }]);
    expect(loaded.record.mapping.columns[1]!.notes).toContain('1 cell holds "-9999", read as a missing value');
  });

  it('keeps a code as text where the column writes values alike', async () => {
    const loaded = await load('missing-codes-as-values.csv');
    expect(loaded.samples.map((sample) => sample.values)).toEqual([
      { state: 'CA', nitrate: 0.5, species: 'Adelie' },
      { state: 'ND' },
      { state: 'TX', nitrate: 1.2, species: 'Gentoo' },
      { state: 'ND', species: 'Chinstrap' },
      { nitrate: 0.7 },
    ]);
    const [state, nitrate, species] = loaded.record.mapping.columns.slice(1) as { notes: string[]; present: number; missing: number }[];
    expect(state!.notes).toContain('2 cells hold "ND", kept as text because most values of the column are written the same way. To read "ND" as a missing value instead, set the missing-value codes yourself, with "ND" among them.');
    expect(state).toMatchObject({ present: 4, missing: 1 });
    expect(nitrate!.notes).toContain('1 cell holds "ND", read as a missing value');
    expect(species!.notes).toContain('1 cell holds "NA", read as a missing value');
  });

  it('reads a kept code as missing once the uploader sets the codes', async () => {
    const loaded = await load('missing-codes-as-values.csv', { overrides: { missingValues: ['NA', 'ND'] } });
    expect(loaded.samples.map((sample) => sample.values.state ?? null)).toEqual(['CA', null, 'TX', null, null]);
  });

  it('takes the missing-value codes the uploader sets', async () => {
    const loaded = await load('missing-custom.csv', { overrides: { missingValues: ['missing'] } });
    expect(loaded.record.mapping.missingValues).toEqual(['missing']);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{}, { depth: 2 }]);
  });

  it('stores detection limits as value, qualifier and limit in numeric fields', async () => {
    const loaded = await load('detection-limits.csv');
    expect(loaded.fields.map((field) => [field.key, field.type, field.unit])).toEqual([['nitrate', 'number', 'mg/L'], ['lead', 'number', 'µg/L']]);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([
      { nitrate: '<0.01', lead: '>10000' },
      { nitrate: 'BDL', lead: 12.5 },
      { nitrate: 0.5, lead: '<LOD' },
    ]);
    const measurements = await measurementsOf(loaded.datasetId);
    expect(measurements).toEqual([
      { name: 'A', key: 'nitrate', valueNumber: 0.01, valueText: '<0.01', qualifier: '<', detectionLimit: 0.01, unit: 'mg/L' },
      { name: 'A', key: 'lead', valueNumber: 10000, valueText: '>10000', qualifier: '>', detectionLimit: null, unit: 'µg/L' },
      { name: 'B', key: 'nitrate', valueNumber: null, valueText: 'BDL', qualifier: 'bdl', detectionLimit: null, unit: 'mg/L' },
      { name: 'C', key: 'lead', valueNumber: null, valueText: '<LOD', qualifier: 'bdl', detectionLimit: null, unit: 'µg/L' },
    ]);
  });

  it('shows detection limits of a decimal-comma file with a point', async () => {
    const loaded = await load('detection-limits-decimal-comma.csv');
    expect(loaded.record.mapping).toMatchObject({ decimalMark: ',', thousandsSeparator: '.' });
    expect(loaded.record.mapping.columns.map((column) => column.qualifiedExample)).toEqual([
      undefined,
      { text: '<0,010', qualifier: '<', value: 0.01 },
      { text: '> 1.000', qualifier: '>', value: 1000 },
    ]);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([
      { nitrate: '<0.010', lead: '>1000' },
      { nitrate: 0.5, lead: 1234.5 },
      { nitrate: 'BDL', lead: 12.25 },
    ]);
    const measurements = await measurementsOf(loaded.datasetId);
    expect(measurements).toEqual([
      { name: 'A', key: 'nitrate', valueNumber: 0.01, valueText: '<0,010', qualifier: '<', detectionLimit: 0.01, unit: 'mg/L' },
      { name: 'A', key: 'lead', valueNumber: 1000, valueText: '> 1.000', qualifier: '>', detectionLimit: null, unit: 'µg/L' },
      { name: 'C', key: 'nitrate', valueNumber: null, valueText: 'BDL', qualifier: 'bdl', detectionLimit: null, unit: 'mg/L' },
    ]);
  });
});

describe('headers and rows', () => {
  it('renames duplicate, blank and over-long headers and keeps the header as written', async () => {
    const loaded = await load('headers.csv');
    const long = loaded.record.mapping.columns[4]!;
    expect(loaded.record.mapping.columns.map((column) => [column.key, column.renamed])).toEqual([
      ['name', null],
      ['depth', null],
      ['depth_2', 'duplicate'],
      ['column_4', 'blank'],
      [long.key, 'too_long'],
    ]);
    expect((long.key as string).length).toBeLessThanOrEqual(63);
    const header = (long.header as string);
    expect(header.startsWith('Concentration of dissolved organic carbon')).toBe(true);
    expect(loaded.fields.map((field) => field.key)).toEqual(['depth', 'depth_2', 'column_4', long.key]);
    expect(loaded.fields[1]).toMatchObject({ label: 'depth', description: 'Column header in the uploaded file: "depth"' });
    expect(loaded.fields[2]).toMatchObject({ label: 'Column 4', description: 'Column header in the uploaded file: ""' });
    expect(loaded.fields[3]!.label).toBe(header.slice(0, 300));
    expect(loaded.fields[3]!.description).toBe(`Column header in the uploaded file: "${header}"`);
    expect(loaded.samples[0]!.values).toEqual({ depth: 1, depth_2: 2, column_4: 'x', [long.key as string]: 'y' });
  });

  it('reports ragged rows by line and loads the others when asked to', async () => {
    const loaded = await load('ragged-rows.csv', { invalidRows: 'skip' });
    expect(loaded.record.issues).toEqual([
      { line: 3, column: null, value: null, reason: 'the row has 2 values but the header has 3 columns' },
      { line: 4, column: null, value: null, reason: 'the row has 4 values but the header has 3 columns' },
    ]);
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { a: 1, b: 2 }], ['D', { a: 4, b: 5 }]]);
  });
});

describe('spreadsheets and archives', () => {
  const expectStations = (loaded: Loaded) => {
    expect(loaded.record.state).toBe('completed');
    expect(loaded.samples.map((sample) => sample.name)).toEqual(['A', 'B', 'C']);
    expect(coordinates(loaded)).toEqual([[7.44, 46.95], [18.4, -33.9], null]);
    // The "sampled" column is the collection time.
    expect(loaded.samples.map((sample) => sample.collectedAt?.toISOString() ?? null)).toEqual(['2021-04-03T12:00:00.000Z', '2021-04-04T00:00:00.000Z', null]);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([
      { depth: 3, filtered: true, note: 'inline text' },
      { depth: 4.25, filtered: false },
      { filtered: true, note: 'A' },
    ]);
  };

  it('passes over a read-me sheet and reads the chosen one', async () => {
    const first = await load('stations.xlsx');
    expect(first.record.mapping).toMatchObject({ format: 'xlsx', sheet: 'Samples', sheets: ['Readme', 'Samples'] });
    expect(first.record.mapping.notes).toContain(
      'Sheet "Samples", one of 2 in the workbook. Sheet "Readme" before it holds no table and is passed over; choose it under Sheet to read it anyway.',
    );
    expectStations(first);
    const readme = await load('stations.xlsx', { overrides: { sheet: 'Readme' } });
    expect(readme.record.mapping).toMatchObject({ sheet: 'Readme' });
    expect(readme.record.mapping.notes).toContain('Sheet "Readme", one of 2 in the workbook.');
  });

  it('reads an XLSX workbook inside a ZIP archive', async () => {
    const loaded = await load('xlsx-in-zip.zip');
    expect(loaded.record.mapping).toMatchObject({ format: 'xlsx', container: 'zip', entry: 'stations.xlsx' });
    expectStations(loaded);
  });

  it('reads an OpenDocument spreadsheet, skipping repeated empty cells and rows', async () => {
    const loaded = await load('stations.ods');
    expect(loaded.record.mapping).toMatchObject({ format: 'ods', sheet: 'Samples', rows: 2 });
    expect(coordinates(loaded)).toEqual([[7.44, 46.95], null]);
    expect(loaded.samples.map((sample) => sample.collectedAt?.toISOString() ?? null)).toEqual(['2021-04-03T12:00:00.000Z', '2021-04-04T00:00:00.000Z']);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ depth: 3 }, { depth: 4.25 }]);
  });

  it('loads XLSX rows stored out of order in row order', async () => {
    const loaded = await load('rows-out-of-order.xlsx');
    expect(loaded.record.state).toBe('completed');
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { depth: 1 }], ['B', { depth: 2 }], ['C', { depth: 3 }], ['D', { depth: 4 }]]);
  });

  it('reports XLSX formula errors and keeps the column numeric', async () => {
    const loaded = await load('formula-errors.xlsx', { invalidRows: 'skip' });
    expect(loaded.fields.map((field) => [field.key, field.type])).toEqual([['ratio', 'number']]);
    expect(loaded.record.issues).toEqual([
      {
        line: 3,
        column: 'ratio',
        value: '#DIV/0!',
        reason: 'the cell holds the formula error #DIV/0!; correct the formula in the workbook, or add "#DIV/0!" to the missing-value codes to leave such cells empty',
      },
    ]);
    expect(loaded.record.mapping.columns[1]!.notes).toContain('1 cell holds "#N/A", read as a missing value');
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { ratio: 0.5 }], ['C', { ratio: 0.25 }], ['D', {}]]);
  });

  it('rejects XLSX numbers that are not decimal numbers', async () => {
    const loaded = await load('lenient-numbers.xlsx', { invalidRows: 'skip' });
    expect(loaded.fields.map((field) => [field.key, field.type])).toEqual([['value', 'number']]);
    expect(loaded.record.issues).toEqual([
      { line: 3, column: 'value', value: '1e400', reason: 'the number cell holds 1e400, which is too large to store; correct the value in the workbook' },
      { line: 4, column: 'value', value: '0x1F', reason: 'the number cell holds "0x1F", which is not a decimal number; correct the value in the workbook' },
    ]);
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { value: 1.5 }], ['D', {}], ['E', {}], ['F', { value: 2 }]]);
  });

  it('reports XLSX formulas without a cached value in the analysis', async () => {
    const datasetId = await world.createDataset('formula-without-value.xlsx');
    const importId = await world.addImport(datasetId, { path: path.join(CORPUS, 'formula-without-value.xlsx') });
    const reason = 'formula without a cached value: open and save the workbook in a spreadsheet program so it stores the computed values';
    const expectedIssues = [
      { line: 3, column: 'b', value: null, reason },
      { line: 4, column: 'b', value: null, reason },
    ];
    expect(await world.analyse(importId)).toEqual({ state: 'awaiting_review', rows: 3, issueCount: 2 });
    const analysed = await world.knex('imports').where({ id: importId }).first('issues');
    expect(analysed.issues).toEqual(expectedIssues);

    await world.load(importId, 'skip');
    const samples = await world.knex('samples').where({ datasetId }).orderBy('ord').select('name', 'values');
    expect(samples).toEqual([{ name: 'A', values: { a: 1, b: 2 } }]);
  });

  it('reports ODS formula errors, invalid numbers and formulas without a value', async () => {
    const loaded = await load('formula-errors.ods', { invalidRows: 'skip' });
    expect(loaded.fields.map((field) => [field.key, field.type])).toEqual([['ratio', 'number'], ['count', 'integer'], ['total', 'integer']]);
    expect(loaded.record.issues).toEqual([
      {
        line: 3,
        column: 'ratio',
        value: '#DIV/0!',
        reason: 'the cell holds the formula error #DIV/0!; correct the formula in the workbook, or add "#DIV/0!" to the missing-value codes to leave such cells empty',
      },
      { line: 4, column: 'count', value: '0x1F', reason: 'the number cell holds "0x1F", which is not a decimal number; correct the value in the workbook' },
      { line: 5, column: 'count', value: '1e400', reason: 'the number cell holds 1e400, which is too large to store; correct the value in the workbook' },
      {
        line: 6,
        column: 'total',
        value: null,
        reason: 'formula without a cached value: open and save the workbook in a spreadsheet program so it stores the computed values',
      },
    ]);
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([['A', { ratio: 0.5, count: 3, total: 3 }], ['F', { count: 7, total: 7 }]]);
  });

  it('reads the one CSV in a ZIP archive and ignores macOS metadata', async () => {
    const loaded = await load('csv-in-zip.zip');
    expect(loaded.record.mapping).toMatchObject({ format: 'csv', container: 'zip', entry: 'export/stations.csv' });
    expect(coordinates(loaded)).toEqual([[7.44, 46.95], [18.4, -33.9]]);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ depth: 3 }, { depth: 4.25 }]);
  });
});

/** Returns the measurements of a dataset's samples in row and field order. */
function measurementsOf(datasetId: string) {
  return world
    .knex('measurements as m')
    .join('samples as s', 's.id', 'm.sampleId')
    .join('dataset_fields as f', 'f.id', 'm.fieldId')
    .where('s.datasetId', datasetId)
    .orderBy(['s.ord', 'f.position'])
    .select('s.name', 'f.key', 'm.valueNumber', 'm.valueText', 'm.qualifier', 'm.detectionLimit', 'm.unit');
}
