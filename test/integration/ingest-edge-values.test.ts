import { readFile, stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportMapping, InvalidRowPolicy } from '../../common/api/imports.js';
import { ISSUES_REPORT_SUFFIX } from '../../server/storage/upload-store.js';
import { createIngestWorld, datasetSnapshot, type IngestWorld } from '../helpers/ingest.js';

/**
 * Hostile and edge-case values through the analysis and the binary COPY load: each test states
 * what is stored, or which rows the review reports before loading.
 */
let world: IngestWorld;

beforeAll(async () => {
  world = await createIngestWorld();
});

afterAll(async () => {
  await world?.close();
});

interface Loaded {
  datasetId: string;
  /** State and issues when the analysis finished, before the load. */
  review: { state: string; issues: { line: number | null; reason: string }[] };
  record: {
    state: string;
    error: string | null;
    issues: { line: number | null; column: string | null; reason: string }[];
    counts: Record<string, number>;
    reportKey: string | null;
    storageKey: string;
    mapping: ImportMapping;
  };
  samples: { name: string; at: string | null; elevation: string | null; values: Record<string, unknown> }[];
  measurements: { valueNumber: number | null; valueText: string; qualifier: string; detectionLimit: number | null }[];
}

async function load(name: string, content: string | Buffer, invalidRows: InvalidRowPolicy = 'skip', datasetId?: string, beforeLoad?: (importId: string) => Promise<void>): Promise<Loaded> {
  const target = datasetId ?? (await world.createDataset(name));
  const importId = await world.addImport(target, { content, name });
  await world.analyse(importId);
  await beforeLoad?.(importId);
  const review = await world.knex('imports').where({ id: importId }).first('state', 'issues');
  if (review.state === 'awaiting_review') await world.load(importId, invalidRows);
  const record = await world.knex('imports').where({ id: importId }).first('state', 'error', 'issues', 'counts', 'reportKey', 'storageKey', 'mapping');
  const samples = await world
    .knex('samples')
    .where({ datasetId: target })
    .orderBy('ord')
    .select('name', world.knex.raw('collected_at::text AS at'), world.knex.raw('elevation::text AS elevation'), 'values');
  const measurements = await world
    .knex('measurements')
    .join('samples', 'samples.id', 'measurements.sampleId')
    .where('samples.datasetId', target)
    .orderBy('samples.ord')
    .select('valueNumber', 'valueText', 'qualifier', 'detectionLimit');
  return { datasetId: target, review: { state: review.state, issues: review.issues ?? [] }, record, samples, measurements };
}

/** Loads a file whose second column the uploader chose as the collection time, skipping invalid rows. */
function loadChosenAsTime(name: string, content: string): Promise<Loaded> {
  return load(name, content, 'skip', undefined, async (importId) => {
    await world.changeMapping(importId, { columns: [{ index: 1, target: 'collected_at' }] });
    await world.analyse(importId);
  });
}

describe('text the COPY text format had to escape', () => {
  it('keeps escapable text unchanged', async () => {
    const csv =
      'name,note,depth\n"back\\slash \\N","tab\there",1\n"\\N","line1\r\nline2\rline3\nline4",2\n' +
      '"emoji 🌊👩‍🔬 rtl שלום مرحبا \u202e","\\\\\\t\\.",3\n"\\.","\\.\n\\.",4\n';
    const loaded = await load('hostile.csv', csv, 'reject');
    expect(loaded.record.state).toBe('completed');
    expect(loaded.samples.map((sample) => [sample.name, sample.values])).toEqual([
      ['back\\slash \\N', { note: 'tab\there', depth: 1 }],
      ['\\N', { note: 'line1\r\nline2\rline3\nline4', depth: 2 }],
      ['emoji 🌊👩‍🔬 rtl שלום مرحبا \u202e', { note: '\\\\\\t\\.', depth: 3 }],
      ['\\.', { note: '\\.\n\\.', depth: 4 }],
    ]);
  });

  it('keeps maximum-length cells and names', async () => {
    const csv = `name,note\n${'n'.repeat(500)},${'x'.repeat(100_000)}\n${'🌊'.repeat(250)},${'\\'.repeat(100_000)}\n`;
    const loaded = await load('long.csv', csv, 'reject');
    expect(loaded.record.state).toBe('completed');
    // An emoji is two UTF-16 code units, so 250 of them make a 500-character name.
    expect(loaded.samples.map((sample) => [sample.name.length, (sample.values.note as string).length])).toEqual([[500, 100_000], [500, 100_000]]);
    expect(loaded.samples[1]!.values.note).toBe('\\'.repeat(100_000));
  });

  it('replaces a late NUL and surrogate', async () => {
    const filler = Array.from({ length: 120_000 }, (_, index) => `R${index},ok`).join('\n');
    const loaded = await load('late-nul.csv', `name,note\n${filler}\nLATE,a\u0000b\nLATE2,c\ud800\n`, 'reject');
    expect(loaded.record.state).toBe('completed');
    expect(loaded.samples.slice(-2).map((sample) => sample.values.note)).toEqual(['a\uFFFDb', 'c\uFFFD']);
  });

  it('loads 400 columns', async () => {
    const headers = Array.from({ length: 400 }, (_, index) => `col ${index}`);
    const loaded = await load('wide.csv', `name,${headers.join(',')}\nA,${headers.map((_, index) => `t\\${index}`).join(',')}\n`, 'reject');
    expect(loaded.record.state).toBe('completed');
    expect(Object.keys(loaded.samples[0]!.values)).toHaveLength(400);
    expect(loaded.samples[0]!.values.col_399).toBe('t\\399');
  });
});

describe('times', () => {
  it('keeps extreme years and offsets', async () => {
    const csv =
      'name,collected_at\nA,0001-01-01T00:00:00Z\nB,9999-12-31T23:59:59.999Z\nC,1969-12-31T23:59:59.999Z\n' +
      'D,2024-01-01T00:00:00+14:00\nE,2024-01-01T00:00:00-12:00\nF,2024-01-01T12:00:00.9999Z\n';
    const loaded = await load('times.csv', csv, 'reject');
    expect(loaded.samples.map((sample) => sample.at)).toEqual([
      '0001-01-01 00:00:00+00',
      '9999-12-31 23:59:59.999+00',
      '1969-12-31 23:59:59.999+00',
      '2023-12-31 10:00:00+00',
      '2024-01-01 12:00:00+00',
      '2024-01-01 12:00:01+00',
    ]);
  });

  it('rejects impossible time zone offsets', async () => {
    const loaded = await load('offsets.csv', `name,collected_at\n${validTimes(60)}\nA,2024-01-01T00:00:00+99:99\nB,2024-01-01T00:00:00-00:60\nC,2024-01-01T00:00:00+14:30\nD,2024-01-01T00:00:00Z\n`);
    expect(loaded.samples.slice(60).map((sample) => [sample.name, sample.at])).toEqual([['D', '2024-01-01 00:00:00+00']]);
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([62, 63, 64]);
  });

  it('explains dates that name no real day', async () => {
    const days = Array.from({ length: 30 }, (_, index) => `D${index},${String(index + 1).padStart(2, '0')}.04.2023,2023-04-${String(index + 1).padStart(2, '0')}`).join('\n');
    const loaded = await load('april.csv', `name,observed,checked\n${days}\nX,31.04.2023,2023-04-31\n`);
    expect(loaded.review.issues.map((issue) => issue.reason)).toEqual([
      '"31.04.2023" is not a real date when read as day/month/year',
      '"2023-04-31" is not a real date when read as year/month/day',
    ]);
  });

  it('rejects years the API rejects', async () => {
    const loaded = await load('years.csv', `name,collected_at\n${validTimes(60)}\nA,0000-01-01T00:00:00.000Z\nB,9999-12-31T23:59:59-12:00\nC,0000-03-01\nD,0001-01-01T00:30:00+01:00\nE,2024-01-01T00:00:00Z\n`);
    expect(loaded.samples.slice(60).map((sample) => sample.name)).toEqual(['E']);
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([62, 63, 64, 65]);
  });

  it('reads Excel serial limits', async () => {
    const loaded = await load('serials.csv', 'name,sample_date\nA,1\nB,59\nC,61\nD,2958465\nE,44197.75\n', 'reject');
    expect(loaded.samples.map((sample) => sample.at)).toEqual([
      '1900-01-01 00:00:00+00',
      '1900-02-28 00:00:00+00',
      '1900-03-01 00:00:00+00',
      '9999-12-31 00:00:00+00',
      '2021-01-01 18:00:00+00',
    ]);
  });

  it('reads epoch millisecond limits', async () => {
    const loaded = await load('epoch.csv', 'name,timestamp\nA,100000000000\nB,99999999999999\n', 'reject');
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['1973-03-03 09:46:40+00', '5138-11-16 09:46:39.999+00']);
  });

  it('reads ISO 8601 basic dates under a date header', async () => {
    const loaded = await load('basic-dates.csv', 'name,date,end_date\nA,20230601,20230605\nB,20231231,20240101\n', 'reject');
    const [, date, end] = loaded.record.mapping.columns;
    expect(date).toMatchObject({ target: 'collected_at', invalid: 0 });
    expect(date!.notes).toEqual(['Numbers are read as dates written YYYYMMDD (ISO 8601 basic format), so 20230601 is 2023-06-01.']);
    expect(end).toMatchObject({ target: 'field', type: 'date', invalid: 0 });
    expect(loaded.samples.map((sample) => [sample.at, sample.values])).toEqual([
      ['2023-06-01 00:00:00+00', { end_date: '2023-06-05' }],
      ['2023-12-31 00:00:00+00', { end_date: '2024-01-01' }],
    ]);
  });

  it('reads ISO 8601 basic date-times as UTC', async () => {
    const loaded = await load('basic-times.csv', 'name,timestamp\nA,202306011230\nB,20230601123045\n', 'reject');
    expect(loaded.record.mapping.columns[1]!.notes).toEqual([
      'Numbers are read as dates and times written YYYYMMDDhhmm or YYYYMMDDhhmmss in UTC (ISO 8601 basic format), so 202306011230 is 2023-06-01 12:30:00 UTC.',
    ]);
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['2023-06-01 12:30:00+00', '2023-06-01 12:30:45+00']);
    const precisions = await world.knex('samples').where({ datasetId: loaded.datasetId }).orderBy('ord').pluck('collected_at_precision');
    expect(precisions).toEqual(['minute', 'second']);
  });

  it('keeps basic-looking integers as integers', async () => {
    const counts = await load('basic-counts.csv', 'name,sample_no\nA,20230601\nB,20231231\n', 'reject');
    expect(counts.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'integer', notes: [] });
    const unreal = await load('basic-unreal.csv', 'name,date\nA,20230601\nB,20231301\n', 'reject');
    expect(unreal.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'integer' });
    expect(unreal.samples.map((sample) => sample.values)).toEqual([{ date: 20230601 }, { date: 20231301 }]);
  });

  it('reads epoch seconds, with their limits, to the second', async () => {
    const loaded = await load('epoch-seconds.csv', 'name,unix_time\nA,100000000\nB,1700000000\nC,99999999999\n', 'reject');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', invalid: 0 });
    expect(loaded.record.mapping.columns[1]!.notes).toEqual(['Numbers are read as seconds since 1970-01-01 00:00 UTC, so 100000000 is 1973-03-03 09:46:40 UTC.']);
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['1973-03-03 09:46:40+00', '2023-11-14 22:13:20+00', '5138-11-16 09:46:39+00']);
    const precisions = await world.knex('samples').where({ datasetId: loaded.datasetId }).orderBy('ord').pluck('collected_at_precision');
    expect(precisions).toEqual(['second', 'second', 'second']);
  });

  it('reports seconds among chosen milliseconds', async () => {
    // Seconds and milliseconds mixed: the column is read in milliseconds and each second is an issue, never a day in 1970.
    const loaded = await loadChosenAsTime('mixed-epoch.csv', 'name,logged\nA,1700000000\nB,1700000000000\n');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', invalid: 1 });
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[2, '"1700000000" is not a time in epoch milliseconds']]);
    expect(loaded.samples.map((sample) => [sample.name, sample.at])).toEqual([['B', '2023-11-14 22:13:20+00']]);
  });

  it('reports hexadecimal among chosen milliseconds', async () => {
    // 0x18BCFE56800 is 1700000000000, but the profile counts it as no number, and so must the load.
    const times = Array.from({ length: 12 }, (_, index) => `R${index},${1_700_000_000_000 + index}`).join('\n');
    const loaded = await loadChosenAsTime('hex-epoch.csv', `name,logged\n${times}\nX,0x18BCFE56800\n`);
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', invalid: 1 });
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[14, '"0x18BCFE56800" is not a time in epoch milliseconds']]);
    expect(loaded.samples.map((sample) => sample.name)).not.toContain('X');
    expect(loaded.samples).toHaveLength(12);
  });

  it('reads chosen seconds despite a typo', async () => {
    // With one typo the column is still typed as whole numbers, and the typo alone is an issue.
    const times = Array.from({ length: 12 }, (_, index) => `R${index},${1_700_000_000 + index}`).join('\n');
    const loaded = await loadChosenAsTime('seconds-typo.csv', `name,logged\n${times}\nX,17000000x\n`);
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', invalid: 1 });
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[14, '"17000000x" is not a time in seconds since 1970']]);
    expect(loaded.samples).toHaveLength(12);
    expect(loaded.samples[0]!.at).toBe('2023-11-14 22:13:20+00');
  });

  it('reads chosen basic dates without a date header', async () => {
    const loaded = await loadChosenAsTime('basic-codes.csv', 'name,code\nA,20230601\nB,20240229\nC,202306011230\n');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', invalid: 0 });
    expect(loaded.review.issues).toEqual([]);
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['2023-06-01 00:00:00+00', '2024-02-29 00:00:00+00', '2023-06-01 12:30:00+00']);
  });
});

describe('what the review promises', () => {
  it('reports Excel serial 60 before loading', async () => {
    const loaded = await load('serial-60.csv', 'name,sample_date\nA,60\nB,44197\nC,61\n');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', excelSerialDates: true, invalid: 1 });
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([2]);
    expect(loaded.samples.map((sample) => [sample.name, sample.at])).toEqual([['B', '2021-01-01 00:00:00+00'], ['C', '1900-03-01 00:00:00+00']]);
  });

  it('reports unreadable qualified values before loading', async () => {
    const numbers = Array.from({ length: 60 }, (_, index) => `R${index};${index},5`).join('\n');
    const loaded = await load('qualified-style.csv', `name;lead\n${numbers}\nB;<1e-3\nC;0,25\nD;<1.500\nE;<0,5\n`);
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([62, 64]);
    expect(loaded.record.mapping.columns[1]).toMatchObject({ type: 'number', invalid: 2, qualified: 1 });
    expect(loaded.samples.slice(60).map((sample) => sample.values.lead)).toEqual([0.25, '<0.5']);
  });

  it('reports a long name below the examples', async () => {
    const loaded = await load('late-long-name.csv', `name,depth\nA,1\nB,2\nC,3\nD,4\n${'m'.repeat(501)},5\n`);
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[6, 'the name is longer than 500 characters']]);
    expect(loaded.record.mapping.columns[0]).toMatchObject({ target: 'name', invalid: 1 });
    expect(loaded.samples.map((sample) => sample.name)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('reports text longer than a cell takes', async () => {
    const loaded = await load('long-note.csv', `name,note\nA,a\nB,b\nC,c\nD,${'x'.repeat(100_001)}\n`);
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[5, 'the text is longer than 100000 characters']]);
    expect(loaded.record.mapping.columns[1]).toMatchObject({ type: 'text', invalid: 1 });
    expect(loaded.samples.map((sample) => sample.name)).toEqual(['A', 'B', 'C']);
  });

  // A review that lists no issue skips the validation pass, so the load itself must report what it leaves out.
  it('reports rows a skipping load drops', async () => {
    const loaded = await load('skip-long-name.csv', `name,depth\nA,1\n${'m'.repeat(501)},2\nC,3\n`, 'skip', undefined, forgetReviewIssues);
    expect(loaded.samples.map((sample) => sample.name)).toEqual(['A', 'C']);
    expect(loaded.record.counts.rejectedRows).toBe(1);
    expect(loaded.record.issues.map((issue) => [issue.line, issue.reason])).toEqual([[3, 'the name is longer than 500 characters']]);
    expect(loaded.record.reportKey).toMatch(/\.issues\.csv$/);
    const report = await readFile(world.uploads.derivedPath(loaded.record.storageKey, ISSUES_REPORT_SUFFIX), 'utf8');
    expect(report.trim().split('\n')).toHaveLength(2);
    expect(report).toContain('the name is longer than 500 characters');
  });

  it('leaves no report for a clean load', async () => {
    const loaded = await load('clean.csv', 'name,depth\nA,1\nB,2\n', 'skip');
    expect(loaded.record).toMatchObject({ state: 'completed', issues: [], reportKey: null });
    await expect(stat(world.uploads.derivedPath(loaded.record.storageKey, ISSUES_REPORT_SUFFIX))).rejects.toThrow('ENOENT');
  });
});

describe('numbers and qualified values', () => {
  it('stores decimal-comma qualified values', async () => {
    const loaded = await load('qualified-comma.csv', 'name;ph;lead\nA;7,5;<0,010\nB;7,25;< 0,01\nC;6,5;<-0,5\nD;6,75;0,5\nE;6,8;BDL\n', 'reject');
    expect(loaded.samples.map((sample) => sample.values.lead)).toEqual(['<0.010', '<0.01', '<-0.5', 0.5, 'BDL']);
    expect(loaded.measurements).toEqual([
      { valueNumber: 0.01, valueText: '<0,010', qualifier: '<', detectionLimit: 0.01 },
      { valueNumber: 0.01, valueText: '< 0,01', qualifier: '<', detectionLimit: 0.01 },
      { valueNumber: -0.5, valueText: '<-0,5', qualifier: '<', detectionLimit: -0.5 },
      { valueNumber: null, valueText: 'BDL', qualifier: 'bdl', detectionLimit: null },
    ]);
  });

  it('types grouped qualified values as number', async () => {
    const loaded = await load('qualified-groups.csv', 'name;lead\nA;1.234,5\nB;>1.000.000\nC;<0,010\nD;2.345,5\n', 'reject');
    expect(loaded.samples.map((sample) => sample.values.lead)).toEqual([1234.5, '>1000000', '<0.010', 2345.5]);
  });

  it('reports bare and doubled qualifiers', async () => {
    const numbers = Array.from({ length: 60 }, (_, index) => `R${index},${index}.5`).join('\n');
    const loaded = await load('bare.csv', `name,lead\n${numbers}\nX1,<\nX2,<<1\n`);
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([62, 63]);
  });

  it('keeps extreme elevation doubles', async () => {
    const loaded = await load('elevation.csv', 'name,elevation\nA,1e308\nB,5e-324\nC,-11034.5\nD,-0\n', 'reject');
    expect(loaded.samples.map((sample) => sample.elevation)).toEqual(['1e+308', '5e-324', '-11034.5', '0']);
  });

  it('reports numbers that underflow to zero', async () => {
    const numbers = Array.from({ length: 60 }, (_, index) => `R${index},${index}.25`).join('\n');
    const loaded = await load('underflow.csv', `name,tiny\n${numbers}\nX,1e-400\nY,0e-400\n`);
    expect(loaded.review.issues.map((issue) => [issue.line, issue.reason])).toEqual([[62, '"1e-400" is not a number']]);
    expect(loaded.samples.at(-1)).toMatchObject({ name: 'Y', values: { tiny: 0 } });
    expect(loaded.samples.map((sample) => sample.name)).not.toContain('X');
  });
});

describe('issue reasons', () => {
  it('quotes values without escapes', async () => {
    const rows = Array.from({ length: 30 }, (_, index) => `S${index},47°0${index % 10}'1${index % 10}"N,8°3${index % 10}'0${index % 10}"E`).join('\n');
    const loaded = await load('dms.csv', `name,lat,lon\n${rows}\nX,"47°02'60""N",8°30'00"E\n`);
    const reasons = loaded.review.issues.map((issue) => issue.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBe(`"47°02'60"N" is not a latitude in degrees: the seconds must be below 60`);
    // The invalid value is in no notation, so the column still reads as degrees, minutes and seconds.
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'latitude', coordinateNotation: 'dms', invalid: 1 });
  });
});

describe('column roles', () => {
  it('dates samples by sampled_on', async () => {
    const loaded = await load('sampled-on.csv', 'name,sampled_on\nA,2023-05-03\nB,2023-05-04\n', 'reject');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at' });
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['2023-05-03 00:00:00+00', '2023-05-04 00:00:00+00']);
  });

  it('dates samples by Sampled, not by a yes/no Sampled', async () => {
    const dated = await load('sampled.csv', 'name,Sampled\nA,2023-05-03\n', 'reject');
    expect(dated.record.mapping.columns[1]).toMatchObject({ target: 'collected_at' });
    expect(dated.samples.map((sample) => sample.at)).toEqual(['2023-05-03 00:00:00+00']);
    const flagged = await load('sampled-flag.csv', 'name,Sampled\nA,yes\nB,no\n', 'reject');
    expect(flagged.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'boolean' });
  });

  it('names samples by station and dates them by Datum', async () => {
    const loaded = await load('stationen.csv', 'Station;Breite;Länge;Datum\nSt 1;47,1;8,2;13.04.2021\nSt 2;47,2;8,3;14.04.2021\n', 'reject');
    expect(loaded.record.mapping.columns.map((column) => column.target)).toEqual(['name', 'latitude', 'longitude', 'collected_at']);
    expect(loaded.samples.map((sample) => [sample.name, sample.at])).toEqual([
      ['St 1', '2021-04-13 00:00:00+00'],
      ['St 2', '2021-04-14 00:00:00+00'],
    ]);
  });
});

describe('review counts the load agrees with', () => {
  it('counts qualified elevations and epoch times invalid', async () => {
    const heights = Array.from({ length: 12 }, (_, index) => `R${index},${index * 10},${1_700_000_000_000 + index}`).join('\n');
    // Columns with detection limits stay fields unless the uploader sets another target.
    const loaded = await load('qualified-targets.csv', `name,elevation,timestamp\n${heights}\nX,<5,1700000000999\nY,7,<1700000000000\n`, 'skip', undefined, async (importId) => {
      await world.changeMapping(importId, { columns: [{ index: 1, target: 'elevation' }, { index: 2, target: 'collected_at' }] });
      await world.analyse(importId);
    });
    const [, elevation, time] = loaded.record.mapping.columns;
    expect(elevation).toMatchObject({ target: 'elevation', invalid: 1, qualified: 0 });
    expect(time).toMatchObject({ target: 'collected_at', invalid: 1, qualified: 0 });
    expect(elevation!.qualifiedExample).toBeUndefined();
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([14, 15]);
    expect(loaded.samples.map((sample) => sample.name)).not.toContain('X');
  });

  it('reports GeoJSON numbers too large for a double', async () => {
    const point = (name: string, depth: string) => `{"type":"Feature","geometry":{"type":"Point","coordinates":[8,47]},"properties":{"name":"${name}","depth":${depth}}}`;
    const features = [...Array.from({ length: 12 }, (_, index) => point(`R${index}`, `${index}.5`)), point('X', '1e400')];
    const loaded = await load('huge.geojson', `{"type":"FeatureCollection","features":[${features.join(',')}]}`);
    expect(loaded.record.mapping.columns.find((column) => column.header === 'depth')).toMatchObject({ type: 'number', invalid: 1 });
    expect(loaded.review.issues.map((issue) => issue.reason)).toEqual(['Feature 13: Infinity is not a finite number']);
    expect(loaded.samples.map((sample) => sample.name)).not.toContain('X');
  });

  it('reads CSV serials in the 1904 system when asked', async () => {
    const loaded = await load('serials-1904.csv', 'name,sample_date\nA,1\nB,44197\nC,2957004\n', 'skip', undefined, async (importId) => {
      await world.changeMapping(importId, { dateSystem: '1904' });
      await world.analyse(importId);
    });
    expect(loaded.record.mapping).toMatchObject({ dateSystem: '1904' });
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'collected_at', excelSerialDates: true, invalid: 1 });
    expect(loaded.review.issues.map((issue) => issue.line)).toEqual([4]);
    expect(loaded.samples.map((sample) => sample.at)).toEqual(['1904-01-02 00:00:00+00', '2025-01-02 00:00:00+00']);
  });

  it('gives an example after unreadable qualified values', async () => {
    const numbers = Array.from({ length: 60 }, (_, index) => `R${index};${index},5`).join('\n');
    const loaded = await load('late-example.csv', `name;lead\n${numbers}\nA;<1e-3\nB;<2e-3\nC;<3e-3\nD;<0,5\n`);
    expect(loaded.record.mapping.columns[1]).toMatchObject({ qualified: 1, qualifiedExample: { text: '<0,5', qualifier: '<', value: 0.5 } });
  });

  it('counts no detection limits in a text column', async () => {
    const loaded = await load('bdl-text.csv', 'name,remark\nA,BDL\nB,fine\nC,<LOD\nD,cloudy\n');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ type: 'text', qualified: 0 });
    expect(loaded.record.mapping.columns[1]!.qualifiedExample).toBeUndefined();
    expect(loaded.measurements).toEqual([]);
  });

  it('keeps millimetre widths and lengths as fields', async () => {
    const loaded = await load('widths.csv', 'Probe;Breite (mm);Länge (mm)\nA;12,5;30,1\nB;13;31\n', 'reject');
    expect(loaded.record.mapping.columns.map((column) => column.target)).toEqual(['name', 'field', 'field']);
    expect(loaded.samples.map((sample) => sample.values)).toEqual([{ breite: 12.5, lange: 30.1 }, { breite: 13, lange: 31 }]);
  });
});

describe('columns as a fresh user names them', () => {
  it('finds the header below a title with another delimiter', async () => {
    const semicolons = await load('lakes.csv', 'Survey of lakes, exported 2024\nname;lat;lon;depth\nGeneva;46.45;6.55;310\nConstance;47.63;9.37;251\n', 'reject');
    expect(semicolons.record.state).toBe('completed');
    expect(semicolons.record.mapping).toMatchObject({ delimiter: ';', headerRow: 2 });
    expect(semicolons.samples.map((sample) => [sample.name, sample.values])).toEqual([['Geneva', { depth: 310 }], ['Constance', { depth: 251 }]]);

    const tabs = await load('lakes.tsv', 'Lakes; exported 2024\n\nname\tdepth\nGeneva\t310\nConstance\t251\n', 'reject');
    expect(tabs.record.error).toBeNull();
    expect(tabs.record.state).toBe('completed');
    expect(tabs.record.mapping).toMatchObject({ delimiter: '\t', headerRow: 3 });
    expect(tabs.samples.map((sample) => sample.values)).toEqual([{ depth: 310 }, { depth: 251 }]);
  });

  it('stores a nested GeoJSON property as text', async () => {
    const feature = (name: string) => `{"type":"Feature","geometry":{"type":"Point","coordinates":[7.4,46.9]},"properties":{"name":"${name}","meta":{"river":"Aare","gauges":[2135,2019]}}}`;
    const loaded = await load('rivers.geojson', `{"type":"FeatureCollection","features":[${['A', 'B', 'C'].map(feature).join(',')}]}`, 'reject');
    expect(loaded.record.mapping.columns.find((column) => column.header === 'meta')).toMatchObject({ type: 'text', invalid: 0 });
    expect(loaded.review.issues).toEqual([]);
    expect(loaded.samples.map((sample) => sample.values.meta)).toEqual(Array.from({ length: 3 }, () => '{"river":"Aare","gauges":[2135,2019]}'));
  });

  it('numbers GeoJSON issues by feature', async () => {
    const point = (name: string, depth: string) => `{"type":"Feature","geometry":{"type":"Point","coordinates":[8,47]},"properties":{"name":"${name}","depth":${depth}}}`;
    const features = [...Array.from({ length: 12 }, (_, index) => point(`R${index}`, `${index}`)), point('X', '"deep"')];
    const loaded = await load('features.geojson', `{"type":"FeatureCollection","features":[${features.join(',')}]}`);
    expect(loaded.review.issues).toEqual([expect.objectContaining({ line: null, feature: 13, reason: 'Feature 13: "deep" is not a whole number' })]);
  });

  it('hints at epoch seconds under time headers', async () => {
    const hinted = await load('logger-seconds.csv', 'name,logger_time\nA,1700000000\nB,1700000060\n', 'reject');
    expect(hinted.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'integer' });
    expect(hinted.record.mapping.columns[1]!.notes).toEqual([
      'These numbers may be times in seconds since 1970-01-01 UTC (1700000000 would be 2023-11-14 22:13:20 UTC). To read them so, set the column to "the collection time".',
    ]);
    const counts = await load('counts.csv', 'name,reads\nA,1700000000\nB,1700000060\n', 'reject');
    expect(counts.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'integer', notes: [] });
  });

  it('hints at epoch milliseconds under another header', async () => {
    const loaded = await load('logger.csv', 'name,logged\nA,1517966773840\nB,1517966774840\n', 'reject');
    expect(loaded.record.mapping.columns[1]).toMatchObject({ target: 'field', type: 'integer' });
    expect(loaded.record.mapping.columns[1]!.notes).toEqual([
      'These numbers may be times in milliseconds since 1970-01-01 UTC (1517966773840 would be 2018-02-07 01:26:13.840 UTC). To read them so, set the column to "the collection time".',
    ]);
  });

  it('reads long coordinate headers and keeps brackets of text columns', async () => {
    const csv = 'Station id (national registry code),Latitude WGS84 decimal degrees,Longitude WGS84 decimal degrees,Depth (m)\nCH-1,46.95,7.44,12\nCH-2,47.37,8.54,30\n';
    const loaded = await load('long-headers.csv', csv, 'reject');
    expect(loaded.record.mapping.columns.map((column) => column.target)).toEqual(['name', 'latitude', 'longitude', 'field']);
    const fields = await world.knex('dataset_fields').where({ datasetId: loaded.datasetId }).orderBy('position').select('key', 'label', 'unit');
    expect(fields).toEqual([{ key: 'depth', label: 'Depth', unit: 'm' }]);

    const other = await load('station-codes.csv', 'name,Station (national code),Checked (UTC)\nA,CH-1,2024-01-01\nB,CH-2,2024-01-02\n', 'reject');
    const labels = await world.knex('dataset_fields').where({ datasetId: other.datasetId }).orderBy('position').select('key', 'label', 'unit');
    expect(labels).toEqual([
      { key: 'station', label: 'Station (national code)', unit: null },
      { key: 'checked', label: 'Checked (UTC)', unit: null },
    ]);
  });
});

describe('a file loaded twice', () => {
  it('notes that the same file was loaded before', async () => {
    const csv = `name,depth\n${Array.from({ length: 1200 }, (_, index) => `S${index},${index}`).join('\n')}\n`;
    const first = await load('depths.csv', csv, 'reject');
    expect(first.record.mapping.notes.some((note) => note.includes('same content'))).toBe(false);
    const second = await load('depths-again.csv', csv, 'reject', first.datasetId);
    const today = new Date().toISOString().slice(0, 10);
    expect(second.record.mapping.notes).toContain(
      `This file has the same content as "depths.csv", loaded into this dataset on ${today}, which added 1,200 samples. Loading it again adds its rows a second time; cancel this import if they are already there.`,
    );
    const elsewhere = await load('depths-elsewhere.csv', csv, 'reject');
    expect(elsewhere.record.mapping.notes.some((note) => note.includes('same content'))).toBe(false);
  });
});

describe('GeoJSON names', () => {
  it('writes object and array names as JSON', async () => {
    const features = [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [180, 90] }, properties: { name: { en: 'x' } } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [-180, -90] }, properties: { name: ['a', 'b'] } },
    ];
    const loaded = await load('names.geojson', JSON.stringify({ type: 'FeatureCollection', features }));
    expect(loaded.samples.map((sample) => sample.name)).toEqual(['{"en":"x"}', '["a","b"]']);
  });
});

describe('a failing load', () => {
  it('keeps the existing rows', async () => {
    const first = await load('first.csv', 'name,depth\nA,1\nB,2\n', 'reject');
    const before = await datasetSnapshot(world.knex, first.datasetId);
    const second = await load('second.csv', `name,depth\nC,3\n${'m'.repeat(501)},4\n`, 'reject', first.datasetId);
    expect(second.record.state).toBe('failed');
    expect(second.record.error).toContain('the name is longer than 500 characters');
    expect(await datasetSnapshot(world.knex, first.datasetId)).toEqual(before);
    expect(second.samples.map((sample) => sample.name)).toEqual(['A', 'B']);
  });
});

/** Writes `count` CSV rows with valid collection times, so that a column of them reads as times. */
function validTimes(count: number): string {
  return Array.from({ length: count }, (_, index) => `T${index},2024-01-01T${String(index % 24).padStart(2, '0')}:00:00Z`).join('\n');
}

/** Clears the issues the review listed, as if the analysis had expected none and skipped the validation pass. */
async function forgetReviewIssues(importId: string): Promise<void> {
  await world.knex('imports').where({ id: importId }).update({ issues: JSON.stringify([]), issueCount: 0, reportKey: null });
}
