import path from 'node:path/posix';
import type { SaxesTagPlain } from 'saxes';
import { excelSerialToTime, type DateSystem } from './dates.js';
import { errorCell, FORMULA_WITHOUT_VALUE, readSheetNumber, UnreadableCell, type SheetRowBatch, type SpreadsheetInfo } from './spreadsheet.js';
import { SheetRowOrder } from './sheet-row-order.js';
import { SheetXmlError, SheetXmlScanner, type SheetXmlHandler } from './sheet-xml-scanner.js';
import { formatDate, formatDateTime } from './temporal.js';
import { xmlPartParser } from './xml-part-parser.js';
import { ZipArchive, ZipArchiveError } from './zip-archive.js';

/** Rows handed on at a time; a batch of a thousand rows dies young in V8's heap. */
const BATCH_ROWS = 1000;
/** Characters of sheet XML after which a batch is handed on however few rows it has, so long rows do not pile up. */
const BATCH_CHARS = 4 * 1024 * 1024;
/**
 * Most characters of shared strings a workbook may have. They are all held while the sheet
 * streams, so a workbook with more is rejected instead of exhausting the worker's heap.
 */
export const MAX_SHARED_STRING_CHARS = 48 * 1024 * 1024;
/**
 * Most columns a sheet may have, as many as a dataset takes. Empty cells further right, which
 * formatting leaves, are dropped, but a value there rejects the file, as a wider CSV table is.
 */
export const MAX_SHEET_COLUMNS = 1000;

// Number formats 14-22, 27-36, 45-47 and 50-58 are Excel's built-in date and time formats (ECMA-376 part 1, 18.8.30).
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** What the workbook parts say about an XLSX file: its sheets, shared strings, date styles and date system. */
interface Workbook {
  sheets: { name: string; part: string }[];
  dateSystem: DateSystem;
  sharedStrings: string[];
  /** For each cell style index, whether it formats numbers as dates. */
  dateStyles: boolean[];
}

/** Reads the sheet names and the date system of an XLSX workbook. */
export async function inspectXlsx(archive: ZipArchive): Promise<SpreadsheetInfo> {
  const workbook = await readWorkbookPart(archive);
  return { sheets: workbook.sheets.map((sheet) => sheet.name), dateSystem: workbook.dateSystem };
}

/**
 * Streams the rows of one sheet of an XLSX workbook (the first when `sheetName` is null): the
 * sheet's XML is inflated and scanned as it is read, so only shared strings, one batch of rows and
 * the rows held back to sort them (SheetRowOrder) are in memory. Rows are handed on in row-number
 * order. Numbers with a date format become ISO 8601 text; other cells are strings, numbers or
 * booleans, and cells whose value cannot be read are UnreadableCells.
 */
export async function* readXlsxRows(archive: ZipArchive, sheetName: string | null): AsyncGenerator<SheetRowBatch> {
  const workbook = { ...(await readWorkbookPart(archive)), sharedStrings: await readSharedStrings(archive), dateStyles: await readDateStyles(archive) };
  const sheet = sheetName === null ? workbook.sheets[0] : workbook.sheets.find((candidate) => candidate.name === sheetName);
  if (!sheet) throw new ZipArchiveError(sheetName === null ? 'the workbook has no sheets' : `the workbook has no sheet named "${sheetName}"`);

  const reader = new SheetReader(workbook);
  const scanner = new SheetXmlScanner(reader);
  const stream = await archive.openStream(sheet.part);
  stream.setEncoding('utf8');
  let bytes = 0;
  let batchStart = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      bytes += chunk.length;
      scanner.write(chunk);
      if (reader.rowsSinceTake >= BATCH_ROWS || (reader.rowsSinceTake > 0 && bytes - batchStart >= BATCH_CHARS)) {
        batchStart = bytes;
        const batch = reader.take(bytes, false);
        if (batch.rows.length > 0) yield batch;
      }
    }
    scanner.close();
  } catch (error) {
    if (error instanceof SheetXmlError) throw new ZipArchiveError(`the sheet's XML cannot be read: ${error.message}`);
    throw error;
  }
  const last = reader.take(bytes, true);
  if (last.rows.length > 0) yield last;
}

/** Collects the scanned cells into rows of values, applying shared strings and date formats. */
class SheetReader implements SheetXmlHandler {
  /** Rows ended since the last `take`. */
  rowsSinceTake = 0;
  private readonly order = new SheetRowOrder();
  private row: unknown[] = [];
  private rowNumber = 0;
  private rowChars = 0;
  private column = 0;

  constructor(private readonly workbook: Workbook) {}

  /** Hands on the rows that SheetRowOrder no longer holds back, or all rows at the end of the sheet. */
  take(bytes: number, atEnd: boolean): SheetRowBatch {
    this.rowsSinceTake = 0;
    return { ...this.order.take(atEnd), bytesRead: bytes };
  }

  rowStart(number: number | null): void {
    this.rowNumber = number ?? this.rowNumber + 1;
    this.row = [];
    this.rowChars = 0;
    this.column = 0;
  }

  cell(column: number | null, type: string, style: number, text: string, uncachedFormula: boolean): void {
    if (column !== null) this.column = column;
    if (this.column >= MAX_SHEET_COLUMNS && (text !== '' || uncachedFormula)) throw tooManyColumns(this.rowNumber);
    if (this.column >= 0 && this.column < MAX_SHEET_COLUMNS) {
      this.row[this.column] = uncachedFormula ? FORMULA_WITHOUT_VALUE : this.cellValue(type, style, text);
      this.rowChars += text.length;
    }
    this.column += 1;
  }

  rowEnd(): void {
    if (this.row.length === 0) return;
    this.order.add(this.row, this.rowNumber, this.rowChars);
    this.rowsSinceTake += 1;
    this.row = [];
  }

  /**
   * Looks up a shared-string cell. An index that is not a whole number or has no string is damage,
   * and reading it as a blank cell would lose the value without a word.
   */
  private sharedString(text: string): string {
    if (text === '') return '';
    const strings = this.workbook.sharedStrings;
    const index = /^\d{1,10}$/.test(text) ? Number(text) : -1;
    if (index < 0 || index >= strings.length) {
      throw new SheetXmlError(
        `a cell of row ${this.rowNumber} refers to shared string "${text.slice(0, 20)}", but the workbook has ${strings.length} shared strings (numbered from 0), so the file is damaged; open it in a spreadsheet program, check that row, save the workbook again and upload it`,
      );
    }
    return strings[index]!;
  }

  private cellValue(type: string, style: number, text: string): unknown {
    switch (type) {
      case 's':
        return this.sharedString(text);
      case 'str':
      case 'inlineStr':
      case 'd':
        return text;
      case 'e':
        return errorCell(text);
      case 'b':
        return readBoolean(text);
    }
    if (text === '') return '';
    const value = readSheetNumber(text);
    if (typeof value !== 'number' || !this.workbook.dateStyles[style]) return value;
    const time = excelSerialToTime(value, this.workbook.dateSystem);
    if (time === null) return value;
    return time.hasTime ? formatDateTime(time.epochMs) : formatDate(time.epochMs);
  }
}

/** Rejects a sheet that has a value in row `rowNumber` right of its first MAX_SHEET_COLUMNS columns. */
export function tooManyColumns(rowNumber: number): ZipArchiveError {
  const max = MAX_SHEET_COLUMNS.toLocaleString('en');
  return new ZipArchiveError(`row ${rowNumber} has a value right of column ${max}, but a dataset takes at most ${max} columns; split the sheet into several files and upload each of them`);
}

/** Reads a boolean cell's text: `1` or `0` as Excel writes it, or `true` or `false` in any case. */
function readBoolean(text: string): boolean | '' | UnreadableCell {
  if (text === '1') return true;
  if (text === '0') return false;
  const word = text.trim().toLowerCase();
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === '') return '';
  return new UnreadableCell('boolean', text, `the boolean cell holds "${text}", which is neither 1 nor 0; correct the value in the workbook`);
}

async function readWorkbookPart(archive: ZipArchive): Promise<Omit<Workbook, 'sharedStrings' | 'dateStyles'>> {
  if (!archive.has('xl/workbook.xml')) throw new ZipArchiveError('the file is a ZIP archive but not an Excel workbook (no xl/workbook.xml)');
  const relations = new Map<string, string>();
  if (archive.has('xl/_rels/workbook.xml.rels')) {
    parseXml('xl/_rels/workbook.xml.rels', await archive.readText('xl/_rels/workbook.xml.rels'), (tag) => {
      if (tag.name === 'Relationship' && tag.attributes.Id && tag.attributes.Target) relations.set(tag.attributes.Id, tag.attributes.Target);
    });
  }

  const sheets: { name: string; part: string }[] = [];
  let dateSystem: DateSystem = '1900';
  parseXml('xl/workbook.xml', await archive.readText('xl/workbook.xml'), (tag) => {
    if (tag.name === 'workbookPr' && (tag.attributes.date1904 === '1' || tag.attributes.date1904 === 'true')) dateSystem = '1904';
    if (tag.name !== 'sheet') return;
    const target = relations.get(tag.attributes['r:id'] ?? '') ?? `worksheets/sheet${sheets.length + 1}.xml`;
    const part = target.startsWith('/') ? target.slice(1) : path.normalize(path.join('xl', target));
    sheets.push({ name: tag.attributes.name ?? `Sheet${sheets.length + 1}`, part });
  });
  return { sheets, dateSystem };
}

/** Reads every shared string; they are held while the sheet streams, up to MAX_SHARED_STRING_CHARS. */
async function readSharedStrings(archive: ZipArchive): Promise<string[]> {
  if (!archive.has('xl/sharedStrings.xml')) return [];
  const strings: string[] = [];
  const parser = xmlPartParser('xl/sharedStrings.xml');
  let current: string | null = null;
  let inText = false;
  let phonetic = 0;
  parser.on('opentag', (tag) => {
    if (tag.name === 'si') current = '';
    else if (tag.name === 'rPh') phonetic += 1;
    else if (tag.name === 't' && phonetic === 0) inText = true;
  });
  parser.on('closetag', (tag) => {
    if (tag.name === 'si') {
      strings.push(current ?? '');
      current = null;
    } else if (tag.name === 'rPh') phonetic -= 1;
    else if (tag.name === 't') inText = false;
  });
  let total = 0;
  parser.on('text', (text) => {
    if (!inText || current === null) return;
    total += text.length;
    if (total > MAX_SHARED_STRING_CHARS) {
      throw new ZipArchiveError(
        `its shared strings are longer than ${MAX_SHARED_STRING_CHARS.toLocaleString('en')} characters, more than the portal keeps in memory; save the sheet as CSV and upload that instead`,
      );
    }
    current += text;
  });
  const stream = await archive.openStream('xl/sharedStrings.xml');
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) parser.write(chunk);
  parser.close();
  return strings;
}

async function readDateStyles(archive: ZipArchive): Promise<boolean[]> {
  if (!archive.has('xl/styles.xml')) return [];
  const customFormats = new Map<number, string>();
  const styles: boolean[] = [];
  let inCellFormats = false;
  parseXml(
    'xl/styles.xml',
    await archive.readText('xl/styles.xml'),
    (tag) => {
      if (tag.name === 'numFmt') customFormats.set(Number(tag.attributes.numFmtId), tag.attributes.formatCode ?? '');
      else if (tag.name === 'cellXfs') inCellFormats = true;
      else if (tag.name === 'xf' && inCellFormats) styles.push(isDateFormat(Number(tag.attributes.numFmtId ?? 0), customFormats));
    },
    (name) => {
      if (name === 'cellXfs') inCellFormats = false;
    },
  );
  return styles;
}

/** Tells whether a number format shows dates or times: a built-in date format, or a code with day, month, year or time parts. */
export function isDateFormat(id: number, customFormats: ReadonlyMap<number, string>): boolean {
  if (BUILT_IN_DATE_FORMATS.has(id)) return true;
  const code = customFormats.get(id);
  if (code === undefined) return false;
  // Quoted text, escaped characters and [colour] or [$-locale] sections are not date parts.
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function parseXml(part: string, xml: string, onOpen: (tag: SaxesTagPlain) => void, onClose?: (name: string) => void): void {
  const parser = xmlPartParser(part);
  parser.on('opentag', onOpen);
  if (onClose) parser.on('closetag', (tag) => onClose(tag.name));
  parser.write(xml).close();
}
