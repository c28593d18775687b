import type { FieldType } from './api/fields.js';
import type { CellValue } from './api/samples.js';
import { checkGeometry } from './geometry-check.js';

/**
 * Checks and normalises cell values by field type. Shared by the server, which validates every
 * edit, and the client, which applies edits optimistically: both must store the same value.
 */

/** The part of a field that decides which values fit it. */
export interface ValueField {
  type: FieldType;
  unit: string | null;
}

// A value below or above a limit as instruments and labs report it: "<0.01", "> 10000", "BDL".
// Every digit run below can be matched in one way only, and texts longer than MAX_NUMBER_TEXT are
// never numbers, so hostile input fails in linear time instead of backtracking quadratically.
const QUALIFIED_NUMBER = /^\s*[<>]\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$|^\s*bdl\s*$/i;
const PLAIN_NUMBER = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const MAX_NUMBER_TEXT = 400;
// Digits with commas between them and nothing else: a decimal comma or digit groups.
const COMMA_NUMBER = /^\s*[+-]?\d+(?:,\d+)+\s*$/;
// A number followed by a unit, as people type it into a cell: "12.5 mg/L", "3m".
const NUMBER_WITH_UNIT = /^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\d\s<>].*?)\s*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Returns why a value does not fit a field of the given type, or null when it fits. */
export function cellValueProblem(type: FieldType, value: CellValue): string | null {
  if (value === null) return null;

  switch (type) {
    case 'text':
    case 'term':
      return typeof value === 'string' ? null : 'expected text';
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return null;
      return isQualified(value) ? null : 'expected a number, or a qualified value such as "<0.01" or "BDL"';
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return null;
      return isQualified(value) ? null : 'expected a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'expected true or false';
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) && isRealDate(value) ? null : 'expected a date as YYYY-MM-DD';
    case 'datetime':
      return typeof value === 'string' && ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : 'expected an ISO 8601 date-time with a time zone, e.g. 2024-05-01T12:00:00Z';
    case 'geometry':
      return geometryProblem(value);
  }
}

/** A normalised value, or the reason the value does not fit the field. */
export type NormalisedValue = { ok: true; value: CellValue } | { ok: false; problem: string };

/**
 * Normalises a value for a field and checks it against the field's type and unit. A number
 * field accepts numbers written as text ("12.5") and numbers followed by the field's own unit
 * ("12.5 mg/L"); a number with another unit is rejected, because storing it would silently
 * mix units in one column.
 */
export function normaliseCellValue(field: ValueField, value: CellValue): NormalisedValue {
  const numeric = field.type === 'number' || field.type === 'integer';
  if (numeric && typeof value === 'string' && !isQualified(value)) {
    const converted = numberFromText(value, field.unit);
    if (!converted.ok) return converted;
    value = converted.value;
  }

  const problem = cellValueProblem(field.type, value);
  return problem === null ? { ok: true, value } : { ok: false, problem };
}

function numberFromText(text: string, unit: string | null): NormalisedValue {
  // Too long to be a number; the type check that follows rejects it with its usual message.
  if (text.length > MAX_NUMBER_TEXT) return { ok: true, value: text };
  if (PLAIN_NUMBER.test(text)) return { ok: true, value: Number(text) };
  // "8,6" would otherwise read as 8 with the unit ",6"; a comma may also group digits, so it is never guessed.
  if (COMMA_NUMBER.test(text)) {
    const written = text.trim();
    // "1,234" may be a thousand and more, so only a comma that cannot group digits gets its own example.
    const example = /^[+-]?\d+,(?:\d{1,2}|\d{4,})$/.test(written) ? written.replace(',', '.') : '1234.5';
    return { ok: false, problem: `"${written}" has a comma; write numbers with a decimal point and no digit groups, such as ${example}` };
  }

  const match = NUMBER_WITH_UNIT.exec(text);
  if (!match) return { ok: true, value: text };
  const written = match[2]!;
  if (unit === null || unit.trim() === '') {
    return { ok: false, problem: `the field has no unit, so "${written}" cannot be stored; enter a plain number` };
  }
  if (written !== unit.trim()) {
    return { ok: false, problem: `the unit "${written}" does not match the field's unit "${unit.trim()}"; convert the value first` };
  }
  return { ok: true, value: Number(match[1]) };
}

function isQualified(value: CellValue): boolean {
  return typeof value === 'string' && value.length <= MAX_NUMBER_TEXT && QUALIFIED_NUMBER.test(value);
}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * Tells whether a value is a GeoJSON geometry a geometry field can hold: any type but a collection,
 * with positions of WGS 84 longitudes and latitudes nested as its type requires.
 */
export function isGeometry(value: CellValue | undefined): value is { type: string; coordinates: unknown[] } {
  return value !== undefined && geometryProblem(value) === null;
}

// The ingest checks geometries with the same checkGeometry, so an edit cannot store a shape an
// import would reject, and the map never gets positions Leaflet cannot draw.
function geometryProblem(value: CellValue): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected a GeoJSON geometry object';
  const { problem } = checkGeometry(value);
  return problem === null ? null : `expected a GeoJSON geometry object, but ${problem}`;
}
