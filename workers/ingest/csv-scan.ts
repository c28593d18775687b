import type { ReadStream } from 'node:fs';
import { ColumnProfile } from './column-profile.js';
import { readCsvBatches, type CsvDelimiter } from './csv-source.js';

/** The result of one pass over a file: its columns, their profiles and the count of broken rows. */
export interface TableScan {
  headers: string[];
  profiles: ColumnProfile[];
  /** Data rows, blank lines not counted. */
  rows: number;
  /** Rows that cannot be read at all: wrong number of values, broken quoting, not a feature. */
  brokenRows: number;
}

/** Reports how far a pass is: rows seen and the share of the file read (0 to 1). */
export type ScanProgress = (rowsDone: number, fraction: number) => void;

/** Tells whether a CSV record is an empty line or a row of empty cells; such rows are skipped. */
export function isBlankRecord(record: readonly string[]): boolean {
  for (const cell of record) {
    if (cell.trim() !== '') return false;
  }
  return true;
}

/**
 * Reads a CSV file once, taking the first record as the header, and profiles every column over
 * all rows.
 */
export async function scanCsv(input: ReadStream, delimiter: CsvDelimiter, sizeBytes: number, progress: ScanProgress): Promise<TableScan> {
  const scan: TableScan = { headers: [], profiles: [], rows: 0, brokenRows: 0 };
  let width = 0;

  for await (const batch of readCsvBatches(input, delimiter)) {
    const records = batch.records;
    let start = 0;
    if (batch.firstRecord === 0 && records.length > 0) {
      scan.headers = records[0]!.map((header, index) => (index === 0 ? header.replace(/^\uFEFF/, '') : header));
      width = scan.headers.length;
      scan.profiles = scan.headers.map(() => new ColumnProfile());
      start = 1;
    }

    for (let index = start; index < records.length; index += 1) {
      const record = records[index]!;
      if (isBlankRecord(record)) continue;
      scan.rows += 1;
      if (record.length !== width) {
        scan.brokenRows += 1;
        continue;
      }
      for (let column = 0; column < width; column += 1) scan.profiles[column]!.observe(record[column]);
    }
    scan.brokenRows += batch.errors.length;
    progress(scan.rows, sizeBytes > 0 ? batch.bytesRead / sizeBytes : 1);
  }
  return scan;
}
