import type { QualifiedCell } from './row-normaliser.js';

const NULL = '\\N';
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Encodes a text value for PostgreSQL's COPY text format, where backslash, tab, newline and
 * carriage return are special (https://www.postgresql.org/docs/current/sql-copy.html).
 */
export function copyText(value: string | null): string {
  if (value === null) return NULL;
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPES, (character) => ESCAPED[character]!) : value;
}

/** Encodes a number for COPY; JavaScript's shortest round-trip form is exact for float8. */
export function copyNumber(value: number | null): string {
  return value === null ? NULL : String(value);
}

/** The columns of `measurements` that `measurementLines` writes. */
export const MEASUREMENT_COPY_COLUMNS = ['sample_id', 'field_id', 'value_number', 'value_text', 'unit', 'qualifier', 'detection_limit', 'import_id'] as const;

/** A field's id and unit, for writing its measurements. */
export interface MeasuredField {
  id: string;
  unit: string | null;
}

/**
 * Encodes the qualified values of one sample as measurement COPY lines. Only "<" gives a
 * detection limit: ">" is an upper bound of the range, and "bdl" gives no number.
 */
export function measurementLines(sampleId: string, importId: string, cells: readonly QualifiedCell[], fields: ReadonlyMap<string, MeasuredField>): string {
  let text = '';
  for (const cell of cells) {
    const field = fields.get(cell.key);
    if (!field) continue;
    const limit = cell.qualifier === '<' ? cell.value : null;
    text += `${sampleId}\t${field.id}\t${copyNumber(cell.value)}\t${copyText(cell.text)}\t${copyText(field.unit)}\t${cell.qualifier}\t${copyNumber(limit)}\t${importId}\n`;
  }
  return text;
}
