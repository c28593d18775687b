import type { ReadStream } from 'node:fs';
import type { UploadStore } from '../../server/storage/upload-store.js';
import type { TextEncoding } from './format-sniffer.js';

/**
 * Bytes read from an upload at a time. Each chunk becomes one batch of rows, and a batch of about
 * a thousand rows dies young in V8's heap. With 1 MiB chunks, the load pass of a million-row CSV
 * took twice as long (measured with bench/), mostly collecting rows that outlived a scavenge.
 */
export const READ_CHUNK_BYTES = 128 * 1024;

/** Opens an upload as a stream of text chunks in the given encoding. */
export function openTextStream(uploads: UploadStore, storageKey: string, encoding: TextEncoding): ReadStream {
  const stream = uploads.openRead(storageKey, { highWaterMark: READ_CHUNK_BYTES });
  stream.setEncoding(encoding);
  return stream;
}
