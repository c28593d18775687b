import { failExpiredUpload, findUploadImport, listUploadIdsUnchangedSince } from '../domain/imports.js';
import type { Import } from '../db/models/import.js';
import { moduleLogger } from '../observability/logger.js';
import type { RealtimePublisher } from '../realtime/publisher.js';
import type { RedisUploadLocker } from './redis-upload-locker.js';
import { isFinished, type TusUploadDirectory } from './tus-upload-directory.js';

const log = moduleLogger('upload-expiry');

/** The services the expiry sweep works with. */
export interface UploadExpiryDependencies {
  directory: TusUploadDirectory;
  locker: RedisUploadLocker;
  publisher: RealtimePublisher;
  /** UPLOAD_EXPIRY_HOURS: how long an unfinished upload may go without new bytes. */
  expiryHours: number;
}

/** The outcome of one sweep, as lists of upload ids. */
export interface UploadExpiryResult {
  expired: string[];
  /** Uploads skipped because a request held their lock; the next sweep looks at them again. */
  busy: string[];
  /** Uploads whose expiry failed with an error, which is logged; the next sweep tries again. */
  failed: string[];
}

type UploadFate = 'expired' | 'kept' | 'busy' | 'failed';

/**
 * Removes every unfinished resumable upload that has received no bytes for `expiryHours`: its
 * data and tus metadata files and its Redis lock keys. Its import, when still `uploading`, fails
 * with a message to upload the file again, and viewers of the dataset are notified. The uploads are
 * those with files in the upload directory plus the `uploading` imports whose files never
 * appeared. Each upload is handled under its tus lock, so a sweep on another worker or a request
 * on a server node never works on the same upload at the same time.
 */
export async function expireStaleUploads(deps: UploadExpiryDependencies, now: Date = new Date()): Promise<UploadExpiryResult> {
  const cutoff = new Date(now.getTime() - deps.expiryHours * 3_600_000);
  // TODO: a finished upload whose node stopped before its finish hook ran leaves its import in
  // `uploading`. The sweep keeps finished files, so it never fails or re-queues that import.
  const ids = new Set([...(await deps.directory.listIds()), ...(await listUploadIdsUnchangedSince(cutoff))]);
  const result: UploadExpiryResult = { expired: [], busy: [], failed: [] };

  for (const id of ids) {
    const fate = await expireIfStale(deps, id, cutoff).catch((error: unknown): UploadFate => {
      log.error({ err: error, uploadId: id }, 'expiring an upload failed; the next sweep tries again');
      return 'failed';
    });
    if (fate !== 'kept') result[fate].push(id);
  }
  log.info({ checked: ids.size, expired: result.expired.length, busy: result.busy.length, failed: result.failed.length }, 'expiry sweep of unfinished uploads done');
  return result;
}

/** Returns the message an expired upload's import stores and the upload endpoint sends with 410 Gone. */
export function expiryMessage(expiryHours: number): string {
  const hours = expiryHours === 1 ? '1 hour' : `${expiryHours} hours`;
  return `The upload expired: no bytes arrived for ${hours}, so the server removed the unfinished file. Upload the file again from the start.`;
}

async function expireIfStale(deps: UploadExpiryDependencies, id: string, cutoff: Date): Promise<UploadFate> {
  let fate: UploadFate = 'kept';
  const ran = await deps.locker.runIfUnlocked(id, async () => {
    const files = await deps.directory.inspect(id);
    if (files && isFinished(files)) return;
    const record = files ? null : await findUploadImport(id);
    const lastWriteAt = files?.lastWriteAt ?? record?.updatedAt;
    if (!lastWriteAt || lastWriteAt >= cutoff) return;

    // The import fails before the files go: a sweep that dies in between leaves files that the
    // next sweep removes, never an import that waits for files that are gone.
    const failed = await failExpiredUpload(id, expiryMessage(deps.expiryHours));
    if (failed) publishFailure(deps.publisher, failed);
    await deps.directory.remove(id);
    fate = 'expired';
    log.info({ uploadId: id, lastWriteAt: lastWriteAt.toISOString(), storedBytes: files?.storedBytes ?? null, importFailed: failed !== undefined }, 'removed an expired upload');
  });
  return ran ? fate : 'busy';
}

function publishFailure(publisher: RealtimePublisher, record: Import): void {
  publisher.publishImportProgress(
    {
      importId: record.id,
      datasetId: record.datasetId,
      state: record.state,
      phase: record.phase,
      rowsDone: 0,
      rowsTotal: null,
      ratePerSecond: null,
      etaSeconds: null,
      counts: record.counts,
      issueCount: record.issueCount,
      error: record.error,
      bytesReceived: record.bytesReceived,
    },
    record.userId,
  );
}
