import { awaitsTableChoice, type ImportFormat, type ImportMappingUpdate, type ImportRecord, type ImportState, type InvalidRowPolicy } from '../../common/api/imports.js';
import type { SignedInActor } from '../auth/actor.js';
import type { Dataset } from '../db/models/dataset.js';
import { Import } from '../db/models/import.js';
import { HttpError, notFound } from '../http/http-error.js';
import { iso, isoOrNull } from './timestamps.js';

/** States in which an import still changes: it may be cancelled in any of them. */
export const UNFINISHED_STATES: readonly ImportState[] = ['uploading', 'queued', 'running', 'awaiting_review'];

/**
 * Converts an import to its API form. A running import whose worker wrote no heartbeat for
 * `stallSeconds` is reported as stalled: its worker died or hangs, and BullMQ will hand the job to
 * another worker once its lock expires, or fail it.
 */
export function toImportDto(record: Import, stallSeconds: number, now: number = Date.now()): ImportRecord {
  const heartbeat = record.heartbeatAt ? new Date(record.heartbeatAt).getTime() : null;
  const stalled = record.state === 'running' && heartbeat !== null && now - heartbeat > stallSeconds * 1000;
  return {
    id: record.id,
    datasetId: record.datasetId,
    userId: record.userId,
    originalName: record.originalName,
    sizeBytes: record.sizeBytes,
    bytesReceived: record.bytesReceived,
    checksumSha256: record.checksumSha256,
    format: record.format,
    state: record.state,
    phase: record.phase,
    stalled,
    heartbeatAt: isoOrNull(record.heartbeatAt),
    rowsDone: record.rowsDone,
    rowsTotal: record.rowsTotal,
    counts: record.counts,
    issueCount: record.issueCount,
    issues: record.issues,
    reportAvailable: record.reportKey !== null,
    mapping: record.mapping,
    invalidRows: record.invalidRows,
    error: record.error,
    changeSeq: record.changeSeq,
    createdAt: iso(record.createdAt),
    startedAt: isoOrNull(record.startedAt),
    finishedAt: isoOrNull(record.finishedAt),
  };
}

/** A file stored completely, with its checksum, ready for analysis. */
export interface StoredUpload {
  originalName: string;
  storageKey: string;
  sizeBytes: number;
  checksumSha256: string;
  format: ImportFormat | null;
}

/** Records a completely uploaded file (a multipart upload) as an import queued for analysis. */
export async function createImport(actor: SignedInActor, dataset: Dataset, upload: StoredUpload): Promise<Import> {
  return Import.query().insertAndFetch({
    datasetId: dataset.id,
    userId: actor.id,
    ...upload,
    bytesReceived: upload.sizeBytes,
    state: 'queued',
    phase: 'queued',
  });
}

/** A resumable upload that has been created but whose bytes are still arriving. */
export interface PendingUpload {
  uploadId: string;
  originalName: string;
  storageKey: string;
  sizeBytes: number;
  format: ImportFormat | null;
}

/**
 * Records a resumable upload as an import in the `uploading` state, so viewers see the transfer.
 * The import takes the upload's id, so a client knows it from the upload URL.
 */
export async function createUploadingImport(actor: SignedInActor, dataset: Dataset, upload: PendingUpload): Promise<Import> {
  return Import.query().insertAndFetch({
    id: upload.uploadId,
    datasetId: dataset.id,
    userId: actor.id,
    ...upload,
    checksumSha256: null,
    bytesReceived: 0,
    state: 'uploading',
    phase: 'uploading',
  });
}

/** Finds the import of a resumable upload, or returns undefined. */
export async function findUploadImport(uploadId: string): Promise<Import | undefined> {
  return Import.query().findOne({ uploadId });
}

/** Records how many bytes of a resumable upload have arrived; returns false when it is no longer uploading. */
export async function recordUploadProgress(uploadId: string, bytesReceived: number): Promise<boolean> {
  const updated = await Import.query().patch({ bytesReceived }).where({ uploadId, state: 'uploading' });
  return updated > 0;
}

/**
 * Marks a resumable upload complete and queued for analysis; the worker records its checksum.
 * The update applies only to an `uploading` import, so of two callers only one gets the import.
 * Returns the import, or undefined when it was cancelled or is already queued.
 */
export async function completeUpload(uploadId: string, sizeBytes: number): Promise<Import | undefined> {
  const [updated] = await Import.query()
    .patch({ bytesReceived: sizeBytes, sizeBytes, state: 'queued', phase: 'queued' })
    .where({ uploadId, state: 'uploading' })
    .returning('*');
  return updated as Import | undefined;
}

/**
 * Marks a queued import failed with `message`, for an upload whose analysis job could not be
 * queued. Returns the import, or undefined when it is no longer queued.
 */
export async function failUnqueuedImport(importId: string, message: string): Promise<Import | undefined> {
  const [updated] = await Import.query()
    .patch({ state: 'failed', phase: 'done', error: message, finishedAt: new Date() } as Partial<Import>)
    .where({ id: importId, state: 'queued' })
    .returning('*');
  return updated as Import | undefined;
}

/** Lists the upload ids of imports still `uploading` whose row has not changed since `before`. */
export async function listUploadIdsUnchangedSince(before: Date): Promise<string[]> {
  const rows = await Import.query().select('uploadId').where({ state: 'uploading' }).whereNotNull('uploadId').where('updatedAt', '<', before);
  return rows.map((row) => row.uploadId!);
}

/**
 * Marks the import of an abandoned resumable upload failed with `message`, which the upload
 * endpoint then returns to a client that tries to resume it. Returns the import, or undefined
 * when it is no longer uploading.
 */
export async function failExpiredUpload(uploadId: string, message: string): Promise<Import | undefined> {
  const [updated] = await Import.query()
    .patch({ state: 'failed', phase: 'done', error: message, finishedAt: new Date() } as Partial<Import>)
    .where({ uploadId, state: 'uploading' })
    .returning('*');
  return updated as Import | undefined;
}

/**
 * Tells whether an import's upload ended before all its bytes arrived and was removed. Only the
 * expiry of abandoned uploads fails an import in the `uploading` state. The jobs fail an import
 * only after its upload is complete, and a cancelled import stays `cancelled`.
 */
export function isExpiredUpload(record: Import): boolean {
  return record.state === 'failed' && record.uploadId !== null && record.bytesReceived < record.sizeBytes;
}

export async function getImport(importId: string): Promise<Import> {
  const record = await Import.query().findById(importId);
  if (!record) throw notFound('Import', importId);
  return record;
}

/**
 * Stores the uploader's changes to the proposed mapping (merged with earlier changes) and puts the
 * import back in the queue for analysis. Allowed while the import waits for review, and after an
 * analysis failed, since a wrong delimiter, encoding or header row is often why it did.
 */
export async function updateMapping(record: Import, update: ImportMappingUpdate): Promise<Import> {
  if (record.state !== 'awaiting_review' && !(record.state === 'failed' && record.loadRequestedAt === null)) {
    throw new HttpError('conflict', `The mapping can only be changed while the import waits for review; it is ${record.state}.`);
  }
  if (isExpiredUpload(record)) throw new HttpError('conflict', 'The upload of this file never finished and was removed, so it cannot be analysed; upload the file again.');
  const options = mergeOptions(record.options ?? {}, update);
  requireDistinctNumberMarks(options);
  const [updated] = await Import.query()
    .patch({
      options,
      revision: record.revision + 1,
      state: 'queued',
      // Queued for analysis: the phase names the job the import waits for.
      phase: 'analysing',
      error: null,
      finishedAt: null,
    } as Partial<Import>)
    .where({ id: record.id, state: record.state })
    .returning('*');
  if (!updated) throw new HttpError('conflict', 'The import changed meanwhile; read it again and repeat the change.');
  return updated as Import;
}

/**
 * Rejects a decimal mark that is also chosen as the thousands separator, which would read 1,5 as
 * 15 in one column and 1.5 in the next without a word.
 */
function requireDistinctNumberMarks(options: ImportMappingUpdate): void {
  if (options.decimalMark === undefined || options.decimalMark !== options.thousandsSeparator) return;
  throw new HttpError(
    'validation_failed',
    `"${options.decimalMark}" cannot be both the decimal mark and the thousands separator. Choose another thousands separator, or none.`,
    [{ field: 'body.thousandsSeparator', message: 'equals the decimal mark' }],
  );
}

/**
 * Starts the load of a reviewed import. With invalid rows, the uploader must choose to leave them
 * out ("skip"); "reject" would load nothing, which is what cancelling the import does.
 */
export async function requestLoad(record: Import, invalidRows: InvalidRowPolicy): Promise<Import> {
  if (record.state !== 'awaiting_review') throw new HttpError('conflict', `Only an import that waits for review can be started; it is ${record.state}.`);
  if (awaitsTableChoice(record.mapping)) {
    throw new HttpError('conflict', 'The ZIP archive contains several tables; choose the one to import with {"entry": path} in PATCH /imports/{importId}/mapping first.');
  }
  if (record.issueCount > 0 && invalidRows === 'reject') {
    throw new HttpError(
      'conflict',
      `${record.issueCount} values or rows of the file are invalid. Start with {"invalidRows": "skip"} to load the valid rows, fix the mapping, or cancel the import to load nothing.`,
    );
  }
  const [updated] = await Import.query()
    .patch({ state: 'queued', phase: 'loading', rowsDone: 0, invalidRows, loadRequestedAt: new Date() } as Partial<Import>)
    .where({ id: record.id, state: 'awaiting_review' })
    .returning('*');
  if (!updated) throw new HttpError('conflict', 'The import changed meanwhile; read it again.');
  return updated as Import;
}

/**
 * Cancels an import that has not finished. A running load notices at its next progress write and
 * rolls back. A load that commits first stays completed, and the cancel then fails with 409.
 */
export async function cancelImport(record: Import): Promise<Import> {
  if (!UNFINISHED_STATES.includes(record.state)) throw new HttpError('conflict', `The import is already ${record.state}.`);
  const [updated] = await Import.query()
    .patch({ state: 'cancelled', phase: 'done', finishedAt: new Date() } as Partial<Import>)
    .where({ id: record.id })
    .whereIn('state', [...UNFINISHED_STATES])
    .returning('*');
  if (!updated) throw new HttpError('conflict', 'The import finished before it could be cancelled.');
  return updated as Import;
}

/** Returns one page of the dataset's imports, newest first, after the import with id `afterId`. */
export async function listImports(datasetId: string, afterId: string | null, limit: number): Promise<Import[]> {
  const query = Import.query()
    .where('datasetId', datasetId)
    .orderBy([{ column: 'createdAt', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit + 1);
  if (afterId) query.whereRaw('(created_at, id) < (SELECT created_at, id FROM imports WHERE id = ?)', [afterId]);
  return query;
}

/**
 * Adds the uploader's changes to the earlier ones. Choosing another table of a ZIP archive starts
 * over, because the earlier changes described the previous table's columns and layout.
 */
function mergeOptions(current: ImportMappingUpdate, update: ImportMappingUpdate): ImportMappingUpdate {
  if (update.entry !== undefined && update.entry !== current.entry) return update;
  const columns = new Map((current.columns ?? []).map((column) => [column.index, column]));
  for (const column of update.columns ?? []) columns.set(column.index, { ...columns.get(column.index), ...column });
  const merged: ImportMappingUpdate = { ...current, ...update };
  if (columns.size > 0) merged.columns = [...columns.values()].sort((a, b) => a.index - b.index);
  return merged;
}
