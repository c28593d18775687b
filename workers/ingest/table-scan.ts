import { ColumnProfile } from './column-profile.js';
import { detectHeaderRow, HEADER_SEARCH_ROWS, type TopRecord } from './header-row.js';
import type { MissingValues } from './missing-values.js';
import type { TableScan } from './plan-builder.js';
import type { RecordSpoolWriter } from './record-spool-writer.js';
import { readRecords, type RecordBatch, type TableLocation } from './table-source.js';

/** Reports how far a pass is: rows seen and the share of the file read (0 to 1). */
export type ScanProgress = (rowsDone: number, fraction: number) => void;

/** A scan of a CSV or spreadsheet table, with the header row it found. */
export interface TableScanResult extends TableScan {
  /** Line or row number of the header. */
  headerRow: number;
  /** Row numbers of the rows before the header that were skipped (titles, comments, metadata). */
  skippedAbove: number;
}

/** Most columns a table may have; each becomes a field. */
export const MAX_TABLE_COLUMNS = 1000;

/** Tells whether a record is an empty line or a row of empty cells; such rows are skipped. */
export function isBlankRecord(record: readonly unknown[]): boolean {
  for (const cell of record) {
    if (cell === null || cell === undefined) continue;
    if (typeof cell !== 'string' || cell.trim() !== '') return false;
  }
  return true;
}

/**
 * Tells why a data row does not fit the header, or returns null when it does. CSV rows must have
 * as many cells as the header (extra empty cells at the end are tolerated, since some exports
 * end every line with a delimiter); spreadsheets leave out empty cells at the end of a row, so
 * only extra non-empty cells count there.
 */
export function raggedRowProblem(record: readonly unknown[], width: number, csv: boolean): string | null {
  if (record.length === width) return null;
  if (record.length < width) return csv ? `the row has ${record.length} values but the header has ${width} columns` : null;
  for (let index = width; index < record.length; index += 1) {
    const cell = record[index];
    if (cell !== undefined && cell !== null && !(typeof cell === 'string' && cell.trim() === '')) {
      return `the row has ${record.length} values but the header has ${width} columns`;
    }
  }
  return null;
}

/**
 * Reads a table once: finds the header row among the first records (or takes the given one),
 * then profiles every column over all data rows. With a `spool`, every record read is also
 * written to it.
 */
export async function scanTable(
  location: TableLocation,
  missing: MissingValues,
  headerRow: number | null,
  progress: ScanProgress,
  spool: RecordSpoolWriter | null = null,
): Promise<TableScanResult> {
  const scan: TableScanResult = { headers: [], profiles: [], rows: 0, brokenRows: 0, headerRow: 0, skippedAbove: 0 };
  const top: TopRecord[] = [];
  let started = false;
  let width = 0;
  const csv = location.format === 'csv';

  const start = () => {
    started = true;
    scan.headerRow = headerRow ?? detectHeaderRow(top) ?? 1;
    const header = top.find((record) => record.rowNumber === scan.headerRow);
    scan.headers = header ? [...header.cells] : [];
    width = scan.headers.length;
    scan.profiles = scan.headers.map(() => new ColumnProfile(missing));
    for (const record of top) {
      if (record.rowNumber < scan.headerRow) scan.skippedAbove += 1;
      else if (record.rowNumber > scan.headerRow) observe(record.cells, record.rowNumber);
    }
  };
  const observe = (record: readonly unknown[], _rowNumber: number, error?: string) => {
    scan.rows += 1;
    if (error !== undefined || raggedRowProblem(record, width, csv) !== null) {
      scan.brokenRows += 1;
      return;
    }
    for (let column = 0; column < width; column += 1) scan.profiles[column]!.observe(record[column]);
  };

  const batches = spool ? spool.record(readRecords(location)) : readRecords(location);
  for await (const batch of batches) {
    forEachRecord(batch, (record, rowNumber, error) => {
      if (started) {
        if (rowNumber > scan.headerRow) observe(record, rowNumber, error);
        return;
      }
      top.push({ rowNumber, cells: record });
      const enough = headerRow === null ? top.length >= HEADER_SEARCH_ROWS : rowNumber >= headerRow + HEADER_SEARCH_ROWS;
      if (enough) start();
    });
    if (scan.headers.length > MAX_TABLE_COLUMNS) break;
    progress(scan.rows, batch.fraction);
  }
  if (!started) start();
  return scan;
}

/** Calls `visit` for every non-blank record of a batch. */
export function forEachRecord(batch: RecordBatch, visit: (record: unknown[], rowNumber: number, error: string | undefined) => void): void {
  for (let index = 0; index < batch.records.length; index += 1) {
    const record = batch.records[index]!;
    if (isBlankRecord(record)) continue;
    const rowNumber = batch.rowNumbers[index]!;
    visit(record, rowNumber, batch.errors.get(rowNumber));
  }
}
