import type { ImportRecord } from '../../../common/api/imports.js';
import { ApiError, errorFromBody, networkError, unexpectedResponse } from './api-error.js';
import { apiUrl } from './http.js';

/** Bytes sent so far and the size of the request body. */
export interface TransferProgress {
  loaded: number;
  total: number;
}

export interface UploadHandle {
  /** Settles with the queued import, or rejects with an ApiError (code `network` when aborted). */
  done: Promise<ImportRecord>;
  abort(): void;
}

/**
 * Uploads a file into a dataset as multipart field `file`. Uses XMLHttpRequest rather than
 * fetch, because only XMLHttpRequest reports upload progress in every browser.
 */
export function uploadImportFile(datasetId: string, file: File, onProgress: (progress: TransferProgress) => void): UploadHandle {
  const request = new XMLHttpRequest();
  const body = new FormData();
  body.append('file', file, file.name);

  const done = new Promise<ImportRecord>((resolve, reject) => {
    request.upload.addEventListener('progress', (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        const record = parseRecord(request);
        if (record) resolve(record);
        else reject(unexpectedResponse(request.status));
        return;
      }
      reject(errorFromBody(request.status, request.getResponseHeader('content-type'), request.responseText));
    });
    request.addEventListener('error', () => reject(networkError()));
    request.addEventListener('abort', () => reject(new ApiError('network', 0, 'The upload was cancelled.')));
  });

  request.open('POST', apiUrl(`/datasets/${encodeURIComponent(datasetId)}/imports`));
  request.setRequestHeader('Accept', 'application/json');
  request.withCredentials = true;
  request.send(body);

  return { done, abort: () => request.abort() };
}

function parseRecord(request: XMLHttpRequest): ImportRecord | null {
  try {
    return JSON.parse(request.responseText) as ImportRecord;
  } catch {
    return null;
  }
}
