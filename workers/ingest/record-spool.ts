import { deserialize, serialize } from 'node:v8';
import { FORMULA_WITHOUT_VALUE, UNREADABLE_KINDS, UnreadableCell, type UnreadableKind } from './spreadsheet.js';
import type { RecordBatch, TableLocation } from './table-source.js';

/**
 * A record spool is a file of the records that the analysis read from a workbook, so the
 * validation and the load read them back instead of unzipping and parsing the sheet again.
 *
 * Layout: SPOOL_MAGIC, then frames. A frame is a 4-byte little-endian length followed by that many
 * bytes of `v8.serialize` output. The first frame is a HeaderFrame, then come RecordsFrames, and
 * the last frame is an EndFrame. On Node 20, `v8.serialize` keeps strings (lone surrogates
 * included), numbers (-0, NaN and the infinities included), booleans, null, undefined and the
 * holes of sparse arrays, as test/unit/ingest-record-spool.test.ts checks. It drops prototypes, so
 * UnreadableCells are listed by position and rebuilt on reading.
 */
export const SPOOL_MAGIC = Buffer.from('FPRSPL01', 'latin1');

/** Bytes of a frame's length prefix. */
export const FRAME_PREFIX_BYTES = 4;

/** The table a spool was read from, which the load compares with the table it would read. */
export interface SpoolSource {
  file: string;
  format: TableLocation['format'];
  entry: string | null;
  sheet: string | null;
}

/**
 * The record of a complete spool that the analysis stores in its plan. A spool file is used only
 * when its header carries the same token and its size, frame count and record count match.
 */
export interface RecordSpoolStamp {
  /** Random id that the analysis wrote into the spool's header. */
  token: string;
  /** Size of the spool file in bytes. */
  bytes: number;
  /** Number of RecordsFrames. */
  frames: number;
  /** Number of records (rows, blank ones included) in all frames. */
  records: number;
}

/** The first frame: which analysis wrote the spool and from which table. */
export interface HeaderFrame {
  type: 'header';
  token: string;
  source: SpoolSource;
}

/** Consecutive records of one RecordBatch, or all of it. */
export interface RecordsFrame {
  type: 'records';
  records: unknown[][];
  rowNumbers: number[];
  fraction: number;
  /** Positions of UnreadableCells as pairs of (record index in this frame, column). */
  unreadable: number[];
  /** Syntax errors of records by row number, as in RecordBatch.errors. */
  errors: [number, string][];
}

/** The last frame, written only when every batch of the table was spooled. */
export interface EndFrame {
  type: 'end';
  frames: number;
  records: number;
}

/** A frame of a spool file. */
export type SpoolFrame = HeaderFrame | RecordsFrame | EndFrame;

/** A spool file that does not read as the format above; the spool must not be used. */
export class RecordSpoolError extends Error {
  override name = 'RecordSpoolError';
}

/** Returns the spool source of a table location. */
export function spoolSourceOf(location: TableLocation): SpoolSource {
  return { file: location.file, format: location.format, entry: location.entry, sheet: location.sheet };
}

/** Tells whether two spool sources name the same table. */
export function sameSpoolSource(left: SpoolSource, right: SpoolSource): boolean {
  return left.file === right.file && left.format === right.format && left.entry === right.entry && left.sheet === right.sheet;
}

/** Encodes a frame with its length prefix. */
export function encodeFrame(frame: SpoolFrame): Buffer {
  const payload = serialize(frame);
  const prefix = Buffer.alloc(FRAME_PREFIX_BYTES);
  prefix.writeUInt32LE(payload.length);
  return Buffer.concat([prefix, payload]);
}

/** Decodes a frame's payload and checks its shape; throws RecordSpoolError when it is not a frame. */
export function decodeFrame(payload: Buffer): SpoolFrame {
  let frame: unknown;
  try {
    frame = deserialize(payload);
  } catch (error) {
    throw new RecordSpoolError(`a frame cannot be deserialized: ${(error as Error).message}`);
  }
  if (isHeaderFrame(frame) || isEndFrame(frame)) return frame;
  if (isRecordsFrame(frame)) return restoreUnreadable(frame);
  throw new RecordSpoolError('a frame is neither a header, records nor an end frame');
}

/** Returns the RecordBatch that a RecordsFrame carries. */
export function batchOfFrame(frame: RecordsFrame): RecordBatch {
  return { records: frame.records, rowNumbers: frame.rowNumbers, errors: new Map(frame.errors), fraction: frame.fraction };
}

function isHeaderFrame(value: unknown): value is HeaderFrame {
  const frame = value as Partial<HeaderFrame> | null;
  return typeof frame === 'object' && frame !== null && frame.type === 'header' && typeof frame.token === 'string' && typeof frame.source === 'object' && frame.source !== null;
}

function isEndFrame(value: unknown): value is EndFrame {
  const frame = value as Partial<EndFrame> | null;
  return typeof frame === 'object' && frame !== null && frame.type === 'end' && Number.isInteger(frame.frames) && Number.isInteger(frame.records);
}

function isRecordsFrame(value: unknown): value is RecordsFrame {
  const frame = value as Partial<RecordsFrame> | null;
  if (typeof frame !== 'object' || frame === null || frame.type !== 'records') return false;
  if (!Array.isArray(frame.records) || !Array.isArray(frame.rowNumbers) || frame.records.length !== frame.rowNumbers.length) return false;
  if (!frame.records.every(Array.isArray)) return false;
  return typeof frame.fraction === 'number' && Array.isArray(frame.unreadable) && frame.unreadable.length % 2 === 0 && Array.isArray(frame.errors);
}

/** Puts UnreadableCell instances back where the frame lists them; `v8.serialize` stored them as plain objects. */
function restoreUnreadable(frame: RecordsFrame): RecordsFrame {
  for (let index = 0; index < frame.unreadable.length; index += 2) {
    const record = frame.records[frame.unreadable[index]!];
    const column = frame.unreadable[index + 1]!;
    if (record === undefined || !Number.isInteger(column)) throw new RecordSpoolError('a frame lists an unreadable cell outside its records');
    record[column] = unreadableCellOf(record[column]);
  }
  return frame;
}

function unreadableCellOf(value: unknown): UnreadableCell {
  const fields = value as { kind?: unknown; text?: unknown; reason?: unknown } | null;
  if (typeof fields !== 'object' || fields === null || !isUnreadableKind(fields.kind) || typeof fields.text !== 'string' || typeof fields.reason !== 'string') {
    throw new RecordSpoolError('a frame lists an unreadable cell whose fields are not kind, text and reason');
  }
  const same = fields.kind === FORMULA_WITHOUT_VALUE.kind && fields.text === FORMULA_WITHOUT_VALUE.text && fields.reason === FORMULA_WITHOUT_VALUE.reason;
  return same ? FORMULA_WITHOUT_VALUE : new UnreadableCell(fields.kind, fields.text, fields.reason);
}

function isUnreadableKind(value: unknown): value is UnreadableKind {
  return (UNREADABLE_KINDS as readonly unknown[]).includes(value);
}
