import type { ImportRecord } from '../../../common/api/imports.js';
import { IMPORT_PHASE_ORDER } from './import-phases.js';
import type { ImportProgress } from '../../../common/events.js';
import { isFinished } from '../format/import-progress.js';

/**
 * Tells whether import `a` is further along than `b`: finished beats running, then a later
 * phase, then more rows done. Used because a fetched record and a live event can arrive in
 * either order, and the older of the two must not move the progress bar backwards. The one step
 * back an import takes on purpose, from review to a new analysis after the mapping changed, is
 * accepted.
 */
export function isFurtherAlong(a: Pick<ImportRecord, 'state' | 'phase' | 'rowsDone'>, b: Pick<ImportRecord, 'state' | 'phase' | 'rowsDone'>): boolean {
  const finishedA = isFinished(a.state);
  const finishedB = isFinished(b.state);
  if (finishedA !== finishedB) return finishedA;
  if (finishedA) return false;
  if (a.state === 'awaiting_review' && (b.phase === 'queued' || b.phase === 'analysing')) return false;

  const phaseA = IMPORT_PHASE_ORDER.indexOf(a.phase);
  const phaseB = IMPORT_PHASE_ORDER.indexOf(b.phase);
  if (phaseA !== phaseB) return phaseA > phaseB;
  return a.rowsDone > b.rowsDone;
}

/** Returns the incoming record unless the current one is further along; equal records take the incoming one, which may carry more detail. */
export function pickFresher(current: ImportRecord | undefined, incoming: ImportRecord): ImportRecord {
  if (current && isFurtherAlong(current, incoming)) return current;
  return incoming;
}

/** Applies a live progress event to an import record, ignoring an event older than the record. */
export function applyProgress(record: ImportRecord, progress: ImportProgress): ImportRecord {
  if (isFurtherAlong(record, progress)) return record;
  return {
    ...record,
    state: progress.state,
    phase: progress.phase,
    rowsDone: progress.rowsDone,
    rowsTotal: progress.rowsTotal,
    counts: progress.counts,
    issueCount: progress.issueCount,
    error: progress.error,
    ...(progress.bytesReceived !== undefined ? { bytesReceived: progress.bytesReceived } : {}),
    stalled: progress.stalled ?? false,
  };
}
