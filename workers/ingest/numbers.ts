import type { ThousandsSeparator } from '../../common/api/imports.js';

/** The character that separates a number's whole part from its fraction. */
export type DecimalMark = '.' | ',';

/** The number style of a file: its decimal mark and its digit group separator. */
export interface NumberStyle {
  decimal: DecimalMark;
  group: ThousandsSeparator;
}

/** Numbers as programs write them: a decimal point and no digit groups. */
export const PLAIN_NUMBERS: NumberStyle = { decimal: '.', group: '' };

/**
 * The shape of a number as written. Some shapes read differently under different styles: "1,234"
 * is 1.234 with a decimal comma and 1234 with comma groups, so the analysis counts shapes first and
 * picks the file's style after the whole file was seen.
 */
export const NUMBER_SHAPES = [
  'int', // 42, -7
  'lz', // 007: a code with leading zeros
  'dot', // 3.14, 1234.5, 1e-3
  'comma', // 3,14, 1234,5
  'dot3', // 1.234: a decimal point or a dot group
  'comma3', // 1,234: a decimal comma or a comma group
  'gcomma', // 1,234,567 or 1,234.5
  'gdot', // 1.234.567 or 1.234,5
  'gspace', // 1 234 or 1 234,5 or 1 234.5
  'gapos', // 1'234 or 1'234.5
] as const;
export type NumberShape = (typeof NUMBER_SHAPES)[number];

/** Returns a count of zero for every number shape. */
export function noShapeCounts(): Record<NumberShape, number> {
  return Object.fromEntries(NUMBER_SHAPES.map((shape) => [shape, 0])) as Record<NumberShape, number>;
}

const INT = /^[+-]?\d+$/;
// Each digit run can be matched in one way only, so a long run of digits followed by a stray
// letter fails in linear time instead of backtracking quadratically.
const DOT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// No measurement is written with more characters than this; longer texts are not numbers.
const MAX_NUMBER_LENGTH = 400;
const COMMA = /^[+-]?\d+,\d+$/;
const DOT3 = /^[+-]?[1-9]\d{0,2}\.\d{3}$/;
const COMMA3 = /^[+-]?[1-9]\d{0,2},\d{3}$/;
const GCOMMA = /^[+-]?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$/;
const GDOT = /^[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$/;
const GSPACE = /^[+-]?[1-9]\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$/;
const GAPOS = /^[+-]?[1-9]\d{0,2}(?:['\u2019]\d{3})+(?:\.\d+)?$/;

/** Classifies a trimmed text as a number shape, or returns null when it is no number. */
export function numberShape(trimmed: string): NumberShape | null {
  if (trimmed.length > MAX_NUMBER_LENGTH) return null;
  const first = trimmed.charCodeAt(0);
  const startsLikeNumber = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46;
  if (!startsLikeNumber) return null;
  const plain = plainShape(trimmed);
  return plain === undefined ? shapeByPatterns(trimmed) : plain;
}

/**
 * Classifies a trimmed text that starts like a number (a digit, sign or point) with regular
 * expressions. numberShape reads the usual numbers faster, with the same result.
 */
export function shapeByPatterns(trimmed: string): NumberShape | null {
  const first = trimmed.charCodeAt(0);
  if (INT.test(trimmed)) {
    const signLength = first === 43 || first === 45 ? 1 : 0;
    const digitCount = trimmed.length - signLength;
    if (digitCount > 1 && trimmed.charCodeAt(signLength) === 48) return 'lz';
    // Up to 15 digits is always below 2^53; longer integers are stored as decimals.
    if (digitCount <= 15 || Number.isSafeInteger(Number(trimmed))) return 'int';
    return 'dot';
  }
  // "1.234" and "1,234" have at most 8 characters; longer texts skip those two tests.
  if (trimmed.length <= 8 && DOT3.test(trimmed)) return 'dot3';
  if (trimmed.length <= 8 && COMMA3.test(trimmed)) return 'comma3';
  if (DOT.test(trimmed)) {
    // Without an exponent, only an absurdly long number can overflow or underflow a double.
    const surelyFits = trimmed.length < 300 && trimmed.indexOf('e') < 0 && trimmed.indexOf('E') < 0;
    return surelyFits || fitsDouble(trimmed) ? 'dot' : null;
  }
  if (COMMA.test(trimmed)) return 'comma';
  if (GCOMMA.test(trimmed)) return 'gcomma';
  if (GDOT.test(trimmed)) return 'gdot';
  if (GSPACE.test(trimmed)) return 'gspace';
  if (GAPOS.test(trimmed)) return 'gapos';
  return null;
}

/** Tells whether a decimal text neither overflows a double nor underflows to zero, as 1e-400 would. */
function fitsDouble(trimmed: string): boolean {
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return false;
  if (value !== 0) return true;
  const exponent = trimmed.search(/[eE]/);
  return !/[1-9]/.test(exponent < 0 ? trimmed : trimmed.slice(0, exponent));
}

/**
 * Classifies the usual numbers, digits with an optional sign and decimal point, in one loop over
 * their characters, giving the same shape as the patterns in numberShape. Returns null for texts
 * that no pattern reads, such as dates, and undefined for the other numbers (exponents, commas,
 * digit groups, long texts, a lone sign), which the patterns then classify.
 */
function plainShape(trimmed: string): NumberShape | null | undefined {
  const length = trimmed.length;
  // Longer texts may overflow a double, which numberShape checks.
  if (length >= 300) return undefined;
  const first = trimmed.charCodeAt(0);
  const signLength = first === 43 || first === 45 ? 1 : 0;
  let position = signLength;
  while (position < length && isDigitCode(trimmed.charCodeAt(position))) position += 1;
  const wholeDigits = position - signLength;
  if (position === length) {
    if (wholeDigits === 0) return undefined;
    if (wholeDigits > 1 && trimmed.charCodeAt(signLength) === 48) return 'lz';
    // Up to 15 digits is always below 2^53; longer integers are stored as decimals.
    return wholeDigits <= 15 || Number.isSafeInteger(Number(trimmed)) ? 'int' : 'dot';
  }
  const next = trimmed.charCodeAt(position);
  if (next !== 46) return mayContinueNumber(next) ? undefined : null;
  position += 1;
  const fractionStart = position;
  while (position < length && isDigitCode(trimmed.charCodeAt(position))) position += 1;
  if (position !== length) return undefined;
  const fractionDigits = position - fractionStart;
  if (wholeDigits === 0 && fractionDigits === 0) return undefined;
  // "1.234" is a decimal point or a dot group, as DOT3 matches.
  const dot3 = wholeDigits >= 1 && wholeDigits <= 3 && trimmed.charCodeAt(signLength) !== 48 && fractionDigits === 3;
  return dot3 ? 'dot3' : 'dot';
}

/**
 * Tells whether a character after the first digits can belong to a number that the patterns
 * read: a decimal comma, an exponent or a digit group separator. After "2024" a "-" cannot, so a
 * date is no number without trying every pattern.
 */
function mayContinueNumber(code: number): boolean {
  return code === 44 || code === 101 || code === 69 || code === 32 || code === 0xa0 || code === 0x202f || code === 39 || code === 0x2019;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Returns what a shape means under a style: an integer, a decimal, or no number (null). */
export function shapeMeaning(shape: NumberShape, style: NumberStyle): 'integer' | 'decimal' | null {
  const { decimal, group } = style;
  switch (shape) {
    case 'int':
      return 'integer';
    case 'lz':
      return null;
    case 'dot':
      return decimal === '.' ? 'decimal' : null;
    case 'comma':
      return decimal === ',' ? 'decimal' : null;
    case 'dot3':
      if (decimal === '.') return 'decimal';
      return group === '.' ? 'integer' : null;
    case 'comma3':
      if (decimal === ',') return 'decimal';
      return group === ',' ? 'integer' : null;
    case 'gcomma':
      return group === ',' && decimal === '.' ? 'decimal' : null;
    case 'gdot':
      return group === '.' && decimal === ',' ? 'decimal' : null;
    case 'gspace':
      return group === ' ' ? 'decimal' : null;
    case 'gapos':
      return group === "'" && decimal === '.' ? 'decimal' : null;
  }
}

/**
 * Picks a file's number style from how often each shape occurred. Shapes that only one style
 * reads decide it; "1,234" and "1.234" alone leave the usual decimal point.
 */
export function detectNumberStyle(counts: Readonly<Record<NumberShape, number>>): NumberStyle {
  const commaEvidence = counts.comma + counts.gdot;
  const dotEvidence = counts.dot + counts.gcomma + counts.gapos;
  const decimal: DecimalMark = commaEvidence > dotEvidence ? ',' : '.';

  const groups: [ThousandsSeparator, number][] =
    decimal === '.'
      ? [[',', counts.gcomma], [' ', counts.gspace], ["'", counts.gapos]]
      : [['.', counts.gdot], [' ', counts.gspace]];
  const [group, count] = groups.reduce((best, candidate) => (candidate[1] > best[1] ? candidate : best));
  return { decimal, group: count > 0 ? group : '' };
}

/** Parses a trimmed text as a finite number in the style, or returns null. */
export function parseNumber(trimmed: string, style: NumberStyle): number | null {
  const shape = numberShape(trimmed);
  if (shape === null || shapeMeaning(shape, style) === null) return null;
  if (shape === 'int' || shape === 'dot') return Number(trimmed);

  const value = Number(withDecimalPoint(trimmed, style));
  return Number.isFinite(value) ? value : null;
}

/** Removes the digit-group characters of a number and writes its decimal mark as a point: "1.234,50" in German style becomes "1234.50". */
export function withDecimalPoint(trimmed: string, style: NumberStyle): string {
  let text = trimmed;
  if (style.group !== '') text = text.replace(GROUP_CHARACTERS[style.group], '');
  if (style.decimal === ',') text = text.replace(',', '.');
  return text;
}

const GROUP_CHARACTERS: Record<Exclude<ThousandsSeparator, ''>, RegExp> = {
  ',': /,/g,
  '.': /\./g,
  ' ': /[ \u00a0\u202f]/g,
  "'": /['\u2019]/g,
};

// A plain decimal that is also a JSON number: no sign "+", no leading zeros, no bare ".", no exponent.
const JSON_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const MAX_VERBATIM_LENGTH = 17;

/**
 * Returns a trimmed number text as JSON number text, or null when it is not a finite number in the
 * style. A plain decimal such as "8.60" is kept as written, which saves a parse and a format per
 * cell and keeps the written precision in jsonb.
 */
export function decimalJson(trimmed: string, style: NumberStyle): string | null {
  if (style.decimal === '.' && trimmed.length <= MAX_VERBATIM_LENGTH && JSON_DECIMAL.test(trimmed)) {
    // "1.234" is 1234 when dots group digits, so only take the shortcut when they cannot.
    if (style.group !== '.' || !DOT3.test(trimmed)) return trimmed;
  }
  const value = parseNumber(trimmed, style);
  return value === null ? null : String(value);
}

/** Parses a trimmed plain decimal ("3.5", "-12", "1e3") or, with a decimal comma, "3,5". */
export function parseDecimal(trimmed: string, mark: DecimalMark): number | null {
  return parseNumber(trimmed, { decimal: mark, group: '' });
}

/**
 * Tells whether a text is a decimal number as programs write it ("42", "-0.5", "1e-3"), with no
 * surrounding space. Number() also accepts hexadecimal, binary, "Infinity" and blank text, which
 * a spreadsheet's number cell must not contain.
 */
export function isDecimalNumber(text: string): boolean {
  const plain = plainShape(text);
  if (plain !== undefined) return plain !== null;
  return text.length <= MAX_NUMBER_LENGTH && DOT.test(text);
}
