import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ImportFormat, ImportIssue } from '../../common/api/imports.js';

// The first column numbers what the review table numbers: a text line, a sheet row or a GeoJSON feature.
const PLACE_HEADING: Record<ImportFormat, string> = { csv: 'line', xlsx: 'row', ods: 'row', geojson: 'feature' };
// A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Writes every issue of an import as CSV (line, row or feature, then column, value, reason), so
 * the uploader can open the full list in a spreadsheet however many rows are invalid. Cells that
 * a spreadsheet would run as a formula get a leading apostrophe.
 */
export class IssuesReportWriter {
  private readonly out: WriteStream;
  private pending = '';
  count = 0;
  private closing: Promise<void> | null = null;

  constructor(
    readonly path: string,
    format: ImportFormat,
  ) {
    this.out = createWriteStream(path);
    this.pending = `${PLACE_HEADING[format]},column,value,reason\n`;
  }

  /** Adds one issue; the text is buffered and written in large pieces. */
  add(issue: ImportIssue): void {
    this.count += 1;
    this.pending += `${issue.line ?? issue.feature ?? ''},${csvCell(issue.column)},${csvCell(issue.value)},${csvCell(issue.reason)}\n`;
    if (this.pending.length >= 64 * 1024) this.flush();
  }

  /** Writes what is buffered and closes the file; later calls wait for the same close. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  private async finish(): Promise<void> {
    this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }

  // NOTE: writes do not wait for the file stream to drain; a file with millions of invalid rows
  // buffers up to its whole report in memory before the disk catches up.
  private flush(): void {
    if (this.pending === '') return;
    this.out.write(this.pending);
    this.pending = '';
  }
}

/** Quotes a value for CSV and defuses formulas. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}
