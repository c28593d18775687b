import type { Readable } from 'node:stream';
import Papa from 'papaparse';

/** Column delimiters the portal recognises, in the order a tie between them is broken. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** Line breaks between CSV records, as PapaParse names them. */
export type CsvNewline = '\n' | '\r\n' | '\r';

/**
 * Returns the line break PapaParse chooses for a file whose first chunk of text is `head`: the
 * one that ends most lines outside quoted fields.
 */
export function guessNewline(head: string, delimiter: CsvDelimiter): CsvNewline {
  return Papa.parse<string[]>(head, { delimiter, preview: 1 }).meta.linebreak as CsvNewline;
}

/** Raised when one record is longer than MAX_RECORD_CHARS, usually because a quote is never closed. */
export class CsvRecordTooLong extends Error {
  override name = 'CsvRecordTooLong';

  constructor(readonly record: number) {
    super(
      `Record ${record + 1} of the file is longer than ${MAX_RECORD_CHARS.toLocaleString('en')} characters, more than the portal reads in one row. ` +
        'A quote that is never closed usually causes this: check the quotes near that row, or split the long values, and upload the file again.',
    );
  }
}

/** A problem PapaParse found in the quoting of one record. */
export interface CsvSyntaxError {
  /** Index of the record in the file, 0 being the header. */
  record: number;
  message: string;
}

/** Consecutive records of a CSV file as string arrays, the header being record 0. */
export interface CsvBatch {
  /** Index of the first record of the batch in the file. */
  firstRecord: number;
  records: string[][];
  errors: CsvSyntaxError[];
  /** Bytes of the file read so far. */
  bytesRead: number;
}

/** Input of readCsvBatches: a text stream, and how many bytes of the file are read so far. */
export interface CsvInput {
  stream: Readable;
  bytesRead(): number;
}

/**
 * Guesses the delimiter from the start of a file: the candidate that splits the first rows into
 * the most consistent number of columns, at least two. Returns null when no candidate does.
 */
export function detectDelimiter(sample: string): CsvDelimiter | null {
  const guess = Papa.parse<string[]>(sample, { delimitersToGuess: [...CSV_DELIMITERS], preview: 10, skipEmptyLines: true });
  const delimiter = guess.meta.delimiter as CsvDelimiter;
  // A title above the header may contain another delimiter's character ("Survey, 2024" above a
  // table separated by semicolons) and so splits into fewer columns: any of the rows decides.
  if (CSV_DELIMITERS.includes(delimiter) && guess.data.some((row) => row.length >= 2)) return delimiter;
  return mostConsistentDelimiter(sample);
}

/**
 * Returns the delimiter that splits the most of the first rows into one and the same number of
 * columns, at least two, or null when none does. PapaParse's guess averages the column counts, so
 * a title line above a short table can pull every candidate below two columns.
 */
function mostConsistentDelimiter(sample: string): CsvDelimiter | null {
  let best: { delimiter: CsvDelimiter; rows: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const rows = Papa.parse<string[]>(sample, { delimiter, preview: 10, skipEmptyLines: true }).data;
    const rowsByWidth = new Map<number, number>();
    for (const row of rows) if (row.length >= 2) rowsByWidth.set(row.length, (rowsByWidth.get(row.length) ?? 0) + 1);
    const consistent = Math.max(0, ...rowsByWidth.values());
    if (consistent > (best?.rows ?? 0)) best = { delimiter, rows: consistent };
  }
  return best?.delimiter ?? null;
}

/**
 * Maximum length of one record, in characters. PapaParse keeps an unfinished record and parses it
 * again with every chunk, so a field whose quote never closes would otherwise fill the worker's
 * heap. A longer record is rejected with a message that points at the quoting.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

/**
 * Streams a CSV file as batches of records, one batch per chunk the file stream reads. The file
 * stream is paused while the caller works on a batch, so memory contains about one chunk at a time
 * however large the file is. The stream must deliver strings.
 */
export async function* readCsvBatches(source: CsvInput, delimiter: CsvDelimiter, newline?: CsvNewline): AsyncGenerator<CsvBatch> {
  const input = source.stream;
  const pending: CsvBatch[] = [];
  let nextRecord = 0;
  let finished = false;
  let failure: Error | null = null;
  let pausedHandle: Papa.Parser | null = null;
  let wake: (() => void) | null = null;
  // Characters read since the last chunk that completed a record.
  let unfinished = 0;
  input.on('data', (text: string) => {
    unfinished += text.length;
  });

  Papa.parse<string[]>(input as unknown as NodeJS.ReadableStream, {
    delimiter,
    // Without a given line break, PapaParse guesses one from the first chunk.
    ...(newline ? { newline } : {}),
    skipEmptyLines: false,
    chunk(results, handle) {
      if (results.data.length > 0) unfinished = 0;
      else if (unfinished > MAX_RECORD_CHARS) {
        failure = new CsvRecordTooLong(nextRecord);
        handle.abort();
        wake?.();
        return;
      }
      pending.push({
        firstRecord: nextRecord,
        records: results.data,
        errors: results.errors.map((error) => ({ record: nextRecord + (error.row ?? 0), message: error.message })),
        bytesRead: source.bytesRead(),
      });
      nextRecord += results.data.length;
      // PapaParse's own pause stops parsing but not the file stream, so pause both.
      input.pause();
      handle.pause();
      pausedHandle = handle;
      wake?.();
    },
    complete() {
      finished = true;
      wake?.();
    },
    error(error: Error) {
      failure = error;
      wake?.();
    },
  });

  try {
    for (;;) {
      const batch = pending.shift();
      if (batch) {
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) return;

      const handle = pausedHandle as Papa.Parser | null;
      pausedHandle = null;
      // Resuming can parse buffered text and deliver the next batch before it returns.
      handle?.resume();
      input.resume();
      if (pending.length > 0 || finished || failure) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    input.destroy();
  }
}
