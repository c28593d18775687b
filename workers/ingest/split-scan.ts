import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { moduleLogger } from '../../server/observability/logger.js';
import type { ProfileSnapshot } from './column-profile.js';
import { guessNewline, type CsvNewline } from './csv-source.js';
import { READ_CHUNK_BYTES, type ByteRange, type TableLocation } from './table-source.js';

/**
 * Size from which the analysis reads a CSV file in two halves at once, the second in a worker
 * thread. On the 2-core development machine a 100 MB file took about 3.1 s in one pass and 2.2 s
 * in two. A worker thread costs about 50 ms to start, so it only pays off for large files.
 */
export const SPLIT_SCAN_MIN_BYTES = 16 * 1024 * 1024;

const log = moduleLogger('ingest');

// How far past the middle of the file the split looks for a line break.
const SPLIT_SEARCH_BYTES = 1024 * 1024;

// The worker thread only streams. A record too large for this heap (up to 8 Mi characters are
// allowed) makes the thread fail, and the whole file is then read in one pass.
const WORKER_HEAP_MB = 64;

/** The two byte ranges of a two-part scan, and the sum of their progress. */
export interface SplitPlan {
  /** The line break both parts are read with. */
  newline: CsvNewline;
  first: ByteRange;
  rest: ByteRange;
  /** The share of the whole file read, from the shares of each part read. */
  fractionOf(first: number, rest: number): number;
}

/** The request that the scan of the second part sends to the worker thread. */
export interface RangeScanRequest {
  location: TableLocation;
  range: ByteRange;
  /** Number of columns of the header, which the first part found. */
  width: number;
  missingCodes: readonly string[];
}

/** The counts of the second part. */
export interface RangeScanResult {
  rows: number;
  brokenRows: number;
  profiles: ProfileSnapshot[];
}

/** Messages of the worker thread. */
export type RangeScanMessage =
  | { kind: 'progress'; rows: number; fraction: number }
  | ({ kind: 'done' } & RangeScanResult)
  | { kind: 'failed'; message: string };

/** A scan of the second part running in a worker thread. */
export interface RangeScan {
  /** Rows and share of the part read so far. */
  rows: number;
  fraction: number;
  /** The part's counts, or null when the worker thread failed. */
  result: Promise<RangeScanResult | null>;
  /** Stops the worker thread, if it still runs. */
  stop(): void;
}

/**
 * Decides whether and where to split a table for a two-part scan: a CSV file of at least
 * `fromBytes`, read straight from disk in UTF-8 or Windows-1252, split just after the first line
 * break past its middle. UTF-16 files are not split, since a byte 0x0A is not a line break there.
 * The line break is the one PapaParse would guess from the file's first chunk, and both parts are
 * read with it, so a part read from the middle cannot guess another.
 */
export async function splitPlan(location: TableLocation, headerRow: number | null, fromBytes: number): Promise<SplitPlan | null> {
  if (location.format !== 'csv' || location.entry !== null || location.range) return null;
  if (location.encoding !== null && location.encoding !== 'utf-8' && location.encoding !== 'windows-1252') return null;
  // A header chosen far down the file might lie past the middle.
  if (headerRow !== null && headerRow > 1000) return null;

  const size = (await stat(location.file)).size;
  if (size < fromBytes) return null;
  const head = await readBytes(location.file, 0, READ_CHUNK_BYTES);
  // Line breaks and quotes are ASCII, so Latin-1 shows them in UTF-8 and Windows-1252 text alike.
  const newline = guessNewline(head.toString('latin1'), location.delimiter ?? ',');
  const middle = Math.floor(size / 2);
  const near = await readBytes(location.file, middle, SPLIT_SEARCH_BYTES);
  const index = near.indexOf(newline, 0, 'latin1');
  if (index < 0) return null;
  const at = middle + index + newline.length;
  if (at >= size) return null;
  return {
    newline,
    first: { start: 0, end: at },
    rest: { start: at, end: size },
    fractionOf: (first, rest) => (first * at + rest * (size - at)) / size,
  };
}

async function readBytes(file: string, from: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, from);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Starts the scan of the second part in a worker thread. `onProgress` is called after each batch
 * the thread reads. The result is null when the thread fails for any reason; the caller then reads
 * the whole file itself.
 */
export function startRangeScan(request: RangeScanRequest, onProgress: () => void): RangeScan {
  const worker = rangeScanWorker(request);
  const scan: RangeScan = {
    rows: 0,
    fraction: 0,
    result: new Promise((resolve) => {
      worker.on('message', (message: RangeScanMessage) => {
        if (message.kind === 'progress') {
          scan.rows = message.rows;
          scan.fraction = message.fraction;
          reportProgress(onProgress);
          return;
        }
        if (message.kind === 'failed') log.warn({ error: message.message, file: request.location.file }, 'the second part of a two-part table scan failed; reading the whole file in one pass');
        resolve(message.kind === 'done' ? message : null);
      });
      worker.on('error', (error) => {
        log.warn({ err: error, file: request.location.file }, 'the second part of a two-part table scan failed; reading the whole file in one pass');
        resolve(null);
      });
      worker.on('exit', () => resolve(null));
    }),
    stop: () => void worker.terminate(),
  };
  return scan;
}

/** Calls a progress callback from an event handler, where an error it throws would crash the process. */
function reportProgress(onProgress: () => void): void {
  try {
    onProgress();
  } catch (error) {
    log.warn({ err: error }, 'reporting the progress of a table scan failed');
  }
}

/**
 * Starts the worker thread on the module beside this one: JavaScript when compiled, TypeScript in
 * development and tests. A worker thread does not take over the TypeScript loader of its process,
 * so there a small script registers tsx's loader in the thread before importing the module.
 */
function rangeScanWorker(request: RangeScanRequest): Worker {
  const options = { workerData: request, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  const extension = path.extname(fileURLToPath(import.meta.url));
  const module = new URL(`./range-scan-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(module, options);
  const bootstrap = `import(${JSON.stringify(tsxLoader())}).then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Returns where tsx's loader API is, resolved from this module. Where import.meta.resolve is
 * missing (vitest), the bare specifier resolves from the working directory, the repository's root.
 */
function tsxLoader(): string {
  return typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
}
