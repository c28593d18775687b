import { open, rm, type FileHandle } from 'node:fs/promises';
import {
  batchOfFrame,
  decodeFrame,
  FRAME_PREFIX_BYTES,
  RecordSpoolError,
  sameSpoolSource,
  SPOOL_MAGIC,
  type RecordSpoolStamp,
  type SpoolFrame,
  type SpoolSource,
} from './record-spool.js';
import type { RecordBatch } from './table-source.js';

/** The batches of a usable spool, or why the spool cannot be used. */
export type SpoolOpening = { kind: 'ready'; batches: AsyncGenerator<RecordBatch> } | { kind: 'unusable'; reason: string };

/**
 * Checks that the record spool at `path` is the complete spool that `stamp` describes (same token
 * and size) and that it was read from `source`, and returns its batches. A spool that fails these
 * checks is removed and reported unusable. The file is opened again when the batches are first
 * read, so batches that are never read hold no file open. A spool found damaged while its
 * batches are read is removed too, and the batches throw RecordSpoolError, so a retry of the
 * pass reads the table file.
 */
export async function openRecordSpool(path: string, stamp: RecordSpoolStamp, source: SpoolSource): Promise<SpoolOpening> {
  const checked = await openChecked(path, stamp, source);
  if (typeof checked === 'string') {
    await rm(path, { force: true });
    return { kind: 'unusable', reason: checked };
  }
  await checked.close();
  return { kind: 'ready', batches: spooledBatches(path, stamp, source) };
}

/** Opens the spool and returns a reader after its header when it matches `stamp` and `source`, or why it does not. */
async function openChecked(path: string, stamp: RecordSpoolStamp, source: SpoolSource): Promise<FrameReader | string> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return missing ? 'the spool file is missing' : `the spool file cannot be opened: ${(error as Error).message}`;
  }
  const checked = await checkSpool(handle, stamp, source).catch((error: unknown) => `the spool file cannot be read: ${(error as Error).message}`);
  if (typeof checked === 'string') await handle.close();
  return checked;
}

async function checkSpool(handle: FileHandle, stamp: RecordSpoolStamp, source: SpoolSource): Promise<FrameReader | string> {
  const size = (await handle.stat()).size;
  if (size !== stamp.bytes) return `the spool file has ${size} bytes, but the analysis wrote ${stamp.bytes}`;

  const reader = new FrameReader(handle, size);
  const magic = await reader.read(SPOOL_MAGIC.length);
  if (!magic.equals(SPOOL_MAGIC)) return 'the file is not a record spool of this version';
  const header = await reader.next();
  if (header?.type !== 'header') return 'the spool file does not start with a header frame';
  if (header.token !== stamp.token) return 'another analysis wrote the spool file';
  if (!sameSpoolSource(header.source, source)) return 'the spool file was read from another table';
  return reader;
}

/** Yields the batches of the frames after the header, checking the end frame against the stamp. */
async function* spooledBatches(path: string, stamp: RecordSpoolStamp, source: SpoolSource): AsyncGenerator<RecordBatch> {
  let frames = 0;
  let records = 0;
  let reader: FrameReader | null = null;
  try {
    const checked = await openChecked(path, stamp, source);
    if (typeof checked === 'string') throw new RecordSpoolError(`the spool file changed after it was checked: ${checked}`);
    reader = checked;
    for (;;) {
      const frame = await reader.next();
      if (frame === null) throw new RecordSpoolError('the spool file ends before its end frame');
      if (frame.type === 'end') {
        checkEnd(frame, frames, records, stamp, reader);
        return;
      }
      if (frame.type !== 'records') throw new RecordSpoolError('the spool file has a second header frame');
      frames += 1;
      records += frame.records.length;
      yield batchOfFrame(frame);
    }
  } catch (error) {
    await rm(path, { force: true });
    throw error instanceof RecordSpoolError ? error : new RecordSpoolError(`reading the spool file failed: ${(error as Error).message}`);
  } finally {
    await reader?.close();
  }
}

function checkEnd(frame: Extract<SpoolFrame, { type: 'end' }>, frames: number, records: number, stamp: RecordSpoolStamp, reader: FrameReader): void {
  if (frame.frames !== frames || frame.records !== records || stamp.frames !== frames || stamp.records !== records) {
    throw new RecordSpoolError(`the spool file has ${frames} frames of ${records} records, but its end frame or the plan counts others`);
  }
  if (reader.position !== stamp.bytes) throw new RecordSpoolError('the spool file goes on after its end frame');
}

/** Reads the frames of a spool file one at a time, so only one frame is in memory. */
class FrameReader {
  /** Offset of the next byte to read. */
  position = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly size: number,
  ) {}

  /** Returns the next frame, or null at the end of the file. */
  async next(): Promise<SpoolFrame | null> {
    if (this.position === this.size) return null;
    const length = (await this.read(FRAME_PREFIX_BYTES)).readUInt32LE(0);
    return decodeFrame(await this.read(length));
  }

  /** Reads the next `length` bytes. The file's size, known beforehand, bounds what a damaged length can request. */
  async read(length: number): Promise<Buffer> {
    if (length > this.size - this.position) throw new RecordSpoolError('a frame runs past the end of the spool file');
    const buffer = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, this.position + done);
      if (bytesRead === 0) throw new RecordSpoolError('the spool file is shorter than it was');
      done += bytesRead;
    }
    this.position += length;
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
