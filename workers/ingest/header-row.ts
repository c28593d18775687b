import { numberShape } from './numbers.js';
import { parseIsoTime } from './temporal.js';

/** Records from the top of a table that the header row is looked for in. */
export const HEADER_SEARCH_ROWS = 50;

/** One record near the top of a table, with its line or row number. */
export interface TopRecord {
  rowNumber: number;
  cells: readonly unknown[];
}

/**
 * Finds the header row among the first records of a table. Exports from instruments and
 * spreadsheets often start with a title, comments ("# station 12") or metadata lines ("Exported:
 * 2021-03-04") before the header. Such lines are narrower than the table, start with "#" or contain
 * numbers and dates where a header contains names. The header is the first record as wide as most
 * records below it whose cells are mostly words. Returns the row number of the first record when
 * no record fits.
 */
export function detectHeaderRow(records: readonly TopRecord[]): number | null {
  if (records.length === 0) return null;
  const widths = records.map((record) => filledWidth(record.cells));
  const tableWidth = modalWidth(widths.slice(1).length > 0 ? widths.slice(1) : widths);

  for (let index = 0; index < records.length; index += 1) {
    const record = records[index]!;
    if (isComment(record.cells)) continue;
    if (widths[index]! < Math.max(1, Math.ceil(tableWidth * 0.6))) continue;
    if (!isMostlyWords(record.cells)) continue;
    return record.rowNumber;
  }
  return records[0]!.rowNumber;
}

function filledWidth(cells: readonly unknown[]): number {
  let width = cells.length;
  while (width > 0 && isEmpty(cells[width - 1])) width -= 1;
  return width;
}

function modalWidth(widths: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const width of widths) counts.set(width, (counts.get(width) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [width, count] of counts) {
    if (count > bestCount || (count === bestCount && width > best)) {
      best = width;
      bestCount = count;
    }
  }
  return best;
}

function isComment(cells: readonly unknown[]): boolean {
  const first = cells[0];
  return typeof first === 'string' && first.trimStart().startsWith('#');
}

function isMostlyWords(cells: readonly unknown[]): boolean {
  let filled = 0;
  let words = 0;
  for (const cell of cells) {
    if (isEmpty(cell)) continue;
    filled += 1;
    if (typeof cell !== 'string') continue;
    const text = cell.trim();
    if (numberShape(text) === null && parseIsoTime(text) === null) words += 1;
  }
  return filled > 0 && words >= filled * 0.5;
}

function isEmpty(cell: unknown): boolean {
  return cell === undefined || cell === null || (typeof cell === 'string' && cell.trim() === '');
}
