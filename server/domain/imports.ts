import type { ImportFormat, ImportRecord } from '../../common/api/imports.js';
import type { SignedInActor } from '../auth/actor.js';
import type { Dataset } from '../db/models/dataset.js';
import { Import } from '../db/models/import.js';
import { notFound } from '../http/http-error.js';
import { iso, isoOrNull } from './timestamps.js';

export function toImportDto(record: Import): ImportRecord {
  return {
    id: record.id,
    datasetId: record.datasetId,
    userId: record.userId,
    originalName: record.originalName,
    sizeBytes: record.sizeBytes,
    checksumSha256: record.checksumSha256,
    format: record.format,
    state: record.state,
    phase: record.phase,
    rowsDone: record.rowsDone,
    rowsTotal: record.rowsTotal,
    counts: record.counts,
    issueCount: record.issueCount,
    issues: record.issues,
    error: record.error,
    changeSeq: record.changeSeq,
    createdAt: iso(record.createdAt),
    startedAt: isoOrNull(record.startedAt),
    finishedAt: isoOrNull(record.finishedAt),
  };
}

export interface StoredUpload {
  originalName: string;
  storageKey: string;
  sizeBytes: number;
  checksumSha256: string;
  format: ImportFormat;
}

/** Records an uploaded file as a queued import of the dataset. */
export async function createImport(actor: SignedInActor, dataset: Dataset, upload: StoredUpload): Promise<Import> {
  return Import.query().insertAndFetch({
    datasetId: dataset.id,
    userId: actor.id,
    ...upload,
    state: 'queued',
    phase: 'queued',
  });
}

export async function getImport(importId: string): Promise<Import> {
  const record = await Import.query().findById(importId);
  if (!record) throw notFound('Import', importId);
  return record;
}

/** One page of the dataset's imports, newest first, after the import with id `afterId`. */
export async function listImports(datasetId: string, afterId: string | null, limit: number): Promise<Import[]> {
  const query = Import.query()
    .where('datasetId', datasetId)
    .orderBy([{ column: 'createdAt', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(limit + 1);
  if (afterId) query.whereRaw('(created_at, id) < (SELECT created_at, id FROM imports WHERE id = ?)', [afterId]);
  return query;
}
