import type { Knex } from 'knex';
import type { ImportCounts, ImportFormat, ImportIssue, ImportState } from '../../common/api/imports.js';

/** The columns of an import's row that the job reads. */
export interface ImportRow {
  id: string;
  datasetId: string;
  userId: string | null;
  storageKey: string;
  sizeBytes: number;
  format: ImportFormat;
  state: ImportState;
  rowsTotal: number | null;
  counts: ImportCounts;
}

/** How a failed import is recorded. */
export interface ImportFailure {
  error: string;
  issues: ImportIssue[];
  issueCount: number;
  counts: ImportCounts;
  mapping: Record<string, unknown> | null;
}

/** States from which a job may (re)start an import. */
const STARTABLE_STATES: ImportState[] = ['queued', 'running', 'failed'];

/** Loads an import's row, or returns undefined when it does not exist. */
export async function loadImport(knex: Knex, importId: string): Promise<ImportRow | undefined> {
  return knex('imports')
    .where({ id: importId })
    .first('id', 'datasetId', 'userId', 'storageKey', 'sizeBytes', 'format', 'state', 'rowsTotal', 'counts');
}

/** Returns the seq of the change an earlier run of the import committed, or null when none did. */
export async function mergedChangeSeq(knex: Knex, record: ImportRow): Promise<number | null> {
  const change = await knex('dataset_changes').where({ datasetId: record.datasetId, importId: record.id }).first('seq');
  return change ? (change as { seq: number }).seq : null;
}

/** Marks the import running from its first phase; returns false when it was cancelled or completed meanwhile. */
export async function markRunning(knex: Knex, importId: string): Promise<boolean> {
  const updated = await knex('imports')
    .where({ id: importId })
    .whereIn('state', STARTABLE_STATES)
    .update({
      state: 'running',
      phase: 'analysing',
      rowsDone: 0,
      rowsTotal: null,
      counts: JSON.stringify({}),
      issues: JSON.stringify([]),
      issueCount: 0,
      error: null,
      changeSeq: null,
      startedAt: knex.fn.now(),
      finishedAt: null,
      updatedAt: knex.fn.now(),
    })
    .returning('id');
  return updated.length > 0;
}

/**
 * Marks a running import completed from the change an earlier run committed, for a retry that
 * finds its samples already merged. The counts of that run are kept.
 */
export async function markCompletedFromChange(knex: Knex, importId: string, changeSeq: number): Promise<void> {
  await knex('imports')
    .where({ id: importId })
    .whereNot({ state: 'completed' })
    .update({ state: 'completed', phase: 'done', changeSeq, error: null, finishedAt: knex.fn.now(), updatedAt: knex.fn.now() });
}

/** Records a failed import with its report; a cancelled import stays cancelled. */
export async function markFailed(knex: Knex, importId: string, failure: ImportFailure): Promise<void> {
  await knex('imports')
    .where({ id: importId, state: 'running' })
    .update({
      state: 'failed',
      phase: 'done',
      error: failure.error,
      issues: JSON.stringify(failure.issues),
      issueCount: failure.issueCount,
      counts: JSON.stringify(failure.counts),
      ...(failure.mapping ? { mapping: JSON.stringify(failure.mapping) } : {}),
      finishedAt: knex.fn.now(),
      updatedAt: knex.fn.now(),
    });
}

/** Puts a running import back in the queue after an unexpected error, before BullMQ retries it. */
export async function markRequeued(knex: Knex, importId: string): Promise<void> {
  await knex('imports')
    .where({ id: importId, state: 'running' })
    .update({ state: 'queued', phase: 'queued', rowsDone: 0, updatedAt: knex.fn.now() });
}
