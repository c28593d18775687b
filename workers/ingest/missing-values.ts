/**
 * Codes that tables use for "no value", compared without regard to case after trimming. A cell
 * holding one of them is an empty cell: it gets no value and never counts against a column's type.
 * -9999 is the usual sentinel of instrument and climate data; it also matches -9999.0.
 * The uploader can replace the list during review.
 */
export const DEFAULT_MISSING_VALUE_CODES: readonly string[] = ['', 'NA', 'N/A', '#N/A', 'null', 'NaN', '-', '--', 'ND', 'n.d.', '-9999'];

const NUMERIC_CODE = /^[+-]?\d+(?:\.\d+)?$/;

/** A set of missing-value codes, with numeric codes also matched by value ("-9999.00"). */
export class MissingValues {
  readonly codes: readonly string[];
  private readonly texts: Set<string>;
  private readonly numbers: Set<number>;
  private readonly longestText: number;
  /** First characters of the numeric codes, and the longest text one can be written as ("-9999.000"). */
  private readonly numericFirst: Set<number>;
  private readonly longestNumeric: number;
  /** Shapes of the codes with letters ("AA" for "ND"), and their lengths, for codeShapeOf. */
  private readonly letterCodeShapes: Set<string>;
  private readonly letterCodeLengths: Set<number>;

  constructor(codes: readonly string[] = DEFAULT_MISSING_VALUE_CODES) {
    this.codes = [...new Set(['', ...codes.map((code) => code.trim())])];
    this.texts = new Set(this.codes.map((code) => code.toLowerCase()));
    this.numbers = new Set(this.codes.filter((code) => NUMERIC_CODE.test(code)).map(Number));
    this.longestText = Math.max(...this.codes.map((code) => code.length));
    const numeric = this.codes.filter((code) => NUMERIC_CODE.test(code));
    this.numericFirst = new Set(numeric.map((code) => code.charCodeAt(0)));
    // Trailing decimal zeros ("-9999.000") lengthen a code by a few characters at most.
    this.longestNumeric = numeric.length === 0 ? 0 : Math.max(...numeric.map((code) => code.length)) + 6;
    const lettered = this.codes.filter(hasLetter);
    this.letterCodeShapes = new Set(lettered.map(textShape));
    this.letterCodeLengths = new Set(lettered.map((code) => code.length));
  }

  /**
   * Returns the shape of a present cell text when a code with letters has the same shape, as "CA"
   * has that of "ND"; otherwise null. A column whose values mostly share a code's shape uses the
   * code as a value, such as ND for North Dakota in a column of US states.
   */
  codeShapeOf(trimmed: string): string | null {
    if (!this.letterCodeLengths.has(trimmed.length)) return null;
    const shape = textShape(trimmed);
    return this.letterCodeShapes.has(shape) ? shape : null;
  }

  /** Tells whether an already trimmed cell text is empty or a missing-value code. */
  isMissingText(trimmed: string): boolean {
    if (trimmed.length === 0) return true;
    if (trimmed.length <= this.longestText && this.texts.has(trimmed.toLowerCase())) return true;
    return this.numbers.size > 0 && this.isNumericCode(trimmed);
  }

  /** Tells whether a number is one of the numeric codes, for spreadsheet cells that hold numbers. */
  isMissingNumber(value: number): boolean {
    return this.numbers.has(value);
  }

  /** Tells whether a cell value from any source (CSV text, spreadsheet cell, GeoJSON property) has no value. */
  isMissingValue(value: unknown): boolean {
    if (value === null || value === undefined) return true;
    if (typeof value === 'string') return this.isMissingText(value.trim());
    if (typeof value === 'number') return Number.isNaN(value) || this.numbers.has(value);
    return false;
  }

  private isNumericCode(trimmed: string): boolean {
    // Only texts that start like a code and are short enough are converted; this runs for every cell.
    if (trimmed.length > this.longestNumeric || !this.numericFirst.has(trimmed.charCodeAt(0))) return false;
    // Most such texts are numbers other than a code, which the set rules out before the pattern runs.
    if (!this.numbers.has(Number(trimmed))) return false;
    return NUMERIC_CODE.test(trimmed);
  }
}

/** Tells whether a code contains a letter, so it may also be a real value such as a state or country code. */
export function hasLetter(code: string): boolean {
  return /[A-Za-z]/.test(code);
}

/** Returns how a text is written: "A" for each upper-case letter, "a" for each lower-case one, "9" for each digit, and other characters as they are. */
export function textShape(text: string): string {
  let shape = '';
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) shape += 'A';
    else if (code >= 97 && code <= 122) shape += 'a';
    else if (code >= 48 && code <= 57) shape += '9';
    else shape += text[index];
  }
  return shape;
}

/** The default codes, for callers that have no import-specific list. */
export const DEFAULT_MISSING_VALUES = new MissingValues();
