import { randomUUID } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { Logger } from '../../server/observability/logger.js';
import { encodeFrame, SPOOL_MAGIC, type RecordsFrame, type RecordSpoolStamp, type SpoolFrame, type SpoolSource } from './record-spool.js';
import { MAX_ROW_CHARS } from './sheet-xml-scanner.js';
import { UnreadableCell } from './spreadsheet.js';
import type { RecordBatch } from './table-source.js';

/**
 * Characters of string cells after which a batch continues in a new frame. Serializing a frame
 * copies every string once per cell, even a shared string stored once in memory, so the cap keeps
 * the strings of a frame near this size. Only a single record with more text makes a longer frame.
 */
export const FRAME_CHARS = 1024 * 1024;

/**
 * Maximum characters of string cells in one record that the spool stores. A shared string is held once
 * in memory however many cells show it, but serialized once per cell, so a row repeating a long
 * shared string could otherwise need gigabytes to serialize. Past this the spool is abandoned.
 */
export const MAX_RECORD_CHARS = MAX_ROW_CHARS;

/**
 * Maximum bytes a spool may have for each byte of the workbook, and the minimum limit for a small
 * workbook. The benchmark workbook (50,000 rows of 20 cells) spools to 1.3 times its size. Long
 * shared strings repeated in many cells can make a spool far larger than its workbook, so a spool
 * that grows past the limit is abandoned and a small file cannot fill the disk.
 */
export const SPOOL_BYTES_PER_WORKBOOK_BYTE = 8;
export const MIN_SPOOL_LIMIT_BYTES = 64 * 1024 * 1024;

/** Returns the size past which the spool of a workbook of `workbookBytes` is abandoned. */
export function spoolLimitBytes(workbookBytes: number): number {
  return Math.max(MIN_SPOOL_LIMIT_BYTES, SPOOL_BYTES_PER_WORKBOOK_BYTE * workbookBytes);
}

/**
 * Writes the records of a table to a record spool (see record-spool.ts) while a pass reads them.
 * The file has a temporary name until `commit` renames it into place, so a spool at the final
 * path was written to its end frame. Spooling is only an optimisation. When a cell has a type the
 * format cannot store exactly, the spool grows past its limit or a write fails, the writer abandons
 * the spool and logs why, and the pass goes on without it.
 */
export class RecordSpoolWriter {
  private handle: FileHandle | null = null;
  private readonly token = randomUUID();
  private readonly partialPath: string;
  private bytes = 0;
  private frames = 0;
  private records = 0;
  private complete = false;
  private committed = false;

  private constructor(
    readonly path: string,
    private readonly source: SpoolSource,
    private readonly maxBytes: number,
    private readonly log: Logger,
  ) {
    // Each writer has its own temporary file, so two analyses of one upload never write into the same file.
    this.partialPath = `${path}.partial-${this.token}`;
  }

  /** Starts a spool that `commit` will put at `path`, and that is abandoned when it would grow past `maxBytes`. */
  static async create(path: string, source: SpoolSource, maxBytes: number, log: Logger): Promise<RecordSpoolWriter> {
    const writer = new RecordSpoolWriter(path, source, maxBytes, log);
    await writer.start();
    return writer;
  }

  /** Passes the batches on unchanged, writing each to the spool before the consumer receives it. */
  async *record(batches: AsyncIterable<RecordBatch>): AsyncGenerator<RecordBatch> {
    for await (const batch of batches) {
      await this.write(batch);
      yield batch;
    }
    this.complete = true;
  }

  /**
   * Writes the end frame and renames the spool into place. Returns its stamp for the plan, or null
   * when the spool was abandoned or the consumer stopped before the last batch.
   */
  async commit(): Promise<RecordSpoolStamp | null> {
    const handle = this.handle;
    if (handle === null || this.committed) return null;
    if (!this.complete) {
      await this.abandon('the pass stopped before the end of the table');
      return null;
    }

    try {
      await this.append({ type: 'end', frames: this.frames, records: this.records });
      await handle.datasync();
      await handle.close();
      this.handle = null;
      await rename(this.partialPath, this.path);
      this.committed = true;
    } catch (error) {
      await this.abandon(`writing the spool failed: ${(error as Error).message}`);
      return null;
    }
    this.log.debug({ spool: this.path, bytes: this.bytes, records: this.records }, 'record spool written');
    return { token: this.token, bytes: this.bytes, frames: this.frames, records: this.records };
  }

  /** Removes the temporary file of a spool that was not committed. After `commit` it does nothing. */
  async abort(): Promise<void> {
    if (this.committed) return;
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }

  private async start(): Promise<void> {
    try {
      this.handle = await open(this.partialPath, 'wx');
      await this.writeFully(SPOOL_MAGIC);
      await this.append({ type: 'header', token: this.token, source: this.source });
    } catch (error) {
      await this.abandon(`the spool file cannot be written: ${(error as Error).message}`);
    }
  }

  private async write(batch: RecordBatch): Promise<void> {
    if (this.handle === null) return;
    const frames = framesOf(batch);
    if (typeof frames === 'string') {
      await this.abandon(frames);
      return;
    }
    for (const frame of frames) {
      const encoded = encodeFrame(frame);
      if (this.bytes + encoded.length > this.maxBytes) {
        await this.abandon(`the spool would grow past ${this.maxBytes} bytes, its limit for this workbook`);
        return;
      }
      try {
        await this.writeFully(encoded);
      } catch (error) {
        await this.abandon(`writing the spool failed: ${(error as Error).message}`);
        return;
      }
      this.frames += 1;
      this.records += frame.records.length;
    }
  }

  private async append(frame: SpoolFrame): Promise<void> {
    await this.writeFully(encodeFrame(frame));
  }

  // FileHandle.writeFile writes the whole buffer at the current position, repeating short writes.
  private async writeFully(buffer: Buffer): Promise<void> {
    await this.handle!.writeFile(buffer);
    this.bytes += buffer.length;
  }

  private async abandon(reason: string): Promise<void> {
    this.log.info({ spool: this.path, reason }, 'record spool abandoned; later passes read the table file');
    await this.abort();
  }
}

/**
 * Splits a batch into frames of at most FRAME_CHARS characters of strings (a single longer record
 * makes a frame of its own), listing the UnreadableCells of each. Returns the reason instead when
 * a cell is of a type that `v8.serialize` would not give back as it is.
 */
function framesOf(batch: RecordBatch): RecordsFrame[] | string {
  if (batch.records.length === 0) return [frameOf(batch, 0, 0, [])];
  const frames: RecordsFrame[] = [];
  let start = 0;
  let chars = 0;
  let unreadable: number[] = [];

  for (let index = 0; index < batch.records.length; index += 1) {
    const record = batch.records[index]!;
    let recordChars = 0;
    for (let column = 0; column < record.length; column += 1) {
      const cell = record[column];
      if (typeof cell === 'string') recordChars += cell.length;
      else if (cell instanceof UnreadableCell) unreadable.push(index - start, column);
      else if (!isPlainCell(cell)) return `cell ${column + 1} of row ${batch.rowNumbers[index]} is ${describe(cell)}, which the spool cannot store`;
    }
    if (recordChars > MAX_RECORD_CHARS) return `row ${batch.rowNumbers[index]} has more than ${MAX_RECORD_CHARS} characters of text, more than the spool stores in one row`;
    chars += recordChars;
    if (chars >= FRAME_CHARS || index === batch.records.length - 1) {
      frames.push(frameOf(batch, start, index + 1, unreadable));
      start = index + 1;
      chars = 0;
      unreadable = [];
    }
  }
  return frames;
}

function isPlainCell(cell: unknown): boolean {
  return cell === undefined || cell === null || typeof cell === 'number' || typeof cell === 'boolean';
}

function describe(cell: unknown): string {
  if (typeof cell !== 'object' || cell === null) return `a ${typeof cell}`;
  return `an object of class ${cell.constructor?.name ?? 'none'}`;
}

function frameOf(batch: RecordBatch, start: number, end: number, unreadable: number[]): RecordsFrame {
  const whole = start === 0 && end === batch.records.length;
  const rowNumbers = whole ? batch.rowNumbers : batch.rowNumbers.slice(start, end);
  return {
    type: 'records',
    records: whole ? batch.records : batch.records.slice(start, end),
    rowNumbers,
    fraction: batch.fraction,
    unreadable,
    errors: batch.errors.size === 0 ? [] : rowNumbers.flatMap((rowNumber) => (batch.errors.has(rowNumber) ? [[rowNumber, batch.errors.get(rowNumber)!] as [number, string]] : [])),
  };
}
