import type { Knex } from 'knex';
import type {
  ImportCounts,
  ImportFormat,
  ImportIssue,
  ImportMapping,
  ImportMappingUpdate,
  ImportPhase,
  ImportState,
  InvalidRowPolicy,
} from '../../common/api/imports.js';
import type { ImportPlan } from './import-plan.js';

/** The columns of an import's row that the jobs read. */
export interface ImportRow {
  id: string;
  datasetId: string;
  userId: string | null;
  storageKey: string;
  sizeBytes: number;
  checksumSha256: string | null;
  format: ImportFormat | null;
  state: ImportState;
  rowsTotal: number | null;
  counts: ImportCounts;
  plan: ImportPlan | null;
  options: ImportMappingUpdate;
  invalidRows: InvalidRowPolicy | null;
  issueCount: number;
  loadRequestedAt: Date | null;
}

/** The record of a failed import. */
export interface ImportFailure {
  error: string;
  issues: ImportIssue[];
  issueCount: number;
  counts: ImportCounts;
  mapping: ImportMapping | Record<string, unknown> | null;
}

/** The analysis result that the review starts from. */
export interface AnalysisOutcome {
  /** Null while the uploader has to choose a table of a ZIP archive. */
  plan: ImportPlan | null;
  mapping: ImportMapping;
  issues: ImportIssue[];
  issueCount: number;
  rejectedRows: number;
  /** Storage key of the CSV of every issue, or null when there are none. */
  reportKey: string | null;
}

/** States from which a job may (re)start: queued, or running when a worker died or BullMQ retries. */
const STARTABLE_STATES: ImportState[] = ['queued', 'running'];

/** Loads an import's row, or returns undefined when it does not exist. */
export async function loadImport(knex: Knex, importId: string): Promise<ImportRow | undefined> {
  return knex('imports')
    .where({ id: importId })
    .first('id', 'datasetId', 'userId', 'storageKey', 'sizeBytes', 'checksumSha256', 'format', 'state', 'rowsTotal', 'counts', 'plan', 'options', 'invalidRows', 'issueCount', 'loadRequestedAt');
}

/** Returns the seq of the change an earlier run of the import committed, or null when none did. */
export async function mergedChangeSeq(knex: Knex, record: Pick<ImportRow, 'id' | 'datasetId'>): Promise<number | null> {
  const change = await knex('dataset_changes').where({ datasetId: record.datasetId, importId: record.id }).first('seq');
  return change ? (change as { seq: number }).seq : null;
}

/**
 * Marks the import running in a phase, and returns false when it was cancelled, completed or is
 * waiting for another step meanwhile. `load` names the job that is starting: the load runs only
 * after the uploader requested it, the analysis only before.
 */
export async function markRunning(knex: Knex, importId: string, phase: ImportPhase, load: boolean): Promise<boolean> {
  const query = knex('imports').where({ id: importId }).whereIn('state', STARTABLE_STATES);
  if (load) query.whereNotNull('loadRequestedAt');
  else query.whereNull('loadRequestedAt');
  const updated = await query
    .update({
      state: 'running',
      phase,
      rowsDone: 0,
      error: null,
      changeSeq: null,
      startedAt: knex.fn.now(),
      finishedAt: null,
      heartbeatAt: knex.fn.now(),
      updatedAt: knex.fn.now(),
      ...(load ? {} : { rowsTotal: null, counts: JSON.stringify({}), issues: JSON.stringify([]), issueCount: 0, reportKey: null }),
    })
    .returning('id');
  return updated.length > 0;
}

/** Stores the analysis and waits for the uploader; returns false when the import was cancelled meanwhile. */
export async function markAwaitingReview(knex: Knex, importId: string, outcome: AnalysisOutcome): Promise<boolean> {
  const updated = await knex('imports')
    .where({ id: importId, state: 'running' })
    .update({
      state: 'awaiting_review',
      phase: 'review',
      format: outcome.mapping.format,
      plan: outcome.plan === null ? null : JSON.stringify(outcome.plan),
      mapping: JSON.stringify(outcome.mapping),
      rowsDone: outcome.mapping.rows,
      rowsTotal: outcome.mapping.rows,
      counts: JSON.stringify({ rows: outcome.mapping.rows, rejectedRows: outcome.rejectedRows }),
      issues: JSON.stringify(outcome.issues),
      issueCount: outcome.issueCount,
      reportKey: outcome.reportKey,
      heartbeatAt: knex.fn.now(),
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
export async function markFailed(knex: Knex, importId: string, failure: ImportFailure): Promise<boolean> {
  const updated = await knex('imports')
    .where({ id: importId })
    .whereIn('state', ['queued', 'running'])
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
    })
    .returning('id');
  return updated.length > 0;
}

/** Puts a running import back in the queue after an unexpected error, before BullMQ retries it. */
export async function markRequeued(knex: Knex, importId: string): Promise<void> {
  await knex('imports')
    .where({ id: importId, state: 'running' })
    .update({ state: 'queued', phase: 'queued', rowsDone: 0, updatedAt: knex.fn.now() });
}
