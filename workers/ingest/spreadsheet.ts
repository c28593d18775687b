import type { DateSystem } from './dates.js';

/** Consecutive non-empty rows of a sheet, with their row numbers (1 for the first row). */
export interface SheetRowBatch {
  rows: unknown[][];
  rowNumbers: number[];
  /** Uncompressed characters of the sheet read so far. */
  bytesRead: number;
}

/** What a workbook holds: its sheet names, in order, and the date system of its serial dates. */
export interface SpreadsheetInfo {
  sheets: string[];
  dateSystem: DateSystem;
}
