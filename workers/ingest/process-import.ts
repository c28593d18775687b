import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { ImportCounts } from '../../common/api/imports.js';
import type { NotifyDependencies } from '../../server/notifications/notify.js';
import { moduleLogger } from '../../server/observability/logger.js';
import type { RealtimePublisher } from '../../server/realtime/publisher.js';
import { ISSUES_REPORT_SUFFIX, RECORD_SPOOL_SUFFIX, type UploadStore } from '../../server/storage/upload-store.js';
import { SEGMENT_MIN_ROWS } from '../../server/db/location-segments.js';
import { analyseFile, locationOf } from './analyse.js';
import { CsvRecordTooLong } from './csv-source.js';
import { FeatureTooLarge } from './geojson-source.js';
import { ImportAlreadyMerged, ImportCancelled, ImportRejected } from './ingest-errors.js';
import { notifyImportEnded } from './import-notifications.js';
import type { ImportPlan } from './import-plan.js';
import {
  loadImport,
  markAwaitingReview,
  markCompletedFromChange,
  markFailed,
  markRequeued,
  markRunning,
  mergedChangeSeq,
  type AnalysisOutcome,
  type ImportRow,
} from './import-record.js';
import { IssueCollector } from './issue-collector.js';
import { IssuesReportWriter } from './issues-report.js';
import { summariseMapping } from './mapping-summary.js';
import { loadAndMerge } from './merge.js';
import type { ExistingField } from './plan-builder.js';
import { ProgressReporter } from './progress-reporter.js';
import { repeatUploadNote } from './repeat-upload.js';
import { RowNormaliser } from './row-normaliser.js';
import { rowIssuesRejection } from './row-rejection.js';
import { normalisedBatches } from './row-source.js';
import { spooledRecords } from './spooled-records.js';
import { tableChoiceOutcome } from './table-choice.js';
import { ZipArchiveError } from './zip-archive.js';

const log = moduleLogger('ingest');

/** The services an ingest job works with. */
export interface IngestDependencies {
  knex: Knex;
  uploads: UploadStore;
  publisher: RealtimePublisher;
  /** Most issues stored on an import's row (IMPORT_ISSUES_MAX); the report file has them all. */
  issuesMax: number;
  /** Notifies the uploader when the import finished or failed; without it, no one is notified. */
  notify?: NotifyDependencies;
  /** Minimum number of rows for which a load builds a location segment of its own; SEGMENT_MIN_ROWS by default. */
  segmentMinRows?: number;
}

/** The end state of one run of a job. */
export type IngestOutcome =
  | { state: 'completed'; changeSeq: number; counts: ImportCounts | null }
  | { state: 'awaiting_review'; rows: number; issueCount: number }
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
 * Runs the analysis of an uploaded file: reads it whole, proposes the mapping onto the dataset,
 * and, when values may be invalid, reads it once more to list every invalid value (line,
 * column, value, reason) into the import's issues and a downloadable CSV. The import then waits
 * for the uploader's review. A file that cannot be imported at all ends `failed`.
 */
export async function runAnalysis(deps: IngestDependencies, importId: string, attempt: AttemptInfo = { isFinal: true }): Promise<IngestOutcome> {
  const record = await loadImport(deps.knex, importId);
  if (!record) return skip(importId, 'the import does not exist');
  if (!(await markRunning(deps.knex, importId, 'analysing', false))) return skip(importId, `the import is ${record.state}, not waiting for analysis`);

  const reporter = new ProgressReporter(deps.knex, deps.publisher, record, log);
  reporter.startHeartbeat();
  const started = performance.now();
  log.info({ importId, datasetId: record.datasetId, sizeBytes: record.sizeBytes }, 'analysis started');
  try {
    await reporter.startPhase('analysing', null);
    if (record.checksumSha256 === null) await recordChecksum(deps, record);
    // The spool of an earlier analysis, or one a stopped worker left half written, is never read again.
    await removeRecordSpool(deps, record);
    const analysis = await analyseFile({
      file: deps.uploads.pathOf(record.storageKey),
      open: (options) => deps.uploads.openRead(record.storageKey, options),
      existingFields: await existingFieldsOf(deps.knex, record.datasetId),
      overrides: record.options ?? {},
      progress: (rows, fraction) => reporter.advance(rows, fraction),
      recordSpool: { path: recordSpoolPath(deps, record), log: log.child({ importId }) },
    });
    throwIfCancelled(reporter, importId);
    if (analysis.kind === 'table-choice') return await awaitTableChoice(deps, record, tableChoiceOutcome(analysis.tables, analysis.notes), reporter);
    const plan = analysis.plan;
    const repeated = await repeatUploadNote(deps.knex, record);
    if (repeated !== null) plan.notes.push(repeated);

    const outcome = await validate(deps, record, plan, reporter);
    if (!(await markAwaitingReview(deps.knex, importId, outcome))) throw new ImportCancelled(`Import ${importId} was cancelled`);
    await reporter.finish({ state: 'awaiting_review', phase: 'review', rowsDone: plan.rowsTotal, rowsTotal: plan.rowsTotal, counts: { rows: plan.rowsTotal, rejectedRows: outcome.rejectedRows }, issueCount: outcome.issueCount, error: null });
    const seconds = Math.round(performance.now() - started) / 1000;
    log.info({ importId, rows: plan.rowsTotal, issueCount: outcome.issueCount, format: plan.source.format, seconds, phaseSeconds: reporter.phaseSeconds() }, 'analysis finished; waiting for review');
    return { state: 'awaiting_review', rows: plan.rowsTotal, issueCount: outcome.issueCount };
  } catch (error) {
    await reporter.settle();
    return handleFailure(deps, record, reporter, error, attempt);
  }
}

/** Stores the tables of a ZIP archive for the uploader to choose from, and waits for the choice. */
async function awaitTableChoice(deps: IngestDependencies, record: ImportRow, outcome: AnalysisOutcome, reporter: ProgressReporter): Promise<IngestOutcome> {
  if (!(await markAwaitingReview(deps.knex, record.id, outcome))) throw new ImportCancelled(`Import ${record.id} was cancelled`);
  await reporter.finish({ state: 'awaiting_review', phase: 'review', rowsDone: 0, rowsTotal: 0, counts: { rows: 0, rejectedRows: 0 }, issueCount: outcome.issueCount, error: null });
  log.info({ importId: record.id, tables: outcome.mapping.entries.length }, 'analysis found several tables in the ZIP archive; waiting for the uploader to choose one');
  return { state: 'awaiting_review', rows: 0, issueCount: outcome.issueCount };
}

async function validate(deps: IngestDependencies, record: ImportRow, plan: ImportPlan, reporter: ProgressReporter) {
  const mapping = summariseMapping(plan);
  if (plan.expectedIssues === 0 && !plan.needsValidation) {
    return { plan, mapping, issues: [], issueCount: 0, rejectedRows: 0, reportKey: null };
  }

  const reportKey = `${record.storageKey}.${ISSUES_REPORT_SUFFIX}`;
  const report = new IssuesReportWriter(deps.uploads.derivedPath(record.storageKey, ISSUES_REPORT_SUFFIX), plan.source.format);
  const issues = new IssueCollector(deps.issuesMax, (issue) => report.add(issue));
  try {
    await reporter.startPhase('analysing', plan.rowsTotal);
    const normaliser = new RowNormaliser(plan, issues);
    const table = await tableOf(deps, record, plan);
    const batches = normalisedBatches({ ...table, plan, normaliser, progress: (rows) => reporter.advance(rows, rows / Math.max(1, plan.rowsTotal)) });
    for await (const _rows of batches) throwIfCancelled(reporter, record.id);
  } finally {
    await report.close();
  }
  countColumnIssues(mapping, issues);
  return { plan, mapping, issues: issues.issues, issueCount: issues.count, rejectedRows: issues.rejectedRows, reportKey: issues.count > 0 ? reportKey : null };
}

// The profile counts only what it can see without converting; the validation pass is exact.
function countColumnIssues(mapping: ReturnType<typeof summariseMapping>, issues: IssueCollector): void {
  if (issues.count > issues.issues.length) return;
  const byColumn = new Map<string, number>();
  for (const issue of issues.issues) if (issue.column !== null) byColumn.set(issue.column, (byColumn.get(issue.column) ?? 0) + 1);
  for (const column of mapping.columns) column.invalid = byColumn.get(column.header) ?? 0;
}

/**
 * Runs the load of a reviewed import: streams the file through the plan straight into the
 * dataset with COPY, in one transaction. Under the "skip" policy invalid rows are left out;
 * under "reject" any invalid row rolls the load back. Unexpected errors are thrown after the
 * import is put back in the queue, so BullMQ retries; on the final attempt it is marked failed.
 */
export async function runLoad(deps: IngestDependencies, importId: string, attempt: AttemptInfo = { isFinal: true }): Promise<IngestOutcome> {
  const record = await loadImport(deps.knex, importId);
  if (!record) return skip(importId, 'the import does not exist');
  if (record.state === 'cancelled') {
    await removeRecordSpool(deps, record);
    return skip(importId, 'the import was cancelled');
  }

  const committedSeq = await mergedChangeSeq(deps.knex, record);
  if (committedSeq !== null) {
    await removeRecordSpool(deps, record);
    await markCompletedFromChange(deps.knex, importId, committedSeq);
    log.info({ importId, changeSeq: committedSeq }, 'import was already merged; marked completed without loading again');
    return { state: 'completed', changeSeq: committedSeq, counts: null };
  }
  if (!record.plan) return skip(importId, 'the import has not been analysed');
  if (!(await markRunning(deps.knex, importId, 'loading', true))) return skip(importId, `the import is ${record.state}, not waiting for its load`);

  const plan = record.plan;
  const reporter = new ProgressReporter(deps.knex, deps.publisher, record, log);
  reporter.startHeartbeat();
  const started = performance.now();
  log.info({ importId, datasetId: record.datasetId, rows: plan.rowsTotal, invalidRows: record.invalidRows }, 'load started');
  // A review that listed no issue skipped the validation pass, so rows the load leaves out get their report here.
  const report = record.issueCount === 0 ? new IssuesReportWriter(deps.uploads.derivedPath(record.storageKey, ISSUES_REPORT_SUFFIX), plan.source.format) : null;
  try {
    await reporter.startPhase('loading', plan.rowsTotal);
    const issues = new IssueCollector(deps.issuesMax, report ? (issue) => report.add(issue) : undefined);
    const normaliser = new RowNormaliser(plan, issues);
    const reject = record.invalidRows !== 'skip';
    const table = await tableOf(deps, record, plan);
    const batches = normalisedBatches({ ...table, plan, normaliser, progress: (rows) => reporter.advance(rows, rows / Math.max(1, plan.rowsTotal)) });

    const result = await loadAndMerge(
      deps.knex,
      {
        importId,
        datasetId: record.datasetId,
        userId: record.userId,
        plan,
        mapping: summariseMapping(plan),
        spoolPath: deps.uploads.derivedPath(record.storageKey, 'measurements'),
        pointSpoolPath: deps.uploads.derivedPath(record.storageKey, 'points'),
        segmentMinRows: deps.segmentMinRows ?? SEGMENT_MIN_ROWS,
      },
      rejectingInvalid(batches, issues, reject, plan.rowsTotal),
      {
        indexing: () => reporter.startPhase('indexing', plan.rowsTotal),
        checkCancelled: () => throwIfCancelled(reporter, importId),
        counts: () => ({ located: normaliser.located, rejectedRows: issues.rejectedRows }),
        issuesFound: async () => {
          if (!report) return null;
          await report.close();
          if (issues.count === 0) {
            await deps.uploads.removeDerived(record.storageKey, ISSUES_REPORT_SUFFIX);
            return null;
          }
          return { issues: issues.issues, issueCount: issues.count, reportKey: `${record.storageKey}.${ISSUES_REPORT_SUFFIX}` };
        },
      },
    );
    deps.publisher.publishChange(result.change);
    const rows = result.counts.rows ?? 0;
    await reporter.finish({ state: 'completed', rowsDone: rows, rowsTotal: rows, counts: result.counts, issueCount: report ? issues.count : record.issueCount, error: null });
    await notifyImportEnded(deps.notify, record, { state: 'completed', samples: result.counts.samples ?? rows });
    const seconds = Math.round(performance.now() - started) / 1000;
    log.info({ importId, changeSeq: result.change.seq, counts: result.counts, seconds, phaseSeconds: reporter.phaseSeconds(), mergeSeconds: result.stepSeconds }, 'import completed');
    await removeUnpacked(plan);
    await removeRecordSpool(deps, record);
    return { state: 'completed', changeSeq: result.change.seq, counts: result.counts };
  } catch (error) {
    // A failed load keeps its issues on the import without a report, so the partial file goes.
    if (report) {
      await report.close();
      await deps.uploads.removeDerived(record.storageKey, ISSUES_REPORT_SUFFIX);
    }
    await reporter.settle();
    return handleFailure(deps, record, reporter, error, attempt);
  }
}

/** Returns where the load and the validation read the table: through the upload store, unless it came out of a ZIP archive. */
function uploadLocation(deps: IngestDependencies, record: ImportRow, plan: ImportPlan) {
  const location = locationOf({ file: deps.uploads.pathOf(record.storageKey) }, plan.source, false);
  if (plan.source.unpacked !== null || plan.source.entry !== null) return location;
  return { ...location, open: (options: { highWaterMark: number }) => deps.uploads.openRead(record.storageKey, options) };
}

/** Returns the table's location and, for a workbook whose record spool is usable, its spooled records. */
async function tableOf(deps: IngestDependencies, record: ImportRow, plan: ImportPlan) {
  const location = uploadLocation(deps, record, plan);
  const records = await spooledRecords(recordSpoolPath(deps, record), plan, location, log.child({ importId: record.id }));
  return { location, records };
}

function recordSpoolPath(deps: IngestDependencies, record: ImportRow): string {
  return deps.uploads.derivedPath(record.storageKey, RECORD_SPOOL_SUFFIX);
}

/** Removes the import's record spool; a failure to remove it is logged, since it only costs disk space. */
async function removeRecordSpool(deps: IngestDependencies, record: ImportRow): Promise<void> {
  try {
    await deps.uploads.removeDerived(record.storageKey, RECORD_SPOOL_SUFFIX);
  } catch (error) {
    log.warn({ err: error, importId: record.id }, 'removing the record spool failed');
  }
}

/** Passes valid rows on; under "reject", the first invalid row ends the load with the issues found. */
async function* rejectingInvalid<T>(batches: AsyncIterable<T[]>, issues: IssueCollector, reject: boolean, rows: number): AsyncGenerator<T[]> {
  for await (const batch of batches) {
    if (reject && issues.count > 0) throw rowIssuesRejection(issues, rows);
    yield batch;
  }
  if (reject && issues.count > 0) throw rowIssuesRejection(issues, rows);
}

/**
 * Turns an error that is the file's fault into an ImportRejected: a damaged workbook or archive
 * entry, or one that unpacks past the limit, and a CSV record or GeoJSON feature too long to
 * read. Retrying would fail the same way, wherever in the reading it shows.
 */
function asRejection(thrown: unknown): unknown {
  if (thrown instanceof ZipArchiveError) return new ImportRejected(`The file cannot be read: ${thrown.message}.`);
  if (thrown instanceof CsvRecordTooLong || thrown instanceof FeatureTooLarge) return new ImportRejected(thrown.message);
  return thrown;
}

async function handleFailure(deps: IngestDependencies, record: ImportRow, reporter: ProgressReporter, thrown: unknown, attempt: AttemptInfo): Promise<IngestOutcome> {
  const importId = record.id;
  reporter.stopHeartbeat();
  const error = asRejection(thrown);
  // A retry reads the spool again; any other end leaves it unread.
  if (!willRetry(error, attempt)) await removeRecordSpool(deps, record);
  if (error instanceof ImportRejected) {
    await markFailed(deps.knex, importId, { error: error.summary, issues: error.issues, issueCount: error.issueCount, counts: error.counts, mapping: error.mapping });
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

/** Computes the SHA-256 of a file that arrived by resumable upload, whose bytes came in several requests. */
async function recordChecksum(deps: IngestDependencies, record: ImportRow): Promise<void> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(deps.uploads.pathOf(record.storageKey)), hash);
  const checksum = hash.digest('hex');
  await deps.knex('imports').where({ id: record.id }).update({ checksumSha256: checksum });
  record.checksumSha256 = checksum;
}

/** Tells whether handleFailure puts the import back in the queue for BullMQ to run the job again. */
function willRetry(error: unknown, attempt: AttemptInfo): boolean {
  if (error instanceof ImportRejected || error instanceof ImportCancelled || error instanceof ImportAlreadyMerged) return false;
  return !attempt.isFinal;
}

async function removeUnpacked(plan: ImportPlan): Promise<void> {
  if (plan.source.unpacked) await rm(plan.source.unpacked, { force: true });
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
