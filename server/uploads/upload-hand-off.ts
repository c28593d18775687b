import type { Queue } from 'bullmq';
import type { Import } from '../db/models/import.js';
import { completeUpload, failUnqueuedImport } from '../domain/imports.js';
import { enqueueAnalysis, type IngestJobData } from '../jobs/queues.js';
import { moduleLogger } from '../observability/logger.js';
import type { RealtimePublisher } from '../realtime/publisher.js';
import { publishUploadState } from './upload-progress.js';

const log = moduleLogger('upload-hand-off');

/** Services that the hand-off of a finished upload to analysis uses. */
export interface UploadHandOffDependencies {
  ingestQueue: Queue<IngestJobData>;
  publisher: RealtimePublisher;
}

/** The outcome of a hand-off. */
export type UploadHandOff =
  /** The import is queued for analysis. */
  | { kind: 'queued'; record: Import }
  /** The analysis job could not be queued, so the import failed with a message to upload again. */
  | { kind: 'failed'; record: Import }
  /** The import no longer waited for its upload: it was cancelled, or another caller handed it on first. */
  | { kind: 'not_uploading' };

const QUEUE_FAILED_MESSAGE = 'The file arrived, but its analysis could not be queued, and the error was logged. Upload the file again.';

/**
 * Hands a resumable upload whose bytes have all arrived on to analysis: moves its import from
 * `uploading` to `queued`, then queues the analysis job. The tus finish hook and the expiry
 * sweep both call this. The state change is a conditional update, so only one of them queues
 * the job, however they interleave.
 */
export async function handOffFinishedUpload(deps: UploadHandOffDependencies, uploadId: string, sizeBytes: number): Promise<UploadHandOff> {
  const record = await completeUpload(uploadId, sizeBytes);
  if (!record) return { kind: 'not_uploading' };

  try {
    await enqueueAnalysis(deps.ingestQueue, record.id, record.revision);
  } catch (error) {
    log.error({ err: error, importId: record.id }, 'queueing the analysis of a finished upload failed; the import fails');
    const failed = await failUnqueuedImport(record.id, QUEUE_FAILED_MESSAGE);
    if (!failed) return { kind: 'not_uploading' };
    publishUploadState(deps.publisher, failed);
    return { kind: 'failed', record: failed };
  }

  publishUploadState(deps.publisher, record);
  log.info({ importId: record.id, sizeBytes }, 'resumable upload complete; queued for analysis');
  return { kind: 'queued', record };
}
