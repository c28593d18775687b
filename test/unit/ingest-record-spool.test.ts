import { mkdtempSync, rmSync } from 'node:fs';
import { open, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordSpoolError, type RecordSpoolStamp, type SpoolSource } from '../../workers/ingest/record-spool.js';
import { openRecordSpool } from '../../workers/ingest/record-spool-reader.js';
import { FRAME_CHARS, MAX_RECORD_CHARS, RecordSpoolWriter } from '../../workers/ingest/record-spool-writer.js';
import { errorCell, FORMULA_WITHOUT_VALUE, UnreadableCell } from '../../workers/ingest/spreadsheet.js';
import { readRecords, type RecordBatch, type TableLocation } from '../../workers/ingest/table-source.js';
import { REPO_ROOT } from '../helpers/processes.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'fairport-record-spool-'));
const CORPUS = path.join(REPO_ROOT, 'test/fixtures/corpus');
const SOURCE: SpoolSource = { file: '/uploads/imports/book.xlsx', format: 'xlsx', entry: null, sheet: 'Data' };
const LIMIT = 64 * 1024 * 1024;
let spoolCount = 0;

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Returns a logger that keeps its lines, so a test can read why a spool was abandoned. */
function recordingLog() {
  const lines: { msg: string; reason?: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { msg: string; reason?: string });
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

function newSpoolPath(): string {
  spoolCount += 1;
  return path.join(directory, `upload-${spoolCount}.records`);
}

async function* batchesOf(batches: RecordBatch[]): AsyncGenerator<RecordBatch> {
  for (const batch of batches) yield batch;
}

/** Spools the batches through a writer, as the analysis does, and returns the stamp of the committed spool. */
async function writeSpool(file: string, batches: RecordBatch[], source: SpoolSource = SOURCE): Promise<RecordSpoolStamp | null> {
  const writer = await RecordSpoolWriter.create(file, source, LIMIT, recordingLog().log);
  try {
    for await (const _batch of writer.record(batchesOf(batches))) {
      // The analysis would profile the batch here.
    }
    return await writer.commit();
  } finally {
    await writer.abort();
  }
}

async function readSpool(file: string, stamp: RecordSpoolStamp, source: SpoolSource = SOURCE): Promise<RecordBatch[]> {
  const opening = await openRecordSpool(file, stamp, source);
  if (opening.kind !== 'ready') throw new Error(`the spool is unusable: ${opening.reason}`);
  const batches: RecordBatch[] = [];
  for await (const batch of opening.batches) batches.push(batch);
  return batches;
}

function batch(records: unknown[][], firstRow = 1, fraction = 0.5): RecordBatch {
  return { records, rowNumbers: records.map((_record, index) => firstRow + index), errors: new Map(), fraction };
}

function sparseRow(): unknown[] {
  const row: unknown[] = [];
  row[0] = 'first';
  row[3] = 3;
  row[6] = errorCell('#N/A');
  row[9] = '';
  return row;
}

describe('record spool round trip', () => {
  it('returns every cell type as written', async () => {
    const unreadable = [errorCell('#DIV/0!'), FORMULA_WITHOUT_VALUE, new UnreadableCell('number', '1e400', 'too large'), new UnreadableCell('boolean', 'yes', 'not 1 or 0')];
    const records: unknown[][] = [
      ['plain', 'Zürich ✓ 😀', 'a\u0000b', 'lone \uD800 surrogate', 'line\nbreak\t"quoted",;|', '', ' '],
      // -0 is kept as -0: a sheet cell written "-0" reads as -0, and the spool must not change what the load reads.
      [0, -0, 1.5, -1e308, Number.MAX_SAFE_INTEGER, 5e-324, NaN, Infinity],
      [true, false, null, undefined],
      sparseRow(),
      unreadable,
      [],
    ];
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [batch(records, 4, 0.25)]);
    expect(stamp).not.toBeNull();

    const [read, ...more] = await readSpool(file, stamp!);
    expect(more).toEqual([]);
    expect(read!.rowNumbers).toEqual([4, 5, 6, 7, 8, 9]);
    expect(read!.fraction).toBe(0.25);
    expect(read!.errors.size).toBe(0);
    expect(read!.records).toStrictEqual(records);

    const numbers = read!.records[1]!;
    expect(Object.is(numbers[1], -0)).toBe(true);
    expect(Number.isNaN(numbers[6])).toBe(true);

    const plain = read!.records[2]!;
    expect(plain.length).toBe(4);
    expect(3 in plain).toBe(true);
    expect(plain[3]).toBeUndefined();

    const sparse = read!.records[3]!;
    expect(sparse.length).toBe(10);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((index) => index in sparse)).toEqual([0, 3, 6, 9]);
    expect(sparse[6]).toBeInstanceOf(UnreadableCell);
    expect(String(sparse[6])).toBe('#N/A');

    const cells = read!.records[4]!;
    for (const [index, cell] of cells.entries()) {
      expect(cell).toBeInstanceOf(UnreadableCell);
      expect({ ...(cell as UnreadableCell) }).toEqual({ ...unreadable[index]! });
      expect(String(cell)).toBe(unreadable[index]!.text);
    }
    expect(cells[1]).toBe(FORMULA_WITHOUT_VALUE);
  });

  it('splits batches with long strings into frames', async () => {
    const long = 'x'.repeat(FRAME_CHARS / 2 + 1);
    const records = [[long, 1], [long, errorCell('#REF!')], ['short', errorCell('#VALUE!')], [long]];
    const errors = new Map([[12, 'unterminated quote']]);
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [{ records, rowNumbers: [10, 11, 12, 13], errors, fraction: 1 }]);
    expect(stamp!.frames).toBe(2);
    expect(stamp!.records).toBe(4);

    const read = await readSpool(file, stamp!);
    expect(read.map((part) => part.rowNumbers)).toEqual([[10, 11], [12, 13]]);
    expect(read.flatMap((part) => part.records)).toStrictEqual(records);
    expect(read[1]!.records[0]![1]).toBeInstanceOf(UnreadableCell);
    expect(read.map((part) => [...part.errors])).toEqual([[], [[12, 'unterminated quote']]]);
  });

  it('returns corpus workbook records exactly', async () => {
    for (const name of ['stations.xlsx', 'stations.ods', 'formula-errors.xlsx', 'formula-errors.ods', 'formula-without-value.xlsx', 'lenient-numbers.xlsx', 'rows-out-of-order.xlsx', 'dates-1904.xlsx']) {
      const location: TableLocation = { file: path.join(CORPUS, name), format: name.endsWith('.ods') ? 'ods' : 'xlsx', entry: null, encoding: null, delimiter: null, sheet: null, strict: true };
      const source: SpoolSource = { file: location.file, format: location.format, entry: null, sheet: null };
      const direct: RecordBatch[] = [];
      for await (const read of readRecords(location)) direct.push(read);

      const file = newSpoolPath();
      const writer = await RecordSpoolWriter.create(file, source, LIMIT, recordingLog().log);
      for await (const _batch of writer.record(readRecords(location))) {
        // Only the spool is wanted here.
      }
      const stamp = await writer.commit();
      expect(stamp, name).not.toBeNull();
      expect(await readSpool(file, stamp!, source), name).toStrictEqual(direct);
    }
  });
});

describe('record spool validity', () => {
  it('rejects a missing spool', async () => {
    const stamp = await writeSpool(newSpoolPath(), [batch([['a']])]);
    const missing = await openRecordSpool(path.join(directory, 'none.records'), stamp!, SOURCE);
    expect(missing).toEqual({ kind: 'unusable', reason: 'the spool file is missing' });
  });

  it('rejects a spool from another analysis', async () => {
    const file = newSpoolPath();
    const earlier = await writeSpool(file, [batch([['first']])]);
    const later = await writeSpool(file, [batch([['later']])]);
    expect(later!.bytes).toBe(earlier!.bytes);

    const opening = await openRecordSpool(file, earlier!, SOURCE);
    expect(opening).toEqual({ kind: 'unusable', reason: 'another analysis wrote the spool file' });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects a spool of another sheet', async () => {
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [batch([['a']])]);
    const opening = await openRecordSpool(file, stamp!, { ...SOURCE, sheet: 'Other' });
    expect(opening).toEqual({ kind: 'unusable', reason: 'the spool file was read from another table' });
  });

  it('rejects a truncated spool', async () => {
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [batch([['a', 1]]), batch([['b', 2]], 2)]);
    await truncate(file, stamp!.bytes - 10);

    const opening = await openRecordSpool(file, stamp!, SOURCE);
    expect(opening).toEqual({ kind: 'unusable', reason: `the spool file has ${stamp!.bytes - 10} bytes, but the analysis wrote ${stamp!.bytes}` });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails on a damaged frame and removes the spool', async () => {
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [batch([['a', 1]]), batch([['b', 2]], 2)]);
    // Zeros over the end of the last records frame and the end frame keep the size, so only reading finds the damage.
    const handle = await open(file, 'r+');
    await handle.write(Buffer.alloc(40), 0, 40, stamp!.bytes - 40);
    await handle.close();

    const opening = await openRecordSpool(file, stamp!, SOURCE);
    expect(opening.kind).toBe('ready');
    const read = async () => {
      for await (const _batch of (opening as { batches: AsyncGenerator<RecordBatch> }).batches) {
        // Reading is what fails.
      }
    };
    await expect(read()).rejects.toBeInstanceOf(RecordSpoolError);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves no file when the pass stops early', async () => {
    const file = newSpoolPath();
    const writer = await RecordSpoolWriter.create(file, SOURCE, LIMIT, recordingLog().log);
    for await (const _batch of writer.record(batchesOf([batch([['a']]), batch([['b']], 2)]))) break;
    expect(await writer.commit()).toBeNull();
    await writer.abort();
    expect((await readdir(directory)).filter((name) => name.startsWith(path.basename(file)))).toEqual([]);
  });

  it('abandons a spool with a cell it cannot store', async () => {
    const file = newSpoolPath();
    const { log, lines } = recordingLog();
    const writer = await RecordSpoolWriter.create(file, SOURCE, LIMIT, log);
    for await (const _batch of writer.record(batchesOf([batch([['a', new Date(0)]])]))) {
      // The pass goes on without the spool.
    }
    expect(await writer.commit()).toBeNull();
    expect(lines.map((line) => line.reason)).toContain('cell 2 of row 1 is an object of class Date, which the spool cannot store');
    expect((await readdir(directory)).filter((name) => name.startsWith(path.basename(file)))).toEqual([]);
  });

  it('abandons a spool past its size limit', async () => {
    const file = newSpoolPath();
    const { log, lines } = recordingLog();
    const writer = await RecordSpoolWriter.create(file, SOURCE, 4096, log);
    const batches = Array.from({ length: 10 }, (_, index) => batch([['x'.repeat(1000)]], index + 1));
    const seen: RecordBatch[] = [];
    for await (const passed of writer.record(batchesOf(batches))) seen.push(passed);
    expect(seen).toEqual(batches);
    expect(await writer.commit()).toBeNull();
    expect(lines.map((line) => line.reason)).toContain('the spool would grow past 4096 bytes, its limit for this workbook');
    expect((await readdir(directory)).filter((name) => name.startsWith(path.basename(file)))).toEqual([]);
  });

  it('abandons a spool with overlong rows', async () => {
    const file = newSpoolPath();
    const { log, lines } = recordingLog();
    const writer = await RecordSpoolWriter.create(file, SOURCE, LIMIT, log);
    // One long string shown in many cells, as a shared string is: held once, serialized once per cell.
    const shared = 'y'.repeat(1024 * 1024);
    const row = Array.from({ length: MAX_RECORD_CHARS / shared.length + 1 }, () => shared);
    for await (const _batch of writer.record(batchesOf([batch([row], 7)]))) {
      // The pass goes on without the spool.
    }
    expect(await writer.commit()).toBeNull();
    expect(lines.map((line) => line.reason)).toContain(`row 7 has more than ${MAX_RECORD_CHARS} characters of text, more than the spool stores in one row`);
  });

  it('rejects a file that is not a spool', async () => {
    const file = newSpoolPath();
    const stamp = await writeSpool(file, [batch([['a']])]);
    await writeFile(file, Buffer.alloc(stamp!.bytes, 0x41));
    const opening = await openRecordSpool(file, stamp!, SOURCE);
    expect(opening).toEqual({ kind: 'unusable', reason: 'the file is not a record spool of this version' });
  });
});
