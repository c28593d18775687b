import type { Knex } from 'knex';
import type { ImportCounts } from '../../common/api/imports.js';
import type { NotifyDependencies } from '../../server/notifications/notify.js';
import { moduleLogger } from '../../server/observability/logger.js';
import type { RealtimePublisher } from '../../server/realtime/publisher.js';
import type { UploadStore } from '../../server/storage/upload-store.js';
import { analyseFile } from './analyse.js';
import { stagingLine } from './copy-text.js';
import { ImportAlreadyMerged, ImportCancelled, ImportRejected } from './ingest-errors.js';
import { notifyImportEnded } from './import-notifications.js';
import type { ImportPlan } from './import-plan.js';
import {
  loadImport,
  markCompletedFromChange,
  markFailed,
  markRequeued,
  markRunning,
  mergedChangeSeq,
  type ImportRow,
} from './import-record.js';
import { IssueCollector } from './issue-collector.js';
import { summariseMapping } from './mapping-summary.js';
import { mergeStaging, type MergeResult } from './merge.js';
import type { ExistingField } from './plan-builder.js';
import { ProgressReporter } from './progress-reporter.js';
import { RowNormaliser, type StagingRow } from './row-normaliser.js';
import { rowIssuesRejection } from './row-rejection.js';
import { normalisedBatches } from './row-source.js';
import { sampleIdGenerator } from './sample-ids.js';
import { copyIntoStaging, createStagingTable } from './staging-table.js';

const log = moduleLogger('ingest');

/** The services an ingest job works with. */
export interface IngestDependencies {
  knex: Knex;
  uploads: UploadStore;
  publisher: RealtimePublisher;
  /** Most issues stored on a failed import (IMPORT_ISSUES_MAX). */
  issuesMax: number;
  /** Notifies the uploader when the import finished or failed; without it, no one is notified. */
  notify?: NotifyDependencies;
}

/** The end state of one run of the job. */
export type IngestOutcome =
  | { state: 'completed'; changeSeq: number; counts: ImportCounts | null }
  | { state: 'failed'; error: string }
  | { state: 'skipped'; reason: string };

/** Whether BullMQ will run the job again if this attempt throws. */
export interface AttemptInfo {
  isFinal: boolean;
}

// Shown for errors that are the portal's fault; the details go to the log and to Sentry.
const internalError = (importId: string) =>
  `The import failed because of an internal error (reference ${importId}); try again later, and if it fails again tell the portal's administrators.`;

/**
 * Runs the ingest job of one import: analyse the file, load its rows into a staging table and
 * merge them into the dataset in one transaction. A file that cannot be imported ends `failed`
 * with a report and nothing loaded. A run for an import whose merge already committed only marks
 * it completed, and cancelled imports are skipped. Unexpected errors are thrown after the import
 * is put back in the queue, so BullMQ retries; on the final attempt it is marked failed instead.
 */
export async function processImport(deps: IngestDependencies, importId: string, attempt: AttemptInfo = { isFinal: true }): Promise<IngestOutcome> {
  const record = await loadImport(deps.knex, importId);
  if (!record) return skip(importId, 'the import does not exist');
  if (record.state === 'cancelled') return skip(importId, 'the import was cancelled');

  const committedSeq = await mergedChangeSeq(deps.knex, record);
  if (committedSeq !== null) {
    await markCompletedFromChange(deps.knex, importId, committedSeq);
    log.info({ importId, changeSeq: committedSeq }, 'import was already merged; marked completed without loading again');
    return { state: 'completed', changeSeq: committedSeq, counts: null };
  }
  if (record.state === 'completed') return skip(importId, 'the import is already completed');
  if (!(await markRunning(deps.knex, importId))) return skip(importId, 'the import is no longer queued');

  const reporter = new ProgressReporter(deps.knex, deps.publisher, record, log);
  log.info({ importId, datasetId: record.datasetId, sizeBytes: record.sizeBytes }, 'import started');
  try {
    const result = await runImport(deps, record, reporter);
    deps.publisher.publishChange(result.change);
    const rows = result.counts.rows ?? 0;
    await reporter.finish({ state: 'completed', rowsDone: rows, rowsTotal: rows, counts: result.counts, issueCount: 0, error: null });
    await notifyImportEnded(deps.notify, record, { state: 'completed', samples: result.counts.samples ?? rows });
    log.info({ importId, changeSeq: result.change.seq, counts: result.counts, phaseSeconds: reporter.phaseSeconds(), mergeSeconds: result.stepSeconds }, 'import completed');
    return { state: 'completed', changeSeq: result.change.seq, counts: result.counts };
  } catch (error) {
    await reporter.settle();
    return handleFailure(deps, record, reporter, error, attempt);
  }
}

async function runImport(deps: IngestDependencies, record: ImportRow, reporter: ProgressReporter): Promise<MergeResult> {
  await reporter.startPhase('analysing', null);
  const plan = await analyseFile({
    uploads: deps.uploads,
    storageKey: record.storageKey,
    sizeBytes: record.sizeBytes,
    declaredFormat: record.format,
    existingFields: await existingFieldsOf(deps.knex, record.datasetId),
    progress: (rows, fraction) => reporter.advance(rows, fraction),
  });
  throwIfCancelled(reporter, record.id);

  const issues = new IssueCollector(deps.issuesMax);
  try {
    if (plan.expectedIssues > 0) await collectIssues(deps, record, plan, issues, reporter);
    return await loadAndMerge(deps, record, plan, issues, reporter);
  } catch (error) {
    if (error instanceof ImportRejected) error.mapping ??= summariseMapping(plan);
    throw error;
  }
}

/**
 * Reads the file once more without loading, to list the invalid values the analysis counted.
 * The analysis keeps only counts, so this pass finds where they are.
 */
async function collectIssues(deps: IngestDependencies, record: ImportRow, plan: ImportPlan, issues: IssueCollector, reporter: ProgressReporter): Promise<void> {
  const normaliser = new RowNormaliser(plan, issues);
  const batches = normalisedBatches({ ...sourceOf(deps, record), plan, normaliser, progress: (rows, fraction) => reporter.advance(rows, fraction) });
  for await (const _rows of batches) throwIfCancelled(reporter, record.id);
  if (issues.count > 0) throw rowIssuesRejection(issues, plan.rowsTotal);
}

async function loadAndMerge(deps: IngestDependencies, record: ImportRow, plan: ImportPlan, issues: IssueCollector, reporter: ProgressReporter): Promise<MergeResult> {
  await reporter.startPhase('loading', plan.rowsTotal);
  const normaliser = new RowNormaliser(plan, issues);

  return deps.knex.transaction(async (trx) => {
    await createStagingTable(trx);
    const batches = normalisedBatches({ ...sourceOf(deps, record), plan, normaliser, progress: (rows) => reporter.advance(rows, rows / plan.rowsTotal) });
    const loaded = { rows: 0 };
    await copyIntoStaging(trx, copyChunks(batches, loaded, issues, reporter, record.id));
    if (issues.count > 0) throw rowIssuesRejection(issues, plan.rowsTotal);

    await reporter.startPhase('merging', plan.rowsTotal);
    return mergeStaging(trx, {
      importId: record.id,
      datasetId: record.datasetId,
      userId: record.userId,
      newFields: plan.newFields,
      widenedFields: plan.widenedFields,
      rows: plan.rowsTotal,
      loaded: loaded.rows,
      located: normaliser.located,
      hasQualifiedValues: normaliser.qualifiedValues > 0,
      mapping: summariseMapping(plan),
    });
  });
}

/**
 * Encodes normalised batches as COPY text. Once a row is invalid, nothing more is sent. The file
 * is still read to the end, so the report lists every issue, and the caller then rolls back.
 */
async function* copyChunks(
  batches: AsyncIterable<StagingRow[]>,
  loaded: { rows: number },
  issues: IssueCollector,
  reporter: ProgressReporter,
  importId: string,
): AsyncGenerator<string> {
  const nextId = sampleIdGenerator();
  for await (const rows of batches) {
    throwIfCancelled(reporter, importId);
    if (issues.count > 0 || rows.length === 0) continue;

    let text = '';
    for (const row of rows) text += stagingLine(nextId(), row);
    loaded.rows += rows.length;
    yield text;
  }
}

async function handleFailure(deps: IngestDependencies, record: ImportRow, reporter: ProgressReporter, error: unknown, attempt: AttemptInfo): Promise<IngestOutcome> {
  const importId = record.id;
  if (error instanceof ImportRejected) {
    await markFailed(deps.knex, importId, {
      error: error.summary,
      issues: error.issues,
      issueCount: error.issueCount,
      counts: error.counts,
      mapping: error.mapping,
    });
    await reporter.finish({ state: 'failed', rowsDone: 0, rowsTotal: error.counts.rows ?? null, counts: error.counts, issueCount: error.issueCount, error: error.summary });
    await notifyImportEnded(deps.notify, record, { state: 'failed', error: error.summary });
    log.info({ importId, issueCount: error.issueCount, reason: error.summary }, 'import rejected');
    return { state: 'failed', error: error.summary };
  }
  if (error instanceof ImportCancelled) {
    log.info({ importId }, 'import stopped because it was cancelled');
    return skip(importId, 'the import was cancelled while running');
  }
  if (error instanceof ImportAlreadyMerged) {
    const seq = await mergedChangeSeq(deps.knex, record);
    if (seq !== null) await markCompletedFromChange(deps.knex, importId, seq);
    log.info({ importId, changeSeq: seq }, 'another run merged the import first');
    return { state: 'completed', changeSeq: seq ?? 0, counts: null };
  }

  log.error({ err: error, importId, finalAttempt: attempt.isFinal }, 'import failed with an unexpected error');
  if (attempt.isFinal) {
    const message = internalError(importId);
    await markFailed(deps.knex, importId, { error: message, issues: [], issueCount: 0, counts: {}, mapping: null });
    await reporter.finish({ state: 'failed', rowsDone: 0, rowsTotal: null, counts: {}, issueCount: 0, error: message });
    await notifyImportEnded(deps.notify, record, { state: 'failed', error: message });
  } else {
    await markRequeued(deps.knex, importId);
    await reporter.finish({ state: 'queued', phase: 'queued', rowsDone: 0, rowsTotal: null, counts: {}, issueCount: 0, error: null });
  }
  throw error;
}

function sourceOf(deps: IngestDependencies, record: ImportRow) {
  return { uploads: deps.uploads, storageKey: record.storageKey, sizeBytes: record.sizeBytes };
}

function throwIfCancelled(reporter: ProgressReporter, importId: string): void {
  if (reporter.cancelled) throw new ImportCancelled(`Import ${importId} was cancelled`);
}

async function existingFieldsOf(knex: Knex, datasetId: string): Promise<Map<string, ExistingField>> {
  const rows: ExistingField[] = await knex('dataset_fields').where({ datasetId }).select('key', 'label', 'type', 'unit');
  return new Map(rows.map((field) => [field.key, field]));
}

function skip(importId: string, reason: string): IngestOutcome {
  log.info({ importId, reason }, 'import skipped');
  return { state: 'skipped', reason };
}
