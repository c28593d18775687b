import type { FieldType } from '../../common/api/fields.js';
import { checkGeometry } from './geometry-check.js';
import { isMissingText } from './missing-values.js';
import { decimalJson, numberShape, type DecimalMark } from './numbers.js';
import { parseQualified } from './qualifiers.js';
import { formatDate, formatDateTime, isCanonicalUtc, parseEpochMs, parseIsoTime } from './temporal.js';

/** Maximum length of a text cell, as the samples API allows. */
export const MAX_TEXT_LENGTH = 100_000;

/** Receives what a converter finds besides the value: invalid cells and qualified numbers. */
export interface CellContext {
  /** Records that the current cell is invalid, saying why. */
  invalid(value: unknown, reason: string): void;
  /** Records a qualified number such as "<0.01" of the current cell for a measurement. */
  qualified(qualifier: '<' | '>' | 'bdl', value: number | null, text: string): void;
}

/**
 * Converts one cell to the JSON text of its value in `samples.values`, or returns undefined for a
 * missing or invalid cell (after telling the context). Converters return JSON text rather than
 * values because the row's JSON is assembled as text for COPY.
 */
export type CellConverter = (value: unknown, context: CellContext) => string | undefined;

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);

/** Returns the converter for a field type, reading numbers with the column's decimal mark. */
export function converterFor(type: FieldType, decimalMark: DecimalMark): CellConverter {
  switch (type) {
    case 'text':
    case 'term':
      return convertText;
    case 'number':
      return (value, context) => convertNumber(value, context, decimalMark);
    case 'integer':
      return convertInteger;
    case 'boolean':
      return convertBoolean;
    case 'date':
      return convertDate;
    case 'datetime':
      return convertDateTime;
    case 'geometry':
      return convertGeometry;
  }
}

/** Trims a text cell, returning undefined when it is missing. */
export function presentText(value: string): string | undefined {
  const trimmed = value.trim();
  return isMissingText(trimmed) ? undefined : trimmed;
}

function convertText(value: unknown, context: CellContext): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string | undefined;
  if (typeof value === 'string') text = presentText(value);
  else if (typeof value === 'number') text = Number.isNaN(value) ? undefined : String(value);
  else text = typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (text === undefined) return undefined;

  if (text.length > MAX_TEXT_LENGTH) {
    context.invalid(value, `the text is longer than ${MAX_TEXT_LENGTH} characters`);
    return undefined;
  }
  return JSON.stringify(text);
}

function convertNumber(value: unknown, context: CellContext, decimalMark: DecimalMark): string | undefined {
  if (typeof value === 'number') return finiteNumber(value, context);
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, 'is not a number');

  const text = presentText(value);
  if (text === undefined) return undefined;
  const json = decimalJson(text, decimalMark);
  if (json !== null) return json;
  return qualifiedOrInvalid(text, context, decimalMark, 'is not a number');
}

function convertInteger(value: unknown, context: CellContext): string | undefined {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return String(value);
    return invalidUnlessMissing(value, context, 'is not a whole number');
  }
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, 'is not a whole number');

  const text = presentText(value);
  if (text === undefined) return undefined;
  if (numberShape(text) === 'integer') return String(Number(text));
  return qualifiedOrInvalid(text, context, '.', 'is not a whole number');
}

function convertBoolean(value: unknown, context: CellContext): string | undefined {
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, 'is not true, false, yes or no');

  const text = presentText(value);
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return 'true';
  if (FALSE_WORDS.has(lower)) return 'false';
  context.invalid(text, `"${text}" is not true, false, yes or no`);
  return undefined;
}

function convertDate(value: unknown, context: CellContext): string | undefined {
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, 'is not a date (YYYY-MM-DD)');
  const text = presentText(value);
  if (text === undefined) return undefined;

  const time = parseIsoTime(text);
  if (time && !time.hasTime) return JSON.stringify(formatDate(time.epochMs));
  const reason = time ? 'has a time of day, but the field holds dates' : 'is not a date (YYYY-MM-DD)';
  context.invalid(text, `"${text}" ${reason}`);
  return undefined;
}

function convertDateTime(value: unknown, context: CellContext): string | undefined {
  const reason = 'is not an ISO 8601 date-time such as 2024-05-01T12:00:00Z';
  if (typeof value === 'number') {
    const time = parseEpochMs(value);
    if (time) return JSON.stringify(formatDateTime(time.epochMs));
    return invalidUnlessMissing(value, context, reason);
  }
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, reason);

  const text = presentText(value);
  if (text === undefined) return undefined;
  if (isCanonicalUtc(text)) return `"${text}"`;
  const time = parseIsoTime(text);
  if (time) return JSON.stringify(formatDateTime(time.epochMs));
  context.invalid(text, `"${text}" ${reason}`);
  return undefined;
}

function convertGeometry(value: unknown, context: CellContext): string | undefined {
  if (value === null || value === undefined) return undefined;
  const check = checkGeometry(value);
  if (check.problem !== null) {
    context.invalid(value, `the geometry is invalid: ${check.problem}`);
    return undefined;
  }
  return check.empty ? undefined : JSON.stringify(value);
}

function finiteNumber(value: number, context: CellContext): string | undefined {
  if (Number.isNaN(value)) return undefined;
  if (Number.isFinite(value)) return String(value);
  context.invalid(value, `${value} is not a finite number`);
  return undefined;
}

function qualifiedOrInvalid(text: string, context: CellContext, decimalMark: DecimalMark, reason: string): string | undefined {
  const qualified = parseQualified(text, decimalMark);
  if (qualified === null) {
    context.invalid(text, `"${text}" ${reason}`);
    return undefined;
  }
  context.qualified(qualified.qualifier, qualified.value, text);
  // The cell keeps the value as written, and the measurement stores the parsed limit.
  return JSON.stringify(text);
}

function invalidUnlessMissing(value: unknown, context: CellContext, reason: string): undefined {
  if (value === null || value === undefined) return undefined;
  context.invalid(value, `${JSON.stringify(value)} ${reason}`);
  return undefined;
}
