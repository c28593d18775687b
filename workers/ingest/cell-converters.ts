import type { FieldType } from '../../common/api/fields.js';
import type { DateOrder } from '../../common/api/imports.js';
import { crsProblem, transformGeometry, type PositionTransform } from '../../server/geo/crs.js';
import { excelSerialToTime, readSeparatedDate, splitSeparatedDate, type DateSystem } from './dates.js';
import { checkGeometry } from '../../common/geometry-check.js';
import type { MissingValues } from './missing-values.js';
import { quoted } from './issue-collector.js';
import { decimalJson, numberShape, parseNumber, shapeMeaning, withDecimalPoint, type NumberStyle } from './numbers.js';
import { parseQualified } from './qualifiers.js';
import { formatDate, formatDateTime, isCanonicalUtc, parseBasicIsoDigits, parseBasicIsoNumber, parseEpochMs, parseIsoTime, type ParsedTime } from './temporal.js';
import { parseWkt } from './wkt.js';

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

/** How the cells of a file are read: its number style, missing-value codes and date settings. */
export interface CellReading {
  style: NumberStyle;
  missing: MissingValues;
  dateOrder: DateOrder;
  /** Read numbers as Excel serial day numbers in a date or date-time column. */
  excelSerialDates: boolean;
  dateSystem: DateSystem;
  /** Transforms WKT positions to WGS 84; null when they are WGS 84 already. */
  transform: PositionTransform | null;
  /** Transform for WKT with an EWKT SRID prefix; returns null for an unknown code. */
  transformForSrid(srid: number): PositionTransform | null;
}

const TRUE_WORDS = new Set(['true', 'yes']);
const FALSE_WORDS = new Set(['false', 'no']);

/** Returns the converter for a field type, with the file's way of writing values. */
export function converterFor(type: FieldType, reading: CellReading): CellConverter {
  const present = (value: string) => presentText(value, reading.missing);
  switch (type) {
    case 'text':
    case 'term':
      return (value, context) => convertText(value, context, reading);
    case 'number':
      return (value, context) => convertNumber(value, context, reading, false);
    case 'integer':
      return (value, context) => convertNumber(value, context, reading, true);
    case 'boolean':
      return (value, context) => convertBoolean(value, context, present);
    case 'date':
      return (value, context) => convertTime(value, context, reading, false);
    case 'datetime':
      return (value, context) => convertTime(value, context, reading, true);
    case 'geometry':
      return (value, context) => convertGeometry(value, context, reading);
  }
}

/** Trims a text cell, returning undefined when it is missing. */
export function presentText(value: string, missing: MissingValues): string | undefined {
  const trimmed = value.trim();
  return missing.isMissingText(trimmed) ? undefined : trimmed;
}

function convertText(value: unknown, context: CellContext, reading: CellReading): string | undefined {
  if (value === null || value === undefined) return undefined;
  let text: string | undefined;
  if (typeof value === 'string') text = presentText(value, reading.missing);
  else if (typeof value === 'number') text = reading.missing.isMissingValue(value) ? undefined : String(value);
  else text = typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  if (text === undefined) return undefined;

  if (text.length > MAX_TEXT_LENGTH) {
    context.invalid(value, `the text is longer than ${MAX_TEXT_LENGTH} characters`);
    return undefined;
  }
  return JSON.stringify(text);
}

function convertNumber(value: unknown, context: CellContext, reading: CellReading, integer: boolean): string | undefined {
  const expected = integer ? 'is not a whole number' : 'is not a number';
  if (typeof value === 'number') {
    if (reading.missing.isMissingValue(value)) return undefined;
    if (!Number.isFinite(value)) return invalid(value, context, `${value} is not a finite number`);
    if (integer && !Number.isSafeInteger(value)) return invalid(value, context, `${value} ${expected}`);
    return String(value);
  }
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, expected);

  const text = presentText(value, reading.missing);
  if (text === undefined) return undefined;
  if (integer) {
    const shape = numberShape(text);
    if (shape !== null && shapeMeaning(shape, reading.style) === 'integer') return String(parseNumber(text, reading.style));
  } else {
    const json = decimalJson(text, reading.style);
    if (json !== null) return json;
  }
  return qualifiedOrInvalid(text, context, reading.style, expected);
}

function convertBoolean(value: unknown, context: CellContext, present: (value: string) => string | undefined): string | undefined {
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return invalidUnlessMissing(value, context, 'is not true, false, yes or no');

  const text = present(value);
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return 'true';
  if (FALSE_WORDS.has(lower)) return 'false';
  context.invalid(text, `"${text}" is not true, false, yes or no`);
  return undefined;
}

function convertTime(value: unknown, context: CellContext, reading: CellReading, withTime: boolean): string | undefined {
  const expected = withTime ? 'is not a date-time such as 2024-05-01T12:00:00Z' : 'is not a date such as 2024-05-01';
  let time: ParsedTime | null = null;
  let written: unknown = value;
  if (typeof value === 'number') {
    if (reading.missing.isMissingValue(value)) return undefined;
    time = reading.excelSerialDates ? excelSerialToTime(value, reading.dateSystem) : (parseBasicIsoNumber(value) ?? (withTime ? parseEpochMs(value) : null));
  } else if (typeof value === 'string') {
    const text = presentText(value, reading.missing);
    if (text === undefined) return undefined;
    if (withTime && isCanonicalUtc(text)) return `"${text}"`;
    written = text;
    time = readTimeText(text, reading);
  } else {
    return invalidUnlessMissing(value, context, expected);
  }

  if (time === null) return invalid(written, context, `${quoted(written)} ${(typeof written === 'string' ? unrealDateReason(written, reading) : null) ?? expected}`);
  if (!withTime && time.hasTime) return invalid(written, context, `${quoted(written)} has a time of day, but the field holds dates`);
  return JSON.stringify(withTime ? formatDateTime(time.epochMs) : formatDate(time.epochMs));
}

const ORDER_NAMES: Record<DateOrder, string> = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year/month/day' };

/**
 * Explains a text written like a date that names no real day, such as 31.04.2023 or 2023-02-30,
 * with the order it was read in, or returns null for a text not written like a date.
 */
export function unrealDateReason(text: string, reading: CellReading): string | null {
  const separated = splitSeparatedDate(text);
  if (separated) return `is not a real date when read as ${ORDER_NAMES[separated.yearFirst ? 'ymd' : reading.dateOrder]}`;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  return text.length === 10 ? 'is not a real date in the years 0001 to 9999' : 'is not a real date and time (with an offset of at most 14 hours) in the years 0001 to 9999';
}

/**
 * Reads a date or date-time text: ISO 8601 in its extended (2023-06-01) or basic (20230601) format,
 * a date with separators in the column's order, or an Excel serial.
 */
export function readTimeText(text: string, reading: CellReading): ParsedTime | null {
  const iso = parseIsoTime(text);
  if (iso) return iso;
  const separated = splitSeparatedDate(text);
  if (separated) return readSeparatedDate(separated, reading.dateOrder);
  const basic = parseBasicIsoDigits(text);
  if (basic) return basic;
  if (!reading.excelSerialDates) return null;
  const serial = parseNumber(text, reading.style);
  return serial === null ? null : excelSerialToTime(serial, reading.dateSystem);
}

function convertGeometry(value: unknown, context: CellContext, reading: CellReading): string | undefined {
  if (value === null || value === undefined) return undefined;
  let geometry: unknown = value;
  let transform = reading.transform;
  if (typeof value === 'string') {
    const text = presentText(value, reading.missing);
    if (text === undefined) return undefined;
    const parsed = parseWkt(text);
    if (!parsed) return invalid(text, context, `"${text.slice(0, 60)}" is not a WKT geometry such as POINT (7.44 46.95)`);
    geometry = parsed.geometry;
    if (parsed.srid !== null) {
      transform = reading.transformForSrid(parsed.srid);
      if (transform === null) return invalid(text, context, crsProblem(parsed.srid) ?? `EPSG:${parsed.srid} is not a coordinate reference system the portal knows`);
    }
  }

  // GeoJSON geometry objects arrive in WGS 84 already: the row source transforms whole features.
  if (transform !== null && typeof value === 'string') transformGeometry(geometry as { type: string }, transform);
  const check = checkGeometry(geometry);
  if (check.problem !== null) return invalid(value, context, `the geometry is invalid: ${check.problem}`);
  return check.empty ? undefined : JSON.stringify(geometry);
}

function qualifiedOrInvalid(text: string, context: CellContext, style: NumberStyle, reason: string): string | undefined {
  const qualified = parseQualified(text, style);
  if (qualified === null) return invalid(text, context, `"${text}" ${reason}`);
  context.qualified(qualified.qualifier, qualified.value, text);
  // The measurement keeps the text as written, and the cell shows it with the dataset's decimal point.
  return JSON.stringify(qualified.value === null ? text : inPlainNotation(text, style));
}

/**
 * Returns a qualified number such as "<0,010" or "> 1.000" with a decimal point and no digit groups
 * ("<0.010", ">1000"), as the dataset shows its other numbers. The digits stay as written, so a
 * limit keeps its trailing zeros.
 */
function inPlainNotation(text: string, style: NumberStyle): string {
  return `${text[0]!}${withDecimalPoint(text.slice(1).trim(), style)}`;
}

function invalid(value: unknown, context: CellContext, reason: string): undefined {
  context.invalid(value, reason);
  return undefined;
}

function invalidUnlessMissing(value: unknown, context: CellContext, reason: string): undefined {
  if (value === null || value === undefined) return undefined;
  context.invalid(value, `${quoted(value)} ${reason}`);
  return undefined;
}
