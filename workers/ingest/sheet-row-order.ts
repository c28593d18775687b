import { SheetXmlError } from './sheet-xml-scanner.js';

/**
 * Maximum number of rows held back to put rows that a workbook stores out of order (`<row r="5">` before
 * `<row r="3">`, as some writers do) back in row-number order.
 */
export const REORDER_ROWS = 1000;
/** Maximum number of characters of cell text held back for the same purpose, so rows with long cells do not pile up. */
export const REORDER_CHARS = 4 * 1024 * 1024;

/** Rows of a sheet ready to be handed on, in row-number order. */
export interface OrderedRows {
  rows: unknown[][];
  rowNumbers: number[];
}

/**
 * Puts the rows of a sheet in row-number order while they stream. Each `take` hands on the rows
 * read so far except the highest-numbered ones, up to REORDER_ROWS rows and REORDER_CHARS
 * characters, which are held back in case a row with a lower number comes later. So a row that
 * comes up to that many rows late is still put in its place. A row that comes later still, after
 * rows with higher numbers were handed on, raises a SheetXmlError whose message explains how to fix the file.
 */
export class SheetRowOrder {
  private rows: unknown[][] = [];
  private rowNumbers: number[] = [];
  private rowChars: number[] = [];
  private ordered = true;
  /** Highest row number handed on; 0 before the first `take`. */
  private handedOn = 0;

  /** Rows added and not yet handed on. */
  get length(): number {
    return this.rows.length;
  }

  /** Adds a row with its number and its characters of cell text. */
  add(row: unknown[], rowNumber: number, chars: number): void {
    if (rowNumber < this.handedOn) {
      throw new SheetXmlError(
        `row ${rowNumber} is stored after row ${this.handedOn}, more than ${REORDER_ROWS.toLocaleString('en')} rows out of order, which the portal cannot sort; open the workbook in a spreadsheet program and save it again, which stores the rows in order`,
      );
    }
    const last = this.rowNumbers.length > 0 ? this.rowNumbers[this.rowNumbers.length - 1]! : 0;
    if (rowNumber < last) this.ordered = false;
    this.rows.push(row);
    this.rowNumbers.push(rowNumber);
    this.rowChars.push(chars);
  }

  /** Hands on the rows in row-number order: all of them at the end of the sheet, otherwise all but the held-back window. */
  take(atEnd: boolean): OrderedRows {
    if (!this.ordered) this.sort();
    const cut = atEnd ? this.rows.length : this.windowStart();
    const handed = { rows: this.rows.slice(0, cut), rowNumbers: this.rowNumbers.slice(0, cut) };
    if (cut > 0) this.handedOn = this.rowNumbers[cut - 1]!;

    this.rows = this.rows.slice(cut);
    this.rowNumbers = this.rowNumbers.slice(cut);
    this.rowChars = this.rowChars.slice(cut);
    return handed;
  }

  /** Returns the index of the first held-back row: the highest-numbered rows that fit both limits. */
  private windowStart(): number {
    let start = this.rows.length;
    let chars = 0;
    while (start > 0 && this.rows.length - start < REORDER_ROWS && chars + this.rowChars[start - 1]! <= REORDER_CHARS) {
      start -= 1;
      chars += this.rowChars[start]!;
    }
    return start;
  }

  /** Sorts the rows by number; rows with the same number keep their order. */
  private sort(): void {
    const order = this.rowNumbers.map((_, index) => index);
    order.sort((a, b) => this.rowNumbers[a]! - this.rowNumbers[b]! || a - b);
    this.rows = order.map((index) => this.rows[index]!);
    this.rowChars = order.map((index) => this.rowChars[index]!);
    this.rowNumbers = order.map((index) => this.rowNumbers[index]!);
    this.ordered = true;
  }
}
