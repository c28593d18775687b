import type { StagingRow } from './row-normaliser.js';

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

/**
 * The columns of the staging table in the order `stagingLine` writes them. The staging table
 * fills `ord` itself, from the samples' own sequence, in the order the lines arrive.
 */
export const STAGING_COPY_COLUMNS = [
  'id',
  'name',
  'longitude',
  'latitude',
  'location_text',
  'elevation',
  'collected_at',
  'collected_at_precision',
  'values',
  'qualified',
  'shape',
] as const;

/** Encodes one staging row, with its sample id, as a COPY text line. */
export function stagingLine(id: string, row: StagingRow): string {
  return (
    `${id}\t${copyText(row.name)}\t${copyNumber(row.longitude)}\t${copyNumber(row.latitude)}\t` +
    `${copyText(row.locationText)}\t${copyNumber(row.elevation)}\t${copyText(row.collectedAt)}\t` +
    `${copyText(row.collectedAtPrecision)}\t${copyText(row.valuesJson)}\t${copyText(row.qualifiedJson)}\t` +
    `${copyText(row.shapeJson)}\n`
  );
}
