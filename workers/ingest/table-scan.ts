import { ColumnProfile } from './column-profile.js';
import { detectHeaderRow, HEADER_SEARCH_ROWS, type TopRecord } from './header-row.js';
import type { MissingValues } from './missing-values.js';
import type { TableScan } from './plan-builder.js';
import type { RecordSpoolWriter } from './record-spool-writer.js';
import { startRangeScan, splitPlan, SPLIT_SCAN_MIN_BYTES, type RangeScan, type SplitPlan } from './split-scan.js';
import { readRecords, type RecordBatch, type TableLocation } from './table-source.js';

/** Reports how far a pass is: rows seen and the share of the file read (0 to 1). */
export type ScanProgress = (rowsDone: number, fraction: number) => void;

/** A scan of a CSV or spreadsheet table, with the header row it found. */
export interface TableScanResult extends TableScan {
  /** Line or row number of the header. */
  headerRow: number;
  /** Row numbers of the rows before the header that were skipped (titles, comments, metadata). */
  skippedAbove: number;
  /** Parts of the file read at once: 2 when a worker thread read the second half, else 1. */
  parts: number;
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
 * written to it. A large CSV file is read in two halves at once, the second by a worker thread
 * (see split-scan.ts), from `splitFromBytes` on.
 */
export async function scanTable(
  location: TableLocation,
  missing: MissingValues,
  headerRow: number | null,
  progress: ScanProgress,
  spool: RecordSpoolWriter | null = null,
  splitFromBytes: number = SPLIT_SCAN_MIN_BYTES,
): Promise<TableScanResult> {
  const split = spool === null ? await splitPlan(location, headerRow, splitFromBytes) : null;
  if (split) {
    const scan = await scanSplit(location, split, missing, headerRow, progress);
    if (scan) return scan;
  }
  const batches = spool ? spool.record(readRecords(location)) : readRecords(location);
  const pass = new RecordScan(missing, headerRow, location.format === 'csv');
  for await (const batch of batches) {
    pass.add(batch);
    if (pass.scan.headers.length > MAX_TABLE_COLUMNS) break;
    progress(pass.scan.rows, batch.fraction);
  }
  return pass.finish();
}

/**
 * Scans the first part of a split file here and the rest in a worker thread, which starts once
 * the header is known. Returns null when the split cannot be trusted: the first part ended inside
 * a record (a quoted field with a line break across the split, or a broken quote) or the worker
 * failed. The caller then reads the whole file in one pass, which reports any error with its
 * true line.
 */
async function scanSplit(location: TableLocation, split: SplitPlan, missing: MissingValues, headerRow: number | null, progress: ScanProgress): Promise<TableScanResult | null> {
  // The second part's scan, once the first part has found the header.
  const second: { scan: RangeScan | null } = { scan: null };
  let mainFraction = 0;
  const report = () => progress(pass.scan.rows + (second.scan?.rows ?? 0), split.fractionOf(mainFraction, second.scan?.fraction ?? 0));
  const pass = new RecordScan(missing, headerRow, true, () => {
    const request = { location: { ...location, open: undefined, newline: split.newline }, range: split.rest, width: pass.width, missingCodes: missing.codes };
    second.scan = startRangeScan(request, report);
  });
  try {
    for await (const batch of readRecords({ ...location, range: split.first, newline: split.newline })) {
      pass.add(batch);
      if (pass.scan.headers.length > MAX_TABLE_COLUMNS) return null;
      mainFraction = batch.fraction;
      report();
    }
    // The header must be found in the first part, from as many records as one pass looks at.
    if (pass.lastRecordFailed || !second.scan) return null;
    const scan = pass.finish();
    const later = await second.scan.result;
    if (!later) return null;
    scan.parts = 2;
    scan.rows += later.rows;
    scan.brokenRows += later.brokenRows;
    scan.profiles.forEach((profile, index) => profile.merge(later.profiles[index]!));
    return scan;
  } finally {
    second.scan?.stop();
  }
}

/** The header search and the column profiles of one pass over a table's records. */
class RecordScan {
  readonly scan: TableScanResult = { headers: [], profiles: [], rows: 0, brokenRows: 0, headerRow: 0, skippedAbove: 0, parts: 1 };
  /** Number of columns of the header. */
  width = 0;
  /** Whether the last record read had a syntax error, such as a quote still open at the end. */
  lastRecordFailed = false;
  private readonly top: TopRecord[] = [];
  private started = false;

  constructor(
    private readonly missing: MissingValues,
    private readonly headerRow: number | null,
    private readonly csv: boolean,
    private readonly onStart: () => void = () => {},
  ) {}

  add(batch: RecordBatch): void {
    // A blank record counts too: a quote left open at the end may contain only line breaks.
    const last = batch.rowNumbers.at(-1);
    if (last !== undefined) this.lastRecordFailed = batch.errors.has(last);
    forEachRecord(batch, (record, rowNumber, error) => {
      if (this.started) {
        if (rowNumber > this.scan.headerRow) this.observe(record, error);
        return;
      }
      this.top.push({ rowNumber, cells: record });
      const enough = this.headerRow === null ? this.top.length >= HEADER_SEARCH_ROWS : rowNumber >= this.headerRow + HEADER_SEARCH_ROWS;
      if (enough) this.start();
    });
  }

  finish(): TableScanResult {
    if (!this.started) this.start();
    return this.scan;
  }

  private start(): void {
    const { scan, top } = this;
    this.started = true;
    scan.headerRow = this.headerRow ?? detectHeaderRow(top) ?? 1;
    const header = top.find((record) => record.rowNumber === scan.headerRow);
    scan.headers = header ? [...header.cells] : [];
    this.width = scan.headers.length;
    scan.profiles = scan.headers.map(() => new ColumnProfile(this.missing));
    for (const record of top) {
      if (record.rowNumber < scan.headerRow) scan.skippedAbove += 1;
      else if (record.rowNumber > scan.headerRow) this.observe(record.cells);
    }
    if (this.width <= MAX_TABLE_COLUMNS) this.onStart();
  }

  private observe(record: readonly unknown[], error?: string): void {
    this.scan.rows += 1;
    if (!profileRecord(this.scan.profiles, record, this.width, this.csv, error)) this.scan.brokenRows += 1;
  }
}

/**
 * Counts a data record's cells in the profiles of their columns. Returns false, counting nothing,
 * for a record with a syntax error or a number of cells that does not fit the header.
 */
export function profileRecord(profiles: readonly ColumnProfile[], record: readonly unknown[], width: number, csv: boolean, error?: string): boolean {
  if (error !== undefined || raggedRowProblem(record, width, csv) !== null) return false;
  for (let column = 0; column < width; column += 1) profiles[column]!.observe(record[column]);
  return true;
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
