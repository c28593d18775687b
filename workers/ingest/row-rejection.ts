import type { ImportIssue } from '../../common/api/imports.js';
import { ImportRejected } from './ingest-errors.js';
import type { IssueCollector } from './issue-collector.js';

/**
 * Builds the rejection of a file with invalid rows. Its summary is one sentence with the number of
 * invalid values, the place of the first one and what to do, and the collected issues go with it.
 */
export function rowIssuesRejection(issues: IssueCollector, rows: number): ImportRejected {
  const first = issues.issues[0];
  const problems = issues.count === 1 ? '1 value or row is invalid' : `${issues.count} values or rows are invalid`;
  const where = first ? ` (first: ${describeIssue(first)})` : '';
  const summary = `Nothing was imported because ${problems}${where}; fix the file and upload it again.`;
  return new ImportRejected(summary, issues.issues, issues.count, { rows, rejectedRows: issues.rejectedRows });
}

function describeIssue(issue: ImportIssue): string {
  const place = [issue.line === null ? null : `line ${issue.line}`, issue.column === null ? null : `column "${issue.column}"`]
    .filter((part) => part !== null)
    .join(', ');
  return place === '' ? issue.reason : `${place}: ${issue.reason}`;
}
