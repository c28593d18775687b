import { defaultOptions, Upload, type DetailedError, type HttpResponse, type PreviousUpload } from 'tus-js-client';
import { ApiError, errorFromBody } from './api-error.js';
import { API_BASE } from './http.js';
import { fetchImport } from './imports.js';

/** Bytes the server has confirmed so far and the size of the file. */
export interface TransferProgress {
  loaded: number;
  total: number;
  /** True when this transfer continues an earlier one of the same file, after a drop or a reload. */
  resumed: boolean;
  /** True from a failed request until bytes arrive again, while the upload retries. */
  retrying: boolean;
}

export interface UploadHandle {
  /** Settles with the import id once the last byte is stored, or rejects with an ApiError. */
  done: Promise<string>;
  /** Stops sending; the server keeps what arrived, so the same file can resume later. */
  pause(): void;
}

/**
 * The server removed an unfinished upload because no bytes arrived for too long (HTTP 410 Gone).
 * The browser has forgotten it too, so the next upload of the file starts from the beginning.
 */
export class UploadExpiredError extends ApiError {
  override name = 'UploadExpiredError';

  constructor(message: string) {
    super('not_found', 410, message);
  }
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
  let lastProgress = { loaded: 0, total: file.size };
  // Bytes confirmed when a request last failed. The upload is retrying until more arrive.
  let failedAt: number | null = null;
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
    onProgress: (loaded, total) => {
      lastProgress = { loaded, total };
      if (failedAt !== null && loaded > failedAt) failedAt = null;
      onProgress({ loaded, total, resumed, retrying: failedAt !== null });
    },
    onSuccess: () => resolve(importIdOf(upload.url)),
    // tus-js-client reacts to a failed HEAD request by starting a new upload silently, so a 410
    // becomes an error here, which neither retries nor starts over.
    onAfterResponse: (_request, response) => {
      if (response.getStatus() === 410) throw new UploadExpiredError(hasBody(response) ? responseError(response).message : '');
    },
    onShouldRetry: (error) => {
      const retry = !(error.causingError instanceof UploadExpiredError) && isRetryable(error);
      // The form shows that the connection failed and is being retried, instead of a stalled bar.
      if (retry) {
        failedAt = lastProgress.loaded;
        onProgress({ ...lastProgress, resumed, retrying: true });
      }
      return retry;
    },
    onError: (error) => void failUpload(upload, error).then(reject),
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

/** Returns the error to report for a failed upload, after forgetting an upload that expired. */
async function failUpload(upload: Upload, error: Error | DetailedError): Promise<ApiError> {
  const cause = 'causingError' in error ? error.causingError : null;
  if (!(cause instanceof UploadExpiredError)) return uploadError(error);
  await forgetUpload(upload);
  // A 410 to a HEAD request has no body, so the reason comes from the import the upload fed.
  return cause.message === '' ? new UploadExpiredError(await expiryReason(upload.url)) : cause;
}

async function expiryReason(url: string | null): Promise<string> {
  try {
    const record = await fetchImport(importIdOf(url));
    if (record.error) return record.error;
  } catch {
    // The general message below also names the next step.
  }
  return 'The upload expired, so the server removed the unfinished file. Upload the file again from the start.';
}

/** Removes the browser's record of an upload, so choosing the file again starts a new one. */
async function forgetUpload(upload: Upload): Promise<void> {
  try {
    const stored = await upload.findPreviousUploads();
    const expired = stored.filter((previous) => previous.uploadUrl === upload.url);
    await Promise.all(expired.map((previous) => defaultOptions.urlStorage.removeUpload(previous.urlStorageKey)));
  } catch {
    // Without localStorage nothing was stored.
  }
}

/** tus-js-client's default retry rule: not after a client error other than 409 and 423, and not offline. */
function isRetryable(error: DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  const clientError = status >= 400 && status < 500 && status !== 409 && status !== 423;
  return !clientError && navigator.onLine !== false;
}

function importIdOf(url: string | null): string {
  const id = url?.split('/').pop() ?? '';
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ApiError('unexpected_response', 0, 'The server returned an unexpected address for the upload.');
  return id;
}

function uploadError(error: Error & { originalResponse?: HttpResponse | null }): ApiError {
  const response = error.originalResponse;
  if (!response) return new ApiError('network', 0, 'The connection to the server was lost, and retrying did not help. Choose the same file again to continue where it stopped.');
  return responseError(response);
}

/** Reads the error of a failed upload request from its problem+json body, as for every other API request. */
function responseError(response: HttpResponse): ApiError {
  return errorFromBody(response.getStatus(), response.getHeader('content-type') ?? null, response.getBody() ?? '');
}

function hasBody(response: HttpResponse): boolean {
  return (response.getBody() ?? '').trim() !== '';
}
