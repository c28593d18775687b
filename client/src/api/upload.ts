import { Upload, type PreviousUpload } from 'tus-js-client';
import { ApiError } from './api-error.js';
import { API_BASE } from './http.js';

/** Bytes the server has confirmed so far and the size of the file. */
export interface TransferProgress {
  loaded: number;
  total: number;
  /** True when this transfer continues an earlier one of the same file, after a drop or a reload. */
  resumed: boolean;
}

export interface UploadHandle {
  /** Settles with the import id once the last byte is stored, or rejects with an ApiError. */
  done: Promise<string>;
  /** Stops sending; the server keeps what arrived, so the same file can resume later. */
  pause(): void;
}

/** Endpoint of the tus protocol on the portal's own origin. */
export const RESUMABLE_UPLOAD_ENDPOINT = `${API_BASE}/uploads`;

// Waits between attempts after a network error. tus-js-client requests the server's offset before
// each retry, so nothing that arrived is sent twice.
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000];
// Bytes per PATCH request. Each request is acknowledged on its own, so a drop costs at most one.
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Uploads a file into a dataset over the tus resumable upload protocol (tus-js-client). The
 * browser remembers every started upload in localStorage by a fingerprint of the file (name,
 * type, size, last change). Choosing the same file again after a network drop or a page reload
 * continues where the server's copy ends instead of starting over.
 */
export async function uploadImportFile(datasetId: string, file: File, onProgress: (progress: TransferProgress) => void): Promise<UploadHandle> {
  let resumed = false;
  let reject: (error: unknown) => void = () => {};
  let resolve: (importId: string) => void = () => {};
  const done = new Promise<string>((onResolve, onReject) => {
    resolve = onResolve;
    reject = onReject;
  });

  const upload: Upload = new Upload(file, {
    endpoint: RESUMABLE_UPLOAD_ENDPOINT,
    chunkSize: CHUNK_BYTES,
    retryDelays: RETRY_DELAYS_MS,
    metadata: { datasetId, filename: file.name, filetype: file.type || 'application/octet-stream' },
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onProgress: (loaded, total) => onProgress({ loaded, total, resumed }),
    onSuccess: () => resolve(importIdOf(upload.url)),
    onError: (error) => reject(uploadError(error)),
  });

  const previous = await sameDatasetUploads(upload, datasetId);
  if (previous) {
    resumed = true;
    upload.resumeFromPreviousUpload(previous);
  }
  upload.start();
  return { done, pause: () => void upload.abort(false) };
}

async function sameDatasetUploads(upload: Upload, datasetId: string): Promise<PreviousUpload | undefined> {
  try {
    const previous = await upload.findPreviousUploads();
    return previous.find((candidate) => candidate.metadata.datasetId === datasetId);
  } catch {
    // Without localStorage (a private window, say) every upload starts from the beginning.
    return undefined;
  }
}

function importIdOf(url: string | null): string {
  const id = url?.split('/').pop() ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ApiError('unexpected_response', 0, 'The server returned an unexpected address for the upload.');
  return id;
}

function uploadError(error: Error & { originalResponse?: { getStatus(): number; getBody(): string } | null }): ApiError {
  const response = error.originalResponse;
  if (!response) return new ApiError('network', 0, 'The connection to the server was lost, and retrying did not help. Choose the same file again to continue where it stopped.');
  const status = response.getStatus();
  const body = response.getBody().trim();
  return new ApiError(status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'unexpected_response', status, body || `The upload failed with status ${status}.`);
}
