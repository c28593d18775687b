import { failExpiredUpload, findUploadImport, listUploadIdsUnchangedSince } from '../domain/imports.js';
import { moduleLogger } from '../observability/logger.js';
import type { RedisUploadLocker } from './redis-upload-locker.js';
import { isFinished, type TusUploadDirectory, type TusUploadFiles } from './tus-upload-directory.js';
import { handOffFinishedUpload, type UploadHandOffDependencies } from './upload-hand-off.js';
import { publishUploadState } from './upload-progress.js';

const log = moduleLogger('upload-expiry');

/** The services the expiry sweep works with. */
export interface UploadExpiryDependencies extends UploadHandOffDependencies {
  directory: TusUploadDirectory;
  locker: RedisUploadLocker;
  /** UPLOAD_EXPIRY_HOURS: how long an unfinished upload may go without new bytes. */
  expiryHours: number;
}

/** The outcome of one sweep, as lists of upload ids. */
export interface UploadExpiryResult {
  expired: string[];
  /** Finished uploads whose import still waited in `uploading`, handed on to analysis (or failed when that was impossible). */
  handedOff: string[];
  /** Uploads skipped because a request held their lock; the next sweep looks at them again. */
  busy: string[];
  /** Uploads whose expiry failed with an error, which is logged; the next sweep tries again. */
  failed: string[];
}

type UploadFate = 'expired' | 'handedOff' | 'kept' | 'busy' | 'failed';

/**
 * How long a finished upload's files stay unchanged before the sweep hands its import on. The
 * tus server releases the upload's lock before its finish hook runs, and the hook normally
 * finishes within milliseconds, so only an upload whose node stopped is still waiting then.
 */
const FINISH_HOOK_GRACE_MS = 60_000;

/**
 * Removes every unfinished resumable upload that has received no bytes for `expiryHours`: its
 * data and tus metadata files and its Redis lock keys. Its import, when still `uploading`, fails
 * with a message to upload the file again, and viewers of the dataset are notified. The uploads are
 * those with files in the upload directory plus the `uploading` imports whose files never
 * appeared. Each upload is handled under its tus lock, so a sweep on another worker or a request
 * on a server node never works on the same upload at the same time.
 *
 * A finished upload whose import is still `uploading` (its server node stopped before the tus
 * finish hook ran) is handed on to analysis as the hook would have done.
 */
export async function expireStaleUploads(deps: UploadExpiryDependencies, now: Date = new Date()): Promise<UploadExpiryResult> {
  const cutoff = new Date(now.getTime() - deps.expiryHours * 3_600_000);
  const ids = new Set([...(await deps.directory.listIds()), ...(await listUploadIdsUnchangedSince(cutoff))]);
  const result: UploadExpiryResult = { expired: [], handedOff: [], busy: [], failed: [] };

  for (const id of ids) {
    const fate = await sweepUpload(deps, id, cutoff, now).catch((error: unknown): UploadFate => {
      log.error({ err: error, uploadId: id }, 'expiring an upload failed; the next sweep tries again');
      return 'failed';
    });
    if (fate !== 'kept') result[fate].push(id);
  }
  log.info(
    { checked: ids.size, expired: result.expired.length, handedOff: result.handedOff.length, busy: result.busy.length, failed: result.failed.length },
    'expiry sweep of unfinished uploads done',
  );
  return result;
}

/**
 * Expires an unfinished upload at once when it received no bytes for `expiryHours`, so a resume
 * between two sweeps gets 410 Gone. Returns whether it expired. A recent upload costs one file
 * check and no lock.
 */
export async function expireUploadIfStale(deps: UploadExpiryDependencies, id: string, now: Date = new Date()): Promise<boolean> {
  const cutoff = new Date(now.getTime() - deps.expiryHours * 3_600_000);
  const seen = await deps.directory.inspect(id);
  if (!seen || isFinished(seen) || seen.lastWriteAt >= cutoff) return false;

  let expired = false;
  await deps.locker.runIfUnlocked(id, async () => {
    const files = await deps.directory.inspect(id);
    if (files && !isFinished(files)) expired = (await expireIfStale(deps, id, files, cutoff)) === 'expired';
  });
  return expired;
}

/** Returns the message an expired upload's import stores and the upload endpoint sends with 410 Gone. */
export function expiryMessage(expiryHours: number): string {
  const hours = expiryHours === 1 ? '1 hour' : `${expiryHours} hours`;
  return `The upload expired: no bytes arrived for ${hours}, so the server removed the unfinished file. Upload the file again from the start.`;
}

/** Expires a stale unfinished upload, or hands on a finished one that no finish hook handed on, under the upload's lock. */
async function sweepUpload(deps: UploadExpiryDependencies, id: string, cutoff: Date, now: Date): Promise<UploadFate> {
  let fate: UploadFate = 'kept';
  const ran = await deps.locker.runIfUnlocked(id, async () => {
    const files = await deps.directory.inspect(id);
    if (files && isFinished(files)) fate = await handOffIfStranded(deps, files, now);
    else fate = await expireIfStale(deps, id, files, cutoff);
  });
  return ran ? fate : 'busy';
}

/** Hands a finished upload on to analysis when its import still waits in `uploading` after the finish hook's grace period. */
async function handOffIfStranded(deps: UploadExpiryDependencies, files: TusUploadFiles, now: Date): Promise<UploadFate> {
  if (now.getTime() - files.lastWriteAt.getTime() < FINISH_HOOK_GRACE_MS) return 'kept';
  const record = await findUploadImport(files.id);
  if (record?.state !== 'uploading') return 'kept';

  const handOff = await handOffFinishedUpload(deps, files.id, files.storedBytes!);
  if (handOff.kind === 'not_uploading') return 'kept';
  log.warn({ uploadId: files.id, sizeBytes: files.storedBytes, outcome: handOff.kind }, 'handed on a finished upload whose finish hook never ran');
  return 'handedOff';
}

/** Removes an unfinished upload that received no bytes since `cutoff` and fails its import. */
async function expireIfStale(deps: UploadExpiryDependencies, id: string, files: TusUploadFiles | null, cutoff: Date): Promise<UploadFate> {
  const record = files ? null : await findUploadImport(id);
  const lastWriteAt = files?.lastWriteAt ?? record?.updatedAt;
  if (!lastWriteAt || lastWriteAt >= cutoff) return 'kept';

  // The import fails before the files go: a sweep that dies in between leaves files that the
  // next sweep removes, never an import that waits for files that are gone.
  const failed = await failExpiredUpload(id, expiryMessage(deps.expiryHours));
  if (failed) publishUploadState(deps.publisher, failed);
  await deps.directory.remove(id);
  log.info({ uploadId: id, lastWriteAt: lastWriteAt.toISOString(), storedBytes: files?.storedBytes ?? null, importFailed: failed !== undefined }, 'removed an expired upload');
  return 'expired';
}
