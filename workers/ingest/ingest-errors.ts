import type { ImportCounts, ImportIssue } from '../../common/api/imports.js';

/**
 * Raised when the file cannot be imported as it is. The job ends without a retry: the import is
 * marked failed with the summary and issues, and the uploader fixes the file.
 */
export class ImportRejected extends Error {
  override name = 'ImportRejected';
  /** The column mapping, stored with the failure when the analysis got that far. */
  mapping: Record<string, unknown> | null = null;

  constructor(
    /** One sentence for the uploader: what is wrong and what to fix. */
    readonly summary: string,
    readonly issues: ImportIssue[] = [],
    /** All issues found; `issues` contains at most IMPORT_ISSUES_MAX of them. */
    readonly issueCount: number = issues.length,
    readonly counts: ImportCounts = {},
  ) {
    super(summary);
  }
}

/** Raised when the import was cancelled, or its row deleted, while the job was running. */
export class ImportCancelled extends Error {
  override name = 'ImportCancelled';
}

/** Raised inside the merge when an earlier run of the same import already committed its samples. */
export class ImportAlreadyMerged extends Error {
  override name = 'ImportAlreadyMerged';
}
