import type { CellValue } from '../../../common/api/samples.js';

/**
 * Converts a cell value into the text a table cell shows. Numbers keep every digit the API sent,
 * because rounding measured values would misreport them; objects show as JSON.
 */
export function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export { formatCoordinate } from '../../../common/geometry-text.js';

/** Tells whether a field type contains numbers, whose cells are right-aligned. */
export function isNumericFieldType(type: string): boolean {
  return type === 'number' || type === 'integer';
}
