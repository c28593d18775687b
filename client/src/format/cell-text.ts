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

/**
 * Formats a latitude or longitude in decimal degrees to at most six decimals (about 0.1 m),
 * dropping trailing zeros.
 */
export function formatCoordinate(degrees: number | undefined): string {
  if (degrees === undefined || !Number.isFinite(degrees)) return '';
  return String(Number(degrees.toFixed(6)));
}

/** Tells whether a field type contains numbers, whose cells are right-aligned. */
export function isNumericFieldType(type: string): boolean {
  return type === 'number' || type === 'integer';
}
