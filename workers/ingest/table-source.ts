import { createReadStream, type ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ImportFormat, TextEncodingName } from '../../common/api/imports.js';
import { readCsvBatches, type CsvDelimiter, type CsvNewline } from './csv-source.js';
import { readOdsRows } from './ods-reader.js';
import type { SheetRowBatch } from './spreadsheet.js';
import { decodeStream, storableTextStream } from './text-decoding.js';
import { readXlsxRows } from './xlsx-reader.js';
import { ZipArchive } from './zip-archive.js';

/**
 * Bytes read from an upload at a time. Each chunk becomes one batch of rows, and a batch of about
 * a thousand rows dies young in V8's heap. With 1 MiB chunks, the load pass of a million-row CSV
 * took twice as long (measured with bench/), mostly collecting rows that outlived a scavenge.
 */
export const READ_CHUNK_BYTES = 128 * 1024;

/** The source of a table's rows: the uploaded file, or one entry of it when it is a ZIP archive. */
export interface TableLocation {
  /** Absolute path of the uploaded file. */
  file: string;
  format: ImportFormat;
  /** Name of the table inside a ZIP archive; null when the file is the table itself. */
  entry: string | null;
  /** For CSV and GeoJSON. */
  encoding: TextEncodingName | null;
  /** For CSV. */
  delimiter: CsvDelimiter | null;
  /** For XLSX and ODS; null for the first sheet. */
  sheet: string | null;
  /** Decode UTF-8 strictly, failing on invalid bytes; the analysis does, the load need not. */
  strict: boolean;
  /** Opens the file as a byte stream; the upload store's reader by default, replaceable in tests. */
  open?: (options: { highWaterMark: number; start?: number; end?: number }) => ReadStream;
  /**
   * For a CSV file that is not in a ZIP archive: the bytes to read, from `start` up to but not
   * including `end`. Line and record numbers then count from the range's start.
   */
  range?: ByteRange;
  /** For CSV: the line break between records. PapaParse guesses it from the first chunk when absent. */
  newline?: CsvNewline;
}

/** Bytes of a file, from `start` up to but not including `end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Consecutive rows of a table as cell arrays, with the line (CSV) or row (sheet) of each. */
export interface RecordBatch {
  records: unknown[][];
  /** 1-based line or row number of each record. */
  rowNumbers: number[];
  /** Syntax errors of records by row number (CSV quoting). */
  errors: Map<number, string>;
  /** Share of the input read so far, 0 to 1. */
  fraction: number;
}

/** A text stream of a table, with a way to tell how far through the input it is. */
export interface TextInput {
  stream: Readable;
  fraction(): number;
  close(): void;
}

/** Opens a CSV or GeoJSON table as text, from the file or from its ZIP entry. */
export async function openTextInput(location: TableLocation): Promise<TextInput> {
  const encoding = location.encoding ?? 'utf-8';
  if (location.entry === null) {
    // ReadStream's end is inclusive.
    const options = { highWaterMark: READ_CHUNK_BYTES, ...(location.range ? { start: location.range.start, end: location.range.end - 1 } : {}) };
    const raw = location.open ? location.open(options) : createReadStream(location.file, options);
    const size = location.range ? location.range.end - location.range.start : (await stat(location.file)).size;
    const fraction = () => (size > 0 ? Math.min(1, raw.bytesRead / size) : 1);
    if (encoding === 'utf-8' && !location.strict) {
      // The analysis checked every byte, so Node's own decoder is safe and faster. It keeps a byte
      // order mark, which csvRecords drops.
      raw.setEncoding('utf8');
      return { stream: storableTextStream(raw), fraction, close: () => raw.destroy() };
    }
    return { stream: decodeStream(raw, encoding), fraction, close: () => raw.destroy() };
  }

  const archive = await ZipArchive.open(location.file);
  const entrySize = archive.entries().find((entry) => entry.name === location.entry)?.uncompressedSize ?? 0;
  const raw = await archive.openStream(location.entry);
  let bytes = 0;
  raw.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  raw.on('close', () => archive.close());
  return {
    stream: decodeStream(raw, encoding),
    fraction: () => (entrySize > 0 ? Math.min(1, bytes / entrySize) : 1),
    close: () => {
      raw.destroy();
      archive.close();
    },
  };
}

/** Streams the records of a CSV, XLSX or ODS table, the header among them. */
export async function* readRecords(location: TableLocation): AsyncGenerator<RecordBatch> {
  if (location.format === 'csv') {
    yield* csvRecords(location);
    return;
  }
  if (location.format !== 'xlsx' && location.format !== 'ods') throw new Error(`readRecords cannot read ${location.format}`);

  const archive = await ZipArchive.open(location.file);
  try {
    const total = archive.entries().reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    const rows = location.format === 'xlsx' ? readXlsxRows(archive, location.sheet) : readOdsRows(archive, location.sheet);
    for await (const batch of rows) yield sheetBatch(batch, total);
  } finally {
    archive.close();
  }
}

async function* csvRecords(location: TableLocation): AsyncGenerator<RecordBatch> {
  const input = await openTextInput(location);
  try {
    for await (const batch of readCsvBatches({ stream: input.stream, bytesRead: () => 0 }, location.delimiter ?? ',', location.newline)) {
      const rowNumbers = batch.records.map((_record, offset) => batch.firstRecord + offset + 1);
      // A byte order mark can only start the file, not a range after its start.
      const first = batch.firstRecord === 0 && !location.range?.start ? batch.records[0] : undefined;
      if (first?.[0]?.startsWith('\uFEFF')) first[0] = first[0].slice(1);
      const errors = new Map(batch.errors.map((error) => [error.record + 1, error.message]));
      yield { records: batch.records, rowNumbers, errors, fraction: input.fraction() };
    }
  } finally {
    input.close();
  }
}

function sheetBatch(batch: SheetRowBatch, total: number): RecordBatch {
  return { records: batch.rows, rowNumbers: batch.rowNumbers, errors: new Map(), fraction: total > 0 ? Math.min(1, batch.bytesRead / total) : 1 };
}

