import type { FieldType } from '../../common/api/fields.js';
import type { CellValue } from '../../common/api/samples.js';
import type { FieldIssue } from '../../common/errors.js';

interface FieldShape {
  key: string;
  type: FieldType;
  required: boolean;
}

// A value below or above a limit as instruments and labs report it: "<0.01", "> 10000", "BDL".
// Each digit run matches in one way only, so hostile input fails in linear time.
const QUALIFIED_NUMBER = /^\s*[<>]\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$|^\s*bdl\s*$/i;
const MAX_QUALIFIED_LENGTH = 400;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

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
      return isGeometry(value) ? null : 'expected a GeoJSON geometry object';
  }
}

/**
 * Checks a sample's values against the dataset's fields. With `complete`, fields marked required
 * must have a value too (used when a sample is created).
 */
export function valueIssues(fields: readonly FieldShape[], values: Record<string, CellValue>, complete: boolean): FieldIssue[] {
  const byKey = new Map(fields.map((field) => [field.key, field]));
  const issues: FieldIssue[] = [];

  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    if (!field) {
      issues.push({ field: `body.values.${key}`, message: `the dataset has no field "${key}"; create the field first` });
      continue;
    }
    const problem = cellValueProblem(field.type, value);
    if (problem) issues.push({ field: `body.values.${key}`, message: problem });
  }

  if (complete) {
    for (const field of fields) {
      if (field.required && (values[field.key] === undefined || values[field.key] === null)) {
        issues.push({ field: `body.values.${field.key}`, message: 'a value is required' });
      }
    }
  }
  return issues;
}

function isQualified(value: CellValue): boolean {
  return typeof value === 'string' && value.length <= MAX_QUALIFIED_LENGTH && QUALIFIED_NUMBER.test(value);
}

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

function isGeometry(value: CellValue): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return typeof value.type === 'string' && GEOMETRY_TYPES.has(value.type) && Array.isArray(value.coordinates);
}
