import type { SaxesTagPlain } from 'saxes';
import { errorCell, FORMULA_WITHOUT_VALUE, readSheetNumber, type SheetRowBatch, type SpreadsheetInfo } from './spreadsheet.js';
import { MAX_SHEET_COLUMNS, tooManyColumns } from './xlsx-reader.js';
import { MAX_ROW_CHARS } from './sheet-xml-scanner.js';
import { xmlPartParser } from './xml-part-parser.js';
import { ZipArchive, ZipArchiveError } from './zip-archive.js';

const BATCH_ROWS = 1000;
const CONTENT = 'content.xml';
/** Most copies of one row with content that `table:number-rows-repeated` may ask for; more is rejected, never cut short. */
export const MAX_REPEATED_ROWS = 1_000_000;
/**
 * Maximum number of cells that copies of repeated rows with content may add in one table. Each
 * repeat is within MAX_REPEATED_ROWS and the column limit, but a kilobyte file that repeats a row
 * of 1,000 cells a million times requests a billion cells. NOTE: an estimate of what no real sheet
 * needs (a 200,000-row block of 60 copied cells is 12 million), not a measured limit.
 */
export const MAX_REPEATED_CELLS = 50_000_000;

/** Reads the sheet names of an OpenDocument spreadsheet. ODS dates are ISO 8601 text, so there is no date system to read. */
export async function inspectOds(archive: ZipArchive): Promise<SpreadsheetInfo> {
  requireContent(archive);
  const sheets: string[] = [];
  const parser = xmlPartParser(CONTENT);
  parser.on('opentag', (tag) => {
    if (tag.name === 'table:table') sheets.push(tag.attributes['table:name'] ?? `Sheet${sheets.length + 1}`);
  });
  const stream = await archive.openStream(CONTENT);
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) parser.write(chunk);
  parser.close();
  return { sheets, dateSystem: '1900' };
}

/**
 * Streams the rows of one table of an OpenDocument spreadsheet (the first when `sheetName` is
 * null). Cells carry their typed value (`office:value`, `office:date-value`,
 * `office:boolean-value`) where there is one and their text otherwise; repeated empty rows and
 * trailing empty cells, which editors write by the thousand, are skipped without being expanded.
 * Formula errors, formulas without a value and invalid numbers become UnreadableCells.
 */
export async function* readOdsRows(archive: ZipArchive, sheetName: string | null): AsyncGenerator<SheetRowBatch> {
  requireContent(archive);
  const reader = new OdsTableReader(sheetName);
  const stream = await archive.openStream(CONTENT);
  stream.setEncoding('utf8');
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += chunk.length;
    reader.write(chunk);
    while (reader.queuedRows >= BATCH_ROWS) yield reader.take(bytes);
    if (reader.done) break;
  }
  stream.destroy();
  if (!reader.found) throw new ZipArchiveError(sheetName === null ? 'the spreadsheet has no tables' : `the spreadsheet has no sheet named "${sheetName}"`);
  while (reader.queuedRows > 0) yield reader.take(bytes);
}

/** A row read from the table and how many times it repeats, expanded only when it is handed on. */
interface QueuedRow {
  row: unknown[];
  firstNumber: number;
  count: number;
}

class OdsTableReader {
  /** Rows read and not yet handed on, counting each repetition. */
  queuedRows = 0;
  found = false;
  done = false;
  private readonly parser = xmlPartParser(CONTENT);
  private inTable = false;
  private rowNumber = 0;
  private row: unknown[] | null = null;
  private rowRepeat = 1;
  /** Cells added by copies of repeated rows so far, for MAX_REPEATED_CELLS. */
  private repeatedCells = 0;
  private cell: OdsCell | null = null;
  private inParagraph = 0;
  private rowChars = 0;
  private queue: QueuedRow[] = [];

  constructor(private readonly sheetName: string | null) {
    this.parser.on('opentag', (tag) => this.open(tag));
    this.parser.on('closetag', (tag) => this.close(tag.name));
    this.parser.on('text', (text) => {
      if (this.inParagraph > 0) this.append(text);
    });
  }

  write(chunk: string): void {
    if (!this.done) this.parser.write(chunk);
  }

  /**
   * Hands on up to BATCH_ROWS queued rows. A repeated row is expanded here, a batch at a time,
   * so a small file that repeats wide rows a million times never keeps them all in memory at once.
   */
  take(bytes: number): SheetRowBatch {
    const rows: unknown[][] = [];
    const rowNumbers: number[] = [];
    while (rows.length < BATCH_ROWS && this.queue.length > 0) {
      const queued = this.queue[0]!;
      const copies = Math.min(queued.count, BATCH_ROWS - rows.length);
      for (let copy = 0; copy < copies; copy += 1) {
        rows.push(queued.count === 1 && copy === 0 ? queued.row : [...queued.row]);
        rowNumbers.push(queued.firstNumber + copy);
      }
      queued.firstNumber += copies;
      queued.count -= copies;
      if (queued.count === 0) this.queue.shift();
    }
    this.queuedRows -= rows.length;
    return { rows, rowNumbers, bytesRead: bytes };
  }

  private open(tag: SaxesTagPlain): void {
    const attributes = tag.attributes;
    if (tag.name === 'table:table') {
      if (this.found) return;
      const name = attributes['table:name'] ?? '';
      this.inTable = this.sheetName === null || name === this.sheetName;
      this.found = this.inTable;
      return;
    }
    if (!this.inTable) return;
    switch (tag.name) {
      case 'table:table-row':
        this.row = [];
        this.rowChars = 0;
        this.rowRepeat = repeatCount(attributes, 'table:number-rows-repeated');
        return;
      case 'table:table-cell':
      case 'table:covered-table-cell':
        this.cell = {
          value: typedValue(attributes),
          repeat: repeatCount(attributes, 'table:number-columns-repeated'),
          text: '',
          paragraphs: 0,
          error: attributes['calcext:value-type'] === 'error',
          uncachedFormula: attributes['table:formula'] !== undefined && attributes['office:value-type'] === undefined,
        };
        return;
      case 'text:p':
      case 'text:h':
        if (this.cell && this.cell.paragraphs > 0) this.append('\n');
        if (this.cell) this.cell.paragraphs += 1;
        this.inParagraph += 1;
        return;
      case 'text:s':
        // The count is capped before repeating, so `text:c="1000000000"` cannot fill the heap.
        this.append(' '.repeat(Math.min(Math.max(Number(attributes['text:c'] ?? 1) || 1, 1), MAX_ROW_CHARS + 1)));
        return;
      case 'text:tab':
        this.append('\t');
        return;
      case 'text:line-break':
        this.append('\n');
        return;
    }
  }

  /** Adds text to the open cell; a row with more text than MAX_ROW_CHARS is rejected, not held. */
  private append(text: string): void {
    if (!this.cell) return;
    this.rowChars += text.length;
    if (this.rowChars > MAX_ROW_CHARS) {
      throw new ZipArchiveError(`a row has more than ${MAX_ROW_CHARS.toLocaleString('en')} characters of text, more than the portal reads in one row; split its long cells and upload the file again`);
    }
    this.cell.text += text;
  }

  private close(name: string): void {
    if (name === 'table:table') {
      if (this.inTable) this.done = true;
      this.inTable = false;
      return;
    }
    if (!this.inTable) return;
    if (name === 'text:p' || name === 'text:h') this.inParagraph -= 1;
    else if (name === 'table:table-cell' || name === 'table:covered-table-cell') this.endCell();
    else if (name === 'table:table-row') this.endRow();
  }

  private endCell(): void {
    const cell = this.cell;
    this.cell = null;
    if (!cell || !this.row) return;
    const value = cellValue(cell);
    // Empty cells repeated to the sheet's edge are not expanded; later content fills in after them.
    if (value === '' && this.row.length + cell.repeat >= MAX_SHEET_COLUMNS) {
      this.row.length = Math.min(this.row.length + cell.repeat, MAX_SHEET_COLUMNS);
      return;
    }
    if (value !== '' && this.row.length + cell.repeat > MAX_SHEET_COLUMNS) throw tooManyColumns(this.rowNumber + 1);
    for (let count = 0; count < cell.repeat && this.row.length < MAX_SHEET_COLUMNS; count += 1) this.row.push(value);
  }

  private endRow(): void {
    const row = this.row;
    this.row = null;
    if (!row) return;
    while (row.length > 0 && (row[row.length - 1] === '' || row[row.length - 1] === undefined)) row.length -= 1;
    if (row.length === 0) {
      this.rowNumber += this.rowRepeat;
      return;
    }
    // A repeated row with content is rare (copied blocks) but real, so it is read as that many rows.
    if (this.rowRepeat > MAX_REPEATED_ROWS) {
      throw new ZipArchiveError(
        `row ${this.rowNumber + 1} is repeated ${this.rowRepeat.toLocaleString('en')} times (table:number-rows-repeated), more than the ${MAX_REPEATED_ROWS.toLocaleString('en')} copies of one row the portal reads; remove the repeated rows or split the table, and upload the file again`,
      );
    }
    this.repeatedCells += (this.rowRepeat - 1) * row.length;
    if (this.repeatedCells > MAX_REPEATED_CELLS) {
      throw new ZipArchiveError(
        `the rows repeated with table:number-rows-repeated (up to row ${this.rowNumber + this.rowRepeat}) add more than ${MAX_REPEATED_CELLS.toLocaleString('en')} cells, more than the portal reads from copies of rows; ` +
          'write the rows out (save the sheet as CSV, for example) or split the table, and upload the file again',
      );
    }
    this.queue.push({ row, firstNumber: this.rowNumber + 1, count: this.rowRepeat });
    this.queuedRows += this.rowRepeat;
    this.rowNumber += this.rowRepeat;
  }
}

/** A table cell being read: its typed value, its text so far and what marks it as a formula or an error. */
interface OdsCell {
  /** The value of its `office:*-value` attribute; null when its value type has none (strings) or it has no value type. */
  value: unknown;
  repeat: number;
  text: string;
  paragraphs: number;
  /** LibreOffice marks a formula whose result is an error with `calcext:value-type="error"`, the error code being the cell's text. */
  error: boolean;
  /** A formula without a value type, so without a stored result unless its text shows one. */
  uncachedFormula: boolean;
}

/**
 * Reads a `table:number-rows-repeated` or `table:number-columns-repeated` attribute, 1 when it is
 * absent. A value that is not a positive whole number raises an error, because reading that row or
 * cell once or not at all would shift the rows or columns after it.
 */
function repeatCount(attributes: Record<string, string>, name: string): number {
  const text = attributes[name];
  if (text === undefined) return 1;
  const count = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : 0;
  if (count < 1) throw new ZipArchiveError(`the attribute ${name}="${text.slice(0, 40)}" is not a positive whole number; open the file in a spreadsheet program and save it again`);
  return count;
}

function cellValue(cell: OdsCell): unknown {
  if (cell.error) return errorCell(cell.text);
  if (cell.value !== null) return cell.value;
  if (cell.uncachedFormula && cell.text === '') return FORMULA_WITHOUT_VALUE;
  return cell.text;
}

function typedValue(attributes: Record<string, string>): unknown {
  switch (attributes['office:value-type']) {
    case 'float':
    case 'percentage':
    case 'currency': {
      const value = readSheetNumber(attributes['office:value'] ?? '');
      return value === '' ? null : value;
    }
    case 'date':
      return normaliseOdsDate(attributes['office:date-value'] ?? null);
    case 'boolean':
      return attributes['office:boolean-value'] === 'true';
    default:
      return null;
  }
}

// ODS writes dates as 2021-04-03 or 2021-04-03T12:30:00 (local time, no offset); the worker reads both as UTC.
function normaliseOdsDate(value: string | null): string | null {
  if (value === null) return null;
  return value;
}

function requireContent(archive: ZipArchive): void {
  if (!archive.has(CONTENT)) throw new ZipArchiveError('the file is a ZIP archive but not an OpenDocument spreadsheet (no content.xml)');
}
