import type { DateSystem } from './dates.js';
import { isDecimalNumber } from './numbers.js';

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

/** The reasons a sheet cell's value cannot be read. */
export const UNREADABLE_KINDS = ['error', 'formula', 'number', 'boolean'] as const;
export type UnreadableKind = (typeof UNREADABLE_KINDS)[number];

/**
 * A sheet cell whose value cannot be read: a formula error such as `#DIV/0!`, a formula without a
 * cached value, or a number or boolean cell whose text is not one. Sheet readers put it in a row in
 * place of a value. The analysis counts it as a missing value, so it does not change the column's
 * type, and the validation reports it as an issue of its row, unless an error code is one of the
 * import's missing-value codes.
 */
export class UnreadableCell {
  constructor(
    readonly kind: UnreadableKind,
    /** The cell's text as written: the error code or the number's text; empty for a formula without a value. */
    readonly text: string,
    readonly reason: string,
  ) {}

  /** Returns the text as written, so a header cell with an error reads as its error code. */
  toString(): string {
    return this.text;
  }
}

/** Returns the cell of a formula error such as `#DIV/0!`. */
export function errorCell(code: string): UnreadableCell {
  return new UnreadableCell('error', code, `the cell holds the formula error ${code}; correct the formula in the workbook, or add "${code}" to the missing-value codes to leave such cells empty`);
}

/** The cell of a formula that was saved without its computed value; one instance serves every such cell. */
export const FORMULA_WITHOUT_VALUE = new UnreadableCell(
  'formula',
  '',
  'formula without a cached value: open and save the workbook in a spreadsheet program so it stores the computed values',
);

/**
 * Reads the text of a number cell. Blank text is an empty cell. Text that is not a decimal number,
 * or one too large for a double (`1e400`), becomes an UnreadableCell rather than a guessed value.
 */
export function readSheetNumber(text: string): number | '' | UnreadableCell {
  if (isDecimalNumber(text)) {
    const value = Number(text);
    if (Number.isFinite(value)) return value;
    return new UnreadableCell('number', text, `the number cell holds ${text}, which is too large to store; correct the value in the workbook`);
  }
  if (text.trim() === '') return '';
  return new UnreadableCell('number', text, `the number cell holds "${text}", which is not a decimal number; correct the value in the workbook`);
}
