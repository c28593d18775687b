/** The character that separates a number's whole part from its fraction in a column. */
export type DecimalMark = '.' | ',';

// Plain decimal notation as tables write it; unlike Number(), this rejects hex, binary,
// "Infinity" and digit separators, which are never meant as measurements. Each digit run can be
// matched in one way only, so a long run of digits followed by a stray letter fails in linear
// time instead of backtracking quadratically.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

// No measurement is written with more characters than this; longer texts are not numbers.
const MAX_NUMBER_LENGTH = 400;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const INTEGER = /^[+-]?\d+$/;

/** The kind of number a trimmed text is, or null when it is none. */
export type NumberShape = 'integer' | 'decimal' | 'decimal-comma' | 'leading-zero' | null;

/**
 * Classifies a trimmed text as a number. "007" is `leading-zero`: codes such as postal codes and
 * station ids keep their zeros, so such a column stays text.
 */
export function numberShape(trimmed: string): NumberShape {
  if (trimmed.length > MAX_NUMBER_LENGTH) return null;
  const first = trimmed.charCodeAt(0);
  const startsLikeNumber = (first >= 48 && first <= 57) || first === 43 || first === 45 || first === 46;
  if (!startsLikeNumber) return null;

  if (INTEGER.test(trimmed)) {
    const signLength = first === 43 || first === 45 ? 1 : 0;
    const digitCount = trimmed.length - signLength;
    if (digitCount > 1 && trimmed.charCodeAt(signLength) === 48) return 'leading-zero';
    // Up to 15 digits is always below 2^53; only longer ones need converting to check.
    if (digitCount <= 15 || Number.isSafeInteger(Number(trimmed))) return 'integer';
    return 'decimal';
  }
  if (DECIMAL.test(trimmed)) {
    // Without an exponent, only an absurdly long number can overflow a double.
    const finite = trimmed.length < 300 && !/[eE]/.test(trimmed) ? true : Number.isFinite(Number(trimmed));
    return finite ? 'decimal' : null;
  }
  if (DECIMAL_COMMA.test(trimmed)) return 'decimal-comma';
  return null;
}

// A plain decimal that is also a JSON number: no sign "+", no leading zeros, no bare ".", no exponent.
const JSON_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const MAX_VERBATIM_LENGTH = 17;

/**
 * Returns a trimmed number text as JSON number text, or null when it is not a finite number. A
 * plain decimal such as "8.60" is kept as written, which saves a parse and a format per cell and
 * keeps the written precision in jsonb. Anything else is parsed with the decimal mark and written
 * in JavaScript's shortest form.
 */
export function decimalJson(trimmed: string, mark: DecimalMark): string | null {
  if (trimmed.length <= MAX_VERBATIM_LENGTH && JSON_DECIMAL.test(trimmed)) return trimmed;
  const value = parseDecimal(trimmed, mark);
  return value === null ? null : String(value);
}

/** Parses a trimmed text as a finite number with the column's decimal mark, or returns null. */
export function parseDecimal(trimmed: string, mark: DecimalMark): number | null {
  if (trimmed.length > MAX_NUMBER_LENGTH) return null;
  if (mark === ',' && DECIMAL_COMMA.test(trimmed)) return Number(trimmed.replace(',', '.'));
  if (!DECIMAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}
