/**
 * Codes that tables use for "no value", compared without regard to case after trimming. A cell
 * holding one of them is an empty cell: it gets no value and never counts against a column's type.
 */
export const MISSING_VALUE_CODES: readonly string[] = ['', 'na', 'n/a', '#n/a', 'null', 'nan', '-'];

const codes = new Set(MISSING_VALUE_CODES);
const longestCode = Math.max(...MISSING_VALUE_CODES.map((code) => code.length));

/** Tells whether an already trimmed cell text is empty or a missing-value code. */
export function isMissingText(trimmed: string): boolean {
  // Checking the length first keeps the common case (a real value) free of a lowercase copy.
  if (trimmed.length > longestCode) return false;
  return codes.has(trimmed.toLowerCase());
}

/** Tells whether a cell value from any source (CSV text, GeoJSON property) has no value. */
export function isMissingValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return isMissingText(value.trim());
  if (typeof value === 'number') return Number.isNaN(value);
  return false;
}
