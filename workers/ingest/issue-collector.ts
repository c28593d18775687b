import type { ImportIssue } from '../../common/api/imports.js';

/** Maximum length of a cell value repeated in an issue; longer values are cut so a report stays small. */
const MAX_ISSUE_VALUE_LENGTH = 200;

/**
 * Writes a cell value for an issue's reason: text in double quotes as written, without the
 * backslashes JSON would add before the quotes of 47°02'60"N, numbers and booleans bare, and
 * objects as JSON.
 */
export function quoted(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** The position of a row in the file, for issue reports. */
export interface RowPosition {
  /** Line of a CSV row, the header being line 1; null for GeoJSON. */
  line: number | null;
  /** 1-based number of a GeoJSON feature; null for CSV. */
  feature: number | null;
}

/** Receives every issue, past `max` too, for the downloadable report. */
export type IssueSink = (issue: ImportIssue) => void;

/**
 * Keeps the first `max` issues of a file in file order and counts all of them, so a file with a
 * million bad rows produces a small report that still gives their number. A sink, when given,
 * receives every issue for the full report file.
 */
export class IssueCollector {
  readonly issues: ImportIssue[] = [];
  /** All issues, including those past `max`. */
  count = 0;
  /** Rows with at least one issue. */
  rejectedRows = 0;
  private lastRejected: RowPosition | null = null;

  constructor(
    private readonly max: number,
    private readonly sink: IssueSink | null = null,
  ) {}

  /** Records an invalid value or row. */
  add(position: RowPosition, column: string | null, value: unknown, reason: string): void {
    this.count += 1;
    const last = this.lastRejected;
    if (last === null || last.line !== position.line || last.feature !== position.feature) {
      this.rejectedRows += 1;
      this.lastRejected = { line: position.line, feature: position.feature };
    }
    if (this.issues.length >= this.max && this.sink === null) return;

    const prefix = position.feature === null ? '' : `Feature ${position.feature}: `;
    const issue: ImportIssue = {
      line: position.line,
      ...(position.feature === null ? {} : { feature: position.feature }),
      column,
      value: describeValue(value),
      reason: `${prefix}${reason}`,
    };
    this.sink?.(issue);
    if (this.issues.length < this.max) this.issues.push(issue);
  }

  /** Records a problem with the whole file rather than one row. */
  addFileIssue(reason: string): void {
    this.count += 1;
    const issue = { line: null, column: null, value: null, reason };
    this.sink?.(issue);
    if (this.issues.length < this.max) this.issues.push(issue);
  }
}

function describeValue(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_ISSUE_VALUE_LENGTH ? `${text.slice(0, MAX_ISSUE_VALUE_LENGTH)}…` : text;
}
