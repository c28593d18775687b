/**
 * Callbacks of the scanner while it reads a worksheet: the start and end of each row, and each
 * cell's column, type, style and raw text (before shared strings and number formats apply).
 */
export interface SheetXmlHandler {
  /** A `<row>` starts; `number` is its `r` attribute, or null when it has none. */
  rowStart(number: number | null): void;
  /**
   * A cell; `column` is 0-based, or null when the cell has no `r` attribute. `uncachedFormula` is
   * true when the cell has a formula (`<f>`) but no cached value (`<v>` or `<is>`).
   */
  cell(column: number | null, type: string, style: number, text: string, uncachedFormula: boolean): void;
  rowEnd(): void;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const ROOT = /<(?:([A-Za-z_][\w.-]*):)?worksheet\b/;
/**
 * Maximum length of a row, in characters of XML, that the scanner reads. A longer row is rejected rather than
 * buffered, because the worker's heap (192 MiB in production) must hold it several times over.
 */
export const MAX_ROW_CHARS = 8 * 1024 * 1024;

function rowTooLong(): string {
  return `a row is longer than ${MAX_ROW_CHARS.toLocaleString('en')} characters of XML, more than the portal reads in one row; split its long cells and upload the file again`;
}

/** Raised for sheet XML the scanner cannot read. */
export class SheetXmlError extends Error {
  override name = 'SheetXmlError';
}

/**
 * Reads the rows and cells of a SpreadsheetML worksheet (ECMA-376 part 1, 18.3) as text arrives
 * in chunks. It looks only for the elements that carry data, `<row>`, `<c>`, `<v>` and `<t>`, with
 * `indexOf` and character comparisons. That is about twice as fast as a general XML parser
 * calling back for every tag (saxes; measured with the ingest benchmark). A cell's text is that of its `<v>` and `<t>` elements,
 * leaving out formulas (`<f>`) and phonetic runs (`<rPh>`), with entities decoded. Element names
 * may carry the namespace prefix the root element uses, as some writers emit (`<x:row>`).
 *
 * Complete rows are handled as soon as their closing tag has arrived, so at most one chunk and one
 * row are held in memory.
 */
export class SheetXmlScanner {
  private pending = '';
  private prefix: string | null = null;
  private rowName = 'row';
  private cellName = 'c';
  private closeRow = '</row>';
  private closeCell = '</c>';
  private cellText = /<(v|t)\b[^>]*?(?:\/>|>([^<]*)<\/\1>)/g;
  private phonetic = /<rPh\b[\s\S]*?<\/rPh>/g;
  private formulaName = 'f';
  private inRow = false;
  /** Set by scan: the text being scanned has no comment, CDATA section or processing instruction. */
  private markupFree = false;
  /** Set by textOf: the cell just read has a formula but no value element. */
  private uncachedFormula = false;
  private readonly attributes: CellAttributes = { column: null, type: 'n', style: 0 };

  constructor(private readonly handler: SheetXmlHandler) {}

  write(chunk: string): void {
    this.pending += chunk;
    if (this.prefix === null && !this.detectPrefix()) return;
    const end = this.pending.lastIndexOf(this.closeRow);
    if (end < 0) {
      if (this.pending.length > MAX_ROW_CHARS) throw new SheetXmlError(rowTooLong());
      return;
    }
    const complete = unmarkedEnd(this.pending, end + this.closeRow.length);
    if (complete === 0) {
      if (this.pending.length > MAX_ROW_CHARS) throw new SheetXmlError(rowTooLong());
      return;
    }
    this.scan(this.pending.slice(0, complete));
    this.pending = this.pending.slice(complete);
  }

  /** Reads what is left after the last chunk. A row still open at the end raises an error. */
  close(): void {
    if (this.prefix === null) this.detectPrefix();
    if (this.prefix === null) throw new SheetXmlError('it has no <worksheet> element');
    this.scan(this.pending);
    this.pending = '';
    if (this.inRow) throw new SheetXmlError('the last row is not closed (the file is cut short)');
  }

  /** Finds the root element and sets the element names for its namespace prefix. Returns false until it has arrived. */
  private detectPrefix(): boolean {
    const root = ROOT.exec(this.pending);
    if (!root) {
      if (this.pending.length > MAX_ROW_CHARS) throw new SheetXmlError('it has no <worksheet> element');
      return false;
    }
    const prefix = root[1] ? `${root[1]}:` : '';
    this.prefix = prefix;
    if (prefix === '') return true;
    const name = escapeRegExp(prefix);
    this.rowName = `${prefix}row`;
    this.cellName = `${prefix}c`;
    this.closeRow = `</${prefix}row>`;
    this.closeCell = `</${prefix}c>`;
    this.formulaName = `${prefix}f`;
    this.cellText = new RegExp(`<${name}(v|t)\\b[^>]*?(?:\\/>|>([^<]*)<\\/${name}\\1>)`, 'g');
    this.phonetic = new RegExp(`<${name}rPh\\b[\\s\\S]*?<\\/${name}rPh>`, 'g');
    return true;
  }

  /** Walks the tags of complete rows with indexOf, handling rows and cells and skipping everything else. */
  private scan(text: string): void {
    // Most sheets have no comments, CDATA sections or processing instructions, so cells need no search around them.
    this.markupFree = text.indexOf('<!') < 0 && text.indexOf('<?') < 0;
    let position = text.indexOf('<');
    while (position >= 0) {
      const markupEnd = markupEndAt(text, position);
      if (markupEnd !== null) {
        // Cells inside a comment, CDATA section or processing instruction are not read. An unclosed one ends the text.
        if (markupEnd < 0) return;
        position = text.indexOf('<', markupEnd);
        continue;
      }
      const tagEnd = text.indexOf('>', position);
      if (tagEnd < 0) return;
      const closing = text.charCodeAt(position + 1) === SLASH;
      const nameStart = closing ? position + 2 : position + 1;
      if (isElement(text, nameStart, this.cellName) && !closing) {
        position = this.cell(text, nameStart + this.cellName.length, tagEnd);
      } else {
        if (isElement(text, nameStart, this.rowName)) this.row(closing, text.charCodeAt(tagEnd - 1) === SLASH, text.slice(nameStart + this.rowName.length, tagEnd));
        position = tagEnd + 1;
      }
      position = text.indexOf('<', position);
    }
  }

  private row(closing: boolean, selfClosing: boolean, attributes: string): void {
    if (closing) {
      if (this.inRow) this.handler.rowEnd();
      this.inRow = false;
      return;
    }
    if (this.inRow) this.handler.rowEnd();
    const number = Number(rowNumberOf(attributes));
    this.handler.rowStart(Number.isInteger(number) && number > 0 ? number : null);
    this.inRow = !selfClosing;
    if (selfClosing) this.handler.rowEnd();
  }

  /** Reads one cell whose start tag ends at `tagEnd` and returns the position after it. */
  private cell(text: string, attributesStart: number, tagEnd: number): number {
    const selfClosing = text.charCodeAt(tagEnd - 1) === SLASH;
    const attributes = this.attributes;
    readCellAttributes(text, attributesStart, selfClosing ? tagEnd - 1 : tagEnd, attributes);
    const column = attributes.column;
    if (selfClosing) {
      this.handler.cell(column, attributes.type, attributes.style, '', false);
      return tagEnd + 1;
    }
    const end = this.markupFree ? text.indexOf(this.closeCell, tagEnd) : indexOutsideMarkup(text, this.closeCell, tagEnd);
    if (end < 0) throw new SheetXmlError(`a cell is not closed near character ${tagEnd}`);
    const value = this.textOf(text, tagEnd + 1, end);
    this.handler.cell(column, attributes.type, attributes.style, value, this.uncachedFormula);
    return end + this.closeCell.length;
  }

  /**
   * Returns the text of a cell's `<v>` and `<t>` elements between `start` and `end`, and sets
   * `uncachedFormula` when the cell has a formula but neither element.
   */
  private textOf(text: string, start: number, end: number): string {
    this.uncachedFormula = false;
    if (start === end) return '';
    // The usual cell, `<v>42</v>`, needs no pattern.
    if (this.prefix === '' && text.startsWith('<v>', start) && text.indexOf('<', start + 3) === end - 4) {
      return decodeEntities(text.slice(start + 3, end - 4));
    }
    const content = withoutMarkup(text.slice(start, end));
    const visible = content.includes('rPh') ? content.replace(this.phonetic, '') : content;
    let value = '';
    let found = false;
    const pattern = this.cellText;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(visible); match !== null; match = pattern.exec(visible)) {
      value += match[2] ?? '';
      found = true;
    }
    if (!found) this.uncachedFormula = containsElement(visible, this.formulaName);
    return decodeEntities(value);
  }
}

const SLASH = 47;

/** Tells whether the tag name at `start` is `name`, followed by whitespace, `>` or `/`. */
function isElement(text: string, start: number, name: string): boolean {
  if (!text.startsWith(name, start)) return false;
  const next = text.charCodeAt(start + name.length);
  return next === 32 || next === 62 || next === SLASH || next === 9 || next === 10 || next === 13;
}

/** Tells whether `text` has a start tag named `name`. */
function containsElement(text: string, name: string): boolean {
  for (let position = text.indexOf('<'); position >= 0; position = text.indexOf('<', position + 1)) {
    if (isElement(text, position + 1, name)) return true;
  }
  return false;
}

/** The attributes of a `<c>` start tag that the reader uses. */
interface CellAttributes {
  /** 0-based column from the `r` attribute, or null when the cell has none. */
  column: number | null;
  type: string;
  style: number;
}

/** The cell types of ECMA-376 (18.18.11), so that reading a cell's type makes no new string. */
const CELL_TYPES = new Map(['b', 'd', 'e', 'inlineStr', 'n', 's', 'str'].map((type) => [type, type]));

/**
 * Reads the `r`, `t` and `s` attributes of a cell's start tag between `start` and `end` in one
 * loop over its characters. The column and style are computed from the characters, and the type
 * is one of the known constants, so the usual cell makes no substring at all.
 */
function readCellAttributes(text: string, start: number, end: number, into: CellAttributes): void {
  into.column = null;
  into.type = 'n';
  into.style = 0;
  let position = start;
  while (position < end) {
    const equals = text.indexOf('=', position);
    if (equals < 0 || equals >= end) return;
    let nameEnd = equals;
    while (nameEnd > position && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd -= 1;
    let quote = equals + 1;
    while (quote < end && isSpace(text.charCodeAt(quote))) quote += 1;
    const mark = text.charCodeAt(quote);
    if (mark !== DOUBLE_QUOTE && mark !== SINGLE_QUOTE) return;
    const valueEnd = text.indexOf(mark === DOUBLE_QUOTE ? '"' : "'", quote + 1);
    if (valueEnd < 0 || valueEnd >= end) return;
    // A one-letter name is preceded by whitespace: the attribute's first character is at nameEnd - 1.
    if (isSpace(text.charCodeAt(nameEnd - 2))) {
      const name = text.charCodeAt(nameEnd - 1);
      if (name === LETTER_R) into.column = columnAt(text, quote + 1, valueEnd);
      else if (name === LETTER_T) into.type = typeAt(text, quote + 1, valueEnd);
      else if (name === LETTER_S) into.style = integerAt(text, quote + 1, valueEnd);
    }
    position = valueEnd + 1;
  }
}

/** Computes the 0-based column of a cell reference such as "AB12" between `start` and `end`. */
function columnAt(text: string, start: number, end: number): number {
  let index = 0;
  for (let position = start; position < end; position += 1) {
    const code = text.charCodeAt(position);
    if (code < 65 || code > 90) break;
    index = index * 26 + (code - 64);
  }
  return index - 1;
}

function typeAt(text: string, start: number, end: number): string {
  if (end - start === 1) {
    const code = text.charCodeAt(start);
    if (code === LETTER_S) return 's';
    if (code === LETTER_N) return 'n';
  }
  const type = text.slice(start, end);
  return CELL_TYPES.get(type) ?? type;
}

/** Parses a non-negative decimal integer between `start` and `end`; returns NaN for any other character. */
function integerAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let position = start; position < end; position += 1) {
    const digit = text.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Reads the `r` attribute of a row's start tag. The usual ` r="12"` form needs no pattern. */
function rowNumberOf(attributes: string): string | undefined {
  const start = attributes.indexOf(' r="');
  if (start >= 0) return attributes.slice(start + 4, attributes.indexOf('"', start + 4));
  return attributeOf(attributes, 'r');
}

/** Reads one attribute from a start tag's attribute text. */
function attributeOf(attributes: string, name: string): string | undefined {
  const into: Record<string, string> = {};
  const pattern = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let match = pattern.exec(attributes); match !== null; match = pattern.exec(attributes)) into[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
  return into[name];
}

const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const LETTER_R = 114;
const LETTER_S = 115;
const LETTER_T = 116;
const LETTER_N = 110;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** Decodes XML's predefined entities and character references. */
export function decodeEntities(raw: string): string {
  // XML 1.0 does not allow NUL and PostgreSQL cannot store it, so it becomes U+FFFD like a reference to it.
  const text = raw.includes('\u0000') ? raw.replaceAll('\u0000', '\uFFFD') : raw;
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (_, entity: string) => {
    if (entity[0] !== '#') return NAMED_ENTITIES[entity]!;
    const code = entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1));
    return isStorableCodePoint(code) ? String.fromCodePoint(code) : '\uFFFD';
  });
}

/** Tells whether a code point can be stored: XML 1.0 and PostgreSQL text and JSONB reject NUL and UTF-16 surrogates. */
function isStorableCodePoint(code: number): boolean {
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
}

/** Comments, CDATA sections and processing instructions: their start, and the text that ends them. */
const MARKUP: [string, string][] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
];

/**
 * When a comment, CDATA section or processing instruction starts at `position`, returns the
 * position after its end, or -1 when it does not end in `text`. Returns null for any other tag.
 */
function markupEndAt(text: string, position: number): number | null {
  // Every kind of markup starts with "<!" or "<?", and most tags are elements, which stop here.
  const next = text.charCodeAt(position + 1);
  if (next !== EXCLAMATION_MARK && next !== QUESTION_MARK) return null;
  for (const [open, close] of MARKUP) {
    if (!text.startsWith(open, position)) continue;
    const end = text.indexOf(close, position + open.length);
    return end < 0 ? -1 : end + close.length;
  }
  return null;
}

/** Finds `search` from `from` on, skipping comments, CDATA sections and processing instructions. */
function indexOutsideMarkup(text: string, search: string, from: number): number {
  let position = from;
  let found = text.indexOf(search, position);
  while (found >= 0) {
    const markup = markupStartBefore(text, position, found);
    if (markup < 0) return found;
    const markupEnd = markupEndAt(text, markup);
    if (markupEnd === null) {
      position = markup + 1;
      continue;
    }
    if (markupEnd < 0) return -1;
    position = markupEnd;
    if (found < position) found = text.indexOf(search, position);
  }
  return -1;
}

/** Returns the first "<!" or "<?" from `from` on and before `before`, or -1 when there is none. */
function markupStartBefore(text: string, from: number, before: number): number {
  for (let position = text.indexOf('<', from); position >= 0 && position < before; position = text.indexOf('<', position + 1)) {
    const next = text.charCodeAt(position + 1);
    if (next === EXCLAMATION_MARK || next === QUESTION_MARK) return position;
  }
  return -1;
}

const EXCLAMATION_MARK = 33;
const QUESTION_MARK = 63;

/**
 * Returns `end`, or the start of a comment or CDATA section that is still open at `end`, so the
 * text is not split inside one, because a `</row>` inside it does not end a row.
 */
function unmarkedEnd(text: string, end: number): number {
  let position = text.indexOf('<!', 0);
  while (position >= 0 && position < end) {
    const markupEnd = markupEndAt(text, position);
    if (markupEnd !== null && (markupEnd < 0 || markupEnd > end)) return position;
    position = text.indexOf('<!', markupEnd !== null ? markupEnd : position + 2);
  }
  return end;
}

/** Removes comments and turns CDATA sections into escaped text, so the cell text pattern reads them as XML defines. */
function withoutMarkup(content: string): string {
  if (!content.includes('<!')) return content;
  return content
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, data: string) => data.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
