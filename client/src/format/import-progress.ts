import type { ImportCounts, ImportPhase, ImportState } from '../../../common/api/imports.js';
import { formatBytes, formatCount, plural } from './numbers.js';

export const PHASE_LABELS: Record<ImportPhase, string> = {
  uploading: 'Uploading the file',
  queued: 'Waiting in the queue',
  analysing: 'Analysing the file',
  review: 'Waiting for review',
  loading: 'Loading rows',
  indexing: 'Updating indexes and dataset statistics',
  done: 'Done',
};

export const STATE_LABELS: Record<ImportState, string> = {
  uploading: 'Uploading',
  queued: 'Queued',
  running: 'Running',
  awaiting_review: 'Awaiting review',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Maximum length, in characters, of the summary `errorSummary` returns. */
export const ERROR_SUMMARY_LENGTH = 160;

/**
 * Shortens an import's error to its first non-blank line, cut to at most `maxLength` characters
 * with an ellipsis, for a one-line reason in a list. Returns an empty string when there is no error.
 */
export function errorSummary(error: string | null | undefined, maxLength = ERROR_SUMMARY_LENGTH): string {
  const firstLine = (error ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
  if (!firstLine) return '';
  if (firstLine.length <= maxLength) return firstLine;

  return `${firstLine.slice(0, maxLength - 1).trimEnd()}…`;
}

/** Tells whether an import has stopped for good. */
export function isFinished(state: ImportState): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

/**
 * Returns the import a dataset page opens with: the viewer's newest import that is still under
 * way or waiting for review, else anyone's, or null. A finished import uploaded later, such as
 * one cancelled, does not hide an older one that still waits. `imports` runs newest first.
 */
export function importToShow<T extends { state: ImportState; userId: string | null }>(imports: readonly T[], viewerId: string | null): T | null {
  const open = imports.filter((record) => !isFinished(record.state));
  return open.find((record) => viewerId !== null && record.userId === viewerId) ?? open[0] ?? null;
}

/** Formats a processing rate: "1,234 rows/s". Returns an empty string when the rate is unknown. */
export function formatRate(ratePerSecond: number | null): string {
  if (ratePerSecond === null || !Number.isFinite(ratePerSecond) || ratePerSecond < 0) return '';
  if (ratePerSecond < 1) return 'less than 1 row/s';
  return `${formatCount(Math.round(ratePerSecond))} rows/s`;
}

/** Formats a duration in seconds, rounded to whole seconds below 10 minutes and to minutes above. */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'less than a second';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  if (total < 600) {
    const minutes = Math.floor(total / 60);
    const rest = total % 60;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const totalMinutes = Math.round(seconds / 60);
  if (totalMinutes < 60) return `${totalMinutes} min`;
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** Describes the time an import still needs: "about 2 min 5 s left". Empty when unknown. */
export function formatEta(etaSeconds: number | null): string {
  if (etaSeconds === null || !Number.isFinite(etaSeconds) || etaSeconds < 0) return '';
  if (etaSeconds < 1) return 'less than a second left';
  return `about ${formatDuration(etaSeconds)} left`;
}

/** The values of a progress bar: `now` is null while the total is unknown (an indeterminate bar). */
export interface ProgressValues {
  min: 0;
  max: number;
  now: number | null;
  /** The bar's state as a capitalised phrase, for `aria-valuetext` and the text beside it. */
  text: string;
}

/**
 * Computes a progress bar for an import; a completed import always shows a full bar. While the
 * file arrives the bar counts bytes. After the last row is sent, PostgreSQL finishes the indexes
 * without row counts, so that phase shows as indeterminate rather than stuck at 100%.
 */
export function importProgressValues(progress: {
  state: ImportState;
  phase?: ImportPhase;
  rowsDone: number;
  rowsTotal: number | null;
  bytesReceived?: number;
  sizeBytes?: number;
  /** The invalid-row policy, null until the load is requested. Until then `rowsDone` counts rows analysed, not loaded. */
  invalidRows?: string | null;
}): ProgressValues {
  const { state, phase, rowsDone, rowsTotal } = progress;
  const known = rowsTotal !== null && rowsTotal > 0;

  if (state === 'uploading') {
    const total = Math.max(progress.sizeBytes ?? 0, 1);
    const received = Math.min(progress.bytesReceived ?? 0, total);
    return { min: 0, max: total, now: received, text: `${formatBytes(received)} of ${formatBytes(total)} received (${Math.floor((received / total) * 100)}%)` };
  }
  if (state === 'awaiting_review') {
    const max = Math.max(rowsTotal ?? 0, 1);
    // A ZIP archive waiting for the choice of its table has no rows yet, and "0 rows analysed" would read as an empty file.
    return { min: 0, max, now: max, text: rowsTotal === null || rowsTotal === 0 ? 'Analysed' : `${plural(rowsTotal, 'row')} analysed` };
  }
  if (state === 'completed') {
    const max = Math.max(rowsTotal ?? 0, rowsDone, 1);
    return { min: 0, max, now: max, text: STATE_LABELS.completed };
  }
  if (state === 'failed' || state === 'cancelled') {
    const max = Math.max(rowsTotal ?? 0, rowsDone, 1);
    const analysedOnly = progress.invalidRows === null;
    const label = STATE_LABELS[state];
    const text = rowsDone > 0 ? `${label} after ${analysedOnly ? 'analysing ' : ''}${plural(rowsDone, 'row')}` : label;
    return { min: 0, max, now: Math.min(rowsDone, max), text };
  }
  if (phase === 'indexing') {
    return { min: 0, max: 100, now: null, text: rowsTotal === null ? 'Updating indexes' : `${plural(rowsTotal, 'row')} sent; updating indexes` };
  }
  if (!known) {
    return { min: 0, max: 100, now: null, text: rowsDone > 0 ? `${plural(rowsDone, 'row')} so far` : STATE_LABELS[state] };
  }
  const now = Math.min(rowsDone, rowsTotal);
  const percent = Math.floor((now / rowsTotal) * 100);
  return { min: 0, max: rowsTotal, now, text: `${formatCount(now)} of ${plural(rowsTotal, 'row')} (${percent}%)` };
}

/**
 * Summarises an import's counts in one sentence, for example "Read 200 rows: added 200 samples
 * (199 located, 1 without a location) and created 2 fields."
 */
export function summariseCounts(counts: ImportCounts): string {
  const added: string[] = [];
  if (counts.samples !== undefined) {
    const located = locationBreakdown(counts);
    added.push(`added ${plural(counts.samples, 'sample')}${located ? ` (${located})` : ''}`);
  }
  if (counts.measurements) added.push(`recorded ${plural(counts.measurements, 'measurement')}`);
  if (counts.fieldsCreated) added.push(`created ${plural(counts.fieldsCreated, 'field')}`);
  if (counts.rejectedRows) added.push(`rejected ${plural(counts.rejectedRows, 'row')}`);

  const read = counts.rows !== undefined ? `Read ${plural(counts.rows, 'row')}` : '';
  const actions = joinWithAnd(added);
  if (read && actions) return `${read}: ${actions}.`;
  if (read) return `${read}.`;
  if (actions) return `${actions.charAt(0).toUpperCase()}${actions.slice(1)}.`;
  return '';
}

function locationBreakdown(counts: ImportCounts): string {
  if (counts.located === undefined && counts.unlocated === undefined) return '';
  const parts: string[] = [];
  if (counts.located !== undefined) parts.push(`${formatCount(counts.located)} located`);
  if (counts.unlocated) parts.push(`${formatCount(counts.unlocated)} without a location`);
  return parts.join(', ');
}

function joinWithAnd(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}
