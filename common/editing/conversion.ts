import type { FieldType } from '../api/fields.js';
import type { CellValue } from '../api/samples.js';
import { cellValueProblem } from '../cell-values.js';

/** A value converted to another field type, or the reason it cannot be. */
export type Conversion = { ok: true; value: CellValue } | { ok: false; problem: string };

const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0']);
// Each digit run matches in one way only, so a long hostile text fails in linear time.
const PLAIN_NUMBER = /^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Converts a stored value when its field is retyped. The server converts the stored values and
 * every client converts the rows it has loaded with this same function, so both end with the same
 * values without the change listing each cell. Values that already fit stay as they are.
 */
export function convertCellValue(value: CellValue, to: FieldType): Conversion {
  if (value === null || cellValueProblem(to, value) === null) return { ok: true, value };

  const converted = convert(value, to);
  if (converted === undefined || cellValueProblem(to, converted) !== null) {
    return { ok: false, problem: `${JSON.stringify(value).slice(0, 60)} cannot be converted to ${to}` };
  }
  return { ok: true, value: converted };
}

function convert(value: Exclude<CellValue, null>, to: FieldType): CellValue | undefined {
  switch (to) {
    case 'text':
    case 'term':
      return typeof value === 'object' ? undefined : String(value);
    case 'number':
      return typeof value === 'string' && PLAIN_NUMBER.test(value) ? Number(value) : undefined;
    case 'integer':
      if (typeof value === 'string' && PLAIN_NUMBER.test(value)) return Number(value);
      return undefined;
    case 'boolean':
      return toBoolean(value);
    case 'datetime':
      return typeof value === 'string' && ISO_DATE.test(value) ? `${value}T00:00:00Z` : undefined;
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : undefined;
    case 'geometry':
      return undefined;
  }
}

function toBoolean(value: Exclude<CellValue, null>): boolean | undefined {
  if (typeof value === 'number') {
    if (value === 1) return true;
    if (value === 0) return false;
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}
